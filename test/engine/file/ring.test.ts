// Ring-buffer capture files (dumpcap's -b; issue 19, item 5): dumpcap's
// names, switching on size, packets, duration and wall-clock interval, the
// oldest deleted past files:N, every file a whole pcapng that tshark reads
// alone, 0600 whatever the umask, never written through a planted link.
// The clock is the test's, so time-based switching needs no waiting.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { hasCommand, outputDir } from '../../lib/env';
import { RingFileWriter, parseRingOption, ringFileName, type RingOptions } from '../../../main/engine/file/ring';
import { parseCaptureBuffer } from '../../../main/engine/file';
import { ethUdpFrame } from '../../lib/udp-frame';

const oldUmask = process.umask(0);
after(() => process.umask(oldUmask));

const fresh = (name: string): string => mkdtempSync(join(outputDir('file'), `ring-${name}-`));
const ETH = { linkType: 1, snaplen: 262144, name: 'veth0' };
/** 2026-12-07 06:30:00 local time */
const T0 = new Date(2026, 11, 7, 6, 30, 0).getTime();

/** An Ethernet/IPv4/UDP frame of `len` bytes whose last 4 bytes are its number. */
function frame(n: number, len = 100): Buffer {
  const b = ethUdpFrame(len);
  b.writeUInt32BE(n, len - 4);
  return b;
}

function ring(dir: string, opts: RingOptions, clock = { t: T0 }): { w: RingFileWriter; clock: { t: number }; events: string[] } {
  const events: string[] = [];
  const w = new RingFileWriter(join(dir, 'lab.pcapng'), opts, {
    interfaces: [ETH], now: () => clock.t,
    onFile: (e) => events.push(e.closed ? `closed ${basename(e.closed)}` : `deleted ${basename(e.deleted!)}`),
  });
  return { w, clock, events };
}

/** The packet numbers in a file, read by our reader; the file must be whole. */
function numbersIn(path: string): number[] {
  const cap = parseCaptureBuffer(readFileSync(path));
  assert.equal(cap.error, null, `${path} is a valid capture`);
  return cap.packets.map((p) => Buffer.from(p.data).readUInt32BE(p.data.length - 4));
}

const listing = (dir: string): string[] => readdirSync(dir).sort();

test('dumpcap names: prefix_NNNNN_YYYYmmddHHMMSS.suffix, split at the last dot', () => {
  const when = new Date(2026, 0, 2, 3, 4, 5);
  assert.equal(ringFileName('/cap/lab.run.pcapng', 1, when), '/cap/lab.run_00001_20260102030405.pcapng');
  assert.equal(ringFileName('/cap/lab', 42, when), '/cap/lab_00042_20260102030405');
  assert.equal(ringFileName('/cap/.hidden', 7, when), '/cap/.hidden_00007_20260102030405');
  assert.equal(ringFileName('rel/x.pcap', 100001, when), 'rel/x_00001_20260102030405.pcap', 'numbers wrap at 100000 as in dumpcap');
});

test('-b arguments: dumpcap keys, bad values named', () => {
  const o: RingOptions = {};
  for (const s of ['filesize:1000', 'files:5', 'duration:1.5', 'interval:60', 'packets:10']) assert.equal(parseRingOption(s, o), null, s);
  assert.deepEqual(o, { filesizeKB: 1000, files: 5, durationS: 1.5, intervalS: 60, packets: 10 });
  for (const [s, re] of [
    ['size:10', /not filesize:KB/], ['files:0', /files: '0'/], ['filesize:-1', /filesize/], ['packets:1.5', /packets/],
    ['duration:', /duration/], ['filesize:3000000', /limit/], ['files:100000', /more than/],
  ] as const) assert.match(parseRingOption(s, {}) ?? '', re, s);
});

