// Seeded fuzzing of the record parsers with the shared captures: truncation,
// bit flips, byte corruption and length-field tampering. Whatever the
// damage: no exception escapes, parsing ends, every packet whose record ends
// before the first damaged byte comes out identical, and what comes after is
// well-formed (or an error says where reading stopped). And every input,
// the mutations and crafted metadata bombs (gzipped), streams in bounded
// CPU time and memory, measured in a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sharedCapturesSkipReason } from '../../lib/env';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import type { RawPacket } from '../../../main/engine/types';
import { captureNames, capturePath, packetKey, readAll } from './helpers';
import { mulberry32 as rng } from '../../lib/rng';
import { block, epb, frame, idb, option, shb } from './blocks';
import type { FuzzRun } from './fuzz-child';

const skip = sharedCapturesSkipReason() ?? undefined;
const BUDGET_MS = 20_000;


interface Original {
  name: string;
  bytes: Buffer;
  packets: RawPacket[];
  /** end offset of each packet's record */
  ends: number[];
  /** offsets where a whole block/record (or the pcap header) ends */
  boundaries: Set<number>;
}

/** Block ends of a pcapng file, walked independently of the parser. */
function pcapngBoundaries(b: Buffer): number[] {
  const out: number[] = [];
  let le = true;
  for (let pos = 0; pos + 12 <= b.length;) {
    if (b.readUInt32LE(pos) === 0x0a0d0d0a) le = b.readUInt32LE(pos + 8) === 0x1a2b3c4d;
    const len = le ? b.readUInt32LE(pos + 4) : b.readUInt32BE(pos + 4);
    if (len < 12) break;
    pos += len;
    out.push(pos);
  }
  return out;
}

function load(name: string): Original {
  const bytes = readFileSync(capturePath(name));
  const r = parseCaptureBuffer(bytes);
  const ends = r.packets.map((p) => {
    const at = p.fileOffset!;
    if (r.format === 'pcap') return at + (r.pcapHeader?.modified ? 24 : 16) + p.capLen;
    const section = [...r.sections].reverse().find((s) => s.fileOffset <= at)!;
    return at + (section.bigEndian ? bytes.readUInt32BE(at + 4) : bytes.readUInt32LE(at + 4));
  });
  const boundaries = new Set(r.format === 'pcap' ? [24, ...ends] : pcapngBoundaries(bytes));
  return { name, bytes, packets: r.packets, ends, boundaries };
}

type Mutation = { kind: string; bytes: Buffer; damageAt: number };

function mutate(o: Original, rand: () => number): Mutation {
  const n = o.bytes.length;
  const pick = (): number => Math.floor(rand() * n);
  const kind = ['truncate', 'bitflip', 'bytes', 'length'][Math.floor(rand() * 4)];
  if (kind === 'truncate') {
    const at = pick();
    return { kind, bytes: Buffer.from(o.bytes.subarray(0, at)), damageAt: at };
  }
  const b = Buffer.from(o.bytes);
  if (kind === 'bitflip') {
    const flips = 1 + Math.floor(rand() * 3);
    let first = n;
    for (let i = 0; i < flips; i++) {
      const at = pick();
      b[at] ^= 1 << Math.floor(rand() * 8);
      first = Math.min(first, at);
    }
    return { kind, bytes: b, damageAt: first };
  }
  if (kind === 'bytes') {
    const at = pick();
    const len = 1 + Math.floor(rand() * 16);
    for (let i = at; i < Math.min(n, at + len); i++) b[i] = Math.floor(rand() * 256);
    return { kind, bytes: b, damageAt: at };
  }
  // Tamper with a record's length field (the riskiest place): caplen or block length.
  const i = Math.floor(rand() * Math.max(1, o.packets.length));
  const p = o.packets[i];
  const at = p ? p.fileOffset! + (o.name.endsWith('.pcapng') ? 4 : 8) : 0;
  const vals = [0, 1, 3, 0x7fffffff, 0xffffffff, 12, 16, 28, 32, 262145, o.bytes.length, Math.floor(rand() * 65536)];
  if (at + 4 <= n) b.writeUInt32LE(vals[Math.floor(rand() * vals.length)] >>> 0, at);
  return { kind, bytes: b, damageAt: at };
}

