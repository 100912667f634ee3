import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { startLinkedAcSandboxes, type LinkedAcSandboxes } from '../../../app/sandbox/activecampaign';
import { insertWordPressConnection } from '../../../app/connectors/wordpress/connections';
import { tempCore, tempDir } from '../../helpers/workspace';
import { fastSettings, syncNow } from '../../helpers/keap';

type TestCore = ReturnType<typeof tempCore>;

/** Requests the sandbox answered per route since `before` (routes with ids folded to `:id`). */
function sent(sb: LinkedAcSandboxes, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [route, n] of Object.entries(sb.crm.stats.byRoute)) {
    const d = n - (before[route] ?? 0);
    if (d > 0) out[route] = d;
  }
  return out;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('the account catalog: the review, the plan and the run read lists and automations once', () => {
  let sb: LinkedAcSandboxes;
  let core: TestCore;
  let dir: string;
  let crmIds: string[];
  let connectionId: string;

  beforeAll(async () => {
    dir = tempDir('md-ac-catalog-');
    sb = await startLinkedAcSandboxes({ stateDir: dir, people: 12, perSecond: 500 });
    core = tempCore('web');
    const added = await core.call('connections/add', {
      kind: 'activecampaign',
      baseUrl: sb.crm.baseUrl,
      apiKey: sb.crm.apiKey,
      label: 'AC sandbox',
    });
    connectionId = added.connection.id;
    fastSettings(core, connectionId, { rateLimits: { perSecond: 400 } });
    const wpId = await insertWordPressConnection(core.context, {
      credentials: {
        url: sb.wordpress.baseUrl,
        username: sb.wordpress.username,
        appPassword: sb.wordpress.appPassword,
      },
      siteUrl: sb.wordpress.baseUrl,
      label: 'AC site',
      crmConnectionId: connectionId,
      lastTestOk: true,
      isSandbox: true,
    });
    await syncNow(core, connectionId, 'full');
    await core.call('wordpress/sync', { connectionId: wpId, mode: 'full' });
    crmIds = [...sb.crm.world.truth.clusters[0]!.ids];
  }, 60_000);
  afterAll(async () => {
    core?.dispose();
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plans from what the review read a moment ago, names the custom fields, and reads afresh after a merge and a sync', async () => {
    const start = { ...sb.crm.stats.byRoute };
    const review = await core.call('merge/memberships', { connectionId, crmIds });
    expect(review.memberships?.lists.length).toBeGreaterThan(0);
    const afterReview = { ...sb.crm.stats.byRoute };
    const reviewReads = sent(sb, start);
    // The review: the account's lists and automations once, then each record's memberships.
    expect(reviewReads).toEqual({
      'GET /lists': 1,
      'GET /automations': 1,
      'GET /contacts/:id/contactLists': crmIds.length,
      'GET /contacts/:id/contactAutomations': crmIds.length,
    });

    const { plan } = await core.call('merge/plan', {
      connectionId,
      crmIds,
      choices: { survivorId: crmIds[0]! },
    });
    // The plan reads only what the review did not: the custom field labels.
    expect(sent(sb, afterReview)).toEqual({ 'GET /fields': 1 });
    expect(Object.keys(plan.extras?.customFieldNames ?? {}).length).toBeGreaterThan(0);

    // A second plan within the minute reads nothing at all.
    const afterPlan = { ...sb.crm.stats.byRoute };
    await core.call('merge/plan', { connectionId, crmIds, choices: { survivorId: crmIds[0]! } });
    expect(total(sent(sb, afterPlan))).toBe(0);

    // The run still reads each record before acting on it (check before act).
    const beforeRun = { ...sb.crm.stats.byRoute };
    const detail = await core.call('merge/execute', {
      connectionId,
      crmIds,
      choices: { survivorId: crmIds[0]! },
      confirm: ['two_people', 'access_loss', 'access_conflict', 'consent_conflict'],
    });
    expect(detail.run.error?.message ?? detail.run.status).toBe('completed');
    const runReads = sent(sb, beforeRun);
    expect(runReads['GET /contacts/:id/contactLists']).toBeGreaterThanOrEqual(crmIds.length);
    expect(runReads['GET /lists'] ?? 0).toBe(0);

    // After the merge the catalog is dropped: the next review asks the CRM again.
    const afterRun = { ...sb.crm.stats.byRoute };
    const others = sb.crm.world.truth.clusters[1]!.ids;
    await core.call('merge/memberships', { connectionId, crmIds: [...others] });
    expect(sent(sb, afterRun)['GET /lists']).toBe(1);

    // A sync (here or in another process) makes it stale too.
    const beforeSync = { ...sb.crm.stats.byRoute };
    await core.call('merge/memberships', { connectionId, crmIds: [...others] });
    expect(sent(sb, beforeSync)['GET /lists'] ?? 0).toBe(0);
    await syncNow(core, connectionId, 'incremental');
    const afterSync = { ...sb.crm.stats.byRoute };
    await core.call('merge/memberships', { connectionId, crmIds: [...others] });
    expect(sent(sb, afterSync)['GET /lists']).toBe(1);
  }, 60_000);

  it('names every contact of the run beside its id in History, the plan preview and the step summaries', async () => {
    const runs = await core.call('merge/runs', { limit: 5 });
    const completed = runs.find((r) => r.status === 'completed')!;
    const detail = await core.call('merge/run', { runId: completed.id });
    const ids = [detail.run.survivorId, ...detail.run.loserIds];
    for (const id of ids) expect(detail.run.names[id]).toBeTruthy();
    const text = [
      ...detail.steps.map((s) => s.summary ?? ''),
      ...detail.preview.lines.map((l) => l.text),
      ...detail.preview.irreversible,
    ].join('\n');
    expect(text).toContain(`${detail.run.names[detail.run.survivorId]} (#${detail.run.survivorId})`);
    // A contact id never stands alone: it is always in brackets after the name.
    for (const id of ids) expect(text).not.toMatch(new RegExp(`(^|[^(])#${id}(?!\\d)`, 'm'));
    expect(text).not.toMatch(/\(s\)/);
  });
});
