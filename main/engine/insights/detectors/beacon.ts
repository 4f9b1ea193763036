// Beaconing: a host checking in with one external destination (address and
// port) at a regular period — malware calling its command server. The
// events are new TCP connections (SYNs; a retransmitted SYN is the same
// attempt) and, over UDP, bursts: a datagram after at least `udpGapSec` of
// silence from that source to that destination and port (retries inside a
// burst are one check-in), so a C2 over UDP that needs no DNS is timed the
// same way. Per source, destination and port the last 32 event times are
// kept; once there are `minEvents`, the period is the median interval and
// the jitter its median absolute deviation over the median. Regular means a
// period of at least `minPeriodSec` and jitter at most `maxJitter` (C2
// frameworks add 10–20% jitter; people browsing are irregular).
//
// Left out: internal and group destinations (RFC 1918, link-local,
// multicast: mDNS, SSDP, LLMNR), `allowDestinations` (update servers,
// monitoring), and UDP to `udpIgnorePorts` — services periodic by design
// (NTP polling, DNS resolvers, DHCP, SNMP, syslog, STUN and VPN keepalives);
// DNS used as a channel is the DNS-tunnel detector's. A UDP track is
// judged from its initiator's side only: when the destination sent to this
// source's port first, these datagrams are answers, not check-ins.
import type { Alert } from '../alert';
import { SYN_ONLY, addrEq, frameRange, grade, singleIp } from '../alert';
import type { DetectorDef, LimitSettings, Span } from '../detector';
import { spanAdd } from '../detector';
import { WindowedDetector } from '../windowed';
import type { PacketFacts } from '../facts';
import { TCP } from '../facts';
import { medianMad } from '../sketch';
import { isExternalV4, isGroupAddress, isInternal } from '../addresses';
import { u32 } from '../../dissect/bytes';
import type { InsightsSettings } from '../../../api/insights';

export type BeaconSettings = InsightsSettings['beacon'];

export const beacon: DetectorDef<{ beacon: BeaconSettings }, 'beaconing'> = {
  id: 'beaconing',
  kinds: ['beaconing'],
  defaults: () => ({
    beacon: {
      enabled: true, minEvents: 8, minPeriodSec: 5, maxPeriodSec: 86_400, maxJitter: 0.2, allowDestinations: [],
      udp: true, udpGapSec: 1,
      // DNS, NTP, DHCP(v6), NetBIOS, SNMP, syslog, IKE/NAT-T, OpenVPN, STUN, SIP, mDNS/LLMNR/SSDP, WireGuard
      udpIgnorePorts: [53, 67, 68, 123, 137, 138, 161, 162, 500, 514, 546, 547, 1194, 1900, 3478, 4500, 5060, 5353, 5355, 19302, 51820],
    },
  }),
  create: ({ settings, maxAlerts }) => new BeaconDetector(settings, maxAlerts),
};

const RING = 32;
const SYN = TCP.SYN, ACK = TCP.ACK;

/** one tracked pair; its Span's packets are what the filter selects: SYN packets (retransmissions included), or every datagram of a UDP track */
interface Track extends Span {
  id: string | null;
  proto: 'tcp' | 'udp';
  src: string;
  dst: string;
  port: number;
  /** UDP: the source's port of the first datagram (to find the reverse track) */
  sport: number;
  times: Float64Array;
  n: number;
  lastSport: number;
  events: number;
  period: number;
  jitter: number;
}

/** Tracks are the windows: evicting one closes it, as for the other windowed detectors. */
export class BeaconDetector extends WindowedDetector<Track> {
  private readonly allow: Set<string>;
  private readonly udpIgnore: Set<number>;
  private readonly scratch = new Float64Array(RING);

  constructor(private readonly s: { beacon: BeaconSettings; limits: LimitSettings }, maxAlerts: number) {
    super(s.limits.maxSources * 4, maxAlerts);
    this.allow = new Set(s.beacon.allowDestinations);
    this.udpIgnore = new Set(s.beacon.udpIgnorePorts);
  }

