// The block list's cost per frame in the XDP program, against xdp-tools'
// xdp-filter (the same job: drop by source address) as the peer, both
// timed by the kernel (BPF_PROG_TEST_RUN: `bpftool prog run ... repeat N`,
// nanoseconds per run) on the same 60-byte UDP frame, alternating rounds.
// Ours runs with its capture paused, so the figure is the lookup and the
// verdict, not the copy into the ring (which a blocked frame still costs
// when capturing: see bench/capture).
//   node dist/bench/block/run.js [rounds] [repeat]    (root; xdp-filter, bpftool)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVethPair } from '../../test/lib/netns';
import { HELPER, helloOf, startInNs } from '../../test/engine/capture/util';

const rounds = Number(process.argv[2] ?? 5);
const repeat = Number(process.argv[3] ?? 2_000_000);
const SRC = '198.19.0.1';

function frame(): string {
  const b = Buffer.alloc(60);
  Buffer.from('020000000002020000000001', 'hex').copy(b, 0);
  b.writeUInt16BE(0x0800, 12);
  Buffer.from([0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, ...SRC.split('.').map(Number), 198, 19, 88, 2]).copy(b, 14);
  b.writeUInt16BE(4000, 34); b.writeUInt16BE(7000, 36); b.writeUInt16BE(8, 38);
  const path = join(mkdtempSync(join(tmpdir(), 'xs-bench-')), 'frame');
  writeFileSync(path, b);
  return path;
}

function run(progId: number, data: string): { ns: number; ret: number } {
  const out = execFileSync('bpftool', ['prog', 'run', 'id', String(progId), 'data_in', data, 'repeat', String(repeat)], { encoding: 'utf8' });
  const m = /Return value: (\d+), duration \(average\): (\d+)ns/.exec(out);
  if (!m) throw new Error(`bpftool: ${out}`);
  return { ret: Number(m[1]), ns: Number(m[2]) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const data = frame();
  const ours = createVethPair({ subnet: 245 });
  const peer = createVethPair({ subnet: 246 });
  const bpffs = mkdtempSync(join(tmpdir(), 'xs-bpffs-'));
  execFileSync('mount', ['-t', 'bpf', 'bpf', bpffs]);
  const xf = (args: string[]) => peer.exec(peer.serverNs, ['env', `LIBXDP_BPFFS=${bpffs}`, 'xdp-filter', ...args]);
  const cap = startInNs(ours, { direction: 'in', helper: HELPER });
  try {
    const hello = await helloOf(cap);
    await cap.pause();
    xf(['load', peer.serverIf]);
    const peerId = Number(/prog\/xdp id (\d+)/.exec(execFileSync('ip', ['-n', peer.serverNs, '-d', 'link', 'show', peer.serverIf], { encoding: 'utf8' }))![1]);
    const res: Record<string, number[]> = {};
    const add = (k: string, r: { ns: number; ret: number }, want: number) => {
      if (r.ret !== want) throw new Error(`${k}: returned ${r.ret}, expected ${want}`);
      (res[k] ??= []).push(r.ns);
    };
    const fill = Array.from({ length: 1023 }, (_, i) => `198.18.${200 + (i >> 8)}.${i & 255}`);
    for (let r = 0; r < rounds; r++) {
      // ours: empty list, one other entry, 1024 entries without it, and the source blocked
      add('xdpscope, empty list', run(hello.progId, data), 2);
      await cap.block('198.19.0.2', 600);
      add('xdpscope, 1 entry, miss', run(hello.progId, data), 2);
      for (let i = 0; i < fill.length; i += 128) await Promise.all(fill.slice(i, i + 128).map((a) => cap.block(a, 600)));
      add('xdpscope, 1024 entries, miss', run(hello.progId, data), 2);
      await cap.unblock('198.19.0.2');
      await cap.block(SRC, 600);
      add('xdpscope, 1024 entries, hit (dropped)', run(hello.progId, data), 1);
      for (const b of await cap.blocks()) await cap.unblock(b.prefix);
      // the peer: no rule, one other address, the source
      add('xdp-filter, no rule', run(peerId, data), 2);
      xf(['ip', '198.19.0.2', '-m', 'src']);
      add('xdp-filter, 1 rule, miss', run(peerId, data), 2);
      xf(['ip', SRC, '-m', 'src']);
      add('xdp-filter, 2 rules, hit (dropped)', run(peerId, data), 1);
      xf(['ip', SRC, '-m', 'src', '-r']);
      xf(['ip', '198.19.0.2', '-m', 'src', '-r']);
    }
    process.stdout.write(`${new Date().toISOString()} rounds ${rounds}, repeat ${repeat}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
    process.stdout.write('| case | ns/frame (median) | rounds |\n|---|---|---|\n');
    for (const [k, v] of Object.entries(res)) process.stdout.write(`| ${k} | ${median(v)} | ${v.join(', ')} |\n`);
  } finally {
    await cap.stop();
    try { xf(['unload', peer.serverIf]); } catch { /* gone */ }
    try { execFileSync('umount', [bpffs]); } catch { /* not mounted */ }
    rmSync(bpffs, { recursive: true, force: true });
    ours.dispose();
    peer.dispose();
  }
}

main().catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
