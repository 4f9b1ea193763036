// DNP3 (IEEE 1815) on tcp/20000 and udp/20000: the data link frame (start
// bytes, length, control with its primary/secondary function, addresses,
// header CRC), its 16-byte data chunks each checked against its CRC, the
// transport header, and the application layer (control, function code,
// internal indications, object headers with their qualifiers, ranges and
// prefixed indices). Application fragments spread over several link
// frames are joined per direction (bounded) and decoded on the final one.
// A frame whose header CRC is wrong is not DNP3 (tshark shows data). The
// operate, write and restart functions are what the ICS write/control
// insight counts. Written from IEEE 1815-2012; fields and Info as tshark
// 4.0's packet-dnp.c.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX8, HEX16 } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { PduApp } from './pdu';
import { dissectData } from './data';
import { convKey, perConversation } from './conv';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT, UDP_PORT } = tables;
const { u16le } = readers;

export const DNP3_FUNCTIONS: Record<number, string> = {
  0: 'Confirm', 1: 'Read', 2: 'Write', 3: 'Select', 4: 'Operate', 5: 'Direct Operate', 6: 'Direct Operate No Ack', 7: 'Immediate Freeze',
  8: 'Immediate Freeze No Ack', 9: 'Freeze and Clear', 10: 'Freeze and Clear No Ack', 11: 'Freeze With Time', 12: 'Freeze With Time No Ack',
  13: 'Cold Restart', 14: 'Warm Restart', 15: 'Initialize Data', 16: 'Initialize Application', 17: 'Start Application', 18: 'Stop Application',
  19: 'Save Configuration', 20: 'Enable Spontaneous Messages', 21: 'Disable Spontaneous Messages', 22: 'Assign Classes', 23: 'Delay Measurement',
  24: 'Record Current Time', 25: 'Open File', 26: 'Close File', 27: 'Delete File', 28: 'Get File Info', 29: 'Authenticate File', 30: 'Abort File',
  31: 'Activate Config', 32: 'Authentication Request', 33: 'Authentication Error', 129: 'Response', 130: 'Unsolicited Response', 131: 'Authentication Response',
};
/** Functions that change outputs, data, configuration or the device's run state: the ICS write/control insight's. */
export const DNP3_CONTROL = new Set([2, 3, 4, 5, 6, 9, 10, 13, 14, 15, 16, 17, 18, 19, 21, 27, 31]);
const PRI: Record<number, string> = { 0: 'Reset of Link', 1: 'Reset of User Process', 2: 'Test Link', 3: 'Confirmed User Data', 4: 'Unconfirmed User Data', 9: 'Request Link Status' };
const SEC: Record<number, string> = { 0: 'ACK', 1: 'NACK', 11: 'Status of Link', 14: 'Link Service Not Functioning', 15: 'Link Service Not Used or Implemented' };

