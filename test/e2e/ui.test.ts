// End to end, as a user: `xdpscope serve` + headless Chromium. Open a shared
// capture, read rows and Info, filter (good and bad), inspect an HTTP
// request's enrichment and bytes; then a live capture on a veth pair in
// namespaces this test creates. Screenshots go to test-output/e2e/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CAPTURES, outputDir, sharedCapturesSkipReason, liveSkipReason, isRoot, hasCommand } from '../lib/env';
import { createVethPair } from '../lib/netns';
import { chromiumSkipReason, launchBrowser, openPage, startServe, VIEWPORT } from './harness';

// Keep the user's recent-files list out of tests.
process.env.XDPSCOPE_CONFIG_DIR = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'xs-config-'));
const OUT = outputDir('e2e');
const shot = (p: Page, name: string) => p.screenshot({ path: join(OUT, `${name}.png`) });
const skipFile = chromiumSkipReason() ?? sharedCapturesSkipReason();

async function statusText(p: Page, key: string): Promise<string> {
  return (await p.locator(`[data-testid=statusbar] [data-k=${key}]`).textContent()) ?? '';
}

test('shared capture: rows, filter, bad filter, enriched details, byte highlight', { skip: skipFile ?? false, timeout: 120_000 }, async () => {
  const served = await startServe([join(CAPTURES, 'zeek-post.pcap')]);
  const browser = await launchBrowser();
  try {
    const { page, pageErrors } = await openPage(browser);
    await page.goto(served.url);

    // 1. rows and Info text appear
    const post = page.locator('.ag-row', { hasText: 'POST /post HTTP/1.1' });
    await post.first().waitFor({ timeout: 15_000 });
    await page.locator('.ag-row', { hasText: '53595 → 80 [SYN]' }).first().waitFor();
    assert.match(await statusText(page, 'captured'), /Packets: 14\b/);
    await shot(page, '01-opened');

    // 2. a filter narrows the list
    const filter = page.getByLabel('display filter');
    await filter.fill('http');
    await page.waitForFunction(() => document.querySelector('.filter-input')?.getAttribute('data-state') === 'valid');
    await filter.press('Enter');
    await page.waitForFunction(() => /Displayed: 2\b/.test(document.querySelector('[data-k=displayed]')?.textContent ?? ''));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=packet-list] .ag-row').length === 2);
    // keyboard: arrows move the selection, Ctrl+K focuses the filter
    await post.first().click();
    await page.locator('[data-testid=details]').waitFor();
    await page.keyboard.press('ArrowDown');
    await page.locator('[data-enriched=contentLength]', { hasText: '366' }).waitFor();
    await page.keyboard.press('Control+k');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'display filter');
    await shot(page, '02-filtered');

    // 3. a bad filter turns red with the message
    await filter.fill('tcp.port == ');
    await page.waitForFunction(() => document.querySelector('.filter-input')?.getAttribute('data-state') === 'invalid');
    const msg = await page.locator('.filter-error').textContent();
    assert.ok(msg && msg.length > 5, `an error message is shown (got ${JSON.stringify(msg)})`);
    assert.equal(await page.locator('.filter-mirror .bad-span').count(), 1, 'the error span is underlined');
    await shot(page, '03-bad-filter');

    // 4. select the HTTP request: enriched UA, Content-Length, source country; the UA bytes highlight
    await filter.fill('http.request');
    await filter.press('Enter');
    await page.waitForFunction(() => /Displayed: 1\b/.test(document.querySelector('[data-k=displayed]')?.textContent ?? ''));
    await post.first().click();
    const enriched = page.getByTestId('enriched');
    await enriched.locator('[data-enriched=userAgent]').waitFor();
    assert.match((await enriched.locator('[data-enriched=userAgent]').textContent()) ?? '', /curl\/7\.29\.0/);
    assert.match((await enriched.locator('[data-enriched=contentLength]').textContent()) ?? "", /Content-Length\s*11$/);
    assert.match((await enriched.locator('[data-enriched=srcCountry]').textContent()) ?? '', /\bUS\b/);
    await enriched.locator('[data-enriched=userAgent] .v').click();
    const hl = await page.locator('[data-testid=bytes] .ascii .hl').allTextContents();
    assert.equal(hl.join(''), 'curl/7.29.0', 'the bytes pane highlights the User-Agent value');
    // clicking a byte selects its field in the tree
    await page.locator('[data-testid=bytes] .hex [data-offset="99"]').click();
    await page.locator('.details .node.selected').waitFor();
    assert.match((await page.locator('.details .node.selected').textContent()) ?? '', /User-Agent/);
    await shot(page, '04-details');

    // 5. follow the TCP stream
    await post.first().click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Follow TCP Stream' }).click();
    await page.getByTestId('stream').waitFor();
    assert.match((await page.getByTestId('stream').textContent()) ?? '', /hello world/);
    await shot(page, '05-follow');
    await page.getByRole('button', { name: 'Close' }).click();

    // 6. browser mode: upload a capture from the welcome page (the display filter stays, as in Wireshark: clear it first)
    await page.getByTitle('Clear filter').click();
    await page.getByTitle('Interfaces and capture options').click();
    await page.locator('input[type=file]').setInputFiles(join(CAPTURES, 'gopacket-test_dns.pcap'));
    await page.locator('.ag-row', { hasText: 'DNS' }).first().waitFor({ timeout: 15_000 });
    assert.match(await statusText(page, 'captured'), /Packets: 10\b/);
    assert.match(await statusText(page, 'displayed'), /Displayed: 10\b/);
    await shot(page, '06-uploaded');
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});

