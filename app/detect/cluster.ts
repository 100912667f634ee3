/**
 * Groups from scored pairs: connected components, then a chaining guard. A bridge edge (its removal disconnects
 * the group) whose two sides each hold two or more records, and whose sides do not match each other directly, is
 * a weak link between two people's clusters (a father and son on one landline) and is cut.
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
}

class UnionFind {
  private readonly parent = new Map<number, number>();
  find(x: number): number {
    let root = x;
    for (;;) {
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
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    if (ra < rb) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
    return true;
  }
}

function components(edges: readonly Edge[]): { members: number[]; edges: Edge[] }[] {
  const uf = new UnionFind();
  for (const e of edges) uf.union(e.a, e.b);
  const byRoot = new Map<number, { members: Set<number>; edges: Edge[] }>();
  for (const e of edges) {
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

/** Bridges of one component (iterative Tarjan), returned as edge indexes. */
function bridges(members: readonly number[], edges: readonly Edge[]): number[] {
  const local = new Map<number, number>();
  members.forEach((m, i) => local.set(m, i));
  const adj: [number, number][][] = members.map(() => []);
  edges.forEach((e, k) => {
    const a = local.get(e.a)!;
    const b = local.get(e.b)!;
    adj[a]!.push([b, k]);
    adj[b]!.push([a, k]);
  });
  const disc = new Array<number>(members.length).fill(-1);
  const low = new Array<number>(members.length).fill(0);
  const out: number[] = [];
  let time = 0;
  const stack: { v: number; viaEdge: number; next: number }[] = [{ v: 0, viaEdge: -1, next: 0 }];
  disc[0] = low[0] = time++;
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const list = adj[top.v]!;
    if (top.next < list.length) {
      const [w, k] = list[top.next++]!;
      if (k === top.viaEdge) continue;
      if (disc[w] === -1) {
        disc[w] = low[w] = time++;
        stack.push({ v: w, viaEdge: k, next: 0 });
      } else low[top.v] = Math.min(low[top.v]!, disc[w]!);
    } else {
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) {
        low[parent.v] = Math.min(low[parent.v]!, low[top.v]!);
        if (low[top.v]! > disc[parent.v]!) out.push(top.viaEdge);
      }
    }
  }
  return out;
}

function side(start: number, edges: readonly Edge[], cut: number): Set<number> {
  const adj = new Map<number, number[]>();
  edges.forEach((e, k) => {
    if (k === cut) return;
    (adj.get(e.a) ?? adj.set(e.a, []).get(e.a)!).push(e.b);
    (adj.get(e.b) ?? adj.set(e.b, []).get(e.b)!).push(e.a);
  });
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length) {
    const v = queue.pop()!;
    for (const w of adj.get(v) ?? [])
      if (!seen.has(w)) {
        seen.add(w);
        queue.push(w);
      }
  }
  return seen;
}

export interface Cluster {
  readonly members: number[];
  readonly edges: Edge[];
}

export function cluster(
  edges: readonly Edge[],
  options: ClusterOptions,
): { clusters: Cluster[]; cutBridges: Edge[] } {
  const cut: Edge[] = [];
  const result: Cluster[] = [];
  let pending = components(edges);
  // A few rounds: cutting one bridge can expose another inside what remains.
  for (let round = 0; round < 4 && pending.length; round++) {
    const next: { members: number[]; edges: Edge[] }[] = [];
    for (const c of pending) {
      if (c.members.length < 4) {
        result.push(c);
        continue;
      }
      const removed = new Set<number>();
      for (const k of bridges(c.members, c.edges)) {
        const e = c.edges[k]!;
        if (e.probability >= options.strongEdge) continue;
        const left = side(e.a, c.edges, k);
        if (left.size < 2 || c.members.length - left.size < 2) continue;
        const leftList = [...left].slice(0, 6);
        const rightList = c.members.filter((m) => !left.has(m)).slice(0, 6);
        let best = 0;
        for (const x of leftList)
          for (const y of rightList) {
            if ((x === e.a && y === e.b) || (x === e.b && y === e.a)) continue;
            best = Math.max(best, options.score(x, y));
          }
        if (best < options.corroborateAt) removed.add(k);
      }
      if (removed.size === 0) result.push(c);
      else {
        for (const k of removed) cut.push(c.edges[k]!);
        next.push(...components(c.edges.filter((_, k) => !removed.has(k))));
      }
    }
    pending = next;
  }
  result.push(...pending);
  return { clusters: result, cutBridges: cut };
}