declare('dnp3', 'Distributed Network Protocol 3.0', [
  ['dnp3.start', 'uint', 'Start Bytes', HEX16],
  ['dnp3.len', 'uint', 'Length'],
  ['dnp3.ctl', 'uint', 'Control', HEX8],
  ['dnp3.ctl.prifunc', 'uint', 'Control Function Code', { valueNames: PRI }],
  ['dnp3.ctl.secfunc', 'uint', 'Control Function Code', { valueNames: SEC }],
  ['dnp3.ctl.dir', 'bool', 'Direction'],
  ['dnp3.ctl.prm', 'bool', 'Primary'],
  ['dnp3.ctl.fcb', 'bool', 'Frame Count Bit'],
  ['dnp3.ctl.fcv', 'bool', 'Frame Count Valid'],
  ['dnp3.ctl.dfc', 'bool', 'Data Flow Control'],
  ['dnp3.dst', 'uint', 'Destination'],
  ['dnp3.src', 'uint', 'Source'],
  ['dnp3.addr', 'uint', 'Address'],
  ['dnp3.hdr.CRC', 'uint', 'Data Link Header checksum', HEX16],
  ['dnp3.tr.ctl', 'uint', 'Transport Control', HEX8],
  ['dnp3.tr.fin', 'bool', 'Final'],
  ['dnp3.tr.fir', 'bool', 'First'],
  ['dnp3.tr.seq', 'uint', 'Sequence'],
  ['dnp3.al.ctl', 'uint', 'Application Control', HEX8],
  ['dnp3.al.fir', 'bool', 'First'],
  ['dnp3.al.fin', 'bool', 'Final'],
  ['dnp3.al.con', 'bool', 'Confirm'],
  ['dnp3.al.uns', 'bool', 'Unsolicited'],
  ['dnp3.al.seq', 'uint', 'Sequence'],
  ['dnp3.al.func', 'uint', 'Application Layer Function Code', { valueNames: DNP3_FUNCTIONS }],
  ['dnp3.al.iin', 'uint', 'Internal Indications', HEX16],
  ['dnp3.al.obj', 'uint', 'Object', HEX16],
  ['dnp3.al.objq.prefix', 'uint', 'Prefix Code'],
  ['dnp3.al.objq.range', 'uint', 'Range Code'],
  ['dnp3.al.range.start', 'uint', 'Start'],
  ['dnp3.al.range.stop', 'uint', 'Stop'],
  ['dnp3.al.range.quantity', 'uint', 'Quantity'],
  ['dnp3.al.index', 'uint', 'Index'],
]);

/** DNP3's CRC-16 (polynomial 0x3D65, reflected, complemented), little-endian on the wire. */
function crc(d: Uint8Array, o: number, end: number): number {
  let c = 0;
  for (let i = o; i < end; i++) {
    c ^= d[i];
    for (let b = 0; b < 8; b++) c = c & 1 ? (c >>> 1) ^ 0xa6bc : c >>> 1;
  }
  return ~c & 0xffff;
}

/** Bytes on the wire of a link frame whose length byte is `len` (user data in 16-byte chunks, each with a CRC). */
const frameSize = (len: number): number => { const user = len - 5; return 10 + user + 2 * Math.ceil(user / 16); };

/** Application fragments being joined, per conversation and direction (transport FIR … FIN). */
const MAX_FRAGMENT = 65536;
const pending = perConversation(() => new Map<string, Uint8Array>());

/** packet-dnp.c check_dnp3_header: 10 bytes at least, the start bytes, a length of 5 or more and the header's CRC. */
function isDnp3Header(d: Uint8Array, off: number, end: number): boolean {
  return end - off >= 10 && d[off] === 0x05 && d[off + 1] === 0x64 && d[off + 2] >= 5 && crc(d, off, off + 8) === u16le(d, off + 8);
}