test('live capture on a veth pair: pick the interface, start, see HTTP rows arrive, stop', { skip: (chromiumSkipReason() ?? liveSkipReason()) ?? false, timeout: 150_000 }, async () => {
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
    const row = page.locator(`[data-iface="${net.serverIf}"]`);
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await shot(page, '10-interfaces');
    await page.getByRole('button', { name: new RegExp(`Start capture on ${net.serverIf}`) }).click();
    await page.waitForFunction(() => /capturing/.test(document.querySelector('[data-k=state]')?.textContent ?? ''), undefined, { timeout: 20_000 });
    for (let i = 0; i < 5; i++) {
      net.exec(net.clientNs, ['curl', '-s', '-m', '3', '-A', 'xdpscope-e2e/1.0', `http://${net.serverIp}:8080/`]);
    }
    await page.locator('.ag-row', { hasText: 'GET / HTTP/1.1' }).first().waitFor({ timeout: 20_000 });
    const captured = Number(/Packets: ([\d,]+)/.exec(await statusText(page, 'captured'))?.[1]?.replace(/,/g, '') ?? 0);
    assert.ok(captured >= 10, `rows arrived (${captured} packets)`);
    await shot(page, '11-live');
    // the view follows the tail while live; scrolling up pauses that until asked again
    const rowVisible = (i: number) => page.evaluate((n) => !!document.querySelector(`[data-testid=packet-list] .ag-row[row-index="${n}"]`), i);
    // scrolling away from the tail needs a list longer than the view: on a loaded machine the rows may
    // still be arriving, so a few more requests until they overflow it (bounded)
    const overflows = async () => {
      const listed = Number(/Packets: ([\d,]+)/.exec(await statusText(page, 'captured'))?.[1]?.replace(/,/g, '') ?? 0);
      // rowBuffer 0: the rows in the DOM are the rows on screen
      const onScreen = await page.evaluate(() => document.querySelectorAll('[data-testid=packet-list] .ag-row').length);
      lastSeen = `${listed} packets, ${onScreen} rows on screen`;
      return onScreen > 0 && listed > onScreen + 10;
    };
    let lastSeen = '';
    for (let i = 0; i < 20 && !(await overflows()); i++) {
      net.exec(net.clientNs, ['curl', '-s', '-m', '3', `http://${net.serverIp}:8080/fill`]);
      await page.waitForTimeout(300);
    }
    assert.ok(await overflows(), `the packet list is longer than its view (${lastSeen})`);
    await page.waitForTimeout(600);
    const box = (await page.getByTestId('packet-list').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -5000);
    await page.waitForTimeout(400);
    await shot(page, '11b-scrolled-up');
    const followBtn = page.getByRole('button', { name: /Follow new packets/ });
    await followBtn.waitFor({ timeout: 5000 }).catch(async (e) => {
      const diag = await page.evaluate(() => {
        const vs = [...document.querySelectorAll('[data-testid=packet-list] *')].filter((el) => (el as HTMLElement).scrollHeight > (el as HTMLElement).clientHeight + 20 && getComputedStyle(el).overflowY !== 'visible')
          .map((el) => `${el.className}: top ${(el as HTMLElement).scrollTop} h ${(el as HTMLElement).scrollHeight}/${(el as HTMLElement).clientHeight}`);
        const idx = [...document.querySelectorAll('[data-testid=packet-list] .ag-row')].map((r) => r.getAttribute('row-index'));
        return { vs, idx: idx.slice(0, 5).join(',') + '…' + idx.slice(-3).join(','), state: document.querySelector('[data-k=state]')?.textContent };
      });
      throw new Error(`${(e as Error).message}\nDIAG ${JSON.stringify(diag)} ${lastSeen}`);
    });
    assert.ok(await rowVisible(0), 'scrolled to the top');
    for (let i = 0; i < 3; i++) net.exec(net.clientNs, ['curl', '-s', '-m', '3', `http://${net.serverIp}:8080/more`]);
    await page.locator('.ag-row', { hasText: 'GET /more HTTP/1.1' }).first().waitFor({ state: 'attached', timeout: 20_000 }).catch(() => undefined);
    await page.waitForTimeout(500);
    assert.ok(await rowVisible(0), 'new packets did not scroll the view away from where the user is reading');
    await followBtn.click();
    await page.locator('.ag-row', { hasText: 'GET /more HTTP/1.1' }).first().waitFor({ timeout: 10_000 });
    assert.equal(await rowVisible(0), false, 'following the tail again');
    await page.getByRole('button', { name: /Stop/ }).click();
    await page.waitForFunction(() => /done|idle/.test(document.querySelector('[data-k=state]')?.textContent ?? ''), undefined, { timeout: 20_000 });
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
    await page.locator('[data-iface="lo"]').click({ timeout: 15_000 });
    await page.getByRole('button', { name: /Start capture on lo/ }).click();
    const grant = page.getByRole('button', { name: 'Grant capture permission' });
    await grant.waitFor({ timeout: 20_000 });
    const error = page.locator('.banner.error[data-kind=permission]');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /CAP_BPF|privilege|permission/i);
    assert.match(await statusText(page, 'state'), /error/);
    await shot(page, '20-needs-permission');
  } finally {
    await browser.close();
    await served.stop();
  }
});