  add(f: PacketFacts): void {
    const c = this.s.beacon;
    if (!c.enabled || f.src === undefined || f.dst === undefined || Number.isNaN(f.ts)) return;
    if (f.transport === 'tcp') {
      if ((f.tcpFlags & (SYN | ACK)) !== SYN) return;
    } else if (f.transport === 'udp') {
      if (!c.udp || this.udpIgnore.has(f.dstPort as number) || this.udpIgnore.has(f.srcPort as number)) return;
    } else return;
    // every datagram comes here: judge an IPv4 destination from its bytes, not its text
    if (f.ipVersion === 4 ? !isExternalV4(u32(f.d.packet.data, f.ipOff + 16)) : isInternal(f.dst) || isGroupAddress(f.dst)) return;
    if (this.allow.size !== 0 && this.allow.has(f.dst)) return;
    const udp = f.transport === 'udp';
    const port = f.dstPort as number;
    const key = `${udp ? 'u' : 't'}${f.src}>${f.dst}:${port}`;
    // a datagram inside a burst changes only counters: no reordering of the LRU for it
    let t = udp ? this.wins.get(key) : this.wins.touch(key);
    if (t !== undefined && udp && f.ts - t.lastTs >= c.udpGapSec) this.wins.touch(key);
    // a pause far longer than the longest period ends a beacon: start over
    if (t !== undefined && f.ts - t.lastTs > c.maxPeriodSec) { this.retire(t); t = undefined; }
    const fresh = t === undefined;
    if (t === undefined) {
      t = {
        id: null, proto: udp ? 'udp' : 'tcp', src: f.src, dst: f.dst, port, sport: f.srcPort as number, times: new Float64Array(RING), n: 0, lastSport: -1,
        firstTs: f.ts, lastTs: f.ts, firstFrame: f.frame, lastFrame: f.frame, packets: 0, bytes: 0, events: 0, period: 0, jitter: 0,
      };
      this.wins.set(key, t);
    }
    const gap = f.ts - t.lastTs;
    spanAdd(t, f);
    if (udp) {
      if (!fresh && gap < c.udpGapSec) return; // the same burst
    } else {
      if (f.srcPort === t.lastSport) return; // a retransmitted SYN: the same attempt
      t.lastSport = f.srcPort as number;
    }
    t.times[t.n % RING] = f.ts;
    t.n++;
    t.events++;
    if (t.n >= c.minEvents) this.judge(t);
  }

  /** A UDP track whose destination sent to this source's port before this track began: its datagrams answer the other side. */
  private answering(t: Track): boolean {
    const back = this.wins.get(`u${t.dst}>${t.src}:${t.sport}`);
    return back !== undefined && back.firstTs <= t.firstTs && back.firstFrame < t.firstFrame;
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
    if (regular && t.id === null && !(t.proto === 'udp' && this.answering(t))) t.id = `beaconing:${t.src}>${t.dst}:${t.port}/${t.proto}:${++this.seq}`;
  }

  protected toAlert(t: Track, ongoing: boolean): Alert {
    const c = this.s.beacon;
    const span = t.lastTs - t.firstTs;
    const udp = t.proto === 'udp';
    const what = udp ? 'bursts of datagrams' : 'connections';
    return {
      id: t.id as string,
      kind: 'beaconing',
      severity: grade('low', { magnitude: t.events >= 50, persistence: span >= 3600, harm: false }),
      title: `Beaconing from ${t.src} to ${t.dst}:${t.port}${udp ? '/udp' : ''} every ${t.period.toFixed(1)} s`,
      detail: `${t.src} ${udp ? `sent ${t.events} bursts (${t.packets} datagrams; a burst starts after ${c.udpGapSec} s of silence) to` : `opened ${t.events} connections to`} ${t.dst}:${t.port}${udp ? '/udp' : ''} over ${span.toFixed(0)} s: median interval ${t.period.toFixed(2)} s, ` +
        `jitter ${(t.jitter * 100).toFixed(1)}% (median absolute deviation / median, last ${Math.min(t.n, RING)} ${what})`,
      firstTs: t.firstTs, lastTs: t.lastTs, firstFrame: t.firstFrame, lastFrame: t.lastFrame,
      endpoints: [{ role: 'source', address: t.src, packets: t.packets }, { role: 'target', address: t.dst, port: t.port }],
      metrics: udp
        ? { transport: 'udp', bursts: t.events, datagrams: t.packets, periodSec: +t.period.toFixed(3), jitter: +t.jitter.toFixed(4), durationSec: +span.toFixed(3) }
        : { connections: t.events, periodSec: +t.period.toFixed(3), jitter: +t.jitter.toFixed(4), durationSec: +span.toFixed(3), synPackets: t.packets },
      thresholds: [
        { metric: `${what} to one destination`, observed: t.events, threshold: c.minEvents, setting: 'beacon.minEvents' },
        { metric: 'jitter (MAD / median interval)', observed: +t.jitter.toFixed(4), threshold: c.maxJitter, setting: 'beacon.maxJitter' },
      ],
      filter: udp
        ? `${addrEq('src', t.src)} && ${addrEq('dst', t.dst)} && udp.dstport == ${t.port} && ${singleIp(t.dst)} && ${frameRange(t.firstFrame, t.lastFrame)}`
        : `${addrEq('src', t.src)} && ${addrEq('dst', t.dst)} && tcp.dstport == ${t.port} && ${SYN_ONLY} && ${frameRange(t.firstFrame, t.lastFrame)}`,
      packets: t.packets,
      bytes: t.bytes,
      ongoing,
    };
  }
}
