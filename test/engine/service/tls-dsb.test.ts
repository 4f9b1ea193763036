// A pcapng file that carries its TLS secrets in Decryption Secrets Blocks
// (Wireshark's `editcap --inject-secrets`, our own Save) opens decrypted in
// the app: the list, the details pane and Follow TLS Stream use the file's
// secrets with no key log preference set, as Wireshark does; the same
// capture without the block stays encrypted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { EngineService } from '../../../main/engine/service/service';
import { tlsKeylogPreference } from '../../../main/engine/dissect/keylog';
import type { DetailNode } from '../../../main/api/types';
import { httpsServerJs, runPeers, peersSkipReason } from '../dissect/peers';
import { hasCommand } from '../../lib/env';
import { eth, ipv4, udp } from '../dissect/packets';
import { openLoaded } from '../../lib/service';
import { selfSigned } from '../../lib/certs';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const missing = ['curl', 'openssl', 'editcap', 'tshark'].find((c) => !hasCommand(c));
const skip = peersSkipReason() || (missing ? `needs ${missing}` : false);

const SERVER = httpsServerJs('dsb-payload');

async function opened(path: string): Promise<EngineService> {
  const s = new EngineService({ emit: () => undefined });
  await openLoaded(s, path);
  assert.equal(s.status().state, 'done', `${path} did not load`);
  return s;
}

/** An Enhanced Packet Block (little-endian) holding an unrelated UDP datagram between benchmarking addresses. */
function fillerBlock(): Buffer {
  const frame = Buffer.from(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(9, 9, [...Buffer.from('filler')]))));
  const padded = (frame.length + 3) & ~3;
  const b = Buffer.alloc(32 + padded);
  b.writeUInt32LE(6, 0); b.writeUInt32LE(b.length, 4); b.writeUInt32LE(0, 8);
  b.writeUInt32LE(frame.length, 20); b.writeUInt32LE(frame.length, 24);
  frame.copy(b, 28);
  b.writeUInt32LE(b.length, b.length - 4);
  return b;
}

/**
 * The pcapng file with `fillers` unrelated packets first and its Decryption
 * Secrets Block moved after them (little-endian files, as editcap writes):
 * the secrets arrive after the reader's first batch.
 */
function dsbAfterFirstPacket(file: Buffer, fillers: number): Buffer {
  const blocks: Buffer[] = [];
  for (let o = 0; o + 12 <= file.length;) {
    const len = file.readUInt32LE(o + 4);
    blocks.push(file.subarray(o, o + len));
    o += len;
  }
  const dsb = blocks.findIndex((b) => b.readUInt32LE(0) === 0x0a);
  const [block] = blocks.splice(dsb, 1);
  const firstPacket = blocks.findIndex((b) => b.readUInt32LE(0) === 6);
  const filler = fillerBlock();
  blocks.splice(firstPacket, 0, ...Array.from({ length: fillers }, () => filler), block);
  return Buffer.concat(blocks);
}

const names = (ns: DetailNode[], out: Map<string, string | undefined> = new Map()): Map<string, string | undefined> => {
  for (const n of ns) { if (!out.has(n.name)) out.set(n.name, n.value); if (n.children) names(n.children, out); }
  return out;
};

test('a pcapng file\'s Decryption Secrets Blocks decrypt the list, details and Follow TLS Stream', { skip, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-tls-dsb-'));
  try {
    selfSigned('rsa', join(dir, 'rsa.key'), join(dir, 'rsa.crt'), 'tls.test');
    process.env.CERTS = dir;
    const keys = join(dir, 'keys.txt');
    const run = await runPeers(SERVER, 443, [['env', `SSLKEYLOGFILE=${keys}`, 'curl', '-sS', '-k', '--tlsv1.3', 'https://{ip}/dsb-path']]);
    const plain = join(dir, 'plain.pcapng'), withDsb = join(dir, 'dsb.pcapng');
    try {
      execFileSync('editcap', ['-F', 'pcapng', run.pcap, plain]);
      execFileSync('editcap', ['-F', 'pcapng', '--inject-secrets', `tls,${keys}`, run.pcap, withDsb]);
    } finally { run.dispose(); }
    // only the file's block holds the secrets: the key log is gone and no preference is set
    rmSync(keys);
    assert.equal(tlsKeylogPreference(), null);

    // tshark is the judge: which frame carries the request, decrypted with the file's secrets
    const ref = execFileSync('tshark', ['-r', withDsb, '-Y', 'http.request', '-T', 'fields', '-e', 'frame.number', '-e', 'http.request.method', '-e', 'http.request.uri'], { encoding: 'utf8' }).trim();
    const [reqFrame, method, uri] = ref.split('\t');
    assert.deepEqual([method, uri], ['GET', '/dsb-path'], `tshark: ${ref}`);

    const s = await opened(withDsb);
    try {
      await s.call('setFilter', { text: 'http.request.method == "GET"' });
      assert.deepEqual([...s.rows(0, 10).number], [Number(reqFrame)], 'the list filters on decrypted HTTP');
      const f = names((await s.call('getDetails', { number: Number(reqFrame) })).tree);
      assert.equal(f.get('http.request.method'), '"GET"');
      assert.equal(f.get('http.request.uri'), '"/dsb-path"');
      const follow = await s.call('followStream', { number: Number(reqFrame), protocol: 'tls' });
      const text = follow.segments.map((x) => Buffer.from(x.data).toString('latin1')).join('');
      assert.match(text, /^GET \/dsb-path HTTP\/1\.1\r\n[\s\S]*HTTP\/1\.1 200 OK[\s\S]*dsb-payload$/);

      // Save carries the secrets the capture decrypted with: the saved file opens decrypted too
      const saved = join(dir, 'saved.pcapng');
      await s.call('saveCopy', { path: saved });
      assert.match(execFileSync('tshark', ['-r', saved, '-Y', 'http.request', '-T', 'fields', '-e', 'http.request.uri'], { encoding: 'utf8' }), /\/dsb-path/);
    } finally { await s.shutdown(); }

    // secrets that arrive after the first packet (a DSB later in the file) decrypt the first pass too: the list's
    // filter index is built there
    const late = join(dir, 'late.pcapng');
    // (more packets before the block than the reader's batch of 8192)
    writeFileSync(late, dsbAfterFirstPacket(readFileSync(withDsb), 9000));
    const lateFrame = execFileSync('tshark', ['-r', late, '-Y', 'http.request', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' }).trim();
    assert.equal(Number(lateFrame), Number(reqFrame) + 9000);
    const l = await opened(late);
    try {
      await l.call('setFilter', { text: 'http.request.method == "GET"' });
      assert.deepEqual([...l.rows(0, 10).number], [Number(lateFrame)], 'a late DSB decrypts the first pass');
    } finally { await l.shutdown(); }

    const p = await opened(plain);
    try {
      await p.call('setFilter', { text: 'http' });
      assert.equal(p.rows(0, 10).number.length, 0, 'without the block nothing is decrypted');
      const follow = await p.call('followStream', { number: Number(reqFrame), protocol: 'tls' });
      assert.equal(follow.segments.length, 0);
    } finally { await p.shutdown(); }
    // the control holds no secrets: it differs from the other file by the block only
    assert.ok(!readFileSync(plain).includes(Buffer.from('CLIENT_TRAFFIC_SECRET_0')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
