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

test('isExternalV4 on the address bytes says what isInternal and isGroupAddress say of its text', async () => {
  const { isExternalV4, isInternal, isGroupAddress } = await import('../../../main/engine/insights/addresses');
  const { mulberry32 } = await import('../../lib/rng');
  const rnd = mulberry32(7);
  const edges = ['10.0.0.1', '9.255.255.254', '127.0.0.1', '172.15.0.1', '172.16.0.1', '172.31.255.254', '172.32.0.1', '192.168.1.1', '192.169.0.1',
    '169.254.3.4', '100.63.0.1', '100.64.0.1', '100.127.0.1', '100.128.0.1', '223.255.0.1', '224.0.0.251', '239.255.255.250', '240.0.0.1',
    '255.255.255.255', '198.18.5.255', '198.18.5.254', '0.0.0.0', '8.8.8.8'];
  const all = [...edges, ...Array.from({ length: 2000 }, () => [0, 0, 0, 0].map(() => Math.floor(rnd() * 256)).join('.'))];
  for (const a of all) {
    const n = a.split('.').reduce((x, o) => x * 256 + Number(o), 0);
    assert.equal(isExternalV4(n | 0), !isInternal(a) && !isGroupAddress(a), a);
  }
});
