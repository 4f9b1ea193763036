// OSPF (ip.proto 89): v2 (RFC 2328) over IPv4 and v3 (RFC 5340) over IPv6 —
// the header with its authentication, Hello, DB Description, LS Request,
// LS Update and LS Acknowledge, the LSA headers and the common LSA bodies
// (router, network, summary, AS-external, NSSA; v3 inter-area, link and
// intra-area-prefix), the LLS data block and the v3 authentication
// trailer. Fields, their order and where a lying length stops the
// dissection follow tshark 4.0's packet-ospf.c; Info is the message type.
// Where tshark opens a subtree of a given length (an LSA, a request, a
// router link) the bytes must all be there, or the dissection stops
// (`t.need`); its OSPF Header and Hello items are cut at the bytes there.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, FLOAT32, HEX16, HEX32 } from './fields';
import { dissectData } from './data';
import { Tvb, guarded, stop } from './tvb';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { IP_PROTO } = tables;

const MSG: Record<number, string> = { 1: 'Hello Packet', 2: 'DB Description', 3: 'LS Request', 4: 'LS Update', 5: 'LS Acknowledge' };
const MSG_FLAG = ['', 'ospf.msg.hello', 'ospf.msg.dbdesc', 'ospf.msg.lsreq', 'ospf.msg.lsupdate', 'ospf.msg.lsack'];
const LS_TYPE: Record<number, string> = {
  1: 'Router-LSA', 2: 'Network-LSA', 3: 'Summary-LSA (IP network)', 4: 'Summary-LSA (ASBR)', 5: 'AS-External-LSA (ASBR)',
  6: 'Group Membership LSA', 7: 'NSSA AS-External-LSA', 8: 'External Attributes LSA', 9: 'Opaque LSA, Link-local scope',
  10: 'Opaque LSA, Area-local scope', 11: 'Opaque LSA, AS-local scope',
};
const V3_LS_TYPE: Record<number, string> = {
  1: 'Router-LSA', 2: 'Network-LSA', 3: 'Inter-Area-Prefix-LSA', 4: 'Inter-Area-Router-LSA', 5: 'AS-External-LSA',
  6: 'Group-Membership-LSA', 7: 'NSSA-LSA', 8: 'Link-LSA', 9: 'Intra-Area-Prefix-LSA', 12: 'Router Information Opaque-LSA',
};
/** the hidden per-type flag fields tshark adds beside an LSA's type */
const LS_FLAG = ['', 'ospf.lsa.router', 'ospf.lsa.network', 'ospf.lsa.summary', 'ospf.lsa.asbr', 'ospf.lsa.asext', 'ospf.lsa.member',
  'ospf.lsa.nssa', 'ospf.lsa.attr', 'ospf.lsa.opaque', 'ospf.lsa.opaque', 'ospf.lsa.opaque'];
const V3_LS_FLAG = ['', 'ospf.v3.lsa.router', 'ospf.v3.lsa.network', 'ospf.v3.lsa.interprefix', 'ospf.v3.lsa.interrouter', 'ospf.v3.lsa.asext',
  'ospf.v3.lsa.member', 'ospf.v3.lsa.nssa', 'ospf.v3.lsa.link', 'ospf.v3.lsa.intraprefix', '', '', 'ospf.v3.lsa.opaque'];
/** the least length of each v2 LSA type, below which tshark stops at the LSA */
const LS_MIN = [0, 24, 28, 28, 28, 36, 20, 36, 20, 20, 20, 20];

/** A flags byte (or word) as tshark's dissect_ospf_bitfield shows it: the whole value, then one boolean per bit. */
interface Bits { field: string; len: number; bits: ReadonlyArray<readonly [string, number]> }
const bitsOf = (field: string, len: number, bits: Array<[string, number]>): Bits => ({ field, len, bits });
const V2_OPTIONS = bitsOf('ospf.v2.options', 1, [['dn', 0x80], ['o', 0x40], ['dc', 0x20], ['l', 0x10], ['n', 0x08], ['mc', 0x04], ['e', 0x02], ['mt', 0x01]]);
const V2_OPTIONS_LSA7 = bitsOf('ospf.v2.options', 1, [['dn', 0x80], ['o', 0x40], ['dc', 0x20], ['l', 0x10], ['p', 0x08], ['mc', 0x04], ['e', 0x02], ['mt', 0x01]]);
const V3_OPTIONS = bitsOf('ospf.v3.options', 3, [['at', 0x400], ['l', 0x200], ['af', 0x100], ['dc', 0x20], ['r', 0x10], ['n', 0x08], ['mc', 0x04], ['e', 0x02], ['v6', 0x01]]);
const DBD = bitsOf('ospf.dbd', 1, [['r', 0x08], ['i', 0x04], ['m', 0x02], ['ms', 0x01]]);
const V2_ROUTER_FLAGS = bitsOf('ospf.v2.router.lsa.flags', 1, [['h', 0x80], ['n', 0x10], ['w', 0x08], ['v', 0x04], ['e', 0x02], ['b', 0x01]]);
const V3_ROUTER_FLAGS = bitsOf('ospf.v3.router.lsa.flags', 1, [['w', 0x08], ['v', 0x04], ['e', 0x02], ['b', 0x01]]);
const V3_EXTERNAL_FLAGS = bitsOf('ospf.v3.as.external.flags', 1, [['e', 0x04], ['f', 0x02], ['t', 0x01]]);
const V3_PREFIX_OPTIONS = bitsOf('ospf.v3.prefix.options', 1, [['p', 0x08], ['mc', 0x04], ['la', 0x02], ['nu', 0x01]]);
const RI_OPTIONS = bitsOf('ospf.ri.options', 1, [['grc', 0x80], ['grh', 0x40], ['srs', 0x20], ['tes', 0x10], ['p2plan', 0x08], ['ete', 0x04], ['host', 0x01]]);
const LLS_EXT = bitsOf('ospf.lls.ext.options', 4, [['rs', 0x2], ['lr', 0x1]]);
const V3_LLS_EXT = bitsOf('ospf.v3.lls.ext.options', 4, [['rs', 0x2], ['lr', 0x1]]);

