import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../app/store/database';
import { readGateWatermark, saveGateWatermark } from '../../../app/detect/gate-store';

function withDb(run: (db: Db) => void): void {
  const db = openDatabase(':memory:');
  try {
    run(db);
  } finally {
    db.close();
  }
}

describe('the lane gate watermark in the settings', () => {
  it('reads back what was saved, with and without the settings digest', () =>
    withDb((db) => {
      expect(readGateWatermark(db)).toBeNull();
      saveGateWatermark(db, { synced: '2026-11-30T10:00:00.000Z', groups: '2026-11-30T10:05:00.000Z' });
      expect(readGateWatermark(db)).toEqual({
        synced: '2026-11-30T10:00:00.000Z',
        groups: '2026-11-30T10:05:00.000Z',
      });
      saveGateWatermark(db, { synced: 'b', groups: 'c', settings: 'digest' });
      expect(readGateWatermark(db)).toEqual({ synced: 'b', groups: 'c', settings: 'digest' });
    }));

  it('treats a stored value that is not a watermark as none, so every group is judged again', () => {
    for (const raw of ['not json', 'null', '{"synced":"a"}', '{"synced":1,"groups":"b"}'])
      withDb((db) => {
        db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('detect.gateWatermark', raw);
        expect(readGateWatermark(db), raw).toBeNull();
      });
  });
});
