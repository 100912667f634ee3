import { afterEach, describe, expect, it, vi } from 'vitest';
import { rmSync } from 'node:fs';
import { addKeapConnection, tempDir } from '../helpers/workspace';
import { openCore } from '../../main/shared/open-core';
import { runCli } from '../../main/cli/program';
import { ContactsRepo } from '../../app/store/contacts-repo';
import { startScan } from '../../app/detect/service';
import { MemorySecretStore } from '../../app/secrets/file-secret-store';

const contact = (id: string, given: string, family: string, email: string) => ({
  id,
  givenName: given,
  familyName: family,
  emails: [{ slot: 'EMAIL1', email }],
  phones: [],
  addresses: [],
  tagIds: [],
  updatedAt: '2026-01-01T00:00:00.000Z',
  raw: { id },
});

/** A workspace whose cache holds one duplicate group (two records of Grace Hopper), scanned. */
async function workspaceWithGroup(): Promise<string> {
  const dir = tempDir('md-cli-nd-');
  const core = openCore({ host: 'cli', workspace: dir, secrets: new MemorySecretStore() });
  try {
    addKeapConnection(core.context.workspace.db);
    new ContactsRepo(core.context.workspace.db, 'k').saveContacts(
      [
        contact('201', 'Grace', 'Hopper', 'grace@example.org'),
        contact('202', 'Grace', 'Hopper', 'grace@example.org'),
      ],
      '2026-01-01T00:00:00.000Z',
    );
    await startScan(core.context, 'full').finished;
  } finally {
    core.close();
  }
  return dir;
}

/** Runs the CLI in this process and returns what it printed on stdout. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    process.exitCode = undefined;
    const code = await runCli(['node', 'mergedesk', ...args], {
      out: (t) => (out += t),
      err: () => undefined,
    });
    return { code: code || Number(process.exitCode ?? 0), out };
  } finally {
    write.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('mergedesk not-duplicate', () => {
  it('dismisses a group through the same decision as the screens, and undoes it', async () => {
    const dir = await workspaceWithGroup();
    made.push(dir);
    const base = ['--workspace', dir, '--no-sandbox'];
    const groups = JSON.parse((await cli([...base, 'groups', '--json'])).out) as { items: { id: number }[] };
    expect(groups.items).toHaveLength(1);
    const id = groups.items[0]!.id;

    const dismissed = await cli([...base, 'not-duplicate', String(id), '--note', 'two Graces', '--json']);
    expect(dismissed.code).toBe(0);
    const { decisionId } = JSON.parse(dismissed.out) as { decisionId: number };
    expect(JSON.parse((await cli([...base, 'groups', '--json'])).out)).toMatchObject({ items: [] });

    const undone = await cli([...base, 'not-duplicate', '--undo', String(decisionId), '--json']);
    expect(undone.code).toBe(0);
    expect(JSON.parse(undone.out)).toEqual({ undone: true });
    expect(JSON.parse((await cli([...base, 'groups', '--json'])).out)).toMatchObject({ items: [{ id }] });
  });

  it('says in words what is missing or wrong', async () => {
    const dir = tempDir('md-cli-nd-');
    made.push(dir);
    const base = ['--workspace', dir, '--no-sandbox'];
    expect((await cli([...base, 'not-duplicate'])).code).not.toBe(0);
    expect((await cli([...base, 'not-duplicate', 'twelve'])).code).not.toBe(0);
    expect((await cli([...base, 'not-duplicate', '999'])).code).not.toBe(0);
  });
});
