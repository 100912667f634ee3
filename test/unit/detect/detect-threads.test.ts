import { afterEach, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { readContactsCsv, TWO_THREADS_FROM } from '../../../app/detect/csv';
import { allowInProcessDetection, mustUseWorker, useDetectWorkerFile } from '../../../app/detect/threads';
import { analyseCsvBytes } from '../../../app/detect/service';
import { defaultDetectSettings } from '../../../app/detect/settings';
import { isAppError } from '../../../app/domain/errors';

/** A CRM-like export large enough to be read by two threads, with repeats and quoted multi-line notes. */
function bigCsv(): Buffer {
  const lines = ['Id,First Name,Last Name,Email,Phone 1,Notes'];
  let size = 0;
  for (let i = 1; size < TWO_THREADS_FROM + 200_000; i++) {
    const given = ['Ann', 'Bill', 'Zoë', 'Grace', 'Tom'][i % 5];
    const family = `Lee${i % 997}`;
    const id = i % 1000 === 0 ? String(i - 1) : String(i);
    const note = i % 7 === 0 ? '"line one\nline, two"' : 'n';
    const line = `${id},${given},${family},${given}.${family}@example.org,(415) 555-${String(i % 10000).padStart(4, '0')},${note}`;
    lines.push(line);
    size += line.length + 1;
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

afterEach(() => {
  useDetectWorkerFile(null);
  allowInProcessDetection(true);
});

describe('detection threads', () => {
  it('refuses to run on the calling thread without a worker bundle unless a test asks for it', async () => {
    allowInProcessDetection(false);
    let caught: unknown;
    try {
      mustUseWorker();
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught, 'INTERNAL')).toBe(true);
    expect((caught as Error).message).toMatch(/detection worker .* is missing/);
    await expect(
      analyseCsvBytes(Buffer.from('id,email\n1,a@b.org\n'), { settings: defaultDetectSettings() }),
    ).rejects.toThrow(/is missing/);
  });

  it('reads a large file in two threads exactly as one thread reads it', async () => {
    const bytes = bigCsv();
    const one = await readContactsCsv(Readable.from([bytes]), { region: 'US' });
    useDetectWorkerFile(resolve('scripts/ts-detect-worker.mjs'));
    const two = await readContactsCsv(bytes, { region: 'US' });
    expect(two.features.length).toBe(one.features.length);
    expect(two.features).toEqual(one.features);
    expect(two.display).toEqual(one.display);
    expect(two.warnings).toEqual(one.warnings);
    expect(two.duplicateIds).toBeGreaterThan(0);
    expect(two.duplicateIds).toBe(one.duplicateIds);
  }, 120_000);

  it('runs a CSV analysis in the worker with the same result as in-process', async () => {
    const text = Buffer.from(
      'Id,First Name,Last Name,Email\n1,Ann,Lee,ann@x.org\n2,Anne,Lee,ANN@x.org\n3,Tom,Hardy,t@y.org\n',
    );
    const settings = defaultDetectSettings();
    const here = await analyseCsvBytes(Buffer.from(text), { settings });
    useDetectWorkerFile(resolve('scripts/ts-detect-worker.mjs'));
    const there = await analyseCsvBytes(Buffer.from(text), { settings });
    expect({ ...there, millis: 0 }).toEqual({ ...here, millis: 0 });
  }, 120_000);
});
