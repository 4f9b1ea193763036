// End to end, as a user: `xdpscope serve` + headless Chromium. Open a shared
// capture, read rows and Info, filter (good and bad), inspect an HTTP
// request's enrichment and bytes; then a live capture on a veth pair in
// namespaces this test creates. Screenshots go to test-output/e2e/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CAPTURES, outputDir, sharedCapturesSkipReason, liveSkipReason, isRoot, hasCommand, HELPER_START_MS } from '../lib/env';
import { createVethPair } from '../lib/netns';
import { chromiumSkipReason, filterValue, launchBrowser, pageCondition, rowsRendered, shown, startServe, statusMatches, textMatches, VIEWPORT, withServedPage, chooseInterface, startCaptureOn } from './harness';

// Keep the user's recent-files list out of tests.
process.env.XDPSCOPE_CONFIG_DIR = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'xs-config-'));
const OUT = outputDir('e2e');
const shot = (p: Page, name: string) => p.screenshot({ path: join(OUT, `${name}.png`) });
const skipFile = chromiumSkipReason() ?? sharedCapturesSkipReason();

async function statusText(p: Page, key: string): Promise<string> {
  return (await p.locator(`[data-testid=statusbar] [data-k=${key}]`).textContent()) ?? '';
}
const packets = async (p: Page) => Number(/Packets: ([\d,]+)/.exec(await statusText(p, 'captured'))?.[1]?.replace(/,/g, '') ?? 0);

/**
 * Wait until the packet list holds as many rows as the status bar displays (AG Grid sizes its
 * scrolling container to the row count), optionally at least `atLeast` of them, and with
 * `tail` the last one rendered (the follow-the-tail scroll has landed).
 */
function gridCaughtUp(p: Page, want: { atLeast?: number; tail?: boolean }, timeout = 20_000): Promise<void> {
  // page functions cannot share a helper, so the reading is written out in both
  return pageCondition(p, `the packet list caught up with the status bar (${JSON.stringify(want)})`, (w) => {
    const displayed = Number(/Displayed: ([\d,]+)/.exec(document.querySelector('[data-testid=statusbar] [data-k=displayed]')?.textContent ?? '')?.[1]?.replace(/,/g, '') ?? -1);
    const rowHeight = document.querySelector<HTMLElement>('[data-testid=packet-list] .ag-row')?.offsetHeight ?? 0;
    const container = document.querySelector<HTMLElement>('[data-testid=packet-list] .ag-grid-scrolling-container');
    const gridRows = rowHeight && container ? Math.round(parseFloat(container.style.height) / rowHeight) : -1;
    const last = document.querySelector(`[data-testid=packet-list] .ag-row[row-index="${displayed - 1}"]`);
    return displayed > 0 && gridRows === displayed && displayed >= (w.atLeast ?? 0) && (!w.tail || !!last);
  }, want, () => {
    const container = document.querySelector<HTMLElement>('[data-testid=packet-list] .ag-grid-scrolling-container');
    return {
      status: document.querySelector('[data-testid=statusbar] [data-k=displayed]')?.textContent,
      gridHeight: container?.style.height,
      rowHeight: document.querySelector<HTMLElement>('[data-testid=packet-list] .ag-row')?.offsetHeight,
      rendered: [...document.querySelectorAll('[data-testid=packet-list] .ag-row')].map((r) => r.getAttribute('row-index')).join(','),
    };
  }, timeout);
}

