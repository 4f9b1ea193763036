// STUN and TURN (RFC 8489, RFC 8656, RFC 5780; the deprecated RFC 3489
// attributes), as tshark 4.0's packet-stun.c in its default "RFC 5389 and
// later" mode: on udp/3478 and, on any other port, by its UDP heuristic
// (on by default): the magic cookie 0x2112A442, a method of at most 0xFF
// and a message length that is the datagram's exactly. A message the
// heuristic found claims its conversation, so TURN ChannelData (never
// found by the heuristic) counts there afterwards, as on 3478. Requests
// and responses are paired by transaction id per conversation
// (stun.response-to, stun.time, stun.reqduplicate; stun.response-in on a
// frame dissected again once its response was seen). Not done: STUN over
// TCP (RFC 4571 framing), the MS-TURN/MS-ICE attributes (their bytes show
// as stun.value).
import { crc32 } from 'node:zlib';
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX8, HEX16, HEX32 } from './fields';
import { ipv4ToString, ipv6ToString } from './addr';
import { Bounded, convKey } from './conv';
import { dissectData } from './data';
import { udpSentLength } from './prologue';
import * as readers from './bytes';
import * as tables from './tables';
const { UDP_HEURISTICS, UDP_PORT } = tables;
const { u16, u32 } = readers;

