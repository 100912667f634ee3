import type { Db } from '../store/database';
import type { SecretStore, SecretStoreInfo } from '../ports/secret-store';
import { AppError, isAppError } from '../domain/errors';
import { listConnections } from '../sync/connections';

export type CredentialState = 'ok' | 'missing' | 'damaged';

export interface ConnectionCredential {
  readonly connectionId: string;
  readonly label: string;
  readonly kind: string;
  readonly state: CredentialState;
}

/** Each connection's stored credential: readable, missing, or damaged (it must be entered again). */
export async function credentialStates(db: Db, store: SecretStore): Promise<ConnectionCredential[]> {
  const out: ConnectionCredential[] = [];
  for (const row of listConnections(db)) {
    if (!row.secret_ref) continue;
    let state: CredentialState;
    try {
      state = (await store.get(row.secret_ref)) ? 'ok' : 'missing';
    } catch {
      state = 'damaged';
    }
    out.push({ connectionId: row.id, label: row.label, kind: row.kind, state });
  }
  return out;
}

const list = (labels: readonly string[]) =>
  labels.length <= 1
    ? (labels[0] ?? '')
    : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]!}`;

/**
 * The workspace's secret store, saying in its errors which connections need their credentials entered again
 * (the store alone knows only opaque refs).
 */
export class NamedSecretStore implements SecretStore {
  constructor(
    private readonly inner: SecretStore,
    private readonly db: Db,
  ) {}

  describe(): SecretStoreInfo {
    return this.inner.describe();
  }

  async get(ref: string): Promise<string | undefined> {
    try {
      return await this.inner.get(ref);
    } catch (error) {
      if (!isAppError(error, 'SECRETS_DAMAGED')) throw error;
      const damaged = (await credentialStates(this.db, this.inner)).filter((c) => c.state === 'damaged');
      const reason = (error.details as { reason?: string } | undefined)?.reason ?? 'they are damaged';
      throw new AppError(
        'SECRETS_DAMAGED',
        damaged.length === 0
          ? `A stored credential cannot be read (${reason}). Enter the key again for the connection.`
          : `The stored credentials of ${list(damaged.map((c) => c.label))} cannot be read (${reason}). ` +
              `Enter ${damaged.length === 1 ? 'its key' : 'their keys'} again (Connections → "Enter the key again"); ` +
              'nothing else in the workspace is affected.',
        { reason, connections: damaged },
      );
    }
  }

  set(ref: string, value: string): Promise<void> {
    return this.inner.set(ref, value);
  }

  delete(ref: string): Promise<void> {
    return this.inner.delete(ref);
  }
}
