// TCP (RFC 9293): header, options, stream tracking (tcp.stream, relative
// sequence numbers, basic analysis) and in-order delivery of payload to the
// stream's application-layer reassembler (HTTP, TLS, ...).
import { type Ctx, F, fieldGroup } from './context';
import { declare, HEX16 } from './fields';
import { dissectData } from './data';
import type { State } from './state';
import { type PduTrack, type TcpFlow, type TcpStream, appFor, trackFor } from './tcpstream';

// local copies: a call across modules goes through CommonJS export getters (hot path)
const u16 = (d: Uint8Array, o: number): number => (d[o] << 8) | d[o + 1];
const u32 = (d: Uint8Array, o: number): number => ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;

declare('tcp', 'Transmission Control Protocol', [
  ['tcp.srcport', 'uint', 'Source Port'],
  ['tcp.dstport', 'uint', 'Destination Port'],
  ['tcp.port', 'uint', 'Source or Destination Port'],
  ['tcp.stream', 'uint', 'Stream index'],
  ['tcp.len', 'uint', 'TCP Segment Len'],
  ['tcp.seq', 'uint', 'Sequence Number', { description: 'relative to the first sequence number of the direction' }],
  ['tcp.seq_raw', 'uint', 'Sequence Number (raw)'],
  ['tcp.nxtseq', 'uint', 'Next Sequence Number'],
  ['tcp.ack', 'uint', 'Acknowledgment Number', { description: 'relative' }],
  ['tcp.ack_raw', 'uint', 'Acknowledgment number (raw)'],
  ['tcp.hdr_len', 'uint', 'Header Length'],
  ['tcp.flags', 'uint', 'Flags', { base: 'hex', hexDigits: 4 }],
  ['tcp.flags.res', 'bool', 'Reserved'],
  ['tcp.flags.ns', 'bool', 'Nonce'],
  ['tcp.flags.cwr', 'bool', 'Congestion Window Reduced (CWR)'],
  ['tcp.flags.ecn', 'bool', 'ECN-Echo'],
  ['tcp.flags.urg', 'bool', 'Urgent'],
  ['tcp.flags.ack', 'bool', 'Acknowledgment'],
  ['tcp.flags.push', 'bool', 'Push'],
  ['tcp.flags.reset', 'bool', 'Reset'],
  ['tcp.flags.syn', 'bool', 'Syn'],
  ['tcp.flags.fin', 'bool', 'Fin'],
  ['tcp.flags.str', 'string', 'TCP Flags'],
  ['tcp.window_size_value', 'uint', 'Window'],
  ['tcp.window_size', 'uint', 'Calculated window size'],
  ['tcp.window_size_scalefactor', 'int', 'Window size scaling factor'],
  ['tcp.checksum', 'uint', 'Checksum', HEX16],
  ['tcp.urgent_pointer', 'uint', 'Urgent Pointer'],
  ['tcp.options', 'bytes', 'Options'],
  ['tcp.option_kind', 'uint', 'Kind'],
  ['tcp.option_len', 'uint', 'Length'],
  ['tcp.options.mss_val', 'uint', 'MSS Value'],
  ['tcp.options.wscale.shift', 'uint', 'Shift count'],
  ['tcp.options.wscale.multiplier', 'uint', 'Multiplier'],
  // the option items are protocols in tshark (FT_PROTOCOL): their value is the option's bytes
  ['tcp.options.eol', 'protocol', 'TCP Option - End of Option List (EOL)'],
  ['tcp.options.nop', 'protocol', 'TCP Option - No-Operation (NOP)'],
  ['tcp.options.sack_perm', 'protocol', 'TCP Option - SACK permitted'],
  ['tcp.options.sack_le', 'uint', 'left edge'],
  ['tcp.options.sack_re', 'uint', 'right edge'],
  ['tcp.options.timestamp.tsval', 'uint', 'Timestamp value'],
  ['tcp.options.timestamp.tsecr', 'uint', 'Timestamp echo reply'],
  ['tcp.analysis', 'none', 'SEQ/ACK analysis'],
  ['tcp.analysis.retransmission', 'none', 'This frame is a (suspected) retransmission'],
  ['tcp.analysis.duplicate_ack', 'none', 'This is a TCP duplicate ack'],
  ['tcp.analysis.duplicate_ack_num', 'uint', 'Duplicate ACK #'],
  ['tcp.analysis.duplicate_ack_frame', 'framenum', 'Duplicate to the ACK in frame'],
  ['tcp.analysis.keep_alive', 'none', 'This is a TCP keep-alive segment'],
  ['tcp.analysis.keep_alive_ack', 'none', 'This is an ACK to a TCP keep-alive segment'],
  ['tcp.analysis.zero_window', 'none', 'This is a ZeroWindow segment'],
  ['tcp.analysis.lost_segment', 'none', 'A segment before this frame was not captured'],
  ['tcp.analysis.flags', 'none', 'TCP Analysis Flags'],
  ['tcp.analysis.acks_frame', 'framenum', 'This is an ACK to the segment in frame'],
  ['tcp.analysis.ack_rtt', 'reltime', 'The RTT to ACK the segment was'],
  ['tcp.analysis.initial_rtt', 'reltime', 'iRTT', { description: 'from the SYN to the ACK of the SYN-ACK' }],
  ['tcp.analysis.bytes_in_flight', 'uint', 'Bytes in flight'],
  ['tcp.analysis.push_bytes_sent', 'uint', 'Bytes sent since last PSH flag'],
  ['tcp.completeness', 'uint', 'Conversation completeness', { description: 'bits seen before this frame: SYN 1, SYN-ACK 2, ACK 4, DATA 8, FIN 16, RST 32' }],
  ['tcp.payload', 'bytes', 'TCP payload'],
  ['tcp.segment_data', 'bytes', 'TCP segment data', { description: 'payload that belongs to a PDU completed in a later frame' }],
  ['tcp.reassembled_in', 'framenum', 'Reassembled PDU in frame'],
  ['tcp.segments', 'none', 'Reassembled TCP Segments', { description: 'on the segment that completes a PDU spanning segments' }],
  ['tcp.segment', 'framenum', 'TCP Segment'],
  ['tcp.segment.count', 'uint', 'Segment count'],
  ['tcp.reassembled.length', 'uint', 'Reassembled TCP length'],
  ['tcp.reassembled.data', 'bytes', 'Reassembled TCP Data'],
]);

