// The live UI at the generator's top rate (issue 19, goal 4), measured in the
// page: `xdpscope serve` and headless Chromium run in the server namespace of
// a veth pair (test/e2e/harness); the bench picks the server veth in the UI's
// capture table, sets ring files (4 × 100 MB) and "keep in view: last CAP
// packets" in the capture options and presses Start, as a user does; then
// bench/gen/xdpgen sends 60-byte frames at its top rate from the client
// namespace for MINUTES. The first part of the run follows the tail; in the
// second (--scrolled share of it) the user wheels up into older rows and
// keeps scrolling there (auto-scroll off). Stop is pressed in the UI at the end.
//
// In the page, on every animation frame: the frame interval, and whether the
// rendered rows changed (a list update); long tasks. From the WebSocket the
// page reads (decoded here): the engine's status pushes, the truth the status
// bar must show. Every SAMPLE seconds: server RSS (node, engine worker
// included; the helper apart), Chromium's JS heap, the renderer main thread's
// busy share, list updates, frames, the status bar against the engine's status.
// At the end: updates per second in 1 s windows (min/median), frame p50/p95
// and missed vsyncs per part, long tasks, RSS and heap after the cap, the
// engine's counts (seen == captured + evicted + dropped + filtered + paused)
// against the status bar's, and the generator's sent count (the peer figure).
//
//   node scripts/build.mjs && node dist/bench/uilive/uilive-bench.js [--minutes 3] [--cap 200000] [--scrolled 0.5] [--threads 1] [--cpu-prof] [--cpuprofile]
//
// --cpuprofile: the renderer's JS profile over the first 20 s of each part
// (test-output/bench/uilive-*.cpuprofile, summarised as bench/ui does);
// --cpu-prof: serve's own (node --cpu-prof, main thread and engine worker).
//
// Root only. Namespaces, ring files and the browser are removed however the
// run ends (Ctrl-C included): deleting the server namespace kills serve and
// its helper, whose bpf_link detaches the XDP program.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import { createVethPair } from '../../test/lib/netns';
import { ROOT } from '../../test/lib/env';
import { chooseInterface, launchBrowser, startCaptureOn, startServe, statusMatches, VIEWPORT } from '../../test/e2e/harness';
import { decodeMessage } from '../../main/api/codec';
import type { Status } from '../../main/api/index';
import { ensureGenerator, generateUntil } from '../gen/run';
import { summariseProfile, type CpuProfile } from '../ui/trace-summary';
import { load, pct, rssMB, treeCpuMs, treeRssMB, vsyncHistogram } from '../ui/measure';

const { values: opt } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3' }, cap: { type: 'string', default: '200000' }, scrolled: { type: 'string', default: '0.5' },
    threads: { type: 'string', default: '1' }, sample: { type: 'string', default: '5' }, 'cpu-prof': { type: 'boolean', default: false },
    cpuprofile: { type: 'boolean', default: false },
  },
});
const minutes = Number(opt.minutes), cap = Number(opt.cap), scrolledShare = Number(opt.scrolled), threads = Number(opt.threads), sampleS = Number(opt.sample);
if (!(minutes > 0 && minutes <= 60)) throw new Error('--minutes: more than 0, at most 60');
if (!(scrolledShare >= 0 && scrolledShare < 1)) throw new Error('--scrolled: a share of the run, 0 to below 1');
const OUT = join(ROOT, 'test-output', 'bench');
const HELPER = join(ROOT, 'helper', 'xdpscope-helper');

/** What the page measured since the last collection (cleared on collection, so the page's own heap stays flat). */
interface PageBatch { frames: number[]; updates: number[]; long: number[]; blank: number; tail: number; rows: number; following: boolean; bar: { dropped: string; droppedTitle: string; captured: string; evicted: string; state: string } }

