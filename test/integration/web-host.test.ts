import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { connect } from 'node:net';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWebHost, type WebHost } from '../../main/web/server';
import { EventBus } from '../../app/context/event-bus';
import type { Core } from '../../app/api/core';
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
  opts: { method?: string; headers?: Record<string, string>; body?: string; chunked?: boolean } = {},
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
    if (opts.chunked && opts.body) {
      // No Content-Length: the size is only discovered while reading.
      req.write(opts.body.slice(0, opts.body.length / 2));
      req.end(opts.body.slice(opts.body.length / 2));
    } else req.end(opts.body);
  });
}

describe('web host', () => {
  let core: ReturnType<typeof tempCore>;
  let host: WebHost;
  let parent: string;

  beforeEach(async () => {
    core = tempCore('web');
    // The served folder sits next to a file that a path-traversal bug would expose.
    parent = tempDir('md-static-');
    const staticDir = join(parent, 'renderer');
    mkdirSync(join(staticDir, 'assets'), { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Mergedesk</title>');
    writeFileSync(join(parent, 'secret.txt'), 'outside');
    host = await startWebHost({ core, staticDir, token: 'test-token' });
  });
  afterEach(async () => {
    await host.close();
    core.dispose();
    rmSync(parent, { recursive: true, force: true });
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
    for (const path of ['/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt']) {
      const traversal = await send(host, path);
      expect(traversal.body, path).not.toContain('outside');
    }
  });
});

describe('web host limits and lifecycle', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const dir = () => {
    const d = tempDir('md-static-');
    cleanups.push(() => rmSync(d, { recursive: true, force: true }));
    return d;
  };

  async function start(options: Partial<Parameters<typeof startWebHost>[0]> = {}) {
    const core = tempCore('web');
    const staticDir = dir();
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Mergedesk</title>');
    const host = await startWebHost({ core, staticDir, token: 't', ...options });
    cleanups.push(() => core.dispose());
    cleanups.push(() => host.close());
    return host;
  }
  const auth = { Authorization: 'Bearer t', 'Content-Type': 'application/json' };

  it('refuses a Host header without our port, and IPv6 loopback (we only listen on 127.0.0.1)', async () => {
    const host = await start();
    for (const hostHeader of [
      '127.0.0.1',
      'localhost',
      `[::1]:${host.port}`,
      '[::1]',
      `127.0.0.2:${host.port}`,
    ]) {
      const reply = await send(host, '/', { headers: { Host: hostHeader } });
      expect(reply.status, hostHeader).toBe(403);
    }
    expect((await send(host, '/', { headers: { Host: `localhost:${host.port}` } })).status).toBe(200);
  });

  it('answers 413 to an oversized body, declared or streamed, and keeps serving', async () => {
    const host = await start({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ method: 'app/info', input: { pad: 'x'.repeat(4096) } });
    const declared = await send(host, '/api/invoke', { method: 'POST', headers: auth, body: big });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).error.code).toBe('INVALID_INPUT');
    const streamed = await send(host, '/api/invoke', {
      method: 'POST',
      headers: auth,
      body: big,
      chunked: true,
    });
    expect(streamed.status).toBe(413);
    const ok = await send(host, '/api/invoke', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ method: 'app/info', input: {} }),
    });
    expect(JSON.parse(ok.body).ok).toBe(true);
  });

  it('shows a friendly page when the renderer has not been built', async () => {
    const core = tempCore('web');
    const host = await startWebHost({ core, staticDir: join(dir(), 'missing'), token: 't' });
    cleanups.push(() => core.dispose());
    cleanups.push(() => host.close());
    const page = await send(host, '/');
    expect(page.status).toBe(503);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('npm run build');
    expect(page.body).not.toContain('<script');
  });

  it('logs requests only when asked, and never the token', async () => {
    const lines: string[] = [];
    const host = await start({ log: (l) => lines.push(l) });
    await send(host, '/api/invoke', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ method: 'app/info', input: {} }),
    });
    await send(host, '/index.html?token=t');
    await expect.poll(() => lines.length).toBe(2);
    expect(lines[0]).toMatch(/^POST \/api\/invoke 200 \d+ms$/);
    expect(lines.join('\n')).not.toContain('token');
  });

  it('closes gracefully: a call already running finishes, new connections are refused', async () => {
    let release: (() => void) | undefined;
    const slowCore = {
      events: new EventBus(),
      invoke: () =>
        new Promise((resolve) => {
          release = () => resolve({ ok: true, data: 'finished' });
        }),
    } as unknown as Core;
    const host = await startWebHost({ core: slowCore, staticDir: dir(), token: 't' });
    const pending = send(host, '/api/invoke', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ method: 'app/info', input: {} }),
    });
    await expect.poll(() => release !== undefined).toBe(true);
    const closing = host.close(10_000);
    await expect(send(host, '/')).rejects.toThrow();
    release!();
    const reply = await pending;
    expect(JSON.parse(reply.body)).toEqual({ ok: true, data: 'finished' });
    await closing;
  });
});

