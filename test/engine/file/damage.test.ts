// Damaged and unusual files: every packet before the damage is yielded, then
// a CaptureFileError says where (offset, block) and why. Plus the pcapng
// features the corpus does not exercise (power-of-2 resolution, if_tsoffset,
// OPB, packet comments, unknown blocks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sharedCapturesSkipReason } from '../../lib/env';
import { openCaptureFile, parseCaptureBuffer } from '../../../main/engine/file/open';
import { CaptureFileError } from '../../../main/engine/file/errors';
import { openSession } from '../../../main/engine/session/open';
import { metaNotice } from '../../../main/engine/file/budget';
import { block, epb, frame, idb, opb, option, pcapHeader, pcapRecord, shb, spb } from './blocks';
import { capturePath, readAll } from './helpers';

const skip = sharedCapturesSkipReason() ?? undefined;

test('a pcap whose last record header is cut short: the packet before it, then record 2 at offset 240', { skip }, async () => {
  const { file, packets } = await readAll(capturePath('kbandla-truncated_dns_2.pcap'));
  assert.equal(packets.length, 1);
  assert.ok(file.error instanceof CaptureFileError);
  assert.equal(file.error.offset, 240);
  assert.equal(file.error.block, 2);
  assert.equal(file.error.message, 'pcap: record 2 at offset 240: truncated: record header needs 16 bytes, only 7 remain');
});

test('an SHB of version 2.0 stops reading there, as tshark does, after the first section\'s packet', { skip }, async () => {
  const { file, packets } = await readAll(capturePath('gopacket-le-test901.pcapng'));
  assert.equal(packets.length, 1);
  assert.equal(file.sections.length, 1);
  assert.equal(file.error?.message, 'pcapng: block 4 at offset 480: unknown SHB version 2.0');
  assert.deepEqual([file.error?.offset, file.error?.block, file.error?.reason], [480, 4, 'unknown SHB version 2.0']);
});

const head = Buffer.concat([shb(), idb(1, 65535)]);
const good = epb(0, 1000n, frame(1));

