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
import './protocols';
import { Ctx } from './context';
import { dissectFrame, type Clock } from './frame';
import { dissectProc } from './proc';
import { dissectLink } from './link';
import { State, type TlsTap } from './state';
import { type TlsKeyLog, tlsKeylogPreference } from './keylog';
import { DecodeAs } from './decode-as';
import { addExpertFields } from './expert';
import { etherToString, ipv4ToString, ipv6ToString } from './addr';
import { enrichPacket, type EnrichOptions } from '../enrich';
import type { GeoIp } from '../enrich/geoip';
import { protocolItemInputs } from './labels';
import { macResolved } from '../enrich/manuf';
import * as context from './context';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { ADDR_ETHER, ADDR_IPV4, ADDR_IPV6, ADDR_TEXT } = context;


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
  /**
   * Bulk output: each Dissection (its fields, tree and summary) is valid
   * only until the next dissect() call, which recycles its objects.
   */
  reuse?: boolean;
  /**
   * Field-subset mode: build the summary (Info text) all the same — for
   * `-T text`, which prints summaries and needs no fields beyond the filter's.
   */
  summaries?: boolean;
  /** TLS secrets (Wireshark's tls.keylog_file): protected records are decrypted and their plaintext dissected; default the preference (setTlsKeylogPreference) */
  tlsKeys?: TlsKeyLog | null;
  /** Decode As rules in tshark's -d syntax (`tcp.port==8888,http`): overrides of the port tables */
  decodeAs?: readonly string[];
  /** Follow TLS Stream: called with each decrypted application-data record */
  onTlsPlaintext?: TlsTap;
}

/** Fields enrichment reads, added to a field subset when enrichment is wanted. */
const ENRICH_INPUTS = ['ip', 'ipv6', 'http', 'tcp.stream', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'tls.handshake.extensions_server_name', 'http.host', 'http.user_agent', 'dns.qry.name', 'http2', 'http2.headers.authority', 'http2.headers.user_agent', 'http3', 'http3.headers.authority', 'http3.headers.user_agent'];
const isEnrichField = (n: string): boolean =>
  n.startsWith('ip.geoip') || n.startsWith('ipv6.geoip') || n.startsWith('xdpscope') || n === 'http.user_agent.family';

interface ProtoNode { text: string; next: Map<string, ProtoNode> }
const MAX_PROTO_NODES = 4096;

class PacketDissection implements Dissection {
  private _summary: PacketSummary | null = null;
  constructor(
    public packet: RawPacket,
    public tree: Field[],
    public fields: Field[],
    public expert: ExpertInfo[],
    public malformed: boolean,
    private ctx: Ctx,
    private first: bigint | null,
  ) {}

  /** Reuse mode: the same object describes the next packet. */
  renew(packet: RawPacket, ctx: Ctx, first: bigint | null): this {
    this.packet = packet; this.tree = ctx.tree; this.fields = ctx.fields; this.expert = ctx.expert;
    this.malformed = ctx.malformed; this.ctx = ctx; this.first = first; this._summary = null;
    return this;
  }

  get firstTsNs(): bigint | null { return this.first; }

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
      info: (c.short || (c.malformed && c.expert.some(markedInInfo))) && !info.includes('Malformed') ? malformedInfo(info, c.thrown, this.packet.capLen < this.packet.origLen) : info,
    };
    return this._summary;
  }
}

/**
 * tshark appends its exception text to Info: a cut capture always ends in a
 * BoundsError, whose "[Packet size limited during capture]" is glued on
 * without a space; "[Malformed Packet]" follows a space unless a dissector threw.
 */
/** An exception's malformed mark (error severity) shows in Info; a malformed-group warning (flagMalformed) does not. */
const markedInInfo = (e: ExpertInfo): boolean => e.group === 'malformed' && e.severity === 'error';

function malformedInfo(info: string, thrown: boolean, cut: boolean): string {
  if (cut) return `${info}[Packet size limited during capture]`;
  return `${info}${info && !thrown ? ' ' : ''}[Malformed Packet]`;
}

/** The Source/Destination column text: tshark resolves Ethernet addresses to manuf names there by default. */
function addrText(kind: number, v: unknown, frame: Uint8Array): string {
  if (kind === ADDR_IPV4) return ipv4ToString(v as number);
  if (kind === ADDR_IPV6) return ipv6ToString(v as Uint8Array);
  if (kind === ADDR_ETHER) {
    const a = typeof v === 'number' ? frame.subarray(v, v + 6) : (v as Uint8Array);
    return macResolved(a, etherToString(a));
  }
  if (kind === ADDR_TEXT) return v as string;
  return '';
}

export class Dissector {
  private readonly state = new State();
  private readonly clock: Clock = { first: null, prev: null, shown: null };
  /** set by a caller that applies a display filter and reports each packet it shows (shown()) */
  private showsOnRequest = false;
  private readonly enrich: EnrichOptions | null;
  /** field-subset mode: wanted name → its slot (FieldNode.slot) */
  private readonly want: Map<string, number> | null;
  private readonly groups = new Map<string, boolean>();
  private readonly reuse: boolean;
  private readonly summaries: boolean;
  private ctx: Ctx | null = null;
  private last: PacketDissection | null = null;

