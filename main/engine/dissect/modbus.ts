// Modbus/TCP (tcp/502): the MBAP header (transaction, protocol, length,
// unit) and the Modbus PDU — function code, exception code, and the
// address ranges a review reads: the first register or coil and how many,
// for reads and writes. Written from the Modbus Application Protocol
// specification v1.1b3 and the Modbus Messaging on TCP/IP guide; fields as
// tshark 4.0's packet-mbtcp.c. Requests are what goes to port 502. A
// length that does not fit the segment is damage; a PDU is never trusted
// past its MBAP length.
import type { Ctx, FieldNode } from './context';
import { declare } from './fields';
import type { State } from './state';
import type { TcpApp } from './tcpstream';
import { FixedHeaderFramer, type Framer, type PduRule } from './framers';
import { dissectData } from './data';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT } = tables;
const { u16 } = readers;

export const MODBUS_FUNCTIONS: Record<number, string> = {
  1: 'Read Coils', 2: 'Read Discrete Inputs', 3: 'Read Holding Registers', 4: 'Read Input Registers', 5: 'Write Single Coil',
  6: 'Write Single Register', 7: 'Read Exception Status', 8: 'Diagnostics', 11: 'Get Comm Event Counter', 12: 'Get Comm Event Log',
  15: 'Write Multiple Coils', 16: 'Write Multiple Registers', 17: 'Report Slave ID', 20: 'Read File Record', 21: 'Write File Record',
  22: 'Mask Write Register', 23: 'Read Write Register', 24: 'Read FIFO Queue', 43: 'Encapsulated Interface Transport',
};
/** functions that write coils, registers or files (the ICS operations insights lists) */
export const MODBUS_WRITES = new Set([5, 6, 15, 16, 21, 22, 23]);
const EXCEPTIONS: Record<number, string> = {
  1: 'Illegal function', 2: 'Illegal data address', 3: 'Illegal data value', 4: 'Slave device failure', 5: 'Acknowledge',
  6: 'Slave device busy', 8: 'Memory parity error', 10: 'Gateway path unavailable', 11: 'Gateway target device failed to respond',
};

declare('mbtcp', 'Modbus/TCP', [
  ['mbtcp.trans_id', 'uint', 'Transaction Identifier'],
  ['mbtcp.prot_id', 'uint', 'Protocol Identifier'],
  ['mbtcp.len', 'uint', 'Length'],
  ['mbtcp.unit_id', 'uint', 'Unit Identifier'],
]);
declare('modbus', 'Modbus', [
  ['modbus.func_code', 'uint', 'Function Code', { valueNames: MODBUS_FUNCTIONS }],
  ['modbus.reference_num', 'uint', 'Reference Number'],
  ['modbus.word_cnt', 'uint', 'Word Count'],
  ['modbus.bit_cnt', 'uint', 'Bit Count'],
  ['modbus.byte_cnt', 'uint', 'Byte Count'],
  ['modbus.exception_code', 'uint', 'Exception Code', { valueNames: EXCEPTIONS }],
]);

const pad = (n: number, w: number): string => String(n).padStart(w, ' ');

class ModbusApp implements TcpApp {
  private held: Uint8Array | null = null;
  constructor(private readonly query: boolean) {}
  fin(): void {}
  reset(): void { this.held = null; }
  framer(): Framer { return new FixedHeaderFramer(MBAP); }

  feed(ctx: Ctx, _st: State, _s: unknown, _f: unknown, off: number, end: number): void {
    const d = ctx.d;
    let o = off, e = end;
    if (this.held) {
      // an ADU begun in an earlier segment
      const b = new Uint8Array(this.held.length + end - off);
      b.set(this.held); b.set(d.subarray(off, end), this.held.length);
      this.held = null;
      const need = b.length >= 6 ? 6 + u16(b, 4) : Infinity;
      if (b.length < need) { this.held = b.length > 65542 ? null : b; return; }
      const inFrame = end - off;
      ctx.withReassembled(b, b.length - inFrame, off, inFrame, () => this.adus(ctx, b, 0, b.length));
      return;
    }
    // whole ADUs in this segment; a cut one waits for the next
    while (o < e) {
      if (e - o < 6 || o + 6 + u16(d, o + 4) > e) { this.held = d.slice(o, e); e = o; break; }
      o += 6 + u16(d, o + 4);
    }
    if (e > off) this.adus(ctx, d, off, e);
  }

