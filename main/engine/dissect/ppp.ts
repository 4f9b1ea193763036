// PPP as a link type (LINKTYPE_PPP 9, LINKTYPE_PPP_HDLC 50: both HDLC-like
// framed, RFC 1662), Cisco HDLC (LINKTYPE_C_HDLC 104) with SLARP, and the
// PPP control protocols: LCP, IPCP, IPV6CP (RFC 1661/1332/5072), PAP and
// CHAP (RFC 1334/1994). The PPP header itself is tunnel.ts's dissectPpp
// (GRE and PPPoE carry it too). As packet-ppp.c and packet-chdlc.c in
// tshark 4.0.
import { ADDR_TEXT, type Ctx, type FieldNode } from './context';
import { declare, HEX8, HEX16, HEX32 } from './fields';
import { dissectData } from './data';
import { dissectPpp } from './tunnel';
import { ethertype } from './link';
import { ranOut } from './ranout';
import type { State } from './state';
import { ETHERTYPE, LINKTYPE, PPP_PROTOCOL } from './tables';
import { latin1, u16, u32 } from './bytes';

const CP_CODES: Record<number, string> = {
  1: 'Configuration Request', 2: 'Configuration Ack', 3: 'Configuration Nak', 4: 'Configuration Reject', 5: 'Termination Request',
  6: 'Termination Ack', 7: 'Code Reject', 8: 'Protocol Reject', 9: 'Echo Request', 10: 'Echo Reply', 11: 'Discard Request',
  12: 'Identification', 13: 'Time Remaining', 14: 'Reset Request', 15: 'Reset Ack',
};

declare('lcp', 'PPP Link Control Protocol', [
  ['ppp.code', 'uint', 'Code', { valueNames: CP_CODES }],
  ['ppp.identifier', 'uint', 'Identifier'],
  ['ppp.length', 'uint', 'Length'],
  ['lcp.opt.type', 'uint', 'Type'],
  ['lcp.opt.length', 'uint', 'Length'],
  ['lcp.opt.mru', 'uint', 'Maximum Receive Unit'],
  ['lcp.opt.asyncmap', 'uint', 'Async Control Character Map', HEX32],
  ['lcp.opt.auth_protocol', 'uint', 'Authentication Protocol', HEX16],
  ['lcp.opt.quality_protocol', 'uint', 'Quality Protocol', HEX16],
  ['lcp.opt.magic_number', 'uint', 'Magic Number', HEX32],
  ['lcp.opt.operation', 'uint', 'Operation'],
  ['lcp.opt.mrru', 'uint', 'MRRU'],
  ['lcp.magic_number', 'uint', 'Magic Number', HEX32],
  ['lcp.message', 'string', 'Message'],
  ['lcp.secs_remaining', 'uint', 'Seconds Remaining'],
  ['lcp.rej_proto', 'uint', 'Rejected Protocol', HEX16],
  ['ppp.opt.len.invalid', 'none', 'Invalid length for option'],
]);
declare('ipcp', 'PPP IP Control Protocol', [
  ['ipcp.opt.type', 'uint', 'Type'],
  ['ipcp.opt.length', 'uint', 'Length'],
  ['ipcp.opt.ip_address', 'ipv4', 'IP Address'],
  ['ipcp.opt.pri_dns_address', 'ipv4', 'Primary DNS Address'],
  ['ipcp.opt.pri_nbns_address', 'ipv4', 'Primary NBNS Address'],
  ['ipcp.opt.sec_dns_address', 'ipv4', 'Secondary DNS Address'],
  ['ipcp.opt.sec_nbns_address', 'ipv4', 'Secondary NBNS Address'],
  ['ipcp.opt.compress_proto', 'uint', 'IP Compression Protocol', HEX16],
]);
declare('ipv6cp', 'PPP IPv6 Control Protocol', [
  ['ipv6cp.opt.type', 'uint', 'Type'],
  ['ipv6cp.opt.length', 'uint', 'Length'],
  // tshark prints it colon-separated (FT_BYTES with a separator)
  ['ipv6cp.interface_identifier', 'string', 'Interface Identifier'],
]);
declare('pap', 'PPP Password Authentication Protocol', [
  ['pap.code', 'uint', 'Code', { valueNames: { 1: 'Authenticate-Request', 2: 'Authenticate-Ack', 3: 'Authenticate-Nak' } }],
  ['pap.identifier', 'uint', 'Identifier'],
  ['pap.length', 'uint', 'Length'],
  ['pap.data', 'none', 'Data'],
  ['pap.peer_id.length', 'uint', 'Peer-ID-Length'],
  ['pap.peer_id', 'string', 'Peer-ID'],
  ['pap.password.length', 'uint', 'Password-Length'],
  ['pap.password', 'string', 'Password'],
  ['pap.message.length', 'uint', 'Message-Length'],
  ['pap.message', 'string', 'Message'],
  ['pap.stuff', 'bytes', 'stuff'],
]);
declare('chap', 'PPP Challenge Handshake Authentication Protocol', [
  ['chap.code', 'uint', 'Code', { valueNames: { 1: 'Challenge', 2: 'Response', 3: 'Success', 4: 'Failure' } }],
  ['chap.identifier', 'uint', 'Identifier'],
  ['chap.length', 'uint', 'Length'],
  ['chap.data', 'none', 'Data'],
  ['chap.value_size', 'uint', 'Value Size'],
  ['chap.value', 'bytes', 'Value'],
  ['chap.name', 'string', 'Name'],
  ['chap.message', 'string', 'Message'],
  ['chap.stuff', 'bytes', 'Stuff'],
]);
declare('chdlc', 'Cisco HDLC', [
  ['chdlc.address', 'uint', 'Address', { ...HEX8, valueNames: { 0x0f: 'Unicast', 0x8f: 'Multicast' } }],
  ['chdlc.control', 'uint', 'Control', HEX8],
  ['chdlc.protocol', 'uint', 'Protocol', HEX16],
]);
declare('slarp', 'Cisco SLARP', [
  ['slarp.ptype', 'uint', 'Packet type', { valueNames: { 0: 'Request', 1: 'Reply', 2: 'Line keepalive' } }],
  ['slarp.address', 'ipv4', 'Address'],
  ['slarp.netmask', 'ipv4', 'Netmask'],
  ['slarp.mysequence', 'uint', 'Outgoing sequence number'],
  ['slarp.yoursequence', 'uint', 'Returned sequence number'],
  ['slarp.reliability', 'uint', 'Reliability', HEX16],
]);

