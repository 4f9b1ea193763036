// Wireshark's Statistics › I/O Graph: packets and bits per interval, plus
// one series per display filter. Intervals are relative to the first
// packet; only the most recent `maxIntervals` are kept (a live capture can
// run for days).
import type { Dissection } from '../types';

export interface IoSeriesDef {
  name: string;
  /** the display filter text, shown in legends */
  filter: string;
  match: (d: Dissection) => boolean;
}

export interface IoGraphData {
  intervalSec: number;
  /** epoch seconds of interval 0 (the first packet) */
  t0: number;
  /** interval start, seconds since t0 */
  time: number[];
  packets: number[];
  /** bits per second over each interval */
  bitsPerSec: number[];
  series: Array<{ name: string; filter: string; packets: number[] }>;
}

export class IoGraph {
  private t0 = NaN;
  private first = 0;
  private packets: number[] = [];
  private bytes: number[] = [];
  private extra: number[][];

  constructor(readonly intervalSec: number, private readonly defs: IoSeriesDef[], private readonly maxIntervals = 86_400) {
    this.extra = defs.map(() => []);
  }

  add(ts: number, len: number, d: Dissection): void {
    if (Number.isNaN(ts)) return;
    if (Number.isNaN(this.t0)) this.t0 = ts;
    const idx = Math.max(0, Math.floor((ts - this.t0) / this.intervalSec));
    while (this.first + this.packets.length <= idx) {
      this.packets.push(0);
      this.bytes.push(0);
      for (const e of this.extra) e.push(0);
      if (this.packets.length > this.maxIntervals) {
        this.packets.shift(); this.bytes.shift(); for (const e of this.extra) e.shift();
        this.first++;
      }
    }
    const i = idx - this.first;
    if (i < 0) return;
    this.packets[i]++;
    this.bytes[i] += len;
    for (let k = 0; k < this.defs.length; k++) if (this.defs[k].match(d)) this.extra[k][i]++;
  }

  data(): IoGraphData {
    return {
      intervalSec: this.intervalSec,
      t0: Number.isNaN(this.t0) ? 0 : this.t0,
      time: this.packets.map((_, i) => +((this.first + i) * this.intervalSec).toFixed(6)),
      packets: [...this.packets],
      bitsPerSec: this.bytes.map((b) => (b * 8) / this.intervalSec),
      series: this.defs.map((d, k) => ({ name: d.name, filter: d.filter, packets: [...this.extra[k]] })),
    };
  }
}
