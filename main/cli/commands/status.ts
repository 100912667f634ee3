import type { Command } from 'commander';
import { action } from '../runtime';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Show what the workspace cache holds and which connections it has.')
    .action(
      action(async (ctx) => {
        const status = await ctx.core.call('workspace/status', {});
        ctx.print(status, () => {
          const lines = [
            `Workspace: ${ctx.core.context.workspace.dir}`,
            `Contacts: ${status.contacts}   Tags: ${status.tags}   Orders: ${status.orders}   Subscriptions: ${status.subscriptions}`,
            `WordPress users: ${status.wp_users}   Open duplicate groups: ${status.groups}`,
            status.connections.length === 0
              ? 'Connections: none yet (mergedesk connect --help lists what can be connected)'
              : 'Connections:',
            ...status.connections.map(
              (c) =>
                `  ${c.kind.padEnd(14)} ${c.label}  ${c.baseUrl}  last sync: ${c.lastSyncAt ?? 'never'}${c.isSandbox ? '  (sandbox)' : ''}`,
            ),
          ];
          return lines.join('\n');
        });
      }),
    );
}
