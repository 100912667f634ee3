import { afterEach, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { allowInProcessDetection, mustUseWorker, useDetectWorkerFile } from '../../../app/detect/threads';
import { analyseCsvBytes } from '../../../app/detect/service';
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
});
