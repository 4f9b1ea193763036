// `read -T fields` and `-T text` on several threads print exactly what one thread prints:
// same lines in the same order, same damage report, same exit status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { CAPTURES, CLI, outputDir, sharedCapturesSkipReason } from '../../lib/env';
import { allFields } from '../../../main/engine/fields/registry';
import { PcapngWriter } from '../../../main/engine/pcapng/writer';
import { Partitioner, flowKey } from '../../../main/engine/parallel/partition';
import { ORDER_FIELDS, readThreads } from '../../../main/engine/parallel/read';
import type { RawPacket } from '../../../main/engine/types';
import { mulberry32 } from '../../lib/rng';
import { appendSharedCaptures } from '../../lib/shared-captures';
import '../../../main/engine/dissect'; // registers every field

const skip = sharedCapturesSkipReason() ?? false;

interface Run { status: number | null; stdout: string; stderr: string }

function read(threads: number, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [CLI, 'read', ...args], { env: { ...process.env, XDPSCOPE_READ_THREADS: String(threads) } });
    let stdout = '', stderr = '';
    c.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    c.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    c.on('error', reject);
    c.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Every field but those that number conversations across the file (a read asking for them stays on one thread). */
const FIELDS = (): string[] => allFields().map((f) => f.name).filter((n) => !ORDER_FIELDS.has(n));

async function same(args: string[], threads = [2, 3]): Promise<Run> {
  const one = await read(1, args);
  const many = await Promise.all(threads.map((n) => read(n, args)));
  many.forEach((r, i) => {
    assert.equal(r.stderr, one.stderr, `stderr, ${threads[i]} threads: ${args.join(' ').slice(0, 200)}`);
    assert.equal(r.status, one.status, `exit status, ${threads[i]} threads`);
    assert.ok(r.stdout === one.stdout, `output differs with ${threads[i]} threads (${r.stdout.length} vs ${one.stdout.length} chars): ${args.filter((a) => !a.startsWith('-') && a.includes('/')).join(' ')}`);
  });
  return one;
}

test('every shared capture reads the same on 1 and 2 threads, every field, damage reports included', { skip, timeout: 240_000 }, async () => {
  const e = FIELDS().flatMap((f) => ['-e', f]);
  const caps = readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?(\.gz)?$/.test(f)).sort();
  let damaged = 0;
  // two captures at a time: each run is mostly start-up
  for (let i = 0; i < caps.length; i += 2) {
    const runs = await Promise.all(caps.slice(i, i + 2).map((c) => same(['-r', join(CAPTURES, c), '-T', 'fields', ...e], [2])));
    for (const r of runs) if (r.status === 2) damaged++;
  }
  assert.ok(damaged >= 2, `${damaged} damaged captures compared`);
});

/** All the shared captures' packets in one file, each capture repeated `times` times, timestamps rising. */
function combined(times: number): string {
  const path = join(outputDir('parallel'), `combined-${times}.pcapng`);
  const w = PcapngWriter.open(path, { comments: ['parallel read test'] });
  // some packets carry comments and epb_flags (a direction), which travel to the decoding threads beside the bytes
  appendSharedCaptures(w, times, 1_600_000_000_000_000_000n, (n) => ({
    comments: n % 97 === 0 ? [`comment ${n}`, 'second'] : undefined,
    extras: n % 7 === 0 ? { flags: n % 14 === 0 ? 2 : 1 } : undefined,
  }));
  w.close();
  return path;
}

