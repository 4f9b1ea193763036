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

/** The first field of that name under f, at any depth (tcp.flags.ack sits under tcp.flags). */
function childField(f: Field, name: string): Field | undefined {
  const list = f.children;
  if (list === undefined) return undefined;
  for (const k of list) if (k.name === name) return k;
  for (const k of list) {
    if (k.children === undefined || getField(k.name)?.type === 'protocol' || !name.startsWith(k.name + '.')) continue;
    const c = childField(k, name);
    if (c !== undefined) return c;
  }
  return undefined;
}

function child(f: Field, name: string): string | undefined {
  const c = childField(f, name);
  return c ? formatValue(c) : undefined;
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
  const g = (n: string): string => child(f, n) ?? '?';
  const has = (n: string): boolean => childField(f, n) !== undefined;
  switch (f.name) {
    case 'frame': {
      const len = Number(child(f, 'frame.len') ?? d?.packet.origLen ?? 0), cap = Number(child(f, 'frame.cap_len') ?? d?.packet.capLen ?? 0);
      const num = child(f, 'frame.number') ?? String(d?.packet.number ?? '?');
      // pcapng: tshark names the interface (its if_name, which packets do not carry here: "unknown" as for an unnamed one)
      const iface = has('frame.interface_id') ? ` on interface unknown, id ${g('frame.interface_id')}` : '';
      return `Frame ${num}: ${len} bytes on wire (${len * 8} bits), ${cap} bytes captured (${cap * 8} bits)${iface}`;
    }
    case 'eth': return has('eth.src') ? `${title}, Src: ${macText(childField(f, 'eth.src'))}, Dst: ${macText(childField(f, 'eth.dst'))}` : title;
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
      if (child(f, 'tcp.flags.ack') === '1') s += `, Ack: ${g('tcp.ack')}`;
      if (has('tcp.len')) s += `, Len: ${g('tcp.len')}`;
      return s;
    }
    case 'udp': return has('udp.srcport') ? `${title}, Src Port: ${g('udp.srcport')}, Dst Port: ${g('udp.dstport')}` : title;
    case 'arp': {
      const op = childField(f, 'arp.opcode')?.value;
      if (typeof op !== 'number') return title;
      const name = ARP_OPS[op];
      if (name === undefined) return `${title} (opcode 0x${op.toString(16).padStart(4, '0')})`;
      const spa = childField(f, 'arp.src.proto_ipv4')?.value, tpa = childField(f, 'arp.dst.proto_ipv4')?.value;
      // a sender announcing its own address (packet-arp.c: gratuitous; a request of that kind is an announcement)
      if ((op === 1 || op === 2) && spa !== undefined && spa === tpa) return op === 1 ? `${title} (ARP Announcement)` : `${title} (${name}/gratuitous ARP)`;
      return `${title} (${name})`;
    }
    case 'dns': return child(f, 'dns.flags.response') === '1' ? `${title} (response)` : has('dns.id') ? `${title} (query)` : title;
    case 'gre': {
      const p = childField(f, 'gre.proto')?.value;
      return typeof p === 'number' ? `${title} (${GRE_TYPES[p] ?? '0x' + p.toString(16).padStart(4, '0')})` : title;
    }
    case 'dhcp': {
      const t = childField(f, 'dhcp.option.dhcp')?.value;
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

/**
 * Protocol items whose -T fields text is built from their children (which a
 * field-subset dissection does not make): asking for one of these makes the
 * Dissector decode whole packets. The others print from the layer itself.
 */
const FROM_TREE = new Set([
  'frame', 'eth', 'ip', 'ipv6', 'vlan', 'tcp', 'udp', 'arp', 'dns', 'gre', 'dhcp',
  'data-text-lines', 'urlencoded-form', 'json', 'mime_multipart',
]);

/**
 * What a field-subset Dissector must decode besides the wanted names so that
 * their protocol items print as tshark's: 'tree' for a whole dissection, or
 * extra field names (possibly none).
 */
export function protocolItemInputs(wanted: Iterable<string>): 'tree' | string[] {
  const extra: string[] = [];
  for (const n of wanted) {
    if (FROM_TREE.has(n)) return 'tree';
    if (n === 'data') extra.push('data.data');
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
    const list = d.fields;
    const i = list.indexOf(f);
    for (let j = i + 1; j < list.length && j <= i + 2; j++) {
      const c = list[j];
      if (c.name === 'data.data' && c.value instanceof Uint8Array) return bytesToHex(c.value);
    }
    return '';
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
