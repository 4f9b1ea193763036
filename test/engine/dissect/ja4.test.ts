// JA4 (FoxIO's specification): the published example's values, and on real
// ClientHellos (Node's TLS client with several option sets, and the shared
// captures' browsers) the same fingerprint a plain reading of tshark 4.0's
// ClientHello fields gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { ja4 } from '../../../main/engine/dissect/ja4';
import { Dissector } from '../../../main/engine/dissect';
import { compileDisplayFilter } from '../../../main/engine/filter/compile';
import { CAPTURES, hasCommand } from '../../lib/env';
import { tcpFrameBytes } from '../../lib/tcp-frame';
import { raw } from './packets';
import { ourFields, tsharkFields } from './pcap-lib';
import { pcapFile } from '../../lib/pcap';
import { REF_FIELDS, reference } from './ja4-ref';

const hexList = (s: string): number[] => s.split(',').map((h) => parseInt(h, 16));
// FoxIO's JA4.md example, in the original order (JA4_ro), with GREASE values added
const EX = {
  ciphers: [0x0a0a, ...hexList('1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035')],
  exts: [0x1a1a, ...hexList('001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015'), 0x2a2a],
  sigAlgs: hexList('0403,0804,0401,0503,0805,0501,0806,0601'),
  versions: [0x3a3a, 0x0304, 0x0303],
  alpn: Buffer.from('h2'),
  version: 0x0303,
};

test('JA4 of FoxIO\'s published example', () => {
  const r = ja4(EX, 't');
  assert.equal(r.ja4, 't13d1516h2_8daaf6152771_e5627efa2ab1');
  assert.equal(r.raw, 't13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601');
  // no signature algorithms: the extension list alone is hashed, without the underscore
  assert.equal(ja4({ ...EX, sigAlgs: [] }, 't').ja4.slice(-12), '6d807ffa2a79');
  // no ciphers or extensions: zeros rather than the hash of nothing; no SNI: 'i'; no supported_versions: the legacy version
  assert.equal(ja4({ ...EX, ciphers: [], exts: [], versions: [], alpn: null }, 'q').ja4, 'q12i000000_000000000000_000000000000');
});

test('JA4 ALPN characters as the specification\'s examples', () => {
  const a = (bytes: number[]): string => ja4({ ...EX, alpn: Buffer.from(bytes) }, 't').ja4.slice(8, 10);
  assert.equal(a([...Buffer.from('http/1.1')]), 'h1');
  assert.equal(a([0xab]), 'ab');
  assert.equal(a([0xab, 0xcd]), 'ad');
  assert.equal(a([0x30, 0xab]), '3b');
  assert.equal(a([0x30, 0x31, 0xab, 0xcd]), '3d');
  assert.equal(a([0x30, 0xab, 0xcd, 0x31]), '01');
  assert.equal(a([0x68]), 'hh');
  assert.equal(ja4({ ...EX, alpn: Buffer.alloc(0) }, 't').ja4.slice(8, 10), '00');
});

/** The ClientHello bytes Node's TLS client writes with these options (no network: a stream that only records). */
async function clientHello(opts: tls.ConnectionOptions): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let done!: () => void;
  const wrote = new Promise<void>((r) => { done = r; });
  const sock = new Duplex({ read() {}, write(c: Buffer, _e, cb) { chunks.push(c); done(); cb(); } });
  const t = tls.connect({ socket: sock, rejectUnauthorized: false, ...opts });
  t.on('error', () => {});
  await wrote;
  t.destroy();
  return Buffer.concat(chunks);
}

const frameOf = (payload: Buffer, i: number): Buffer => tcpFrameBytes('198.18.0.1', '198.18.0.2', 40000 + i, 443, 1000, 1, 0x18, [], payload, 512);

const skip = hasCommand('tshark') ? false : 'tshark not installed';

test('JA4 on Node\'s ClientHellos agrees with a reading of tshark\'s fields', { skip }, async () => {
  const hellos = await Promise.all([
    clientHello({ servername: 'api.example', ALPNProtocols: ['h2', 'http/1.1'] }),
    clientHello({ servername: 'api.example', ALPNProtocols: ['http/1.1'], maxVersion: 'TLSv1.2' }),
    clientHello({ ALPNProtocols: [] }),
    clientHello({ servername: 'x.example', minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' }),
    clientHello({ servername: 'y.example', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA', sigalgs: 'RSA+SHA256:ECDSA+SHA256' }),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-ja4-'));
  try {
    const path = join(dir, 'hellos.pcap');
    writeFileSync(path, pcapFile(hellos.map(frameOf)));
    const refs = tsharkFields(path, REF_FIELDS).map((r) => reference(r, 't'));
    const ours = ourFields(path, ['tls.handshake.ja4']);
    assert.equal(ours.length, hellos.length);
    assert.deepEqual(ours, refs);
    assert.match(ours[0], /^t13d\d\d\d\dh2_/);
    assert.match(ours[1], /^t12d\d\d\d\dh1_/);
    assert.match(ours[2], /^t13i\d\d\d\d00_/);
    assert.match(ours[3], /^t13d02/); // one suite and the renegotiation SCSV
    // the raw form carries the lists the hashes are made of
    const rawRows = ourFields(path, ['tls.handshake.ja4_r']);
    rawRows.forEach((r, i) => {
      const [a, ciphers, exts, sigs] = r.split('_');
      const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 12);
      assert.equal(`${a}_${sha(ciphers)}_${sha(sigs === undefined ? exts : `${exts}_${sigs}`)}`, ours[i]);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('JA4 on the shared captures\' ClientHellos agrees with a reading of tshark\'s fields', { skip }, () => {
  for (const name of ['zeek-chrome-34-google.pcap', 'zeek-certificate-with-sct.pcap']) {
    const path = join(CAPTURES, name);
    const refs = tsharkFields(path, REF_FIELDS, ['-Y', 'tls.handshake.type == 1']).map((r) => reference(r, 't'));
    const ours = ourFields(path, ['tls.handshake.ja4'], ['-Y', 'tls.handshake.type == 1']);
    assert.equal(refs.length, 1, name);
    assert.deepEqual(ours, refs, name);
  }
});

test('JA4 is a field of the ClientHello the display filter selects on', async () => {
  const hello = await clientHello({ servername: 'api.example', ALPNProtocols: ['h2'] });
  const dis = new Dissector({ geoip: null });
  const d = dis.dissect(raw(frameOf(hello, 0)));
  const f = d.fields.find((x) => x.name === 'tls.handshake.ja4');
  assert.ok(f && typeof f.value === 'string');
  const r = compileDisplayFilter(`tls.handshake.ja4 == "${f.value}"`);
  assert.ok(r.ok);
  assert.equal(r.ok && r.filter.matches(d), true);
  const other = compileDisplayFilter('tls.handshake.ja4 == "t13d0000h2_000000000000_000000000000"');
  assert.equal(other.ok && other.filter.matches(d), false);
});