test('shared capture: rows, filter, bad filter, enriched details, byte highlight', { skip: skipFile ?? false, timeout: 120_000 }, async () => {
  await withServedPage([join(CAPTURES, 'zeek-post.pcap')], async (page) => {
    // 1. rows and Info text appear
    const post = page.locator('.ag-row', { hasText: 'POST /post HTTP/1.1' });
    await shown(page, post.first(), 'the POST row', { timeout: 15_000 });
    await shown(page, page.locator('.ag-row', { hasText: '53595 → 80 [SYN]' }).first(), 'the SYN row');
    await statusMatches(page, 'captured', /Packets: 14\b/);
    await shot(page, '01-opened');

    // rows take their colours from the engine's table (Wireshark's defaults): HTTP, and Bad TCP for the retransmission
    const colours = { post: 'rgb(228, 255, 199)', retransmission: 'rgb(18, 39, 46)|rgb(247, 135, 135)' };
    await pageCondition(page, 'rows coloured by Wireshark\'s HTTP and Bad TCP rules', (want) => {
      const rows = [...document.querySelectorAll<HTMLElement>('[data-testid=packet-list] .ag-row')];
      const style = (text: string, fg: boolean) => { const r = rows.find((x) => x.textContent?.includes(text)); return r ? (fg ? `${getComputedStyle(r).backgroundColor}|${getComputedStyle(r).color}` : getComputedStyle(r).backgroundColor) : ''; };
      return style('POST /post', false) === want.post && style('TCP Retransmission', true) === want.retransmission;
    }, colours, () => [...document.querySelectorAll<HTMLElement>('[data-testid=packet-list] .ag-row')].map((r) => `${(r.textContent ?? '').slice(0, 30)}: ${getComputedStyle(r).backgroundColor}|${getComputedStyle(r).color}`));

    // 2. a filter narrows the list
    const filter = page.getByLabel('display filter');
    await filter.fill('http');
    await shown(page, page.locator('.filter-input[data-state=valid]'), '"http" checked valid');
    await filter.press('Enter');
    await statusMatches(page, 'displayed', /Displayed: 2\b/);
    await rowsRendered(page, 2);
    // keyboard: arrows move the selection, Ctrl+K focuses the filter
    await post.first().click();
    await shown(page, page.locator('[data-testid=details] .node.layer', { hasText: /Frame 4\b/ }).first(), 'the POST selected');
    await page.keyboard.press('ArrowDown');
    await shown(page, page.locator('[data-enriched=contentLength]', { hasText: '366' }), 'ArrowDown selected the response');
    await page.keyboard.press('Control+k');
    await pageCondition(page, 'Ctrl+K focuses the display filter', () => document.activeElement?.getAttribute('aria-label') === 'display filter', null,
      () => document.activeElement?.outerHTML.slice(0, 120));
    await shot(page, '02-filtered');

    // 3. a bad filter turns red with the message
    await filter.fill('tcp.port == ');
    await shown(page, page.locator('.filter-input[data-state=invalid]'), '"tcp.port == " checked invalid');
    const msg = await page.locator('.filter-error').textContent();
    assert.ok(msg && msg.length > 5, `an error message is shown (got ${JSON.stringify(msg)})`);
    assert.equal(await page.locator('.filter-mirror .bad-span').count(), 1, 'the error span is underlined');
    await shot(page, '03-bad-filter');

    // 4. select the HTTP request: enriched UA, Content-Length, source country; the UA bytes highlight
    await filter.fill('http.request');
    await filter.press('Enter');
    await statusMatches(page, 'displayed', /Displayed: 1\b/);
    await rowsRendered(page, 1);
    await post.first().click();
    const enriched = page.getByTestId('enriched');
    await textMatches(page, enriched.locator('[data-enriched=userAgent]'), /curl\/7\.29\.0/, 'the enriched User-Agent');
    await textMatches(page, enriched.locator('[data-enriched=contentLength]'), /Content-Length\s*11$/, 'the enriched Content-Length');
    await textMatches(page, enriched.locator('[data-enriched=srcCountry]'), /\bUS\b/, 'the enriched source country');
    await enriched.locator('[data-enriched=userAgent] .v').click();
    await pageCondition(page, 'the bytes pane highlights the User-Agent value',
      () => [...document.querySelectorAll('[data-testid=bytes] .ascii .hl')].map((e) => e.textContent).join('') === 'curl/7.29.0', null,
      () => [...document.querySelectorAll('[data-testid=bytes] .ascii .hl')].map((e) => e.textContent).join(''));
    // clicking a byte selects its field in the tree
    await page.locator('[data-testid=bytes] .hex [data-offset="99"]').click();
    await textMatches(page, page.locator('.details .node.selected'), /User-Agent/, 'byte 99 selects the User-Agent field');
    await shot(page, '04-details');

    // 5. follow the TCP stream
    await post.first().click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Follow TCP Stream' }).click();
    await textMatches(page, page.getByTestId('stream'), /hello world/, 'the followed stream');
    await shot(page, '05-follow');
    await page.getByRole('button', { name: 'Close' }).click();
    await shown(page, page.getByTestId('stream'), 'the follow dialog closed', { state: 'detached' });

    // 6. browser mode: upload a capture from the welcome page (the display filter stays, as in Wireshark: clear it first)
    await page.getByTitle('Clear filter').click();
    await statusMatches(page, 'displayed', /Displayed: 14\b/);
    await page.getByTitle('Interfaces and capture options').click();
    await page.locator('input[type=file]').setInputFiles(join(CAPTURES, 'gopacket-test_dns.pcap'));
    await shown(page, page.locator('.ag-row', { hasText: 'DNS' }).first(), 'the uploaded file\'s DNS rows', { timeout: 15_000 });
    await statusMatches(page, 'captured', /Packets: 10\b/);
    await statusMatches(page, 'displayed', /Displayed: 10\b/);
    await shot(page, '06-uploaded');
  });
});

