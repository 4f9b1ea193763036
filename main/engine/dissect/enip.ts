// EtherNet/IP (tcp/44818, udp/44818) and the CIP it carries, and CIP I/O
// on udp/2222: the encapsulation header (command, length, session, status,
// sender context, options), Register Session, List Identity's identity
// item (vendor, device type, product, serial, name), the common packet
// format items of SendRRData/SendUnitData, and CIP explicit messages —
// service, request path (class, instance, attribute, member, connection
// point, ANSI symbol), the response's general status — with a response
// shown with its request's path, as tshark pairs them. Services that write
// or stop (Set Attribute*, Reset, Stop, class-specific writes) are what the
// ICS write/control insight counts. The Connection Manager's own services
// (Forward Open, Unconnected Send) are not decoded past their CIP header.
// Written from the ODVA CIP and EtherNet/IP specifications (volumes 1
// and 2) as tshark 4.0's packet-enip.c / packet-cip.c present them.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX8, HEX16, HEX32 } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { PduApp } from './pdu';
import { dissectData } from './data';
import { convKey, perConversation, Bounded } from './conv';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT, UDP_PORT } = tables;
const { u16le, u32le, latin1 } = readers;

const COMMANDS: Record<number, string> = {
  0x0000: 'NOP', 0x0004: 'List Services', 0x0063: 'List Identity', 0x0064: 'List Interfaces', 0x0065: 'Register Session',
  0x0066: 'Unregister Session', 0x006f: 'Send RR Data', 0x0070: 'Send Unit Data', 0x0072: 'Indicate Status', 0x0073: 'Cancel',
};
const ITEMS: Record<number, string> = {
  0x0000: 'Null Address Item', 0x000c: 'CIP Identity', 0x0086: 'CIP Security Information', 0x00a1: 'Connected Address Item',
  0x00b1: 'Connected Data Item', 0x00b2: 'Unconnected Data Item', 0x0100: 'List Services Response', 0x8000: 'Socket Address Info O->T',
  0x8001: 'Socket Address Info T->O', 0x8002: 'Sequenced Address Item',
};
export const CIP_SERVICES: Record<number, string> = {
  0x01: 'Get Attributes All', 0x02: 'Set Attributes All', 0x03: 'Get Attribute List', 0x04: 'Set Attribute List', 0x05: 'Reset', 0x06: 'Start',
  0x07: 'Stop', 0x08: 'Create', 0x09: 'Delete', 0x0a: 'Multiple Service Packet', 0x0d: 'Apply Attributes', 0x0e: 'Get Attribute Single',
  0x10: 'Set Attribute Single', 0x11: 'Find Next Object Instance', 0x14: 'Error Response', 0x15: 'Restore', 0x16: 'Save', 0x17: 'No Operation',
  0x18: 'Get Member', 0x19: 'Set Member', 0x1a: 'Insert Member', 0x1b: 'Remove Member', 0x1c: 'GetConnectionPointMemberList',
};
/** Common services that change a device (set, reset, start/stop, create/delete, restore): the ICS write/control insight's. */
export const CIP_WRITES = new Set([0x02, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0d, 0x10, 0x15, 0x19, 0x1a, 0x1b]);
const CLASSES: Record<number, string> = {
  0x01: 'Identity', 0x02: 'Message Router', 0x03: 'DeviceNet', 0x04: 'Assembly', 0x05: 'Connection', 0x06: 'Connection Manager', 0x07: 'Register',
  0x08: 'Discrete Input Point', 0x09: 'Discrete Output Point', 0x0a: 'Analog Input Point', 0x0b: 'Analog Output Point', 0x0e: 'Presence Sensing',
  0x0f: 'Parameter', 0x10: 'Parameter Group', 0x12: 'Group', 0x37: 'File', 0x48: 'QoS', 0xf4: 'Port', 0xf5: 'TCP/IP Interface', 0xf6: 'Ethernet Link',
};
const STATUS: Record<number, string> = {
  0x00: 'Success', 0x01: 'Connection failure', 0x02: 'Resource unavailable', 0x03: 'Invalid parameter value', 0x04: 'Path segment error',
  0x05: 'Path destination unknown', 0x06: 'Partial transfer', 0x07: 'Connection lost', 0x08: 'Service not supported', 0x09: 'Invalid attribute value',
  0x0a: 'Attribute list error', 0x0b: 'Already in requested mode/state', 0x0c: 'Object state conflict', 0x0d: 'Object already exists',
  0x0e: 'Attribute not settable', 0x0f: 'Privilege violation', 0x10: 'Device state conflict', 0x11: 'Reply data too large',
  0x12: 'Fragmentation of a primitive value', 0x13: 'Not enough data', 0x14: 'Attribute not supported', 0x15: 'Too much data',
  0x16: 'Object does not exist', 0x17: 'Service fragmentation sequence not in progress', 0x18: 'No stored attribute data', 0x19: 'Store operation failure',
  0x1e: 'Embedded service error', 0x1f: 'Vendor specific error', 0x20: 'Invalid parameter',
};

