// The engine service on shared captures: rows (windowed, column blocks),
// filtering (index and re-dissection paths), sorting, details with
// enrichment, follow TCP stream, save, and damaged files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { EngineService } from '../../../main/engine/service/service';
import type { EngineEvent, RowBlock } from '../../../main/api/types';
import { CAPTURES, sharedCapturesSkipReason, hasCommand } from '../../lib/env';
import { loaded, openLoaded, openedService } from '../../lib/service';

// Keep the user's recent-files list out of tests.
process.env.XDPSCOPE_CONFIG_DIR = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'xs-config-'));
const skip = sharedCapturesSkipReason() ?? false;

const opened = (file: string): Promise<{ s: EngineService; events: EngineEvent[] }> => openedService(join(CAPTURES, file));

const col = (b: RowBlock, name: 'info' | 'source' | 'protocol' | 'userAgent' | 'hostSni' | 'srcCountry') =>
  Array.from(b[name], (i) => b.strings[i]);

test('opening a capture lists every packet with Wireshark-style columns', { skip }, async () => {
  const { s, events } = await opened('zeek-post.pcap');
  const st = s.status();
  assert.equal(st.state, 'done');
  assert.equal(st.captured, 14);
  assert.equal(st.displayed, 14);
  assert.ok(events.some((e) => e.event === 'status' && e.data.state === 'done'), 'a final status event is pushed');
  const b = s.rows(0, 100);
  assert.equal(b.total, 14);
  assert.deepEqual(Array.from(b.number), Array.from({ length: 14 }, (_, i) => i + 1));
  assert.equal(b.time[0], 0);
  assert.ok(Math.abs(b.time[1] - 0.02445) < 1e-6);
  assert.equal(col(b, 'source')[0], '141.142.228.5');
  assert.match(col(b, 'info')[0], /53595 → 80 \[SYN\]/);
  assert.equal(col(b, 'protocol')[3], 'HTTP');
  assert.equal(col(b, 'userAgent')[3], 'curl/7.29.0');
  assert.equal(b.contentLength[3], 11);
  assert.ok(Number.isNaN(b.contentLength[0]));
  assert.equal(col(b, 'hostSni')[3], 'httpbin.org');
  // windowing: a window in the middle, and past the end
  const w = s.rows(5, 3);
  assert.deepEqual(Array.from(w.number), [6, 7, 8]);
  assert.equal(s.rows(20, 5).number.length, 0);
});

test('filters narrow the list; bad filters report message and span; clearing restores', { skip }, async () => {
  const { s } = await opened('zeek-post.pcap');
  const gen = s.status().generation;
  const r = await s.call('setFilter', { text: 'http' });
  assert.deepEqual(r, { ok: true, empty: false, displayed: 2 });
  assert.deepEqual(Array.from(s.rows(0, 10).number), [4, 8]);
  assert.ok(s.status().generation > gen, 'rows must be refetched');
  // a filter the index cannot answer (frame bytes) takes the re-dissection path
  const c = await s.call('setFilter', { text: 'frame contains "httpbin.org/post"' });
  assert.equal(c.ok && c.displayed, 1);
  assert.deepEqual(Array.from(s.rows(0, 10).number), [8]);
  const bad = await s.call('setFilter', { text: 'tcp.port == ' });
  assert.equal(bad.ok, false);
  if (!bad.ok) { assert.ok(bad.error.message.length > 0); assert.equal(bad.error.start, 12); }
  assert.equal(s.status().displayed, 1, 'a bad filter leaves the list as it was');
  assert.equal((await s.call('checkFilter', { text: 'ip.src == 1.2.3.4' })).ok, true);
  assert.equal((await s.call('checkFilter', { text: 'no.such.field' })).ok, false);
  await s.call('setFilter', { text: '' });
  assert.equal(s.status().displayed, 14);
  assert.equal(await s.call('findRow', { number: 8 }).then((x) => x.index), 7);
});

test('completion offers field names for the word under the cursor', { skip }, async () => {
  const { s } = await opened('zeek-post.pcap');
  const c = await s.call('completeFilter', { text: 'ip.src == 1.2.3.4 && http.us', cursor: 28 });
  assert.equal(c.from, 21);
  assert.ok(c.items.some((i) => i.label === 'http.user_agent'));
});

test('sorting reorders the displayed rows without losing any', { skip }, async () => {
  const { s } = await opened('zeek-post.pcap');
  await s.call('setSort', { column: 'length', desc: true });
  const b = s.rows(0, 100);
  assert.equal(b.number[0], 8, 'the 568-byte packet first');
  assert.deepEqual([...b.number].sort((x, y) => x - y), Array.from({ length: 14 }, (_, i) => i + 1));
  await s.call('setSort', { column: null, desc: false });
  assert.equal(s.rows(0, 1).number[0], 1);
});

test('details: decoded tree with labels, enriched facts and byte ranges', { skip }, async () => {
  const { s } = await opened('zeek-post.pcap');
  const d = await s.call('getDetails', { number: 4 });
  assert.deepEqual(d.tree.map((n) => n.name).slice(0, 5), ['frame', 'eth', 'ip', 'tcp', 'http']);
  assert.equal(d.enriched.userAgent, 'curl/7.29.0');
  assert.equal(d.enriched.userAgentFamily, 'curl');
  assert.equal(d.enriched.contentLength, 11);
  assert.equal(d.enriched.host, 'httpbin.org');
  assert.equal(d.enriched.srcCountry, 'US');
  const ua = d.highlights['http.user_agent'];
  assert.equal(Buffer.from(d.bytes.subarray(ua.start, ua.start + ua.len)).toString(), 'curl/7.29.0');
  assert.equal(d.streamFilter, 'tcp.stream eq 0');
  const ip = d.tree.find((n) => n.name === 'ip')!;
  const src = ip.children!.find((n) => n.name === 'ip.src')!;
  assert.match(src.label, /141\.142\.228\.5/);
  assert.equal(src.value, '141.142.228.5');
  await assert.rejects(s.call('getDetails', { number: 99 }), /no packet number 99/);
});

