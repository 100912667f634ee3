import { afterAll, beforeAll } from 'vitest';
import { rmSync } from 'node:fs';
import { startWordPressSandbox, type WordPressSandbox } from '../../app/sandbox/wordpress';
import { tempDir } from '../helpers/workspace';
import { connectorContract, contractSeed, type ContractTarget } from './connector-contract';

let sandbox: WordPressSandbox;
let dir: string;

beforeAll(async () => {
  dir = tempDir('md-wpsb-');
  sandbox = await startWordPressSandbox({ stateDir: dir, seed: contractSeed });
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

connectorContract('sandbox WordPress', (): ContractTarget => ({
  url: sandbox.baseUrl,
  username: sandbox.username,
  appPassword: sandbox.appPassword,
  subscriber: sandbox.subscriber,
  setBridgeActive: async (active) => sandbox.setBridgeActive(active),
}));
