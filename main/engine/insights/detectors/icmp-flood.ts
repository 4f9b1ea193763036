// ICMP floods: more than `minPerSec` ICMP echo requests (ping, type 8; ICMPv6
// type 128) to one host in a second. Consecutive such seconds form one alert,
// with the peak rate, the sources and their share. A fixed threshold, not a
// baseline: a host answering a ping flood is busy however normal the flood
// has become, and ordinary pings run at one per second.
//
// Counted are frames with one IP header whose destination is the host and an
// echo request anywhere in them; tunnels and ICMP errors quoting a ping carry
// a second IP header and are left out, as the alert's filter leaves them out
// (`count(ip.dst) == 1 && !ipv6.dst`), so the filter selects exactly the
// counted frames.
import type { Dissection } from '../../types';
import type { Alert } from '../alert';
import { addrEq, fmtBytes, fmtRate, frameRange } from '../alert';
import type { Detector, DetectorDef, Span } from '../detector';
import type { PacketFacts } from '../facts';
import { CappedSet, LruMap, TopK } from '../sketch';
import type { InsightsSettings } from '../../../api/insights';

/** this detector's settings section (its shape is the API's) */
export type IcmpFloodSettings = InsightsSettings['icmpFlood'];

export const icmpFlood: DetectorDef<{ icmpFlood: IcmpFloodSettings }, 'icmp-flood'> = {
  id: 'icmp-flood',
  kinds: ['icmp-flood'],
  defaults: () => ({ icmpFlood: { enabled: true, minPerSec: 100, manySources: 10 } }),
  create: ({ settings, maxAlerts }) => new IcmpFloodDetector(settings.icmpFlood, maxAlerts),
};

/** hosts receiving pings that are tracked at once (least recently pinged is dropped, its flood closed) */
const MAX_TARGETS = 4096;
/** sources counted exactly per second and per flood; beyond, counts are lower bounds */
const SOURCES_PER_SECOND = 1024;
const TOP_SOURCES = 64;
const DISTINCT_CAP = 4096;
const ECHO_REQUEST = 8, ECHO_REQUEST_V6 = 128;

interface Flood extends Span {
  id: string;
  startSec: number;
  endSec: number;
  peak: number;
  sources: TopK;
  distinct: CappedSet<string>;
}

interface Target {
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
  flood: Flood | null;
}

export class IcmpFloodDetector implements Detector {
  private readonly targets: LruMap<string, Target>;
  /** targets with a second being counted or a flood open: the only ones a new second has to look at */
  private readonly active = new Set<Target>();
  /** the current second of the capture; it never runs back (late packets count in it), so each target's seconds follow frame order */
  private clock = -Infinity;
  private readonly done: Alert[] = [];
  private seq = 0;

  constructor(private readonly s: IcmpFloodSettings, private readonly maxAlerts: number) {
    this.targets = new LruMap(MAX_TARGETS, (_k, t) => { this.close(t); this.finish(t); this.active.delete(t); });
  }

  add(f: PacketFacts, d: Dissection): void {
    if (!this.s.enabled || Number.isNaN(f.ts)) return;
    // every packet moves the clock, so a flood's last second closes (live) without waiting for the next ping to its target
    if (f.ts >= this.clock + 1) this.tick(Math.floor(f.ts));
    // TCP and UDP frames cannot carry an echo request under a single IP header: skip them before reading fields
    if (f.transport !== undefined || f.dst === undefined || f.src === undefined) return;
    if (!isSingleHeaderEchoRequest(d, f.ipVersion)) return;
    let t = this.targets.touch(f.dst);
    if (t === undefined) {
      t = { address: f.dst, sec: this.clock, n: 0, bytes: 0, firstTs: f.ts, lastTs: f.ts, firstFrame: f.frame, lastFrame: f.frame, sources: new Map(), sourcesOverflow: false, flood: null };
      this.targets.set(f.dst, t);
    }
    if (t.n === 0) { t.sec = this.clock; t.firstTs = f.ts; t.firstFrame = f.frame; this.active.add(t); }
    t.n++;
    t.bytes += f.len;
    t.lastTs = f.ts;
    t.lastFrame = f.frame;
    const c = t.sources.get(f.src);
    if (c !== undefined) t.sources.set(f.src, c + 1);
    else if (t.sources.size < SOURCES_PER_SECOND) t.sources.set(f.src, 1);
    else t.sourcesOverflow = true;
  }

  /** The clock moved to `sec`: every second before it is over, and a flood whose target got no ping for a whole second has ended. */
  private tick(sec: number): void {
    for (const t of this.active) {
      this.close(t);
      if (t.flood !== null && t.flood.endSec < sec - 1) this.finish(t);
      if (t.flood === null) this.active.delete(t);
    }
    this.clock = sec;
  }

