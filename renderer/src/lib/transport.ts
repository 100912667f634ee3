import { createClient, type ApiClient, type Transport } from '../../../app/api/client';
import type { CoreEvent, Result, UploadRef } from '../../../app/api/contract';

declare global {
  interface Window {
    /** Present only in the Electron window, exposed by the preload. */
    readonly mergedesk?: Transport;
  }
}

const TOKEN_KEY = 'mergedesk.token';

/** The web host hands the session token in the URL fragment (never sent to a server); keep it for reloads. */
function takeWebToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function webTransport(token: string): Transport {
  const headers = { Authorization: `Bearer ${token}` };
  const listeners = new Set<(event: CoreEvent) => void>();
  let streaming = false;

  async function stream() {
    streaming = true;
    for (;;) {
      try {
        const res = await fetch('/api/events', { headers });
        if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let idx;
          while ((idx = buffer.indexOf('\n\n')) >= 0) {
            const chunk = buffer.slice(0, idx);
            buffer = buffer.slice(idx + 2);
            for (const line of chunk.split('\n')) {
              if (line.startsWith('data: ')) {
                const event = JSON.parse(line.slice(6)) as CoreEvent;
                for (const l of listeners) l(event);
              }
            }
          }
        }
      } catch {
        // The host restarted or the laptop slept: reconnect after a pause rather than dropping progress updates.
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  return {
    async invoke(method, input) {
      let res: Response;
      try {
        res = await fetch('/api/invoke', {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: JSON.stringify({ method, input }),
        });
      } catch {
        return {
          ok: false,
          error: {
            code: 'CONNECTION_FAILED',
            message: 'Mergedesk is not running. Start it again and reload.',
          },
        };
      }
      if (res.status === 401) {
        return {
          ok: false,
          error: {
            code: 'UNAUTHORIZED',
            message: 'This page’s session has expired. Open the link Mergedesk printed when it started.',
          },
        };
      }
      try {
        return (await res.json()) as Result<unknown>;
      } catch {
        // Not the contract's JSON: the host is shutting down, or something else answered on this port.
        return {
          ok: false,
          error: {
            code: 'CONNECTION_FAILED',
            message: `Mergedesk did not answer properly (HTTP ${res.status}). If it was stopped, start it again and reload.`,
          },
        };
      }
    },
    async upload(file, name) {
      let res: Response;
      try {
        res = await fetch('/api/upload', {
          method: 'POST',
          headers: {
            ...headers,
            'Content-Type': 'application/octet-stream',
            'X-File-Name': encodeURIComponent(name),
          },
          body: file,
        });
      } catch {
        return {
          ok: false,
          error: {
            code: 'CONNECTION_FAILED',
            message: 'Mergedesk is not running. Start it again and reload.',
          },
        };
      }
      if (res.status === 413) {
        return {
          ok: false,
          error: { code: 'INVALID_INPUT', message: 'The file is too large to analyse here.' },
        };
      }
      try {
        return (await res.json()) as Result<UploadRef>;
      } catch {
        return {
          ok: false,
          error: { code: 'CONNECTION_FAILED', message: `The upload failed (HTTP ${res.status}).` },
        };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!streaming) void stream();
      return () => listeners.delete(listener);
    },
  };
}

function missingTransport(): Transport {
  const error = {
    code: 'UNAUTHORIZED' as const,
    message: 'Open Mergedesk from the link it printed when it started (it carries this session’s key).',
  };
  return { invoke: async () => ({ ok: false, error }), subscribe: () => () => undefined };
}

export function connect(): ApiClient {
  if (window.mergedesk) return createClient(window.mergedesk);
  const token = takeWebToken();
  return createClient(token ? webTransport(token) : missingTransport());
}