const bitFields = (b: Bits, digits: number): Array<[string, 'uint' | 'bool', string, object?]> => [
  [b.field, 'uint', 'Options', { base: 'hex', hexDigits: digits }],
  ...b.bits.map(([n]) => [`${b.field}.${n}`, 'bool', n.toUpperCase()] as [string, 'bool', string]),
];

declare('ospf', 'Open Shortest Path First', [
  ['ospf.header', 'none', 'OSPF Header'],
  ['ospf.version', 'uint', 'Version'],
  ['ospf.msg', 'uint', 'Message Type', { valueNames: MSG }],
  ['ospf.msg.hello', 'bool', 'Hello'],
  ['ospf.msg.dbdesc', 'bool', 'Database Description'],
  ['ospf.msg.lsreq', 'bool', 'Link State Adv Request'],
  ['ospf.msg.lsupdate', 'bool', 'Link State Adv Update'],
  ['ospf.msg.lsack', 'bool', 'Link State Adv Acknowledgement'],
  ['ospf.packet_length', 'uint', 'Packet Length'],
  ['ospf.srcrouter', 'ipv4', 'Source OSPF Router'],
  ['ospf.area_id', 'ipv4', 'Area ID'],
  ['ospf.checksum', 'uint', 'Checksum', HEX16],
  ['ospf.auth.type', 'uint', 'Auth Type', { valueNames: { 0: 'Null', 1: 'Simple password', 2: 'Cryptographic' } }],
  ['ospf.auth.none', 'bytes', 'Auth Data (none)'],
  ['ospf.auth.simple', 'string', 'Auth Data (Simple)'],
  ['ospf.auth.crypt.key_id', 'uint', 'Auth Crypt Key id'],
  ['ospf.auth.crypt.data_length', 'uint', 'Auth Crypt Data Length'],
  ['ospf.auth.crypt.seq_nbr', 'uint', 'Auth Crypt Sequence Number'],
  ['ospf.auth.crypt.data', 'bytes', 'Auth Crypt Data'],
  ['ospf.auth.unknown', 'bytes', 'Auth Unknown'],
  ['ospf.instance_id', 'uint', 'Instance ID'],
  ['ospf.reserved', 'bytes', 'Reserved'],
  ['ospf.hello', 'none', 'OSPF Hello Packet'],
  ['ospf.hello.network_mask', 'ipv4', 'Network Mask'],
  ['ospf.hello.interface_id', 'uint', 'Interface ID'],
  ['ospf.hello.hello_interval', 'uint', 'Hello Interval [sec]'],
  ['ospf.hello.router_priority', 'uint', 'Router Priority'],
  ['ospf.hello.router_dead_interval', 'uint', 'Router Dead Interval [sec]'],
  ['ospf.hello.designated_router', 'ipv4', 'Designated Router'],
  ['ospf.hello.backup_designated_router', 'ipv4', 'Backup Designated Router'],
  ['ospf.hello.active_neighbor', 'ipv4', 'Active Neighbor'],
  ['ospf.at', 'none', 'OSPF Authentication Trailer'],
  ['ospf.at.auth_type', 'uint', 'Authentication Type', { valueNames: { 0: 'Reserved', 1: 'HMAC Cryptographic Authentication' } }],
  ['ospf.at.auth_data_len', 'uint', 'Authentication Data Length'],
  ['ospf.at.reserved', 'uint', 'Reserved', HEX16],
  ['ospf.at.sa_id', 'uint', 'Security Association Identifier (SA ID)', HEX16],
  ['ospf.at.crypto_seq_nbr', 'uint', 'Cryptographic Sequence Number'],
  ['ospf.at.auth_data', 'bytes', 'Authentication Data'],
  ['ospf.db.interface_mtu', 'uint', 'Interface MTU'],
  ['ospf.db.dd_sequence', 'uint', 'DD Sequence'],
  ['ospf.lsa', 'uint', 'LS Type', { valueNames: LS_TYPE }],
  ['ospf.lsa.age', 'uint', 'LS Age (seconds)'],
  ['ospf.lsa.donotage', 'uint', 'Do Not Age Flag'],
  ['ospf.lsa.id', 'ipv4', 'Link State ID'],
  ['ospf.lsa.seqnum', 'uint', 'Sequence Number', HEX32],
  ['ospf.lsa.chksum', 'uint', 'Checksum', HEX16],
  ['ospf.lsa.length', 'uint', 'Length'],
  ['ospf.lsid_opaque_type', 'uint', 'Link State ID Opaque Type'],
  ['ospf.lsid_te_lsa.reserved', 'uint', 'Link State ID TE-LSA Reserved'],
  ['ospf.lsid_te_lsa.instance', 'uint', 'Link State ID TE-LSA Instance'],
  ['ospf.lsid.opaque_id', 'uint', 'Link State ID Opaque ID'],
  ['ospf.lsa.router', 'bool', 'Router LSA'],
  ['ospf.lsa.network', 'bool', 'Network LSA'],
  ['ospf.lsa.summary', 'bool', 'Summary LSA (IP Network)'],
  ['ospf.lsa.asbr', 'bool', 'Summary LSA (ASBR)'],
  ['ospf.lsa.asext', 'bool', 'AS-External LSA (ASBR)'],
  ['ospf.lsa.member', 'bool', 'Group Membership LSA'],
  ['ospf.lsa.nssa', 'bool', 'NSSA AS-External LSA'],
  ['ospf.lsa.attr', 'bool', 'External Attributes LSA'],
  ['ospf.lsa.opaque', 'bool', 'Opaque LSA'],
  ['ospf.lsa.number_of_links', 'uint', 'Number of Links'],
  ['ospf.lsa.router.linktype', 'uint', 'Link Type'],
  ['ospf.lsa.router.linkid', 'ipv4', 'Link ID'],
  ['ospf.lsa.router.linkdata', 'ipv4', 'Link Data'],
  ['ospf.lsa.router.nummetrics', 'uint', 'Number of Metrics'],
  ['ospf.lsa.router.metric0', 'uint', '0 Metric'],
  ['ospf.ls.metric', 'uint', 'Metric'],
  ['ospf.lsa.network.netmask', 'ipv4', 'Netmask'],
  ['ospf.lsa.network.attchrtr', 'ipv4', 'Attached Router'],
  ['ospf.lsa.asbr.netmask', 'ipv4', 'Netmask'],
  ['ospf.lsa.asext.netmask', 'ipv4', 'Netmask'],
  ['ospf.lsa.asext.fwdaddr', 'ipv4', 'Forwarding Address'],
  ['ospf.lsa.asext.extrttag', 'uint', 'External Route Tag'],
  ['ospf.lsa.asext.type', 'bool', 'External Type'],
  ['ospf.lsa.tos', 'uint', 'TOS'],
  ['ospf.metric', 'uint', 'Metric'],
  ['ospf.advrouter', 'ipv4', 'Advertising Router'],
  ['ospf.link_state_id', 'ipv4', 'Link State ID'],
  ['ospf.ls.number_of_lsas', 'uint', 'Number of LSAs'],
  ['ospf.v3.lsa', 'uint', 'LS Type', { ...HEX16, valueNames: V3_LS_TYPE }],
  ['ospf.v3.lsa.u', 'bool', 'Handling of Unknown LS Type'],
  ['ospf.v3.lsa.s12', 'uint', 'Flooding Scope', HEX16],
  ['ospf.v3.lsa.fc', 'uint', 'Function Code'],
  ['ospf.v3.lsa.do_not_age', 'bool', 'Do Not Age'],
  ['ospf.v3.lsa.router', 'bool', 'Router-LSA'],
  ['ospf.v3.lsa.network', 'bool', 'Network-LSA'],
  ['ospf.v3.lsa.interprefix', 'bool', 'Inter-Area-Prefix-LSA'],
  ['ospf.v3.lsa.interrouter', 'bool', 'Inter-Area-Router-LSA'],
  ['ospf.v3.lsa.asext', 'bool', 'AS-External-LSA'],
  ['ospf.v3.lsa.member', 'bool', 'Group-Membership-LSA'],
  ['ospf.v3.lsa.nssa', 'bool', 'NSSA-LSA'],
  ['ospf.v3.lsa.link', 'bool', 'Link-LSA'],
  ['ospf.v3.lsa.intraprefix', 'bool', 'Intra-Area-Prefix-LSA'],
  ['ospf.v3.lsa.opaque', 'bool', 'Router Information Opaque-LSA'],
  ['ospf.v3.lsa.type', 'uint', 'Type', { valueNames: { 1: 'Point-to-point connection to another router', 2: 'Connection to a transit network', 3: 'Connection to a stub network', 4: 'Virtual link' } }],
  ['ospf.v3.lsa.interface_id', 'uint', 'Interface ID'],
  ['ospf.v3.lsa.neighbor_interface_id', 'uint', 'Neighbor Interface ID'],
  ['ospf.v3.lsa.neighbor_router_id', 'ipv4', 'Neighbor Router ID'],
  ['ospf.v3.lsa.attached_router', 'ipv4', 'Attached Router'],
  ['ospf.v3.lsa.destination_router_id', 'ipv4', 'Destination Router ID'],
  ['ospf.v3.lsa.referenced_ls_type', 'uint', 'Referenced LS type', { ...HEX16, valueNames: V3_LS_TYPE }],
  ['ospf.v3.lsa.forwarding_address.ipv6', 'ipv6', 'Forwarding Address'],
  ['ospf.v3.lsa.forwarding_address.ipv4', 'ipv4', 'Forwarding Address'],
  ['ospf.v3.lsa.external_route_tag', 'uint', 'External Route Tag'],
  ['ospf.v3.lsa.referenced_link_state_id', 'ipv4', 'Referenced Link State ID'],
  ['ospf.v3.lsa.router_priority', 'uint', 'Router Priority'],
  ['ospf.v3.lsa.link_local_interface_address.ipv6', 'ipv6', 'Link-local Interface Address'],
  ['ospf.v3.lsa.link_local_interface_address.ipv4', 'ipv4', 'Link-local Interface Address'],
  ['ospf.v3.lsa.num_prefixes', 'uint', '# prefixes'],
  ['ospf.v3.lsa.referenced_advertising_router', 'ipv4', 'Referenced Advertising Router'],
  ['ospf.prefix_length', 'uint', 'PrefixLength'],
  ['ospf.v3.address_prefix.ipv6', 'ipv6', 'Address Prefix'],
  ['ospf.v3.address_prefix.ipv4', 'ipv4', 'Address Prefix'],
  ['ospf.lls.checksum', 'uint', 'Checksum', HEX16],
  ['ospf.lls.data_length', 'uint', 'LLS Data Length'],
  ['ospf.tlv_type', 'uint', 'TLV Type'],
  ['ospf.tlv_length', 'uint', 'TLV Length'],
  ['ospf.v2.lls.sequence_number', 'uint', 'Sequence number', HEX32],
  ['ospf.v2.lls.auth_data', 'bytes', 'Auth Data'],
  ['ospf.v3.lls.ext.options.tlv', 'none', 'Extended Options TLV'],
  ...bitFields(V2_OPTIONS, 2), ['ospf.v2.options.p', 'bool', 'P'],
  ...bitFields(V3_OPTIONS, 6),
  ...bitFields(DBD, 2),
  ...bitFields(V2_ROUTER_FLAGS, 2),
  ...bitFields(V3_ROUTER_FLAGS, 2),
  ...bitFields(V3_EXTERNAL_FLAGS, 2),
  ...bitFields(V3_PREFIX_OPTIONS, 2),
  ...bitFields(LLS_EXT, 8),
  ...bitFields(RI_OPTIONS, 2),
  ['ospf.lsa.mpls', 'bool', 'MPLS Traffic Engineering LSA'],
  ['ospf.mpls.routerid', 'ipv4', 'MPLS/TE Router ID'],
  ['ospf.mpls.linktype', 'uint', 'MPLS/TE Link Type', { valueNames: { 1: 'Point-to-point', 2: 'Multi-access' } }],
  ['ospf.mpls.linkid', 'ipv4', 'MPLS/TE Link ID'],
  ['ospf.mpls.local_addr', 'ipv4', 'MPLS/TE Local Interface Address'],
  ['ospf.mpls.remote_addr', 'ipv4', 'MPLS/TE Remote Interface Address'],
  ['ospf.mpls.te_metric', 'uint', 'MPLS/TE Metric'],
  ['ospf.mpls.linkcolor', 'uint', 'MPLS/TE Link Resource Class/Color', HEX32],
  ['ospf.mpls.group', 'uint', 'MPLS/TE Group', HEX32],
  ['ospf.mpls.link_max_bw', 'float', 'Link Max BW', FLOAT32],
  ['ospf.mpls.pri', 'float', 'Pri (or TE-Class)', FLOAT32],
  ['ospf.mpls.local_id', 'uint', 'MPLS/TE Local Interface Index'],
  ['ospf.mpls.remote_id', 'uint', 'MPLS/TE Remote Interface Index'],
  ['ospf.tlv_type.opaque', 'uint', 'TLV Type'],
  ['ospf.dynhostname', 'string', 'Dynamic Hostname'],
  ['ospf.tlv.unknown', 'bytes', 'TLV Unknown'],
  ['ospf.v2.grace', 'none', 'Grace TLV'],
  ['ospf.v2.grace.period', 'uint', 'Grace Period'],
  ['ospf.v2.grace.reason', 'uint', 'Restart Reason', { valueNames: { 0: 'Unknown', 1: 'Software Restart', 2: 'Software Reload/Upgrade', 3: 'Processor Switchover' } }],
  ['ospf.v2.grace.ip', 'ipv4', 'Restart IP'],
  ['ospf.lsa.invalid_length', 'none', 'Invalid LSA length'],
  ['ospf.lsa.tos_missing', 'none', 'Required TOS metrics missing'],
  ['ospf.lsa.unknown_type', 'none', 'Unknown LSA Type'],
  ...bitFields(V3_LLS_EXT, 8),
] as Parameters<typeof declare>[2]);

