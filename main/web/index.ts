import { Command } from 'commander';
import { openCore } from '../shared/open-core';
import { rendererDir } from '../shared/paths';
import { startWebHost } from './server';
import { toErrorShape } from '../../app/domain/errors';
import { ensureSandboxWorkspace, type EmbeddedSandbox } from '../../app/sandbox/embedded';

const program = new Command('mergedesk-web')
  .description('Serve Mergedesk to a browser on this computer only (127.0.0.1).')
  .option('--workspace <dir>', 'workspace folder (default: MERGEDESK_HOME or the user-data folder)')
  .option('--port <port>', 'port to listen on (default: a free one)', (v) => Number.parseInt(v, 10))
  .option('--token <token>', 'session token (default: random per run)')
  .option('--no-sandbox', 'do not start the embedded sandbox CRM (a new workspace otherwise gets one)')
  .parse();

const opts = program.opts<{ workspace?: string; port?: number; token?: string; sandbox?: boolean }>();

try {
  const core = openCore({ host: 'web', ...(opts.workspace ? { workspace: opts.workspace } : {}) });
  const host = await startWebHost({
    core,
    staticDir: rendererDir(),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.token ? { token: opts.token } : {}),
  });
  process.stdout.write(
    `Mergedesk is running for this computer only.\n` +
      `Workspace: ${core.context.workspace.dir}\n` +
      `Open: ${host.openUrl}\n` +
      `Press Ctrl+C to stop.\n`,
  );
  // The URL is printed first; the sandbox CRM and its first sync come up in the background with progress events.
  let embedded: EmbeddedSandbox | null = null;
  const embedding =
    opts.sandbox === false || process.env.MERGEDESK_NO_SANDBOX
      ? Promise.resolve()
      : ensureSandboxWorkspace(core).then(
          (e) => {
            embedded = e;
          },
          (error: unknown) => {
            process.stderr.write(
              `mergedesk-web: the sandbox CRM did not start: ${toErrorShape(error).message}\n`,
            );
          },
        );
  const stop = async () => {
    await embedding;
    await (embedded as EmbeddedSandbox | null)?.close();
    await host.close();
    core.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
} catch (error) {
  process.stderr.write(`mergedesk-web: ${toErrorShape(error).message}\n`);
  process.exit(1);
}
