// GTP (3GPP TS 29.060, 29.281, 29.274) on udp/2152 (GTPv1-U), udp/2123
// (GTPv1-C and GTPv2-C) and udp/3386 (GTPv0), as tshark 4.0's
// packet-gtp.c and packet-gtpv2.c show them with default preferences:
// the GTPv1 header (flags, message type, length, TEID, sequence, N-PDU
// number, extension headers), a T-PDU's inner packet decoded by its first
// nibble (IPv4 0x45-0x4e, IPv6 0x6x, else an Ethernet frame carrying ARP or
// IP, else bytes) with the Protocol column "GTP <inner>", and the GTPv2
// header with each IE's type, length and instance; Echo responses name
// their request (gtp.response_to, gtp.time). Not decoded yet: the GTPv1-C
// information elements (Recovery aside) and GTPv2 IE values (Recovery
// aside), GTPv0 and GTP' bodies, pairing of requests other than Echo.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX8, HEX16, HEX32 } from './fields';
import { Bounded, convKey } from './conv';
import { dissectEth, ethertype } from './link';
import * as readers from './bytes';
import * as tables from './tables';
const { UDP_PORT } = tables;
const { u16, u32 } = readers;

const GTP_MESSAGES: Record<number, string> = {
  0: 'For future use', 1: 'Echo request', 2: 'Echo response', 3: 'Version not supported', 4: 'Node alive request', 5: 'Node alive response',
  6: 'Redirection request', 7: 'Redirection response', 16: 'Create PDP context request', 17: 'Create PDP context response',
  18: 'Update PDP context request', 19: 'Update PDP context response', 20: 'Delete PDP context request', 21: 'Delete PDP context response',
  22: 'Initiate PDP Context Activation Request', 23: 'Initiate PDP Context Activation Response', 24: 'Delete AA PDP Context Request',
  25: 'Delete AA PDP Context Response', 26: 'Error indication', 27: 'PDU notification request', 28: 'PDU notification response',
  29: 'PDU notification reject request', 30: 'PDU notification reject response', 31: 'Supported extension header notification',
  32: 'Send routing information for GPRS request', 33: 'Send routing information for GPRS response', 34: 'Failure report request',
  35: 'Failure report response', 36: 'Note MS GPRS present request', 37: 'Note MS GPRS present response', 48: 'Identification request',
  49: 'Identification response', 50: 'SGSN context request', 51: 'SGSN context response', 52: 'SGSN context acknowledgement',
  53: 'Forward relocation request', 54: 'Forward relocation response', 55: 'Forward relocation complete', 56: 'Relocation cancel request',
  57: 'Relocation cancel response', 58: 'Forward SRNS context', 59: 'Forward relocation complete acknowledge', 60: 'Forward SRNS context acknowledge',
  61: 'UE Registration Query Request', 62: 'UE Registration Query Response', 70: 'RAN Information Relay', 96: 'MBMS Notification Request',
  97: 'MBMS Notification Response', 98: 'MBMS Notification Reject Request', 99: 'MBMS Notification Reject Response', 100: 'Create MBMS Context Request',
  101: 'Create MBMS Context Response', 102: 'Update MBMS Context Request', 103: 'Update MBMS Context Response', 104: 'Delete MBMS Context Request',
  105: 'Delete MBMS Context Response', 112: 'MBMS Registration Request', 113: 'MBMS Registration Response', 114: 'MBMS De-Registration Request',
  115: 'MBMS De-Registration Response', 116: 'MBMS Session Start Request', 117: 'MBMS Session Start Response', 118: 'MBMS Session Stop Request',
  119: 'MBMS Session Stop Response', 120: 'MBMS Session Update Request', 121: 'MBMS Session Update Response', 128: 'MS Info Change Notification Request',
  129: 'MS Info Change Notification Response', 240: 'Data record transfer request', 241: 'Data record transfer response', 254: 'End Marker', 255: 'T-PDU',
};
const GTPV2_MESSAGES: Record<number, string> = {
  0: 'Reserved', 1: 'Echo Request', 2: 'Echo Response', 3: 'Version Not Supported Indication', 4: 'Node Alive Request', 5: 'Node Alive Response',
  6: 'Redirection Request', 7: 'Redirection Response', 25: 'SRVCC PS to CS Request', 26: 'SRVCC PS to CS Response', 27: 'SRVCC PS to CS Complete Notification',
  28: 'SRVCC PS to CS Complete Acknowledge', 29: 'SRVCC PS to CS Cancel Notification', 30: 'SRVCC PS to CS Cancel Acknowledge', 31: 'SRVCC CS to PS Request',
  32: 'Create Session Request', 33: 'Create Session Response', 34: 'Modify Bearer Request', 35: 'Modify Bearer Response', 36: 'Delete Session Request',
  37: 'Delete Session Response', 38: 'Change Notification Request', 39: 'Change Notification Response', 40: 'Remote UE Report Notification',
  41: 'Remote UE Report Acknowledge', 64: 'Modify Bearer Command', 65: 'Modify Bearer Failure Indication', 66: 'Delete Bearer Command',
  67: 'Delete Bearer Failure Indication', 68: 'Bearer Resource Command', 69: 'Bearer Resource Failure Indication',
  70: 'Downlink Data Notification Failure Indication', 71: 'Trace Session Activation', 72: 'Trace Session Deactivation', 73: 'Stop Paging Indication',
  95: 'Create Bearer Request', 96: 'Create Bearer Response', 97: 'Update Bearer Request', 98: 'Update Bearer Response', 99: 'Delete Bearer Request',
  100: 'Delete Bearer Response', 101: 'Delete PDN Connection Set Request', 102: 'Delete PDN Connection Set Response',
  103: 'PGW Downlink Triggering Notification', 104: 'PGW Downlink Triggering Acknowledge', 128: 'Identification Request', 129: 'Identification Response',
  130: 'Context Request', 131: 'Context Response', 132: 'Context Acknowledge', 133: 'Forward Relocation Request', 134: 'Forward Relocation Response',
  135: 'Forward Relocation Complete Notification', 136: 'Forward Relocation Complete Acknowledge', 137: 'Forward Access Context Notification',
  138: 'Forward Access Context Acknowledge', 139: 'Relocation Cancel Request', 140: 'Relocation Cancel Response', 141: 'Configuration Transfer Tunnel',
  149: 'Detach Notification', 150: 'Detach Acknowledge', 151: 'CS Paging Indication', 152: 'RAN Information Relay', 153: 'Alert MME Notification',
  154: 'Alert MME Acknowledge', 155: 'UE Activity Notification', 156: 'UE Activity Acknowledge', 157: 'ISR Status Indication',
  158: 'UE Registration Query Request', 159: 'UE Registration Query Response', 160: 'Create Forwarding Tunnel Request', 161: 'Create Forwarding Tunnel Response',
  162: 'Suspend Notification', 163: 'Suspend Acknowledge', 164: 'Resume Notification', 165: 'Resume Acknowledge',
  166: 'Create Indirect Data Forwarding Tunnel Request', 167: 'Create Indirect Data Forwarding Tunnel Response',
  168: 'Delete Indirect Data Forwarding Tunnel Request', 169: 'Delete Indirect Data Forwarding Tunnel Response', 170: 'Release Access Bearers Request',
  171: 'Release Access Bearers Response', 176: 'Downlink Data Notification', 177: 'Downlink Data Notification Acknowledgement',
};
const EXT_HEADERS: Record<number, string> = {
  0x0: 'No more extension headers', 0x1: 'MBMS support indication', 0x2: 'MS Info Change Reporting support indication', 0x3: 'Long PDCP PDU Number',
  0x20: 'Service Class Indicator', 0x40: 'UDP Port number', 0x81: 'RAN container', 0x82: 'Long PDCP PDU number', 0x83: 'Xw RAN container',
  0x84: 'NR RAN container', 0x85: 'PDU Session container', 0xc0: 'PDCP PDU number', 0xc1: 'Suspend Request', 0xc2: 'Suspend Response',
};