const COOKIE = 0x2112a442;
const HDR = 20;
const REQUEST = 0, SUCCESS = 2, ERROR = 3;
const CLASSES: Record<number, string> = { 0: 'Request', 1: 'Indication', 2: 'Success Response', 3: 'Error Response' };
const METHODS: Record<number, string> = {
  0x001: 'Binding', 0x002: 'SharedSecret', 0x003: 'Allocate', 0x004: 'Refresh', 0x006: 'Send', 0x007: 'Data', 0x008: 'CreatePermission',
  0x009: 'Channel-Bind', 0x00a: 'Connect', 0x00b: 'ConnectionBind', 0x00c: 'ConnectionAttempt', 0x080: 'GooglePing',
};
// tshark's attribute names (its spelling, "XOR-REFELECTED-FROM" included)
const ATTRIBUTES: Record<number, string> = {
  0x0001: 'MAPPED-ADDRESS', 0x0002: 'RESPONSE_ADDRESS', 0x0003: 'CHANGE_REQUEST', 0x0004: 'SOURCE_ADDRESS', 0x0005: 'CHANGED_ADDRESS',
  0x0006: 'USERNAME', 0x0007: 'PASSWORD', 0x0008: 'MESSAGE-INTEGRITY', 0x0009: 'ERROR-CODE', 0x000a: 'UNKNOWN-ATTRIBUTES',
  0x000b: 'REFLECTED-FROM', 0x000c: 'CHANNEL-NUMBER', 0x000d: 'LIFETIME', 0x000e: 'MS-ALTERNATE-SERVER', 0x000f: 'MAGIC-COOKIE',
  0x0010: 'BANDWIDTH', 0x0011: 'DESTINATION-ADDRESS', 0x0012: 'XOR-PEER-ADDRESS', 0x0013: 'DATA', 0x0014: 'REALM', 0x0015: 'NONCE',
  0x0016: 'XOR-RELAYED-ADDRESS', 0x0017: 'REQUESTED-ADDRESS-FAMILY', 0x0018: 'EVEN-PORT', 0x0019: 'REQUESTED-TRANSPORT',
  0x001a: 'DONT-FRAGMENT', 0x001b: 'ACCESS-TOKEN', 0x001c: 'MESSAGE-INTEGRITY-SHA256', 0x001d: 'PASSWORD-ALGORITHM', 0x001e: 'USERHASH',
  0x0020: 'XOR-MAPPED-ADDRESS', 0x0022: 'RESERVATION-TOKEN', 0x0024: 'PRIORITY', 0x0025: 'USE-CANDIDATE', 0x0026: 'PADDING',
  0x0027: 'XOR-RESPONSE-TARGET', 0x0028: 'XOR-REFELECTED-FROM', 0x002a: 'CONNECTION-ID', 0x0030: 'LEGACY-ICMP',
  0x8000: 'ADDITIONAL-ADDRESS-FAMILY', 0x8001: 'ADDRESS-ERROR-CODE', 0x8002: 'PASSWORD-ALGORITHMS', 0x8003: 'ALTERNATE-DOMAIN',
  0x8004: 'ICMP', 0x8006: 'MS-TURN UNKNOWN 8006', 0x8008: 'MS-VERSION', 0x8020: 'XOR-MAPPED-ADDRESS', 0x8022: 'SOFTWARE',
  0x8023: 'ALTERNATE-SERVER', 0x8025: 'TRANSACTION-TRANSMIT-COUNTER', 0x8027: 'CACHE-TIMEOUT', 0x8028: 'FINGERPRINT',
  0x8029: 'ICE-CONTROLLED', 0x802a: 'ICE-CONTROLLING', 0x802b: 'RESPONSE-ORIGIN', 0x802c: 'OTHER-ADDRESS', 0x802d: 'ECN-CHECK-STUN',
  0x802e: 'THIRD-PARTY-AUTHORIZATION', 0x8030: 'MOBILITY-TICKET', 0x8032: 'MS-ALTERNATE-HOST-NAME', 0x8037: 'MS-APP-ID',
  0x8039: 'MS-SECURE-TAG', 0x8050: 'MS-SEQUENCE-NUMBER', 0x8054: 'MS-CANDIDATE-IDENTIFIER', 0x8055: 'MS-SERVICE-QUALITY',
  0x8056: 'Bandwidth Admission Control Message', 0x8057: 'Bandwidth Reservation Identifier', 0x8058: 'Bandwidth Reservation Amount',
  0x8059: 'Remote Site Address', 0x805a: 'Remote Relay Site Address', 0x805b: 'Local Site Address', 0x805c: 'Local Relay Site Address',
  0x805d: 'Remote Site Address Response', 0x805e: 'Remote Relay Site Address Response', 0x805f: 'Local Site Address Response',
  0x8060: 'Local Relay Site Address Response', 0x8061: 'SIP Dialog Identifier', 0x8062: 'SIP Call Identifier', 0x8068: 'Location Profile',
  0x8070: 'MS-IMPLEMENTATION-VERSION', 0x8090: 'MS-ALT-MAPPED-ADDRESS', 0x8095: 'MS-MULTIPLEXED-TURN-SESSION-ID',
  0xc000: 'CISCO-STUN-FLOWDATA', 0xc001: 'ENF-FLOW-DESCRIPTION', 0xc002: 'ENF-NETWORK-STATUS', 0xc057: 'GOOG-NETWORK-INFO',
  0xc058: 'GOOG-LAST-ICE-CHECK-RECEIVED', 0xc059: 'GOOG-MISC-INFO', 0xc05a: 'GOOG-OBSOLETE-1', 0xc05b: 'GOOG-CONNECTION-ID',
  0xc05c: 'GOOG-DELTA', 0xc05d: 'GOOG-DELTA-ACK', 0xc060: 'GOOG-MESSAGE_INTEGRITY-32', 0xff04: 'GOOG-MULTI-MAPPING', 0xff05: 'GOOG-LOGGING-ID',
};
const ERRORS: Record<number, string> = {
  274: 'Disable Candidate', 275: 'Disable Candidate Pair', 300: 'Try Alternate', 400: 'Bad Request', 401: 'Unauthenticated', 403: 'Forbidden',
  405: 'Mobility Forbidden', 420: 'Unknown Attribute', 430: 'Stale Credentials (legacy)', 431: 'Integrity Check Failure (legacy)',
  432: 'Missing Username (legacy)', 433: 'Use TLS (legacy)', 434: 'Missing Realm (legacy)', 435: 'Missing Nonce (legacy)',
  436: 'Unknown User (legacy)', 437: 'Allocation Mismatch', 438: 'Stale Nonce', 439: 'Wrong Credentials (legacy)',
  440: 'Address Family not Supported', 441: 'Wrong Credentials', 442: 'Unsupported Transport Protocol', 443: 'Peer Address Family Mismatch',
  446: 'Connection Already Exists', 447: 'Connection Timeout or Failure', 481: 'Connection does not exist (legacy)', 486: 'Allocation Quota Reached',
  487: 'Role Conflict', 500: 'Server Error', 503: 'Service Unavailable (legacy)', 507: 'Insufficient Bandwidth Capacity (legacy)',
  508: 'Insufficient Port Capacity', 600: 'Global Failure',
};
const TRANSPORTS: Record<number, string> = { 17: 'UDP', 6: 'TCP' };
/** tshark's network version in its default mode (RFC 5389 and later) */
const NET_VER_5389 = 3;

