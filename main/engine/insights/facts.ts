// The few facts the detectors and statistics need from one dissected packet.
// Link, network and transport headers (addresses, EtherTypes, IP protocols,
// ports, TCP flags, payload offset) are read from the packet bytes at the
// offsets of the one header walker (dissect/headers.ts): walking ~80 fields
// per packet would cost more than all the detectors together.
// Application fields (TLS SNI, HTTP, DNS) are read from the dissection's
// fields, only for packets that have those layers; GeoIP fields on demand
// (ensureGeo), when a new endpoint or source needs its country.
import type { Dissection, Field, FieldValue } from '../types';
import { emptyHeaders, walkHeaders, type HeaderOffsets } from '../dissect/headers';
import { u16, u32 } from '../dissect/bytes';
// one address notation for the packet list and the insights (IPv4-mapped IPv6 dotted, as Wireshark)
import { HEX2, ipv4ToString, ipv6ToString } from '../dissect/addr';

/** The frame's header offsets (dissect/headers.ts) and what the detectors read from them and from the dissection. */
export interface PacketFacts extends HeaderOffsets {
  d: Dissection;
  frame: number;
  /** seconds since the Unix epoch (fractional); NaN when the record has no timestamp */
  ts: number;
  /** bytes on the wire (frame.len) */
  len: number;
  /** MAC addresses as 48-bit numbers (NaN when the frame has no Ethernet header) */
  ethSrc: number;
  ethDst: number;
  src?: string;
  dst?: string;
  transport?: 'tcp' | 'udp';
  srcPort?: number;
  dstPort?: number;
  /** TCP flag bits (tcp.flags), 0 when not TCP */
  tcpFlags: number;
  /** offset and length of the TCP/UDP payload in the frame's bytes */
  payloadStart: number;
  payloadLen: number;
  sni?: string;
  httpHost?: string;
  /** http.host exactly as sent (for filters, which compare case-sensitively) */
  httpHostRaw?: string;
  httpRequest: boolean;
  httpUserAgentFamily?: string;
  httpUserAgent?: string;
  httpStatus?: number;
  dnsResponse: boolean;
  dnsQueryName?: string;
  /** resolved addresses in a DNS response (dns.a, dns.aaaa) */
  dnsAnswers?: string[];
  /** the packet's flow (address pair, and port pair for TCP/UDP) in the shared flow cache; null without an IP layer */
  flow: Flow | null;
  /** whether the packet goes from the flow's a side to its b side */
  flowFwd: boolean;
  /** filled by ensureGeo() */
  geoDone: boolean;
  srcCountry?: string;
  dstCountry?: string;
  srcAsn?: number;
  dstAsn?: number;
}

/**
 * One entry of the shared flow cache: what consumers looked up for this
 * address/port pair, so the next packet of the flow (either direction) skips
 * their Map lookups. A cache, not state: entries are replaced when another
 * flow hashes to the same slot, so everything here can be looked up again.
 */
export interface Flow {
  /** the pair, in a canonical order (lower address key first) */
  aKey: number;
  bKey: number;
  aPort: number;
  bPort: number;
  /** 6, 17, or 0 (address pair only) */
  proto: number;
  aText: string;
  bText: string;
  /** statistics: the conversation rows (IP pair, TCP/UDP pair) and the Ethernet pair's, with the MACs it is for */
  ipConv: unknown;
  l4Conv: unknown;
  ethConv: unknown;
  ethA: number;
  ethB: number;
  /** whether a packet from ethA is the Ethernet conversation's A→B direction */
  ethFwdA: boolean;
  /** traffic spikes: per-direction cache of the source's counters (see SpikeDetector) */
  spikeAB: unknown;
  spikeBA: unknown;
}

const FLOW_SLOTS = 1 << 14;

/** frame.protocols of a dissection, e.g. 'eth:ethertype:ip:tcp' (the layer names when the field is absent). */
export function frameProtocols(d: Dissection): string {
  const frame = d.tree[0];
  if (frame?.name === 'frame' && frame.children) {
    for (const c of frame.children) if (c.name === 'frame.protocols' && typeof c.value === 'string') return c.value;
  }
  return d.tree.map((l) => l.name).join(':');
}

export const TCP = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

function addr(v: FieldValue): string | undefined {
  if (typeof v === 'number') return ipv4ToString(v);
  if (v instanceof Uint8Array) return v.length === 16 ? ipv6ToString(v) : v.length === 4 ? ipv4ToString(((v[0] << 24) | (v[1] << 16) | (v[2] << 8) | v[3]) >>> 0) : undefined;
  if (typeof v === 'string') return v;
  return undefined;
}

