// ICMP (RFC 792): echo, errors with the offending IP header inside.
import type { Ctx, FieldNode } from './context';
import { declare, HEX16 } from './fields';
import { dissectData } from './data';
import { type Prologue, openHeader } from './prologue';
import { dissectIpv4 } from './ipv4';
import type { State } from './state';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { IP_PROTO } = tables;
const { u16 } = readers;


const TYPES: Record<number, string> = {
  0: 'Echo (ping) reply', 3: 'Destination unreachable', 4: 'Source quench (flow control)', 5: 'Redirect',
  8: 'Echo (ping) request', 9: 'Router advertisement', 10: 'Router solicitation', 11: 'Time-to-live exceeded',
  12: 'Parameter problem', 13: 'Timestamp request', 14: 'Timestamp reply',
};
const UNREACH: Record<number, string> = {
  0: 'Network unreachable', 1: 'Host unreachable', 2: 'Protocol unreachable', 3: 'Port unreachable',
  4: 'Fragmentation needed', 5: 'Source route failed', 9: 'Network administratively prohibited',
  10: 'Host administratively prohibited', 13: 'Communication administratively filtered',
};
/** the codes tshark names in Info, by type (the type padded to 20 columns before them) */
const CODES: Record<number, Record<number, string>> = {
  3: UNREACH,
  5: { 0: 'Redirect for network', 1: 'Redirect for host', 2: 'Redirect for TOS and network', 3: 'Redirect for TOS and host' },
  11: { 0: 'Time to live exceeded in transit', 1: 'Fragment reassembly time exceeded' },
  12: { 0: 'Pointer indicates the error', 1: 'Required option missing', 2: 'Bad length' },
};

declare('icmp', 'Internet Control Message Protocol', [
  ['icmp.type', 'uint', 'Type', { valueNames: TYPES }],
  ['icmp.code', 'uint', 'Code'],
  ['icmp.checksum', 'uint', 'Checksum', HEX16],
  ['icmp.ident', 'uint', 'Identifier (BE)'],
  ['icmp.seq', 'uint', 'Sequence Number (BE)'],
  ['icmp.seq_le', 'uint', 'Sequence Number (LE)'],
  ['icmp.mtu', 'uint', 'MTU of next hop'],
  ['icmp.redir_gw', 'ipv4', 'Gateway Address'],
  ['icmp.resp_to', 'framenum', 'Response to', { description: 'the echo request this reply answers' }],
  ['icmp.resptime', 'float', 'Response time (ms)'],
  ['icmp.data_time', 'abstime', 'Timestamp from icmp data', { description: 'a struct timeval that ping put at the start of the echo data' }],
]);

const DAY = 86400;

/**
 * ping(8) starts echo data with its send time (seconds, microseconds, 32-bit,
 * either byte order); tshark shows it when it lies within a day of the frame.
 */
function echoTimestamp(ctx: Ctx, l: FieldNode, o: number, end: number): number {
  const d = ctx.d, ts = ctx.pkt.tsNs;
  if (end - o < 8 || ts === null) return o;
  const now = Number(ts / 1_000_000_000n);
  for (const le of [true, false]) {
    const sec = le ? (d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (d[o + 3] << 24)) >>> 0 : ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;
    const usec = le ? (d[o + 4] | (d[o + 5] << 8) | (d[o + 6] << 16) | (d[o + 7] << 24)) >>> 0 : ((d[o + 4] << 24) | (d[o + 5] << 16) | (d[o + 6] << 8) | d[o + 7]) >>> 0;
    if (usec < 1_000_000 && Math.abs(sec - now) <= DAY) {
      ctx.add(l, 'icmp.data_time', BigInt(sec) * 1_000_000_000n + BigInt(usec) * 1000n, o, 8);
      return o + 8;
    }
  }
  return o;
}

/** The generated fields that link an echo reply to its request, named per protocol. */
export interface EchoFields { respTo: string; respTime: string }
const ECHO: EchoFields = { respTo: 'icmp.resp_to', respTime: 'icmp.resptime' };

/**
 * Matches an echo request and its reply (outermost ICMP of a packet sent
 * straight over IP only) and links them: returns Info's " (request in N)",
 * or '' when there is no match.
 */
