// The insights name addresses as the packet list does: one formatter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dissector } from '../../../main/engine/dissect';
import { packetFacts } from '../../../main/engine/insights/facts';
import { raw, eth, udp, hex } from '../dissect/packets';

test('an IPv4-mapped IPv6 source reads the same in the facts as in the summary (::ffff:a.b.c.d)', () => {
  const payload = udp(40000, 9, [1, 2, 3, 4]);
  const ip6 = [0x60, 0, 0, 0, 0, payload.length, 17, 64,
    ...hex('0000 0000 0000 0000 0000 ffff c612 0001'), ...hex('0000 0000 0000 0000 0000 ffff c612 0002'), ...payload];
  const d = new Dissector({ geoip: null }).dissect(raw(eth(0x86dd, ip6)));
  const f = packetFacts(d);
  assert.equal(d.summary.source, '::ffff:198.18.0.1');
  assert.equal(f.src, d.summary.source);
  assert.equal(f.dst, d.summary.destination);
});
