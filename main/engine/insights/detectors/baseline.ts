// What is normal on this network, learned: for the first `warmupSec`
// seconds of traffic, a profile per host (the services it answers on, the
// IP protocols it sends, its peak packets/s); after that, deviations from
// the host's own profile are reported — a host answering on a port it never
// served (a backdoor listener), sending a protocol it never sent (a tunnel),
// sending far above its own peak. The profile is written into the settings
// (`baseline.learned`), so it is saved with the session and a later run
// given those settings judges against it from its first packet instead of
// learning again. Deviations are anomalies: information, low when large and
// lasting (alert.ts grade); hosts first seen after warm-up are not judged
// (no profile to judge them against).
import type { Dissection } from '../../types';
import type { Alert } from '../alert';
import { addrEq, frameRange, grade, singleIp } from '../alert';
import type { Detector, DetectorDef, LimitSettings, Span } from '../detector';
import type { PacketFacts } from '../facts';
import { TCP } from '../facts';
import { isGroupAddress } from '../addresses';
import type { HostProfile, InsightsSettings } from '../../../api/insights';

export type BaselineSettings = InsightsSettings['baseline'];

export const baseline: DetectorDef<{ baseline: BaselineSettings }, 'baseline-deviation'> = {
  id: 'baseline',
  kinds: ['baseline-deviation'],
  defaults: () => ({ baseline: { enabled: true, warmupSec: 300, maxHosts: 256, rateFactor: 10, minRate: 100, learned: null } }),
  create: ({ settings, maxAlerts }) => new BaselineDetector(settings, maxAlerts),
};

const SYN_ACK = TCP.SYN | TCP.ACK;
const MAX_SERVICES = 64, MAX_PROTOCOLS = 16;

interface Deviation extends Span {
  id: string;
  host: string;
  what: 'service' | 'protocol' | 'rate';
  value: string;
  /** rate: seconds above the limit, and the peak */
  seconds: number;
  peak: number;
  /** rate: the second being counted */
  sec: number;
  secPackets: number;
  secFirstFrame: number;
  secFirstTs: number;
  secLastFrame: number;
  secBytes: number;
  open: boolean;
}

export class BaselineDetector implements Detector {
  private readonly profiles: Record<string, HostProfile>;
  private learning: boolean;
  private start = NaN;
  /** per host: packets and bytes sent in the current second (learning: for the peak; after: for rate deviations) */
  private readonly secCount = new Map<string, { sec: number; n: number }>();
  private readonly deviations = new Map<string, Deviation>();
  /** the rate deviation of each host, by address (looked up per packet: no key string built) */
  private readonly rates = new Map<string, Deviation>();
  private readonly done: Alert[] = [];
  private seq = 0;

  constructor(private readonly s: { baseline: BaselineSettings; limits: LimitSettings }, private readonly maxAlerts: number) {
    const learned = s.baseline.learned;
    this.learning = learned === null;
    this.profiles = learned?.hosts ?? {};
  }

  add(f: PacketFacts, d: Dissection): void {
    const c = this.s.baseline;
    if (!c.enabled || f.src === undefined || f.dst === undefined || Number.isNaN(f.ts)) return;
    if (Number.isNaN(this.start)) this.start = f.ts;
    if (this.learning && f.ts - this.start > c.warmupSec) this.finishLearning(f.ts);
    // service and rate deviations count frames with one IP header (what singleIp selects); a tunnel is a protocol deviation
    let ipLayers = 0;
    for (const l of d.tree) if (l.name === 'ip' || l.name === 'ipv6') ipLayers++;
    const single = ipLayers === 1;
    const host = f.src;
    const proto = f.nIpProtos > 0 ? String(f.ipProtos[0]) : '';
    const served = f.transport === 'tcp' && (f.tcpFlags & SYN_ACK) === SYN_ACK ? `tcp/${f.srcPort}` : null;
    if (this.learning) {
      if (isGroupAddress(host)) return;
      let p = this.profiles[host];
      if (p === undefined) {
        if (Object.keys(this.profiles).length >= c.maxHosts) return;
        p = this.profiles[host] = { services: [], protocols: [], peakPacketsPerSec: 0 };
      }
      if (served !== null && single && !p.services.includes(served) && p.services.length < MAX_SERVICES) p.services.push(served);
      if (proto && !p.protocols.includes(proto) && p.protocols.length < MAX_PROTOCOLS) p.protocols.push(proto);
      if (single) p.peakPacketsPerSec = Math.max(p.peakPacketsPerSec, this.countSecond(host, f.ts));
      return;
    }
    const p = this.profiles[host];
    if (p === undefined) return;
    if (proto && !p.protocols.includes(proto)) this.note(host, 'protocol', proto, f);
    if (!single) return;
    if (served !== null && !p.services.includes(served)) this.note(host, 'service', served, f);
    this.rate(host, p, f);
  }

