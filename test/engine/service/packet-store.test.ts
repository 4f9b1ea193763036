// The PacketStore's columns: values of any size come back as they were put
// (narrow arrays widen as values grow), columns a capture never fills cost
// nothing, and a plain packet costs a few tens of bytes besides its Info.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteArena, NumColumn, PackedText, PacketStore, UintColumn, type RowSummary } from '../../../main/engine/service/store';
import { FIELD_COLUMNS } from '../../../main/api/columns';
import type { RawPacket } from '../../../main/engine/types';

test('UintColumn widens from 1 byte to 2, 4 and 8 as values grow, keeping the earlier ones', () => {
  const c = new UintColumn(4);
  const vals = [0, 7, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 3];
  for (let i = 0; i < vals.length; i++) {
    c.ensure(i + 1);
    c.set(i, vals[i]!);
    for (let j = 0; j <= i; j++) assert.equal(c.get(j), vals[j], `value ${j} after setting ${i}`);
  }
  assert.ok(c.arr instanceof Float64Array);
  c.trim(vals.length);
  assert.deepEqual(Array.from(c.arr), vals);
});

test('a lazy UintColumn and a NumColumn hold no array until a value is present', () => {
  const u = new UintColumn(1024, true), n = new NumColumn(1024);
  for (let i = 0; i < 5000; i++) { u.ensure(i + 1); n.ensure(i + 1); u.set(i, 0); n.set(i, NaN); }
  assert.equal(u.bytes, 0);
  assert.equal(n.bytes, 0);
  assert.equal(u.get(4999), 0);
  assert.ok(Number.isNaN(n.get(4999)));
  u.set(4000, 300); n.set(4000, 1.5);
  assert.equal(u.get(4000), 300);
  assert.equal(u.get(3999), 0);
  assert.equal(n.get(4000), 1.5);
  assert.ok(Number.isNaN(n.get(3999)));
  assert.ok(u.arr.length >= 5000 && n.bytes >= 5000);
});

test('a NumColumn keeps small integers in narrow arrays and moves to floats for a fraction or a negative', () => {
  const c = new NumColumn(4);
  const vals = [NaN, 0, 5, NaN, 70_000, 2 ** 40, -3, 0.25, NaN, 9];
  for (let i = 0; i < vals.length; i++) {
    c.ensure(i + 1);
    c.set(i, vals[i]!);
    if (i === 4) assert.ok(c.bytes <= 4 * 8, `${c.bytes} bytes for 8 slots of integers`);
    for (let j = 0; j <= i; j++) assert.ok(Object.is(c.get(j), vals[j]), `value ${j} after setting ${i}: ${c.get(j)}`);
  }
  c.set(2, NaN);
  assert.ok(Number.isNaN(c.get(2)));
});

test('ByteArena locations stay small and find their bytes across chunks, an oversized item included', () => {
  const a = new ByteArena(64);
  const items: Array<[number, Buffer]> = [];
  for (let i = 0; i < 300; i++) {
    const b = Buffer.alloc(i % 50 === 49 ? 200 : (i % 13) + 1, i & 0xff);
    items.push([a.append(b), b]);
  }
  for (const [loc, b] of items) assert.deepEqual(a.view(loc, b.length), b);
  // a location is at most the bytes held: it fits a 4-byte column until 4 GiB
  assert.ok(Math.max(...items.map(([l]) => l)) < a.bytes);
});

test('PackedText gives back every text in any order, across deflated blocks, for a fraction of its size', () => {
  const t = new PackedText();
  const items: Array<[number, Buffer]> = [];
  let raw = 0;
  for (let i = 0; i < 20_000; i++) {
    const b = Buffer.from(i % 997 === 0 ? 'ü'.repeat(40_000) : `${40000 + (i % 300)} → 443 [ACK] Seq=${i * 1448 + 1} Ack=${i} Win=501 Len=1448`, 'utf8');
    items.push([t.append(b), b]);
    raw += b.length;
  }
  for (let k = 0; k < items.length; k += 7) { const [loc, b] = items[(k * 7919) % items.length]!; assert.deepEqual(t.view(loc, b.length), b); }
  for (const [loc, b] of items) assert.deepEqual(t.view(loc, b.length), b);
  assert.ok(t.bytes < raw / 3, `${t.bytes} bytes for ${raw} of text`);
});

const row = (i: number): RowSummary => ({
  source: `198.18.0.${i % 200}`, destination: '198.18.1.1', protocol: i % 2 ? 'TCP' : 'UDP', info: `info ${i}`,
  fields: FIELD_COLUMNS.map(() => undefined), colour: i % 5, stream: i % 7 ? i % 97 : -1,
});

