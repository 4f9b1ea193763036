// Export Packet Dissections: the CSV and JSON carry the enrichment fields
// with the values tshark (the oracle) prints for the same frames.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAPTURES, ORACLE, sharedCapturesSkipReason } from '../../lib/env';
import { exportDissections, openSession, ENRICHED_FIELDS } from '../../../main/engine/session';
import { tempDir } from './helpers';

/** RFC 4180 parser (quoted cells, "" escapes, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') q = false; else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r') { /* part of CRLF */ } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else cell += c;
  }
  return rows;
}

function oracle(name: string): Array<Record<string, string>> {
  const [head, ...lines] = readFileSync(join(ORACLE, `${name}.tsv`), 'utf8').replace(/\n$/, '').split('\n');
  const cols = head.split('\t');
  return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [cols[i], v])));
}

const ORACLE_FIELDS = ['http.host', 'http.user_agent', 'http.content_length', 'tls.handshake.extensions_server_name', 'dns.qry.name'];
const FILES = ['zeek-post.pcap', 'zeek-chrome-34-google.pcap', 'gopacket-test_dns.pcap', 'zeek-ctu-62604-80.pcap'];

describe('export packet dissections', { skip: sharedCapturesSkipReason() ?? undefined }, () => {
  test('CSV: summary columns, enrichment fields agreeing with tshark, comments', async () => {
    const dir = tempDir('csv');
    let checked = 0;
    for (const name of FILES) {
      const dest = join(dir, `${name}.csv`);
      const s = await openSession(join(CAPTURES, name));
      s.comments.add(1, 'first, "quoted"');
      const r = await exportDissections(dest, s, { format: 'csv', comments: s.comments });
      const rows = parseCsv(readFileSync(dest, 'utf8'));
      const head = rows[0];
      assert.deepEqual(head.slice(0, 7), ['No.', 'Time', 'Source', 'Destination', 'Protocol', 'Length', 'Info']);
      for (const f of ENRICHED_FIELDS) assert.ok(head.includes(f), `${f} column`);
      const expected = oracle(name);
      assert.equal(rows.length - 1, expected.length);
      assert.equal(r.packets, expected.length);
      assert.equal(rows[1][head.indexOf('Comments')], 'first, "quoted"');
      for (let i = 0; i < expected.length; i++) {
        const row = rows[i + 1];
        assert.equal(row[0], expected[i]['frame.number']);
        for (const f of ORACLE_FIELDS) {
          if (!expected[i][f]) continue;
          assert.equal(row[head.indexOf(f)], expected[i][f], `${name} frame ${i + 1} ${f}`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 8, `compared ${checked} enrichment values`);
  });

  test('CSV has the GeoIP country of public addresses', async () => {
    const dir = tempDir('csv-geo');
    const dest = join(dir, 'post.csv');
    await exportDissections(dest, await openSession(join(CAPTURES, 'zeek-post.pcap')), { format: 'csv' });
    const rows = parseCsv(readFileSync(dest, 'utf8'));
    const src = rows[0].indexOf('ip.geoip.src_country_iso');
    const dst = rows[0].indexOf('ip.geoip.dst_country_iso');
    // 141.142.228.5 (NCSA, Illinois) → 54.243.55.129 (AWS us-east-1)
    assert.equal(rows[1][src], 'US');
    assert.equal(rows[1][dst], 'US');
  });

  test('JSON: tshark -T json shape, enrichment fields present, only the selected frames', async () => {
    const dir = tempDir('json');
    const dest = join(dir, 'post.json');
    const r = await exportDissections(dest, await openSession(join(CAPTURES, 'zeek-post.pcap')), { format: 'json', select: { frames: [1, 4] } });
    assert.equal(r.packets, 2);
    const docs = JSON.parse(readFileSync(dest, 'utf8')) as Array<{ _source: { layers: Record<string, string[]> } }>;
    assert.equal(docs.length, 2);
    const [syn, post] = docs.map((d) => d._source.layers);
    assert.deepEqual(syn['frame.number'], ['1']);
    assert.deepEqual(post['frame.number'], ['4']);
    assert.deepEqual(post['http.host'], ['httpbin.org']);
    assert.deepEqual(post['http.user_agent'], ['curl/7.29.0']);
    assert.deepEqual(post['http.content_length'], ['11']);
    assert.deepEqual(post['ip.src'], ['141.142.228.5']);
    assert.deepEqual(post['ip.geoip.dst_country_iso'], ['US']);
    assert.equal(syn['http.host'], undefined);

    const tls = join(dir, 'tls.json');
    await exportDissections(tls, await openSession(join(CAPTURES, 'zeek-chrome-34-google.pcap')), { format: 'json', fields: ['tls.handshake.extensions_server_name', 'dns.qry.name'] });
    const sni = (JSON.parse(readFileSync(tls, 'utf8')) as Array<{ _source: { layers: Record<string, string[]> } }>)
      .flatMap((d) => d._source.layers['tls.handshake.extensions_server_name'] ?? []);
    const want = oracle('zeek-chrome-34-google.pcap').map((o) => o['tls.handshake.extensions_server_name']).filter(Boolean);
    assert.ok(want.length > 0);
    assert.deepEqual(sni, want);
  });
});