declare('stun', 'Session Traversal Utilities for NAT', [
  ['stun.channel', 'uint', 'Channel Number', HEX16],
  ['stun.type', 'uint', 'Message Type', HEX16],
  ['stun.type.class', 'uint', 'Message Class', HEX16],
  ['stun.type.method', 'uint', 'Message Method', HEX16],
  ['stun.type.method-assignment', 'uint', 'Message Method Assignment', HEX16],
  ['stun.length', 'uint', 'Message Length'],
  ['stun.cookie', 'bytes', 'Message Cookie'],
  ['stun.id', 'bytes', 'Message Transaction ID'],
  ['stun.network_version', 'uint', 'STUN Network Version', { valueNames: { 1: 'MS-TURN', 2: 'RFC-3489 and earlier', 3: 'RFC-5389/8489' } }],
  ['stun.attributes', 'none', 'Attributes'],
  ['stun.attribute', 'uint', 'Attribute Type', HEX16],
  ['stun.response-in', 'framenum', 'Response In'],
  ['stun.response-to', 'framenum', 'Request In'],
  ['stun.time', 'reltime', 'Time'],
  ['stun.reqduplicate', 'framenum', 'Duplicated original message in'],
  ['stun.att.type', 'uint', 'Attribute Type', HEX16],
  ['stun.att.type.comprehension', 'uint', 'Attribute Type Comprehension', { ...HEX16, valueNames: { 0: 'Required', 1: 'Optional' } }],
  ['stun.att.type.assignment', 'uint', 'Attribute Type Assignment', { ...HEX16, valueNames: { 0: 'IETF Review', 1: 'Designated Expert' } }],
  ['stun.att.length', 'uint', 'Attribute Length'],
  ['stun.att.family', 'uint', 'Protocol Family', { ...HEX8, valueNames: { 1: 'IPv4', 2: 'IPv6' } }],
  ['stun.att.ipv4', 'ipv4', 'IP'],
  ['stun.att.ipv6', 'ipv6', 'IP'],
  ['stun.att.port', 'uint', 'Port'],
  ['stun.att.username', 'string', 'Username'],
  ['stun.att.password', 'bytes', 'Password'],
  ['stun.att.padding', 'uint', 'Padding'],
  ['stun.att.hmac', 'bytes', 'HMAC-SHA1'],
  ['stun.att.crc32', 'uint', 'CRC-32', HEX32],
  ['stun.att.crc32.status', 'uint', 'CRC-32 Status', { valueNames: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present' } }],
  ['stun.att.crc32.bad', 'none', 'Bad Fingerprint'],
  ['stun.att.error.class', 'uint', 'Error Class'],
  ['stun.att.error', 'uint', 'Error Code'],
  ['stun.att.error.reason', 'string', 'Error Reason Phrase'],
  ['stun.att.realm', 'string', 'Realm'],
  ['stun.att.nonce', 'string', 'Nonce'],
  ['stun.att.unknown', 'uint', 'Unknown Attribute', HEX16],
  ['stun.att.ipv4-xord', 'bytes', 'IP (XOR-d)'],
  ['stun.att.ipv6-xord', 'bytes', 'IP (XOR-d)'],
  ['stun.att.port-xord', 'bytes', 'Port (XOR-d)'],
  ['stun.att.icmp.type', 'uint', 'ICMP type'],
  ['stun.att.icmp.code', 'uint', 'ICMP code'],
  ['stun.att.software', 'string', 'Software'],
  ['stun.att.priority', 'uint', 'Priority'],
  ['stun.att.tie-breaker', 'bytes', 'Tie breaker'],
  ['stun.att.lifetime', 'uint', 'Lifetime'],
  ['stun.att.change-ip', 'bool', 'Change IP'],
  ['stun.att.change-port', 'bool', 'Change Port'],
  ['stun.att.even-port.reserve-next', 'uint', 'Reserve next', { valueNames: { 0: 'No reservation', 1: 'Reserve next port number' } }],
  ['stun.att.cache-timeout', 'uint', 'Cache timeout'],
  ['stun.att.token', 'bytes', 'Token'],
  ['stun.value', 'bytes', 'Value'],
  ['stun.att.reserved', 'bytes', 'Reserved'],
  ['stun.att.transp', 'uint', 'Transport', { ...HEX8, valueNames: TRANSPORTS }],
  ['stun.att.channelnum', 'uint', 'Channel-Number', HEX16],
  ['stun.att.magic_cookie', 'uint', 'Magic Cookie', HEX32],
  ['stun.port.bandwidth', 'uint', 'Bandwidth'],
  ['stun.att.google.network_id', 'uint', 'Google Network ID'],
  ['stun.att.google.network_cost', 'uint', 'Google Network Cost'],
  ['stun.wrong_msglen', 'none', 'Packet length is not multiple of 4 bytes'],
  ['stun.unknown_attribute', 'none', 'Attribute unknown'],
]);

/** One transaction as tshark keeps it: the first request's and first answer's frames, the first message's time. */
interface Transaction { req: number; rep: number; ts: bigint }
/** Caps: conversations remembered, transactions per conversation. */
const MAX_CONVS = 4096, MAX_TRANSACTIONS = 256;

class StunState {
  last = 0;
  readonly convs = new Bounded<string, Bounded<string, Transaction>>(MAX_CONVS);
  /** UDP conversations a message found by the heuristic claimed (tshark's conversation_set_dissector) */
  readonly claimed = new Bounded<string, true>(MAX_CONVS);
}
const states = new WeakMap<State, StunState>();
function stateOf(st: State): StunState {
  let s = states.get(st);
  if (!s) { s = new StunState(); states.set(st, s); }
  return s;
}

const hex4 = (n: number): string => n.toString(16);
/** The method (12 bits) spread over the type's bits around the class bits. */
const methodOf = (t: number): number => (t & 0x000f) | ((t & 0x00e0) >> 1) | ((t & 0x3e00) >> 2);
const classOf = (t: number): number => ((t & 0x0010) >> 4) | ((t & 0x0100) >> 7);

/**
 * Whether [off, end) is a STUN message tshark's dissector takes (0: not):
 * `heuristic` refuses ChannelData, which only a port or a claimed
 * conversation lets through. Returns the kind: 1 message, 2 ChannelData.
 */
function kind(d: Uint8Array, off: number, end: number, heuristic: boolean, len = end - off): 0 | 1 | 2 {
  if (end - off < 4) return 0;
  const type = u16(d, off), mlen = u16(d, off + 2);
  if (type & 0xc000) {
    if (heuristic) return 0;
    // RFC 7983: channels 0x8000-0xFFFF are dropped, but MS-TURN's multiplexed one
    if ((type & 0x8000) && type !== 0xff10) return 0;
    return len === mlen + 4 || len === ((mlen + 4 + 3) & ~3) ? 2 : 0;
  }
  if (end - off < HDR || methodOf(type) > 0xff || u32(d, off + 4) !== COOKIE) return 0;
  return len === mlen + HDR ? 1 : 0;
}

function dissectStun(ctx: Ctx, st: State, off: number, end: number, k: 1 | 2, heuristic: boolean): void {
  const d = ctx.d;
  if (k === 2) { channelData(ctx, off, end); return; }
  const s = stateOf(st);
  const frame = ctx.pkt.number;
  const revisit = frame <= s.last;
  if (!revisit) s.last = frame;
  const type = u16(d, off), mlen = u16(d, off + 2);
  const cls = classOf(type), method = methodOf(type);
  const conv = convKey(ctx);
  if (heuristic && !revisit) s.claimed.set(conv, true);
  let trans = s.convs.get(conv);
  if (!trans) { trans = new Bounded(MAX_TRANSACTIONS); s.convs.set(conv, trans); }
  const tid = Buffer.from(d.subarray(off + 8, off + 20)).toString('latin1');
  let t = trans.get(tid);
  const now = ctx.pkt.tsNs ?? 0n;
  if (!revisit) {
    if (!t) { t = { req: 0, rep: 0, ts: now }; trans.set(tid, t); }
    if (cls === REQUEST) { if (t.req === 0) t.req = frame; } else if (t.rep === 0) t.rep = frame;
  }
  t ??= { req: 0, rep: 0, ts: now };
  const className = CLASSES[cls], methodName = METHODS[method] ?? 'Unknown';
  let info = `${methodName} ${className}`;
  ctx.protocol = 'STUN';
  ctx.info = () => info;
  const l = ctx.layer('stun', off, end - off);
  if (cls === REQUEST) {
    if (t.req !== frame) ctx.gen(l, 'stun.reqduplicate', t.req);
    if (t.rep !== 0) ctx.gen(l, 'stun.response-in', t.rep);
  } else {
    if (t.rep !== frame) ctx.gen(l, 'stun.reqduplicate', t.rep);
    if ((cls === SUCCESS || cls === ERROR) && t.req !== 0) {
      ctx.gen(l, 'stun.response-to', t.req);
      ctx.reltime(l, 'stun.time', now - t.ts);
    }
  }
  const ty = ctx.add(l, 'stun.type', type, off, 2);
  ctx.sub(ty, 'stun.type.class', (type & 0x0110) >> 4, off, 2);
  ctx.sub(ty, 'stun.type.method', type & 0x3eef, off, 2);
  ctx.sub(ty, 'stun.type.method-assignment', (type & 0x2000) >> 13, off, 2);
  ctx.add(l, 'stun.length', mlen, off + 2, 2);
  ctx.add(l, 'stun.cookie', d.subarray(off + 4, off + 8), off + 4, 4);
  ctx.add(l, 'stun.id', d.subarray(off + 8, off + 20), off + 8, 12);
  if (mlen === 0) return;
  ctx.gen(l, 'stun.network_version', NET_VER_5389);
  if (mlen & 3) {
    // an expert item of tshark's Malformed group, not an exception: _ws.malformed without "[Malformed Packet]" in Info
    ctx.add(l, 'stun.wrong_msglen', null, off + 2, 2);
    ctx.note('malformed', 'stun', 'Packet length is not multiple of 4 bytes', 'error');
  }
  const all = ctx.add(l, 'stun.attributes', null, off + HDR, mlen);
  const msgEnd = off + HDR + mlen;
  const append = (s: string): void => { info += s; };
  for (let o = off + HDR; o < msgEnd;) {
    // the message's length is the datagram's: only a snap length cuts an attribute short
    if (o + 4 > end) { pastEnd(ctx, end, `attribute header cut short at byte ${o - off}`, o, end - o); return; }
    const at = u16(d, o), alen = u16(d, o + 2), pad = (alen + 3) & ~3;
    const name = ATTRIBUTES[at];
    let a: FieldNode;
    if (name !== undefined) {
      a = ctx.sub(all, 'stun.attribute', at, o, 4 + pad);
      const tf = ctx.sub(a, 'stun.att.type', at, o, 2);
      ctx.sub(tf, 'stun.att.type.comprehension', (at & 0x8000) >> 15, o, 2);
      ctx.sub(tf, 'stun.att.type.assignment', (at & 0x4000) >> 14, o, 2);
      if (o + 4 + pad > msgEnd) {
        // tshark shows the padded length, says it is bogus, and stops there
        ctx.sub(a, 'stun.att.length', pad, o + 2, 2);
        ctx.errorAt('stun', `Attribute ${name} length ${pad} goes past the end of the message`, o + 2, 2);
        return;
      }
    } else {
      a = ctx.sub(all, 'stun.unknown_attribute', null, o, 2);
    }
    ctx.sub(a, 'stun.att.length', alen, o + 2, 2);
    const v = o + 4;
    // a value or its padding past the message: tshark's bounds error
    if (v + alen > end) { pastEnd(ctx, end, `attribute value cut short (${end - v} of ${alen} bytes)`, v, end - v); return; }
    attribute(ctx, a, at, name ?? '', v, alen, off, append);
    if (alen < pad) {
      if (v + pad > end) { pastEnd(ctx, end, `attribute padding cut short (${end - v - alen} of ${pad - alen} bytes)`, v + alen, end - v - alen); return; }
      ctx.sub(a, 'stun.att.padding', pad - alen, v + alen, pad - alen);
    }
    o = v + pad;
  }
}

/** One attribute's value [v, v + n) under its item `a`; `msg`: where the message starts (the XOR key and the fingerprint's span). */
function attribute(ctx: Ctx, a: FieldNode, at: number, name: string, v: number, n: number, msg: number, append: (s: string) => void): void {
  const d = ctx.d;
  switch (at) {
    case 0x0002: case 0x0004: case 0x0005: case 0x000b: case 0x0011: // RFC 3489's addresses
    case 0x0001: case 0x8023: case 0x802b: case 0x802c: case 0x8090: case 0x000e: {
      if (n < 1) return;
      ctx.sub(a, 'stun.att.reserved', d.subarray(v, v + 1), v, 1);
      if (n < 2) return;
      ctx.sub(a, 'stun.att.family', d[v + 1], v + 1, 1);
      if (n < 4) return;
      const port = u16(d, v + 2);
      ctx.sub(a, 'stun.att.port', port, v + 2, 2);
      let addr: string | null = null;
      if (d[v + 1] === 1 && n >= 8) {
        const ip = u32(d, v + 4);
        ctx.sub(a, 'stun.att.ipv4', ip, v + 4, 4);
        addr = ipv4ToString(ip);
      } else if (d[v + 1] === 2 && n >= 20) {
        const ip = d.slice(v + 4, v + 20);
        ctx.sub(a, 'stun.att.ipv6', ip, v + 4, 16);
        addr = ipv6ToString(ip);
      }
      // only the current attributes name their address in Info
      if (addr !== null && (at === 0x0001 || at === 0x8023 || at === 0x802b || at === 0x802c || at === 0x8090 || at === 0x000e)) append(` ${name}: ${addr}:${port}`);
      return;
    }
    case 0x0007: ctx.sub(a, 'stun.att.password', d.subarray(v, v + n), v, n); return;
    case 0x0003:
      if (n < 4) return;
      ctx.sub(a, 'stun.att.change-ip', (d[v + 3] & 4) !== 0, v, 4);
      ctx.sub(a, 'stun.att.change-port', (d[v + 3] & 2) !== 0, v, 4);
      return;
    case 0x0006: {
      const s = utf8(d, v, n);
      ctx.sub(a, 'stun.att.username', s, v, n);
      append(` user: ${s}`);
      return;
    }
    case 0x0008:
      if (n >= 20) ctx.sub(a, 'stun.att.hmac', d.subarray(v, v + n), v, n);
      return;
    case 0x0009: {
      if (n < 2) return;
      ctx.sub(a, 'stun.att.reserved', d.subarray(v, v + 2), v, 2);
      if (n < 3) return;
      ctx.sub(a, 'stun.att.error.class', d[v + 2] & 7, v + 2, 1);
      if (n < 4) return;
      ctx.sub(a, 'stun.att.error', d[v + 3], v + 3, 1);
      const code = d[v + 2] * 100 + d[v + 3];
      append(` error-code: ${code} (${ERRORS[code] ?? '*Unknown error code*'})`);
      if (n < 5) return;
      const reason = utf8(d, v + 4, n - 4);
      ctx.sub(a, 'stun.att.error.reason', reason, v + 4, n - 4);
      append(` ${reason}`);
      return;
    }
    case 0x000a:
      for (let i = 0; i < n; i += 2) {
        // an odd length leaves one byte: tshark reads two there, into the padding
        if (v + i + 2 > ctx.d.length) { pastEnd(ctx, ctx.d.length, 'UNKNOWN-ATTRIBUTES cut short', v + i, 1); return; }
        ctx.sub(a, 'stun.att.unknown', u16(d, v + i), v + i, 2);
      }
      return;
    case 0x0014: {
      const s = utf8(d, v, n);
      ctx.sub(a, 'stun.att.realm', s, v, n);
      append(` realm: ${s}`);
      return;
    }
    case 0x0015:
      ctx.sub(a, 'stun.att.nonce', utf8(d, v, n), v, n);
      append(' with nonce');
      return;
    case 0x0012: case 0x0016: case 0x0020: case 0x0027: case 0x0028: case 0x8020:
    case 0x8059: case 0x805a: case 0x805b: case 0x805c: {
      if (n < 1) return;
      ctx.sub(a, 'stun.att.reserved', d.subarray(v, v + 1), v, 1);
      if (n < 2) return;
      ctx.sub(a, 'stun.att.family', d[v + 1], v + 1, 1);
      if (n < 4) return;
      ctx.sub(a, 'stun.att.port-xord', d.subarray(v + 2, v + 4), v + 2, 2);
      const port = u16(d, v + 2) ^ (COOKIE >>> 16);
      ctx.sub(a, 'stun.att.port', port, v + 2, 2).generated = true;
      if (n < 8) return;
      let addr: string | null = null;
      if (d[v + 1] === 1) {
        ctx.sub(a, 'stun.att.ipv4-xord', d.subarray(v + 4, v + 8), v + 4, 4);
        const ip = (u32(d, v + 4) ^ COOKIE) >>> 0;
        ctx.sub(a, 'stun.att.ipv4', ip, v + 4, 4).generated = true;
        addr = ipv4ToString(ip);
      } else if (d[v + 1] === 2) {
        if (n < 20) return;
        ctx.sub(a, 'stun.att.ipv6-xord', d.subarray(v + 4, v + 20), v + 4, 16);
        // XOR-d with the cookie and the transaction id: the 16 bytes after the message type and length
        const ip = new Uint8Array(16);
        for (let i = 0; i < 16; i++) ip[i] = d[v + 4 + i] ^ d[msg + 4 + i];
        ctx.sub(a, 'stun.att.ipv6', ip, v + 4, 16).generated = true;
        addr = ipv6ToString(ip);
      }
      if (addr !== null) append(` ${name}: ${addr}:${port}`);
      return;
    }
    case 0x0017:
      if (n < 1) return;
      ctx.sub(a, 'stun.att.family', d[v], v, 1);
      if (n >= 4) ctx.sub(a, 'stun.att.reserved', d.subarray(v + 1, v + 4), v + 1, 3);
      return;
    case 0x0018:
      if (n >= 1) ctx.sub(a, 'stun.att.even-port.reserve-next', d[v] >> 7, v, 1);
      return;
    case 0x0022:
      if (n >= 8) ctx.sub(a, 'stun.att.token', d.subarray(v, v + 8), v, 8);
      return;
    case 0x0024:
      if (n >= 4) ctx.sub(a, 'stun.att.priority', u32(d, v), v, 4);
      return;
    case 0x0026: ctx.sub(a, 'stun.att.padding', n, v, n); return;
    case 0x0030: case 0x8004:
      if (n < 4) return;
      ctx.sub(a, 'stun.att.icmp.type', d[v], v, 1);
      ctx.sub(a, 'stun.att.icmp.code', d[v + 1], v + 1, 1);
      return;
    case 0x8022: ctx.sub(a, 'stun.att.software', utf8(d, v, n), v, n); return;
    case 0x8027:
      if (n >= 4) ctx.sub(a, 'stun.att.cache-timeout', u32(d, v), v, 4);
      return;
    case 0x8028: {
      if (n < 4) return;
      // CRC-32 of the message up to this attribute, XOR "STUN"
      const want = (crc32(d.subarray(msg, v - 4)) ^ 0x5354554e) >>> 0;
      const got = u32(d, v);
      const f = ctx.sub(a, 'stun.att.crc32', got, v, 4);
      ctx.sub(f, 'stun.att.crc32.status', got === want ? 1 : 0, v, 4).generated = true;
      if (got !== want) {
        ctx.sub(f, 'stun.att.crc32.bad', null, v, 4);
        ctx.errorAt('stun', `Bad Fingerprint: 0x${hex4(got)}, should be 0x${hex4(want)}`, v, 4);
      }
      return;
    }
    case 0x8029: case 0x802a:
      if (n >= 8) ctx.sub(a, 'stun.att.tie-breaker', d.subarray(v, v + 8), v, 8);
      return;
    case 0x0013:
      if (n > 0) {
        ctx.sub(a, 'stun.value', d.subarray(v, v + n), v, n);
        // what the relay carries: tshark's STUN heuristic list is empty by default, so data
        dissectData(ctx, v, v + n);
      }
      return;
    case 0x0019: {
      if (n < 1) return;
      ctx.sub(a, 'stun.att.transp', d[v], v, 1);
      if (n < 4) return;
      append(` ${TRANSPORTS[d[v]] ?? `Unknown (0x${d[v].toString(16).padStart(8, ' ')})`}`);
      ctx.sub(a, 'stun.att.reserved', d.subarray(v + 1, v + 4), v + 1, 3);
      return;
    }
    case 0x000c: {
      if (n < 4) return;
      const chan = u16(d, v);
      ctx.sub(a, 'stun.att.channelnum', chan, v, 2);
      append(` ChannelNumber=0x${hex4(chan)}`);
      ctx.sub(a, 'stun.att.reserved', d.subarray(v + 2, v + 4), v + 2, 2);
      return;
    }
    case 0x000f:
      if (n >= 4) ctx.sub(a, 'stun.att.magic_cookie', u32(d, v), v, 4);
      return;
    case 0x0010:
      if (n < 4) return;
      ctx.sub(a, 'stun.port.bandwidth', u32(d, v), v, 4);
      append(` bandwidth: ${u32(d, v) | 0}`);
      return;
    case 0x000d:
      if (n < 4) return;
      ctx.sub(a, 'stun.att.lifetime', u32(d, v), v, 4);
      append(` lifetime: ${u32(d, v) | 0}`);
      return;
    case 0xc057:
      if (n < 4) { ctx.boundsAt('stun', 'GOOG-NETWORK-INFO cut short', v, n); return; }
      ctx.sub(a, 'stun.att.google.network_id', u16(d, v), v, 2);
      ctx.sub(a, 'stun.att.google.network_cost', u16(d, v + 2), v + 2, 2);
      return;
    default:
      if (n > 0) ctx.sub(a, 'stun.value', d.subarray(v, v + n), v, n);
  }
}

/** TURN ChannelData: a channel number, a length and the relayed bytes. */
function channelData(ctx: Ctx, off: number, end: number): void {
  const d = ctx.d;
  const type = u16(d, off), mlen = u16(d, off + 2);
  ctx.protocol = 'STUN';
  ctx.info = 'ChannelData TURN Message';
  const l = ctx.layer('stun', off, 4);
  ctx.add(l, 'stun.channel', type, off, 2);
  ctx.add(l, 'stun.length', mlen, off + 2, 2);
  let o = off + 4, n = mlen;
  // MS-TURN's multiplexed channel puts a session id first
  if (type === 0xff10 && n >= 8) { o += 8; n -= 8; }
  const stop = Math.min(end, o + n);
  if (o + n > end) pastEnd(ctx, end, `ChannelData cut short (${end - o} of ${n} bytes)`, o, end - o);
  dissectData(ctx, o, stop);
}

/**
 * A read past the bytes there: where the snap length cut the frame,
 * tshark's BoundsError ("[Packet size limited during capture]"); else its
 * ReportedBoundsError, a malformed packet.
 */
function pastEnd(ctx: Ctx, end: number, message: string, start: number, len: number): void {
  if (ctx.pkt.capLen < ctx.pkt.origLen && end === ctx.d.length) ctx.short = true;
  else ctx.boundsAt('stun', message, start, len);
}

/** UTF-8 text as tshark shows a string (invalid sequences as U+FFFD, stopping at no NUL). */
function utf8(d: Uint8Array, v: number, n: number): string {
  return Buffer.from(d.subarray(v, v + n)).toString('utf8');
}

UDP_PORT.add([3478], (ctx, st, off, end) => {
  const k = kind(ctx.d, off, end, false, udpSentLength(ctx, off, end));
  if (k !== 0) dissectStun(ctx, st, off, end, k, false);
}, { accepts: (d, off, end) => kind(d, off, end, false) !== 0 });

UDP_HEURISTICS.add((ctx, st, off, end) => {
  const s = states.get(st);
  // ChannelData only where a message found earlier claimed the conversation
  const k = kind(ctx.d, off, end, s === undefined || !s.claimed.has(convKey(ctx)), udpSentLength(ctx, off, end));
  if (k === 0) return false;
  dissectStun(ctx, st, off, end, k, true);
  return true;
});
