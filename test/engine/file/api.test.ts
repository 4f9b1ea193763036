// The reader's API contract beyond the packets: metadata known right after
// open, packets() one by one, single pass, progress, early stop and close().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedCapturesSkipReason } from '../../lib/env';
import { openCaptureFile, parseCaptureBuffer } from '../../../main/engine/file/open';
import { capturePath, packetKey, readAll } from './helpers';

const skip = sharedCapturesSkipReason() ?? undefined;

test('format, interfaces and sections are known as soon as the file is open', { skip }, async () => {
  const f = await openCaptureFile(capturePath('gopacket-le-test202.pcapng'));
  try {
    assert.equal(f.format, 'pcapng');
    assert.ok(f.interfaces.length >= 2, 'IDBs of the first chunk are read');
    assert.equal(f.sections[0].comments?.[0], 'test202 SHB-0');
    const p = await openCaptureFile(capturePath('zeek-post.pcap'));
    assert.equal(p.format, 'pcap');
    assert.deepEqual([p.interfaces.length, p.interfaces[0].linkType, p.pcapHeader?.snaplen], [1, 1, 65535]);
    await p.close();
  } finally {
    await f.close();
  }
});

test('packets() yields what batches() does, one at a time; a second pass is refused', { skip }, async () => {
  const all = await readAll(capturePath('zeek-100-continue.pcap'));
  const f = await openCaptureFile(capturePath('zeek-100-continue.pcap'), { maxBatch: 7 });
  const one: string[] = [];
  for await (const p of f.packets()) one.push(packetKey({ ...p, data: p.data.slice() }));
  assert.deepEqual(one, all.packets.map(packetKey));
  assert.equal(f.packetCount, 66);
  assert.equal(f.offset, f.size, 'parsed to the end');
  await assert.rejects(async () => {
    for await (const _ of f.batches()) { /* nothing */ }
  }, /only once/);
});

test('progress grows while reading; breaking out early or closing stops cleanly', { skip }, async () => {
  const f = await openCaptureFile(capturePath('zeek-100-continue.pcap'), { chunkSize: 4096, maxBatch: 5 });
  const seen: number[] = [];
  for await (const _ of f.batches()) {
    seen.push(f.bytesRead);
    if (seen.length === 10) break; // the generator's finally closes the file
  }
  assert.ok(seen[0] < f.size && seen[9] > seen[0] && seen[9] < f.size, `bytesRead ${seen.join(',')} of ${f.size}`);
  assert.equal(f.error, null);

  const g = await openCaptureFile(capturePath('zeek-100-continue.pcap'), { chunkSize: 4096, maxBatch: 5 });
  let n = 0;
  for await (const b of g.batches()) {
    n += b.length;
    if (n >= 10) await g.close(); // closing mid-iteration ends it without an exception
  }
  assert.ok(n >= 10 && n < 66, `${n} packets before close`);
});

test('closing a gzip capture while a read waits does not hang', { skip }, async () => {
  const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const { gzipSync } = await import('node:zlib');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-api-'));
  try {
    const p = join(dir, 'c.pcap.gz');
    writeFileSync(p, gzipSync(readFileSync(capturePath('zeek-100-continue.pcap'))));
    const f = await openCaptureFile(p, { chunkSize: 2048, maxBatch: 1 });
    const it = f.batches()[Symbol.asyncIterator]();
    await it.next();
    const pending = it.next();
    await f.close();
    await pending; // resolves (with or without a batch): no hang
    let more = 0;
    while (!(await it.next()).done) more++;
    assert.ok(more < 66);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a large file read with the next chunk in flight yields exactly the packets of one whole-buffer parse, also when it grows', { skip }, async () => {
  const { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-ahead-'));
  try {
    // ~2.8 MB of classic pcap: dozens of 64 KiB chunks, records straddling every boundary
    const src = readFileSync(capturePath('zeek-100-continue.pcap'));
    const body = src.subarray(24);
    const p = join(dir, 'big.pcap');
    writeFileSync(p, Buffer.concat([src, ...Array.from({ length: 40 }, () => body)]));
    const whole = parseCaptureBuffer(readFileSync(p)).packets.map(packetKey);
    const streamed = (await readAll(p, { chunkSize: 1 << 16, maxBatch: 500 })).packets.map(packetKey);
    assert.equal(streamed.length, 66 * 41);
    assert.deepEqual(streamed, whole);

    // Bytes appended while the file is being read are read too: a short read ahead is not taken as the end.
    const f = await openCaptureFile(p, { chunkSize: 1 << 16, maxBatch: 100 });
    let n = 0, appended = false;
    for await (const b of f.batches()) {
      n += b.length;
      if (!appended) { appendFileSync(p, Buffer.concat(Array.from({ length: 5 }, () => body))); appended = true; }
    }
    assert.equal(n, 66 * 46);
    assert.equal(f.error, null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
