// Collision avoidance for the diagram's text: badges, data and error marks, arrow labels (rotated
// along their arrow), drop notes. Each item offers candidate positions in order of preference; it
// takes the first that overlaps nothing placed before it, or else the one that overlaps least.
// Boxes are oriented rectangles compared by the separating axis theorem after a bounding-box
// check; a y-bucketed index keeps each test to the neighbours, so placing 15,000 labels stays
// linear.

/** A rectangle of width w and height h centred on (cx, cy), rotated by `angle` degrees. */
export interface Box {
  cx: number;
  cy: number;
  w: number;
  h: number;
  angle: number;
}

/** A box with what the tests need precomputed: its axes and its bounding box. */
interface Prepared {
  b: Box;
  ux: number;
  uy: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

function prepare(b: Box): Prepared {
  const r = (b.angle * Math.PI) / 180;
  const ux = Math.cos(r);
  const uy = Math.sin(r);
  const hx = (Math.abs(ux) * b.w) / 2 + (Math.abs(uy) * b.h) / 2;
  const hy = (Math.abs(uy) * b.w) / 2 + (Math.abs(ux) * b.h) / 2;
  return { b, ux, uy, x0: b.cx - hx, x1: b.cx + hx, y0: b.cy - hy, y1: b.cy + hy };
}

/** Half the extent of a box projected on the axis (x, y). */
function radius(p: Prepared, x: number, y: number): number {
  return (Math.abs(p.ux * x + p.uy * y) * p.b.w) / 2 + (Math.abs(-p.uy * x + p.ux * y) * p.b.h) / 2;
}

function separated(p: Prepared, q: Prepared): boolean {
  if (p.x1 <= q.x0 || q.x1 <= p.x0 || p.y1 <= q.y0 || q.y1 <= p.y0) return true;
  const dx = q.b.cx - p.b.cx;
  const dy = q.b.cy - p.b.cy;
  for (const [x, y] of [
    [p.ux, p.uy],
    [-p.uy, p.ux],
    [q.ux, q.uy],
    [-q.uy, q.ux],
  ]) {
    if (Math.abs(dx * x + dy * y) >= radius(p, x, y) + radius(q, x, y) - 0.01) return true;
  }
  return false;
}

/** Whether two boxes overlap (touching edges do not count). */
export function overlaps(p: Box, q: Box): boolean {
  return !separated(prepare(p), prepare(q));
}

/** The vertical extent of a box. */
export function yExtent(b: Box): [number, number] {
  const p = prepare(b);
  return [p.y0, p.y1];
}

const BUCKET = 64;

/** Boxes placed so far, found by their vertical extent. */
export class Placements {
  private readonly buckets = new Map<number, Map<string, Prepared>>();
  private readonly where = new Map<string, [number, number]>();

  /**
   * Place an item at the first candidate that is free, else the least crowded one. Candidates
   * come from `candidate(i)` until it returns undefined, made only as far as needed.
   */
  place(key: string, candidates: readonly Box[] | ((i: number) => Box | undefined)): number {
    this.remove(key);
    const next = typeof candidates === "function" ? candidates : (i: number) => candidates[i];
    let best = -1;
    let bestBox: Prepared | null = null;
    let bestHits = Infinity;
    for (let i = 0; ; i++) {
      const c = next(i);
      if (!c) break;
      const p = prepare(c);
      const hits = this.count(p, bestHits);
      if (hits < bestHits) {
        [best, bestBox, bestHits] = [i, p, hits];
        if (hits === 0) break;
      }
    }
    if (bestBox) this.insert(key, bestBox);
    return Math.max(0, best);
  }

  /** Reserve a box that does not move. */
  add(key: string, b: Box): void {
    this.remove(key);
    this.insert(key, prepare(b));
  }

  remove(key: string): void {
    const span = this.where.get(key);
    if (!span) return;
    for (let k = span[0]; k <= span[1]; k++) this.buckets.get(k)?.delete(key);
    this.where.delete(key);
  }

  /** How many placed boxes a box would overlap, counting no further than `stop`. */
  hits(b: Box, stop = Infinity): number {
    return this.count(prepare(b), stop);
  }

  private insert(key: string, p: Prepared): void {
    const from = Math.floor(p.y0 / BUCKET);
    const to = Math.floor(p.y1 / BUCKET);
    for (let k = from; k <= to; k++) {
      let m = this.buckets.get(k);
      if (!m) this.buckets.set(k, (m = new Map()));
      m.set(key, p);
    }
    this.where.set(key, [from, to]);
  }

  private count(p: Prepared, stop: number): number {
    let n = 0;
    const first = Math.floor(p.y0 / BUCKET);
    for (let k = first; k <= Math.floor(p.y1 / BUCKET); k++) {
      const m = this.buckets.get(k);
      if (!m) continue;
      for (const other of m.values()) {
        // A box in several buckets is counted in the first one both boxes share.
        if (Math.max(first, Math.floor(other.y0 / BUCKET)) !== k) continue;
        if (!separated(p, other) && ++n >= stop) return n;
      }
    }
    return n;
  }
}
