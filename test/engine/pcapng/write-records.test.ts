// `capture -w` writes the helper's records straight into EPBs
// (PcapngWriter.writeRecords, RingFileWriter.writeRecords): the file must be
// byte for byte what writing each record's RawPacket gives (writePacket, the
// path every other writer of live packets takes), whatever the records carry
// (direction, a traced program's action, a process or the reason there is
// none, no bytes at all, a jumbo frame), however the pipe split them, and
// wherever a size limit or a ring file switch falls. tshark reads it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PcapngWriter } from '../../../main/engine/pcapng/writer';
import { MemorySink } from '../../../main/engine/file/sink';
import { RingFileWriter, type RingOptions } from '../../../main/engine/file/ring';
import { HelperStreamDecoder } from '../../../main/engine/capture/protocol';
import type { RecordBatch } from '../../../main/engine/capture/records';
import { mulberry32, testSeed } from '../../lib/rng';
import { hasCommand, outputDir } from '../../lib/env';
import { frame, hello, proc, record } from '../capture/stream';
import { ethUdpFrame } from '../../lib/udp-frame';

const NO_ACTION = 0xffffffff;

/** An Ethernet/IPv4/UDP frame of `len` bytes (at least 42) whose bytes depend on n. */
function udp(n: number, len: number): Buffer {
  const b = ethUdpFrame(len, 0xc6120002 + (n & 0xff), 1024 + n, 9);
  for (let i = 42; i < len; i++) b[i] = (n * 31 + i) & 0xff;
  return b;
}

/**
 * A helper stream of `n` records, seeded: both directions, truncated
 * frames (wire length above the captured one), now and then a traced
 * program's action, a process (PROC frames, one pid reused by an exec) or
 * the reason there is none, an empty record and a jumbo one.
 */
function helperStream(seed: number, n: number): Buffer {
  const rnd = mulberry32(seed);
  const parts: Buffer[] = [hello(), proc(42, 'curl', ['/usr/bin/curl', 'curl\0-s', 'alice', '', '/user.slice'])];
  let recs: Buffer[] = [];
  const ts0 = 1_765_000_000_000_000_000n;
  for (let i = 0; i < n; i++) {
    const r = rnd();
    const len = i === 3 ? 0 : i === 5 ? 9000 : 42 + Math.floor(rnd() * 200);
    const data = len ? udp(i, len) : Buffer.alloc(0);
    const wire = r < 0.1 ? len + 1 + Math.floor(rnd() * 100) : len;
    const action = r > 0.95 ? Math.floor(rnd() * 5) : NO_ACTION;
    const attr = r < 0.3 ? 0 : r < 0.5 ? 1 : 16 + Math.floor(rnd() * 4);
    const pid = attr === 1 ? 42 : 0;
    // a timestamp whose low half wraps now and then
    recs.push(record(ts0 + BigInt(i) * 4_294_967_000n + BigInt(Math.floor(rnd() * 1e6)), wire, data, 1 + (i & 1), action, pid, attr));
    if (rnd() < 0.05 || i === n - 1) {
      parts.push(frame(2, Buffer.concat(recs)));
      recs = [];
      if (i === n >> 1) parts.push(proc(42, 'wget', ['/usr/bin/wget', 'wget', 'alice', '', '/user.slice']));
    }
  }
  return Buffer.concat(parts);
}

/** The stream decoded as the pipe delivers it: in chunks of random sizes. */
function batchesOf(stream: Buffer, seed: number): RecordBatch[] {
  const rnd = mulberry32(seed);
  const out: RecordBatch[] = [];
  const d = new HelperStreamDecoder({ hello: () => {}, packets: (b) => out.push(b), stats: () => {}, reply: () => {} });
  for (let at = 0; at < stream.length;) {
    const n = 1 + Math.floor(rnd() * (rnd() < 0.5 ? 300 : 70_000));
    d.push(stream.subarray(at, at + n));
    at += n;
  }
  assert.ok(d.atBoundary);
  return out;
}

const IFACE = { linkType: 1, snaplen: 262144, name: 'veth0', description: 'XDP native mode, prog id 7' };

function writer(tsUnitNs?: number): { w: PcapngWriter; sink: MemorySink } {
  const sink = new MemorySink();
  const w = new PcapngWriter(sink, { bufferBytes: 4096 });
  w.addInterface({ ...IFACE, ...(tsUnitNs ? { tsUnitNs } : {}) });
  return { w, sink };
}

