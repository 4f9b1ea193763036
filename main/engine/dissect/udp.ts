// UDP (RFC 768); the protocols it carries register in UDP_PORT.
import { type Ctx, type FieldNode, fieldGroup, fieldKeys } from './context';
import { declare, HEX16, treeLine } from './fields';
import { dissectData } from './data';
import { Bounded } from './conv';
import { type Prologue, openHeader } from './prologue';
import type { State } from './state';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { IP_PROTO, UDP_PORT, UDP_HEURISTICS } = tables;
const { u16 } = readers;

declare('udp', 'User Datagram Protocol', [
  ['udp.srcport', 'uint', 'Source Port'],
  ['udp.dstport', 'uint', 'Destination Port'],
  ['udp.port', 'uint', 'Source or Destination Port'],
  ['udp.length', 'uint', 'Length'],
  ['udp.checksum', 'uint', 'Checksum', HEX16],
  ['udp.checksum.status', 'uint', 'Checksum Status', { valueNames: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' } }],
  ['udp.stream', 'uint', 'Stream index'],
  ['udp.time_relative', 'reltime', 'Time since first frame'],
  ['udp.time_delta', 'reltime', 'Time since previous frame'],
  ['udp.payload', 'bytes', 'Payload'],
]);

// fields field-subset runs rarely ask for: one cached check instead of a lookup each
const UDP_REST = fieldGroup('udp.port', 'udp.length', 'udp.checksum', 'udp.checksum.status');

/** Conversations whose first and previous datagram times are kept (per capture). */
const MAX_TIMED = 4096;
const times = new WeakMap<State, Bounded<number, { first: bigint; prev: bigint }>>();

/**
 * udp.time_relative and udp.time_delta (tshark's default
 * udp.calculate_timestamps): the time since the conversation's first and
 * previous datagram, counting only datagrams that carry a payload, as
 * tshark does. UDP-Lite shares the clock, as it shares the stream numbers.
 */
export function udpTimes(ctx: Ctx, st: State, layer: FieldNode, stream: number): void {
  const ts = ctx.pkt.tsNs;
  if (ts === null) return;
  let m = times.get(st);
  if (!m) { m = new Bounded(MAX_TIMED); times.set(st, m); }
  let t = m.get(stream);
  if (!t) { t = { first: ts, prev: ts }; m.set(stream, t); }
  ctx.reltime(layer, 'udp.time_relative', ts - t.first);
  ctx.reltime(layer, 'udp.time_delta', ts - t.prev);
  t.prev = ts;
}

const UDP: Prologue = { layer: 'udp', protocol: 'UDP', header: 8, cap: 8, shortInfo: 'UDP header cut short' };

// fields of every packet that gets here, by key (no name hashing per packet)
const K = fieldKeys({
  srcport: 'udp.srcport', dstport: 'udp.dstport', port: 'udp.port', length: 'udp.length', checksum: 'udp.checksum',
  stream: 'udp.stream', payload: 'udp.payload', checksumStatus: 'udp.checksum.status',
  timeRelative: 'udp.time_relative', timeDelta: 'udp.time_delta',
});

export function dissectUdp(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const avail = end - off;
  const udp = openHeader(ctx, UDP, off, end);
  if (!udp) return;
  const sp = u16(d, off), dp = u16(d, off + 2);
  ctx.addK(udp, K.srcport, sp, off, 2);
  ctx.addK(udp, K.dstport, dp, off + 2, 2);
  const rest = ctx.any(UDP_REST);
  if (rest) {
    ctx.addK(udp, K.port, sp, off, 2);
    ctx.addK(udp, K.port, dp, off + 2, 2);
  }
  if (avail < 8) {
    ctx.malformedAt('udp', `UDP header cut short (${avail} of 8 bytes)`, off, avail);
    ctx.info = `${sp} → ${dp} [header cut short]`;
    return;
  }
  const len = u16(d, off + 4);
  if (rest) {
    ctx.addK(udp, K.length, len, off + 4, 2);
    const ck = u16(d, off + 6);
    ctx.addK(udp, K.checksum, ck, off + 6, 2);
    // not verified (tshark's default); a zero checksum means none over IPv4, and is illegal over IPv6
    ctx.genK(udp, K.checksumStatus, ck !== 0 ? 2 : ctx.ipVersion === 6 ? 4 : 3);
  }
  // a datagram quoted by an ICMP error: its conversation counts (tshark numbers it), and what it
  // quoted is decoded by port as tshark's decode_udp_ports does when bytes remain (a DNS query behind
  // a port unreachable), but no announced conversation or heuristic is consulted for it
  if (ctx.inner > 0) {
    if (ctx.wantsK(K.stream)) ctx.genK(udp, K.stream, st.udpStream(ctx, sp, dp));
    quoted(ctx, st, udp, sp, dp, off + 8, end, len);
    return;
  }
  // as tshark: a conversation a protocol announced comes before the ports (and an endpoint one is a stream of its own)
  const conv = st.udpConv.find(ctx, sp, dp);
  // a Dissector whose field subset lacks udp.stream and the times never shows the numbers: no need to keep the table
  const wantTimes = ctx.wantsK(K.timeRelative) || ctx.wantsK(K.timeDelta);
  const stream = ctx.wantsK(K.stream) || wantTimes ? st.udpStream(ctx, sp, dp, conv?.endpoint) : -1;
  if (ctx.wantsK(K.stream)) ctx.genK(udp, K.stream, stream);
  let payEnd = end;
  if (len < 8) {
    ctx.malformedAt('udp', `Bad length value ${len} < 8`, off + 4, 2);
  } else if (off + len > end) {
    // a length past the captured bytes is only wrong when the frame was not cut by the snaplen
    if (ctx.pkt.capLen >= ctx.pkt.origLen) ctx.malformedAt('udp', `Bad length value ${len} > IP payload length ${avail}`, off + 4, 2);
  } else payEnd = off + len;
  ctx.srcPort = sp; ctx.dstPort = dp;
  const pay = off + 8;
  // built only when a summary is read (field output never reads it)
  // over IPv6 the checksum is mandatory (RFC 8200 §8.1): tshark flags a zero one in Info
  const zero = ctx.ipVersion === 6 && d[off + 6] === 0 && d[off + 7] === 0;
  ctx.info = () => `${sp} → ${dp} Len=${Math.max(0, len - 8)}${zero ? ' [ILLEGAL CHECKSUM (0)]' : ''}`;
  if (pay >= payEnd) return;
  if (wantTimes) udpTimes(ctx, st, udp, stream);
  // as tshark: the datagram's payload bytes, whatever decodes them (the bytes of a datagram reassembled from fragments too)
  if (ctx.wantsK(K.payload)) ctx.addK(udp, K.payload, d.subarray(pay, payEnd), pay, payEnd - pay);
  const next = conv?.value ?? st.decodeAs?.udpDissect(sp, dp) ?? UDP_PORT.choose(sp, dp, 0, d, pay, payEnd);
  // (read now: a dissector below may choose again)
  const left = next === undefined ? UDP_PORT.left : null;
  if (next !== undefined) { next(ctx, st, pay, payEnd); return; }
  // as tshark: the heuristics only after the ports found nothing
  if (UDP_HEURISTICS.try(ctx, st, pay, payEnd)) return;
  dissectData(ctx, pay, payEnd);
  // a protocol that rejected the datagram after setting the columns leaves them, as tshark's
  if (left !== null) ctx.setSummary(left[0], left[1]);
}

/**
 * The payload of a datagram an ICMP error quoted: its bytes, and when the
 * quote holds the whole datagram, its protocol by port. A quote cut short
 * (routers quote as little as 8 bytes past the IP header) is left as bytes:
 * tshark reads into it only until the missing part, as a capture cut by its
 * snap length, which the context cannot tell from damage inside a quote.
 */
function quoted(ctx: Ctx, st: State, udp: FieldNode, sp: number, dp: number, pay: number, end: number, len: number): void {
  if (pay >= end) return;
  const d = ctx.d;
  const payEnd = len >= 8 && pay - 8 + len <= end ? pay - 8 + len : end;
  if (ctx.wants('udp.payload')) ctx.add(udp, 'udp.payload', d.subarray(pay, payEnd), pay, payEnd - pay);
  if (len < 8 || pay - 8 + len > end || pay >= payEnd) return;
  const next = st.decodeAs?.udpDissect(sp, dp) ?? UDP_PORT.choose(sp, dp, 0, d, pay, payEnd);
  if (next !== undefined) next(ctx, st, pay, payEnd);
  // no protocol on its ports: tshark shows the quoted payload as data
  else dissectData(ctx, pay, payEnd);
}

IP_PROTO.add(17, dissectUdp);

treeLine('udp', (v) => v.has('udp.srcport') ? `${v.title}, Src Port: ${v.text('udp.srcport')}, Dst Port: ${v.text('udp.dstport')}` : v.title, ['udp.srcport', 'udp.dstport']);