test('insights: the alert count shows in the toolbar; opening an alert applies its filter and selects its packet', { skip: skipFile ?? false, timeout: 90_000 }, async () => {
  const served = await startServe([join(CAPTURES, 'zeek-get-to-ssh-server.pcap')]);
  const browser = await launchBrowser();
  try {
    const { page, pageErrors } = await openPage(browser);
    await page.goto(served.url);
    await page.locator('[data-testid=packet-list] .ag-row').first().waitFor({ timeout: 15_000 });
    const insights = page.getByRole('button', { name: /^Insights/ });
    await page.waitForFunction(() => /Insights1$/.test([...document.querySelectorAll('.toolbar button')].map((b) => b.textContent).find((t) => t?.startsWith('Insights')) ?? ''), undefined, { timeout: 10_000 });
    await insights.click();
    const alert = page.getByTestId('insights').getByRole('button', { name: /HTTP on port 22/ });
    await alert.click();
    await page.waitForFunction(() => /Displayed: 1\b/.test(document.querySelector('[data-k=displayed]')?.textContent ?? ''));
    assert.equal(await page.getByLabel('display filter').inputValue(), 'frame.number == 4');
    await page.locator('[data-testid=details] .tree').waitFor();
    await shot(page, '30-insights');
    await page.getByRole('button', { name: 'Statistics' }).click();
    await page.getByRole('dialog', { name: 'Statistics' }).waitFor();
    await shot(page, '31-statistics');
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
