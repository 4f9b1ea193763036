// indexOfSorted: the binary search the store, the packet list and the MAC
// name tables share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexOfSorted } from '../../main/engine/sorted';

test('finds every present value, and -1 for values between, below and above', () => {
  for (let len = 0; len <= 9; len++) {
    const a = Uint32Array.from({ length: len }, (_, i) => 10 + 3 * i);
    for (let i = 0; i < len; i++) assert.equal(indexOfSorted(a, a[i]!), i);
    for (const x of [0, 9, 11, 12, 10 + 3 * len, 1e9]) assert.equal(indexOfSorted(a, x), -1, `${x} in ${len}`);
  }
});

test('searches only the first n entries (a column with spare capacity)', () => {
  const a = new Float64Array([1, 2, 3, 0, 0, 0]);
  assert.equal(indexOfSorted(a, 3, 3), 2);
  assert.equal(indexOfSorted(a, 0, 3), -1, 'the unused tail is not searched');
  assert.equal(indexOfSorted(a, 2, 0), -1);
});
