// Link layers: Ethernet II (and 802.3 + LLC), Linux cooked capture v1/v2,
// BSD NULL/LOOP and raw IP, plus the ethertype dispatch (with 802.1Q/QinQ).
import { LinkType } from '../types';
import { Ctx, FieldNode, fieldGroup, fieldKey } from './context';
import type { FieldKey } from './context';
import { declare, HEX8, HEX16, HEX32, treeLine } from './fields';
import { dissectData } from './data';
import { dissectLlc } from './llc';
import { vssTrailer } from './vssmonitoring';
import { ETHERTYPE_NAMES } from './ethertypes';
import { dissectPpp } from './tunnel';
import type { State } from './state';
import * as tables from './tables';
import { macLabel, macNames } from '../enrich/manuf';
import { etherToString } from './addr';
import * as readers from './bytes';
import * as context from './context';
import type { Field } from '../types';
import { formatValue } from './format';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { ADDR_ETHER } = context;
const { ETHERTYPE } = tables;
const { u16, u32, u32le } = readers;


declare('eth', 'Ethernet II', [
  ['eth.dst', 'ether', 'Destination'],
  ['eth.src', 'ether', 'Source'],
  ['eth.addr', 'ether', 'Address', { description: 'source or destination' }],
  ['eth.dst_resolved', 'string', 'Destination (resolved)'],
  ['eth.src_resolved', 'string', 'Source (resolved)'],
  ['eth.addr_resolved', 'string', 'Address (resolved)'],
  ['eth.dst.oui', 'uint', 'Destination OUI'],
  ['eth.src.oui', 'uint', 'Source OUI'],
  ['eth.addr.oui', 'uint', 'Address OUI'],
  ['eth.dst.oui_resolved', 'string', 'Destination OUI (resolved)'],
  ['eth.src.oui_resolved', 'string', 'Source OUI (resolved)'],
  ['eth.addr.oui_resolved', 'string', 'Address OUI (resolved)'],
  ['eth.dst.lg', 'bool', 'LG bit (locally administered)'],
  ['eth.dst.ig', 'bool', 'IG bit (group address)'],
  ['eth.src.lg', 'bool', 'LG bit (locally administered)'],
  ['eth.src.ig', 'bool', 'IG bit (group address)'],
  ['eth.type', 'uint', 'Type', HEX16],
  ['eth.len', 'uint', 'Length'],
  ['eth.padding', 'bytes', 'Padding'],
  ['eth.trailer', 'bytes', 'Trailer'],
  ['eth.fcs', 'uint', 'Frame check sequence', HEX32],
  ['eth.fcs.status', 'uint', 'FCS Status', { valueNames: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' } }],
  ['eth.invalid_lentype', 'uint', 'Invalid length/type', HEX16],
]);
declare('sll', 'Linux cooked capture', [
  ['sll.pkttype', 'uint', 'Packet type', { valueNames: { 0: 'Unicast to us', 1: 'Broadcast', 2: 'Multicast', 3: 'Unicast to another host', 4: 'Sent by us' } }],
  ['sll.hatype', 'uint', 'Link-layer address type'],
  ['sll.halen', 'uint', 'Link-layer address length'],
  ['sll.src.eth', 'ether', 'Source'],
  ['sll.src.unknown', 'bytes', 'Source'],
  ['sll.ifindex', 'uint', 'Interface index'],
  ['sll.etype', 'uint', 'Protocol', HEX16],
  ['sll.trailer', 'bytes', 'Trailer'],
  ['sll.ltype', 'uint', 'Protocol', HEX16],
]);
declare('mpls', 'MultiProtocol Label Switching Header', [
  ['mpls.label', 'uint', 'MPLS Label'],
  ['mpls.exp', 'uint', 'MPLS Experimental Bits'],
  ['mpls.bottom', 'bool', 'MPLS Bottom Of Label Stack'],
  ['mpls.ttl', 'uint', 'MPLS TTL'],
]);
declare('pppoes', 'PPP-over-Ethernet Session', [
  // tshark names the session stage's header fields after PPPoE's (packet-pppoe.c's hf_pppoe_*)
  ['pppoe.version', 'uint', 'Version'],
  ['pppoe.type', 'uint', 'Type'],
  ['pppoe.code', 'uint', 'Code', { ...HEX8, valueNames: { 0: 'Session Data' } }],
  ['pppoe.session_id', 'uint', 'Session ID', HEX16],
  ['pppoe.payload_length', 'uint', 'Payload Length'],
]);
declare('null', 'Null/Loopback', [['null.family', 'uint', 'Family', { valueNames: { 2: 'IP', 24: 'IPv6', 28: 'IPv6', 30: 'IPv6' } }]]);
declare('raw', 'Raw packet data', []);
declare('vlan', '802.1Q Virtual LAN', [
  ['vlan.priority', 'uint', 'Priority'],
  ['vlan.dei', 'bool', 'DEI'],
  ['vlan.id', 'uint', 'ID'],
  ['vlan.etype', 'uint', 'Type', HEX16],
  ['vlan.trailer', 'bytes', 'VLAN Trailer'],
  ['vlan.len', 'uint', 'Length'],
]);

export function dissectLink(ctx: Ctx, st: State): void {
  const lt = ctx.pkt.linkType & 0x03ffffff; // upper bits carry FCS info (pcap link-type field)
  const end = ctx.d.length;
  switch (lt) {
    case LinkType.ETHERNET: return dissectEth(ctx, st, 0, end, true);
    case LinkType.LINUX_SLL: return dissectSll(ctx, st, end);
    case LinkType.LINUX_SLL2: return dissectSll2(ctx, st, end);
    case LinkType.NULL: case LinkType.LOOP: return dissectNull(ctx, st, end, lt === LinkType.LOOP);
    case LinkType.RAW: {
      ctx.layer('raw', 0, end);
      return dissectRawIp(ctx, st, 0, end);
    }
    case LinkType.IPV4: byEthertype(ctx, st, 0x0800, 0, end); return;
    case LinkType.IPV6: byEthertype(ctx, st, 0x86dd, 0, end); return;
    default: {
      const own = tables.LINKTYPE.get(lt);
      if (own !== undefined) { own(ctx, st, 0, end); return; }
      ctx.setSummary('Unknown', `WTAP_ENCAP = ${lt}`);
      dissectData(ctx, 0, end);
    }
  }
}

/** Hands [off, end) to the protocol registered for an ethertype (data when none); returns where its bytes end. */
function byEthertype(ctx: Ctx, st: State, type: number, off: number, end: number): number {
  const next = ETHERTYPE.get(type);
  if (next === undefined) { dissectData(ctx, off, end); return end; }
  return next(ctx, st, off, end) ?? end;
}

/** IPv4 or IPv6 by the version nibble (raw IP links, MPLS payloads); returns where the datagram ends. */
function ipByVersion(ctx: Ctx, st: State, off: number, end: number): number {
  const v = ctx.d[off] >> 4;
  return byEthertype(ctx, st, v === 4 ? 0x0800 : v === 6 ? 0x86dd : -1, off, end);
}

function dissectRawIp(ctx: Ctx, st: State, off: number, end: number): void {
  if (off >= end) return;
  ipByVersion(ctx, st, off, end);
}

const ETH_TYPE = fieldGroup('eth.type');
// every Ethernet frame's fields, by key (no name hashing per packet)
const K_ETH = fieldKey('eth'), K_DST = fieldKey('eth.dst'), K_SRC = fieldKey('eth.src'), K_ADDR = fieldKey('eth.addr');
const K_PADDING = fieldKey('eth.padding'), K_TRAILER = fieldKey('eth.trailer');
const DST_FLAGS = fieldGroup('eth.dst.lg', 'eth.dst.ig'), SRC_FLAGS = fieldGroup('eth.src.lg', 'eth.src.ig');

const NAMED = fieldGroup(
  'eth.dst_resolved', 'eth.src_resolved', 'eth.addr_resolved', 'eth.dst.oui', 'eth.src.oui', 'eth.addr.oui',
  'eth.dst.oui_resolved', 'eth.src.oui_resolved', 'eth.addr.oui_resolved',
);

/** eth.dst_resolved, eth.dst.oui(_resolved) and their eth.addr twins, in tshark's order: only when one is asked for (a name lookup each). */
function macNameFields(ctx: Ctx, eth: FieldNode, dst: boolean, d: Uint8Array, o: number): void {
  if (!ctx.any(NAMED)) return;
  const a = d.subarray(o, o + 6);
  const names = macNames();
  const resolved = names?.resolve(a) ?? etherToString(a);
  const oui = d[o] * 65536 + d[o + 1] * 256 + d[o + 2];
  const vendor = names?.vendorLong(a) ?? null;
  for (const base of dst ? ['eth.dst', 'eth.addr'] : ['eth.src', 'eth.addr']) {
    ctx.add(eth, base + '_resolved', resolved, o, 6).generated = true;
    ctx.add(eth, base + '.oui', oui, o, 3);
    if (vendor !== null) ctx.add(eth, base + '.oui_resolved', vendor, o, 3).generated = true;
  }
}

function macFlags(ctx: Ctx, parent: FieldNode, lg: string, ig: string, d: Uint8Array, o: number): void {
  if (!ctx.any(lg === 'eth.dst.lg' ? DST_FLAGS : SRC_FLAGS)) return;
  ctx.add(parent, lg, (d[o] & 2) !== 0, o, 3);
  ctx.add(parent, ig, (d[o] & 1) !== 0, o, 3);
}

/**
 * An Ethernet frame at [off, end). `fcs`: the frame may end in a frame
 * check sequence, guessed as tshark guesses it (a capture's own Ethernet
 * frames); Ethernet carried inside another protocol (VXLAN, GRE, ERSPAN)
 * has none, as tshark's eth_withoutfcs.
 */
export function dissectEth(ctx: Ctx, st: State, off: number, end: number, fcs = false): void {
  const d = ctx.d;
  const eth = ctx.layerK(K_ETH, off, Math.min(14, end - off));
  if (end - off < 14) {
    ctx.malformedAt('eth', `Ethernet header cut short (${end - off} of 14 bytes)`, off, end - off);
    if (end - off >= 6) { ctx.add(eth, 'eth.dst', d.subarray(off, off + 6), off, 6); }
    ctx.setSummary('Ethernet', 'Malformed Ethernet frame');
    return;
  }
  // address views only when someone reads them (field-subset mode skips them)
  const addr = ctx.wantsK(K_ADDR);
  if (addr || ctx.wantsK(K_DST)) {
    const dst = ctx.mac(d, off);
    ctx.addK(eth, K_DST, dst, off, 6);
    if (addr) ctx.addK(eth, K_ADDR, dst, off, 6);
  }
  macNameFields(ctx, eth, true, d, off);
  macFlags(ctx, eth, 'eth.dst.lg', 'eth.dst.ig', d, off);
  if (addr || ctx.wantsK(K_SRC)) {
    const src = ctx.mac(d, off + 6);
    ctx.addK(eth, K_SRC, src, off + 6, 6);
    if (addr) ctx.addK(eth, K_ADDR, src, off + 6, 6);
  }
  macNameFields(ctx, eth, false, d, off + 6);
  macFlags(ctx, eth, 'eth.src.lg', 'eth.src.ig', d, off + 6);
  if (ctx.d === ctx.pkt.data) {
    // the summary reads the addresses from the frame by offset
    ctx.srcKind = ADDR_ETHER; ctx.src = off + 6;
    ctx.dstKind = ADDR_ETHER; ctx.dst = off;
  }
  const type = u16(d, off + 12);
  // packet-eth.c: 0 is an ethertype (ETHERTYPE_UNK, Cisco's "Vegas" frames), 1..1500 a length
  if (type <= 1500 && type !== 0) {
    // IEEE 802.3 length + LLC
    ctx.add(eth, 'eth.len', type, off + 12, 2);
    const payEnd = lengthEnd(ctx, 'eth', type, off + 14, end);
    dissectLlc(ctx, st, off + 14, payEnd);
    trailer(ctx, eth, payEnd, end, K_TRAILER, fcs);
    return;
  }
  if (type > 1500 && type < 1536) {
    // neither a length nor an ethertype: tshark shows the rest as data and says why
    ctx.add(eth, 'eth.invalid_lentype', type, off + 12, 2);
    ctx.note('protocol', 'eth', `Invalid length/type: 0x${type.toString(16).padStart(4, '0')} (${type})`, 'warn');
    ctx.setSummary('Ethernet', `Ethernet Unknown: Invalid length/type: 0x${type.toString(16).padStart(4, '0')} (${type})`);
    dissectData(ctx, off + 14, end);
    return;
  }
  if (ctx.any(ETH_TYPE)) ctx.add(eth, 'eth.type', type, off + 12, 2);
  const used = ethertype(ctx, st, type, off + 14, end);
  trailer(ctx, eth, used, end, K_TRAILER, fcs);
}

/** Where the bytes the link layer reports end: the frame's original length when [.., end) ends its captured bytes. */
function reportedEnd(ctx: Ctx, end: number): number {
  const p = ctx.pkt;
  return ctx.d === p.data && end === ctx.d.length ? end + Math.max(0, p.origLen - p.capLen) : end;
}

/**
 * The end of the payload an 802.3 length (or a tag's) covers, as
 * packet-ieee8023.c cuts it: a length past the frame's reported bytes is
 * flagged (eth.len.past_end, vlan.len.past_end: malformed, Info untouched)
 * and cut to them.
 */
function lengthEnd(ctx: Ctx, proto: 'eth' | 'vlan', length: number, off: number, end: number): number {
  const reported = reportedEnd(ctx, end) - off;
  if (length > reported) {
    ctx.flagMalformed(proto, 'Length field value goes past the end of the payload', off - 2, 2);
    length = reported;
  }
  return Math.min(end, off + length);
}

const K_FCS = fieldKey('eth.fcs'), K_FCS_STATUS = fieldKey('eth.fcs.status');

/**
 * Bytes after what the payload used, as tshark 4.0's add_ethernet_trailer
 * shows them. Padding exists only in a frame of at least 60 bytes (its
 * whole length, link headers and tags counted) whose bytes before the
 * trailer are fewer than 60: it fills them up to 60 and must be all zeros
 * (else there is none). When `fcs` (tshark's FCS heuristic), a frame of 64
 * bytes or more with 4 or more bytes left after the padding ends in an FCS
 * (eth.fcs, unverified). A VSS Monitoring trailer, tried before the FCS
 * and again on what precedes it, is that protocol's. What remains is the
 * trailer of the layer that called: `key` is eth.trailer, vlan.trailer,
 * sll.trailer or ieee8021ah.trailer. Reading a padding byte or the FCS
 * past the captured bytes stops there, as tshark's exception does.
 */
export function trailer(ctx: Ctx, node: FieldNode, used: number, end: number, key: FieldKey, fcs: boolean): void {
  if (used >= end) return;
  const d = ctx.d, frameLen = ctx.pkt.origLen;
  let o = used, cap = end - used, rep = reportedEnd(ctx, end) - used;
  if (frameLen >= 60 && frameLen - rep < 60) {
    let pad = 60 - (frameLen - rep);
    for (let i = 0; i < pad; i++) {
      if (i >= cap) { ctx.short = true; return; }
      if (d[o + i] !== 0) { pad = 0; break; }
    }
    if (pad > 0) {
      if (ctx.wantsK(K_PADDING)) ctx.addK(node, K_PADDING, d.subarray(o, o + pad), o, pad);
      o += pad; cap -= pad; rep -= pad;
    }
  }
  // tshark offers the trailer to its trailer heuristics first, then (guessing an FCS) what precedes the FCS
  let taken = rep > 0 ? vssTrailer(ctx, o, cap, rep) : false;
  let hasFcs = false;
  if (fcs && taken === false && frameLen >= 64 && rep >= 4) {
    hasFcs = true;
    rep -= 4;
    cap = Math.min(cap, rep);
    taken = rep > 0 ? vssTrailer(ctx, o, cap, rep) : false;
  }
  if (taken === null) { ctx.short = true; return; }
  if (!taken && cap > 0 && ctx.wantsK(key)) ctx.addK(node, key, d.subarray(o, o + cap), o, cap);
  if (!hasFcs) return;
  o += cap;
  if (o + 4 > end) { ctx.short = true; return; }
  if (ctx.wantsK(K_FCS)) ctx.addK(node, K_FCS, u32(d, o), o, 4);
  if (ctx.wantsK(K_FCS_STATUS)) ctx.addK(node, K_FCS_STATUS, 2, o, 4).generated = true;
}

/**
 * Dispatches on an ethertype; returns the end of the bytes the payload
 * protocol claimed (so the Ethernet layer can mark padding/trailer).
 */
export function ethertype(ctx: Ctx, st: State, type: number, off: number, end: number, pseudo = true): number {
  // tshark lists an "ethertype" step after Ethernet, SLL and VLAN, not after GRE or SNAP
  if (pseudo) ctx.protocols.push('ethertype');
  const next = ETHERTYPE.get(type);
  if (next !== undefined) return next(ctx, st, off, end) ?? end;
  const parent = ctx.protocols[ctx.protocols.length - 2];
  dissectData(ctx, off, end);
  // SNAP hands its PID to the ethertype table itself: no column changes there
  if (!pseudo) return end;
  // packet-ethertype.c: Protocol is the type in hex; Info its name when it has
  // one, else what the layer in front set (Ethernet's "Ethernet II", a tag's "PRI: …")
  ctx.protocol = `0x${type.toString(16).padStart(4, '0')}`;
  const name = ETHERTYPE_NAMES[type];
  if (name !== undefined) ctx.info = name;
  else if (parent === 'eth') ctx.info = 'Ethernet II';
  return end;
}

/** MPLS label stack (RFC 3032), then IPv4/IPv6 by the first nibble. */
function mpls(ctx: Ctx, st: State, off: number, end: number): number {
  const d = ctx.d;
  const l = ctx.layer('mpls', off, 0);
  ctx.protocol = 'MPLS';
  let o = off;
  // at most 16 labels: a stack without a bottom marker ends as malformed
  for (let i = 0; i < 16; i++) {
    if (o + 4 > end) { ctx.malformedAt('mpls', 'MPLS label stack cut short', o, end - o); return end; }
    const w = u32(d, o);
    ctx.add(l, 'mpls.label', w >>> 12, o, 3);
    ctx.add(l, 'mpls.exp', (w >>> 9) & 7, o + 2, 1);
    ctx.add(l, 'mpls.bottom', (w & 0x100) !== 0, o + 2, 1);
    ctx.add(l, 'mpls.ttl', w & 255, o + 3, 1);
    o += 4;
    if (w & 0x100) break;
    if (i === 15) { ctx.malformedAt('mpls', 'MPLS label stack without a bottom', off, o - off); return end; }
  }
  l.len = o - off;
  if (o >= end) return end;
  return ipByVersion(ctx, st, o, end);
}

/** PPPoE session stage (RFC 2516): 6-byte header, then PPP. */
function pppoeSession(ctx: Ctx, st: State, off: number, end: number): number {
  const d = ctx.d;
  const l = ctx.layer('pppoes', off, Math.min(6, end - off));
  ctx.protocol = 'PPPoES';
  if (end - off < 6) { ctx.malformedAt('pppoes', 'PPPoE header cut short', off, end - off); return end; }
  ctx.add(l, 'pppoe.version', d[off] >> 4, off, 1);
  ctx.add(l, 'pppoe.type', d[off] & 15, off, 1);
  ctx.add(l, 'pppoe.code', d[off + 1], off + 1, 1);
  ctx.add(l, 'pppoe.session_id', u16(d, off + 2), off + 2, 2);
  const plen = u16(d, off + 4);
  ctx.add(l, 'pppoe.payload_length', plen, off + 4, 2);
  // packet-pppoe.c doubts a length that differs from the bytes after the header (by more than 4: an FCS)
  // unless the session is short enough to be padding or carries LCP/IPCP, which exclude their padding
  const actual = reportedEnd(ctx, end) - off - 6;
  const cp = end - off >= 8 ? u16(d, off + 6) : -1;
  if (actual + 6 > 46 && cp !== 0xc021 && cp !== 0x8021 && plen !== actual && plen + 4 !== actual) {
    ctx.flagMalformed('pppoes', `Possible bad payload length ${plen} != ${actual}`, off + 4, 2);
  }
  const stop = Math.min(end, off + 6 + plen);
  dissectPpp(ctx, st, off + 6, stop);
  // packet-pppoe.c keeps its whole tvb: bytes past the PPPoE length are no Ethernet trailer in tshark
  return end;
}

// fields of every packet that gets here, by key (no name hashing per packet)
const K_VLAN_PRIORITY = fieldKey('vlan.priority'), K_VLAN_DEI = fieldKey('vlan.dei'), K_VLAN_ID = fieldKey('vlan.id');
const K_VLAN_LEN = fieldKey('vlan.len'), K_VLAN_ETYPE = fieldKey('vlan.etype'), K_VLAN = fieldKey('vlan');
const K_VLAN_TRAILER = fieldKey('vlan.trailer'), K_SLL_TRAILER = fieldKey('sll.trailer');

function vlan(ctx: Ctx, st: State, off: number, end: number): number {
  const d = ctx.d;
  const v = ctx.layerK(K_VLAN, off, Math.min(4, end - off));
  if (end - off < 2) {
    ctx.malformedAt('vlan', `802.1Q tag cut short (${end - off} of 4 bytes)`, off, end - off);
    return end;
  }
  const tci = u16(d, off);
  // packet-vlan.c sets the columns and adds the TCI's fields before it reads the type
  ctx.protocol = 'VLAN';
  ctx.info = `PRI: ${tci >> 13}  DEI: ${(tci >> 12) & 1}  ID: ${tci & 0xfff}`;
  ctx.addK(v, K_VLAN_PRIORITY, tci >> 13, off, 2);
  ctx.addK(v, K_VLAN_DEI, (tci & 0x1000) !== 0, off, 2);
  ctx.addK(v, K_VLAN_ID, tci & 0xfff, off, 2);
  if (end - off < 4) {
    ctx.boundsAt('vlan', `802.1Q tag cut short (${end - off} of 4 bytes)`, off, end - off);
    return end;
  }
  const type = u16(d, off + 2);
  // the tag's own layer shows what follows its payload (vlan.trailer; tshark guesses no FCS behind a tag)
  if (type <= 1500) {
    ctx.addK(v, K_VLAN_LEN, type, off + 2, 2);
    const payEnd = lengthEnd(ctx, 'vlan', type, off + 4, end);
    dissectLlc(ctx, st, off + 4, payEnd);
    trailer(ctx, v, payEnd, end, K_VLAN_TRAILER, false);
    return end;
  }
  ctx.addK(v, K_VLAN_ETYPE, type, off + 2, 2);
  trailer(ctx, v, ethertype(ctx, st, type, off + 4, end), end, K_VLAN_TRAILER, false);
  return end;
}

function sllAddress(ctx: Ctx, l: FieldNode, hatype: number, halen: number, o: number): void {
  const d = ctx.d;
  // Ethernet and loopback (ARPHRD_ETHER, ARPHRD_LOOPBACK) carry a MAC, as tshark shows it
  if ((hatype === 1 || hatype === 772) && halen === 6) {
    if (ctx.wants('sll.src.eth')) ctx.add(l, 'sll.src.eth', d.subarray(o, o + 6), o, 6);
    ctx.srcKind = ADDR_ETHER; ctx.src = o;
  } else if (halen > 0) {
    ctx.add(l, 'sll.src.unknown', d.subarray(o, o + Math.min(halen, 8)), o, Math.min(halen, 8));
  }
}

function sllPayload(ctx: Ctx, st: State, l: FieldNode, proto: number, protoOff: number, off: number, end: number): void {
  if (proto <= 1500) {
    ctx.add(l, 'sll.ltype', proto, protoOff, 2);
    // 0x0004: 802.2 LLC frames; anything else is shown as data
    if (proto === 4) dissectLlc(ctx, st, off, end);
    else dissectData(ctx, off, end);
    return;
  }
  ctx.add(l, 'sll.etype', proto, protoOff, 2);
  // bytes after the payload are padding or a trailer, by Ethernet's rule (no FCS on a cooked capture)
  trailer(ctx, l, ethertype(ctx, st, proto, off, end), end, K_SLL_TRAILER, false);
}

function dissectSll(ctx: Ctx, st: State, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('sll', 0, Math.min(16, end));
  if (end < 16) { ctx.malformedAt('sll', `Linux cooked header cut short (${end} of 16 bytes)`, 0, end); return; }
  ctx.add(l, 'sll.pkttype', u16(d, 0), 0, 2);
  const hatype = u16(d, 2), halen = u16(d, 4);
  ctx.add(l, 'sll.hatype', hatype, 2, 2);
  ctx.add(l, 'sll.halen', halen, 4, 2);
  sllAddress(ctx, l, hatype, halen, 6);
  sllPayload(ctx, st, l, u16(d, 14), 14, 16, end);
}

function dissectSll2(ctx: Ctx, st: State, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('sll', 0, Math.min(20, end));
  if (end < 20) { ctx.malformedAt('sll', `Linux cooked v2 header cut short (${end} of 20 bytes)`, 0, end); return; }
  ctx.add(l, 'sll.ifindex', u32(d, 4), 4, 4);
  const hatype = u16(d, 8), halen = d[11];
  ctx.add(l, 'sll.hatype', hatype, 8, 2);
  ctx.add(l, 'sll.pkttype', d[10], 10, 1);
  ctx.add(l, 'sll.halen', halen, 11, 1);
  sllAddress(ctx, l, hatype, halen, 12);
  sllPayload(ctx, st, l, u16(d, 0), 0, 20, end);
}

function dissectNull(ctx: Ctx, st: State, end: number, loop: boolean): void {
  const d = ctx.d;
  const l = ctx.layer('null', 0, Math.min(4, end));
  if (end < 4) { ctx.malformedAt('null', `loopback header cut short (${end} of 4 bytes)`, 0, end); return; }
  // NULL is in the writer's byte order: a family fits in the low 16 bits either way
  let fam = loop ? u32(d, 0) : u32le(d, 0);
  if (!loop && fam > 0xffff) fam = u32(d, 0);
  ctx.add(l, 'null.family', fam, 0, 4);
  // BSD's AF_INET6 differs between systems (24, 28, 30), Linux's is 10
  byEthertype(ctx, st, fam === 2 ? 0x0800 : fam === 24 || fam === 28 || fam === 30 || fam === 10 ? 0x86dd : -1, 4, end);
}

ETHERTYPE.add(0x8100, vlan);
ETHERTYPE.add(0x9100, vlan);
ETHERTYPE.add(0x8847, mpls);
ETHERTYPE.add(0x8848, mpls);
ETHERTYPE.add(0x8864, pppoeSession);
// transparent Ethernet bridging (GRE, and tshark's ethertype table)
ETHERTYPE.add(0x6558, (ctx, st, off, end) => dissectEth(ctx, st, off, end));

function macText(c: Field | undefined): string {
  if (c === undefined) return '?';
  return c.value instanceof Uint8Array && c.value.length === 6 ? macLabel(c.value, etherToString(c.value)) : formatValue(c);
}

treeLine('eth', (v) => v.has('eth.src') ? `${v.title}, Src: ${macText(v.field('eth.src'))}, Dst: ${macText(v.field('eth.dst'))}` : v.title, ['eth.src', 'eth.dst']);
treeLine('vlan', (v) => v.has('vlan.id') ? `${v.title}, PRI: ${v.text('vlan.priority')}, DEI: ${v.text('vlan.dei')}, ID: ${v.text('vlan.id')}` : v.title, ['vlan.priority', 'vlan.dei', 'vlan.id']);
treeLine('sll', (v) => {
  const lt = v.dissection?.packet.linkType;
  return lt === 276 || (lt === undefined && v.has('sll.ifindex')) ? `${v.title} v2` : `${v.title} v1`;
});
