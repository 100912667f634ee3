import type { Command } from 'commander';
import { action } from '../runtime';

export function registerContacts(program: Command): void {
  program
    .command('contacts')
    .description('List or search cached contacts.')
    .option('--search <query>', 'name, email, phone or company to look for')
    .option('--limit <n>', 'how many to show', (v) => Number.parseInt(v, 10), 50)
    .option('--offset <n>', 'skip this many', (v) => Number.parseInt(v, 10), 0)
    .action(
      action(async (ctx, opts: { search?: string; limit: number; offset: number }) => {
        const result = await ctx.core.call('contacts/search', {
          query: opts.search ?? '',
          limit: opts.limit,
          offset: opts.offset,
        });
        ctx.print(result, () => {
          if (result.total === 0)
            return opts.search
              ? `No contacts match "${opts.search}".`
              : 'No contacts cached yet (mergedesk sync).';
          const lines = result.items.map(
            (c) =>
              `${c.crmId.padEnd(8)} ${c.name.slice(0, 30).padEnd(30)} ${(c.email ?? '').slice(0, 36).padEnd(36)} ${c.phone ?? ''}`,
          );
          return [...lines, `${result.items.length} of ${result.total} contact(s).`].join('\n');
        });
      }),
    );
}