const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'NS'];

/** Sequence comparison mod 2^32: a - b as a signed 32-bit number. */
const sdiff = (a: number, b: number): number => (a - b) | 0;

export function dissectTcp(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const avail = end - off;
  const tcp = ctx.layer('tcp', off, Math.min(20, Math.max(0, avail)));
  ctx.protocol = 'TCP';
  if (avail < 4) {
    ctx.malformedAt('tcp', `TCP header cut short (${Math.max(0, avail)} of 20 bytes)`, off, Math.max(0, avail));
    ctx.info = 'TCP header cut short';
    return;
  }
  const sp = u16(d, off), dp = u16(d, off + 2);
  ctx.add(tcp, 'tcp.srcport', sp, off, 2);
  ctx.add(tcp, 'tcp.dstport', dp, off + 2, 2);
  if (ctx.w('tcp.port')) {
    ctx.add(tcp, 'tcp.port', sp, off, 2);
    ctx.add(tcp, 'tcp.port', dp, off + 2, 2);
  }
  ctx.srcPort = sp; ctx.dstPort = dp;
  if (ctx.inner > 0) {
    if (avail >= 8) ctx.add(tcp, 'tcp.seq_raw', u32(d, off + 4), off + 4, 4);
    return;
  }
  if (avail < 16) {
    // tshark reads the header up to the window before it adds anything past the ports
    ctx.malformedAt('tcp', `TCP header cut short (${avail} of 20 bytes)`, off, avail);
    ctx.info = `${sp} → ${dp}`;
    return;
  }
  const seq = u32(d, off + 4), ack = u32(d, off + 8);
  const hl = (d[off + 12] >> 4) * 4;
  const flags = u16(d, off + 12) & 0x0fff;
  const syn = (flags & 2) !== 0, fin = (flags & 1) !== 0, rst = (flags & 4) !== 0, ackf = (flags & 16) !== 0;
  const win = u16(d, off + 14);

  const stream = st.tcp.lookup(ctx, sp, dp, syn && !ackf, seq);
  const flow: TcpFlow = stream.fwd ? stream.s.a : stream.s.b;
  const rev: TcpFlow = stream.fwd ? stream.s.b : stream.s.a;
  const seenBefore = flow.seen;
  flow.seen = true;

  let hdrBad = false;
  if (hl < 20) {
    hdrBad = true;
  }
  const payOff = hdrBad ? end : Math.min(off + hl, end);
  const len = Math.max(0, end - payOff);

  if (flow.base < 0) flow.base = syn ? seq : (seq - 1) >>> 0;
  if (ackf && rev.base < 0) rev.base = (ack - 1) >>> 0;
  const relSeq = (seq - flow.base) >>> 0;
  // without the ACK flag tshark 4.0 shows the raw field
  const relAck = ackf ? (ack - rev.base) >>> 0 : ack;

  const seglen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
  if (ctx.any(SEQ_FIELDS)) {
    ctx.gen(tcp, 'tcp.stream', stream.s.index);
    ctx.gen(tcp, 'tcp.len', len);
    ctx.add(tcp, 'tcp.seq', relSeq, off + 4, 4);
    ctx.add(tcp, 'tcp.seq_raw', seq, off + 4, 4);
    ctx.gen(tcp, 'tcp.nxtseq', (relSeq + seglen) >>> 0);
    ctx.add(tcp, 'tcp.ack', relAck, off + 8, 4);
    ctx.add(tcp, 'tcp.ack_raw', ack, off + 8, 4);
    ctx.add(tcp, 'tcp.hdr_len', hl, off + 12, 1);
  }
  const ff = ctx.add(tcp, 'tcp.flags', flags, off + 12, 2);
  if (ctx.g('tcp.flags.')) flagBits(ctx, ff, flags, off);
  // as tshark: a direction's shift (from its SYN) scales its windows, never a SYN's own;
  // the factor is shown on non-SYNs only: -1 unknown (no SYN seen), -2 no scaling, else 2^shift
  const scale = !syn && flow.wscale >= 0 ? flow.wscale : -1;
  if (ctx.any(WIN_FIELDS)) {
    ctx.add(tcp, 'tcp.window_size_value', win, off + 14, 2);
    if (ctx.g('tcp.window_size')) {
      ctx.gen(tcp, 'tcp.window_size', scale >= 0 ? win * 2 ** scale : win);
      if (!syn) ctx.gen(tcp, 'tcp.window_size_scalefactor', scale >= 0 ? 2 ** scale : flow.wscale);
    }
    if (avail >= 18) ctx.add(tcp, 'tcp.checksum', u16(d, off + 16), off + 16, 2);
    if (avail >= 20) ctx.add(tcp, 'tcp.urgent_pointer', u16(d, off + 18), off + 18, 2);
  }
  if (avail < 20) {
    // a header cut inside its last four bytes: tshark shows it up to the damage and stops there
    if (ctx.any(COMPLETENESS)) ctx.gen(tcp, 'tcp.completeness', stream.s.completeness);
    ctx.malformedAt('tcp', `TCP header cut short (${avail} of 20 bytes)`, off, avail);
    ctx.info = `${sp} → ${dp} [${flagList(flags)}] Seq=${relSeq}${ackf ? ` Ack=${relAck}` : ''} Win=${scale >= 0 ? win * 2 ** scale : win}`;
    return;
  }

  let optInfo = '';
  if (hdrBad) {
    ctx.malformedAt('tcp', `Bogus TCP header length (${hl}, must be at least 20)`, off + 12, 1);
  } else {
    tcp.len = payOff - off;
    if (off + hl > end) ctx.malformedAt('tcp', `TCP options cut short (${avail} of ${hl} header bytes)`, off, avail);
    // options matter to SYNs (window scale), the Info text, or when their fields are asked for
    if (hl > 20 && (syn || ctx.want === null || ctx.g('tcp.option'))) optInfo = options(ctx, tcp, off + 20, Math.min(off + hl, end), flow, syn);
  }
  if (syn) {
    // tshark's verify_tcp_window_scaling: a SYN without the option means no scaling both ways;
    // a SYN-ACK with it answering a SYN without it scales nothing either
    if (flow.wscale === -1) { flow.wscale = -2; rev.wscale = -2; }
    else if (ackf && rev.wscale === -2) flow.wscale = -2;
  }

  // --- analysis --- (its state is kept always, its fields only when some are wanted)
  const an = ctx.g('tcp.analysis');
  let prefix = '';
  let retrans = false;
  /** a retransmission proper (not a keep-alive): tshark shows its bytes as retransmitted segment data */
  let resent = false;
  /** something was said under tcp.analysis (tshark then also shows the iRTT there) */
  let flagged = false;
  let keepAlive = false;
  if (flow.nextSeq >= 0) {
    // tshark: zero or one byte one before the next expected sequence number (also without data)
    keepAlive = len <= 1 && !syn && !fin && !rst && seq === ((flow.nextSeq - 1) >>> 0);
    if (keepAlive) {
      if (an) ctx.gen(tcp, 'tcp.analysis.flags', null); flagged = true; if (an) ctx.gen(tcp, 'tcp.analysis.keep_alive', null);
      prefix = '[TCP Keep-Alive] ';
      retrans = true; // never deliver keep-alive bytes
    } else if (seglen > 0 && sdiff((seq + seglen) >>> 0, flow.nextSeq) <= 0) {
      if (an) ctx.gen(tcp, 'tcp.analysis.flags', null); flagged = true; if (an) ctx.gen(tcp, 'tcp.analysis.retransmission', null);
      ctx.note('sequence', 'tcp', 'This frame is a (suspected) retransmission');
      prefix = '[TCP Retransmission] ';
      retrans = true;
      resent = true;
    }
  }
  // tshark: same ack and (non-zero) window as the direction's last segment (any flags), at the next expected sequence number
  // every segment needs it (duplicate-ACK test): a shift, not Math.pow (the shift is at most 14 by RFC 7323, 255 at worst)
  const swin = scale < 0 ? win : scale < 31 ? win * (1 << scale) : win * 2 ** scale;
  const repeat = !retrans && len === 0 && !syn && !fin && !rst && ackf && win !== 0 && seq === flow.nextSeq && flow.prevAck === ack && flow.prevWin === swin;
  if (repeat && rev.keepAlive) {
    // answers the other side's keep-alive: no duplicate
    if (an) ctx.gen(tcp, 'tcp.analysis.flags', null); flagged = true; if (an) ctx.gen(tcp, 'tcp.analysis.keep_alive_ack', null);
    prefix = '[TCP Keep-Alive ACK] ';
    flow.dupAcks = 0;
    flow.lastAckFrame = ctx.pkt.number;
  } else if (repeat) {
    const dupAck = ++flow.dupAcks;
    const dupOf = flow.lastAckFrame;
    if (an) ctx.gen(tcp, 'tcp.analysis.flags', null); flagged = true;
    if (an) ctx.gen(tcp, 'tcp.analysis.duplicate_ack', null);
    if (an) ctx.gen(tcp, 'tcp.analysis.duplicate_ack_num', dupAck);
    if (an) ctx.gen(tcp, 'tcp.analysis.duplicate_ack_frame', dupOf);
    // tshark's expert item is named tcp.analysis.duplicate_ack too: the field occurs twice
    if (an) ctx.hidden('tcp.analysis.duplicate_ack', null, 0, 0);
    if (ctx.want === null) ctx.note('sequence', 'tcp', `Duplicate ACK (#${dupAck})`);
    prefix = `[TCP Dup ACK ${dupOf}#${dupAck}] `;
  } else if (ackf) {
    flow.dupAcks = 0;
    flow.lastAckFrame = ctx.pkt.number;
  }
  if (ackf) flow.lastAck = ack;
  flow.prevAck = ack; flow.prevWin = swin; flow.keepAlive = keepAlive;
  if (win === 0 && !syn && !fin && !rst) {
    if (an) ctx.gen(tcp, 'tcp.analysis.flags', null); flagged = true; if (an) ctx.gen(tcp, 'tcp.analysis.zero_window', null);
    prefix = prefix || '[TCP ZeroWindow] ';
  }

  const nextBefore = flow.nextSeq;
  if (seglen > 0) {
    const nx = (seq + seglen) >>> 0;
    if (flow.nextSeq < 0 || sdiff(nx, flow.nextSeq) > 0) flow.nextSeq = nx;
  }
  if (fin) flow.fin = true;
  if (rst) stream.s.rst = true;
  // the SEQ/ACK analysis item itself exists when it has something to say (tshark's `tcp.analysis`)
  let analysisShown = false;
  if (timing(ctx, tcp, stream.s, flow, rev, seq, ack, len, flags, flagged, seenBefore) && ctx.w('tcp.analysis')) {
    ctx.gen(tcp, 'tcp.analysis', null);
    analysisShown = true;
  }

  // the Info text is built on demand, and never in field-subset mode (nobody reads it there)
  const full = ctx.want === null;
  // (a class, not a closure here: captured locals would cost a context object on every packet)
  const info = full ? new TcpInfo(prefix, sp, dp, flags, relSeq, relAck, scale >= 0 ? win * 2 ** scale : win, len, optInfo) : null;
  if (info) ctx.info = lazyText(info);

  if (len === 0) {
    if (fin && flow.app) flow.app.fin(ctx, st, stream.s, flow);
    release(stream.s);
    return;
  }
  if (retrans || hdrBad) {
    if (ctx.w('tcp.payload')) ctx.add(tcp, 'tcp.payload', d.subarray(payOff, end), payOff, len);
    // tshark: "Retransmitted TCP segment data", bytes it does not dissect again
    if (resent && ctx.w('tcp.segment_data')) ctx.add(tcp, 'tcp.segment_data', d.subarray(payOff, end), payOff, len);
    return;
  }
  // in-order delivery: the part of the payload past what was already delivered
  let from = payOff;
  if (nextBefore >= 0) {
    const behind = sdiff(nextBefore, seq);
    if (behind > 0) from = payOff + Math.min(behind, len);
    else if (behind < 0) {
      // gap: a lost segment ends any partial PDU
      if (!analysisShown && ctx.w('tcp.analysis')) ctx.gen(tcp, 'tcp.analysis', null);
      if (an) ctx.gen(tcp, 'tcp.analysis.flags', null);
      if (an) ctx.gen(tcp, 'tcp.analysis.lost_segment', null);
      ctx.note('sequence', 'tcp', 'Previous segment(s) not captured', 'warn');
      if (!prefix) {
        prefix = '[TCP Previous segment not captured] ';
        if (info) info.prefix = prefix;
      }
      if (flow.app) flow.app.reset();
      if (flow.track) flow.track.reset();
    }
  }
  const app = flow.app ?? (flow.app = appFor(ctx, stream.s, flow, sp, dp, d, from, end));
  // PDU boundaries (before the app: the HTTP framer peeks at the request method the app pairs next)
  let framed = false;
  if (app && (ctx.w('tcp.segment_data') || ctx.any(REASM_FIELDS))) {
    const track = flow.track === undefined ? (flow.track = trackFor(app)) : flow.track;
    if (track) { pduSegments(ctx, tcp, track, stream.s, from, end, fin); framed = true; }
  }
  const before = ctx.protocols.length;
  // tshark 4.0 shows tcp.payload on every segment with data, also when an application dissector takes it
  if (ctx.w('tcp.payload')) ctx.add(tcp, 'tcp.payload', d.subarray(payOff, end), payOff, len);
  if (app) app.feed(ctx, st, stream.s, flow, from, end);
  else dissectData(ctx, from, end);
  if (fin && app) app.fin(ctx, st, stream.s, flow);
  release(stream.s);
  if (ctx.protocols.length === before) {
    // nothing completed here: the bytes wait for a later frame
    if (!framed && ctx.w('tcp.segment_data')) ctx.add(tcp, 'tcp.segment_data', d.subarray(payOff, end), payOff, len);
    const partial = app?.partialInfo?.();
    if (info) ctx.info = partial ? `${partial} [TCP segment of a reassembled PDU]` : segmentText(info);
  }
}

