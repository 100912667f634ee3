import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures';
import { CsvAnalysisPage } from './pages/csv-analysis-page';

test.use({ hostArgs: ['--no-sandbox'] });

/** A Keap contact export as Keap writes it, with a column no rule knows ("Handy", a mobile number). */
const KEAP_EXPORT = [
  'Id,First Name,Last Name,Email,Street Address 1,Postal Code,Phone 1,Handy',
  '101,Ann,Lee,ann.lee@example.com,12 High Street,90210,+1 210 598 4614,',
  '102,Anne,Lee,ann.lee@example.com,12 High St,90210,(210) 598-4614,+1 210 555 0199',
  '103,Tom,Hardy,tom@example.org,1 Low Road,10001,,+1 210 555 0123',
  '104,Thomas,Hardy,thomas.h@example.net,9 Elm Avenue,30301,,+1 210 555 0123',
  '"=HYPERLINK(""http://x"")",Eve,Stone,eve@example.com,3 Oak Lane,60601,,',
].join('\n');

test('a Keap export: columns recognised, an unknown one mapped, a pair side by side, pairs downloaded', async ({
  page,
  app,
}) => {
  await page.goto(app.url);
  const csv = new CsvAnalysisPage(page);
  await csv.openWithKeyboard();

  await csv.upload('keap-export.csv', KEAP_EXPORT);
  await expect(csv.howRead).toContainText('5 records');
  await expect(csv.howRead).toContainText('Read as comma-separated');
  await expect(csv.columnRow('First Name')).toContainText('First name');
  await expect(csv.columnRow('Last Name')).toContainText('Last name');
  await expect(csv.columnRow('Email')).toContainText('Email');
  await expect(csv.columnRow('Street Address 1')).toContainText('Street address');
  await expect(csv.columnRow('Postal Code')).toContainText('Postcode / ZIP');
  await expect(csv.columnRow('Phone 1')).toContainText('Phone');
  await expect(page.getByText('1 column is not used.')).toBeVisible();

  // Ann Lee and Anne Lee share email, address and phone; the Hardys only share the number in "Handy".
  await expect(csv.pairs.getByRole('button', { name: 'Ann Lee and Anne Lee' })).toBeVisible();
  await expect(csv.pairs.getByRole('button', { name: 'Tom Hardy and Thomas Hardy' })).toHaveCount(0);

  await csv.mapColumn('Handy', 'Phone');
  await csv.analyseAgain();
  await expect(csv.columnRow('Handy')).toContainText('Phone');
  await expect(csv.pairs.getByRole('button', { name: 'Tom Hardy and Thomas Hardy' })).toBeVisible();

  const pair = await csv.openPair('Ann Lee and Anne Lee');
  await expect(pair.getByRole('row', { name: /^Name/ })).toContainText('Ann Lee');
  await expect(pair.getByRole('row', { name: /^Name/ })).toContainText('Anne Lee');
  await expect(pair.getByRole('row', { name: /^Email/ })).toContainText('ann.lee@example.com');
  await expect(pair.getByRole('row', { name: /^Address/ })).toContainText('12 High Street');
  await expect(pair.getByRole('row', { name: /^Address/ })).toContainText('12 High St');
  await expect(pair.getByRole('row', { name: /^Record id/ })).toContainText('101');

  const download = await csv.download('pairs.csv');
  expect(download.suggestedFilename()).toBe('pairs.csv');
  const text = readFileSync((await download.path())!, 'utf8');
  expect(text.split('\n')[0]).toBe('id_a,id_b,score,lane');
  expect(text).toContain('101,102');
  const clusters = readFileSync((await (await csv.download('clusters.csv')).path())!, 'utf8');
  // The id that is a formula is written so a spreadsheet shows it as text.
  expect(clusters).toContain(`"'=HYPERLINK(""http://x"")"`);
  expect(clusters).not.toMatch(/^=/m);
});

test('a semicolon-separated export is read with its delimiter', async ({ page, app }) => {
  await page.goto(app.url);
  const csv = new CsvAnalysisPage(page);
  await csv.openFromSidebar();
  await csv.upload(
    'export.csv',
    'First Name;Last Name;Email\nAnn;Lee;ann@example.com\nAnne;Lee;ann@example.com\nTom;Hardy;t@example.org\n',
  );
  await expect(csv.howRead).toContainText('3 records');
  await expect(csv.howRead).toContainText('Read as semicolon-separated');
  await expect(csv.pairs.getByRole('button', { name: 'Ann Lee and Anne Lee' })).toBeVisible();
});

/** A CRM-style export of `rows` people, every tenth one entered twice with a typo (names repeat, as in a real list). */
function bigExport(rows: number): string {
  const given = ['Maria', 'James', 'Li', 'Aisha', 'John', 'Sofia', 'Omar', 'Emma', 'Noah', 'Olivia'];
  const family = ['Garcia', 'Smith', 'Chen', 'Khan', 'Brown', 'Rossi', 'Haddad', 'Martin', 'Lee', 'Novak'];
  const lines = ['Id,First Name,Last Name,Email,Street Address 1,Postal Code,Phone 1'];
  for (let i = 0; i < rows; i++) {
    const g = given[i % 10]!;
    const f = `${family[Math.floor(i / 10) % 10]}${Math.floor(i / 100)}`;
    const line = `${i},${g},${f},${g.toLowerCase()}.${f.toLowerCase()}@example.com,${i % 900} Main Street,${10000 + (i % 5000)},+1 210 555 ${String(i % 10000).padStart(4, '0')}`;
    lines.push(line);
    if (i % 10 === 0) lines.push(line.replace(`${i},${g}`, `${i}b,${g}a`));
  }
  return lines.join('\n');
}

test('a large export shows what the analysis is doing, in words, until the result', async ({ page, app }) => {
  test.setTimeout(90_000);
  await page.goto(app.url);
  const csv = new CsvAnalysisPage(page);
  await csv.openWithKeyboard();
  await csv.upload('big export.csv', bigExport(30_000));
  await expect(csv.progress).toBeVisible({ timeout: 30_000 });
  await expect(csv.progress).toHaveAccessibleName(
    /^Analysing big export\.csv… (Reading the file|Finding records that could be one person|Scoring the likely pairs)/,
  );
  await expect(csv.howRead).toContainText('33,000 records', { timeout: 60_000 });
  await expect(csv.progress).toHaveCount(0);
});
