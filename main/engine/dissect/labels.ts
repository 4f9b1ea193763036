// Detail-tree labels ("Source Address: 198.18.0.1"), derived from the
// registry on demand so that bulk dissection never builds them. Protocol
// layers get Wireshark's one-line headers ("Internet Protocol Version 4,
// Src: 198.18.0.1, Dst: 198.18.0.2"), which are also what tshark 4.0's
// `-T fields -e ip` prints (protocolText).
import type { Dissection, Field } from '../types';
import { getField } from '../fields/registry';
import { displayValue, formatValue } from './format';
import { bytesToHex, etherToString } from './addr';
import { macLabel } from '../enrich/manuf';

/** A protocol layer (not a protocol item inside one, as tcp.options.nop): those have no dot in their name. */
const isLayer = (f: Field): boolean => f.value === null && !f.name.includes('.') && getField(f.name)?.type === 'protocol';

/**
 * A layer's fields: its children in a whole dissection; in a field-subset
 * one (layers have no children there) the fields after it in the flat list
 * up to the next layer.
 */
function fieldsOf(f: Field, d: Dissection | undefined): Field[] {
  if (f.children !== undefined || d === undefined) return f.children ?? [];
  const list = d.fields;
  const out: Field[] = [];
  for (let i = list.indexOf(f) + 1; i > 0 && i < list.length && !isLayer(list[i]); i++) out.push(list[i]);
  return out;
}

/** The first field of that name among a layer's fields, at any depth (tcp.flags.ack sits under tcp.flags). */
function find(list: Field[], name: string): Field | undefined {
  for (const k of list) if (k.name === name) return k;
  for (const k of list) {
    if (k.children === undefined || isLayer(k) || !name.startsWith(k.name + '.')) continue;
    const c = find(k.children, name);
    if (c !== undefined) return c;
  }
  return undefined;
}

/** GRE protocol types tshark 4.0 names in the GRE header line (packet-gre.c gre_typevals) */
const GRE_TYPES: Record<number, string> = {
  0x0800: 'IP', 0x86dd: 'IPv6', 0x0806: 'ARP', 0x880b: 'PPP', 0x6558: 'Transparent Ethernet bridging',
  0x8847: 'MPLS label switched packet', 0x88be: 'ERSPAN', 0x22eb: 'ERSPAN', 0x8100: '802.1Q Virtual LAN',
};

const DHCP_TYPES: Record<number, string> = {
  1: 'Discover', 2: 'Offer', 3: 'Request', 4: 'Decline', 5: 'ACK', 6: 'NAK', 7: 'Release', 8: 'Inform',
};

const ARP_OPS: Record<number, string> = { 1: 'request', 2: 'reply', 3: 'reverse request', 4: 'reverse reply' };

function macText(c: Field | undefined): string {
  if (c === undefined) return '?';
  return c.value instanceof Uint8Array && c.value.length === 6 ? macLabel(c.value, etherToString(c.value)) : formatValue(c);
}

/** The HTTP message a body layer (data-text-lines, json, ...) belongs to: its Content-Type and body text. */
function httpBody(f: Field, d: Dissection | undefined): { type: string; params: string; body: string | null } | null {
  if (d === undefined) return null;
  const list = d.fields;
  let i = list.indexOf(f);
  let ctype: string | null = null, body: string | null = null;
  for (i--; i >= 0; i--) {
    const g = list[i];
    if (g.name === 'http') break;
    if (g.name === 'http.content_type' && typeof g.value === 'string' && ctype === null) ctype = g.value;
    if (g.name === 'http.file_data' && typeof g.value === 'string' && body === null) body = g.value;
  }
  if (ctype === null || i < 0) return null;
  const semi = ctype.indexOf(';');
  return {
    type: (semi < 0 ? ctype : ctype.slice(0, semi)).trim().toLowerCase(),
    params: semi < 0 ? '' : ctype.slice(semi + 1),
    body,
  };
}

/** Lines of a text body as tshark's data-text-lines counts them (a last line without its end counts too). */
function lineCount(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  if (s.length > 0 && !s.endsWith('\n')) n++;
  return n;
}

