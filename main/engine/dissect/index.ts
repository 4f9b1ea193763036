// The dissection engine's entry point: one stateful Dissector per capture
// (TCP streams and reassembly, IP fragments, first/previous timestamps).
//
//   const dis = new Dissector();            // default GeoIP database, enrichment on
//   const d = dis.dissect(rawPacket);       // d.fields, d.tree, d.summary, d.expert
//
// Packets must be given in capture order. The summary (Info column text) is
// built on first access, and labels only by `labelOf()` / `withLabels()`, so
// bulk work (filters, -T fields) pays for neither.
import type { Dissection, ExpertInfo, Field, PacketSummary, RawPacket } from '../types';
import { ADDR_ETHER, ADDR_IPV4, ADDR_IPV6, Ctx } from './context';
import { dissectFrame, type Clock } from './frame';
import { dissectLink } from './link';
import { State } from './state';
import { etherToString, ipv4ToString, ipv6ToString } from './addr';
import { enrichPacket, type EnrichOptions } from '../enrich';
import type { GeoIp } from '../enrich/geoip';

export interface DissectorOptions {
  /**
   * GeoIP database for ip.geoip.* fields: undefined → the bundled default
   * (or $XDPSCOPE_GEOIP), null → no GeoIP fields.
   */
  geoip?: GeoIp | null;
  /** add xdpscope's own enrichment fields (UA family, service); default true */
  enrich?: boolean;
}

class PacketDissection implements Dissection {
  private _summary: PacketSummary | null = null;
  constructor(
    readonly packet: RawPacket,
    readonly tree: Field[],
    readonly fields: Field[],
    readonly expert: ExpertInfo[],
    readonly malformed: boolean,
    private readonly ctx: Ctx,
    private readonly time: number,
  ) {}

  get summary(): PacketSummary {
    if (this._summary) return this._summary;
    const c = this.ctx;
    const info = typeof c.info === 'function' ? c.info() : c.info;
    this._summary = {
      number: this.packet.number,
      time: this.time,
      source: addrText(c.srcKind, c.src),
      destination: addrText(c.dstKind, c.dst),
      protocol: c.protocol || (c.protocols[c.protocols.length - 1] ?? '').toUpperCase(),
      length: this.packet.origLen,
      info: c.malformed && !info.includes('Malformed') ? `${info} [Malformed Packet]` : info,
    };
    return this._summary;
  }
}

function addrText(kind: number, v: unknown): string {
  if (kind === ADDR_IPV4) return ipv4ToString(v as number);
  if (kind === ADDR_IPV6) return ipv6ToString(v as Uint8Array);
  if (kind === ADDR_ETHER) return etherToString(v as Uint8Array);
  return '';
}

export class Dissector {
  private readonly state = new State();
  private readonly clock: Clock = { first: null, prev: null };
  private readonly enrich: EnrichOptions | null;

  constructor(opts: DissectorOptions = {}) {
    this.enrich = opts.enrich === false ? null : { geoip: opts.geoip };
  }

  dissect(pkt: RawPacket): Dissection {
    const ctx = new Ctx(pkt);
    const protos = dissectFrame(ctx, this.clock);
    try {
      dissectLink(ctx, this.state);
    } catch (e) {
      // a dissector bug must not take the capture down: report it on the packet
      ctx.malformedAt('frame', `dissector failure: ${(e as Error).message}`);
    }
    if (this.enrich) enrichPacket(ctx, this.enrich);
    let p = '';
    const list = ctx.protocols;
    for (let i = 1; i < list.length; i++) p += i === 1 ? list[i] : ':' + list[i];
    protos.value = p;
    const time = pkt.tsNs !== null && this.clock.first !== null ? Number(pkt.tsNs - this.clock.first) / 1e9 : 0;
    return new PacketDissection(pkt, ctx.tree, ctx.fields, ctx.expert, ctx.malformed, ctx, time);
  }
}

export { labelOf, withLabels } from './labels';
export { formatValue } from './format';
