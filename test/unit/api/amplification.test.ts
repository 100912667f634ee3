import { afterEach, describe, expect, it } from 'vitest';
import { tempCore } from '../../helpers/workspace';

/** Bad input gets a short answer, however large or odd the input: the core must not amplify what it is sent. */
describe('contract answers to hostile input stay small', () => {
  const cores: ReturnType<typeof tempCore>[] = [];
  afterEach(() => cores.splice(0).forEach((c) => c.dispose()));
  const core = () => {
    const c = tempCore('web');
    cores.push(c);
    return c;
  };
  const size = (v: unknown) => JSON.stringify(v).length;

  it('a 1e6-element confirm list is refused in a small answer', async () => {
    const confirm = Array.from({ length: 1_000_000 }, (_, i) => `not_a_guard_${i}`);
    const answer = await core().invoke('merge/execute', { groupId: 1, confirm });
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(size(answer)).toBeLessThan(4_000);
  });

  it('reports at most 20 issues and says how many more there were', async () => {
    const input = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`unknown${i}`, { deep: i }]));
    const answer = await core().invoke('connections/add', { kind: 'keap', apiKey: 42, ...input });
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    const details = answer.error.details as { issues: unknown[] };
    expect(details.issues.length).toBeLessThanOrEqual(20);
    expect(size(answer)).toBeLessThan(8_000);
  });

  it('merge/settings-set refuses operator keys and 2,000-deep objects', async () => {
    const c = core();
    const op = await c.invoke('merge/settings-set', { survivorship: { $gt: '' } });
    expect(op).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(JSON.stringify(op)).toContain('$gt');
    const top = await c.invoke('merge/settings-set', { $gt: '' });
    expect(top).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 2_000; i++) deep = (deep.x = {}) as Record<string, unknown>;
    const nested = await c.invoke('merge/settings-set', { access: root });
    expect(nested).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(size(nested)).toBeLessThan(2_000);

    // Lists inside settings are capped too.
    const long = await c.invoke('merge/settings-set', {
      access: { accessNamePatterns: Array.from({ length: 10_000 }, () => 'x'.repeat(10)) },
    });
    expect(long).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((await c.call('merge/settings-get', {})).access.accessNamePatterns).not.toHaveLength(10_000);
  });

  it('never echoes a huge method name, and survives names that are not strings', async () => {
    const c = core();
    const answer = await c.invoke('x'.repeat(30 * 1024 * 1024), {});
    expect(answer).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(size(answer)).toBeLessThan(300);
    const control = await c.invoke('bad\u0000name\u001b[31m', {});
    expect(JSON.stringify(control)).not.toMatch(/\\u0000|\\u001b/);
    for (const odd of [{ toString: 1 }, { toString: () => 'app/info' }, null, 7, ['app/info']]) {
      const reply = await c.invoke(odd, {});
      expect(reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
  });
});
