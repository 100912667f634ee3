import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_CONNECTORS } from '../../../app/connectors/built-in';
import { rmSync } from 'node:fs';
import { createCore, type Core } from '../../../app/api/core';
import { openWorkspace } from '../../../app/workspace/workspace';
import { MemorySecretStore } from '../../../app/secrets/file-secret-store';
import { ensureSandboxWorkspace, type EmbeddedSandbox } from '../../../app/sandbox/embedded';
import { executeRun } from '../../../app/merge/service';
import { tempDir, scanAndWait } from '../../helpers/workspace';
import { findMergeCase, type MergeCase } from '../../helpers/sandbox-merge';

const CONFIRM = [
  'access_loss',
  'access_conflict',
  'consent_conflict',
  'two_active_subscriptions',
  'two_wp_users_with_progress',
] as const;

describe('a tag the reviewer unticks is gone from the survivor after a Keap merge', () => {
  let core: Core;
  let emb: EmbeddedSandbox;
  let dir: string;
  let c: MergeCase;
  let dropped: { id: string; name: string };

  beforeAll(async () => {
    dir = tempDir('md-drop-');
    core = createCore({
      workspace: openWorkspace(dir, { secrets: new MemorySecretStore() }),
      host: 'web',
      connectors: BUILT_IN_CONNECTORS,
    });
    emb = (await ensureSandboxWorkspace(core.context, { contacts: 400 }))!;
    await emb.firstSync;
    await scanAndWait(core);
    c = findMergeCase(core.context.workspace.db, emb.sandbox.store.data);
    const data = emb.sandbox.store.data;
    // An access tag only the duplicate carries: Keap's merge would bring it to the survivor.
    const onLoser = Object.keys(data.contactTags[c.loserId] ?? {}).filter(
      (t) => !(t in (data.contactTags[c.survivorId] ?? {})),
    );
    const id = onLoser.find((t) => data.tags[t]!.name.startsWith('Access:')) ?? onLoser[0]!;
    dropped = { id, name: data.tags[id]!.name };
  }, 240_000);
  afterAll(async () => {
    await emb?.close();
    core?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the removal, survives a stop right after Keap removed the tag, and never sends it again', async () => {
    const choices = { survivorId: c.survivorId, skipTagIds: [dropped.id] };
    const review = await core.call('merge/review', { groupId: c.groupId, ...choices });
    if (dropped.name.startsWith('Access:')) {
      expect(review.access.lost).toContain(dropped.name);
      expect(review.access.lostNote).toContain('removed from the survivor after the CRM merge');
    }
    const { runId, preview } = await core.call('merge/queue', {
      groupId: c.groupId,
      choices,
      confirm: [...CONFIRM],
    });
    const steps = preview.lines.map((l) => l.step);
    expect(steps.indexOf('tags_dropped')).toBeGreaterThan(steps.lastIndexOf('crm_merged'));
    expect(preview.lines.find((l) => l.step === 'tags_dropped')?.text).toContain(`"${dropped.name}"`);

    // Stop the run the moment Keap has removed the tag, before its answer arrives (as a crash would).
    const removals: string[] = [];
    const stop = new AbortController();
    emb.sandbox.writeHook = (signature, phase) => {
      if (!signature.includes(':removeTags')) return undefined;
      if (phase === 'before') removals.push(signature);
      if (phase === 'after' && !stop.signal.aborted) {
        stop.abort();
        return 'abort';
      }
      return undefined;
    };
    const first = await executeRun(core.context, runId, [], stop.signal);
    expect(first.status).toBe('interrupted');
    expect(removals).toEqual([`POST /tags/${dropped.id}/contacts:removeTags`]);
    expect(dropped.id in (emb.sandbox.store.data.contactTags[c.survivorId] ?? {})).toBe(false);

    // Resume: the step reads the survivor's tags first and finds nothing left to remove.
    removals.length = 0;
    const [resumed] = await core.call('merge/resume', { runId });
    expect(resumed?.status).toBe('completed');
    expect(removals).toEqual([]);
    emb.sandbox.writeHook = null;
    const detail = await core.call('merge/run', { runId });
    const step = detail.steps.find((s) => s.name === 'tags_dropped')!;
    expect(step.status).toBe('done');
    expect(step.summary).toMatch(/Already done/);
    const survivorTags = Object.keys(emb.sandbox.store.data.contactTags[c.survivorId] ?? {});
    expect(survivorTags).not.toContain(dropped.id);
    // Everything else the duplicate carried did arrive.
    expect(survivorTags.length).toBeGreaterThan(0);
  }, 180_000);
});
