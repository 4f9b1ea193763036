// Display-filter benchmark (not a test): five typical filters over the
// benchmark capture (shared corpus repeated to 1M packets), ours vs
// `tshark -Y` measured in the same run, and the time to re-filter the loaded
// capture from the columnar index (what the UI does when the filter changes).
//
//   node scripts/build.mjs && node dist/bench/filter/filter-bench.js [--packets N] [--no-tshark]
//
// "filter only": one streaming pass reads and fully dissects every packet once
// and times each filter over each batch of Dissections separately (the
// predicate cost alone). "end to end": one pass per filter doing what
// `xdpscope read -Y` does (read, dissect only the fields the filter reads,
// match), the same work as `tshark -Y`.
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

const now = (): number => Number(process.hrtime.bigint()) / 1e6;
const rate = (n: number, ms: number): string => `${(n / (ms / 1000) / 1000).toFixed(0)}k pkt/s`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { packets: { type: 'string', default: '1000000' }, 'no-tshark': { type: 'boolean', default: false } } });
  const packets = Number(values.packets);
  const file = bigCapture(packets);
  const filters: CompiledFilter[] = FILTERS.map((f) => {
    const r = compileDisplayFilter(f);
    if (!r.ok) throw new Error(`${f}: ${r.error.message}`);
    return r.filter;
  });

  // --- ours: one pass, read + dissect + index, each filter timed per batch
  const cap = await openCaptureFile(file);
  const dis = new Dissector({ geoip: null });
  const index = new FilterIndex();
  const filterMs = filters.map(() => 0);
  const matched = filters.map(() => 0);
  let n = 0, dissectMs = 0, indexMs = 0;
  const t0 = now();
  for await (const big of cap.batches()) for (let at = 0; at < big.length; at += 256) {
    // small batches: the filters see Dissections still in cache, as in a real pass
    const batch = big.slice(at, at + 256);
    const t1 = now();
    const ds: Dissection[] = batch.map((p) => dis.dissect(p));
    dissectMs += now() - t1;
    filters.forEach((f, i) => {
      const t = now();
      let m = 0;
      for (const d of ds) if (f.matches(d)) m++;
      filterMs[i] += now() - t;
      matched[i] += m;
    });
    const t2 = now();
    for (const d of ds) index.add(d);
    indexMs += now() - t2;
    n += ds.length;
  }
  const totalMs = now() - t0;
  await cap.close();
  index.compact();
  const readDissectMs = totalMs - filterMs.reduce((a, b) => a + b, 0) - indexMs;
  console.log(`capture: ${file} (${n} packets)`);
  console.log(`read+dissect: ${(readDissectMs / 1000).toFixed(1)} s (${rate(n, readDissectMs)}), of which dissect ${(dissectMs / 1000).toFixed(1)} s`);
  console.log(`index build: ${(indexMs / 1000).toFixed(2)} s; index memory ${(index.memoryBytes() / 1e6).toFixed(0)} MB = ${(index.memoryBytes() / n).toFixed(0)} bytes/packet`);

  // --- re-filter the loaded capture from the index
  const refilterMs: number[] = [];
  filters.forEach((f, i) => {
    const t = now();
    const frames = index.evaluate(f);
    refilterMs.push(now() - t);
    if (!frames) throw new Error(`${FILTERS[i]}: not indexable: ${index.unindexed(f).join('; ')}`);
    if (frames.length !== matched[i]) throw new Error(`${FILTERS[i]}: index selects ${frames.length}, filter ${matched[i]}`);
  });

  // --- ours end to end, as `xdpscope read -Y` runs: a pass per filter, the
  // dissector creating only the fields the filter reads
  const e2eMs: number[] = [];
  for (const [i, f] of filters.entries()) {
    const t = now();
    const c = await openCaptureFile(file);
    const fast = new Dissector({ geoip: null, fields: f.fields });
    let m = 0;
    for await (const batch of c.batches()) for (const p of batch) if (f.matches(fast.dissect(p))) m++;
    await c.close();
    e2eMs.push(now() - t);
    if (m !== matched[i]) throw new Error(`${FILTERS[i]}: ${m} matched with the field subset, ${matched[i]} with full dissection`);
  }

  // --- tshark -Y on the same file
  const tshark: Array<{ ms: number; count: number } | null> = FILTERS.map((f) => {
    if (values['no-tshark']) return null;
    const t = now();
    const out = execFileSync('tshark', ['-n', '-r', file, '-Y', f, '-T', 'fields', '-e', 'frame.number'], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
    const ms = now() - t;
    let count = 0;
    for (let i = 0; i < out.length; i++) if (out[i] === 10) count++;
    return { ms, count };
  });

  console.log('\nfilter | matched (ours / tshark) | ours filter-only | ours end-to-end | tshark -Y | speed-up e2e | speed-up filter-only | re-filter from index');
  FILTERS.forEach((f, i) => {
    const e2e = e2eMs[i]!;
    const ts = tshark[i];
    console.log([
      f,
      `${matched[i]} / ${ts ? ts.count : '-'}`,
      rate(n, filterMs[i]!),
      rate(n, e2e),
      ts ? rate(n, ts.ms) : '-',
      ts ? `${(ts.ms / e2e).toFixed(1)}x` : '-',
      ts ? `${(ts.ms / filterMs[i]!).toFixed(0)}x` : '-',
      `${refilterMs[i]!.toFixed(0)} ms`,
    ].join(' | '));
  });
}

main().catch((e) => { console.error(e); process.exit(1); });