// runs of header fields field-subset output rarely asks for: one lookup for the run
const SEQ_FIELDS = fieldGroup('tcp.stream', 'tcp.len', 'tcp.seq', 'tcp.seq_raw', 'tcp.nxtseq', 'tcp.ack', 'tcp.ack_raw', 'tcp.hdr_len');
const COMPLETENESS = fieldGroup('tcp.completeness');
const REASM_FIELDS = fieldGroup('tcp.segments', 'tcp.segment', 'tcp.segment.count', 'tcp.reassembled.length', 'tcp.reassembled.data');
const WIN_FIELDS = fieldGroup('tcp.window_size_value', 'tcp.window_size', 'tcp.window_size_scalefactor', 'tcp.checksum', 'tcp.urgent_pointer');

/** The Info text's inputs; the text is built only when someone reads it. */
class TcpInfo {
  constructor(
    public prefix: string,
    readonly sp: number, readonly dp: number, readonly flags: number,
    readonly relSeq: number, readonly relAck: number, readonly win: number, readonly len: number,
    readonly optInfo: string,
  ) {}

  text(): string {
    let s = `${this.prefix}${this.sp} → ${this.dp} [${flagList(this.flags)}] Seq=${this.relSeq}`;
    if (this.flags & 16) s += ` Ack=${this.relAck}`;
    s += ` Win=${this.win} Len=${this.len}${this.optInfo}`;
    return s;
  }
}

