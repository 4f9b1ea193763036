// The few facts the detectors and statistics need from one dissected packet,
// read in a single pass over its flattened fields. Field names are
// Wireshark's; where the same field occurs twice (tunnels, ICMP errors
// quoting a header) the first occurrence is the outer one and wins, except
// for the lists (every EtherType / IP protocol the frame carries).
import type { Dissection, FieldValue } from '../types';

export interface PacketFacts {
  frame: number;
  /** seconds since the Unix epoch (fractional); NaN when the record has no timestamp */
  ts: number;
  /** bytes on the wire (frame.len) */
  len: number;
  ethSrc?: string;
  ethDst?: string;
  /** every EtherType in the frame (eth.type, vlan.etype, sll.etype) with the field that carried it */
  etherTypes: Array<[field: string, value: number]>;
  /** 4 or 6 when the frame has an IP layer */
  ipVersion: 0 | 4 | 6;
  src?: string;
  dst?: string;
  /** every IP protocol number in the frame (ip.proto, ipv6.nxt) with its field */
  ipProtos: Array<[field: string, value: number]>;
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
  srcCountry?: string;
  dstCountry?: string;
  srcAsn?: number;
  dstAsn?: number;
  /** frame.protocols, e.g. 'eth:ethertype:ip:tcp' */
  protocols: string;
}

export const TCP = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

