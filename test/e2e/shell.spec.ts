import type { Page, Route } from '@playwright/test';
import { test, expect } from './fixtures';

const SCREENS = ['Overview', 'Connections', 'Contacts', 'Duplicates', 'History', 'Settings'];

/** Answers the contract calls named in `replies` with a canned result; everything else reaches the real host. */
async function overrideCalls(page: Page, replies: Record<string, (calls: number) => unknown>) {
  const counts = new Map<string, number>();
  await page.route('**/api/invoke', async (route: Route) => {
    const { method } = route.request().postDataJSON() as { method: string };
    const reply = replies[method];
    if (!reply) return route.continue();
    const n = (counts.get(method) ?? 0) + 1;
    counts.set(method, n);
    const body = reply(n);
    if (body === undefined) return route.continue();
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  });
}

/** Replaces the host's event stream: the first connection delivers `events`, reconnections deliver nothing. */
async function pushEvents(page: Page, events: readonly { name: string; payload: unknown }[]) {
  let connections = 0;
  await page.route('**/api/events', (route) => {
    const first = connections++ === 0;
    return route.fulfill({
      status: 200,
      contentType: 'text/event-stream',
      body: `: connected\n\n${first ? events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') : ''}`,
    });
  });
}

test('the shell shows every screen, marks the current one and states where the data lives', async ({
  page,
  app,
}) => {
  await page.goto(app.url);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav).toBeVisible();
  for (const name of SCREENS) {
    await nav.getByRole('link', { name }).click();
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
    await expect(nav.getByRole('link', { name })).toHaveAttribute('aria-current', 'page');
    await expect(nav.locator('[aria-current="page"]')).toHaveCount(1);
    await expect(page).toHaveTitle(`${name} · Mergedesk`);
  }
  await expect(page.getByText(app.workspace)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Credential storage' })).toBeVisible();
  await expect(page.getByRole('note')).toContainText('encrypted with a key kept in this workspace folder');
  await expect(page.getByText('Browser host (this computer only)')).toBeVisible();
});

test('navigation moves focus to the new screen heading', async ({ page, app }) => {
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Duplicates' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Duplicates' })).toBeFocused();
});

test.describe('without the embedded sandbox', () => {
  test.use({ hostArgs: ['--no-sandbox'] });
  test('a fresh workspace shows empty states, not errors', async ({ page, app }) => {
    await page.goto(app.url);
    for (const name of ['Contacts', 'Duplicates', 'History']) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
      await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
      await expect(page.locator('main .empty-state').first()).toBeVisible();
      await expect(page.locator('main').getByRole('alert')).toHaveCount(0);
    }
    const status = page.getByRole('contentinfo', { name: 'Workspace status' });
    await expect(status).toContainText('0 contacts');
    await expect(status).toContainText('0 groups to review');
  });
});

test('keyboard: Alt+number moves between screens', async ({ page, app }) => {
  await page.goto(app.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await page.keyboard.press('Alt+4');
  await expect(page.getByRole('heading', { level: 1, name: 'Duplicates' })).toBeVisible();
  await page.keyboard.press('Alt+6');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeFocused();
  await page.keyboard.press('Alt+2');
  await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
});

test('keyboard: the first Tab offers a skip link that jumps to the content', async ({ page, app }) => {
  await page.goto(app.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  const before = page.url();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeFocused();
  expect(page.url()).toBe(before);
});

test('keyboard: ? opens the shortcut list, Esc closes it and returns focus', async ({ page, app }) => {
  await page.goto(app.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).focus();
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Go to Duplicates');
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }),
  ).toBeFocused();
  await page.getByRole('button', { name: /Keyboard shortcuts/ }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
});

test('a failing call shows its error with a retry that recovers', async ({ page, app }) => {
  let failing = true;
  // The first app/info (the shell's own) succeeds; the Settings screen's call fails until "fixed".
  await overrideCalls(page, {
    'app/info': (n) =>
      n > 1 && failing
        ? { ok: false, error: { code: 'BUSY', message: 'The workspace is busy with another task.' } }
        : undefined,
  });
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const alert = page.locator('main').getByRole('alert');
  await expect(alert).toContainText('The workspace is busy with another task.');
  // Words on screen; the code rides on the element for support, never in the text.
  await expect(alert).not.toContainText('BUSY');
  await expect(alert).toHaveAttribute('data-error-code', 'BUSY');
  failing = false;
  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByText(app.workspace)).toBeVisible();
  await expect(page.locator('main').getByRole('alert')).toHaveCount(0);
});

test('an unreachable core gets a clear page, and the app appears once it answers', async ({ page, app }) => {
  let down = true;
  await page.route('**/api/invoke', (route) => (down ? route.abort('connectionrefused') : route.continue()));
  await page.goto(app.url);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Mergedesk cannot reach its core');
  await expect(alert).toContainText('not running');
  await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
  down = false;
  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
});

test('without the session token the page says how to open it', async ({ page, app }) => {
  await page.goto(app.url.replace(/#.*/, ''));
  await expect(page.getByRole('alert')).toContainText('link');
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
});

test('finished jobs raise notifications with a way to the result', async ({ page, app }) => {
  await pushEvents(page, [
    { name: 'detect/finished', payload: { jobId: 'd1', status: 'completed', groups: 3 } },
    {
      name: 'sync/finished',
      payload: {
        jobId: 's1',
        connectionId: 'c1',
        status: 'failed',
        error: { code: 'AUTH_FAILED', message: 'Keap refused the access token.' },
      },
    },
  ]);
  await page.goto(app.url);
  const region = page.getByRole('region', { name: 'Notifications' });
  await expect(region.getByRole('status')).toContainText('Duplicate detection finished');
  await expect(region.getByRole('status')).toContainText('3 groups to review.');
  const failure = region.getByRole('alert');
  await expect(failure).toContainText('Sync failed');
  await expect(failure).toContainText('Keap refused the access token.');
  await region.getByRole('link', { name: 'Review duplicates' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Duplicates' })).toBeVisible();
  // Good news fades by itself; a failure stays until dismissed.
  await failure.getByRole('button', { name: 'Dismiss: Sync failed' }).click();
  await expect(region.getByRole('alert')).toHaveCount(0);
});

test('the status bar refreshes when the workspace changes', async ({ page, app }) => {
  await overrideCalls(page, {
    'workspace/status': (n) =>
      n > 1
        ? {
            ok: true,
            data: {
              contacts: 1234,
              tags: 5,
              orders: 6,
              subscriptions: 0,
              wp_users: 7,
              groups: 8,
              connections: [],
            },
          }
        : undefined,
  });
  await pushEvents(page, [{ name: 'workspace/changed', payload: { reason: 'sync' } }]);
  await page.goto(app.url);
  const status = page.getByRole('contentinfo', { name: 'Workspace status' });
  await expect(status).toContainText('1,234 contacts');
  await expect(status).toContainText('8 groups to review');
});
