// Live capture end to end, in two network namespaces joined by a veth pair:
// real TCP/HTTP, UDP and ICMP traffic captured by `xdpscope capture` must
// match what tcpdump sees on the same interface (ingress) byte for byte;
// the XDP program must never outlive the helper, never displace someone
// else's program, and every frame must be accounted for under overload.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, hasCommand, liveSkipReason, outputDir, HELPER_START_MS } from '../../lib/env';
import { createVethPair, type VethPair } from '../../lib/netns';
import { exited, waitForOutput } from '../../lib/process';
import { parseCaptureBuffer } from '../../../main/engine/file';
import { udpFrame, writePcap, icmpEchoFrame } from './frames';
import { HELPER, captureDuring, clientMac, passed, helloOf, replay, sleep, startInNs, xdpOn } from './util';

const skip = liveSkipReason() ?? (['tcpdump', 'tcpreplay', 'tshark', 'clang'].find((c) => !hasCommand(c)) ?? null);
const out = outputDir('capture');
const env = { ...process.env, XDPSCOPE_HELPER: HELPER };

const waitFor = (child: ChildProcess, stream: 'stdout' | 'stderr', re: RegExp): Promise<string> => waitForOutput(child, stream, re, HELPER_START_MS);

function cli(pair: VethPair, args: string[]): ChildProcess {
  return spawn('ip', ['netns', 'exec', pair.serverNs, process.execPath, CLI, 'capture', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function framesOf(path: string): Buffer[] {
  return packetsOf(path).map((p) => p.data);
}

function packetsOf(path: string): Array<{ data: Buffer; tsNs: bigint }> {
  const parsed = parseCaptureBuffer(readFileSync(path));
  assert.equal(parsed.error, null, `${path} must parse cleanly`);
  return parsed.packets.map((p) => ({ data: Buffer.from(p.data), tsNs: p.tsNs ?? 0n }));
}

interface Compared { file: string; ours: number; theirs: number; maxLen: number }

/**
 * Runs tcpdump (ingress) and `xdpscope capture` side by side on the server
 * veth while `traffic` runs, against a tiny HTTP + UDP server. Every frame
 * tcpdump wrote must be in our file byte for byte (tcpdump may lose frames
 * under a burst — "dropped by kernel" — we must not: seen == captured).
 */
async function againstTcpdump(pair: VethPair, name: string, extra: string[], traffic: (p: VethPair) => void): Promise<Compared> {
  const ours = join(out, `${name}-ours.pcapng`);
  const theirs = join(out, `${name}-tcpdump.pcap`);
  rmSync(ours, { force: true });
  const server = pair.spawn(pair.serverNs, [process.execPath, '-e', `
    require('http').createServer((q, s) => { q.resume(); q.on('end', () => { s.setHeader('Content-Type', 'text/plain'); s.end('ua=' + q.headers['user-agent']); }); })
      .listen(8080, '${pair.serverIp}', () => console.log('ready'));
    require('dgram').createSocket('udp4').bind(5353, '${pair.serverIp}').on('message', () => {});`], { stdio: ['ignore', 'pipe', 'pipe'] });
  const tcpdump = pair.spawn(pair.serverNs, ['tcpdump', '-i', pair.serverIf, '-Q', 'in', '--immediate-mode', '-B', '8192', '-U', '-w', theirs], { stdio: ['ignore', 'pipe', 'pipe'] });
  const xs = cli(pair, ['-i', pair.serverIf, '-w', ours, ...extra]);
  let xsErr = '';
  xs.stderr!.on('data', (d) => { xsErr += d; });
  try {
    await Promise.all([
      waitFor(server, 'stdout', /ready/),
      waitFor(tcpdump, 'stderr', /listening on/),
      waitFor(xs, 'stderr', /Capturing on/),
    ]);
    traffic(pair);
    await sleep(500);
  } finally {
    tcpdump.kill('SIGINT');
    xs.kill('SIGINT');
    server.kill('SIGKILL');
  }
  assert.equal(await exited(xs), 0, xsErr);
  await exited(tcpdump);
  const a = packetsOf(ours);
  const b = packetsOf(theirs);
  const have = new Map<string, bigint[]>();
  for (const p of a) { const k = p.data.toString('hex'); have.set(k, [...(have.get(k) ?? []), p.tsNs]); }
  for (const p of b) {
    const k = p.data.toString('hex');
    const ts = have.get(k)?.shift();
    assert.ok(ts !== undefined, `a ${p.data.length}-byte frame tcpdump saw is missing from our capture`);
    // Both are kernel arrival times (ours before the skb exists, tcpdump's
    // after): wall-clock conversion must put them within a few ms.
    const skewMs = Number(p.tsNs - ts) / 1e6;
    assert.ok(Math.abs(skewMs) < 50, `timestamp differs from tcpdump's by ${skewMs} ms`);
  }
  const summary = /Packets captured: (\d+), dropped by ring: (\d+), filtered: (\d+) \(seen (\d+)/.exec(xsErr);
  assert.ok(summary, xsErr);
  assert.equal(Number(summary[1]), a.length);
  assert.equal(Number(summary[2]), 0);
  assert.equal(Number(summary[4]), a.length, 'every frame the program saw is in the file');
  const isb = parseCaptureBuffer(readFileSync(ours)).stats;
  assert.equal(isb.length, 1);
  assert.equal(isb[0].userDelivered, a.length);
  assert.equal(isb[0].dropped, 0);
  assert.equal(xdpOn(pair.serverNs, pair.serverIf), '');
  return { file: ours, ours: a.length, theirs: b.length, maxLen: Math.max(...a.map((p) => p.data.length)) };
}

describe('live capture', { skip: skip ? `needs ${skip}` : false }, () => {
  let pair: VethPair;
  before(() => { pair = createVethPair({ subnet: 212 }); });
  after(() => pair?.dispose());

  it('captures every frame tcpdump sees on the interface (HTTP, UDP, ICMP), byte for byte', async () => {
    const r = await againstTcpdump(pair, 'live', [], (p) => {
      p.exec(p.clientNs, [process.execPath, '-e', `
        const http = require('http');
        (async () => {
          for (let i = 0; i < 5; i++) await new Promise((ok, ko) => http.get({ host: '${p.serverIp}', port: 8080, path: '/p' + i,
            headers: { 'User-Agent': 'xdpscope-test/1.0 (run ' + i + ')' }, agent: false }, (r) => { r.resume(); r.on('end', ok); }).on('error', ko));
          const u = require('dgram').createSocket('udp4');
          for (let i = 0; i < 5; i++) await new Promise((ok) => u.send(Buffer.from('hello ' + i), 5353, '${p.serverIp}', ok));
          u.close();
        })().catch((e) => { console.error(e); process.exit(1); });`]);
      p.exec(p.clientNs, ['ping', '-c', '3', '-i', '0.2', p.serverIp]);
    });
    assert.ok(r.theirs >= 5 * 5 + 5 + 3, `tcpdump saw only ${r.theirs} frames`);
    const uas = execFileSync('tshark', ['-r', r.file, '-Y', 'http.user_agent', '-T', 'fields', '-e', 'http.user_agent'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    assert.equal(uas.trim().split('\n').length, 5);
    assert.match(uas, /xdpscope-test\/1\.0 \(run 4\)/);
  });

  it('attaches natively on veth by default, and in generic mode when asked', async () => {
    const ep = { srcMac: clientMac(pair), dstMac: pair.serverMac, src: pair.clientIp, dst: '198.18.212.99' };
    const pcap = join(out, 'modes.pcap');
    writePcap(pcap, [0, 1, 2].map((i) => icmpEchoFrame(ep, i)));
    // Filtered to ICMP: the client's neighbour probes (ARP) after the earlier
    // tests' traffic may reach the interface at any moment.
    const ours = { passed: 3 };
    const native = await captureDuring(pair, { filter: 'icmp' }, () => replay(pair, pcap), ours);
    assert.equal(native.hello.mode, 'native');
    assert.equal(native.frames.length, 3);
    const generic = await captureDuring(pair, { mode: 'generic', filter: 'icmp' }, (cap) => {
      assert.match(xdpOn(pair.serverNs, pair.serverIf), /xdpgeneric/);
      assert.equal(cap.hello?.mode, 'generic');
      replay(pair, pcap);
    }, ours);
    assert.equal(generic.frames.length, 3);
    assert.equal(passed(generic.exit.stats!), 3);
    assert.equal(xdpOn(pair.serverNs, pair.serverIf), '');
  });

  it('stops after -c COUNT packets and after -a duration:SECS', async () => {
    const ep = { srcMac: clientMac(pair), dstMac: pair.serverMac, src: pair.clientIp, dst: '198.18.212.99' };
    const pcap = join(out, 'count.pcap');
    writePcap(pcap, Array.from({ length: 20 }, (_, i) => udpFrame(ep, 1000, 3000 + i)));
    const file = join(out, 'count.pcapng');
    // Filtered, so a stray late frame of an earlier test cannot count.
    const xs = cli(pair, ['-i', pair.serverIf, '-w', file, '-c', '5', '-f', 'udp dst portrange 3000-3019']);
    let err = '';
    xs.stderr!.on('data', (d) => { err += d; });
    await waitFor(xs, 'stderr', /Capturing on/);
    replay(pair, pcap);
    assert.equal(await exited(xs), 0, err);
    assert.deepEqual(framesOf(file).map((f) => f.readUInt16BE(36)), [3000, 3001, 3002, 3003, 3004]);
    assert.match(err, /Packets captured: 5,/);
    // -w - streams the pcapng to stdout.
    const piped = cli(pair, ['-i', pair.serverIf, '-w', '-', '-c', '3', '-f', 'udp dst portrange 3000-3019']);
    const chunks: Buffer[] = [];
    piped.stdout!.on('data', (d: Buffer) => chunks.push(d));
    await waitFor(piped, 'stderr', /Capturing on '[^']+' \(XDP native mode \+ egress tcx\) → stdout/);
    replay(pair, pcap);
    assert.equal(await exited(piped), 0);
    const streamed = parseCaptureBuffer(Buffer.concat(chunks));
    assert.equal(streamed.error, null);
    assert.deepEqual(streamed.packets.map((p) => Buffer.from(p.data).readUInt16BE(36)), [3000, 3001, 3002]);
    const t0 = Date.now();
    const timed = cli(pair, ['-i', pair.serverIf, '-w', file, '-a', 'duration:1']);
    assert.equal(await exited(timed), 0);
    const took = Date.now() - t0;
    assert.ok(took >= 1000 && took < HELPER_START_MS + 15_000, `-a duration:1 took ${took} ms`);
    assert.equal(xdpOn(pair.serverNs, pair.serverIf), '');
  });

  it('lists interfaces (JSON and table) with driver, addresses and the attached program, unprivileged too', async () => {
    const list = (args: string[], asNobody = false) => execFileSync('ip', ['netns', 'exec', pair.serverNs,
      ...(asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all'] : []),
      process.execPath, CLI, 'interfaces', ...args], { encoding: 'utf8', env });
    const idle = (JSON.parse(list(['--json'], true)) as Array<Record<string, any>>).find((i) => i.name === pair.serverIf)!;
    assert.equal(idle.driver, 'veth');
    assert.equal(idle.mac, pair.serverMac);
    assert.equal(idle.up, true);
    assert.deepEqual(idle.addresses, [{ family: 4, address: pair.serverIp, prefixlen: 24 }]);
    assert.equal(idle.xdp, null);
    const cap = startInNs(pair, {});
    try {
      const h = await helloOf(cap);
      const busy = (JSON.parse(list(['--json'])) as Array<Record<string, any>>).find((i) => i.name === pair.serverIf)!;
      assert.deepEqual(busy.xdp, { id: h.progId, mode: 'native', name: 'xdpscope_captur' });
      assert.match(list([]), new RegExp(`${pair.serverIf}\\s+up\\s+1500\\s+veth\\s+${pair.serverMac}\\s+native id ${h.progId} \\(xdpscope_captur\\)\\s+${pair.serverIp.replace(/\./g, '\\.')}/24`));
    } finally {
      await cap.stop();
    }
  });

  it('stops the capture cleanly when the consumer leaves the loop early', async () => {
    const ep = { srcMac: clientMac(pair), dstMac: pair.serverMac, src: pair.clientIp, dst: '198.18.212.99' };
    const pcap = join(out, 'early.pcap');
    writePcap(pcap, [icmpEchoFrame(ep, 1)]);
    const cap = startInNs(pair, {});
    await helloOf(cap);
    replay(pair, pcap);
    for await (const batch of cap) {
      assert.ok(batch.length > 0);
      break;
    }
    const exit = await cap.done;
    assert.equal(exit.code, 0);
    assert.equal(exit.stats?.final, true);
    assert.equal(xdpOn(pair.serverNs, pair.serverIf), '');
  });

  it('leaves no XDP program behind when the helper is killed with SIGKILL', async () => {
    const cap = startInNs(pair, {});
    cap.on('error', () => {});
    await helloOf(cap);
    assert.match(xdpOn(pair.serverNs, pair.serverIf), /prog\/xdp id \d+/);
    process.kill(cap.pid!, 'SIGKILL');
    const exit = await cap.done;
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(xdpOn(pair.serverNs, pair.serverIf), '');
  });

  it('SIGKILL of xdpscope itself leaves a readable file and no XDP program', async () => {
    const file = join(out, 'killed.pcapng');
    rmSync(file, { force: true });
    const ep = { srcMac: clientMac(pair), dstMac: pair.serverMac, src: pair.clientIp, dst: '198.18.212.99' };
    const pcap = join(out, 'kill.pcap');
    writePcap(pcap, Array.from({ length: 20 }, (_, i) => udpFrame(ep, 1000, 2000 + i)));
    const xs = cli(pair, ['-i', pair.serverIf, '-w', file]);
    await waitFor(xs, 'stderr', /Capturing on/);
    replay(pair, pcap);
    await sleep(1300); // at least one periodic flush
    xs.kill('SIGKILL');
    await exited(xs);
    // The helper notices its stdin closing and detaches.
    for (let i = 0; i < 50 && xdpOn(pair.serverNs, pair.serverIf) !== ''; i++) await sleep(100);
    assert.equal(xdpOn(pair.serverNs, pair.serverIf), '');
    assert.equal(framesOf(file).length, 20);
    const r = spawnSync('tshark', ['-r', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('refuses a second capture on the same interface, naming the first', async () => {
    const first = startInNs(pair, {});
    try {
      const h = await helloOf(first);
      const second = startInNs(pair, {});
      second.on('error', () => {});
      const exit = await second.done;
      assert.equal(exit.code, 5);
      assert.match(exit.message!, new RegExp(`already being captured by another xdpscope \\(XDP program id ${h.progId}\\)`));
      assert.match(xdpOn(pair.serverNs, pair.serverIf), new RegExp(`prog/xdp id ${h.progId}`));
    } finally {
      await first.stop();
    }
    assert.equal(xdpOn(pair.serverNs, pair.serverIf), '');
  });

  it('captures beside a foreign XDP program without replacing it, and leaves it attached', async () => {
    const src = join(out, 'pass.bpf.c');
    const obj = join(out, 'pass.bpf.o');
    if (!existsSync(obj)) {
      require('node:fs').writeFileSync(src, '#include <linux/bpf.h>\n__attribute__((section("xdp"), used)) int other_pass(struct xdp_md *c) { return XDP_PASS; }\nchar _l[] __attribute__((section("license"), used)) = "GPL";\n');
      execFileSync('clang', ['-O2', '-g', '-target', 'bpf', `-I/usr/include/${execFileSync('gcc', ['-print-multiarch'], { encoding: 'utf8' }).trim()}`, '-c', src, '-o', obj]);
    }
    execFileSync('ip', ['-n', pair.serverNs, 'link', 'set', 'dev', pair.serverIf, 'xdpgeneric', 'obj', obj, 'sec', 'xdp']);
    try {
      const before = xdpOn(pair.serverNs, pair.serverIf);
      const id = /prog\/xdp id (\d+)/.exec(before)?.[1];
      assert.ok(id, before);
      // never replaced (it was refused before): traced, or captured behind it where the kernel refuses tracing
      const xs = cli(pair, ['-i', pair.serverIf, '-w', join(out, 'beside.pcapng')]);
      let err = '';
      xs.stderr!.on('data', (d) => { err += d; });
      await waitFor(xs, 'stderr', /Capturing on/);
      assert.equal(xdpOn(pair.serverNs, pair.serverIf), before);
      xs.kill('SIGINT');
      assert.equal(await exited(xs), 0, err);
      assert.match(err, new RegExp(`(tracing|behind) XDP program ${id} 'other_pass'`));
      assert.equal(xdpOn(pair.serverNs, pair.serverIf), before);
    } finally {
      execFileSync('ip', ['-n', pair.serverNs, 'link', 'set', 'dev', pair.serverIf, 'xdpgeneric', 'off']);
    }
  });

  const bad: Array<[string, string[], number, RegExp]> = [
    ['unknown interface', ['-i', 'nosuchif0'], 1, /no such interface: 'nosuchif0'/],
    ['bad filter', ['-f', 'tcp or'], 2, /ends after 'or'/],
    ['unsupported filter term', ['-f', 'ether host 1:2:3:4:5:6'], 2, /unsupported term 'ether'/],
    ['bad count', ['-c', 'abc'], 2, /-c: 'abc' is not a whole number/],
    ['zero snaplen', ['-s', '0'], 2, /-s: '0'/],
    ['bad duration', ['-a', 'minutes:3'], 2, /duration:SECS/],
    ['bad mode', ['--mode', 'turbo'], 2, /--mode/],
    ['ring not a power of two', ['--ring-bytes', '100000'], 2, /power of two/],
  ];
  for (const [what, args, code, re] of bad) {
    it(`rejects ${what} with one clear line and exit code ${code}, attaching nothing`, async () => {
      const full = args.includes('-i') ? args : ['-i', pair.serverIf, ...args];
      const xs = cli(pair, full);
      let err = '';
      xs.stderr!.on('data', (d) => { err += d; });
      assert.equal(await exited(xs), code);
      assert.match(err, re);
      assert.equal(err.trim().split('\n').length, 1, err);
      assert.equal(xdpOn(pair.serverNs, pair.serverIf), '');
    });
  }

  it('without privileges says which capabilities are missing and how to grant them', () => {
    const r = spawnSync('ip', ['netns', 'exec', pair.serverNs, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups',
      '--inh-caps=-all', '--bounding-set=-all', process.execPath, CLI, 'capture', '-i', pair.serverIf, '-w', '/tmp/xs-nobody.pcapng'],
    { encoding: 'utf8', env: { ...env, XDPSCOPE_ROOT: ROOT }, timeout: 20_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /CAP_BPF and CAP_NET_ADMIN/);
    assert.match(r.stderr, /xdpscope grant|setcap/);
    assert.equal(xdpOn(pair.serverNs, pair.serverIf), '');
  });

  it('accounts for every frame of a burst faster than the reader: delivered + ring drops + filtered == seen', async () => {
    const ep = { srcMac: clientMac(pair), dstMac: pair.serverMac, src: pair.clientIp, dst: '198.18.212.99' };
    const pcap = join(out, 'burst.pcap');
    const N = 60_000;
    writePcap(pcap, Array.from({ length: N }, (_, i) => udpFrame(ep, 1000 + (i % 7), i % 4 === 0 ? 9 : 7000, undefined, i)));
    const r = await captureDuring(pair, { ringBytes: 65536, snaplen: 128, filter: 'not udp port 9', highWaterPackets: 64 },
      () => replay(pair, pcap, ['--topspeed']), { seen: N }, 30);
    const s = r.exit.stats!;
    assert.equal(s.final, true);
    assert.equal(s.seen, N);
    assert.equal(s.filtered, N / 4);
    assert.ok(s.ringDrops > 0, 'a 64 KiB ring and a slow reader must overflow');
    assert.equal(s.delivered, r.frames.length);
    assert.equal(s.helperDrops, 0);
    assert.equal(s.delivered + s.ringDrops + s.filtered, s.seen);
  });

  it('stopped while the engine is behind, still hands over every record in the ring and the final counters', async () => {
    // The reader takes nothing until the capture has stopped: reading pauses
    // at 64 queued records and the 4 MiB ring fills. Stopping must drain the
    // ring (more than a pipe holds) and send the final counters; pausing
    // again would leave the helper blocked on the pipe until the stop's
    // timeout killed it with its records and counters unsent.
    const ep = { srcMac: clientMac(pair), dstMac: pair.serverMac, src: pair.clientIp, dst: '198.18.212.98' };
    const pcap = join(out, 'behind.pcap');
    const N = 30_000;
    writePcap(pcap, Array.from({ length: N }, (_, i) => udpFrame(ep, 1000 + (i % 7), 7000, undefined, i)));
    const cap = startInNs(pair, { ringBytes: 4 << 20, snaplen: 128, highWaterPackets: 64 });
    try {
      await helloOf(cap);
      // no wait on the counters: they come down the same pipe, which is not
      // read now. A veth hands at most its 256-frame queue to XDP after the
      // sender returns, so nearly all N are in the ring when it stops.
      replay(pair, pcap, ['--topspeed']);
      const s = (await cap.stop()).stats!;
      let got = 0;
      for await (const batch of cap) got += batch.length;
      assert.equal(s.final, true, 'the final counters arrived');
      assert.ok(s.delivered > 64 * 64, `${s.delivered} delivered: the ring's records, not only the queue's`);
      assert.equal(got, s.delivered);
      assert.equal(s.helperDrops, 0);
      assert.equal(s.delivered + s.ringDrops + s.filtered + s.paused, s.seen);
    } finally {
      if (!cap.exitInfo) await cap.stop();
    }
  });
});

describe('live capture of jumbo and multi-buffer frames', { skip: skip ? `needs ${skip}` : false }, () => {
  let pair: VethPair;
  before(() => { pair = createVethPair({ subnet: 215, mtu: 9000 }); });
  after(() => pair?.dispose());

  const upload = (p: VethPair) => {
    p.exec(p.clientNs, ['ping', '-c', '2', '-i', '0.2', '-s', '8000', p.serverIp]);
    p.exec(p.clientNs, [process.execPath, '-e', `
      const r = require('http').request({ host: '${p.serverIp}', port: 8080, method: 'POST', path: '/up' }, (s) => s.resume());
      r.on('error', (e) => { console.error(e); process.exit(1); });
      r.end(Buffer.alloc(300000, 65));`]);
  };
  it('native mode (xdp.frags) captures 9000-byte-MTU frames whole, as tcpdump sees them', async () => {
    const r = await againstTcpdump(pair, 'jumbo-native', ['--mode', 'native'], upload);
    assert.ok(r.maxLen > 4096, `largest frame ${r.maxLen} bytes: expected multi-buffer frames above a page`);
  });
  it('generic mode captures GSO/GRO super-frames whole, as tcpdump sees them', async () => {
    const r = await againstTcpdump(pair, 'jumbo-generic', ['--mode', 'generic'], upload);
    assert.ok(r.maxLen > 9014, `largest frame ${r.maxLen} bytes: expected a GSO frame above the MTU`);
  });
});