const lazyText = (info: TcpInfo): (() => string) => () => info.text();
const segmentText = (info: TcpInfo): (() => string) => () => `${info.text()} [TCP segment of a reassembled PDU]`;

const MAX_UNACKED = 256;
const rel = (ns: bigint): number => Number(ns) / 1e9;

/**
 * RTT and in-flight analysis as tshark does by default: which segment an
 * ACK acknowledges and after how long, bytes sent but not yet acknowledged,
 * the handshake's initial RTT, and how complete the conversation is
 * (seenBefore: the direction had a segment before this one).
 * Returns whether the SEQ/ACK analysis has anything to show for the segment.
 */
function timing(ctx: Ctx, tcp: F, s: TcpStream, flow: TcpFlow, rev: TcpFlow, seq: number, ack: number, len: number, flags: number, flagged: boolean, seenBefore: boolean): boolean {
  const ts = ctx.pkt.tsNs;
  const syn = (flags & 2) !== 0, ackf = (flags & 16) !== 0, fin = (flags & 1) !== 0, rst = (flags & 4) !== 0;
  if (ctx.any(COMPLETENESS)) ctx.gen(tcp, 'tcp.completeness', s.completeness);
  const an = ctx.g('tcp.analysis');
  if (syn && !ackf) { s.completeness |= 1; if (s.synTs === null) s.synTs = ts; }
  else if (syn && ackf) { s.completeness |= 2; s.synAckSeen = true; }
  else if (ackf && s.synAckSeen && !(s.completeness & 4)) {
    s.completeness |= 4;
    if (s.initialRtt < 0 && s.synTs !== null && ts !== null) s.initialRtt = rel(ts - s.synTs);
  }
  // as tshark 4.0 counts them: data and FIN only on segments with ACK, data not on a direction's first segment
  if (len > 0 && ackf && seenBefore) s.completeness |= 8;
  if (fin && ackf) s.completeness |= 16;
  if (rst) s.completeness |= 32;
  // tshark shows the iRTT inside the SEQ/ACK analysis, which exists only when it has something else to say
  let analysed = flagged;
  // an ACK retires the other side's segments it covers; the newest of them is the one it acknowledges
  if (ackf && rev.unacked.length > 0) {
    let last = -1;
    for (let i = 0; i < rev.unacked.length; i++) if (sdiff(rev.unacked[i].end, ack) <= 0) last = i;
    if (last >= 0) {
      const u = rev.unacked[last];
      rev.unacked.splice(0, last + 1);
      if (an) ctx.gen(tcp, 'tcp.analysis.acks_frame', u.frame);
      if (an && ts !== null && u.ts !== null) ctx.gen(tcp, 'tcp.analysis.ack_rtt', rel(ts - u.ts));
      analysed = true;
    }
  }
  const seglen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
  if (seglen > 0) {
    const end = (seq + seglen) >>> 0;
    const lastEnd = flow.unacked.length ? flow.unacked[flow.unacked.length - 1].end : -1;
    if (lastEnd < 0 || sdiff(end, lastEnd) > 0) {
      if (flow.unacked.length >= MAX_UNACKED) flow.unacked.shift();
      flow.unacked.push({ end, frame: ctx.pkt.number, ts });
    }
  }
  if (len > 0) {
    // as tshark: up to this segment's last data byte (a SYN's or FIN's sequence number is not a byte in flight)
    const top = (seq + len) >>> 0;
    const acked = rev.lastAck >= 0 ? rev.lastAck : (flow.base + 1) >>> 0;
    if (an) ctx.gen(tcp, 'tcp.analysis.bytes_in_flight', Math.max(0, sdiff(top, acked)));
    flow.pushBytes += len;
    if (an) ctx.gen(tcp, 'tcp.analysis.push_bytes_sent', flow.pushBytes);
    if (flags & 8) flow.pushBytes = 0;
    analysed = true;
  }
  if (an && analysed && s.initialRtt >= 0) ctx.gen(tcp, 'tcp.analysis.initial_rtt', s.initialRtt);
  return analysed;
}

