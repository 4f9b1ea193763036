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
import type { DetectorDef } from '../detector';
import type { PacketFacts } from '../facts';
import { CappedSet } from '../sketch';
import { PerSecondFloodDetector, type Flood, type FloodTarget } from '../flood';
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

interface UdpFlood extends Flood {
  replies: number;
  ports: CappedSet<number>;
}

interface Target extends FloodTarget<UdpFlood> {
  /** datagrams the target sent back in the second being counted */
  replies: number;
  ports: Set<number>;
}

export class UdpFloodDetector extends PerSecondFloodDetector<UdpFlood, Target> {
  private readonly dg: Datagram = { sport: 0, dport: 0, bytes: 0 };

  constructor(private readonly s: UdpFloodSettings, maxAlerts: number) {
    super('udp-flood', maxAlerts);
  }

  protected get enabled(): boolean { return this.s.enabled; }
  protected get minSeconds(): number { return this.s.minSeconds; }

  protected count(f: PacketFacts, d: Dissection): void {
    if (f.dst === undefined || f.src === undefined || (f.transport !== 'udp' && !(f.transport === undefined && f.nIpProtos > 0 && f.ipProtos[0] === 17))) return;
    const g = datagramOf(f, d, this.dg);
    if (g === null) return;
    // the target's own datagrams this second are its answers
    const back = this.targets.get(f.src);
    if (back !== undefined && back.n > 0) back.replies++;
    if (isGroupAddress(f.dst)) return;
    const t = this.hit(f, f.dst, f.src, g.bytes);
    if (t.ports.size < 1024) t.ports.add(g.dport);
  }

  protected newTarget(): Pick<Target, 'replies' | 'ports'> { return { replies: 0, ports: new Set() }; }
  protected newFlood(): Pick<UdpFlood, 'replies' | 'ports'> { return { replies: 0, ports: new CappedSet(1024) }; }

  protected floods(t: Target): boolean {
    return t.n > this.s.minPerSec && t.replies < this.s.maxReplyShare * t.n;
  }

  protected extend(e: UdpFlood, t: Target): void {
    e.replies += t.replies;
    for (const p of t.ports) e.ports.add(p);
  }

  protected reset(t: Target): void {
    t.replies = 0;
    t.ports.clear();
  }

  protected toAlert(address: string, e: UdpFlood, ongoing: boolean): Alert {
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
