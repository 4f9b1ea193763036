// MAC Control (ethertype 0x8808) against tshark 4.0: 802.3x Pause as a NIC
// sends it, priority-based Pause (PFC/CBFC) with an enable vector and eight
// pause times, the EPON MPCP opcodes, an unknown opcode and cuts. Before
// macc.ts these were eth:ethertype:data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allFields } from '../../../main/engine/fields/store';
import '../../../main/engine/dissect/protocols';
import { craftedAgrees, tsharkSkip } from './compare';
import { eth, u16, u32 } from './packets';

const FIELDS = [
  'frame.protocols', 'eth.padding', 'eth.trailer',
  ...allFields().map((f) => f.name).filter((n) => n === 'macc' || n.startsWith('macc.')),
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];
const zeros = (n: number): number[] => Array<number>(n).fill(0);
const pfc = [...u16(0x0101), ...u16(0x00a5), ...[1, 2, 3, 4, 5, 6, 7, 0xffff].flatMap(u16)];

test('MAC Control: Pause, PFC, MPCP and damage agree with tshark', { skip: tsharkSkip() }, () => {
  const frames = [
    eth(0x8808, [...u16(1), ...u16(0xffff), ...zeros(42)]),
    eth(0x8808, [...u16(1), ...u16(0), ...zeros(42)]),
    eth(0x8808, [...pfc, ...zeros(26)]),
    eth(0x8808, [...u16(0x0101), ...u16(0x01ff), ...zeros(42)]),
    eth(0x8808, [...u16(2), ...u32(123456), ...zeros(40)]),
    eth(0x8808, [...u16(3), ...u32(7), ...zeros(40)]),
    eth(0x8808, [...u16(4), ...u32(9), 1, 4, ...zeros(38)]),
    eth(0x8808, [...u16(5), ...u32(9), ...u16(17), 3, ...u16(1000), 2, ...zeros(36)]),
    eth(0x8808, [...u16(6), ...u32(9), 2, ...u16(17), ...u16(1000), ...zeros(37)]),
    eth(0x8808, [...u16(0x77), ...zeros(44)]),
    // cuts: no opcode, half an opcode, no pause time, inside the class times, inside a Register
    eth(0x8808, []), eth(0x8808, [0]), eth(0x8808, u16(1)), eth(0x8808, pfc.slice(0, 9)), eth(0x8808, [...u16(5), ...u32(9), 0]),
  ];
  const r = craftedAgrees('macc', frames, FIELDS, { seed: ['macc', 0x8808] });
  assert.equal(r.theirs[0][0], 'eth:ethertype:macc');
  assert.equal(r.theirs[0][FIELDS.indexOf('_ws.col.Info')], 'Pause: pause_time: 65535 quanta');
});