/** A closed conversation keeps its numbers but not its reassembly buffers. */
function release(s: TcpStream): void {
  if (s.rst || (s.a.fin && s.b.fin)) { s.a.app = null; s.b.app = null; s.a.track = undefined; s.b.track = undefined; }
}

/**
 * tshark's TCP segment data and reassembly items for the in-order bytes
 * [from, end): the bytes of a PDU that spans segments show as segment data,
 * and the segment that completes such a PDU lists its segments.
 */
function pduSegments(ctx: Ctx, tcp: F, track: PduTrack, s: TcpStream, from: number, end: number, fin: boolean): void {
  const d = ctx.d, frame = ctx.pkt.number;
  const keep = ctx.w('tcp.reassembled.data');
  let o = from;
  // a PDU of unknown length takes this whole segment (see Framer.known)
  const whole = track.count > 0 && !track.framer.known();
  // each pass consumes at least one byte, or ends the loop
  while (o < end) {
    let e = track.framer.next(d, o, end, s);
    // a body read until the close: the FIN's segment completes it
    if (e < 0 && fin && track.framer.untilFin?.()) {
      track.framer.reset();
      e = end;
    }
    if (e < 0) {
      // the rest belongs to a PDU completed later
      ctx.add(tcp, 'tcp.segment_data', d.subarray(o, end), o, end - o);
      track.part(frame, d, o, end, keep);
      return;
    }
    if (track.count > 0) {
      // the end of a PDU that began in an earlier segment
      const to = whole ? end : e;
      ctx.add(tcp, 'tcp.segment_data', d.subarray(o, to), o, to - o);
      track.part(frame, d, o, to, keep);
      if (ctx.any(REASM_FIELDS)) reassembled(ctx, tcp, track);
      track.clear();
      if (whole) {
        // the PDUs after it were in that reassembly: no segment data of their own, an open one starts here
        for (o = e; o < end; o = e) {
          e = track.framer.next(d, o, end, s);
          if (e < 0) { track.part(frame, d, o, end, keep); return; }
        }
        return;
      }
    }
    o = e;
  }
}