test('live capture on a veth pair: pick the interface, start, see HTTP rows arrive, stop', { skip: (chromiumSkipReason() ?? liveSkipReason()) ?? false, timeout: 150_000 + HELPER_START_MS }, async () => {
  const net = createVethPair();
  // XDP sees what arrives at the interface: HTTP requests from the client namespace to a server beside xdpscope
  const http = net.spawn(net.serverNs, [process.execPath, '-e',
    `require('http').createServer((q,s)=>s.end('hello from xdpscope test\\n')).listen(8080,'${net.serverIp}')`], { stdio: 'ignore' });
  let served: Awaited<ReturnType<typeof startServe>> | null = null;
  const browser = await launchBrowser(net.serverNs);
  try {
    const dataDir = require('node:fs').mkdtempSync(join(require('node:os').tmpdir(), 'xs-data-'));
    served = await startServe([], net.serverNs, { ...process.env, XDPSCOPE_DATA_DIR: dataDir });
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(served.url);
    await chooseInterface(page, net.serverIf);
    await shot(page, '10-interfaces');
    await startCaptureOn(page, net.serverIf);
    await statusMatches(page, 'state', /capturing/, HELPER_START_MS);
    for (let i = 0; i < 5; i++) {
      net.exec(net.clientNs, ['curl', '-s', '-m', '3', '-A', 'xdpscope-e2e/1.0', `http://${net.serverIp}:8080/`]);
    }
    await shown(page, page.locator('.ag-row', { hasText: 'GET / HTTP/1.1' }).first(), 'a captured GET / row', { timeout: 20_000 });
    const captured = await packets(page);
    assert.ok(captured >= 10, `rows arrived (${captured} packets)`);
    await shot(page, '11-live');
    // the view follows the tail while live; scrolling up pauses that until asked again
    const rowVisible = (i: number) => page.evaluate((n) => !!document.querySelector(`[data-testid=packet-list] .ag-row[row-index="${n}"]`), i);
    // scrolling away from the tail needs a list longer than the view: on a loaded machine the rows may
    // still be arriving, so a few more requests until they overflow it (bounded)
    let lastSeen = '';
    const overflows = async () => {
      await gridCaughtUp(page, { tail: true });
      const listed = await packets(page);
      // rowBuffer 0: the rows in the DOM are the rows on screen
      const onScreen = await page.evaluate(() => document.querySelectorAll('[data-testid=packet-list] .ag-row').length);
      lastSeen = `${listed} packets, ${onScreen} rows on screen`;
      return onScreen > 0 && listed > onScreen + 10;
    };
    for (let i = 0; i < 20 && !(await overflows()); i++) {
      const before = await packets(page);
      net.exec(net.clientNs, ['curl', '-s', '-m', '3', `http://${net.serverIp}:8080/fill`]);
      await statusMatches(page, 'captured', new RegExp(`Packets: (?!${before.toLocaleString('en')}\\b)`));
    }
    assert.ok(await overflows(), `the packet list is longer than its view (${lastSeen})`);
    const box = (await page.getByTestId('packet-list').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -5000);
    const followBtn = page.getByRole('button', { name: /Follow new packets/ });
    await shown(page, followBtn, `scrolling up offers to follow again (${lastSeen})`);
    await pageCondition(page, 'scrolled to the top (row 0 rendered)', () => !!document.querySelector('[data-testid=packet-list] .ag-row[row-index="0"]'), null,
      () => [...document.querySelectorAll('[data-testid=packet-list] .ag-row')].map((r) => r.getAttribute('row-index')).join(','));
    await shot(page, '11b-scrolled-up');
    // three more requests: each one's SYN, ACK and GET reached the server (curl returned), so XDP saw them
    const beforeMore = await packets(page);
    for (let i = 0; i < 3; i++) net.exec(net.clientNs, ['curl', '-s', '-m', '3', `http://${net.serverIp}:8080/more`]);
    await gridCaughtUp(page, { atLeast: beforeMore + 9 });
    assert.ok(await rowVisible(0), 'new packets did not scroll the view away from where the user is reading');
    await followBtn.click();
    await shown(page, page.locator('.ag-row', { hasText: 'GET /more HTTP/1.1' }).first(), 'following the tail shows the new requests');
    assert.equal(await rowVisible(0), false, 'following the tail again');
    await page.getByRole('button', { name: /Stop/ }).click();
    await statusMatches(page, 'state', /done|idle/, 20_000);
    await shot(page, '12-stopped');
    // the capture went to a crash-safe spool as it arrived
    const spools = require('node:fs').readdirSync(join(dataDir, 'spool')).filter((n: string) => n.endsWith('.pcapng'));
    assert.equal(spools.length, 1);
    assert.ok(require('node:fs').statSync(join(dataDir, 'spool', spools[0])).size > 1000);
  } finally {
    await browser.close();
    await served?.stop();
    http.kill('SIGKILL');
    net.dispose();
  }
});

