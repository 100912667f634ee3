import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { Core } from '../../app/api/core';
import type { Result } from '../../app/api/contract';
import type { CoreEvent } from '../../app/context/events';
import { toErrorShape } from '../../app/domain/errors';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './channels';
import { isAppUrl } from './trusted-url';

/** What the router needs to know about the frame that sent a message (a subset of WebFrameMain). */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

export interface IpcRouterOptions {
  readonly core: Pick<Core, 'invoke'>;
  /**
   * Only under Playwright, where `senderFrame.url` can be empty: fall back to the sender's page URL. Production
   * never sets it, so there a frame without a URL is refused.
   */
  readonly allowSenderUrlFallback?: boolean;
}

export type SenderVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * A message is trusted only if it comes from the main frame of a page served from app://mergedesk. A sub-frame,
 * a navigated-away page or a frame that is already gone is refused.
 */
export function checkSender(
  frame: SenderFrame | null | undefined,
  pageUrl: (() => string) | undefined,
  allowSenderUrlFallback = false,
): SenderVerdict {
  if (!frame) return { ok: false, reason: 'The sending frame no longer exists.' };
  if (frame.parent !== null) return { ok: false, reason: 'Only the main frame may call the core.' };
  let url = frame.url;
  if (!url && allowSenderUrlFallback && pageUrl) url = pageUrl();
  if (!isAppUrl(url)) return { ok: false, reason: 'The sender is not the Mergedesk window.' };
  return { ok: true };
}

/** The payload of an invoke: `{ method, input }`; the method name and input are then checked by the contract. */
export function parseInvokePayload(
  payload: unknown,
): { readonly method: unknown; readonly input: unknown } | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const { method, input } = payload as { method?: unknown; input?: unknown };
  if (typeof method !== 'string') return null;
  return { method, input };
}

/**
 * The one IPC entry point. Checks the sender, the payload shape and (through `core.invoke`) the method and its
 * input against the contract. Always resolves to a `Result`; nothing is thrown across to the renderer, where only
 * an error's message would survive.
 */
export function createIpcRouter(options: IpcRouterOptions) {
  return async function route(
    event: Pick<IpcMainInvokeEvent, 'senderFrame'> & { readonly sender?: Pick<WebContents, 'getURL'> },
    payload: unknown,
  ): Promise<Result<unknown>> {
    try {
      const verdict = checkSender(
        event.senderFrame,
        event.sender ? () => event.sender!.getURL() : undefined,
        options.allowSenderUrlFallback,
      );
      if (!verdict.ok) return { ok: false, error: { code: 'FORBIDDEN', message: verdict.reason } };
      const call = parseInvokePayload(payload);
      if (!call) {
        return {
          ok: false,
          error: { code: 'INVALID_INPUT', message: 'An IPC call must be an object { method, input }.' },
        };
      }
      return await options.core.invoke(call.method, call.input);
    } catch (error) {
      return { ok: false, error: toErrorShape(error) };
    }
  };
}

/** Registers the router on the invoke channel; returns a function that removes it. */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, options: IpcRouterOptions) {
  const route = createIpcRouter(options);
  ipcMain.handle(INVOKE_CHANNEL, (event, payload: unknown) => route(event, payload));
  return () => ipcMain.removeHandler(INVOKE_CHANNEL);
}

/** Forwards core events to a window; a closed or crashed window is skipped, never an error. */
export function forwardEvents(
  core: Pick<Core, 'events'>,
  targets: () => Iterable<Pick<WebContents, 'isDestroyed' | 'send'>>,
): () => void {
  return core.events.subscribe((event: CoreEvent) => {
    for (const contents of targets()) {
      if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event);
    }
  });
}
