// TCP (RFC 9293): header, options, stream tracking (tcp.stream, relative
// sequence numbers, basic analysis) and in-order delivery of payload to the
// stream's application-layer reassembler (HTTP, TLS, ...).
import { type Ctx, FieldNode, fieldGroup, fieldKeys, fieldPrefix } from './context';
import { declare, HEX16, treeLine } from './fields';
import { dissectData } from './data';
import { type Prologue, openHeader } from './prologue';
import type { State } from './state';
import { type PduTrack, type TcpFlow, type TcpStream, RETRY_DATA, SeqState, appFor, trackFor } from './tcpstream';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { IP_PROTO } = tables;
const { u16, u32 } = readers;


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
  ['tcp.analysis.lost_segment', 'none', 'Previous segment(s) not captured (common at capture start)'],
  ['tcp.analysis.out_of_order', 'none', 'This frame is a (suspected) out-of-order segment'],
  ['tcp.analysis.fast_retransmission', 'none', 'This frame is a (suspected) fast retransmission'],
  ['tcp.analysis.spurious_retransmission', 'none', 'This frame is a (suspected) spurious retransmission'],
  ['tcp.analysis.window_update', 'none', 'TCP window update'],
  ['tcp.analysis.window_full', 'none', 'TCP window specified by the receiver is now completely full'],
  ['tcp.analysis.zero_window_probe', 'none', 'TCP Zero Window Probe'],
  ['tcp.analysis.zero_window_probe_ack', 'none', 'ACK to a TCP Zero Window Probe'],
  ['tcp.analysis.ack_lost_segment', 'none', "ACKed segment that wasn't captured (common at capture start)"],
  ['tcp.analysis.reused_ports', 'none', 'A new tcp session is started with the same ports as an earlier session in this trace'],
  ['tcp.analysis.rto', 'reltime', 'The RTO for this segment was'],
  ['tcp.analysis.rto_frame', 'framenum', 'RTO based on delta from frame'],
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

const TCP: Prologue = { layer: 'tcp', protocol: 'TCP', header: 20, cap: 20, shortInfo: 'TCP header cut short' };

// fields of every packet that gets here, by key (no name hashing per packet)
const K = fieldKeys({
  srcport: 'tcp.srcport', dstport: 'tcp.dstport', port: 'tcp.port', seq: 'tcp.seq', seqRaw: 'tcp.seq_raw',
  stream: 'tcp.stream', len: 'tcp.len', nxtseq: 'tcp.nxtseq', ack: 'tcp.ack', ackRaw: 'tcp.ack_raw',
  hdrLen: 'tcp.hdr_len', flags: 'tcp.flags', windowSizeValue: 'tcp.window_size_value', windowSize: 'tcp.window_size',
  windowSizeScalefactor: 'tcp.window_size_scalefactor', checksum: 'tcp.checksum',
  urgentPointer: 'tcp.urgent_pointer', completeness: 'tcp.completeness', payload: 'tcp.payload',
  segmentData: 'tcp.segment_data', options: 'tcp.options', optionKind: 'tcp.option_kind',
  optionsSackPerm: 'tcp.options.sack_perm', optionLen: 'tcp.option_len', optionsMssVal: 'tcp.options.mss_val',
  optionsWscaleShift: 'tcp.options.wscale.shift', optionsWscaleMultiplier: 'tcp.options.wscale.multiplier',
  optionsSackLe: 'tcp.options.sack_le', optionsSackRe: 'tcp.options.sack_re',
  optionsTimestampTsval: 'tcp.options.timestamp.tsval', optionsTimestampTsecr: 'tcp.options.timestamp.tsecr',
});