/** One link frame at [off, end): false when it is not DNP3 (start bytes, length or header CRC wrong). */
function dissectDnp3(ctx: Ctx, st: State, off: number, end: number): boolean {
  const d = ctx.d;
  if (!isDnp3Header(d, off, end)) return false;
  const len = d[off + 2], ctl = d[off + 3], dst = u16le(d, off + 4), src = u16le(d, off + 6);
  const size = frameSize(len);
  const l = ctx.layer('dnp3', off, Math.min(size, end - off));
  ctx.protocol = 'DNP 3.0';
  ctx.add(l, 'dnp3.start', 0x0564, off, 2);
  ctx.add(l, 'dnp3.len', len, off + 2, 1);
  const prm = (ctl & 0x40) !== 0, fc = ctl & 0x0f;
  const c = ctx.add(l, 'dnp3.ctl', ctl, off + 3, 1);
  ctx.sub(c, 'dnp3.ctl.dir', (ctl & 0x80) !== 0, off + 3, 1);
  ctx.sub(c, 'dnp3.ctl.prm', prm, off + 3, 1);
  if (prm) {
    ctx.sub(c, 'dnp3.ctl.fcb', (ctl & 0x20) !== 0, off + 3, 1);
    ctx.sub(c, 'dnp3.ctl.fcv', (ctl & 0x10) !== 0, off + 3, 1);
    ctx.sub(c, 'dnp3.ctl.prifunc', fc, off + 3, 1);
  } else {
    ctx.sub(c, 'dnp3.ctl.dfc', (ctl & 0x10) !== 0, off + 3, 1);
    ctx.sub(c, 'dnp3.ctl.secfunc', fc, off + 3, 1);
  }
  ctx.add(l, 'dnp3.dst', dst, off + 4, 2);
  ctx.hidden('dnp3.addr', dst, off + 4, 2);
  ctx.add(l, 'dnp3.src', src, off + 6, 2);
  ctx.hidden('dnp3.addr', src, off + 6, 2);
  ctx.add(l, 'dnp3.hdr.CRC', u16le(d, off + 8), off + 8, 2);
  const fname = (prm ? PRI[fc] : SEC[fc]) ?? 'Unknown function';
  ctx.info = `from ${src} to ${dst}, len=${len}, ${fname}`;
  const userLen = len - 5;
  if (userLen === 0) return true;
  if (size > end - off) { ctx.boundsAt('dnp3', `frame of ${size} bytes runs past the ${end - off} captured`, off, end - off); return true; }
  // the user data without its chunk CRCs; a wrong chunk CRC leaves the application layer undecoded
  const user = new Uint8Array(userLen);
  let o = off + 10, u = 0, good = true;
  while (u < userLen) {
    const n = Math.min(16, userLen - u);
    if (crc(d, o, o + n) !== u16le(d, o + n)) good = false;
    user.set(d.subarray(o, o + n), u);
    u += n; o += n + 2;
  }
  const tc = user[0];
  const t = ctx.add(l, 'dnp3.tr.ctl', tc, off + 10, 1);
  ctx.sub(t, 'dnp3.tr.fin', (tc & 0x80) !== 0, off + 10, 1);
  ctx.sub(t, 'dnp3.tr.fir', (tc & 0x40) !== 0, off + 10, 1);
  ctx.sub(t, 'dnp3.tr.seq', tc & 0x3f, off + 10, 1);
  // a bad chunk is a checksum error, not damage to the frame: tshark decodes no further
  if (!good) { ctx.note('protocol', 'dnp3', 'Data chunk CRC incorrect', 'warn'); return true; }
  // join the fragment: FIR starts it, FIN ends it (what arrives without a FIR is dropped, as tshark does)
  const key = `${src}>${dst}`;
  const table = ctx.inner === 0 ? pending(st, convKey(ctx)) : null;
  let frag: Uint8Array | null = user.subarray(1);
  if (!(tc & 0x40) || !(tc & 0x80)) {
    const before = tc & 0x40 ? null : table?.get(key) ?? null;
    if (!(tc & 0x40) && !before) return true;
    const joined = before ? new Uint8Array(before.length + frag.length) : frag.slice();
    if (before) { joined.set(before); joined.set(frag, before.length); }
    if (!(tc & 0x80)) {
      if (table) { if (joined.length <= MAX_FRAGMENT) table.set(key, joined); else table.delete(key); }
      ctx.info = `${ctx.info as string} (Application Layer Unreassembled fragment ${tc & 0x3f})`;
      return true;
    }
    table?.delete(key);
    frag = joined;
  }
  // where byte j of the fragment is in this frame: past the chunk CRCs, or (an earlier frame's) at the user data's start
  const base = frag.length - (userLen - 1);
  const pos = (j: number): number => { const i = j - base + 1; return i < 1 ? off + 10 : off + 10 + i + 2 * Math.floor(i / 16); };
  const info = application(ctx, l, frag, pos);
  if (info) ctx.info = info;
  return true;
}

