import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Core } from '../../app/api/core';
import {
  hasSingleHost,
  hasValidToken,
  isAllowedHost,
  isAllowedOrigin,
  loggablePath,
  requestPath,
} from './request-guard';
import { readStatic } from '../shared/static-files';
import { toErrorShape } from '../../app/domain/errors';

export interface WebHostOptions {
  readonly core: Core;
  readonly staticDir: string;
  readonly port?: number;
  /** Tests pass a fixed token; otherwise a fresh random one per run. */
  readonly token?: string;
  /** Largest accepted request body; bigger ones get 413 without being read. Default 32 MiB. */
  readonly maxBodyBytes?: number;
  /** Largest accepted upload (`POST /api/upload`); default: what the core holds at most. */
  readonly maxUploadBytes?: number;
  /** Called with one line per request (`GET /assets/x.js 200 3ms`); off unless the host asks for it. */
  readonly log?: (line: string) => void;
}

export interface WebHost {
  readonly url: string;
  readonly openUrl: string;
  readonly port: number;
  readonly token: string;
  /**
   * Graceful stop: refuses new connections, ends event streams, lets calls already running finish (up to
   * `graceMs`), then closes every socket.
   */
  close(graceMs?: number): Promise<void>;
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
  const maxBody = options.maxBodyBytes ?? 32 * 1024 * 1024;
  const streams = new Set<ServerResponse>();
  const inFlight = new Set<Promise<unknown>>();
  let closing = false;
  let port = 0;

  const server = createServer((req, res) => {
    const started = Date.now();
    if (options.log) {
      const log = options.log;
      // Only the path, and never anything that looks like a token: a client may put one anywhere in a target.
      res.on('finish', () =>
        log(
          `${String(req.method).slice(0, 16)} ${loggablePath(req.url, token)} ${res.statusCode} ${Date.now() - started}ms`,
        ),
      );
    }
    if (closing) {
      res.writeHead(503, { Connection: 'close', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Mergedesk is shutting down.');
      return;
    }
    // Never the error's text: it is unexpected, so it may say anything.
    const work = handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { code: 'INTERNAL', message: 'Unexpected error.' });
      else res.end();
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (!hasSingleHost(req.rawHeaders))
      return sendJson(res, 400, badRequest('A request must carry exactly one Host header.'));
    if (!isAllowedHost(req.headers.host, port)) return sendJson(res, 403, refusal('Unexpected Host header.'));
    if (!isAllowedOrigin(req.headers.origin, port))
      return sendJson(res, 403, refusal('Cross-origin request refused.'));
    const pathname = requestPath(req.url);
    if (pathname === null)
      return sendJson(res, 400, badRequest('The request target must be a path such as /api/invoke.'));
    const url = { pathname };

    if (url.pathname.startsWith('/api/')) {
      if (!hasValidToken(req.headers.authorization, token)) {
        return sendJson(res, 401, { code: 'UNAUTHORIZED', message: 'Missing or wrong session token.' });
      }
      if (url.pathname === '/api/invoke' && req.method === 'POST') return invoke(req, res);
      if (url.pathname === '/api/upload' && req.method === 'POST') return upload(req, res);
      if (url.pathname === '/api/events' && req.method === 'GET') return openEventStream(req, res);
      return sendJson(res, 404, {
        code: 'NOT_FOUND',
        message: `No API route ${String(req.method).slice(0, 16)} ${loggablePath(url.pathname, token)}`,
      });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, refusal('Method not allowed.'));
    const file = (await readStatic(staticDir, url.pathname)) ?? (await readStatic(staticDir, '/index.html'));
    if (!file) return sendNotBuilt(res);
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': file.type, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  async function invoke(req: IncomingMessage, res: ServerResponse) {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBody) return refuseTooLarge(req, res);
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, maxBody)).toString('utf8'));
    } catch (error) {
      if (error instanceof BodyTooLargeError) return refuseTooLarge(req, res);
      return sendJson(res, 400, {
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'The request body is not valid JSON.' },
      });
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendJson(res, 400, {
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'The request body must be an object { method, input }.' },
      });
    }
    const { method, input } = body as { method?: unknown; input?: unknown };
    if (typeof method !== 'string') {
      return sendJson(res, 400, {
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'The method name must be a string.' },
      });
    }
    sendJson(res, 200, await options.core.invoke(method, input));
  }

  /**
   * A file the user chose in the page, as raw bytes (never a path): streamed into the core's upload store up to the
   * cap, answered with an opaque token that `detect/csv/analyse` takes.
   */
  async function upload(req: IncomingMessage, res: ServerResponse) {
    const maxUpload = Math.min(options.maxUploadBytes ?? Infinity, options.core.uploads.maxBytes);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxUpload) return refuseTooLarge(req, res);
    const name = fileNameHeader(req.headers['x-file-name']);
    try {
      const ref = await options.core.uploads.putStream(name, limited(req, maxUpload));
      sendJson(res, 200, { ok: true, data: ref });
    } catch (error) {
      if (error instanceof BodyTooLargeError) return refuseTooLarge(req, res);
      sendJson(res, 400, { ok: false, error: toErrorShape(error) });
    }
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
    async close(graceMs = 5_000) {
      closing = true;
      const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      for (const stream of streams) stream.end();
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((r) => (timer = setTimeout(r, graceMs))),
      ]);
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Answers 413 and closes the connection so the rest of an oversized upload is never read. */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse) {
  res.setHeader('Connection', 'close');
  sendJson(res, 413, { ok: false, error: { code: 'INVALID_INPUT', message: 'The request is too large.' } });
  res.on('finish', () => req.destroy());
}

class BodyTooLargeError extends Error {}

/** The request's chunks, failing as soon as more than `limit` bytes arrived (the rest is never read). */
async function* limited(req: IncomingMessage, limit: number): AsyncIterable<Uint8Array> {
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.pause();
      throw new BodyTooLargeError();
    }
    yield chunk;
  }
}

/** The file name a page sent (URL-encoded in `X-File-Name`), for messages only: it never becomes a path. */
function fileNameHeader(value: string | string[] | undefined): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return 'upload.csv';
  try {
    return decodeURIComponent(raw).slice(0, 200);
  } catch {
    return 'upload.csv';
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering; the caller answers 413 and then drops the connection.
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function badRequest(message: string) {
  return { code: 'INVALID_INPUT', message };
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

/** A page (no script, its own tiny stylesheet) for a host started before `npm run build`. */
const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mergedesk — not built yet</title>
<style>body{font:15px/1.5 system-ui,sans-serif;color:#1d2330;background:#f5f6f8;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;border:1px solid #dfe3e8;border-radius:10px;padding:32px 40px;max-width:560px}
h1{font-size:20px;margin:0 0 12px}code{background:#eef1f5;padding:2px 6px;border-radius:4px}</style></head>
<body><main><h1>Mergedesk is running, but its interface has not been built</h1>
<p>Stop this server (Ctrl+C), run <code>npm run build</code> in the Mergedesk folder, start it again and open the
link it prints. <code>npm start</code> and <code>npm run web</code> build it for you.</p></main></body></html>`;

function sendNotBuilt(res: ServerResponse) {
  res.writeHead(503, {
    ...SECURITY_HEADERS,
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(NOT_BUILT_PAGE);
}
