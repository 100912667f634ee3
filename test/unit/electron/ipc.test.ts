import { describe, expect, it, vi } from 'vitest';
import {
  checkSender,
  createIpcRouter,
  forwardEvents,
  parseInvokePayload,
  registerIpc,
} from '../../../main/electron/ipc';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../../main/electron/channels';
import { EventBus } from '../../../app/context/event-bus';
import { tempCore } from '../../helpers/workspace';

const mainFrame = (url: string) => ({ url, parent: null });

describe('IPC router', () => {
  it('trusts only the main frame of the app:// page', () => {
    expect(checkSender(mainFrame('app://mergedesk/index.html#/contacts'), undefined)).toEqual({ ok: true });
    expect(checkSender(null, undefined).ok).toBe(false);
    expect(checkSender({ url: 'app://mergedesk/index.html', parent: {} }, undefined).ok).toBe(false);
    expect(checkSender(mainFrame('https://evil.example/'), undefined).ok).toBe(false);
    expect(checkSender(mainFrame('file:///tmp/x.html'), undefined).ok).toBe(false);
    expect(checkSender(mainFrame('app://mergedesk.evil/'), undefined).ok).toBe(false);
  });

  it('falls back to the page URL for an empty frame URL only when explicitly allowed', () => {
    const page = () => 'app://mergedesk/index.html';
    expect(checkSender(mainFrame(''), page).ok).toBe(false);
    expect(checkSender(mainFrame(''), page, true).ok).toBe(true);
    expect(checkSender(mainFrame(''), () => 'https://evil.example/', true).ok).toBe(false);
  });

  it('accepts only { method: string, input }', () => {
    expect(parseInvokePayload({ method: 'app/info', input: {} })).toEqual({ method: 'app/info', input: {} });
    expect(parseInvokePayload(null)).toBeNull();
    expect(parseInvokePayload('app/info')).toBeNull();
    expect(parseInvokePayload([{ method: 'app/info' }])).toBeNull();
    expect(parseInvokePayload({ method: 7 })).toBeNull();
  });

  it('routes a valid call through the contract and returns { ok, data }', async () => {
    const core = tempCore('electron');
    try {
      const route = createIpcRouter({ core });
      const result = await route(
        { senderFrame: mainFrame('app://mergedesk/index.html') as never },
        { method: 'workspace/status', input: {} },
      );
      expect(result).toMatchObject({ ok: true, data: { contacts: 0, connections: [] } });
      const info = await route(
        { senderFrame: mainFrame('app://mergedesk/') as never },
        { method: 'app/info' },
      );
      expect(info).toMatchObject({ ok: true, data: { host: 'electron' } });
    } finally {
      core.dispose();
    }
  });

  it('refuses foreign senders, bad payloads and unknown methods with an error result, never a throw', async () => {
    const core = tempCore('electron');
    try {
      const route = createIpcRouter({ core });
      const trusted = { senderFrame: mainFrame('app://mergedesk/index.html') as never };
      await expect(
        route(
          { senderFrame: mainFrame('https://evil.example/') as never },
          { method: 'app/info', input: {} },
        ),
      ).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      await expect(route(trusted, 'app/info')).resolves.toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
      await expect(route(trusted, { method: 'no/such', input: {} })).resolves.toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_METHOD' },
      });
      await expect(
        route(trusted, { method: 'workspace/status', input: { extra: 1 } }),
      ).resolves.toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
      await expect(route(trusted, { method: 'toString', input: {} })).resolves.toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_METHOD' },
      });
    } finally {
      core.dispose();
    }
  });

  it('turns a core that throws into an INTERNAL result without a stack trace', async () => {
    const route = createIpcRouter({
      core: {
        invoke: () => {
          throw new Error('boom');
        },
      },
    });
    const result = await route(
      { senderFrame: mainFrame('app://mergedesk/') as never },
      { method: 'app/info' },
    );
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Unexpected error: boom' } });
  });

  it('registers exactly one channel and can remove it', () => {
    const ipcMain = { handle: vi.fn(), removeHandler: vi.fn() };
    const remove = registerIpc(ipcMain, { core: { invoke: async () => ({ ok: true, data: null }) } });
    expect(ipcMain.handle).toHaveBeenCalledTimes(1);
    expect(ipcMain.handle.mock.calls[0]?.[0]).toBe(INVOKE_CHANNEL);
    remove();
    expect(ipcMain.removeHandler).toHaveBeenCalledWith(INVOKE_CHANNEL);
  });

  it('forwards core events to live windows only', () => {
    const events = new EventBus();
    const live = { isDestroyed: () => false, send: vi.fn() };
    const gone = { isDestroyed: () => true, send: vi.fn() };
    const stop = forwardEvents({ events }, () => [live, gone]);
    events.emit('workspace/changed', { reason: 'sync' });
    expect(live.send).toHaveBeenCalledWith(EVENT_CHANNEL, {
      name: 'workspace/changed',
      payload: { reason: 'sync' },
    });
    expect(gone.send).not.toHaveBeenCalled();
    stop();
    events.emit('workspace/changed', { reason: 'again' });
    expect(live.send).toHaveBeenCalledTimes(1);
  });
});
