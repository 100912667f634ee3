/**
 * Groups from the pairs strong enough to merge: connected components, then two guards that keep a group to
 * records that belong together, both linear in the component's edges:
 * - a bridge (an edge whose removal disconnects the group) below `strongEdge` whose two sides each hold two or
 *   more records, and whose sides do not match each other directly, is a chain between two people's records and
 *   is cut. All bridges come from one depth-first pass per component (removing a bridge never makes another edge
 *   a bridge, so one pass finds every cut), each side read as a range of the pass's visiting order;
 * - a component still larger than `maxSize` is rebuilt from its strongest edges first, joining two parts only while
 *   the result stays within `maxSize` (a list's real duplicates come in twos and threes; twenty records of one
 *   person is already a data-entry accident).
 * A leaf attached by one edge is never cut (FEBRL-style stars stay whole).
 */
export interface Edge {
  readonly a: number;
  readonly b: number;
  readonly probability: number;
}

export interface ClusterOptions {
  /** Direct score of any two records, for checking whether the sides of a bridge corroborate it. */
  readonly score: (i: number, j: number) => number;
  /** A bridge whose best cross-side score stays below this is cut. */
  readonly corroborateAt: number;
  /** Bridges at or above this probability are trusted as they are. */
  readonly strongEdge: number;
  /** Largest group kept whole (default 20). */
  readonly maxSize?: number;
}

export interface Cluster {
  readonly members: number[];
  readonly edges: Edge[];
}

export interface ClusterResult {
  readonly clusters: Cluster[];
  readonly cutBridges: Edge[];
  /** Elementary steps taken (edge and record visits): grows linearly with the edges, whatever their shape. */
  readonly work: number;
}

export const MAX_GROUP_SIZE = 20;
/** Records read on each side of a bridge when looking for a direct match across it. */
const CORROBORATION_SAMPLE = 6;

class Counter {
  n = 0;
}

/** Union–find over arbitrary integer ids (record indexes or cache pks). */
class UnionFind {
  private readonly parent = new Map<number, number>();
  private readonly size = new Map<number, number>();
  constructor(private readonly work: Counter) {}
  find(x: number): number {
    let root = x;
    for (;;) {
      this.work.n += 1;
      const p = this.parent.get(root);
      if (p === undefined || p === root) break;
      root = p;
    }
    let cur = x;
    while (cur !== root) {
      const next = this.parent.get(cur)!;
      this.parent.set(cur, root);
      cur = next;
    }
    return root;
  }
  sizeOf(x: number): number {
    return this.size.get(this.find(x)) ?? 1;
  }
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    const sa = this.size.get(ra) ?? 1;
    const sb = this.size.get(rb) ?? 1;
    const [big, small] = sa >= sb ? [ra, rb] : [rb, ra];
    this.parent.set(small, big);
    this.size.set(big, sa + sb);
    return true;
  }
}

function components(edges: readonly Edge[], work: Counter): Cluster[] {
  const uf = new UnionFind(work);
  for (const e of edges) uf.union(e.a, e.b);
  const byRoot = new Map<number, { members: Set<number>; edges: Edge[] }>();
  for (const e of edges) {
    work.n += 1;
    const root = uf.find(e.a);
    let c = byRoot.get(root);
    if (!c) {
      c = { members: new Set(), edges: [] };
      byRoot.set(root, c);
    }
    c.members.add(e.a);
    c.members.add(e.b);
    c.edges.push(e);
  }
  return [...byRoot.values()].map((c) => ({ members: [...c.members].sort((x, y) => x - y), edges: c.edges }));
}

/**
 * One iterative depth-first pass: every bridge with the visiting-order range of the side below it, so both
 * sides can be read without another traversal.
 */
