// The sandboxed preload: the window's only door to the main process. It exposes exactly the Transport the renderer's
// contract client needs (`invoke` and `subscribe`), never ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron';
import type { Transport } from '../../app/api/client';
import type { CoreEvent, Result } from '../../app/api/contract';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './channels';

const listeners = new Set<(event: CoreEvent) => void>();

ipcRenderer.on(EVENT_CHANNEL, (_event, coreEvent: CoreEvent) => {
  for (const listener of [...listeners]) {
    try {
      listener(coreEvent);
    } catch {
      // One broken subscriber must not starve the others of progress events.
    }
  }
});

const bridge = {
  invoke(method: string, input: unknown): Promise<Result<unknown>> {
    return (ipcRenderer.invoke(INVOKE_CHANNEL, { method, input }) as Promise<Result<unknown>>).catch(
      (): Result<unknown> => ({
        ok: false,
        error: { code: 'CONNECTION_FAILED', message: 'The Mergedesk core did not answer. Restart the app.' },
      }),
    );
  },
  subscribe(listener: (event: CoreEvent) => void): () => void {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
} satisfies Transport;

contextBridge.exposeInMainWorld('mergedesk', bridge);
