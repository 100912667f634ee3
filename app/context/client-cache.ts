/**
 * The clients one core has built, by connection id. A connection's URL or key can change under a running core
 * (`connections/edit`, a sandbox restart on new ports), so every change to a connection drops its client here
 * and the next call builds one from what is stored now.
 */
export class ClientCache<T = unknown> {
  private readonly clients = new Map<string, T>();

  get<C extends T>(connectionId: string, build: () => C): C {
    const hit = this.clients.get(connectionId);
    if (hit !== undefined) return hit as C;
    const client = build();
    this.clients.set(connectionId, client);
    return client;
  }

  /** Drops one connection's client, or every client when no id is given. */
  forget(connectionId?: string): void {
    if (connectionId === undefined) this.clients.clear();
    else this.clients.delete(connectionId);
  }
}
