// The shared BER/DER reader: headers, lengths checked against the parent,
// indefinite lengths refused, and the value readers on X.690's examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTlv, isBerError, childrenOf, int, oid, str, bits32, bigUint, CONTEXT, APPLICATION, type Tlv } from '../../../main/engine/dissect/ber';
import { hex } from './packets';

const b = (s: string): Uint8Array => Uint8Array.from(hex(s));
const ok = (d: Uint8Array, off = 0, end = d.length): Tlv => {
  const t = readTlv(d, off, end);
  assert.ok(!isBerError(t), isBerError(t) ? t.error : '');
  return t;
};

test('BER headers: short, long and high-tag forms give the contents range', () => {
  const d = b('30 03 02 01 05');
  assert.deepEqual(ok(d), { cls: 0, constructed: true, tag: 16, start: 0, value: 2, len: 3, end: 5 });
  const long = new Uint8Array(4 + 300); long.set([0x04, 0x82, 0x01, 0x2c]);
  assert.deepEqual([ok(long).value, ok(long).len], [4, 300]);
  // [APPLICATION 31] needs the high-tag form; [APPLICATION 30] (krb5 KRB-ERROR) does not
  assert.deepEqual([ok(b('7f 1f 00')).cls, ok(b('7f 1f 00')).tag, ok(b('7f 1f 00')).value], [APPLICATION, 31, 3]);
  assert.deepEqual([ok(b('7e 00')).tag, ok(b('a3 00')).cls], [30, CONTEXT]);
});

test('BER lengths never run past the container; indefinite and oversize lengths are refused', () => {
  const cases: Array<[string, number | undefined, RegExp]> = [
    ['30 05 02 01 05', undefined, /runs past its container/],
    ['30 03 02 01 05', 4, /runs past/], // parent ends early
    ['30 80 02 01 05 00 00', undefined, /indefinite/],
    ['04 85 00 00 00 00 01', undefined, /too long/],
    ['04 82 01', undefined, /cut short/],
    ['1f 81 82 83 84 05 00', undefined, /longer than 4/],
    ['02', undefined, /length missing/],
    ['', undefined, /no bytes/],
  ];
  for (const [h, end, re] of cases) {
    const d = b(h);
    const t = readTlv(d, 0, end ?? d.length);
    assert.ok(isBerError(t), h);
    assert.match(t.error, re, h);
    assert.equal(t.at, 0);
  }
});

test('children stop at the first damaged element and keep the ones before it', () => {
  const d = b('02 01 01 02 01 02 04 09 41');
  const r = childrenOf(d, 0, d.length);
  assert.equal(r.items.length, 2);
  assert.equal(r.error?.at, 6);
  assert.equal(childrenOf(b('05 00 05 00 05 00'), 0, 6, 2).error?.error, 'more than 2 BER elements');
});

test('INTEGER, OID, strings and BIT STRING values', () => {
  const v = (h: string): Tlv => ok(b(h));
  assert.equal(int(b('02 01 7f'), v('02 01 7f')), 127);
  assert.equal(int(b('02 02 00 80'), v('02 02 00 80')), 128);
  assert.equal(int(b('02 01 80'), v('02 01 80')), -128);
  assert.equal(int(b('02 02 ff 7f'), v('02 02 ff 7f')), -129);
  assert.equal(int(b('02 00'), v('02 00')), null);
  assert.equal(bigUint(b('02 09 01 00 00 00 00 00 00 00 00'), v('02 09 01 00 00 00 00 00 00 00 00')), 1n << 64n);
  // X.690 8.19.5's example and a Kerberos OID
  assert.equal(oid(b('06 03 88 37 03'), v('06 03 88 37 03')), '2.999.3');
  assert.equal(oid(b('06 09 2a 86 48 86 f7 12 01 02 02'), v('06 09 2a 86 48 86 f7 12 01 02 02')), '1.2.840.113554.1.2.2');
  assert.equal(oid(b('06 02 2a 86'), v('06 02 2a 86')), null); // last digit unfinished
  assert.equal(oid(b('06 02 80 01'), v('06 02 80 01')), null); // not minimal
  assert.equal(str(b('0c 03 c3 a9 61'), v('0c 03 c3 a9 61')), 'éa');
  assert.equal(str(b('1b 02 41 42'), v('1b 02 41 42')), 'AB');
  assert.equal(str(b('1e 04 00 41 00 42'), v('1e 04 00 41 00 42')), 'AB');
  assert.equal(bits32(b('03 05 00 40 81 00 10'), v('03 05 00 40 81 00 10')), 0x40810010);
});