declare('gtp', 'GPRS Tunneling Protocol', [
  ['gtp.flags', 'uint', 'Flags', HEX8],
  ['gtp.flags.version', 'uint', 'Version'],
  ['gtp.flags.payload', 'uint', 'Protocol type'],
  ['gtp.flags.reserved', 'uint', 'Reserved'],
  ['gtp.flags.e', 'bool', 'Is Next Extension Header present?'],
  ['gtp.flags.s', 'bool', 'Is Sequence Number present?'],
  ['gtp.flags.pn', 'bool', 'Is N-PDU number present?'],
  ['gtp.message', 'uint', 'Message Type', { ...HEX8, valueNames: GTP_MESSAGES }],
  ['gtp.length', 'uint', 'Length'],
  ['gtp.teid', 'uint', 'TEID', HEX32],
  ['gtp.seq_number', 'uint', 'Sequence number', HEX16],
  ['gtp.npdu_number', 'uint', 'N-PDU Number', HEX8],
  ['gtp.ext_hdr.next', 'uint', 'Next extension header type', { ...HEX8, valueNames: EXT_HEADERS }],
  ['gtp.ext_hdr', 'none', 'Extension header'],
  ['gtp.ext_hdr.length', 'uint', 'Extension Header Length'],
  ['gtp.ext_hdr.udp_port', 'uint', 'UDP Port'],
  ['gtp.ext_hdr.pdcp_sn', 'uint', 'PDCP Sequence Number'],
  ['gtp.ext_hdr.ran_cont', 'bytes', 'RAN Container'],
  ['gtp.tpdu_data', 'bytes', 'T-PDU Data'],
  ['gtp.recovery', 'uint', 'Recovery'],
  ['gtp.response_to', 'framenum', 'Response To'],
  ['gtp.time', 'reltime', 'Time'],
]);

