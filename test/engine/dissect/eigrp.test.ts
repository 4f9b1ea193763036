// EIGRP against tshark 4.0 on the same bytes: Hello with parameters,
// software version, stub and authentication TLVs, a Hello acknowledging,
// Updates with IPv4 internal and external routes and an IPv6 route, a
// Query, sequence and multicast-sequence TLVs, multi-protocol routes with
// wide metrics, peer termination, a bad
// checksum, an unknown opcode and TLV group, and damage (a TLV length
// below 4, a TLV past the packet, a prefix longer than its address).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allFields } from '../../../main/engine/fields/store';
import '../../../main/engine/dissect/protocols';
import { craftedAgrees, cutsAgree, ipPayloadAt, tsharkSkip } from './compare';
import { eth, ip4, ipv4, u16, u32 } from './packets';

export const EIGRP_FIELDS = ['frame.protocols', ...allFields().map((f) => f.name).filter((n) => n.startsWith('eigrp.')),
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const A = '198.18.0.1', MCAST = '224.0.0.10';
const sum16 = (b: number[]): number => {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) | (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
};
function eigrp(opcode: number, tlvs: number[], o: { flags?: number; seq?: number; ack?: number; bad?: boolean } = {}): number[] {
  const m = [2, opcode, 0, 0, ...u32(o.flags ?? 0), ...u32(o.seq ?? 0), ...u32(o.ack ?? 0), ...u16(0), ...u16(100), ...tlvs];
  const c = o.bad ? 0x1234 : ~sum16(m) & 0xffff;
  m[2] = c >> 8; m[3] = c & 255;
  return m;
}
const tlv = (type: number, v: number[]): number[] => [...u16(type), ...u16(4 + v.length), ...v];
const metric = (delay: number, bw: number): number[] => [...u32(delay), ...u32(bw), 0, 0x05, 0xdc, 1, 255, 1, 0, 0];
const over4 = (p: number[], dst = MCAST): number[] => eth(0x0800, ipv4(A, dst, 88, p));

const PARAMS = tlv(1, [1, 0, 1, 0, 0, 0, ...u16(15)]);
const VERSION = tlv(4, [12, 4, 1, 2]);
const FRAMES = [
  over4(eigrp(5, [...PARAMS, ...VERSION])),
  over4(eigrp(5, [...PARAMS, ...VERSION, ...tlv(6, u16(0x0009)), ...tlv(2, [0, 2, 0, 16, ...u32(1), ...u32(7), ...Array<number>(8).fill(0), ...Array<number>(16).fill(0xab)])])),
  over4(eigrp(5, [], { ack: 41 }), '198.18.0.2'),
  over4(eigrp(1, [...tlv(0x102, [...ip4('0.0.0.0'), ...metric(2560, 256), 24, 198, 18, 10, 16, 198, 19, 32, 198, 18, 0, 5])], { flags: 1, seq: 42 }), '198.18.0.2'),
  over4(eigrp(1, [...tlv(0x103, [...ip4(A), ...ip4('198.18.9.9'), ...u32(65000), ...u32(7), ...u32(20), 0, 0, 2, 0x03, ...metric(100, 200), 0])], { seq: 43, flags: 8 })),
  over4(eigrp(1, [...tlv(0x402, [...Array<number>(16).fill(0), ...metric(10, 20), 64, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0])])),
  over4(eigrp(3, [...tlv(0x102, [...ip4('0.0.0.0'), 0xff, 0xff, 0xff, 0xff, ...u32(256), 0, 0x05, 0xdc, 1, 255, 1, 0, 0, 24, 198, 18, 10])])),
  over4(eigrp(5, [...PARAMS, ...tlv(3, [4, ...ip4('198.18.0.2'), 16, ...Array<number>(16).fill(1)]), ...tlv(5, u32(99))])),
  over4(eigrp(5, [...tlv(1, [255, 255, 255, 255, 255, 255, ...u16(15)]), ...tlv(7, [])])),
  over4(eigrp(5, [...PARAMS], { bad: true })),
  // multi-protocol (named mode) routes: wide metric with and without attributes, IPv4 internal and IPv6 external
  over4(eigrp(1, [...tlv(0x602, [0, 0, 0, 1, ...ip4(A), 0, 0, 255, 1, 0, 0x05, 0xdc, 1, 0, 0, 0, 0, 0x27, 0x10, 0, 0, 0, 0x98, 0x96, 0x80, 0, 0, 0, 0,
    ...ip4('0.0.0.0'), 24, 198, 18, 20])])),
  over4(eigrp(1, [...tlv(0x603, [0, 0, 0, 2, ...ip4(A), 4, 0, 255, 1, 0, 0x05, 0xdc, 2, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 100, 0, 0, 2, 0,
    2, 1, ...u32(77), 0, 0, 0, 0, ...Array<number>(16).fill(0), ...ip4('198.18.9.9'), ...u32(1), ...u32(2), ...u32(3), 0, 0, 11, 1, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 5, 0, 0])])),
  over4(eigrp(0x22, [...tlv(0x902, [1, 2, 3, 4]), ...tlv(0x9, [1])])),
  // damage: a TLV length below 4, a TLV past the packet, a prefix longer than 32 bits
  over4(eigrp(5, [...PARAMS, 0, 4, 0, 2])),
  over4(eigrp(5, [0, 1, 0, 30, 1, 0, 1, 0])),
  over4(eigrp(1, [...tlv(0x102, [...ip4('0.0.0.0'), ...metric(1, 1), 40, 1, 2, 3, 4, 5])])),
];

test('EIGRP: header, TLVs and routes agree with tshark', { skip: tsharkSkip() }, () => {
  const r = craftedAgrees('eigrp', FRAMES, EIGRP_FIELDS, { seed: ['eigrp', 88] });
  assert.ok(r.theirs.every((row) => /:eigrp$/.test(row[0])));
});

test('EIGRP cut by the snap length stops where tshark stops', { skip: tsharkSkip() }, () => {
  cutsAgree('eigrp-cuts', FRAMES.slice(0, 9), EIGRP_FIELDS, { start: ipPayloadAt, cuts: [1, 10, 19, 22, 26, 30, 40, 50] });
});
