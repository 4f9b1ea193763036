// DCCP (RFC 4340, ip.proto 33), as tshark 4.0's packet-dccp.c shows it with
// default preferences: the generic header (checksum verified over the
// coverage CsCov gives), sequence and acknowledgement numbers relative to
// each direction's first Request/Response (its quirks kept: a short 24-bit
// number shows raw and relative under dccp.seq, the acks of Reset, Close,
// Sync and the like are masked to 24 bits), the type's own fields, every
// option, streams numbered per conversation, and the payload by port
// (DCCP_PORT) or as data.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX8, HEX16, HEX32, treeLine } from './fields';
import { Bounded } from './conv';
import { dissectData } from './data';
import * as readers from './bytes';
import * as tables from './tables';
const { DCCP_PORT, IP_PROTO } = tables;
const { u16, u32 } = readers;

const TYPES: Record<number, string> = {
  0: 'Request', 1: 'Response', 2: 'Data', 3: 'Ack', 4: 'DataAck', 5: 'CloseReq', 6: 'Close', 7: 'Reset', 8: 'Sync', 9: 'SyncAck', 10: 'Listen',
  11: 'Reserved', 12: 'Reserved', 13: 'Reserved', 14: 'Reserved', 15: 'Reserved',
};
const RESET_CODES: Record<number, string> = {
  0: 'Unspecified', 1: 'Closed', 2: 'Aborted', 3: 'No Connection', 4: 'Packet Error', 5: 'Option Error', 6: 'Mandatory Error',
  7: 'Connection Refused', 8: 'Bad Service Code', 9: 'Too Busy', 10: 'Bad Init Cookie', 11: 'Aggression Penalty', 12: 'Reserved',
};
// the service codes tshark 4.0 names (dccpservicecodes.h)
const SERVICES: Record<number, string> = {
  0: 'not specified', 7107696: 'LTP: Licklider Transmission Protocol', 1145656131: 'DISC: Discard',
  1381253968: 'RTCP: RTCP connection, separate from the corresponding RTP', 1381257281: 'RTPA: RTP session conveying audio data (and associated RTCP)',
  1381257295: 'RTPO: RTP session conveying other media (and associated RTCP)', 1381257300: 'RTPT: RTP session conveying text media (and associated RTCP)',
  1381257302: 'RTPV: RTP session conveying video data (and associated RTCP)', 1398361159: 'SYLG: Syslog Protocol', 1685351985: 'Bundle Protocol',
  1852861808: 'NPMP: NetPerfMeter Data', 4294967295: 'Reserved (Invalid)',
};

