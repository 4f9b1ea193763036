// Opening a big capture in the engine service (no browser): the service
// thread alone (XDPSCOPE_OPEN_THREADS=0) against the worker pool (the
// default), alternated, each run in a fresh process so its RSS is its own.
// Per run: first rows (openFile resolves with rows in the store), fully
// indexed (state 'done': every packet stored and filterable), insights done
// (their own thread on the pool), process CPU (every thread), peak RSS and
// RSS per packet once loaded, store and index bytes per packet. The peer:
// tshark reading the same file to the end (`-T fields -e frame.number`),
// once, in the same run.
//   node scripts/build.mjs && node dist/bench/open/run.js [packets] [rounds] [--no-tshark] [--breakdown] [--filter] [--pool-only]
// --breakdown: the bytes of the last pooled run's store per column and of its index per field family.
// --filter: after loading, five display filters over the whole file and 200 row blocks far apart (timed; peak RSS includes them).
// --pool-only: skip the service-thread runs (a 10M-packet file takes minutes per run).
// --memory: where each run's RSS is before the open and once loaded (bench/open/memory.ts); --heapsnapshot: and a heap snapshot of the loaded server in /tmp.
// --settle=S: RSS again after S seconds of the loaded server idling (service/heap-settle.ts gives the young generation back 6-12 s after a load).
// The child runs with the malloc settings `xdpscope serve` starts with (bin/xdpscope.js, scripts/start.mjs); --no-launcher-env: without them.
import { spawnSync, execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { bigCapture } from '../lib/big-capture';
import { EngineService } from '../../main/engine/service/service';
import { memoryBreakdown, printMemory, type MemoryBreakdown } from './memory';
import { writeHeapSnapshot } from 'node:v8';

interface Run { heapMB: number; buffersMB: number; firstRowsMs: number; indexedMs: number; insightsMs: number; cpuS: number; peakRssMB: number; rssMB: number; baseRssMB: number; storeB: number; indexB: number; packets: number; pooled: boolean; storeParts: Record<string, number>; indexParts: Record<string, { pkts: number; vals: number; intern: number; n: number }>; filters: Array<{ text: string; ms: number; displayed: number }>; blockMs: number; memBefore?: MemoryBreakdown; memLoaded?: MemoryBreakdown; memSettled?: MemoryBreakdown; snapshot?: string }

/** --filter: display filters applied to the whole loaded file, the last one clearing it */
const FILTERS = ['tcp.port == 443 || dns', 'http.request', 'ip.addr == 10.0.0.1 && tcp.flags.syn == 1', 'frame.len > 1000', ''];
/** --filter: 100-row blocks fetched at places spread over the list, as scrolling far does */
const BLOCKS = 200;

async function child(path: string): Promise<void> {
  const base = process.memoryUsage().rss;
  const memBefore = process.argv.includes('--memory') ? memoryBreakdown() : undefined;
  const s = new EngineService({ emit: () => undefined });
  let peak = base;
  const sample = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await s.call('openFile', { path });
  const firstRowsMs = performance.now() - t0;
  while (s.status().state === 'loading') await new Promise((r) => setTimeout(r, 5));
  const indexedMs = performance.now() - t0;
  const lane = s.cap.insightsLane;
  while (lane && !lane.done && lane.failure === null) await new Promise((r) => setTimeout(r, 5));
  const insightsMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  // --filter: after the load, what a user does next (filters over the whole file, then scrolling to random places), within the same peak
  const filters: Array<{ text: string; ms: number; displayed: number }> = [];
  let blockMs = 0;
  if (process.argv.includes('--filter')) {
    for (const text of FILTERS) {
      const t = performance.now();
      const r = await s.call('setFilter', { text });
      filters.push({ text, ms: performance.now() - t, displayed: r.displayed ?? -1 });
    }
    const n = s.packetStore.count, t = performance.now();
    for (let i = 0; i < BLOCKS; i++) await s.call('getRows', { start: Math.floor(((i * 7919) % BLOCKS) / BLOCKS * Math.max(0, n - 100)), count: 100 });
    blockMs = (performance.now() - t) / BLOCKS;
  }
  global.gc?.();
  const mem = process.memoryUsage();
  const rss = mem.rss;
  clearInterval(sample);
  const memLoaded = process.argv.includes('--memory') ? memoryBreakdown() : undefined;
  const settle = Number(process.argv.find((a) => a.startsWith('--settle='))?.slice(9) ?? 0);
  let memSettled: MemoryBreakdown | undefined;
  // no gc() here: an idle server calls none (service/heap-settle.ts scavenges)
  if (settle > 0) { await new Promise((r) => setTimeout(r, settle * 1000)); memSettled = memoryBreakdown(); }
  const snapshot = process.argv.includes('--heapsnapshot') ? writeHeapSnapshot(`/tmp/open-${process.pid}.heapsnapshot`) : undefined;
  const st = s.packetStore;
  const r: Run = {
    heapMB: mem.heapUsed / 1e6, buffersMB: mem.arrayBuffers / 1e6, firstRowsMs, indexedMs, insightsMs, cpuS: (c.user + c.system) / 1e6, peakRssMB: Math.max(peak, rss) / 1e6, rssMB: rss / 1e6, baseRssMB: base / 1e6,
    storeB: st.bytes, indexB: s.cap.index.memoryBytes(), packets: st.count, pooled: lane !== null,
    storeParts: st.breakdown(), indexParts: s.cap.index.breakdown(), filters, blockMs, memBefore, memLoaded, memSettled, snapshot,
  };
  process.stdout.write(JSON.stringify(r) + '\n');
  await s.shutdown();
  process.exit(0);
}

/** Where the store's and the index's bytes go, per packet: each store column, each index field family (the name up to its first dot). */
function printBreakdown(r: Run): void {
  const per = (b: number) => (b / r.packets).toFixed(1);
  console.log(`store ${per(r.storeB)} B/packet:`);
  for (const [k, b] of Object.entries(r.storeParts).sort((a, b) => b[1] - a[1])) if (b / r.packets >= 0.05) console.log(`  ${k.padEnd(20)} ${per(b).padStart(7)}`);
  const fam = new Map<string, { pkts: number; vals: number; intern: number; n: number; fields: number }>();
  for (const [name, c] of Object.entries(r.indexParts)) {
    const key = name.startsWith('(') ? name : name.split('.')[0]!;
    const f = fam.get(key) ?? { pkts: 0, vals: 0, intern: 0, n: 0, fields: 0 };
    f.pkts += c.pkts; f.vals += c.vals; f.intern += c.intern; f.n += c.n; f.fields++;
    fam.set(key, f);
  }
  console.log(`index ${per(r.indexB)} B/packet (family: positions + values + interned = total, occurrences/packet, fields):`);
  for (const [k, f] of [...fam].sort((a, b) => (b[1].pkts + b[1].vals + b[1].intern) - (a[1].pkts + a[1].vals + a[1].intern))) {
    const t = f.pkts + f.vals + f.intern;
    if (t / r.packets >= 0.05) console.log(`  ${k.padEnd(20)} ${per(f.pkts).padStart(6)} + ${per(f.vals).padStart(6)} + ${per(f.intern).padStart(5)} = ${per(t).padStart(6)}   ${(f.n / r.packets).toFixed(2)}  ${f.fields}`);
  }
}

/** what the server's launchers start node with (bin/xdpscope.js's shebang, scripts/start.mjs) */
const LAUNCHER_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function main(): void {
  if (process.argv[2] === '--child') { void child(process.argv[3]!); return; }
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const packets = Number(args[0] ?? 200_000), rounds = Number(args[1] ?? 3);
  const path = bigCapture(packets);
  const load0 = loadavg()[0]!;
  const res: Record<'one' | 'pool', Run[]> = { one: [], pool: [] };
  for (let i = 0; i < rounds; i++) {
    const kinds = (i % 2 ? ['pool', 'one'] : ['one', 'pool']) as Array<'one' | 'pool'>;
    for (const k of kinds.filter((x) => x === 'pool' || !process.argv.includes('--pool-only'))) {
      const env = { ...(process.argv.includes('--no-launcher-env') ? {} : LAUNCHER_ENV), ...process.env, XDPSCOPE_OPEN_THREADS: k === 'one' ? '0' : (process.env.XDPSCOPE_OPEN_THREADS ?? '') };
      const r = spawnSync(process.execPath, ['--expose-gc', __filename, '--child', path, ...process.argv.filter((a) => a === '--filter' || a === '--memory' || a === '--heapsnapshot' || a.startsWith('--settle='))], { env, encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(`${k}: ${r.stderr}`);
      const run = JSON.parse(r.stdout.trim().split('\n').pop()!) as Run;
      res[k].push(run);
      for (const f of run.filters) console.log(`round ${i + 1} ${k.padEnd(4)} filter '${f.text}': ${f.ms.toFixed(0)} ms, ${f.displayed} displayed`);
      if (run.memBefore) printMemory(`round ${i + 1} ${k} before the open`, run.memBefore);
      if (run.memLoaded) printMemory(`round ${i + 1} ${k} loaded`, run.memLoaded);
      if (run.memSettled) printMemory(`round ${i + 1} ${k} loaded, then idle`, run.memSettled);
      if (run.snapshot) console.log(`round ${i + 1} ${k} heap snapshot: ${run.snapshot}`);
      if (run.filters.length > 0) console.log(`round ${i + 1} ${k.padEnd(4)} 100-row block at a far place: ${run.blockMs.toFixed(1)} ms each (${BLOCKS} blocks)`);
      console.log(`round ${i + 1} ${k.padEnd(4)} first rows ${run.firstRowsMs.toFixed(0)} ms, indexed ${(run.indexedMs / 1000).toFixed(2)} s, insights ${(run.insightsMs / 1000).toFixed(2)} s, cpu ${run.cpuS.toFixed(2)} s, peak RSS ${run.peakRssMB.toFixed(0)} MB, loaded RSS ${run.rssMB.toFixed(0)} MB (${(((run.rssMB - run.baseRssMB) * 1e6) / run.packets).toFixed(0)} B/packet; JS heap ${run.heapMB.toFixed(0)} MB, buffers ${run.buffersMB.toFixed(0)} MB), store ${(run.storeB / run.packets).toFixed(0)} + index ${(run.indexB / run.packets).toFixed(0)} B/packet${k === 'pool' && !run.pooled ? ' (NOT pooled)' : ''}`);
    }
  }
  if (process.argv.includes('--breakdown')) printBreakdown(res.pool[res.pool.length - 1]!);
  let tsharkS = NaN;
  if (!process.argv.includes('--no-tshark')) {
    const t0 = performance.now();
    execFileSync('tshark', ['-r', path, '-T', 'fields', '-e', 'frame.number'], { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 << 30 });
    tsharkS = (performance.now() - t0) / 1000;
  }
  const load1 = loadavg()[0]!;
  const malloc = Object.entries({ ...(process.argv.includes('--no-launcher-env') ? {} : LAUNCHER_ENV), ...process.env }).filter(([k]) => k.startsWith('MALLOC_')).map(([k, v]) => `${k}=${v}`).join(' ') || 'glibc defaults';
  console.log(`${new Date().toISOString()} ${res.pool[0]!.packets} packets, ${rounds} rounds, load average ${load0.toFixed(1)} → ${load1.toFixed(1)}, malloc: ${malloc}`);
  for (const k of (['one', 'pool'] as const).filter((x) => res[x].length > 0)) {
    const m = (f: (r: Run) => number) => median(res[k].map(f));
    console.log(`${k === 'one' ? 'service thread' : 'worker pool   '}: first rows ${m((r) => r.firstRowsMs).toFixed(0)} ms, fully indexed: ${(m((r) => r.indexedMs) / 1000).toFixed(2)} s, insights ${(m((r) => r.insightsMs) / 1000).toFixed(2)} s, cpu ${m((r) => r.cpuS).toFixed(2)} s (${((m((r) => r.cpuS) * 1e6) / res[k][0]!.packets).toFixed(1)} µs/packet), server RSS: ${m((r) => r.rssMB).toFixed(0)} MB loaded, ${m((r) => r.peakRssMB).toFixed(0)} MB peak${res[k][0]!.memSettled ? `, ${m((r) => r.memSettled!.usage.rss / 1e6).toFixed(0)} MB after ${process.argv.find((a) => a.startsWith('--settle='))!.slice(9)} s idle` : ''}`);
  }
  if (tsharkS === tsharkS) console.log(`tshark -T fields -e frame.number (same run): ${tsharkS.toFixed(2)} s; fully indexed vs tshark: ${(tsharkS / (median(res.pool.map((r) => r.indexedMs)) / 1000)).toFixed(2)}x (pool)${res.one.length > 0 ? `, ${(tsharkS / (median(res.one.map((r) => r.indexedMs)) / 1000)).toFixed(2)}x (service thread)` : ''}`);
}

main();
