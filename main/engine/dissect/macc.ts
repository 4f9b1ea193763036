// MAC Control (IEEE 802.3 Annex 31, ethertype 0x8808): 802.3x Pause, the
// priority-based Pause of 802.1Qbb (CBFC/PFC: an enable vector and eight
// pause times) and EPON's MPCP opcodes (Gate, Report, Register Req,
// Register, Register Ack), as tshark 4.0's packet-macctrl.c shows them:
// Info is the opcode's name, a Pause's "Pause: pause_time: N quanta"; the
// frame's remaining bytes are the PDU's (reserved), not Ethernet padding.
import type { Ctx } from './context';
import type { State } from './state';
import { declare, HEX8, HEX16 } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
const { ETHERTYPE } = tables;
const { u16, u32 } = readers;

const OPCODES: Record<number, string> = {
  1: 'Pause', 2: 'Gate', 3: 'Report', 4: 'Register Req', 5: 'Register', 6: 'Register Ack', 0x101: 'Class Based Flow Control [CBFC] Pause',
};
const CLASSES = [0, 1, 2, 3, 4, 5, 6, 7];
declare('macc', 'MAC Control', [
  ['macc.opcode', 'uint', 'Opcode', { ...HEX16, valueNames: OPCODES }],
  ['macc.timestamp', 'uint', 'Timestamp'],
  ['macc.pause_time', 'uint', 'pause_time'],
  ['macc.cbfc.enbv', 'uint', 'CBFC Class Enable Vector', HEX16],
  ...CLASSES.map((c): [string, 'bool', string] => [`macc.cbfc.enbv.c${c}`, 'bool', `C${c}`]),
  ...CLASSES.map((c): [string, 'uint', string] => [`macc.cbfc.pause_time.c${c}`, 'uint', `C${c}`]),
  ['macc.reg.flags', 'uint', 'Flags', { ...HEX8, valueNames: { 1: 'Register', 2: 'Deregister', 3: 'Ack', 4: 'Nack' } }],
  ['macc.regreq.grants', 'uint', 'Pending Grants'],
  ['macc.reg.grants', 'uint', 'Echoed Pending Grants'],
  ['macc.reg.assignedport', 'uint', 'Assigned Port (LLID)'],
  ['macc.regack.assignedport', 'uint', 'Echoed Assigned Port (LLID)'],
  ['macc.reg.synctime', 'uint', 'Sync Time'],
  ['macc.regack.synctime', 'uint', 'Echoed Sync Time'],
]);

// the fields after the opcode, per opcode: [name, bytes]
const LAYOUT: Record<number, Array<[string, number]>> = {
  2: [['macc.timestamp', 4]],
  3: [['macc.timestamp', 4]],
  4: [['macc.timestamp', 4], ['macc.reg.flags', 1], ['macc.regreq.grants', 1]],
  5: [['macc.timestamp', 4], ['macc.reg.assignedport', 2], ['macc.reg.flags', 1], ['macc.reg.synctime', 2], ['macc.reg.grants', 1]],
  6: [['macc.timestamp', 4], ['macc.reg.flags', 1], ['macc.regack.assignedport', 2], ['macc.regack.synctime', 2]],
};

function dissectMacc(ctx: Ctx, _st: State, off: number, end: number): number {
  const d = ctx.d;
  const l = ctx.layer('macc', off, end - off);
  ctx.protocol = 'MAC CTRL';
  ctx.info = '';
  const cut = (o: number, what: string): number => {
    ctx.boundsAt('macc', `MAC Control ${what} cut short`, o, Math.max(0, end - o));
    return end;
  };
  if (end - off < 2) { l.value = ''; return cut(off, 'opcode'); }
  const op = u16(d, off);
  ctx.add(l, 'macc.opcode', op, off, 2);
  ctx.info = OPCODES[op] ?? 'Unknown';
  let o = off + 2;
  if (op === 1) {
    if (end - o < 2) return cut(o, 'pause_time');
    const t = u16(d, o);
    ctx.add(l, 'macc.pause_time', t, o, 2);
    ctx.info = `Pause: pause_time: ${t} quanta`;
  } else if (op === 0x101) {
    if (end - o < 2) return cut(o, 'class enable vector');
    const v = u16(d, o);
    const f = ctx.add(l, 'macc.cbfc.enbv', v, o, 2);
    for (const c of CLASSES) ctx.sub(f, `macc.cbfc.enbv.c${c}`, ((v >> c) & 1) === 1, o, 2);
    if (v > 0xff) ctx.note('protocol', 'macc', '8 MSbs of ENBV must be 0', 'warn');
    o += 2;
    // the eight times are one subtree, its 16 bytes checked before any is added
    if (end - o < 16) return cut(o, 'class pause times');
    for (const c of CLASSES) {
      ctx.add(l, `macc.cbfc.pause_time.c${c}`, u16(d, o), o, 2);
      o += 2;
    }
  } else {
    for (const [name, n] of LAYOUT[op] ?? []) {
      if (end - o < n) return cut(o, name.slice(5));
      ctx.add(l, name, n === 1 ? d[o] : n === 2 ? u16(d, o) : u32(d, o), o, n);
      o += n;
    }
  }
  return end;
}

ETHERTYPE.add(0x8808, dissectMacc);
