// TFTP built from RFC 1350/2347: a read request with options, the option
// acknowledgement and data blocks answered from a new server port (the
// conversation the request announced), acknowledgements, a write request,
// an error, and damaged messages — compared cell by cell with tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFrames, tsharkSkip } from './compare';
import { eth, ipv4, udp, u16, ascii } from './packets';

const C = '198.18.0.1', S = '198.18.0.2';
const z = (s: string): number[] => [...ascii(s), 0];
const f = (src: string, dst: string, sp: number, dp: number, payload: number[]): number[] => eth(0x0800, ipv4(src, dst, 17, udp(sp, dp, payload)));

const FRAMES = [
  f(C, S, 40001, 69, [...u16(1), ...z('boot/pxelinux.0'), ...z('octet'), ...z('blksize'), ...z('1024'), ...z('tsize'), ...z('0')]),
  f(S, C, 51000, 40001, [...u16(6), ...z('blksize'), ...z('1024'), ...z('tsize'), ...z('1500')]),
  f(C, S, 40001, 51000, [...u16(4), ...u16(0)]),
  f(S, C, 51000, 40001, [...u16(3), ...u16(1), ...Array(1024).fill(0x41)]),
  f(C, S, 40001, 51000, [...u16(4), ...u16(1)]),
  f(S, C, 51000, 40001, [...u16(3), ...u16(2), ...Array(476).fill(0x42)]),
  f(C, S, 40001, 51000, [...u16(4), ...u16(2)]),
  f(C, S, 40002, 69, [...u16(2), ...z('upload.txt'), ...z('netascii')]),
  f(S, C, 51001, 40002, [...u16(5), ...u16(2), ...z('Access violation')]),
  f(C, S, 40003, 69, [...u16(1), ...z('x')]),
  f(C, S, 40004, 69, [...u16(1), ...ascii('nofinal')]),
  f(C, S, 40005, 69, [0]),
  f(C, S, 40006, 69, [...u16(9), 1, 2, 3]),
];

const FIELDS = [
  'frame.protocols', 'udp.stream', 'tftp.opcode', 'tftp.source_file', 'tftp.destination_file', 'tftp.type', 'tftp.block', 'tftp.error.code',
  'tftp.error.message', 'tftp.option.name', 'tftp.option.value', 'data.len', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];

test('TFTP agrees with tshark field by field, the transfer on the new port included', { skip: tsharkSkip() }, () => {
  const r = compareFrames('tftp', FRAMES, FIELDS);
  console.log(`# tftp: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
});
