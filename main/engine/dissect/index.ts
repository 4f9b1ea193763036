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
import { Ctx } from './context';
import { dissectFrame, type Clock } from './frame';
import { dissectLink } from './link';
import { State } from './state';
import { etherToString, ipv4ToString, ipv6ToString } from './addr';
import { enrichPacket, type EnrichOptions } from '../enrich';
import type { GeoIp } from '../enrich/geoip';

// local copies: a call across modules goes through CommonJS export getters (hot path)
const ADDR_ETHER = 1;
const ADDR_IPV4 = 2;
const ADDR_IPV6 = 3;

export interface DissectorOptions {
  /**
   * GeoIP database for ip.geoip.* fields: undefined → the bundled default
   * (or $XDPSCOPE_GEOIP), null → no GeoIP fields.
   */
  geoip?: GeoIp | null;
  /** add xdpscope's own enrichment fields (GeoIP, UA family, service); default true */
  enrich?: boolean;
  /**
   * Fast path for bulk work (filters, -T fields): create only these fields
   * (protocol layers are always there, so frame.protocols and filters like
   * `tcp` work). Enrichment runs only when one of its fields is asked for.
   */
  fields?: Iterable<string>;
}

/** Fields enrichment reads, added to a field subset when enrichment is wanted. */
const ENRICH_INPUTS = ['ip', 'ipv6', 'http', 'tcp.stream', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'tls.handshake.extensions_server_name', 'http.host', 'http.user_agent', 'dns.qry.name'];
const isEnrichField = (n: string): boolean =>
  n.startsWith('ip.geoip') || n.startsWith('ipv6.geoip') || n.startsWith('xdpscope') || n === 'http.user_agent.family';

class PacketDissection implements Dissection {
  private _summary: PacketSummary | null = null;
  constructor(
    readonly packet: RawPacket,
    readonly tree: Field[],
    readonly fields: Field[],
    readonly expert: ExpertInfo[],
    readonly malformed: boolean,
    private readonly ctx: Ctx,
    private readonly first: bigint | null,
  ) {}

  get summary(): PacketSummary {
    if (this._summary) return this._summary;
    const c = this.ctx;
    const info = typeof c.info === 'function' ? c.info() : c.info;
    this._summary = {
      number: this.packet.number,
      time: this.packet.tsNs !== null && this.first !== null ? Number(this.packet.tsNs - this.first) / 1e9 : 0,
      source: addrText(c.srcKind, c.src, this.packet.data),
      destination: addrText(c.dstKind, c.dst, this.packet.data),
      protocol: c.protocol || (c.protocols[c.protocols.length - 1] ?? '').toUpperCase(),
      length: this.packet.origLen,
      info: c.malformed && !info.includes('Malformed') ? `${info} ${this.packet.capLen < this.packet.origLen ? '[Packet size limited during capture]' : '[Malformed Packet]'}` : info,
    };
    return this._summary;
  }
}

function addrText(kind: number, v: unknown, frame: Uint8Array): string {
  if (kind === ADDR_IPV4) return ipv4ToString(v as number);
  if (kind === ADDR_IPV6) return ipv6ToString(v as Uint8Array);
  if (kind === ADDR_ETHER) return etherToString(typeof v === 'number' ? frame.subarray(v, v + 6) : (v as Uint8Array));
  return '';
}

export class Dissector {
  private readonly state = new State();
  private readonly clock: Clock = { first: null, prev: null };
  private readonly enrich: EnrichOptions | null;
  private readonly want: Set<string> | null;
  private readonly groups = new Map<string, boolean>();

  constructor(opts: DissectorOptions = {}) {
    let enrich = opts.enrich !== false;
    if (opts.fields) {
      this.want = new Set(opts.fields);
      if (enrich && [...this.want].some(isEnrichField)) for (const f of ENRICH_INPUTS) this.want.add(f);
      else enrich = false;
    } else this.want = null;
    this.enrich = enrich ? { geoip: opts.geoip, streams: new Map() } : null;
  }

  dissect(pkt: RawPacket): Dissection {
    const ctx = new Ctx(pkt, this.want, this.groups);
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
    return new PacketDissection(pkt, ctx.tree, ctx.fields, ctx.expert, ctx.malformed, ctx, this.clock.first);
  }
}

export { labelOf, withLabels } from './labels';
export { formatValue } from './format';
