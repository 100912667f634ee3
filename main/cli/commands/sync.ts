import type { Command } from 'commander';
import { action } from '../runtime';
import { AppError } from '../../../app/domain/errors';
import { syncManager } from '../../../app/sync/manager';
import type { EventMap } from '../../../app/context/events';
import type { SyncResult } from '../../../app/sync/engine';
import type { WordPressSyncResult } from '../../../app/domain/wordpress';

export function progressLine(p: EventMap['sync/progress'], label: string): string {
  const pct = p.total ? ` (${Math.min(100, Math.round((p.done / p.total) * 100))}%)` : '';
  const count = p.total
    ? `${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')}`
    : p.done.toLocaleString('en-US');
  const rate = p.ratePerSecond ? ` · ${Math.round(p.ratePerSecond).toLocaleString('en-US')}/s` : '';
  const eta = p.etaSeconds !== null && p.etaSeconds > 0 ? ` · ETA ${p.etaSeconds}s` : '';
  return `${label}: ${p.resource} ${count}${pct}${rate}${eta}`;
}

type Synced =
  | (SyncResult & { readonly connectionId: string; readonly label: string; readonly kind: 'crm' })
  | (WordPressSyncResult & { readonly label: string; readonly kind: 'site' });

function describe(r: Synced): string {
  if (r.kind === 'site') {
    return (
      `${r.label}: ${r.mode} sync${r.resumed ? ' (resumed)' : ''} — ${r.members.fetched} members, ` +
      `${r.orders.fetched} AccessAlly orders read; ${r.members.removed + r.orders.removed} removed.`
    );
  }
  return (
    `${r.label}: ${r.mode} sync${r.resumed ? ' (resumed)' : ''} — ${r.counts.contacts} contacts, ` +
    `${r.counts.tags} tags, ${r.counts.orders} orders, ${r.counts.subscriptions} subscriptions read; ` +
    `${r.counts.deleted} removed${r.counts.rejected ? `; ${r.counts.rejected} unreadable records skipped` : ''}.`
  );
}

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description(
      'Refresh every connection into the local cache: CRMs first (incremental when possible), then WordPress sites.',
    )
    .option('--full', 'read everything again instead of only what changed')
    .option('--connection <id>', 'only this connection')
    .option(
      '--confirm-removals',
      'remove cached contacts even when more than a fifth of them are gone from the CRM (asked first otherwise)',
    )
    .action(
      action(async (ctx, opts: { full?: boolean; connection?: string; confirmRemovals?: boolean }) => {
        const all = (await ctx.core.call('connections/list', {})).filter(
          (c) => !opts.connection || c.id === opts.connection,
        );
        const connectors = ctx.core.context.connectors;
        // CRMs before sites, so member links to contacts that no longer exist show up as orphans at once.
        const crms = all.filter((c) => connectors.isCrm(c.kind));
        const sites = all.filter(
          (c) => !connectors.isCrm(c.kind) && connectors.find(c.kind)?.role === 'site',
        );
        if (crms.length + sites.length === 0) {
          throw new AppError(
            opts.connection ? 'NOT_FOUND' : 'INVALID_INPUT',
            opts.connection
              ? `There is no connection ${opts.connection}.`
              : 'Nothing is connected yet (mergedesk connect keap, mergedesk connect activecampaign or mergedesk connect wordpress).',
          );
        }
        const results: Synced[] = [];
        const manager = syncManager(ctx.core.context);
        for (const c of crms) {
          const off = ctx.core.events.subscribe((e) => {
            if (e.name !== 'sync/progress') return;
            const p = e.payload as EventMap['sync/progress'];
            if (p.connectionId === c.id) ctx.progress(progressLine(p, c.label));
          });
          const onAbort = () => manager.cancel(c.id);
          ctx.signal.addEventListener('abort', onAbort);
          try {
            await ctx.core.call('sync/start', {
              connectionId: c.id,
              mode: opts.full ? 'full' : 'auto',
              confirmRemovals: opts.confirmRemovals === true,
            });
            const result = await manager.wait(c.id);
            results.push({ connectionId: c.id, label: c.label, kind: 'crm', ...result });
          } finally {
            off();
            ctx.signal.removeEventListener('abort', onAbort);
          }
        }
        for (const c of sites) {
          if (ctx.signal.aborted) break;
          const off = ctx.core.events.subscribe((e) => {
            if (e.name !== 'sync/progress') return;
            const p = e.payload as EventMap['sync/progress'];
            if (p.connectionId === c.id) ctx.progress(progressLine(p, c.label));
          });
          try {
            const result = await ctx.core.call('wordpress/sync', {
              connectionId: c.id,
              mode: opts.full ? 'full' : 'incremental',
            });
            results.push({ label: c.label, kind: 'site', ...result });
          } finally {
            off();
          }
        }
        ctx.print(results, () => results.map(describe).join('\n'));
      }),
    );
}
