// IP fragment reassembly: damage in the fragments never throws and never
// writes outside the datagram the last fragment defines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FragTable } from '../../../main/engine/dissect/frag';

test('a fragment past the end set by the last fragment is left out of the datagram', () => {
  const t = new FragTable();
  assert.equal(t.add('k', 1, 0, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), false), null);
  // offset 24: beyond the 16 bytes the last fragment (offset 8, 8 bytes) will define
  assert.equal(t.add('k', 2, 24, Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9), false), null);
  const r = t.add('k', 3, 8, Uint8Array.of(11, 12, 13, 14, 15, 16, 17, 18), true);
  assert.ok(r !== null);
  assert.deepEqual([...r.data], [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18]);
  assert.deepEqual(r.frames, [1, 2, 3]);
});

test('fragments covering past the end complete the datagram without writing outside it', () => {
  const t = new FragTable();
  t.add('k', 1, 0, new Uint8Array(8).fill(1), false);
  t.add('k', 2, 8, new Uint8Array(16).fill(2), false);
  t.add('k', 3, 24, new Uint8Array(8).fill(3), false);
  const r = t.add('k', 4, 8, new Uint8Array(8).fill(4), true);
  assert.ok(r !== null);
  assert.deepEqual([...r.data], [...new Uint8Array(8).fill(1), ...new Uint8Array(8).fill(4)]);
});

test('a fragment that runs over the end is cut at it', () => {
  const t = new FragTable();
  t.add('k', 1, 8, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), false);
  const r = t.add('k', 2, 0, Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd), true);
  assert.ok(r !== null);
  assert.equal(r.data.length, 12);
  // later fragments overwrite earlier ones where they overlap
  assert.deepEqual([...r.data.subarray(8)], [0xaa, 0xbb, 0xcc, 0xdd]);
});
