// Wireshark's Statistics › Conversations and Endpoints: per address pair (or
// address:port pair) packets and bytes in each direction, start and
// duration; per address packets and bytes sent and received. "A" is the side
// that sent the first packet, as in tshark -z conv. Tables are capped; what
// does not fit is counted in `overflow`.
import type { PacketFacts } from '../insights/facts';

export type ConvType = 'eth' | 'ipv4' | 'ipv6' | 'tcp' | 'udp';
export type EndpointType = 'eth' | 'ipv4' | 'ipv6';

export interface ConversationRow {
  a: string;
  b: string;
  portA?: number;
  portB?: number;
  packetsAtoB: number;
  bytesAtoB: number;
  packetsBtoA: number;
  bytesBtoA: number;
  packets: number;
  bytes: number;
  /** seconds since the capture's first packet */
  relStart: number;
  duration: number;
  countryA?: string;
  countryB?: string;
  asnA?: number;
  asnB?: number;
}

export interface EndpointRow {
  address: string;
  packets: number;
  bytes: number;
  txPackets: number;
  txBytes: number;
  rxPackets: number;
  rxBytes: number;
  country?: string;
  asn?: number;
}

interface Conv extends ConversationRow {
  firstTs: number;
  lastTs: number;
}

export class ConversationTable {
  readonly rows = new Map<string, Conv>();
  overflow = 0;
  constructor(private readonly cap: number) {}

  add(f: PacketFacts, src: string, dst: string, sport: number | undefined, dport: number | undefined, t0: number): void {
    const ka = sport === undefined ? src : `${src}:${sport}`;
    const kb = dport === undefined ? dst : `${dst}:${dport}`;
    const key = ka < kb ? `${ka} ${kb}` : `${kb} ${ka}`;
    let c = this.rows.get(key);
    if (!c) {
      if (this.rows.size >= this.cap) { this.overflow++; return; }
      c = {
        a: src, b: dst, portA: sport, portB: dport, packetsAtoB: 0, bytesAtoB: 0, packetsBtoA: 0, bytesBtoA: 0, packets: 0, bytes: 0,
        relStart: Number.isNaN(f.ts) ? 0 : f.ts - t0, duration: 0, firstTs: f.ts, lastTs: f.ts,
      };
      this.rows.set(key, c);
    }
    const forward = c.a === src && c.portA === sport;
    if (forward) { c.packetsAtoB++; c.bytesAtoB += f.len; } else { c.packetsBtoA++; c.bytesBtoA += f.len; }
    c.packets++;
    c.bytes += f.len;
    if (!Number.isNaN(f.ts)) {
      if (Number.isNaN(c.firstTs)) { c.firstTs = f.ts; c.relStart = f.ts - t0; }
      c.lastTs = f.ts;
      c.duration = c.lastTs - c.firstTs;
    }
    if (forward) { c.countryA ??= f.srcCountry; c.countryB ??= f.dstCountry; c.asnA ??= f.srcAsn; c.asnB ??= f.dstAsn; }
    else { c.countryA ??= f.dstCountry; c.countryB ??= f.srcCountry; c.asnA ??= f.dstAsn; c.asnB ??= f.srcAsn; }
  }

  table(limit: number): ConversationRow[] {
    return [...this.rows.values()]
      .sort((x, y) => y.bytes - x.bytes || x.relStart - y.relStart)
      .slice(0, limit)
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      .map(({ firstTs, lastTs, ...row }) => ({ ...row, relStart: round(row.relStart), duration: round(row.duration) }));
  }
}

export class EndpointTable {
  readonly rows = new Map<string, EndpointRow>();
  overflow = 0;
  constructor(private readonly cap: number) {}

  add(address: string, tx: boolean, len: number, country: string | undefined, asn: number | undefined): void {
    let e = this.rows.get(address);
    if (!e) {
      if (this.rows.size >= this.cap) { this.overflow++; return; }
      e = { address, packets: 0, bytes: 0, txPackets: 0, txBytes: 0, rxPackets: 0, rxBytes: 0 };
      this.rows.set(address, e);
    }
    e.packets++;
    e.bytes += len;
    if (tx) { e.txPackets++; e.txBytes += len; } else { e.rxPackets++; e.rxBytes += len; }
    if (country && !e.country) e.country = country;
    if (asn !== undefined && e.asn === undefined) e.asn = asn;
  }

  table(limit: number): EndpointRow[] {
    return [...this.rows.values()].sort((x, y) => y.bytes - x.bytes || (x.address < y.address ? -1 : 1)).slice(0, limit).map((r) => ({ ...r }));
  }
}

const round = (n: number): number => Math.round(n * 1e6) / 1e6;