const num = (v: FieldValue): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'string' ? Number(v) : NaN);
const flag = (v: FieldValue): boolean => v === true || v === 1 || v === '1' || v === 'True';

const APP_CODES = new Map<string, number>([
  ['tls.handshake.extensions_server_name', 1], ['http.host', 2], ['http.request', 3], ['http.request.method', 3],
  ['http.user_agent', 4], ['http.user_agent.family', 5], ['http.response.code', 6], ['dns.flags.response', 7],
  ['dns.qry.name', 8], ['dns.a', 9], ['dns.aaaa', 9],
]);
const APP_LAYERS = new Set(['tls', 'http', 'dns', 'mdns', 'llmnr']);
const GEO_CODES = new Map<string, number>([
  ['ip.geoip.src_country_iso', 1], ['ipv6.geoip.src_country_iso', 1], ['ip.geoip.dst_country_iso', 2], ['ipv6.geoip.dst_country_iso', 2],
  ['ip.geoip.src_asnum', 3], ['ipv6.geoip.src_asnum', 3], ['ip.geoip.dst_asnum', 4], ['ipv6.geoip.dst_asnum', 4],
]);

/** GeoIP country and AS number of both ends, from the enrichment fields (once per packet, on demand). */
export function ensureGeo(f: PacketFacts): void {
  if (f.geoDone) return;
  f.geoDone = true;
  for (const fl of f.d.fields) {
    const c = GEO_CODES.get(fl.name);
    if (c === undefined) continue;
    const v = fl.value;
    if (c === 1 && typeof v === 'string') f.srcCountry ??= v;
    else if (c === 2 && typeof v === 'string') f.dstCountry ??= v;
    else if (c === 3) f.srcAsn ??= num(v);
    else if (c === 4) f.dstAsn ??= num(v);
  }
}


interface V6Entry { w0: number; w1: number; w2: number; w3: number; text: string }
const V6_CACHE = 65536;
const V4_SLOTS = 65536;

/** Reads packets into PacketFacts; keeps a bounded cache of address strings (the same string object for the same address keeps Map lookups downstream cheap). */
export class FactsExtractor {
  // IPv4 address text, direct-mapped by address (typed-array keys: a Map keyed by an address above 2^30 allocates a number per lookup)
  private readonly v4Keys = new Int32Array(V4_SLOTS);
  private readonly v4Text: Array<string | undefined> = new Array<string | undefined>(V4_SLOTS).fill(undefined);

  private v4str(a: number): string {
    const k = a | 0;
    const slot = (Math.imul(k, 0x9e3779b1) >>> 16) & (V4_SLOTS - 1);
    const t = this.v4Text[slot];
    if (t !== undefined && this.v4Keys[slot] === k) return t;
    const s = ipv4ToString(a);
    this.v4Keys[slot] = k;
    this.v4Text[slot] = s;
    return s;
  }

  /** IPv6 address text by a hash of its four words (checked against the words: a collision just replaces the entry) */
  private readonly v6 = new Map<number, V6Entry>();
  /** hash of the last address v6str() saw */
  private v6hash = 0;