  /** The target's second is over: it extends (or opens) a flood, or ends the one in progress. */
  private close(t: Target): void {
    if (t.n === 0) return;
    if (t.n > this.s.minPerSec) {
      let e = t.flood;
      if (e === null) {
        e = t.flood = {
          id: `icmp-flood:${t.address}:${++this.seq}`, startSec: t.sec, endSec: t.sec, firstTs: t.firstTs, lastTs: t.lastTs,
          firstFrame: t.firstFrame, lastFrame: t.lastFrame, packets: 0, bytes: 0, peak: 0, sources: new TopK(TOP_SOURCES), distinct: new CappedSet(DISTINCT_CAP),
        };
      }
      e.endSec = t.sec;
      e.lastTs = t.lastTs;
      e.lastFrame = t.lastFrame;
      e.packets += t.n;
      e.bytes += t.bytes;
      e.peak = Math.max(e.peak, t.n);
      for (const [src, n] of t.sources) { e.sources.add(src, n); e.distinct.add(src); }
      if (t.sourcesOverflow) e.distinct.saturated = true;
    } else this.finish(t);
    t.n = 0;
    t.bytes = 0;
    t.sources.clear();
    t.sourcesOverflow = false;
  }

  private finish(t: Target): void {
    if (t.flood === null) return;
    if (this.done.length < this.maxAlerts) this.done.push(this.toAlert(t.address, t.flood, false));
    t.flood = null;
  }

  flush(): void {
    for (const t of this.active) { this.close(t); this.finish(t); }
    this.active.clear();
  }

  alerts(): Alert[] {
    const live: Alert[] = [];
    for (const t of this.active) if (t.flood !== null) live.push(this.toAlert(t.address, t.flood, true));
    return this.done.concat(live);
  }

  private toAlert(address: string, e: Flood, ongoing: boolean): Alert {
    const s = this.s;
    const v6 = address.includes(':');
    const secs = e.endSec - e.startSec + 1;
    const top = e.sources.top(5);
    const topShare = top.length ? top[0].count / e.packets : 0;
    const distributed = e.distinct.size >= s.manySources;
    // once the sketch saturated, counts are guaranteed minimums
    const ge = e.sources.saturated ? '≥' : '';
    const echo = v6 ? 'icmpv6.type == 128' : 'icmp.type == 8';
    return {
      id: e.id,
      kind: 'icmp-flood',
      severity: distributed || e.peak >= 10 * s.minPerSec ? 'high' : 'medium',
      title: `ICMP flood to ${address} (${e.peak} echo requests/s from ${e.distinct.label()} source${e.distinct.size === 1 ? '' : 's'})`,
      detail: [
        `${address} received ${e.packets} ICMP echo requests (${fmtBytes(e.bytes)}) in ${secs} s: ${fmtRate(e.packets / secs)}/s, peak ${e.peak}/s`,
        `from ${e.distinct.label()} source${e.distinct.size === 1 ? '' : 's'}` +
          (distributed ? ' (many sources: DDoS-like)' : top.length ? ` (${top[0].key} sent ${Math.round(topShare * 100)}%)` : ''),
        ...(top.length ? [`top sources ${top.map((x) => `${x.key} (${ge}${x.count})`).join(', ')}`] : []),
      ].join('; '),
      firstTs: e.firstTs, lastTs: e.lastTs, firstFrame: e.firstFrame, lastFrame: e.lastFrame,
      endpoints: [{ role: 'target', address, packets: e.packets }, ...top.map((x) => ({ role: 'source' as const, address: x.key, packets: x.count }))],
      metrics: {
        seconds: secs, packets: e.packets, bytes: e.bytes, peakPerSec: e.peak, meanPerSec: +(e.packets / secs).toFixed(2),
        distinctSources: e.distinct.size, sourcesSaturated: String(e.distinct.saturated), topSourceShare: +topShare.toFixed(3),
      },
      thresholds: [{ metric: `ICMP echo requests/s to ${address}`, observed: e.peak, threshold: s.minPerSec, setting: 'icmpFlood.minPerSec' }],
      filter: `${addrEq('dst', address)} && count(${v6 ? 'ipv6' : 'ip'}.dst) == 1 && !${v6 ? 'ip' : 'ipv6'}.dst && ${echo} && ${frameRange(e.firstFrame, e.lastFrame)}`,
      packets: e.packets,
      bytes: e.bytes,
      ongoing,
    };
  }
}

/**
 * Whether the frame is what the alert's filter selects: one destination
 * field of its IP version, none of the other, and an echo request anywhere.
 */
function isSingleHeaderEchoRequest(d: Dissection, ipVersion: number): boolean {
  const dstName = ipVersion === 6 ? 'ipv6.dst' : 'ip.dst', otherDst = ipVersion === 6 ? 'ip.dst' : 'ipv6.dst';
  const typeName = ipVersion === 6 ? 'icmpv6.type' : 'icmp.type', echo = ipVersion === 6 ? ECHO_REQUEST_V6 : ECHO_REQUEST;
  let dsts = 0, isEcho = false;
  for (const fd of d.fields) {
    const n = fd.name;
    if (n === dstName) dsts++;
    else if (n === otherDst) return false;
    else if (n === typeName && fd.value === echo) isEcho = true;
  }
  return dsts === 1 && isEcho;
}
