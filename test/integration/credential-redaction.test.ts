import { describe, expect, it } from 'vitest';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { createCore, type Core } from '../../app/api/core';
import { openWorkspace } from '../../app/workspace/workspace';
import { MemorySecretStore } from '../../app/secrets/file-secret-store';
import { insertConnection } from '../../app/sync/connections';
import { insertWordPressConnection } from '../../app/connectors/wordpress/connections';
import { syncManager } from '../../app/sync/manager';
import type { Clock } from '../../app/ports/clock';
import type { CoreEvent } from '../../app/context/events';
import { tempDir } from '../helpers/workspace';

/**
 * A server (or a proxy in front of it) that answers every request with the request's own headers in it, in the
 * shapes gateways and frameworks use. Whatever Mergedesk makes of such an answer — a result, an error, a stored sync
 * run, a status, an event — must not carry a credential it sent.
 */
type Shape = 'json' | 'headers-object' | 'keap-fault' | 'wp-error' | 'html' | 'text' | 'json-escaped';
const SHAPES: Shape[] = ['json', 'headers-object', 'keap-fault', 'wp-error', 'html', 'text', 'json-escaped'];
const STATUSES = [200, 400, 401, 403, 404, 409, 429, 500, 502];

interface EchoMode {
  status: number;
  shape: Shape;
}

function rawHeaders(req: IncomingMessage): string {
  const lines: string[] = [`${req.method} ${req.url} HTTP/1.1`];
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  return lines.join('\r\n');
}