declare('enip', 'EtherNet/IP (Industrial Protocol)', [
  ['enip.command', 'uint', 'Command', { ...HEX16, valueNames: COMMANDS }],
  ['enip.length', 'uint', 'Length'],
  ['enip.session', 'uint', 'Session Handle', HEX32],
  ['enip.status', 'uint', 'Status', HEX32],
  ['enip.context', 'bytes', 'Sender Context'],
  ['enip.options', 'uint', 'Options', HEX32],
  ['enip.rs.version', 'uint', 'Protocol Version'],
  ['enip.rs.flags', 'uint', 'Option Flags', HEX16],
  ['enip.srrd.iface', 'uint', 'Interface Handle', HEX32],
  ['enip.sud.iface', 'uint', 'Interface Handle', HEX32],
  ['enip.timeout', 'uint', 'Timeout'],
  ['enip.cpf.itemcount', 'uint', 'Item Count'],
  ['enip.cpf.typeid', 'uint', 'Type ID', { ...HEX16, valueNames: ITEMS }],
  ['enip.cpf.length', 'uint', 'Length'],
  ['enip.cpf.cai.connid', 'uint', 'Connection ID', HEX32],
  ['enip.cpf.sai.connid', 'uint', 'Connection ID', HEX32],
  ['enip.cpf.sai.seq', 'uint', 'Encapsulation Sequence Number'],
  ['enip.lir.vendor', 'uint', 'Vendor ID', HEX16],
  ['enip.lir.devtype', 'uint', 'Device Type'],
  ['enip.lir.prodcode', 'uint', 'Product Code'],
  ['enip.lir.serial', 'uint', 'Serial Number', HEX32],
  ['enip.lir.namelen', 'uint', 'Product Name Length'],
  ['enip.lir.name', 'string', 'Product Name'],
  ['enip.lir.state', 'uint', 'State', HEX8],
]);
declare('cip', 'Common Industrial Protocol', [
  ['cip.service', 'uint', 'Service', HEX8],
  ['cip.rr', 'uint', 'Request/Response', { ...HEX8, valueNames: { 0: 'Request', 1: 'Response' } }],
  ['cip.sc', 'uint', 'Service', { ...HEX8, valueNames: CIP_SERVICES }],
  ['cip.request_path_size', 'uint', 'Request Path Size'],
  ['cip.class', 'uint', 'Class', { ...HEX8, valueNames: CLASSES }],
  ['cip.instance', 'uint', 'Instance', HEX8],
  ['cip.attribute', 'uint', 'Attribute'],
  ['cip.member', 'uint', 'Member', HEX8],
  ['cip.connpoint', 'uint', 'Connection Point', HEX8],
  ['cip.symbol', 'string', 'ANSI Symbol'],
  ['cip.genstat', 'uint', 'General Status', { ...HEX8, valueNames: STATUS }],
  ['cip.addstat_size', 'uint', 'Additional Status Size'],
]);
declare('cipcls', 'CIP Class Generic', []);
declare('cipio', 'Common Industrial Protocol, I/O', []);

/** What a request's path named, for its response. */
interface CipPath { cls: number; inst: number; attr: number; member: number; conn: number; symbol: string | null; start: number }
const requests = perConversation(() => new Bounded<string, { service: number; words: number; path: CipPath }>(256));

