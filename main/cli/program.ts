import { Command } from 'commander';
import { APP_VERSION } from '../../app/version';
import { registerCommands } from './commands';

export function buildProgram(): Command {
  const program = new Command('mergedesk')
    .description('Find and merge duplicate CRM contacts without losing anyone’s membership access.')
    .version(APP_VERSION, '-V, --version', 'print the version')
    .option('--workspace <dir>', 'workspace folder (default: $MERGEDESK_HOME, then the user-data folder)')
    .option('--json', 'machine-readable output on stdout')
    .option('--no-sandbox', 'do not start the embedded sandbox CRM (a new workspace otherwise gets one)')
    .showHelpAfterError('(run mergedesk --help for usage)');
  registerCommands(program);
  return program;
}
