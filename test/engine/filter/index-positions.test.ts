// The index's delta-encoded packet positions give back exactly what was
// pushed (repeats, long gaps, escapes at block starts), find any position,
// and cost about a byte an occurrence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHECKPOINT_EVERY, PosCursor, Positions } from '../../../main/engine/filter/index-positions';

/** A deterministic sequence: runs of dense packets, repeats, gaps of 254, 255 and far more. */
function sequence(n: number, seed: number): number[] {
  let x = seed >>> 0;
  const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const out: number[] = [];
  let p = Math.floor(rnd() * 3);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    p += r < 0.1 ? 0 : r < 0.8 ? 1 : r < 0.9 ? Math.floor(rnd() * 300) : r < 0.95 ? 254 + Math.floor(rnd() * 3) : Math.floor(rnd() * 1e6);
    out.push(p);
  }
  return out;
}

const lowerBound = (a: number[], x: number): number => { const i = a.findIndex((v) => v >= x); return i < 0 ? a.length : i; };

for (const seed of [1, 2, 3]) {
  test(`positions round-trip and lowerBound agrees with a linear search (seed ${seed})`, () => {
    const want = sequence(5 * CHECKPOINT_EVERY + 37, seed);
    const p = new Positions(4);
    for (const v of want) p.push(v);
    assert.deepEqual(Array.from(p.toArray()), want);
    p.trim();
    assert.deepEqual(Array.from(p.toArray()), want);
    const probes = [0, 1, want[0]!, want[CHECKPOINT_EVERY]!, want[CHECKPOINT_EVERY]! + 1, want[want.length - 1]!, want[want.length - 1]! + 1, ...want.filter((_, i) => i % 17 === 0).map((v) => v - 1)];
    for (const x of probes) assert.equal(p.lowerBound(x), lowerBound(want, x), `lowerBound(${x})`);
    const c = new PosCursor(p, lowerBound(want, want[200]!));
    for (let i = c.i; i < want.length; i++, c.i++) assert.equal(c.at, want[i]);
    assert.equal(c.at, 0xffffffff);
  });
}

test('an escape opening a block decodes (a long gap on a checkpoint)', () => {
  const want = Array.from({ length: CHECKPOINT_EVERY * 3 }, (_, i) => (i % CHECKPOINT_EVERY === 0 ? i * 1000 : i * 1000 - 1));
  const p = new Positions(1);
  for (const v of want) p.push(v);
  assert.deepEqual(Array.from(p.toArray()), want);
});

test('a dense column costs about one byte an occurrence', () => {
  const p = new Positions(16);
  for (let i = 0; i < 100_000; i++) p.push(i + (i % 3 === 0 ? 0 : 1));
  p.trim();
  assert.ok(p.bytes / p.n < 1.1, `${p.bytes / p.n} bytes an occurrence`);
});
