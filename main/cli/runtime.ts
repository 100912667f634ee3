import type { Command } from 'commander';
import type { Core } from '../../app/api/core';
import { openCore } from '../shared/open-core';
import { AppError, toErrorShape } from '../../app/domain/errors';
import { exitCodeFor } from './exit-codes';
import {
  closeEmbeddedSandboxes,
  ensureSandboxWorkspace,
  type EmbeddedSandbox,
} from '../../app/sandbox/embedded';
import { listConnections } from '../../app/sync/connections';

/** Commands that must not start the embedded sandbox CRM (they configure connections or are the sandbox). */
const NO_EMBEDDED_SANDBOX = new Set(['connect', 'sandbox', 'rebuild-cache']);

/**
 * Commands that only read the workspace. They never start or repoint the sandbox of a workspace that has one (a
 * host may have it open, and its connections must keep pointing at that host's sandbox); a brand-new workspace
 * still gets its first sandbox and first sync, as every command gives it.
 */
const READ_ONLY = new Set(['status', 'journal', 'contacts', 'members', 'groups']);

export interface GlobalOptions {
  readonly workspace?: string;
  readonly json?: boolean;
  /** false under `--no-sandbox`. */
  readonly sandbox?: boolean;
}

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly isTTY: boolean;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stderr.isTTY),
};

/** Everything a command needs: the opened core, the global flags and where to print. */
export interface CommandContext {
  readonly core: Core;
  readonly options: GlobalOptions;
  readonly io: CliIo;
  /** Prints JSON under `--json`, otherwise the human text. */
  print(data: unknown, human: () => string): void;
  /** Progress on stderr, redrawn in place on a terminal. */
  progress(line: string): void;
  /** Aborted on Ctrl+C so long jobs stop cleanly. */
  readonly signal: AbortSignal;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/**
 * Runs a command body with a core and maps failures to a one-line message and a meaningful exit code; no stack
 * traces reach the user.
 */
export function action<A extends unknown[]>(
  body: (ctx: CommandContext, ...args: A) => Promise<void> | void,
  io: CliIo = processIo,
) {
  return async (...args: [...A, Command]) => {
    const command = args[args.length - 1] as Command;
    const options = globalOptions(command);
    const abort = new AbortController();
    const onSigint = () => abort.abort(new AppError('CANCELLED', 'Cancelled by the user.'));
    process.once('SIGINT', onSigint);
    let core: Core | undefined;
    let embedded: EmbeddedSandbox | null = null;
    let lastProgressLen = 0;
    try {
      core = openCore({ host: 'cli', ...(options.workspace ? { workspace: options.workspace } : {}) });
      const ctx: CommandContext = {
        core,
        options,
        io,
        signal: abort.signal,
        print(data, human) {
          if (lastProgressLen && io.isTTY) io.err('\n');
          lastProgressLen = 0;
          io.out(options.json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
        },
        progress(line) {
          if (io.isTTY) {
            io.err(`\r${line.padEnd(lastProgressLen)}`);
            lastProgressLen = line.length;
          } else io.err(`${line}\n`);
        },
      };
      if (
        options.sandbox !== false &&
        !process.env.MERGEDESK_NO_SANDBOX &&
        !NO_EMBEDDED_SANDBOX.has(command.name()) &&
        !NO_EMBEDDED_SANDBOX.has(command.parent?.name() ?? '')
      ) {
        const readOnly = READ_ONLY.has(command.name()) || READ_ONLY.has(command.parent?.name() ?? '');
        const fresh = listConnections(core.context.workspace.db).length === 0;
        if (!readOnly || fresh) embedded = await ensureSandboxWorkspace(core.context);
        if (embedded?.firstSync) {
          const off = core.events.subscribe((e) => {
            if (e.name === 'sync/progress' && !options.json) {
              const p = e.payload as { resource: string; done: number; total: number | null };
              ctx.progress(
                `Setting up the sandbox CRM: ${p.resource} ${p.done}${p.total ? `/${p.total}` : ''}`,
              );
            }
          });
          try {
            await embedded.firstSync;
          } finally {
            off();
          }
        }
      }
      await body(ctx, ...(args.slice(0, -1) as A));
      if (lastProgressLen && io.isTTY) io.err('\n');
    } catch (error) {
      if (lastProgressLen && io.isTTY) io.err('\n');
      const shape = toErrorShape(error);
      if (options.json) io.out(`${JSON.stringify({ error: shape }, null, 2)}\n`);
      io.err(`mergedesk: ${shape.message}\n`);
      process.exitCode = exitCodeFor(shape.code);
    } finally {
      process.off('SIGINT', onSigint);
      await embedded?.close().catch(() => undefined);
      if (core) await closeEmbeddedSandboxes(core.context).catch(() => undefined);
      core?.close();
    }
  };
}
