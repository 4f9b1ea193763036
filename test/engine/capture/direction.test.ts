// Both directions, live: a python http.server in one namespace, curl and a
// UDP sender in the other, `xdpscope capture -Q inout` on the client's veth
// while `tcpdump -Q inout -w` runs on the same veth. Both files must hold
// the same frames byte for byte, each of ours marked with its direction in
// the pcapng flags (tshark's frame.packet_flags_direction) — with TSO/GSO on
// (egress super-frames: tcx and tcpdump both see the skb before
// segmentation) and off. -Q in / -Q out take one side each, and kill -9
// leaves no program of ours on either hook.
//
// GRO is turned off on the client veth: XDP sees frames before GRO, tcpdump
// after it, so with GRO a download would be merged for tcpdump alone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, hasCommand, liveSkipReason, outputDir, HELPER_START_MS } from '../../lib/env';
import { createVethPair, type VethPair } from '../../lib/netns';
import { exited, waitForOutput } from '../../lib/process';
import { parseCaptureBuffer } from '../../../main/engine/file';
import type { RawPacket } from '../../../main/engine/types';
import { HELPER, clientMac, collectPackets, helloOf, statsReach, tcpSettled } from './util';
import { startCapture, type HostInterface } from '../../../main/engine/capture';

const skip = liveSkipReason() ?? (['tcpdump', 'tshark', 'clang', 'curl', 'python3', 'ethtool', 'ss'].find((c) => !hasCommand(c)) ?? null);
const out = outputDir('capture-direction');
const env = { ...process.env, XDPSCOPE_HELPER: HELPER };

const waitFor = (child: ChildProcess, stream: 'stdout' | 'stderr', re: RegExp): Promise<string> => waitForOutput(child, stream, re, HELPER_START_MS);

const tick = () => new Promise<void>((r) => setTimeout(r, 50));

/** Packets of a capture file being written (a torn last record is not counted). */
function packetsIn(path: string): RawPacket[] {
  if (!existsSync(path)) return [];
  return parseCaptureBuffer(readFileSync(path)).packets.map((p) => ({ ...p, data: Buffer.from(p.data) }));
}

/** The client veth's packet counters for the directions captured (tx counts what the device sent, after any software segmentation). */
function counters(pair: VethPair, direction: string): number {
  const read = (what: string) => Number(pair.exec(pair.clientNs, ['cat', `/sys/class/net/${pair.clientIf}/statistics/${what}_packets`]).trim());
  return (direction === 'out' ? 0 : read('rx')) + (direction === 'in' ? 0 : read('tx'));
}

/**
 * Until tcpdump's file holds every frame the interface counted since `base`
 * and the counters stand still. Ours needs no wait of its own: XDP runs
 * before tcpdump's tap on ingress and tcx before it on egress, so what
 * tcpdump has, our programs have put in the ring, and stopping drains it.
 */
async function tcpdumpHasAll(pair: VethPair, direction: string, base: number, file: string): Promise<number> {
  for (let i = 0; i < 600; i++) {
    const want = counters(pair, direction) - base;
    if (packetsIn(file).length >= want && counters(pair, direction) - base === want) return want;
    await tick();
  }
  throw new Error(`tcpdump's file never reached the interface's counters: ${packetsIn(file).length} of ${counters(pair, direction) - base}`);
}

const SERVER = `
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ('ua=' + str(self.headers.get('User-Agent'))).encode()
        self.send_response(200); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
    def do_POST(self):
        n = int(self.headers.get('Content-Length', '0')); got = 0
        while got < n:
            b = self.rfile.read(min(65536, n - got))
            if not b: break
            got += len(b)
        body = ('got %d' % got).encode()
        self.send_response(200); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
s = http.server.HTTPServer((sys.argv[1], 8080), H)
print('ready', flush=True)
s.serve_forever()
`;

interface Run { ours: RawPacket[]; theirs: RawPacket[]; ourFile: string; counted: number }

