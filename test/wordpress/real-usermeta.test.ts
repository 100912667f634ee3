import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { defaultConnectionFile } from './ci-connection';
import { WordPressConnector } from '../../app/connectors/wordpress/client';

/**
 * Real WordPress without AccessAlly: the bridge falls back to the `keap_contact_id` user-meta key (WP Fusion's
 * convention). Runs only beside real-wordpress.test.ts, which reports the reason when the site is absent.
 */
const file = process.env.MERGEDESK_WP_CI_FILE ?? defaultConnectionFile();
const connection = existsSync(file)
  ? (JSON.parse(readFileSync(file, 'utf8')) as { url: string; username: string; appPassword: string })
  : null;
const accessAlly = (mode: 'on' | 'off') =>
  execFileSync('bash', ['scripts/wordpress-ci.sh', 'accessally', mode], { stdio: 'pipe' });

describe.runIf(connection !== null)('real WordPress without AccessAlly (user-meta link)', () => {
  const client = () => new WordPressConnector({ ...connection!, http: { maxRetries: 1, baseDelayMs: 20 } });
  beforeAll(() => accessAlly('off'));
  afterAll(() => accessAlly('on'));

  it('reads and writes the link in keap_contact_id and finds members by it', async () => {
    const c = client();
    const site = await c.testConnection();
    expect(site.accessAlly.active).toBe(false);
    expect(site.linkSource).toBe('usermeta:keap_contact_id');
    const ada = (await c.listMembers({ page: 1, perPage: 100 })).items.find((m) => m.login === 'ada1')!;
    expect(ada.linkedContactId).toBeNull(); // the AccessAlly stand-in's link is not a user-meta link
    expect(await c.relinkMember(ada.wpId, '7777')).toMatchObject({
      before: null,
      after: '7777',
      changed: true,
    });
    expect(await c.relinkMember(ada.wpId, '7777')).toMatchObject({ before: '7777', changed: false });
    expect((await c.membersForContact('7777')).map((m) => m.login)).toEqual(['ada1']);
    await c.resyncMember(ada.wpId);
    expect((await c.getMember(ada.wpId))?.linkedContactId).toBe('7777');
  });

  it('lists only members touched since a time (modified_since)', async () => {
    const c = client();
    const ada = (await c.membersForContact('7777'))[0]!;
    // Touch times have one-second resolution: step past the second the site was seeded in.
    await new Promise((r) => setTimeout(r, 1100));
    const since = new Date().toISOString();
    await c.relinkMember(ada.wpId, '7778');
    const recent = await c.listMembers({ page: 1, perPage: 100, modifiedSince: since });
    expect(recent.items.map((m) => m.login)).toEqual(['ada1']);
    expect(recent.total).toBe(1);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await c.listMembers({ page: 1, modifiedSince: future })).total).toBe(0);
  });
});

describe.runIf(connection !== null)('real WordPress: last login', () => {
  it('records the time of a wp-login.php login for the member list', async () => {
    const c = new WordPressConnector({ ...connection!, http: { maxRetries: 1, baseDelayMs: 20 } });
    const before = (await c.listMembers({ page: 1, perPage: 100 })).items.find((m) => m.login === 'nolink')!;
    expect(before.lastLoginAt).toBeNull();
    const res = await fetch(`${connection!.url}/wp-login.php`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Cookie: 'wordpress_test_cookie=WP%20Cookie%20check',
      },
      body: new URLSearchParams({ log: 'nolink', pwd: 'mdci-login-pass', testcookie: '1' }).toString(),
    });
    expect(res.status).toBe(302);
    const after = await c.getMember(before.wpId);
    expect(after?.lastLoginAt).not.toBeNull();
    expect(Math.abs(Date.parse(after!.lastLoginAt!) - Date.now())).toBeLessThan(120_000);
  });
});