  private adus(ctx: Ctx, d: Uint8Array, o: number, end: number): void {
    let info = '';
    for (let n = 0; end - o >= 7; n++) {
      const len = u16(d, o + 4);
      // not Modbus/TCP framing (tshark's check: protocol 0, a length that holds a function code and fits an ADU): data
      if (u16(d, o + 2) !== 0 || len < 2 || len > 256) { dissectData(ctx, o, end); break; }
      const mb = ctx.layer('mbtcp', o, Math.min(6 + len, end - o));
      // tshark's frame.protocols names Modbus/TCP once for the ADUs of one segment (one call of its
      // PDU loop), Modbus once per ADU
      if (n > 0) ctx.protocols.pop();
      const tid = u16(d, o), unit = d[o + 6];
      ctx.add(mb, 'mbtcp.trans_id', tid, o, 2);
      ctx.add(mb, 'mbtcp.prot_id', u16(d, o + 2), o + 2, 2);
      ctx.add(mb, 'mbtcp.len', len, o + 4, 2);
      ctx.add(mb, 'mbtcp.unit_id', unit, o + 6, 1);
      const pEnd = Math.min(o + 6 + len, end);
      const fc = d[o + 7];
      const l = ctx.layer('modbus', o + 7, pEnd - o - 7);
      this.pdu(ctx, l, d, fc, o + 8, pEnd);
      const name = MODBUS_FUNCTIONS[fc & 0x7f] ?? 'Unknown function';
      // each ADU replaces the Info of the one before (tshark sets the column per PDU)
      info = `${this.query ? '   Query' : 'Response'}: Trans: ${pad(tid, 5)}; Unit: ${pad(unit, 3)}, Func: ${pad(fc & 0x7f, 3)}: ${name}${fc & 0x80 ? '. Exception returned' : ''}`;
      o = o + 6 + len;
    }
    if (info) { ctx.protocol = 'Modbus/TCP'; ctx.info = info; }
  }

  private pdu(ctx: Ctx, l: FieldNode, d: Uint8Array, fc: number, o: number, end: number): void {
    ctx.add(l, 'modbus.func_code', fc & 0x7f, o - 1, 1);
    const n = end - o;
    if (fc & 0x80) { if (n >= 1) ctx.add(l, 'modbus.exception_code', d[o], o, 1); return; }
    const ref = (): void => { ctx.add(l, 'modbus.reference_num', u16(d, o), o, 2); };
    if (this.query) {
      if ((fc === 1 || fc === 2) && n >= 4) { ref(); ctx.add(l, 'modbus.bit_cnt', u16(d, o + 2), o + 2, 2); }
      else if ((fc === 3 || fc === 4) && n >= 4) { ref(); ctx.add(l, 'modbus.word_cnt', u16(d, o + 2), o + 2, 2); }
      else if ((fc === 5 || fc === 6) && n >= 2) ref();
      else if (fc === 15 && n >= 5) { ref(); ctx.add(l, 'modbus.bit_cnt', u16(d, o + 2), o + 2, 2); ctx.add(l, 'modbus.byte_cnt', d[o + 4], o + 4, 1); }
      else if (fc === 16 && n >= 5) { ref(); ctx.add(l, 'modbus.word_cnt', u16(d, o + 2), o + 2, 2); ctx.add(l, 'modbus.byte_cnt', d[o + 4], o + 4, 1); }
    } else {
      if (fc >= 1 && fc <= 4 && n >= 1) ctx.add(l, 'modbus.byte_cnt', d[o], o, 1);
      else if ((fc === 5 || fc === 6) && n >= 2) ref();
      else if (fc === 15 && n >= 4) { ref(); ctx.add(l, 'modbus.bit_cnt', u16(d, o + 2), o + 2, 2); }
      else if (fc === 16 && n >= 4) { ref(); ctx.add(l, 'modbus.word_cnt', u16(d, o + 2), o + 2, 2); }
    }
  }
}

/** MBAP framing: 6 bytes, then the length they give. */
const MBAP: PduRule = { hdrLen: 6, length: (h, o) => 6 + ((h[o + 4] << 8) | h[o + 5]) };

/** packet-mbtcp.c dissect_mbtcp: 8 bytes at least, protocol id 0, a length covering unit id and function code; else not Modbus/TCP. */
const mbtcpAccepts = (d: Uint8Array, off: number, end: number): boolean =>
  end - off >= 8 && d[off + 2] === 0 && d[off + 3] === 0 && ((d[off + 4] << 8) | d[off + 5]) >= 2;
TCP_PORT.add([502], (_sp, dp) => new ModbusApp(dp === 502), { accepts: mbtcpAccepts });
