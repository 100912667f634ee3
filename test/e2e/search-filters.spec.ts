import { test, expect } from './fixtures';
import { readCache, sharedSandboxHost } from './sandbox-host';
import { Desk } from './pages/desk';
import { Queue, QueueFilters } from './pages/queue';

const host = sharedSandboxHost();

/** A member of an open group with a US number, and a tag one of the group's records carries. */
function sample(workspace: string) {
  return readCache(workspace, (db) => {
    const row = db
      .prepare(
        `SELECT g.id AS groupId, p.e164 AS e164, c.given_name AS given, c.family_name AS family
         FROM dup_groups g JOIN dup_group_members m ON m.group_id = g.id
         JOIN contact_phones p ON p.contact_pk = m.contact_pk JOIN contacts c ON c.pk = m.contact_pk
         WHERE g.status = 'open' AND p.e164 LIKE '+1__________' ORDER BY g.id LIMIT 1`,
      )
      .get() as { groupId: number; e164: string; given: string; family: string };
    const tag = db
      .prepare(
        `SELECT t.name FROM tags t JOIN contact_tags ct ON ct.tag_pk = t.pk
         JOIN dup_group_members m ON m.contact_pk = ct.contact_pk JOIN dup_groups g ON g.id = m.group_id
         WHERE g.status = 'open' GROUP BY t.name ORDER BY count(*) DESC LIMIT 1`,
      )
      .pluck()
      .get() as string;
    return { ...row, tag };
  });
}

test('a phone in any format finds its group in Duplicates and its contact in Contacts', async ({ page }) => {
  const s = sample(host().workspace);
  const d = s.e164.slice(2);
  const spaced = `+1 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`;
  const desk = new Desk(page);
  await desk.open(host().url);
  await desk.goTo('Duplicates');
  const queue = new Queue(page);
  const filters = new QueueFilters(page);
  for (const q of [spaced, d]) {
    await filters.search(q);
    await expect(queue.list.locator(`#group-${s.groupId}`)).toBeVisible();
  }

  await desk.goTo('Contacts');
  for (const q of [spaced, d]) {
    await page.getByRole('searchbox', { name: 'Search contacts' }).fill(q);
    await expect(page.getByRole('listbox', { name: 'Contacts' })).toContainText(s.family ?? s.given);
  }
});

test('the tag filter suggests tags and ignores case; the minimum score shows in the lane counts', async ({
  page,
}) => {
  const s = sample(host().workspace);
  const desk = new Desk(page);
  await desk.open(host().url);
  await desk.goTo('Duplicates');
  const queue = new Queue(page);
  const filters = new QueueFilters(page);
  await expect(page.locator('#queue-tag-suggestions option').first()).toBeAttached();
  await expect(page.locator(`#queue-tag-suggestions option[value="${s.tag}"]`)).toBeAttached();

  // The tab counts follow a filter once the queue has asked again: read each count after its answer has come.
  await expect.poll(() => queue.laneCount(/^All/).catch(() => 0)).toBeGreaterThan(0);
  const unfiltered = await queue.laneCount(/^All/);
  await filters.tag(s.tag);
  await expect.poll(() => queue.laneCount(/^All/)).toBeLessThan(unfiltered);
  const exact = await queue.laneCount(/^All/);
  expect(exact).toBeGreaterThan(0);
  await filters.tag(s.tag.toUpperCase());
  await expect.poll(() => queue.laneCount(/^All/)).toBe(exact);
  await filters.tag('');

  const before = await queue.laneCount(/^Maybe two people/);
  await filters.minScore('99%');
  await expect.poll(() => queue.laneCount(/^Maybe two people/)).toBeLessThan(before);
});
