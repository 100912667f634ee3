import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What a test does at a write request: nothing (undefined), 'abort' (close the connection: before the change, as
 * if the request never arrived; after it, the change is made but the answer is lost), or answer with an error
 * status (and headers, such as a 429's Retry-After) instead of the real response (after the change: the client sees
 * a failure for work that was done).
 */
export type WriteHookResult =
  void | 'abort' | { readonly status: number; readonly headers?: Readonly<Record<string, string>> };

/**
 * Called for every request that changes state (anything but GET), once before the change and once after it,
 * with the response held until the hook settles, so a test can kill a client at an exact point or lose an answer.
 */
export type WriteHook = (
  signature: string,
  phase: 'before' | 'after',
) => WriteHookResult | Promise<WriteHookResult>;

/** Runs the before-hook; true when the request must go no further (the connection was closed or answered). */
export async function writeHookBefore(
  hook: WriteHook | null,
  signature: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  if (!hook) return false;
  const verdict = await hook(signature, 'before');
  if (verdict === 'abort') {
    req.socket.destroy();
    return true;
  }
  if (verdict && typeof verdict === 'object') {
    injectedError(res, verdict.status, verdict.headers);
    return true;
  }
  // After the change: hold the real answer until the after-hook has decided what the client gets.
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  let head: unknown[] | null = null;
  res.writeHead = ((...args: unknown[]) => {
    head = args;
    return res;
  }) as typeof res.writeHead;
  res.end = ((...args: unknown[]) => {
    void Promise.resolve(hook(signature, 'after')).then(
      (after) => {
        if (after === 'abort') return void req.socket.destroy();
        res.writeHead = writeHead as typeof res.writeHead;
        res.end = end as typeof res.end;
        if (after && typeof after === 'object') return injectedError(res, after.status, after.headers);
        if (head) writeHead(...head);
        end(...args);
      },
      () => req.socket.destroy(),
    );
    return res;
  }) as typeof res.end;
  return false;
}

function injectedError(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
  res.end(JSON.stringify({ code: status, message: `Injected failure (${status})` }));
}