/** One OSPF packet's dissection: its bytes and where its fields go. */
interface Pkt { ctx: Ctx; t: Tvb; l: FieldNode; version: number; af4: boolean }

function bitfield(p: Pkt, parent: FieldNode, b: Bits, o: number): number {
  const v = b.len === 1 ? p.t.u8(o) : b.len === 3 ? p.t.u24(o) : p.t.u32(o);
  p.ctx.sub(parent, b.field, v, o, b.len);
  for (const [n, m] of b.bits) p.ctx.sub(parent, `${b.field}.${n}`, (v & m) !== 0, o, b.len);
  return v;
}

const ip = (p: Pkt, parent: FieldNode, name: string, o: number): void => { p.ctx.sub(parent, name, p.t.u32(o), o, 4); };
const u8f = (p: Pkt, parent: FieldNode, name: string, o: number): number => { const v = p.t.u8(o); p.ctx.sub(parent, name, v, o, 1); return v; };
const u16f = (p: Pkt, parent: FieldNode, name: string, o: number): number => { const v = p.t.u16(o); p.ctx.sub(parent, name, v, o, 2); return v; };
const u24f = (p: Pkt, parent: FieldNode, name: string, o: number): number => { const v = p.t.u24(o); p.ctx.sub(parent, name, v, o, 3); return v; };
const u32f = (p: Pkt, parent: FieldNode, name: string, o: number): number => { const v = p.t.u32(o); p.ctx.sub(parent, name, v, o, 4); return v; };
const bytesf = (p: Pkt, parent: FieldNode, name: string, o: number, n: number): void => { p.ctx.sub(parent, name, p.t.bytes(o, n), o, n); };

