import { test, expect } from './fixtures';
import { readCache, sharedSandboxHost } from './sandbox-host';
import { Desk } from './pages/desk';
import { Queue, Toasts } from './pages/queue';
import { Review } from './pages/review';

const host = sharedSandboxHost();

/** Open groups of a lane with `size` records, best first. */
const groupsOf = (lanes: string[], size: number) =>
  readCache(
    host().workspace,
    (db) =>
      db
        .prepare(
          `SELECT id FROM dup_groups WHERE status = 'open' AND size = ? AND lane IN (${lanes.map(() => '?').join(',')})
         ORDER BY score DESC, id`,
        )
        .pluck()
        .all(size, ...lanes) as number[],
  );

const groupId = (url: string) => Number(/#\/duplicates\/(\d+)/.exec(url)?.[1] ?? NaN);

test('from 1280 px the queue and the group stand side by side, and a lane clears from the keyboard', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const desk = new Desk(page);
  await desk.open(host().url);
  await desk.goTo('Duplicates');
  const queue = new Queue(page);
  await queue.openLane(/^Needs a choice/);
  const [first, second] = await queue.firstGroupIds(2);
  await queue.openGroup(first!);

  const review = new Review(page, first);
  await expect(review.root).toBeVisible();
  await expect(queue.list).toBeVisible();
  const left = (await queue.list.boundingBox())!;
  const right = (await review.root.boundingBox())!;
  expect(left.x + left.width).toBeLessThanOrEqual(right.x);
  await testInfo.attach('side-by-side-desk', { body: await page.screenshot(), contentType: 'image/png' });

  // `?` lists the keys of this screen: the queue's and the review's, not only the screen switches.
  const help = await desk.showShortcuts();
  await expect(help.getByRole('table', { name: 'Review' })).toContainText('Skip to the next group');
  await expect(help.getByRole('table', { name: 'Queue' })).toContainText('Tick the group for a batch merge');
  await expect(help.getByRole('table', { name: 'Everywhere' })).toContainText('Go to Duplicates');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  // Skip opens the next group of the queue.
  await page.keyboard.press('s');
  await expect(page).toHaveURL(new RegExp(`#/duplicates/${second}$`));
  await expect(new Review(page, second).root).toBeVisible();
});

test('Not a duplicate opens the next group, offers Undo, keeps the counts live and lists it under Dismissed', async ({
  page,
}) => {
  const desk = new Desk(page);
  await desk.open(host().url);
  await desk.goTo('Duplicates');
  const queue = new Queue(page);
  await queue.openLane(/^Needs a choice/);
  const lane = await queue.laneCount(/^Needs a choice/);
  const [first] = await queue.firstGroupIds(1);
  await queue.openGroup(first!);
  await expect(new Review(page, first).root).toBeVisible();

  await page.keyboard.press('n');
  await expect.poll(() => groupId(page.url())).not.toBe(first);
  await expect(new Review(page).root).toBeVisible();
  await expect.poll(() => queue.laneCount(/^Needs a choice/)).toBe(lane - 1);
  await expect.poll(() => queue.laneCount(/^Dismissed/)).toBe(1);

  // The toast takes it back.
  const toasts = new Toasts(page);
  await toasts
    .toast(/Not a duplicate/)
    .getByRole('button', { name: 'Undo' })
    .click();
  await expect.poll(() => queue.laneCount(/^Needs a choice/)).toBe(lane);
  await expect.poll(() => queue.laneCount(/^Dismissed/)).toBe(0);

  // Dismiss again from the queue with the keyboard, then undo from the Dismissed view.
  await desk.goTo('Duplicates');
  await queue.openLane(/^Needs a choice/);
  await queue.list.focus();
  await page.keyboard.press('n');
  await expect.poll(() => queue.laneCount(/^Dismissed/)).toBe(1);
  await queue.openLane(/^Dismissed/);
  await expect(queue.rows()).toHaveCount(1);
  await queue.rows().first().getByRole('button', { name: /^Undo/ }).click();
  await expect.poll(() => queue.laneCount(/^Dismissed/)).toBe(0);
  await expect.poll(() => queue.laneCount(/^Needs a choice/)).toBe(lane);
});

