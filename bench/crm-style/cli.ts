// Writes a CRM-style list and its truth: tsx bench/crm-style/cli.ts <out.csv> [--rows 100000] [--seed 20261201]
import { CRM_SEEDS, writeCrmCsv } from './generate';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (!file) {
  console.error('usage: tsx bench/crm-style/cli.ts <out.csv> [--rows N] [--seed S]');
  process.exit(2);
}
const out = writeCrmCsv(file, {
  rows: Number(flag('--rows') ?? 6000),
  seed: Number(flag('--seed') ?? CRM_SEEDS.evaluation),
});
console.log(`${out.rows} rows → ${out.file} (truth: ${out.truthFile})`);