test('follow TCP stream returns both directions in order', { skip }, async () => {
  const { s } = await opened('zeek-post.pcap');
  const f = await s.call('followStream', { number: 1 });
  assert.equal(f.client, '141.142.228.5:53595');
  assert.equal(f.server, '54.243.55.129:80');
  const text = f.segments.map((x) => Buffer.from(x.data).toString('latin1')).join('');
  assert.match(text, /^POST \/post HTTP\/1\.1\r\n/);
  assert.match(text, /hello worldHTTP\/1\.1 200 OK/);
  assert.equal(f.clientBytes, 160);
  assert.equal(f.segments[0].fromClient, true);
  assert.equal(f.segments.at(-1)!.fromClient, false);
});

test('save writes a pcapng that tshark reads back with the same packets', { skip }, async () => {
  const { s } = await opened('zeek-post.pcap');
  const dir = mkdtempSync(join(tmpdir(), 'xs-save-'));
  const all = await s.call('save', { path: join(dir, 'all.pcapng') });
  assert.equal(all.packets, 14);
  await s.call('setFilter', { text: 'http' });
  const some = await s.call('save', { path: join(dir, 'http.pcapng'), displayedOnly: true });
  assert.equal(some.packets, 2);
  assert.deepEqual(readdirSync(dir).sort(), ['all.pcapng', 'http.pcapng'], 'no temporary files left');
  if (hasCommand('tshark')) {
    const out = execFileSync('tshark', ['-r', join(dir, 'http.pcapng'), '-T', 'fields', '-e', 'frame.len'], { encoding: 'utf8' });
    assert.deepEqual(out.trim().split('\n'), ['226', '568']);
  }
});

test('a damaged capture shows the packets before the damage and a visible error', { skip }, async () => {
  const { s } = await opened('kbandla-truncated_dns_2.pcap');
  const st = s.status();
  assert.equal(st.captured, 1);
  assert.ok(st.fileError, 'fileError is set');
  assert.equal(st.error?.kind, 'file');
  assert.match(st.error!.message, /truncated_dns_2\.pcap/);
});

test('opening a missing file fails with the path in the message', async () => {
  const s = new EngineService({ emit: () => undefined });
  await assert.rejects(s.call('openFile', { path: '/nonexistent/x.pcap' }), /\/nonexistent\/x\.pcap/);
  assert.equal(s.status().state, 'error');
  assert.ok(!existsSync('/nonexistent'));
});

test('a live capture spool left by a crashed process is offered, recovered and opened', { skip }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'xs-data-'));
  process.env.XDPSCOPE_DATA_DIR = dataDir;
  try {
    // a writer that dies without closing its spool (as in a crash)
    const script = `
      const { SpoolWriter, parseCaptureBuffer } = require(${JSON.stringify(join(__dirname, '..', '..', 'lib', 'engine.js'))});
      const cap = parseCaptureBuffer(require('fs').readFileSync(${JSON.stringify(join(CAPTURES, 'zeek-post.pcap'))}));
      const w = new SpoolWriter({ interfaces: [{ linkType: 1, snaplen: 65535 }] });
      w.write(cap.packets.map((p) => ({ ...p, interfaceId: 0 })));
      w.flush();
      process.exit(0);`;
    execFileSync(process.execPath, ['-e', script], { env: { ...process.env, XDPSCOPE_DATA_DIR: dataDir } });
    const s = new EngineService({ emit: () => undefined });
    const spools = await s.call('recoverableSpools', {});
    assert.equal(spools.length, 1);
    assert.equal(spools[0].closedCleanly, false);
    await assert.rejects(s.call('recoverSpool', { path: '/etc/passwd' }), /not a recoverable capture spool/);
    await s.call('recoverSpool', { path: spools[0].path });
    await loaded(s);
    assert.equal(s.status().captured, 14);
    assert.deepEqual(await s.call('recoverableSpools', {}), [], 'the spool is gone once recovered');
  } finally {
    delete process.env.XDPSCOPE_DATA_DIR;
  }
});

test('frames of uncompressed files stay in the file; gzip captures are kept in memory; both decode the same', { skip }, async () => {
  const plain = await opened('zeek-post.pcap');
  assert.equal(plain.s.packetStore.fileBacked, 14, 'every frame found in the file');
  const ng = await opened('zeek-pcapng-multi-interface.pcapng');
  assert.equal(ng.s.packetStore.fileBacked, ng.s.status().captured);
  const dir = mkdtempSync(join(tmpdir(), 'xs-gz-'));
  const gz = join(dir, 'post.pcap.gz');
  require('node:fs').writeFileSync(gz, require('node:zlib').gzipSync(require('node:fs').readFileSync(join(CAPTURES, 'zeek-post.pcap'))));
  const z = new EngineService({ emit: () => undefined });
  await openLoaded(z, gz);
  assert.equal(z.status().captured, 14);
  assert.equal(z.packetStore.fileBacked, 0);
  const a = await plain.s.call('getDetails', { number: 4 });
  const b = await z.call('getDetails', { number: 4 });
  assert.deepEqual(Buffer.from(a.bytes), Buffer.from(b.bytes));
  assert.deepEqual(a.enriched, b.enriched);
});
