// The detail pane's data: the decoded tree with display labels, the
// "Enriched" facts, expert items and the byte ranges to highlight.
import type { Dissection, Field, FieldValue } from '../types';
import type { DetailNode, EnrichedInfo, PacketDetails } from '../../api/types';
import { getField } from '../fields/registry';
import { ipv4ToString, ipv6ToString, etherToString, bytesToHex } from '../dissect/addr';
import { field, fieldValue } from './summarize';

function formatValue(f: Field): string {
  const v: FieldValue = f.value;
  const def = getField(f.name);
  if (v === null || v === undefined) return '';
  switch (def?.type) {
    case 'ipv4': return typeof v === 'number' ? ipv4ToString(v) : String(v);
    case 'ipv6': return v instanceof Uint8Array ? ipv6ToString(v) : String(v);
    case 'ether': return v instanceof Uint8Array ? etherToString(v) : String(v);
    case 'abstime': return typeof v === 'bigint' ? nsToIso(v) : String(v);
    default: break;
  }
  if (v instanceof Uint8Array) return v.length > 48 ? `${bytesToHex(v.subarray(0, 48), ':')}…` : bytesToHex(v, ':');
  if (typeof v === 'number' && def?.base === 'hex') {
    const named = def.valueNames?.[v];
    return `0x${v.toString(16)}${named ? ` (${named})` : ''}`;
  }
  if (typeof v === 'number' && def?.valueNames?.[v]) return `${def.valueNames[v]} (${v})`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

export function nsToIso(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}

export function labelOf(f: Field): string {
  if (f.label) return f.label;
  const def = getField(f.name);
  if (def?.type === 'protocol' || (f.value === null && f.children?.length)) return def?.title ?? f.name;
  const title = def?.title ?? f.name;
  const val = formatValue(f);
  return val ? `${title}: ${val}` : title;
}

/** The value as a display filter would write it: quoted strings, plain numbers and addresses. */
export function filterValue(f: Field): string | undefined {
  const def = getField(f.name);
  if (f.value === null || def?.type === 'protocol') return undefined;
  if (typeof f.value === 'string') return JSON.stringify(f.value);
  if (typeof f.value === 'boolean') return f.value ? '1' : '0';
  if (typeof f.value === 'number' && def?.base === 'hex' && !def.valueNames?.[f.value]) return `0x${f.value.toString(16)}`;
  if (typeof f.value === 'number' && def?.type !== 'ipv4') return String(f.value);
  const v = formatValue(f);
  return v.endsWith('…') ? undefined : v.replace(/ \(.*\)$/, '');
}

function toNode(f: Field, depth: number): DetailNode {
  const n: DetailNode = { name: f.name, label: labelOf(f), start: f.start, len: f.len };
  const v = filterValue(f);
  if (v !== undefined) n.value = v;
  if (f.generated) n.generated = true;
  if (f.children?.length && depth < 32) n.children = f.children.map((c) => toNode(c, depth + 1));
  return n;
}

const strOf = (v: FieldValue | undefined): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'string' ? v : String(v);

export function enrichedOf(d: Dissection): EnrichedInfo {
  const cl = fieldValue(d, 'http.content_length');
  const e: EnrichedInfo = {
    arrival: d.packet.tsNs === null ? undefined : nsToIso(d.packet.tsNs),
    srcCountry: strOf(fieldValue(d, 'ip.geoip.src_country_iso')),
    dstCountry: strOf(fieldValue(d, 'ip.geoip.dst_country_iso')),
    userAgent: strOf(fieldValue(d, 'http.user_agent')),
    userAgentFamily: strOf(fieldValue(d, 'http.user_agent.family')),
    contentLength: typeof cl === 'number' ? cl : typeof cl === 'bigint' ? Number(cl) : undefined,
    host: strOf(fieldValue(d, 'http.host')),
    sni: strOf(fieldValue(d, 'tls.handshake.extensions_server_name')),
    dnsName: strOf(fieldValue(d, 'dns.qry.name')),
  };
  for (const k of Object.keys(e) as Array<keyof EnrichedInfo>) if (e[k] === undefined) delete e[k];
  return e;
}

const HIGHLIGHTABLE = ['http.user_agent', 'http.content_length', 'http.host', 'tls.handshake.extensions_server_name', 'dns.qry.name', 'ip.src', 'ipv6.src'];

export function detailsOf(d: Dissection, streamFilter?: string): PacketDetails {
  const highlights: PacketDetails['highlights'] = {};
  for (const name of HIGHLIGHTABLE) {
    const f = field(d, name);
    if (f && f.len > 0) highlights[name] = { start: f.start, len: f.len };
  }
  return {
    number: d.packet.number,
    tree: d.tree.map((f) => toNode(f, 0)),
    bytes: new Uint8Array(d.packet.data),
    enriched: enrichedOf(d),
    expert: d.expert.map((x) => ({ severity: x.severity, message: x.message, protocol: x.protocol })),
    highlights,
    streamFilter,
  };
}