  /** Packets the host sent in the second of `ts`, this one included. */
  private countSecond(host: string, ts: number): number {
    const sec = Math.floor(ts);
    let e = this.secCount.get(host);
    if (e === undefined || e.sec !== sec) {
      if (e === undefined) { if (this.secCount.size >= this.s.baseline.maxHosts * 4) this.secCount.clear(); e = { sec, n: 0 }; this.secCount.set(host, e); }
      e.sec = sec; e.n = 0;
    }
    return ++e.n;
  }

  private finishLearning(ts: number): void {
    this.learning = false;
    this.secCount.clear();
    // kept in the settings: a saved session carries it, `insights --settings` can reuse it
    this.s.baseline.learned = { fromTs: this.start, toTs: ts, hosts: this.profiles };
  }

  private note(host: string, what: 'service' | 'protocol', value: string, f: PacketFacts): void {
    const key = `${host}|${what}|${value}`;
    let dv = this.deviations.get(key);
    if (dv === undefined) {
      if (this.deviations.size >= 4096) return;
      dv = this.newDeviation(key, host, what, value, f);
    }
    dv.packets++;
    dv.bytes += f.len;
    dv.lastTs = f.ts;
    dv.lastFrame = f.frame;
  }

  private newDeviation(key: string, host: string, what: Deviation['what'], value: string, f: PacketFacts): Deviation {
    const dv: Deviation = {
      id: `baseline-deviation:${key}:${++this.seq}`, host, what, value, firstTs: f.ts, lastTs: f.ts, firstFrame: f.frame, lastFrame: f.frame,
      packets: 0, bytes: 0, seconds: 0, peak: 0, sec: -1, secPackets: 0, secFirstFrame: 0, secFirstTs: 0, secLastFrame: 0, secBytes: 0, open: true,
    };
    this.deviations.set(key, dv);
    return dv;
  }

  /** Rate: the host's packets per second against rateFactor × its learned peak; consecutive seconds above form one deviation. */
  private rate(host: string, p: HostProfile, f: PacketFacts): void {
    let dv = this.rates.get(host);
    if (dv === undefined) {
      if (this.deviations.size >= 4096) return;
      dv = this.newDeviation(`${host}|rate|`, host, 'rate', '', f);
      this.rates.set(host, dv);
      dv.open = false;
    }
    const sec = Math.floor(f.ts);
    if (dv.sec !== sec) {
      this.closeSecond(dv, p);
      dv.sec = sec; dv.secPackets = 0; dv.secBytes = 0; dv.secFirstFrame = f.frame; dv.secFirstTs = f.ts;
    }
    dv.secPackets++;
    dv.secBytes += f.len;
    dv.secLastFrame = f.frame;
  }

  private limit(p: HostProfile): number {
    return Math.max(this.s.baseline.minRate, this.s.baseline.rateFactor * p.peakPacketsPerSec);
  }

  private closeSecond(dv: Deviation, p: HostProfile): void {
    if (dv.sec < 0) return;
    const over = dv.secPackets > this.limit(p);
    if (over && (dv.seconds === 0 || dv.lastTs >= dv.sec - 1)) {
      if (dv.seconds === 0) { dv.firstFrame = dv.secFirstFrame; dv.firstTs = dv.secFirstTs; dv.packets = 0; dv.bytes = 0; }
      dv.seconds++;
      dv.packets += dv.secPackets;
      dv.bytes += dv.secBytes;
      dv.peak = Math.max(dv.peak, dv.secPackets);
      dv.lastFrame = dv.secLastFrame;
      dv.lastTs = dv.sec;
      dv.open = true;
    } else if (dv.seconds > 0) {
      // the episode is over: keep it, and count afresh
      if (this.done.length < this.maxAlerts) this.done.push(this.toAlert(dv));
      dv.seconds = 0;
      dv.open = false;
      dv.id = `baseline-deviation:${dv.host}|rate|:${++this.seq}`;
      if (over) this.closeSecond(dv, p);
    }
  }

