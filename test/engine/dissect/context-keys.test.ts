// Ctx's keyed calls (addK, genK, subK, hiddenK, layerK, wantsK): the hot
// dissectors name their fields by a key made once, so a field-subset run
// decides by the field's id instead of hashing its name per packet. They
// must build exactly what the named calls build, in both modes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ctx, SKIP, fieldKey, fieldKeys, fieldPrefix, type FieldNode } from '../../../main/engine/dissect/context';
import type { Field, RawPacket } from '../../../main/engine/types';

const pkt = (): RawPacket => ({ number: 1, tsNs: 0n, capLen: 4, origLen: 4, linkType: 1, interfaceId: 0, data: new Uint8Array(4) });

/** The same fields through the named calls or the keyed ones. */
function build(ctx: Ctx, keyed: boolean): void {
  const k = (n: string) => fieldKey(n);
  const l = keyed ? ctx.layerK(k('kt'), 0, 4) : ctx.layer('kt', 0, 4);
  const a = keyed ? ctx.addK(l, k('kt.a'), 1, 0, 1) : ctx.add(l, 'kt.a', 1, 0, 1);
  if (keyed) ctx.subK(a as FieldNode, k('kt.a.bit'), true, 0, 1); else ctx.sub(a as FieldNode, 'kt.a.bit', true, 0, 1);
  if (keyed) ctx.addK(l, k('kt.b'), 2, 1, 1); else ctx.add(l, 'kt.b', 2, 1, 1);
  if (keyed) ctx.genK(l, k('kt.c'), 'x'); else ctx.gen(l, 'kt.c', 'x');
  if (keyed) ctx.hiddenK(k('kt.h'), 3, 2, 1); else ctx.hidden('kt.h', 3, 2, 1);
}

const flat = (fields: Field[]) => fields.map((f) => [f.name, f.value, f.start, f.len, f.generated ?? false, (f as FieldNode).slot]);
const tree = (fields: Field[]): unknown => fields.map((f) => [f.name, f.value, tree(f.children ?? [])]);

test('the keyed calls build the whole tree as the named ones do', () => {
  const named = new Ctx(pkt()), keyed = new Ctx(pkt());
  build(named, false);
  build(keyed, true);
  assert.deepEqual(flat(keyed.fields), flat(named.fields));
  assert.deepEqual(tree(keyed.tree), tree(named.tree));
  assert.deepEqual(keyed.protocols, ['kt']);
  assert.ok(keyed.wantsK(fieldKey('kt.anything')));
});

test('field-subset mode: the keyed calls keep the wanted fields, with their slots, and skip the rest', () => {
  // kt.b unwanted; kt.c and kt.h wanted; the layer itself not asked for (slot -2)
  const want = new Map([['kt.h', 0], ['kt.a', 1], ['kt.c', 2], ['kt.a.bit', 3]]);
  for (const reuse of [false, true]) {
    const groups = new Map<string, boolean>();
    const named = new Ctx(pkt(), want, groups), keyed = new Ctx(pkt(), want, groups);
    if (reuse) { named.reusable().reset(pkt()); keyed.reusable().reset(pkt()); }
    build(named, false);
    build(keyed, true);
    assert.deepEqual(flat(keyed.fields), flat(named.fields));
    assert.deepEqual(flat(keyed.fields).map((f) => [f[0], f[5]]), [['kt', -2], ['kt.a', 1], ['kt.a.bit', 3], ['kt.c', 2], ['kt.h', 0]]);
    assert.equal(keyed.addK(keyed.tree[0], fieldKey('kt.b'), 9, 0, 1), SKIP);
    assert.equal(keyed.wantsK(fieldKey('kt.b')), false);
    assert.equal(keyed.wantsK(fieldKey('kt.c')), true);
  }
});

test('a key made after the subset was fixed is not wanted, and prefixes answer as wantsPrefix', () => {
  const want = new Map([['kp.late.x', 0]]);
  const ctx = new Ctx(pkt(), want, new Map());
  // numbered after the want table was built: past its end
  const late = fieldKey(`kp.never.${Date.now()}`);
  assert.equal(ctx.wantsK(late), false);
  assert.equal(ctx.addK(ctx.layerK(fieldKey('kp'), 0, 4), late, 1, 0, 1), SKIP);
  for (const prefix of ['kp.late', 'kp.lat', 'kp.other', 'kp.late.x']) {
    const p = fieldPrefix(prefix);
    assert.equal(ctx.wantsPrefixK(p), ctx.wantsPrefix(prefix), prefix);
    // asked again: the kept answer
    assert.equal(ctx.wantsPrefixK(p), ctx.wantsPrefix(prefix), prefix);
    // another Dissector's subset (another groups map) asks afresh
    const all = new Ctx(pkt(), new Map([['kp.other.y', 0]]), new Map());
    assert.equal(all.wantsPrefixK(p), prefix === 'kp.other', prefix);
  }
});

test('fieldKeys: one object of keys, each the key fieldKey makes for its name', () => {
  const names = { a: 'kt.a', bit: 'kt.a.bit', c: 'kt.c', tcp: 'tcp.srcport' };
  const K = fieldKeys({ ...names });
  assert.deepEqual(Object.keys(K), Object.keys(names));
  for (const [p, name] of Object.entries(names)) assert.deepEqual(K[p as keyof typeof names], fieldKey(name));
  // a module's keys are usable at once: the keyed call finds the wanted field by them
  const ctx = new Ctx(pkt(), new Map([['kt.c', 0]]), new Map());
  const l = ctx.layerK(fieldKey('kt'), 0, 4);
  ctx.addK(l, K.a, 1, 0, 1);
  ctx.genK(l, K.c, 'x');
  assert.deepEqual(flat(ctx.fields), [['kt', null, 0, 4, false, -2], ['kt.c', 'x', 0, 0, true, 0]]);
});