function echo(mode: EchoMode, req: IncomingMessage, res: ServerResponse) {
  const { status, shape } = mode;
  const headers = req.headers;
  const dump = rawHeaders(req);
  const json = (body: unknown, text = JSON.stringify(body)) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Retry-After': '0' });
    res.end(text);
  };
  switch (shape) {
    case 'json':
      return json({ message: `Gateway error for request:\n${dump}`, status: 'ERROR' });
    case 'headers-object':
      return json({ error: 'upstream failed', request: { headers } });
    case 'keap-fault':
      return json({
        fault: {
          faultstring: `Invalid ApiKey ${String(headers['x-keap-api-key'] ?? headers.authorization)}`,
          detail: { errorcode: 'oauth.v2.InvalidApiKey' },
        },
      });
    case 'wp-error':
      return json({
        code: status === 401 ? 'rest_not_logged_in' : 'rest_forbidden',
        message: `Sorry, you are not allowed (sent ${String(headers.authorization ?? headers['x-keap-api-key'])}).`,
        data: { status, headers },
      });
    case 'json-escaped':
      // PHP's json_encode escapes slashes, so base64 with "/" comes back as "\/".
      return json(null, JSON.stringify({ message: dump }).replace(/\//g, '\\/'));
    case 'html':
      res.writeHead(status, { 'Content-Type': 'text/html' });
      return res.end(
        `<html><body><h1>Bad Gateway</h1><pre>${dump}</pre><table>${Object.entries(headers)
          .map(([k, v]) => `<tr><td>${k}</td><td>${String(v)}</td></tr>`)
          .join('')}</table></body></html>`,
      );
    case 'text':
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      return res.end(`upstream said no\n${dump}\n`);
  }
}

/** Retries happen at once: the test is about what the messages say, not about waiting. */
const instantClock: Clock = {
  now: () => Date.now(),
  sleep: async (_ms, signal) => {
    if (signal?.aborted) throw signal.reason;
  },
};

const KEAP_KEY = 'KeapAK-s3cr3t+Key/With=Padding0123456789';
const AC_TOKEN = 'ac0ffee5ecret+tok/en=0123456789abcdef0123456789abcdef';
const WP_USER = 'site-admin';
const WP_PASSWORD = 'abcd EFGH ijkl MNOP qrst UVWX';

/** Every form a leaked credential could take in text: as sent, and encoded. */
function forbidden(): string[] {
  const wpCompact = WP_PASSWORD.replace(/\s+/g, '');
  const basic = Buffer.from(`${WP_USER}:${wpCompact}`).toString('base64');
  return [
    KEAP_KEY,
    encodeURIComponent(KEAP_KEY),
    Buffer.from(KEAP_KEY).toString('base64'),
    KEAP_KEY.replace(/\//g, '\\/'),
    AC_TOKEN,
    encodeURIComponent(AC_TOKEN),
    Buffer.from(AC_TOKEN).toString('base64'),
    AC_TOKEN.replace(/\//g, '\\/'),
    wpCompact,
    basic,
    basic.replace(/\//g, '\\/'),
  ];
}

interface Harness {
  core: Core;
  events: CoreEvent[];
  dir: string;
}

function harness(): Harness {
  const dir = tempDir('md-redact-');
  const core = createCore({
    workspace: openWorkspace(dir, { secrets: new MemorySecretStore() }),
    host: 'cli',
    clock: instantClock,
    connectors: BUILT_IN_CONNECTORS,
  });
  const events: CoreEvent[] = [];
  core.events.subscribe((e) => events.push(e));
  return { core, events, dir };
}

/** Everything the workspace database holds, as text. */
function databaseText(core: Core): string {
  const db = core.context.workspace.db;
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
  return tables.map((t) => JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).all())).join('\n');
}

interface ConnectorCase {
  readonly name: string;
  /** Tries to add a connection against the server; returns whatever the contract answered. */
  connect(core: Core, url: string): Promise<unknown>;
  /** Saves a connection without testing it, then syncs it; returns the answers (result, status). */
  sync(core: Core, url: string): Promise<unknown[]>;
}

const CONNECTORS: ConnectorCase[] = [
  {
    name: 'Keap',
    connect: (core, url) => core.invoke('connections/add', { kind: 'keap', baseUrl: url, apiKey: KEAP_KEY }),
    async sync(core, url) {
      const id = await insertConnection(
        core.context,
        {
          kind: 'keap',
          label: 'Echo Keap',
          baseUrl: url,
          account: null,
          testedOk: true,
          settings: { maxRetries: 2, rateLimits: { perSecond: 1000, perMinute: 1_000_000 } },
        },
        KEAP_KEY,
      );
      const started = await core.invoke('sync/start', { connectionId: id, mode: 'full' });
      const outcome = await syncManager(core.context)
        .wait(id)
        .then(
          (r) => ({ ok: true, r }),
          (e: unknown) => ({ ok: false, e: e instanceof Error ? { ...e, message: e.message } : e }),
        );
      const status = await core.invoke('sync/status', { connectionId: id });
      const test = await core.invoke('connections/test', { id });
      return [started, outcome, status, test];
    },
  },
  {
    name: 'ActiveCampaign',
    connect: (core, url) =>
      core.invoke('connections/add', { kind: 'activecampaign', baseUrl: url, apiKey: AC_TOKEN }),
    async sync(core, url) {
      const id = await insertConnection(
        core.context,
        {
          kind: 'activecampaign',
          label: 'Echo ActiveCampaign',
          baseUrl: url,
          account: null,
          testedOk: true,
          settings: { maxRetries: 2, rateLimits: { perSecond: 1000, perMinute: 1_000_000 } },
        },
        AC_TOKEN,
      );
      const started = await core.invoke('sync/start', { connectionId: id, mode: 'full' });
      const outcome = await syncManager(core.context)
        .wait(id)
        .then(
          (r) => ({ ok: true, r }),
          (e: unknown) => ({ ok: false, e: e instanceof Error ? { ...e, message: e.message } : e }),
        );
      const status = await core.invoke('sync/status', { connectionId: id });
      const test = await core.invoke('connections/test', { id });
      return [started, outcome, status, test];
    },
  },
  {
    name: 'WordPress',
    connect: (core, url) =>
      core.invoke('wordpress/add', { url, username: WP_USER, appPassword: WP_PASSWORD }),
    async sync(core, url) {
      // A 200 at the connect phase may have saved the site already; this phase starts from a known connection.
      core.context.workspace.db.prepare(`DELETE FROM connections WHERE kind = 'wordpress'`).run();
      const id = await insertWordPressConnection(core.context, {
        credentials: { url, username: WP_USER, appPassword: WP_PASSWORD },
        siteUrl: url,
        label: 'Echo site',
        crmConnectionId: null,
        lastTestOk: true,
      });
      const synced = await core.invoke('wordpress/sync', { connectionId: id, mode: 'full' });
      const tested = await core.invoke('wordpress/test', { connectionId: id });
      await core.invoke('wordpress/remove', { connectionId: id });
      return [synced, tested];
    },
  },
];

/** An echo server of its own (its answer set by `mode`) and a workspace of its own, so cases run side by side. */
interface EchoCase {
  readonly url: string;
  readonly mode: EchoMode;
  readonly h: Harness;
  close(): Promise<void>;
}

async function echoCase(): Promise<EchoCase> {
  const mode: EchoMode = { status: 500, shape: 'json' };
  const server: Server = createServer((req, res) => echo(mode, req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const h = harness();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mode,
    h,
    async close() {
      h.core.close();
      rmSync(h.dir, { recursive: true, force: true });
      await new Promise((r) => server.close(r));
    },
  };
}

function expectClean(what: string, value: unknown) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  for (const secret of forbidden()) {
    if (text.includes(secret))
      throw new Error(`${what} carries a credential (${secret.slice(0, 6)}…): ${text.slice(0, 600)}`);
  }
  expect(text).not.toMatch(/x-keap-api-key[\\"']*\s*[:=]\s*[\\"']*(?!\[redacted\])[A-Za-z0-9]/i);
  expect(text).not.toMatch(/authorization[\\"']*\s*[:=]\s*[\\"']*basic\s+(?!\[redacted\])[A-Za-z0-9]/i);
  expect(text).not.toMatch(/api-token[\\"']*\s*[:=]\s*[\\"']*(?!\[redacted\])[A-Za-z0-9]/i);
}

// Each case waits mostly on its client's rate limiter (real seconds between retries), so they run side by side.
describe.concurrent('credentials are never echoed back from a server that dumps request headers', () => {
  for (const connector of CONNECTORS) {
    for (const phase of ['connect', 'sync'] as const) {
      it(`${connector.name} ${phase}: ${STATUSES.length} statuses × ${SHAPES.length} echo shapes`, async () => {
        // One server and workspace per status, side by side: each shape of it in turn.
        const failures = await Promise.all(
          STATUSES.map(async (status) => {
            const { url, mode, h, close } = await echoCase();
            try {
              let failed = 0;
              for (const shape of SHAPES) {
                mode.status = status;
                mode.shape = shape;
                h.events.length = 0;
                const answer =
                  phase === 'connect'
                    ? await connector.connect(h.core, url)
                    : await connector.sync(h.core, url);
                const label = `${connector.name} ${phase} HTTP ${status} ${shape}`;
                expectClean(`${label}: answer`, answer);
                expectClean(`${label}: events`, h.events);
                if (JSON.stringify(answer).includes('"ok":false')) failed++;
              }
              expectClean(`${connector.name} ${phase} HTTP ${status}: database`, databaseText(h.core));
              return failed;
            } finally {
              await close();
            }
          }),
        );
        // The echo server is not a CRM or a site: most of these must have failed (and said so).
        expect(failures.reduce((a, b) => a + b, 0)).toBeGreaterThan(STATUSES.length * SHAPES.length * 0.5);
      });
    }
  }

  it('a credential inside a base URL never reaches a connection-error message', async () => {
    const { h, close } = await echoCase();
    try {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((r) => closed.close(r));
      const answer = await h.core.invoke('connections/add', {
        kind: 'keap',
        baseUrl: `http://admin:${encodeURIComponent(KEAP_KEY)}@127.0.0.1:${port}/crm`,
        apiKey: KEAP_KEY,
      });
      expect(answer).toMatchObject({ ok: false, error: { code: 'CONNECTION_FAILED' } });
      expectClean('connection refused', answer);
    } finally {
      await close();
    }
  });
});
