// TPKT (RFC 1006: ISO transport over TCP, a 4-byte header with the packet
// length) and the X.224/ISO 8073 COTP TPDUs it carries (CR, CC, DR, DC, DT,
// ER): lengths, references, class and options. What connection requests and
// data TPDUs carry is found in COTP_CONNECT_DATA / COTP_DATA (RDP on 3389;
// ISO-TSAP users such as S7comm register there and claim tcp/102 the same
// way). Fields and Info as tshark 4.0's packet-tpkt.c / packet-cotp.c.
import type { Ctx } from './context';
import type { State } from './state';
import { declare, HEX8, HEX16 } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { PduApp } from './pdu';
import { dissectData } from './data';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT, COTP_CONNECT_DATA, COTP_DATA } = tables;
const { u16 } = readers;

const TPDU: Record<number, string> = { 0x1: 'ED', 0x2: 'EA', 0x5: 'RJ', 0x6: 'AK', 0x7: 'ER', 0x8: 'DR', 0xc: 'DC', 0xd: 'CC', 0xe: 'CR', 0xf: 'DT' };

declare('tpkt', 'TPKT, Version: 3, Length', [
  ['tpkt.version', 'uint', 'Version'],
  ['tpkt.reserved', 'uint', 'Reserved'],
  ['tpkt.length', 'uint', 'Length'],
  ['tpkt.continuation_data', 'bytes', 'Continuation data'],
]);
declare('cotp', 'ISO 8073/X.224 COTP Connection-Oriented Transport Protocol', [
  ['cotp.li', 'uint', 'Length'],
  ['cotp.type', 'uint', 'PDU Type', { ...HEX8, valueNames: Object.fromEntries(Object.entries(TPDU).map(([k, v]) => [Number(k), `${v} TPDU`])) }],
  ['cotp.destref', 'uint', 'Destination reference', HEX16],
  ['cotp.srcref', 'uint', 'Source reference', HEX16],
  ['cotp.class', 'uint', 'Class'],
  ['cotp.opts.extended_formats', 'bool', 'Extended formats'],
  ['cotp.opts.no_explicit_flow_control', 'bool', 'No explicit flow control'],
  ['cotp.cause', 'uint', 'Cause', HEX8],
  ['cotp.tpdu-number', 'uint', 'TPDU number', HEX8],
  ['cotp.eot', 'bool', 'Last data unit'],
]);

const hex4 = (v: number): string => '0x' + v.toString(16).padStart(4, '0');

/** One TPKT packet at [off, off + kept). */
function tpktPdu(ctx: Ctx, st: State, _s: unknown, off: number, kept: number): void {
  const d = ctx.d;
  const end = off + kept;
  const l = ctx.layer('tpkt', off, 4);
  ctx.add(l, 'tpkt.version', d[off], off, 1);
  ctx.add(l, 'tpkt.reserved', d[off + 1], off + 1, 1);
  ctx.add(l, 'tpkt.length', u16(d, off + 2), off + 2, 2);
  ctx.setSummary('TPKT', 'Continuation');
  const o = off + 4;
  if (o >= end) return;
  const li = d[o], type = d[o + 1] >> 4;
  if (o + 1 + li > end || li < 2) {
    ctx.malformedAt('cotp', `COTP length indicator ${li} runs past the TPKT packet`, o, end - o);
    return;
  }
  // tshark's RDP (tcp/3389) claims a connection request before TPKT does: the frame shows no tpkt layer
  if (type === 0xe && (ctx.srcPort === 3389 || ctx.dstPort === 3389)) { const i = ctx.protocols.lastIndexOf('tpkt'); if (i >= 0) ctx.protocols.splice(i, 1); }
  const c = ctx.layer('cotp', o, 1 + li);
  ctx.add(c, 'cotp.li', li, o, 1);
  ctx.add(c, 'cotp.type', type, o + 1, 1);
  ctx.protocol = 'COTP';
  const hdrEnd = o + 1 + li;
  switch (type) {
    case 0xe: case 0xd: case 0x8: case 0xc: {
      if (li < 6) { ctx.malformedAt('cotp', `${TPDU[type]} TPDU header cut short`, o, 1 + li); return; }
      const dst = u16(d, o + 2), src = u16(d, o + 4);
      ctx.add(c, 'cotp.destref', dst, o + 2, 2);
      ctx.add(c, 'cotp.srcref', src, o + 4, 2);
      if (type === 0xe || type === 0xd) {
        const cls = d[o + 6];
        ctx.add(c, 'cotp.class', cls >> 4, o + 6, 1);
        ctx.add(c, 'cotp.opts.extended_formats', (cls & 2) !== 0, o + 6, 1);
        ctx.add(c, 'cotp.opts.no_explicit_flow_control', (cls & 1) !== 0, o + 6, 1);
      } else if (type === 0x8) ctx.add(c, 'cotp.cause', d[o + 6], o + 6, 1);
      ctx.info = `${TPDU[type]} TPDU src-ref: ${hex4(src)} dst-ref: ${hex4(dst)}`;
      // RDP puts its cookie and negotiation inside the CR/CC variable part
      const userData = o + 7;
      if ((type === 0xe || type === 0xd) && userData < end) COTP_CONNECT_DATA.try(ctx, st, userData, end);
      break;
    }
    case 0xf: {
      // class 0 DT TPDUs have no destination reference: tshark shows it as 0
      if (li === 2) ctx.gen(c, 'cotp.destref', 0);
      const nr = d[o + 2];
      ctx.add(c, 'cotp.tpdu-number', nr & 0x7f, o + 2, 1);
      ctx.add(c, 'cotp.eot', (nr & 0x80) !== 0, o + 2, 1);
      // (what claims the data replaces Info; data no one claims keeps COTP's, with its end-of-TSDU mark)
      ctx.info = `DT TPDU (${nr & 0x7f})${nr & 0x80 ? ' EOT' : ''}`;
      if (hdrEnd < end && !COTP_DATA.try(ctx, st, hdrEnd, end)) dissectData(ctx, hdrEnd, end);
      break;
    }
    default:
      ctx.info = `${TPDU[type] ?? 'Unknown'} TPDU`;
  }
}

/** RFC 1006 §6: version 3, a reserved byte, and a length including the 4-byte header. */
export const TPKT_RULE = { hdrLen: 4, length: (h: Uint8Array, o: number): number => (h[o] !== 3 ? -1 : u16(h, o + 2)) };
/**
 * A TCP reassembler for TPKT packets (tcp/3389 here; an ISO-TSAP user may
 * register its port with it). Bytes that do not start a version-3 TPKT
 * header are data while the direction has sent no TPKT packet; after one
 * they are TPKT continuation data, as tshark shows them (RDP's TLS after
 * the X.224 negotiation: tshark 4.0 decodes it only with Decode As TLS).
 */
export const tpktApp = (): PduApp => {
  let seen = false;
  return new PduApp(TPKT_RULE, (ctx, st, s, off, kept) => { seen = true; tpktPdu(ctx, st, s, off, kept); }, (ctx, off, end) => {
    if (!seen) { dissectData(ctx, off, end); return; }
    const l = ctx.layer('tpkt', off, end - off);
    ctx.add(l, 'tpkt.continuation_data', ctx.d.subarray(off, end), off, end - off);
    ctx.setSummary('TPKT', 'Continuation');
  });
};

TCP_PORT.add([3389], tpktApp);
