// Reflection / amplification: a victim receiving UDP responses from the
// ports of services that answer a small request with a large reply (DNS,
// NTP, SSDP, memcached, CLDAP, chargen, SNMP, …) that it did not ask for, or
// far more response bytes than it sent request bytes. The attacker spoofs the
// victim's address in requests to many reflectors; the victim sees answers
// without questions (or, when the spoofed requests are captured too, an
// answer/question byte ratio no ordinary client has: ANY over DNS ~50×, NTP
// monlist ~500×, memcached ~10 000×).
//
// Per victim and service port, over a tumbling `windowSec` window: responses
// (UDP from the service port; for DNS only messages flagged as responses),
// how many had no request from the victim to that reflector (or to a group
// address on that port: SSDP's M-SEARCH goes to multicast) within the window,
// and bytes each way. An alert needs `minResponses` responses and either
// `minUnmatchedShare` of them unasked or a byte ratio of `minRatio`. A busy
// resolver, an SNMP walk or NTP sync ask for every answer at ratios of 1–4.
import type { Dissection } from '../../types';
import type { Alert } from '../alert';
import { addrEq, fmtBytes, frameRange, grade, singleIp } from '../alert';
import type { DetectorDef, LimitSettings } from '../detector';
import { WindowedDetector } from '../windowed';
import type { PacketFacts } from '../facts';
import { CappedSet, LruMap, TopK } from '../sketch';
import { isGroupAddress } from '../addresses';
import { datagramOf, type Datagram } from '../udp';
import type { InsightsSettings } from '../../../api/insights';

export type AmplificationSettings = InsightsSettings['amplification'];

export const reflection: DetectorDef<{ amplification: AmplificationSettings }, 'amplification'> = {
  id: 'amplification',
  kinds: ['amplification'],
  defaults: () => ({
    amplification: {
      enabled: true, windowSec: 10, minResponses: 100, minRatio: 5, minUnmatchedShare: 0.5, manyReflectors: 10, minMeanBytes: 300,
      // chargen, QOTD, DNS, portmap, NTP, NBNS, SNMP, CLDAP, SSDP, WS-Discovery, ARMS, memcached
      ports: [19, 17, 53, 111, 123, 137, 161, 389, 1900, 3702, 3283, 11211],
    },
  }),
  create: ({ settings, maxAlerts }) => new ReflectionDetector(settings, maxAlerts),
};

export const SERVICE_BY_PORT: Record<number, string> = {
  17: 'QOTD', 19: 'chargen', 53: 'DNS', 111: 'portmap', 123: 'NTP', 137: 'NBNS', 161: 'SNMP', 389: 'CLDAP', 1900: 'SSDP',
  3702: 'WS-Discovery', 3283: 'ARMS', 11211: 'memcached',
};

interface Win {
  id: string | null;
  victim: string;
  port: number;
  /** window opened (first request or response) */
  created: number;
  /** first counted response */
  start: number;
  lastTs: number;
  firstFrame: number;
  lastFrame: number;
  responses: number;
  responseBytes: number;
  unmatched: number;
  requests: number;
  requestBytes: number;
  reflectors: CappedSet<string>;
  top: TopK;
  peakPerSec: number;
  sec: number;
  secCount: number;
}

export class ReflectionDetector extends WindowedDetector<Win> {
  private readonly ports: Set<number>;
  /** requests seen: `client>server:port` (server '*' for group addresses) → time of the last one */
  private readonly asked: LruMap<string, number>;

  constructor(private readonly s: { amplification: AmplificationSettings; limits: LimitSettings }, maxAlerts: number) {
    super(s.limits.maxSources, maxAlerts);
    this.ports = new Set(s.amplification.ports);
    this.asked = new LruMap(s.limits.maxHandshakes);
  }

  private readonly dg: Datagram = { sport: 0, dport: 0, bytes: 0 };

  add(f: PacketFacts, d: Dissection): void {
    const c = this.s.amplification;
    // UDP, or a fragment that completed a UDP datagram (facts read no transport from fragments)
    if (!c.enabled || (f.transport !== 'udp' && !(f.transport === undefined && f.nIpProtos > 0 && f.ipProtos[0] === 17))) return;
    if (f.src === undefined || f.dst === undefined || Number.isNaN(f.ts)) return;
    const g = datagramOf(f, d, this.dg);
    if (g === null) return;
    const sp = g.sport, dp = g.dport, len = g.bytes;
    if (this.ports.has(dp) && !(dp === 53 && f.dnsResponse)) {
      // a request: remember whom the client asked, and count its bytes for the ratio
      this.asked.set(`${f.src}>${isGroupAddress(f.dst) ? '*' : f.dst}:${dp}`, f.ts);
      if (!isGroupAddress(f.src)) {
        const w = this.win(`${f.src}|${dp}`, f.src, dp, f.ts);
        w.requests++;
        w.requestBytes += len;
      }
    }
    if (!this.ports.has(sp) || (sp === 53 && !f.dnsResponse) || isGroupAddress(f.dst)) return;
    const w = this.win(`${f.dst}|${sp}`, f.dst, sp, f.ts);
    if (w.responses === 0) { w.start = f.ts; w.firstFrame = f.frame; }
    const t = this.asked.get(`${f.dst}>${f.src}:${sp}`) ?? this.asked.get(`${f.dst}>*:${sp}`);
    if (t === undefined || f.ts - t > c.windowSec) w.unmatched++;
    w.responses++;
    w.responseBytes += len;
    w.lastTs = f.ts;
    w.lastFrame = f.frame;
    w.reflectors.add(f.src);
    w.top.add(f.src);
    const sec = Math.floor(f.ts);
    if (sec !== w.sec) { w.sec = sec; w.secCount = 0; }
    w.peakPerSec = Math.max(w.peakPerSec, ++w.secCount);
    if (w.id === null && this.crossed(w)) w.id = `amplification:${w.victim}:${w.port}:${++this.seq}`;
  }

