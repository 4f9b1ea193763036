// Live capture throughput: `xdpscope capture -w` against `xdpdump
// --load-xdp-program -w` (xdp-tools) on the same veth, the same load, in the
// same run. Several tcpreplay senders blast 64-byte UDP frames (60 bytes +
// FCS on a real wire) at top speed from the client namespace; each capturer
// runs in turn on the server veth. Reports packets sent, captured, dropped,
// CPU seconds per million packets (the capture processes' user+sys, from
// /proc, while the load runs) and the ratios. xdpscope runs twice: -Q in on
// the ingress load (what it captured before egress existed), and -Q inout
// with as many frames again sent by the server (egress on the same veth),
// so its CPU per packet with both directions on compares with ingress-only
// and with xdpdump (ingress only) in the same run. Needs root; bounded
// duration; deletes its namespaces.
//   node scripts/build.mjs && node dist/bench/capture/capture-bench.js [senders=2] [loops=40]
//
// --gen: the sender is bench/gen/xdpgen (BPF_PROG_TEST_RUN live frames, over
// 1 Mpps where tcpreplay makes 0.19) for SECS seconds on THREADS threads,
// and the capture path is measured stage by stage at that rate (gen.ts).
//   node dist/bench/capture/capture-bench.js --gen [secs=5] [threads=1]
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createVethPair, type VethPair } from '../../test/lib/netns';
import { CLI, ROOT } from '../../test/lib/env';
import { udpFrame, writePcap } from '../../test/engine/capture/frames';
import { genBench } from './gen';
import { treeTicks } from './proc';

const SENDERS = Number(process.argv[2] ?? 2);
const LOOPS = Number(process.argv[3] ?? 40);
const FRAMES = 10_000;
const TICK = 100; // USER_HZ

interface Result {
  name: string;
  sent: number;
  captured: number;
  dropped: number;
  inFile: number;
  cpuSec: number;
  wallSec: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));


function waitText(child: ChildProcess, re: RegExp, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const t = setTimeout(() => reject(new Error(`timeout waiting for ${re}: ${text}`)), timeoutMs);
    const on = (d: Buffer) => { text += d; if (re.test(text)) { clearTimeout(t); resolve(); } };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
  });
}

/** Ingress load (client senders); with `egress`, the server sends as much out of the captured veth at the same time. */
async function send(pair: VethPair, pcap: string, egress?: string): Promise<number> {
  const sides: Array<[string, string, string]> = [[pair.clientNs, pair.clientIf, pcap]];
  if (egress) sides.push([pair.serverNs, pair.serverIf, egress]);
  const runs = sides.flatMap(([ns, ifname, file]) => Array.from({ length: SENDERS }, () => new Promise<number>((resolve) => {
    const p = pair.spawn(ns, ['tcpreplay', '-q', '-i', ifname, '--topspeed', `--loop=${LOOPS}`, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout!.on('data', (d) => { out += d; });
    p.on('exit', () => resolve(Number(/Actual: (\d+) packets/.exec(out)?.[1] ?? 0)));
  })));
  return (await Promise.all(runs)).reduce((a, b) => a + b, 0);
}

async function measure(pair: VethPair, name: string, cmd: string[], ready: RegExp, pcap: string, parse: (text: string) => { captured: number; dropped: number }, countFile: () => number, egress?: string): Promise<Result> {
  const child = pair.spawn(pair.serverNs, cmd, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDPSCOPE_HELPER: join(ROOT, 'helper', 'xdpscope-helper') } });
  let text = '';
  child.stdout!.on('data', (d) => { text += d; });
  child.stderr!.on('data', (d) => { text += d; });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  await waitText(child, ready);
  await sleep(300);
  const c0 = treeTicks(child.pid!);
  const t0 = Date.now();
  const sent = await send(pair, pcap, egress);
  const wallSec = (Date.now() - t0) / 1000;
  await sleep(1000); // let the capturer catch up with its ring
  const c1 = treeTicks(child.pid!);
  // The capturers run in the child; signal it and its children directly.
  child.kill('SIGINT');
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(killer);
  const { captured, dropped } = parse(text);
  return { name, sent, captured, dropped, inFile: countFile(), cpuSec: (c1 - c0) / TICK, wallSec };
}

