import type { Db } from '../store/database';
import { vanishedSinceRead } from '../store/contacts-reads';
import { BLOCKING_RULES } from './blocking';
import { loadGroupMembers, type GroupMember } from './record-reads';
import {
  insertKeys,
  recordRun,
  saveTermFrequencies,
  type RunRecord,
  type TermCountTable,
} from './scan-store';
import { previousGroups, saveGroups, savePairs, type GroupRow, type PreviousGroups } from './store';

/**
 * What a full scan stores of one connection, handed over in plain data (numbers in typed arrays, strings in
 * lists) so the same writer runs on the scan's thread or on the scan writer's (`scan-writer.ts`), which does the
 * reads, the value counts and the pairs while the scan is still scoring and grouping.
 *
 * Value counts are stored as soon as the model is built, in a transaction of their own: like the keys, they are a
 * re-scan's state, and a re-scan trusts neither until this run completes (see `lastRun`). Pairs and groups, which
 * people see, change together in one transaction with the run's completion: `begin` opens it and writes the pairs
 * once every pair is scored (while the scan forms its groups), `finish` writes the groups and commits.
 */

/** Kept pairs as stored: the two pks (smaller first), rounded score and weight, flags, rule and contributions. */
export interface PairBatch {
  readonly aPk: Float64Array;
  readonly bPk: Float64Array;
  readonly score: Float64Array;
  readonly weight: Float64Array;
  readonly flags: Int32Array;
  readonly rule: Uint8Array;
  readonly contributions: string[];
  /** The pks of the pairs shown to a reviewer: every member of a group is one of them (see `formGroups`). */
  readonly shownPks: Float64Array;
}

/** The groups a scan formed: each group's member pks one after another (`sizes` says how many each). */
export interface GroupBatch {
  readonly memberPks: Float64Array;
  readonly sizes: Int32Array;
  readonly lanes: string[];
  readonly scores: Float64Array;
  readonly reasons: string[];
  readonly edges: Int32Array;
}

/** What the output transaction starts from, once every pair is scored. */
export interface OutputStart {
  /** Every pk the scan read, ascending, and the CRM id of the last: what tells the contacts gone since. */
  readonly readPks: Float64Array;
  readonly lastReadId: string | undefined;
}

export interface OutputEnd {
  readonly groups: GroupBatch;
  readonly run: RunRecord;
  /** The full scan's running run, completed in the output transaction. */
  readonly runId: number;
  readonly now: string;
}

/** The typed arrays of a message, for a transfer list. */
export function batchBuffers(batch: PairBatch | OutputStart | OutputEnd): ArrayBuffer[] {
  const views =
    'aPk' in batch
      ? [batch.aPk, batch.bPk, batch.score, batch.weight, batch.flags, batch.rule, batch.shownPks]
      : 'readPks' in batch
        ? [batch.readPks]
        : [batch.groups.memberPks, batch.groups.sizes, batch.groups.scores, batch.groups.edges];
  return views.map((v) => v.buffer as ArrayBuffer);
}

export class ScanOutput {
  private readonly batches: PairBatch[] = [];
  /** What the groups keep of their members, read as the pairs shown to a reviewer come in. */
  private readonly members = new Map<number, GroupMember>();
  private open: { previous: PreviousGroups; gone: ReadonlySet<number> } | null = null;

  /** `only`: the workspace has no other connection, so its stored pairs are all this connection's. */
  constructor(
    private readonly db: Db,
    private readonly connectionId: string,
    private readonly only: boolean,
  ) {}

  /** One batch of blocking keys and their contacts' pks (one rule's, as blocking hands them over). */
  keys(keys: Float64Array, pks: Float64Array): void {
    this.db.transaction(() =>
      insertKeys(
        this.db,
        (function* () {
          for (let t = 0; t < keys.length; t++) yield [keys[t]!, pks[t]!] as const;
        })(),
      ),
    )();
  }

  terms(table: TermCountTable): void {
    this.db.transaction(() => saveTermFrequencies(this.db, this.connectionId, table))();
  }

  pairs(batch: PairBatch): void {
    this.batches.push(batch);
    const unread: number[] = [];
    for (const pk of batch.shownPks) if (!this.members.has(pk)) unread.push(pk);
    for (const m of loadGroupMembers(this.db, unread)) this.members.set(m.pk, m);
  }

