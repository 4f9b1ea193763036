// Gzip-compressed captures open like the plain ones (detected by the 1f 8b
// magic, whatever the name), and a broken gzip stream still yields the
// packets decompressed before the break.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sharedCapturesSkipReason } from '../lib/env';
import { parseCaptureBuffer } from '../../main/engine/file/open';
import { captureNames, capturePath, packetKey, readAll } from './helpers';

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
