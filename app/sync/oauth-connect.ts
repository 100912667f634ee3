import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CoreContext } from '../context/context';
import { AppError } from '../domain/errors';
import { createCrmClient, getConnection, insertConnection, updateConnection } from './connections';
import { recordTestPassed } from '../store/connections-repo';

/**
 * Connecting a CRM account through OAuth2 in the system browser (RFC 8252): the core listens on an ephemeral
 * 127.0.0.1 port for the redirect, sends the browser to the CRM's consent page with a random state and a PKCE
 * challenge, and exchanges the code itself, so the code, the verifier and the tokens never reach the renderer.
 */
interface Flow {
  readonly id: string;
  readonly server: Server;
  readonly done: Promise<string>;
  readonly timer: NodeJS.Timeout;
  cancel(reason: AppError): void;
}

const FLOW_TTL_MS = 10 * 60_000;
const flows = new WeakMap<CoreContext, Map<string, Flow>>();

function flowsOf(ctx: CoreContext): Map<string, Flow> {
  let m = flows.get(ctx);
  if (!m) flows.set(ctx, (m = new Map()));
  return m;
}

export interface OAuthStart {
  readonly kind: string;
  readonly label?: string | undefined;
  readonly baseUrl?: string | undefined;
  readonly clientId: string;
  readonly clientSecret: string;
}

const page = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body style="font-family: sans-serif; max-width: 32rem; margin: 3rem auto"><h1>${title}</h1><p>${text}</p></body></html>`;

export async function startOAuthConnect(
  ctx: CoreContext,
  input: OAuthStart,
  options: { readonly ttlMs?: number } = {},
): Promise<{ flowId: string; authorizeUrl: string; redirectUri: string }> {
  const connector = ctx.connectors.crm(input.kind);
  if (!connector.oauth) {
    throw new AppError('UNSUPPORTED', `${connector.label} connections cannot be made through the browser.`);
  }
  const oauth = connector.oauth;
  const baseUrl = (input.baseUrl ?? connector.defaultBaseUrl ?? '').replace(/\/+$/, '');
  const { authorizeUrl, tokenUrl } = oauth.endpoints(baseUrl);
  const state = randomBytes(24).toString('base64url');
  const verifier = randomBytes(48).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const id = randomUUID();

  let settle!: { resolve: (connectionId: string) => void; reject: (e: AppError) => void };
  const done = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  // A flow nobody waits for must not become an unhandled rejection.
  done.catch(() => undefined);
  let redirectUri = '';
  let handled = false;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, title: string, text: string) => {
      res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(page(title, text));
    };
    // Only the redirect with this flow's state counts; anything else on the port is ignored.
    if (url.pathname !== '/callback' || url.searchParams.get('state') !== state || handled) {
      return reply(404, 'Not found', 'This address only receives the answer of one sign-in.');
    }
    handled = true;
    const error = url.searchParams.get('error');
    const code = url.searchParams.get('code');
    if (error || !code) {
      reply(200, 'Not connected', 'The access was not allowed. You can close this tab and try again.');
      finish(
        new AppError(
          'AUTH_FAILED',
          `Access was denied on ${connector.label}'s consent page, so nothing was connected. Start again and choose Allow to connect.`,
          { reason: 'denied' },
        ),
      );
      return;
    }
    void (async () => {
      try {
        const secret = await oauth.exchange(
          {
            tokenUrl,
            clientId: input.clientId,
            clientSecret: input.clientSecret,
            code,
            redirectUri,
            codeVerifier: verifier,
          },
          ctx.clock,
        );
        const connectionId = await insertConnection(
          ctx,
          {
            kind: connector.kind,
            label: input.label ?? connector.label,
            baseUrl,
            account: null,
            testedOk: false,
          },
          secret,
        );
        // The account's name, and proof the tokens work, before the person is told it is connected.
        const info = await (
          await createCrmClient(ctx, getConnection(ctx.workspace.db, connectionId))
        ).testConnection();
        updateConnection(ctx, connectionId, {
          account: info.account,
          ...(input.label ? {} : { label: info.account }),
        });
        recordTestPassed(ctx.workspace.db, connectionId);
        ctx.events.emit('workspace/changed', { reason: 'connection added' });
        reply(200, 'Connected', `${info.account} is connected to Mergedesk. You can close this tab.`);
        finish(null, connectionId);
      } catch (e) {
        const err = e instanceof AppError ? e : new AppError('AUTH_FAILED', String(e));
        reply(200, 'Not connected', `${err.message} You can close this tab.`);
        finish(err);
      }
    })();
  });

  const finish = (error: AppError | null, connectionId?: string) => {
    clearTimeout(timer);
    server.close();
    flowsOf(ctx).delete(id);
    if (error) settle.reject(error);
    else settle.resolve(connectionId!);
  };
  const timer = setTimeout(
    () =>
      finish(
        new AppError(
          'TIMEOUT',
          `${connector.label}'s consent page was not answered within ${FLOW_TTL_MS / 60_000} minutes, so the sign-in was stopped. Start again when you are ready.`,
        ),
      ),
    options.ttlMs ?? FLOW_TTL_MS,
  );
  timer.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const url = new URL(authorizeUrl);
  url.search = new URLSearchParams({
    client_id: input.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'full',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  flowsOf(ctx).set(id, { id, server, done, timer, cancel: (reason) => finish(reason) });
  return { flowId: id, authorizeUrl: url.toString(), redirectUri };
}

/** Waits for the browser step of a flow and answers with the new connection's id. */
export async function completeOAuthConnect(
  ctx: CoreContext,
  flowId: string,
  signal?: AbortSignal,
): Promise<string> {
  const flow = flowsOf(ctx).get(flowId);
  if (!flow)
    throw new AppError('NOT_FOUND', 'That browser sign-in is over or was never started; start again.');
  if (!signal) return flow.done;
  return Promise.race([
    flow.done,
    new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(new AppError('CANCELLED', 'Stopped waiting.')), {
        once: true,
      }),
    ),
  ]);
}

export function cancelOAuthConnect(ctx: CoreContext, flowId: string): boolean {
  const flow = flowsOf(ctx).get(flowId);
  if (!flow) return false;
  flow.cancel(new AppError('CANCELLED', 'The browser sign-in was cancelled.'));
  return true;
}
