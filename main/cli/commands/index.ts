import type { Command } from 'commander';
import { registerStatus } from './status';
import { registerConnect } from './connect';
import { registerSync } from './sync';
import { registerContacts } from './contacts';
import { registerSandbox } from './sandbox';
import { registerConnectWordPress } from './connect-wordpress';
import { registerMembers } from './members';
import { registerMerge } from './merge';
import { registerDetect } from './detect';
import { registerRebuild } from './rebuild';
import { registerNotDuplicate } from './not-duplicate';

/** Every CLI command; one file per command (or command family). */
export function registerCommands(program: Command): void {
  registerStatus(program);
  registerConnect(program);
  registerSync(program);
  registerContacts(program);
  registerSandbox(program);
  registerConnectWordPress(program);
  registerMembers(program);
  registerMerge(program);
  registerDetect(program);
  registerNotDuplicate(program);
  registerRebuild(program);
}
