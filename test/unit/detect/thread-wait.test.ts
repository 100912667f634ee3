import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { waitWhileBusy } from '../../../app/detect/thread-wait';

const STATE = 0;
const BEAT = 1;
const BUSY = 0;
const DONE = 1;

describe('waiting for another thread', () => {
  it('returns at once when the other thread is not busy', () => {
    const cells = new Int32Array(new SharedArrayBuffer(8));
    cells[STATE] = DONE;
    waitWhileBusy(cells, { state: STATE, beat: BEAT }, BUSY, 10_000, 50);
    expect(cells[STATE]).toBe(DONE);
  });

  it('gives up on a thread that shows no sign of work', () => {
    const cells = new Int32Array(new SharedArrayBuffer(8));
    waitWhileBusy(cells, { state: STATE, beat: BEAT }, BUSY, 60, 10);
    expect(cells[STATE]).toBe(BUSY);
  });

  it('keeps waiting, past the silence limit in all, for a thread that keeps beating, until it is done', async () => {
    const cells = new Int32Array(new SharedArrayBuffer(8));
    // Twenty beats 40 ms apart: 800 ms of work against a 400 ms silence limit.
    const worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const cells = new Int32Array(workerData);
       const pause = new Int32Array(new SharedArrayBuffer(4));
       for (let k = 0; k < 20; k++) {
         Atomics.wait(pause, 0, 0, 40);
         Atomics.add(cells, ${BEAT}, 1);
         Atomics.notify(cells, ${STATE});
       }
       Atomics.store(cells, ${STATE}, ${DONE});
       Atomics.notify(cells, ${STATE});`,
      { eval: true, workerData: cells.buffer },
    );
    // The limit only counts from the first beat's absence: give a slow start its time before waiting.
    while (Atomics.load(cells, BEAT) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    waitWhileBusy(cells, { state: STATE, beat: BEAT }, BUSY, 400, 20);
    expect(cells[STATE]).toBe(DONE);
    expect(cells[BEAT]).toBe(20);
    await worker.terminate();
  });
});
