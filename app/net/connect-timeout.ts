import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/** Raised when a server does not accept the connection in time (unreachable host, dropped SYN). */
export const CONNECT_TIMEOUT_CODE = 'ECONNECTTIMEOUT';

type CreateConnection = (options: object, callback?: (err: Error | null, socket: Duplex) => void) => Duplex;

/**
 * A connection that is not accepted within `ms` is given up at once: the request timeout covers a slow answer, but an
 * unreachable server should fail in seconds, not after a whole request timeout times every retry.
 */
function withConnectTimeout<A extends HttpAgent>(agent: A, ms: number): A {
  const create = (agent as unknown as { createConnection: CreateConnection }).createConnection.bind(agent);
  (agent as unknown as { createConnection: CreateConnection }).createConnection = (options, callback) => {
    const socket = create(options, callback) as Socket;
    if (socket.connecting === false) return socket;
    const timer = setTimeout(() => {
      const error = Object.assign(new Error(`no connection within ${ms} ms`), { code: CONNECT_TIMEOUT_CODE });
      socket.destroy(error);
    }, ms);
    timer.unref?.();
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
    return socket;
  };
  return agent;
}

export function connectTimeoutAgents(ms: number): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  return {
    httpAgent: withConnectTimeout(new HttpAgent({ keepAlive: true }), ms),
    httpsAgent: withConnectTimeout(new HttpsAgent({ keepAlive: true }), ms),
  };
}