export function dissectOspf(ctx: Ctx, _st: State, off: number, end: number): void {
  const l = ctx.layer('ospf', off, end - off);
  ctx.protocol = 'OSPF';
  ctx.info = '';
  const t = new Tvb(ctx.d, end);
  const p: Pkt = { ctx, t, l, version: 0, af4: false };
  guarded(ctx, 'ospf', end, () => packet(p, off));
}

function packet(p: Pkt, off: number): void {
  const { ctx, t, l } = p;
  const version = p.version = t.u8(off);
  const hlen = version === 2 ? 24 : version === 3 ? 16 : 14;
  const type = t.u8(off + 1);
  ctx.info = MSG[type] ?? `Unknown (${type})`;
  const ospflen = t.u16(off + 2);
  // tshark's subtrees are not length-checked: the fields inside stop where the bytes do
  ctx.sub(l, 'ospf.header', null, off, Math.min(hlen, t.end - off));
  u8f(p, l, 'ospf.version', off);
  u8f(p, l, 'ospf.msg', off + 1);
  if (MSG_FLAG[type]) ctx.hidden(MSG_FLAG[type], true, off + 1, 1);
  u16f(p, l, 'ospf.packet_length', off + 2);
  ip(p, l, 'ospf.srcrouter', off + 4);
  ip(p, l, 'ospf.area_id', off + 8);
  u16f(p, l, 'ospf.checksum', off + 12);
  if (version !== 2 && version !== 3) return;
  let cryptoLen = 0;
  if (version === 2) {
    const auth = u16f(p, l, 'ospf.auth.type', off + 14);
    if (auth === 0) bytesf(p, l, 'ospf.auth.none', off + 16, 8);
    else if (auth === 1) ctx.sub(l, 'ospf.auth.simple', asciiz(t.bytes(off + 16, 8)), off + 16, 8);
    else if (auth === 2) {
      u8f(p, l, 'ospf.auth.crypt.key_id', off + 18);
      cryptoLen = u8f(p, l, 'ospf.auth.crypt.data_length', off + 19);
      u32f(p, l, 'ospf.auth.crypt.seq_nbr', off + 20);
      // the digest follows the packet, shown only when it is all there
      if (off + ospflen + cryptoLen <= t.end) bytesf(p, l, 'ospf.auth.crypt.data', off + ospflen, cryptoLen);
    } else bytesf(p, l, 'ospf.auth.unknown', off + 16, 8);
  } else {
    const instance = u8f(p, l, 'ospf.instance_id', off + 14);
    // an instance id in the IPv4 ranges (RFC 5838) carries IPv4 prefixes
    p.af4 = instance > 65 && instance < 128;
    bytesf(p, l, 'ospf.reserved', off + 15, 1);
  }
  // tshark takes the body's length as a 16-bit number: a packet length below the header's wraps round
  const body = off + hlen, bodyEnd = body + ((ospflen - hlen) & 0xffff);
  switch (type) {
    case 1: hello(p, body, bodyEnd); break;
    case 2: dbDesc(p, body, bodyEnd); break;
    case 3: lsRequest(p, body, bodyEnd); break;
    case 4: lsUpdate(p, body, bodyEnd); break;
    case 5: for (let o = body; bodyEnd > o;) o = lsa(p, o, false); break;
    default: dissectData(ctx, Math.min(body, t.end), t.end); break;
  }
  if (hasLls(p, off + hlen, type)) lls(p, off + ospflen + cryptoLen);
  if (version === 3 && type === 1 && (t.u24(off + hlen + 5) & 0x400) !== 0) trailer(p, off + ospflen);
}

