// The filter index's frame numbers (FrameNumbers): a file's, numbered on by
// one, cost no bytes; numbers with gaps (a live capture's, a view cap's) are
// kept exactly; either way a filter answers the frame numbers it matched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileDisplayFilter } from '../../../main/engine/filter/compile';
import { FilterIndex, FrameNumbers } from '../../../main/engine/filter/index-store';
import { registerTestFields, sampleCapture } from './synthetic';

registerTestFields();

test('frame numbers that run on by one hold no array; any other run is kept exactly', () => {
  fc.assert(fc.property(fc.array(fc.nat(3), { maxLength: 3000 }), fc.nat(5000), fc.nat(3000), fc.nat(64), (gaps, first, drop, room) => {
    // mostly on by one (g < 3), now and then a gap
    const f = new FrameNumbers(), want: number[] = [];
    let v = first;
    for (const g of gaps) { v += g === 3 ? 2 : 1; want.push(v); f.push(v); }
    const sequential = want.every((x, i) => x === want[0]! + i);
    if (sequential) assert.equal(f.bytes, 0, 'numbers on by one: nothing stored');
    const k = Math.min(drop, want.length);
    f.dropFront(k, room);
    want.splice(0, k);
    f.push(v + 7); want.push(v + 7);
    assert.equal(f.n, want.length);
    assert.deepEqual(Array.from({ length: f.n }, (_, i) => f.at(i)), want);
  }), { numRuns: 200 });
});

test('a file\'s index holds no frame numbers, and filters answer them all the same', () => {
  const sample = sampleCapture();
  const mk = (numbers: number[]): FilterIndex => {
    const ix = new FilterIndex({ fields: 'all' });
    numbers.forEach((n, i) => { const d = sample[i % sample.length]!; ix.add({ ...d, packet: { ...d.packet, number: n } }); });
    return ix;
  };
  const seq = Array.from({ length: 4000 }, (_, i) => i + 1);
  const a = mk(seq), b = mk(seq.map((n) => n * 3));
  assert.ok(b.memoryBytes() - a.memoryBytes() >= 4 * 4000, `on by one ${a.memoryBytes()} B, with gaps ${b.memoryBytes()} B`);
  for (const text of ['tcp', 'udp.port == 53', 'frame.len > 20', 'not ip', 'len(http.host) > 3']) {
    const r = compileDisplayFilter(text);
    assert.ok(r.ok, text);
    const x = a.evaluate(r.filter)!, y = b.evaluate(r.filter)!;
    assert.ok(x.length > 0, text);
    assert.deepEqual([...y], [...x].map((n) => n * 3), text);
  }
});
