import type { Workspace } from '../workspace/workspace';
import type { EventBus } from './event-bus';
import type { Clock } from '../ports/clock';
import type { ConnectorRegistry } from '../connectors/registry';
import type { ClientCache } from './client-cache';

export type HostKind = 'electron' | 'web' | 'cli';

/** What every handler may use. Long-running services hang off `services` and are created once per core. */
export interface CoreContext {
  readonly workspace: Workspace;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly host: HostKind;
  readonly version: string;
  /** The connectors this core was built with (`createCore({ connectors })`). */
  readonly connectors: ConnectorRegistry;
  /** One client per connection for this core; dropped whenever the connection changes. */
  readonly clients: ClientCache;
}
