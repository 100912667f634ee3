import { ELECTRON, expect, SKIP_REASON, test } from './fixtures';

test.skip(!ELECTRON, SKIP_REASON);

/** The browser globals these tests touch (the test tsconfig has no DOM library). */
interface PageGlobals {
  mergedesk?: {
    invoke(method: string, input: unknown): Promise<unknown>;
    subscribe(listener: (event: unknown) => void): () => void;
  };
  require?: unknown;
  process?: unknown;
  open(url: string): unknown;
  location: { href: string };
  Notification: { requestPermission(): Promise<string> };
  eval(code: string): unknown;
}

test('opens the shell from app:// with the workspace it was given', async ({ desktop }) => {
  const { window: page, workspace } = desktop;
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await page.keyboard.press('Alt+6');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(page.getByText(workspace)).toBeVisible();
});

test('the renderer has no Node and a bridge with exactly invoke and subscribe', async ({ desktop }) => {
  const facts = await desktop.window.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    return {
      bridge: Object.keys(g.mergedesk ?? {}).sort(),
      require: typeof g.require,
      process: typeof g.process,
    };
  });
  expect(facts.bridge).toEqual(['invoke', 'subscribe']);
  expect(facts.require).toBe('undefined');
  expect(facts.process).toBe('undefined');
});

test('contract calls go through the validated IPC router', async ({ desktop }) => {
  const call = (method: string, input: unknown) =>
    desktop.window.evaluate(
      ([m, i]) => (globalThis as unknown as PageGlobals).mergedesk!.invoke(m as string, i),
      [method, input] as const,
    );
  expect(await call('app/info', {})).toMatchObject({
    ok: true,
    data: { host: 'electron', name: 'Mergedesk' },
  });
  expect(await call('no/such', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  expect(await call('workspace/status', { x: 1 })).toMatchObject({
    ok: false,
    error: { code: 'INVALID_INPUT' },
  });
});

test('new windows are denied and web links open in the system browser', async ({ desktop }) => {
  const { app, window: page } = desktop;
  await app.evaluate(({ shell }) => {
    const opened: string[] = [];
    (globalThis as { __opened?: string[] }).__opened = opened;
    shell.openExternal = async (url: string) => {
      opened.push(url);
    };
  });
  const denied = await page.evaluate(
    () => (globalThis as unknown as PageGlobals).open('https://example.org/docs') === null,
  );
  expect(denied).toBe(true);
  await page.evaluate(() => (globalThis as unknown as PageGlobals).open('file:///etc/passwd'));
  await expect
    .poll(() => app.evaluate(() => (globalThis as { __opened?: string[] }).__opened ?? []))
    .toEqual(['https://example.org/docs']);
  expect(app.windows()).toHaveLength(1);
});

test('navigation away from app:// is blocked', async ({ desktop }) => {
  const { window: page } = desktop;
  await page.evaluate(() => {
    (globalThis as unknown as PageGlobals).location.href = 'file:///etc/passwd';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toMatch(/^app:\/\/mergedesk\//);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
});

test('the CSP forbids eval, and permission requests are denied', async ({ desktop }) => {
  const { window: page } = desktop;
  const evalResult = await page.evaluate(() => {
    try {
      return String((globalThis as unknown as PageGlobals).eval('1 + 1'));
    } catch {
      return 'blocked';
    }
  });
  expect(evalResult).toBe('blocked');
  const permission = await page.evaluate(() =>
    (globalThis as unknown as PageGlobals).Notification.requestPermission(),
  );
  expect(permission).toBe('denied');
});
