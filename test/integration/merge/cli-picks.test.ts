import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rmSync } from 'node:fs';
import { startLinkedAcSandboxes, type LinkedAcSandboxes } from '../../../app/sandbox/activecampaign';
import { openCore } from '../../../main/shared/open-core';
import { runCli } from '../../../main/cli/program';
import type { MergePlan } from '../../../app/api/contract';
import { tempDir } from '../../helpers/workspace';
import { connectLinkedAc } from '../../helpers/ac-workspace';

/** Runs one command line in this process and returns its exit code and what it printed. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((t: string | Uint8Array) => {
    out += String(t);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((t: string | Uint8Array) => {
    err += String(t);
    return true;
  });
  const before = process.exitCode;
  try {
    const code = await runCli(['node', 'mergedesk', ...args], {
      out: (t) => (out += t),
      err: (t) => (err += t),
    });
    return { code, out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = before;
  }
}

describe('mergedesk merge picks automations by name (ActiveCampaign sandbox)', () => {
  let sb: LinkedAcSandboxes;
  let dir: string;
  let groupId: number;

  beforeAll(async () => {
    dir = tempDir('md-cli-picks-');
    sb = await startLinkedAcSandboxes({ stateDir: `${dir}/sandbox`, people: 12, perSecond: 500 });
    // Set up with the CLI's own start-up (its secret store), so the command finds the key it needs.
    const core = openCore({ host: 'cli', workspace: `${dir}/ws` });
    try {
      await connectLinkedAc(core, sb, { rateLimits: { perSecond: 400 } });
      const cluster = sb.crm.world.truth.clusters[0]!.ids;
      const crmIds = core.context.workspace.db.prepare('SELECT id, crm_ids FROM dup_groups').all() as {
        id: number;
        crm_ids: string;
      }[];
      groupId = crmIds.find((g) =>
        cluster.every((id) => (JSON.parse(g.crm_ids) as string[]).includes(id)),
      )!.id;
    } finally {
      core.close();
    }
  }, 120_000);
  afterAll(async () => {
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const dryRun = async (...extra: string[]) => {
    const r = await cli([
      '--workspace',
      `${dir}/ws`,
      '--json',
      'merge',
      String(groupId),
      '--dry-run',
      ...extra,
    ]);
    expect(r.err).not.toContain('Error');
    expect(r.code).toBe(0);
    return (JSON.parse(r.out) as { plan: MergePlan }).plan;
  };

  it('says so in its help', async () => {
    const r = await cli(['merge', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('--automation <name>');
    expect(r.out).toContain('--no-default-automations');
    expect(r.out).toContain('--sequence <name>');
  });

  it('adds a named automation to the defaults, only the named ones without the defaults, by id too', async () => {
    const defaults = (await dryRun()).extras!.automations.map((a) => a.name);
    expect(defaults.length).toBeGreaterThan(0);
    expect(defaults).not.toContain('Win-back');
    const added = (await dryRun('--automation', 'win-back')).extras!.automations.map((a) => a.name);
    expect(added.sort()).toEqual([...defaults, 'Win-back'].sort());
    const only = (await dryRun('--no-default-automations', '--automation', 'Win-back')).extras!;
    expect(only.automations.map((a) => a.name)).toEqual(['Win-back']);
    const byId = (await dryRun('--no-default-automations', '--automation', only.automations[0]!.id)).extras!;
    expect(byId.automations.map((a) => a.name)).toEqual(['Win-back']);
    expect((await dryRun('--no-default-automations')).extras!.automations).toEqual([]);
  });

  it('refuses a name the CRM does not list, naming what it offers, and sequences on a CRM without them', async () => {
    const unknown = await cli([
      '--workspace',
      `${dir}/ws`,
      'merge',
      String(groupId),
      '--dry-run',
      '--automation',
      'Black Friday',
    ]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain('No automation is called "Black Friday"');
    expect(unknown.err).toContain('"Win-back"');
    const sequence = await cli([
      '--workspace',
      `${dir}/ws`,
      'merge',
      String(groupId),
      '--dry-run',
      '--sequence',
      'Welcome emails',
    ]);
    expect(sequence.code).not.toBe(0);
    expect(sequence.err).toContain('has no sequences');
  });
});
