import type { Command } from 'commander';
import { resolve } from 'node:path';
import { BUILT_IN_CONNECTORS } from '../../../app/connectors/built-in';
import type { CrmConnector } from '../../../app/ports/connector';
import { AppError, toErrorShape } from '../../../app/domain/errors';
import { globalOptions } from '../runtime';

/** The CRMs of this build that ship a sandbox, in the order the build lists them (the first is the default). */
const sandboxed = (): CrmConnector[] =>
  BUILT_IN_CONNECTORS.filter((c): c is CrmConnector => c.role === 'crm' && c.sandbox !== undefined);

const kindsInWords = (list: readonly CrmConnector[]) =>
  list.map((c) => c.kind).join(list.length > 2 ? ', ' : ' or ');

export function registerSandbox(program: Command): void {
  const crms = sandboxed();
  program
    .command('sandbox')
    .description(
      `Run a sandbox CRM on 127.0.0.1 until Ctrl+C: ${crms.map((c, i) => `${c.label}-compatible${i === 0 ? ' (default)' : ''}`).join(', ')}.`,
    )
    .option('--crm <kind>', kindsInWords(crms), crms[0]?.kind)
    .option('--port <port>', 'port (default: a free one)', (v) => Number.parseInt(v, 10))
    .option('--contacts <n>', 'contacts to seed', (v) => Number.parseInt(v, 10), 2000)
    .option('--seed <n>', 'seed for the generated data', (v) => Number.parseInt(v, 10), 42)
    .option('--latency <ms>', 'delay every response by this much', (v) => Number.parseInt(v, 10))
    .option('--state-dir <dir>', 'keep the state (merges, deletions) in this folder across restarts')
    .action(
      async (
        opts: {
          crm?: string;
          port?: number;
          contacts: number;
          seed: number;
          stateDir?: string;
          latency?: number;
        },
        command: Command,
      ) => {
        const json = globalOptions(command).json;
        try {
          const connector = crms.find((c) => c.kind === opts.crm);
          if (!connector?.sandbox) {
            throw new AppError(
              'INVALID_INPUT',
              `There is no ${opts.crm ?? 'CRM'} sandbox; use ${kindsInWords(crms)}.`,
            );
          }
          const sandbox = await connector.sandbox();
          const running = await sandbox.start({
            contacts: opts.contacts,
            seed: opts.seed,
            ...(opts.port !== undefined ? { port: opts.port } : {}),
            ...(opts.stateDir ? { stateDir: resolve(opts.stateDir) } : {}),
            ...(opts.latency ? { latencyMs: opts.latency } : {}),
          });
          process.stdout.write(
            json
              ? `${JSON.stringify(running.info)}\n`
              : `${[...running.lines, 'Press Ctrl+C to stop.'].join('\n')}\n`,
          );
          const stop = () => void running.close().then(() => process.exit(0));
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        } catch (error) {
          process.stderr.write(`mergedesk: ${toErrorShape(error).message}\n`);
          process.exitCode = 1;
        }
      },
    );
}
