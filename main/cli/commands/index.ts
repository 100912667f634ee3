import type { Command } from 'commander';
import { registerStatus } from './status';
import { registerDetect } from './detect';

/** Every CLI command; one file per command (or command family). */
export function registerCommands(program: Command): void {
  registerStatus(program);
  registerDetect(program);
}
