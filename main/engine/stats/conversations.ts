// Wireshark's Statistics › Conversations and Endpoints: per address pair (or
// address:port pair) packets and bytes in each direction, start and
// duration; per address packets and bytes sent and received. "A" is the side
// that sent the first packet, as in tshark -z conv. Tables are capped; what
// does not fit is counted in `overflow`.
import { ensureGeo, type PacketFacts } from '../insights/facts';
import type { ConversationRow, EndpointRow } from '../../api/insights';
export type { ConvType, EndpointType, ConversationRow, EndpointRow } from '../../api/insights';

/** A conversation's row (opaque outside this module). */
export type ConvRow = Conv;

interface Conv extends ConversationRow {
  /** first and last packet time; a typed array, so the per-packet store allocates no number (duration is derived in all()) */
  times: Float64Array;
  /** the A side's key, to tell directions apart */
  srcKey: string | number;
}

/**
 * Keyed by (lower address, higher address, ports): nested Maps with the
 * address objects as keys, so a packet costs three lookups and no string
 * building. Addresses are strings (IP) or 48-bit numbers (MAC).
 */
export class ConversationTable<A extends string | number = string> {
  private readonly rows = new Map<A, Map<A, Map<number, Conv>>>();
  size = 0;
  overflow = 0;
  constructor(private readonly cap: number, private readonly text: (a: A) => string = String) {}

  // one-entry cache: consecutive packets mostly belong to the same conversation
  private lastSrc: A | undefined;
  private lastDst: A | undefined;
  private lastSport: number | undefined;
  private lastDport: number | undefined;
  private last: Conv | undefined;

  add(f: PacketFacts, src: A, dst: A, sport: number | undefined, dport: number | undefined, t0: number): void {
    let c = this.last;
    if (!(c !== undefined && ((src === this.lastSrc && dst === this.lastDst && sport === this.lastSport && dport === this.lastDport) ||
      (src === this.lastDst && dst === this.lastSrc && sport === this.lastDport && dport === this.lastSport)))) {
      c = this.lookup(f, src, dst, sport, dport, t0);
      if (!c) return;
      this.last = c; this.lastSrc = src; this.lastDst = dst; this.lastSport = sport; this.lastDport = dport;
    }
    this.count(c, f, c.srcKey === src && c.portA === sport, t0);
  }

  /**
   * The row of a packet's conversation, created if new; undefined when the
   * table is full (counted in `overflow`). Rows are never removed, so callers
   * may keep the row (the shared flow cache does) and count() into it.
   */
  row(f: PacketFacts, src: A, dst: A, sport: number | undefined, dport: number | undefined, t0: number): ConvRow | undefined {
    return this.lookup(f, src, dst, sport, dport, t0);
  }

  /**
   * Counts a packet into its conversation's row; `forward` when it comes from
   * the A side (c.srcKey, c.portA). The caller compares: passing a MAC (a
   * 48-bit double) down as an argument would box it, per packet.
   */
  count(c: ConvRow, f: PacketFacts, forward: boolean, t0: number): void {
    if (forward) { c.packetsAtoB++; c.bytesAtoB += f.len; } else { c.packetsBtoA++; c.bytesBtoA += f.len; }
    c.packets++;
    c.bytes += f.len;
    if (!Number.isNaN(f.ts)) {
      const t = c.times;
      if (Number.isNaN(t[0])) { t[0] = f.ts; c.relStart = f.ts - t0; }
      t[1] = f.ts;
    }
  }

