// Display-filter benchmark (not a test): five typical filters over the
// benchmark capture (shared corpus repeated to 1M packets), ours vs
// `tshark -Y` measured in the same run, and the time to re-filter the loaded
// capture from the columnar index (what the UI does when the filter changes).
//
//   node scripts/build.mjs && node dist/bench/filter/filter-bench.js [--packets N] [--no-tshark]
//
// "filter only": one streaming pass reads and fully dissects every packet once
// and times each filter over each small batch of Dissections (the predicate
// cost alone). "end to end": one pass per filter doing what `xdpscope read -Y`
// does (read, dissect only the fields the filter reads, match), the same work
// as `tshark -Y`. Every figure is given as CPU time (user+sys of the process,
// or of tshark: stable when the machine is shared) and wall time.
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { openCaptureFile } from '../../main/engine/file/open';
import { Dissector } from '../../main/engine/dissect/index';
import { compileDisplayFilter, type CompiledFilter } from '../../main/engine/filter/compile';
import { FilterIndex } from '../../main/engine/filter/index-store';
import type { Dissection } from '../../main/engine/types';
import { bigCapture } from '../lib/big-capture';

const FILTERS = [
  'tcp.port == 80',
  'ip.addr == 192.168.0.0/16 && tcp.flags.syn == 1',
  'http.request.method == "POST" or dns',
  'frame.len > 1000 and not arp',
  'eth.addr == ff:ff:ff:ff:ff:ff || icmp || udp.dstport in {53, 67..68}',
];

interface Cost { cpu: number; wall: number }
const wall = (): number => Number(process.hrtime.bigint()) / 1e6;
const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const start = (): Cost => ({ cpu: cpu(), wall: wall() });
const since = (s: Cost): Cost => ({ cpu: cpu() - s.cpu, wall: wall() - s.wall });
const add = (a: Cost, b: Cost): void => { a.cpu += b.cpu; a.wall += b.wall; };
const zero = (): Cost => ({ cpu: 0, wall: 0 });
const k = (n: number, ms: number): string => `${(n / (ms / 1000) / 1000).toFixed(0)}k`;
const rate = (n: number, c: Cost): string => `${k(n, c.cpu)} (${k(n, c.wall)} wall) pkt/s`;

/** tshark -Y: CPU time from bash's `times` (children's user+sys), wall around it. */
function tshark(file: string, filter: string): { cost: Cost; count: number } {
  const t = wall();
  const script = 'tshark -n -r "$1" -Y "$2" -T fields -e frame.number | wc -l; times';
  const out = execFileSync('bash', ['-c', script, 'bash', file, filter], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  const wallMs = wall() - t;
  const lines = out.trim().split('\n');
  const count = Number(lines[0]);
  // `times` prints the shell's then the children's "user sys" as 0m1.234s
  const secs = (s: string): number => { const m = /([0-9]+)m([0-9.]+)s/.exec(s)!; return Number(m[1]) * 60 + Number(m[2]); };
  const [u, s] = lines[lines.length - 1]!.trim().split(/\s+/);
  return { cost: { cpu: (secs(u!) + secs(s!)) * 1000, wall: wallMs }, count };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { packets: { type: 'string', default: '1000000' }, 'no-tshark': { type: 'boolean', default: false } } });
  const file = bigCapture(Number(values.packets));
  const filters: CompiledFilter[] = FILTERS.map((f) => {
    const r = compileDisplayFilter(f);
    if (!r.ok) throw new Error(`${f}: ${r.error.message}`);
    return r.filter;
  });

  // --- ours: one pass, read + dissect + index, each filter timed per batch
  const cap = await openCaptureFile(file);
  const dis = new Dissector({ geoip: null });
  const index = new FilterIndex();
  const filterCost = filters.map(zero);
  const matched = filters.map(() => 0);
  const dissectCost = zero(), indexCost = zero();
  let n = 0;
  const total = start();
  for await (const big of cap.batches()) for (let at = 0; at < big.length; at += 256) {
    // small batches: the filters see Dissections still in cache, as in a real pass
    const batch = big.slice(at, at + 256);
    let t = start();
    const ds: Dissection[] = batch.map((p) => dis.dissect(p));
    add(dissectCost, since(t));
    filters.forEach((f, i) => {
      t = start();
      let m = 0;
      for (const d of ds) if (f.matches(d)) m++;
      add(filterCost[i]!, since(t));
      matched[i] += m;
    });
    t = start();
    for (const d of ds) index.add(d);
    add(indexCost, since(t));
    n += ds.length;
  }
  const all = since(total);
  await cap.close();
  index.compact();
  console.log(`capture: ${file} (${n} packets)`);
  console.log(`full read+dissect pass: ${(all.cpu / 1000).toFixed(1)} s CPU (${(all.wall / 1000).toFixed(1)} s wall), dissect ${rate(n, dissectCost)}`);
  console.log(`index build: ${rate(n, indexCost)}; index memory ${(index.memoryBytes() / 1e6).toFixed(0)} MB = ${(index.memoryBytes() / n).toFixed(0)} bytes/packet`);

  // --- re-filter the loaded capture from the index
  const refilter: Cost[] = filters.map((f, i) => {
    let best: Cost | null = null;
    for (let r = 0; r < 3; r++) {
      const t = start();
      const frames = index.evaluate(f);
      const c = since(t);
      if (!frames) throw new Error(`${FILTERS[i]}: not indexable: ${index.unindexed(f).join('; ')}`);
      if (frames.length !== matched[i]) throw new Error(`${FILTERS[i]}: index selects ${frames.length}, filter ${matched[i]}`);
      if (!best || c.wall < best.wall) best = c;
    }
    return best!;
  });

  // --- ours end to end, as `xdpscope read -Y` runs: a pass per filter, the
  // dissector creating only the fields the filter reads
  const e2e: Cost[] = [];
  for (const [i, f] of filters.entries()) {
    const t = start();
    const c = await openCaptureFile(file);
    const fast = new Dissector({ geoip: null, fields: f.fields });
    let m = 0;
    for await (const batch of c.batches()) for (const p of batch) if (f.matches(fast.dissect(p))) m++;
    await c.close();
    e2e.push(since(t));
    if (m !== matched[i]) throw new Error(`${FILTERS[i]}: ${m} matched with the field subset, ${matched[i]} with full dissection`);
  }

  // --- tshark -Y on the same file
  const ts = FILTERS.map((f) => (values['no-tshark'] ? null : tshark(file, f)));

  console.log('\nCPU-time figures (wall time in parentheses); speed-up = tshark -Y time / ours');
  console.log('filter | matched ours / tshark | ours filter-only | ours end-to-end | tshark -Y | speed-up e2e | speed-up filter-only | re-filter 1 capture from index');
  FILTERS.forEach((f, i) => {
    const t = ts[i];
    console.log([
      f,
      `${matched[i]} / ${t ? t.count : '-'}`,
      rate(n, filterCost[i]!),
      rate(n, e2e[i]!),
      t ? rate(n, t.cost) : '-',
      t ? `${(t.cost.cpu / e2e[i]!.cpu).toFixed(1)}x (${(t.cost.wall / e2e[i]!.wall).toFixed(1)}x)` : '-',
      t ? `${(t.cost.cpu / filterCost[i]!.cpu).toFixed(0)}x (${(t.cost.wall / filterCost[i]!.wall).toFixed(0)}x)` : '-',
      `${refilter[i]!.cpu.toFixed(0)} ms CPU (${refilter[i]!.wall.toFixed(0)} ms wall)`,
    ].join(' | '));
  });
}

main().catch((e) => { console.error(e); process.exit(1); });
