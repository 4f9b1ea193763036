// A live capture in the service with a ring buffer (issue 19, item 5): the
// engine writes dumpcap-named ring files while it shows the packets, keeps
// the newest files:N, keeps no spool beside them, and the API refuses a ring
// that never switches. Live: the service runs in the server namespace.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
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

test('the API takes dumpcap\'s ring options and refuses a ring that never switches', () => {
  assert.ok(validateCall('startCapture', { iface: 'eth0', ringBuffer: { path: '/var/tmp/x.pcapng', filesizeKB: 1000, files: 5 } }));
  assert.throws(() => validateCall('startCapture', { iface: 'eth0', ringBuffer: { path: '/var/tmp/x.pcapng', files: 5 } }), /needs filesizeKB/);
  assert.throws(() => validateCall('startCapture', { iface: 'eth0', ringBuffer: { path: 'x.pcapng', packets: 5 } }), /absolute/);
  assert.throws(() => validateCall('startCapture', { iface: 'eth0', ringBuffer: { path: '/x', packets: 5, size: 1 } }), /ringBuffer/);
});

test('a live capture with packets:10 files:3 leaves the newest three whole files and no spool', { skip, timeout: 90_000 }, async () => {
  const p = pair!;
  const dir = mkdtempSync(join(outputDir('service'), 'ring-'));
  const child = spawn('ip', ['netns', 'exec', p.serverNs, process.execPath, join(ROOT, 'dist', 'test', 'engine', 'service', 'ring-capture-child.js'),
    p.serverIf, join(dir, 'live.pcapng'), '45'], { env: { ...process.env, XDPSCOPE_HELPER: HELPER }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  let sender: ReturnType<VethPair['spawn']> | undefined;
  child.stderr!.on('data', (d: Buffer) => { err += d; });
  child.stdout!.on('data', (d: Buffer) => {
    out += d;
    // bounded: at most 4000 echo requests, killed once the capture is over
    if (!sender && out.includes('capturing ')) sender = p.spawn(p.clientNs, ['ping', '-q', '-i', '0.005', '-c', '4000', p.serverIp], { stdio: 'ignore' });
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  sender?.kill('SIGKILL');
  assert.equal(code, 0, err);
  const status = JSON.parse(out.trim().split('\n').pop()!) as { indexed: number; spool?: string };
  assert.ok(status.indexed >= 45, out);
  assert.equal(status.spool, undefined, 'no spool beside the ring');
  assert.match(out, new RegExp(`^capturing "${dir}/live_00001_\\d{14}\\.pcapng"$`, 'm'), 'the status names the ring file being written');
  assert.equal((status as { ringFile?: string }).ringFile, undefined, 'none once the capture is over');
  const files = readdirSync(dir).sort();
  assert.equal(files.length, 3, files.join(' '));
  // numbered consecutively, the newest last; every packet shown is in the ring, the last file holds the remainder
  const nums = files.map((f) => Number(/^live_(\d{5})_\d{14}\.pcapng$/.exec(f)?.[1] ?? NaN));
  const last = nums[2];
  assert.deepEqual(nums, [last - 2, last - 1, last], files.join(' '));
  const counts = files.map((f) => {
    const path = join(dir, f);
    assert.equal(lstatSync(path).mode & 0o777, 0o600, `${f} is private`);
    const cap = parseCaptureBuffer(readFileSync(path));
    assert.equal(cap.error, null, `${f} is whole`);
    return cap.packets.length;
  });
  assert.deepEqual(counts, [10, 10, status.indexed - (last - 1) * 10], `${files.join(' ')}: ${counts.join(',')} of ${status.indexed}`);
});
