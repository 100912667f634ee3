import type { Command } from 'commander';
import { registerStatus } from './status';
import { registerConnectWordPress } from './connect-wordpress';
import { registerMembers } from './members';
import { registerMerge } from './merge';

/** Every CLI command; one file per command (or command family). */
export function registerCommands(program: Command): void {
  registerStatus(program);
  registerConnectWordPress(program);
  registerMembers(program);
  registerMerge(program);
}