/** Parses `bytes` both ways and checks both agree; returns the in-memory result. */
async function both(bytes: Buffer): Promise<ReturnType<typeof parseCaptureBuffer>> {
  const mem = parseCaptureBuffer(bytes);
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-fmt-'));
  try {
    const p = join(dir, 'f');
    writeFileSync(p, bytes);
    const { file, packets } = await readAll(p, { chunkSize: 64 });
    assert.equal(packets.length, mem.packets.length);
    assert.equal(file.error?.message, mem.error?.message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return mem;
}

test('pcapng damage of every kind is reported with block number, offset and reason', async () => {
  const at = head.length + good.length; // the damaged block follows one good packet
  const cases: Array<[string, Buffer, string]> = [
    ['total length below the EPB minimum', block(6, Buffer.alloc(0), 'le', 12),
      `pcapng: block 4 at offset ${at}: block total length 12 of an EPB is smaller than the minimum 32`],
    ['total length not a multiple of 4', block(6, Buffer.alloc(40), 'le', 50), `block total length 50 is not a multiple of 4`],
    ['huge total length', block(6, Buffer.alloc(40), 'le', 0xfffffff0), 'block total length 4294967280 is too large (> 16777216)'],
    ['trailing length differs', (() => { const b = Buffer.from(good); b.writeUInt32LE(36, b.length - 4); return b; })(),
      `total block lengths (first ${good.length} and second 36) don't match`],
    ['unknown interface', epb(3, 0n, frame(2)), 'interface index 3 is not less than section interface count 1'],
    ['captured length past the block', (() => { const b = Buffer.from(good); b.writeUInt32LE(1000, 20); return b; })(),
      `captured length 1000 does not fit in a block of total length ${good.length}`],
    ['option running past the block', epb(0, 0n, frame(2), [Buffer.from([1, 0, 200, 0])]), 'option 1 length 200 runs past the end of the block'],
    ['block cut short', good.subarray(0, 40), `truncated: block of ${good.length} bytes, only 40 remain`],
    ['block header cut short', good.subarray(0, 7), 'truncated: block header needs 12 bytes, only 7 remain'],
    ['bad byte-order magic', (() => { const b = shb(); b.writeUInt32LE(0x12345678, 8); return b; })(), 'unknown byte-order magic number 0x12345678'],
  ];
  for (const [what, bad, reason] of cases) {
    const truncation = reason.startsWith('truncated');
    const r = await both(Buffer.concat([head, good, bad, ...(truncation ? [] : [good])]));
    assert.equal(r.packets.length, 1, `${what}: the packet before the damage`);
    assert.ok(r.error, `${what}: error`);
    assert.equal(r.error.block, 4, what);
    assert.equal(r.error.offset, at, what);
    assert.ok(r.error.message.endsWith(reason), `${what}: ${r.error.message}`);
  }
});

test('pcap damage: oversized record and truncated data', async () => {
  const h = pcapHeader();
  const rec = pcapRecord(1, 2, frame(1));
  const big = await both(Buffer.concat([h, rec, pcapRecord(1, 2, frame(2), 'le', 300000)]));
  assert.equal(big.packets.length, 1);
  assert.equal(big.error?.message, `pcap: record 2 at offset ${24 + rec.length}: captured length 300000 is bigger than the maximum 262144`);
  const cut = await both(Buffer.concat([h, rec, rec.subarray(0, 30)]));
  assert.equal(cut.packets.length, 1);
  assert.equal(cut.error?.reason, 'truncated: record of 76 bytes (captured length 60), only 30 remain');
  const hdr = await both(h.subarray(0, 10));
  assert.equal(hdr.error?.block, 0);
});

test('not a capture: openCaptureFile rejects, parseCaptureBuffer reports', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-fmt-'));
  try {
    for (const [bytes, reason] of [
      [Buffer.from('GET / HTTP/1.1\r\n'), 'file is not a capture file (neither pcap nor pcapng)'],
      [Buffer.alloc(0), 'file is too short (0 bytes) to be a capture'],
    ] as const) {
      const p = join(dir, 'x');
      writeFileSync(p, bytes);
      await assert.rejects(openCaptureFile(p), (e: unknown) => e instanceof CaptureFileError && e.reason === reason);
      assert.equal(parseCaptureBuffer(bytes).error?.reason, reason);
    }
    await assert.rejects(openCaptureFile(join(dir, 'missing')), { code: 'ENOENT' });
    const noShb = parseCaptureBuffer(Buffer.concat([shb().subarray(0, 0), head.subarray(0, 4), Buffer.alloc(8)]));
    assert.ok(noShb.error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('not a capture: the error says so without quoting any of the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-fmt-'));
  try {
    const secret = Buffer.from('root:$6$s3cr3t$hash:19000:0:99999:7:::\n');
    const quoted = (msg: string): boolean =>
      msg.includes('root') || /72 ?6f ?6f ?74|726f6f74|0x74|746f6f72/i.test(msg);
    for (const [name, bytes, what] of [
      ['shadow', secret, 'file'],
      ['shadow.gz', gzipSync(secret), 'decompressed file'],
    ] as const) {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      const reason = `${what} is not a capture file (neither pcap nor pcapng)`;
      await assert.rejects(openCaptureFile(p), (e: unknown) => e instanceof CaptureFileError && e.reason === reason && !quoted(e.message));
      assert.equal(parseCaptureBuffer(bytes).error?.reason, reason);
      await assert.rejects(openSession(p), (e: Error) => /not a capture file/.test(e.message) && !quoted(e.message));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pcapng: power-of-2 and power-of-10 resolutions, if_tsoffset, OPB, SPB, comments, unknown blocks', async () => {
  const r = await both(Buffer.concat([
    shb('le', [option(1, 'section note'), option(4, 'maker')]),
    idb(1, 0, [option(2, 'p2'), option(9, Buffer.from([0x80 | 20]))]), // 2^-20 s ticks
    idb(101, 0, [option(9, Buffer.from([12])), option(14, Buffer.from([10, 0, 0, 0, 0, 0, 0, 0]))]), // ps, +10 s
    idb(228, 0, [option(3, 'µs default'), option(1, 'if note')]),
    block(0x0000abcd, Buffer.from('an unknown block')),
    epb(0, (5n << 20n) + (1n << 19n), frame(1), [option(1, 'first'), option(1, 'second')]),
    epb(1, 1_500_000_000_000n, frame(2)),
    opb(2, 7_000_001n, frame(3)),
    spb(100, frame(4, 100)),
    block(10, Buffer.alloc(16)), // Decryption Secrets Block: skipped
  ]));
  assert.equal(r.error, null);
  assert.deepEqual(r.packets.map((p) => p.tsNs), [5_500_000_000n, 11_500_000_000n, 7_000_001_000n, null]);
  assert.deepEqual(r.packets.map((p) => p.linkType), [1, 101, 228, 1]);
  assert.deepEqual(r.packets[0].comments, ['first', 'second']);
  assert.equal(r.packets[1].comments, undefined);
  assert.deepEqual(r.interfaces.map((i) => i.tsUnitNs), [1e9 / 2 ** 20, 0.001, 1000]);
  assert.equal(r.interfaces[1].tsOffsetSec, 10);
  assert.deepEqual(r.interfaces[2].comments, ['if note']);
  assert.equal(r.interfaces[2].description, 'µs default');
  assert.deepEqual(r.sections[0].comments, ['section note']);
  assert.equal(r.sections[0].userAppl, 'maker');
});

test('an SPB needs an IDB in its section; a new section restarts interface numbering', async () => {
  const r = await both(Buffer.concat([shb(), spb(60, frame(1))]));
  assert.equal(r.error?.reason, 'SPB appeared before any IDB in the section');
  const two = await both(Buffer.concat([head, good, shb('be'), idb(0, 0, [], 'be'), epb(0, 1n, frame(2), [], 'be'), epb(1, 1n, frame(2), [], 'be')]));
  assert.deepEqual(two.packets.map((p) => [p.interfaceId, p.linkType, p.tsNs]), [[0, 1, 1_000_000n], [1, 0, 1000n]]);
  assert.equal(two.error?.reason, 'interface index 1 is not less than section interface count 1');
});

test('pcap variants: big-endian nanosecond and the modified (a1b2cd34) format', async () => {
  const be = await both(Buffer.concat([pcapHeader({ e: 'be', magic: 0xa1b23c4d, linkType: 113 }), pcapRecord(3, 7, frame(1), 'be')]));
  assert.deepEqual(be.packets.map((p) => [p.tsNs, p.linkType]), [[3_000_000_007n, 113]]);
  const modRec = Buffer.concat([pcapRecord(3, 7, Buffer.alloc(0), 'le', 60, 60), Buffer.alloc(8), frame(1)]);
  const mod = await both(Buffer.concat([pcapHeader({ magic: 0xa1b2cd34 }), modRec, modRec]));
  assert.equal(mod.error, null);
  assert.deepEqual(mod.packets.map((p) => [p.tsNs, p.capLen, p.data[0]]), [[3_000_007_000n, 60, 1], [3_000_007_000n, 60, 1]]);
});

test('metadata past the budget: lists keep the first records, interface ids stay the file\'s, packets all decode', () => {
  const n = 40_000;
  const idbs = Array.from({ length: n }, (_, i) => idb(i === n - 1 ? 101 : 1, 0, [option(3, 'd'.repeat(300))]));
  const r = parseCaptureBuffer(Buffer.concat([shb(), ...idbs, epb(0, 1n, frame(1)), epb(n - 1, 2n, frame(2))]));
  assert.equal(r.error, null);
  assert.ok(r.interfaces.length > 1000 && r.interfaces.length < n, `${r.interfaces.length} interfaces listed`);
  assert.ok(r.interfaces.every((f, i) => f.id === i), 'the listed ones are the first, with their own ids');
  assert.equal(r.dropped?.['interface descriptions'], n - r.interfaces.length);
  assert.deepEqual(r.packets.map((p) => [p.interfaceId, p.linkType]), [[0, 1], [n - 1, 101]]);
  assert.match(metaNotice(r) ?? '', /^the file's metadata is larger than the 16 MiB kept in memory; dropped after the first ones: .*[\d,]+ interface descriptions/);
  assert.equal(metaNotice(parseCaptureBuffer(Buffer.concat([shb(), idb(1, 0)]))), null);
});

test('more than 65536 interfaces in one section is damage, after the packets before it', () => {
  const idbs = Buffer.concat(Array.from({ length: 65536 }, () => idb(1, 0)));
  const r = parseCaptureBuffer(Buffer.concat([shb(), idbs, epb(0, 1n, frame(1)), idb(1, 0), epb(0, 2n, frame(2))]));
  assert.equal(r.packets.length, 1);
  assert.equal(r.error?.reason, 'more than 65536 interfaces in one section');
  assert.equal(r.error?.block, 1 + 65536 + 1 + 1);
});
