// `xdpscope capture -b` end to end (issue 19, item 5): a live capture in
// its own namespaces writes dumpcap-named ring files, keeps the newest
// files:N, and every file kept is a whole pcapng, 0600 whatever the umask,
// holding consecutive packets. Usage errors as dumpcap's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, liveSkipReason, outputDir, HELPER_START_MS } from '../../lib/env';
import { createVethPair, type VethPair } from '../../lib/netns';
import { parseCaptureBuffer } from '../../../main/engine/file';
import { HELPER } from '../capture/util';

const skip = liveSkipReason() ?? undefined;
process.umask(0);
let pair: VethPair | undefined;
before(() => { if (!skip) pair = createVethPair(); });
after(() => pair?.dispose());

/**
 * Runs `xdpscope capture` on the server side of the pair with `args`, pinging
 * it from the client once the program is attached (bounded: at most 4000
 * echo requests), until the capture stops by itself; its exit code and stderr.
 */
async function captureWhilePinging(p: VethPair, args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn('ip', ['netns', 'exec', p.serverNs, process.execPath, CLI, 'capture', '-i', p.serverIf, '-Q', 'in', '--mode', 'generic', '-q', ...args],
    { env: { ...process.env, XDPSCOPE_HELPER: HELPER }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let sender: ReturnType<VethPair['spawn']> | undefined;
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!sender && stderr.includes('Capturing on')) sender = p.spawn(p.clientNs, ['ping', '-q', '-i', '0.002', '-c', '4000', p.serverIp], { stdio: 'ignore' });
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  sender?.kill('SIGKILL');
  return { code, stderr };
}

test('-b packets:10 -b files:3 -c 45: files 3 to 5 kept, dumpcap-named, whole, private, consecutive', { skip, timeout: 60_000 + HELPER_START_MS }, async () => {
  const p = pair!;
  const dir = mkdtempSync(join(outputDir('file'), 'capture-ring-'));
  const { code, stderr } = await captureWhilePinging(p, ['-w', join(dir, 'ring.pcapng'), '-b', 'packets:10', '-b', 'files:3', '-c', '45']);
  assert.equal(code, 0, stderr);
  assert.match(stderr, /→ \S+ring_00001_\d{14}\.pcapng \(ring buffer\)/);
  assert.match(stderr, /Packets captured: 45,/);
  const files = readdirSync(dir).sort();
  assert.equal(files.length, 3, files.join(' '));
  files.forEach((f, i) => assert.match(f, new RegExp(`^ring_0000${i + 3}_\\d{14}\\.pcapng$`)));
  const seqs: number[] = [];
  const counts = files.map((f) => {
    const path = join(dir, f);
    assert.equal(lstatSync(path).mode & 0o7777, 0o600, `${f} is private`);
    const cap = parseCaptureBuffer(readFileSync(path));
    assert.equal(cap.error, null, `${f} is whole`);
    // ICMP echo sequence numbers: the packets carry on from one file to the next
    for (const pk of cap.packets) seqs.push(Buffer.from(pk.data).readUInt16BE(14 + 20 + 6));
    const t = spawnSync('tshark', ['-r', path, '-T', 'fields', '-e', 'icmp.seq'], { encoding: 'utf8' });
    assert.equal(t.status, 0, `tshark reads ${f}: ${t.stderr}`);
    return cap.packets.length;
  });
  assert.deepEqual(counts, [10, 10, 5]);
  for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1] + 1, `consecutive echo requests: ${seqs.join(',')}`);
});

test('-a files:2 with -b packets:10 stops the capture by itself after exactly 20 packets in 2 files', { skip, timeout: 60_000 + HELPER_START_MS }, async () => {
  const p = pair!;
  const dir = mkdtempSync(join(outputDir('file'), 'capture-ring-stop-'));
  const { code, stderr } = await captureWhilePinging(p, ['-w', join(dir, 'stop.pcapng'), '-b', 'packets:10', '-a', 'files:2']);
  assert.equal(code, 0, stderr);
  assert.match(stderr, /Packets captured: 20,/);
  const files = readdirSync(dir).sort();
  assert.deepEqual(files.map((f) => f.replace(/_\d{14}/, '')), ['stop_00001.pcapng', 'stop_00002.pcapng']);
  assert.deepEqual(files.map((f) => parseCaptureBuffer(readFileSync(join(dir, f))).packets.length), [10, 10]);
});

test('-a filesize:5 stops once the file holds 5000 bytes: the packet that crossed is the last', { skip, timeout: 60_000 + HELPER_START_MS }, async () => {
  const p = pair!;
  const dir = mkdtempSync(join(outputDir('file'), 'capture-size-stop-'));
  const path = join(dir, 'one.pcapng');
  const { code, stderr } = await captureWhilePinging(p, ['-w', path, '-a', 'filesize:5']);
  assert.equal(code, 0, stderr);
  const cap = parseCaptureBuffer(readFileSync(path));
  assert.equal(cap.error, null);
  const n = cap.packets.length;
  assert.match(stderr, new RegExp(`Packets captured: ${n},`));
  // every echo request is 98 bytes, an EPB of 144 after the header blocks (132, and
  // 12 for its epb_flags direction option): the file reached 5000 bytes with its
  // last packet and not before
  const head = cap.packets[0]!.fileOffset!;
  assert.ok(cap.packets.every((pk, i) => pk.data.length === 98 && pk.flags === 1 && pk.fileOffset === head + i * 144), 'echo requests only');
  assert.ok(head + (n - 1) * 144 < 5000 && head + n * 144 >= 5000, `${n} packets after ${head} header bytes`);
});

test('-b usage errors are dumpcap\'s: a file to name the ring after, something that switches', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [CLI, 'capture', '-i', 'lo', ...args], { encoding: 'utf8' });
  let r = run(['-b', 'filesize:100']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /-b needs -w FILE/);
  r = run(['-w', '-', '-b', 'filesize:100']);
  assert.equal(r.status, 2);
  r = run(['-w', '/tmp/x.pcapng', '-b', 'files:3']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /files:N needs filesize/);
  r = run(['-w', '/tmp/x.pcapng', '-a', 'files:3']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /-a files:N needs a ring buffer/);
  r = run(['-w', '/tmp/x.pcapng', '-b', 'packets:3', '-a', 'filesize:10']);
  assert.equal(r.status, 2);
  r = run(['-a', 'files:1.5']);
  assert.equal(r.status, 2);
  r = run(['-w', '/tmp/x.pcapng', '-b', 'size:3']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not filesize:KB/);
});