function layerLabel(f: Field, title: string, d?: Dissection): string {
  const kids = fieldsOf(f, d);
  const field = (n: string): Field | undefined => find(kids, n);
  const text = (n: string): string | undefined => {
    const c = find(kids, n);
    return c ? formatValue(c) : undefined;
  };
  const g = (n: string): string => text(n) ?? '?';
  const has = (n: string): boolean => find(kids, n) !== undefined;
  switch (f.name) {
    case 'frame': {
      const p = d?.packet;
      const len = p ? p.origLen : Number(text('frame.len') ?? 0), cap = p ? p.capLen : Number(text('frame.cap_len') ?? 0);
      const num = p ? String(p.number) : g('frame.number');
      // pcapng (records without classic pcap's raw time fields): tshark names the interface by its if_name,
      // which packets do not carry here, so "unknown" as tshark says for an interface without one
      const id = p ? (p.tsSec === undefined ? String(p.interfaceId) : undefined) : text('frame.interface_id');
      const iface = id !== undefined ? ` on interface unknown, id ${id}` : '';
      return `Frame ${num}: ${len} bytes on wire (${len * 8} bits), ${cap} bytes captured (${cap * 8} bits)${iface}`;
    }
    case 'eth': return has('eth.src') ? `${title}, Src: ${macText(field('eth.src'))}, Dst: ${macText(field('eth.dst'))}` : title;
    case 'ip': return has('ip.src') ? `${title}, Src: ${g('ip.src')}, Dst: ${g('ip.dst')}` : title;
    case 'ipv6': return has('ipv6.src') ? `${title}, Src: ${g('ipv6.src')}, Dst: ${g('ipv6.dst')}` : title;
    case 'vlan': return has('vlan.id') ? `${title}, PRI: ${g('vlan.priority')}, DEI: ${g('vlan.dei')}, ID: ${g('vlan.id')}` : title;
    case 'sll': {
      const lt = d?.packet.linkType;
      return lt === 276 || (lt === undefined && has('sll.ifindex')) ? `${title} v2` : `${title} v1`;
    }
    case 'tcp': {
      if (!has('tcp.srcport')) return title;
      let s = `${title}, Src Port: ${g('tcp.srcport')}, Dst Port: ${g('tcp.dstport')}`;
      if (has('tcp.seq')) s += `, Seq: ${g('tcp.seq')}`;
      if (text('tcp.flags.ack') === '1') s += `, Ack: ${g('tcp.ack')}`;
      if (has('tcp.len')) s += `, Len: ${g('tcp.len')}`;
      return s;
    }
    case 'udp': return has('udp.srcport') ? `${title}, Src Port: ${g('udp.srcport')}, Dst Port: ${g('udp.dstport')}` : title;
    case 'arp': {
      const op = field('arp.opcode')?.value;
      if (typeof op !== 'number') return title;
      const name = ARP_OPS[op];
      if (name === undefined) return `${title} (opcode 0x${op.toString(16).padStart(4, '0')})`;
      const spa = field('arp.src.proto_ipv4')?.value, tpa = field('arp.dst.proto_ipv4')?.value;
      // a sender announcing its own address (packet-arp.c: gratuitous; a request of that kind is an announcement)
      if ((op === 1 || op === 2) && spa !== undefined && spa === tpa) return op === 1 ? `${title} (ARP Announcement)` : `${title} (${name}/gratuitous ARP)`;
      return `${title} (${name})`;
    }
    case 'dns': return text('dns.flags.response') === '1' ? `${title} (response)` : has('dns.id') ? `${title} (query)` : title;
    case 'gre': {
      const p = field('gre.proto')?.value;
      return typeof p === 'number' ? `${title} (${GRE_TYPES[p] ?? '0x' + p.toString(16).padStart(4, '0')})` : title;
    }
    case 'data': {
      const n = field('data.len')?.value;
      return `${title} (${typeof n === 'number' ? n : f.len} bytes)`;
    }
    case 'dhcp': {
      const t = field('dhcp.option.dhcp')?.value;
      return typeof t === 'number' ? `${title} (${DHCP_TYPES[t] ?? 'Unknown'})` : title;
    }
    case 'data-text-lines': {
      const h = httpBody(f, d);
      return h === null ? title : `${title}: ${h.type} (${lineCount(h.body ?? '')} lines)`;
    }
    case 'urlencoded-form':
    case 'json': {
      const h = httpBody(f, d);
      return h === null ? title : `${title}: ${h.type}`;
    }
    case 'mime_multipart': {
      const h = httpBody(f, d);
      if (h === null) return title;
      const m = /(?:^|;)\s*boundary\s*=\s*("([^"]*)"|[^;\s]*)/i.exec(h.params);
      const boundary = m ? m[2] ?? m[1] : '';
      return `${title}, Type: ${h.type}, Boundary: "${boundary}"`;
    }
    default: return title;
  }
}

