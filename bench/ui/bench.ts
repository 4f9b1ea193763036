// UI benchmark (not a test): Chromium (playwright-core) against
// `xdpscope serve` with a large capture (default 1,000,000 packets built
// from the shared corpus by bench/lib/big-capture.ts). Reports time to first
// rows, time until fully indexed, time to apply a filter, scroll frame
// times over scripted flings (each fling measured on its own, then all
// frames together), renderer JS heap, and the server's RSS. Frame times here
// are from headless Chromium with software rendering on a shared machine:
// the load average is printed with them; compare runs made back to back.
//
//   node scripts/build.mjs && node dist/bench/ui/bench.js [PACKETS] [--flings N] [--trace]
//
// --trace records a Chrome performance trace over the flings and prints where
// the renderer's main thread and the raster/compositor threads spent their
// time (self time per trace event), the way the DevTools Performance panel
// attributes it; the raw trace is kept in test-output/bench/ui-fling-trace.json.
import { spawn } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { bigCapture, ROOT } from '../lib/big-capture';
import { summariseTrace, summariseProfile, type TraceEvent, type CpuProfile } from './trace-summary';
import { load, pct, rssMB, treeCpuMs, vsyncHistogram } from './measure';

const TARGETS = { firstRowsMs: 1000, filterMs: 1000, p95FrameMs: 33, heapMB: 150 };
const CLI = join(ROOT, 'bin', 'xdpscope.js');

/** One fling: 60 wheel steps down, 30 up (ticks ~16 ms apart); rAF deltas while it runs. */
async function fling(page: Page): Promise<{ frames: number[]; longTasks: number; longTaskMs: number }> {
  await page.evaluate(() => {
    const w = window as any;
    // a fresh frame list and loop per fling (an earlier loop sees its token is stale and stops)
    const token = (w.__token = (w.__token ?? 0) + 1);
    w.__frames = []; w.__long = [];
    w.__obs?.disconnect();
    try {
      w.__obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) w.__long.push(e.duration); });
      w.__obs.observe({ type: 'longtask' });
    } catch { /* no long-task timing in this browser */ }
    let last = performance.now();
    const tick = (t: number) => { if (w.__token !== token) return; w.__frames.push(t - last); last = t; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  for (let i = 0; i < 90; i++) {
    await page.mouse.wheel(0, i < 60 ? 3000 : -4000);
    await page.waitForTimeout(16);
  }
  await page.waitForTimeout(300);
  return page.evaluate(() => {
    const w = window as any;
    w.__token++;
    const long: number[] = w.__long;
    return { frames: w.__frames.slice(2), longTasks: long.length, longTaskMs: Math.round(long.reduce((a, b) => a + b, 0)) };
  });
}

