// Writing: read → write pcapng → read gives the same packets, ns timestamps
// and comments; tshark and capinfos read what we wrote without a word on
// stderr; flush() leaves a valid file at every moment of a live capture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, sharedCapturesSkipReason } from '../../lib/env';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { MemorySink } from '../../../main/engine/file/sink';
import { PcapngWriter } from '../../../main/engine/pcapng/writer';
import { PcapWriter } from '../../../main/engine/pcap/writer';
import { LinkType, type RawPacket } from '../../../main/engine/types';
import { captureNames, capturePath, packetKey, readAll } from './helpers';

const skip = sharedCapturesSkipReason() ?? undefined;
const noTshark = hasCommand('tshark') && hasCommand('capinfos') ? undefined : 'tshark/capinfos not installed';
const PEN = 32473; // RFC 5612 documentation PEN

function tmp(): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-fmt-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copies a file's packets into a pcapng writer (interfaces in file order), with a comment on every 3rd packet. */
async function copyToPcapng(src: string, w: PcapngWriter): Promise<RawPacket[]> {
  const { file, packets } = await readAll(src);
  const ids = file.interfaces.map((i) => w.addInterface({
    linkType: i.linkType, snaplen: i.snaplen, name: i.name ?? `if${i.id}`, description: i.description,
  }));
  const expected: RawPacket[] = [];
  for (const p of packets) {
    // Packets without a timestamp (SPB) get 0: EPBs always carry one.
    const comments = p.number % 3 === 0 ? [...(p.comments ?? []), `note ${p.number}`, 'ünïcode ✓'] : p.comments;
    w.writePacket(ids[p.interfaceId], p.tsNs ?? 0n, p.data, p.origLen, comments);
    expected.push({ ...p, tsNs: p.tsNs ?? 0n, comments });
  }
  return expected;
}

test('read → write pcapng → read keeps every packet, ns timestamp and comment of every shared capture', { skip }, async () => {
  for (const name of captureNames()) {
    const sink = new MemorySink();
    const w = new PcapngWriter(sink, { comments: [`copy of ${name}`] });
    const expected = await copyToPcapng(capturePath(name), w);
    w.close();
    const back = parseCaptureBuffer(sink.bytes());
    assert.equal(back.error, null, `${name}: ${back.error?.message}`);
    assert.deepEqual(back.packets.map(packetKey), expected.map(packetKey), name);
    assert.deepEqual(back.sections[0].comments, [`copy of ${name}`]);
    assert.equal(back.sections[0].userAppl, 'xdpscope');
    assert.ok(back.interfaces.every((i) => i.tsResol === 9 && i.tsUnitNs === 1));
  }
});

test('interface statistics and custom blocks survive a round trip', () => {
  const sink = new MemorySink();
  const w = new PcapngWriter(sink, { hardware: 'x86_64', os: 'Linux' });
  const a = w.addInterface({ linkType: LinkType.ETHERNET, snaplen: 262144, name: 'veth0', description: 'test veth', filter: 'tcp', os: 'Linux' });
  const b = w.addInterface({ linkType: LinkType.RAW, snaplen: 1500, tsUnitNs: 1000 });
  w.writePacket(b, 1_700_000_000_123_456_789n, Buffer.from([0x45, 0, 0, 20]), 20);
  w.writeInterfaceStats(a, { tsNs: 5n, startNs: 1n, endNs: 5n, received: 10, dropped: 2, filterAccepted: 8, osDropped: 1n, userDelivered: 7, comment: 'final' });
  const meta = Buffer.from(JSON.stringify({ session: 'abc' }));
  w.writeCustomBlock(PEN, meta, true);
  w.writeCustomBlock(PEN, Buffer.from([1, 2, 3]), false);
  w.close();
  const r = parseCaptureBuffer(sink.bytes());
  assert.equal(r.error, null);
  assert.deepEqual(r.interfaces.map((i) => [i.name, i.description, i.filter, i.os, i.tsUnitNs]),
    [['veth0', 'test veth', 'tcp', 'Linux', 1], [undefined, undefined, undefined, undefined, 1000]]);
  // µs interface: the ns digits below the tick are dropped.
  assert.equal(r.packets[0].tsNs, 1_700_000_000_123_456_000n);
  assert.deepEqual(r.stats, [{ interfaceId: 0, tsNs: 5n, startNs: 1n, endNs: 5n, received: 10, dropped: 2,
    filterAccepted: 8, osDropped: 1, userDelivered: 7, comments: ['final'], fileOffset: r.stats[0].fileOffset }]);
  // Payloads come back with their padding to 4 bytes.
  assert.deepEqual(r.customBlocks.map((c) => [c.pen, c.copyable, Buffer.from(c.payload).toString('latin1')]),
    [[PEN, true, meta.toString() + '\0\0\0'], [PEN, false, '\x01\x02\x03\0']]);
  assert.deepEqual([r.sections[0].hardware, r.sections[0].os], ['x86_64', 'Linux']);
});