/** The fields each protocol item's line is built from (layerLabel, protocolText). */
const LINE_INPUTS: Record<string, string[]> = {
  eth: ['eth.src', 'eth.dst'],
  ip: ['ip.src', 'ip.dst'],
  ipv6: ['ipv6.src', 'ipv6.dst'],
  vlan: ['vlan.priority', 'vlan.dei', 'vlan.id'],
  tcp: ['tcp.srcport', 'tcp.dstport', 'tcp.seq', 'tcp.flags.ack', 'tcp.ack', 'tcp.len'],
  udp: ['udp.srcport', 'udp.dstport'],
  arp: ['arp.opcode', 'arp.src.proto_ipv4', 'arp.dst.proto_ipv4'],
  dns: ['dns.flags.response', 'dns.id'],
  gre: ['gre.proto'],
  dhcp: ['dhcp.option.dhcp'],
  'data-text-lines': ['http.content_type', 'http.file_data'],
  'urlencoded-form': ['http.content_type'],
  json: ['http.content_type'],
  mime_multipart: ['http.content_type'],
  data: ['data.data'],
};

/**
 * What a field-subset Dissector must decode besides the wanted names so that
 * their protocol items print as tshark's (-e tcp needs tcp.srcport …): none
 * when no protocol item is asked for, which keeps the fast path as it was.
 */
export function protocolItemInputs(wanted: Iterable<string>): string[] {
  const extra: string[] = [];
  for (const n of wanted) {
    const inputs = LINE_INPUTS[n];
    if (inputs !== undefined) extra.push(...inputs);
  }
  return extra;
}

/**
 * A protocol item as tshark 4.0 prints it in -T fields (epan/print.c): the
 * item's tree line when its dissector wrote one (a header line with details,
 * as layerLabel gives), else the protocol's filter name; "data" as its bytes
 * in hex; items that carry bytes (TCP options) as those bytes.
 */
export function protocolText(f: Field, d: Dissection): string {
  if (f.value !== null) return formatValue(f);
  if (f.name === 'data') {
    const c = find(fieldsOf(f, d), 'data.data');
    return c !== undefined && c.value instanceof Uint8Array ? bytesToHex(c.value) : '';
  }
  const title = getField(f.name)?.title ?? f.name;
  const label = layerLabel(f, title, d);
  return label === title && f.name !== 'frame' ? f.name : label;
}

/** A field's detail-tree line; give the dissection for layers whose line reads the packet or other layers (frame, sll, HTTP bodies). */
export function labelOf(f: Field, d?: Dissection): string {
  if (f.label) return f.label;
  const def = getField(f.name);
  const title = def?.title ?? f.name;
  if (def?.type === 'protocol') return layerLabel(f, title, d);
  if (f.value === null) return title;
  return `${title}: ${displayValue(f)}`;
}

/** Fills `label` on every field of the tree (for the UI's detail pane). */
export function withLabels(d: Dissection): Dissection {
  const walk = (list: Field[]): void => {
    for (const f of list) {
      f.label ??= labelOf(f, d);
      if (f.children) walk(f.children);
    }
  };
  walk(d.tree);
  return d;
}
