import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../app/store/database';
import { appendAudit, auditSubject, listAudit } from '../../../app/store/audit-log';

describe('audit log', () => {
  it('records entries in one shape and reads them back in order', () => {
    const db = openDatabase(':memory:');
    appendAudit(db, '2026-01-01T00:00:00.000Z', {
      action: 'merge.step.crm_merged',
      connectionId: 'c1',
      runId: 'r1',
      subject: auditSubject('contact', '42'),
      details: { attempt: 1 },
    });
    appendAudit(db, '2026-01-01T00:00:01.000Z', { action: 'detect.not_duplicate', subject: 'group:7' });
    expect(listAudit(db)).toEqual([
      {
        id: 1,
        at: '2026-01-01T00:00:00.000Z',
        action: 'merge.step.crm_merged',
        connectionId: 'c1',
        runId: 'r1',
        subject: 'contact:42',
        details: { attempt: 1 },
      },
      {
        id: 2,
        at: '2026-01-01T00:00:01.000Z',
        action: 'detect.not_duplicate',
        connectionId: null,
        runId: null,
        subject: 'group:7',
        details: {},
      },
    ]);
  });

  it('refuses names outside the one convention', () => {
    const db = openDatabase(':memory:');
    expect(() => appendAudit(db, 'now', { action: 'wordpress/relink' })).toThrow(/<area>\.<event>/);
    expect(() => appendAudit(db, 'now', { action: 'merge.Started' })).toThrow();
    expect(() => appendAudit(db, 'now', { action: 'merge.started', subject: '#42' })).toThrow(/<kind>:<id>/);
    expect(listAudit(db)).toEqual([]);
  });
});