export function ipv4ToString(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** RFC 5952 text form (lowercase, longest zero run compressed). */
export function ipv6ToString(b: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i] << 8) | b[i + 1]);
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function macToString(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (i ? ':' : '') + (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

function addr(v: FieldValue): string | undefined {
  if (typeof v === 'number') return ipv4ToString(v);
  if (v instanceof Uint8Array) return v.length === 16 ? ipv6ToString(v) : v.length === 4 ? ipv4ToString(((v[0] << 24) | (v[1] << 16) | (v[2] << 8) | v[3]) >>> 0) : undefined;
  if (typeof v === 'string') return v;
  return undefined;
}

const num = (v: FieldValue): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'string' ? Number(v) : NaN);
const flag = (v: FieldValue): boolean => v === true || v === 1 || v === '1' || v === 'True';

export function packetFacts(d: Dissection): PacketFacts {
  const p = d.packet;
  const f: PacketFacts = {
    frame: p.number,
    ts: p.tsNs === null ? NaN : Number(p.tsNs) / 1e9,
    len: p.origLen,
    etherTypes: [],
    ipVersion: 0,
    ipProtos: [],
    tcpFlags: 0,
    payloadStart: 0,
    payloadLen: 0,
    httpRequest: false,
    dnsResponse: false,
    protocols: '',
  };
  let tcpStart = -1, tcpHdrLen = -1, tcpLen = -1, flagBits = -1, singleFlags = 0, udpStart = -1, udpLen = -1;
  let inTcp = false, inUdp = false;
  for (const fl of d.fields) {
    const v = fl.value;
    switch (fl.name) {
      case 'frame.protocols': if (typeof v === 'string') f.protocols = v; break;
      case 'eth.src': if (f.ethSrc === undefined && v instanceof Uint8Array) f.ethSrc = macToString(v); break;
      case 'eth.dst': if (f.ethDst === undefined && v instanceof Uint8Array) f.ethDst = macToString(v); break;
      case 'eth.type': case 'vlan.etype': case 'sll.etype':
        if (typeof v === 'number') f.etherTypes.push([fl.name, v]);
        break;
      case 'ip.src': if (!f.ipVersion) { f.src = addr(v); } break;
      case 'ip.dst': if (!f.ipVersion) { f.dst = addr(v); f.ipVersion = 4; } break;
      case 'ipv6.src': if (!f.ipVersion) { f.src = addr(v); } break;
      case 'ipv6.dst': if (!f.ipVersion) { f.dst = addr(v); f.ipVersion = 6; } break;
      case 'ip.proto': case 'ipv6.nxt': if (typeof v === 'number') f.ipProtos.push([fl.name, v]); break;
      case 'tcp':
        if (!f.transport) { f.transport = 'tcp'; tcpStart = fl.start; inTcp = true; inUdp = false; }
        else inTcp = false;
        break;
      case 'udp':
        if (!f.transport) { f.transport = 'udp'; udpStart = fl.start; inUdp = true; inTcp = false; }
        else inUdp = false;
        break;
      case 'tcp.srcport': if (inTcp && f.srcPort === undefined) f.srcPort = num(v); break;
      case 'tcp.dstport': if (inTcp && f.dstPort === undefined) f.dstPort = num(v); break;
      case 'udp.srcport': if (inUdp && f.srcPort === undefined) f.srcPort = num(v); break;
      case 'udp.dstport': if (inUdp && f.dstPort === undefined) f.dstPort = num(v); break;
      case 'udp.length': if (inUdp && udpLen < 0) udpLen = num(v); break;
      case 'tcp.hdr_len': if (inTcp && tcpHdrLen < 0) tcpHdrLen = num(v); break;
      case 'tcp.len': if (inTcp && tcpLen < 0) tcpLen = num(v); break;
      case 'tcp.flags': if (inTcp && flagBits < 0 && typeof v !== 'boolean') flagBits = num(v); break;
      case 'tcp.flags.syn': if (inTcp && flag(v)) singleFlags |= TCP.SYN; break;
      case 'tcp.flags.ack': if (inTcp && flag(v)) singleFlags |= TCP.ACK; break;
      case 'tcp.flags.reset': if (inTcp && flag(v)) singleFlags |= TCP.RST; break;
      case 'tcp.flags.fin': if (inTcp && flag(v)) singleFlags |= TCP.FIN; break;
      case 'tls.handshake.extensions_server_name': if (f.sni === undefined && typeof v === 'string') f.sni = v.toLowerCase(); break;
      case 'http.host': if (f.httpHost === undefined && typeof v === 'string') { f.httpHostRaw = v; f.httpHost = v.toLowerCase().replace(/:\d+$/, ''); } break;
      case 'http.request': f.httpRequest = true; break;
      case 'http.request.method': f.httpRequest = true; break;
      case 'http.user_agent': if (typeof v === 'string') f.httpUserAgent = v; break;
      case 'http.user_agent.family': if (typeof v === 'string') f.httpUserAgentFamily = v; break;
      case 'http.response.code': if (f.httpStatus === undefined) f.httpStatus = num(v); break;
      case 'dns.flags.response': if (flag(v)) f.dnsResponse = true; break;
      case 'dns.qry.name': if (f.dnsQueryName === undefined && typeof v === 'string') f.dnsQueryName = v.toLowerCase(); break;
      case 'dns.a': case 'dns.aaaa': {
        const a = addr(v);
        if (a) (f.dnsAnswers ??= []).push(a);
        break;
      }
      case 'ip.geoip.src_country_iso': case 'ipv6.geoip.src_country_iso': if (typeof v === 'string') f.srcCountry = v; break;
      case 'ip.geoip.dst_country_iso': case 'ipv6.geoip.dst_country_iso': if (typeof v === 'string') f.dstCountry = v; break;
      case 'ip.geoip.src_asnum': case 'ipv6.geoip.src_asnum': f.srcAsn = num(v); break;
      case 'ip.geoip.dst_asnum': case 'ipv6.geoip.dst_asnum': f.dstAsn = num(v); break;
    }
  }
  if (f.transport === 'tcp') {
    f.tcpFlags = flagBits >= 0 ? flagBits : singleFlags;
    if (tcpHdrLen >= 20 && tcpStart >= 0) {
      f.payloadStart = tcpStart + tcpHdrLen;
      f.payloadLen = tcpLen >= 0 ? tcpLen : Math.max(0, p.data.length - f.payloadStart);
    }
  } else if (f.transport === 'udp' && udpStart >= 0) {
    f.payloadStart = udpStart + 8;
    f.payloadLen = Math.max(0, Math.min(udpLen > 8 ? udpLen - 8 : p.data.length, p.data.length - f.payloadStart));
  }
  if (f.payloadStart + f.payloadLen > p.data.length) f.payloadLen = Math.max(0, p.data.length - f.payloadStart);
  if (!f.protocols) f.protocols = d.tree.map((l) => l.name).join(':');
  return f;
}