/** An EPATH's logical and ANSI symbol segments at [o, end): the path (unknown segments end it). */
function epath(ctx: Ctx, l: FieldNode | null, o: number, end: number): CipPath {
  const d = ctx.d;
  const p: CipPath = { cls: -1, inst: -1, attr: -1, member: -1, conn: -1, symbol: null, start: o };
  while (o < end) {
    const seg = d[o];
    if (seg === 0x91) {
      if (o + 2 > end) break;
      const n = d[o + 1];
      if (o + 2 + n > end) break;
      p.symbol = latin1(d, o + 2, o + 2 + n);
      if (l) ctx.add(l, 'cip.symbol', p.symbol, o + 2, n);
      o += 2 + n + (n & 1);
      continue;
    }
    if ((seg & 0xe0) !== 0x20) break;
    const kind = (seg >> 2) & 7, fmt = seg & 3;
    const w = fmt === 0 ? 1 : fmt === 1 ? 2 : fmt === 2 ? 4 : 0;
    if (w === 0) break;
    // 16- and 32-bit values follow a pad byte
    const vo = w === 1 ? o + 1 : o + 2;
    if (vo + w > end) break;
    const v = w === 1 ? d[vo] : w === 2 ? u16le(d, vo) : u32le(d, vo);
    const name = ['cip.class', 'cip.instance', 'cip.member', 'cip.connpoint', 'cip.attribute'][kind];
    if (name === undefined) break;
    if (l) ctx.add(l, name, v, vo, w);
    if (kind === 0) p.cls = v; else if (kind === 1) p.inst = v; else if (kind === 2) p.member = v; else if (kind === 3) p.conn = v; else p.attr = v;
    o = vo + w;
  }
  return p;
}

/** A path's fields again on the response (generated: they are the request's). */
function pathFields(ctx: Ctx, l: FieldNode, p: CipPath): void {
  if (p.symbol !== null) ctx.gen(l, 'cip.symbol', p.symbol);
  if (p.cls >= 0) ctx.gen(l, 'cip.class', p.cls);
  if (p.inst >= 0) ctx.gen(l, 'cip.instance', p.inst);
  if (p.member >= 0) ctx.gen(l, 'cip.member', p.member);
  if (p.conn >= 0) ctx.gen(l, 'cip.connpoint', p.conn);
  if (p.attr >= 0) ctx.gen(l, 'cip.attribute', p.attr);
}

/** "Identity - Get Attribute Single", "'Tag' - Service (0x4d)" */
function describe(p: CipPath | undefined, service: number): string {
  const svc = service < 0x32 ? CIP_SERVICES[service] ?? `Service (0x${service.toString(16).padStart(2, '0')})` : `Service (0x${service.toString(16).padStart(2, '0')})`;
  if (!p) return svc;
  const target = p.symbol !== null ? `'${p.symbol}'` : p.cls >= 0 ? CLASSES[p.cls] ?? `Class (0x${p.cls.toString(16).padStart(2, '0')})` : '';
  return target ? `${target} - ${svc}` : svc;
}

/** A CIP explicit message at [o, end); `key` pairs a response with its request. */
function cip(ctx: Ctx, st: State, o: number, end: number, key: string): void {
  const d = ctx.d;
  const l = ctx.layer('cip', o, end - o);
  ctx.protocol = 'CIP';
  if (end - o < 2) { ctx.boundsAt('cip', 'CIP header cut short', o, end - o); return; }
  const sv = d[o], service = sv & 0x7f, response = (sv & 0x80) !== 0;
  const s = ctx.add(l, 'cip.service', sv, o, 1);
  ctx.sub(s, 'cip.rr', response ? 1 : 0, o, 1);
  ctx.sub(s, 'cip.sc', service, o, 1);
  const table = requests(st, convKey(ctx));
  if (!response) {
    const words = d[o + 1];
    ctx.add(l, 'cip.request_path_size', words, o + 1, 1);
    const pEnd = Math.min(end, o + 2 + 2 * words);
    if (o + 2 + 2 * words > end) ctx.boundsAt('cip', 'request path runs past the message', o + 2, end - o - 2);
    const path = epath(ctx, l, o + 2, pEnd);
    if (ctx.inner === 0) table.set(key, { service, words, path });
    ctx.info = describe(path, service);
    if (service >= 0x32 && pEnd < end) ctx.layer('cipcls', pEnd, end - pEnd);
    else if (service >= 0x32) ctx.layer('cipcls', pEnd, 0);
    return;
  }
  if (end - o < 4) { ctx.boundsAt('cip', 'CIP response header cut short', o, end - o); return; }
  const req = table.get(key);
  const status = d[o + 2];
  ctx.add(l, 'cip.genstat', status, o + 2, 1);
  ctx.add(l, 'cip.addstat_size', d[o + 3], o + 3, 1);
  if (req) { ctx.gen(l, 'cip.request_path_size', req.words); pathFields(ctx, l, req.path); }
  ctx.info = `${STATUS[status] ?? `Unknown (0x${status.toString(16).padStart(2, '0')})`}: ${describe(req?.path, service)}`;
  const dataAt = o + 4 + 2 * d[o + 3];
  if (service >= 0x32) ctx.layer('cipcls', Math.min(dataAt, end), Math.max(0, end - dataAt));
}

