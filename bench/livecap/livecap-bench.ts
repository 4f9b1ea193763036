// A live capture that runs within a memory cap (issue 19, goals 4 and 5):
// bench/gen/xdpgen sends 60-byte UDP frames at its top rate from the client
// namespace, back to back in runs of at most 60 s, for MINUTES; the engine
// service captures them on the server veth with a view cap of CAP packets
// and ring files (4 × 100 MB), a client fetching rows on every list update
// as the renderer does. Every 10 s: server RSS, heap, typed arrays, the
// view, packets evicted, frames seen and dropped, whether the engine is
// behind, and list updates per second. At the end: RSS after the cap
// (min/max, spread around the mean) and the update rate. Root only; the
// namespaces and ring files are deleted.
//   node dist/bench/livecap/livecap-bench.js [MINUTES=5] [CAP=200000] [THREADS=1]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVethPair } from '../../test/lib/netns';
import { ROOT } from '../../test/lib/env';
import { ensureGenerator, generateUntil } from '../gen/run';

const HELPER = join(ROOT, 'helper', 'xdpscope-helper');
const minutes = Number(process.argv[2] ?? 5), cap = Number(process.argv[3] ?? 200_000), threads = Number(process.argv[4] ?? 1);

type Sample = { t: number; rssMiB: number; heapMiB: number; heapTotalMiB: number; arrayBuffersMiB: number; load: number; arraysMiB: number; inView: number; evicted: number; seen: number; dropped: number; behind: boolean; updatesPerS: number };

async function main(): Promise<void> {
  ensureGenerator();
  const load0 = loadavg()[0];
  const pair = createVethPair();
  const dir = mkdtempSync(join(tmpdir(), 'xs-livecap-'));
  try {
    const child = pair.spawn(pair.serverNs, [process.execPath, join(ROOT, 'dist', 'bench', 'livecap', 'service-child.js'), pair.serverIf, join(dir, 'live.pcapng'), String(cap)],
      { env: { ...process.env, XDPSCOPE_HELPER: HELPER }, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    const samples: Sample[] = [];
    let final: (Sample & { status: unknown; files: number }) | null = null;
    const exited = new Promise<number | null>((r) => child.on('close', r));
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const l = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (l.startsWith('sample ')) {
          const s = JSON.parse(l.slice(7)) as Sample;
          samples.push(s);
          console.log(`t=${s.t}s server RSS ${s.rssMiB} MiB, heap ${s.heapMiB} of ${s.heapTotalMiB} MiB, ArrayBuffers ${s.arrayBuffersMiB} MiB (store + index ${s.arraysMiB} MiB); in view ${s.inView}, evicted ${s.evicted}, seen ${s.seen}, dropped ${s.dropped}${s.behind ? ' (behind)' : ''}; list updates ${s.updatesPerS}/s; load ${s.load}`);
        } else if (l.startsWith('final ')) final = JSON.parse(l.slice(6));
        else if (l === 'capturing') console.log('capturing');
      }
    });
    for (let i = 0; i < 3000 && !samples.length && !/capturing/.test(out) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 20));
    const { sent, secs: genSecs } = await generateUntil(pair, Date.now() + minutes * 60_000, threads);
    child.stdin!.write('stop\n');
    const code = await exited;
    if (code !== 0) throw new Error(`service child exited ${code}`);
    const f = final as (Sample & { files: number; helper: { delivered: number; final: boolean } | null; status: { captured: number; evicted?: number; dropped: number; seen?: number; filtered?: number; sampledOut?: number; paused?: number } }) | null;
    console.log(`generator: xdpgen, ${threads} thread(s), ${genSecs.toFixed(0)} s, sent ${sent} (${(sent / genSecs / 1e6).toFixed(2)} Mpps); view cap ${cap} packets; load ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}`);
    if (f) {
      const total = f.status.captured + (f.status.evicted ?? 0);
      console.log(`captured ${total} (${(total / genSecs / 1e6).toFixed(3)} Mpps), seen ${f.status.seen ?? 0}, ring drops ${f.status.dropped}, filtered ${f.status.filtered ?? 0} (sampled out ${f.status.sampledOut ?? 0}), paused ${f.status.paused ?? 0}, evicted ${f.status.evicted ?? 0}, in view ${f.status.captured}, ring files ${f.files}`);
      if (f.helper) console.log(`helper: delivered ${f.helper.delivered} to the engine (${f.helper.final ? 'final counters, ring drained' : 'not the final counters'})`);
    }
    // after the cap: from the first sample that had evicted packets, plus one minute to settle
    const firstCap = samples.find((s) => s.evicted > 0);
    const after = firstCap ? samples.filter((s) => s.t >= firstCap.t + 60) : [];
    if (after.length) {
      const rss = after.map((s) => s.rssMiB), mean = rss.reduce((a, b) => a + b, 0) / rss.length;
      const min = Math.min(...rss), max = Math.max(...rss);
      console.log(`server RSS after the cap (${after.length} samples from t=${after[0]!.t}s): min ${min} MiB, max ${max} MiB, mean ${mean.toFixed(1)} MiB, spread ${(((max - mean) / mean) * 100).toFixed(1)}% / ${(((min - mean) / mean) * 100).toFixed(1)}% of the mean`);
      const first = after[0]!.rssMiB, last = after[after.length - 1]!.rssMiB;
      console.log(`server RSS first → last after the cap: ${first} → ${last} MiB (${(((last - first) / first) * 100).toFixed(1)}%)`);
    } else console.log('server RSS after the cap: no samples (the cap was not reached a minute before the end)');
    const ups = samples.filter((s) => s.t > 10).map((s) => s.updatesPerS);
    if (ups.length) console.log(`list updates per second: min ${Math.min(...ups)}, median ${ups.sort((a, b) => a - b)[ups.length >> 1]}`);
  } finally {
    pair.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