  /**
   * Opens the output transaction and replaces the connection's pairs, while the scan forms its groups; `finish`
   * commits it. Nothing else may write through this connection until then.
   */
  begin(start: OutputStart): void {
    const { db, connectionId } = this;
    db.exec('BEGIN IMMEDIATE');
    this.open = {
      previous: previousGroups(db, { connectionId }),
      gone: vanishedSinceRead(db, connectionId, Array.from(start.readPks), start.lastReadId),
    };
    savePairs(db, this.only ? null : connectionId, this.pairRows(this.open.gone));
  }

  /** Replaces the connection's groups and completes its run, in the transaction `begin` opened, and commits. */
  finish(end: OutputEnd): void {
    const { db, connectionId, open } = this;
    if (!open) throw new Error('The scan output was finished before it was begun.');
    saveGroups(db, connectionId, this.groupRows(end.groups, open.gone), end.now, open.previous);
    recordRun(db, end.run, end.runId);
    db.exec('COMMIT');
    this.open = null;
  }

  /** Rolls back an output transaction that was begun and not finished (a scan cancelled or failed meanwhile). */
  abandon(): void {
    if (this.open && this.db.inTransaction) this.db.exec('ROLLBACK');
    this.open = null;
  }

  /**
   * Rows in `PAIR_COLUMNS` order, made as they are written, in key order: appended to the table's B-tree instead
   * of inserted all over it (221k pairs of a million contacts: 7.8 s in random order, 2.2 s sorted).
   */
  private *pairRows(gone: ReadonlySet<number>): Generator<unknown[]> {
    const all = concatBatches(this.batches);
    this.batches.length = 0;
    const order = new Uint32Array(all.aPk.length);
    for (let k = 0; k < order.length; k++) order[k] = k;
    order.sort((x, y) => all.aPk[x]! - all.aPk[y]! || all.bPk[x]! - all.bPk[y]!);
    for (const k of order) {
      const a = all.aPk[k]!;
      const b = all.bPk[k]!;
      if (gone.size && (gone.has(a) || gone.has(b))) continue;
      const rule = BLOCKING_RULES[all.rule[k]!]?.name ?? '';
      yield [a, b, all.score[k], all.weight[k], all.flags[k], rule, all.contributions[k]];
    }
  }

  private groupRows(groups: GroupBatch, gone: ReadonlySet<number>): GroupRow[] {
    const rows: GroupRow[] = [];
    let at = 0;
    for (let g = 0; g < groups.sizes.length; g++) {
      const size = groups.sizes[g]!;
      const members: GroupMember[] = [];
      for (let k = at; k < at + size; k++) {
        const pk = groups.memberPks[k]!;
        const member = gone.has(pk) ? undefined : this.members.get(pk);
        if (member) members.push(member);
      }
      at += size;
      if (members.length < 2) continue;
      rows.push({
        connectionId: this.connectionId,
        members,
        lane: groups.lanes[g]!,
        score: groups.scores[g]!,
        reason: groups.reasons[g]!,
        edges: groups.edges[g]!,
      });
    }
    return rows;
  }
}

/** Room for `n` pairs' stored columns (what a `PairBatch` holds but the shown pks). */
export function pairColumns(n: number): Omit<PairBatch, 'shownPks'> {
  return {
    aPk: new Float64Array(n),
    bPk: new Float64Array(n),
    score: new Float64Array(n),
    weight: new Float64Array(n),
    flags: new Int32Array(n),
    rule: new Uint8Array(n),
    contributions: new Array<string>(n),
  };
}

function concatBatches(batches: readonly PairBatch[]): Omit<PairBatch, 'shownPks'> {
  const out = pairColumns(batches.reduce((sum, b) => sum + b.aPk.length, 0));
  let at = 0;
  for (const b of batches) {
    out.aPk.set(b.aPk, at);
    out.bPk.set(b.bPk, at);
    out.score.set(b.score, at);
    out.weight.set(b.weight, at);
    out.flags.set(b.flags, at);
    out.rule.set(b.rule, at);
    for (let k = 0; k < b.contributions.length; k++) out.contributions[at + k] = b.contributions[k]!;
    at += b.aPk.length;
  }
  return out;
}