/** Echo requests waiting for their response, per conversation and sequence number (bounded). */
const MAX_PENDING = 4096;
const pending = new WeakMap<State, Bounded<string, { frame: number; ts: bigint | null }>>();
declare('gtpv2', 'GPRS Tunneling Protocol V2', [
  ['gtpv2.flags', 'uint', 'Flags', HEX8],
  ['gtpv2.version', 'uint', 'Version'],
  ['gtpv2.p', 'uint', 'Piggybacking flag (P)'],
  ['gtpv2.t', 'uint', 'TEID flag (T)'],
  ['gtpv2.mp', 'uint', 'Message Priority(MP)'],
  ['gtpv2.message_type', 'uint', 'Message Type', { valueNames: GTPV2_MESSAGES }],
  ['gtpv2.msg_length', 'uint', 'Message Length'],
  ['gtpv2.teid', 'uint', 'Tunnel Endpoint Identifier', HEX32],
  ['gtpv2.seq', 'uint', 'Sequence Number', { base: 'hex', hexDigits: 6 }],
  ['gtpv2.spare', 'uint', 'Spare'],
  ['gtpv2.ie_type', 'uint', 'IE Type'],
  ['gtpv2.ie_len', 'uint', 'IE Length'],
  ['gtpv2.cr', 'uint', 'CR flag'],
  ['gtpv2.instance', 'uint', 'Instance'],
  ['gtpv2.rec', 'uint', 'Restart Counter'],
]);

const T_PDU = 255;