test('a group that no longer exists shows only that it is gone', async ({ page }) => {
  const desk = new Desk(page);
  await desk.open(host().url);
  const [real] = groupsOf(['needs_choice'], 2);
  await desk.visit(`#/duplicates/${real}`);
  await expect(new Review(page, real).root).toBeVisible();
  await desk.visit('#/duplicates/999999');
  await expect(page.getByRole('heading', { name: 'Group 999999 is gone' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Merge…' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: /^Review group/ })).toHaveCount(0);
  await expect(page.locator('.review-grid')).toHaveCount(0);
});

test('a three-record group fits 1280×800 with its buttons, and nothing is clipped at 1024×640', async ({
  page,
}) => {
  const [three] = groupsOf(['safe', 'needs_choice'], 3);
  await page.setViewportSize({ width: 1280, height: 800 });
  const desk = new Desk(page);
  await desk.open(host().url);
  await desk.visit(`#/duplicates/${three}`);
  const review = new Review(page, three);
  await expect(review.grid).toBeVisible();
  // One row per field: every row of the grid is one line high, and the whole grid and its buttons are in view.
  await expect(review.button('Merge…')).toBeInViewport();
  const grid = (await review.grid.boundingBox())!;
  expect(grid.y + grid.height).toBeLessThanOrEqual(800);

  await page.setViewportSize({ width: 1024, height: 640 });
  await expect(review.grid).toBeVisible();
  // Every element inside the main area ends within it: nothing is cut off at the right edge. Read until the layout
  // has followed the new width (the grid re-lays itself out after the resize), then it must hold.
  const clipped = () =>
    page.evaluate(`(() => {
    const main = document.querySelector('main');
    const edge = main.getBoundingClientRect().right + 1;
    const overflowing = [...main.querySelectorAll('*')].filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.right > edge;
    });
    return { scroll: main.scrollWidth - main.clientWidth, overflowing: overflowing.length };
  })()`);
  await expect.poll(clipped).toEqual({ scroll: 0, overflowing: 0 });
  expect(await clipped()).toEqual({ scroll: 0, overflowing: 0 });
});

test('the WordPress login kept for course progress is the one with more progress, both shown with figures', async ({
  page,
}) => {
  const found = readCache(host().workspace, (db) => {
    const groups = db.prepare(`SELECT id, crm_ids FROM dup_groups WHERE status = 'open'`).all() as {
      id: number;
      crm_ids: string;
    }[];
    const wp = db.prepare('SELECT login, progress FROM wp_users WHERE linked_contact_id = ?');
    for (const g of groups) {
      const users = (JSON.parse(g.crm_ids) as string[]).flatMap(
        (id) => wp.all(id) as { login: string; progress: string }[],
      );
      if (users.length === 2) {
        const lessons = (u: { progress: string }) =>
          Number((JSON.parse(u.progress || '{}') as { lessonsCompleted?: number }).lessonsCompleted ?? 0);
        const [most, least] = [...users].sort((a, b) => lessons(b) - lessons(a));
        if (lessons(most!) > lessons(least!))
          return { id: g.id, most: most!, least: least!, lessons: [lessons(most!), lessons(least!)] };
      }
    }
    throw new Error('no group with two WordPress logins of different progress');
  });
  const desk = new Desk(page);
  await desk.open(host().url);
  await desk.visit(`#/duplicates/${found.id}`);
  const logins = page.getByRole('list', { name: 'WordPress logins' });
  await expect(logins).toBeVisible();
  const kept = logins
    .getByRole('listitem')
    .filter({ hasText: `${found.most.login} (linked` })
    .first();
  await expect(kept.getByRole('radio')).toBeChecked();
  await expect(kept).toContainText(`${found.lessons[0]} lessons completed`);
  await expect(kept).toContainText('last login');
  const other = logins
    .getByRole('listitem')
    .filter({ hasText: `${found.least.login} (linked` })
    .first();
  await expect(other).toContainText(`${found.lessons[1]} lessons completed`);
  await expect(page.getByText(`Keeps ${found.most.login}: it holds the most course progress`)).toBeVisible();
});

test('plan, result, History and journal speak in words and agree on the steps', async ({ page }) => {
  test.setTimeout(120_000);
  const desk = new Desk(page);
  await desk.open(host().url);
  const [id] = groupsOf(['needs_choice'], 2);
  await desk.visit(`#/duplicates/${id}`);
  const review = new Review(page, id);
  await expect(review.grid).toBeVisible();
  const pick = review.root.getByRole('radio', { name: / from record 2$/ }).first();
  if ((await pick.count()) > 0) await pick.check();
  await review.openPlan();
  const internals =
    /givenName|familyName|middleName|jobTitle|most_complete|prefer_non_empty|EMAIL\d|PHONE\d|BILLING|\(s\)|[0-9a-f]{8}-[0-9a-f]{4}-/;
  await expect(review.plan).not.toContainText(internals);
  const heading = (await review.plan
    .getByRole('heading', { name: /^The merge runs in \d+ steps?$/ })
    .textContent())!;
  const steps = Number(/(\d+)/.exec(heading)![1]);
  await expect(review.plan.getByRole('list', { name: 'Steps' }).locator('> li')).toHaveCount(steps);
  await review.confirmGuards();
  await review.runButton.click();
  const result = page.getByRole('region', { name: 'Last merge' });
  await expect(result).toBeVisible({ timeout: 60_000 });
  await expect(result).not.toContainText(internals);

  await result.getByRole('link', { name: 'See the run in History' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible();
  const run = page.getByRole('region', { name: /^Merge of / });
  await expect(run.getByRole('heading')).toBeVisible();
  await expect(run.locator('.step-list > li')).toHaveCount(steps);
  await expect(run).toContainText(`${steps} of ${steps} steps done`);
  await expect(page.getByRole('row').filter({ hasText: 'completed' }).first()).toContainText(
    `${steps}/${steps}`,
  );
  // Names beside ids, and no run id as text anywhere on the screen.
  await expect(page.getByRole('row').filter({ hasText: 'completed' }).first()).toContainText(
    /[A-Za-z]+ .*\(#\d+\)/,
  );
  await expect(page.getByRole('main')).not.toContainText(internals);
});
