// Follow TCP/UDP stream against tshark 4.0 itself: for every TCP and UDP
// stream of the shared captures, and of a crafted capture with out-of-order,
// duplicate, partially overlapping, lost-but-acknowledged and lost segments,
// our chunks (direction and bytes, in order) must equal what
// `tshark -q -z follow,tcp|udp,raw,N` prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { EngineService } from '../../../main/engine/service/service';
import { craft, craftRandom } from './follow-capture';
import { testSeed } from '../../lib/rng';
import { followTcp } from '../../../main/engine/service/follow';
import { Dissector } from '../../../main/engine/dissect/index';
import { openCaptureFile } from '../../../main/engine/file/open';
import type { Dissection } from '../../../main/engine/types';
import type { StreamFollow } from '../../../main/api/types';
import { CAPTURES, sharedCapturesSkipReason, hasCommand } from '../../lib/env';
import { openLoaded } from '../../lib/service';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const noTshark = hasCommand('tshark') ? null : 'tshark is not installed (the reference this test compares with)';
const skip = noTshark ?? sharedCapturesSkipReason() ?? false;

type Proto = 'tcp' | 'udp';
interface Reference { client: string; server: string; chunks: string[] }

/** tshark's stdout; a damaged capture makes it exit non-zero after printing what it read, which is what counts. */
function tshark(args: string[]): string {
  const r = spawnSync('tshark', args, { encoding: 'latin1', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw r.error;
  if (r.status !== 0 && !r.stdout) throw new Error(`tshark ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Stream ids tshark gives a capture, per protocol. */
function tsharkStreams(file: string): Record<Proto, number[]> {
  const out: Record<Proto, Set<number>> = { tcp: new Set(), udp: new Set() };
  for (const line of tshark(['-r', file, '-T', 'fields', '-e', 'tcp.stream', '-e', 'udp.stream']).split('\n')) {
    const [t, u] = line.split('\t');
    // a packet with a header inside an ICMP error may list two values: the first is its own
    if (t) out.tcp.add(Number(t.split(',')[0]));
    if (u) out.udp.add(Number(u.split(',')[0]));
  }
  return { tcp: [...out.tcp].sort((a, b) => a - b), udp: [...out.udp].sort((a, b) => a - b) };
}

/** tshark's follow output for these streams, keyed by its filter text ("tcp.stream eq 3"). */
function tsharkFollow(file: string, streams: Record<Proto, number[]>): Map<string, Reference> {
  const args = ['-r', file, '-q'];
  for (const p of ['tcp', 'udp'] as const) for (const n of streams[p]) args.push('-z', `follow,${p},raw,${n}`);
  const refs = new Map<string, Reference>();
  if (args.length === 3) return refs;
  const sep = '===================================================================';
  for (const block of tshark(args).split(`${sep}\n`)) {
    const lines = block.split('\n');
    if (!lines[0]?.startsWith('Follow: ')) continue;
    const filter = lines[1].replace(/^Filter: /, '');
    const client = lines[2].replace(/^Node 0: /, '');
    const server = lines[3].replace(/^Node 1: /, '');
    // what follows the two node lines up to the closing separator: one chunk a line, server chunks tab-indented
    const chunks = lines.slice(4);
    while (chunks.length && chunks[chunks.length - 1] === '') chunks.pop();
    refs.set(filter, { client, server, chunks });
  }
  return refs;
}

const ours = (f: StreamFollow): string[] =>
  f.segments.map((s) => (s.fromClient ? '' : '\t') + Buffer.from(s.data).toString('hex'));

async function opened(path: string): Promise<EngineService> {
  const s = new EngineService({ emit: () => undefined });
  await openLoaded(s, path);
  assert.notEqual(s.status().state, 'loading', `${path} did not finish loading`);
  return s;
}

/** Follow every stream tshark sees in the file; returns per-stream disagreements (empty: all agree). */
async function compareFile(path: string): Promise<{ streams: number; bad: string[] }> {
  const streams = tsharkStreams(path);
  if (!streams.tcp.length && !streams.udp.length) return { streams: 0, bad: [] };
  const refs = tsharkFollow(path, streams);
  const s = await opened(path);
  const bad: string[] = [];
  let count = 0;
  for (const p of ['tcp', 'udp'] as const) {
    for (const n of streams[p]) {
      count++;
      const filter = `${p}.stream eq ${n}`;
      const ref = refs.get(filter);
      if (!ref) { bad.push(`${filter}: tshark printed nothing`); continue; }
      await s.call('setFilter', { text: filter });
      const first = s.rows(0, 1).number[0];
      if (first === undefined) { bad.push(`${filter}: no packet matches our filter`); continue; }
      const f = await s.call('followStream', p === 'udp' ? { number: first, protocol: 'udp' } : { number: first });
      const got = ours(f);
      const why = [
        f.filter !== filter && `filter ${f.filter}`,
        f.protocol !== p && `protocol ${f.protocol}`,
        (f.client !== ref.client || f.server !== ref.server) && `nodes ${f.client} ⇄ ${f.server}, tshark ${ref.client} ⇄ ${ref.server}`,
        got.length !== ref.chunks.length && `${got.length} chunks, tshark ${ref.chunks.length}`,
        got.findIndex((c, i) => c !== ref.chunks[i]) >= 0 && `chunk ${got.findIndex((c, i) => c !== ref.chunks[i])} differs`,
      ].filter(Boolean);
      if (why.length) bad.push(`${filter}: ${why.join('; ')}`);
    }
  }
  return { streams: count, bad };
}

// ~14 s on an idle 2-core machine (58 tshark runs); the limit leaves room for a loaded one
test('follow TCP and UDP stream equal tshark on every stream of the shared captures', { skip, timeout: 240_000 }, async (t) => {
  const files = readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort();
  const report: string[] = [];
  let streams = 0;
  for (const f of files) {
    const r = await compareFile(join(CAPTURES, f));
    streams += r.streams;
    for (const b of r.bad) report.push(`${f} ${b}`);
  }
  // the corpus has TCP (HTTP, TLS, SSH) and UDP (DNS) conversations: make sure this compared something
  assert.ok(streams >= 15, `only ${streams} streams compared`);
  assert.deepEqual(report, [], `${report.length} of ${streams} streams differ from tshark`);
  t.diagnostic(`${streams} streams in ${files.length} captures agree with tshark`);
});

test('follow equals tshark on crafted out-of-order, duplicate, overlapping and lost segments', { skip: noTshark ?? false, timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-follow-'));
  try {
    const path = join(process.env.XDPSCOPE_FOLLOW_KEEP ?? dir, 'crafted.pcapng');
    craft(path);
    const r = await compareFile(path);
    assert.equal(r.streams, 9);
    assert.deepEqual(r.bad, []);

    // and what that means, spelled out
    const s = await opened(path);
    const text = (f: StreamFollow, fromClient: boolean) =>
      f.segments.filter((x) => x.fromClient === fromClient).map((x) => Buffer.from(x.data).toString('latin1')).join('');
    const one = await s.call('followStream', { number: 4 });
    assert.equal(text(one, true), 'GET /a HTTP/1.1\r\nCCCCCCCCCCBBBBBBBBBBDDDDD');
    assert.equal(text(one, false), 'HTTP/1.1 200 OK\r\n\r\nmore');
    assert.deepEqual(one.segments.map((x) => x.number), [4, 6, 5, 8, 9, 10]);
    assert.equal(one.clientBytes, 42);
    const lost = await s.call('followStream', { number: 14 });
    const marker = lost.segments.find((x) => x.missing !== undefined);
    assert.equal(marker?.missing, 4);
    assert.equal(marker?.number, 19, 'the marker belongs to the acknowledging frame');
    assert.equal(text(lost, true), 'aaaa[4 bytes missing in capture file]\0cccc');
    assert.equal(lost.clientBytes, 8);
    const unacked = await s.call('followStream', { number: 24 });
    assert.equal(text(unacked, true), 'aaaa');
    const udpFrame = 44;
    const u = await s.call('followStream', { number: udpFrame, protocol: 'udp' });
    assert.equal(u.filter, 'udp.stream eq 0');
    assert.deepEqual(u.segments.map((x) => [x.fromClient, Buffer.from(x.data).toString()]), [[true, 'ping'], [false, 'pong'], [false, 'x']]);
    const frag = await s.call('followStream', { number: 49, protocol: 'udp' });
    assert.deepEqual(frag.segments.map((x) => [x.number, Buffer.from(x.data).toString()]), [[49, '0123456789abcdefghijklmnopqrstuvwxyz']], 'the reassembled datagram, once');
    const dns = await s.call('followStream', { number: 52, protocol: 'udp' });
    assert.deepEqual(dns.segments.map((x) => [x.number, Buffer.from(x.data).toString('hex')]),
      [[52, 'abcd01000001000000000000076578616d706c6503636f6d0000010001']], 'a reassembled datagram the dissector decodes (DNS) shows its bytes too');
    await assert.rejects(s.call('followStream', { number: udpFrame, protocol: 'tcp' }), /not part of a TCP stream/);
    await assert.rejects(s.call('followStream', { number: 1, protocol: 'udp' }), /not part of a UDP stream/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('follow equals tshark on 80 randomly disordered, lossy, overlapping TCP streams', { skip: noTshark ?? false, timeout: 30_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-follow-'));
  try {
    const seed = testSeed('follow: random streams', 20261127);
    const path = join(process.env.XDPSCOPE_FOLLOW_KEEP ?? dir, 'random.pcapng');
    craftRandom(path, seed, 80);
    const r = await compareFile(path);
    assert.equal(r.streams, 80);
    assert.deepEqual(r.bad, [], `seed ${seed}`);
    t.diagnostic(`seed ${seed}: 80 streams agree with tshark`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a follow stops after its byte budget, in order, and says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-follow-'));
  try {
    const path = join(dir, 'crafted.pcapng');
    craft(path);
    const file = await openCaptureFile(path);
    const dissector = new Dissector();
    const ds: Dissection[] = [];
    for await (const batch of file.batches()) for (const p of batch) { const d = dissector.dissect(p); if (d.fields.some((f) => f.name === 'tcp.stream' && f.value === 0)) ds.push(d); }
    await file.close?.();
    const whole = followTcp(ds, 'tcp.stream eq 0');
    assert.equal(whole.truncated, undefined);
    assert.equal(whole.segments.length, 6);
    const cut = followTcp(ds, 'tcp.stream eq 0', 20);
    assert.equal(cut.truncated, true);
    // frame 6 passes the budget; the buffered frame 5 it lets through comes with it
    assert.deepEqual(cut.segments.map((x) => x.number), [4, 6, 5]);
    assert.equal(cut.clientBytes, 37);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
