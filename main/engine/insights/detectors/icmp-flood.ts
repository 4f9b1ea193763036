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
import type { DetectorDef } from '../detector';
import type { PacketFacts } from '../facts';
import { PerSecondFloodDetector, type Flood, type FloodTarget } from '../flood';
import type { InsightsSettings } from '../../../api/insights';

/** this detector's settings section (its shape is the API's) */
export type IcmpFloodSettings = InsightsSettings['icmpFlood'];

export const icmpFlood: DetectorDef<{ icmpFlood: IcmpFloodSettings }, 'icmp-flood'> = {
  id: 'icmp-flood',
  kinds: ['icmp-flood'],
  defaults: () => ({ icmpFlood: { enabled: true, minPerSec: 100, manySources: 10 } }),
  create: ({ settings, maxAlerts }) => new IcmpFloodDetector(settings.icmpFlood, maxAlerts),
};

const ECHO_REQUEST = 8, ECHO_REQUEST_V6 = 128;

export class IcmpFloodDetector extends PerSecondFloodDetector<Flood, FloodTarget<Flood>> {
  constructor(private readonly s: IcmpFloodSettings, maxAlerts: number) {
    super('icmp-flood', maxAlerts);
  }

  protected get enabled(): boolean { return this.s.enabled; }
  protected get minSeconds(): number { return 1; }

  protected count(f: PacketFacts, d: Dissection): void {
    // TCP and UDP frames cannot carry an echo request under a single IP header: skip them before reading fields
    if (f.transport !== undefined || f.dst === undefined || f.src === undefined) return;
    if (isSingleHeaderEchoRequest(d, f.ipVersion)) this.hit(f, f.dst, f.src, f.len);
  }

  protected newTarget(): Record<string, never> { return {}; }
  protected newFlood(): Record<string, never> { return {}; }
  protected floods(t: FloodTarget<Flood>): boolean { return t.n > this.s.minPerSec; }
  protected extend(): void {}
  protected reset(): void {}

  protected toAlert(address: string, e: Flood, ongoing: boolean): Alert {
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
