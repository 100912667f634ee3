import type { Command } from 'commander';
import { action } from '../runtime';
import { AppError } from '../../../app/domain/errors';
import { syncManager } from '../../../app/sync/manager';
import type { EventMap } from '../../../app/context/events';
import type { SyncResult } from '../../../app/sync/engine';

export function progressLine(p: EventMap['sync/progress'], label: string): string {
  const pct = p.total ? ` (${Math.min(100, Math.round((p.done / p.total) * 100))}%)` : '';
  const count = p.total
    ? `${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')}`
    : p.done.toLocaleString('en-US');
  const rate = p.ratePerSecond ? ` · ${Math.round(p.ratePerSecond).toLocaleString('en-US')}/s` : '';
  const eta = p.etaSeconds !== null && p.etaSeconds > 0 ? ` · ETA ${p.etaSeconds}s` : '';
  return `${label}: ${p.resource} ${count}${pct}${rate}${eta}`;
}

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('Sync CRM connections into the local cache (incremental when possible).')
    .option('--full', 'read everything again instead of only what changed')
    .option('--connection <id>', 'only this connection')
    .action(
      action(async (ctx, opts: { full?: boolean; connection?: string }) => {
        const connections = (await ctx.core.call('connections/list', {})).filter(
          (c) => c.kind !== 'wordpress' && (!opts.connection || c.id === opts.connection),
        );
        if (connections.length === 0) {
          throw new AppError(
            opts.connection ? 'NOT_FOUND' : 'INVALID_INPUT',
            opts.connection
              ? `There is no CRM connection ${opts.connection}.`
              : 'No CRM is connected yet (mergedesk connect keap).',
          );
        }
        const results: (SyncResult & { connectionId: string; label: string })[] = [];
        const manager = syncManager(ctx.core.context);
        for (const c of connections) {
          const off = ctx.core.events.subscribe((e) => {
            if (e.name !== 'sync/progress') return;
            const p = e.payload as EventMap['sync/progress'];
            if (p.connectionId === c.id) ctx.progress(progressLine(p, c.label));
          });
          const onAbort = () => manager.cancel(c.id);
          ctx.signal.addEventListener('abort', onAbort);
          try {
            await ctx.core.call('sync/start', { connectionId: c.id, mode: opts.full ? 'full' : 'auto' });
            const result = await manager.wait(c.id);
            results.push({ connectionId: c.id, label: c.label, ...result });
          } finally {
            off();
            ctx.signal.removeEventListener('abort', onAbort);
          }
        }
        ctx.print(results, () =>
          results
            .map(
              (r) =>
                `${r.label}: ${r.mode} sync${r.resumed ? ' (resumed)' : ''} — ${r.counts.contacts} contacts, ` +
                `${r.counts.tags} tags, ${r.counts.orders} orders, ${r.counts.subscriptions} subscriptions read; ` +
                `${r.counts.deleted} removed${r.counts.rejected ? `; ${r.counts.rejected} unreadable records skipped` : ''}.`,
            )
            .join('\n'),
        );
      }),
    );
}