/** The common packet format at [o, end): its items; CIP in unconnected/connected data items. Returns false when cut. */
function cpf(ctx: Ctx, st: State, l: FieldNode, o: number, end: number, key: string): void {
  const d = ctx.d;
  if (o + 2 > end) { ctx.boundsAt('enip', 'item count cut short', o, end - o); return; }
  const n = u16le(d, o);
  ctx.add(l, 'enip.cpf.itemcount', n, o, 2);
  o += 2;
  for (let i = 0; i < n && i < 16; i++) {
    if (o + 4 > end) { ctx.boundsAt('enip', 'item header cut short', o, end - o); return; }
    const type = u16le(d, o), len = u16le(d, o + 2);
    ctx.add(l, 'enip.cpf.typeid', type, o, 2);
    ctx.add(l, 'enip.cpf.length', len, o + 2, 2);
    const b = o + 4, e = b + len;
    if (e > end) { ctx.boundsAt('enip', `item of ${len} bytes runs past the message`, b, end - b); return; }
    if (type === 0x00a1 && len >= 4) ctx.add(l, 'enip.cpf.cai.connid', u32le(d, b), b, 4);
    else if (type === 0x8002 && len >= 8) { ctx.add(l, 'enip.cpf.sai.connid', u32le(d, b), b, 4); ctx.add(l, 'enip.cpf.sai.seq', u32le(d, b + 4), b + 4, 4); }
    else if (type === 0x000c) identity(ctx, l, b, e);
    else if (type === 0x00b2 && len > 0) cip(ctx, st, b, e, key);
    else if (type === 0x00b1 && len > 2) cip(ctx, st, b + 2, e, key);
    o = e;
  }
}

/** List Identity's CIP Identity item. */
function identity(ctx: Ctx, l: FieldNode, o: number, end: number): void {
  const d = ctx.d;
  // version (2), socket address (16), then the identity
  const v = o + 18;
  if (v + 15 > end) { ctx.boundsAt('enip', 'identity item cut short', o, end - o); return; }
  ctx.add(l, 'enip.lir.vendor', u16le(d, v), v, 2);
  ctx.add(l, 'enip.lir.devtype', u16le(d, v + 2), v + 2, 2);
  ctx.add(l, 'enip.lir.prodcode', u16le(d, v + 4), v + 4, 2);
  ctx.add(l, 'enip.lir.serial', u32le(d, v + 10), v + 10, 4);
  const n = d[v + 14];
  ctx.add(l, 'enip.lir.namelen', n, v + 14, 1);
  if (v + 15 + n > end) { ctx.boundsAt('enip', 'product name runs past the item', v + 15, end - v - 15); return; }
  const name = latin1(d, v + 15, v + 15 + n);
  ctx.add(l, 'enip.lir.name', name, v + 15, n);
  ctx.info = `${ctx.info as string}, ${name}`.trimEnd();
  if (v + 16 <= end - n) ctx.add(l, 'enip.lir.state', d[v + 15 + n], v + 15 + n, 1);
}

