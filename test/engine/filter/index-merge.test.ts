// Fragments of the filter index merged in file order (a parallel open's
// service thread) hold what one index fed every packet holds: interned
// values shared between fragments, per-fragment renumbering (tcp.stream),
// and a column dropped for too many distinct values, for the same reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dissector } from '../../../main/engine/dissect/index';
import { FilterIndex } from '../../../main/engine/filter/index-store';
import { compileDisplayFilter } from '../../../main/engine/filter/compile';
import { dnsQuery, eth, ipv4, raw, tcp, udp } from '../dissect/packets';

const dis = new Dissector({ tlsKeys: null });
const packets = Array.from({ length: 300 }, (_, i) => {
  const bytes = i % 3 === 2
    ? eth(0x0800, ipv4(`198.18.0.${1 + (i % 7)}`, '198.19.0.1', 6, tcp(40000 + (i % 5), 80, 1000 + i, 0, 0x02)))
    : eth(0x0800, ipv4(`198.18.0.${1 + (i % 7)}`, '198.19.0.53', 17, udp(50000 + i, 53, dnsQuery(i, `h${i % 150}.example`))));
  const d = Uint8Array.from(bytes);
  d[11] = i % 40; // 40 source MACs (an interned column that stays)
  return dis.dissect(raw(d));
});
const FILTERS = ['dns.qry.name == "h7.example"', 'eth.src == 02:00:00:00:00:05', 'ip.src == 198.18.0.3 && udp', 'tcp.stream == 2', 'tcp.flags.syn == 1', 'eth.addr[0] & 2'];

function merged(opts: ConstructorParameters<typeof FilterIndex>[0]): FilterIndex {
  const runs = [new FilterIndex(opts), new FilterIndex(opts)];
  const pos: number[][] = [[], []];
  // dealt in runs of 1-4 packets, as a partition by host pair interleaves
  packets.forEach((d, i) => { const w = (i >> (i % 3)) & 1; runs[w]!.add(d); pos[w]!.push(i); });
  const out = new FilterIndex(opts);
  for (let from = 0; from < packets.length; from += 100) {
    // one merge per batch of 100, each part's packets of the batch as its fragment
    const parts = runs.map((r, w) => ({ r, w, js: pos[w]!.flatMap((p, j) => (p >= from && p < from + 100 ? [j] : [])) }));
    const frags = parts.map(({ w, js }) => {
      const sub = new FilterIndex(opts);
      for (const j of js) sub.add(packets[pos[w]![j]!]!);
      return { frag: sub.fragment(), pos: Uint32Array.from(js.map((j) => pos[w]![j]!)) };
    });
    out.appendFragments(Uint32Array.from(packets.slice(from, from + 100).map((d) => d.packet.number)), frags);
  }
  return out;
}

test('merged fragments answer every filter as one index fed every packet', () => {
  const whole = new FilterIndex();
  for (const d of packets) whole.add(d);
  const m = merged({});
  for (const f of FILTERS) {
    const r = compileDisplayFilter(f);
    assert.ok(r.ok, f);
    const want = whole.evaluate(r.filter);
    assert.ok(want && want.length > 0, `${f} is answered and matches`);
    assert.deepEqual([...m.evaluate(r.filter)!], [...want], f);
  }
});

test('a column with too many distinct values is dropped by the merge as by add(), for the same reason', () => {
  const opts = { maxDistinct: 60 };
  const whole = new FilterIndex(opts);
  for (const d of packets) whole.add(d);
  const m = merged(opts);
  const names = compileDisplayFilter('dns.qry.name == "h7.example"');
  assert.ok(names.ok);
  assert.deepEqual(m.unindexed(names.filter), whole.unindexed(names.filter));
  assert.match(whole.unindexed(names.filter).join(), /more than 60 distinct values/);
  // the 40 MACs stay under the limit: still answered, alike
  const mac = compileDisplayFilter('eth.src == 02:00:00:00:00:05');
  assert.ok(mac.ok);
  assert.deepEqual([...m.evaluate(mac.filter)!], [...whole.evaluate(mac.filter)!]);
});
