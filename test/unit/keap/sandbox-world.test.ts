import { describe, expect, it } from 'vitest';
import { generateWorld } from '../../../app/sandbox/keap/world';
import { RateLimiter, PAT_LIMITS } from '../../../app/sandbox/keap/rate-limits';

describe('sandbox world', () => {
  it('is deterministic for a seed and different for another', () => {
    const a = generateWorld({ seed: 3, contacts: 400 });
    const b = generateWorld({ seed: 3, contacts: 400 });
    const c = generateWorld({ seed: 4, contacts: 400 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a.contacts)).not.toBe(JSON.stringify(c.contacts));
  });

  it('holds labelled duplicates of the real-world kinds and look-alikes that are different people', () => {
    const w = generateWorld({ seed: 5, contacts: 3000 });
    expect(Object.keys(w.contacts)).toHaveLength(3000);
    const kinds = new Set(w.truth.clusters.flatMap((c) => c.kinds));
    for (const k of [
      'same_email',
      'email_in_other_slot',
      'case_whitespace',
      'nickname_same_phone',
      'typo',
      'swapped_names',
      'moved_address',
    ])
      expect(kinds).toContain(k);
    expect(new Set(w.truth.lookalikes.map((l) => l.kind))).toEqual(new Set(['sr_jr', 'family_shared_email']));
    for (const cluster of w.truth.clusters) {
      for (const id of cluster.ids) expect(w.contacts[id]).toBeDefined();
      expect(cluster.ids).toContain(cluster.buyerId);
    }
    // Same email in EMAIL1 on one record and EMAIL2 on another.
    const slot = w.truth.clusters.find((c) => c.kinds.includes('email_in_other_slot'))!;
    const [first, second] = slot.ids.map((id) => w.contacts[id]!);
    expect(second!.email_addresses.find((e) => e.field === 'EMAIL2')?.email).toBe(
      first!.email_addresses[0]!.email,
    );
  });

  it('describes WordPress members linked to one record of a pair, some on the record that is not the buyer', () => {
    const w = generateWorld({ seed: 5, contacts: 3000 });
    const buyers = new Set(w.truth.clusters.map((c) => c.buyerId));
    const others = new Set(w.truth.clusters.flatMap((c) => c.ids.filter((id) => id !== c.buyerId)));
    const onOther = w.wordpress.members.filter((m) => m.linkedContactId && others.has(m.linkedContactId));
    expect(onOther.length).toBeGreaterThan(0);
    expect(onOther.some((m) => Number(m.progress.lessonsCompleted) > 0)).toBe(true);
    expect(w.wordpress.members.some((m) => m.linkedContactId && buyers.has(m.linkedContactId))).toBe(true);
    for (const o of w.wordpress.orders) expect(w.contacts[o.contactId]).toBeDefined();
    expect(new Set(w.wordpress.members.map((m) => m.login)).size).toBe(w.wordpress.members.length);
  });
});

describe('sandbox rate limits', () => {
  it('counts per second, minute and UTC day, and resets the day at 00:00 UTC', () => {
    let now = Date.UTC(2026, 10, 30, 23, 59, 59, 0);
    const limiter = new RateLimiter({ ...PAT_LIMITS, perSecond: 2, perMinute: 3, perDay: 4 }, () => now);
    expect(limiter.take('k').ok).toBe(true);
    expect(limiter.take('k').ok).toBe(true);
    const spike = limiter.take('k');
    expect(spike.ok === false && spike.window).toBe('second');
    now += 1000; // 00:00:00 the next day: every window rolls over
    const fresh = limiter.take('k');
    expect(fresh.ok).toBe(true);
    expect(fresh.headers['x-keap-product-quota-used']).toBe('1');
    expect(fresh.headers['x-keap-product-quota-expiry-time']).toBe(String(Date.UTC(2026, 11, 2)));
    expect(fresh.headers['x-keap-tenant-throttle-limit']).toBe('10000|250000');
  });
});
