import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Core } from '../../app/api/core';
import { hasValidToken, isAllowedHost, isAllowedOrigin } from './request-guard';
import { readStatic } from '../shared/static-files';

export interface WebHostOptions {
  readonly core: Core;
  readonly staticDir: string;
  readonly port?: number;
  /** Tests pass a fixed token; otherwise a fresh random one per run. */
  readonly token?: string;
  readonly maxBodyBytes?: number;
}

export interface WebHost {
  readonly url: string;
  readonly openUrl: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

/**
 * The loopback browser host: the built renderer plus the contract over HTTP (`POST /api/invoke`) and an event
 * stream (`GET /api/events`, server-sent events read with fetch so the token stays in a header).
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const staticDir = resolve(options.staticDir);
  const maxBody = options.maxBodyBytes ?? 256 * 1024 * 1024;
  const streams = new Set<ServerResponse>();
  let port = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { code: 'INTERNAL', message: String(error) });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (!isAllowedHost(req.headers.host, port)) return sendJson(res, 403, refusal('Unexpected Host header.'));
    if (!isAllowedOrigin(req.headers.origin, port))
      return sendJson(res, 403, refusal('Cross-origin request refused.'));
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);

    if (url.pathname.startsWith('/api/')) {
      if (!hasValidToken(req.headers.authorization, token)) {
        return sendJson(res, 401, { code: 'UNAUTHORIZED', message: 'Missing or wrong session token.' });
      }
      if (url.pathname === '/api/invoke' && req.method === 'POST') return invoke(req, res);
      if (url.pathname === '/api/events' && req.method === 'GET') return openEventStream(req, res);
      return sendJson(res, 404, { code: 'NOT_FOUND', message: `No API route ${req.method} ${url.pathname}` });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, refusal('Method not allowed.'));
    const file = (await readStatic(staticDir, url.pathname)) ?? (await readStatic(staticDir, '/index.html'));
    if (!file) {
      return sendText(
        res,
        503,
        'The renderer has not been built. Run `npm run build`, then reload this page.',
      );
    }
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': file.type, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  async function invoke(req: IncomingMessage, res: ServerResponse) {
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, maxBody)).toString('utf8'));
    } catch (error) {
      const tooLarge = error instanceof BodyTooLargeError;
      return sendJson(res, tooLarge ? 413 : 400, {
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          message: tooLarge ? 'The request is too large.' : 'The request body is not valid JSON.',
        },
      });
    }
    const { method, input } = (body ?? {}) as { method?: unknown; input?: unknown };
    sendJson(res, 200, await options.core.invoke(method, input));
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse) {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const unsubscribe = options.core.events.subscribe((event) => {
      res.write(`data: ${JSON.stringify(event)}\n\n`);
    });
    const keepAlive = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
      streams.delete(res);
    });
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openUrl: `${url}/#token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const s of streams) s.end();
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function refusal(message: string) {
  return { code: 'FORBIDDEN', message };
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body);
}
