// The renderer components in a real browser (headless Chromium): the
// Insights panel hands an alert's filter to its callback on click, the I/O
// graph draws with uPlot, and the statistics tables turn a double-clicked
// row into a display filter. Data: a real snapshot of a crafted capture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../lib/env';
import { snapshotInsights } from '../../../main/engine/insights';
import { RST, ACK, SYN, Scenario, tcp, MAC_A, MAC_B, httpRequest, httpResponse } from './craft';
import { runScenario, scratch } from './pipeline';

const CHROMIUM = '/usr/bin/chromium';

test('Insights panel, I/O graph and statistics views work in a browser', { skip: existsSync(CHROMIUM) ? false : 'needs chromium' }, async () => {
  const s = new Scenario();
  const T0 = 1_760_000_000;
  s.connection(T0, '198.18.12.5', '198.18.12.2', 41000, 80, { request: httpRequest('intranet.example'), response: httpResponse(200) });
  for (let port = 1; port <= 40; port++) {
    s.ip(T0 + 1 + port * 0.01, tcp('198.18.12.9', '198.18.12.2', { sport: 30000 + port, dport: port, flags: SYN }));
    s.ip(T0 + 1 + port * 0.01 + 0.001, tcp('198.18.12.2', '198.18.12.9', { sport: port, dport: 30000 + port, flags: RST | ACK }), MAC_B, MAC_A);
  }
  const { engine } = await runScenario('renderer', s);
  // what the service sends: JSON
  const snap = JSON.parse(JSON.stringify(snapshotInsights(engine)));
  assert.equal(snap.alerts.length, 1);

  const entry = scratch('renderer-entry.tsx');
  require('node:fs').writeFileSync(entry, `
    import { createRoot } from 'react-dom/client';
    import { InsightsPanel, IoGraph, StatisticsView } from ${JSON.stringify(join(ROOT, 'renderer/insights/index.tsx'))};
    const snap = (window as any).SNAP;
    (window as any).picked = [];
    createRoot(document.getElementById('a')!).render(<InsightsPanel alerts={snap.alerts} onSelectAlert={(f) => (window as any).picked.push(f)} />);
    createRoot(document.getElementById('g')!).render(<IoGraph io={snap.stats.io} width={600} height={200} />);
    createRoot(document.getElementById('s')!).render(<StatisticsView stats={snap.stats} onApplyFilter={(f) => (window as any).picked.push(f)} />);
  `);
  const out = scratch('renderer-bundle');
  buildSync({
    entryPoints: [entry], bundle: true, outdir: out, format: 'iife', platform: 'browser', jsx: 'automatic', logLevel: 'error',
    nodePaths: [join(ROOT, 'node_modules')], define: { 'process.env.NODE_ENV': '"production"' },
  });
  const html = `<!doctype html><html><head><style>${readFileSync(join(out, 'renderer-entry.css'), 'utf8')}</style></head><body>
    <div id="a"></div><div id="g"></div><div id="s"></div>
    <script>window.SNAP = ${JSON.stringify(snap).replace(/</g, '\\u003c')};</script>
    <script>${readFileSync(join(out, 'renderer-entry.js'), 'utf8').replace(/<\/script/g, '<\\/script')}</script></body></html>`;

  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent(html);
    await page.getByRole('button', { name: /Port scan from 198\.18\.12\.9/ }).click();
    assert.deepEqual(await page.evaluate(() => (window as any).picked), [snap.alerts[0].filter]);
    // uPlot drew a canvas with the packets and bits/s series
    assert.equal(await page.locator('#g canvas').count(), 1);
    assert.ok(await page.locator('#g .u-legend').textContent().then((t) => /packets/.test(t ?? '') && /bits\/s/.test(t ?? '')));
    // the TCP conversations table lists 41 conversations; double-click applies one as a filter
    const rows = page.locator('table[aria-label="tcp conversations"] tbody tr');
    assert.equal(await rows.count(), 41);
    await rows.first().dblclick();
    const picked = await page.evaluate(() => (window as any).picked as string[]);
    assert.equal(picked.length, 2);
    assert.match(picked[1], /^ip\.addr == 198\.18\.12\.\d+ && tcp\.port == \d+ && ip\.addr == 198\.18\.12\.\d+ && tcp\.port == \d+$/);
    // "Export EVE JSON" downloads the same records as `insights --eve`
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export EVE JSON' }).click()]);
    assert.equal(download.suggestedFilename(), 'xdpscope-alerts.eve.json');
    const eve = readFileSync(await download.path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event_type: string; alert: { rule: string } });
    assert.equal(eve.length, snap.alerts.length);
    assert.ok(eve.every((r) => r.event_type === 'alert'));
    assert.ok(eve.some((r) => r.alert.rule === snap.alerts[0].filter));
    await page.getByRole('tab', { name: 'HTTP' }).click();
    assert.match((await page.locator('table[aria-label="HTTP requests by host"]').textContent()) ?? '', /intranet\.example1/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