test('tshark and capinfos read our pcapng and pcap with exit 0 and an empty stderr', { skip: skip ?? noTshark }, async () => {
  const t = tmp();
  try {
    const ng = join(t.dir, 'out.pcapng');
    // SHB custom options (how session metadata is stored) must not upset tshark/capinfos either.
    const big = Buffer.alloc(65000, 0x7b);
    const w = PcapngWriter.open(ng, {
      comments: ['written by the formats test'],
      customOptions: [{ code: 19373, pen: PEN, data: big }, { code: 2988, pen: PEN, data: Buffer.from('copyable text') }],
    });
    let n = 0;
    for (const name of ['gopacket-le-test202.pcapng', 'zeek-pcapng-multi-interface.pcapng', 'zeek-linux_dlt_sll2.pcap', 'zeek-post.pcap']) {
      n += (await copyToPcapng(capturePath(name), w)).length;
    }
    w.writeInterfaceStats(0, { tsNs: 1_340_954_906_000_000_000n, startNs: 1_340_954_905_000_000_000n,
      endNs: 1_340_954_906_000_000_000n, received: n, dropped: 0, osDropped: 0 });
    w.close();
    const pcap = join(t.dir, 'out.pcap');
    const pw = PcapWriter.open(pcap, { linkType: LinkType.ETHERNET });
    const post = await readAll(capturePath('zeek-post.pcap'));
    for (const p of post.packets) pw.writePacket(p.tsNs!, p.data, p.origLen);
    pw.close();
    // tshark warns on stderr when run as root: that line is about the user, not the file.
    const quiet = (s: string): string => s.split('\n').filter((l) => l && !/^Running as user "root"/.test(l)).join('\n');
    for (const [f, count] of [[ng, n], [pcap, post.packets.length]] as const) {
      const ts = spawnSync('tshark', ['-r', f, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_epoch'], { encoding: 'utf8' });
      assert.equal(ts.status, 0, `tshark on ${f}: ${ts.stderr}`);
      assert.equal(quiet(ts.stderr), '', `tshark stderr on ${f}`);
      assert.equal(ts.stdout.trim().split('\n').length, count);
      const ci = spawnSync('capinfos', ['-c', f], { encoding: 'utf8' });
      assert.equal(ci.status, 0, `capinfos on ${f}: ${ci.stderr}`);
      assert.equal(ci.stderr, '', `capinfos stderr on ${f}`);
      assert.match(ci.stdout, new RegExp(`Number of packets:\\s+${count}\\b`));
    }
    // tshark sees our timestamps to the nanosecond and our comments.
    const first = execFileSync('tshark', ['-r', ng, '-c', '3', '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.comment'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    assert.deepEqual(first.trim().split('\n'), ['1340954905.298858000\t', '1340954905.298858000\t', '1340954905.301858000\tnote 3,ünïcode ✓']);
    const back = await readAll(ng);
    assert.deepEqual(back.file.sections[0].customOptions?.map((c) => [c.code, c.pen, c.data.length]),
      [[19373, PEN, 65000], [2988, PEN, 13]]);
    assert.ok(Buffer.from(back.file.sections[0].customOptions![0].data).equals(big));
    const copy = await readAll(pcap);
    assert.deepEqual(copy.packets.map((p) => [String(p.tsNs), p.origLen]), post.packets.map((p) => [String(p.tsNs), p.origLen]));
    assert.equal(copy.file.pcapHeader?.nanosecond, true);
  } finally {
    t.done();
  }
});

test('live capture: after every flush() the file is valid up to its last block, even while the writer is open', async () => {
  const t = tmp();
  try {
    const f = join(t.dir, 'live.pcapng');
    const w = PcapngWriter.open(f, { bufferBytes: 1 << 20 });
    const id = w.addInterface({ linkType: LinkType.ETHERNET, snaplen: 262144, name: 'veth-live' });
    w.flush();
    assert.equal(parseCaptureBuffer(readFileSync(f)).error, null, 'header alone is a valid empty capture');
    for (let round = 1; round <= 3; round++) {
      for (let i = 0; i < 100; i++) w.writePacket(id, BigInt(round * 1000 + i), Buffer.alloc(64, i), 64);
      // Before flush the bytes sit in the writer; after flush the file holds them all.
      w.flush({ fsync: round === 3 });
      const r = parseCaptureBuffer(readFileSync(f));
      assert.equal(r.error, null);
      assert.equal(r.packets.length, round * 100);
    }
    // A small buffer hands blocks over by itself, always whole.
    const small = PcapngWriter.open(join(t.dir, 'small.pcapng'), { bufferBytes: 256 });
    const sid = small.addInterface({ linkType: LinkType.ETHERNET, snaplen: 262144 });
    for (let i = 0; i < 50; i++) small.writePacket(sid, BigInt(i), Buffer.alloc(100), 100);
    const mid = parseCaptureBuffer(readFileSync(join(t.dir, 'small.pcapng')));
    assert.equal(mid.error, null);
    assert.ok(mid.packets.length >= 45, `most packets already on disk (${mid.packets.length})`);
    small.close();
    w.close();
    assert.throws(() => w.writePacket(id, 0n, Buffer.alloc(1), 1), /after close/);
  } finally {
    t.done();
  }
});

test('the writer refuses what would make a bad file', () => {
  const w = new PcapngWriter(new MemorySink());
  assert.throws(() => w.writePacket(0, 0n, Buffer.alloc(1), 1), /no interface 0/);
  const id = w.addInterface({ linkType: 1, snaplen: 0 });
  assert.throws(() => w.writePacket(id, 0n, Buffer.alloc(300000), 300000), /bigger than the maximum 262144/);
  assert.throws(() => w.addInterface({ linkType: 1, snaplen: 0, tsUnitNs: 3 }), /not a power of 10/);
});

test('pcap export keeps ns timestamps, or µs ones when asked for microseconds', () => {
  const ts = [1_700_000_000_123_456_789n, 1_000_000_000n, 4_294_967_295_999_999_999n];
  for (const nanosecond of [true, false]) {
    const sink = new MemorySink();
    const w = new PcapWriter(sink, { linkType: LinkType.LINUX_SLL2, snaplen: 1000, nanosecond });
    ts.forEach((t, i) => w.writePacket(t, Buffer.alloc(10 + i, i), 100));
    w.close();
    const r = parseCaptureBuffer(sink.bytes());
    assert.equal(r.error, null);
    assert.equal(r.pcapHeader?.nanosecond, nanosecond);
    assert.deepEqual(r.packets.map((p) => p.tsNs), nanosecond ? ts : ts.map((t) => (t / 1000n) * 1000n));
    assert.deepEqual(r.packets.map((p) => [p.capLen, p.origLen, p.linkType]), [[10, 100, 276], [11, 100, 276], [12, 100, 276]]);
  }
});