/** GTPv1 (and, by its version bits, GTPv2): packet-gtp.c's dissect_gtp. */
function dissectGtp(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  if (end - off < 1) return;
  if ((d[off] >> 5) === 2) { ctx.protocols.push('gtp'); dissectGtpV2(ctx, off, end); return; }
  const l = ctx.layer('gtp', off, end - off);
  ctx.protocol = 'GTP';
  ctx.info = '';
  const flags = d[off];
  const prime = (flags & 0x10) === 0;
  const version = (flags >> 5) === 0 ? 0 : 1;
  ctx.add(l, 'gtp.flags', flags, off, 1);
  if (!prime && version === 1) {
    ctx.add(l, 'gtp.flags.version', flags >> 5, off, 1);
    ctx.add(l, 'gtp.flags.payload', (flags >> 4) & 1, off, 1);
    ctx.add(l, 'gtp.flags.reserved', (flags >> 3) & 1, off, 1);
    ctx.add(l, 'gtp.flags.e', (flags & 4) !== 0, off, 1);
    ctx.add(l, 'gtp.flags.s', (flags & 2) !== 0, off, 1);
    ctx.add(l, 'gtp.flags.pn', (flags & 1) !== 0, off, 1);
  }
  if (end - off < 2) { cut(ctx, l, off, end); return; }
  const msg = d[off + 1];
  ctx.info = GTP_MESSAGES[msg] ?? 'Unknown';
  ctx.add(l, 'gtp.message', msg, off + 1, 1);
  if (end - off < 4) { cut(ctx, l, off, end); return; }
  const length = u16(d, off + 2);
  ctx.add(l, 'gtp.length', length, off + 2, 2);
  // GTPv0 and GTP' headers are shown only this far
  if (prime || version === 0) return;
  if (end - off < 8) { cut(ctx, l, off, end); return; }
  ctx.add(l, 'gtp.teid', u32(d, off + 4), off + 4, 4);
  let o = off + 8;
  // set_actual_length: the message ends where its length says (a shorter length trims trailing bytes)
  const mend = Math.min(end, o + length);
  if (flags & 0x07) {
    if (mend - o < 4) { cut(ctx, l, off, mend); return; }
    if (flags & 2) ctx.add(l, 'gtp.seq_number', u16(d, o), o, 2);
    if (flags & 1) ctx.add(l, 'gtp.npdu_number', d[o + 2], o + 2, 1);
    o += 3;
    if (flags & 4) {
      let next = d[o];
      ctx.add(l, 'gtp.ext_hdr.next', next, o, 1);
      o++;
      // each extension header is at least 4 bytes: the loop ends with the bytes
      while (next !== 0) {
        if (o >= mend) { cut(ctx, l, off, mend); return; }
        const elen = d[o];
        ctx.add(l, 'gtp.ext_hdr', null, o, elen * 4);
        ctx.add(l, 'gtp.ext_hdr.length', elen, o, 1);
        if (elen === 0) { ctx.flagMalformed('gtp', 'Extension header length is zero', o, 1); return; }
        if (o + elen * 4 > mend) { cut(ctx, l, off, mend); return; }
        const v = o + 1;
        if (next === 0x40 && elen === 1) ctx.add(l, 'gtp.ext_hdr.udp_port', u16(d, v), v, 2);
        else if (next === 0xc0 && elen === 1) ctx.add(l, 'gtp.ext_hdr.pdcp_sn', u16(d, v), v, 2);
        else if (next === 0x81) ctx.add(l, 'gtp.ext_hdr.ran_cont', d.subarray(v, v + elen * 4 - 1), v, elen * 4 - 1);
        o += elen * 4 - 1;
        next = d[o];
        ctx.add(l, 'gtp.ext_hdr.next', next, o, 1);
        o++;
      }
    } else o++;
  }
  if (msg !== T_PDU) {
    // information elements: only Recovery (type 14, one byte) is decoded; tshark's decoder for an
    // unknown one takes the rest of the message, so decoding stops there too
    while (o + 2 <= mend && d[o] === 14) { ctx.add(l, 'gtp.recovery', d[o + 1], o, 2); o += 2; }
    if (flags & 2) echo(ctx, st, l, msg, u16(d, off + 8));
  }
  l.len = o - off;
  if (msg !== T_PDU || o >= mend) return;
  tpdu(ctx, st, l, o, mend);
}

/** gtp_match_response for Echo: a response names its request's frame and the time since. */
function echo(ctx: Ctx, st: State, l: FieldNode, msg: number, seq: number): void {
  if (msg !== 1 && msg !== 2) return;
  let m = pending.get(st);
  if (!m) { m = new Bounded(MAX_PENDING); pending.set(st, m); }
  const key = `${convKey(ctx)}/${seq}`;
  if (msg === 1) { if (!m.has(key)) m.set(key, { frame: ctx.pkt.number, ts: ctx.pkt.tsNs }); return; }
  const req = m.get(key);
  if (!req || req.frame >= ctx.pkt.number) return;
  ctx.gen(l, 'gtp.response_to', req.frame);
  if (req.ts !== null && ctx.pkt.tsNs !== null) ctx.reltime(l, 'gtp.time', ctx.pkt.tsNs - req.ts);
}

