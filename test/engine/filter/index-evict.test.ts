// The filter index of a live capture under a view cap: after dropFront(k)
// (the first k packets left the view) and more packets added, every filter
// selects exactly what an index built over the packets still in view does,
// and the interned values the evicted packets alone used are forgotten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileDisplayFilter } from '../../../main/engine/filter/compile';
import { FilterIndex } from '../../../main/engine/filter/index-store';
import { dissection, registerTestFields, sampleCapture } from './synthetic';

registerTestFields();
const capture = sampleCapture();

const FILTERS = [
  'tcp', 'udp', 'not ip', 'ip.src == 198.18.0.1', 'ip.addr == 10.0.0.0/8', 'tcp.port == 80', 'tcp.dstport in {443, 8000..50000}',
  'http.host contains "ample"', 'http.host matches "^E"', 'eth.dst[0:2] == ff:ff', 'frame.len > 100', 'ip.ttl >= 64 and not udp',
  'count(vlan.id) == 2', 'len(http.host) > 3', 'tcp.flags.syn == True', 'ipv6.src == 2001:db8::/32', 'vlan.id == 20 or icmp',
];

test('after the first packets leave, the index answers as one built over the packets in view', () => {
  fc.assert(fc.property(fc.nat(capture.length), fc.nat(capture.length), fc.nat(64), (a, b, room) => {
    // packets [0, add) indexed, the first k dropped, the rest added after
    const add = Math.max(a, b), k = Math.min(a, b);
    const evicting = new FilterIndex({ fields: 'all' });
    for (const d of capture.slice(0, add)) evicting.add(d);
    evicting.dropFront(k, room);
    for (const d of capture.slice(add)) evicting.add(d);
    const fresh = new FilterIndex({ fields: 'all' });
    for (const d of capture.slice(k)) fresh.add(d);
    assert.equal(evicting.size, fresh.size);
    for (const text of FILTERS) {
      const r = compileDisplayFilter(text);
      assert.ok(r.ok, text);
      const got = evicting.evaluate(r.filter), want = fresh.evaluate(r.filter);
      assert.deepEqual(got && [...got], want && [...want], `${text} after dropping ${k} of ${add}`);
      const range = evicting.evaluateRange(r.filter, 0, evicting.size), wantRange = fresh.evaluateRange(r.filter, 0, fresh.size);
      assert.deepEqual(range && [...range], wantRange && [...wantRange], `${text}: positions`);
    }
  }), { numRuns: 60 });
});

test('interned values only evicted packets used are forgotten: memory follows the packets in view', () => {
  const index = new FilterIndex({ fields: ['http.host'] });
  const host = (n: number) => dissection(n, { eth: ['02:00:00:00:00:01', '02:00:00:00:00:02'], ip: [['198.18.0.1', '198.18.0.2']], tcp: { sport: 40000, dport: 80 }, host: `host-${n}.example` });
  let n = 1;
  for (; n <= 1000; n++) index.add(host(n));
  const before = index.memoryBytes();
  // a day of distinct hosts through a view of 1000 packets
  for (let round = 0; round < 20; round++) {
    for (let j = 0; j < 1000; j++, n++) index.add(host(n));
    index.dropFront(1000, 1000);
  }
  assert.equal(index.size, 1000);
  assert.ok(index.memoryBytes() <= before * 1.5, `${before} → ${index.memoryBytes()} bytes`);
  const r = compileDisplayFilter(`http.host == "host-${n - 1}.example" or http.host == "host-1.example"`);
  assert.ok(r.ok);
  assert.deepEqual([...index.evaluate(r.filter)!], [n - 1]);
});

test('positions past long gaps (escaped, 4 bytes) and values past one byte survive a drop in mid-gap', () => {
  // http.host every 300th packet (gaps past 255: escaped positions), ports past 255 (2-byte values)
  const pkt = (n: number) => dissection(n, { eth: ['02:00:00:00:00:01', '02:00:00:00:00:02'], ip: [['198.18.0.1', '198.18.0.2']],
    tcp: { sport: 1000 + n, dport: 80 }, ...(n % 300 === 0 ? { host: `h${n}.example` } : {}) });
  const all = Array.from({ length: 3000 }, (_, j) => pkt(j + 1));
  for (const k of [1, 150, 299, 300, 301, 1234, 1999, 2000]) {
    const evicting = new FilterIndex({ fields: 'all' });
    for (const d of all.slice(0, 2000)) evicting.add(d);
    evicting.dropFront(k, 100);
    for (const d of all.slice(2000)) evicting.add(d);
    const fresh = new FilterIndex({ fields: 'all' });
    for (const d of all.slice(k)) fresh.add(d);
    for (const text of ['http.host', 'http.host == "h1500.example"', 'tcp.srcport > 2000', 'tcp.srcport == 3000', 'frame.number > 2500']) {
      const r = compileDisplayFilter(text);
      assert.ok(r.ok, text);
      const got = evicting.evaluate(r.filter), want = fresh.evaluate(r.filter);
      assert.deepEqual(got && [...got], want && [...want], `${text} after dropping ${k}`);
    }
  }
});
