import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { startWordPressSandbox, type WordPressSandbox } from '../../../app/sandbox/wordpress';
import { WordPressConnector } from '../../../app/connectors/wordpress/client';
import { tempDir } from '../../helpers/workspace';
import { contractSeed } from '../../wordpress/connector-contract';

let dir: string;
let sandbox: WordPressSandbox;
let site: WordPressConnector;

beforeEach(async () => {
  dir = tempDir();
  sandbox = await startWordPressSandbox({ stateDir: dir, seed: contractSeed });
  site = new WordPressConnector({
    url: sandbox.baseUrl,
    username: sandbox.username,
    appPassword: sandbox.appPassword,
    http: { baseDelayMs: 1, maxDelayMs: 5 },
  });
});
afterEach(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

// A write that may have landed is not sent again by the HTTP layer; the merge step reads back first. What reaches
// the user must say that, not that the plugin is out of date.
describe('a server error to a write the site may have applied', () => {
  it('is an error saying it may or may not have been applied, and the write is sent once', async () => {
    sandbox.injectFault({ kind: 'status', status: 503, times: 1, path: '/mergedesk/v1/orders/rekey' });
    sandbox.clearRequests();
    const error = await site.rekeyOrders('101', '102').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REMOTE_ERROR' });
    expect((error as Error).message).toMatch(/HTTP 503.*may or may not have been applied/);
    expect((error as Error).message).not.toMatch(/plugin/i);
    expect(sandbox.requests.filter((r) => r === 'POST /mergedesk/v1/orders/rekey')).toHaveLength(1);
  });

  it('is still retried for a read', async () => {
    sandbox.injectFault({ kind: 'status', status: 503, times: 1, path: '/mergedesk/v1/orders' });
    await expect(site.listOrders({})).resolves.toBeInstanceOf(Array);
  });
});