const P_TCP_ANALYSIS = fieldPrefix('tcp.analysis');
const P_TCP_FLAGS = fieldPrefix('tcp.flags.');
const P_TCP_WINDOW_SIZE = fieldPrefix('tcp.window_size');
const P_TCP_OPTION = fieldPrefix('tcp.option');
export function dissectTcp(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const avail = end - off;
  const tcp = openHeader(ctx, TCP, off, end);
  if (!tcp) return;
  const sp = u16(d, off), dp = u16(d, off + 2);
  ctx.addK(tcp, K.srcport, sp, off, 2);
  ctx.addK(tcp, K.dstport, dp, off + 2, 2);
  if (ctx.wantsK(K.port)) {
    ctx.addK(tcp, K.port, sp, off, 2);
    ctx.addK(tcp, K.port, dp, off + 2, 2);
  }
  ctx.srcPort = sp; ctx.dstPort = dp;
  if (ctx.inner > 0) {
    // the header quoted by an ICMP error: tshark shows the raw sequence number, and with the whole
    // header the stream it belongs to (its conversation, created when new: later numbers count it)
    if (avail >= 8) ctx.addK(tcp, K.seq, u32(d, off + 4), off + 4, 4);
    if (avail >= 20) {
      const f = u16(d, off + 12) & 0x0fff;
      const ref = st.tcp.lookup(ctx, sp, dp, (f & 0x12) === 0x02, u32(d, off + 4));
      // a conversation that carried segments of its own has its analysis: tshark adds the raw number then
      if (ref.s.a.seen || ref.s.b.seen) ctx.addK(tcp, K.seqRaw, u32(d, off + 4), off + 4, 4);
      ctx.genK(tcp, K.stream, ref.s.index);
    }
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
  // the server's port is what tshark tries first to pick the payload's protocol
  if (syn) stream.s.serverPort = ackf ? sp : dp;
  // the SEQ/ACK analysis runs when a tcp.analysis field or the Info text is wanted
  let fa: SeqState | null = null, ra: SeqState | null = null;
  if (ctx.summary || ctx.wantsPrefixK(P_TCP_ANALYSIS)) {
    fa = flow.an ?? (flow.an = new SeqState());
    ra = rev.an ?? (rev.an = new SeqState());
  }
  let reused = stream.reused;
  if (syn && ackf && flow.base >= 0 && seq !== flow.base) {
    // tshark 4.0: a SYN-ACK with another sequence number stays in the conversation and renumbers its side
    reused = true;
    flow.base = seq;
    if (fa) fa.bifOk = false;
  }
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
    ctx.genK(tcp, K.stream, stream.s.index);
    ctx.genK(tcp, K.len, len);
    ctx.addK(tcp, K.seq, relSeq, off + 4, 4);
    ctx.addK(tcp, K.seqRaw, seq, off + 4, 4);
    ctx.genK(tcp, K.nxtseq, (relSeq + seglen) >>> 0);
    ctx.addK(tcp, K.ack, relAck, off + 8, 4);
    ctx.addK(tcp, K.ackRaw, ack, off + 8, 4);
    ctx.addK(tcp, K.hdrLen, hl, off + 12, 1);
  }
  const ff = ctx.addK(tcp, K.flags, flags, off + 12, 2);
  if (ctx.wantsPrefixK(P_TCP_FLAGS)) flagBits(ctx, ff, flags, off);
  // as tshark: a direction's shift (from its SYN) scales its windows, never a SYN's own;
  // the factor is shown on non-SYNs only: -1 unknown (no SYN seen), -2 no scaling, else 2^shift
  const scale = !syn && flow.wscale >= 0 ? flow.wscale : -1;
  if (ctx.any(WIN_FIELDS)) {
    ctx.addK(tcp, K.windowSizeValue, win, off + 14, 2);
    if (ctx.wantsPrefixK(P_TCP_WINDOW_SIZE)) {
      ctx.genK(tcp, K.windowSize, scale >= 0 ? win * 2 ** scale : win);
      if (!syn) ctx.genK(tcp, K.windowSizeScalefactor, scale >= 0 ? 2 ** scale : flow.wscale);
    }
    if (avail >= 18) ctx.addK(tcp, K.checksum, u16(d, off + 16), off + 16, 2);
    if (avail >= 20) ctx.addK(tcp, K.urgentPointer, u16(d, off + 18), off + 18, 2);
  }
  if (avail < 20) {
    // a header cut inside its last four bytes: tshark shows it up to the damage and stops there
    if (ctx.any(COMPLETENESS)) ctx.genK(tcp, K.completeness, stream.s.completeness);
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
    // (and to the analysis: SACK blocks shrink the other side's bytes in flight)
    if (fa) fa.sackBytes = 0;
    if (hl > 20) {
      if (syn || ctx.summary || ctx.wantsPrefixK(P_TCP_OPTION)) optInfo = options(ctx, tcp, off + 20, Math.min(off + hl, end), flow, rev, fa, syn);
      else if (fa) fa.sackBytes = sackBytes(d, off + 20, Math.min(off + hl, end));
    }
  }
  if (syn) {
    // tshark's verify_tcp_window_scaling: a SYN without the option means no scaling both ways;
    // a SYN-ACK with it answering a SYN without it scales nothing either
    if (flow.wscale === -1) { flow.wscale = -2; rev.wscale = -2; }
    else if (ackf && rev.wscale === -2) flow.wscale = -2;
  }

  // --- in-order delivery bookkeeping (feeds the application reassemblers; not tshark's analysis) ---
  /** bytes not to deliver again: a keep-alive's byte, or data wholly before the delivery point */
  let retrans = false;
  /** a retransmission proper (not a keep-alive): tshark shows its bytes as retransmitted segment data */
  let resent = false;
  if (flow.nextSeq >= 0) {
    if (len <= 1 && !syn && !fin && !rst && seq === ((flow.nextSeq - 1) >>> 0)) retrans = true;
    else if (seglen > 0 && sdiff((seq + seglen) >>> 0, flow.nextSeq) <= 0) { retrans = true; resent = true; }
  }
  const nextBefore = flow.nextSeq;
  if (seglen > 0) {
    const nx = (seq + seglen) >>> 0;
    if (flow.nextSeq < 0 || sdiff(nx, flow.nextSeq) > 0) flow.nextSeq = nx;
  }
  if (fin) flow.fin = true;
  if (rst) stream.s.rst = true;

  // --- SEQ/ACK analysis, as tshark 4.0 (only when a tcp.analysis field or the Info text is wanted) ---
  timing(ctx, tcp, stream.s, len, flags, !seenBefore && !rev.seen && !stream.reused);
  let prefix = '';
  if (fa && ra) {
    const result = SEGMENT_ANALYSIS;
    result.reset();
    if (reused) result.flags = A_REUSED;
    const seg = SEGMENT;
    seg.stream = stream.s; seg.fwd = fa; seg.rev = ra; seg.base = flow.base; seg.revScale = rev.wscale;
    seg.seq = seq; seg.ack = ack; seg.len = len; seg.flags = flags; seg.window = win; seg.frame = ctx.pkt.number; seg.ts = ctx.pkt.tsNs;
    analyze(result, seg);
    if (result.has || result.flags) prefix = showAnalysis(ctx, tcp, result, stream.s);
    // tshark's is_first_ack: until the direction's first ACK without SYN its window is not scaled
    if ((flags & 18) === 16) fa.firstAck = false;
  }

  // the Info text is built on demand, and only when someone reads it (not in -T fields' subset mode)
  const full = ctx.summary;
  // (a class, not a closure here: captured locals would cost a context object on every packet)
  const info = full ? new TcpInfo(prefix, sp, dp, flags, relSeq, relAck, scale >= 0 ? win * 2 ** scale : win, len, optInfo) : null;
  if (info) ctx.info = lazyText(info);

  if (len === 0) {
    if (fin && flow.app) flow.app.fin(ctx, st, stream.s, flow);
    release(stream.s);
    return;
  }
  if (retrans || hdrBad) {
    if (ctx.wantsK(K.payload)) ctx.addK(tcp, K.payload, d.subarray(payOff, end), payOff, len);
    // tshark: "Retransmitted TCP segment data", bytes it does not dissect again
    if (resent && ctx.wantsK(K.segmentData)) ctx.addK(tcp, K.segmentData, d.subarray(payOff, end), payOff, len);
    return;
  }
  // in-order delivery: the part of the payload past what was already delivered
  let from = payOff;
  if (nextBefore >= 0) {
    const behind = sdiff(nextBefore, seq);
    if (behind > 0) from = payOff + Math.min(behind, len);
    else if (behind < 0) {
      // gap: a lost segment ends any partial PDU
      if (flow.app) flow.app.reset();
      if (flow.track) flow.track.reset();
    }
  }
  let app = flow.app;
  if (app === null) {
    app = st.tcpConv.find(ctx, sp, dp)?.value(sp, dp, 0) ?? st.decodeAs?.tcpApp(sp, dp) ?? appFor(sp, dp, stream.s.serverPort, d, from, end);
    // data after every port's protocol said no is not kept: the next segment is tried again, as tshark does
    if (app !== RETRY_DATA) flow.app = app;
  }
  // PDU boundaries (before the app: the HTTP framer peeks at the request method the app pairs next)
  let framed = false;
  if (app !== RETRY_DATA && (ctx.wantsK(K.segmentData) || ctx.any(REASM_FIELDS))) {
    const track = flow.track === undefined ? (flow.track = trackFor(app)) : flow.track;
    if (track) { pduSegments(ctx, tcp, track, stream.s, from, end, fin); framed = true; }
  }
  const before = ctx.protocols.length;
  // tshark 4.0 shows tcp.payload on every segment with data, also when an application dissector takes it
  if (ctx.wantsK(K.payload)) ctx.addK(tcp, K.payload, d.subarray(payOff, end), payOff, len);
  if (app) app.feed(ctx, st, stream.s, flow, from, end);
  else dissectData(ctx, from, end);
  if (fin && app) app.fin(ctx, st, stream.s, flow);
  release(stream.s);
  if (ctx.protocols.length === before && !app?.claimedBare?.()) {
    // nothing completed here: the bytes wait for a later frame
    if (!framed && ctx.wantsK(K.segmentData)) ctx.addK(tcp, K.segmentData, d.subarray(payOff, end), payOff, len);
    const partial = app?.partialInfo?.();
    // '' : the app cleared Info before asking for more bytes (tshark's MQTT does), leaving only the note
    if (info) ctx.info = partial ? `${partial} [TCP segment of a reassembled PDU]` : partial === '' ? '[TCP segment of a reassembled PDU]' : segmentText(info);
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

const rel = (ns: bigint): number => Number(ns) / 1e9;

/**
 * Conversation completeness and the handshake's initial RTT (kept for every
 * segment: tcp.completeness is a header-level field).
 * convNew: this segment opened the stream (not on ports reused by a SYN).
 */
function timing(ctx: Ctx, tcp: FieldNode, s: TcpStream, len: number, flags: number, convNew: boolean): void {
  const ts = ctx.pkt.tsNs;
  const syn = (flags & 2) !== 0, ackf = (flags & 16) !== 0;
  if (ctx.any(COMPLETENESS)) ctx.gen(tcp, 'tcp.completeness', s.completeness);
  // as tshark 4.0: a new conversation counts only its SYN (and the data of a TCP Fast Open SYN)
  if (convNew) {
    if (syn && !ackf) s.completeness |= len > 0 ? 9 : 1;
  } else {
    if (syn && ackf) s.completeness |= 2;
    if ((flags & 18) === 16) s.completeness |= len > 0 ? 8 : 4;
    if ((flags & 17) === 17) s.completeness |= 16;
    if (flags & 4) s.completeness |= 32;
  }
  // the iRTT: from the most recent SYN (a retransmitted SYN restarts it) to the first ACK that is no SYN-ACK, either side
  if (syn && !ackf) s.synTs = ts;
  if (ackf && !syn && s.initialRtt < 0 && s.synTs !== null && ts !== null) { s.initialRttNs = ts - s.synTs; s.initialRtt = rel(s.initialRttNs); }
}

// tshark's TCP_A_* analysis flags
const A_RETRANSMISSION = 0x1, A_LOST = 0x2, A_ACK_LOST = 0x4, A_KEEP_ALIVE = 0x8, A_DUP_ACK = 0x10,
  A_ZERO_WINDOW = 0x20, A_ZWP = 0x40, A_ZWP_ACK = 0x80, A_KEEP_ALIVE_ACK = 0x100, A_OUT_OF_ORDER = 0x200,
  A_FAST = 0x400, A_WINDOW_UPDATE = 0x800, A_WINDOW_FULL = 0x1000, A_REUSED = 0x2000, A_SPURIOUS = 0x4000;
const TH_FIN = 1, TH_SYN = 2, TH_RST = 4, TH_PSH = 8, TH_ACK = 16;
/** tshark's TCP_MAX_UNACKED_SEGMENTS */
const MAX_UNACKED = 10000;
const FAST_RTX_NS = 20_000_000n;
const OOO_DEFAULT_NS = 3_000_000n;

/** One segment's analysis result (tshark's struct tcp_acked); one instance, reset per segment. */
class SegmentAnalysis {
  /** tshark created the struct: the tcp.analysis item is shown */
  has = false;
  flags = 0;
  acked = 0;
  rtt: bigint | null = null;
  bif = 0;
  push = 0;
  dupNum = 0;
  dupFrame = 0;
  rto: bigint | null = null;
  rtoFrame = 0;
  reset(): void {
    this.has = false; this.flags = 0; this.acked = 0; this.rtt = null; this.bif = 0; this.push = 0;
    this.dupNum = 0; this.dupFrame = 0; this.rto = null; this.rtoFrame = 0;
  }
}
const SEGMENT_ANALYSIS = new SegmentAnalysis();

/** now - then in ns as tshark's unsigned 64-bit difference: a time before `then` is never "within" anything */
const within = (now: bigint | null, then: bigint | null, limit: bigint): boolean => {
  const d = (now ?? 0n) - (then ?? 0n);
  return d >= 0n && d < limit;
};

/** One segment as the sequence analysis reads it, with its stream's state per direction. */
interface Segment {
  stream: TcpStream;
  /** this segment's direction, and the other */
  fwd: SeqState;
  rev: SeqState;
  /** this direction's first raw sequence number (relative numbers for the bytes-in-flight ranges) */
  base: number;
  /** the other direction's window scale shift: -1 unknown, -2 none */
  revScale: number;
  seq: number;
  ack: number;
  /** payload length (SYN and FIN count through flags) */
  len: number;
  flags: number;
  window: number;
  frame: number;
  ts: bigint | null;
}

/** Filled per packet (the analysis keeps nothing of it): no allocation on the hot path. */
const SEGMENT: Segment = {
  stream: null as unknown as TcpStream, fwd: null as unknown as SeqState, rev: null as unknown as SeqState,
  base: 0, revScale: -1, seq: 0, ack: 0, len: 0, flags: 0, window: 0, frame: 0, ts: null,
};

/**
 * tshark 4.0's tcp_analyze_sequence_number(): the checks in its order, on raw
 * sequence numbers, with its state per direction.
 */
function analyze(result: SegmentAnalysis, seg: Segment): void {
  const { stream: s, fwd, rev, base, revScale, seq, ack, len: seglen, flags, window, frame, ts } = seg;
  if (flags & TH_ACK) rev.validBif = true;
  const plainFlags = (flags & (TH_SYN | TH_FIN | TH_RST)) === 0;

  fwdChecks: {
    // zero window probe: one byte at the next sequence number into a zero window
    if (seglen === 1 && seq === fwd.aNext && rev.aWin === 0) { result.flags |= A_ZWP; break fwdChecks; }
    if (window === 0 && plainFlags) result.flags |= A_ZERO_WINDOW;
    // a gap before this segment (not for RST)
    if (fwd.aNext !== 0 && sdiff(seq, fwd.aNext) > 0 && (flags & TH_RST) === 0) {
      result.flags |= A_LOST;
      fwd.validBif = false;
    }
    // data up to the edge of the receiver's advertised window
    if (seglen > 0 && revScale !== -1 && plainFlags) {
      const shift = rev.firstAck || revScale === -2 ? 0 : revScale;
      if (((seq + seglen) >>> 0) === ((rev.aLastAck + ((rev.aWin << shift) >>> 0)) >>> 0)) result.flags |= A_WINDOW_FULL;
    }
    if ((seglen === 0 || seglen === 1) && seq === ((fwd.aNext - 1) >>> 0) && plainFlags) result.flags |= A_KEEP_ALIVE;
    // the same seq/ack as the direction's last segment, no data
    const same = seglen === 0 && plainFlags && seq === fwd.aNext && ack === fwd.aLastAck;
    if (same && window !== 0 && window !== fwd.aWin) result.flags |= A_WINDOW_UPDATE;
    if (same && window !== 0 && window === fwd.aWin && (rev.aLastFlags & A_KEEP_ALIVE)) { result.flags |= A_KEEP_ALIVE_ACK; break fwdChecks; }
    if (same && window !== 0 && window === fwd.aWin) {
      fwd.aDupAcks = fwd.aDupAcks === -1 ? 1 : fwd.aDupAcks + 1;
      result.flags |= A_DUP_ACK;
      result.dupNum = fwd.aDupAcks;
      result.dupFrame = fwd.aLastNonDup;
    }
    if (same && window === 0 && window === fwd.aWin && (rev.aLastFlags & A_ZWP)) { result.flags |= A_ZWP_ACK; break fwdChecks; }
  }
  if (ack !== fwd.aLastAck) { fwd.aLastNonDup = frame; fwd.aDupAcks = 0; }

  // acknowledges beyond what the other side was seen sending
  if (rev.aMaxToAck !== 0 && sdiff(ack, rev.aMaxToAck) > 0 && (flags & TH_ACK)) {
    result.has = true;
    if (sdiff(rev.aNext, rev.aMaxToAck) > 0) {
      rev.aMaxToAck = rev.aNext;
      result.flags |= A_ACK_LOST;
    } else {
      // the other side stalled with pure ACKs: one report per lost segment
      if (rev.aDupAcks === 0) result.flags |= A_ACK_LOST;
      rev.aDupAcks = -1;
    }
  }

  // retransmission / fast retransmission / out-of-order / spurious retransmission (keep-alives are none)
  if ((seglen > 0 || (flags & (TH_SYN | TH_FIN))) && !(result.flags & A_KEEP_ALIVE)) {
    let notAdvanced = fwd.aNext !== 0 && sdiff(seq, fwd.aNext) < 0;
    // new data after a possible zero window probe's byte
    if (seglen > 1 && ((fwd.aNext - 1) >>> 0) === seq) notAdvanced = false;
    classify: {
      if (seglen > 0 && rev.aLastAck !== 0 && sdiff((seq + seglen) >>> 0, rev.aLastAck) <= 0) { result.flags |= A_SPURIOUS; break classify; }
      // (tshark's counter is unsigned: the -1 of an ACKed unseen segment counts as many)
      if (notAdvanced && (rev.aDupAcks >= 2 || rev.aDupAcks === -1) && rev.aLastAck === seq && within(ts, rev.aLastAckTs, FAST_RTX_NS)) { result.flags |= A_FAST; break classify; }
      const thres = s.initialRttNs > 0n ? s.initialRttNs : OOO_DEFAULT_NS;
      if (notAdvanced && within(ts, fwd.aNextTs, thres) && fwd.aNext !== ((seq + seglen + (flags & (TH_SYN | TH_FIN) ? 1 : 0)) >>> 0)) {
        result.flags |= A_OUT_OF_ORDER;
        break classify;
      }
      if (notAdvanced) {
        result.flags |= A_RETRANSMISSION;
        // the RTO from the oldest unacknowledged segment (else the one that last advanced the sequence)
        const u = fwd.segs.length ? fwd.segs[0] : null;
        result.rto = (ts ?? 0n) - ((u ? u.ts : fwd.aNextTs) ?? 0n);
        result.rtoFrame = u ? u.frame : fwd.aNextFrame;
      }
    }
  }

  let nextseq = (seq + seglen) >>> 0;
  if ((seglen > 0 || (flags & (TH_SYN | TH_FIN))) && fwd.segs.length < MAX_UNACKED) {
    if (flags & (TH_SYN | TH_FIN)) nextseq = (nextseq + 1) >>> 0;
    fwd.segs.push({ frame, seq, next: nextseq, ts });
    if (fwd.bifOk) {
      const lo = (seq - base) >>> 0, hi = (nextseq - base) >>> 0;
      if (lo < fwd.bifMin) fwd.bifMin = lo;
      if (hi > fwd.bifMax) fwd.bifMax = hi;
    }
  }
  const zwp = (result.flags & A_ZWP) !== 0;
  if ((sdiff(nextseq, fwd.aNext) > 0 || fwd.aNext === 0) && !zwp) {
    fwd.aNext = nextseq; fwd.aNextFrame = frame; fwd.aNextTs = ts;
  }
  if ((seq === fwd.aMaxToAck || fwd.aMaxToAck === 0) && !zwp) fwd.aMaxToAck = fwd.aNext;
  fwd.aWin = window;
  fwd.aLastAck = ack;
  fwd.aLastAckTs = ts;
  fwd.aLastFlags = result.flags;

  // the other side's segments this acknowledges leave its list; the oldest one ending exactly here is the acked frame
  const segs = rev.segs;
  if (segs.length > 0 && (ack !== rev.scanAck || segs.length !== rev.scanLen)) {
    let k = 0, matched = false, changed = false;
    for (let i = 0; i < segs.length; i++) {
      const u = segs[i];
      if (ack === u.next) {
        if (!matched) { matched = true; result.has = true; result.acked = u.frame; result.rtt = ts !== null && u.ts !== null ? ts - u.ts : null; }
        changed = true;
        continue;
      }
      if (sdiff(ack, u.seq) > 0 && sdiff(ack, u.next) <= 0) { u.seq = ack; changed = true; }
      else if (sdiff(u.next, ack) <= 0) { changed = true; continue; }
      segs[k++] = u;
    }
    segs.length = k;
    if (changed) rev.bifOk = false;
    rev.scanAck = ack;
    rev.scanLen = k;
  }

  // bytes in flight after this segment: the span of this direction's unacknowledged segments
  if (seglen !== 0 && fwd.segs.length > 0 && fwd.validBif) {
    if (!fwd.bifOk) {
      let lo = 0xffffffff, hi = 0;
      for (const u of fwd.segs) {
        const a = (u.seq - base) >>> 0, b = (u.next - base) >>> 0;
        if (a < lo) lo = a;
        if (b > hi) hi = b;
      }
      fwd.bifMin = lo; fwd.bifMax = hi; fwd.bifOk = true;
    }
    // less what the other side's latest segment reported received out of order (SACK)
    const inFlight = (fwd.bifMax - fwd.bifMin - rev.sackBytes) >>> 0;
    if (inFlight > 0 && inFlight < 2_000_000_000) result.bif = flags & (TH_SYN | TH_FIN) ? inFlight - 1 : inFlight;
    const psh = (flags & TH_PSH) !== 0;
    if (psh && !fwd.pushLast) fwd.pushBytes += seglen;
    else if (psh || fwd.pushLast) fwd.pushBytes = seglen;
    else fwd.pushBytes += seglen;
    fwd.pushLast = psh;
    result.push = fwd.pushBytes;
    result.has = true;
  }
}

/** A flag's expert field, Info prefix, expert message and severity. */
type FlagShow = readonly [bit: number, name: string, text: string, note: string, sev: 'note' | 'warn' | 'chat'];
// tshark's print order; each prints its Info text in front of the ones before it
const FLAGS_BEFORE_DUP: readonly FlagShow[] = [
  [A_REUSED, 'tcp.analysis.reused_ports', '[TCP Port numbers reused] ', 'A new tcp session is started with the same ports as an earlier session in this trace', 'note'],
  [A_RETRANSMISSION, 'tcp.analysis.retransmission', '[TCP Retransmission] ', 'This frame is a (suspected) retransmission', 'note'],
  [A_FAST, 'tcp.analysis.fast_retransmission', '[TCP Fast Retransmission] ', 'This frame is a (suspected) fast retransmission', 'note'],
  [A_SPURIOUS, 'tcp.analysis.spurious_retransmission', '[TCP Spurious Retransmission] ', 'This frame is a (suspected) spurious retransmission', 'note'],
  [A_OUT_OF_ORDER, 'tcp.analysis.out_of_order', '[TCP Out-Of-Order] ', 'This frame is a (suspected) out-of-order segment', 'warn'],
  [A_LOST, 'tcp.analysis.lost_segment', '[TCP Previous segment not captured] ', 'Previous segment(s) not captured (common at capture start)', 'warn'],
  [A_ACK_LOST, 'tcp.analysis.ack_lost_segment', '[TCP ACKed unseen segment] ', 'ACKed segment that wasn\'t captured (common at capture start)', 'warn'],
  [A_WINDOW_UPDATE, 'tcp.analysis.window_update', '[TCP Window Update] ', 'TCP window update', 'chat'],
  [A_WINDOW_FULL, 'tcp.analysis.window_full', '[TCP Window Full] ', 'TCP window specified by the receiver is now completely full', 'warn'],
  [A_KEEP_ALIVE, 'tcp.analysis.keep_alive', '[TCP Keep-Alive] ', 'TCP keep-alive segment', 'note'],
  [A_KEEP_ALIVE_ACK, 'tcp.analysis.keep_alive_ack', '[TCP Keep-Alive ACK] ', 'ACK to a TCP keep-alive segment', 'note'],
];
const FLAGS_AFTER_DUP: readonly FlagShow[] = [
  [A_ZWP, 'tcp.analysis.zero_window_probe', '[TCP ZeroWindowProbe] ', 'TCP Zero Window Probe', 'note'],
  [A_ZERO_WINDOW, 'tcp.analysis.zero_window', '[TCP ZeroWindow] ', 'TCP Zero Window segment', 'warn'],
  [A_ZWP_ACK, 'tcp.analysis.zero_window_probe_ack', '[TCP ZeroWindowProbeAck] ', 'ACK to a TCP Zero Window Probe', 'note'],
];

/** The flags of one table that are set: their fields (and notes); returns the Info prefix with theirs in front. */
function showFlags(ctx: Ctx, tcp: FieldNode, result: SegmentAnalysis, table: readonly FlagShow[], p: string): string {
  const fl = result.flags, full = ctx.want === null;
  for (const [bit, name, text, note, sev] of table) {
    if (!(fl & bit)) continue;
    ctx.gen(tcp, name, null);
    if (full) ctx.note('sequence', 'tcp', note, sev);
    p = text + p;
    if (bit === A_RETRANSMISSION) {
      if (result.rto !== null && result.rto !== 0n) {
        ctx.gen(tcp, 'tcp.analysis.rto', rel(result.rto));
        ctx.gen(tcp, 'tcp.analysis.rto_frame', result.rtoFrame);
      }
    } else if (bit === A_FAST || bit === A_SPURIOUS) {
      // fast and spurious retransmissions carry the retransmission expert item too
      ctx.gen(tcp, 'tcp.analysis.retransmission', null);
    }
  }
  return p;
}

/**
 * Shows the analysis as tshark's tcp_print_sequence_number_analysis() and
 * returns the Info prefix.
 */
function showAnalysis(ctx: Ctx, tcp: FieldNode, result: SegmentAnalysis, s: TcpStream): string {
  if (ctx.wants('tcp.analysis')) ctx.gen(tcp, 'tcp.analysis', null);
  if (result.acked) {
    ctx.gen(tcp, 'tcp.analysis.acks_frame', result.acked);
    if (result.rtt !== null && result.rtt !== 0n) ctx.gen(tcp, 'tcp.analysis.ack_rtt', rel(result.rtt));
  }
  if (s.initialRtt > 0) ctx.gen(tcp, 'tcp.analysis.initial_rtt', s.initialRtt);
  if (result.bif) {
    ctx.gen(tcp, 'tcp.analysis.bytes_in_flight', result.bif);
    ctx.gen(tcp, 'tcp.analysis.push_bytes_sent', result.push);
  }
  if (!result.flags) return '';
  ctx.gen(tcp, 'tcp.analysis.flags', null);
  let p = showFlags(ctx, tcp, result, FLAGS_BEFORE_DUP, '');
  if ((result.flags & A_DUP_ACK) && result.dupNum) {
    ctx.gen(tcp, 'tcp.analysis.duplicate_ack', null);
    p = `[TCP Dup ACK ${result.dupFrame}#${result.dupNum}] ` + p;
    ctx.gen(tcp, 'tcp.analysis.duplicate_ack_num', result.dupNum);
    ctx.gen(tcp, 'tcp.analysis.duplicate_ack_frame', result.dupFrame);
    // tshark's expert item is named tcp.analysis.duplicate_ack too: the field occurs twice
    ctx.hidden('tcp.analysis.duplicate_ack', null, 0, 0);
    if (ctx.want === null) ctx.note('sequence', 'tcp', `Duplicate ACK (#${result.dupNum})`);
  }
  return showFlags(ctx, tcp, result, FLAGS_AFTER_DUP, p);
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
function pduSegments(ctx: Ctx, tcp: FieldNode, track: PduTrack, s: TcpStream, from: number, end: number, fin: boolean): void {
  const d = ctx.d, frame = ctx.pkt.number;
  const keep = ctx.wants('tcp.reassembled.data');
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

function reassembled(ctx: Ctx, tcp: FieldNode, track: PduTrack): void {
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
  if (track.data !== null && ctx.wants('tcp.reassembled.data')) {
    const buf = new Uint8Array(track.total);
    let p = 0;
    for (const c of track.data) { buf.set(c, p); p += c.length; }
    ctx.sub(segs, 'tcp.reassembled.data', buf, 0, 0);
  }
}

function flagBits(ctx: Ctx, ff: FieldNode, flags: number, off: number): void {
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
  if (ctx.wants('tcp.flags.str')) ctx.sub(ff, 'tcp.flags.str', flagStr(flags), off + 12, 2).generated = true;
}

// fields of every packet that gets here, by key (no name hashing per packet)

function options(ctx: Ctx, tcp: FieldNode, o: number, end: number, flow: TcpFlow, rev: TcpFlow, fa: SeqState | null, syn: boolean): string {
  const d = ctx.d;
  if (ctx.wantsK(K.options)) ctx.addK(tcp, K.options, d.subarray(o, end), o, end - o);
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
      if (ctx.wants(kind === 0 ? 'tcp.options.eol' : 'tcp.options.nop')) ctx.add(tcp, kind === 0 ? 'tcp.options.eol' : 'tcp.options.nop', d.subarray(o, o + 1), o, 1);
      ctx.addK(tcp, K.optionKind, kind, o, 1);
      o++;
      continue;
    }
    // a bad length ends the walk before the option's own items (tshark only adds an expert item there)
    if (o + 1 >= end) { ctx.malformedAt('tcp', `TCP option ${kind} without a length`, o, 1); break; }
    const len = d[o + 1];
    if (len < 2) { ctx.malformedAt('tcp', `TCP option ${kind} length ${len} < 2`, o, 2); break; }
    if (o + len > end) { ctx.malformedAt('tcp', `TCP option ${kind} length ${len} runs past the header`, o, end - o); break; }
    if (kind === 4 && ctx.wantsK(K.optionsSackPerm)) ctx.addK(tcp, K.optionsSackPerm, d.subarray(o, o + len), o, len);
    ctx.addK(tcp, K.optionKind, kind, o, 1);
    ctx.addK(tcp, K.optionLen, len, o + 1, 1);
    switch (kind) {
      case 2: if (len === 4) { const v = u16(d, o + 2); ctx.addK(tcp, K.optionsMssVal, v, o + 2, 2); info += ` MSS=${v}`; } break;
      case 3: if (len === 3) {
        const s = d[o + 2];
        ctx.addK(tcp, K.optionsWscaleShift, s, o + 2, 1);
        ctx.addK(tcp, K.optionsWscaleMultiplier, 2 ** Math.min(s, 14), o + 2, 1);
        if (syn) flow.wscale = Math.min(s, 14);
        info += ` WS=${2 ** Math.min(s, 14)}`;
      } break;
      case 4: info += ' SACK_PERM'; break;
      case 5: for (let p = o + 2; p + 8 <= o + len; p += 8) {
        // edges relative to the acknowledged side's first sequence number, as tshark
        const le = u32(d, p), re = u32(d, p + 4), base = rev.base >= 0 ? rev.base : 0;
        const rl = (le - base) >>> 0, rr = (re - base) >>> 0;
        ctx.addK(tcp, K.optionsSackLe, rl, p, 4);
        ctx.addK(tcp, K.optionsSackRe, rr, p + 4, 4);
        if (fa) fa.sackBytes = (fa.sackBytes + re - le) >>> 0;
        info += ` SLE=${rl} SRE=${rr}`;
      } break;
      case 8: if (len === 10) {
        const a = u32(d, o + 2), b = u32(d, o + 6);
        ctx.addK(tcp, K.optionsTimestampTsval, a, o + 2, 4);
        ctx.addK(tcp, K.optionsTimestampTsecr, b, o + 6, 4);
        info += ` TSval=${a} TSecr=${b}`;
      } break;
    }
    o += len;
  }
  return info;
}

/** The bytes the SACK option's blocks cover (the options walked as options() does, nothing shown). */
function sackBytes(d: Uint8Array, o: number, end: number): number {
  let eol = false, n = 0;
  while (o < end) {
    const kind = d[o];
    if (eol && kind !== 0) break;
    if (kind <= 1) { if (kind === 0) eol = true; o++; continue; }
    if (o + 1 >= end) break;
    const len = d[o + 1];
    if (len < 2 || o + len > end) break;
    if (kind === 5) for (let p = o + 2; p + 8 <= o + len; p += 8) n = (n + u32(d, p + 4) - u32(d, p)) >>> 0;
    o += len;
  }
  return n;
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

IP_PROTO.add(6, dissectTcp);

treeLine('tcp', (v) => {
  if (!v.has('tcp.srcport')) return v.title;
  let s = `${v.title}, Src Port: ${v.text('tcp.srcport')}, Dst Port: ${v.text('tcp.dstport')}`;
  if (v.has('tcp.seq')) s += `, Seq: ${v.text('tcp.seq')}`;
  if (v.value('tcp.flags.ack') === '1') s += `, Ack: ${v.text('tcp.ack')}`;
  if (v.has('tcp.len')) s += `, Len: ${v.text('tcp.len')}`;
  return s;
}, ['tcp.srcport', 'tcp.dstport', 'tcp.seq', 'tcp.flags.ack', 'tcp.ack', 'tcp.len']);
