// Field ids (fields/ids.ts): what the open's one walk over a packet's fields
// hands the colouring, the filter index and the insights digest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldIds, fieldId, fieldIdCount } from '../../../main/engine/fields/ids';
import type { Field } from '../../../main/engine/types';

const fields = (...names: string[]): Field[] => names.map((name) => ({ name, value: null, start: 0, len: 0 }));

test('a name has one id, whichever string object carries it', () => {
  const a = fieldId('ip.src');
  const built = ['ip', 'src'].join('.');
  assert.equal(fieldId(built), a);
  assert.notEqual(fieldId('ip.dst'), a);
  assert.ok(fieldIdCount() > a);
});

test('each packet gets the ids of its own fields, position by position, as the stack changes', () => {
  const ids = new FieldIds();
  const packets = [
    fields('frame', 'eth', 'eth.src', 'ip', 'ip.src', 'tcp', 'tcp.srcport'),
    fields('frame', 'eth', 'eth.src', 'ip', 'ip.src', 'tcp', 'tcp.srcport'),
    fields('frame', 'eth', 'eth.src', 'ipv6', 'ipv6.src', 'udp'),
    fields('frame', 'sll', 'ip', 'ip.src', 'tcp', 'tcp.srcport', 'tcp.dstport', 'tcp.stream', 'http', 'http.host'),
    fields('frame'),
    // a longer packet than any before: the id array grows
    fields(...Array.from({ length: 300 }, (_, i) => `x.f${i % 7}`)),
    fields('frame', 'eth', 'eth.src', 'ip', 'ip.src', 'tcp', 'tcp.srcport'),
  ];
  for (const p of packets) {
    const got = ids.of(p);
    assert.deepEqual(Array.from(got.subarray(0, p.length)), p.map((f) => fieldId(f.name)));
  }
});
