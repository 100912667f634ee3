import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import type { KeapSandbox } from '../../../app/sandbox/keap';
import { startLinkedAcSandboxes, type LinkedAcSandboxes } from '../../../app/sandbox/activecampaign';
import { insertWordPressConnection } from '../../../app/connectors/wordpress/connections';
import { isAppError } from '../../../app/domain/errors';
import { tempCore, tempDir } from '../../helpers/workspace';
import { connect, fastSettings, sandbox, syncNow } from '../../helpers/keap';

type TestCore = ReturnType<typeof tempCore>;

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('Keap sequences by name, through the contract', () => {
  let sb: KeapSandbox;
  let core: TestCore;
  let connectionId: string;
  let pair: string[];

  beforeAll(async () => {
    sb = await sandbox({ contacts: 40 });
    core = tempCore();
    connectionId = await connect(core, sb);
    fastSettings(core, connectionId);
    await syncNow(core, connectionId, 'full');
    pair = core.context.workspace.db
      .prepare('SELECT crm_id FROM contacts WHERE connection_id = ? ORDER BY crm_id LIMIT 2')
      .pluck()
      .all(connectionId) as string[];
  }, 60_000);
  afterAll(async () => {
    core?.dispose();
    await sb?.close();
  });

  it("lists every campaign's sequences by name, saying which send email from their steps", async () => {
    const { sequences } = await core.call('merge/sequences', { connectionId });
    expect(sequences?.map((s) => `${s.campaignName} / ${s.name}: ${String(s.sendsEmail)}`)).toEqual([
      'New member onboarding / Course access tags: false',
      'New member onboarding / Welcome emails: true',
      'Renewal reminders / Card expiring soon: true',
      'Win back lapsed members / We miss you: true',
    ]);
  });

  it('names a picked sequence in the plan and refuses one the CRM does not offer', async () => {
    const { plan, preview } = await core.call('merge/plan', {
      connectionId,
      crmIds: pair,
      choices: { survivorId: pair[0]!, sequences: [{ campaignId: '12', sequenceId: '121' }] },
    });
    expect(plan.sequences).toEqual([
      expect.objectContaining({
        sequenceId: '121',
        name: 'Card expiring soon',
        campaignName: 'Renewal reminders',
      }),
    ]);
    const survivorName = core.context.workspace.db
      .prepare(
        `SELECT trim(coalesce(given_name, '') || ' ' || coalesce(family_name, '')) FROM contacts WHERE connection_id = ? AND crm_id = ?`,
      )
      .pluck()
      .get(connectionId, pair[0]) as string;
    expect(preview.lines.map((l) => l.text)).toContain(
      `Add ${survivorName} (#${pair[0]}) to the sequence "Card expiring soon" (campaign "Renewal reminders") (a CRM merge does not carry sequences) — it may send emails at once`,
    );
    expect(preview.irreversible.join(' ')).toContain('"Card expiring soon"');
    const refused = await refusal(
      core.call('merge/plan', {
        connectionId,
        crmIds: pair,
        choices: { sequences: [{ campaignId: '12', sequenceId: '999' }] },
      }),
    );
    expect(refused.code).toBe('INVALID_INPUT');
    expect(refused.message).toContain("not among the CRM's campaign sequences");
  });
});

describe('ActiveCampaign automations picked in the review, through the contract', () => {
  let sb: LinkedAcSandboxes;
  let core: TestCore;
  let dir: string;
  let crmIds: string[];
  let connectionId: string;

  beforeAll(async () => {
    dir = tempDir('md-ac-pick-');
    sb = await startLinkedAcSandboxes({ stateDir: dir, people: 12, perSecond: 500 });
    core = tempCore('web');
    const added = await core.call('connections/add', {
      kind: 'activecampaign',
      baseUrl: sb.crm.baseUrl,
      apiKey: sb.crm.apiKey,
      label: 'AC sandbox',
    });
    fastSettings(core, added.connection.id, { rateLimits: { perSecond: 400 } });
    await insertWordPressConnection(core.context, {
      credentials: {
        url: sb.wordpress.baseUrl,
        username: sb.wordpress.username,
        appPassword: sb.wordpress.appPassword,
      },
      siteUrl: sb.wordpress.baseUrl,
      label: 'AC site',
      crmConnectionId: added.connection.id,
      lastTestOk: true,
      isSandbox: true,
    });
    await syncNow(core, added.connection.id, 'full');
    crmIds = [...sb.crm.world.truth.clusters[0]!.ids];
    connectionId = added.connection.id;
  }, 60_000);
  afterAll(async () => {
    core?.dispose();
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const plan = (automationIds?: string[]) =>
    core.call('merge/plan', {
      connectionId,
      crmIds,
      choices: { survivorId: crmIds[0]!, ...(automationIds ? { automationIds } : {}) },
    });

  it('adds the picked automations by name, and names every list the survivor ends on', async () => {
    const { plan: p, preview } = await plan(['1', '2']);
    expect(p.extras?.automations.map((a) => a.name)).toEqual(['Welcome series', 'Course onboarding']);
    const text = preview.lines.map((l) => l.text).join('\n');
    expect(text).toContain(`Add Ann Lee (#${crmIds[0]}) to the automation "Welcome series"`);
    expect(text).toMatch(
      new RegExp(`Ann Lee \\(#${crmIds[0]}\\) ends on 2 lists: "Customers" \\(subscribed\\), "Newsletter"`),
    );
    // None picked: none added.
    expect((await plan([])).plan.extras?.automations).toEqual([]);
  });

  it('refuses an automation the CRM did not list, and more than the contract allows', async () => {
    const unknown = await refusal(plan(['2', '404']));
    expect(unknown.code).toBe('INVALID_INPUT');
    expect(unknown.message).toContain("not in the CRM's list of automations");
    const tooMany = await refusal(plan(Array.from({ length: 101 }, (_, i) => String(i + 1))));
    expect(tooMany.code).toBe('INVALID_INPUT');
  });
});
