// Bounded counting structures: memory stays fixed however many distinct
// keys the traffic has (a spoofed flood has one per packet).

/**
 * Exact counts for the first `cap` keys, then Space-Saving (Metwally et al.):
 * a new key replaces the smallest counter and inherits its count as error,
 * so heavy hitters are never lost and counts are overestimated by at most `err`.
 */
export class TopK {
  readonly counts = new Map<string, { n: number; err: number }>();
  /** total weight added, including keys that were later evicted */
  total = 0;
  /** true once a key was evicted: distinct-key counts are then lower bounds */
  saturated = false;

  constructor(readonly cap: number) {}

  add(key: string, n = 1): void {
    this.total += n;
    const e = this.counts.get(key);
    if (e) { e.n += n; return; }
    if (this.counts.size < this.cap) { this.counts.set(key, { n, err: 0 }); return; }
    this.saturated = true;
    let minKey = '', min = Infinity;
    for (const [k, c] of this.counts) if (c.n < min) { min = c.n; minKey = k; }
    this.counts.delete(minKey);
    this.counts.set(key, { n: min + n, err: min });
  }

  merge(other: TopK): void {
    for (const [k, c] of other.counts) this.add(k, c.n);
    this.total += other.total - sumOf(other);
    if (other.saturated) this.saturated = true;
  }

  /** The k heaviest keys with their guaranteed counts (count − error: exact until the sketch saturates). */
  top(k: number): Array<{ key: string; count: number }> {
    return [...this.counts]
      .map(([key, c]) => ({ key, count: c.n - c.err }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))
      .slice(0, k);
  }

  get size(): number { return this.counts.size; }
}

function sumOf(t: TopK): number {
  let s = 0;
  for (const c of t.counts.values()) s += c.n;
  return s;
}

/** A set that stops growing at `cap` (then `size` is a lower bound). */
export class CappedSet<T> {
  readonly items = new Set<T>();
  saturated = false;
  constructor(readonly cap: number) {}
  add(v: T): void {
    if (this.items.size < this.cap) this.items.add(v);
    else if (!this.items.has(v)) this.saturated = true;
  }
  has(v: T): boolean { return this.items.has(v); }
  get size(): number { return this.items.size; }
  /** '4096+' when saturated */
  label(): string { return this.saturated ? `${this.size}+` : String(this.size); }
}

/** Map with least-recently-set eviction (Map keeps insertion order; re-set moves a key to the end). */
export class LruMap<K, V> {
  readonly map = new Map<K, V>();
  evicted = 0;
  constructor(readonly cap: number, private readonly onEvict?: (k: K, v: V) => void) {}
  get(k: K): V | undefined { return this.map.get(k); }
  /** get and mark as recently used */
  touch(k: K): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) { this.map.delete(k); this.map.set(k, v); }
    return v;
  }
  set(k: K, v: V): void {
    if (this.map.has(k)) this.map.delete(k);
    else if (this.map.size >= this.cap) {
      const oldest = this.map.keys().next().value as K;
      const ov = this.map.get(oldest) as V;
      this.map.delete(oldest);
      this.evicted++;
      this.onEvict?.(oldest, ov);
    }
    this.map.set(k, v);
  }
  delete(k: K): boolean { return this.map.delete(k); }
  get size(): number { return this.map.size; }
}

/** Median and median absolute deviation of the first n values. */
export function medianMad(values: ArrayLike<number>, n: number): { median: number; mad: number } {
  if (n === 0) return { median: 0, mad: 0 };
  const a = Array.prototype.slice.call(values, 0, n) as number[];
  a.sort((x, y) => x - y);
  const med = mid(a);
  for (let i = 0; i < n; i++) a[i] = Math.abs(a[i] - med);
  a.sort((x, y) => x - y);
  return { median: med, mad: mid(a) };
}

function mid(sorted: number[]): number {
  const n = sorted.length, h = n >> 1;
  return n % 2 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}