describe('writing capture records as EPBs', () => {
  const seed = testSeed('write-records', 19);
  const stream = helperStream(seed, 600);

  it('gives the bytes writePacket gives for each record, however the pipe split the records', () => {
    const expected = writer();
    for (const b of batchesOf(stream, seed)) for (const p of b.packets()) expected.w.writePacket(0, p.tsNs!, p.data, p.origLen, undefined, p);
    expected.w.close();
    for (let k = 0; k < 5; k++) {
      const got = writer();
      let n = 0;
      for (const b of batchesOf(stream, seed + 1 + k)) n += got.w.writeRecords(0, b);
      got.w.close();
      assert.equal(n, 600);
      assert.equal(got.w.packetsWritten, 600);
      assert.ok(got.sink.bytes().equals(expected.sink.bytes()), `split ${k}: the same bytes`);
    }
  });

  it('converts timestamps to another unit as writePacket does', () => {
    const expected = writer(1000);
    const got = writer(1000);
    for (const b of batchesOf(stream, seed)) {
      for (const p of b.packets()) expected.w.writePacket(0, p.tsNs!, p.data, p.origLen, undefined, p);
      got.w.writeRecords(0, b);
    }
    expected.w.close();
    got.w.close();
    assert.ok(got.sink.bytes().equals(expected.sink.bytes()));
  });

  it('writes a range of a batch and stops after the record that reaches the size limit', () => {
    const batches = batchesOf(stream, seed);
    const big = batches.find((b) => b.count >= 10)!;
    const limit = 1000;
    // what capture -a filesize does record by record
    const expected = writer();
    let want = 2;
    for (; want < big.count; want++) {
      const p = big.packet(want);
      expected.w.writePacket(0, p.tsNs!, p.data, p.origLen, undefined, p);
      if (expected.w.bytesWritten + expected.w.pendingBytes >= limit) { want++; break; }
    }
    assert.ok(want < big.count, 'the limit falls inside the batch');
    const got = writer();
    assert.equal(got.w.writeRecords(0, big, 2, big.count, limit), want);
    assert.equal(got.w.writeRecords(0, big, 2, 2), 2, 'an empty range writes nothing');
    expected.w.close();
    got.w.close();
    assert.ok(got.sink.bytes().equals(expected.sink.bytes()));
  });

  it('switches ring files where writePacket switches them', () => {
    const t = new Date(2026, 11, 7, 6, 30, 0).getTime();
    const cases: RingOptions[] = [{ filesizeKB: 7, files: 3 }, { packets: 37 }, { packets: 50, filesizeKB: 5 }];
    for (const opts of cases) {
      const run = (batched: boolean): Map<string, Buffer> => {
        const dir = mkdtempSync(join(outputDir('pcapng'), 'write-records-'));
        const w = new RingFileWriter(join(dir, 'lab.pcapng'), opts, { interfaces: [IFACE], now: () => t });
        let n = 0;
        for (const b of batchesOf(stream, seed)) {
          if (batched) n += w.writeRecords(0, b);
          else for (const p of b.packets()) if (w.writePacket(0, p.tsNs!, p.data, p.origLen, p)) n++;
        }
        w.close();
        assert.equal(n, 600);
        return new Map(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));
      };
      const a = run(false), b = run(true);
      assert.ok(a.size > 1, `${JSON.stringify(opts)} switches files`);
      assert.deepEqual([...b.keys()], [...a.keys()], JSON.stringify(opts));
      for (const [f, bytes] of a) assert.ok(b.get(f)!.equals(bytes), `${JSON.stringify(opts)}: ${f} the same bytes`);
    }
  });

  it('stops at the ring\'s last file (-a files:N) and says how many records went in', () => {
    const dir = mkdtempSync(join(outputDir('pcapng'), 'write-records-'));
    const w = new RingFileWriter(join(dir, 'lab.pcapng'), { packets: 100 }, { interfaces: [IFACE], now: () => 0, stopAfterFiles: 2 });
    let n = 0;
    for (const b of batchesOf(stream, seed)) n += w.writeRecords(0, b);
    w.close();
    assert.equal(n, 200);
    assert.equal(w.done, true);
    assert.equal(readdirSync(dir).length, 2);
  });

  it('is read by tshark: every frame, its direction, lengths and times', { skip: hasCommand('tshark') ? false : 'no tshark' }, () => {
    const got = writer();
    const batches = batchesOf(stream, seed);
    for (const b of batches) got.w.writeRecords(0, b);
    got.w.close();
    const file = join(mkdtempSync(join(outputDir('pcapng'), 'write-records-')), 'records.pcapng');
    writeFileSync(file, got.sink.bytes(), { mode: 0o600 });
    const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.packet_flags_direction',
      '-e', 'frame.cap_len', '-e', 'frame.len', '-e', 'frame.time_epoch'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const rows = out.trim().split('\n').map((l) => l.split('\t'));
    const packets = batches.flatMap((b) => b.packets());
    assert.equal(rows.length, packets.length);
    for (const [i, p] of packets.entries()) {
      const ts = `${p.tsNs! / 1_000_000_000n}.${String(p.tsNs! % 1_000_000_000n).padStart(9, '0')}`;
      assert.deepEqual(rows[i], [String(i + 1), `0x${p.flags!.toString(16).padStart(8, '0')}`, String(p.capLen), String(Math.max(p.origLen, p.capLen)), ts], `frame ${i + 1}`);
    }
  });
});
