// Enrichment: fields computed from a packet's decoded fields that make the
// product useful at a glance — GeoIP for addresses, the client family of an
// HTTP User-Agent, and the service (TLS SNI / HTTP Host / DNS name) a packet
// belongs to. All generated, all registered, usable in columns and filters.
import type { Field } from '../types';
import { type Ctx, FieldNode } from '../dissect/context';
import { declare } from '../dissect/fields';
import { GeoIp, type GeoInfo } from './geoip';
import { userAgentFamily } from './useragent';

export interface EnrichOptions {
  /** undefined → GeoIp.default(); null → none */
  geoip?: GeoIp | null;
  /** per capture: the service each TCP stream was seen to belong to (bounded) */
  streams?: Map<number, [string, string]>;
}

const MAX_STREAM_SERVICES = 100_000;

/** What GeoIP names of an address, each a field per side (src_…, dst_…) and one for either side. */
const GEO_ITEMS: Array<[string, 'string' | 'uint', string]> = [
  ['country', 'string', 'GeoIP Country'],
  ['country_iso', 'string', 'GeoIP ISO Two Letter Country Code'],
  ['city', 'string', 'GeoIP City'],
  ['asnum', 'uint', 'GeoIP AS Number'],
  ['org', 'string', 'GeoIP AS Organization'],
];
const SPECIAL = { description: 'xdpscope: private, loopback, link-local, cgnat, multicast, documentation, benchmarking, ... (no country)' };

function geoFields(p: 'ip' | 'ipv6'): Array<[string, 'string' | 'uint', string, { description: string }?]> {
  const g = `${p}.geoip`;
  const rows: Array<[string, 'string' | 'uint', string, { description: string }?]> = [];
  for (const [side, who] of [['src_', 'Source'], ['dst_', 'Destination']]) {
    for (const [name, type, label] of GEO_ITEMS) rows.push([`${g}.${side}${name}`, type, `${who} ${label}`]);
    rows.push([`${g}.${side}special`, 'string', `${who} special-purpose range`, SPECIAL]);
  }
  for (const [name, type, label] of GEO_ITEMS) rows.push([`${g}.${name}`, type, `Source or Destination ${label}`]);
  return rows;
}
declare('ip.geoip', 'Source or Destination GeoIP Address', geoFields('ip'));
declare('ipv6.geoip', 'Source or Destination GeoIPv6 Address', geoFields('ipv6'));
declare('xdpscope', 'xdpscope enrichment', [
  ['xdpscope.service', 'string', 'Service', { description: 'the service a packet belongs to: TLS SNI, else HTTP Host (without port), else DNS query name; the other packets of that TCP connection inherit it' }],
  ['xdpscope.service.source', 'string', 'Service source', { description: "where xdpscope.service came from: 'tls', 'http' or 'dns'" }],
]);
declare('http', 'Hypertext Transfer Protocol', [
  ['http.user_agent.family', 'string', 'User-Agent family', { description: 'xdpscope: client family parsed from the User-Agent: Chrome, Firefox, Safari, Edge, curl, wget, python-requests, Go-http-client, bot-crawler, other, ...' }],
]);

/**
 * The GeoIP field names per IP layer and side ('src_', 'dst_', '' for either),
 * built once: a name built per packet is a new string each time, which every
 * reader that looks fields up by name (the open's walk, fields/ids.ts) has
 * to flatten and hash again.
 */
function geoNames(p: 'ip' | 'ipv6', pre: string) {
  const g = `${p}.geoip.${pre}`;
  return { country: `${g}country`, countryIso: `${g}country_iso`, city: `${g}city`, asnum: `${g}asnum`, org: `${g}org`, special: `${g}special` };
}
const GEO_NAMES = {
  ip: { tree: 'ip.geoip', src_: geoNames('ip', 'src_'), dst_: geoNames('ip', 'dst_'), '': geoNames('ip', '') },
  ipv6: { tree: 'ipv6.geoip', src_: geoNames('ipv6', 'src_'), dst_: geoNames('ipv6', 'dst_'), '': geoNames('ipv6', '') },
};

