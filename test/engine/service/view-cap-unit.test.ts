// ViewCap's arithmetic, on parts that only count: a packet cap evicts in
// whole chunks back to the cap, a megabyte cap back to three quarters of
// it, a held view waits, and CaptureFiles says which file holds a frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { CaptureFiles, ViewCap } from '../../../main/engine/service/view-cap';

/** a store of n packets of `size` bytes each, numbered from first */
function fakeStore(size: number) {
  const s = { n: 0, first: 1, drops: [] as number[] };
  const part = { bytes: () => s.n * size, dropFront: (k: number) => { s.n -= k; s.first += k; s.drops.push(k); } };
  return { s, part };
}

test('a packet cap evicts a whole chunk past the cap, back to the cap', () => {
  const { s, part } = fakeStore(100);
  const cap = new ViewCap({ packets: 10_000 }, [part], () => s.n, (i) => s.first + i);
  s.n = 12_499;
  assert.equal(cap.due(), 0, 'less than a chunk past the cap');
  s.n = 12_500;
  const k = cap.due();
  assert.equal(k, 2500);
  cap.evict(k);
  assert.deepEqual([s.n, cap.evicted, cap.lastEvicted, s.first], [10_000, 2500, 2500, 2501]);
  assert.equal(cap.maxPackets, 12_500);
});

test('a held view waits; the next look after the release evicts', () => {
  const { s, part } = fakeStore(100);
  const cap = new ViewCap({ packets: 1000 }, [part], () => s.n, (i) => s.first + i);
  const release = cap.hold();
  s.n = 5000;
  assert.equal(cap.due(), 0);
  release();
  release(); // twice is once
  assert.equal(cap.due(), 4000);
});

test('a megabyte cap evicts back to three quarters of it, all parts counted', () => {
  const a = fakeStore(700), b = fakeStore(300);
  const cap = new ViewCap({ megabytes: 64 }, [a.part, b.part], () => a.s.n, (i) => a.s.first + i);
  const per = 1000, limit = 64 * 2 ** 20;
  a.s.n = b.s.n = Math.floor(limit / per);
  assert.equal(cap.due(), 0, 'at the cap');
  a.s.n = b.s.n = Math.floor(limit / per) + 10;
  const k = cap.due();
  cap.evict(k);
  const left = a.s.n * per;
  assert.ok(left <= 0.75 * limit && left > 0.74 * limit, `${left} bytes left of ${limit}`);
  assert.equal(b.s.n, a.s.n, 'every part gives up the same packets');
});

test('CaptureFiles: which file holds a frame, files gone from disk left out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-capfiles-'));
  const f1 = join(dir, 'a_00001.pcapng'), f2 = join(dir, 'a_00002.pcapng'), f3 = join(dir, 'a_00003.pcapng');
  writeFileSync(f2, 'xx'); writeFileSync(f3, 'xyz');
  const files = new CaptureFiles();
  for (let n = 1; n <= 10; n++) files.wrote(n <= 4 ? f1 : n <= 8 ? f2 : f3, n, n);
  assert.equal(files.holding(3), f1);
  assert.equal(files.holding(8), f2);
  assert.equal(files.holding(11), null);
  assert.deepEqual(files.list(f3), [
    { path: f2, firstNumber: 5, lastNumber: 8, size: 2, writing: false },
    { path: f3, firstNumber: 9, lastNumber: 10, size: 3, writing: true },
  ]);
});
