// The frame's header offsets in one pass over the bytes, without a
// dissection: the link layers (Ethernet, VLAN, MPLS, PPPoE, LLC/SNAP, SLL,
// NULL, raw IP), the outer IP header, every IP protocol number on the way
// (tunnels and the packet an ICMP error quotes) and the outer transport
// header. The parallel partitioner needs the outer address pair before a
// packet is dissected, and the insights need these few offsets for every
// packet, where walking the dissection's fields would cost more than all the
// detectors together. It walks as the dissector walks (link.ts, ipv4.ts,
// ipv6.ts, tunnel.ts); test/engine/dissect/headers.test.ts holds it to the
// dissector's layer offsets on every shared capture.
import { LinkType } from '../types';
import { u16, u32, u32le } from './bytes';

export interface HeaderOffsets {
  /** offset of the Ethernet header (MACs at +0 and +6), -1 without one */
  ethOff: number;
  /** the first nEtherTypes entries: every EtherType in the frame, and the field that carries each (eth.type, vlan.etype, sll.etype) */
  etherTypes: number[];
  etherTypeFields: string[];
  nEtherTypes: number;
  /** 4 or 6 when the frame has an IP header; ipOff is where the outer one starts */
  ipVersion: 0 | 4 | 6;
  ipOff: number;
  /** the first nIpProtos entries: the IP protocol numbers in the frame, and the field of each (ip.proto, ipv6.nxt) */
  ipProtos: number[];
  ipProtoFields: string[];
  nIpProtos: number;
  /** the outer IP packet's transport: 6 TCP, 17 UDP, 0 none (other protocols, fragments, damage) */
  l4Proto: 0 | 6 | 17;
  /** where its header starts and where the IP packet (or the captured bytes) ends */
  l4Off: number;
  l4End: number;
}

export function emptyHeaders(): HeaderOffsets {
  return {
    ethOff: -1, etherTypes: [], etherTypeFields: [], nEtherTypes: 0, ipVersion: 0, ipOff: -1,
    ipProtos: [], ipProtoFields: [], nIpProtos: 0, l4Proto: 0, l4Off: 0, l4End: 0,
  };
}

// Module-level copies: an imported binding read per packet goes through the
// CommonJS export getters (a megamorphic keyed load each time).
const LT_ETHERNET = LinkType.ETHERNET, LT_SLL = LinkType.LINUX_SLL, LT_SLL2 = LinkType.LINUX_SLL2, LT_RAW = LinkType.RAW,
  LT_IPV4 = LinkType.IPV4, LT_IPV6 = LinkType.IPV6, LT_NULL = LinkType.NULL, LT_LOOP = LinkType.LOOP;
/** DLT_RAW's numbers on some BSDs, written by old tools into pcap headers */
const LT_RAW_12 = 12, LT_RAW_14 = 14;
const LT_NFLOG = 239, LT_80211 = 105, LT_RADIOTAP = 127, LT_PPP = 9, LT_PPP_HDLC = 50, LT_CHDLC = 104, LT_IPNET = 226;
const FIELD_ETH = 'eth.type', FIELD_VLAN = 'vlan.etype', FIELD_SLL = 'sll.etype';
const IPV6_EXT = new Set([0, 43, 60, 51, 135, 139, 140]);

