// From a dissection to what the packet list keeps: the row summary, the
// enriched columns and the colouring rule (Wireshark's defaults, in its order:
// bad, TCP RST, SYN/FIN, HTTP, DNS, ICMP, ARP, TCP, UDP).
import type { Dissection, Field, FieldValue } from '../types';
import type { ColourRule } from '../../api/types';
import type { RowSummary } from './store';

/** First field with this name (the flattened list is in tree order). */
export function field(d: Dissection, name: string): Field | undefined {
  const f = d.fields;
  for (let i = 0; i < f.length; i++) if (f[i].name === name) return f[i];
  return undefined;
}

export function fieldValue(d: Dissection, name: string): FieldValue | undefined {
  return field(d, name)?.value;
}

const str = (v: FieldValue | undefined): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'string' ? v : String(v);
const truthy = (v: FieldValue | undefined): boolean =>
  v === true || (typeof v === 'number' && v !== 0) || (typeof v === 'bigint' && v !== 0n);

/** The fields the list needs, gathered in one pass over the flattened fields. */
interface Wanted {
  srcCountry?: FieldValue; dstCountry?: FieldValue; userAgent?: FieldValue; host?: FieldValue; sni?: FieldValue;
  contentLength?: FieldValue; stream?: FieldValue; srcport?: FieldValue; dstport?: FieldValue;
  rst: boolean; synfin: boolean;
  http: boolean; dns: boolean; icmp: boolean; arp: boolean; tcp: boolean; udp: boolean;
}

function gather(d: Dissection): Wanted {
  const w: Wanted = { rst: false, synfin: false, http: false, dns: false, icmp: false, arp: false, tcp: false, udp: false };
  const f = d.fields;
  for (let i = 0; i < f.length; i++) {
    const x = f[i];
    switch (x.name) {
      case 'ip.geoip.src_country_iso': w.srcCountry ??= x.value; break;
      case 'ip.geoip.dst_country_iso': w.dstCountry ??= x.value; break;
      case 'http.user_agent': w.userAgent ??= x.value; break;
      case 'http.host': w.host ??= x.value; break;
      case 'tls.handshake.extensions_server_name': w.sni ??= x.value; break;
      case 'http.content_length': w.contentLength ??= x.value; break;
      case 'tcp.stream': w.stream ??= x.value; break;
      case 'tcp.srcport': w.srcport ??= x.value; break;
      case 'tcp.dstport': w.dstport ??= x.value; break;
      case 'tcp.flags.reset': if (truthy(x.value)) w.rst = true; break;
      case 'tcp.flags.syn': case 'tcp.flags.fin': if (truthy(x.value)) w.synfin = true; break;
      case 'http': w.http = true; break;
      case 'dns': w.dns = true; break;
      case 'icmp': case 'icmpv6': w.icmp = true; break;
      case 'arp': w.arp = true; break;
      case 'tcp': w.tcp = true; break;
      case 'udp': w.udp = true; break;
    }
  }
  return w;
}

function colourFrom(d: Dissection, w: Wanted): ColourRule {
  if (d.malformed || d.expert.some((e) => e.group === 'malformed')) return 'bad';
  if (w.tcp && w.rst) return 'rst';
  if (w.tcp && w.synfin) return 'synfin';
  if (w.http) return 'http';
  if (w.dns) return 'dns';
  if (w.icmp) return 'icmp';
  if (w.arp) return 'arp';
  if (w.tcp) return 'tcp';
  if (w.udp) return 'udp';
  return 'none';
}

export function colourOf(d: Dissection): ColourRule {
  return colourFrom(d, gather(d));
}

/**
 * TCP conversation ids: the dissector's tcp.stream when it gives one,
 * otherwise an id per unordered address/port pair, assigned in order of
 * first appearance (what tcp.stream is, minus port-reuse handling).
 */
export class StreamIds {
  private readonly ids = new Map<string, number>();
  of(d: Dissection, w: Wanted = gather(d)): number {
    if (typeof w.stream === 'number') return w.stream;
    if (w.srcport === undefined || w.dstport === undefined) return -1;
    const a = `${d.summary.source}|${w.srcport}`;
    const b = `${d.summary.destination}|${w.dstport}`;
    const key = a < b ? `${a}>${b}` : `${b}>${a}`;
    let id = this.ids.get(key);
    if (id === undefined) { id = this.ids.size; this.ids.set(key, id); }
    return id;
  }
}

export function summarize(d: Dissection, streams: StreamIds): RowSummary {
  const s = d.summary;
  const w = gather(d);
  const cl = w.contentLength;
  return {
    source: s.source,
    destination: s.destination,
    protocol: s.protocol,
    info: s.info,
    srcCountry: str(w.srcCountry),
    dstCountry: str(w.dstCountry),
    userAgent: str(w.userAgent),
    hostSni: str(w.host) ?? str(w.sni),
    contentLength: typeof cl === 'number' ? cl : typeof cl === 'bigint' ? Number(cl) : undefined,
    colour: colourFrom(d, w),
    stream: streams.of(d, w),
  };
}
