// BFD against tshark 4.0 on the same bytes: version 1 control messages in
// each state with each flag, every authentication type (and a wrong
// length), version 0, the multihop and other registered ports, echo, and
// messages cut short.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allFields } from '../../../main/engine/fields/store';
import '../../../main/engine/dissect/protocols';
import { craftedAgrees, cutsAgree, ipPayloadAt, tsharkSkip } from './compare';
import { eth, ipv4, udp, u32 } from './packets';

export const BFD_FIELDS = ['frame.protocols', ...allFields().map((f) => f.name).filter((n) => n.startsWith('bfd.') || n.startsWith('bfd_echo.')),
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const A = '198.18.0.1', B = '198.18.0.2';
const control = (vd: number, flags: number, auth: number[] = [], len?: number): number[] =>
  [vd, flags, 3, len ?? 24 + auth.length, ...u32(0x11111111), ...u32(0x22222222), ...u32(300000), ...u32(300000), ...u32(50000), ...auth];
const to = (port: number, payload: number[]): number[] => eth(0x0800, ipv4(A, B, 17, udp(49152, port, payload)));

const FRAMES = [
  to(3784, control(0x20, 0xc0)),
  to(3784, control(0x23, 0x40 | 0x20)),
  to(3784, control(0x27, 0x80 | 0x10 | 0x08 | 0x02 | 0x01)),
  to(3784, control(0x3f, 0x00)),
  to(4784, control(0x20, 0xc4, [1, 8, 5, ...Buffer.from('sekret')])),
  to(4784, control(0x20, 0xc4, [2, 24, 1, 0, ...u32(7), ...Array<number>(16).fill(0xaa)])),
  to(6784, control(0x20, 0xc4, [4, 28, 1, 0, ...u32(8), ...Array<number>(20).fill(0xbb)])),
  to(7784, control(0x20, 0xc4, [5, 24, 1, 0, ...u32(9), ...Array<number>(20).fill(0xcc)])),
  to(3784, control(0x20, 0xc4, [], 24)),
  to(3784, control(0x01, 0xf0)),
  to(3785, [1, 2, 3, 4, 5, 6, 7, 8]),
  // cut short: the header, the authentication section
  to(3784, control(0x20, 0xc0).slice(0, 20)),
  to(3784, control(0x20, 0xc4, [2, 24, 1, 0, ...u32(7)])),
];

test('BFD control and echo agree with tshark', { skip: tsharkSkip() }, () => {
  const r = craftedAgrees('bfd', FRAMES, BFD_FIELDS, { seed: ['bfd', 3784] });
  assert.ok(r.theirs.every((row) => /:bfd(_echo)?$/.test(row[0])));
});

test('BFD cut by the snap length stops where tshark stops', { skip: tsharkSkip() }, () => {
  cutsAgree('bfd-cuts', FRAMES.slice(0, 11), BFD_FIELDS, { start: (f: number[]) => ipPayloadAt(f) + 8, cuts: [1, 3, 20, 25, 27, 30, 40] });
});
