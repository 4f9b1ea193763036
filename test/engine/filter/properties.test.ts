// Property tests: for random filters built from the grammar, `not (A)` selects
// the complement of A, `A or B` the union and `A and B` the intersection; and
// the columnar index selects exactly what the compiled filter does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileDisplayFilter } from '../../../main/engine/filter/compile';
import { FilterIndex } from '../../../main/engine/filter/index-store';
import { registerTestFields, sampleCapture } from './synthetic';

registerTestFields();
const capture = sampleCapture();
const all = capture.map((d) => d.packet.number);
const index = new FilterIndex({ fields: 'all' });
for (const d of capture) index.add(d);

function select(text: string): number[] {
  const r = compileDisplayFilter(text);
  if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
  return capture.filter((d) => r.filter.matches(d)).map((d) => d.packet.number);
}

const pick = <T>(xs: T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
// values fit the field's width: a larger one is an error, as in tshark ("too big for this field")
const wideField = pick(['tcp.port', 'tcp.srcport', 'tcp.dstport', 'udp.dstport', 'vlan.id', 'tcp.len', 'frame.len']);
const wideValue = pick(['0', '1', '3', '20', '53', '0x50', '0120', '443', '5353', '40000', '64']);
const byteField = pick(['ip.ttl', 'ip.proto', 'icmp.type']);
const byteValue = pick(['0', '1', '3', '20', '53', '0x50', '0120', '64', '255']);
const numPair = fc.oneof(fc.tuple(wideField, wideValue), fc.tuple(byteField, byteValue));
const relOp = pick(['==', '!=', '===', '!==', '~=', '>', '<', '>=', '<=', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'any_eq', 'all_ne']);
const ipField = pick(['ip.src', 'ip.dst', 'ip.addr', 'ip.src#1', 'ip.src#2']);
const ipValue = pick(['198.18.0.1', '10.0.0.0/8', '198.18.0.0/15', '192.0.2.1', '203.0.113.5', '10.0.0.3/32']);

const atom: fc.Arbitrary<string> = fc.oneof(
  pick(['tcp', 'udp', 'ip', 'ipv6', 'http', 'vlan', 'icmp', 'eth', 'tcp.payload', 'http.host', 'tcp.flags.syn']),
  fc.tuple(numPair, relOp).map(([[f, v], o]) => `${f} ${o} ${v}`),
  fc.tuple(ipField, pick(['==', '!=', '~=', '===', '>', '<=']), ipValue).map(([f, o, v]) => `${f} ${o} ${v}`),
  fc.tuple(wideField, wideValue, wideValue).map(([f, a, b]) => `${f} in {${a}, ${b}..50000}`),
  fc.tuple(byteField, byteValue, byteValue).map(([f, a, b]) => `${f} in {${a}, ${b}..200}`),
  fc.tuple(pick(['contains', 'matches']), pick(['"ample"', '"^E"', '"org"', '"COM"'])).map(([o, v]) => `http.host ${o} ${v}`),
  pick(['tcp.payload contains "HTTP"', 'eth.dst[0:2] == ff:ff', 'count(vlan.id) == 2', 'len(http.host) > 3', 'tcp.flags.syn == True', 'ipv6.src == 2001:db8::/32']),
);

const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.tuple(tie('expr'), pick(['and', 'or', '&&', '||']), tie('expr')).map(([a, o, b]) => `(${a}) ${o} (${b})`),
    tie('expr').map((a) => `not (${a})`),
    tie('expr').map((a) => `!${a.startsWith('(') ? a : `(${a})`}`),
  ),
}));

test('not selects the complement', () => {
  fc.assert(fc.property(expr, (a) => {
    const s = new Set(select(a));
    assert.deepEqual(select(`not (${a})`), all.filter((n) => !s.has(n)));
  }), { numRuns: 300 });
});

