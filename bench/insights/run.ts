// Benchmark (not a test): what computing insights (detections + statistics)
// adds to reading and dissecting the 1,000,000-packet capture built from the
// shared corpus. Alternating passes — read+dissect, then read+dissect+insights,
// twice — measured in process CPU time (the machine is shared, so wall time is
// noisy; both are printed). Target: insights add < 25% to the read time.
//
//   node scripts/build.mjs && node dist/bench/insights/run.js [packets] [rounds]
//
// `rounds` (default 2) pairs of passes; on a shared machine more rounds and
// the median of the per-round ratios say more than one pair.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bigCapture, ROOT } from '../lib/big-capture';
import { openCaptureFile } from '../../main/engine/file/open';
import { createDissector } from '../../main/engine/insights/file';
import { InsightsEngine, snapshotInsights } from '../../main/engine/insights';

const cpuS = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const wallS = (): number => Number(process.hrtime.bigint()) / 1e9;

interface Pass { insights: boolean; packets: number; cpu: number; wall: number; alerts: number; rssMB: number }

async function pass(path: string, withInsights: boolean): Promise<Pass> {
  const c0 = cpuS(), w0 = wallS();
  const file = await openCaptureFile(path);
  const dissector = createDissector();
  const engine = withInsights ? new InsightsEngine() : null;
  let packets = 0;
  for await (const batch of file.batches()) {
    if (engine) for (const p of batch) engine.add(dissector.dissect(p));
    else for (const p of batch) dissector.dissect(p);
    packets += batch.length;
  }
  let alerts = 0;
  if (engine) {
    engine.finish();
    alerts = snapshotInsights(engine).alerts.length;
  }
  return { insights: withInsights, packets, cpu: cpuS() - c0, wall: wallS() - w0, alerts, rssMB: process.memoryUsage().rss / 1048576 };
}

/** CPU seconds of `xdpscope read -r CAP` (summary lines to /dev/null): what "reading the capture" costs a user. */
function cliReadCpu(path: string): number | null {
  const cli = join(ROOT, 'bin', 'xdpscope.js');
  const r = spawnSync('sh', ['-c', `/usr/bin/time -f '%U %S' '${process.execPath}' '${cli}' read -r '${path}' > /dev/null`], { encoding: 'utf8' });
  const m = /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return m ? Number(m[1]) + Number(m[2]) : null;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1_000_000);
  const path = bigCapture(n);
  console.log(`capture: ${path} (${n} packets)`);
  // warm-up of both variants (JIT, page cache, GeoIP database): steady state is what a long capture sees
  await pass(path, false);
  await pass(path, true);
  const runs: Pass[] = [];
  const rounds = Math.max(1, Number(process.argv[3] ?? 2));
  for (let k = 0; k < rounds; k++) { runs.push(await pass(path, false)); runs.push(await pass(path, true)); }
  console.table(runs.map((r) => ({
    pass: r.insights ? 'read + dissect + insights' : 'read + dissect', packets: r.packets, 'cpu s': r.cpu.toFixed(2), 'wall s': r.wall.toFixed(2),
    'pkt/s (cpu)': Math.round(r.packets / r.cpu), alerts: r.insights ? r.alerts : '-', 'rss MB': r.rssMB.toFixed(0),
  })));
  const sum = (ins: boolean, k: 'cpu' | 'wall') => runs.filter((r) => r.insights === ins).reduce((s, r) => s + r[k], 0);
  const extraCpu = sum(true, 'cpu') / sum(false, 'cpu') - 1;
  const extraWall = sum(true, 'wall') / sum(false, 'wall') - 1;
  console.log(`insights add ${(extraCpu * 100).toFixed(1)}% CPU time (${(extraWall * 100).toFixed(1)}% wall) to read+dissect (target < 25%)`);
  const perRound = runs.filter((r) => r.insights).map((r, k) => r.cpu / runs[2 * k].cpu - 1).sort((a, b) => a - b);
  const median = perRound[perRound.length >> 1];
  console.log(`per round: ${perRound.map((x) => `+${(x * 100).toFixed(1)}%`).join(' ')} (median +${(median * 100).toFixed(1)}%); ${(((sum(true, 'cpu') - sum(false, 'cpu')) / rounds / n) * 1e6).toFixed(2)} µs CPU per packet`);
  const perPass = (sum(true, 'cpu') - sum(false, 'cpu')) / rounds;
  const read = cliReadCpu(path);
  if (read !== null) {
    console.log(`xdpscope read -r (summary lines): ${read.toFixed(2)} s CPU; insights' ${perPass.toFixed(2)} s CPU = ${((perPass / read) * 100).toFixed(1)}% of it`);
  }
}

void main();
