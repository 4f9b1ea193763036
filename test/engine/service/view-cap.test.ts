// A live capture with a view cap (issue 19, goals 4 and 5): the service keeps
// the last CAP packets in view while a bounded UDP flood goes through, frame
// numbers keep counting, a display filter set mid-capture selects exactly
// the right packets among those in view, the packets that left the view are
// in the ring files (read back, byte for byte), and memory stops growing.
// Live: the service runs in the server namespace.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, liveSkipReason, outputDir } from '../../lib/env';
import { createVethPair, type VethPair } from '../../lib/netns';
import { parseCaptureBuffer } from '../../../main/engine/file';
import { validateCall } from '../../../main/api/index';
import { HELPER } from '../capture/util';

const skip = liveSkipReason() ?? undefined;
let pair: VethPair | undefined;
before(() => { if (!skip) pair = createVethPair(); });
after(() => pair?.dispose());

const CAP = 2000;
const TOTAL = 24_000;
/** the view may pass the cap by one chunk (a quarter of it) before a batch evicts */
const CHUNK = CAP / 4;
const PORTS = [9001, 9002, 9003];

test('the API takes a view cap of packets or megabytes, not an empty one', () => {
  assert.ok(validateCall('startCapture', { iface: 'eth0', viewCap: { packets: 100_000 } }));
  assert.ok(validateCall('startCapture', { iface: 'eth0', viewCap: { megabytes: 512 } }));
  assert.throws(() => validateCall('startCapture', { iface: 'eth0', viewCap: {} }), /packets or megabytes/);
  assert.throws(() => validateCall('startCapture', { iface: 'eth0', viewCap: { packets: 10 } }), /viewCap/);
});

/** UDP datagrams of 1000 bytes to PORTS in turn, each carrying its sequence number; paced and bounded */
const FLOOD = `
const s = require('dgram').createSocket('udp4');
const [ip, n] = process.argv.slice(1); let i = 0;
const ports = ${JSON.stringify(PORTS)};
(function burst() {
  for (let k = 0; k < 200 && i < +n; k++, i++) { const b = Buffer.alloc(1000); b.writeUInt32BE(i, 0); s.send(b, ports[i % 3], ip); }
  if (i < +n) setTimeout(burst, 10); else setTimeout(() => s.close(), 200);
})();`;

