import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempCore } from '../../helpers/workspace';
import { fastSettings, syncNow } from '../../helpers/keap';
import { startActiveCampaignSandbox, type AcSandbox } from '../../../app/sandbox/activecampaign';

let sb: AcSandbox;
let core: ReturnType<typeof tempCore>;
let crmId: string;

beforeAll(async () => {
  sb = await startActiveCampaignSandbox({ people: 300, perSecond: 2000 });
  core = tempCore('cli');
  crmId = (
    await core.call('connections/add', {
      kind: 'activecampaign',
      baseUrl: sb.baseUrl,
      apiKey: sb.apiKey,
      label: 'AC sandbox',
    })
  ).connection.id;
  fastSettings(core, crmId, { rateLimits: { perSecond: 1000 } });
}, 60_000);

afterAll(async () => {
  core?.dispose();
  await sb?.close();
});

/** Requests the sandbox received since `from`, by route (ids folded to `:id`). */
const since = (from: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(sb.stats.byRoute)
      .map(([route, n]) => [route, n - (from[route] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );

/** The contact → tag ids the workspace cached. */
function cachedTags(): Record<string, string[]> {
  const rows = core.context.workspace.db
    .prepare(
      `SELECT c.crm_id AS contact, t.crm_id AS tag FROM contact_tags ct JOIN contacts c ON c.pk = ct.contact_pk
       JOIN tags t ON t.pk = ct.tag_pk WHERE c.connection_id = ? ORDER BY 1, 2`,
    )
    .all(crmId) as { contact: string; tag: string }[];
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.contact] ??= []).push(r.tag);
  return out;
}

function accountTags(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const a of Object.values(sb.state.contactTags)) (out[a.contact] ??= []).push(a.tag);
  for (const list of Object.values(out)) list.sort();
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

describe('ActiveCampaign sync reads tags in pages of 100, not one request per contact', () => {
  it('a full sync of N contacts costs about N/100 contact pages plus the tagged contacts / 100, and caches every tag', async () => {
    const before = { ...sb.stats.byRoute };
    await syncNow(core, crmId, 'full');
    const used = since(before);
    const contacts = Object.keys(sb.state.contacts).length;
    const perTag = Object.keys(sb.state.tags).map(
      (tag) => Object.values(sb.state.contactTags).filter((a) => a.tag === tag).length,
    );
    expect(contacts).toBeGreaterThan(350);
    // No contact's own tag list is read.
    expect(used['GET /contacts/:id/contactTags'] ?? 0).toBe(0);
    // One count estimate, the contact pages (id paging) and, per tag, its contacts 100 at a time.
    const bound =
      1 + Math.floor(contacts / 100) + 1 + perTag.reduce((n, k) => n + Math.floor(k / 100) + 1, 0);
    expect(used['GET /contacts']).toBeLessThanOrEqual(bound);
    expect(Object.values(used).reduce((a, b) => a + b, 0)).toBeLessThan(contacts / 10);
    expect(cachedTags()).toEqual(accountTags());
  });

  it('an incremental sync of a few changed contacts reads just their own tags', async () => {
    const changed = ['1', '2'];
    for (const id of changed) {
      const res = await fetch(`${sb.baseUrl}/api/3/contactTags`, {
        method: 'POST',
        headers: { 'Api-Token': sb.apiKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ contactTag: { contact: id, tag: '6' } }),
      });
      expect(res.status).toBe(201);
    }
    const before = { ...sb.stats.byRoute };
    const result = await syncNow(core, crmId, 'incremental');
    const used = since(before);
    // The changed contacts and whatever the pass's overlap window re-reads, each with its own tags.
    expect(result.counts.contacts).toBeGreaterThanOrEqual(changed.length);
    expect(result.counts.contacts).toBeLessThan(10);
    expect(used['GET /contacts/:id/contactTags']).toBe(result.counts.contacts);
    // A count estimate, the one page of changes and the id sweep that finds deleted contacts; no tag-by-tag read.
    const contacts = Object.keys(sb.state.contacts).length;
    expect(used['GET /contacts']).toBeLessThanOrEqual(2 + Math.floor(contacts / 100) + 1);
    expect(cachedTags()).toEqual(accountTags());
  });
});