/** FT_STRING from a fixed-size ENC_ASCII field: the text up to the first NUL, bytes past 0x7f not ASCII. */
function asciiz(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length && b[i] !== 0; i++) s += b[i] < 0x80 ? String.fromCharCode(b[i]) : '\ufffd';
  return s;
}

function hello(p: Pkt, o: number, end: number): void {
  const { ctx, t, l } = p;
  const h = ctx.sub(l, 'ospf.hello', null, o, Math.max(0, Math.min(end, t.end) - o));
  if (p.version === 2) {
    ip(p, h, 'ospf.hello.network_mask', o);
    u16f(p, h, 'ospf.hello.hello_interval', o + 4);
    bitfield(p, h, V2_OPTIONS, o + 6);
    u8f(p, h, 'ospf.hello.router_priority', o + 7);
    u32f(p, h, 'ospf.hello.router_dead_interval', o + 8);
  } else {
    u32f(p, h, 'ospf.hello.interface_id', o);
    u8f(p, h, 'ospf.hello.router_priority', o + 4);
    bitfield(p, h, V3_OPTIONS, o + 5);
    u16f(p, h, 'ospf.hello.hello_interval', o + 8);
    u16f(p, h, 'ospf.hello.router_dead_interval', o + 10);
  }
  ip(p, h, 'ospf.hello.designated_router', o + 12);
  ip(p, h, 'ospf.hello.backup_designated_router', o + 16);
  for (let n = o + 20; end > n; n += 4) ip(p, h, 'ospf.hello.active_neighbor', n);
}

function dbDesc(p: Pkt, o: number, end: number): void {
  const { l } = p;
  p.t.need(o, end - o);
  if (p.version === 2) {
    u16f(p, l, 'ospf.db.interface_mtu', o);
    bitfield(p, l, V2_OPTIONS, o + 2);
    bitfield(p, l, DBD, o + 3);
    u32f(p, l, 'ospf.db.dd_sequence', o + 4);
  } else {
    bytesf(p, l, 'ospf.reserved', o, 1);
    bitfield(p, l, V3_OPTIONS, o + 1);
    u16f(p, l, 'ospf.db.interface_mtu', o + 4);
    bytesf(p, l, 'ospf.reserved', o + 6, 1);
    bitfield(p, l, DBD, o + 7);
    u32f(p, l, 'ospf.db.dd_sequence', o + 8);
  }
  for (let n = o + (p.version === 2 ? 8 : 12); end > n;) n = lsa(p, n, false);
}

function lsRequest(p: Pkt, o: number, end: number): void {
  const { l } = p;
  for (; end > o; o += 12) {
    p.t.need(o, 12);
    if (p.version === 2) {
      // a 4-byte field read into tshark's 8-bit LS Type
      p.ctx.sub(l, 'ospf.lsa', p.t.u32(o), o, 4);
    } else {
      bytesf(p, l, 'ospf.reserved', o, 2);
      lsType3(p, o + 2);
    }
    ip(p, l, 'ospf.link_state_id', o + 4);
    ip(p, l, 'ospf.advrouter', o + 8);
  }
}

function lsUpdate(p: Pkt, o: number, end: number): void {
  p.t.need(o, end - o);
  const n = u32f(p, p.l, 'ospf.ls.number_of_lsas', o);
  // each LSA takes at least its 20-byte header: a count the bytes cannot hold ends in a read past them
  o += 4;
  for (let i = 0; i < n; i++) o = lsa(p, o, true);
}

/** One LSA (its header, and its body when `body`); returns where the next begins. */
function lsa(p: Pkt, o: number, body: boolean): number {
  return p.version === 2 ? lsaV2(p, o, body) : lsaV3(p, o, body);
}

