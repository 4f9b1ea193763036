// HSRP against tshark 4.0 on the same bytes: version 0 (Hello, Coup, Resign,
// Advertise, an unknown opcode, the 50-byte MD5 variant) to 224.0.0.2,
// version 2 TLVs to 224.0.0.102 and over IPv6 on 2029, unknown TLVs and IP
// versions, datagrams to other addresses or from the port only, and cuts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allFields } from '../../../main/engine/fields/store';
import '../../../main/engine/dissect/protocols';
import { craftedAgrees, cutsAgree, ipPayloadAt, tsharkSkip } from './compare';
import { eth, ip4, ipv4, ipv6, udp, u16, u32 } from './packets';

export const HSRP_FIELDS = ['frame.protocols', 'data.data', ...allFields().map((f) => f.name).filter((n) => n.startsWith('hsrp.') || n.startsWith('hsrp2.')),
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const A = '198.18.0.1';
const pad8 = (s: string): number[] => [...Buffer.from(s.padEnd(8, '\0'), 'latin1')];
const v1 = (opcode: number, state: number, rest: number[] = [3, 10, 120, 1, 0, ...pad8('cisco'), ...ip4('198.18.0.254')]): number[] => [0, opcode, state, ...rest];
const md5 = [4, 28, 1, 0, ...u16(0), ...ip4(A), ...u32(7), ...Array.from({ length: 16 }, (_, i) => i * 9)];
const group = (opcode: number, state: number, ipver: number, addr: number[]): number[] =>
  [1, 40, 2, opcode, state, ipver, ...u16(10), 2, 0, 0, 0, 0, 1, ...u32(110), ...u32(3000), ...u32(10000), ...addr, ...Array<number>(16 - addr.length).fill(0)];
const to = (dst: string, payload: number[], sp = 1985, dp = 1985): number[] => eth(0x0800, ipv4(A, dst, 17, udp(sp, dp, payload)));
const to6 = (payload: number[], sp = 2029, dp = 2029): number[] => eth(0x86dd, ipv6(17, udp(sp, dp, payload)));

const FRAMES = [
  to('224.0.0.2', v1(0, 16)),
  to('224.0.0.2', v1(1, 4, [5, 20, 200, 7, 0, ...pad8('other'), ...ip4('198.18.0.253')])),
  to('224.0.0.2', v1(2, 99)),
  to('224.0.0.2', [0, 3, ...u16(1), ...u16(10), 2, 0, ...u16(3), ...u16(4), ...u32(0)]),
  to('224.0.0.2', [0, 5, 1, 2, 3, 4]),
  to('224.0.0.2', [...v1(0, 8), ...md5]),
  to('224.0.0.2', [...v1(0, 8), 9, 28, ...Array<number>(28).fill(0)]),
  to('224.0.0.102', [...group(0, 6, 4, ip4('198.18.0.254')), 3, 8, ...pad8('cisco')]),
  to('224.0.0.102', [...group(1, 5, 4, ip4('198.18.0.254')), 2, 4, ...u16(2), ...u16(1), ...md5]),
  to6([...group(0, 6, 6, [0xfe, 0x80, ...Array<number>(13).fill(0), 1])]),
  to('224.0.0.102', [...group(2, 3, 4, ip4('198.18.0.254')), 9, 2, 1, 2]),
  to('224.0.0.102', [...group(0, 1, 5, ip4('198.18.0.254'))]),
  // to a unicast address, and from the HSRP port to another: not decoded as HSRP
  to('198.18.0.2', v1(0, 16)),
  to('224.0.0.2', v1(0, 16), 1985, 40000),
  // cut short
  to('224.0.0.2', [0, 0, 16, 3, 10]),
  to('224.0.0.102', group(0, 6, 4, ip4('198.18.0.254')).slice(0, 20)),
];

test('HSRP v0 and v2: every field and Info agree with tshark', { skip: tsharkSkip() }, () => {
  const r = craftedAgrees('hsrp', FRAMES, HSRP_FIELDS, { seed: ['hsrp', 1985] });
  assert.ok(r.theirs.slice(0, 12).every((row) => /:hsrp/.test(row[0])));
});

test('HSRP cut by the snap length stops where tshark stops', { skip: tsharkSkip() }, () => {
  // cut inside a version 2 packet's second TLV, tshark 4.0 shows less than its code reads: not followed (cuts stop in the first TLV)
  cutsAgree('hsrp-cuts', FRAMES.slice(0, 12), HSRP_FIELDS, { start: (f: number[]) => ipPayloadAt(f) + 8, cuts: [1, 2, 5, 10, 18, 22, 30, 40] });
});
