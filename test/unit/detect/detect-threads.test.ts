import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  allowInProcessDetection,
  mustUseWorker,
  runInWorker,
  useDetectWorkerFile,
} from '../../../app/detect/threads';
import { analyseCsvBytes, csvYoungGenerationMb } from '../../../app/detect/service';
import { defaultDetectSettings } from '../../../app/detect/settings';
import { isAppError } from '../../../app/domain/errors';

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

  it("gives a large CSV analysis a larger young generation and a small one V8's default", async () => {
    expect(csvYoungGenerationMb(10 * 1024 * 1024)).toBeUndefined();
    expect(csvYoungGenerationMb(108 * 1024 * 1024)).toBe(192);
    // A worker that answers with the limits it was started with.
    const dir = mkdtempSync(join(tmpdir(), 'md-limits-'));
    const file = join(dir, 'limits.mjs');
    writeFileSync(
      file,
      "import { parentPort, resourceLimits } from 'node:worker_threads';\n" +
        "parentPort.postMessage({ type: 'done', result: resourceLimits });\n",
    );
    try {
      const sized = await runInWorker<{ maxYoungGenerationSizeMb: number }>(
        { file, execArgv: [] },
        {},
        { youngGenerationMb: 192 },
      ).result;
      const plain = await runInWorker<{ maxYoungGenerationSizeMb: number }>({ file, execArgv: [] }, {})
        .result;
      expect(sized.maxYoungGenerationSizeMb).toBe(192);
      expect(plain.maxYoungGenerationSizeMb).toBeLessThan(192);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