function check(o: Original, m: Mutation, label: string): ReturnType<typeof parseCaptureBuffer> {
  let r: ReturnType<typeof parseCaptureBuffer>;
  try {
    r = parseCaptureBuffer(m.bytes);
  } catch (e) {
    assert.fail(`${label}: exception escaped: ${(e as Error).stack}`);
  }
  const intact = o.ends.filter((end) => end <= m.damageAt).length;
  assert.ok(r.packets.length >= intact,
    `${label}: ${r.packets.length} packets, ${intact} were before the damage at ${m.damageAt} (${r.error?.message})`);
  for (let i = 0; i < Math.min(intact, r.packets.length); i++) {
    assert.equal(packetKey(r.packets[i]), packetKey(o.packets[i]), `${label}: packet ${i + 1} before the damage`);
  }
  r.packets.forEach((p, i) => {
    assert.equal(p.number, i + 1);
    assert.equal(p.data.length, p.capLen);
    assert.ok(p.capLen <= 262144);
  });
  if (m.kind === 'truncate') {
    // Nothing past the cut can appear, and a cut inside a record is an error at or before it.
    assert.equal(r.packets.length, intact, `${label}: truncation yields exactly the whole records`);
    if (r.error) assert.ok(r.error.offset <= m.damageAt, `${label}: error offset ${r.error.offset} after the cut`);
    else assert.ok(o.boundaries.has(m.damageAt), `${label}: a cut inside a record is reported`);
  }
  if (r.error) assert.ok(r.error.offset >= 0 && r.error.offset <= m.bytes.length, `${label}: error offset in the file`);
  return r;
}

test('seeded mutations of every shared capture: no exception, no hang, intact prefix', { skip, timeout: 120_000 }, (t) => {
  const originals = captureNames().map(load);
  const t0 = Date.now();
  let runs = 0;
  let errors = 0;
  // Round-robin over the files so a time budget cut still covers all of them.
  for (let round = 0; round < 1000 && Date.now() - t0 < BUDGET_MS; round++) {
    for (const [fi, o] of originals.entries()) {
      const seed = round * 1000 + fi;
      const rand = rng(seed);
      const m = mutate(o, rand);
      const r = check(o, m, `${o.name} seed ${seed} ${m.kind}@${m.damageAt}`);
      if (r.error) errors++;
      runs++;
    }
  }
  t.diagnostic(`${runs} mutations, ${errors} reported damage, ${Date.now() - t0} ms`);
  assert.ok(runs >= 2000, `${runs} mutations in the budget`);
  assert.ok(errors > runs / 10, `damage is noticed (${errors} errors in ${runs} runs)`);
});

