import { Command } from 'commander';
import { openCore } from '../shared/open-core';
import { rendererDir } from '../shared/paths';
import { startWebHost } from './server';
import { toErrorShape } from '../../app/domain/errors';

const program = new Command('mergedesk-web')
  .description('Serve Mergedesk to a browser on this computer only (127.0.0.1).')
  .option('--workspace <dir>', 'workspace folder (default: MERGEDESK_HOME or the user-data folder)')
  .option('--port <port>', 'port to listen on (default: a free one)', (v) => Number.parseInt(v, 10))
  .option('--token <token>', 'session token (default: random per run)')
  .parse();

const opts = program.opts<{ workspace?: string; port?: number; token?: string }>();

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
  const stop = async () => {
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
