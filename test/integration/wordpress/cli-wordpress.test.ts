import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { startWordPressSandbox, type WordPressSandbox } from '../../../app/sandbox/wordpress';
import { tempDir } from '../../helpers/workspace';
import { contractSeed } from '../../wordpress/connector-contract';

const run = promisify(execFile);
const CLI = 'bin/mergedesk.js';

describe.skipIf(!existsSync('dist/node/cli.js'))('mergedesk connect wordpress / members (built CLI)', () => {
  let sandbox: WordPressSandbox;
  let stateDir: string;
  let ws: string;
  beforeAll(async () => {
    stateDir = tempDir('md-wpcli-');
    ws = tempDir('md-wpcli-ws-');
    sandbox = await startWordPressSandbox({ stateDir, seed: contractSeed });
  });
  afterAll(async () => {
    await sandbox.close();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(ws, { recursive: true, force: true });
  });

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    run(process.execPath, [CLI, '--workspace', ws, ...args], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });

  it('connects with WP_APP_PASSWORD, syncs members, filters orphans and counts wp_users in status', async () => {
    const connected = await cli(
      ['connect', 'wordpress', '--url', sandbox.baseUrl, '--user', sandbox.username],
      {
        WP_APP_PASSWORD: sandbox.appPassword,
      },
    );
    expect(connected.stdout).toMatch(/Connected 127\.0\.0\.1:\d+ \(wp-/);
    expect(connected.stdout).toContain('Contact link: accessally');
    expect(connected.stdout).not.toContain(sandbox.appPassword);

    const members = JSON.parse((await cli(['members', '--sync', '--json'])).stdout) as {
      total: number;
      items: { login: string; linkedContactId: string | null }[];
    };
    expect(members.total).toBe(contractSeed.members.length + 2);
    expect(members.items.find((m) => m.login === 'twin.two')?.linkedContactId).toBe('2001');

    const human = (await cli(['members', '--unlinked'])).stdout;
    expect(human).toContain('nolink');
    expect(human).not.toContain('twin.one');
    expect((await cli(['members', '--orphans'])).stdout).toContain('until a CRM is connected');

    const status = JSON.parse((await cli(['status', '--json'])).stdout) as { wp_users: number };
    expect(status.wp_users).toBe(contractSeed.members.length + 2);
  });

  it('exits with the auth code and no stack trace on a wrong password', async () => {
    const err = await cli(['connect', 'wordpress', '--url', sandbox.baseUrl, '--user', 'admin'], {
      WP_APP_PASSWORD: 'nope nope nope nope',
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(4);
    expect(err?.stderr).toMatch(/refused the username or Application Password/);
    expect(err?.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