function countPackets(file: string): number {
  try {
    const out = execFileSync('capinfos', ['-c', '-M', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return Number(/Number of packets:\s+(\d+)/.exec(out)?.[1] ?? -1);
  } catch {
    return -1;
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('needs root (namespaces, XDP)');
  if (process.argv[2] === '--gen') return genBench(Number(process.argv[3] ?? 5), Number(process.argv[4] ?? 1));
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-capbench-'));
  const pair = createVethPair({ subnet: 213 });
  try {
    const mac = execFileSync('ip', ['-n', pair.clientNs, '-br', 'link', 'show', pair.clientIf], { encoding: 'utf8' }).trim().split(/\s+/)[2];
    const ep = { srcMac: mac, dstMac: pair.serverMac, src: pair.clientIp, dst: '198.18.213.99' };
    const pcap = join(dir, 'udp64.pcap');
    // 60-byte frames (64 with the FCS a real wire adds); .99 is nobody, so nothing answers.
    writePcap(pcap, Array.from({ length: FRAMES }, (_, i) => udpFrame(ep, 1024 + (i % 512), 9000 + (i % 64), Buffer.alloc(18), i)));
    // the server's frames out of the captured veth, to .98 on the client's side (nobody: nothing answers)
    const egress = join(dir, 'udp64-out.pcap');
    writePcap(egress, Array.from({ length: FRAMES }, (_, i) => udpFrame({ srcMac: pair.serverMac, dstMac: mac, src: pair.serverIp, dst: '198.18.213.98' }, 1024 + (i % 512), 9000 + (i % 64), Buffer.alloc(18), i)));
    const oursFile = join(dir, 'ours.pcapng');
    const theirsFile = join(dir, 'xdpdump.pcap');
    const results: Result[] = [];
    const ours = (q: string, extra?: string) => measure(pair, `xdpscope -Q ${q}`, [process.execPath, CLI, 'capture', '-q', '-Q', q, '-i', pair.serverIf, '-w', oursFile],
      /Capturing on/, pcap,
      (t) => ({ captured: Number(/Packets captured: (\d+)/.exec(t)?.[1] ?? -1), dropped: Number(/dropped by ring: (\d+)/.exec(t)?.[1] ?? -1) }),
      () => countPackets(oursFile), extra);
    results.push(await ours('in'));
    rmSync(oursFile, { force: true });
    results.push(await ours('inout', egress));
    rmSync(oursFile, { force: true });
    results.push(await measure(pair, 'xdpdump', ['xdpdump', '--load-xdp-program', '-i', pair.serverIf, '-w', theirsFile],
      /listening on/, pcap,
      (t) => ({ captured: Number(/(\d+) packets captured/.exec(t)?.[1] ?? -1), dropped: Number(/(\d+) packets dropped by perf ring/.exec(t)?.[1] ?? -1) }),
      () => countPackets(theirsFile)));
    console.log(`senders: ${SENDERS} x tcpreplay --topspeed, ${FRAMES} x ${LOOPS} frames of 60 bytes (64 on a wire) each (-Q inout: as many again from the server, egress)`);
    console.log('capturer          sent       captured   dropped    in file    Mpps sent  CPU s    CPU s/Mpkt');
    for (const r of results) {
      const perM = r.cpuSec / (r.captured / 1e6);
      console.log(`${r.name.padEnd(16)}  ${String(r.sent).padEnd(9)}  ${String(r.captured).padEnd(9)}  ${String(r.dropped).padEnd(9)}  ${String(r.inFile).padEnd(9)}  ${(r.sent / r.wallSec / 1e6).toFixed(3).padEnd(9)}  ${r.cpuSec.toFixed(2).padEnd(7)}  ${perM.toFixed(3)}`);
      const unaccounted = r.sent - r.captured - r.dropped;
      if (unaccounted !== 0) console.log(`  ${r.name}: ${unaccounted} frames sent but neither captured nor counted as dropped`);
    }
    const [i, a, b] = results;
    console.log(`ratio xdpscope inout/in: CPU per packet ${((a.cpuSec / a.captured) / (i.cpuSec / i.captured)).toFixed(3)}`);
    console.log(`ratio xdpscope inout/xdpdump: captured ${(a.captured / b.captured).toFixed(3)}, capture rate ${((a.captured / a.sent) / (b.captured / b.sent)).toFixed(3)}, CPU per packet ${((a.cpuSec / a.captured) / (b.cpuSec / b.captured)).toFixed(3)}`);
  } finally {
    pair.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
