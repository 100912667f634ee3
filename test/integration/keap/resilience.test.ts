import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { KeapSandbox } from '../../../app/sandbox/keap';
import type { Db } from '../../../app/store/database';
import { createCore } from '../../../app/api/core';
import { openWorkspace } from '../../../app/workspace/workspace';
import { syncManager } from '../../../app/sync/manager';
import { tempCore, tempDir } from '../../helpers/workspace';
import { connect, crmCounts, fastSettings, sandbox, syncNow } from '../../helpers/keap';
import { BUILT_IN_CONNECTORS } from '../../../app/connectors/built-in';
import { childScript } from '../../helpers/child-script';

type TestCore = ReturnType<typeof tempCore>;

function cacheCounts(core: { context: { workspace: { db: Db } } }) {
  const db = core.context.workspace.db;
  const n = (sql: string) => db.prepare(sql).pluck().get() as number;
  return {
    contacts: n('SELECT count(*) FROM contacts'),
    tags: n('SELECT count(*) FROM tags'),
    orders: n('SELECT count(*) FROM orders'),
    subscriptions: n('SELECT count(*) FROM subscriptions'),
    contactTags: n('SELECT count(*) FROM contact_tags'),
  };
}

describe('Keap sync resilience', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(options: Parameters<typeof sandbox>[0] = {}, settings: Record<string, unknown> = {}) {
    const sb: KeapSandbox = await sandbox(options);
    const core: TestCore = tempCore();
    cleanups.push(
      () => sb.close(),
      () => core.dispose(),
    );
    const id = await connect(core, sb);
    fastSettings(core, id, { retryBaseDelayMs: 20, pageSize: 50, ...settings });
    return { sb, core, id };
  }

  it('survives a 429 storm: every 429 is retried, none reaches the caller', async () => {
    // The client's own limiter allows far more than the CRM's 1/s, so any two calls within a second (however slow
    // the machine) meet a spike-arrest 429.
    const { sb, core, id } = await setup({ limits: { perSecond: 1 } });
    const result = await syncNow(core, id);
    expect(sb.stats.rateLimited).toBeGreaterThan(0);
    expect(result.counts.contacts).toBe(crmCounts(sb).contacts);
    expect(cacheCounts(core)).toEqual(crmCounts(sb));
  });

  it('retries the API-style 429 body (no Retry-After, no header hint) with backoff', async () => {
    const { sb, core, id } = await setup({ rateLimitBody: 'api' });
    sb.faults.failNext(4, { type: 'rate_limit', window: 'unspecified' }, 'GET /crm/rest/v2/contacts');
    await syncNow(core, id);
    expect(sb.faults.injected.rate_limit).toBe(4);
    expect(cacheCounts(core)).toEqual(crmCounts(sb));
  });

  it('stops with QUOTA_EXHAUSTED and the reset time when the daily quota is spent, then resumes', async () => {
    let now = Date.UTC(2026, 10, 30, 23, 59, 0);
    const { sb, core, id } = await setup({ limits: { perDay: 8 }, now: () => now });
    await expect(syncNow(core, id)).rejects.toMatchObject({
      code: 'QUOTA_EXHAUSTED',
      details: { resetsAt: '2026-12-01T00:00:00.000Z' },
    });
    const status = await core.call('sync/status', { connectionId: id });
    expect(status[0]!.lastRun!.status).toBe('failed');
    expect(status[0]!.resumable).toBe(true);
    now = Date.UTC(2026, 11, 1, 0, 0, 5);
    sb.limiter.limits = { ...sb.limiter.limits, perDay: 100_000 };
    const result = await syncNow(core, id);
    expect(result.resumed).toBe(true);
    expect(cacheCounts(core)).toEqual(crmCounts(sb));
  });

  it('retries 5xx, dropped connections, timeouts and malformed JSON', async () => {
    const { sb, core, id } = await setup({}, { timeoutMs: 300 });
    sb.faults.failNext(2, { type: 'status', status: 503 }, 'GET /crm/rest/v2/contacts');
    sb.faults.failNext(1, { type: 'status', status: 500 }, 'GET /crm/rest/v2/orders');
    sb.faults.failNext(2, { type: 'drop' }, 'GET /crm/rest/v2/contacts');
    sb.faults.failNext(1, { type: 'slow', delayMs: 1500 }, 'GET /crm/rest/v2/subscriptions');
    sb.faults.failNext(2, { type: 'malformed' }, 'GET /crm/rest/v2/contacts');
    await syncNow(core, id);
    expect(sb.faults.injected).toMatchObject({ status: 3, drop: 2, slow: 1, malformed: 2 });
    expect(cacheCounts(core)).toEqual(crmCounts(sb));
  });

  it('fails clearly (and resumably) when the CRM keeps failing', async () => {
    const { sb, core, id } = await setup({}, { pageSize: 50, maxRetries: 3 });
    await syncNow(core, id);
    sb.faults.add({
      fault: { type: 'status', status: 503 },
      match: 'GET /crm/rest/v2/contacts',
      count: Infinity,
    });
    await expect(syncNow(core, id, 'full')).rejects.toMatchObject({ code: 'REMOTE_ERROR' });
    sb.faults.clear();
    const again = await syncNow(core, id);
    expect(again.resumed).toBe(true);
    expect(cacheCounts(core)).toEqual(crmCounts(sb));
  });

  it('skips and counts records it cannot read without losing the rest', async () => {
    const { sb, core, id } = await setup();
    const first = Object.values(sb.store.data.contacts)[0]!;
    sb.store.data.contacts['9999999'] = { ...first, id: '' };
    sb.store.changed();
    const result = await syncNow(core, id);
    expect(result.counts.rejected).toBe(1);
    expect(cacheCounts(core).contacts).toBe(crmCounts(sb).contacts - 1);
  });

  it('cancel stops after the page in flight and the next sync resumes', async () => {
    const { sb, core, id } = await setup({ limits: { perSecond: 20 } }, { rateLimits: { perSecond: 20 } });
    let seen = 0;
    core.events.subscribe((e) => {
      if (
        e.name === 'sync/progress' &&
        (e.payload as { resource: string }).resource === 'contacts' &&
        ++seen === 2
      )
        void core.call('sync/cancel', { connectionId: id });
    });
    await expect(syncNow(core, id)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await core.call('sync/status', { connectionId: id }))[0]!.lastRun!.status).toBe('cancelled');
    seen = 100;
    const result = await syncNow(core, id);
    expect(result.resumed).toBe(true);
    expect(cacheCounts(core)).toEqual(crmCounts(sb));
  });

  it('kill -9 mid-sync in a real process, then resume: no duplicate and no missing row', async () => {
    const sb = await sandbox({ contacts: 3000 });
    const dir = tempDir('md-kill-');
    cleanups.push(
      () => sb.close(),
      () => rmSync(dir, { recursive: true, force: true }),
    );
    let core = createCore({ workspace: openWorkspace(dir), host: 'cli', connectors: BUILT_IN_CONNECTORS });
    const id = await connect(core, sb);
    // Slow enough to be killed in the middle: 100 contacts a page, 20 pages a second.
    fastSettings(core, id, { pageSize: 100, rateLimits: { perSecond: 20 } });
    core.close();

    const child = spawn(process.execPath, [childScript('test/helpers/sync-child.ts'), dir, id], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killedAt = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = [...out.matchAll(/progress contacts (\d+)/g)].pop();
        if (m && Number(m[1]) >= 800) {
          child.kill('SIGKILL');
          resolve(Number(m[1]));
        }
      });
      child.on('exit', (code) =>
        reject(new Error(`child exited (${code}) before the kill:\n${out}\n${stderr}`)),
      );
    });
    await new Promise((r) => child.once('exit', r));
    expect(killedAt).toBeLessThan(3000);

    core = createCore({ workspace: openWorkspace(dir), host: 'cli', connectors: BUILT_IN_CONNECTORS });
    cleanups.push(() => core.close());
    const before = core.context.workspace.db.prepare('SELECT count(*) FROM contacts').pluck().get() as number;
    expect(before).toBeGreaterThanOrEqual(killedAt - 100);
    expect(before).toBeLessThan(3000);
    const status = await core.call('sync/status', { connectionId: id });
    expect(status[0]!.lastRun!.status).toBe('interrupted');
    const contactPagesBefore = sb.stats.byRoute['GET /contacts'] ?? 0;
    await core.call('sync/start', { connectionId: id, mode: 'auto' });
    const result = await syncManager(core.context).wait(id);
    expect(result.resumed).toBe(true);
    const runs = core.context.workspace.db.prepare('SELECT status FROM sync_runs ORDER BY id').pluck().all();
    expect(runs).toEqual(['interrupted', 'completed']);
    // Resumed from the cursor: far fewer contact pages than a fresh 30-page pass.
    expect((sb.stats.byRoute['GET /contacts'] ?? 0) - contactPagesBefore).toBeLessThan(
      30 - Math.floor(killedAt / 100) + 3,
    );
    const db = core.context.workspace.db;
    const cached = (
      db.prepare('SELECT crm_id FROM contacts ORDER BY CAST(crm_id AS INTEGER)').pluck().all() as string[]
    ).join(',');
    const expected = Object.keys(sb.store.data.contacts)
      .sort((a, b) => Number(a) - Number(b))
      .join(',');
    expect(cached).toBe(expected);
    expect(cacheCounts(core)).toEqual(crmCounts(sb));
  });
});
