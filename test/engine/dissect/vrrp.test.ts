// VRRP against tshark 4.0 on the same bytes: v2 with each authentication
// type, v3 over IPv4 (pseudo-header checksum, as RFC 5798 and tshark) and
// IPv6, a bad checksum, an address count that lies, a header cut short,
// and a frame cut by the snap length (checksum unverified).
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { allFields } from '../../../main/engine/fields/store';
import '../../../main/engine/dissect/protocols';
import { compareFile, craftedAgrees, cutsAgree, ipPayloadAt, tsharkSkip } from './compare';
import { eth, ip4, ipv4, ipv6, u16 } from './packets';
import { outputDir } from '../../lib/env';
import { pcapFile, secondsApart } from '../../lib/pcap';

export const VRRP_FIELDS = ['frame.protocols', ...allFields().map((f) => f.name).filter((n) => n.startsWith('vrrp.')), '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const A = '198.18.0.1', MCAST = '224.0.0.18';
const sum16 = (b: number[], init = 0): number => {
  let s = init;
  for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) | (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
};
/** a VRRP packet with its checksum filled in (`pseudo`: the IP pseudo-header's bytes, for v3) */
function vrrp(vt: number, id: number, prio: number, count: number, word: number[], rest: number[], o: { pseudo?: number[]; cksum?: number } = {}): number[] {
  const p = [vt, id, prio, count, ...word, 0, 0, ...rest];
  const c = o.cksum ?? (~sum16(p, o.pseudo ? sum16(o.pseudo) : 0) & 0xffff);
  p[6] = c >> 8; p[7] = c & 255;
  return p;
}
const v6addr = (n: number): number[] => [0x20, 0x01, 0x0d, 0xb8, ...Array<number>(11).fill(0), n];
const pseudo4 = (len: number): number[] => [...ip4(A), ...ip4(MCAST), 0, 0, ...u16(len), 0, 0, 0, 112];
const pseudo6 = (len: number): number[] => [...v6addr(1), ...v6addr(2), 0, 0, ...u16(len), 0, 0, 0, 112];
const over4 = (p: number[]): number[] => eth(0x0800, ipv4(A, MCAST, 112, p));
const over6 = (p: number[]): number[] => eth(0x86dd, ipv6(112, p));

const FRAMES = [
  over4(vrrp(0x21, 7, 100, 2, [0, 1], [...ip4('198.18.0.100'), ...ip4('198.18.0.101'), ...Array<number>(8).fill(0)])),
  over4(vrrp(0x21, 8, 255, 1, [1, 3], [...ip4('198.18.0.100'), ...Buffer.from('secret'), 0, 0])),
  over4(vrrp(0x21, 9, 0, 1, [2, 1], [...ip4('198.18.0.100'), ...Array<number>(8).fill(0)], { cksum: 0x1234 })),
  over4(vrrp(0x21, 9, 50, 1, [254, 1], [...ip4('198.18.0.100'), ...Array<number>(16).fill(0xab)])),
  over4(vrrp(0x31, 10, 100, 1, [0, 100], [...ip4('198.18.0.100')], { pseudo: pseudo4(12) })),
  over4(vrrp(0x31, 10, 100, 1, [0xf0, 100], [...ip4('198.18.0.100')])),
  over6(vrrp(0x31, 11, 200, 2, [0, 100], [...v6addr(9), ...v6addr(10)], { pseudo: pseudo6(40) })),
  over4(vrrp(0x22, 12, 100, 0, [0, 1], [])),
  over4(vrrp(0x41, 12, 100, 1, [0, 1], [...ip4('198.18.0.100')])),
  // an address count that lies, a header cut short
  over4(vrrp(0x21, 13, 100, 5, [0, 1], [...ip4('198.18.0.100')])),
  over4([0x21, 1, 100]),
];

test('VRRP v2 and v3: every field, the checksum and damage agree with tshark', { skip: tsharkSkip() }, () => {
  const r = craftedAgrees('vrrp', FRAMES, VRRP_FIELDS, { seed: ['vrrp', 112] });
  assert.ok(r.theirs.every((row) => /:vrrp$/.test(row[0])));
});

test('VRRP cut by the snap length: checksum unverified, fields up to the cut', { skip: tsharkSkip() }, () => {
  const f = FRAMES[0];
  const records = [36, 40, 42, 46, 50].map((n) => ({ data: Uint8Array.from(f.slice(0, n)), origLen: f.length }));
  const path = join(outputDir('dissect-compare'), 'vrrp-snap.pcap');
  writeFileSync(path, pcapFile(records, { usAt: secondsApart }));
  const r = compareFile(path, VRRP_FIELDS);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
});

test('VRRP cut by the snap length stops where tshark stops', { skip: tsharkSkip() }, () => {
  cutsAgree('vrrp-cuts', FRAMES.slice(0, 9), VRRP_FIELDS, { start: ipPayloadAt, cuts: [1, 4, 7, 9, 14, 20] });
});
