// The -T fields writer spells IPv6 addresses straight into its buffer: the
// same text as ipv6ToString (the formatter checked against tshark), for the
// zero runs that decide where "::" goes and for IPv4-mapped addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { putIpv6 } from '../../../main/engine/output/fields';
import { ipv6ToString } from '../../../main/engine/dissect/addr';
import { mulberry32, testSeed } from '../../lib/rng';

test('putIpv6 writes what ipv6ToString returns', () => {
  const rnd = mulberry32(testSeed('ipv6-bytes', 6));
  const buf = Buffer.alloc(64);
  const check = (b: Uint8Array): void => {
    const end = putIpv6(buf, 3, b);
    assert.equal(buf.toString('latin1', 3, end), ipv6ToString(b), Buffer.from(b).toString('hex'));
  };
  check(new Uint8Array(16));
  check(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1]));
  check(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]));
  check(Uint8Array.from([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x0b, 0x82, 0xff, 0xfe, 0x01, 0xfc, 0x42]));
  check(Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0]));
  // every pattern of zero and non-zero groups, with values of 1 to 4 hex digits
  for (let mask = 0; mask < 256; mask++) {
    for (let r = 0; r < 4; r++) {
      const b = new Uint8Array(16);
      for (let g = 0; g < 8; g++) {
        if (!(mask & (1 << g))) continue;
        const v = [1 + Math.floor(rnd() * 15), 0x10 + Math.floor(rnd() * 0xf0), 0x100 + Math.floor(rnd() * 0xf00), 0x1000 + Math.floor(rnd() * 0xf000)][r];
        b[2 * g] = v >> 8; b[2 * g + 1] = v & 255;
      }
      check(b);
    }
  }
});
