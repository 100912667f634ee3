// A scan writer that stores the keys, the value counts and the pairs as the real one does, then fails while it
// writes the groups (a disk full): the output transaction it opened is rolled back, and the scan must write its
// whole output itself.
import { register } from 'tsx/esm/api';

register();
const { ScanOutput } = await import(new URL('../../app/detect/scan-output.ts', import.meta.url).href);
ScanOutput.prototype.finish = function () {
  throw new Error('database or disk is full');
};
await import(new URL('../../app/detect/worker.ts', import.meta.url).href);
