import { Command, CommanderError } from 'commander';
import { APP_VERSION } from '../../app/version';
import { registerCommands } from './commands';
import { EXIT } from './exit-codes';

/** Examples shown under `mergedesk --help`; a line appears only when its command is registered. */
const EXAMPLES: readonly { readonly command: string | null; readonly line: string; readonly what: string }[] =
  [
    { command: 'status', line: 'mergedesk status', what: 'what the local cache holds' },
    {
      command: 'sandbox',
      line: 'mergedesk sandbox --help',
      what: 'try everything on the built-in demo CRM and site',
    },
    { command: 'connect', line: 'mergedesk connect --help', what: 'add a Keap account or a WordPress site' },
    { command: 'sync', line: 'mergedesk sync', what: 'refresh the cache from every connection' },
    { command: 'detect', line: 'mergedesk detect', what: 'find duplicates, offline' },
    { command: 'groups', line: 'mergedesk groups --json', what: 'list duplicate groups as JSON' },
    { command: 'journal', line: 'mergedesk journal', what: 'what every merge did, step by step' },
    {
      command: null,
      line: 'mergedesk --workspace ~/mergedesk-test status',
      what: 'use another workspace (or set MERGEDESK_HOME)',
    },
  ];

function examplesText(program: Command): string {
  const registered = new Set(program.commands.map((c) => c.name()));
  const shown = EXAMPLES.filter((e) => e.command === null || registered.has(e.command));
  const width = Math.max(...shown.map((e) => e.line.length));
  return [
    '',
    'Examples:',
    ...shown.map((e) => `  $ ${e.line.padEnd(width)}  # ${e.what}`),
    '',
    `Exit codes: 0 ok, ${EXIT.FAILURE} failure, ${EXIT.USAGE} usage, ${EXIT.NOT_FOUND} not found, ${EXIT.AUTH} authentication, ` +
      `${EXIT.REFUSED} refused by a safety guard, ${EXIT.UNREACHABLE} service unreachable, ${EXIT.CANCELLED} cancelled.`,
    'Add --json to any command for machine-readable output (errors too: {"error": {code, message}}).',
  ].join('\n');
}

/**
 * The CLI program. Commander is told not to exit or print errors itself: `runCli` turns its usage errors into one
 * line with a hint and exit code 2, and into JSON under --json.
 */
export function buildProgram(): Command {
  const program = new Command('mergedesk')
    .description('Find and merge duplicate CRM contacts without losing anyone’s membership access.')
    .version(APP_VERSION, '-V, --version', 'print the version')
    .option('--workspace <dir>', 'workspace folder (default: $MERGEDESK_HOME, then the user-data folder)')
    .option('--json', 'machine-readable output on stdout')
    .option('--no-sandbox', 'do not start the embedded sandbox CRM (a new workspace otherwise gets one)')
    .helpOption('-h, --help', 'show help for a command')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: () => undefined });
  program.helpCommand('help [command]', 'show help for a command');
  registerCommands(program);
  program.addHelpText('after', () => examplesText(program));
  return program;
}

export interface CliOutcome {
  readonly exitCode: number;
}

/** Commander codes for a successful early exit (help or version shown). */
const CLEAN_EXITS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

export function usageLine(error: CommanderError): string {
  return error.message
    .replace(/^error:\s*/i, '')
    .split('\n')[0]!
    .trim();
}

/**
 * Parses and runs one command line. Usage mistakes exit 2 with a one-line hint; anything unexpected exits 1 with
 * its message only, never a stack trace.
 */
export async function runCli(
  argv: readonly string[],
  io: { out(text: string): void; err(text: string): void } = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  },
): Promise<number> {
  const program = buildProgram();
  const json = argv.includes('--json');
  if (argv.length <= 2) {
    io.out(program.helpInformation());
    io.out(`${examplesText(program)}\n`);
    return EXIT.OK;
  }
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (CLEAN_EXITS.has(error.code)) return EXIT.OK;
      const message = usageLine(error);
      if (json) io.out(`${JSON.stringify({ error: { code: 'USAGE', message } }, null, 2)}\n`);
      io.err(`mergedesk: ${message}\n(run mergedesk --help for usage)\n`);
      return EXIT.USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (json) io.out(`${JSON.stringify({ error: { code: 'INTERNAL', message } }, null, 2)}\n`);
    io.err(`mergedesk: ${message}\n`);
    return EXIT.FAILURE;
  }
}