function lsaV2(p: Pkt, o: number, body: boolean): number {
  const { ctx, t, l } = p;
  const type = t.u8(o + 3);
  const len = t.u16(o + 18);
  const end = o + len;
  t.need(o, body ? len : 20);
  const age = t.u16(o);
  ctx.sub(l, 'ospf.lsa.age', age & 0x7fff, o, 2);
  ctx.sub(l, 'ospf.lsa.donotage', age >> 15, o, 2);
  bitfield(p, l, type === 7 ? V2_OPTIONS_LSA7 : V2_OPTIONS, o + 2);
  u8f(p, l, 'ospf.lsa', o + 3);
  if (LS_FLAG[type]) ctx.hidden(LS_FLAG[type], true, o + 3, 1);
  if (type >= 9 && type <= 11) {
    const opaque = u8f(p, l, 'ospf.lsid_opaque_type', o + 4);
    if (opaque === 1) {
      u8f(p, l, 'ospf.lsid_te_lsa.reserved', o + 5);
      u16f(p, l, 'ospf.lsid_te_lsa.instance', o + 6);
    } else u24f(p, l, 'ospf.lsid.opaque_id', o + 5);
  } else ip(p, l, 'ospf.lsa.id', o + 4);
  ip(p, l, 'ospf.advrouter', o + 8);
  u32f(p, l, 'ospf.lsa.seqnum', o + 12);
  u16f(p, l, 'ospf.lsa.chksum', o + 16);
  u16f(p, l, 'ospf.lsa.length', o + 18);
  if (len < (type >= 1 && type <= 11 ? LS_MIN[type] : 20)) {
    ctx.sub(l, 'ospf.lsa.invalid_length', null, o + 18, 2);
    ctx.boundsAt('ospf', `Invalid LSA length (${len}) for type ${LS_TYPE[type] ?? 'Unknown'}`, o + 18, 2);
    stop();
  }
  o += 20;
  if (len <= 20 || !body) return o;
  switch (type) {
    case 1: {
      bitfield(p, l, V2_ROUTER_FLAGS, o);
      const links = u16f(p, l, 'ospf.lsa.number_of_links', o + 2);
      o += 4;
      for (let i = 0; i < links; i++) {
        const metrics = t.u8(o + 9);
        t.need(o, 12 + 4 * metrics);
        ip(p, l, 'ospf.lsa.router.linkid', o);
        ip(p, l, 'ospf.lsa.router.linkdata', o + 4);
        u8f(p, l, 'ospf.lsa.router.linktype', o + 8);
        u8f(p, l, 'ospf.lsa.router.nummetrics', o + 9);
        u16f(p, l, 'ospf.lsa.router.metric0', o + 10);
        o += 12;
        for (let m = 0; m < metrics; m++, o += 4) ctx.sub(l, 'ospf.ls.metric', t.u16(o + 2), o, 4);
      }
      return o;
    }
    case 2:
      ip(p, l, 'ospf.lsa.network.netmask', o);
      if (o + 4 === end) ctx.sub(l, 'ospf.lsa.tos_missing', null, o, 4);
      for (o += 4; o < end; o += 4) ip(p, l, 'ospf.lsa.network.attchrtr', o);
      return o;
    case 3: case 4:
      ip(p, l, 'ospf.lsa.asbr.netmask', o);
      if (o + 8 > end) ctx.sub(l, 'ospf.lsa.tos_missing', null, o, 0);
      for (o += 4; o < end; o += 4) {
        u8f(p, l, 'ospf.lsa.tos', o);
        u24f(p, l, 'ospf.metric', o + 1);
      }
      return o;
    case 5: case 7:
      ip(p, l, 'ospf.lsa.asext.netmask', o);
      if (o + 16 > end) ctx.sub(l, 'ospf.lsa.tos_missing', null, o, 0);
      for (o += 4; o < end; o += 12) {
        const b = t.u8(o);
        ctx.sub(l, 'ospf.lsa.asext.type', (b & 0x80) !== 0, o, 1);
        ctx.sub(l, 'ospf.lsa.tos', b & 0x7f, o, 1);
        u24f(p, l, 'ospf.metric', o + 1);
        ip(p, l, 'ospf.lsa.asext.fwdaddr', o + 4);
        u32f(p, l, 'ospf.lsa.asext.extrttag', o + 8);
      }
      return o;
    case 9: case 10: case 11:
      opaque(p, o, t.u8(o - 16), len - 20);
      return o + len - 20;
    default:
      ctx.sub(l, 'ospf.lsa.unknown_type', null, o - 17, 1);
      return o + len - 20;
  }
}

/** A v3 LS type and its parts: the U bit, the flooding scope, the function code. */
function lsType3(p: Pkt, o: number): void {
  const full = u16f(p, p.l, 'ospf.v3.lsa', o);
  p.ctx.sub(p.l, 'ospf.v3.lsa.u', (full & 0x8000) !== 0, o, 2);
  p.ctx.sub(p.l, 'ospf.v3.lsa.s12', (full & 0x6000) >> 13, o, 2);
  p.ctx.sub(p.l, 'ospf.v3.lsa.fc', full & 0x1fff, o, 2);
}

