import type { Command } from 'commander';
import { action } from '../runtime';

export function registerMembers(program: Command): void {
  program
    .command('members')
    .description(
      'WordPress members with the CRM contact each is linked to (from the cache; --sync refreshes it).',
    )
    .option('--connection <id>', 'WordPress connection (default: the only one)')
    .option('--orphans', 'only members linked to a contact the CRM cache no longer has')
    .option('--unlinked', 'only members with no contact link')
    .option('--search <text>', 'login, email, name or exact contact id')
    .option('--page <n>', 'page number', (v) => Number.parseInt(v, 10), 1)
    .option('--per-page <n>', 'members per page (max 500)', (v) => Number.parseInt(v, 10), 100)
    .option('--sync', 'sync the site first')
    .action(
      action(
        async (
          ctx,
          opts: {
            connection?: string;
            orphans?: boolean;
            unlinked?: boolean;
            search?: string;
            page: number;
            perPage: number;
            sync?: boolean;
          },
        ) => {
          if (opts.sync) {
            const off = ctx.core.events.subscribe((e) => {
              if (e.name === 'sync/progress') {
                const p = e.payload as { resource: string; done: number; total: number | null };
                ctx.progress(`Syncing ${p.resource}: ${p.done}${p.total !== null ? `/${p.total}` : ''}`);
              }
            });
            try {
              await ctx.core.call('wordpress/sync', opts.connection ? { connectionId: opts.connection } : {});
            } finally {
              off();
            }
          }
          const filter = opts.orphans ? 'orphans' : opts.unlinked ? 'unlinked' : 'all';
          const res = await ctx.core.call('wordpress/members', {
            ...(opts.connection ? { connectionId: opts.connection } : {}),
            filter,
            ...(opts.search ? { search: opts.search } : {}),
            page: opts.page,
            perPage: opts.perPage,
          });
          ctx.print(res, () => {
            if (res.total === 0) {
              return filter === 'orphans' && !res.orphanCheck
                ? 'Orphans cannot be found until a CRM is connected and synced.'
                : 'No members match.';
            }
            const rows = res.items.map(
              (m) =>
                `${String(m.wpId).padStart(6)}  ${m.login.padEnd(24).slice(0, 24)}  ${(m.email ?? '').padEnd(32).slice(0, 32)}  ` +
                `${(m.linkedContactId ?? '—').padEnd(10)}  ${m.contactStatus}`,
            );
            const from = (res.page - 1) * res.perPage + 1;
            return [
              `${'WP id'.padStart(6)}  ${'login'.padEnd(24)}  ${'email'.padEnd(32)}  ${'contact'.padEnd(10)}  link`,
              ...rows,
              `${from}–${from + res.items.length - 1} of ${res.total}`,
            ].join('\n');
          });
        },
      ),
    );
}
