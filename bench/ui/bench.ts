// UI benchmark (not a test): Chromium (playwright-core) against
// `xdpscope serve` with a large capture (default 1,000,000 packets built
// from the shared corpus by bench/lib/big-capture.ts). Reports time to first
// rows, time until fully indexed, time to apply a filter, scroll frame
// times over a scripted fling, renderer JS heap, and the server's RSS.
//
//   node scripts/build.mjs && node dist/bench/ui/bench.js [PACKETS]
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { bigCapture, ROOT } from '../lib/big-capture';

const TARGETS = { firstRowsMs: 1000, filterMs: 1000, p95FrameMs: 33, heapMB: 150 };
const CLI = join(ROOT, 'bin', 'xdpscope.js');

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

function rssMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch { return NaN; }
}

async function main(): Promise<void> {
  const packets = Number(process.argv[2] ?? 1_000_000);
  const t0 = Date.now();
  const file = bigCapture(packets);
  console.log(`capture: ${file} (built/cached in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  const srv = spawn(process.execPath, [CLI, 'serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    srv.stdout!.on('data', (d) => { out += String(d); const m = /(http:\S+token=\w+)/.exec(out); if (m) resolve(m[1]); });
    srv.on('exit', (c) => reject(new Error(`serve exited ${c}`)));
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const results: Record<string, number | string> = { packets };
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
    await page.evaluate(() => {
      const w = window as any;
      w.__frames = [];
      let last = performance.now();
      const tick = (t: number) => { w.__frames.push(t - last); last = t; if (!w.__stop) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    });
    for (let i = 0; i < 90; i++) {
      await page.mouse.wheel(0, i < 60 ? 3000 : -4000);
      await page.waitForTimeout(16);
    }
    await page.waitForTimeout(300);
    const frames: number[] = await page.evaluate(() => { (window as any).__stop = true; return (window as any).__frames.slice(2); });
    results.frames = frames.length;
    results.frameP50Ms = Number(pct(frames, 50).toFixed(1));
    results.frameP95Ms = Number(pct(frames, 95).toFixed(1));

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
  console.log(`scroll frames:      p50 ${results.frameP50Ms} ms, p95 ${verdict('p95FrameMs', results.frameP95Ms as number)} ms over ${results.frames} frames`);
  console.log(`renderer JS heap:   ${verdict('heapMB', results.heapMB as number)} MB`);
  console.log(`server RSS:         ${results.serverRssMB} MB (engine worker included)`);
  writeFileSync(join(ROOT, 'test-output', 'bench', 'ui.json'), JSON.stringify(results, null, 2) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