test('a capture of many conversations: the same lines with -Y, -c, -E and the time fields, on 2 to 4 threads', { skip, timeout: 120_000 }, async () => {
  const path = combined(6);
  const e = FIELDS().flatMap((f) => ['-e', f]);
  const all = await same(['-r', path, '-T', 'fields', ...e], [2, 3, 4]);
  assert.ok(all.stdout.split('\n').length > 1500, 'the whole combined capture was printed');
  assert.ok(all.stdout.includes('comment 970,second'), 'packet comments printed');
  const flags = await same(['-r', path, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.packet_flags_direction'], [2]);
  assert.match(flags.stdout, /^14\t0x0*2$/m, 'epb_flags read on every thread');
  const some = await same(['-r', path, '-Y', 'tcp.flags.syn == 1 or dns or http.request', '-c', '1500', '-T', 'fields',
    '-e', 'frame.number', '-e', 'frame.time_delta', '-e', 'frame.time_relative', '-e', 'ip.src', '-e', 'tcp.analysis.ack_rtt', '-e', 'http.host',
    '-E', 'header=y', '-E', 'separator=,', '-E', 'quote=d', '-E', 'occurrence=l']);
  assert.ok(some.stdout.split('\n').length > 50, 'the filter kept packets');
  assert.match(some.stdout, /^"frame.number","frame.time_delta"/);
  // -c ends the read in the middle of a batch
  const head = await same(['-r', path, '-c', '777', '-T', 'fields', '-e', 'frame.number', '-e', 'frame.protocols']);
  assert.equal(head.stdout.trimEnd().split('\n').length, 777);
});

test('-T text, tshark\'s summary lines (Info from every conversation\'s state), the same on 2 and 3 threads', { skip, timeout: 120_000 }, async () => {
  const path = combined(6);
  const all = await same(['-r', path]);
  assert.match(all.stdout, /HTTP \d+ GET \//);
  assert.match(all.stdout, /\[TCP Retransmission\]|\[TCP Dup ACK/);
  const some = await same(['-r', path, '-Y', 'http or dns or tcp.analysis.flags', '-c', '2000']);
  assert.ok(some.stdout.split('\n').length > 50);
  for (const c of readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort().slice(0, 29)) {
    if (c.includes('truncated') || c.includes('test901')) await same(['-r', join(CAPTURES, c)], [2]); // damage after text lines
  }
});

test('-T text on threads prints each pcapng interface\'s time digits, as one thread does', { skip }, async () => {
  // one interface ticks in µs, another in ns: 6 digits for the first one's packets, 9 for the other's
  const r = await same(['-r', join(CAPTURES, 'zeek-pcapng-multi-interface.pcapng')], [2, 3]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ +\d+ +\d+\.\d{6} /m);
  assert.match(r.stdout, /^ +\d+ +\d+\.\d{9} /m);
});

test('tcp.stream and udp.stream count conversations over the whole file: such a read stays on one thread; a busy machine reads on one', () => {
  assert.equal(readThreads(1 << 30, ['frame.number', 'tcp.stream']), 1);
  assert.equal(readThreads(1 << 30, ['udp.stream']), 1);
  const saved = process.env.XDPSCOPE_READ_THREADS;
  try {
    delete process.env.XDPSCOPE_READ_THREADS;
    assert.equal(readThreads(1 << 20, ['ip.src']), 1, 'a small file is not worth a thread');
    const cores = availableParallelism();
    if (cores >= 2) {
      assert.equal(readThreads(1 << 30, ['ip.src'], 0), Math.min(4, cores), 'an idle machine: a thread per core');
      assert.equal(readThreads(1 << 30, ['ip.src'], cores - 0.5), 1, 'no idle core: the pool would only add CPU');
    }
    process.env.XDPSCOPE_READ_THREADS = '3';
    assert.equal(readThreads(1 << 20, ['ip.src']), 3);
  } finally {
    if (saved === undefined) delete process.env.XDPSCOPE_READ_THREADS; else process.env.XDPSCOPE_READ_THREADS = saved;
  }
});

function pkt(linkType: number, bytes: number[]): RawPacket {
  const data = Uint8Array.from(bytes);
  return { number: 1, tsNs: 0n, capLen: data.length, origLen: data.length, linkType, interfaceId: 0, data };
}
const ipv4 = (src: number[], dst: number[]): number[] => [0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0, ...src, ...dst, ...new Array<number>(20).fill(0)];
const ETH = [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];

test('a conversation has one owner: both directions, under any of the link layers the dissector reads', () => {
  const a = [198, 18, 0, 1], b = [198, 19, 7, 9];
  const key = flowKey(pkt(1, [...ETH, 0x08, 0x00, ...ipv4(a, b)]));
  assert.ok(key >= 0);
  const same = [
    pkt(1, [...ETH, 0x08, 0x00, ...ipv4(b, a)]), // the other direction
    pkt(1, [...ETH, 0x81, 0x00, 0x00, 0x0a, 0x08, 0x00, ...ipv4(a, b)]), // 802.1Q
    pkt(1, [...ETH, 0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x14, 0x08, 0x00, ...ipv4(b, a)]), // QinQ
    pkt(1, [...ETH, 0x88, 0x47, 0x00, 0x01, 0x01, 0x40, ...ipv4(a, b)]), // MPLS
    pkt(1, [...ETH, 0x88, 0x64, 0x11, 0x00, 0x00, 0x01, 0x00, 62, 0x00, 0x21, ...ipv4(a, b)]), // PPPoE session
    pkt(113, [0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00, ...ipv4(a, b)]), // Linux SLL
    pkt(276, [0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, ...ipv4(b, a)]), // SLL2
    pkt(101, ipv4(a, b)), // raw IP
    pkt(0, [2, 0, 0, 0, ...ipv4(a, b)]), // BSD loopback
  ];
  for (const p of same) assert.equal(flowKey(p), key, `link type ${p.linkType}: ${Buffer.from(p.data.subarray(0, 24)).toString('hex')}`);
  assert.notEqual(flowKey(pkt(1, [...ETH, 0x08, 0x00, ...ipv4(a, [198, 19, 7, 10])])), key);
  assert.equal(flowKey(pkt(1, [...ETH, 0x08, 0x06, ...new Array<number>(28).fill(0)])), -1, 'ARP has no IP pair');
  assert.equal(flowKey(pkt(1, [...ETH, 0x08, 0x00, 0x45, 0])), -1, 'a cut IP header has none either');

  // the owner sticks, whatever came between
  const part = new Partitioner([0.7, 1]);
  const rnd = mulberry32(7);
  const pairs = Array.from({ length: 400 }, () => [[198, 18, rnd() * 256 | 0, rnd() * 256 | 0], [198, 19, rnd() * 256 | 0, rnd() * 256 | 0]]);
  const owner = new Map<number, number>();
  const load = [0, 0];
  for (let i = 0; i < 20_000; i++) {
    const [x, y] = pairs[Math.floor(rnd() ** 2 * pairs.length)];
    const p = pkt(1, [...ETH, 0x08, 0x00, ...(rnd() < 0.5 ? ipv4(x, y) : ipv4(y, x))]);
    const w = part.owner(p);
    const k = flowKey(p);
    assert.equal(owner.get(k) ?? w, w, 'a pair changed owner');
    owner.set(k, w);
    load[w]++;
  }
  // shares 0.7 : 1 — the thread that also reads gets the smaller part
  const share = load[0] / (load[0] + load[1]);
  assert.ok(share > 0.3 && share < 0.52, `reading thread's share ${share.toFixed(2)}`);
});

test('a gzip capture read into a slow pipe: every line arrives, on one thread and on two', { skip, timeout: 120_000 }, async () => {
  // a real FIFO (node's own child pipes are sockets) whose reader waits a second before reading: the
  // output must block, not fail — Readable.pipe() inside the gzip reader once turned fd 1 non-blocking
  const path = combined(60);
  const gz = `${path}.gz`;
  writeFileSync(gz, gzipSync(readFileSync(path), { level: 1 }));
  const e = ['frame.number', 'frame.time_epoch', 'eth.src', 'ip.src', 'tcp.srcport', 'http.host', 'frame.protocols'].flatMap((f) => ['-e', f]);
  const want = (await read(1, ['-r', path, '-T', 'fields', ...e])).stdout;
  assert.ok(want.length > 256 << 10, 'more output than a pipe holds');
  for (const threads of [1, 2]) {
    const q = (a: string): string => `'${a.replace(/'/g, "'\\''")}'`;
    const sh = `XDPSCOPE_READ_THREADS=${threads} ${q(process.execPath)} ${q(CLI)} read -r ${q(gz)} -T fields ${e.map(q).join(' ')} | (sleep 1; cat)`;
    const r = spawnSync('sh', ['-c', sh], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.stderr, '', `${threads} thread(s)`);
    assert.ok(r.stdout === want, `${threads} thread(s): ${r.stdout.length} of ${want.length} characters`);
  }
});

test('epb_flags, xdp.action and the process reach every thread: the same fields on 1 and 2 threads', { timeout: 120_000 }, async () => {
  // the worker threads once rebuilt packets from bytes and times alone, so these fields were empty there
  const file = join(outputDir('parallel'), 'extras.pcapng');
  const w = PcapngWriter.open(file);
  const ifc = w.addInterface({ linkType: 1, snaplen: 262144 });
  const proc = { pid: 42, name: 'curl', exepath: '/usr/bin/curl', argv: ['curl', 'x'], uid: 1000, gid: 1000, user: 'alice', container: '', cgroup: '/' };
  const frame = (i: number): Buffer => {
    const f = Buffer.alloc(60);
    f.writeUInt16BE(0x0800, 12);
    f[14] = 0x45; f.writeUInt16BE(46, 16); f[22] = 64; f[23] = 17;
    Buffer.from([198, 18, 40, 1 + (i % 50), 198, 18, 41, 1 + (i % 7)]).copy(f, 26);
    f.writeUInt16BE(1024 + i, 34); f.writeUInt16BE(53, 36); f.writeUInt16BE(26, 38);
    return f;
  };
  for (let i = 0; i < 4000; i++) {
    w.writePacket(ifc, BigInt(1_700_000_000 + i) * 1_000_000_000n, frame(i), 60, undefined,
      { flags: 1 + (i % 2), ...(i % 3 === 0 ? { xdpAction: i % 5 } : {}), ...(i % 4 === 0 ? { proc, procAttr: 1 } : { procAttr: 17 }) });
  }
  w.close();
  const r = await same(['-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.packet_flags_direction', '-e', 'xdp.action', '-e', 'proc.pid', '-e', 'proc.cmdline', '-e', 'proc.none', '-Y', 'udp']);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 4000);
  assert.deepEqual(lines[0].split('\t').slice(1, 5), ['0x00000001', '0', '42', 'curl x']);
  assert.match(lines[1], /\t0x00000002\t\t\t\tno local socket/);
});
