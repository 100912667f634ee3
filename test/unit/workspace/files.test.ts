import { afterEach, describe, expect, it } from 'vitest';
import {
  chmodSync,
  mkdirSync,
  openSync,
  readSync,
  closeSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { openWorkspace } from '../../../app/workspace/workspace';
import { rebuildCache } from '../../../app/workspace/rebuild';
import { FileSecretStore } from '../../../app/secrets/file-secret-store';
import { insertConnection } from '../../../app/sync/connections';
import { isAppError, toErrorShape } from '../../../app/domain/errors';
import { BUILT_IN_CONNECTORS } from '../../../app/connectors/built-in';
import { createCore } from '../../../app/api/core';
import { tempDir } from '../../helpers/workspace';

const dirs: string[] = [];
const umask = process.umask();
afterEach(() => {
  process.umask(umask);
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe('workspace files', () => {
  it('are 0600 (database, -wal, -shm, secrets) whatever the umask and the folder were', async () => {
    const dir = tempDir('md-perm-');
    dirs.push(dir);
    const ws = join(dir, 'ws');
    mkdirSync(ws, { mode: 0o777 });
    process.umask(0);
    const w = openWorkspace(ws);
    w.db.prepare(`INSERT INTO settings (key, value) VALUES ('x', '1')`).run();
    await w.secrets.set('connection:x:api-key', 'KEY-123456789');
    for (const f of [
      'mergedesk.db',
      'mergedesk.db-wal',
      'mergedesk.db-shm',
      'secrets.key',
      'secrets.sealed.json',
    ])
      expect([f, mode(join(ws, f))]).toEqual([f, '600']);
    w.close();
  });

  it('tightens the files of a workspace created before, by a looser version', () => {
    const dir = tempDir('md-perm-');
    dirs.push(dir);
    process.umask(0);
    openWorkspace(dir).close();
    chmodSync(join(dir, 'mergedesk.db'), 0o644);
    const w = openWorkspace(dir);
    expect(mode(join(dir, 'mergedesk.db'))).toBe('600');
    w.close();
  });
});

describe('a damaged secrets file', () => {
  it('says which connections need their key again, and entering it again works', async () => {
    const dir = tempDir('md-sec-');
    dirs.push(dir);
    const core = createCore({ workspace: openWorkspace(dir), host: 'cli', connectors: BUILT_IN_CONNECTORS });
    const ctx = core.context;
    await insertConnection(
      ctx,
      {
        kind: 'keap',
        label: 'Main Keap',
        baseUrl: 'https://api.infusionsoft.com/crm',
        account: null,
        isSandbox: false,
        testedOk: true,
      },
      'KEAP-KEY-1234567890',
    );
    const ref = (ctx.workspace.db.prepare('SELECT secret_ref FROM connections').pluck().get() as string)!;
    writeFileSync(join(dir, 'secrets.sealed.json'), '{"connection:');
    const error = await ctx.workspace.secrets.get(ref).catch((e: unknown) => e);
    expect(isAppError(error, 'SECRETS_DAMAGED')).toBe(true);
    const shape = toErrorShape(error);
    expect(shape.message).toMatch(/credentials of Main Keap cannot be read/);
    expect(shape.message).toMatch(/Enter the key again/);
    expect((shape.details as { connections: { label: string }[] }).connections.map((c) => c.label)).toEqual([
      'Main Keap',
    ]);
    await ctx.workspace.secrets.set(ref, 'KEAP-KEY-NEW-000000');
    expect(await ctx.workspace.secrets.get(ref)).toBe('KEAP-KEY-NEW-000000');
    core.close();
  });

  it('a key that no longer opens an entry is reported for that entry', async () => {
    const dir = tempDir('md-sec-');
    dirs.push(dir);
    const store = new FileSecretStore(dir);
    await store.set('a', 'one');
    writeFileSync(join(dir, 'secrets.key'), Buffer.alloc(32, 7).toString('base64'));
    const error = await store.get('a').catch((e: unknown) => e);
    expect(isAppError(error, 'SECRETS_DAMAGED')).toBe(true);
    expect((error as { refs: string[] }).refs).toEqual(['a']);
  });
});

describe('the integrity check on open', () => {
  it('a database with zeroed pages refuses writes and says what to do', () => {
    const dir = tempDir('md-dmg-');
    dirs.push(dir);
    const w = openWorkspace(dir);
    const insert = w.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    w.db.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run(`k${i}`, 'x'.repeat(200));
    })();
    w.db.pragma('wal_checkpoint(TRUNCATE)');
    w.close();
    const file = join(dir, 'mergedesk.db');
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    const page = 4096;
    const buf = Buffer.alloc(4);
    readSync(fd, buf, 0, 4, 0);
    // Zero a run of pages in the middle (not the header), as a failing disk would.
    writeSync(fd, Buffer.alloc(page * 8), 0, page * 8, Math.floor(size / page / 2) * page);
    closeSync(fd);
    const damaged = openWorkspace(dir);
    expect(damaged.damage?.problems.length).toBeGreaterThan(0);
    let caught: unknown;
    try {
      damaged.db.prepare(`INSERT INTO settings (key, value) VALUES ('after', 'damage')`).run();
    } catch (e) {
      caught = e;
    }
    const shape = toErrorShape(caught);
    expect(shape.code).toBe('DB_DAMAGED');
    expect(shape.message).toMatch(/Restore the folder from a backup, or run `mergedesk rebuild-cache`/);
    damaged.close();

    // Rebuilding keeps the damaged file aside and carries over what the user decided; the cache starts empty.
    const result = rebuildCache(dir);
    expect(statSync(result.damagedFile).size).toBe(size);
    const rebuilt = openWorkspace(dir);
    expect(rebuilt.damage).toBeNull();
    expect(result.carried).toContain('connections');
    rebuilt.db.prepare(`INSERT INTO settings (key, value) VALUES ('after', 'rebuild')`).run();
    rebuilt.close();
  });
});
