// A real process running a sync, so a test can kill -9 it mid-way. Prints one line per progress event.
import { createCore } from '../../app/api/core';
import { openWorkspace } from '../../app/workspace/workspace';
import { syncManager } from '../../app/sync/manager';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';

const [dir, connectionId] = process.argv.slice(2) as [string, string];
const core = createCore({ workspace: openWorkspace(dir), host: 'cli', connectors: BUILT_IN_CONNECTORS });
core.events.subscribe((e) => {
  if (e.name === 'sync/progress') {
    const p = e.payload as { resource: string; done: number };
    process.stdout.write(`progress ${p.resource} ${p.done}\n`);
  }
});
await core.call('sync/start', { connectionId, mode: 'full' });
await syncManager(core.context).wait(connectionId);
process.stdout.write('finished\n');
core.close();
