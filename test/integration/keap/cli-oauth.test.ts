import { afterEach, describe, expect, it } from 'vitest';
import { spawn, execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { startKeapSandbox } from '../../../app/sandbox/keap';
import { tempDir } from '../../helpers/workspace';

const run = promisify(execFile);
const CLI = 'bin/mergedesk.js';
const APP = { clientId: 'cli-oauth-app', clientSecret: 'cli-oauth-secret-91ab' };

/** What the person's browser does with the printed page: Allow (or Deny), then follow the redirect home. */
async function answerConsent(authorizeUrl: string, decision: 'allow' | 'deny'): Promise<string> {
  const html = await (await fetch(authorizeUrl)).text();
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    form.set(
      m[1]!,
      m[2]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))),
    );
  form.set('decision', decision);
  const action = new URL(/<form method="post" action="([^"]+)"/.exec(html)![1]!, authorizeUrl);
  const answered = await fetch(action, { method: 'POST', body: form, redirect: 'manual' });
  return (await fetch(answered.headers.get('location')!)).text();
}

describe.skipIf(!existsSync('dist/node/cli.js'))('mergedesk connect keap --oauth (built CLI)', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** Runs `connect keap --oauth`, answers the page it prints, and resolves with how the command ended. */
  async function connect(ws: string, baseUrl: string, decision: 'allow' | 'deny') {
    const child = spawn(
      process.execPath,
      [
        CLI,
        '--workspace',
        ws,
        'connect',
        'keap',
        '--oauth',
        '--no-open',
        '--base-url',
        baseUrl,
        '--label',
        'CLI app',
      ],
      {
        env: { ...process.env, KEAP_CLIENT_ID: APP.clientId, KEAP_CLIENT_SECRET: APP.clientSecret },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const printed = new Promise<string>((resolve) =>
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        const url = /^\s+(http:\/\/\S+\/app\/oauth\/authorize\?\S+)$/m.exec(stderr)?.[1];
        if (url && stderr.includes('Waiting for the answer')) resolve(url);
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const landed = await answerConsent(await printed, decision);
    return { status: await exited, stdout, stderr, landed };
  }

  it('prints the consent page, waits for the redirect and saves the connection; the next sync uses it', async () => {
    const sb = await startKeapSandbox({ contacts: 60, seed: 3, oauth: APP });
    const ws = tempDir('md-cli-oauth-');
    cleanups.push(
      () => sb.close(),
      () => rmSync(ws, { recursive: true, force: true }),
    );
    const done = await connect(ws, sb.baseUrl, 'allow');
    expect(done.landed).toContain('is connected to Mergedesk');
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toContain('Connected "CLI app"');
    expect(done.stdout + done.stderr).not.toContain(APP.clientSecret);

    const synced = await run(process.execPath, [CLI, '--workspace', ws, 'sync'], { encoding: 'utf8' });
    expect(synced.stdout).toMatch(/CLI app: full sync — 60 contacts/);
  });

  it('a denied consent ends the command with the reason in words and no connection', async () => {
    const sb = await startKeapSandbox({ contacts: 20, seed: 3, oauth: APP });
    const ws = tempDir('md-cli-oauth-');
    cleanups.push(
      () => sb.close(),
      () => rmSync(ws, { recursive: true, force: true }),
    );
    const done = await connect(ws, sb.baseUrl, 'deny');
    expect(done.status).not.toBe(0);
    expect(done.stderr).toContain("Access was denied on Keap's consent page");
    const status = JSON.parse(
      (
        await run(process.execPath, [CLI, '--workspace', ws, '--no-sandbox', 'status', '--json'], {
          encoding: 'utf8',
        })
      ).stdout,
    ) as { connections: unknown[] };
    expect(status.connections).toEqual([]);
  });
});