  private lookup(f: PacketFacts, src: A, dst: A, sport: number | undefined, dport: number | undefined, t0: number): Conv | undefined {
    const fwd = src < dst || (src === dst && (sport ?? 0) <= (dport ?? 0));
    const k1 = fwd ? src : dst, k2 = fwd ? dst : src;
    const pk = fwd ? (sport ?? 0) * 65536 + (dport ?? 0) : (dport ?? 0) * 65536 + (sport ?? 0);
    let m1 = this.rows.get(k1);
    if (!m1) { m1 = new Map(); this.rows.set(k1, m1); }
    let m2 = m1.get(k2);
    if (!m2) { m2 = new Map(); m1.set(k2, m2); }
    let c = m2.get(pk);
    if (!c) {
      if (this.size >= this.cap) { this.overflow++; return undefined; }
      ensureGeo(f);
      c = {
        a: this.text(src), b: this.text(dst), portA: sport, portB: dport, packetsAtoB: 0, bytesAtoB: 0, packetsBtoA: 0, bytesBtoA: 0, packets: 0, bytes: 0,
        relStart: Number.isNaN(f.ts) ? 0 : f.ts - t0, duration: 0, times: Float64Array.of(f.ts, f.ts),
        countryA: f.srcCountry, countryB: f.dstCountry, asnA: f.srcAsn, asnB: f.dstAsn, srcKey: src,
      };
      m2.set(pk, c);
      this.size++;
    }
    return c;
  }

  private all(): Conv[] {
    const all: Conv[] = [];
    for (const m1 of this.rows.values()) {
      for (const m2 of m1.values()) {
        for (const c of m2.values()) {
          c.duration = Number.isNaN(c.times[0]) ? 0 : c.times[1] - c.times[0];
          all.push(c);
        }
      }
    }
    return all;
  }

  /**
   * Endpoints, summed from the conversations (every packet is in exactly one
   * conversation, so this equals counting per packet, at no per-packet cost).
   */
  endpoints(limit: number): EndpointRow[] {
    const eps = new Map<string, EndpointRow>();
    const side = (c: Conv, addr: string, txP: number, txB: number, rxP: number, rxB: number, country?: string, asn?: number) => {
      let e = eps.get(addr);
      if (!e) eps.set(addr, (e = { address: addr, packets: 0, bytes: 0, txPackets: 0, txBytes: 0, rxPackets: 0, rxBytes: 0, relStart: c.relStart, duration: c.duration }));
      const end = Math.max(e.relStart + e.duration, c.relStart + c.duration);
      e.relStart = Math.min(e.relStart, c.relStart);
      e.duration = end - e.relStart;
      e.txPackets += txP; e.txBytes += txB; e.rxPackets += rxP; e.rxBytes += rxB;
      e.packets += txP + rxP; e.bytes += txB + rxB;
      if (country && !e.country) e.country = country;
      if (asn !== undefined && e.asn === undefined) e.asn = asn;
    };
    for (const c of this.all()) {
      side(c, c.a, c.packetsAtoB, c.bytesAtoB, c.packetsBtoA, c.bytesBtoA, c.countryA, c.asnA);
      // a host talking to itself gets both sides, as tshark counts it
      side(c, c.b, c.packetsBtoA, c.bytesBtoA, c.packetsAtoB, c.bytesAtoB, c.countryB, c.asnB);
    }
    return [...eps.values()].sort((x, y) => y.bytes - x.bytes || (x.address < y.address ? -1 : 1)).slice(0, limit)
      .map((e) => ({ ...e, relStart: round(e.relStart), duration: round(e.duration) }));
  }

  table(limit: number): ConversationRow[] {
    return this.all()
      .sort((x, y) => y.bytes - x.bytes || x.relStart - y.relStart)
      .slice(0, limit)
      .map((c) => {
        const row: ConversationRow = {
          a: c.a, b: c.b, packetsAtoB: c.packetsAtoB, bytesAtoB: c.bytesAtoB, packetsBtoA: c.packetsBtoA, bytesBtoA: c.bytesBtoA,
          packets: c.packets, bytes: c.bytes, relStart: round(c.relStart), duration: round(c.duration),
        };
        if (c.portA !== undefined) { row.portA = c.portA; row.portB = c.portB; }
        if (c.countryA !== undefined) row.countryA = c.countryA;
        if (c.countryB !== undefined) row.countryB = c.countryB;
        if (c.asnA !== undefined) row.asnA = c.asnA;
        if (c.asnB !== undefined) row.asnB = c.asnB;
        return row;
      });
  }
}

const round = (n: number): number => Math.round(n * 1e6) / 1e6;