declare('dccp', 'Datagram Congestion Control Protocol', [
  ['dccp.srcport', 'uint', 'Source Port'],
  ['dccp.dstport', 'uint', 'Destination Port'],
  ['dccp.port', 'uint', 'Source or Destination Port'],
  ['dccp.stream', 'uint', 'Stream index'],
  ['dccp.data_offset', 'uint', 'Data Offset'],
  ['dccp.ccval', 'uint', 'CCVal'],
  ['dccp.cscov', 'uint', 'Checksum Coverage'],
  ['dccp.checksum', 'uint', 'Checksum', HEX16],
  ['dccp.checksum.status', 'uint', 'Checksum Status', { valueNames: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' } }],
  ['dccp.res1', 'uint', 'Reserved', HEX8],
  ['dccp.type', 'uint', 'Type', { valueNames: TYPES }],
  ['dccp.x', 'bool', 'Extended Sequence Numbers'],
  ['dccp.res2', 'uint', 'Reserved', HEX8],
  ['dccp.seq', 'uint', 'Sequence Number'],
  ['dccp.seq_raw', 'uint', 'Sequence Number (raw)'],
  ['dccp.ack_res', 'uint', 'Reserved', HEX16],
  ['dccp.ack', 'uint', 'Acknowledgement Number'],
  ['dccp.ack_raw', 'uint', 'Acknowledgement Number (raw)'],
  ['dccp.service_code', 'uint', 'Service Code', { valueNames: SERVICES }],
  ['dccp.reset_code', 'uint', 'Reset Code', { valueNames: RESET_CODES }],
  ['dccp.data1', 'uint', 'Data 1'],
  ['dccp.data2', 'uint', 'Data 2'],
  ['dccp.data3', 'uint', 'Data 3'],
  ['dccp.options', 'none', 'Options'],
  ['dccp.option_type', 'uint', 'Option Type'],
  ['dccp.feature_number', 'uint', 'Feature Number'],
  ['dccp.ndp_count', 'uint', 'NDP Count'],
  ['dccp.timestamp', 'uint', 'Timestamp'],
  ['dccp.timestamp_echo', 'uint', 'Timestamp Echo'],
  ['dccp.elapsed_time', 'uint', 'Elapsed Time'],
  ['dccp.checksum_data', 'uint', 'Data Checksum', HEX32],
  ['dccp.padding', 'bytes', 'Padding'],
  ['dccp.mandatory', 'bytes', 'Mandatory'],
  ['dccp.slow_receiver', 'bytes', 'Slow Receiver'],
  ['dccp.init_cookie', 'bytes', 'Init Cookie'],
  ['dccp.ack_vector.nonce_0', 'bytes', 'Ack Vector [Nonce 0]'],
  ['dccp.ack_vector.nonce_1', 'bytes', 'Ack Vector [Nonce 1]'],
  ['dccp.data_dropped', 'bytes', 'Data Dropped'],
  ['dccp.ccid3_loss_event_rate', 'uint', 'CCID3 Loss Event Rate'],
  ['dccp.ccid3_loss_intervals', 'bytes', 'CCID3 Loss Intervals'],
  ['dccp.ccid3_receive_rate', 'uint', 'CCID3 Receive Rate'],
  ['dccp.option_reserved', 'bytes', 'Reserved'],
  ['dccp.ccid_option_data', 'bytes', 'CCID option'],
  ['dccp.option_unknown', 'bytes', 'Unknown'],
]);


/** One conversation: its stream number and each direction's first sequence number (tshark's dccp_analysis). */
interface Conv { stream: number; base: [number | null, number | null] }
const MAX_CONVS = 4096;
class DccpState { next = 0; readonly convs = new Bounded<string, Conv>(MAX_CONVS) }
const states = new WeakMap<State, DccpState>();

/** 48-bit numbers are exact in a double; differences wrap at 2^48 as tshark's unsigned 64-bit ones do not, but stay below 2^53. */
const u48 = (d: Uint8Array, o: number): number => u16(d, o) * 0x100000000 + u32(d, o + 2);
const u24 = (d: Uint8Array, o: number): number => (d[o] << 16) | (d[o + 1] << 8) | d[o + 2];
/** tshark subtracts in 64 bits: a number below the base wraps to a huge one */
const rel64 = (v: number, base: number): bigint => (BigInt(v) - BigInt(base)) & 0xffffffffffffffffn;

function ipBytes(ctx: Ctx, src: boolean): Uint8Array {
  if (ctx.ipVersion === 4) {
    const a = src ? ctx.ip4Src : ctx.ip4Dst;
    return Uint8Array.of(a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255);
  }
  return (src ? ctx.ip6Src : ctx.ip6Dst) ?? new Uint8Array(16);
}

/** The Internet checksum over the pseudo-header and the covered bytes: 0 when right. */
function checksum(ctx: Ctx, off: number, cover: number, sent: number): number {
  let sum = 0;
  const add = (b: Uint8Array, s: number, n: number): void => {
    for (let i = 0; i + 1 < n; i += 2) sum += (b[s + i] << 8) | b[s + i + 1];
    if (n & 1) sum += b[s + n - 1] << 8;
  };
  const src = ipBytes(ctx, true), dst = ipBytes(ctx, false);
  add(src, 0, src.length);
  add(dst, 0, dst.length);
  if (ctx.ipVersion === 4) sum += 33 + sent;
  else sum += Math.floor(sent / 65536) + (sent & 0xffff) + 33;
  add(ctx.d, off, cover);
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 65536);
  return ~sum & 0xffff;
}

function dissectDccp(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const have = end - off;
  if (have < 4) {
    ctx.protocols.push('dccp');
    if (ctx.pkt.capLen < ctx.pkt.origLen && end === d.length) ctx.short = true;
    else ctx.boundsAt('dccp', 'DCCP header cut short', off, Math.max(0, have));
    return;
  }
  const l = ctx.layer('dccp', off, have);
  const sp = u16(d, off), dp = u16(d, off + 2);
  ctx.protocol = 'DCCP';
  let info = `${sp} → ${dp}`;
  ctx.info = info;
  // tshark's tree line grows with the type and sequence number as they are read
  let line = `Datagram Congestion Control Protocol, Src Port: ${sp}, Dst Port: ${dp}`;
  l.value = line;
  ctx.srcPort = sp; ctx.dstPort = dp;
  ctx.add(l, 'dccp.srcport', sp, off, 2);
  ctx.hidden('dccp.port', sp, off, 2);
  ctx.add(l, 'dccp.dstport', dp, off + 2, 2);
  ctx.hidden('dccp.port', dp, off + 2, 2);
  let s = states.get(st);
  if (!s) { s = new DccpState(); states.set(st, s); }
  const a = ipBytes(ctx, true).join('.') + '/' + sp, b = ipBytes(ctx, false).join('.') + '/' + dp;
  const key = a < b ? `${a}|${b}` : `${b}|${a}`;
  let conv = s.convs.get(key);
  if (!conv) { conv = { stream: s.next++, base: [null, null] }; s.convs.set(key, conv); }
  ctx.gen(l, 'dccp.stream', conv.stream);
  // tshark's flow1 is the direction whose source address sorts first (ports when the addresses are equal)
  const cmp = compareBytes(ipBytes(ctx, true), ipBytes(ctx, false));
  const fwd = (cmp === 0 ? sp > dp : cmp > 0) ? 0 : 1, rev = 1 - fwd;
  const ranOut = (): void => {
    ctx.info = info;
    if (ctx.pkt.capLen < ctx.pkt.origLen && end === d.length) ctx.short = true;
    else ctx.boundsAt('dccp', 'DCCP header runs past the packet', off, have);
  };
  if (have < 8) { ranOut(); return; }
  const doff = d[off + 4], hlen = doff * 4;
  const hdrLenBad = (min: number): void => ctx.flagMalformed('dccp', `Advertised header length (${hlen}) is smaller than the minimum (${min})`, off + 4, 1);
  ctx.add(l, 'dccp.data_offset', doff, off + 4, 1);
  const cscov = d[off + 5] & 15;
  ctx.add(l, 'dccp.ccval', d[off + 5] >> 4, off + 5, 1);
  ctx.add(l, 'dccp.cscov', cscov, off + 5, 1);
  const sent = ctx.pkt.capLen < ctx.pkt.origLen && end === d.length && ctx.inner === 0 ? have + (ctx.pkt.origLen - ctx.pkt.capLen) : have;
  const cover = cscov === 0 ? sent : Math.min(sent, (doff + cscov - 1) * 4);
  ctx.add(l, 'dccp.checksum', u16(d, off + 6), off + 6, 2);
  if (have >= cover && ctx.inner === 0) {
    const good = checksum(ctx, off, cover, sent) === 0;
    ctx.gen(l, 'dccp.checksum.status', good ? 1 : 0);
    if (!good) ctx.errorAt('dccp', 'Bad checksum', off + 6, 2);
  } else ctx.gen(l, 'dccp.checksum.status', 2);
  if (have < 9) { ranOut(); return; }
  const tb = d[off + 8], type = (tb >> 1) & 15, x = (tb & 1) !== 0;
  ctx.hidden('dccp.res1', tb >> 5, off + 8, 1);
  ctx.add(l, 'dccp.type', type, off + 8, 1);
  info += ` [${TYPES[type]}]`;
  ctx.info = info;
  line += ` [${TYPES[type]}]`;
  l.value = line;
  ctx.add(l, 'dccp.x', x, off + 8, 1);
  let o = off + 9;
  let raw: number, seq: number | bigint;
  const base = conv.base;
  if (x) {
    if (hlen < 16) { hdrLenBad(16); return; }
    if (end - o < 7) { ranOut(); return; }
    ctx.hidden('dccp.res2', d[o], o, 1);
    o++;
    raw = u48(d, o);
    const bs = base[fwd];
    if (bs !== null) { seq = rel64(raw, bs); ctx.add(l, 'dccp.seq', seq, o, 6); } else seq = raw;
    ctx.add(l, 'dccp.seq_raw', raw, o, 6);
    o += 6;
  } else {
    if (hlen < 12) { hdrLenBad(12); return; }
    if (end - o < 3) { ranOut(); return; }
    raw = u24(d, o);
    ctx.add(l, 'dccp.seq', raw, o, 3);
    const bs = base[fwd];
    if (bs !== null) { seq = (raw - bs) & 0xffffff; ctx.add(l, 'dccp.seq', seq, o, 3); } else seq = raw;
    o += 3;
  }
  info += ` Seq=${seq}`;
  ctx.info = info;
  l.value = `${line} Seq=${seq}`;
  const rel = o - off;
  const ack48 = (mask24: boolean): void => {
    ctx.hidden('dccp.ack_res', u16(d, o), o, 2);
    const av = u48(d, o + 2);
    const bs = base[rev];
    const shown = bs !== null ? (mask24 ? Number(rel64(av, bs) & 0xffffffn) : rel64(av, bs)) : av;
    if (bs !== null) ctx.add(l, 'dccp.ack', shown, o + 2, 6);
    ctx.add(l, 'dccp.ack_raw', av, o + 2, 6);
    info += ` (Ack=${shown})`;
    o += 8;
  };
  const service = (): void => {
    const sc = u32(d, o);
    ctx.add(l, 'dccp.service_code', sc, o, 4);
    info += ` (service=${SERVICES[sc] ?? `Unknown (${sc})`})`;
    o += 4;
  };
  const need = (n: number): boolean => {
    if (hlen < rel + n) { hdrLenBad(rel + n); return false; }
    if (end - o < n) { ranOut(); return false; }
    return true;
  };
  switch (type) {
    case 0: case 10:
      if (!need(4)) return;
      service();
      if (base[fwd] === null) base[fwd] = raw;
      break;
    case 1:
      if (!need(12)) return;
      ack48(false);
      service();
      if (base[fwd] === null) base[fwd] = raw;
      break;
    case 2: break;
    case 3: case 4:
      if (x) {
        if (!need(8)) return;
        ack48(false);
      } else {
        if (!need(4)) return;
        ctx.hidden('dccp.ack_res', d[o], o, 1);
        const av = u24(d, o + 1);
        const bs = base[rev];
        const shown = bs !== null ? (av - bs) & 0xffffff : av;
        if (bs !== null) ctx.add(l, 'dccp.ack', shown, o + 1, 3);
        ctx.add(l, 'dccp.ack_raw', av, o + 1, 3);
        info += ` (Ack=${shown})`;
        o += 4;
      }
      break;
    case 7:
      if (!need(4)) return;
      if (end - o < 12) { ranOut(); return; }
      ack48(true);
      ctx.add(l, 'dccp.reset_code', d[o], o, 1);
      ctx.add(l, 'dccp.data1', d[o + 1], o + 1, 1);
      ctx.add(l, 'dccp.data2', d[o + 2], o + 2, 1);
      ctx.add(l, 'dccp.data3', d[o + 3], o + 3, 1);
      info += ` (code=${RESET_CODES[d[o]] ?? 'Unknown'})`;
      o += 4;
      break;
    case 5: case 6: case 8: case 9:
      if (!need(8)) return;
      ack48(true);
      break;
    default:
      ctx.info = info;
      ctx.errorAt('dccp', 'Reserved packet type: unable to dissect further');
      return;
  }
  ctx.info = info;
  // 16 + 12 + 1008: the largest header tshark accepts
  if (hlen > 1036) { ctx.flagMalformed('dccp', `Advertised header length (${hlen}) is larger than the maximum (1036)`, off + 4, 1); return; }
  const hend = off + hlen;
  if (hend > o) {
    ctx.add(l, 'dccp.options', null, o, hend - o);
    if (!options(ctx, l, o, hend, end)) { ranOut(); return; }
  }
  o = Math.max(o, hend);
  l.len = Math.min(o, end) - off;
  if (o >= end) return;
  const lo = Math.min(sp, dp), hi = Math.max(sp, dp);
  const next = (lo !== 0 ? DCCP_PORT.get(lo) : undefined) ?? (hi !== 0 ? DCCP_PORT.get(hi) : undefined);
  if (next !== undefined) next(ctx, st, o, end);
  else dissectData(ctx, o, end);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** dissect_options: false when an option runs past the captured bytes (tshark throws there). */
function options(ctx: Ctx, l: FieldNode, o: number, hend: number, end: number): boolean {
  const d = ctx.d;
  const bytes = (name: string, s: number, n: number): boolean => {
    if (s + n > end) return false;
    ctx.add(l, name, d.subarray(s, s + n), s, n);
    return true;
  };
  const uint = (name: string, s: number, n: number): boolean => {
    if (s + n > end) return false;
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + d[s + i];
    ctx.add(l, name, v, s, n);
    return true;
  };
  // each option advances at least one byte: the loop ends with the header
  while (o < hend) {
    if (o >= end) return false;
    const t = d[o];
    ctx.add(l, 'dccp.option_type', t, o, 1);
    let len = 1;
    if (t >= 32) {
      if (o + 1 >= end) return false;
      len = d[o + 1];
      if (len < 2) { ctx.note('protocol', 'dccp', 'Option length incorrect, must be >= 2', 'warn'); return true; }
      o += 2;
      len -= 2;
    }
    let ok = true;
    switch (t) {
      case 0: ok = bytes('dccp.padding', o, len); break;
      case 1: ok = bytes('dccp.mandatory', o, len); break;
      case 2: ok = bytes('dccp.slow_receiver', o, len); break;
      // tshark reads the feature number even from an empty option
      case 32: case 33: case 34: case 35: ok = uint('dccp.feature_number', o, 1); break;
      case 36: ok = bytes('dccp.init_cookie', o, len); break;
      case 37: if (len <= 6) ok = uint('dccp.ndp_count', o, len); break;
      case 38: ok = bytes('dccp.ack_vector.nonce_0', o, len); break;
      case 39: ok = bytes('dccp.ack_vector.nonce_1', o, len); break;
      case 40: ok = bytes('dccp.data_dropped', o, len); break;
      case 41: if (len === 4) ok = uint('dccp.timestamp', o, 4); break;
      case 42:
        if (len === 4 || len === 6 || len === 8) {
          ok = uint('dccp.timestamp_echo', o, 4);
          if (ok && len > 4) ok = uint('dccp.elapsed_time', o + 4, len - 4);
        }
        break;
      case 43: if (len === 2 || len === 4) ok = uint('dccp.elapsed_time', o, len); break;
      case 44: if (len === 4) ok = uint('dccp.checksum_data', o, 4); break;
      case 192: if (len === 4) ok = uint('dccp.ccid3_loss_event_rate', o, 4); break;
      case 193: ok = bytes('dccp.ccid3_loss_intervals', o, len); break;
      case 194: if (len === 4) ok = uint('dccp.ccid3_receive_rate', o, 4); break;
      default:
        if ((t >= 45 && t <= 127) || (t >= 3 && t <= 31)) ok = bytes('dccp.option_reserved', o, len);
        else if (t >= 128) ok = bytes('dccp.ccid_option_data', o, len);
        else ok = bytes('dccp.option_unknown', o, len);
    }
    if (!ok) return false;
    o += len;
  }
  return true;
}

IP_PROTO.add(33, dissectDccp);

treeLine('dccp', (v) => typeof v.layer.value === 'string' ? v.layer.value : v.title);