test('filesize:KB switches after the packet that reaches it; files:N keeps the newest N, every one a whole pcapng', () => {
  const dir = fresh('size');
  const { w, events } = ring(dir, { filesizeKB: 10, files: 3 });
  // 1000-byte frames: an EPB is 1032 bytes, so a file passes 10,000 bytes at its 10th packet (header ~200 bytes)
  for (let i = 1; i <= 55; i++) w.writePacket(0, BigInt(T0) * 1_000_000n + BigInt(i), frame(i, 1000), 1000);
  w.close();
  const files = listing(dir);
  assert.deepEqual(files, ['lab_00004_20261207063000.pcapng', 'lab_00005_20261207063000.pcapng', 'lab_00006_20261207063000.pcapng']);
  assert.deepEqual(events.filter((e) => e.startsWith('deleted')), ['deleted lab_00001_20261207063000.pcapng', 'deleted lab_00002_20261207063000.pcapng', 'deleted lab_00003_20261207063000.pcapng']);
  assert.deepEqual(w.files.map((f) => basename(f)), files);
  const got = files.map((f) => numbersIn(join(dir, f)));
  assert.deepEqual(got[0], [31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);
  assert.deepEqual(got[2], [51, 52, 53, 54, 55]);
  for (const f of files) {
    const st = lstatSync(join(dir, f));
    assert.equal(st.mode & 0o7777, 0o600, `${f} is private`);
    if (f !== files[2]) assert.ok(st.size >= 10_000 && st.size < 10_000 + 1032, `${f}: ${st.size} bytes`);
  }
});

test('tshark reads each ring file on its own', { skip: hasCommand('tshark') ? undefined : 'needs tshark' }, () => {
  const dir = fresh('tshark');
  const { w } = ring(dir, { packets: 7 });
  for (let i = 1; i <= 20; i++) w.writePacket(0, BigInt(T0 + i) * 1_000_000n, frame(i), 100);
  w.writeInterfaceStats(0, { tsNs: BigInt(T0 + 30) * 1_000_000n, received: 20, dropped: 0 });
  w.close();
  const counts = listing(dir).map((f) => {
    const r = spawnSync('tshark', ['-r', join(dir, f), '-T', 'fields', '-e', 'frame.number', '-e', 'udp.length'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${f}: ${r.stderr}`);
    assert.equal(r.stderr.replace(/^Running as user .*\n/m, ''), '', `${f}: tshark warns of nothing`);
    return r.stdout.trim().split('\n').length;
  });
  assert.deepEqual(counts, [7, 7, 6]);
});

test('duration:S switches on time even without packets; interval:S on wall-clock multiples', () => {
  const dir = fresh('time');
  const { w, clock } = ring(dir, { durationS: 2 });
  w.writePacket(0, 1n, frame(1), 100);
  clock.t += 1999;
  w.tick();
  w.writePacket(0, 2n, frame(2), 100);
  clock.t += 1;
  w.tick(); // no packet: a new, empty file all the same (as dumpcap)
  clock.t += 2500;
  w.writePacket(0, 3n, frame(3), 100); // a packet after the switch time opens the next file first
  w.close();
  const files = listing(dir);
  assert.deepEqual(files, ['lab_00001_20261207063000.pcapng', 'lab_00002_20261207063002.pcapng', 'lab_00003_20261207063004.pcapng']);
  assert.deepEqual(files.map((f) => numbersIn(join(dir, f))), [[1, 2], [], [3]]);

  const dir2 = fresh('interval');
  const r2 = ring(dir2, { intervalS: 60 }, { t: T0 + 50_000 });
  r2.w.writePacket(0, 1n, frame(1), 100);
  r2.clock.t = T0 + 59_999;
  r2.w.tick();
  r2.clock.t = T0 + 60_000;
  r2.w.tick();
  r2.w.writePacket(0, 2n, frame(2), 100);
  r2.w.close();
  assert.deepEqual(listing(dir2), ['lab_00001_20261207063050.pcapng', 'lab_00002_20261207063100.pcapng']);
});

test('a link planted at the next ring name is refused, never written through', () => {
  const dir = fresh('plant');
  const victim = join(fresh('victim'), 'victim');
  writeFileSync(victim, 'precious\n');
  symlinkSync(victim, join(dir, 'lab_00002_20261207063000.pcapng'));
  const { w } = ring(dir, { packets: 1 });
  // the first packet fills file 1 and the switch to file 2 meets the link
  assert.throws(() => w.writePacket(0, 1n, frame(1), 100), /link/i);
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  assert.deepEqual(numbersIn(join(dir, 'lab_00001_20261207063000.pcapng')), [1], 'the full file is complete and kept');
});

test('stopAfterFiles (dumpcap -a files:N): the ring is done after N files, writePacket answers false', () => {
  const dir = fresh('stop');
  const events: string[] = [];
  const w = new RingFileWriter(join(dir, 'lab.pcapng'), { packets: 5 }, { interfaces: [ETH], now: () => T0, stopAfterFiles: 2, onFile: (e) => events.push(e.closed ? 'closed' : 'deleted') });
  const written = Array.from({ length: 20 }, (_, i) => w.writePacket(0, BigInt(i), frame(i + 1), 100));
  assert.deepEqual(written, [...Array(10).fill(true), ...Array(10).fill(false)]);
  assert.equal(w.done, true);
  w.tick();
  w.flush();
  w.close();
  assert.deepEqual(events, ['closed', 'closed']);
  assert.deepEqual(listing(dir).map((f) => numbersIn(join(dir, f))), [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]);
});
