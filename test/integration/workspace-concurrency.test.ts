import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/workspace';
import { latestSchemaVersion } from '../../app/store/database';
import { childScript } from '../helpers/child-script';

function openIn(dir: string, ref: string): Promise<string> {
  const child = spawn(process.execPath, [childScript('test/helpers/open-child.ts'), dir, ref], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.on('exit', () => resolve(out.trim())));
}

describe('first use of a new workspace by many processes at once', () => {
  it('12 processes opening one new folder all succeed on one schema and one secrets key', async () => {
    const root = tempDir('md-conc-');
    try {
      for (let round = 0; round < 1; round++) {
        const dir = join(root, `ws${round}`);
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => openIn(dir, `ref-${i}`)));
        const failures = results.filter((r) => !r.startsWith('ok '));
        expect(failures).toEqual([]);
        // One key for all (every process read back the key that won) and the latest schema everywhere.
        expect(new Set(results.map((r) => r.split(' ')[1])).size).toBe(1);
        expect(new Set(results.map((r) => r.split(' ')[2]))).toEqual(new Set([`v${latestSchemaVersion()}`]));
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
