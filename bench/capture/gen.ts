// The capture path at the generator's top rate (issue 19, item 3):
// bench/gen/xdpgen sends 60-byte UDP frames (64 on a wire) from the client
// namespace for SECS seconds; on the server veth each stage of the path runs
// in turn, so the ceiling shows where it is:
//
//   generator alone       no capturer: the veth refuses every frame (the generator's own ceiling)
//   xdp (all filtered)    the XDP program alone: a kernel filter nothing matches
//   helper > /dev/null    + ring buffer + helper (its stdout thrown away)
//   xdpscope capture -w   + pipe + Node (the whole path, into a pcapng file)
//   xdpdump -w            the peer, on the same load
//
// For each: packets sent (generator), seen by the XDP program, captured,
// ring-full drops, filtered, whether seen == captured + dropped + filtered
// exactly, the XDP program's ns per packet (kernel.bpf_stats_enabled, set for
// the run and restored), the capturer's CPU (process tree, /proc) and the
// generator's (its thread also runs the receiving veth's softirq, so the
// receiver's kernel work lands there) per million packets. Root only; the
// generator is bounded (at most 60 s); namespaces and files are deleted.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVethPair, type VethPair } from '../../test/lib/netns';
import { CLI, HELPER_START_MS, ROOT } from '../../test/lib/env';
import { TICK, treeTicks } from './proc';

const HELPER = join(ROOT, 'helper', 'xdpscope-helper');
const GEN = join(ROOT, 'bench', 'gen', 'xdpgen');

interface Stage {
  name: string;
  sent: number;
  genMpps: number;
  genCpu: number;
  seen: number;
  captured: number;
  dropped: number;
  filtered: number;
  /** ns per packet in the XDP program, -1 when unknown */
  progNs: number;
  cpu: number;
  wall: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// generous: on a loaded machine node and the helper take many seconds to start
function waitFor(child: ChildProcess, text: () => string, re: RegExp, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { clearInterval(iv); reject(new Error(`timeout waiting for ${re}: ${text()}`)); }, timeoutMs);
    const iv = setInterval(() => { if (re.test(text())) { clearTimeout(t); clearInterval(iv); resolve(); } }, 20);
    child.once('exit', () => { if (!re.test(text())) { clearTimeout(t); clearInterval(iv); reject(new Error(`exited: ${text()}`)); } });
  });
}

const json = <T>(args: string[]): T => JSON.parse(execFileSync(args[0], args.slice(1), { encoding: 'utf8' })) as T;

/** The XDP program attached to the server veth (id), if any. */
function attachedProg(pair: VethPair): number | null {
  const l = json<Array<{ xdp?: { prog?: { id: number } } }>>(['ip', '-n', pair.serverNs, '-j', 'link', 'show', pair.serverIf]);
  return l[0]?.xdp?.prog?.id ?? null;
}

function progStats(id: number | null): { ns: number; cnt: number } {
  if (id === null) return { ns: 0, cnt: 0 };
  const p = json<{ run_time_ns?: number; run_cnt?: number }>(['bpftool', '-j', 'prog', 'show', 'id', String(id)]);
  return { ns: p.run_time_ns ?? 0, cnt: p.run_cnt ?? 0 };
}

/** xdpscope's kernel counters (the program's `counters` map), summed over CPUs. */
function kernelCounters(progId: number): { seen: number; ringFull: number; filtered: number } {
  const p = json<{ map_ids: number[] }>(['bpftool', '-j', 'prog', 'show', 'id', String(progId)]);
  for (const m of p.map_ids) {
    if (json<{ name: string }>(['bpftool', '-j', 'map', 'show', 'id', String(m)]).name !== 'counters') continue;
    // raw bytes per CPU: struct xs_counters (bpf/xdpscope.h), little-endian u64s seen, seen_bytes, ring_full, filtered, ...
    const dump = json<Array<{ values: Array<{ value: string[] }> }>>(['bpftool', '-j', 'map', 'dump', 'id', String(m)]);
    const out = { seen: 0, ringFull: 0, filtered: 0 };
    for (const v of dump[0].values) {
      const b = Buffer.from(v.value.map((x) => parseInt(x, 16)));
      out.seen += Number(b.readBigUInt64LE(0)); out.ringFull += Number(b.readBigUInt64LE(16)); out.filtered += Number(b.readBigUInt64LE(24));
    }
    return out;
  }
  throw new Error(`no counters map on program ${progId}`);
}

async function generate(pair: VethPair, secs: number, threads: number): Promise<{ sent: number; mpps: number; cpu: number }> {
  const out = execFileSync('ip', ['netns', 'exec', pair.clientNs, GEN, '-i', pair.clientIf, '-m', pair.serverMac,
    '-s', pair.clientIp, '-d', pair.serverIp.replace(/\.\d+$/, '.99'), '-t', String(secs), '-T', String(threads)], { encoding: 'utf8', timeout: (secs + 30) * 1000 });
  const m = /sent (\d+) packets in ([\d.]+) s: ([\d.]+) Mpps, CPU ([\d.]+) s/.exec(out);
  if (!m) throw new Error(`xdpgen said: ${out}`);
  return { sent: Number(m[1]), mpps: Number(m[3]), cpu: Number(m[4]) };
}

