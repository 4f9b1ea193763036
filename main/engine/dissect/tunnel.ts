// Tunnels: GRE (RFC 2784/2890, and PPTP's enhanced GRE, RFC 2637), PPP
// inside it or PPPoE, and VXLAN (RFC 7348).
import type { Ctx } from './context';
import { declare, HEX16, HEX32, treeLine } from './fields';
import { dissectData } from './data';
import { dissectEth, ethertype } from './link';
import type { State } from './state';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { ETHERTYPE, GRE_PROTO, IP_PROTO, PPP_PROTOCOL, UDP_PORT } = tables;
const { u16 } = readers;

declare('gre', 'Generic Routing Encapsulation', [
  ['gre.flags_and_version', 'uint', 'Flags and Version', HEX16],
  ['gre.proto', 'uint', 'Protocol Type', HEX16],
  ['gre.key', 'uint', 'Key', HEX32],
  ['gre.key.payload_length', 'uint', 'Payload Length'],
  ['gre.key.call_id', 'uint', 'Call ID'],
  ['gre.sequence_number', 'uint', 'Sequence Number'],
  ['gre.ack_number', 'uint', 'Acknowledgment Number'],
]);
declare('ppp', 'Point-to-Point Protocol', [
  ['ppp.address', 'uint', 'Address', { base: 'hex', hexDigits: 2 }],
  ['ppp.control', 'uint', 'Control', { base: 'hex', hexDigits: 2 }],
  ['ppp.protocol', 'uint', 'Protocol', HEX16],
]);

export function dissectGre(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('gre', off, Math.max(0, Math.min(4, end - off)));
  ctx.protocol = 'GRE';
  if (end - off < 4) { ctx.malformedAt('gre', 'GRE header cut short', off, Math.max(0, end - off)); return; }
  const fv = u16(d, off), proto = u16(d, off + 2);
  ctx.add(l, 'gre.flags_and_version', fv, off, 2);
  ctx.add(l, 'gre.proto', proto, off + 2, 2);
  let o = off + 4;
  const need = (fv & 0x8000 ? 4 : 0) + (fv & 0x2000 ? 4 : 0) + (fv & 0x1000 ? 4 : 0) + ((fv & 7) === 1 && fv & 0x0080 ? 4 : 0);
  if (o + need > end) { ctx.malformedAt('gre', 'GRE optional fields cut short', off, end - off); return; }
  if (fv & 0x8000) o += 4; // checksum + reserved
  if (fv & 0x2000) {
    // enhanced GRE (version 1, PPTP) splits the key into payload length and call id
    if ((fv & 7) === 1) {
      ctx.add(l, 'gre.key.payload_length', (d[o] << 8) | d[o + 1], o, 2);
      ctx.add(l, 'gre.key.call_id', (d[o + 2] << 8) | d[o + 3], o + 2, 2);
    } else ctx.add(l, 'gre.key', ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0, o, 4);
    o += 4;
  }
  if (fv & 0x1000) { ctx.add(l, 'gre.sequence_number', ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0, o, 4); o += 4; }
  if ((fv & 7) === 1 && fv & 0x0080) { ctx.add(l, 'gre.ack_number', ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0, o, 4); o += 4; }
  l.len = o - off;
  ctx.info = 'Encapsulated';
  if (o >= end) return;
  const own = GRE_PROTO.get(proto);
  if (own !== undefined) { own(ctx, st, o, end, (fv & 0x1000) !== 0); return; }
  // the protocol type is an ethertype (PPP and transparent Ethernet bridging are registered there too)
  ethertype(ctx, st, proto, o, end, false);
}