/** One encapsulation message at [off, end). */
function enip(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('enip', off, end - off);
  ctx.protocol = 'ENIP';
  const req = ctx.dstPort === 44818;
  const cmd = end - off >= 2 ? u16le(d, off) : -1;
  const name = COMMANDS[cmd] ?? `Unknown Command (0x${cmd.toString(16).padStart(4, '0')})`;
  ctx.info = `${name} (${req ? 'Req' : 'Rsp'})`;
  if (end - off < 24) { ctx.boundsAt('enip', 'encapsulation header cut short', off, end - off); return; }
  const len = u16le(d, off + 2), session = u32le(d, off + 4);
  ctx.add(l, 'enip.command', cmd, off, 2);
  ctx.add(l, 'enip.length', len, off + 2, 2);
  ctx.add(l, 'enip.session', session, off + 4, 4);
  ctx.add(l, 'enip.status', u32le(d, off + 8), off + 8, 4);
  if (ctx.wants('enip.context')) ctx.add(l, 'enip.context', d.subarray(off + 12, off + 20), off + 12, 8);
  ctx.add(l, 'enip.options', u32le(d, off + 20), off + 20, 4);
  if (cmd === 0x65 || cmd === 0x66) ctx.info = `${name} (${req ? 'Req' : 'Rsp'}), Session: 0x${session.toString(16).padStart(8, '0')}`;
  const b = off + 24, e = Math.min(end, b + len);
  if (b + len > end) { ctx.boundsAt('enip', `length ${len} runs past the message`, b, end - b); }
  // requests and responses pair by session and sender context
  const key = `${session}|${readers.latin1(d, off + 12, off + 20)}`;
  if (cmd === 0x65 && e - b >= 4) {
    ctx.add(l, 'enip.rs.version', u16le(d, b), b, 2);
    ctx.add(l, 'enip.rs.flags', u16le(d, b + 2), b + 2, 2);
  } else if ((cmd === 0x6f || cmd === 0x70) && e - b >= 6) {
    ctx.add(l, cmd === 0x6f ? 'enip.srrd.iface' : 'enip.sud.iface', u32le(d, b), b, 4);
    ctx.add(l, 'enip.timeout', u16le(d, b + 4), b + 4, 2);
    cpf(ctx, st, l, b + 6, e, key);
  } else if ((cmd === 0x63 || cmd === 0x04 || cmd === 0x64) && !req && e > b) cpf(ctx, st, l, b, e, key);
}

const RULE = { hdrLen: 4, length: (h: Uint8Array, o: number): number => 24 + u16le(h, o + 2) };
TCP_PORT.add([44818], () => new PduApp(RULE, (ctx, st, _s, off, kept) => enip(ctx, st, off, off + kept), dissectData));
UDP_PORT.add([44818], (ctx, st, off, end) => { enip(ctx, st, off, end); });

// CIP I/O (class 0/1 connected data) on udp/2222: a common packet format without encapsulation
UDP_PORT.add([2222], (ctx, _st, off, end) => {
  const d = ctx.d;
  const l = ctx.layer('cipio', off, end - off);
  ctx.protocol = 'CIP I/O';
  let o = off;
  if (o + 2 > end) { ctx.boundsAt('cipio', 'item count cut short', o, end - o); return; }
  const n = u16le(d, o);
  ctx.add(l, 'enip.cpf.itemcount', n, o, 2);
  o += 2;
  let conn = -1, seq = -1;
  for (let i = 0; i < n && i < 16; i++) {
    if (o + 4 > end) { ctx.boundsAt('cipio', 'item header cut short', o, end - o); return; }
    const type = u16le(d, o), len = u16le(d, o + 2);
    ctx.add(l, 'enip.cpf.typeid', type, o, 2);
    ctx.add(l, 'enip.cpf.length', len, o + 2, 2);
    const b = o + 4;
    if (b + len > end) { ctx.boundsAt('cipio', `item of ${len} bytes runs past the datagram`, b, end - b); return; }
    if (type === 0x8002 && len >= 8) {
      conn = u32le(d, b); seq = u32le(d, b + 4);
      ctx.add(l, 'enip.cpf.sai.connid', conn, b, 4);
      ctx.add(l, 'enip.cpf.sai.seq', seq, b + 4, 4);
    } else if (type === 0x00b1) ctx.layer('cipio', b, len); // (tshark names the I/O data a second cipio)
    o = b + len;
  }
  if (conn >= 0) ctx.info = `Connection: ID=0x${conn.toString(16).padStart(8, '0').toUpperCase()}, SEQ=${String(seq).padStart(10, '0')}`;
});
