import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { damageOf, openDatabase, type DamageReport, type Db } from '../store/database';
import { DATABASE_FILE } from './paths';
import { FileSecretStore } from '../secrets/file-secret-store';
import { NamedSecretStore } from '../secrets/credentials';
import type { SecretStore } from '../ports/secret-store';

export interface Workspace {
  readonly dir: string;
  readonly db: Db;
  readonly secrets: SecretStore;
  /** What the integrity check found when the workspace was opened; null when it is sound. */
  readonly damage: DamageReport | null;
  close(): void;
}

export interface OpenWorkspaceOptions {
  /** Electron passes its safeStorage-backed store; other hosts get the encrypted-file store. */
  readonly secrets?: SecretStore;
  /** `PRAGMA quick_check` before anything is written (hosts do; tests over throwaway folders may skip it). */
  readonly integrityCheck?: boolean;
}

/**
 * Opens a workspace folder, creating it on first use. Several hosts may open a new folder at the same moment:
 * the folder and database are created idempotently, the schema is migrated under the write lock and the secrets
 * key is created exclusively, so every one of them ends up on the same workspace.
 */
export function openWorkspace(dir: string, options: OpenWorkspaceOptions = {}): Workspace {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const db = openDatabase(join(dir, DATABASE_FILE), { integrityCheck: options.integrityCheck ?? true });
  let closed = false;
  return {
    dir,
    db,
    secrets: new NamedSecretStore(options.secrets ?? new FileSecretStore(dir), db),
    damage: damageOf(db),
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