const WITH_OBJECTS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 21, 129, 130]);
/** Object groups a read or a write names in Info. */
const READ_NAMES: Record<number, string> = {
  0: 'Device Attributes', 1: 'Binary Input', 2: 'Binary Input Change', 3: 'Double-bit Input', 4: 'Double-bit Input Change', 10: 'Binary Output',
  11: 'Binary Output Change', 20: 'Counter', 21: 'Frozen Counter', 22: 'Counter Change', 23: 'Frozen Counter Change', 30: 'Analog Input',
  32: 'Analog Input Change', 40: 'Analog Output', 42: 'Analog Output Change', 50: 'Time and Date', 70: 'File Control', 80: 'Internal Indications',
  110: 'Octet String', 111: 'Octet String Event',
};
const WRITE_NAMES: Record<number, string> = { 50: 'Time and Date', 70: 'File Control', 80: 'Internal Indications' };

/** Bytes per point of the objects (group << 8 | variation) whose data we step over; packed bit objects are -1. */
const SIZES: Record<number, number> = {
  0x0101: -1, 0x0102: 1, 0x0201: 1, 0x0202: 7, 0x0203: 3, 0x0301: -2, 0x0302: 1, 0x0a01: -1, 0x0a02: 1, 0x0c01: 11, 0x1401: 5, 0x1402: 3,
  0x1405: 4, 0x1406: 2, 0x1501: 5, 0x1502: 3, 0x1601: 5, 0x1602: 3, 0x1e01: 5, 0x1e02: 3, 0x1e03: 4, 0x1e04: 2, 0x1e05: 5, 0x1e06: 9,
  0x2001: 5, 0x2002: 3, 0x2801: 5, 0x2802: 3, 0x2901: 5, 0x2902: 3, 0x2903: 5, 0x2904: 9, 0x3201: 6, 0x3401: 2, 0x3402: 2, 0x5001: -1,
};

/** The application layer in `a` (a whole fragment; `pos` maps its bytes into the frame). Returns Info. */
function application(ctx: Ctx, l: FieldNode, a: Uint8Array, pos: (j: number) => number): string {
  if (a.length < 2) { ctx.malformedAt('dnp3', 'application header cut short', pos(0), a.length); return ''; }
  const ac = a[0], fn = a[1];
  const c = ctx.add(l, 'dnp3.al.ctl', ac, pos(0), 1);
  ctx.sub(c, 'dnp3.al.fir', (ac & 0x80) !== 0, pos(0), 1);
  ctx.sub(c, 'dnp3.al.fin', (ac & 0x40) !== 0, pos(0), 1);
  ctx.sub(c, 'dnp3.al.con', (ac & 0x20) !== 0, pos(0), 1);
  ctx.sub(c, 'dnp3.al.uns', (ac & 0x10) !== 0, pos(0), 1);
  ctx.sub(c, 'dnp3.al.seq', ac & 0x0f, pos(0), 1);
  ctx.add(l, 'dnp3.al.func', fn, pos(1), 1);
  let info = DNP3_FUNCTIONS[fn] ?? `Unknown function (0x${fn.toString(16).padStart(2, '0')})`;
  let o = 2;
  const response = fn >= 129;
  if (response) {
    if (a.length < 4) { ctx.malformedAt('dnp3', 'internal indications cut short', pos(2), a.length - 2); return info; }
    ctx.add(l, 'dnp3.al.iin', (a[2] << 8) | a[3], pos(2), 2);
    o = 4;
  }
  // only these functions' objects are decoded by tshark; a read's carry no data, the others' are stepped over by their size
  if (!WITH_OBJECTS.has(fn)) return info;
  const withData = fn !== 1;
  const classes = new Set<number>();
  const names: string[] = [];
  const named = fn === 1 ? READ_NAMES : fn === 2 ? WRITE_NAMES : null;
  for (let n = 0; n < 256 && o + 3 <= a.length; n++) {
    const obj = (a[o] << 8) | a[o + 1], q = a[o + 2];
    const prefix = (q >> 4) & 7, range = q & 0x0f;
    ctx.add(l, 'dnp3.al.obj', obj, pos(o), 2);
    ctx.add(l, 'dnp3.al.objq.prefix', prefix, pos(o + 2), 1);
    ctx.add(l, 'dnp3.al.objq.range', range, pos(o + 2), 1);
    if (fn === 1 && a[o] === 60 && a[o + 1] >= 1 && a[o + 1] <= 4) classes.add(a[o + 1] - 1);
    else if (named?.[a[o]]) names.push(named[a[o]]);
    o += 3;
    let count = 0;
    if (range === 0 || range === 1) {
      const w = range === 0 ? 1 : 2;
      if (o + 2 * w > a.length) { ctx.malformedAt('dnp3', 'object range cut short', pos(o), a.length - o); break; }
      const start = w === 1 ? a[o] : a[o] | (a[o + 1] << 8), stop = w === 1 ? a[o + w] : a[o + w] | (a[o + w + 1] << 8);
      ctx.add(l, 'dnp3.al.range.start', start, pos(o), w);
      ctx.add(l, 'dnp3.al.range.stop', stop, pos(o + w), w);
      count = stop >= start ? stop - start + 1 : 0;
      o += 2 * w;
    } else if (range === 7 || range === 8) {
      const w = range === 7 ? 1 : 2;
      if (o + w > a.length) { ctx.malformedAt('dnp3', 'object count cut short', pos(o), a.length - o); break; }
      count = w === 1 ? a[o] : a[o] | (a[o + 1] << 8);
      ctx.add(l, 'dnp3.al.range.quantity', count, pos(o), w);
      o += w;
    } else if (range !== 6) break;
    if (!withData && prefix === 0) continue;
    const size = withData ? SIZES[obj] : 0;
    if (size === undefined) break;
    const pw = prefix === 1 ? 1 : prefix === 2 ? 2 : prefix === 3 ? 4 : 0;
    if (size < 0) { o += Math.ceil((count * (size === -2 ? 2 : 1)) / 8); continue; }
    let ok = true;
    for (let i = 0; i < count; i++) {
      if (o + pw + size > a.length) { ctx.malformedAt('dnp3', 'object data cut short', pos(o), a.length - o); ok = false; break; }
      if (pw > 0) ctx.add(l, 'dnp3.al.index', pw === 1 ? a[o] : pw === 2 ? a[o] | (a[o + 1] << 8) : (a[o] | (a[o + 1] << 8) | (a[o + 2] << 16) | (a[o + 3] << 24)) >>> 0, pos(o), pw);
      o += pw + size;
    }
    if (!ok) break;
  }
  for (const nm of names) info += `, ${nm}`;
  if (classes.size) info += `, Class ${[...classes].sort().join('')}`;
  return info;
}

