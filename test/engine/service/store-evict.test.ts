// The packet store under a live capture's view cap: dropFront(k) keeps the
// later packets whole (frame bytes, Info, interned columns, processes),
// numbered as before, and gives the memory of the dropped ones back, arena
// chunks and interned strings included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIELD_COLUMNS } from '../../../main/api/columns';
import { PacketStore, type RowSummary } from '../../../main/engine/service/store';
import type { RawPacket } from '../../../main/engine/types';

// the capture shares one description per process between its packets; the processes of a day come and go
const PROCS = new Map<number, NonNullable<RawPacket['proc']>>();
const proc = (n: number) => {
  const pid = Math.floor(n / 1000);
  let p = PROCS.get(pid);
  if (!p) PROCS.set(pid, p = { pid, comm: `proc-${pid}` } as unknown as NonNullable<RawPacket['proc']>);
  return p;
};
const packet = (n: number, size = 1000): RawPacket => {
  const data = Buffer.alloc(size, n & 255);
  data.writeUInt32BE(n, 0);
  return { number: n, tsNs: BigInt(n) * 1000n, capLen: size, origLen: size, linkType: 1, interfaceId: 0, data, ...(n % 3 ? { proc: proc(n) } : {}) };
};
const summary = (n: number): RowSummary => ({
  source: `198.18.${(n >> 8) & 255}.${n & 255}`, destination: '198.18.0.2', protocol: n % 2 ? 'UDP' : 'TCP', info: `packet ${n} info`,
  fields: FIELD_COLUMNS.map((c) => (c.type === 'number' ? n : `v${n}`)), colour: n % 5, stream: n,
});

test('dropFront keeps the later packets whole and numbered, and frees the rest', () => {
  const s = new PacketStore();
  let n = 1;
  const procs = new Map<number, NonNullable<RawPacket['proc']>>();
  const add = (k: number) => { for (let j = 0; j < k; j++, n++) { const p = packet(n); if (p.proc) procs.set(n, p.proc); s.append(p, summary(n)); } };
  add(10_000);
  const full = s.bytes;
  for (let round = 0; round < 10; round++) { s.dropFront(8000, 2000); add(8000); }
  assert.equal(s.count, 10_000);
  assert.equal(s.number.arr[0], n - 10_000);
  assert.ok(s.bytes <= full + (5 << 20), `${full} → ${s.bytes} bytes`);
  assert.ok(s.strings.size <= 3 * 10_000 + 10, `${s.strings.size} interned strings`);
  assert.ok(s.procs.length <= 11, `${s.procs.length} processes kept`);
  for (const i of [0, 1, 4999, 9999]) {
    const num = s.number.arr[i]!;
    assert.equal(s.indexOf(num), i);
    const p = s.packet(i);
    assert.equal(Buffer.from(p.data).readUInt32BE(0), num, `frame ${num}'s bytes`);
    assert.equal(p.data.length, 1000);
    assert.equal(s.info(i), `packet ${num} info`);
    const want = summary(num);
    assert.equal(s.strings.get(s.source.arr[i]!), want.source);
    assert.equal(s.strings.get(s.protocol.arr[i]!), want.protocol);
    FIELD_COLUMNS.forEach((c, j) => assert.equal(c.type === 'number' ? s.fieldCols[j]!.arr[i] : s.strings.get(s.fieldCols[j]!.arr[i]!), want.fields[j]));
    assert.equal(s.colour.arr[i], want.colour);
    assert.deepEqual(p.proc, procs.get(num));
  }
  // the Time column's origin is still the capture's first packet
  assert.equal(s.relTime(0), Number(BigInt(s.number.arr[0]!) * 1000n - 1000n) / 1e9);
  // everything dropped: nothing left, and appending starts again
  s.dropFront(s.count);
  assert.equal(s.count, 0);
  add(1);
  assert.equal(s.info(0), `packet ${n - 1} info`);
});