/** one control protocol: its layer, Protocol column, option table and option fields */
interface ControlProtocol {
  layer: string;
  column: string;
  opt: string;
  options: (ctx: Ctx, t: FieldNode, type: number, o: number, len: number) => void;
}

function lcpOption(ctx: Ctx, t: FieldNode, type: number, o: number, len: number): void {
  const d = ctx.d;
  switch (type) {
    case 1: if (len === 4) ctx.add(t, 'lcp.opt.mru', u16(d, o + 2), o + 2, 2); return;
    case 2: if (len === 6) ctx.add(t, 'lcp.opt.asyncmap', u32(d, o + 2), o + 2, 4); return;
    case 3: if (len >= 4) ctx.add(t, 'lcp.opt.auth_protocol', u16(d, o + 2), o + 2, 2); return;
    case 4: if (len >= 4) ctx.add(t, 'lcp.opt.quality_protocol', u16(d, o + 2), o + 2, 2); return;
    case 5: if (len === 6) ctx.add(t, 'lcp.opt.magic_number', u32(d, o + 2), o + 2, 4); return;
    case 13: if (len >= 3) ctx.add(t, 'lcp.opt.operation', d[o + 2], o + 2, 1); return;
    case 17: if (len === 4) ctx.add(t, 'lcp.opt.mrru', u16(d, o + 2), o + 2, 2);
  }
}

const IPCP_ADDRESSES: Record<number, string> = {
  3: 'ipcp.opt.ip_address', 129: 'ipcp.opt.pri_dns_address', 130: 'ipcp.opt.pri_nbns_address', 131: 'ipcp.opt.sec_dns_address', 132: 'ipcp.opt.sec_nbns_address',
};

