// Beaconing: a host opening connections to one external destination (address
// and port) at a regular period — malware checking in with its command
// server. Per source, destination and port, the start times of new TCP
// connections (SYNs; retransmissions are not new) are kept (the last 32);
// once there are `minEvents`, the period is the median interval and the
// jitter its median absolute deviation over the median. Regular means a
// period of at least `minPeriodSec` and jitter at most `maxJitter` (C2
// frameworks add 10–20% jitter; people browsing are irregular). Internal
// destinations (RFC 1918, link-local, …) and `allowDestinations` (update
// servers, monitoring) are left out.
import type { Alert } from '../alert';
import { SYN_ONLY, addrEq, frameRange, grade } from '../alert';
import type { Detector, DetectorDef, LimitSettings } from '../detector';
import type { PacketFacts } from '../facts';
import { TCP } from '../facts';
import { LruMap, medianMad } from '../sketch';
import { isGroupAddress, isInternal } from '../addresses';
import type { InsightsSettings } from '../../../api/insights';

export type BeaconSettings = InsightsSettings['beacon'];

export const beacon: DetectorDef<{ beacon: BeaconSettings }, 'beaconing'> = {
  id: 'beaconing',
  kinds: ['beaconing'],
  defaults: () => ({ beacon: { enabled: true, minEvents: 8, minPeriodSec: 5, maxPeriodSec: 86_400, maxJitter: 0.2, allowDestinations: [] } }),
  create: ({ settings, maxAlerts }) => new BeaconDetector(settings, maxAlerts),
};

const RING = 32;
const SYN = TCP.SYN, ACK = TCP.ACK;

interface Track {
  id: string | null;
  src: string;
  dst: string;
  port: number;
  times: Float64Array;
  n: number;
  lastSport: number;
  firstTs: number;
  lastTs: number;
  firstFrame: number;
  lastFrame: number;
  /** SYN packets, retransmissions included: what the filter selects */
  synPackets: number;
  synBytes: number;
  events: number;
  period: number;
  jitter: number;
}

export class BeaconDetector implements Detector {
  private readonly tracks: LruMap<string, Track>;
  private readonly allow: Set<string>;
  private readonly done: Alert[] = [];
  private seq = 0;
  private flushed = false;
  private readonly scratch = new Float64Array(RING);

  constructor(private readonly s: { beacon: BeaconSettings; limits: LimitSettings }, private readonly maxAlerts: number) {
    this.tracks = new LruMap(s.limits.maxSources * 4, (_k, t) => this.retire(t));
    this.allow = new Set(s.beacon.allowDestinations);
  }

  add(f: PacketFacts): void {
    const c = this.s.beacon;
    if (!c.enabled || f.transport !== 'tcp' || (f.tcpFlags & (SYN | ACK)) !== SYN || f.src === undefined || f.dst === undefined || Number.isNaN(f.ts)) return;
    if (isInternal(f.dst) || isGroupAddress(f.dst) || this.allow.has(f.dst)) return;
    const port = f.dstPort as number;
    const key = `${f.src}>${f.dst}:${port}`;
    let t = this.tracks.touch(key);
    // a pause far longer than the longest period ends a beacon: start over
    if (t !== undefined && f.ts - t.lastTs > c.maxPeriodSec) { this.retire(t); t = undefined; }
    if (t === undefined) {
      t = { id: null, src: f.src, dst: f.dst, port, times: new Float64Array(RING), n: 0, lastSport: -1, firstTs: f.ts, lastTs: f.ts, firstFrame: f.frame, lastFrame: f.frame, synPackets: 0, synBytes: 0, events: 0, period: 0, jitter: 0 };
      this.tracks.set(key, t);
    }
    t.synPackets++;
    t.synBytes += f.len;
    t.lastFrame = f.frame;
    t.lastTs = f.ts;
    if (f.srcPort === t.lastSport) return; // a retransmitted SYN: the same attempt
    t.lastSport = f.srcPort as number;
    t.times[t.n % RING] = f.ts;
    t.n++;
    t.events++;
    if (t.n >= c.minEvents) this.judge(t);
  }

  private judge(t: Track): void {
    const c = this.s.beacon;
    const k = Math.min(t.n, RING);
    // intervals between consecutive connections, oldest first
    const start = t.n - k;
    for (let i = 1; i < k; i++) this.scratch[i - 1] = t.times[(start + i) % RING] - t.times[(start + i - 1) % RING];
    const { median, mad } = medianMad(this.scratch, k - 1);
    t.period = median;
    t.jitter = median > 0 ? mad / median : Infinity;
    const regular = median >= c.minPeriodSec && median <= c.maxPeriodSec && t.jitter <= c.maxJitter;
    if (regular && t.id === null) t.id = `beaconing:${t.src}>${t.dst}:${t.port}:${++this.seq}`;
  }

  private retire(t: Track): void {
    if (t.id !== null && this.done.length < this.maxAlerts) this.done.push(this.toAlert(t, false));
    t.id = null;
  }

  flush(): void {
    this.flushed = true;
  }

  alerts(): Alert[] {
    const live: Alert[] = [];
    for (const t of this.tracks.map.values()) if (t.id !== null) live.push(this.toAlert(t, !this.flushed));
    return this.done.concat(live);
  }

  private toAlert(t: Track, ongoing: boolean): Alert {
    const c = this.s.beacon;
    const span = t.lastTs - t.firstTs;
    return {
      id: t.id as string,
      kind: 'beaconing',
      severity: grade('low', { magnitude: t.events >= 50, persistence: span >= 3600, harm: false }),
      title: `Beaconing from ${t.src} to ${t.dst}:${t.port} every ${t.period.toFixed(1)} s`,
      detail: `${t.src} opened ${t.events} connections to ${t.dst}:${t.port} over ${span.toFixed(0)} s: median interval ${t.period.toFixed(2)} s, ` +
        `jitter ${(t.jitter * 100).toFixed(1)}% (median absolute deviation / median, last ${Math.min(t.n, RING)} connections)`,
      firstTs: t.firstTs, lastTs: t.lastTs, firstFrame: t.firstFrame, lastFrame: t.lastFrame,
      endpoints: [{ role: 'source', address: t.src, packets: t.synPackets }, { role: 'target', address: t.dst, port: t.port }],
      metrics: { connections: t.events, periodSec: +t.period.toFixed(3), jitter: +t.jitter.toFixed(4), durationSec: +span.toFixed(3), synPackets: t.synPackets },
      thresholds: [
        { metric: 'connections to one destination', observed: t.events, threshold: c.minEvents, setting: 'beacon.minEvents' },
        { metric: 'jitter (MAD / median interval)', observed: +t.jitter.toFixed(4), threshold: c.maxJitter, setting: 'beacon.maxJitter' },
      ],
      filter: `${addrEq('src', t.src)} && ${addrEq('dst', t.dst)} && tcp.dstport == ${t.port} && ${SYN_ONLY} && ${frameRange(t.firstFrame, t.lastFrame)}`,
      packets: t.synPackets,
      bytes: t.synBytes,
      ongoing,
    };
  }
}
