// What the flood detectors (ICMP, UDP) share: packets to one target counted
// per second of capture time; a second over the detector's rate extends (or
// opens) that target's flood, a quiet second ends it. Seconds follow a clock
// that never runs back, so late packets count in the current second and each
// target's seconds follow frame order. Memory is bounded: targets in an LRU
// (an evicted target's flood is closed), sources per second in a capped map,
// sources per flood in a top-k sketch and a capped distinct set.
//
// A detector says what a packet counts for (`count`), when a second floods
// (`floods`), what extra it keeps per second and per flood (`extend`,
// `reset`), how many seconds make an alert (`minSeconds`) and how the alert
// reads (`toAlert`).
import type { Dissection } from '../types';
import type { Alert } from './alert';
import type { Detector, Span } from './detector';
import type { PacketFacts } from './facts';
import { CappedSet, LruMap, TopK } from './sketch';

/** targets tracked at once (the least recently hit is dropped, its flood closed) */
const MAX_TARGETS = 4096;
/** sources counted exactly per second; beyond, the flood's distinct count is a lower bound */
const SOURCES_PER_SECOND = 1024;
const TOP_SOURCES = 64;
const DISTINCT_CAP = 4096;

export interface Flood extends Span {
  id: string;
  startSec: number;
  endSec: number;
  peak: number;
  sources: TopK;
  distinct: CappedSet<string>;
}

export interface FloodTarget<F extends Flood> {
  address: string;
  /** the second being counted (when n > 0) */
  sec: number;
  n: number;
  bytes: number;
  firstTs: number;
  lastTs: number;
  firstFrame: number;
  lastFrame: number;
  sources: Map<string, number>;
  sourcesOverflow: boolean;
  flood: F | null;
}

export abstract class PerSecondFloodDetector<F extends Flood, T extends FloodTarget<F>> implements Detector {
  protected readonly targets: LruMap<string, T>;
  /** targets with a second being counted or a flood open: the only ones a new second has to look at */
  private readonly active = new Set<T>();
  /** the current second of the capture */
  private clock = -Infinity;
  private readonly done: Alert[] = [];
  private seq = 0;

  constructor(private readonly kind: string, protected readonly maxAlerts: number) {
    this.targets = new LruMap(MAX_TARGETS, (_k, t) => { this.close(t); this.finish(t); this.active.delete(t); });
  }

  protected abstract get enabled(): boolean;
  /** consecutive flooding seconds an alert needs */
  protected abstract get minSeconds(): number;
  /** Counts the packet on its target (through `hit`) if it is one this detector counts. */
  protected abstract count(f: PacketFacts, d: Dissection): void;
  /** A target's fields beyond FloodTarget's, fresh. */
  protected abstract newTarget(address: string): Omit<T, keyof FloodTarget<F>>;
  /** A flood's fields beyond Flood's, fresh. */
  protected abstract newFlood(): Omit<F, keyof Flood>;
  /** Whether the target's second just counted floods. */
  protected abstract floods(t: T): boolean;
  /** Adds the target's second (its extra fields) to its flood, and clears them for the next second. */
  protected abstract extend(e: F, t: T): void;
  protected abstract reset(t: T): void;
  protected abstract toAlert(address: string, e: F, ongoing: boolean): Alert;

  add(f: PacketFacts, d: Dissection): void {
    if (!this.enabled || Number.isNaN(f.ts)) return;
    // every packet moves the clock, so a flood's last second closes (live) without waiting for the next packet to its target
    if (f.ts >= this.clock + 1) this.tick(Math.floor(f.ts));
    this.count(f, d);
  }

  /** Counts a packet of `bytes` from `src` to `dst` in the current second; returns the target for extra counting. */
  protected hit(f: PacketFacts, dst: string, src: string, bytes: number): T {
    let t = this.targets.touch(dst);
    if (t === undefined) {
      t = {
        address: dst, sec: this.clock, n: 0, bytes: 0, firstTs: f.ts, lastTs: f.ts, firstFrame: f.frame, lastFrame: f.frame,
        sources: new Map(), sourcesOverflow: false, flood: null, ...this.newTarget(dst),
      } as T;
      this.targets.set(dst, t);
    }
    if (t.n === 0) { t.sec = this.clock; t.firstTs = f.ts; t.firstFrame = f.frame; this.active.add(t); }
    t.n++;
    t.bytes += bytes;
    t.lastTs = f.ts;
    t.lastFrame = f.frame;
    const c = t.sources.get(src);
    if (c !== undefined) t.sources.set(src, c + 1);
    else if (t.sources.size < SOURCES_PER_SECOND) t.sources.set(src, 1);
    else t.sourcesOverflow = true;
    return t;
  }

  /** The clock moved to `sec`: every second before it is over, and a flood whose target was quiet for a whole second has ended. */
  private tick(sec: number): void {
    for (const t of this.active) {
      this.close(t);
      if (t.flood !== null && t.flood.endSec < sec - 1) this.finish(t);
      if (t.flood === null) this.active.delete(t);
    }
    this.clock = sec;
  }

  /** The target's second is over: it extends (or opens) a flood, or ends the one in progress. */
  private close(t: T): void {
    if (t.n === 0) return;
    if (this.floods(t)) {
      let e = t.flood;
      if (e === null) {
        e = t.flood = {
          id: `${this.kind}:${t.address}:${++this.seq}`, startSec: t.sec, endSec: t.sec, firstTs: t.firstTs, lastTs: t.lastTs,
          firstFrame: t.firstFrame, lastFrame: t.lastFrame, packets: 0, bytes: 0, peak: 0,
          sources: new TopK(TOP_SOURCES), distinct: new CappedSet(DISTINCT_CAP), ...this.newFlood(),
        } as F;
      }
      e.endSec = t.sec;
      e.lastTs = t.lastTs;
      e.lastFrame = t.lastFrame;
      e.packets += t.n;
      e.bytes += t.bytes;
      e.peak = Math.max(e.peak, t.n);
      this.extend(e, t);
      for (const [src, n] of t.sources) { e.sources.add(src, n); e.distinct.add(src); }
      if (t.sourcesOverflow) e.distinct.saturated = true;
    } else this.finish(t);
    t.n = 0;
    t.bytes = 0;
    t.sources.clear();
    t.sourcesOverflow = false;
    this.reset(t);
  }

  private lasted(e: F): boolean {
    return e.endSec - e.startSec + 1 >= this.minSeconds;
  }

  private finish(t: T): void {
    if (t.flood === null) return;
    if (this.lasted(t.flood) && this.done.length < this.maxAlerts) this.done.push(this.toAlert(t.address, t.flood, false));
    t.flood = null;
  }

  flush(): void {
    for (const t of this.active) { this.close(t); this.finish(t); }
    this.active.clear();
  }

  alerts(): Alert[] {
    const live: Alert[] = [];
    for (const t of this.active) if (t.flood !== null && this.lasted(t.flood)) live.push(this.toAlert(t.address, t.flood, true));
    return this.done.concat(live);
  }
}