function ipcpOption(ctx: Ctx, t: FieldNode, type: number, o: number, len: number): void {
  const name = IPCP_ADDRESSES[type];
  if (name !== undefined && len === 6) ctx.add(t, name, u32(ctx.d, o + 2), o + 2, 4);
  else if (type === 2 && len >= 4) ctx.add(t, 'ipcp.opt.compress_proto', u16(ctx.d, o + 2), o + 2, 2);
}

function ipv6cpOption(ctx: Ctx, t: FieldNode, type: number, o: number, len: number): void {
  if (type !== 1 || len !== 10) return;
  const id = Array.from(ctx.d.subarray(o + 2, o + 10), (b) => b.toString(16).padStart(2, '0')).join(':');
  ctx.add(t, 'ipv6cp.interface_identifier', id, o + 2, 8);
}

const LCP: ControlProtocol = { layer: 'lcp', column: 'PPP LCP', opt: 'lcp.opt', options: lcpOption };
const IPCP: ControlProtocol = { layer: 'ipcp', column: 'PPP IPCP', opt: 'ipcp.opt', options: ipcpOption };
const IPV6CP: ControlProtocol = { layer: 'ipv6cp', column: 'PPP IPV6CP', opt: 'ipv6cp.opt', options: ipv6cpOption };

/** LCP, IPCP, IPV6CP: code, identifier, length, then options or the code's own fields */
function controlProtocol(p: ControlProtocol, ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer(p.layer, off, end - off);
  ctx.protocol = p.column;
  if (end - off < 4) {
    if (end > off) ctx.add(l, 'ppp.code', d[off], off, 1);
    ranOut(ctx, p.layer, `${p.column} header cut short`, off, 4);
    return;
  }
  const code = d[off], len = u16(d, off + 2);
  ctx.info = CP_CODES[code] ?? `Unknown (0x${code.toString(16).padStart(2, '0')})`;
  ctx.add(l, 'ppp.code', code, off, 1);
  ctx.add(l, 'ppp.identifier', d[off + 1], off + 1, 1);
  ctx.add(l, 'ppp.length', len, off + 2, 2);
  if (len < 4) return;
  if (off + len > end) { ranOut(ctx, p.layer, `${p.column} length ${len} past the frame`, off, len); return; }
  l.len = len;
  const stop = off + len;
  let o = off + 4;
  if (code >= 1 && code <= 4) {
    // options: type, length (counting both), value; a length that lies ends the walk
    while (o < stop) {
      if (stop - o < 2 || d[o + 1] < 2 || o + d[o + 1] > stop) {
        ctx.add(l, 'ppp.opt.len.invalid', null, o, stop - o);
        return;
      }
      const type = d[o], olen = d[o + 1];
      ctx.add(l, `${p.opt}.type`, type, o, 1);
      ctx.add(l, `${p.opt}.length`, olen, o + 1, 1);
      p.options(ctx, l, type, o, olen);
      o += olen;
    }
    return;
  }
  if (p !== LCP) return;
  switch (code) {
    case 8:
      if (stop - o < 2) return;
      ctx.add(l, 'lcp.rej_proto', u16(d, o), o, 2);
      // the rejected packet, as its protocol would show it
      if (stop - o > 2) {
        const next = PPP_PROTOCOL.get(u16(d, o));
        const [proto, info] = [ctx.protocol, ctx.info];
        if (next !== undefined) next(ctx, st, o + 2, stop);
        else dissectData(ctx, o + 2, stop);
        ctx.protocol = proto; ctx.info = info;
      }
      return;
    case 9: case 10: case 11: case 12: case 13:
      if (stop - o < 4) return;
      ctx.add(l, 'lcp.magic_number', u32(d, o), o, 4);
      if (code === 12 && stop > o + 4) ctx.add(l, 'lcp.message', latin1(d, o + 4, stop), o + 4, stop - o - 4);
      if (code === 13 && stop - o >= 8) ctx.add(l, 'lcp.secs_remaining', u32(d, o + 4), o + 4, 4);
  }
}

/** a length-prefixed string of PAP; returns where it ends, or -1 when it runs past `stop` */
function papString(ctx: Ctx, l: FieldNode, name: string, o: number, stop: number): number {
  const n = ctx.d[o];
  ctx.sub(l, `${name}.length`, n, o, 1);
  if (o + 1 + n > stop) return -1;
  if (n > 0) ctx.sub(l, name, latin1(ctx.d, o + 1, o + 1 + n), o + 1, n);
  return o + 1 + n;
}