test('a capture past its view cap keeps the last packets, numbered on, filterable, the rest in ring files', { skip, timeout: 120_000 }, async (t) => {
  const p = pair!;
  const dir = mkdtempSync(join(outputDir('service'), 'viewcap-'));
  const child = spawn('ip', ['netns', 'exec', p.serverNs, process.execPath, '--expose-gc', join(ROOT, 'dist', 'test', 'engine', 'service', 'view-cap-child.js'),
    p.serverIf, join(dir, 'live.pcapng'), String(CAP), String(TOTAL), 'udp.dstport == 9002'], { env: { ...process.env, XDPSCOPE_HELPER: HELPER }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  let sender: ReturnType<VethPair['spawn']> | undefined;
  child.stderr!.on('data', (d: Buffer) => { err += d; });
  child.stdout!.on('data', (d: Buffer) => {
    out += d;
    // more than TOTAL, in case the kernel ring drops some: the child stops at TOTAL captured
    if (!sender && out.includes('capturing')) sender = p.spawn(p.clientNs, [process.execPath, '-e', FLOOD, p.serverIp, String(TOTAL * 2)], { stdio: 'ignore' });
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  sender?.kill('SIGKILL');
  assert.equal(code, 0, err);
  const r = JSON.parse(out.trim().split('\n').pop()!) as {
    status: { captured: number; displayed: number; evicted?: number; evictedTo?: string; dropped: number; seen?: number; filtered?: number; paused?: number };
    maxView: number; numberingBroken: string; checks: number;
    samples: Array<{ captured: number; heap: number; arrays: number }>;
    files: { evicted: number; firstInView: number; files: Array<{ path: string; firstNumber: number; lastNumber: number; writing: boolean }> };
    details: string; inView: number[]; displayed: number[];
  };
  t.diagnostic(`view at most ${r.maxView} over ${r.checks} checks; samples ${r.samples.map((x) => `${x.captured}: heap ${(x.heap / 2 ** 20).toFixed(1)} MiB, arrays ${(x.arrays / 2 ** 20).toFixed(1)} MiB`).join('; ')}`);
  const evicted = r.status.evicted ?? 0;
  const all = r.status.captured + evicted;
  assert.ok(all >= TOTAL, `${all} captured`);

  // the view: never more than the cap and one chunk, the last packets, numbered as captured
  assert.ok(r.maxView <= CAP + CHUNK, `the view held ${r.maxView} packets (cap ${CAP})`);
  assert.ok(r.status.captured >= CAP && r.status.captured <= CAP + CHUNK, `${r.status.captured} in view`);
  assert.equal(r.numberingBroken, '', 'frame numbers continue');
  assert.equal(r.inView[0], evicted + 1);
  assert.equal(r.inView[r.inView.length - 1], all);
  assert.equal(r.status.evictedTo, 'ring');
  // every frame the XDP program saw is accounted for once the capture stopped
  const { seen, dropped, filtered = 0, paused = 0 } = r.status;
  assert.equal(seen, all + dropped + filtered + paused, `seen ${seen}: ${all} captured, ${dropped} dropped, ${filtered} filtered, ${paused} paused`);
  assert.equal(r.files.evicted, evicted);
  assert.equal(r.files.firstInView, evicted + 1);
  assert.match(r.details, /packet 1 left the view.*live_00001_/, 'details of an evicted packet say where it is');

  // the ring files hold every packet, the evicted ones too, in order: frame n is the n-th packet
  const frames: Uint8Array[] = [];
  let expectFirst = 1;
  for (const f of r.files.files) {
    assert.equal(f.firstNumber, expectFirst, `${f.path} starts at ${f.firstNumber}`);
    const c = parseCaptureBuffer(readFileSync(f.path));
    assert.equal(c.error, null, `${f.path} is whole`);
    assert.equal(c.packets.length, f.lastNumber - f.firstNumber + 1, f.path);
    for (const pkt of c.packets) frames.push(pkt.data);
    expectFirst = f.lastNumber + 1;
  }
  assert.equal(frames.length, all, 'every captured packet is in a ring file');
  // IPv4/UDP from the flood, sequence numbers ascending (the evicted packets read back)
  const seq = (d: Uint8Array) => Buffer.from(d).readUInt32BE(42);
  const dport = (d: Uint8Array) => Buffer.from(d).readUInt16BE(36);
  for (let n = 1; n < evicted; n++) assert.ok(seq(frames[n]!) > seq(frames[n - 1]!), `frame ${n + 1} follows frame ${n}`);

  // the filter set mid-capture: exactly the packets in view that match it
  const expected = r.inView.filter((n) => dport(frames[n - 1]!) === 9002);
  assert.ok(expected.length > CAP / 4, `${expected.length} expected`);
  assert.deepEqual(r.displayed, expected);
  assert.equal(r.status.displayed, expected.length);

  // memory follows the view, not the capture: typed arrays and arenas, and the heap after a GC
  const after = r.samples.filter((x) => x.captured >= CAP * 3);
  assert.ok(after.length >= 4, JSON.stringify(r.samples));
  const first = after[0]!, last = after[after.length - 1]!;
  const MiB = 2 ** 20;
  // arenas free whole 4 MiB (frames) and 1 MiB (Info) chunks: at most one more of each
  assert.ok(last.arrays <= first.arrays + 5 * MiB, `arrays ${first.arrays} → ${last.arrays} bytes`);
  // without the cap the store alone would hold every frame (TOTAL × 1042 bytes ≈ 24 MiB)
  assert.ok(last.arrays < 16 * MiB, `arrays ${last.arrays} bytes`);
  assert.ok(last.heap <= first.heap + 8 * MiB, `heap ${first.heap} → ${last.heap} bytes`);
});
