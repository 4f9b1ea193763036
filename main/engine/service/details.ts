// The detail pane's data: the decoded tree with display labels, the
// "Enriched" facts, expert items and the byte ranges to highlight.
import type { Dissection, Field, FieldValue } from '../types';
import type { DetailNode, EnrichedInfo, PacketDetails, ProcessDetails } from '../../api/types';
import { getField } from '../fields/registry';
import { bytesToHex } from '../dissect/addr';
import { labelOf, formatValue } from '../dissect/index';
import { absTimeString } from '../dissect/format';
import { field, fieldValue } from './summarize';

/** The value as a display filter writes it: quoted strings, plain numbers and addresses. */
export function filterValue(f: Field): string | undefined {
  const def = getField(f.name);
  const v = f.value;
  if (v === null || def?.type === 'protocol' || def?.type === 'abstime' || typeof v === 'bigint') return undefined;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Uint8Array && def?.type === 'bytes') return v.length <= 64 ? bytesToHex(v, ':') : undefined;
  return formatValue(f);
}

function toNode(f: Field, depth: number, d: Dissection): DetailNode {
  const n: DetailNode = { name: f.name, label: labelOf(f, d), start: f.start, len: f.len };
  const v = filterValue(f);
  if (v !== undefined) n.value = v;
  if (f.generated) n.generated = true;
  if (f.children?.length && depth < 32) n.children = f.children.map((c) => toNode(c, depth + 1, d));
  return n;
}

const strOf = (v: FieldValue | undefined): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'string' ? v : String(v);

export function enrichedOf(d: Dissection): EnrichedInfo {
  const cl = fieldValue(d, 'http.content_length');
  const e: EnrichedInfo = {
    arrival: d.packet.tsNs === null ? undefined : absTimeString(d.packet.tsNs),
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

/** The "Process" section, from the packet's proc.* fields (absent when attribution did not run). */
export function processOf(d: Dissection): ProcessDetails | undefined {
  if (d.packet.proc === undefined && d.packet.procAttr === undefined) return undefined;
  const num = (v: FieldValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
  const p: ProcessDetails = {
    pid: num(fieldValue(d, 'proc.pid')),
    name: strOf(fieldValue(d, 'proc.name')),
    exepath: strOf(fieldValue(d, 'proc.exepath')),
    cmdline: strOf(fieldValue(d, 'proc.cmdline')),
    uid: num(fieldValue(d, 'user.uid')),
    user: strOf(fieldValue(d, 'user.name')),
    container: strOf(fieldValue(d, 'container.id')),
    match: strOf(fieldValue(d, 'proc.match')),
    none: strOf(fieldValue(d, 'proc.none')),
  };
  for (const k of Object.keys(p) as Array<keyof ProcessDetails>) if (p[k] === undefined) delete p[k];
  return p;
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
    tree: d.tree.map((f) => toNode(f, 0, d)),
    bytes: new Uint8Array(d.packet.data),
    enriched: enrichedOf(d),
    ...(d.packet.proc !== undefined || d.packet.procAttr !== undefined ? { process: processOf(d) } : {}),
    expert: d.expert.map((x) => ({ severity: x.severity, message: x.message, protocol: x.protocol })),
    highlights,
    streamFilter,
  };
}
