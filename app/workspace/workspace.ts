import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { openDatabase, type Db } from '../store/database';
import { DATABASE_FILE } from './paths';
import { FileSecretStore } from '../secrets/file-secret-store';
import type { SecretStore } from '../ports/secret-store';

export interface Workspace {
  readonly dir: string;
  readonly db: Db;
  readonly secrets: SecretStore;
  close(): void;
}

export interface OpenWorkspaceOptions {
  /** Electron passes its safeStorage-backed store; other hosts get the encrypted-file store. */
  readonly secrets?: SecretStore;
}

export function openWorkspace(dir: string, options: OpenWorkspaceOptions = {}): Workspace {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const db = openDatabase(join(dir, DATABASE_FILE));
  let closed = false;
  return {
    dir,
    db,
    secrets: options.secrets ?? new FileSecretStore(dir),
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
