import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCrmRows, writeCrmCsv, crmRecords } from '../../../bench/crm-style/generate';
import { parseContactsCsv } from '../../../app/detect/csv';

describe('CRM-style generator', () => {
  it('gives the same rows for the same seed and different rows for another', () => {
    const a = [...generateCrmRows({ rows: 500, seed: 11 })];
    const b = [...generateCrmRows({ rows: 500, seed: 11 })];
    const c = [...generateCrmRows({ rows: 500, seed: 12 })];
    expect(a).toEqual(b);
    expect(a.map((r) => r.email)).not.toEqual(c.map((r) => r.email));
    expect(a).toHaveLength(500);
  });

  it('holds every duplicate and look-alike kind in a list of six thousand', () => {
    const kinds = new Set([...generateCrmRows({ rows: 6000, seed: 3 })].map((r) => r.kind));
    for (const k of [
      'dup:email_case',
      'dup:email_slot',
      'dup:gmail_dots_plus',
      'dup:nickname',
      'dup:typo',
      'dup:swapped',
      'dup:mover',
      'dup:phone_format',
      'dup:company_change',
      'father',
      'son',
      'spouse',
      'family_address',
      'role_address',
      'switchboard',
      'common_name',
    ])
      expect(kinds).toContain(k);
  });

  it('writes a CSV the analysis reads, with its truth in a separate file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-style-'));
    try {
      const out = writeCrmCsv(join(dir, 'list.csv'), { rows: 300, seed: 5 });
      const { records } = parseContactsCsv(readFileSync(out.file, 'utf8'));
      const truth = readFileSync(out.truthFile, 'utf8').trim().split('\n').slice(1);
      expect(records).toHaveLength(300);
      expect(truth).toHaveLength(300);
      const inMemory = crmRecords({ rows: 300, seed: 5 });
      expect(records.map((r) => r.id)).toEqual(inMemory.records.map((r) => r.id));
      expect(truth.map((l) => l.split(',')[1])).toEqual(inMemory.truth);
      expect(readFileSync(out.file, 'utf8')).not.toMatch(/dup:|\be\d+\b,/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