export function dissectPpp(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('ppp', off, end - off);
  ctx.protocol = 'PPP';
  let o = off;
  if (end - o >= 2 && d[o] === 0xff && d[o + 1] === 0x03) {
    ctx.add(l, 'ppp.address', 0xff, o, 1);
    ctx.add(l, 'ppp.control', 0x03, o + 1, 1);
    o += 2;
  }
  if (o >= end) return;
  let proto: number;
  const at = o;
  if (d[o] & 1) { proto = d[o]; o += 1; } // protocol field compression
  else if (end - o >= 2) { proto = u16(d, o); o += 2; } else { ctx.boundsAt('ppp', 'PPP protocol cut short', o, 1); return; }
  ctx.add(l, 'ppp.protocol', proto, at, o - at);
  const next = PPP_PROTOCOL.get(proto);
  if (next !== undefined) { next(ctx, st, o, end); return; }
  dissectData(ctx, o, end);
  // packet-ppp.c: an unknown protocol's number in Protocol, its name in Info
  ctx.protocol = `0x${proto.toString(16).padStart(4, '0')}`;
  ctx.info = `PPP ${PPP_NAMES[proto] ?? 'Unknown'} (0x${proto.toString(16).padStart(4, '0')})`;
}

/** PPP protocol names tshark's Info uses for a protocol it does not decode (a few of ppp_vals) */
const PPP_NAMES: Record<number, string> = {
  0x0021: 'Internet Protocol version 4', 0x002b: 'Novell IPX', 0x002d: 'Van Jacobson Compressed TCP/IP', 0x002f: 'Van Jacobson Uncompressed TCP/IP',
  0x0031: 'Bridging PDU', 0x003d: 'Multi-Link', 0x0043: 'Ascom Timeplex', 0x0057: 'Internet Protocol version 6', 0x00fd: 'First choice compression',
  0x0281: 'MPLS Unicast', 0x0283: 'MPLS Multicast', 0x8021: 'Internet Protocol Control Protocol', 0x8057: 'IPv6 Control Protocol',
  0x80fd: 'Compression Control Protocol', 0xc021: 'Link Control Protocol', 0xc023: 'Password Authentication Protocol',
  0xc025: 'Link Quality Report', 0xc223: 'Challenge Handshake Authentication Protocol', 0xc227: 'Extensible Authentication Protocol',
};

declare('vxlan', 'Virtual eXtensible Local Area Network', [
  ['vxlan.flags', 'uint', 'Flags', { base: 'hex', hexDigits: 4 }],
  ['vxlan.vni', 'uint', 'VXLAN Network Identifier (VNI)'],
]);

/** VXLAN (RFC 7348): 8-byte header, then an Ethernet frame. */
function dissectVxlan(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('vxlan', off, Math.min(8, end - off));
  if (end - off < 8) { ctx.malformedAt('vxlan', `VXLAN header cut short (${end - off} of 8 bytes)`, off, end - off); return; }
  ctx.add(l, 'vxlan.flags', u16(d, off), off, 2);
  ctx.add(l, 'vxlan.vni', ((d[off + 4] << 16) | (d[off + 5] << 8) | d[off + 6]) >>> 0, off + 4, 3);
  dissectEth(ctx, st, off + 8, end);
}

IP_PROTO.add(47, dissectGre);
ETHERTYPE.add(0x880b, dissectPpp);
UDP_PORT.add([4789], dissectVxlan);

/** GRE protocol types tshark 4.0 names in the GRE header line (packet-gre.c gre_typevals) */
const GRE_TYPES: Record<number, string> = {
  0x0800: 'IP', 0x86dd: 'IPv6', 0x0806: 'ARP', 0x880b: 'PPP', 0x6558: 'Transparent Ethernet bridging',
  0x8847: 'MPLS label switched packet', 0x88be: 'ERSPAN', 0x22eb: 'ERSPAN', 0x8100: '802.1Q Virtual LAN',
};

treeLine('gre', (v) => {
  const p = v.field('gre.proto')?.value;
  return typeof p === 'number' ? `${v.title} (${GRE_TYPES[p] ?? '0x' + p.toString(16).padStart(4, '0')})` : v.title;
}, ['gre.proto']);