  private v6str(b: Uint8Array, o: number): string {
    const w0 = ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) | 0;
    const w1 = ((b[o + 4] << 24) | (b[o + 5] << 16) | (b[o + 6] << 8) | b[o + 7]) | 0;
    const w2 = ((b[o + 8] << 24) | (b[o + 9] << 16) | (b[o + 10] << 8) | b[o + 11]) | 0;
    const w3 = ((b[o + 12] << 24) | (b[o + 13] << 16) | (b[o + 14] << 8) | b[o + 15]) | 0;
    const h = (Math.imul(w0 ^ Math.imul(w1, 0x9e3779b1) ^ Math.imul(w2, 0x85ebca77) ^ Math.imul(w3, 0xc2b2ae3d), 0x27d4eb2f) >>> 2);
    this.v6hash = h;
    let e = this.v6.get(h);
    if (e === undefined || e.w0 !== w0 || e.w1 !== w1 || e.w2 !== w2 || e.w3 !== w3) {
      if (e === undefined && this.v6.size >= V6_CACHE) this.v6.clear();
      e = { w0, w1, w2, w3, text: ipv6ToString(b.subarray(o, o + 16)) };
      this.v6.set(h, e);
    }
    return e.text;
  }

  /** One facts object, reset for each packet: valid until the next extract() (consumers copy what they keep). */
  private readonly f: PacketFacts = {
    ...emptyHeaders(), d: null as unknown as Dissection, frame: 0, ts: NaN, len: 0,
    ethSrc: NaN, ethDst: NaN, src: undefined, dst: undefined,
    transport: undefined, srcPort: undefined, dstPort: undefined, tcpFlags: 0, payloadStart: 0, payloadLen: 0,
    sni: undefined, httpHost: undefined, httpHostRaw: undefined, httpRequest: false, httpUserAgentFamily: undefined,
    httpUserAgent: undefined, httpStatus: undefined, dnsResponse: false, dnsQueryName: undefined, dnsAnswers: undefined,
    flow: null, flowFwd: true, geoDone: false, srcCountry: undefined, dstCountry: undefined, srcAsn: undefined, dstAsn: undefined,
  };

  /** direct-mapped flow cache (see Flow) */
  private readonly flows: Array<Flow | undefined> = new Array<Flow | undefined>(FLOW_SLOTS).fill(undefined);
  /** numeric keys of the outer addresses: the IPv4 address itself, or the IPv6 address's hash */
  private srcKey = 0;
  private dstKey = 0;

  private flow(f: PacketFacts): Flow {
    const sk = this.srcKey, dk = this.dstKey;
    const sp = f.srcPort ?? 0, dp = f.dstPort ?? 0;
    const proto = f.transport === 'tcp' ? 6 : f.transport === 'udp' ? 17 : 0;
    const fwd = sk < dk || (sk === dk && sp <= dp);
    const ak = fwd ? sk : dk, bk = fwd ? dk : sk, ap = fwd ? sp : dp, bp = fwd ? dp : sp;
    const at = (fwd ? f.src : f.dst) as string, bt = (fwd ? f.dst : f.src) as string;
    let h = Math.imul(ak ^ Math.imul(bk, 0x9e3779b1), 0x85ebca77) ^ Math.imul((ap << 16) ^ bp ^ (proto << 8), 0xc2b2ae3d);
    h ^= h >>> 15;
    const slot = h & (FLOW_SLOTS - 1);
    f.flowFwd = fwd;
    let fl = this.flows[slot];
    if (fl !== undefined && fl.aKey === ak && fl.bKey === bk && fl.aPort === ap && fl.bPort === bp && fl.proto === proto && fl.aText === at && fl.bText === bt) return fl;
    if (fl === undefined) {
      fl = { aKey: ak, bKey: bk, aPort: ap, bPort: bp, proto, aText: at, bText: bt, ipConv: undefined, l4Conv: undefined, ethConv: undefined, ethA: NaN, ethB: NaN, ethFwdA: true, spikeAB: undefined, spikeBA: undefined };
      this.flows[slot] = fl;
    } else {
      // reused in place: nothing outside holds on to a Flow beyond its packet
      fl.aKey = ak; fl.bKey = bk; fl.aPort = ap; fl.bPort = bp; fl.proto = proto; fl.aText = at; fl.bText = bt;
      fl.ipConv = undefined; fl.l4Conv = undefined; fl.ethConv = undefined; fl.ethA = NaN; fl.ethB = NaN; fl.spikeAB = undefined; fl.spikeBA = undefined;
    }
    return fl;
  }

  extract(d: Dissection): PacketFacts {
    const p = d.packet;
    const f = this.f;
    f.d = d; f.frame = p.number; f.ts = p.tsNs === null ? NaN : Number(p.tsNs) / 1e9; f.len = p.origLen;
    f.ethSrc = NaN; f.ethDst = NaN; f.src = undefined; f.dst = undefined;
    f.transport = undefined; f.srcPort = undefined; f.dstPort = undefined;
    f.tcpFlags = 0; f.payloadStart = 0; f.payloadLen = 0; f.sni = undefined; f.httpHost = undefined; f.httpHostRaw = undefined;
    f.httpRequest = false; f.httpUserAgentFamily = undefined; f.httpUserAgent = undefined; f.httpStatus = undefined;
    f.dnsResponse = false; f.dnsQueryName = undefined; f.dnsAnswers = undefined; f.geoDone = false;
    f.srcCountry = undefined; f.dstCountry = undefined; f.srcAsn = undefined; f.dstAsn = undefined;
    this.headers(f, p.data, p.linkType);
    f.flow = f.ipVersion !== 0 ? this.flow(f) : null;
    const tree = d.tree;
    for (let i = 1; i < tree.length; i++) {
      if (APP_LAYERS.has(tree[i].name)) { this.application(f, d.fields, tree[i]); break; }
    }
    return f;
  }

  /** Application fields: those after the first application layer's own node (fields are in tree order). */
  private application(f: PacketFacts, fields: Field[], layer: Field): void {
    let start = fields.length - 1;
    while (start > 0 && fields[start] !== layer) start--;
    for (let i = start; i < fields.length; i++) {
      const fl = fields[i];
      const code = APP_CODES.get(fl.name);
      if (code === undefined) continue;
      const v = fl.value;
      switch (code) {
        case 1: if (f.sni === undefined && typeof v === 'string') f.sni = v.toLowerCase(); break;
        case 2: if (f.httpHost === undefined && typeof v === 'string') { f.httpHostRaw = v; f.httpHost = v.toLowerCase().replace(/:\d+$/, ''); } break;
        case 3: f.httpRequest = true; break;
        case 4: if (typeof v === 'string') f.httpUserAgent = v; break;
        case 5: if (typeof v === 'string') f.httpUserAgentFamily = v; break;
        case 6: if (f.httpStatus === undefined) f.httpStatus = num(v); break;
        case 7: if (flag(v)) f.dnsResponse = true; break;
        case 8: if (f.dnsQueryName === undefined && typeof v === 'string') f.dnsQueryName = v.toLowerCase(); break;
        case 9: { const a = addr(v); if (a) (f.dnsAnswers ??= []).push(a); break; }
      }
    }
  }

  /** Addresses, ports, TCP flags and the payload, at the header walker's offsets. */
  private headers(f: PacketFacts, b: Uint8Array, linkType: number): void {
    walkHeaders(b, linkType, f);
    if (f.ethOff >= 0) { f.ethDst = mac48(b, f.ethOff); f.ethSrc = mac48(b, f.ethOff + 6); }
    const ip = f.ipOff;
    if (f.ipVersion === 4) {
      const sa = u32(b, ip + 12);
      const da = u32(b, ip + 16);
      f.src = this.v4str(sa);
      f.dst = this.v4str(da);
      this.srcKey = sa;
      this.dstKey = da;
    } else if (f.ipVersion === 6) {
      f.src = this.v6str(b, ip + 8);
      this.srcKey = this.v6hash;
      f.dst = this.v6str(b, ip + 24);
      this.dstKey = this.v6hash;
    }
    const off = f.l4Off, end = f.l4End;
    if (f.l4Proto === 6) {
      const hl = (b[off + 12] >> 4) * 4;
      f.transport = 'tcp';
      f.srcPort = u16(b, off);
      f.dstPort = u16(b, off + 2);
      f.tcpFlags = ((b[off + 12] & 1) << 8) | b[off + 13];
      f.payloadStart = off + hl;
      f.payloadLen = Math.max(0, end - off - hl);
    } else if (f.l4Proto === 17) {
      f.transport = 'udp';
      f.srcPort = u16(b, off);
      f.dstPort = u16(b, off + 2);
      const ulen = u16(b, off + 4);
      f.payloadStart = off + 8;
      f.payloadLen = Math.max(0, Math.min(end, ulen >= 8 ? off + ulen : end) - off - 8);
    }
  }
}

function mac48(b: Uint8Array, o: number): number {
  return (b[o] * 0x10000 + ((b[o + 1] << 8) | b[o + 2])) * 0x1000000 + ((b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5]);
}

export function mac48ToString(v: number): string {
  const hi = Math.floor(v / 0x1000000), lo = v % 0x1000000;
  return `${HEX2[hi >>> 16]}:${HEX2[(hi >>> 8) & 255]}:${HEX2[hi & 255]}:${HEX2[lo >>> 16]}:${HEX2[(lo >>> 8) & 255]}:${HEX2[lo & 255]}`;
}

/** Facts of one packet, in a fresh object (the engine reuses one per extractor instead). */
export function packetFacts(d: Dissection): PacketFacts {
  const f = new FactsExtractor().extract(d);
  return {
    ...f, etherTypes: f.etherTypes.slice(0, f.nEtherTypes), etherTypeFields: f.etherTypeFields.slice(0, f.nEtherTypes),
    ipProtos: f.ipProtos.slice(0, f.nIpProtos), ipProtoFields: f.ipProtoFields.slice(0, f.nIpProtos),
  };
}
