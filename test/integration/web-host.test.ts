import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWebHost, type WebHost } from '../../main/web/server';
import { tempCore, tempDir } from '../helpers/workspace';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP so tests can forge Host and Origin headers as an attacker's page or a rebinding DNS would. */
function send(
  host: WebHost,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path, method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('web host', () => {
  let core: ReturnType<typeof tempCore>;
  let host: WebHost;

  beforeEach(async () => {
    core = tempCore('web');
    const staticDir = tempDir('md-static-');
    mkdirSync(join(staticDir, 'assets'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Mergedesk</title>');
    writeFileSync(join(tempDir(), 'secret.txt'), 'outside');
    host = await startWebHost({ core, staticDir, token: 'test-token' });
  });
  afterEach(async () => {
    await host.close();
    core.dispose();
  });

  const auth = { Authorization: 'Bearer test-token', 'Content-Type': 'application/json' };
  const invoke = (method: string, input: unknown, headers: Record<string, string> = auth) =>
    send(host, '/api/invoke', { method: 'POST', headers, body: JSON.stringify({ method, input }) });

  it('answers contract calls with the token', async () => {
    const reply = await invoke('workspace/status', {});
    expect(reply.status).toBe(200);
    const body = JSON.parse(reply.body);
    expect(body.ok).toBe(true);
    expect(body.data).toMatchObject({
      contacts: 0,
      tags: 0,
      orders: 0,
      wp_users: 0,
      groups: 0,
      connections: [],
    });
  });

  it('refuses calls without the token or with a wrong one', async () => {
    expect((await invoke('app/info', {}, { 'Content-Type': 'application/json' })).status).toBe(401);
    expect((await invoke('app/info', {}, { Authorization: 'Bearer nope' })).status).toBe(401);
  });

  it('refuses a foreign Host (DNS rebinding) even with the token', async () => {
    const reply = await invoke('app/info', {}, { ...auth, Host: `attacker.example:${host.port}` });
    expect(reply.status).toBe(403);
    expect((await send(host, '/', { headers: { Host: 'attacker.example' } })).status).toBe(403);
  });

  it('refuses a foreign Origin even with the token', async () => {
    const reply = await invoke('app/info', {}, { ...auth, Origin: 'https://attacker.example' });
    expect(reply.status).toBe(403);
  });

  it('returns the uniform error shape for bad input and unknown methods', async () => {
    const bad = JSON.parse((await invoke('workspace/status', { unexpected: 1 })).body);
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const unknown = JSON.parse((await invoke('no/such', {})).body);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    const malformed = await send(host, '/api/invoke', { method: 'POST', headers: auth, body: '{nope' });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).error.code).toBe('INVALID_INPUT');
  });

  it('serves the renderer with a strict CSP and never a file outside its folder', async () => {
    const page = await send(host, '/');
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    const traversal = await send(host, '/..%2f..%2fsecret.txt');
    expect(traversal.body).not.toContain('outside');
  });
});