/** Fills h (reused across packets: reset here) with the offsets of the frame b of this link type. */
export function walkHeaders(b: Uint8Array, linkType: number, h: HeaderOffsets): void {
  h.ethOff = -1; h.nEtherTypes = 0; h.ipVersion = 0; h.ipOff = -1; h.nIpProtos = 0; h.l4Proto = 0; h.l4Off = 0; h.l4End = 0;
  const n = b.length;
  switch (linkType & 0x03ffffff) { // upper bits carry FCS info (pcap link-type field)
    case LT_ETHERNET: {
      if (n < 14) return;
      h.ethOff = 0;
      const type = u16(b, 12);
      if (type < 0x0600) { snap(h, b, 14); return; } // 802.3 length: LLC
      ethertype(h, b, type, 14, FIELD_ETH);
      return;
    }
    case LT_SLL:
      if (n >= 16) ethertype(h, b, u16(b, 14), 16, FIELD_SLL);
      return;
    case LT_SLL2:
      if (n >= 20) ethertype(h, b, u16(b, 0), 20, FIELD_SLL);
      return;
    case LT_RAW: case LT_RAW_12: case LT_RAW_14: case LT_IPV4: case LT_IPV6:
      if (n >= 1) ip(h, b, b[0] >> 4, 0, true);
      return;
    case LT_NULL: case LT_LOOP: {
      if (n < 4) return;
      // NULL is in the writer's byte order: a family fits in the low 16 bits either way (as link.ts reads it)
      const be = u32(b, 0);
      let fam = (linkType & 0x03ffffff) === LT_LOOP ? be : u32le(b, 0);
      if (fam > 0xffff) fam = be;
      if (fam === 2) ip(h, b, 4, 4, true);
      else if (fam === 24 || fam === 28 || fam === 30 || fam === 10) ip(h, b, 6, 4, true);
      return;
    }
    default: otherLink(h, b, linkType & 0x03ffffff);
  }
}

/** The link types registered by their own modules (nflog.ts, …): the rarer ones, out of the switch above. */
function otherLink(h: HeaderOffsets, b: Uint8Array, lt: number): void {
  if (lt === LT_NFLOG) nflog(h, b);
  else if (lt === LT_80211) wlan(h, b, 0);
  else if (lt === LT_RADIOTAP && b.length >= 8) wlan(h, b, b[2] | (b[3] << 8), radiotapDatapad(b));
  else if (lt === LT_PPP || lt === LT_PPP_HDLC) ppp(h, b);
  else if (lt === LT_CHDLC && b.length >= 4) ethertype(h, b, u16(b, 2), 4, 'chdlc.protocol');
  // IPNET: a 24-byte header, IPv4 or IPv6 by the Solaris family (2, 26)
  else if (lt === LT_IPNET && b.length >= 24 && (b[1] === 2 || b[1] === 26)) ip(h, b, b[1] === 2 ? 4 : 6, 24, true);
}

/** PPP in HDLC-like framing: address/control when there, the protocol (compressed or not), IPv4 0x21 or IPv6 0x57 (tunnel.ts) */
function ppp(h: HeaderOffsets, b: Uint8Array): void {
  let o = b.length >= 2 && b[0] === 0xff && b[1] === 0x03 ? 2 : 0;
  if (o >= b.length) return;
  let proto = b[o];
  if (proto & 1) o += 1;
  else if (o + 2 <= b.length) { proto = u16(b, o); o += 2; } else return;
  if (proto === 0x21) ip(h, b, 4, o, true);
  else if (proto === 0x57) ip(h, b, 6, o, true);
}

/** An 802.11 data frame that is not protected and has a body: LLC/SNAP after the MAC header (wlan.ts). */
function wlan(h: HeaderOffsets, b: Uint8Array, off: number, datapad = false): void {
  if (off + 24 > b.length) return;
  const fc0 = b[off], flags = b[off + 1];
  if (((fc0 >> 2) & 3) !== 2 || fc0 & 0x40 || flags & 0x40) return;
  const qos = (fc0 & 0x80) !== 0;
  const hdr = 24 + ((flags & 3) === 3 ? 6 : 0) + (qos ? 2 : 0) + (qos && flags & 0x80 ? 4 : 0);
  // an A-MSDU (QoS bit 7, not WDS): the first subframe's MSDU follows its 14-byte header
  const amsdu = qos && (fc0 & 0x40) === 0 && (flags & 3) !== 3 && off + 26 <= b.length && (b[off + 24] & 0x80) !== 0;
  snap(h, b, off + (datapad ? (hdr + 3) & ~3 : hdr) + (amsdu ? 14 : 0));
}