  flush(): void {
    if (this.learning && !Number.isNaN(this.start)) this.finishLearning(this.start + this.s.baseline.warmupSec);
    for (const dv of this.deviations.values()) if (dv.what === 'rate') { const p = this.profiles[dv.host]; if (p) { this.closeSecond(dv, p); dv.sec = -1; } }
  }

  alerts(): Alert[] {
    const live: Alert[] = [];
    for (const dv of this.deviations.values()) if (dv.open && dv.seconds !== 0 || (dv.what !== 'rate' && dv.packets > 0)) live.push(this.toAlert(dv));
    return this.done.concat(live);
  }

  private toAlert(dv: Deviation): Alert {
    const c = this.s.baseline;
    const p = this.profiles[dv.host];
    const learnedFor = this.s.baseline.learned ? `${Math.round(this.s.baseline.learned.toTs - this.s.baseline.learned.fromTs)} s` : `${c.warmupSec} s`;
    const v6 = dv.host.includes(':');
    let title: string, detail: string, filter: string, threshold: Alert['thresholds'][number];
    if (dv.what === 'service') {
      const port = dv.value.slice(4);
      title = `${dv.host} answers on ${dv.value}, which it did not serve while learning`;
      detail = `${dv.host} accepted connections on ${dv.value} (${dv.packets} SYN-ACKs); during the ${learnedFor} of learning it served ${p?.services.join(', ') || 'nothing'}`;
      filter = `${addrEq('src', dv.host)} && ${singleIp(dv.host)} && tcp.srcport == ${port} && tcp.flags.syn == 1 && tcp.flags.ack == 1`;
      threshold = { metric: `connections accepted on ${dv.value}`, observed: dv.packets, threshold: 0, setting: 'baseline.learned' };
    } else if (dv.what === 'protocol') {
      title = `${dv.host} sends IP protocol ${dv.value}, which it did not send while learning`;
      detail = `${dv.packets} packets of IP protocol ${dv.value} from ${dv.host}; during the ${learnedFor} of learning it sent ${p?.protocols.join(', ') || 'nothing'}`;
      // the outer header's protocol: a tunnel's inner packets are the point here
      filter = `${addrEq('src', dv.host)} && ${v6 ? 'ipv6.nxt' : 'ip.proto'} == ${dv.value}`;
      threshold = { metric: `packets of IP protocol ${dv.value}`, observed: dv.packets, threshold: 0, setting: 'baseline.learned' };
    } else {
      const lim = p ? this.limit(p) : c.minRate;
      title = `${dv.host} sends ${dv.peak} packets/s, ${p && p.peakPacketsPerSec ? `${(dv.peak / p.peakPacketsPerSec).toFixed(0)}× its learned peak` : 'far above its learned peak'}`;
      detail = `${dv.host} sent ${dv.packets} packets in ${dv.seconds} s (peak ${dv.peak}/s); its peak during the ${learnedFor} of learning was ${p?.peakPacketsPerSec ?? 0}/s`;
      filter = `${addrEq('src', dv.host)} && ${singleIp(dv.host)}`;
      threshold = { metric: `packets/s from ${dv.host}`, observed: dv.peak, threshold: lim, baseline: { median: p?.peakPacketsPerSec ?? 0, mad: 0, windowSec: c.warmupSec }, setting: 'baseline.rateFactor' };
    }
    return {
      id: dv.id,
      kind: 'baseline-deviation',
      severity: grade('info', { magnitude: dv.what === 'rate' ? dv.peak >= 10 * this.limit(p ?? { services: [], protocols: [], peakPacketsPerSec: 0 }) : dv.packets >= 100, persistence: dv.lastTs - dv.firstTs >= 60, harm: false }),
      title, detail,
      firstTs: dv.firstTs, lastTs: dv.lastTs, firstFrame: dv.firstFrame, lastFrame: dv.lastFrame,
      endpoints: [{ role: 'source', address: dv.host, packets: dv.packets }],
      metrics: { what: dv.what, value: dv.value, packets: dv.packets, ...(dv.what === 'rate' ? { seconds: dv.seconds, peakPerSec: dv.peak, learnedPeakPerSec: p?.peakPacketsPerSec ?? 0 } : {}) },
      thresholds: [threshold],
      filter: `${filter} && ${frameRange(dv.firstFrame, dv.lastFrame)}`,
      packets: dv.packets,
      bytes: dv.bytes,
      ongoing: dv.what === 'rate' && dv.open,
    };
  }
}
