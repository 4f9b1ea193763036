// UDP floods: more than `minPerSec` UDP datagrams a second to one host for at
// least `minSeconds` consecutive seconds, which the host answers with less
// than `maxReplyShare` of that (UDP back to anyone, counted in the same
// second). A fast UDP download (QUIC, a game, a VPN) is acknowledged; a flood
// is not. Consecutive flooding seconds form one alert.
//
// Counted are frames with one IP header carrying a UDP datagram — whole, or
// reassembled on the fragment that completed it (udp.ts) — not ICMP errors
// quoting UDP, not tunnels; the filter says the same.
import type { Dissection } from '../../types';
import type { Alert } from '../alert';
import { addrEq, fmtBytes, fmtRate, frameRange, grade, singleIp } from '../alert';
import type { Detector, DetectorDef, Span } from '../detector';
import type { PacketFacts } from '../facts';
import { CappedSet, LruMap, TopK } from '../sketch';
import { isGroupAddress } from '../addresses';
import { datagramOf, type Datagram } from '../udp';
import type { InsightsSettings } from '../../../api/insights';

export type UdpFloodSettings = InsightsSettings['udpFlood'];

export const udpFlood: DetectorDef<{ udpFlood: UdpFloodSettings }, 'udp-flood'> = {
  id: 'udp-flood',
  kinds: ['udp-flood'],
  defaults: () => ({ udpFlood: { enabled: true, minPerSec: 500, minSeconds: 2, maxReplyShare: 0.05, manySources: 10 } }),
  create: ({ settings, maxAlerts }) => new UdpFloodDetector(settings.udpFlood, maxAlerts),
};

const MAX_TARGETS = 4096;
const SOURCES_PER_SECOND = 1024;

interface Flood extends Span {
  id: string;
  startSec: number;
  endSec: number;
  replies: number;
  peak: number;
  ports: CappedSet<number>;
  sources: TopK;
  distinct: CappedSet<string>;
}

interface Target {
  address: string;
  sec: number;
  n: number;
  bytes: number;
  replies: number;
  firstTs: number;
  lastTs: number;
  firstFrame: number;
  lastFrame: number;
  ports: Set<number>;
  sources: Map<string, number>;
  flood: Flood | null;
}

export class UdpFloodDetector implements Detector {
  private readonly targets: LruMap<string, Target>;
  private readonly active = new Set<Target>();
  private clock = -Infinity;
  private readonly done: Alert[] = [];
  private seq = 0;
  private readonly dg: Datagram = { sport: 0, dport: 0, bytes: 0 };

  constructor(private readonly s: UdpFloodSettings, private readonly maxAlerts: number) {
    this.targets = new LruMap(MAX_TARGETS, (_k, t) => { this.close(t); this.finish(t); this.active.delete(t); });
  }

  add(f: PacketFacts, d: Dissection): void {
    if (!this.s.enabled || Number.isNaN(f.ts)) return;
    if (f.ts >= this.clock + 1) this.tick(Math.floor(f.ts));
    if (f.dst === undefined || f.src === undefined || (f.transport !== 'udp' && !(f.transport === undefined && f.nIpProtos > 0 && f.ipProtos[0] === 17))) return;
    const g = datagramOf(f, d, this.dg);
    if (g === null) return;
    // the target's own datagrams this second are its answers
    const back = this.targets.get(f.src);
    if (back !== undefined && back.n > 0) back.replies++;
    if (isGroupAddress(f.dst)) return;
    let t = this.targets.touch(f.dst);
    if (t === undefined) {
      t = { address: f.dst, sec: this.clock, n: 0, bytes: 0, replies: 0, firstTs: f.ts, lastTs: f.ts, firstFrame: f.frame, lastFrame: f.frame, ports: new Set(), sources: new Map(), flood: null };
      this.targets.set(f.dst, t);
    }
    if (t.n === 0) { t.sec = this.clock; t.firstTs = f.ts; t.firstFrame = f.frame; this.active.add(t); }
    t.n++;
    t.bytes += g.bytes;
    t.lastTs = f.ts;
    t.lastFrame = f.frame;
    if (t.ports.size < 1024) t.ports.add(g.dport);
    const c = t.sources.get(f.src);
    if (c !== undefined) t.sources.set(f.src, c + 1);
    else if (t.sources.size < SOURCES_PER_SECOND) t.sources.set(f.src, 1);
  }