/** Bytes on a socket, exactly as written: duplicate headers and odd request targets that no client library sends. */
function raw(port: number, text: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // Written, not ended: the request says `Connection: close`, so the server closes once it has answered.
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.on('data', (c: Buffer) => (data += c.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      const split = data.indexOf('\r\n\r\n');
      const head = data.slice(0, split);
      let body = data.slice(split + 4);
      if (/transfer-encoding: chunked/i.test(head)) {
        let out = '';
        for (let rest = body; ;) {
          const eol = rest.indexOf('\r\n');
          const n = parseInt(rest.slice(0, eol), 16);
          if (!n) break;
          out += rest.slice(eol + 2, eol + 2 + n);
          rest = rest.slice(eol + 2 + n + 2);
        }
        body = out;
      }
      resolve({ status, body });
    });
  });
}

describe('web host: odd requests get a clear 400, never a 500', () => {
  const TOKEN = 'session-token-0123456789abcdef';
  let core: ReturnType<typeof tempCore>;
  let host: WebHost;
  let staticDir: string;
  const lines: string[] = [];

  beforeEach(async () => {
    core = tempCore('web');
    staticDir = tempDir('md-static-');
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Mergedesk</title>');
    lines.length = 0;
    host = await startWebHost({ core, staticDir, token: TOKEN, log: (l) => lines.push(l) });
  });
  afterEach(async () => {
    await host.close();
    core.dispose();
    rmSync(staticDir, { recursive: true, force: true });
  });

  const hostLine = () => `Host: 127.0.0.1:${host.port}\r\n`;

  it('answers an absolute-form request target with 400', async () => {
    for (const target of ['http://[/x', `http://127.0.0.1:${host.port}/api/invoke`, '*', '//evil/x']) {
      const reply = await raw(host.port, `GET ${target} HTTP/1.1\r\n${hostLine()}Connection: close\r\n\r\n`);
      expect(reply.status, target).toBe(400);
      expect(reply.body).toContain('must be a path');
    }
  });

  it('answers a method name that is not a string with 400', async () => {
    for (const method of [{ toString: 1 }, { valueOf: 1, toString: 1 }, ['app/info'], null]) {
      const body = JSON.stringify({ method, input: {} });
      const reply = await raw(
        host.port,
        `POST /api/invoke HTTP/1.1\r\n${hostLine()}Authorization: Bearer ${TOKEN}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      expect(reply.status, JSON.stringify(method)).toBe(400);
      expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
  });

  it('refuses a request with two Host headers, even if both are ours', async () => {
    const reply = await raw(
      host.port,
      `GET /index.html HTTP/1.1\r\n${hostLine()}Host: evil.example:${host.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(reply.status).toBe(400);
    const twice = await raw(
      host.port,
      `GET /index.html HTTP/1.1\r\n${hostLine()}${hostLine()}Connection: close\r\n\r\n`,
    );
    expect(twice.status).toBe(400);
    const once = await raw(host.port, `GET /index.html HTTP/1.1\r\n${hostLine()}Connection: close\r\n\r\n`);
    expect(once.status).toBe(200);
  });

  it('never writes a token sent in a path to the request log', async () => {
    const targets = [
      `/#token=${TOKEN}`,
      `/index.html#token=${TOKEN}`,
      `/${TOKEN}`,
      `/assets/${encodeURIComponent(TOKEN)}/x.js`,
      `/api/token=abc123/x`,
      `/x/Bearer%20${TOKEN}`,
    ];
    for (const target of targets)
      await raw(host.port, `GET ${target} HTTP/1.1\r\n${hostLine()}Connection: close\r\n\r\n`);
    await expect.poll(() => lines.length).toBe(targets.length);
    const log = lines.join('\n');
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain('token=');
    expect(log).not.toContain('abc123');
  });
});