function lsaV3(p: Pkt, o: number, body: boolean): number {
  const { ctx, t, l } = p;
  const type = t.u16(o + 2) & 0x1fff;
  const lsLen = t.u16(o + 18);
  const end = o + lsLen;
  t.need(o, body ? lsLen : 20);
  const age = t.u16(o);
  ctx.sub(l, 'ospf.lsa.age', age & 0x7fff, o, 2);
  ctx.sub(l, 'ospf.v3.lsa.do_not_age', (age & 0x8000) !== 0, o, 2);
  lsType3(p, o + 2);
  if (V3_LS_FLAG[type]) ctx.hidden(V3_LS_FLAG[type], true, o + 2, 2);
  ip(p, l, 'ospf.link_state_id', o + 4);
  ip(p, l, 'ospf.advrouter', o + 8);
  u32f(p, l, 'ospf.lsa.seqnum', o + 12);
  u16f(p, l, 'ospf.lsa.chksum', o + 16);
  u16f(p, l, 'ospf.lsa.length', o + 18);
  o += 20;
  // a 16-bit count of the body's bytes: a length below the header's wraps round, as in tshark
  let left = (lsLen - 20) & 0xffff;
  if (!body) return o;
  switch (type) {
    case 1:
      bitfield(p, l, V3_ROUTER_FLAGS, o);
      bitfield(p, l, V3_OPTIONS, o + 1);
      o += 4; left = (left - 4) & 0xffff;
      if (left > 0) t.need(o, left);
      while (left > 0) {
        t.need(o, 16);
        u8f(p, l, 'ospf.v3.lsa.type', o);
        bytesf(p, l, 'ospf.reserved', o + 1, 1);
        u16f(p, l, 'ospf.metric', o + 2);
        u32f(p, l, 'ospf.v3.lsa.interface_id', o + 4);
        u32f(p, l, 'ospf.v3.lsa.neighbor_interface_id', o + 8);
        ip(p, l, 'ospf.v3.lsa.neighbor_router_id', o + 12);
        o += 16; left = (left - 16) & 0xffff;
      }
      return o;
    case 2:
      bytesf(p, l, 'ospf.reserved', o, 1);
      bitfield(p, l, V3_OPTIONS, o + 1);
      o += 4; left = (left - 4) & 0xffff;
      for (; left > 0; o += 4, left = (left - 4) & 0xffff) ip(p, l, 'ospf.v3.lsa.attached_router', o);
      return o;
    case 3: {
      bytesf(p, l, 'ospf.reserved', o, 1);
      u24f(p, l, 'ospf.metric', o + 1);
      const plen = u8f(p, l, 'ospf.prefix_length', o + 4);
      bitfield(p, l, V3_PREFIX_OPTIONS, o + 5);
      bytesf(p, l, 'ospf.reserved', o + 6, 2);
      return prefix(p, o + 8, plen);
    }
    case 4:
      bytesf(p, l, 'ospf.reserved', o, 1);
      bitfield(p, l, V3_OPTIONS, o + 1);
      bytesf(p, l, 'ospf.reserved', o + 4, 1);
      u24f(p, l, 'ospf.metric', o + 5);
      ip(p, l, 'ospf.v3.lsa.destination_router_id', o + 8);
      return o + 12;
    case 5: case 7: {
      const flags = bitfield(p, l, V3_EXTERNAL_FLAGS, o);
      u24f(p, l, 'ospf.metric', o + 1);
      const plen = u8f(p, l, 'ospf.prefix_length', o + 4);
      bitfield(p, l, V3_PREFIX_OPTIONS, o + 5);
      const ref = u16f(p, l, 'ospf.v3.lsa.referenced_ls_type', o + 6);
      o = prefix(p, o + 8, plen);
      if (o < end && (flags & 0x02) !== 0) {
        if (p.af4) ip(p, l, 'ospf.v3.lsa.forwarding_address.ipv4', o);
        else bytesf(p, l, 'ospf.v3.lsa.forwarding_address.ipv6', o, 16);
        o += 16;
      }
      if (o < end && (flags & 0x01) !== 0) { u32f(p, l, 'ospf.v3.lsa.external_route_tag', o); o += 4; }
      if (o < end && ref !== 0) { ip(p, l, 'ospf.v3.lsa.referenced_link_state_id', o); o += 4; }
      return o;
    }
    case 8: {
      u8f(p, l, 'ospf.v3.lsa.router_priority', o);
      bitfield(p, l, V3_OPTIONS, o + 1);
      if (p.af4) ip(p, l, 'ospf.v3.lsa.link_local_interface_address.ipv4', o + 4);
      else bytesf(p, l, 'ospf.v3.lsa.link_local_interface_address.ipv6', o + 4, 16);
      let n = u32f(p, l, 'ospf.v3.lsa.num_prefixes', o + 20);
      for (o += 24; n > 0; n--) {
        const plen = u8f(p, l, 'ospf.prefix_length', o);
        bitfield(p, l, V3_PREFIX_OPTIONS, o + 1);
        bytesf(p, l, 'ospf.reserved', o + 2, 2);
        o = prefix(p, o + 4, plen);
      }
      return o;
    }
    case 9: {
      let n = t.u16(o);
      ctx.sub(l, 'ospf.v3.lsa.num_prefixes', n, o, 2);
      u16f(p, l, 'ospf.v3.lsa.referenced_ls_type', o + 2);
      ip(p, l, 'ospf.v3.lsa.referenced_link_state_id', o + 4);
      ip(p, l, 'ospf.v3.lsa.referenced_advertising_router', o + 8);
      for (o += 12; n > 0; n--) {
        const plen = u8f(p, l, 'ospf.prefix_length', o);
        bitfield(p, l, V3_PREFIX_OPTIONS, o + 1);
        u16f(p, l, 'ospf.metric', o + 2);
        o = prefix(p, o + 4, plen);
      }
      return o;
    }
    case 12:
      routerInfo(p, o, left);
      return o + left;
    default:
      ctx.sub(l, 'ospf.lsa.unknown_type', null, o - 18, 2);
      return o + left;
  }
}

/** An opaque LSA's body by its opaque type: traffic engineering, grace, router information. */
function opaque(p: Pkt, o: number, kind: number, len: number): void {
  if (kind === 1) te(p, o, len);
  else if (kind === 3) grace(p, o, len);
  else if (kind === 4) routerInfo(p, o, len);
  else p.ctx.sub(p.l, 'ospf.lsa.unknown_type', null, o, len);
}

/** RFC 3630 traffic engineering TLVs: the router address, and a link's sub-TLVs. */
function te(p: Pkt, o: number, len: number): void {
  const { ctx, t, l } = p;
  ctx.hidden('ospf.lsa.mpls', t.u16(o) !== 0, o, 2);
  // tshark counts the bytes left in 32 bits: a TLV longer than them wraps round and reads on until the bytes end
  for (let left = len >>> 0; left !== 0;) {
    const type = t.u16(o), tlen = t.u16(o + 2);
    t.need(o, tlen + 4);
    u16f(p, l, 'ospf.tlv_type', o);
    u16f(p, l, 'ospf.tlv_length', o + 2);
    if (type === 1) ip(p, l, 'ospf.mpls.routerid', o + 4);
    else if (type === 2) {
      for (let s = o + 4; s < o + 4 + tlen;) {
        const st = t.u16(s), slen = t.u16(s + 2);
        t.need(s, slen + 4);
        u16f(p, l, 'ospf.tlv_type', s);
        u16f(p, l, 'ospf.tlv_length', s + 2);
        if (st === 1) u8f(p, l, 'ospf.mpls.linktype', s + 4);
        else if (st === 2) ip(p, l, 'ospf.mpls.linkid', s + 4);
        else if (st === 3 || st === 4) for (let i = 0; i < slen; i += 4) ip(p, l, st === 3 ? 'ospf.mpls.local_addr' : 'ospf.mpls.remote_addr', s + 4 + i);
        else if (st === 5) u32f(p, l, 'ospf.mpls.te_metric', s + 4);
        else if (st === 6 || st === 7) ctx.sub(l, 'ospf.mpls.link_max_bw', float(t, s + 4), s + 4, 4);
        else if (st === 8) for (let i = 0; i < 8; i++) ctx.sub(l, 'ospf.mpls.pri', float(t, s + 4 + 4 * i), s + 4 + 4 * i, 4);
        else if (st === 11) { u32f(p, l, 'ospf.mpls.local_id', s + 4); u32f(p, l, 'ospf.mpls.remote_id', s + 8); }
        else if (st === 9) {
          const groups = u32f(p, l, 'ospf.mpls.linkcolor', s + 4);
          for (let i = 0; i < 32; i++) if ((groups >>> i) & 1) ctx.sub(l, 'ospf.mpls.group', (1 << i) >>> 0, s + 4, 4);
        }
        s += ((slen + 4 + 3) >> 2) * 4;
      }
    }
    o += tlen + 4;
    left = (left - (tlen + 4)) >>> 0;
  }
}

