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

function layers(d: Dissection): Set<string> {
  const s = new Set<string>();
  for (const t of d.tree) s.add(t.name);
  return s;
}

export function colourOf(d: Dissection): ColourRule {
  if (d.malformed || d.expert.some((e) => e.group === 'malformed')) return 'bad';
  const has = layers(d);
  if (has.has('tcp')) {
    if (truthy(fieldValue(d, 'tcp.flags.reset'))) return 'rst';
    if (truthy(fieldValue(d, 'tcp.flags.syn')) || truthy(fieldValue(d, 'tcp.flags.fin'))) return 'synfin';
  }
  if (has.has('http')) return 'http';
  if (has.has('dns')) return 'dns';
  if (has.has('icmp') || has.has('icmpv6')) return 'icmp';
  if (has.has('arp')) return 'arp';
  if (has.has('tcp')) return 'tcp';
  if (has.has('udp')) return 'udp';
  return 'none';
}

/**
 * TCP conversation ids: the dissector's tcp.stream when it gives one,
 * otherwise an id per unordered address/port pair, assigned in order of
 * first appearance (what tcp.stream is, minus port-reuse handling).
 */
export class StreamIds {
  private readonly ids = new Map<string, number>();
  of(d: Dissection): number {
    const given = fieldValue(d, 'tcp.stream');
    if (typeof given === 'number') return given;
    const sp = fieldValue(d, 'tcp.srcport');
    const dp = fieldValue(d, 'tcp.dstport');
    if (sp === undefined || dp === undefined) return -1;
    const a = `${d.summary.source}|${sp}`;
    const b = `${d.summary.destination}|${dp}`;
    const key = a < b ? `${a}>${b}` : `${b}>${a}`;
    let id = this.ids.get(key);
    if (id === undefined) { id = this.ids.size; this.ids.set(key, id); }
    return id;
  }
}

export function summarize(d: Dissection, streams: StreamIds): RowSummary {
  const s = d.summary;
  const cl = fieldValue(d, 'http.content_length');
  return {
    source: s.source,
    destination: s.destination,
    protocol: s.protocol,
    info: s.info,
    srcCountry: str(fieldValue(d, 'ip.geoip.src_country_iso')),
    dstCountry: str(fieldValue(d, 'ip.geoip.dst_country_iso')),
    userAgent: str(fieldValue(d, 'http.user_agent')),
    hostSni: str(fieldValue(d, 'http.host')) ?? str(fieldValue(d, 'tls.handshake.extensions_server_name')),
    contentLength: typeof cl === 'number' ? cl : typeof cl === 'bigint' ? Number(cl) : undefined,
    colour: colourOf(d),
    stream: streams.of(d),
  };
}