test('or selects the union, and the intersection', () => {
  fc.assert(fc.property(expr, expr, (a, b) => {
    const sa = new Set(select(a));
    const sb = new Set(select(b));
    assert.deepEqual(select(`(${a}) or (${b})`), all.filter((n) => sa.has(n) || sb.has(n)));
    assert.deepEqual(select(`(${a}) and (${b})`), all.filter((n) => sa.has(n) && sb.has(n)));
    assert.deepEqual(select(`(${a}) && (${b})`), all.filter((n) => sa.has(n) && sb.has(n)));
  }), { numRuns: 300 });
});

test('the index selects what the compiled filter selects, column-wise and packet by packet', () => {
  let answered = 0, planned = 0;
  fc.assert(fc.property(expr, (a) => {
    const r = compileDisplayFilter(a);
    assert.ok(r.ok);
    const got = index.evaluate(r.filter);
    if (got === null) {
      assert.ok(index.unindexed(r.filter).length > 0);
      return;
    }
    answered++;
    assert.deepEqual([...got], select(a));
    if (r.filter.plan) {
      planned++;
      // the packet-by-packet replay must agree with the column-wise plan
      assert.deepEqual([...index.evaluate({ ...r.filter, plan: null })!], [...got]);
    }
  }), { numRuns: 300 });
  assert.ok(answered > 100, `index answered only ${answered} of 300`);
  assert.ok(planned > 50, `only ${planned} of 300 had a column-wise plan`);
});

test('any text either compiles or gives an error whose span lies within it', () => {
  const piece = fc.oneof(
    pick(['tcp', 'ip.src', 'http.host', 'vlan.id', 'frame', '==', '!=', '~', 'and', 'or', 'not', '(', ')', '{', '}', '[', ']', ',', '..', '"', '\\', "'", '#', '&', '-', '1.2.3.4/33', '0x1g', 'len(', 'in', 'contains', 'matches', ' ']),
    fc.string({ maxLength: 4 }),
  );
  fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
    const text = parts.join(' ');
    const r = compileDisplayFilter(text);
    if (r.ok) {
      for (const d of capture) r.filter.matches(d);
      return;
    }
    assert.ok(r.error.message.length > 0);
    assert.ok(r.error.start >= 0 && r.error.start <= r.error.end && r.error.end <= text.length, `${text}: [${r.error.start},${r.error.end})`);
  }), { numRuns: 1000 });
});

test('over any range of packets, and from fragments merged in order, the index selects what it selects whole', () => {
  // the same capture indexed in runs dealt round-robin-ish to three indexes, merged back (a parallel open)
  const merged = new FilterIndex({ fields: 'all' });
  const runs = [new FilterIndex({ fields: 'all' }), new FilterIndex({ fields: 'all' }), new FilterIndex({ fields: 'all' })];
  const pos: number[][] = [[], [], []];
  capture.forEach((d, i) => { const w = (i * 7 + (i >> 2)) % 3; runs[w]!.add(d); pos[w]!.push(i); });
  merged.appendFragments(all, runs.map((r, w) => ({ frag: r.fragment(), pos: Uint32Array.from(pos[w]!) })));
  assert.equal(merged.size, index.size);
  let answered = 0;
  fc.assert(fc.property(expr, fc.nat(capture.length), fc.nat(capture.length), (a, x, y) => {
    const r = compileDisplayFilter(a);
    assert.ok(r.ok);
    const whole = index.evaluate(r.filter);
    const fromRuns = merged.evaluate(r.filter);
    assert.deepEqual(fromRuns && [...fromRuns], whole && [...whole], 'merged fragments');
    const from = Math.min(x, y), to = Math.max(x, y);
    const range = index.evaluateRange(r.filter, from, to);
    if (whole === null) { assert.equal(range, null); return; }
    answered++;
    const want = capture.flatMap((d, i) => (i >= from && i < to && whole.includes(d.packet.number) ? [i] : []));
    assert.deepEqual([...range!], want, `${a} over [${from}, ${to})`);
    if (r.filter.plan) assert.deepEqual([...index.evaluateRange({ ...r.filter, plan: null }, from, to)!], want, 'replayed');
  }), { numRuns: 300 });
  assert.ok(answered > 100, `index answered only ${answered} of 300`);
});
