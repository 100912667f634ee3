import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { openWorkspace, type Workspace } from '../../app/workspace/workspace';
import { openDatabase } from '../../app/store/database';
import { ContactsRepo } from '../../app/store/contacts-repo';
import { startFeatureLoader, type LoadedChunk } from '../../app/detect/feature-loader';
import { extractFeatures, FeatureMemo } from '../../app/detect/features';
import { recordChunks } from '../../app/detect/store';
import { useDetectWorkerFile } from '../../app/detect/threads';
import type { CrmContact } from '../../app/ports/crm';
import { tempDir } from '../helpers/workspace';

const contact = (i: number): CrmContact => ({
  id: String(1000 + i),
  givenName: ['Ann', 'Bob', 'Émile', 'José', 'Li'][i % 5]!,
  familyName: `Family${i % 41}`,
  emails: [{ slot: 'EMAIL1', email: `person${i}@example.com` }],
  phones: i % 2 ? [{ slot: 'PHONE1', number: `+1415555${String(1000 + i).padStart(4, '0')}` }] : [],
  addresses: [],
  tagIds: [],
  updatedAt: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00.000Z`,
  raw: { id: i },
});

describe('the second thread that reads and normalises half of a full scan', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    useDetectWorkerFile(null);
    while (cleanups.length) cleanups.pop()!();
  });

  function workspace(): Workspace {
    const dir = tempDir('md-loader-');
    const ws = openWorkspace(dir);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    cleanups.push(() => ws.close());
    ws.db
      .prepare(
        `INSERT INTO connections (id, kind, label, base_url, created_at) VALUES ('k', 'keap', 'Keap', 'http://x', ?)`,
      )
      .run('2026-01-01T00:00:00.000Z');
    new ContactsRepo(ws.db, 'k').saveContacts(
      Array.from({ length: 700 }, (_, i) => contact(i)),
      '2026-01-01T00:00:00.000Z',
    );
    return ws;
  }

  const range = { connectionId: 'k', after: 250, until: Number.MAX_SAFE_INTEGER, region: 'US', chunk: 100 };

  it('hands over the same features, in pk order, a chunk at a time, with the latest change time', () => {
    const ws = workspace();
    const memo = new FeatureMemo();
    const expected = [...recordChunks(ws.db, 'k', 1000, range)].flat();
    expect(expected.length).toBeGreaterThan(400);
    useDetectWorkerFile(resolve('scripts/ts-detect-worker.mjs'));
    const loader = startFeatureLoader(ws.db, range);
    expect(loader).not.toBeNull();
    const chunks: LoadedChunk[] = [];
    expect(loader!.collect((c) => chunks.push(c))).toBe(true);
    expect(chunks.length).toBe(Math.ceil(expected.length / 100));
    expect(chunks.flatMap((c) => c.pks)).toEqual(expected.map((r) => r.pk));
    expect(chunks.flatMap((c) => c.features)).toEqual(expected.map((r) => extractFeatures(r, 'US', memo)));
    const latest = expected
      .map((r) => r.updatedAt!)
      .sort()
      .pop();
    expect(
      chunks
        .map((c) => c.watermark!)
        .sort()
        .pop(),
    ).toBe(latest);
  }, 60_000);

  it('says so when the thread fails, so the scan reads that half itself', () => {
    const ws = workspace();
    useDetectWorkerFile(resolve('test/helpers/failing-detect-thread.mjs'));
    const loader = startFeatureLoader(ws.db, range);
    expect(loader!.collect(() => undefined)).toBe(false);
  }, 60_000);

  it('is not started for a workspace held in memory', () => {
    useDetectWorkerFile(resolve('scripts/ts-detect-worker.mjs'));
    const memory = openDatabase(':memory:');
    cleanups.push(() => memory.close());
    expect(startFeatureLoader(memory, range)).toBeNull();
  });
});
