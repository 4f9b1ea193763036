// ICS write/control operations read from dissections: each protocol's
// writing request is found with its name, its answer and reads are not,
// and the filter given with each selects exactly the packets found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dissector } from '../../../main/engine/dissect';
import { icsOperations } from '../../../main/engine/dissect/ics';
import { compileDisplayFilter } from '../../../main/engine/filter/compile';
import { raw, eth, ipv4, udp } from './packets';
import { tcpFrameBytes } from '../../lib/tcp-frame';
import { dnpLinkFrame } from './dnp3-frame';

const C = '198.18.0.1', S = '198.18.0.2';
const w = (v: number): number[] => [v >> 8, v & 255];
const le16 = (v: number): number[] => [v & 255, v >> 8];
const tcpTo = (port: number, p: number[], reply = false): Uint8Array =>
  reply ? tcpFrameBytes(S, C, port, 40000, 1, 1, 0x18, [], Buffer.from(p), 64240) : tcpFrameBytes(C, S, 40000, port, 1, 1, 0x18, [], Buffer.from(p), 64240);
const tpkt = (s7: number[]): number[] => [3, 0, ...w(7 + s7.length), 2, 0xf0, 0x80, ...s7];
const encap = (cip: number[]): number[] => {
  const data = [0, 0, 0, 0, 10, 0, 2, 0, 0, 0, 0, 0, 0xb2, 0, ...le16(cip.length), ...cip];
  return [0x6f, 0, ...le16(data.length), 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...data];
};

/** [frame bytes, the operation names expected] */
const CASES: Array<[Uint8Array | number[], string[]]> = [
  [tcpTo(502, [0, 1, 0, 0, 0, 6, 1, 6, ...w(7), ...w(1234)]), ['Write Single Register']],
  [tcpTo(502, [0, 1, 0, 0, 0, 6, 1, 6, ...w(7), ...w(1234)], true), []],
  [tcpTo(502, [0, 2, 0, 0, 0, 6, 1, 3, ...w(0), ...w(4)]), []],
  [tcpTo(102, tpkt([0x32, 1, 0, 0, 0, 1, 0, 2, 0, 0, 0x29, 0])), ['PLC Stop']],
  [tcpTo(102, tpkt([0x32, 3, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0x29])), []],
  [tcpTo(20000, dnpLinkFrame(0xc4, 10, 1, [0xc0, 0xc1, 0x0d])), ['Cold Restart']],
  [tcpTo(20000, dnpLinkFrame(0xc4, 10, 1, [0xc0, 0xc1, 0x01, 60, 1, 6])), []],
  [tcpTo(2404, [0x68, 14, 0, 0, 0, 0, 45, 1, 6, 0, 1, 0, 0x88, 0x13, 0, 1]), ['C_SC_NA_1']],
  [tcpTo(2404, [0x68, 14, 0, 0, 0, 0, 45, 1, 7, 0, 1, 0, 0x88, 0x13, 0, 1], true), []],
  [tcpTo(44818, encap([0x10, 3, 0x20, 4, 0x24, 0x65, 0x30, 3, 1])), ['Set Attribute Single']],
  [tcpTo(44818, encap([0x0e, 3, 0x20, 1, 0x24, 1, 0x30, 7])), []],
  [eth(0x0800, ipv4(C, S, 17, udp(47808, 47808, [0x81, 0x0a, 0, 17, 1, 4, 0, 5, 2, 0x0f, 0x0c, 0, 0x40, 0, 3, 0x19, 0x55]))), ['writeProperty']],
  [eth(0x0800, ipv4(C, S, 17, udp(47808, 47808, [0x81, 0x0a, 0, 17, 1, 4, 0, 5, 1, 0x0c, 0x0c, 2, 0, 0, 1, 0x19, 0x4d]))), []],
];

test('ICS write and control requests are found, and their filters select exactly them', () => {
  const dis = new Dissector({ geoip: null });
  const dissections = CASES.map(([bytes]) => dis.dissect(raw(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes))));
  dissections.forEach((d, i) => assert.deepEqual(icsOperations(d).map((o) => o.name), CASES[i][1], `case ${i + 1}`));
  for (const [i, d] of dissections.entries()) {
    for (const op of icsOperations(d)) {
      const c = compileDisplayFilter(op.filter);
      assert.ok(c.ok, `${op.filter} compiles`);
      if (!c.ok) continue;
      const hits = dissections.flatMap((x, k) => (c.filter.matches(x) ? [k] : []));
      assert.deepEqual(hits, [i], `${op.filter} selects only case ${i + 1}`);
    }
  }
});
