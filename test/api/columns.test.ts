// The packet list's columns are one definition (main/api/columns.ts): every
// column declared there reaches the row block through the schema, the store
// and the codec, sorts, and gets a display filter that selects its value, so
// adding a column is one entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { COLUMNS, FIELD_COLUMNS, rowBlock } from '../../main/api/index';
import { decodeMessage, encodeMessage } from '../../main/api/codec';
import { EngineService } from '../../main/engine/service/service';
import { filterFor } from '../../renderer/lib/format';
import { blockToRows } from '../../renderer/lib/rows';
import { CAPTURES, sharedCapturesSkipReason } from '../lib/env';
import { openLoaded } from '../lib/service';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const skip = sharedCapturesSkipReason() ?? false;

test('column ids are unique and field columns name their fields', () => {
  const ids = COLUMNS.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const c of FIELD_COLUMNS) assert.ok(c.fields.length > 0, c.id);
});

test('every declared column reaches the grid with its value, sorts, and filters to its rows', { skip }, async () => {
  const s = new EngineService({ emit: () => {} });
  await openLoaded(s, join(CAPTURES, 'zeek-post.pcap'));
  const block = s.rows(0, 100);
  // across the wire, checked by the schema the faces use
  const wire = rowBlock.parse(decodeMessage(encodeMessage(block)));
  const rows = blockToRows(wire);
  assert.equal(rows.length, 14);
  for (const c of COLUMNS) assert.ok(c.id in wire, `the row block carries ${c.id}`);
  // a field column holds the first present value of its fields, e.g. Host/SNI from http.host
  assert.equal(rows[3]!.hostSni, 'httpbin.org');
  assert.equal(rows[3]!.contentLength, 11);
  assert.equal(rows[0]!.contentLength, null);

  for (const c of COLUMNS) {
    await s.call('setSort', { column: c.id, desc: true });
    const sorted = blockToRows(s.rows(0, 100)).map((r) => r[c.id]);
    assert.equal(sorted.length, 14, `sorting by ${c.id} keeps every row`);
    const key = (v: unknown) => (v === null || v === '' ? -Infinity : v as number | string);
    for (let i = 1; i < sorted.length; i++) assert.ok(!(key(sorted[i - 1]) < key(sorted[i])), `${c.id} descends at row ${i}`);
  }
  await s.call('setSort', { column: null, desc: false });

  for (const c of FIELD_COLUMNS) {
    const row = rows.find((r) => r[c.id] !== null && r[c.id] !== '');
    if (!row) continue;
    const expr = filterFor(c.id, row[c.id] as string | number)!;
    const r = await s.call('setFilter', { text: expr });
    assert.ok(r.ok, `${c.id}: ${expr}`);
    const shown = blockToRows(s.rows(0, 100));
    assert.ok(shown.length > 0 && shown.every((x) => x[c.id] === row[c.id]), `${expr} selects exactly the rows showing that value`);
  }
  await s.shutdown();
});
