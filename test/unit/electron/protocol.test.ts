import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { handleAppProtocol, registerAppScheme, serveAppRequest } from '../../../main/electron/protocol';
import { CONTENT_SECURITY_POLICY } from '../../../main/electron/security';
import { tempDir } from '../../helpers/workspace';

describe('app:// protocol', () => {
  let parent: string;
  let root: string;

  beforeAll(() => {
    parent = tempDir('md-proto-');
    root = join(parent, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Mergedesk</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(parent, 'secret.txt'), 'outside the renderer');
  });
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  const get = (url: string, method = 'GET') => serveAppRequest(root, { url, method });

  it('serves the renderer with its type and the CSP', async () => {
    const index = await get('app://mergedesk/');
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>Mergedesk</title>');
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const script = await get('app://mergedesk/assets/app.js?v=1#x');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const path of [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e/secret.txt',
    ]) {
      const res = await get(`app://mergedesk${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('outside');
    }
  });

  it('answers GET only, and only for our host', async () => {
    expect((await get('app://mergedesk/index.html', 'POST')).status).toBe(405);
    expect((await get('app://mergedesk/index.html', 'PUT')).status).toBe(405);
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get('app://user@mergedesk/index.html')).status).toBe(404);
    expect((await get('app://mergedesk/missing.js')).status).toBe(404);
    expect((await get('app://mergedesk/index.html', 'HEAD')).status).toBe(405);
  });

  it('registers a privileged standard scheme and a handler for it', async () => {
    const registerSchemesAsPrivileged = vi.fn();
    registerAppScheme({ registerSchemesAsPrivileged });
    expect(registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ]);
    let handler: ((r: Request) => Promise<Response> | Response) | undefined;
    handleAppProtocol({ handle: (_scheme, h) => (handler = h) }, root);
    const res = await handler!(new Request('app://mergedesk/index.html'));
    expect(res.status).toBe(200);
  });
});
