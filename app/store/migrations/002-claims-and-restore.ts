import type { Migration } from './types';

/**
 * One owner at a time: `claims` holds who runs a merge run or a restore (resource `run:<id>`) and who serves the
 * workspace's embedded sandbox (resource `sandbox`), each with a heartbeat so a holder that died is taken over.
 * `restore_steps` journals a restore the way `merge_steps` journals a merge, so a killed restore resumes.
 */
export const claimsAndRestore: Migration = {
  version: 2,
  name: 'claims-and-restore',
  up: `
    CREATE TABLE claims (
      resource TEXT PRIMARY KEY,
      holder TEXT NOT NULL,
      pid INTEGER NOT NULL,
      hostname TEXT NOT NULL,
      host_kind TEXT NOT NULL,
      purpose TEXT NOT NULL,
      claimed_at INTEGER NOT NULL,
      heartbeat_at INTEGER NOT NULL,
      data TEXT
    ) WITHOUT ROWID;

    CREATE TABLE restore_steps (
      run_id TEXT NOT NULL REFERENCES merge_runs(id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      name TEXT NOT NULL,
      target TEXT,
      status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      started_at TEXT,
      finished_at TEXT,
      request TEXT,
      response TEXT,
      error TEXT,
      PRIMARY KEY (run_id, seq)
    ) WITHOUT ROWID;
  `,
};