const PAP_CODES: Record<number, string> = { 1: 'Authenticate-Request', 2: 'Authenticate-Ack', 3: 'Authenticate-Nak' };

/**
 * PAP's and CHAP's shared header (code, identifier, length; RFC 1334 and
 * 1994): the layer, Info named by the code, and the data item over what the
 * length covers; null when there is no data.
 */
function authHeader(ctx: Ctx, proto: 'pap' | 'chap', codes: Record<number, string>, off: number, end: number): { code: number; name: string; data: FieldNode; stop: number } | null {
  const d = ctx.d;
  const l = ctx.layer(proto, off, end - off);
  ctx.protocol = `PPP ${proto.toUpperCase()}`;
  if (end - off < 4) { ranOut(ctx, proto, `${proto.toUpperCase()} header cut short`, off, 4); return null; }
  const code = d[off], len = u16(d, off + 2);
  const name = codes[code] ?? 'Unknown';
  ctx.info = name;
  ctx.add(l, `${proto}.code`, code, off, 1);
  ctx.add(l, `${proto}.identifier`, d[off + 1], off + 1, 1);
  ctx.add(l, `${proto}.length`, len, off + 2, 2);
  const stop = Math.min(end, off + Math.max(4, len));
  if (stop <= off + 4) return null;
  return { code, name, data: ctx.add(l, `${proto}.data`, null, off + 4, stop - off - 4), stop };
}

function dissectPap(ctx: Ctx, _st: State, off: number, end: number): void {
  const h = authHeader(ctx, 'pap', PAP_CODES, off, end);
  if (!h) return;
  const d = ctx.d, { code, name, data, stop } = h;
  const o = off + 4;
  if (code === 1) {
    const p = papString(ctx, data, 'pap.peer_id', o, stop);
    if (p < 0 || p >= stop) { ranOut(ctx, 'pap', 'PAP Peer-ID past the packet', o, stop - o + 1); return; }
    const e = papString(ctx, data, 'pap.password', p, stop);
    if (e < 0) { ranOut(ctx, 'pap', 'PAP Password past the packet', p, stop - p + 1); return; }
    ctx.info = `${name} (Peer-ID='${latin1(d, o + 1, p)}', Password='${latin1(d, p + 1, e)}')`;
  } else if (code === 2 || code === 3) {
    const e = papString(ctx, data, 'pap.message', o, stop);
    if (e < 0) { ranOut(ctx, 'pap', 'PAP Message past the packet', o, stop - o + 1); return; }
    ctx.info = `${name} (Message='${latin1(d, o + 1, e)}')`;
  } else ctx.sub(data, 'pap.stuff', d.subarray(o, stop), o, stop - o);
}

const CHAP_CODES: Record<number, string> = { 1: 'Challenge', 2: 'Response', 3: 'Success', 4: 'Failure' };

function dissectChap(ctx: Ctx, _st: State, off: number, end: number): void {
  const h = authHeader(ctx, 'chap', CHAP_CODES, off, end);
  if (!h) return;
  const d = ctx.d, { code, name, data, stop } = h;
  const o = off + 4;
  if (code === 1 || code === 2) {
    const n = d[o];
    ctx.sub(data, 'chap.value_size', n, o, 1);
    if (o + 1 + n > stop) { ranOut(ctx, 'chap', 'CHAP value past the packet', o, 1 + n); return; }
    const value = d.subarray(o + 1, o + 1 + n);
    if (n > 0) ctx.sub(data, 'chap.value', value, o + 1, n);
    const who = latin1(d, o + 1 + n, stop);
    if (o + 1 + n < stop) ctx.sub(data, 'chap.name', who, o + 1 + n, stop - o - 1 - n);
    ctx.info = `${name} (NAME='${who}', VALUE=0x${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('')})`;
  } else if (code === 3 || code === 4) {
    const msg = latin1(d, o, stop);
    ctx.sub(data, 'chap.message', msg, o, stop - o);
    ctx.info = `${name} (MESSAGE='${msg}')`;
  } else ctx.sub(data, 'chap.stuff', d.subarray(o, stop), o, stop - o);
}

