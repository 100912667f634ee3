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
