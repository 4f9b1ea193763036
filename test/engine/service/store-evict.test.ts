// The packet store under a live capture's view cap: dropFront(k) keeps the
// later packets whole (frame bytes, Info, interned columns, processes),
// numbered as before, and gives the memory of the dropped ones back, arena
// chunks and interned strings included.
import { createHash } from 'node:crypto';
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
  assert.equal(s.number.get(0), n - 10_000);
  assert.ok(s.bytes <= full + (5 << 20), `${full} → ${s.bytes} bytes`);
  assert.ok(s.strings.size <= 3 * 10_000 + 10, `${s.strings.size} interned strings`);
  assert.ok(s.procs.length <= 11, `${s.procs.length} processes kept`);
  for (const i of [0, 1, 4999, 9999]) {
    const num = s.number.get(i);
    assert.equal(s.indexOf(num), i);
    const p = s.packet(i);
    assert.equal(Buffer.from(p.data).readUInt32BE(0), num, `frame ${num}'s bytes`);
    assert.equal(p.data.length, 1000);
    assert.equal(s.info(i), `packet ${num} info`);
    const want = summary(num);
    assert.equal(s.strings.get(s.source.get(i)), want.source);
    assert.equal(s.strings.get(s.protocol.get(i)), want.protocol);
    FIELD_COLUMNS.forEach((c, j) => assert.equal(c.type === 'number' ? s.fieldCols[j]!.get(i) : s.strings.get(s.fieldCols[j]!.get(i)), want.fields[j]));
    assert.equal(s.colour.arr[i], want.colour);
    assert.deepEqual(p.proc, procs.get(num));
  }
  // the Time column's origin is still the capture's first packet
  assert.equal(s.relTime(0), Number(BigInt(s.number.get(0)) * 1000n - 1000n) / 1e9);
  // everything dropped: nothing left, and appending starts again
  s.dropFront(s.count);
  assert.equal(s.count, 0);
  add(1);
  assert.equal(s.info(0), `packet ${n - 1} info`);
});

test('dropFront on the compact store: deflated Info blocks and arena chunks go, columns keep their width', () => {
  const s = new PacketStore();
  // text that deflates about 2x, as Info does, not 100x
  const long = (n: number) => `packet ${n} ` + createHash('sha256').update(String(n)).digest('hex').repeat(3);
  for (let n = 1; n <= 20_000; n++) {
    const sum = summary(n);
    // a fractional number in one field column moves it to floats; the others stay value + 1 in narrow arrays
    sum.fields = FIELD_COLUMNS.map((c, j) => (c.type === 'number' ? (j === FIELD_COLUMNS.findIndex((f) => f.type === 'number') ? n + 0.5 : n) : `v${n % 50}`));
    s.append(packet(n), { ...sum, info: long(n) });
  }
  const before = s.breakdown();
  const capWidth = s.capLen.arr.BYTES_PER_ELEMENT;
  s.dropFront(19_000, 500);
  const after = s.breakdown();
  assert.equal(s.count, 1000);
  assert.ok(after.infoText! < before.infoText! / 5, `Info ${before.infoText} → ${after.infoText} bytes`);
  assert.ok(after.frames! <= 2 * (4 << 20), `frames ${before.frames} → ${after.frames} bytes`);
  assert.equal(s.capLen.arr.BYTES_PER_ELEMENT, capWidth);
  assert.ok(s.capLen.arr.length <= 1500);
  for (const i of [0, 1, 500, 999]) {
    const num = s.number.get(i);
    assert.equal(s.info(i), long(num));
    assert.equal(Buffer.from(s.packet(i).data).readUInt32BE(0), num);
    FIELD_COLUMNS.forEach((c, j) => {
      if (c.type !== 'number') assert.equal(s.strings.get(s.fieldCols[j]!.get(i)), `v${num % 50}`);
      else assert.equal(s.fieldCols[j]!.get(i), j === FIELD_COLUMNS.findIndex((f) => f.type === 'number') ? num + 0.5 : num);
    });
  }
  // appending after the drop: locations stay absolute, the open Info block and the last chunk carry on
  for (let n = 20_001; n <= 21_000; n++) s.append(packet(n), { ...summary(n), info: long(n) });
  assert.equal(s.count, 2000);
  assert.equal(s.info(1999), long(21_000));
  assert.equal(s.info(0), long(19_001));
  assert.equal(Buffer.from(s.packet(1999).data).readUInt32BE(0), 21_000);
});
