import { contract, isMethodName, type Input, type MethodName, type Output, type Result } from './contract';
import { handlers } from './handlers';
import { AppError, toErrorShape } from '../domain/errors';
import { EventBus } from '../context/event-bus';
import type { CoreContext, HostKind } from '../context/context';
import type { Workspace } from '../workspace/workspace';
import { systemClock, type Clock } from '../ports/clock';
import type { Handler } from './handlers/types';
import { APP_VERSION } from '../version';
import { ConnectorRegistry } from '../connectors/registry';
import { ClientCache } from '../context/client-cache';
import type { Connector } from '../ports/connector';
import { setFilePicker, uploadsOf, type FilePicker, type UploadStore } from '../uploads/store';

export interface CoreOptions {
  readonly workspace: Workspace;
  readonly host: HostKind;
  readonly clock?: Clock;
  /**
   * The connectors this core can use: hosts pass `BUILT_IN_CONNECTORS` (app/connectors/built-in.ts), tests pass
   * fakes. The composition root is the only place that knows concrete connectors.
   */
  readonly connectors: readonly Connector[];
  /** The desktop host's native file dialog, for `detect/csv/pick`. */
  readonly pickFile?: FilePicker;
}

/**
 * The core as every host sees it. `invoke` is the untrusted entry (IPC, HTTP): it validates the method name and
 * the input and never throws. `call` is the typed entry for in-process callers such as the CLI.
 */
export interface Core {
  readonly context: CoreContext;
  readonly events: EventBus;
  /** Files a host received for the core (a browser upload); the contract names them by token only. */
  readonly uploads: UploadStore;
  invoke(method: unknown, input: unknown): Promise<Result<unknown>>;
  call<K extends MethodName>(method: K, input: Input<K>): Promise<Output<K>>;
  close(): void;
}

export function createCore(options: CoreOptions): Core {
  const events = new EventBus();
  const context: CoreContext = {
    workspace: options.workspace,
    events,
    clock: options.clock ?? systemClock,
    host: options.host,
    version: APP_VERSION,
    connectors: new ConnectorRegistry(options.connectors),
    clients: new ClientCache(),
  };
  if (options.pickFile) setFilePicker(context, options.pickFile);

  async function run(method: MethodName, input: unknown): Promise<unknown> {
    if (exceedsDepth(input, MAX_INPUT_DEPTH)) {
      throw new AppError(
        'INVALID_INPUT',
        `Invalid input for ${method}: nested deeper than ${MAX_INPUT_DEPTH} levels.`,
      );
    }
    const parsed = contract[method].input.safeParse(input ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues;
      const shown = issues
        .slice(0, MAX_ISSUES)
        .map((i) => ({ path: issuePath(i.path), message: cap(i.message) }));
      throw new AppError(
        'INVALID_INPUT',
        `Invalid input for ${method}: ${summariseIssues(issues)}`,
        issues.length > MAX_ISSUES
          ? {
              issues: shown,
              more: issues.length - MAX_ISSUES,
              note: `and ${issues.length - MAX_ISSUES} more`,
            }
          : { issues: shown },
      );
    }
    const handler = handlers[method] as Handler<MethodName>;
    return handler(parsed.data as never, context);
  }

  return {
    context,
    events,
    uploads: uploadsOf(context),
    async invoke(method, input) {
      if (!isMethodName(method)) {
        return {
          ok: false,
          error: { code: 'UNKNOWN_METHOD', message: `Unknown method: ${describeMethodName(method)}` },
        };
      }
      try {
        return { ok: true, data: await run(method, input) };
      } catch (error) {
        return { ok: false, error: toErrorShape(error) };
      }
    },
    async call(method, input) {
      return (await run(method, input)) as Output<typeof method>;
    },
    close() {
      options.workspace.close();
    },
  };
}

const MAX_NAME_SHOWN = 80;

/** A caller's method name as an error may quote it: a string, printable, capped; anything else by its type. */
export function describeMethodName(method: unknown): string {
  if (typeof method !== 'string') return `(not a name: ${method === null ? 'null' : typeof method})`;
  const printable = method.slice(0, MAX_NAME_SHOWN * 4).replace(/[^\x20-\x7e]/g, '?');
  return printable.length > MAX_NAME_SHOWN
    ? `"${printable.slice(0, MAX_NAME_SHOWN)}…" (${method.length.toLocaleString('en')} characters)`
    : `"${printable}"`;
}

/** However wrong an input is, the answer stays small: a few issues, each short. */
const MAX_ISSUES = 20;
const MAX_INPUT_DEPTH = 32;

const cap = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max)}…` : text);

function issuePath(path: readonly PropertyKey[]): string {
  return cap(path.map(String).join('.'), 100);
}

function summariseIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const head = issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${issuePath(i.path)}: ${cap(i.message)}` : cap(i.message)))
    .join('; ');
  return issues.length > 3 ? `${head}; and ${issues.length - 3} more` : head;
}

/** True when a value nests deeper than `max` (checked before parsing, so a 2,000-deep object costs nothing). */
function exceedsDepth(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= max) return true;
    const children = Array.isArray(node) ? node : Object.values(node as Record<string, unknown>);
    for (const child of children)
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}