  constructor(opts: DissectorOptions = {}) {
    // (throws on a bad rule: callers check the user's text with parseDecodeAs first)
    if (opts.decodeAs && opts.decodeAs.length > 0) this.state.decodeAs = DecodeAs.parse(opts.decodeAs);
    let enrich = opts.enrich !== false;
    if (opts.fields) {
      const want = new Set(opts.fields);
      // protocol items (-e ip) print lines built from some of their fields (ip.src, ip.dst): those are decoded too
      // (for the caller's names: enrichment's inputs below name layers only to find them)
      const items = protocolItemInputs(want);
      if (enrich && [...want].some(isEnrichField)) for (const f of ENRICH_INPUTS) want.add(f);
      else enrich = false;
      for (const f of items) want.add(f);
      this.want = new Map([...want].map((n, i) => [n, i]));
    } else this.want = null;
    this.enrich = enrich ? { geoip: opts.geoip, streams: new Map() } : null;
    this.reuse = opts.reuse === true;
    this.state.tlsKeys = opts.tlsKeys !== undefined ? opts.tlsKeys : tlsKeylogPreference();
    this.state.tlsTap = opts.onTlsPlaintext ?? null;
    this.summaries = this.want === null || opts.summaries === true;
  }

  /**
   * The TLS secrets this dissector decrypts with (null: none). A capture's
   * own secrets may appear after its first packets (a Decryption Secrets
   * Block later in the file): they join the pass then.
   */
  get tlsKeys(): TlsKeyLog | null { return this.state.tlsKeys; }
  set tlsKeys(k: TlsKeyLog | null) { this.state.tlsKeys = k; }

  /** Field-subset mode: the wanted names, indexed by the slot their fields carry (FieldNode.slot); null otherwise. */
  wantedNames(): string[] | null {
    return this.want === null ? null : [...this.want.keys()];
  }

  /** frame.protocols texts by layer path (a trie): the same few stacks repeat, so each text is built (and flattened by its first reader) once */
  private readonly protoTrie: ProtoNode = { text: '', next: new Map() };
  private protoNodes = 0;

  /** the previous packet's layer list and text: consecutive packets often share their stack */
  private readonly lastList: string[] = [];
  private lastText = '';

  private protocolsText(list: string[]): string {
    const last = this.lastList;
    if (list.length === last.length) {
      let same = true;
      for (let i = 1; i < list.length; i++) if (list[i] !== last[i]) { same = false; break; }
      if (same) return this.lastText;
    }
    const text = this.walkProtocols(list);
    last.length = list.length;
    for (let i = 0; i < list.length; i++) last[i] = list[i];
    this.lastText = text;
    return text;
  }

  private walkProtocols(list: string[]): string {
    let node = this.protoTrie;
    for (let i = 1; i < list.length; i++) {
      let next = node.next.get(list[i]);
      if (next === undefined) {
        if (this.protoNodes >= MAX_PROTO_NODES) {
          let p = node.text;
          for (let j = i; j < list.length; j++) p += j === 1 ? list[j] : ':' + list[j];
          return p;
        }
        const text = i === 1 ? list[i] : node.text + ':' + list[i];
        next = { text, next: new Map() };
        node.next.set(list[i], next);
        this.protoNodes++;
      }
      node = next;
    }
    return node.text;
  }

  /**
   * Parallel output: the packet about to be dissected follows packets
   * another thread decoded, so the times behind frame.time_relative (the
   * capture's first arrival) and frame.time_delta (the previous packet's)
   * come from the thread that saw them all.
   */
  /**
   * With a display filter: only packets passed to shown() count as
   * displayed for frame.time_delta_displayed (without one, every packet is).
   */
  filtering(): this {
    this.showsOnRequest = true;
    return this;
  }

  /** The caller displays this packet (after filtering()). */
  shown(pkt: RawPacket): void {
    if (pkt.tsNs !== null) this.clock.shown = pkt.tsNs;
  }

  setClock(first: bigint | null, prev: bigint | null): void {
    this.clock.first = first;
    this.clock.prev = prev;
  }

  dissect(pkt: RawPacket): Dissection {
    let ctx: Ctx;
    if (!this.reuse) { ctx = new Ctx(pkt, this.want, this.groups); ctx.summary = this.summaries; }
    else if (this.ctx === null) { ctx = this.ctx = new Ctx(pkt, this.want, this.groups).reusable(); ctx.summary = this.summaries; }
    else { ctx = this.ctx; ctx.reset(pkt); }
    const protos = dissectFrame(ctx, this.clock);
    if (!this.showsOnRequest && pkt.tsNs !== null) this.clock.shown = pkt.tsNs;
    try {
      dissectLink(ctx, this.state);
    } catch (e) {
      // a dissector bug must not take the capture down: report it on the packet
      ctx.malformedAt('frame', `dissector failure: ${(e as Error).message}`);
    }
    if (ctx.expert.length !== 0) addExpertFields(ctx);
    if (this.enrich) enrichPacket(ctx, this.enrich);
    dissectProc(ctx);
    protos.value = this.protocolsText(ctx.protocols);
    if (this.reuse) return this.last === null ? (this.last = new PacketDissection(pkt, ctx.tree, ctx.fields, ctx.expert, ctx.malformed, ctx, this.clock.first)) : this.last.renew(pkt, ctx, this.clock.first);
    return new PacketDissection(pkt, ctx.tree, ctx.fields, ctx.expert, ctx.malformed, ctx, this.clock.first);
  }
}

export { labelOf, withLabels } from './labels';
export { TlsKeyLog } from './keylog';
export { formatValue } from './format';
