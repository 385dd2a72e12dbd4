// Items found by their vertical extent: the renderer asks for what lies in the scrolled viewport,
// at every scroll frame, so the answer must cost what is visible, not what exists. Items are kept
// in 512 px buckets; an item whose end is not known yet (a state still in force, a pending timer)
// is "open" and reaches the bottom of the diagram.

const BUCKET = 512;

export interface Span {
  key: string;
  yMin: number;
  /** Infinity while open. */
  yMax: number;
}

export class SpanIndex<T extends Span> {
  private readonly buckets = new Map<number, Set<string>>();
  private readonly items = new Map<string, T>();
  private readonly open = new Set<string>();

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  /** Adds or replaces an item (after its extent changed). */
  set(item: T): void {
    this.delete(item.key);
    this.items.set(item.key, item);
    if (item.yMax === Infinity) {
      this.open.add(item.key);
      return;
    }
    for (let k = Math.floor(item.yMin / BUCKET); k <= Math.floor(item.yMax / BUCKET); k++) {
      let b = this.buckets.get(k);
      if (!b) this.buckets.set(k, (b = new Set()));
      b.add(item.key);
    }
  }

  delete(key: string): void {
    const old = this.items.get(key);
    if (!old) return;
    this.items.delete(key);
    if (this.open.delete(key)) return;
    for (let k = Math.floor(old.yMin / BUCKET); k <= Math.floor(old.yMax / BUCKET); k++)
      this.buckets.get(k)?.delete(key);
  }

  /** Items that overlap [top, bottom]. */
  query(top: number, bottom: number): T[] {
    const out: T[] = [];
    const seen = new Set<string>();
    for (let k = Math.floor(top / BUCKET); k <= Math.floor(bottom / BUCKET); k++) {
      const b = this.buckets.get(k);
      if (!b) continue;
      for (const key of b) {
        if (seen.has(key)) continue;
        seen.add(key);
        const it = this.items.get(key)!;
        if (it.yMax >= top && it.yMin <= bottom) out.push(it);
      }
    }
    for (const key of this.open) {
      const it = this.items.get(key)!;
      if (it.yMin <= bottom) out.push(it);
    }
    return out;
  }

  all(): IterableIterator<T> {
    return this.items.values();
  }
}