/** A T-PDU: the first byte tells IPv4 from IPv6 (tshark's "TPDU Heuristic"). */
function tpdu(ctx: Ctx, st: State, l: FieldNode, o: number, end: number): void {
  const d = ctx.d;
  const first = d[o];
  if (first >= 0x45 && first <= 0x4e) ethertype(ctx, st, 0x0800, o, end, false);
  else if ((first & 0xf0) === 0x60) ethertype(ctx, st, 0x86dd, o, end, false);
  else if (end - o > 14) {
    const t = u16(d, o + 12);
    // an Ethernet frame guessed by its ethertype; anything else is left undecoded (tshark adds nothing)
    if (t === 0x0806 || t === 0x86dd || t === 0x0800) dissectEth(ctx, st, o, end);
  } else ctx.add(l, 'gtp.tpdu_data', d.subarray(o, end), o, end - o);
  // tshark names the inner protocol after it returns; one that threw (a packet cut short) skips that
  if (!ctx.thrown && !ctx.short) ctx.protocol = `GTP <${ctx.protocol}>`;
}

function cut(ctx: Ctx, l: FieldNode, off: number, end: number): void {
  l.len = end - off;
  if (ctx.pkt.capLen < ctx.pkt.origLen && end === ctx.d.length) ctx.short = true;
  else ctx.boundsAt('gtp', 'GTP header cut short', off, end - off);
}

/** GTPv2-C (TS 29.274): the header and each IE's type, length, CR flag and instance. */
function dissectGtpV2(ctx: Ctx, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('gtpv2', off, end - off);
  ctx.protocol = 'GTPv2';
  ctx.info = '';
  if (end - off < 4) { cut(ctx, l, off, end); return; }
  const flags = d[off], msg = d[off + 1], length = u16(d, off + 2);
  ctx.add(l, 'gtpv2.flags', flags, off, 1);
  ctx.add(l, 'gtpv2.version', flags >> 5, off, 1);
  ctx.add(l, 'gtpv2.p', (flags >> 4) & 1, off, 1);
  ctx.add(l, 'gtpv2.t', (flags >> 3) & 1, off, 1);
  ctx.add(l, 'gtpv2.mp', (flags >> 2) & 1, off, 1);
  ctx.add(l, 'gtpv2.message_type', msg, off + 1, 1);
  ctx.info = GTPV2_MESSAGES[msg] ?? 'Unknown';
  ctx.add(l, 'gtpv2.msg_length', length, off + 2, 2);
  let o = off + 4;
  const mend = Math.min(end, o + length);
  if (flags & 0x08) {
    if (mend - o < 4) { cut(ctx, l, off, mend); return; }
    ctx.add(l, 'gtpv2.teid', u32(d, o), o, 4);
    o += 4;
  }
  if (mend - o < 4) { cut(ctx, l, off, mend); return; }
  ctx.add(l, 'gtpv2.seq', (d[o] << 16) | (d[o + 1] << 8) | d[o + 2], o, 3);
  ctx.add(l, 'gtpv2.spare', d[o + 3], o + 3, 1);
  o += 4;
  // IEs: type, length, CR/instance, value; each at least 4 bytes, so the loop ends with the bytes
  while (o < mend) {
    if (mend - o < 4) { cut(ctx, l, off, mend); return; }
    const t = d[o], ilen = u16(d, o + 1);
    ctx.add(l, 'gtpv2.ie_type', t, o, 1);
    ctx.add(l, 'gtpv2.ie_len', ilen, o + 1, 2);
    const v = o + 4;
    // an IE longer than the message: tshark shows its type and length and stops there (an expert note, not damage)
    if (v + ilen > mend) { ctx.errorAt('gtpv2', `IE length ${ilen} runs past the message`, o + 1, 2); return; }
    ctx.add(l, 'gtpv2.cr', d[o + 3] >> 4, o + 3, 1);
    ctx.add(l, 'gtpv2.instance', d[o + 3] & 15, o + 3, 1);
    if (t === 3 && ilen >= 1) ctx.add(l, 'gtpv2.rec', d[v], v, 1);
    o = v + ilen;
  }
}

UDP_PORT.add([2152, 2123, 3386], dissectGtp);
