// OSPF against tshark 4.0 on the same bytes: v2 over IPv4 and v3 over IPv6,
// every message type with each authentication type, the LLS block and the
// v3 authentication trailer, the LSA headers and the common LSA bodies,
// IPv4 address families in v3 (RFC 5838), unknown versions, types and
// LSAs, and damage: a count or a length that lies, a header cut short,
// frames cut by the snap length at each interesting offset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allFields } from '../../../main/engine/fields/store';
import '../../../main/engine/dissect/protocols';
import { compareFile, craftedAgrees, tsharkSkip } from './compare';
import { eth, ip4, ipv4, ipv6, u16, u32 } from './packets';
import { outputDir } from '../../lib/env';
import { pcapFile, secondsApart } from '../../lib/pcap';

export const OSPF_FIELDS = [
  'frame.protocols', 'data.data',
  ...allFields().map((f) => f.name).filter((n) => n.startsWith('ospf.')),
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];

const R1 = '198.18.0.1', R2 = '198.18.0.2';
const u24 = (v: number): number[] => [(v >> 16) & 255, (v >> 8) & 255, v & 255];
const bytes = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => (seed * 31 + i * 7) & 255);

/** an OSPFv2 packet: header (its length computed unless given), auth and body */
function v2(type: number, body: number[], o: { auth?: number; authData?: number[]; len?: number; version?: number; digest?: number[] } = {}): number[] {
  const len = o.len ?? 24 + body.length;
  return [o.version ?? 2, type, ...u16(len), ...ip4(R1), ...ip4('0.0.0.1'), 0x12, 0x34, ...u16(o.auth ?? 0), ...(o.authData ?? Array<number>(8).fill(0)), ...body, ...(o.digest ?? [])];
}
/** an OSPFv3 packet */
function v3(type: number, body: number[], o: { instance?: number; len?: number; trailer?: number[] } = {}): number[] {
  const len = o.len ?? 16 + body.length;
  return [3, type, ...u16(len), ...ip4(R2), ...ip4('0.0.0.0'), 0, 0, o.instance ?? 0, 0, ...body, ...(o.trailer ?? [])];
}
const over4 = (p: number[]): number[] => eth(0x0800, ipv4(R1, '224.0.0.5', 89, p));
const over6 = (p: number[]): number[] => eth(0x86dd, ipv6(89, p));

/** a v2 LSA: header and body, its length computed unless given */
function lsa2(type: number, id: string, body: number[], o: { age?: number; options?: number; len?: number } = {}): number[] {
  return [...u16(o.age ?? 0x0102), o.options ?? 0x22, type, ...ip4(id), ...ip4(R1), ...u32(0x80000007), ...u16(0xbeef), ...u16(o.len ?? 20 + body.length), ...body];
}
/** a v3 LSA */
function lsa3(type: number, id: string, body: number[], o: { age?: number; len?: number } = {}): number[] {
  return [...u16(o.age ?? 0x0005), ...u16(type), ...ip4(id), ...ip4(R2), ...u32(0x80000001), ...u16(0x1234), ...u16(o.len ?? 20 + body.length), ...body];
}
const header2 = (l: number[]): number[] => l.slice(0, 20);

const hello2 = (neighbors: string[], options = 0x02): number[] =>
  [...ip4('255.255.255.0'), ...u16(10), options, 1, ...u32(40), ...ip4(R1), ...ip4('0.0.0.0'), ...neighbors.flatMap(ip4)];
const hello3 = (neighbors: string[], options = 0x000013): number[] =>
  [...u32(5), 1, ...u24(options), ...u16(10), ...u16(40), ...ip4(R2), ...ip4('0.0.0.0'), ...neighbors.flatMap(ip4)];

