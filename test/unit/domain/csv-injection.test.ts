import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { escapeCell, toCsv } from '../../../app/domain/csv-writer';
import { appendAudit } from '../../../app/store/audit-log';
import { tempCore } from '../../helpers/workspace';

const FORMULAS = ['=HYPERLINK("http://x","y")', '+1+cmd|calc', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];

/** The cells of a CSV file as a spreadsheet would read them. */
const cells = (csv: string) => (parse(csv, { relax_quotes: true }) as string[][]).flat();

describe('CSV output never carries a live formula', () => {
  const cores: ReturnType<typeof tempCore>[] = [];
  afterEach(() => cores.splice(0).forEach((c) => c.dispose()));

  it('the one writer prefixes every formula start with a quote and leaves other text and numbers alone', () => {
    for (const f of FORMULAS) expect(escapeCell(f)).toBe(`'${f}`);
    for (const plain of ['Ann', '42', 'a=b', ' =x', "'quoted"]) expect(escapeCell(plain)).toBe(plain);
    expect(escapeCell(-3)).toBe(-3);
    const out = cells(
      toCsv(
        ['id'],
        FORMULAS.map((f) => [f]),
      ),
    );
    expect(out.slice(1)).toEqual(FORMULAS.map((f) => `'${f}`));
  });

  it('pairs and clusters from a CSV analysis escape ids that look like formulas', async () => {
    const core = tempCore();
    cores.push(core);
    const header = 'id,first_name,last_name,email';
    const rows = FORMULAS.map(
      (f, i) => `"${f.replace(/"/g, '""')}",Ann,Lee${i % 2},ann.lee${i % 2}@example.com`,
    );
    const text = [header, ...rows].join('\n');
    const upload = core.uploads.put('formulas.csv', Buffer.from(text));
    const result = await core.call('detect/csv/analyse', { upload: upload.upload });
    expect(result.pairs).toBeGreaterThan(0);
    for (const csv of [result.pairsCsv, result.clustersCsv]) {
      for (const cell of cells(csv)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it('the audit export escapes values that look like formulas', async () => {
    const core = tempCore();
    cores.push(core);
    appendAudit(core.context.workspace.db, '2026-01-01T00:00:00.000Z', {
      action: 'detect.not_duplicate',
      connectionId: '=cmd|"/c calc"!A1',
      runId: '@SUM(1+1)',
      subject: 'group:7',
    });
    const exported = await core.call('merge/audit-export', { format: 'csv' });
    const all = cells(exported.content);
    expect(all).toContain(`'=cmd|"/c calc"!A1`);
    expect(all).toContain(`'@SUM(1+1)`);
    for (const cell of all) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});