test('a store of plain packets costs at most 48 bytes each besides its frames and Info, and gives every value back', () => {
  const s = new PacketStore();
  const n = 50_000;
  const data = new Uint8Array(60);
  for (let i = 0; i < n; i++) {
    const p: RawPacket = { number: i + 1, tsNs: 1_700_000_000_000_000_000n + BigInt(i) * 1000n, capLen: 60, origLen: i === 7 ? 70_000 : 60, linkType: 1, interfaceId: 0, data };
    if (i === 9) p.flags = 1;
    s.append(p, row(i));
  }
  s.trim();
  const parts = s.breakdown();
  const other = s.bytes - parts.frames! - parts.infoText!;
  assert.ok(other / n <= 48, `${(other / n).toFixed(1)} B/packet: ${JSON.stringify(parts)}`);
  for (const i of [0, 7, 9, 12_345, n - 1]) {
    const p = s.packet(i);
    assert.equal(p.number, i + 1);
    assert.equal(p.origLen, i === 7 ? 70_000 : 60);
    assert.equal(p.flags, i === 9 ? 1 : undefined);
    assert.equal(s.info(i), `info ${i}`);
    assert.equal(s.strings.get(s.source.get(i)), `198.18.0.${i % 200}`);
    assert.equal(s.strings.get(s.protocol.get(i)), i % 2 ? 'TCP' : 'UDP');
    assert.equal(s.colour.arr[i], i % 5);
    assert.equal(s.stream.get(i), i % 7 ? i % 97 : -1);
    for (const c of s.fieldCols) assert.ok(Number.isNaN(c.get(i)) || c.get(i) === 0);
  }
});

test('frame numbers that run on by one, whole frames and arena locations cost 4 bytes a packet in all; gaps and cut frames read back', () => {
  const s = new PacketStore();
  const n = 20_000;
  const data = new Uint8Array(60);
  const pkt = (i: number, number: number, origLen = 60): RawPacket => ({ number, tsNs: 1_700_000_000_000_000_000n + BigInt(i) * 1000n, capLen: 60, origLen, linkType: 1, interfaceId: 0, data });
  // one 256 KiB frame on the wire among short ones (the benchmark corpus has such)
  for (let i = 0; i < n; i++) s.append(pkt(i, i + 1, i === 7 ? 262_144 : 60), row(i));
  s.trim();
  let parts = s.breakdown();
  assert.equal(parts.number, 0, 'numbers 1, 2, 3, ... are not stored');
  assert.ok(parts.origLen! < 256, `origLen ${parts.origLen} bytes for one cut frame`);
  assert.ok(parts.frameLoc! / n <= 4, `frameLoc ${parts.frameLoc! / n} B/packet`);
  assert.equal(s.packet(7).origLen, 262_144);
  assert.equal(s.packet(8).origLen, 60);
  assert.equal(s.indexOf(12_345), 12_344);
  assert.equal(s.indexOf(n + 1), -1);
  // a gap in the numbers (a damaged record skipped), then frames cut to a snap length, most of them
  for (let i = n; i < 2 * n; i++) s.append(pkt(i, i + 5, i % 3 ? 1500 : 60), row(i));
  parts = s.breakdown();
  assert.ok(parts.number! >= 4 * 2 * n, 'numbers with a gap are stored');
  for (const i of [0, 7, n - 1, n, n + 1, n + 2, 2 * n - 1]) {
    const p = s.packet(i);
    assert.equal(p.number, i < n ? i + 1 : i + 5, `number of ${i}`);
    assert.equal(p.origLen, i === 7 ? 262_144 : i >= n && i % 3 ? 1500 : 60, `origLen of ${i}`);
    assert.equal(s.indexOf(p.number), i);
  }
  assert.equal(s.indexOf(n + 2), -1, 'a number in the gap is absent');
  // the view cap's front dropped: the rest keep their values
  s.dropFront(n + 1);
  assert.equal(s.packet(0).number, n + 6);
  for (let j = 0; j < n - 1; j += 997) assert.equal(s.packet(j).origLen, (n + 1 + j) % 3 ? 1500 : 60, `origLen of ${j} after the drop`);
  assert.equal(s.indexOf(n + 7), 1);
});

test('a store dropping its front keeps sparse cut lengths and numbers that run on by one', () => {
  const s = new PacketStore();
  const data = new Uint8Array(40);
  for (let i = 0; i < 1000; i++) s.append({ number: i + 1, tsNs: BigInt(i), capLen: 40, origLen: i % 100 === 5 ? 9000 : 40, linkType: 1, interfaceId: 0, data }, row(i));
  s.dropFront(300);
  assert.equal(s.breakdown().number, 0);
  for (let i = 0; i < 700; i++) {
    const p = s.packet(i);
    assert.equal(p.number, i + 301);
    assert.equal(p.origLen, (i + 300) % 100 === 5 ? 9000 : 40, `origLen of ${i}`);
  }
  assert.equal(s.indexOf(301), 0);
  assert.equal(s.indexOf(300), -1);
});

