import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { action } from '../runtime';
import { AppError } from '../../../app/domain/errors';
import type { WordPressTestResult } from '../../../app/api/contract';
import { workspacePluginZip } from '../../../app/connectors/wordpress/plugin-package';

/** Reads the Application Password without echoing it. */
async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new AppError(
      'INVALID_INPUT',
      'Set WP_APP_PASSWORD to the Application Password (no terminal to ask on).',
    );
  }
  process.stderr.write(question);
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

/** `pluginZip`: where this computer keeps the installable zip, for a host that may name files (the CLI). */
export function describeTest(test: WordPressTestResult, pluginZip?: string): string {
  const lines = [`Site: ${test.siteUrl}`];
  lines.push(test.authOk ? `Login: ok (${test.userCount ?? '?'} users)` : `Login: failed`);
  if (test.site) {
    lines.push(
      `Mergedesk Bridge: ${test.site.pluginVersion ?? 'active'}   AccessAlly: ${
        test.site.accessAlly.active ? (test.site.accessAlly.version ?? 'active') : 'not active'
      }   Contact link: ${test.site.linkSource}   Orders: ${test.site.ordersAdapter ?? 'none'}`,
    );
  }
  if (test.problem) lines.push(`Problem: ${test.problem.message}`);
  if (test.install) {
    lines.push('', pluginZip ? `Install the plugin (${pluginZip}):` : 'Install the plugin:');
    test.install.installSteps.forEach((s, i) => lines.push(`  ${i + 1}. ${s}`));
  }
  return lines.join('\n');
}

/** `mergedesk connect wordpress`: shares the `connect` family with the CRM connectors. */
export function registerConnectWordPress(program: Command): void {
  const connect =
    program.commands.find((c) => c.name() === 'connect') ??
    program.command('connect').description('Connect a CRM or a WordPress site to this workspace.');
  connect
    .command('wordpress')
    .description(
      'Connect a WordPress site running the Mergedesk Bridge plugin. The Application Password is read from ' +
        'WP_APP_PASSWORD or asked for, and kept in the workspace secret store.',
    )
    .requiredOption('--url <url>', 'site address, https:// (http:// only for this computer)')
    .requiredOption('--user <name>', 'WordPress administrator username')
    .option('--label <label>', 'name to show for this site')
    .option('--crm <connectionId>', 'CRM connection whose contacts the site links to')
    .action(
      action(async (ctx, opts: { url: string; user: string; label?: string; crm?: string }) => {
        const appPassword =
          process.env.WP_APP_PASSWORD ?? (await promptHidden(`Application Password for ${opts.user}: `));
        ctx.progress(`Testing ${opts.url}…`);
        const { connection, test } = await ctx.core.call('wordpress/add', {
          url: opts.url,
          username: opts.user,
          appPassword,
          ...(opts.label ? { label: opts.label } : {}),
          ...(opts.crm ? { crmConnectionId: opts.crm } : {}),
        });
        const pluginZip = test.install ? workspacePluginZip(ctx.core.context.workspace.dir).path : undefined;
        ctx.print({ connection, test, ...(pluginZip ? { pluginZip } : {}) }, () =>
          [`Connected ${connection.label} (${connection.id}).`, describeTest(test, pluginZip)].join('\n'),
        );
      }),
    );
}