/** An IEEE 754 single (bandwidths in bytes per second). */
function float(t: Tvb, o: number): number {
  return Buffer.from(t.bytes(o, 4)).readFloatBE(0);
}

/** RFC 3623 grace-LSA TLVs. */
function grace(p: Pkt, o: number, len: number): void {
  const { t, l } = p;
  for (const end = o + len; o < end;) {
    const type = t.u16(o), tlen = t.u16(o + 2);
    t.need(o, tlen + 4);
    p.ctx.sub(l, 'ospf.v2.grace', null, o, tlen + 4);
    u16f(p, l, 'ospf.tlv_type', o);
    u16f(p, l, 'ospf.tlv_length', o + 2);
    if (type === 1) u32f(p, l, 'ospf.v2.grace.period', o + 4);
    else if (type === 2) u8f(p, l, 'ospf.v2.grace.reason', o + 4);
    else if (type === 3) ip(p, l, 'ospf.v2.grace.ip', o + 4);
    o += 4 + (((tlen + 3) >> 2) << 2);
  }
}

/** RFC 7770 router information TLVs (v2 opaque type 4, v3 LSA type 12). */
function routerInfo(p: Pkt, o: number, len: number): void {
  const { t, l } = p;
  for (let left = len; left > 0;) {
    const type = t.u16(o), tlen = t.u16(o + 2);
    t.need(o, tlen + 4);
    u16f(p, l, 'ospf.tlv_type.opaque', o);
    u16f(p, l, 'ospf.tlv_length', o + 2);
    if (type === 1) bitfield(p, l, RI_OPTIONS, o + 4);
    else if (type === 7) p.ctx.sub(l, 'ospf.dynhostname', asciiz(t.bytes(o + 4, tlen)), o + 4, tlen);
    else if (type !== 8) bytesf(p, l, 'ospf.tlv.unknown', o + 4, tlen);
    o += tlen + 4;
    left -= tlen + 4;
  }
}

/** A v3 address prefix of `plen` bits in whole 32-bit words; returns where the next field begins. */
function prefix(p: Pkt, o: number, plen: number): number {
  const n = ((plen + 31) >> 5) * 4;
  if (plen > 128) {
    p.ctx.sub(p.l, 'ospf.lsa.invalid_length', null, o, n);
    p.ctx.boundsAt('ospf', `Address Prefix: length is invalid (${plen}, should be <= 128)`, o, n);
    stop();
  }
  if (p.af4) ip(p, p.l, 'ospf.v3.address_prefix.ipv4', o);
  else {
    const b = new Uint8Array(16);
    b.set(p.t.bytes(o, n));
    if (plen % 8 !== 0) b[n - 1] &= (0xff00 >> (plen % 8)) & 0xff;
    p.ctx.sub(p.l, 'ospf.v3.address_prefix.ipv6', b, o, n);
  }
  return o + n;
}

/** Does the packet carry an LLS data block (the L option bit of a Hello or DB Description)? */
function hasLls(p: Pkt, o: number, type: number): boolean {
  const t = p.t;
  if (type === 1) return p.version === 2 ? (t.u8(o + 6) & 0x10) !== 0 : (t.u24(o + 5) & 0x200) !== 0;
  if (type === 2) return p.version === 2 ? (t.u8(o + 2) & 0x10) !== 0 : (t.u24(o + 1) & 0x200) !== 0;
  return false;
}

function lls(p: Pkt, o: number): void {
  const { ctx, t, l } = p;
  if (t.end - o < 4) {
    ctx.flagMalformed('ospf', 'LLS option bit set but data block missing', o, Math.max(0, t.end - o));
    return;
  }
  const start = o;
  const len = t.u16(o + 2) * 4;
  u16f(p, l, 'ospf.lls.checksum', o);
  ctx.sub(l, 'ospf.lls.data_length', len, o + 2, 2);
  for (o += 4; start + len > o;) {
    const type = t.u16(o), tlen = t.u16(o + 2);
    t.need(o, tlen + 4);
    if (p.version === 3 && type === 1) ctx.sub(l, 'ospf.v3.lls.ext.options.tlv', null, o, tlen + 4);
    u16f(p, l, 'ospf.tlv_type', o);
    u16f(p, l, 'ospf.tlv_length', o + 2);
    if (type === 1) bitfield(p, l, p.version === 2 ? LLS_EXT : V3_LLS_EXT, o + 4);
    else if (type === 2 && p.version === 2) {
      u32f(p, l, 'ospf.v2.lls.sequence_number', o + 4);
      bytesf(p, l, 'ospf.v2.lls.auth_data', o + 8, tlen - 4);
    }
    o += tlen + 4;
  }
}

function trailer(p: Pkt, o: number): void {
  const { ctx, t, l } = p;
  const at = ctx.sub(l, 'ospf.at', null, o, 4);
  u16f(p, at, 'ospf.at.auth_type', o);
  const n = u16f(p, at, 'ospf.at.auth_data_len', o + 2);
  if (n < 14) return;
  u16f(p, at, 'ospf.at.reserved', o + 4);
  u16f(p, at, 'ospf.at.sa_id', o + 6);
  ctx.sub(at, 'ospf.at.crypto_seq_nbr', t.u64(o + 8), o + 8, 8);
  bytesf(p, at, 'ospf.at.auth_data', o + 16, n - 16);
}

IP_PROTO.add(89, dissectOspf);