function addGeo(ctx: Ctx, layer: Field, p: 'ip' | 'ipv6', src: GeoInfo | null, dst: GeoInfo | null): void {
  if (!src && !dst) return;
  const names = GEO_NAMES[p];
  const tree = new FieldNode(names.tree, null, 0, 0);
  tree.generated = true;
  if (ctx.want === null) {
    tree.children = [];
    (layer.children as Field[]).push(tree);
  }
  ctx.fields.push(tree);
  // pre: 'src_', 'dst_', or '' for the either-side fields
  const put = (info: GeoInfo, pre: 'src_' | 'dst_' | ''): void => {
    const n = names[pre];
    if (info.country) ctx.gen(tree, n.country, info.country);
    if (info.countryIso) ctx.gen(tree, n.countryIso, info.countryIso);
    if (info.city) ctx.gen(tree, n.city, info.city);
    if (info.asn !== undefined) ctx.gen(tree, n.asnum, info.asn);
    if (info.org) ctx.gen(tree, n.org, info.org);
    if (pre !== '' && info.special) ctx.gen(tree, n.special, info.special.kind);
  };
  if (src) put(src, 'src_');
  if (dst) put(dst, 'dst_');
  if (src) put(src, '');
  if (dst) put(dst, '');
}

export function enrichPacket(ctx: Ctx, opts: EnrichOptions): void {
  const geo = opts.geoip === undefined ? GeoIp.default() : opts.geoip;
  let ipLayer: Field | null = null;
  let v4src = -1, v4dst = -1;
  let v6src: Uint8Array | null = null, v6dst: Uint8Array | null = null;
  let sni: string | null = null, host: string | null = null, dnsName: string | null = null;
  let httpLayer: Field | null = null, ua: string | null = null;
  let stream = -1;
  const fields = ctx.fields;
  const n = fields.length;
  for (let i = 0; i < n; i++) {
    const f = fields[i];
    const name = f.name;
    // the outermost IP header: its layer, then its addresses, come first in the flat list
    if (name === 'ip' || name === 'ipv6') { if (ipLayer === null) ipLayer = f; }
    else if (name === 'ip.src') { if (v4src < 0 && v6src === null) v4src = f.value as number; }
    else if (name === 'ip.dst') { if (v4dst < 0 && v6dst === null) v4dst = f.value as number; }
    else if (name === 'ipv6.src') { if (v6src === null && v4src < 0) v6src = f.value as Uint8Array; }
    else if (name === 'ipv6.dst') { if (v6dst === null && v4dst < 0) v6dst = f.value as Uint8Array; }
    else if (name.charCodeAt(0) === 0x74 && name === 'tls.handshake.extensions_server_name') { if (sni === null) sni = f.value as string; }
    else if (name === 'http') httpLayer = f;
    else if (name === 'http.host' || name === 'http2.headers.authority' || name === 'http3.headers.authority') { if (host === null) host = f.value as string; }
    else if (name === 'http.user_agent' || name === 'http2.headers.user_agent' || name === 'http3.headers.user_agent') { if (ua === null) ua = f.value as string; }
    else if (name === 'http2' || name === 'http3') { if (httpLayer === null) httpLayer = f; }
    else if (name === 'dns.qry.name') { if (dnsName === null) dnsName = f.value as string; }
    else if (name === 'tcp.stream') { if (stream < 0) stream = f.value as number; }
  }
  if (geo && ipLayer) {
    if (ipLayer.name === 'ip' && v4src >= 0 && v4dst >= 0) addGeo(ctx, ipLayer, 'ip', geo.lookupV4(v4src), geo.lookupV4(v4dst));
    else if (ipLayer.name === 'ipv6' && v6src && v6dst) addGeo(ctx, ipLayer, 'ipv6', geo.lookupV6(v6src), geo.lookupV6(v6dst));
  }
  if (httpLayer && ua !== null) ctx.gen(httpLayer, 'http.user_agent.family', userAgentFamily(ua));
  let svc = sni ?? (host !== null ? stripPort(host) : null) ?? dnsName;
  let source = sni !== null ? 'tls' : host !== null ? 'http' : 'dns';
  // the other packets of a TCP connection belong to the service its SNI/Host named
  const streams = opts.streams;
  if (streams && stream >= 0) {
    if (svc !== null && source !== 'dns') {
      if (streams.size >= MAX_STREAM_SERVICES && !streams.has(stream)) streams.delete(streams.keys().next().value as number);
      streams.set(stream, [svc, source]);
    } else if (svc === null) {
      const known = streams.get(stream);
      if (known) [svc, source] = known;
    }
  }
  if (svc !== null) {
    const l = ctx.layer('xdpscope', 0, 0);
    ctx.protocols.pop(); // enrichment is not a protocol in the frame
    l.generated = true;
    ctx.gen(l, 'xdpscope.service', svc);
    ctx.gen(l, 'xdpscope.service.source', source);
  }
}

function stripPort(host: string): string {
  if (host.startsWith('[')) { const e = host.indexOf(']'); return e > 0 ? host.slice(1, e) : host; }
  const c = host.lastIndexOf(':');
  return c > 0 && host.indexOf(':') === c ? host.slice(0, c) : host;
}