/** Cisco HDLC: address, control, then an ethertype (SLARP has its own) */
function dissectChdlc(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('chdlc', off, Math.min(4, end - off));
  ctx.protocol = 'CHDLC';
  // tshark reads the protocol before it adds the address and control
  if (end - off < 4) { ranOut(ctx, 'chdlc', 'Cisco HDLC header cut short', off, 4); return; }
  ctx.add(l, 'chdlc.address', d[off], off, 1);
  ctx.add(l, 'chdlc.control', d[off + 1], off + 1, 1);
  const proto = u16(d, off + 2);
  ctx.add(l, 'chdlc.protocol', proto, off + 2, 2);
  if (proto === 0x8035) { slarp(ctx, off + 4, end); return; }
  ethertype(ctx, st, proto, off + 4, end, false);
  // packet-chdlc.c names an unknown type in Protocol only
  if (ETHERTYPE.get(proto) === undefined) { ctx.protocol = `0x${proto.toString(16).padStart(4, '0')}`; ctx.info = ''; }
}

function slarp(ctx: Ctx, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('slarp', off, end - off);
  ctx.protocol = 'SLARP';
  if (end - off < 4) { ranOut(ctx, 'slarp', 'SLARP packet type cut short', off, 4); return; }
  const type = u32(d, off);
  ctx.add(l, 'slarp.ptype', type, off, 4);
  const ip = (o: number): string => `${d[o]}.${d[o + 1]}.${d[o + 2]}.${d[o + 3]}`;
  if (type === 0 || type === 1) {
    ctx.info = `${type === 0 ? 'Request' : 'Reply'}, from ${ip(off + 4)}, mask ${ip(off + 8)}`;
    if (end - off < 12) { ranOut(ctx, 'slarp', 'SLARP address cut short', off + 4, 8); return; }
    ctx.add(l, 'slarp.address', u32(d, off + 4), off + 4, 4);
    ctx.add(l, 'slarp.netmask', u32(d, off + 8), off + 8, 4);
  } else if (type === 2) {
    if (end - off < 12) { ranOut(ctx, 'slarp', 'SLARP keepalive cut short', off + 4, 8); return; }
    ctx.info = `Line keepalive, outgoing sequence ${u32(d, off + 4)}, returned sequence ${u32(d, off + 8)}`;
    ctx.add(l, 'slarp.mysequence', u32(d, off + 4), off + 4, 4);
    ctx.add(l, 'slarp.yoursequence', u32(d, off + 8), off + 8, 4);
    if (end - off >= 14) ctx.add(l, 'slarp.reliability', u16(d, off + 12), off + 12, 2);
  } else {
    ctx.info = `Unknown packet type 0x${type.toString(16).padStart(8, '0')}`;
    dissectData(ctx, off + 4, end);
  }
}

PPP_PROTOCOL.add(0xc021, (ctx, st, off, end) => controlProtocol(LCP, ctx, st, off, end));
PPP_PROTOCOL.add(0x8021, (ctx, st, off, end) => controlProtocol(IPCP, ctx, st, off, end));
PPP_PROTOCOL.add(0x8057, (ctx, st, off, end) => controlProtocol(IPV6CP, ctx, st, off, end));
PPP_PROTOCOL.add(0xc023, dissectPap);
PPP_PROTOCOL.add(0xc223, dissectChap);
/** a point-to-point link: which end sent a frame is unknown, tshark's columns say N/A (until IP names the hosts) */
function pointToPoint(ctx: Ctx): void {
  if (ctx.d === ctx.pkt.data) { ctx.srcKind = ADDR_TEXT; ctx.src = 'N/A'; ctx.dstKind = ADDR_TEXT; ctx.dst = 'N/A'; }
}

LINKTYPE.add(9, (ctx, st, off, end) => { pointToPoint(ctx); dissectPpp(ctx, st, off, end); });
LINKTYPE.add(50, (ctx, st, off, end) => { pointToPoint(ctx); dissectPpp(ctx, st, off, end); });
LINKTYPE.add(104, (ctx, st, off, end) => { pointToPoint(ctx); dissectChdlc(ctx, st, off, end); });
