// The streaming reader hands a finished read-ahead over as the next chunk
// (the chunk's unparsed tail copied in front of it) instead of copying its
// bytes again: records cut by a chunk's end, small or larger than the room
// kept for the tail, must come out whole and in order either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaptureFile, parseCaptureBuffer } from '../../../main/engine/file/open';
import { mulberry32, testSeed } from '../../lib/rng';
import { pcapFile, T0_US } from '../../lib/pcap';

/** A classic pcap of `n` records of mixed sizes, up to 200 KB (well beyond the reader's 64 KiB tail room). */
function pcap(n: number, rnd: () => number, sizes = [60, 1514, 9000, 70000, 200000]): Buffer {
  const frames: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const data = Buffer.alloc(sizes[Math.floor(rnd() * sizes.length)] - Math.floor(rnd() * 50));
    for (let j = 0; j < data.length; j += 997) data[j] = (i + j + 16) & 255;
    data.writeUInt32LE(i, 0);
    frames.push(data);
  }
  return pcapFile(frames, { usAt: (i) => T0_US + i * 1_000_000 + (i % 1_000_000) });
}

test('records across chunk ends come out as the whole-file parser reads them', async () => {
  const rnd = mulberry32(testSeed('read-ahead', 19));
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-read-ahead-'));
  try {
    const path = join(dir, 'mixed.pcap');
    writeFileSync(path, pcap(300, rnd));
    const want = parseCaptureBuffer(readFileSync(path)).packets;
    assert.equal(want.length, 300);
    // 64 KiB chunks: most records straddle an end, some tails are larger than the room before a read-ahead
    for (const chunkSize of [1 << 16, 1 << 17, undefined]) {
      const f = await openCaptureFile(path, chunkSize === undefined ? {} : { chunkSize });
      let i = 0;
      for await (const batch of f.batches()) {
        for (const p of batch) {
          const w = want[i++];
          assert.equal(p.number, w.number, `chunk ${chunkSize}: packet ${i}`);
          assert.ok(Buffer.from(p.data).equals(Buffer.from(w.data)), `chunk ${chunkSize}: bytes of packet ${i}`);
          assert.equal(p.fileOffset, w.fileOffset);
        }
      }
      assert.equal(f.error, null);
      assert.equal(i, want.length, `chunk ${chunkSize}: every packet`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('recycled chunks: each batch reads as the whole-file parser reads it, in few buffers', async () => {
  const rnd = mulberry32(testSeed('read-ahead', 20));
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-read-ahead-'));
  try {
    const path = join(dir, 'mixed.pcap');
    // records of a chunk's size and beyond take the copying path, the rest the recycled read-aheads
    for (const [n, sizes] of [[300, undefined], [600, [60, 1514, 9000]]] as const) {
    writeFileSync(path, pcap(n, rnd, sizes === undefined ? undefined : [...sizes]));
      const want = parseCaptureBuffer(readFileSync(path)).packets;
      for (const chunkSize of [1 << 16, 1 << 17, undefined]) {
        const f = await openCaptureFile(path, chunkSize === undefined ? {} : { chunkSize });
        f.recycleChunks();
        let i = 0;
        const buffers = new Set<ArrayBufferLike>();
        let batches = 0;
        for await (const batch of f.batches()) {
          batches++;
          // a batch is valid until the next one is asked for: checked now, nothing kept
          for (const p of batch) {
            const w = want[i++];
            buffers.add(p.data.buffer);
            assert.ok(Buffer.from(p.data).equals(Buffer.from(w.data)), `chunk ${chunkSize}: bytes of packet ${i}`);
            assert.equal(p.fileOffset, w.fileOffset);
          }
        }
        assert.equal(f.error, null);
        assert.equal(i, want.length, `chunk ${chunkSize}: every packet`);
        // spent chunks are read into again: a handful of buffers for many chunks
        if (chunkSize === 1 << 16 && sizes !== undefined) {
          assert.ok(batches > 20, `${batches} batches`);
          assert.ok(buffers.size <= 6, `${buffers.size} buffers for ${batches} batches`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