function reassembled(ctx: Ctx, tcp: F, track: PduTrack): void {
  const segs = ctx.gen(tcp, 'tcp.segments', null);
  const full = ctx.want === null; // labels only for the tree (field-subset mode may hand back a shared placeholder)
  let p = 0, list = '';
  for (let i = 0; i < track.frames.length; i++) {
    const f = ctx.sub(segs, 'tcp.segment', track.frames[i], 0, 0), n = track.lens[i];
    if (full) {
      f.label = `Frame: ${track.frames[i]}, payload: ${p}-${p + n - 1} (${n} byte${n === 1 ? '' : 's'})`;
      list += `${i ? ', ' : ''}#${track.frames[i]}(${n})`;
    }
    p += n;
  }
  if (full) segs.label = `${track.count} Reassembled TCP Segments (${track.total} bytes): ${list}`;
  ctx.sub(segs, 'tcp.segment.count', track.count, 0, 0);
  ctx.sub(segs, 'tcp.reassembled.length', track.total, 0, 0);
  if (track.data !== null && ctx.w('tcp.reassembled.data')) {
    const buf = new Uint8Array(track.total);
    let p = 0;
    for (const c of track.data) { buf.set(c, p); p += c.length; }
    ctx.sub(segs, 'tcp.reassembled.data', buf, 0, 0);
  }
}

