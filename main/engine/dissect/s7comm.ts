// S7comm (Siemens S7 over ISO-on-TCP, tcp/102: TPKT, COTP data TPDUs,
// then this): the header (ROSCTR, PDU reference, parameter and data
// lengths, the error of an acknowledgement) and the parameter's function —
// Setup communication's limits, the item count of Read/Write Var, and the
// control functions (PLC Stop, PI-Service, downloads) an intrusion uses.
// Found on COTP data by its first byte (0x32) as tshark's heuristic does.
// Written from the public S7comm descriptions tshark's packet-s7comm.c
// follows; fields and Info as tshark 4.0's.
import type { Ctx } from './context';
import type { State } from './state';
import { declare, HEX8, HEX16 } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { tpktApp } from './tpkt';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { COTP_DATA, TCP_PORT } = tables;
const { u16 } = readers;

const ROSCTR: Record<number, string> = { 1: 'Job', 2: 'Ack', 3: 'Ack_Data', 7: 'Userdata' };
export const S7_FUNCTIONS: Record<number, string> = {
  0x00: 'CPU services', 0xf0: 'Setup communication', 0x04: 'Read Var', 0x05: 'Write Var', 0x1a: 'Request download', 0x1b: 'Download block',
  0x1c: 'Download ended', 0x1d: 'Start upload', 0x1e: 'Upload', 0x1f: 'End upload', 0x28: 'PI-Service', 0x29: 'PLC Stop',
};
/** Functions that change a PLC's memory, program or run state: what an ICS write/control insight counts. */
export const S7_CONTROL = new Set([0x05, 0x1a, 0x1b, 0x1c, 0x28, 0x29]);

declare('s7comm', 'S7 Communication', [
  ['s7comm.header.protid', 'uint', 'Protocol Id', HEX8],
  ['s7comm.header.rosctr', 'uint', 'ROSCTR', { valueNames: ROSCTR }],
  ['s7comm.header.redid', 'uint', 'Redundancy Identification (Reserved)', HEX16],
  ['s7comm.header.pduref', 'uint', 'Protocol Data Unit Reference'],
  ['s7comm.header.parlg', 'uint', 'Parameter length'],
  ['s7comm.header.datlg', 'uint', 'Data length'],
  ['s7comm.header.errcls', 'uint', 'Error class', HEX8],
  ['s7comm.header.errcod', 'uint', 'Error code', HEX8],
  ['s7comm.param.func', 'uint', 'Function', { ...HEX8, valueNames: S7_FUNCTIONS }],
  ['s7comm.param.maxamq_calling', 'uint', 'Max AmQ (parallel jobs with ack) calling'],
  ['s7comm.param.maxamq_called', 'uint', 'Max AmQ (parallel jobs with ack) called'],
  ['s7comm.param.pdu_length', 'uint', 'PDU length'],
  ['s7comm.param.itemcount', 'uint', 'Item count'],
]);

/** One S7comm PDU at [off, end) of a COTP data TPDU; false when it is not S7comm (tshark's heuristic). */
function dissectS7(ctx: Ctx, _st: State, off: number, end: number): boolean {
  const d = ctx.d;
  if (end - off < 10 || d[off] !== 0x32 || !(d[off + 1] in ROSCTR)) return false;
  const rosctr = d[off + 1];
  const hlen = rosctr === 2 || rosctr === 3 ? 12 : 10;
  const l = ctx.layer('s7comm', off, end - off);
  ctx.protocol = 'S7COMM';
  ctx.add(l, 's7comm.header.protid', d[off], off, 1);
  ctx.add(l, 's7comm.header.rosctr', rosctr, off + 1, 1);
  ctx.add(l, 's7comm.header.redid', u16(d, off + 2), off + 2, 2);
  ctx.add(l, 's7comm.header.pduref', u16(d, off + 4), off + 4, 2);
  const parlg = u16(d, off + 6), datlg = u16(d, off + 8);
  ctx.add(l, 's7comm.header.parlg', parlg, off + 6, 2);
  ctx.add(l, 's7comm.header.datlg', datlg, off + 8, 2);
  let info = `ROSCTR:[${ROSCTR[rosctr].padEnd(8)}]`;
  ctx.info = info;
  if (end - off < hlen) { ctx.boundsAt('s7comm', 'S7comm header cut short', off, end - off); return true; }
  if (hlen === 12) {
    ctx.add(l, 's7comm.header.errcls', d[off + 10], off + 10, 1);
    ctx.add(l, 's7comm.header.errcod', d[off + 11], off + 11, 1);
  }
  const p = off + hlen;
  if (rosctr === 7) { if (parlg >= 8 && p + 8 <= end) ctx.info = `${info} ${userdata(d, p)}`; return true; }
  if (parlg === 0) return true;
  if (p + parlg > end) { ctx.boundsAt('s7comm', `parameter length ${parlg} runs past the PDU`, p, end - p); return true; }
  const fn = d[p];
  ctx.add(l, 's7comm.param.func', fn, p, 1);
  info += ` Function:[${S7_FUNCTIONS[fn] ?? `Unknown: 0x${fn.toString(16).padStart(2, '0')}`}]`;
  ctx.info = info;
  if (fn === 0xf0 && parlg >= 8) {
    ctx.add(l, 's7comm.param.maxamq_calling', u16(d, p + 2), p + 2, 2);
    ctx.add(l, 's7comm.param.maxamq_called', u16(d, p + 4), p + 4, 2);
    ctx.add(l, 's7comm.param.pdu_length', u16(d, p + 6), p + 6, 2);
  } else if ((fn === 0x04 || fn === 0x05) && parlg >= 2) ctx.add(l, 's7comm.param.itemcount', d[p + 1], p + 1, 1);
  const err = hlen === 12 ? u16(d, off + 10) : 0;
  if (err !== 0) ctx.info = `${info} -> Errorcode:[0x${err.toString(16).padStart(4, '0')}]`;
  return true;
}

const UD_TYPE: Record<number, string> = { 0: 'Push', 4: 'Request', 8: 'Response', 3: 'NCProg' };
const UD_GROUP: Record<number, string> = {
  0: 'Mode-transition', 1: 'Programmer commands', 2: 'Cyclic data', 3: 'Block functions', 4: 'CPU functions', 5: 'Security', 6: 'PBC BSEND/BRECV', 7: 'Time functions', 0xf: 'NC programming',
};
const UD_CPU: Record<number, string> = { 1: 'Read SZL', 2: 'Message service', 3: 'Diagnostic message', 5: 'ALARM_8 indication', 6: 'NOTIFY indication', 0x13: 'ALARM query' };
const UD_BLOCK: Record<number, string> = { 1: 'List blocks', 2: 'List blocks of type', 3: 'Get block info' };

/** Userdata's parameter (3-byte head, length, method, type and group, subfunction): its Info. */
function userdata(d: Uint8Array, p: number): string {
  const tg = d[p + 5], sub = d[p + 6], group = tg & 0x0f;
  const subs = group === 4 ? UD_CPU : group === 3 ? UD_BLOCK : {};
  return `Function:[${UD_TYPE[tg >> 4] ?? `Unknown: 0x${(tg >> 4).toString(16)}`}] -> [${UD_GROUP[group] ?? `Unknown: 0x${group.toString(16)}`}] -> [${subs[sub] ?? `Unknown: 0x${sub.toString(16).padStart(2, '0')}`}]`;
}

COTP_DATA.add(dissectS7);
// ISO-TSAP (RFC 1006) on its own port: TPKT, as tshark's default
TCP_PORT.add([102], tpktApp);
