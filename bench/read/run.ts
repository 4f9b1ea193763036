// Benchmark (not a test): `xdpscope read -T fields` vs `tshark -T fields`
// on a 1,000,000-packet capture built from the shared corpus, with the
// oracle's columns. Prints packets/s (wall and CPU), the ratio, and peak RSS,
// for the default read (every core on a large file) and for one thread.
//
//   node scripts/build.mjs && [ROUNDS=3] node dist/bench/read/run.js [packets]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { bigCapture, CAPTURES, ROOT } from '../lib/big-capture';

interface Run { name: string; wallS: number; cpuS: number; rssMB: number; lines: number; exit: number }

/** Runs a command under /usr/bin/time -v, counting stdout lines without keeping them. */
function timed(name: string, cmd: string, args: string[], env: Record<string, string> = {}): Run {
  const sh = `${Object.entries(env).map(([k, v]) => `${k}=${v} `).join('')}/usr/bin/time -v ${[cmd, ...args].map((a) => `'${a}'`).join(' ')} 2>/tmp/xdpscope-bench-time.$$ | wc -l; cat /tmp/xdpscope-bench-time.$$ >&2; rm -f /tmp/xdpscope-bench-time.$$`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', sh], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const num = (re: RegExp): number => Number(re.exec(r.stderr)?.[1] ?? NaN);
  const cpuS = num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/);
  const elapsed = /Elapsed \(wall clock\) time[^:]*: (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const wall = elapsed ? Number(elapsed[1] ?? 0) * 3600 + Number(elapsed[2]) * 60 + Number(elapsed[3]) : wallS;
  return {
    name, wallS: wall, cpuS, rssMB: num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024,
    lines: Number(r.stdout.trim()), exit: num(/Exit status: (\d+)/),
  };
}

function oracleFields(): string[] {
  const dir = join(CAPTURES, 'oracle');
  const first = readdirSync(dir).find((f) => f.endsWith('.tsv'));
  if (!first) throw new Error(`no oracle in ${dir}`);
  return readFileSync(join(dir, first), 'utf8').split('\n')[0].split('\t');
}

function main(): void {
  const packets = Number(process.argv[2] ?? 1_000_000);
  const t = Date.now();
  const cap = bigCapture(packets);
  console.log(`capture: ${cap} (${packets} packets, ready in ${((Date.now() - t) / 1000).toFixed(1)} s)`);
  const fields = oracleFields();
  const eArgs = fields.flatMap((f) => ['-e', f]);
  const cli = join(ROOT, 'bin', 'xdpscope.js');
  if (!existsSync(join(ROOT, 'dist', 'main', 'cli', 'main.js'))) throw new Error('build first: node scripts/build.mjs');

  // Rounds alternate the two tools, so a slow patch of this shared machine hits both;
  // the figures reported are each tool's median round.
  const rounds = Math.max(1, Number(process.env.ROUNDS ?? 3));
  // xdpscope decodes a large file on every core (tshark on one); the one-thread figure is given beside it
  const oursRuns: Run[] = [], oneRuns: Run[] = [], tsharkRuns: Run[] = [];
  const ourArgs = [cli, 'read', '-r', cap, '-T', 'fields', ...eArgs];
  for (let r = 0; r < rounds; r++) {
    oursRuns.push(timed('xdpscope read', process.execPath, ourArgs));
    oneRuns.push(timed('xdpscope read, 1 thread', process.execPath, ourArgs, { XDPSCOPE_READ_THREADS: '1' }));
    tsharkRuns.push(timed('tshark', 'tshark', ['-r', cap, '-T', 'fields', ...eArgs]));
    const [o, one, t] = [oursRuns[r], oneRuns[r], tsharkRuns[r]];
    console.log(`round ${r + 1}: xdpscope ${o.wallS.toFixed(2)} s wall / ${o.cpuS.toFixed(2)} s cpu (1 thread ${one.wallS.toFixed(2)} s / ${one.cpuS.toFixed(2)} s), tshark ${t.wallS.toFixed(2)} s / ${t.cpuS.toFixed(2)} s: ${(t.wallS / o.wallS).toFixed(1)}x wall, ${(t.cpuS / o.cpuS).toFixed(1)}x cpu; 1 thread ${(t.wallS / one.wallS).toFixed(1)}x, ${(t.cpuS / one.cpuS).toFixed(1)}x (load ${loadavg()[0].toFixed(1)})`);
  }
  const median = (runs: Run[]): Run => {
    const by = (k: 'wallS' | 'cpuS'): number => [...runs].sort((a, b) => a[k] - b[k])[Math.floor(runs.length / 2)][k];
    return { ...runs[0], wallS: by('wallS'), cpuS: by('cpuS'), rssMB: Math.max(...runs.map((r) => r.rssMB)), exit: Math.max(...runs.map((r) => r.exit)) };
  };
  const ours = median(oursRuns), one = median(oneRuns), tshark = median(tsharkRuns);
  const rows = [ours, one, tshark].map((r) => ({
    tool: r.name,
    packets: r.lines,
    'wall s': r.wallS.toFixed(2),
    'cpu s': r.cpuS.toFixed(2),
    'pkt/s (wall)': Math.round(r.lines / r.wallS),
    'pkt/s (cpu)': Math.round(r.lines / r.cpuS),
    'peak RSS MB': r.rssMB.toFixed(0),
    exit: r.exit,
  }));
  console.log(`median of ${rounds} round(s):`);
  console.table(rows);
  console.log(`speed-up vs tshark: ${(tshark.wallS / ours.wallS).toFixed(1)}x wall, ${(tshark.cpuS / ours.cpuS).toFixed(1)}x cpu (target 10x packets/s); on one thread ${(tshark.wallS / one.wallS).toFixed(1)}x wall, ${(tshark.cpuS / one.cpuS).toFixed(1)}x cpu`);
  console.log(`xdpscope peak RSS: ${ours.rssMB.toFixed(0)} MB, on one thread ${one.rssMB.toFixed(0)} MB (target < 500 MB)`);
  for (const r of [...oursRuns, ...oneRuns, ...tsharkRuns]) if (r.lines !== tsharkRuns[0].lines) console.log(`WARNING: line counts differ (${r.name} ${r.lines}, tshark ${tsharkRuns[0].lines})`);
}

main();