function flagBits(ctx: Ctx, ff: F, flags: number, off: number): void {
  const ackf = (flags & 16) !== 0, syn = (flags & 2) !== 0, fin = (flags & 1) !== 0, rst = (flags & 4) !== 0;
  ctx.sub(ff, 'tcp.flags.res', (flags & 0xe00) !== 0, off + 12, 1);
  ctx.sub(ff, 'tcp.flags.ns', (flags & 0x100) !== 0, off + 12, 1);
  ctx.sub(ff, 'tcp.flags.cwr', (flags & 0x80) !== 0, off + 13, 1);
  ctx.sub(ff, 'tcp.flags.ecn', (flags & 0x40) !== 0, off + 13, 1);
  ctx.sub(ff, 'tcp.flags.urg', (flags & 0x20) !== 0, off + 13, 1);
  ctx.sub(ff, 'tcp.flags.ack', ackf, off + 13, 1);
  ctx.sub(ff, 'tcp.flags.push', (flags & 8) !== 0, off + 13, 1);
  ctx.sub(ff, 'tcp.flags.reset', rst, off + 13, 1);
  ctx.sub(ff, 'tcp.flags.syn', syn, off + 13, 1);
  ctx.sub(ff, 'tcp.flags.fin', fin, off + 13, 1);
  if (ctx.w('tcp.flags.str')) ctx.sub(ff, 'tcp.flags.str', flagStr(flags), off + 12, 2).generated = true;
}