function bridgesWithSides(
  c: Cluster,
  work: Counter,
): { order: number[]; bridges: { edge: number; from: number; to: number }[] } {
  const members = c.members;
  const local = new Map<number, number>();
  members.forEach((m, i) => local.set(m, i));
  const n = members.length;
  const degree = new Int32Array(n + 1);
  for (const e of c.edges) {
    degree[local.get(e.a)! + 1]! += 1;
    degree[local.get(e.b)! + 1]! += 1;
  }
  for (let i = 0; i < n; i++) degree[i + 1]! += degree[i]!;
  const fill = degree.slice(0, n);
  const adjNode = new Int32Array(c.edges.length * 2);
  const adjEdge = new Int32Array(c.edges.length * 2);
  c.edges.forEach((e, k) => {
    const a = local.get(e.a)!;
    const b = local.get(e.b)!;
    adjNode[fill[a]!] = b;
    adjEdge[fill[a]!++] = k;
    adjNode[fill[b]!] = a;
    adjEdge[fill[b]!++] = k;
    work.n += 2;
  });
  const disc = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const subtree = new Int32Array(n).fill(1);
  const next = new Int32Array(n);
  const via = new Int32Array(n).fill(-1);
  const order: number[] = [];
  const out: { edge: number; from: number; to: number }[] = [];
  const stack: number[] = [0];
  disc[0] = low[0] = 0;
  order.push(members[0]!);
  next[0] = degree[0]!;
  while (stack.length) {
    const v = stack[stack.length - 1]!;
    work.n += 1;
    if (next[v]! < degree[v + 1]!) {
      const slot = next[v]!++;
      const w = adjNode[slot]!;
      const k = adjEdge[slot]!;
      if (k === via[v]) continue;
      if (disc[w] === -1) {
        disc[w] = low[w] = order.length;
        order.push(members[w]!);
        via[w] = k;
        next[w] = degree[w]!;
        stack.push(w);
      } else low[v] = Math.min(low[v]!, disc[w]!);
    } else {
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent !== undefined) {
        low[parent] = Math.min(low[parent]!, low[v]!);
        subtree[parent]! += subtree[v]!;
        if (low[v]! > disc[parent]!) out.push({ edge: via[v]!, from: disc[v]!, to: disc[v]! + subtree[v]! });
      }
    }
  }
  return { order, bridges: out };
}

function cutChains(c: Cluster, options: ClusterOptions, work: Counter, cut: Edge[]): Cluster[] {
  if (c.members.length < 4) return [c];
  const { order, bridges } = bridgesWithSides(c, work);
  const removed = new Set<number>();
  for (const b of bridges) {
    const e = c.edges[b.edge]!;
    if (e.probability >= options.strongEdge) continue;
    const below = b.to - b.from;
    if (below < 2 || order.length - below < 2) continue;
    const inside: number[] = [];
    for (let t = b.from; t < b.to && inside.length < CORROBORATION_SAMPLE; t++) inside.push(order[t]!);
    const outside: number[] = [];
    for (let t = 0; t < order.length && outside.length < CORROBORATION_SAMPLE; t++) {
      if (t === b.from) t = b.to;
      if (t < order.length) outside.push(order[t]!);
    }
    let best = 0;
    for (const x of inside)
      for (const y of outside) {
        work.n += 1;
        if ((x === e.a && y === e.b) || (x === e.b && y === e.a)) continue;
        best = Math.max(best, options.score(x, y));
      }
    if (best < options.corroborateAt) removed.add(b.edge);
  }
  if (removed.size === 0) return [c];
  for (const k of removed) cut.push(c.edges[k]!);
  return components(
    c.edges.filter((_, k) => !removed.has(k)),
    work,
  );
}

/** Strongest edges first, joining two parts only while the result stays within `maxSize`. */
function capSize(c: Cluster, maxSize: number, work: Counter, cut: Edge[]): Cluster[] {
  if (c.members.length <= maxSize) return [c];
  const uf = new UnionFind(work);
  const sorted = [...c.edges].sort((x, y) => y.probability - x.probability);
  work.n += sorted.length;
  for (const e of sorted) {
    const ra = uf.find(e.a);
    const rb = uf.find(e.b);
    if (ra === rb) continue;
    if (uf.sizeOf(ra) + uf.sizeOf(rb) <= maxSize) uf.union(ra, rb);
  }
  const kept: Edge[] = [];
  for (const e of c.edges) {
    if (uf.find(e.a) === uf.find(e.b)) kept.push(e);
    else cut.push(e);
  }
  return components(kept, work);
}

export function cluster(edges: readonly Edge[], options: ClusterOptions): ClusterResult {
  const work = new Counter();
  const cutBridges: Edge[] = [];
  const maxSize = options.maxSize ?? MAX_GROUP_SIZE;
  const clusters: Cluster[] = [];
  for (const c of components(edges, work))
    for (const part of cutChains(c, options, work, cutBridges))
      clusters.push(...capSize(part, maxSize, work, cutBridges));
  return { clusters, cutBridges, work: work.n };
}
