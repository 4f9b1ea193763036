// The Ethernet loopback protocol (ethertype 0x9000) against tshark 4.0:
// Reply and Forward Data functions, the skip count pointing at the function
// Info names, unknown functions, data after them and cuts. Before loop.ts
// these were eth:ethertype:data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../main/engine/dissect/protocols';
import { craftedAgrees, tsharkSkip } from './compare';
import { ascii, eth, hex } from './packets';

const FIELDS = ['frame.protocols', 'eth.padding', 'eth.trailer', 'loop', 'loop.skipcount', 'loop.function', 'loop.relevant_function', 'loop.receipt_number',
  'loop.forwarding_address', 'data.data', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];
const le = (v: number): number[] => [v & 255, v >> 8];

test('Loopback: functions, skip count, data and cuts agree with tshark', { skip: tsharkSkip() }, () => {
  const frames = [
    eth(0x9000, [...le(0), ...le(1), ...ascii('hello'), ...Array<number>(30).fill(0)]),
    eth(0x9000, [...le(8), ...le(2), ...hex('020000000009'), ...le(1), ...le(7), ...ascii('data')]),
    eth(0x9000, [...le(2), ...le(1), ...le(2), ...hex('020000000009'), ...le(1), ...le(7), ...ascii('data')]),
    eth(0x9000, [...le(0), ...le(2), ...hex('020000000009'), ...le(2), ...hex('02000000000a')]),
    eth(0x9000, [...le(0), ...le(5)]), eth(0x9000, [...le(0), ...le(0), ...ascii('abc')]), eth(0x9000, [...le(20), ...le(1), ...ascii('abc')]),
    // cuts: inside a forwarding address, a receipt number, before the first function, inside the skip count
    eth(0x9000, [...le(8), ...le(2), 0x78]), eth(0x9000, [...le(0), ...le(1), 9]), eth(0x9000, le(0)), eth(0x9000, [0]),
  ];
  const r = craftedAgrees('loop', frames, FIELDS, { seed: ['loop', 0x9000] });
  assert.equal(r.theirs[0][0], 'eth:ethertype:loop:data');
  assert.equal(r.theirs[0][FIELDS.indexOf('_ws.col.Info')], 'Reply');
});