const routerLsa = lsa2(1, R1, [0x03, 0, ...u16(3),
  ...ip4('198.18.1.0'), ...ip4('255.255.255.0'), 3, 0, ...u16(10),
  ...ip4(R2), ...ip4('198.18.0.1'), 1, 1, ...u16(1), 8, 0, ...u16(20),
  ...ip4('198.18.9.9'), ...ip4('198.18.0.9'), 2, 0, ...u16(65535)]);
const networkLsa = lsa2(2, '198.18.0.1', [...ip4('255.255.255.0'), ...ip4(R1), ...ip4(R2)]);
const summaryLsa = lsa2(3, '198.18.2.0', [...ip4('255.255.255.0'), 0, ...u24(30)]);
const asbrLsa = lsa2(4, '198.18.3.3', [...ip4('0.0.0.0'), 0, ...u24(40), 5, ...u24(41)]);
const externalLsa = lsa2(5, '198.19.0.0', [...ip4('255.255.0.0'), 0x80, ...u24(20), ...ip4('0.0.0.0'), ...u32(7)]);
const nssaLsa = lsa2(7, '198.19.1.0', [...ip4('255.255.255.0'), 0x00, ...u24(1), ...ip4(R2), ...u32(0)], { options: 0x08 | 0x80 });
const opaqueLsa = lsa2(10, '1.0.0.7', [0, 1, 0, 4, ...ip4(R1)]);
const opaqueRiLsa = lsa2(10, '4.0.0.0', [0, 1, 0, 4, 0x80, 0, 0, 0]);
const teLinkLsa = lsa2(10, '1.0.0.8', [0, 2, 0, 44, 0, 1, 0, 1, 1, 0, 0, 0, 0, 2, 0, 4, ...ip4(R2), 0, 3, 0, 8, ...ip4(R1), ...ip4('198.18.0.9'),
  0, 5, 0, 4, ...u32(10), 0, 9, 0, 4, ...u32(0x80000005), 0, 99, 0, 0]);
const f32 = (v: number): number[] => { const b = Buffer.alloc(4); b.writeFloatBE(v); return [...b]; };
const teBwLsa = lsa2(10, '1.0.0.9', [0, 2, 0, 64, 0, 6, 0, 4, ...f32(1.25e8), 0, 7, 0, 4, ...f32(1e8 / 3), 0, 8, 0, 32,
  ...[1.25e8, 1e8, 7.5e7, 1234.5, 0, 1, 2.5, 3e9].flatMap(f32), 0, 11, 0, 8, ...u32(5), ...u32(6)]);
const graceLsa = lsa2(9, '3.0.0.0', [0, 1, 0, 4, ...u32(120), 0, 2, 0, 1, 1, 0, 0, 0, 0, 3, 0, 4, ...ip4(R1), 0, 9, 0, 2, 1, 2, 0, 0]);
const riLsa = lsa2(10, '4.0.0.1', [0, 1, 0, 4, 0x49, 0, 0, 0, 0, 7, 0, 4, ...Buffer.from('rtr1'), 0, 99, 0, 2, 1, 2]);
const memberLsa = lsa2(6, '198.18.7.7', [1, 2, 3, 4]);
const unknownLsa = lsa2(42, '198.18.7.8', [1, 2, 3, 4], { age: 0x8e10 });