test('without capture privileges, starting a capture says so and offers "Grant capture permission"', { skip: (chromiumSkipReason() ?? (isRoot() && hasCommand('runuser') ? null : 'needs root and runuser to run the server as an unprivileged user')) ?? false, timeout: 90_000 }, async () => {
  const served = await startServe([], undefined, { ...process.env, HOME: '/tmp' }, ['runuser', '-u', 'nobody', '--']);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(served.url);
    await shown(page, page.locator('[data-iface="lo"]'), 'the interface lo listed', { timeout: 15_000 });
    await page.locator('[data-iface="lo"]').click();
    await page.getByRole('button', { name: /Start capture on lo/ }).click();
    await shown(page, page.getByRole('button', { name: 'Grant capture permission' }), 'the Grant button', { timeout: 20_000 });
    await textMatches(page, page.locator('.banner.error[data-kind=permission]'), /CAP_BPF|privilege|permission/i, 'the permission error');
    await statusMatches(page, 'state', /error/);
    await shot(page, '20-needs-permission');
  } finally {
    await browser.close();
    await served.stop();
  }
});

test('insights: the alert count shows in the toolbar; opening an alert applies its filter and selects its packet', { skip: skipFile ?? false, timeout: 90_000 }, async () => {
  await withServedPage([join(CAPTURES, 'zeek-get-to-ssh-server.pcap')], async (page) => {
    const insights = page.getByRole('button', { name: /^Insights/ });
    await textMatches(page, insights, /^Insights1$/, 'one alert counted on the Insights button');
    await insights.click();
    const alert = page.getByTestId('insights').getByRole('button', { name: /HTTP on port 22/ });
    await alert.click();
    await statusMatches(page, 'displayed', /Displayed: 1\b/);
    await filterValue(page, 'frame.number == 4');
    await shown(page, page.locator('[data-testid=details] .node.layer', { hasText: /Frame 4\b/ }).first(), 'the alert\'s packet selected');
    await shot(page, '30-insights');
    await page.getByRole('button', { name: 'Statistics' }).click();
    await shown(page, page.getByRole('dialog', { name: 'Statistics' }), 'the Statistics dialog');
    await shot(page, '31-statistics');
  });
});
