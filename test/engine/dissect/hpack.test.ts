// HPACK (RFC 7541): the examples of Appendix C decode to the listed headers
// with the listed dynamic table sizes (C.3/C.5 without Huffman coding,
// C.4/C.6 with it; C.5/C.6 evict with a 256-byte table), and damage is an
// error at an offset, never a throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HpackDecoder, huffmanDecode } from '../../../main/engine/dissect/hpack';

const h = (s: string): Uint8Array => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const lines = (d: HpackDecoder, block: string): string[] => {
  const b = h(block);
  const r = d.decode(b, 0, b.length);
  assert.equal(r.error, undefined);
  return r.headers.map((x) => `${x.name}: ${x.value}`);
};

const REQ = [
  [':method: GET', ':scheme: http', ':path: /', ':authority: www.example.com'],
  [':method: GET', ':scheme: http', ':path: /', ':authority: www.example.com', 'cache-control: no-cache'],
  [':method: GET', ':scheme: https', ':path: /index.html', ':authority: www.example.com', 'custom-key: custom-value'],
];
const RESP = [
  [':status: 302', 'cache-control: private', 'date: Mon, 21 Oct 2013 20:13:21 GMT', 'location: https://www.example.com'],
  [':status: 307', 'cache-control: private', 'date: Mon, 21 Oct 2013 20:13:21 GMT', 'location: https://www.example.com'],
  [':status: 200', 'cache-control: private', 'date: Mon, 21 Oct 2013 20:13:22 GMT', 'location: https://www.example.com',
    'content-encoding: gzip', 'set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'],
];

test('HPACK C.2: literal representations', () => {
  const d = new HpackDecoder();
  assert.deepEqual(lines(d, '400a637573746f6d2d6b65790d637573746f6d2d686561646572'), ['custom-key: custom-header']);
  assert.equal(d.tableSize, 55);
  assert.deepEqual(lines(new HpackDecoder(), '040c2f73616d706c652f70617468'), [':path: /sample/path']);
  const never = new HpackDecoder();
  const b = h('100870617373776f726406736563726574');
  const r = never.decode(b, 0, b.length);
  assert.equal(r.headers[0].repr, 'Literal Header Field never Indexed - New Name');
  assert.equal(never.tableSize, 0);
  assert.deepEqual(lines(new HpackDecoder(), '82'), [':method: GET']);
});

test('HPACK C.3 and C.4: requests without and with Huffman coding share a dynamic table', () => {
  for (const blocks of [
    ['828684410f7777772e6578616d706c652e636f6d', '828684be58086e6f2d6361636865', '828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565'],
    ['828684418cf1e3c2e5f23a6ba0ab90f4ff', '828684be5886a8eb10649cbf', '828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf'],
  ]) {
    const d = new HpackDecoder();
    assert.deepEqual(blocks.map((b) => lines(d, b)), REQ);
    assert.equal(d.tableSize, 164);
    assert.equal(d.entries, 3);
  }
});

test('HPACK C.5 and C.6: responses evict from a 256-byte table', () => {
  for (const blocks of [
    ['4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d',
      '4803333037c1c0bf',
      '88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31',
    ],
    ['488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3',
      '4883640effc1c0bf',
      '88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007',
    ],
  ]) {
    const d = new HpackDecoder();
    d.setLimit(256);
    const first = h('3fe101'); // a dynamic table size update to 256 (5-bit prefix integer)
    assert.deepEqual(d.decode(first, 0, first.length).updates.map((u) => u.size), [256]);
    const got = blocks.map((b) => lines(d, b));
    assert.deepEqual(got, RESP);
    assert.equal(d.tableSize, 215);
    assert.equal(d.entries, 3);
  }
});

test('HPACK damage: cut blocks wait for more when not final, bad indexes and sizes are errors, never throws', () => {
  const d = new HpackDecoder();
  const b = h('828684410f7777772e6578616d706c652e636f6d');
  const part = d.decode(b, 0, 10, false);
  assert.equal(part.error, undefined);
  assert.equal(part.headers.length, 3);
  assert.equal(part.next, 3);
  const rest = d.decode(b, part.next, b.length, true);
  assert.deepEqual(rest.headers.map((x) => x.value), ['www.example.com']);
  const bad = new HpackDecoder().decode(h('ff00'), 0, 2);
  assert.match(bad.error?.message ?? '', /index \d+ is not in the table/);
  const cut = new HpackDecoder().decode(b, 0, 10, true);
  assert.match(cut.error?.message ?? '', /cut short/);
  const big = new HpackDecoder().decode(h('3fe1ff03'), 0, 4);
  assert.match(big.error?.message ?? '', /exceeds the allowed/);
  // EOS inside a string, and padding that is not all ones, are invalid Huffman codes
  assert.equal(huffmanDecode(h('ffffffff'), 0, 4), null);
  assert.equal(huffmanDecode(h('f0'), 0, 1), null);
  // random bytes: an answer or an error, nothing thrown
  let x = 12345;
  for (let i = 0; i < 2000; i++) {
    const r = new Uint8Array(1 + (i % 40));
    for (let k = 0; k < r.length; k++) { x = (x * 1103515245 + 12345) >>> 0; r[k] = x >>> 24; }
    new HpackDecoder().decode(r, 0, r.length);
  }
});
