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

export interface CoreOptions {
  readonly workspace: Workspace;
  readonly host: HostKind;
  readonly clock?: Clock;
  /**
   * The connectors this core can use: hosts pass `BUILT_IN_CONNECTORS` (app/connectors/built-in.ts), tests pass
   * fakes. The composition root is the only place that knows concrete connectors.
   */
  readonly connectors: readonly Connector[];
}

/**
 * The core as every host sees it. `invoke` is the untrusted entry (IPC, HTTP): it validates the method name and
 * the input and never throws. `call` is the typed entry for in-process callers such as the CLI.
 */
export interface Core {
  readonly context: CoreContext;
  readonly events: EventBus;
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

  async function run(method: MethodName, input: unknown): Promise<unknown> {
    const parsed = contract[method].input.safeParse(input ?? {});
    if (!parsed.success) {
      throw new AppError(
        'INVALID_INPUT',
        `Invalid input for ${method}: ${summariseIssues(parsed.error.issues)}`,
        {
          issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
      );
    }
    const handler = handlers[method] as Handler<MethodName>;
    return handler(parsed.data as never, context);
  }

  return {
    context,
    events,
    async invoke(method, input) {
      if (!isMethodName(method)) {
        return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method: ${String(method)}` } };
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

function summariseIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}