export function linkEcho(ctx: Ctx, st: State, l: FieldNode, names: EchoFields, request: boolean, id: number, seq: number): string {
  if (ctx.inner !== 0 || !ctx.ipDirect) return '';
  const m = st.echo(ctx, request, id, seq);
  if (!m) return '';
  ctx.gen(l, names.respTo, m.frame);
  if (m.ms !== null) ctx.gen(l, names.respTime, m.ms);
  return ` (request in ${m.frame})`;
}

/**
 * The datagram an error quotes at [off, end): its addresses and ports, no
 * stream state, two levels deep at most. The frame's own addresses,
 * Protocol and Info stay those of the packet that carried the error (tshark
 * writes no column while it decodes the quoted packet).
 */
export function dissectQuoted(ctx: Ctx, st: State, off: number, end: number, ip: (ctx: Ctx, st: State, off: number, end: number) => void, protocol: string): void {
  if (ctx.inner >= 2 || end <= off) return;
  const saved = [ctx.ipVersion, ctx.ip4Src, ctx.ip4Dst, ctx.ip6Src, ctx.ip6Dst] as const;
  const info = ctx.info;
  ctx.inner++;
  ip(ctx, st, off, end);
  ctx.inner--;
  [ctx.ipVersion, ctx.ip4Src, ctx.ip4Dst, ctx.ip6Src, ctx.ip6Dst] = saved;
  ctx.protocol = protocol;
  ctx.info = info;
}

const ICMP: Prologue = { layer: 'icmp', protocol: 'ICMP', header: 4, cap: Infinity, shortInfo: 'Malformed ICMP' };

export function dissectIcmp(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const avail = end - off;
  const l = openHeader(ctx, ICMP, off, end);
  if (!l) return;
  const type = d[off], code = d[off + 1];
  ctx.add(l, 'icmp.type', type, off, 1);
  ctx.add(l, 'icmp.code', code, off + 1, 1);
  ctx.add(l, 'icmp.checksum', u16(d, off + 2), off + 2, 2);
  const name = TYPES[type] ?? `Type ${type}`;
  const codeName = CODES[type]?.[code];
  ctx.info = codeName !== undefined ? `${name.padEnd(20)} (${codeName})` : type === 3 ? `${name} (code ${code})` : name;
  if (avail < 8) {
    if (type === 0 || type === 8 || type === 3 || type === 11) ctx.malformedAt('icmp', `ICMP header cut short (${avail} of 8 bytes)`, off, avail);
    return;
  }
  if (type === 0 || type === 8 || type === 13 || type === 14) {
    const id = u16(d, off + 4), seq = u16(d, off + 6);
    ctx.add(l, 'icmp.ident', id, off + 4, 2);
    ctx.add(l, 'icmp.seq', seq, off + 6, 2);
    ctx.add(l, 'icmp.seq_le', ((seq & 255) << 8) | (seq >> 8), off + 6, 2);
    // tshark pads the type name to 20 columns ("Echo (ping) reply    id=…")
    let info = `${name.padEnd(20)} id=0x${id.toString(16).padStart(4, '0')}, seq=${seq}/${((seq & 255) << 8) | (seq >> 8)}${ctx.ttl >= 0 && ctx.ipDirect ? `, ttl=${ctx.ttl}` : ''}`;
    if (type === 0 || type === 8) info += linkEcho(ctx, st, l, ECHO, type === 8, id, seq);
    ctx.info = info;
    dissectData(ctx, type === 0 || type === 8 ? echoTimestamp(ctx, l, off + 8, end) : off + 8, end, l);
    return;
  }
  if (type === 3 || type === 11 || type === 4 || type === 5 || type === 12) {
    if (type === 3 && code === 4) ctx.add(l, 'icmp.mtu', u16(d, off + 6), off + 6, 2);
    if (type === 5) ctx.add(l, 'icmp.redir_gw', ((d[off + 4] << 24) | (d[off + 5] << 16) | (d[off + 6] << 8) | d[off + 7]) >>> 0, off + 4, 4);
    dissectQuoted(ctx, st, off + 8, end, dissectIpv4, 'ICMP');
    return;
  }
  dissectData(ctx, off + 8, end, l);
}

IP_PROTO.add(1, dissectIcmp);
