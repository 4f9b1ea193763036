// Modbus/TCP built from the Modbus specification (no peer is packaged):
// reads of coils and registers, single and multiple writes, an exception,
// two ADUs in one segment, an MBAP length with no function code — compared cell by cell with tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFrames, tsharkSkip } from './compare';
import { tcpConversation } from '../../lib/tcp-frame';

const C = '198.18.0.1', S = '198.18.0.2';
const adu = (tid: number, unit: number, pdu: number[]): number[] => [tid >> 8, tid & 255, 0, 0, (pdu.length + 1) >> 8, (pdu.length + 1) & 255, unit, ...pdu];
const w = (v: number): number[] => [v >> 8, v & 255];

function session(): Buffer[] {
  const f: Buffer[] = [];
  const { c, s } = tcpConversation(f, C, S, 40000, 502);
  c(adu(1, 1, [3, ...w(100), ...w(3)])); s(adu(1, 1, [3, 6, ...w(1), ...w(2), ...w(3)]));
  c(adu(2, 1, [1, ...w(0), ...w(10)])); s(adu(2, 1, [1, 2, 0xff, 0x03]));
  c(adu(3, 1, [6, ...w(7), ...w(1234)])); s(adu(3, 1, [6, ...w(7), ...w(1234)]));
  c(adu(4, 1, [16, ...w(20), ...w(2), 4, ...w(9), ...w(10)])); s(adu(4, 1, [16, ...w(20), ...w(2)]));
  c(adu(5, 1, [15, ...w(30), ...w(9), 2, 0xff, 0x01])); s(adu(5, 1, [15, ...w(30), ...w(9)]));
  c(adu(6, 1, [5, ...w(3), 0xff, 0])); s(adu(6, 1, [5, ...w(3), 0xff, 0]));
  c(adu(7, 2, [4, ...w(9999), ...w(1)])); s(adu(7, 2, [0x84, 2]));
  c([...adu(8, 1, [3, ...w(1), ...w(1)]), ...adu(9, 1, [3, ...w(2), ...w(1)])]);
  s([...adu(8, 1, [3, 2, ...w(5)]), ...adu(9, 1, [3, 2, ...w(6)])]);
  // damage: an MBAP length that leaves no function code
  c(adu(10, 1, []));
  return f;
}

const FIELDS = ['frame.protocols', 'tcp.stream', 'mbtcp.trans_id', 'mbtcp.prot_id', 'mbtcp.len', 'mbtcp.unit_id', 'modbus.func_code', 'modbus.reference_num',
  'modbus.word_cnt', 'modbus.bit_cnt', 'modbus.byte_cnt', 'modbus.exception_code', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

test('Modbus/TCP agrees with tshark field by field', { skip: tsharkSkip() }, () => {
  const r = compareFrames('modbus', session(), FIELDS);
  console.log(`# modbus: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
});