/** Both captures on the client veth while curl (GET, a 256 KiB POST) and a UDP sender run. */
async function run(pair: VethPair, name: string, direction: string): Promise<Run> {
  const ourFile = join(out, `${name}-ours.pcapng`);
  const theirFile = join(out, `${name}-tcpdump.pcap`);
  rmSync(ourFile, { force: true });
  rmSync(theirFile, { force: true });
  const upload = join(out, 'upload.bin');
  writeFileSync(upload, Buffer.alloc(256 << 10, 0x61));
  const tcpdump = pair.spawn(pair.clientNs, ['tcpdump', '-i', pair.clientIf, '-Q', direction, '--immediate-mode', '-B', '8192', '-U', '-w', theirFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  const xs = spawn('ip', ['netns', 'exec', pair.clientNs, process.execPath, CLI, 'capture', '-i', pair.clientIf, '-Q', direction, '-w', ourFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let counted: number;
  try {
    await Promise.all([waitFor(tcpdump, 'stderr', /listening on/), waitFor(xs, 'stderr', /Capturing on/)]);
    const base = counters(pair, direction);
    const url = `http://${pair.serverIp}:8080`;
    for (let i = 0; i < 2; i++) pair.exec(pair.clientNs, ['curl', '-sS', '-o', '/dev/null', '-A', `xdpscope-dir/1.0 (run ${i})`, `${url}/get${i}`]);
    pair.exec(pair.clientNs, ['curl', '-sS', '-o', '/dev/null', '--data-binary', `@${upload}`, `${url}/up`]);
    // nobody listens on 5353: each datagram out, an ICMP port unreachable in
    pair.exec(pair.clientNs, ['python3', '-c', `import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor i in range(3): s.sendto(b'hello %d' % i, ('${pair.serverIp}', 5353))`]);
    await tcpSettled(pair);
    counted = await tcpdumpHasAll(pair, direction, base, theirFile);
  } finally {
    tcpdump.kill('SIGINT');
    xs.kill('SIGINT');
    await Promise.all([exited(tcpdump), exited(xs)]);
  }
  assert.equal(xs.exitCode, 0);
  return { ours: packetsIn(ourFile), theirs: packetsIn(theirFile), ourFile, counted };
}

const hex = (p: RawPacket): string => Buffer.from(p.data).toString('hex');

/** IPv4/TCP payload bytes keyed by sequence number, joined in order: a byte stream however it was framed. */
function tcpPayloadBySeq(ps: RawPacket[]): string {
  const parts: Array<[number, Buffer]> = [];
  for (const p of ps) {
    const d = Buffer.from(p.data);
    const ihl = (d[14] & 15) * 4;
    const tcp = 14 + ihl;
    const total = d.readUInt16BE(16);
    const off = tcp + (d[tcp + 12] >> 4) * 4;
    // a GSO super-frame's IPv4 total length may be 0 when it passes 64 KiB: then the frame is the packet
    const end = total ? 14 + total : d.length;
    parts.push([d.readUInt32BE(tcp + 4), d.subarray(off, end)]);
  }
  parts.sort((a, b) => a[0] - b[0]);
  return Buffer.concat(parts.map((x) => x[1])).toString('hex');
}
const sorted = (ps: RawPacket[]): string[] => ps.map(hex).sort();
/** 2 (outbound) when the client's veth sent it, 1 when it received it */
const wayOf = (p: RawPacket, mac: Buffer): number => (Buffer.from(p.data.subarray(6, 12)).equals(mac) ? 2 : 1);

describe('capture in both directions', { skip: skip ? `needs ${skip}` : false }, () => {
  let pair: VethPair;
  let server: ChildProcess;
  let mac: Buffer;
  before(async () => {
    pair = createVethPair({ subnet: 218 });
    mac = Buffer.from(clientMac(pair).replace(/:/g, ''), 'hex');
    pair.exec(pair.clientNs, ['ethtool', '-K', pair.clientIf, 'gro', 'off']);
    server = pair.spawn(pair.serverNs, ['python3', '-c', SERVER, pair.serverIp], { stdio: ['ignore', 'pipe', 'pipe'] });
    await waitFor(server, 'stdout', /ready/);
  });
  after(() => { server?.kill('SIGKILL'); pair?.dispose(); });

  it('-Q inout: the frames tcpdump -Q inout writes, byte for byte, each with its direction; GSO super-frames whole', async () => {
    const r = await run(pair, 'inout', 'inout');
    assert.equal(r.ours.length, r.counted, 'every frame the interface counted');
    assert.deepEqual(sorted(r.ours), sorted(r.theirs));
    assert.deepEqual(r.ours.map((p) => p.flags), r.ours.map((p) => wayOf(p, mac)));
    const outbound = r.ours.filter((p) => p.flags === 2);
    assert.ok(outbound.length > 0 && outbound.length < r.ours.length);
    // tcx sees the skb before segmentation, as tcpdump does: the upload leaves as super-frames
    assert.ok(outbound.some((p) => p.origLen > 1514), `no GSO super-frame among ${outbound.length} outbound frames`);
    const tshark = (filter: string) => execFileSync('tshark', ['-r', r.ourFile, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').filter(Boolean).map(Number);
    assert.deepEqual(tshark('frame.packet_flags_direction == 2'), r.ours.flatMap((p, i) => (p.flags === 2 ? [i + 1] : [])));
    // the requests and their User-Agent: what an ingress-only capture never showed
    assert.equal(tshark('http.user_agent contains "xdpscope-dir" && frame.packet_flags_direction == 2').length, 2);
    assert.equal(tshark('udp.dstport == 5353 && frame.packet_flags_direction == 2').length, 3);
  });

  /*
   * With TSO and GSO off the stack still builds GSO skbs; the kernel cuts
   * them up in validate_xmit_skb, after the tc egress hook and before the
   * tap tcpdump reads. So tcx records the super-frame and tcpdump its
   * segments: the same bytes on the wire, framed differently. Ingress, and
   * every outbound frame that was not cut, is identical; the outbound TCP
   * byte stream is identical too.
   */
  it('-Q inout with TSO and GSO off: tcpdump has the segments of what tcx saw whole; the same bytes', async () => {
    pair.exec(pair.clientNs, ['ethtool', '-K', pair.clientIf, 'tso', 'off', 'gso', 'off']);
    try {
      const r = await run(pair, 'inout-noseg', 'inout');
      assert.deepEqual(r.ours.map((p) => p.flags), r.ours.map((p) => wayOf(p, mac)));
      const whole = (p: RawPacket) => p.origLen <= 1514;
      assert.deepEqual(sorted(r.ours.filter((p) => p.flags === 1)), sorted(r.theirs.filter((p) => wayOf(p, mac) === 1)));
      const oursOut = r.ours.filter((p) => p.flags === 2), theirsOut = r.theirs.filter((p) => wayOf(p, mac) === 2);
      assert.ok(oursOut.some((p) => !whole(p)), 'tcx saw no super-frame: the kernel segmented before the hook?');
      assert.ok(theirsOut.every(whole), 'tcpdump saw a frame larger than the MTU');
      // what tcpdump has whole (no payload to cut, or one segment's worth) is in ours byte for byte
      const ourSet = new Set(oursOut.map(hex));
      const missing = theirsOut.filter((p) => !ourSet.has(hex(p)));
      // ... and what is not is the payload of our super-frames, segment by segment
      assert.deepEqual(tcpPayloadBySeq(missing), tcpPayloadBySeq(oursOut.filter((p) => !whole(p))));
    } finally {
      pair.exec(pair.clientNs, ['ethtool', '-K', pair.clientIf, 'tso', 'on', 'gso', 'on']);
    }
  });

  for (const [q, way] of [['in', 1], ['out', 2]] as const) {
    it(`-Q ${q}: only the ${q === 'in' ? 'received' : 'sent'} frames, those tcpdump -Q ${q} writes`, async () => {
      const r = await run(pair, q, q);
      assert.ok(r.ours.length > 0);
      assert.deepEqual(sorted(r.ours), sorted(r.theirs));
      assert.ok(r.ours.every((p) => p.flags === way && wayOf(p, mac) === way));
    });
  }

  it('on the clsact fallback (kernels before 6.6) egress is captured too; a stop and a kill -9 remove the filter', async () => {
    const tcShow = () => pair.exec(pair.clientNs, ['tc', 'filter', 'show', 'dev', pair.clientIf, 'egress']) + pair.exec(pair.clientNs, ['tc', 'qdisc', 'show', 'dev', pair.clientIf]);
    const once = async (kill: boolean) => {
      const cap = startCapture({ iface: pair.clientIf, helper: HELPER, wrapper: ['ip', 'netns', 'exec', pair.clientNs], direction: 'out', egressAttach: 'clsact', filter: 'icmp' });
      const { packets: got, reading } = collectPackets(cap);
      const h = await helloOf(cap);
      assert.equal(h.egressMode, 'clsact');
      assert.equal(h.mode, 'none');
      assert.equal((tcShow().match(/handle 0x5853 xdpscope_egress/g) ?? []).length, 1, tcShow());
      pair.exec(pair.clientNs, ['ping', '-c', '2', '-i', '0.2', pair.serverIp]);
      await statsReach(cap, (s) => s.seen - s.filtered >= 2, 'two echo requests out');
      if (kill) { process.kill(cap.pid!, 'SIGKILL'); await cap.done; return got; }
      await cap.stop();
      await reading;
      return got;
    };
    // a clsact filter is not a link: the helper's watcher process removes it when the helper dies
    await once(true);
    for (let i = 0; i < 200 && /xdpscope_egress/.test(tcShow()); i++) await tick();
    assert.doesNotMatch(tcShow(), /xdpscope_egress/);
    const got = await once(false);
    assert.equal(got.length, 2);
    assert.ok(got.every((p) => p.flags === 2 && p.data[23] === 1));
    assert.doesNotMatch(tcShow(), /xdpscope_egress/);
  });

  it('kill -9 of the helper leaves no program of ours on ingress or egress', async () => {
    const cap = startCapture({ iface: pair.clientIf, helper: HELPER, wrapper: ['ip', 'netns', 'exec', pair.clientNs] });
    const reading = (async () => { for await (const _ of cap) { /* drain */ } })();
    reading.catch(() => {});
    const h = await helloOf(cap);
    assert.equal(h.directions, 'inout');
    assert.equal(h.egressMode, 'tcx');
    // the helper's list names what is attached (XDP, and tcx egress), root seeing names
    const ours = () => JSON.stringify((JSON.parse(pair.exec(pair.clientNs, [HELPER, 'list'])) as HostInterface[]).find((i) => i.name === pair.clientIf));
    assert.match(ours(), /xdpscope_captur/);
    assert.match(ours(), /xdpscope_egress/);
    pair.exec(pair.clientNs, ['ping', '-c', '1', pair.serverIp]);
    await statsReach(cap, (s) => s.seen >= 2, 'the ping both ways');
    process.kill(cap.pid!, 'SIGKILL');
    // ip netns exec: the helper is its child (exec'd in place): the pid is the helper
    await cap.done;
    for (let i = 0; i < 200 && /xdpscope/.test(ours()); i++) await tick();
    assert.doesNotMatch(ours(), /xdpscope/);
  });
});