interface Capturer {
  name: string;
  cmd: string[];
  ready: RegExp;
  /** stop it and return what it counted (null: read the kernel counters before stopping) */
  finish: (child: ChildProcess, text: () => string) => Promise<{ captured: number; seen?: number; dropped?: number; filtered?: number }>;
  /** its own kernel counters (xdpscope's program) are read */
  counters: boolean;
  /** run through nsenter (the host's mounts: process attribution needs the cgroup v2 hierarchy `ip netns exec` hides) */
  nsenter?: boolean;
}

async function stop(child: ChildProcess, how: 'SIGINT' | 'stdin'): Promise<void> {
  const exited = new Promise<void>((r) => { if (child.exitCode !== null) r(); else child.once('exit', () => r()); });
  if (how === 'stdin') child.stdin?.end();
  else child.kill('SIGINT');
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(killer);
}

async function runStage(pair: VethPair, c: Capturer, secs: number, threads: number): Promise<Stage> {
  const opts = { stdio: ['pipe', c.name.startsWith('helper') ? 'ignore' : 'pipe', 'pipe'] as Array<'pipe' | 'ignore'>, env: { ...process.env, XDPSCOPE_HELPER: HELPER } };
  const child = c.nsenter ? spawn('nsenter', [`--net=/run/netns/${pair.serverNs}`, ...c.cmd], opts) : pair.spawn(pair.serverNs, c.cmd, opts);
  let text = '';
  child.stdout?.on('data', (d) => { text += d; });
  child.stderr!.on('data', (d) => { text += d; });
  await waitFor(child, () => text, c.ready);
  // the helper prints nothing when ready: its program attached is the sign
  // (HELPER_START_MS: at load 20 a helper takes 5-20 s to attach, and a stage
  // whose generator ran before that measured nothing)
  for (const t0 = Date.now(); c.cmd[0] !== 'sleep' && attachedProg(pair) === null && Date.now() - t0 < HELPER_START_MS;) await sleep(25);
  const prog = attachedProg(pair);
  const s0 = progStats(prog);
  const k0 = c.counters && prog !== null ? kernelCounters(prog) : null;
  const c0 = treeTicks(child.pid!);
  const t0 = Date.now();
  const gen = await generate(pair, secs, threads);
  // the capturer drains its ring: wait until its CPU stops moving (bounded)
  let last = treeTicks(child.pid!);
  for (let i = 0; i < 20; i++) {
    await sleep(250);
    const now = treeTicks(child.pid!);
    if (now === last) break;
    last = now;
  }
  const wall = (Date.now() - t0) / 1000;
  const c1 = treeTicks(child.pid!);
  const s1 = progStats(prog);
  const k1 = c.counters && prog !== null ? kernelCounters(prog) : null;
  const r = await c.finish(child, () => text);
  const seen = r.seen ?? (k1 && k0 ? k1.seen - k0.seen : -1);
  const dropped = r.dropped ?? (k1 && k0 ? k1.ringFull - k0.ringFull : -1);
  const filtered = r.filtered ?? (k1 && k0 ? k1.filtered - k0.filtered : -1);
  return {
    name: c.name, sent: gen.sent, genMpps: gen.mpps, genCpu: gen.cpu, seen, captured: r.captured, dropped, filtered,
    progNs: s1.cnt > s0.cnt ? (s1.ns - s0.ns) / (s1.cnt - s0.cnt) : -1, cpu: (c1 - c0) / TICK, wall,
  };
}

/** a count, '-' when unknown */
const cell = (v: number): string => (v < 0 ? '-' : String(v)).padEnd(9);
const num = (re: RegExp, t: string): number => Number(re.exec(t)?.[1] ?? -1);