test('the streaming reader agrees with the in-memory parser on mutated files', { skip, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-fuzz-'));
  try {
    const originals = captureNames().map(load);
    const f = join(dir, 'm');
    for (let i = 0; i < 300; i++) {
      const o = originals[i % originals.length];
      const m = mutate(o, rng(777_000 + i));
      const mem = parseCaptureBuffer(m.bytes);
      writeFileSync(f, m.bytes);
      let streamed: Awaited<ReturnType<typeof readAll>>;
      try {
        streamed = await readAll(f, { chunkSize: 1 + (i % 50), maxBatch: 1 + (i % 7) });
      } catch (e) {
        // Only "not a capture at all" may reject, and then the parser says the same.
        assert.equal((e as Error).message, mem.error?.message, `${o.name} #${i}`);
        continue;
      }
      assert.deepEqual(streamed.packets.map(packetKey), mem.packets.map(packetKey), `${o.name} #${i} ${m.kind}@${m.damageAt}`);
      assert.equal(streamed.file.error?.message, mem.error?.message, `${o.name} #${i}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Bounds every fuzz input must stream within. CPU time (not wall time) so a
 * busy machine cannot fail it: the largest inputs here take ~0.5 s, a
 * runaway one (an unbounded loop or copy) far more. The peak RSS bound is
 * on the whole child run: node itself takes ~50 MB, the reader's bounded
 * buffers and metadata budget ~40 MB more, and kept metadata of the bombs
 * below alone would pass it several times.
 */
const CPU_MS_PER_INPUT = 2000;
const MAX_RSS_MB = 300;

/**
 * A crafted file made to cost memory or time: small pcapng metadata blocks
 * of a few seeded kinds (custom blocks, name records, statistics, sections,
 * interfaces with options, packets with comments), which cost several times
 * their size when kept, repeated to 24-48 MB between a first and a last
 * packet, gzipped; sometimes cut short.
 */
function bomb(seed: number): Buffer {
  const rand = rng(seed);
  const int = (n: number): number => Math.floor(rand() * n);
  const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };
  const text = (n: number): string => 'x'.repeat(n);
  const makers: Array<() => Buffer> = [
    () => block(0xbad, Buffer.concat([u32(32473), Buffer.alloc(int(64))])),
    () => block(4, Buffer.concat([Buffer.from([1, 0, 12, 0, 198, 18, 0, int(256)]), Buffer.from('host.test\0\0\0'), Buffer.alloc(4)])),
    () => block(5, Buffer.concat([u32(0), u32(0), u32(1), option(1, text(int(64))), Buffer.alloc(4)])),
    () => Buffer.concat([shb('le', [option(1, text(int(64))), option(2988, Buffer.concat([u32(32473), Buffer.alloc(int(64))]))]), idb(1, 0)]),
    () => idb(1, 0, [option(2, text(int(32))), option(1, text(int(64)))]),
    () => epb(0, BigInt(int(1e9)), frame(int(128)), [option(1, text(int(64)))]),
  ];
  const unit = Buffer.concat(Array.from({ length: 1 + int(4) }, () => makers[int(makers.length)]()));
  const target = (24 + int(25)) << 20;
  const body = Buffer.concat(Array<Buffer>(Math.max(1, Math.floor(target / unit.length))).fill(unit));
  const file = gzipSync(Buffer.concat([shb(), idb(1, 0), epb(0, 1n, frame(1)), body, epb(0, 2n, frame(2))]), { level: 1 });
  return int(4) === 0 ? file.subarray(0, int(file.length)) : file;
}

function runChild(paths: string[]): Promise<FuzzRun[]> {
  const child = join(__dirname, 'fuzz-child.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [child, ...paths], { timeout: 240_000, maxBuffer: 1 << 24 }, (e, out, err) => {
      if (e) reject(new Error(`fuzz child failed: ${e.message}\n${err}`));
      else resolve(out.trim().split('\n').map((l) => JSON.parse(l) as FuzzRun));
    });
  });
}

test('every fuzz input streams within 2 s of CPU, and a run within 300 MB of peak RSS', { skip, timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-fuzz-'));
  try {
    const originals = captureNames().map(load);
    const paths: string[] = [];
    for (let i = 0; i < 120; i++) {
      const o = originals[i % originals.length];
      const m = mutate(o, rng(555_000 + i));
      const p = join(dir, `m${i}`);
      writeFileSync(p, i % 2 ? gzipSync(m.bytes) : m.bytes);
      paths.push(p);
    }
    for (let i = 0; i < 8; i++) {
      const p = join(dir, `bomb${i}`);
      writeFileSync(p, bomb(999_000 + i));
      paths.push(p);
    }
    // mutations in one child; each bomb in its own, so every peak is that input's own
    const runs = [...await runChild(paths.slice(0, 120))];
    for (const p of paths.slice(120)) runs.push(...await runChild([p]));
    assert.equal(runs.length, paths.length, 'every input was read to its end');
    const worstCpu = runs.reduce((a, b) => (b.cpuMs > a.cpuMs ? b : a));
    const worstRss = runs.reduce((a, b) => (b.maxRssMb > a.maxRssMb ? b : a));
    t.diagnostic(`${runs.length} inputs; most CPU ${worstCpu.cpuMs.toFixed(0)} ms (${worstCpu.path}), peak RSS ${worstRss.maxRssMb.toFixed(0)} MB (${worstRss.path})`);
    for (const r of runs) {
      assert.ok(r.cpuMs <= CPU_MS_PER_INPUT, `${r.path}: ${r.cpuMs.toFixed(0)} ms of CPU (${r.error})`);
      assert.ok(r.maxRssMb <= MAX_RSS_MB, `${r.path}: peak RSS ${r.maxRssMb.toFixed(0)} MB (${r.error})`);
    }
    const bombs = runs.slice(120);
    assert.ok(bombs.every((r) => r.packets >= 1), 'the packet before a bomb is read');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
