// Wireshark's Statistics › I/O Graph: packets and bits per interval, plus
// one series per display filter. Intervals are relative to the first
// packet; only the most recent `maxIntervals` are kept (a live capture can
// run for days).
import type { Dissection } from '../types';
import type { IoGraphData } from '../../api/insights';
export type { IoGraphData } from '../../api/insights';

export interface IoSeriesDef {
  name: string;
  /** the display filter text, shown in legends */
  filter: string;
  match: (d: Dissection) => boolean;
}

interface Bucket {
  packets: number;
  bytes: number;
  extra: number[];
}

export class IoGraph {
  private t0 = NaN;
  /** interval index → counts; sparse, because captures can have gaps of months */
  private readonly buckets = new Map<number, Bucket>();
  private lastIdx = -1;
  private last: Bucket | null = null;

  private readonly defs: IoSeriesDef[];

  constructor(readonly intervalSec: number, defs: IoSeriesDef[], private readonly maxIntervals = 86_400) {
    this.defs = [...defs];
  }

  /** A series added while packets flow (live) counts from now on; earlier intervals show 0. */
  addSeries(def: IoSeriesDef): void {
    this.defs.push(def);
    for (const b of this.buckets.values()) b.extra.push(0);
  }

  removeSeries(name: string): void {
    const k = this.defs.findIndex((d) => d.name === name);
    if (k < 0) return;
    this.defs.splice(k, 1);
    for (const b of this.buckets.values()) b.extra.splice(k, 1);
  }

  add(ts: number, len: number, d: Dissection): void {
    if (Number.isNaN(ts)) return;
    if (Number.isNaN(this.t0)) this.t0 = ts;
    const idx = Math.max(0, Math.floor((ts - this.t0) / this.intervalSec));
    let b = idx === this.lastIdx ? this.last : this.buckets.get(idx);
    if (!b) {
      b = { packets: 0, bytes: 0, extra: this.defs.map(() => 0) };
      this.buckets.set(idx, b);
      // intervals arrive in time order: the first key is the oldest
      if (this.buckets.size > this.maxIntervals) {
        const oldest = this.buckets.keys().next().value as number;
        this.buckets.delete(oldest);
        if (oldest === this.lastIdx) this.last = null;
      }
    }
    this.lastIdx = idx;
    this.last = b;
    b.packets++;
    b.bytes += len;
    for (let k = 0; k < this.defs.length; k++) if (this.defs[k].match(d)) b.extra[k]++;
  }

  /** Intervals with packets, plus a zero on each side of every silent gap (so plotted lines drop to 0). */
  data(): IoGraphData {
    const idxs = [...this.buckets.keys()].sort((a, b) => a - b);
    const out: IoGraphData = {
      intervalSec: this.intervalSec, t0: Number.isNaN(this.t0) ? 0 : this.t0, time: [], packets: [], bitsPerSec: [],
      series: this.defs.map((d) => ({ name: d.name, filter: d.filter, packets: [] })),
    };
    const push = (i: number, b: Bucket | null): void => {
      out.time.push(+(i * this.intervalSec).toFixed(6));
      out.packets.push(b ? b.packets : 0);
      out.bitsPerSec.push(b ? (b.bytes * 8) / this.intervalSec : 0);
      out.series.forEach((s, k) => s.packets.push(b ? b.extra[k] : 0));
    };
    let prev = -Infinity;
    for (const i of idxs) {
      if (i > prev + 1 && prev !== -Infinity) {
        push(prev + 1, null);
        if (i - 1 > prev + 1) push(i - 1, null);
      }
      push(i, this.buckets.get(i) as Bucket);
      prev = i;
    }
    return out;
  }
}
