// Fits the score calibration on CRM-style lists generated with the calibration seeds (never the benchmark's) and
// writes it to app/detect/data/calibration.ts. Run: npx tsx bench/crm-style/fit-calibration.ts [rows per list]
import { writeFileSync } from 'node:fs';
import { detect } from '../../app/detect/engine';
import { fitCalibration, type CalibrationClass } from '../../app/detect/calibration';
import { IDENTITY_CONFLICT, STRONG } from '../../app/detect/lanes';
import { defaultDetectSettings } from '../../app/detect/settings';
import { scorePair } from '../../app/detect/model';
import { CRM_SEEDS, crmRecords } from './generate';

const settings = defaultDetectSettings();
const rows = Number(process.argv[2] ?? 20_000);
const samples: { evidence: number; cls: CalibrationClass; same: boolean }[] = [];
for (const seed of CRM_SEEDS.calibration) {
  const { records, truth } = crmRecords({ rows, seed });
  const result = detect(records, { settings, calibration: null, keepFrom: 0 });
  const contact = (i: number) =>
    result.features[i]!.emails.length > 0 || result.features[i]!.phones.length > 0;
  // The same test the score makes (STRONG adds that the names agree, which the class does not ask).
  const personal = (p: (typeof result.pairs)[number]) => {
    const s = scorePair(result.features[p.a]!, result.features[p.b]!, result.model, settings);
    return s.personalEmail || s.levels[3] === 1;
  };
  for (const p of result.pairs) {
    if (!contact(p.a) || !contact(p.b)) continue;
    samples.push({
      evidence: p.weight - result.model.prior,
      cls: p.flags & IDENTITY_CONFLICT ? 'conflict' : p.flags & STRONG || personal(p) ? 'email' : 'clear',
      same: truth[p.a] === truth[p.b],
    });
  }
  console.log(`seed ${seed}: ${records.length} records, ${result.pairs.length} pairs`);
}
const c = fitCalibration(samples);
const list = (xs: readonly number[]) => `[\n    ${xs.join(', ')},\n  ]`;
writeFileSync(
  'app/detect/data/calibration.ts',
  `import type { Calibration } from '../calibration';

/**
 * Fitted by \`bench/crm-style/fit-calibration.ts\` on ${samples.length} labelled pairs of ${CRM_SEEDS.calibration.length} CRM-style lists of
 * ${rows} rows (seeds ${CRM_SEEDS.calibration.join(', ')}): evidence bins of ${c.step} bit from ${c.from}.
 */
export const CALIBRATION: Calibration | null = {
  from: ${c.from},
  step: ${c.step},
  clear: ${list(c.clear)},
  email: ${list(c.email)},
  conflict: ${list(c.conflict)},
};
`,
);
console.log(`${samples.length} pairs → app/detect/data/calibration.ts`);
