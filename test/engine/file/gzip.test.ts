// Gzip-compressed captures open like the plain ones (detected by the 1f 8b
// magic, whatever the name), and a broken gzip stream still yields the
// packets decompressed before the break.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sharedCapturesSkipReason } from '../../lib/env';
import { execFile } from 'node:child_process';
import { openCaptureFile, parseCaptureBuffer } from '../../../main/engine/file/open';
import { captureNames, capturePath, packetKey, readAll } from './helpers';
import { CLI } from '../../lib/env';
import { EngineService } from '../../../main/engine/service/service';
import { openLoaded } from '../../lib/service';
import { pcapFile } from '../../lib/pcap';

const skip = sharedCapturesSkipReason() ?? undefined;

test('every shared capture, gzipped under a name without .gz, reads exactly like the original', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-gz-'));
  try {
    for (const name of captureNames()) {
      const plain = await readAll(capturePath(name));
      const gz = join(dir, name); // same name: detection must not rely on ".gz"
      writeFileSync(gz, gzipSync(readFileSync(capturePath(name))));
      for (const opts of [{}, { chunkSize: 100, maxBatch: 2 }]) {
        const z = await readAll(gz, opts);
        assert.equal(z.file.compressed, true);
        assert.equal(z.file.format, plain.file.format);
        assert.deepEqual(z.packets.map(packetKey), plain.packets.map(packetKey), name);
        assert.deepEqual(z.packets.map((p) => p.fileOffset), plain.packets.map((p) => p.fileOffset), `${name}: offsets in the decompressed file`);
        assert.equal(z.file.error?.message, plain.file.error?.message, name);
        assert.deepEqual(z.file.interfaces, plain.file.interfaces);
        assert.deepEqual(z.file.customBlocks, plain.file.customBlocks);
      }
      const mem = parseCaptureBuffer(gzipSync(readFileSync(capturePath(name))));
      assert.equal(mem.compressed, true);
      assert.deepEqual(mem.packets.map(packetKey), plain.packets.map(packetKey), `${name} in memory`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a truncated or corrupted gzip file yields the packets before the break, then a gzip error', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-gz-'));
  try {
    const name = 'zeek-100-continue.pcap';
    const plain = await readAll(capturePath(name));
    const z = gzipSync(readFileSync(capturePath(name)), { level: 1 });
    const cut = join(dir, 'cut');
    writeFileSync(cut, z.subarray(0, Math.floor(z.length * 0.6)));
    for (const opts of [{}, { chunkSize: 1000 }]) {
      const r = await readAll(cut, opts);
      assert.ok(r.packets.length > 10 && r.packets.length < plain.packets.length, `${r.packets.length} packets before the cut`);
      assert.deepEqual(r.packets.map(packetKey), plain.packets.slice(0, r.packets.length).map(packetKey));
      assert.equal(r.file.error?.format, 'gzip');
      assert.match(r.file.error?.reason ?? '', /truncated gzip file/);
      assert.equal(r.file.error?.block, r.packets.length + 1, 'names the record the stream broke in');
      const mem = parseCaptureBuffer(readFileSync(cut));
      assert.equal(mem.packets.length, r.packets.length);
      assert.equal(mem.error?.message, r.file.error?.message);
    }
    // Corrupt the deflate data in the middle: an error, never an exception.
    const bad = Buffer.from(z);
    for (let i = 0; i < 64; i++) bad[Math.floor(z.length / 2) + i] ^= 0x5a;
    const corrupt = join(dir, 'corrupt');
    writeFileSync(corrupt, bad);
    const r = await readAll(corrupt);
    assert.ok(r.file.error, 'corruption reported');
    // Deflate decodes garbage for a while before the CRC gives it away, so only
    // the packets well before the corrupted middle are sure to be intact.
    assert.ok(r.packets.length >= 10);
    assert.deepEqual(r.packets.slice(0, 10).map(packetKey), plain.packets.slice(0, 10).map(packetKey));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs `xdpscope read -r path`: exit code, printed lines, stderr. */
function cliRead(path: string): Promise<{ code: number | null; lines: number; stderr: string }> {
  return new Promise((resolve) => {
    const c = execFile(process.execPath, [CLI, 'read', '-r', path], { timeout: 60_000 }, (_e, out, stderr) =>
      resolve({ code: c.exitCode, lines: out.split('\n').filter((l) => l).length, stderr }));
  });
}

/** Opens path in a fresh engine service and waits until it is read. */
async function serviceOpen(path: string): Promise<EngineService> {
  process.env.XDPSCOPE_CONFIG_DIR ??= mkdtempSync(join(tmpdir(), 'xs-config-'));
  const s = new EngineService({ emit: () => undefined });
  await openLoaded(s, path);
  return s;
}

test('a small gzip whose trailer (CRC-32, length) is bad or cut keeps every packet, then reports the damage', { skip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-gz-'));
  try {
    const name = 'zeek-post.pcap';
    const raw = readFileSync(capturePath(name));
    const plain = await readAll(capturePath(name));
    const z = gzipSync(raw);
    const damaged = (f: (b: Buffer) => Buffer): Buffer => f(Buffer.from(z));
    for (const [label, bytes, reason] of [
      ['bad CRC-32', damaged((b) => { b[b.length - 8] ^= 0xff; return b; }), /CRC-32 does not match/],
      ['bad length', damaged((b) => { b[b.length - 1] ^= 0x01; return b; }), /length field does not match/],
      ['cut trailer', z.subarray(0, z.length - 5), /truncated gzip file/],
    ] as const) {
      const p = join(dir, label.replace(/\W/g, '_'));
      writeFileSync(p, bytes);
      for (const opts of [{}, { chunkSize: 100, maxBatch: 3 }]) {
        const r = await readAll(p, opts);
        assert.deepEqual(r.packets.map(packetKey), plain.packets.map(packetKey), `${label}: every packet`);
        assert.equal(r.file.error?.format, 'gzip', label);
        assert.equal(r.file.error?.offset, raw.length, `${label}: damage named at the end of the data`);
        assert.equal(r.file.error?.block, plain.packets.length + 1, label);
        assert.match(r.file.error?.reason ?? '', reason, label);
      }
      const mem = parseCaptureBuffer(bytes);
      assert.equal(mem.packets.length, plain.packets.length, `${label} in memory`);
      assert.match(mem.error?.message ?? '', reason);

      const cli = await cliRead(p);
      assert.equal(cli.code, 2, `${label}: ${cli.stderr}`);
      assert.equal(cli.lines, plain.packets.length, `${label}: xdpscope read prints every packet`);
      assert.match(cli.stderr, new RegExp(`damaged at offset ${raw.length} \\(gzip block ${plain.packets.length + 1}\\)`));

      const s = await serviceOpen(p);
      assert.equal(s.status().state, 'done', label);
      assert.equal(s.rows(0, 100).number.length, plain.packets.length, `${label}: the service shows every packet`);
      assert.equal(s.status().fileError?.offset, raw.length, label);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a small gzip cut in its compressed data keeps the packets before the cut, in read and in the service', { skip, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-gz-'));
  try {
    const name = 'zeek-post.pcap';
    const plain = await readAll(capturePath(name));
    const z = gzipSync(readFileSync(capturePath(name)));
    const p = join(dir, 'cut.pcap.gz');
    writeFileSync(p, z.subarray(0, Math.floor(z.length * 0.7)));
    const r = await readAll(p);
    assert.ok(r.packets.length > 3 && r.packets.length < plain.packets.length, `${r.packets.length} packets`);
    assert.deepEqual(r.packets.map(packetKey), plain.packets.slice(0, r.packets.length).map(packetKey));
    assert.match(r.file.error?.reason ?? '', /truncated gzip file/);
    const cli = await cliRead(p);
    assert.equal(cli.code, 2);
    assert.equal(cli.lines, r.packets.length);
    const s = await serviceOpen(p);
    assert.equal(s.rows(0, 100).number.length, r.packets.length);
    assert.equal(s.status().fileError?.offset, r.file.error?.offset);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a large gzip with a bad CRC-32, read slowly (output waiting to be taken), loses no packet', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-gz-'));
  try {
    // 10 MB of records, well above the 4 MiB of inflated output the reader lets wait
    const N = 20_000;
    const frames = Array.from({ length: N }, (_, i) => { const d = Buffer.alloc(500, i & 0xff); d.writeUInt32LE(i, 0); return d; });
    const z = gzipSync(pcapFile(frames, { usAt: (i) => i * 1_000_000 }), { level: 1 });
    z[z.length - 8] ^= 0xff;
    const p = join(dir, 'big.pcap.gz');
    writeFileSync(p, z);
    const f = await openCaptureFile(p, { chunkSize: 1 << 16 });
    let n = 0;
    for await (const b of f.batches()) {
      for (const pk of b) assert.equal(Buffer.from(pk.data).readUInt32LE(0), n++);
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(n, N);
    assert.match(f.error?.reason ?? '', /CRC-32 does not match/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
