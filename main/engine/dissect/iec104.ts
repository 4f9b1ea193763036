// IEC 60870-5-104 (tcp/2404): the APCI (start byte 0x68, length, I/S/U
// control fields with send and receive sequence numbers, U functions
// STARTDT/STOPDT/TESTFR) and the IEC 60870-5-101 ASDU an I-frame carries
// (type id, variable structure qualifier, cause of transmission with its
// negative and test bits, originator, common address, information object
// addresses). Commands (type ids 45-69, 100-107) are what the ICS
// write/control insight counts. Written from IEC 60870-5-101/104; fields
// and Info as tshark 4.0's packet-iec104.c.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { PduApp } from './pdu';
import { dissectData } from './data';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT } = tables;
const { u16le } = readers;

const U_TYPES: Record<number, string> = { 0x01: 'STARTDT act', 0x02: 'STARTDT con', 0x04: 'STOPDT act', 0x08: 'STOPDT con', 0x10: 'TESTFR act', 0x20: 'TESTFR con' };
const APCI_TYPES: Record<number, string> = { 0: 'I', 1: 'S', 3: 'U' };
/** type id → [name, bytes of one information element after its address] */
const TYPES: Record<number, [string, number]> = {
  1: ['M_SP_NA_1', 1], 3: ['M_DP_NA_1', 1], 5: ['M_ST_NA_1', 2], 7: ['M_BO_NA_1', 5], 9: ['M_ME_NA_1', 3], 11: ['M_ME_NB_1', 3],
  13: ['M_ME_NC_1', 5], 15: ['M_IT_NA_1', 5], 30: ['M_SP_TB_1', 8], 31: ['M_DP_TB_1', 8], 32: ['M_ST_TB_1', 9], 33: ['M_BO_TB_1', 12],
  34: ['M_ME_TD_1', 10], 35: ['M_ME_TE_1', 10], 36: ['M_ME_TF_1', 12], 37: ['M_IT_TB_1', 12], 45: ['C_SC_NA_1', 1], 46: ['C_DC_NA_1', 1],
  47: ['C_RC_NA_1', 1], 48: ['C_SE_NA_1', 3], 49: ['C_SE_NB_1', 3], 50: ['C_SE_NC_1', 5], 51: ['C_BO_NA_1', 4], 58: ['C_SC_TA_1', 8],
  59: ['C_DC_TA_1', 8], 60: ['C_RC_TA_1', 8], 61: ['C_SE_TA_1', 10], 62: ['C_SE_TB_1', 10], 63: ['C_SE_TC_1', 12], 64: ['C_BO_TA_1', 11],
  70: ['M_EI_NA_1', 1], 100: ['C_IC_NA_1', 1], 101: ['C_CI_NA_1', 1], 102: ['C_RD_NA_1', 0], 103: ['C_CS_NA_1', 7], 105: ['C_RP_NA_1', 1],
  107: ['C_TS_TA_1', 9],
};
const CAUSES: Record<number, string> = {
  1: 'Per/Cyc', 2: 'Back', 3: 'Spont', 4: 'Init', 5: 'Req', 6: 'Act', 7: 'ActCon', 8: 'Deact', 9: 'DeactCon', 10: 'ActTerm', 11: 'Retrem',
  12: 'Retloc', 13: 'File', 20: 'Inrogen', 37: 'Reqcogen', 44: 'Uk_TypeId', 45: 'Uk_Cause', 46: 'Uk_ComAdrASDU', 47: 'Uk_IOA',
};
for (let g = 1; g <= 16; g++) CAUSES[20 + g] = `Inro${g}`;
for (let g = 1; g <= 4; g++) CAUSES[37 + g] = `Reqco${g}`;
/** A type id's name (C_SC_NA_1, ...). */
export const iec104TypeName = (t: number): string => TYPES[t]?.[0] ?? `<TypeId=${t}>`;
/** Type ids that command a station (set points, commands, resets): the ICS write/control insight's. */
export const IEC104_COMMANDS = new Set([45, 46, 47, 48, 49, 50, 51, 58, 59, 60, 61, 62, 63, 64, 100, 101, 103, 105, 107]);

declare('iec60870_104', 'IEC 60870-5-104', [
  ['iec60870_104.apdulen', 'uint', 'ApduLen'],
  ['iec60870_104.type', 'uint', 'Type', { base: 'hex', hexDigits: 8, valueNames: APCI_TYPES }],
  ['iec60870_104.utype', 'uint', 'UType', { base: 'hex', hexDigits: 8, valueNames: U_TYPES }],
  ['iec60870_104.tx', 'uint', 'Tx'],
  ['iec60870_104.rx', 'uint', 'Rx'],
]);
declare('iec60870_asdu', 'IEC 60870-5-101/104 ASDU', [
  // (tshark names the APCI's start byte under the ASDU)
  ['iec60870_asdu.start', 'uint', 'START', { base: 'hex', hexDigits: 2 }],
  ['iec60870_asdu.typeid', 'uint', 'TypeId', { valueNames: Object.fromEntries(Object.entries(TYPES).map(([k, v]) => [Number(k), v[0]])) }],
  ['iec60870_asdu.sq', 'bool', 'SQ'],
  ['iec60870_asdu.numix', 'uint', 'NumIx'],
  ['iec60870_asdu.causetx', 'uint', 'CauseTx', { valueNames: CAUSES }],
  ['iec60870_asdu.nega', 'bool', 'Negative'],
  ['iec60870_asdu.test', 'bool', 'Test'],
  ['iec60870_asdu.oa', 'uint', 'OA'],
  ['iec60870_asdu.addr', 'uint', 'Addr'],
  ['iec60870_asdu.ioa', 'uint', 'IOA'],
]);