/** DNP3 over TCP: link frames found by their start bytes and length. */
const RULE = { hdrLen: 3, length: (h: Uint8Array, o: number): number => (h[o] !== 0x05 || h[o + 1] !== 0x64 || h[o + 2] < 5 ? -1 : frameSize(h[o + 2])) };
/** The link frames of the segment being dissected: tshark names DNP3 once per segment and joins their Info with ", ". */
const segment = new WeakMap<Ctx, { frame: number; infos: string[] }>();
const tcpFrame = (ctx: Ctx, st: State, _s: unknown, off: number, kept: number): void => {
  let acc = segment.get(ctx);
  if (!acc || acc.frame !== ctx.pkt.number) { acc = { frame: ctx.pkt.number, infos: [] }; segment.set(ctx, acc); }
  const at = ctx.protocols.length;
  if (!dissectDnp3(ctx, st, off, off + kept)) { dissectData(ctx, off, off + kept); return; }
  if (acc.infos.length > 0 && ctx.protocols[at] === 'dnp3') ctx.protocols.splice(at, 1);
  acc.infos.push(typeof ctx.info === 'string' ? ctx.info : ctx.info());
  ctx.info = acc.infos.join(', ');
};
// tshark's dnp3 rejects a payload whose first bytes are no DNP3 header (on TCP and UDP): the other port is tried
TCP_PORT.add([20000], () => new PduApp(RULE, tcpFrame, dissectData), { accepts: isDnp3Header });
UDP_PORT.add([20000], (ctx, st, off, end) => { if (!dissectDnp3(ctx, st, off, end)) dissectData(ctx, off, end); }, { accepts: isDnp3Header });