const FRAMES = [
  over4(v2(1, hello2([R2, '198.18.0.3']))),
  over4(v2(1, hello2([]), { auth: 1, authData: [...Buffer.from('secret'), 0, 0] })),
  over4(v2(1, hello2([], 0x12), { auth: 1, authData: [...Buffer.from('pass\u00e9wd', 'latin1'), 0x38] }).concat([0xff, 0xf6, 0, 5, 0, 1, 0, 4, 0, 0, 0, 1, 0, 2, 0, 8, ...u32(77), 1, 2, 3, 4])),
  over4(v2(2, [...u16(1500), 0x42, 0x07, ...u32(0x1000), ...header2(routerLsa), ...header2(networkLsa)], { auth: 2, authData: [0, 0, 7, 16, ...u32(123456)], digest: bytes(16, 1) })),
  over4(v2(2, [...u16(1500), 0x52, 0x00, ...u32(0x1001)]).concat([0, 0, 0, 3, 0, 1, 0, 4, 0, 0, 0, 3])),
  over4(v2(3, [...u32(1), ...ip4(R1), ...ip4(R1), ...u32(2), ...ip4('198.18.0.1'), ...ip4(R2)])),
  over4(v2(4, [...u32(7), ...routerLsa, ...networkLsa, ...summaryLsa, ...asbrLsa, ...externalLsa, ...nssaLsa, ...opaqueLsa])),
  over4(v2(4, [...u32(3), ...opaqueRiLsa, ...memberLsa, ...unknownLsa])),
  over4(v2(4, [...u32(3), ...teLinkLsa, ...graceLsa, ...riLsa])),
  over4(v2(4, [...u32(1), ...teBwLsa])),
  over4(v2(4, [...u32(3), ...lsa2(3, '198.18.2.0', [...ip4('255.255.255.0')]), ...lsa2(2, '198.18.0.1', [...ip4('255.255.255.0')]), ...lsa2(5, '198.19.0.0', [...ip4('255.255.0.0'), 0, 0, 0, 1])])),
  // cryptographic authentication whose digest is missing
  over4(v2(1, hello2([]), { auth: 2, authData: [0, 0, 1, 16, ...u32(5)] })),
  over4(v2(5, [...header2(summaryLsa), ...header2(externalLsa)])),
  over4(v2(5, [...header2(summaryLsa)], { auth: 9, authData: bytes(8, 2) })),
  over4(v2(9, [1, 2, 3, 4])),
  over4(v2(1, hello2([]), { version: 4 })),
  // damage: an LSA shorter than its type allows, more LSAs counted than sent, a body the length claims but lacks, a header cut short
  over4(v2(4, [...u32(2), ...lsa2(1, R1, [0, 0, 0, 0], { len: 20 }), ...networkLsa])),
  over4(v2(4, [...u32(3), ...summaryLsa])),
  over4(v2(1, hello2([R2]), { len: 60 })),
  over4(v2(1, hello2([R2]), { len: 10 })),
  over4([2, 1, 0, 44, 198, 18, 0, 1, 0, 0]),
  over4([2]),
  // OSPFv3
  over6(v3(1, hello3([R1, '198.18.0.3']))),
  over6(v3(1, hello3([], 0x000213 | 0x400), { trailer: [0xff, 0xf6, 0, 3, 0, 1, 0, 4, 0, 0, 0, 3, 0, 1, 0, 32, 0, 0, ...u16(9), ...u32(0), ...u32(5), ...bytes(16, 3)] })),
  over6(v3(2, [0, ...u24(0x13), ...u16(1500), 0, 0x07, ...u32(99), ...lsa3(0x2001, '0.0.0.0', []).slice(0, 20), ...lsa3(0x2009, '0.0.0.1', []).slice(0, 20)])),
  over6(v3(3, [0, 0, ...u16(0x2001), ...ip4('0.0.0.0'), ...ip4(R1)])),
  over6(v3(4, [...u32(10),
    ...lsa3(0x2001, '0.0.0.0', [0x01, ...u24(0x13), 1, 0, ...u16(10), ...u32(5), ...u32(6), ...ip4(R1), 2, 0, ...u16(1), ...u32(5), ...u32(5), ...ip4(R2)]),
    ...lsa3(0x2002, '0.0.0.5', [0, ...u24(0x13), ...ip4(R1), ...ip4(R2)]),
    ...lsa3(0x2003, '0.0.0.1', [0, ...u24(20), 64, 0x02, 0, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0]),
    ...lsa3(0x2004, '0.0.0.2', [0, ...u24(0x13), 0, ...u24(30), ...ip4('198.18.5.5')]),
    ...lsa3(0x4005, '0.0.0.3', [0x07, ...u24(100), 60, 0, ...u16(0x2001), 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0xff, 0xff, 0x20, 0x01, 0x0d, 0xb8, ...Array<number>(11).fill(0), 9, ...u32(42), ...ip4('0.0.0.9')]),
    ...lsa3(0x2007, '0.0.0.4', [0x00, ...u24(5), 0, 0, ...u16(0)]),
    ...lsa3(0x0008, '0.0.0.5', [1, ...u24(0x13), 0xfe, 0x80, ...Array<number>(13).fill(0), 1, ...u32(2), 64, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 48, 0x01, 0, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0]),
    ...lsa3(0x2009, '0.0.0.6', [...u16(2), ...u16(0x2001), ...ip4('0.0.0.0'), ...ip4(R2), 128, 0, ...u16(10), ...Array<number>(16).fill(0x11), 0, 0, ...u16(1)]),
    ...lsa3(0x200c, '0.0.0.7', [0, 1, 0, 4, 0, 0, 0, 0]),
    ...lsa3(0x0077, '0.0.0.8', [1, 2, 3], { age: 0x8001 }),
  ])),
  over6(v3(5, [...lsa3(0x2001, '0.0.0.0', []).slice(0, 20)])),
  // an IPv4 address family instance (RFC 5838): link and intra-area-prefix LSAs with IPv4 prefixes
  over6(v3(4, [...u32(2),
    ...lsa3(0x0008, '0.0.0.5', [1, ...u24(0x113), ...ip4('198.18.0.2'), ...Array<number>(12).fill(0), ...u32(1), 24, 0, 0, 0, ...ip4('198.18.4.0')]),
    ...lsa3(0x2009, '0.0.0.6', [...u16(1), ...u16(0x2001), ...ip4('0.0.0.0'), ...ip4(R2), 32, 0, ...u16(10), ...ip4('198.18.4.4')]),
  ], { instance: 66 })),
  // v3 damage: a prefix longer than 128 bits, an LSA length below its header's, a cut router LSA
  over6(v3(4, [...u32(1), ...lsa3(0x2003, '0.0.0.1', [0, ...u24(20), 200, 0, 0, 0, 1, 2, 3, 4])])),
  over6(v3(4, [...u32(1), ...lsa3(0x2001, '0.0.0.0', [0, 0, 0, 0x13, 1, 0, 0, 1], { len: 12 })])),
  over6(v3(3, [0, 0, ...u16(0x2001), ...ip4('0.0.0.0')])),
];

