// The test frames' checksum helper: peers and tshark judge frames by it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finishChecksum, inetChecksum, sum16 } from './checksum';

test('RFC 1071 §3 example: the words sum to 0xddf2, the checksum is its complement', () => {
  const bytes = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
  assert.equal(finishChecksum(sum16(bytes)) ^ 0xffff, 0xddf2);
  assert.equal(inetChecksum(bytes), 0x220d);
});

test('an odd last byte counts as the high byte of a zero-padded word, also at the end of a range', () => {
  assert.equal(inetChecksum([0x12, 0x34, 0x56]), ~(0x1234 + 0x5600) & 0xffff);
  assert.equal(inetChecksum([0xff, 0x12, 0x34, 0x56, 0x99], 1, 4), ~(0x1234 + 0x5600) & 0xffff);
});

test('a pseudo-header sum carries into the next range, and a header with its checksum written in sums to zero', () => {
  const header = [0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 198, 18, 0, 1, 198, 18, 0, 2];
  const c = inetChecksum(header);
  header[10] = c >> 8; header[11] = c & 255;
  assert.equal(inetChecksum(header), 0);
  assert.equal(finishChecksum(sum16(header, 10, 20, sum16(header, 0, 10))), 0);
  // many words: the carries fold back however large the sum grows
  assert.equal(inetChecksum(new Uint8Array(300_000).fill(0xff)), 0);
});