/** radiotap's data-padding flag: the flags field follows the presence words (and TSFT, 8-aligned, when present) */
function radiotapDatapad(b: Uint8Array): boolean {
  const w0 = u32le(b, 4);
  if ((w0 & 2) === 0) return false;
  let o = 8;
  for (let w = w0; w & 0x80000000 && o + 4 <= b.length; o += 4) w = u32le(b, o);
  if (w0 & 1) o = ((o + 7) & ~7) + 8;
  return o < b.length && (b[o] & 0x20) !== 0;
}

/** NFLOG: the NFULA_PAYLOAD TLV (little-endian length and type, 4-byte aligned) holds IPv4/IPv6 by the family. */
function nflog(h: HeaderOffsets, b: Uint8Array): void {
  const n = b.length;
  if (n < 4) return;
  const fam = b[0];
  for (let o = 4; o + 4 <= n;) {
    const len = b[o] | (b[o + 1] << 8);
    if (len < 4 || o + len > n) return;
    if (((b[o + 2] | (b[o + 3] << 8)) & 0x7fff) === 9) {
      // the payload ends at its TLV's end: a walk within it sees only its bytes
      if (len > 4 && (fam === 2 || fam === 10)) ip(h, o + len === n ? b : b.subarray(0, o + len), fam === 2 ? 4 : 6, o + 4, true);
      return;
    }
    o += (len + 3) & ~3;
  }
}

function pushEther(h: HeaderOffsets, v: number, field: string): void {
  if (h.nEtherTypes >= 8) return;
  h.etherTypes[h.nEtherTypes] = v;
  h.etherTypeFields[h.nEtherTypes++] = field;
}

function pushProto(h: HeaderOffsets, v: number, field: string): void {
  if (h.nIpProtos >= 8) return;
  h.ipProtos[h.nIpProtos] = v;
  h.ipProtoFields[h.nIpProtos++] = field;
}

/** From an EtherType to the IP header, through VLAN tags, MPLS labels and PPPoE sessions. */
function ethertype(h: HeaderOffsets, b: Uint8Array, type: number, off: number, field: string): void {
  const n = b.length;
  if (type < 0x0600) return;
  pushEther(h, type, field);
  for (let hops = 0; hops < 8; hops++) {
    switch (type) {
      case 0x0800: ip(h, b, 4, off, true); return;
      case 0x86dd: ip(h, b, 6, off, true); return;
      case 0x8100: case 0x88a8: case 0x9100:
        if (off + 4 > n) return;
        type = u16(b, off + 2);
        off += 4;
        if (type < 0x0600) { snap(h, b, off); return; }
        pushEther(h, type, FIELD_VLAN);
        continue;
      case 0x8847: case 0x8848:
        // MPLS: labels to the bottom of the stack, then IP by its version nibble
        for (let i = 0; i < 16; i++) {
          if (off + 4 > n) return;
          const bottom = (b[off + 2] & 1) !== 0;
          off += 4;
          if (bottom) { if (off < n) ip(h, b, b[off] >> 4, off, true); return; }
        }
        return;
      case 0x8864: {
        // PPPoE session: 6-byte header, then the PPP protocol (0x0021 IPv4, 0x0057 IPv6)
        if (off + 8 > n) return;
        const ppp = u16(b, off + 6);
        if (ppp === 0x0021) ip(h, b, 4, off + 8, true);
        else if (ppp === 0x0057) ip(h, b, 6, off + 8, true);
        return;
      }
      default: return;
    }
  }
}

/** 802.2 LLC with a SNAP header of OUI 0 carries an EtherType. */
function snap(h: HeaderOffsets, b: Uint8Array, off: number): void {
  if (off + 8 > b.length || b[off] !== 0xaa || b[off + 1] !== 0xaa) return;
  if (b[off + 3] !== 0 || b[off + 4] !== 0 || b[off + 5] !== 0) return;
  const type = u16(b, off + 6);
  if (type === 0x0800) ip(h, b, 4, off + 8, true);
  else if (type === 0x86dd) ip(h, b, 6, off + 8, true);
}

