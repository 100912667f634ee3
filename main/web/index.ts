import { Command, InvalidArgumentError } from 'commander';
import { openCore } from '../shared/open-core';
import { rendererDir } from '../shared/paths';
import { startWebHost } from './server';
import { openBrowser } from './open-browser';
import { toErrorShape } from '../../app/domain/errors';
import {
  closeEmbeddedSandboxes,
  ensureSandboxWorkspace,
  type EmbeddedSandbox,
} from '../../app/sandbox/embedded';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('not a port number');
  return port;
}

const program = new Command('mergedesk-web')
  .description('Serve Mergedesk to a browser on this computer only (127.0.0.1).')
  .option('--workspace <dir>', 'workspace folder (default: MERGEDESK_HOME or the user-data folder)')
  .option('--port <port>', 'port to listen on (default: a free one)', parsePort)
  .option('--token <token>', 'session token (default: random per run)')
  .option('--open', 'open the app in the default browser once it is ready')
  .option('--log-requests', 'print one line per HTTP request on stderr (paths only, never the token)')
  .option('--no-sandbox', 'do not start the embedded sandbox CRM (a new workspace otherwise gets one)')
  .parse();

const opts = program.opts<{
  workspace?: string;
  port?: number;
  token?: string;
  open?: boolean;
  logRequests?: boolean;
  sandbox?: boolean;
}>();

try {
  const core = openCore({ host: 'web', ...(opts.workspace ? { workspace: opts.workspace } : {}) });
  const host = await startWebHost({
    core,
    staticDir: rendererDir(),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.token ? { token: opts.token } : {}),
    ...(opts.logRequests || process.env.MERGEDESK_LOG_REQUESTS === '1'
      ? { log: (line: string) => process.stderr.write(`${line}\n`) }
      : {}),
  });
  process.stdout.write(
    `Mergedesk is running for this computer only.\n` +
      `Workspace: ${core.context.workspace.dir}\n` +
      `Open: ${host.openUrl}\n` +
      `Press Ctrl+C to stop.\n`,
  );
  if (opts.open && !(await openBrowser(host.openUrl))) {
    process.stderr.write('Could not open a browser here; open the link above yourself.\n');
  }

  // The URL is printed first; the sandbox CRM and its first sync come up in the background with progress events.
  let embedded: EmbeddedSandbox | null = null;
  const embedding =
    opts.sandbox === false || process.env.MERGEDESK_NO_SANDBOX
      ? Promise.resolve()
      : ensureSandboxWorkspace(core.context, {
          // Another host serves the sandbox now: take it over when that host exits.
          onTakeOver: (e) => {
            embedded = e;
          },
        }).then(
          (e) => {
            embedded = e;
          },
          (error: unknown) => {
            process.stderr.write(
              `mergedesk-web: the sandbox CRM did not start: ${toErrorShape(error).message}\n`,
            );
          },
        );

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl+C means "now": the journal makes an interrupted merge resumable anyway.
      process.stderr.write(`\nStopping immediately (${signal}).\n`);
      process.exit(130);
    }
    stopping = true;
    process.stderr.write('\nStopping Mergedesk: letting running calls finish…\n');
    await embedding;
    await (embedded as EmbeddedSandbox | null)?.close();
    await closeEmbeddedSandboxes(core.context);
    await host.close();
    core.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  const inUse = (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
  const message = inUse
    ? `Port ${opts.port} is already in use. Choose another with --port, or leave it out to get a free one.`
    : toErrorShape(error).message;
  process.stderr.write(`mergedesk-web: ${message}\n`);
  process.exit(1);
}