const u24le = (d: Uint8Array, o: number): number => d[o] | (d[o + 1] << 8) | (d[o + 2] << 16);

/** The APDUs of the frame being dissected so far: tshark joins their Info with " | " and names the protocol once. */
const seen = new WeakMap<Ctx, { frame: number; infos: string[] }>();

/** One APDU at [off, off + kept). */
function apdu(ctx: Ctx, _st: State, _s: unknown, off: number, kept: number): void {
  let acc = seen.get(ctx);
  if (!acc || acc.frame !== ctx.pkt.number) { acc = { frame: ctx.pkt.number, infos: [] }; seen.set(ctx, acc); }
  const again = acc.infos.length > 0;
  const l = ctx.layer('iec60870_104', off, kept);
  if (again) ctx.protocols.pop();
  const text = apduFields(ctx, l, off, kept);
  acc.infos.push(text);
  ctx.info = acc.infos.join(' | ').trimEnd();
}

/** The APCI and its ASDU; their Info (the APCI's ends with a space, as tshark's). */
function apduFields(ctx: Ctx, l: FieldNode, off: number, kept: number): string {
  const d = ctx.d, end = off + kept;
  ctx.add(l, 'iec60870_asdu.start', d[off], off, 1);
  ctx.add(l, 'iec60870_104.apdulen', d[off + 1], off + 1, 1);
  ctx.protocol = 'IEC 60870-5-104';
  const dir = ctx.dstPort === 2404 ? '<-' : '->';
  if (kept < 6) { ctx.boundsAt('iec60870_104', 'APCI cut short', off, kept); return `${dir} `; }
  const c1 = d[off + 2];
  const type = c1 & 1 ? c1 & 3 : 0;
  ctx.add(l, 'iec60870_104.type', type, off + 2, 4);
  if (type === 3) {
    const u = c1 >> 2;
    ctx.add(l, 'iec60870_104.utype', u, off + 2, 1);
    return `${dir} U (${U_TYPES[u] ?? `0x${u.toString(16).padStart(2, '0')}`}) `;
  }
  const rx = u16le(d, off + 4) >> 1;
  if (type === 1) {
    ctx.add(l, 'iec60870_104.rx', rx, off + 4, 2);
    return `${dir} S (${rx}) `;
  }
  const tx = u16le(d, off + 2) >> 1;
  ctx.add(l, 'iec60870_104.tx', tx, off + 2, 2);
  ctx.add(l, 'iec60870_104.rx', rx, off + 4, 2);
  const head = `${dir} I (${tx},${rx}) `;
  const a = off + 6;
  if (a >= end) return head;
  const al = ctx.layer('iec60870_asdu', a, end - a);
  ctx.protocol = 'IEC 60870-5 ASDU';
  if (end - a < 6) { ctx.boundsAt('iec60870_asdu', 'ASDU header cut short', a, end - a); return head; }
  const tid = d[a], vsq = d[a + 1], cot = d[a + 2];
  const sq = (vsq & 0x80) !== 0, n = vsq & 0x7f, cause = cot & 0x3f;
  ctx.add(al, 'iec60870_asdu.typeid', tid, a, 1);
  ctx.add(al, 'iec60870_asdu.sq', sq, a + 1, 1);
  ctx.add(al, 'iec60870_asdu.numix', n, a + 1, 1);
  ctx.add(al, 'iec60870_asdu.causetx', cause, a + 2, 1);
  ctx.add(al, 'iec60870_asdu.nega', (cot & 0x40) !== 0, a + 2, 1);
  ctx.add(al, 'iec60870_asdu.test', (cot & 0x80) !== 0, a + 2, 1);
  ctx.add(al, 'iec60870_asdu.oa', d[a + 3], a + 3, 1);
  const addr = u16le(d, a + 4);
  ctx.add(al, 'iec60870_asdu.addr', addr, a + 4, 2);
  const t = TYPES[tid];
  const causeText = `${CAUSES[cause] ?? `<CauseTx=${cause}>`}${cot & 0x40 ? '_NEGA' : ''}${cot & 0x80 ? '_TEST' : ''}`;
  let info = `${head}ASDU=${addr} ${t ? t[0] : `<TypeId=${tid}>`} ${causeText.padEnd(7)} `;
  if (!t) return info;
  // information objects: each its address then its element, or (SQ) one address for consecutive elements
  let o = a + 6, first = -1, cut = false;
  for (let i = 0; i < n; i++) {
    if (i === 0 || !sq) {
      if (o + 3 > end) { cut = true; break; }
      const ioa = u24le(d, o);
      if (i === 0) first = ioa;
      ctx.add(al, 'iec60870_asdu.ioa', ioa, o, 3);
      o += 3;
    } else {
      if (o + t[1] > end) { cut = true; break; }
      ctx.add(al, 'iec60870_asdu.ioa', first + i, o, t[1]);
    }
    o += t[1];
  }
  if (first >= 0) info += n === 1 ? `IOA=${first}` : sq ? `IOA[${n}]=${first}-${first + n - 1}` : `IOA[${n}]=${first},...`;
  if (cut || o > end) ctx.boundsAt('iec60870_asdu', `${n} information objects run past the APDU`, a, end - a);
  return info;
}

const RULE = { hdrLen: 2, length: (h: Uint8Array, o: number): number => (h[o] !== 0x68 ? -1 : h[o + 1] + 2) };
TCP_PORT.add([2404], () => new PduApp(RULE, apdu, dissectData));