function options(ctx: Ctx, tcp: F, o: number, end: number, flow: TcpFlow, syn: boolean): string {
  const d = ctx.d;
  if (ctx.w('tcp.options')) ctx.add(tcp, 'tcp.options', d.subarray(o, end), o, end - o);
  let info = '';
  let eol = false;
  // every iteration advances by at least one byte: the loop ends
  while (o < end) {
    const kind = d[o];
    // after End of Option List tshark 4.0 shows each zero byte as one more; a non-zero byte ends the walk
    if (eol && kind !== 0) {
      if (ctx.want === null) ctx.note('protocol', 'tcp', 'Non-zero header padding', 'error');
      break;
    }
    if (kind === 0) eol = true;
    if (kind <= 1) {
      if (ctx.w(kind === 0 ? 'tcp.options.eol' : 'tcp.options.nop')) ctx.add(tcp, kind === 0 ? 'tcp.options.eol' : 'tcp.options.nop', d.subarray(o, o + 1), o, 1);
      ctx.add(tcp, 'tcp.option_kind', kind, o, 1);
      o++;
      continue;
    }
    // a bad length ends the walk before the option's own items (tshark only adds an expert item there)
    if (o + 1 >= end) { ctx.malformedAt('tcp', `TCP option ${kind} without a length`, o, 1); break; }
    const len = d[o + 1];
    if (len < 2) { ctx.malformedAt('tcp', `TCP option ${kind} length ${len} < 2`, o, 2); break; }
    if (o + len > end) { ctx.malformedAt('tcp', `TCP option ${kind} length ${len} runs past the header`, o, end - o); break; }
    if (kind === 4 && ctx.w('tcp.options.sack_perm')) ctx.add(tcp, 'tcp.options.sack_perm', d.subarray(o, o + len), o, len);
    ctx.add(tcp, 'tcp.option_kind', kind, o, 1);
    ctx.add(tcp, 'tcp.option_len', len, o + 1, 1);
    switch (kind) {
      case 2: if (len === 4) { const v = u16(d, o + 2); ctx.add(tcp, 'tcp.options.mss_val', v, o + 2, 2); info += ` MSS=${v}`; } break;
      case 3: if (len === 3) {
        const s = d[o + 2];
        ctx.add(tcp, 'tcp.options.wscale.shift', s, o + 2, 1);
        ctx.add(tcp, 'tcp.options.wscale.multiplier', 2 ** Math.min(s, 14), o + 2, 1);
        if (syn) flow.wscale = Math.min(s, 14);
        info += ` WS=${2 ** Math.min(s, 14)}`;
      } break;
      case 4: info += ' SACK_PERM'; break;
      case 5: for (let p = o + 2; p + 8 <= o + len; p += 8) {
        ctx.add(tcp, 'tcp.options.sack_le', u32(d, p), p, 4);
        ctx.add(tcp, 'tcp.options.sack_re', u32(d, p + 4), p + 4, 4);
      } break;
      case 8: if (len === 10) {
        const a = u32(d, o + 2), b = u32(d, o + 6);
        ctx.add(tcp, 'tcp.options.timestamp.tsval', a, o + 2, 4);
        ctx.add(tcp, 'tcp.options.timestamp.tsecr', b, o + 6, 4);
        info += ` TSval=${a} TSecr=${b}`;
      } break;
    }
    o += len;
  }
  return info;
}

function flagList(flags: number): string {
  const out: string[] = [];
  for (let i = 0; i < 9; i++) if (flags & (1 << i)) out.push(FLAG_NAMES[i]);
  return out.join(', ') || '<None>';
}

function flagStr(flags: number): string {
  const chars = 'RRRNCEUAPRSF';
  let s = '';
  for (let i = 0; i < 12; i++) s += flags & (1 << (11 - i)) ? chars[i] : '·';
  return s;
}

export type { TcpStream };