test('OSPF v2 and v3: every message, LSA and damage agrees with tshark', { skip: tsharkSkip() }, () => {
  const r = craftedAgrees('ospf', FRAMES, OSPF_FIELDS, { seed: ['ospf', 89] });
  assert.ok(r.theirs.slice(0, 10).every((row) => row[0] === 'eth:ethertype:ip:ospf'));
  assert.ok(r.theirs.slice(-10).every((row) => row[0] === 'eth:ethertype:ipv6:ospf'));
});

test('OSPF frames cut by the snap length stop where tshark stops', { skip: tsharkSkip() }, () => {
  // cut past the IP header: at the OSPF header, inside it, in the body, in an LSA header and in an LSA body
  const whole = FRAMES.filter((f) => f.length > 120).slice(0, 3).concat(FRAMES.filter((f) => f[12] === 0x86 && f.length > 140).slice(0, 2));
  const records = whole.flatMap((f) => {
    const ip = f[12] === 0x86 ? 54 : 34;
    return [2, 4, 14, 20, 30, 50, 66, 90].map((n) => ip + n).filter((n) => n < f.length)
      .map((n) => ({ data: Uint8Array.from(f.slice(0, n)), origLen: f.length }));
  });
  const path = join(outputDir('dissect-compare'), 'ospf-snap.pcap');
  writeFileSync(path, pcapFile(records, { usAt: secondsApart }));
  const r = compareFile(path, OSPF_FIELDS);
  console.log(`# ospf-snap: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
});
