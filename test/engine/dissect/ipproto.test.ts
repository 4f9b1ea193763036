// An IP protocol number nothing decodes: its bytes are data and Info names
// the number with tshark 4.0's own names (ipproto_val), "Unknown IP
// Protocol: …" behind IPv6, "… (n)" behind IPv4; "no next header" (59)
// keeps what follows as data. Before, IPv4 left Info empty, IPv6 wrote
// "IPv6 next header Unknown (99)", and 59 hid its bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { craftedAgrees, tsharkSkip } from './compare';
import { eth, ipv4, ipv6 } from './packets';

const FIELDS = ['frame.protocols', 'ip.proto', 'ipv6.nxt', 'data.len', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];
const eight = Array<number>(8).fill(0x5a);

test('IP protocols nothing decodes: data, and Info in tshark\'s words', { skip: tsharkSkip() }, () => {
  const f = [
    ...[59, 253, 99, 255, 0x3c].map((n) => eth(0x86dd, ipv6(n === 0x3c ? 99 : n, n === 0x3c ? [] : eight))),
    eth(0x86dd, ipv6(59, [])),
    ...[253, 99, 59, 200].map((n) => eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', n, eight))),
    // a first fragment of an unknown protocol: the fragment Info names it the same way
    eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 99, eight, { flags: 0x2000, id: 0x77 })),
  ];
  const r = craftedAgrees('ipproto-unknown', f, FIELDS, { seed: ['ipproto-unknown', 99] });
  assert.equal(r.theirs[1][FIELDS.indexOf('_ws.col.Info')], 'Unknown IP Protocol: Unknown (253)');
  assert.equal(r.theirs[8][FIELDS.indexOf('_ws.col.Info')], 'No Next Header for IPv6 (59)');
});