  /** The victim's current window on that port (a new one once the last ran out). */
  private win(key: string, victim: string, port: number, ts: number): Win {
    let w = this.wins.touch(key);
    if (w !== undefined && this.expired(w, ts)) { this.retire(w); this.wins.delete(key); w = undefined; }
    if (w === undefined) {
      w = {
        id: null, victim, port, created: ts, start: ts, lastTs: ts, firstFrame: 0, lastFrame: 0, responses: 0, responseBytes: 0,
        unmatched: 0, requests: 0, requestBytes: 0, reflectors: new CappedSet(1024), top: new TopK(32), peakPerSec: 0, sec: Math.floor(ts), secCount: 0,
      };
      this.wins.set(key, w);
    }
    return w;
  }

  private expired(w: Win, ts: number): boolean {
    const sec = this.s.amplification.windowSec;
    return w.id !== null ? ts - w.lastTs > sec : ts - w.created > sec;
  }

  /**
   * Enough responses, and either the victim's own requests are seen and
   * dwarfed (the ratio), or most responses answer nothing it asked and they
   * are amplified (large on average) or come from many reflectors. The last
   * clause keeps a one-direction capture (XDP sees ingress) of a busy client
   * and its one resolver quiet: small answers from one server.
   */
  private crossed(w: Win): boolean {
    const c = this.s.amplification;
    if (w.responses < c.minResponses) return false;
    if (w.requestBytes > 0 && w.responseBytes >= c.minRatio * w.requestBytes) return true;
    return w.unmatched >= c.minUnmatchedShare * w.responses && (w.responseBytes / w.responses >= c.minMeanBytes || w.reflectors.size >= c.manyReflectors);
  }

  protected toAlert(w: Win, ongoing: boolean): Alert {
    const c = this.s.amplification;
    const svc = SERVICE_BY_PORT[w.port] ?? `UDP port ${w.port}`;
    const secs = Math.max(w.lastTs - w.start, 0);
    const ratio = w.requestBytes > 0 ? w.responseBytes / w.requestBytes : Infinity;
    const unmatchedShare = w.unmatched / w.responses;
    const top = w.top.top(5);
    const many = w.reflectors.size >= c.manyReflectors;
    const ratioText = Number.isFinite(ratio) ? `${ratio.toFixed(1)}×` : 'no request bytes at all';
    return {
      id: w.id as string,
      kind: 'amplification',
      // it is a named attack; many reflectors and sustained or huge volume make it worse, and unasked answers are the harm
      severity: grade('low', { magnitude: w.responses >= 10 * c.minResponses || many, persistence: secs >= 10 * c.windowSec, harm: unmatchedShare >= c.minUnmatchedShare }),
      title: `${svc} reflection/amplification flood against ${w.victim} (${w.reflectors.label()} reflector${w.reflectors.size === 1 ? '' : 's'})`,
      detail: [
        `${w.victim} received ${w.responses} ${svc} responses (${fmtBytes(w.responseBytes)}) from port ${w.port} of ${w.reflectors.label()} reflectors in ${secs.toFixed(1)} s, peak ${w.peakPerSec}/s`,
        `${w.unmatched} (${Math.round(unmatchedShare * 100)}%) answered no request of ${w.victim}`,
        `it sent ${w.requests} requests (${fmtBytes(w.requestBytes)}) to that port: response/request bytes ${ratioText}`,
        ...(top.length ? [`top reflectors ${top.map((x) => `${x.key} (${x.count})`).join(', ')}`] : []),
      ].join('; '),
      firstTs: w.start, lastTs: w.lastTs, firstFrame: w.firstFrame, lastFrame: w.lastFrame,
      endpoints: [{ role: 'target', address: w.victim, packets: w.responses }, ...top.map((x) => ({ role: 'source' as const, address: x.key, port: w.port, packets: x.count }))],
      metrics: {
        service: svc, port: w.port, responses: w.responses, responseBytes: w.responseBytes, unmatchedResponses: w.unmatched, unmatchedShare: +unmatchedShare.toFixed(3),
        requests: w.requests, requestBytes: w.requestBytes, byteRatio: Number.isFinite(ratio) ? +ratio.toFixed(2) : 'inf',
        reflectors: w.reflectors.size, peakPerSec: w.peakPerSec, durationSec: +secs.toFixed(3),
      },
      thresholds: [
        { metric: `${svc} responses to ${w.victim} in ${c.windowSec} s`, observed: w.responses, threshold: c.minResponses, setting: 'amplification.minResponses' },
        unmatchedShare >= c.minUnmatchedShare
          ? { metric: 'share of responses without a request', observed: +unmatchedShare.toFixed(3), threshold: c.minUnmatchedShare, setting: 'amplification.minUnmatchedShare' }
          : { metric: 'response/request bytes', observed: +ratio.toFixed(2), threshold: c.minRatio, setting: 'amplification.minRatio' },
      ],
      // udp.srcport is on unfragmented datagrams and on the fragment that completed one: what was counted
      filter: `${addrEq('dst', w.victim)} && ${singleIp(w.victim)} && udp.srcport == ${w.port}` +
        `${w.port === 53 ? ' && dns.flags.response == 1' : ''} && ${frameRange(w.firstFrame, w.lastFrame)}`,
      packets: w.responses,
      bytes: w.responseBytes,
      ongoing,
    };
  }
}
