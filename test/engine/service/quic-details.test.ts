// The details pane of a decrypted QUIC packet: the app re-dissects one
// packet on demand, and a 1-RTT packet opens only with its connection's
// history (the Initial's ClientHello names the key log's secrets, packet
// numbers decode against the earlier ones). With the key log preference
// set, the details of an HTTP/3 request packet show its STREAM frames and
// decoded headers, as the list did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineService } from '../../../main/engine/service/service';
import type { DetailNode } from '../../../main/api/types';
import { peerScratch } from '../dissect/peers';
import { quicSkipReason, runQuic } from '../dissect/quic-peers';
import { openLoaded } from '../../lib/service';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const skip = quicSkipReason();

const left = peerScratch();

const names = (ns: DetailNode[], out: Map<string, string[]> = new Map()): Map<string, string[]> => {
  for (const n of ns) {
    out.set(n.name, [...(out.get(n.name) ?? []), n.value ?? '']);
    if (n.children) names(n.children, out);
  }
  return out;
};

test('details of a decrypted 1-RTT packet show its STREAM frames and HTTP/3 headers', { skip, timeout: 90_000 }, async () => {
  const dir = left.dir = mkdtempSync(join(tmpdir(), 'xdpscope-quic-details-'));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'www'));
  writeFileSync(join(dir, 'www', 'page.html'), '<p>details</p>\n');
  process.env.DOCS = join(dir, 'www');
  const keys = join(dir, 'keys.txt');
  const run = left.run = await runQuic(keys, ['https://quic.test/page.html']);
  const s = new EngineService({ emit: () => undefined });
  try {
    await s.call('setTlsKeylog', { path: keys });
    await openLoaded(s, run.pcap);
    assert.equal(s.status().state, 'done');
    await s.call('setFilter', { text: 'http3.headers.path == "/page.html"' });
    const rows = [...s.rows(0, 10).number];
    assert.ok(rows.length >= 1, 'the list shows the decrypted request');
    const f = names((await s.call('getDetails', { number: rows[0] })).tree);
    assert.ok((f.get('quic.stream.stream_id') ?? []).includes('0'), `stream 0 in ${[...f.keys()].filter((k) => k.startsWith('quic')).join(' ')}`);
    assert.ok((f.get('http3.headers.path') ?? []).includes('"/page.html"'));
    assert.ok((f.get('http3.headers.user_agent') ?? []).some((v) => v.includes('ngtcp2')));
    assert.equal(f.get('quic.decryption_failed'), undefined);
  } finally {
    await s.call('setTlsKeylog', { path: null });
    await s.shutdown();
  }
});
