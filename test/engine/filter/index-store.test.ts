// The filter index's default memory cap follows the machine: a fixed 256 MiB
// filled at ~4M packets, and a 10M-packet file then re-dissected for every
// filter on its ports and addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultIndexBytes } from '../../../main/engine/filter/index-store';

const MiB = 1024 * 1024, GiB = 1024 * MiB;

test('the default index cap is 1/16 of memory, at least 256 MiB and at most 1 GiB', () => {
  assert.equal(defaultIndexBytes(2 * GiB), 256 * MiB);
  assert.equal(defaultIndexBytes(8 * GiB), 512 * MiB);
  assert.equal(defaultIndexBytes(12 * GiB), 768 * MiB);
  assert.equal(defaultIndexBytes(24 * GiB), 1 * GiB);
  assert.equal(defaultIndexBytes(512 * GiB), 1 * GiB);
});