test('timestamps cost about 4 bytes a packet and come back exact: absent ones, time going back, pauses, and a slow capture', () => {
  const s = new PacketStore();
  const data = new Uint8Array(40);
  const t0 = 1_700_000_000_123_456_789n;
  const ts: Array<bigint | null> = [];
  for (let i = 0; i < 10_000; i++) {
    // 1 µs apart, with an absent one, a step back, and a 40 s pause now and then
    ts.push(i % 1000 === 3 ? null : i % 777 === 5 ? t0 + BigInt(i) * 1000n - 5_000_000_000n : t0 + BigInt(i) * 1000n + (i >= 5000 ? 40_000_000_000n : 0n));
  }
  ts[256] = null; // a block whose first entry is absent
  ts.forEach((t, i) => s.append({ number: i + 1, tsNs: t, capLen: 40, origLen: 40, linkType: 1, interfaceId: 0, data }, row(i)));
  s.trim();
  assert.ok(s.breakdown().tsNs! / ts.length < 6, `${s.breakdown().tsNs! / ts.length} B/packet`);
  ts.forEach((t, i) => assert.equal(s.packet(i).tsNs, t, `timestamp ${i}`));
  assert.equal(s.relTime(1), 1e-6);
  s.dropFront(4321);
  for (let i = 0; i < ts.length - 4321; i += 7) assert.equal(s.packet(i).tsNs, ts[i + 4321], `timestamp ${i} after the drop`);
  // one packet every 10 s: every timestamp whole, still exact
  const slow = new PacketStore();
  for (let i = 0; i < 3000; i++) slow.append({ number: i + 1, tsNs: t0 + BigInt(i) * 10_000_000_000n, capLen: 40, origLen: 40, linkType: 1, interfaceId: 0, data }, row(i));
  slow.trim();
  for (let i = 0; i < 3000; i += 13) assert.equal(slow.packet(i).tsNs, t0 + BigInt(i) * 10_000_000_000n);
  assert.ok(slow.breakdown().tsNs! / 3000 <= 9);
});

test('interfaces and link types cost 1 byte a packet together and come back per packet', () => {
  const s = new PacketStore();
  const data = new Uint8Array(40);
  const kinds = [[0, 1], [1, 276], [2, 127], [70_000, 1]] as const;
  for (let i = 0; i < 8000; i++) { const [iface, linkType] = kinds[i % 4]!; s.append({ number: i + 1, tsNs: BigInt(i), capLen: 40, origLen: 40, linkType, interfaceId: iface, data }, row(i)); }
  s.trim();
  assert.ok(s.breakdown().link! / 8000 <= 1, `${s.breakdown().link! / 8000} B/packet`);
  for (let i = 0; i < 8000; i += 3) assert.deepEqual([s.packet(i).interfaceId, s.packet(i).linkType], kinds[i % 4]);
  s.dropFront(4001);
  assert.deepEqual([s.packet(0).interfaceId, s.packet(0).linkType], kinds[1]);
});

test('Info locations cost about 2 bytes a packet; rewritten and dropped-front Info reads back', () => {
  const s = new PacketStore();
  const data = new Uint8Array(40);
  const n = 5000;
  for (let i = 0; i < n; i++) s.append({ number: i + 1, tsNs: BigInt(i), capLen: 40, origLen: 40, linkType: 1, interfaceId: 0, data }, { ...row(i), info: `info ${i} `.repeat(1 + (i % 13)) });
  s.trim();
  assert.ok(s.breakdown().infoLoc! / n <= 2.2, `${s.breakdown().infoLoc! / n} B/packet`);
  // Decode As rewrites some rows: their new text lands at the end of the arena
  for (const i of [0, 1, 127, 128, 2500, n - 1]) s.rewrite(i, { ...row(i), info: `rewritten ${i}` });
  for (let i = 0; i < n; i++) assert.equal(s.info(i), [0, 1, 127, 128, 2500, n - 1].includes(i) ? `rewritten ${i}` : `info ${i} `.repeat(1 + (i % 13)), `Info of ${i}`);
  s.dropFront(100);
  for (let i = 0; i < n - 100; i++) assert.equal(s.info(i), [127, 128, 2500, n - 1].includes(i + 100) ? `rewritten ${i + 100}` : `info ${i + 100} `.repeat(1 + ((i + 100) % 13)), `Info of ${i} after the drop`);
  s.rewrite(28, { ...row(128), info: 'again' });
  assert.equal(s.info(28), 'again');
  assert.equal(s.info(27), 'rewritten 127');
});