async function main(): Promise<void> {
  const { values: opt, positionals } = parseArgs({ allowPositionals: true, options: { flings: { type: 'string', default: '3' }, trace: { type: 'boolean', default: false }, cpuprofile: { type: 'boolean', default: false } } });
  const packets = Number(positionals[0] ?? 1_000_000);
  const flings = Math.max(1, Number(opt.flings));
  const t0 = Date.now();
  const file = bigCapture(packets);
  console.log(`capture: ${file} (built/cached in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  const srv = spawn(process.execPath, [CLI, 'serve', '--allow-root'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    srv.stdout!.on('data', (d) => { out += String(d); const m = /(http:\S+code=\w+)/.exec(out); if (m) resolve(m[1]); });
    srv.on('exit', (c) => reject(new Error(`serve exited ${c}`)));
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const results: Record<string, number | string> = { packets, flings };
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const cdp = await page.context().newCDPSession(page);
    await page.goto(url);
    await page.locator('#open-path').waitFor();
    await page.fill('#open-path', file);

    // time to first rows: submit → first row painted
    const tOpen = Date.now();
    await page.click('button[type=submit]');
    await page.locator('[data-testid=packet-list] .ag-row').first().waitFor({ timeout: 60_000 });
    results.firstRowsMs = Date.now() - tOpen;

    // fully indexed: state 'done'
    await page.waitForFunction(() => /^done/.test(document.querySelector('[data-k=state]')?.textContent ?? ''), undefined, { timeout: 30 * 60_000, polling: 200 });
    results.indexedMs = Date.now() - tOpen;
    results.captured = (await page.locator('[data-k=captured]').textContent()) ?? '';

    // apply a filter: Enter → displayed count changes and rows repaint
    const filterText = 'tcp.port == 80';
    await page.getByLabel('display filter').fill(filterText);
    await page.waitForFunction(() => document.querySelector('.filter-input')?.getAttribute('data-state') === 'valid');
    const tFilter = Date.now();
    await page.getByLabel('display filter').press('Enter');
    await page.waitForFunction(() => !/\(100\.0%\)/.test(document.querySelector('[data-k=displayed]')?.textContent ?? ''), undefined, { timeout: 120_000, polling: 'raf' });
    await page.locator('[data-testid=packet-list] .ag-row').first().waitFor();
    results.filterMs = Date.now() - tFilter;
    results.displayed = (await page.locator('[data-k=displayed]').textContent()) ?? '';

    // clear the filter, then fling-scroll the full list and record frame times
    await page.getByLabel('display filter').fill('');
    await page.getByLabel('display filter').press('Enter');
    await page.waitForFunction(() => /\(100\.0%\)/.test(document.querySelector('[data-k=displayed]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    const box = (await page.locator('[data-testid=packet-list]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForTimeout(500);
    results.loadBefore = load();
    if (opt.trace) {
      await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink', 'cc', 'viz'] });
    }
    if (opt.cpuprofile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
    }
    // Chromium is this process's child (playwright launched it); the server is the other child.
    const chromiumCpu = () => treeCpuMs(process.pid, new Set([srv.pid!])) - (process.cpuUsage().user + process.cpuUsage().system) / 1000;
    const serverCpu = () => treeCpuMs(srv.pid!);
    // the renderer main thread's own accounting (less sensitive to other load than frame times)
    await cdp.send('Performance.enable');
    const mainThread = async () => {
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
      const m = new Map(metrics.map((x) => [x.name, x.value * 1000]));
      return { task: m.get('TaskDuration') ?? 0, script: m.get('ScriptDuration') ?? 0, layout: (m.get('LayoutDuration') ?? 0) + (m.get('RecalcStyleDuration') ?? 0) };
    };
    const cpu0 = chromiumCpu(), srv0 = serverCpu();
    const all: number[] = [];
    const per: string[] = [];
    let longTasks = 0, longTaskMs = 0;
    for (let f = 0; f < flings; f++) {
      const m0 = await mainThread();
      const r = await fling(page);
      const m1 = await mainThread();
      all.push(...r.frames);
      longTasks += r.longTasks; longTaskMs += r.longTaskMs;
      per.push(`p50 ${pct(r.frames, 50).toFixed(1)} / p95 ${pct(r.frames, 95).toFixed(1)} (${r.frames.length} frames, ${r.longTasks} long tasks ${r.longTaskMs} ms; ${vsyncHistogram(r.frames)}; main thread ${Math.round(m1.task - m0.task)} ms: script ${Math.round(m1.script - m0.script)}, style+layout ${Math.round(m1.layout - m0.layout)})`);
    }
    results.chromiumCpuMs = Math.round(chromiumCpu() - cpu0);
    results.serverCpuMs = Math.round(serverCpu() - srv0);
    if (opt.cpuprofile) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
      mkdirSync(join(ROOT, 'test-output', 'bench'), { recursive: true });
      writeFileSync(join(ROOT, 'test-output', 'bench', 'ui-fling.cpuprofile'), JSON.stringify(profile));
      results.cpu = summariseProfile(profile);
    }
    if (opt.trace) {
      const buf = await browser.stopTracing();
      mkdirSync(join(ROOT, 'test-output', 'bench'), { recursive: true });
      writeFileSync(join(ROOT, 'test-output', 'bench', 'ui-fling-trace.json'), buf);
      const ev = (JSON.parse(buf.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
      results.trace = summariseTrace(ev);
    }
    results.loadAfter = load();
    results.perFling = per.join('\n                    ');
    results.frames = all.length;
    results.vsyncs = vsyncHistogram(all);
    results.frameP50Ms = Number(pct(all, 50).toFixed(1));
    results.frameP95Ms = Number(pct(all, 95).toFixed(1));
    results.longTasks = `${longTasks} (${longTaskMs} ms)`;

    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    results.heapMB = Number((heap.usedSize / 1048576).toFixed(1));
    results.serverRssMB = Number(rssMB(srv.pid!).toFixed(0));
    mkdirSync(join(ROOT, 'test-output', 'bench'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-output', 'bench', 'ui-after-fling.png') });
  } finally {
    await browser.close();
    srv.kill('SIGTERM');
  }
  const verdict = (k: keyof typeof TARGETS, v: number) => `${v} (target < ${TARGETS[k]}: ${v < TARGETS[k] ? 'met' : 'MISSED'})`;
  console.log(`packets:            ${results.packets} (${results.captured})`);
  console.log(`time to first rows: ${verdict('firstRowsMs', results.firstRowsMs as number)} ms`);
  console.log(`fully indexed:      ${results.indexedMs} ms`);
  console.log(`apply filter:       ${verdict('filterMs', results.filterMs as number)} ms  [${results.displayed}]`);
  console.log(`scroll frames:      p50 ${results.frameP50Ms} ms, p95 ${verdict('p95FrameMs', results.frameP95Ms as number)} ms over ${results.frames} frames, ${flings} flings`);
  console.log(`  frame lengths:     ${results.vsyncs}`);
  console.log(`  per fling:         ${results.perFling}`);
  console.log(`  long tasks:        ${results.longTasks}; CPU over the flings: Chromium ${results.chromiumCpuMs} ms (all its processes), server ${results.serverCpuMs} ms`);
  console.log(`  load average:      before ${results.loadBefore}, after ${results.loadAfter}`);
  if (results.trace) console.log(results.trace);
  if (results.cpu) console.log(results.cpu);
  console.log(`renderer JS heap:   ${verdict('heapMB', results.heapMB as number)} MB`);
  console.log(`server RSS:         ${results.serverRssMB} MB (engine worker included)`);
  writeFileSync(join(ROOT, 'test-output', 'bench', 'ui.json'), JSON.stringify(results, null, 2) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
