import type { Command } from 'commander';
import { resolve } from 'node:path';
import { startKeapSandbox } from '../../../app/sandbox/keap';
import { startLinkedAcSandboxes } from '../../../app/sandbox/activecampaign';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toErrorShape } from '../../../app/domain/errors';
import { globalOptions } from '../runtime';

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description(
      'Run a sandbox CRM on 127.0.0.1 until Ctrl+C: Keap-compatible (default), or ActiveCampaign-compatible with a linked WordPress site.',
    )
    .option('--crm <kind>', 'keap or activecampaign', 'keap')
    .option('--port <port>', 'port (default: a free one)', (v) => Number.parseInt(v, 10))
    .option('--contacts <n>', 'contacts to seed', (v) => Number.parseInt(v, 10), 2000)
    .option('--seed <n>', 'seed for the generated data', (v) => Number.parseInt(v, 10), 42)
    .option('--latency <ms>', 'delay every response by this much', (v) => Number.parseInt(v, 10))
    .option('--state-dir <dir>', 'keep the state (merges, deletions) in this folder across restarts')
    .action(
      async (
        opts: {
          crm: string;
          port?: number;
          contacts: number;
          seed: number;
          stateDir?: string;
          latency?: number;
        },
        command: Command,
      ) => {
        const json = globalOptions(command).json;
        try {
          if (opts.crm === 'activecampaign') {
            const sb = await startLinkedAcSandboxes({
              stateDir: opts.stateDir ? resolve(opts.stateDir) : mkdtempSync(join(tmpdir(), 'mergedesk-ac-')),
              people: Math.max(6, Math.round(opts.contacts / 1.3)),
              seed: opts.seed,
              ...(opts.port !== undefined ? { port: opts.port } : {}),
            });
            const info = {
              crm: 'activecampaign',
              baseUrl: sb.crm.baseUrl,
              apiKey: sb.crm.apiKey,
              contacts: Object.keys(sb.crm.state.contacts).length,
              duplicateClusters: sb.crm.world.truth.clusters.length,
              wordpress: {
                url: sb.wordpress.baseUrl,
                username: sb.wordpress.username,
                appPassword: sb.wordpress.appPassword,
              },
            };
            process.stdout.write(
              json
                ? `${JSON.stringify(info)}\n`
                : `ActiveCampaign sandbox running (${info.contacts} contacts, ${info.duplicateClusters} people with duplicates; 5 requests/s).\n` +
                    `API URL: ${info.baseUrl}\nAPI key: ${info.apiKey}\n` +
                    `Connect: AC_API_TOKEN=${info.apiKey} mergedesk connect activecampaign --base-url ${info.baseUrl}\n` +
                    `Linked WordPress site: ${info.wordpress.url} (user ${info.wordpress.username}, application password ${info.wordpress.appPassword})\n` +
                    'Press Ctrl+C to stop.\n',
            );
            const stopAc = () => void sb.close().then(() => process.exit(0));
            process.once('SIGINT', stopAc);
            process.once('SIGTERM', stopAc);
            return;
          }
          if (opts.crm !== 'keap') {
            throw new Error(`There is no ${opts.crm} sandbox; use keap or activecampaign.`);
          }
          const sb = await startKeapSandbox({
            contacts: opts.contacts,
            seed: opts.seed,
            ...(opts.port !== undefined ? { port: opts.port } : {}),
            ...(opts.stateDir ? { stateDir: resolve(opts.stateDir) } : {}),
            ...(opts.latency ? { latencyMs: opts.latency } : {}),
          });
          const info = {
            baseUrl: sb.baseUrl,
            apiKey: sb.apiKey,
            contacts: Object.keys(sb.store.data.contacts).length,
            duplicateClusters: sb.world.truth.clusters.length,
          };
          process.stdout.write(
            json
              ? `${JSON.stringify(info)}\n`
              : `Keap sandbox running (${info.contacts} contacts, ${info.duplicateClusters} people with duplicates).\n` +
                  `Base URL: ${info.baseUrl}\nAPI key: ${info.apiKey}\n` +
                  `Connect: KEAP_API_KEY=${info.apiKey} mergedesk connect keap --base-url ${info.baseUrl}\n` +
                  'Press Ctrl+C to stop.\n',
          );
          const stop = () => void sb.close().then(() => process.exit(0));
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        } catch (error) {
          process.stderr.write(`mergedesk: ${toErrorShape(error).message}\n`);
          process.exitCode = 1;
        }
      },
    );
}