function ip(h: HeaderOffsets, b: Uint8Array, version: number, off: number, outer: boolean): void {
  if (version === 4) ipv4(h, b, off, outer);
  else if (version === 6) ipv6(h, b, off, outer);
}

function ipv4(h: HeaderOffsets, b: Uint8Array, off: number, outer: boolean): void {
  const n = b.length;
  if (off + 20 > n || b[off] >> 4 !== 4) return;
  const ihl = (b[off] & 15) * 4;
  if (ihl < 20) return;
  if (outer) { h.ipVersion = 4; h.ipOff = off; }
  const total = u16(b, off + 2);
  const proto = b[off + 9];
  pushProto(h, proto, 'ip.proto');
  const fragOff = ((b[off + 6] & 0x1f) << 8) | b[off + 7];
  const more = (b[off + 6] & 0x20) !== 0;
  if (fragOff !== 0 || more) return; // fragments: the transport header is shown on the reassembled frame
  transport(h, b, proto, off + ihl, Math.min(n, total >= ihl ? off + total : n), outer);
}

function ipv6(h: HeaderOffsets, b: Uint8Array, off: number, outer: boolean): void {
  const n = b.length;
  if (off + 40 > n || b[off] >> 4 !== 6) return;
  if (outer) { h.ipVersion = 6; h.ipOff = off; }
  const plen = u16(b, off + 4);
  const end = Math.min(n, off + 40 + plen);
  let nxt = b[off + 6];
  pushProto(h, nxt, 'ipv6.nxt');
  let o = off + 40;
  // extension headers (hop-by-hop, routing, destination options, AH, mobility, HIP, shim6)
  for (let k = 0; k < 8 && IPV6_EXT.has(nxt) && o + 8 <= end; k++) {
    const len = nxt === 51 ? (b[o + 1] + 2) * 4 : (b[o + 1] + 1) * 8;
    nxt = b[o];
    o += len;
  }
  if (nxt === 44) return; // fragment header: reassembled elsewhere
  transport(h, b, nxt, o, end, outer);
}

/** The outer transport header; inside tunnels and ICMP errors, only the IP protocol numbers. */
function transport(h: HeaderOffsets, b: Uint8Array, proto: number, off: number, end: number, outer: boolean): void {
  if (!outer) return;
  if (proto === 6) {
    if (off + 20 > end || (b[off + 12] >> 4) * 4 < 20) return;
    h.l4Proto = 6; h.l4Off = off; h.l4End = end;
  } else if (proto === 17) {
    if (off + 8 > end) return;
    h.l4Proto = 17; h.l4Off = off; h.l4End = end;
  } else if (proto === 47 && off + 4 <= end) {
    // GRE carrying IP: the dissector lists the inner ip.proto too (the filter `ip.proto == N` sees it)
    const ptype = u16(b, off + 2);
    const flags = b[off];
    const hl = 4 + (flags & 0x80 ? 4 : 0) + (flags & 0x20 ? 4 : 0) + (flags & 0x10 ? 4 : 0);
    if ((b[off + 1] & 7) === 0 && ptype === 0x0800) ipv4(h, b, off + hl, false);
    else if ((b[off + 1] & 7) === 0 && ptype === 0x86dd) ipv6(h, b, off + hl, false);
  } else if (proto === 4) ipv4(h, b, off, false);
  else if (proto === 41) ipv6(h, b, off, false);
  else if (proto === 1 && off + 8 <= end) {
    // ICMP errors quote the offending IP header (and its protocol)
    const t = b[off];
    if (t === 3 || t === 4 || t === 5 || t === 11 || t === 12) ipv4(h, b, off + 8, false);
  } else if (proto === 58 && off + 8 <= end) {
    const t = b[off];
    if (t >= 1 && t <= 4) ipv6(h, b, off + 8, false);
  }
}
