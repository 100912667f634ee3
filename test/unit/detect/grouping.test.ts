import { describe, expect, it } from 'vitest';
import { detect } from '../../../app/detect/engine';
import { cluster, type Edge } from '../../../app/detect/cluster';
import { defaultDetectSettings } from '../../../app/detect/settings';
import type { DetectRecord } from '../../../app/detect/types';

const settings = defaultDetectSettings();

describe('grouping', () => {
  it('a chain of people linked only by one shared family email stays apart', () => {
    const given = ['Ada', 'Boris', 'Chloe', 'Dmitri', 'Elena', 'Farid'];
    const records: DetectRecord[] = given.map((g, i) => ({
      id: g,
      givenName: g,
      familyName: 'Okafor',
      emails: ['okafor.family@mail.example', `${g.toLowerCase()}.okafor@mail.example`],
      birthday: `19${60 + i * 5}-0${1 + i}-1${i}`,
    }));
    const r = detect(records, { settings });
    expect(r.groups.every((g) => g.members.length <= 2)).toBe(true);
    expect(r.groups.filter((g) => g.lane !== 'maybe_two_people')).toEqual([]);
  });

  const maria = {
    givenName: 'Maria',
    familyName: 'Lopez',
    emails: ['maria.lopez@mail.example'],
    phones: ['+1 212 555 0199'],
    addresses: [{ line1: '5 Hudson Street', locality: 'New York', region: 'NY', postcode: '10013' }],
  };
  const records: DetectRecord[] = [
    { id: 'maria-1', ...maria },
    { id: 'maria-2', ...maria },
    // Her son on the family landline: a weak, doubtful link to her records.
    {
      id: 'kevin',
      givenName: 'Kevin',
      familyName: 'Lopez',
      emails: ['kev.lopez@mail.example'],
      phones: ['212-555-0199'],
    },
  ];

  it('a strong pair keeps its lane when a weak third record touches it', () => {
    const r = detect(records, { settings });
    const pair = r.groups.find(
      (g) => g.members.length === 2 && g.members.includes(0) && g.members.includes(1),
    );
    expect(pair?.lane).toBe('safe');
    expect(r.groups.some((g) => g.members.length > 2)).toBe(false);
  });

  it('the weak record appears as its own "maybe two people" suggestion naming the group it may belong to', () => {
    const r = detect(records, { settings });
    const suggestion = r.groups.find((g) => g.members.includes(2));
    expect(suggestion?.lane).toBe('maybe_two_people');
    expect(suggestion?.members).toHaveLength(2);
    expect(suggestion?.alsoBelongsTo).toHaveLength(1);
    expect(suggestion?.reason).toContain('may also belong with Maria Lopez');
  });

  it('groups a component of thousands of records in linear work, one bridge pass per component', () => {
    // A long ladder (every rung a cycle, so nothing is cut) with a tail chain of weak bridges: the shape that
    // made the old guard rebuild the component for every bridge.
    const build = (n: number): Edge[] => {
      const edges: Edge[] = [];
      for (let i = 0; i + 1 < n; i++) edges.push({ a: i, b: i + 1, probability: 0.9 });
      for (let i = 0; i + 2 < n / 2; i += 2) edges.push({ a: i, b: i + 2, probability: 0.95 });
      return edges;
    };
    const run = (n: number) => {
      const edges = build(n);
      const result = cluster(edges, { score: () => 0, corroborateAt: 0.2, strongEdge: 0.999 });
      return {
        work: result.work,
        size: n + edges.length,
        largest: Math.max(...result.clusters.map((c) => c.members.length)),
      };
    };
    const small = run(4000);
    const large = run(8000);
    expect(small.work).toBeLessThan(30 * small.size);
    expect(large.work / small.work).toBeLessThan(2.3);
    expect(large.largest).toBeLessThanOrEqual(20);
  });
});
