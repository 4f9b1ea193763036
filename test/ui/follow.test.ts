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
import { EngineService } from '../../main/engine/service/service';
import { PcapngWriter } from '../../main/engine/pcapng/writer';
import type { StreamFollow } from '../../main/api/types';
import { CAPTURES, sharedCapturesSkipReason, hasCommand } from '../lib/env';

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
  await s.call('openFile', { path });
  for (let i = 0; i < 500 && s.status().state === 'loading'; i++) await new Promise((r) => setTimeout(r, 10));
  assert.notEqual(s.status().state, 'loading', `${path} did not finish loading`);
  return s;
}

/** Follow every stream tshark sees in the file; returns per-stream disagreements (empty: all agree). */
async function compareFile(path: string): Promise<{ streams: number; bad: string[] }> {
  const streams = tsharkStreams(path);
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

test('follow TCP and UDP stream equal tshark on every stream of the shared captures', { skip, timeout: 60_000 }, async (t) => {
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

// ---- a crafted capture: the cases the shared captures lack -----------------

const CLIENT = [198, 18, 0, 1], SERVER = [198, 18, 0, 2];
const ISN_C = 0x10000000, ISN_S = 0xfffff000; // the server's sequence numbers wrap past 2^32
const SYN = 0x02, ACK = 0x10, FIN = 0x01, PSH = 0x08;

function sum16(b: Uint8Array, start: number, end: number, acc = 0): number {
  for (let i = start; i < end; i += 2) acc += (b[i] << 8) | (i + 1 < end ? b[i + 1] : 0);
  return acc;
}
const fold = (x: number): number => { while (x > 0xffff) x = (x & 0xffff) + (x >>> 16); return ~x & 0xffff; };

/** Ethernet + IPv4 + TCP/UDP frame with correct checksums. */
function frame(fromClient: boolean, proto: 6 | 17, sport: number, dport: number, l4: (b: Buffer, at: number) => number, payload: Uint8Array): Buffer {
  const l4len = (proto === 6 ? 20 : 8) + payload.length;
  const b = Buffer.alloc(14 + 20 + l4len);
  b.set([2, 0, 0, 0, 0, fromClient ? 2 : 1, 2, 0, 0, 0, 0, fromClient ? 1 : 2, 0x08, 0x00]);
  const ip = 14;
  b[ip] = 0x45; b.writeUInt16BE(20 + l4len, ip + 2); b[ip + 8] = 64; b[ip + 9] = proto;
  b.set(fromClient ? CLIENT : SERVER, ip + 12); b.set(fromClient ? SERVER : CLIENT, ip + 16);
  b.writeUInt16BE(fold(sum16(b, ip, ip + 20)), ip + 10);
  const t = ip + 20;
  b.writeUInt16BE(sport, t); b.writeUInt16BE(dport, t + 2);
  const ck = l4(b, t);
  b.set(payload, t + (proto === 6 ? 20 : 8));
  const pseudo = sum16(b, ip + 12, ip + 20) + proto + l4len;
  b.writeUInt16BE(fold(sum16(b, t, t + l4len, pseudo)) || (proto === 17 ? 0xffff : 0), ck);
  return b;
}

class Crafted {
  private readonly w: PcapngWriter;
  private readonly ifc: number;
  private ts = 1_700_000_000_000_000_000n;
  constructor(path: string) {
    this.w = PcapngWriter.open(path);
    this.ifc = this.w.addInterface({ linkType: 1, snaplen: 262144 });
  }
  private put(b: Buffer): void { this.ts += 1_000_000n; this.w.writePacket(this.ifc, this.ts, b, b.length); }
  /** A TCP segment; seq/ack relative to the sender's/receiver's ISN (the SYN is 0). */
  tcp(port: number, fromClient: boolean, flags: number, seq: number, ack: number, text = ''): void {
    const [sp, dp] = fromClient ? [port, 80] : [80, port];
    const [isn, peer] = fromClient ? [ISN_C, ISN_S] : [ISN_S, ISN_C];
    this.put(frame(fromClient, 6, sp, dp, (b, t) => {
      b.writeUInt32BE((isn + seq) >>> 0, t + 4);
      b.writeUInt32BE(flags & ACK ? (peer + ack) >>> 0 : 0, t + 8);
      b[t + 12] = 5 << 4; b[t + 13] = flags; b.writeUInt16BE(65535, t + 14);
      return t + 16;
    }, Buffer.from(text, 'latin1')));
  }
  udp(fromClient: boolean, text: string): void {
    const [sp, dp] = fromClient ? [50000, 40500] : [40500, 50000];
    this.put(frame(fromClient, 17, sp, dp, (b, t) => { b.writeUInt16BE(8 + text.length, t + 4); return t + 6; }, Buffer.from(text, 'latin1')));
  }
  handshake(port: number): void {
    this.tcp(port, true, SYN, 0, 0);
    this.tcp(port, false, SYN | ACK, 0, 1);
    this.tcp(port, true, ACK, 1, 1);
  }
  close(): void { this.w.close(); }
}

function craft(path: string): void {
  const c = new Crafted(path);
  const C = true, S = false, PA = PSH | ACK;
  // 1: out of order, exact duplicate, partial overlaps in both directions
  c.handshake(40001);
  c.tcp(40001, C, PA, 1, 1, 'GET /a HTTP/1.1\r\n');      // 1..18
  c.tcp(40001, C, PA, 28, 1, 'BBBBBBBBBB');              // 28..38, ahead of a hole
  c.tcp(40001, C, PA, 18, 1, 'CCCCCCCCCC');              // 18..28 fills it
  c.tcp(40001, C, PA, 1, 1, 'GET /a HTTP/1.1\r\n');      // exact retransmission
  c.tcp(40001, C, PA, 33, 1, 'DDDDDDDDDD');              // 33..43: 5 bytes seen, 5 new
  c.tcp(40001, S, PA, 1, 43, 'HTTP/1.1 200 OK\r\n\r\n');
  c.tcp(40001, S, PA, 1, 43, 'HTTP/1.1 200 OK\r\n\r\nmore'); // retransmission with more data
  c.tcp(40001, C, FIN | ACK, 43, 24);
  c.tcp(40001, S, FIN | ACK, 24, 44);
  c.tcp(40001, C, ACK, 44, 25);
  // 2: a client segment the capture lost but the server acknowledged
  c.handshake(40002);
  c.tcp(40002, C, PA, 1, 1, 'aaaa');
  c.tcp(40002, C, PA, 9, 1, 'cccc');                     // 5..9 never captured
  c.tcp(40002, S, ACK, 1, 13);
  c.tcp(40002, S, PA, 1, 13, 'ok');
  // 3: a lost segment nobody acknowledges: what follows it stays unshown
  c.handshake(40003);
  c.tcp(40003, C, PA, 1, 1, 'aaaa');
  c.tcp(40003, C, PA, 9, 1, 'cccc');
  c.tcp(40003, S, PA, 1, 5, 'resp');
  // 4: buffered segments overlapping each other, delivered once the hole fills
  c.handshake(40004);
  c.tcp(40004, C, PA, 1, 1, '1111');                     // 1..5
  c.tcp(40004, C, PA, 9, 1, '33333333');                 // 9..17
  c.tcp(40004, C, PA, 13, 1, '4444444444');              // 13..23
  c.tcp(40004, S, PA, 1, 5, 'srv1');
  c.tcp(40004, C, PA, 5, 5, '2222');                     // 5..9
  c.tcp(40004, S, PA, 5, 23, 'srv2');
  // 5: data on the SYN and on the FIN
  c.tcp(40005, C, SYN, 0, 0, 'syn-data');
  c.tcp(40005, S, SYN | ACK, 0, 9);
  c.tcp(40005, C, FIN | PSH | ACK, 9, 1, 'bye');
  c.tcp(40005, S, FIN | PSH | ACK, 1, 13, 'later');
  // 6: no handshake captured, server data out of order
  c.tcp(40006, C, PA, 100, 200, 'mid-stream ');
  c.tcp(40006, S, PA, 210, 111, 'second');
  c.tcp(40006, S, PA, 200, 111, 'first12345');
  c.tcp(40006, C, PA, 111, 216, 'next');
  // UDP both ways, an empty datagram included
  c.udp(C, 'ping'); c.udp(S, 'pong'); c.udp(C, ''); c.udp(S, 'x');
  c.close();
}

test('follow equals tshark on crafted out-of-order, duplicate, overlapping and lost segments', { skip: noTshark ?? false, timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-follow-'));
  try {
    const path = join(process.env.XDPSCOPE_FOLLOW_KEEP ?? dir, 'crafted.pcapng');
    craft(path);
    const r = await compareFile(path);
    assert.equal(r.streams, 7);
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
    await assert.rejects(s.call('followStream', { number: udpFrame, protocol: 'tcp' }), /not part of a TCP stream/);
    await assert.rejects(s.call('followStream', { number: 1, protocol: 'udp' }), /not part of a UDP stream/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