/** `xdpscope capture` stopped as a user does (Ctrl-C): what its summary says it captured, dropped, filtered and saw */
const stopCapture: Capturer['finish'] = async (ch, t) => {
  await stop(ch, 'SIGINT');
  const x = t();
  return {
    captured: num(/Packets captured: (\d+)/, x), dropped: num(/dropped by ring: (\d+)/, x),
    filtered: num(/filtered: (\d+)/, x), seen: num(/\(seen (\d+)/, x),
  };
};

export async function genBench(secs: number, threads: number): Promise<void> {
  if (!(secs > 0 && secs <= 60)) throw new Error('--gen SECS: 1 to 60');
  execFileSync('make', ['-s', '-C', join(ROOT, 'bench', 'gen')], { stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-genbench-'));
  const pair = createVethPair({ subnet: 214 });
  const statsWas = readFileSync('/proc/sys/kernel/bpf_stats_enabled', 'utf8').trim();
  writeFileSync('/proc/sys/kernel/bpf_stats_enabled', '1');
  const load0 = loadavg()[0];
  try {
    const ours = join(dir, 'ours.pcapng');
    const capturers: Capturer[] = [
      {
        // the generator's own ceiling: no XDP program on the peer, so the veth refuses every frame
        name: 'generator alone', counters: false, ready: /^/,
        cmd: ['sleep', '600'],
        finish: async (ch) => { await stop(ch, 'SIGINT'); return { captured: 0, seen: -1, dropped: -1, filtered: -1 }; },
      },
      {
        name: 'xdp (all filtered)', counters: true, ready: /Capturing on/,
        cmd: [process.execPath, CLI, 'capture', '-q', '-i', pair.serverIf, '-f', 'udp port 1', '-w', join(dir, 'none.pcapng')],
        finish: async (ch, t) => { await stop(ch, 'SIGINT'); return { captured: num(/Packets captured: (\d+)/, t()) }; },
      },
      {
        name: 'helper > /dev/null', counters: true, ready: /^/,
        cmd: [HELPER, 'capture', '--iface', pair.serverIf],
        // delivered = seen - ring full - filtered, by the kernel's own counters
        finish: async (ch) => { await stop(ch, 'stdin'); return { captured: NaN }; },
      },
      {
        name: 'xdpscope capture', counters: false, ready: /Capturing on/,
        cmd: [process.execPath, CLI, 'capture', '-q', '-i', pair.serverIf, '-w', ours],
        finish: stopCapture,
      },
      // process attribution off and on, both from the host's mounts (the cgroup hooks need them)
      ...[false, true].map((proc): Capturer => ({
        name: `capture proc ${proc ? 'on' : 'off'}`, counters: false, ready: proc ? /Capturing on .*processes/ : /Capturing on/, nsenter: true,
        cmd: [process.execPath, CLI, 'capture', '-q', '-i', pair.serverIf, '-w', ours, ...(proc ? [] : ['--no-proc'])],
        finish: stopCapture,
      })),
      {
        name: 'xdpdump', counters: false, ready: /listening on/,
        cmd: ['xdpdump', '--load-xdp-program', '-i', pair.serverIf, '-w', join(dir, 'xdpdump.pcap')],
        finish: async (ch, t) => {
          await stop(ch, 'SIGINT');
          const x = t();
          const captured = num(/(\d+) packets captured/, x), dropped = num(/(\d+) packets dropped by perf ring/, x);
          // xdpdump counts no frames seen of its own: its exactness cannot be checked (n/a)
          return { captured, dropped, filtered: 0, seen: -1 };
        },
      },
    ];
    const stages: Stage[] = [];
    for (const c of capturers) {
      const st = await runStage(pair, c, secs, threads);
      if (Number.isNaN(st.captured)) st.captured = st.seen - st.dropped - st.filtered;
      stages.push(st);
      rmSync(ours, { force: true });
    }
    console.log(`generator: xdpgen (BPF_PROG_TEST_RUN, live frames, XDP_TX), ${threads} thread(s), ${secs} s, 60-byte frames (64 on a wire); load ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}`);
    console.log('stage               sent       Mpps   seen       captured   dropped    filtered   exact  XDP ns/pkt  capturer CPU s  CPU s/Mpkt  gen CPU s/Mpkt');
    for (const s of stages) {
      const exact = s.seen < 0 || s.captured < 0 ? 'n/a' : s.seen === s.captured + s.dropped + s.filtered ? 'yes' : 'NO';
      const per = s.captured > 0 ? (s.cpu / (s.captured / 1e6)).toFixed(3) : '-';
      console.log(`${s.name.padEnd(18)}  ${String(s.sent).padEnd(9)}  ${s.genMpps.toFixed(3).padEnd(5)}  ${cell(s.seen)}  ${cell(s.captured)}  ${cell(s.dropped)}  ${cell(s.filtered)}  ${exact.padEnd(5)}  ${(s.progNs >= 0 ? s.progNs.toFixed(1) : '-').padEnd(10)}  ${s.cpu.toFixed(2).padEnd(14)}  ${per.padEnd(10)}  ${(s.genCpu / (s.sent / 1e6)).toFixed(3)}`);
    }
    for (const s of stages) if (s.seen >= 0 && s.sent > s.seen) console.log(`  ${s.name}: ${s.sent - s.seen} frames the receiving veth had no room for (its queue to the XDP program was full)`);
    const a = stages[3], b = stages[6], off = stages[4], on = stages[5];
    console.log(`ratio attribution on/off: XDP ns per packet ${(on.progNs / off.progNs).toFixed(3)}, capturer CPU per packet ${((on.cpu / on.captured) / (off.cpu / off.captured)).toFixed(3)}`);
    console.log(`ratio xdpscope/xdpdump: captured ${(a.captured / b.captured).toFixed(3)}, capture rate ${((a.captured / a.sent) / (b.captured / b.sent)).toFixed(3)}, CPU per packet ${((a.cpu / a.captured) / (b.cpu / b.captured)).toFixed(3)}`);
  } finally {
    writeFileSync('/proc/sys/kernel/bpf_stats_enabled', statsWas);
    pair.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