/** Installed once: rAF loop (frame interval, rendered rows changed?), long-task observer. */
function instrument(): void {
  const w = window as any;
  const m = (w.__uilive = { frames: [] as number[], updates: [] as number[], long: [] as number[], blank: 0 });
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) m.long.push(e.startTime, e.duration); }).observe({ type: 'longtask' });
  } catch { /* no long-task timing here */ }
  let last = performance.now(), lastKey = '';
  const tick = (t: number) => {
    m.frames.push(t, t - last);
    last = t;
    // the rows on screen, by number and text: a change is a list update the user sees
    let key = '', numbered = false;
    for (const r of document.querySelectorAll('[data-testid=packet-list] .ag-row')) {
      key += `${r.getAttribute('row-index')}:${r.textContent}|`;
      numbered ||= !!r.querySelector('[col-id=number]')?.textContent;
    }
    if (key !== lastKey) { m.updates.push(t); lastKey = key; }
    // a list with packets but no row drawn with its data (rows still loading): the user sees a blank list
    if (!numbered && /Displayed: [1-9]/.test(document.querySelector('[data-testid=statusbar] [data-k=displayed]')?.textContent ?? '')) m.blank++;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

function collect(): PageBatch {
  const m = (window as any).__uilive;
  const out = { frames: m.frames, updates: m.updates, long: m.long, blank: m.blank };
  m.frames = []; m.updates = []; m.long = []; m.blank = 0;
  const text = (k: string) => document.querySelector(`[data-testid=statusbar] [data-k=${k}]`)?.textContent ?? '';
  const nums = [...document.querySelectorAll('[data-testid=packet-list] .ag-row [col-id=number]')].map((c) => Number(c.textContent)).filter((n) => n > 0);
  return {
    ...out, tail: nums.length ? Math.max(...nums) : 0, rows: nums.length,
    following: !document.querySelector('.follow-tail'),
    bar: { dropped: text('dropped'), droppedTitle: document.querySelector('[data-testid=statusbar] [data-k=dropped]')?.getAttribute('title') ?? '', captured: text('captured'), evicted: text('evicted'), state: text('state') },
  };
}

const num = (s: string | undefined): number => Number((s ?? '').replace(/,/g, ''));
/** The status bar's figures, as the user reads them. */
function barFigures(b: PageBatch['bar']): { captured: number; evicted: number; dropped: number; seen: number; behind: boolean } {
  return {
    captured: num(/Packets: ([\d,]+)/.exec(b.captured)?.[1]),
    evicted: /([\d,]+) older/.test(b.evicted) ? num(/([\d,]+) older/.exec(b.evicted)?.[1]) : 0,
    dropped: num(/Dropped: ([\d,]+)/.exec(b.dropped)?.[1]),
    seen: num(/saw ([\d,]+) frames/.exec(b.droppedTitle)?.[1]),
    behind: /engine behind/.test(b.dropped),
  };
}

interface Sample { t: number; part: 'follow' | 'scrolled'; rtts: number[]; blank: number; rssMB: number; helperRssMB: number; heapMB: number; mainBusy: number; serverCpu: number; updates: number; frames: number[]; long: number[]; inView: number; evicted: number; seen: number; dropped: number; behind: boolean; lag: number; following: boolean; barOk: boolean; barWhy: string; load: string }

async function mainThreadMs(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  return (metrics.find((x) => x.name === 'TaskDuration')?.value ?? 0) * 1000;
}

/** A user reading older rows: wheel up a stretch, down a little less, pause; repeated until `until`. */
async function readOlderRows(page: Page, until: number): Promise<void> {
  while (Date.now() < until) {
    for (let i = 0; i < 20 && Date.now() < until; i++) { await page.mouse.wheel(0, -800); await page.waitForTimeout(16); }
    for (let i = 0; i < 20 && Date.now() < until; i++) { await page.mouse.wheel(0, 600); await page.waitForTimeout(16); }
    await page.waitForTimeout(500);
  }
}

/** 1 s windows of update timestamps (ms, page clock) from `from` to `to`: counts per window. */
function perSecond(times: number[], from: number, to: number): number[] {
  const n = Math.max(0, Math.floor((to - from) / 1000));
  const w = new Array<number>(n).fill(0);
  for (const t of times) { const i = Math.floor((t - from) / 1000); if (i >= 0 && i < n) w[i]!++; }
  return w;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('root only (network namespaces, XDP)');
  ensureGenerator();
  const stop = new AbortController();
  let interrupted = 0;
  // Ctrl-C: end the generator and fall through to the clean-up below; a second one exits at once (the namespaces still go)
  const onSig = () => { if (++interrupted > 1) { pair.dispose(); process.exit(130); } stop.abort(); };
  const pair = createVethPair();
  process.on('SIGINT', onSig); process.on('SIGTERM', onSig);
  const dir = mkdtempSync(join(tmpdir(), 'xs-uilive-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env, XDPSCOPE_HELPER: HELPER, XDPSCOPE_DATA_DIR: join(dir, 'data'), XDPSCOPE_SCRATCH_DIR: join(dir, 'scratch'), XDPSCOPE_CONFIG_DIR: join(dir, 'config'),
    ...(opt['cpu-prof'] ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${join(OUT, 'uilive-server-prof')}` } : {}),
  };
  for (const d of ['data', 'scratch', 'config']) mkdirSync(join(dir, d), { mode: 0o700 });
  const load0 = load();
  let served: Awaited<ReturnType<typeof startServe>> | null = null;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | null = null;
  try {
    served = await startServe([], pair.serverNs, env);
    browser = await launchBrowser(pair.serverNs);
    const page = await browser.newPage({ viewport: VIEWPORT });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('dialog', (d) => void d.accept());
    // the engine's status pushes, as the page receives them
    // and the rows it asks for: each getRows request's round trip (sent → answer received)
    let engine: Status | null = null, pushes = 0;
    const asked = new Map<number, number>();
    let rtts: number[] = [];
    page.on('websocket', (ws) => {
      ws.on('framesent', ({ payload }) => {
        if (typeof payload === 'string') return;
        const msg = decodeMessage(new Uint8Array(payload)) as { id?: number; method?: string };
        if (msg.method === 'getRows' && typeof msg.id === 'number') asked.set(msg.id, Date.now());
      });
      ws.on('framereceived', ({ payload }) => {
        if (typeof payload === 'string') return;
        const msg = decodeMessage(new Uint8Array(payload)) as { id?: number; event?: string; data?: Status };
        if (msg.event === 'status' && msg.data) { engine = msg.data; pushes++; }
        const t = typeof msg.id === 'number' ? asked.get(msg.id) : undefined;
        if (t !== undefined) { rtts.push(Date.now() - t); asked.delete(msg.id!); }
      });
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(served.url);

    // the capture, through the UI's controls
    await chooseInterface(page, pair.serverIf, 30_000);
    await page.getByTestId('capture-direction').selectOption('in');
    await page.getByLabel('ring buffer path').fill(join(dir, 'ring', 'live.pcapng'));
    mkdirSync(join(dir, 'ring'), { mode: 0o700 });
    await page.getByLabel('ring file size in kB').fill('100000');
    await page.getByLabel('ring files kept').fill('4');
    await page.getByLabel('view cap in packets').fill(String(cap));
    await startCaptureOn(page, pair.serverIf);
    await statusMatches(page, 'state', /capturing/, 90_000);
    await page.evaluate(instrument);
    const box = (await page.locator('[data-testid=packet-list]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);

    const t0 = Date.now();
    const pageT0 = await page.evaluate(() => performance.now());
    const endAt = t0 + minutes * 60_000;
    const scrollAt = endAt - scrolledShare * minutes * 60_000;
    console.log(`uilive: ${minutes} min at the generator's top rate (${threads} thread(s)), view cap ${cap} packets, scrolled up for the last ${Math.round(scrolledShare * 100)}%; load ${load0}`);
    const gen = generateUntil(pair, endAt, threads, stop.signal);
    const samples: Sample[] = [];
    const updates: Array<{ t: number; part: Sample['part'] }> = [];
    let prevEngine: Status | null = null, busy0 = await mainThreadMs(cdp), cpu0 = treeCpuMs(served.proc.pid!), at0 = Date.now();
    let part: Sample['part'] = 'follow';
    const sample = async (): Promise<void> => {
      const b = (await page.evaluate(collect)) as PageBatch;
      const e = engine as Status | null;
      const now = Date.now(), busy = await mainThreadMs(cdp), cpu = treeCpuMs(served!.proc.pid!);
      const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      const bar = barFigures(b.bar);
      // the bar lags the engine by a render; it must show at least what the engine said a sample ago
      let why = '';
      if (prevEngine) {
        if (bar.dropped < prevEngine.dropped) why += `bar dropped ${bar.dropped} < engine ${prevEngine.dropped}; `;
        if (prevEngine.behind && e?.behind && !bar.behind) why += 'engine behind, bar silent; ';
        if (bar.seen < (prevEngine.seen ?? 0)) why += `bar seen ${bar.seen} < engine ${prevEngine.seen}; `;
      }
      for (const u of b.updates) updates.push({ t: u, part });
      const s: Sample = {
        t: Math.round((now - t0) / 1000), part, rtts, blank: b.blank, rssMB: Math.round(rssMB(served!.proc.pid!)), helperRssMB: Math.round(treeRssMB(served!.proc.pid!) - rssMB(served!.proc.pid!)),
        heapMB: +(heap.usedSize / 1048576).toFixed(1), mainBusy: (busy - busy0) / (now - at0), serverCpu: (cpu - cpu0) / (now - at0),
        updates: b.updates.length / ((now - at0) / 1000), frames: b.frames.filter((_, i) => i % 2 === 1), long: b.long.filter((_, i) => i % 2 === 1),
        inView: e?.captured ?? 0, evicted: e?.evicted ?? 0, seen: e?.seen ?? 0, dropped: e?.dropped ?? 0, behind: e?.behind ?? false,
        lag: e ? e.captured + (e.evicted ?? 0) - b.tail : 0, following: b.following, barOk: why === '', barWhy: why, load: load(),
      };
      samples.push(s);
      rtts = [];
      prevEngine = e; busy0 = busy; cpu0 = cpu; at0 = now;
      console.log(`t=${s.t}s ${s.part}: server RSS ${s.rssMB} MB (helper ${s.helperRssMB}), JS heap ${s.heapMB} MB; view ${s.inView}, evicted ${s.evicted}, seen ${s.seen}, dropped ${s.dropped}${s.behind ? ' (behind)' : ''}; `
        + `list updates ${s.updates.toFixed(1)}/s (getRows ${(s.rtts.length / sampleS).toFixed(1)}/s, round trip p50 ${pct(s.rtts, 50)} ms), frames p50 ${pct(s.frames, 50).toFixed(1)} p95 ${pct(s.frames, 95).toFixed(1)} ms${s.blank ? ` (${s.blank} with the list blank)` : ''}, long tasks ${s.long.length}; main thread busy ${(100 * s.mainBusy).toFixed(0)}%, server CPU ${(100 * s.serverCpu).toFixed(0)}%; `
        + `tail lag ${s.lag} packets${s.following ? '' : ' (not following)'}${s.barOk ? '' : `; STATUS BAR: ${s.barWhy}`}; load ${s.load}`);
    };
    let scrolling: Promise<void> | null = null;
    let pageScrollT = NaN;
    // the renderer's profile over each part (the first PROFILE_MS of it)
    const PROFILE_MS = 20_000;
    const profiles: Array<{ part: string; until: number }> = [];
    const profile = async (p: string): Promise<void> => {
      if (!opt.cpuprofile) return;
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
      profiles.push({ part: p, until: Date.now() + PROFILE_MS });
    };
    const profileEnd = async (): Promise<void> => {
      const p = profiles[profiles.length - 1];
      if (!p || p.until === 0) return;
      p.until = 0;
      const { profile: prof } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
      mkdirSync(OUT, { recursive: true });
      writeFileSync(join(OUT, `uilive-${p.part}.cpuprofile`), JSON.stringify(prof));
      console.log(`renderer CPU profile, ${p.part} (test-output/bench/uilive-${p.part}.cpuprofile):\n${summariseProfile(prof)}`);
    };
    await profile('follow');
    while (Date.now() < endAt && !stop.signal.aborted) {
      const last = profiles[profiles.length - 1];
      if (last && last.until !== 0 && Date.now() >= last.until) await profileEnd();
      if (part === 'follow' && Date.now() >= scrollAt) {
        await profileEnd();
        part = 'scrolled';
        pageScrollT = await page.evaluate(() => performance.now());
        await profile('scrolled');
        // leave the tail: a few big wheel turns up, then keep reading there
        for (let i = 0; i < 5; i++) { await page.mouse.wheel(0, -4000); await page.waitForTimeout(50); }
        scrolling = readOlderRows(page, endAt);
      }
      const next = Math.min(endAt, Date.now() + sampleS * 1000);
      while (Date.now() < next && !stop.signal.aborted) await new Promise((r) => setTimeout(r, 100));
      await sample();
    }
    const { sent, secs } = await gen;
    await scrolling;
    await profileEnd();
    const pageT1 = await page.evaluate(() => performance.now());

    // Stop, as the user does; the engine's final status comes after the helper's last counters
    await page.getByRole('button', { name: /Stop/ }).click();
    const stopped = await statusMatches(page, 'state', /done|error/, 120_000);
    for (let i = 0; i < 100 && !/done|error/.test((engine as Status | null)?.state ?? ''); i++) await page.waitForTimeout(100);
    if (/error/.test(stopped)) console.log(`STOP ENDED IN AN ERROR: ${JSON.stringify((engine as Status | null)?.error)}; the banner says ${JSON.stringify(await page.locator('.banner').allTextContents().catch(() => []))}`);
    await page.waitForTimeout(1000); // the last push rendered
    const fin = engine as Status | null;
    const bar = barFigures(((await page.evaluate(collect)) as PageBatch).bar);
    await cdp.send('HeapProfiler.collectGarbage');
    const heapEnd = ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize / 1048576;
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, 'uilive-end.png') });

    // summary
    const total = fin ? fin.captured + (fin.evicted ?? 0) : 0;
    console.log(`generator: xdpgen, ${threads} thread(s), ${secs.toFixed(0)} s, sent ${sent} (${(sent / Math.max(secs, 1e-9) / 1e6).toFixed(2)} Mpps); load ${load0} → ${load()}`);
    if (fin) {
      const sum = fin.captured + (fin.evicted ?? 0) + fin.dropped + (fin.filtered ?? 0) + (fin.paused ?? 0);
      console.log(`engine: seen ${fin.seen}, captured ${total} (${(total / secs / 1e6).toFixed(3)} Mpps; in view ${fin.captured}, evicted ${fin.evicted ?? 0} to ${fin.evictedTo}), ring drops ${fin.dropped}, filtered ${fin.filtered ?? 0} (sampled out ${fin.sampledOut ?? 0}), paused ${fin.paused ?? 0}: seen ${fin.seen === sum ? '==' : '!='} captured + evicted + dropped + filtered + paused (${sum})`);
      console.log(`  sent ${sent} - seen ${fin.seen} = ${sent - (fin.seen ?? 0)} frames the receiving veth refused before XDP (its queue was full)`);
      const same = bar.captured === fin.captured && bar.evicted === (fin.evicted ?? 0) && bar.dropped === fin.dropped && bar.seen === fin.seen;
      console.log(`status bar at the end: packets ${bar.captured}, evicted ${bar.evicted}, dropped ${bar.dropped}, seen ${bar.seen}: ${same ? 'equal to' : 'DIFFERENT from'} the engine's status (${pushes} status pushes received)`);
    }
    for (const p of ['follow', 'scrolled'] as const) {
      const ss = samples.filter((s) => s.part === p);
      if (!ss.length) continue;
      const frames = ss.flatMap((s) => s.frames), long = ss.flatMap((s) => s.long);
      const from = p === 'follow' ? pageT0 : pageScrollT;
      const to = p === 'follow' && !Number.isNaN(pageScrollT) ? pageScrollT : pageT1;
      const ups = perSecond(updates.filter((u) => u.part === p).map((u) => u.t), from, to);
      const sorted = [...ups].sort((a, b) => a - b);
      console.log(`${p === 'follow' ? 'following the tail' : 'scrolled up (reading older rows)'}: ${ss.length} samples`);
      console.log(`  list updates per second (1 s windows): min ${sorted[0] ?? '-'}, median ${sorted[sorted.length >> 1] ?? '-'}, max ${sorted[sorted.length - 1] ?? '-'} over ${ups.length} s; windows below 5: ${ups.filter((u) => u < 5).length}`);
      const blank = ss.reduce((a, s) => a + s.blank, 0);
      console.log(`  frames: p50 ${pct(frames, 50).toFixed(1)} ms, p95 ${pct(frames, 95).toFixed(1)} ms over ${frames.length} frames; ${vsyncHistogram(frames)}`);
      console.log(`  frames with the list blank (packets displayed, no row drawn with its data): ${blank} (${((100 * blank) / Math.max(1, frames.length)).toFixed(1)}%)`);
      const rt = ss.flatMap((s) => s.rtts);
      console.log(`  getRows: ${rt.length} answered (${(rt.length / ss.length / sampleS).toFixed(1)}/s), round trip p50 ${pct(rt, 50)} ms, p95 ${pct(rt, 95)} ms`);
      console.log(`  long tasks: ${long.length} (${Math.round(long.reduce((a, b) => a + b, 0))} ms, longest ${Math.round(Math.max(0, ...long))} ms); renderer main thread busy ${(100 * ss.reduce((a, s) => a + s.mainBusy, 0) / ss.length).toFixed(0)}%`);
      console.log(`  tail lag (packets between the engine's newest and the newest row on screen): median ${pct(ss.map((s) => s.lag), 50)}; samples not following: ${ss.filter((s) => !s.following).length}`);
      console.log(`  status bar behind the engine: ${ss.filter((s) => !s.barOk).length} of ${ss.length} samples; engine behind in ${ss.filter((s) => s.behind).length}`);
    }
    const firstCap = samples.find((s) => s.evicted > 0);
    const after = firstCap ? samples.filter((s) => s.t >= firstCap.t + 30) : [];
    if (after.length > 1) {
      const span = (xs: number[]) => `${xs[0]} → ${xs[xs.length - 1]} (min ${Math.min(...xs)}, max ${Math.max(...xs)})`;
      console.log(`after the cap (from t=${after[0]!.t}s, ${after.length} samples): server RSS ${span(after.map((s) => s.rssMB))} MB; helper RSS ${span(after.map((s) => s.helperRssMB))} MB; Chromium JS heap ${span(after.map((s) => s.heapMB))} MB`);
    } else console.log('after the cap: no samples (the cap was not reached 30 s before the end)');
    console.log(`server RSS:         ${samples[samples.length - 1]?.rssMB ?? NaN} MB at the end of the generator (engine worker included)`);
    console.log(`renderer JS heap:   ${heapEnd.toFixed(1)} MB after GC at the end`);
    console.log(`page errors: ${pageErrors.length ? pageErrors.join('; ') : 'none'}`);
    writeFileSync(join(OUT, 'uilive.json'), JSON.stringify({ minutes, cap, threads, sent, secs, final: fin, bar, samples: samples.map(({ frames: _f, long: _l, rtts: _r, ...s }) => s) }, null, 2) + '\n');
  } finally {
    await browser?.close().catch(() => undefined);
    await served?.stop().catch(() => undefined);
    pair.dispose();
    rmSync(dir, { recursive: true, force: true });
    process.off('SIGINT', onSig); process.off('SIGTERM', onSig);
  }
  if (opt['cpu-prof']) console.log(`server CPU profiles: ${readdirSync(join(OUT, 'uilive-server-prof')).map((f) => join(OUT, 'uilive-server-prof', f)).join(' ')}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