  private tick(sec: number): void {
    for (const t of this.active) {
      this.close(t);
      if (t.flood !== null && t.flood.endSec < sec - 1) this.finish(t);
      if (t.flood === null && t.n === 0) this.active.delete(t);
    }
    this.clock = sec;
  }

  private close(t: Target): void {
    if (t.n === 0) return;
    if (t.n > this.s.minPerSec && t.replies < this.s.maxReplyShare * t.n) {
      let e = t.flood;
      if (e === null) {
        e = t.flood = {
          id: `udp-flood:${t.address}:${++this.seq}`, startSec: t.sec, endSec: t.sec, firstTs: t.firstTs, lastTs: t.lastTs, firstFrame: t.firstFrame, lastFrame: t.lastFrame,
          packets: 0, bytes: 0, replies: 0, peak: 0, ports: new CappedSet(1024), sources: new TopK(64), distinct: new CappedSet(4096),
        };
      }
      e.endSec = t.sec;
      e.lastTs = t.lastTs;
      e.lastFrame = t.lastFrame;
      e.packets += t.n;
      e.bytes += t.bytes;
      e.replies += t.replies;
      e.peak = Math.max(e.peak, t.n);
      for (const p of t.ports) e.ports.add(p);
      for (const [src, n] of t.sources) { e.sources.add(src, n); e.distinct.add(src); }
    } else this.finish(t);
    t.n = 0; t.bytes = 0; t.replies = 0;
    t.ports.clear();
    t.sources.clear();
  }

  private lasted(e: Flood): boolean {
    return e.endSec - e.startSec + 1 >= this.s.minSeconds;
  }

  private finish(t: Target): void {
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

  private toAlert(address: string, e: Flood, ongoing: boolean): Alert {
    const s = this.s;
    const secs = e.endSec - e.startSec + 1;
    const top = e.sources.top(5);
    const distributed = e.distinct.size >= s.manySources;
    return {
      id: e.id,
      kind: 'udp-flood',
      severity: grade('low', { magnitude: e.peak >= 10 * s.minPerSec, persistence: secs >= 10, harm: distributed }),
      title: `UDP flood to ${address} (${e.peak} datagrams/s from ${e.distinct.label()} source${e.distinct.size === 1 ? '' : 's'})`,
      detail: [
        `${address} received ${e.packets} UDP datagrams (${fmtBytes(e.bytes)}) in ${secs} s: ${fmtRate(e.packets / secs)}/s, peak ${e.peak}/s, to ${e.ports.label()} port${e.ports.size === 1 ? '' : 's'}`,
        `it answered ${e.replies} (${(100 * e.replies / e.packets).toFixed(1)}%)`,
        `from ${e.distinct.label()} source${e.distinct.size === 1 ? '' : 's'}${distributed ? ' (many sources: DDoS-like)' : ''}`,
        ...(top.length ? [`top sources ${top.map((x) => `${x.key} (${x.count})`).join(', ')}`] : []),
      ].join('; '),
      firstTs: e.firstTs, lastTs: e.lastTs, firstFrame: e.firstFrame, lastFrame: e.lastFrame,
      endpoints: [{ role: 'target', address, packets: e.packets }, ...top.map((x) => ({ role: 'source' as const, address: x.key, packets: x.count }))],
      metrics: {
        seconds: secs, packets: e.packets, bytes: e.bytes, peakPerSec: e.peak, meanPerSec: +(e.packets / secs).toFixed(2), replies: e.replies,
        replyShare: +(e.replies / e.packets).toFixed(4), distinctPorts: e.ports.size, distinctSources: e.distinct.size,
      },
      thresholds: [
        { metric: `UDP datagrams/s to ${address}`, observed: e.peak, threshold: s.minPerSec, setting: 'udpFlood.minPerSec' },
        { metric: 'share answered', observed: +(e.replies / e.packets).toFixed(4), threshold: s.maxReplyShare, setting: 'udpFlood.maxReplyShare' },
      ],
      filter: `${addrEq('dst', address)} && ${singleIp(address)} && udp && ${frameRange(e.firstFrame, e.lastFrame)}`,
      packets: e.packets,
      bytes: e.bytes,
      ongoing,
    };
  }
}
