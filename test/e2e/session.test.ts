// End to end, sessions as a user works them in the browser face: open a
// shared capture, filter, comment a packet from the row's context menu,
// hide a column, select a packet, Save As (and again onto the same file:
// asked first), then a fresh server on the saved file shows the same view;
// tshark reads the comment. Also: export a range as CSV, a damaged file's
// notice, an unreadable path, and the unsaved-changes question.
// Screenshots go to test-output/e2e/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import type { Dialog, Page } from 'playwright-core';
import { CAPTURES, outputDir, sharedCapturesSkipReason, hasCommand, liveSkipReason, HELPER_START_MS } from '../lib/env';
import { createVethPair } from '../lib/netns';
import { chromiumSkipReason, dialogFrom, filterValue, launchBrowser, openPage, pageCondition, rowsRendered, shown, startServe, statusMatches, textMatches, VIEWPORT, startCaptureOn } from './harness';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const OUT = outputDir('e2e');
const shot = (p: Page, name: string) => p.screenshot({ path: join(OUT, `${name}.png`) });
const skip = chromiumSkipReason() ?? sharedCapturesSkipReason() ?? false;

const statusText = async (p: Page, key: string) => (await p.locator(`[data-testid=statusbar] [data-k=${key}]`).textContent()) ?? '';
// header titles in on-screen order (AG Grid positions cells; DOM order need not follow a move)
const headerTitles = () => [...document.querySelectorAll('[data-testid=packet-list] .ag-header-cell')]
  .map((c) => ({ x: c.getBoundingClientRect().left, t: c.querySelector('.ag-header-cell-text')?.textContent ?? '' }))
  .sort((l, r) => l.x - r.x).map((c) => c.t);
const headers = (p: Page) => p.evaluate(headerTitles);
/** Wait until the on-screen header order puts `a` before `b`, and `gone` (if not '') is not shown. */
const headerOrder = (p: Page, what: string, a: string, b: string, gone = '', timeout = 10_000) =>
  pageCondition(p, what, ([x, y, g]) => {
    const t = [...document.querySelectorAll('[data-testid=packet-list] .ag-header-cell')]
      .map((c) => ({ x: c.getBoundingClientRect().left, t: c.querySelector('.ag-header-cell-text')?.textContent ?? '' }))
      .sort((l, r) => l.x - r.x).map((c) => c.t);
    return t.includes(x) && t.includes(y) && t.indexOf(x) < t.indexOf(y) && (!g || !t.includes(g));
  }, [a, b, gone] as const, headerTitles, timeout);
// a packet's row: find its row-index from the No. cell (once rendered), then the row in the centre container
async function rowByNumber(p: Page, n: number) {
  const rowIndex = (num: number) => {
    for (const c of document.querySelectorAll('[data-testid=packet-list] .ag-row [col-id=number]')) {
      if (c.textContent?.trim() === String(num)) return c.closest('.ag-row')?.getAttribute('row-index') ?? null;
    }
    return null;
  };
  await pageCondition(p, `row for packet ${n} is shown`, rowIndex, n,
    () => [...document.querySelectorAll('[data-testid=packet-list] .ag-row [col-id=number]')].map((c) => c.textContent?.trim()));
  const idx = await p.evaluate(rowIndex, n);
  return p.locator(`[data-testid=packet-list] .ag-row[row-index="${idx}"]`).first();
}

test('open → filter → comment → hide a column → select → Save As → fresh server on the saved file: view intact', { skip, timeout: 150_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-e2e-session-'));
  const saved = join(dir, 'session.pcapng');
  let served = await startServe([join(CAPTURES, 'zeek-post.pcap')]);
  const browser = await launchBrowser();
  // what the user answers to the page's questions (confirm, beforeunload)
  let answer = true;
  const onDialog = (d: Dialog) => void (answer ? d.accept() : d.dismiss());
  try {
    const first = await openPage(browser);
    let page = first.page;
    const pageErrors = first.pageErrors;
    page.on('dialog', onDialog);
    await page.goto(served.url);
    await shown(page, page.locator('.ag-row', { hasText: 'POST /post HTTP/1.1' }).first(), 'the POST row', { timeout: 15_000 });

    // filter
    const filter = page.getByLabel('display filter');
    await filter.fill('http');
    await filter.press('Enter');
    await statusMatches(page, 'displayed', /Displayed: 2\b/);
    await rowsRendered(page, 2);

    // comment packet 4 from the row's context menu
    await (await rowByNumber(page, 4)).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Packet Comment…' }).click();
    await page.getByTestId('comment-dialog').locator('textarea').fill('checked by the e2e test');
    await page.getByTestId('comment-dialog').getByRole('button', { name: 'OK' }).click();
    await (await rowByNumber(page, 4)).click();
    await shown(page, page.locator('[data-testid=details] .node.layer', { hasText: 'Packet comments' }), 'the Packet comments layer');
    await shown(page, page.locator('[data-testid=details] .node', { hasText: 'checked by the e2e test' }), 'the first comment in the details');
    // a second comment, then edit it from the detail pane
    await page.getByRole('button', { name: '💬 Add comment' }).click();
    await page.getByTestId('comment-dialog').locator('textarea').fill('second');
    await page.getByTestId('comment-dialog').locator('textarea').press('Control+Enter');
    await page.locator('[data-testid=details] .node', { hasText: /^second/ }).getByRole('button', { name: 'Edit' }).click();
    await page.getByTestId('comment-dialog').locator('textarea').fill('second, edited');
    await page.getByTestId('comment-dialog').getByRole('button', { name: 'OK' }).click();
    await shown(page, page.locator('[data-testid=details] .node', { hasText: 'second, edited' }), 'the edited comment in the details');
    await shot(page, '40-session-comment');

    // hide the User-Agent column
    await page.getByRole('button', { name: 'Columns ▾' }).click();
    await page.getByRole('menuitemcheckbox').filter({ hasText: 'User-Agent' }).locator('input').uncheck();
    await page.mouse.move(5, 5);
    await headerOrder(page, 'the User-Agent column is hidden', 'Source', 'Protocol', 'User-Agent');
    // move Protocol before Source by dragging its header (AG Grid's own column move)
    const proto = (await page.locator('.ag-header-cell[col-id=protocol]').boundingBox())!;
    const src = (await page.locator('.ag-header-cell[col-id=source]').boundingBox())!;
    await page.mouse.move(proto.x + proto.width / 2, proto.y + proto.height / 2);
    await page.mouse.down();
    await page.mouse.move(proto.x + proto.width / 2 - 12, proto.y + proto.height / 2, { steps: 3 });
    await shown(page, page.locator('.ag-dnd-ghost'), 'the column drag started (AG Grid drag image)', { state: 'attached' });
    await page.mouse.move(src.x + 10, proto.y + proto.height / 2, { steps: 15 });
    await headerOrder(page, 'Protocol moved before Source while dragging', 'Protocol', 'Source');
    await page.mouse.up();
    await shown(page, page.locator('.ag-dnd-ghost'), 'the column drag ended', { state: 'detached' });
    const order = await headers(page);
    assert.ok(order.indexOf('Protocol') < order.indexOf('Source'), `Protocol stays before Source once dropped: ${order.join(', ')}`);

    // select packet 8: the saved selection
    await (await rowByNumber(page, 8)).click();
    await shown(page, page.locator('[data-testid=details] .node.layer', { hasText: /^▸?Frame 8\b/ }).first(), 'packet 8 selected');
    await shown(page, page.locator('[data-testid=details] .node.layer', { hasText: /^▸?Hypertext Transfer Protocol/ }).first(), 'packet 8\'s HTTP layer');

    // Save As onto a new file, then onto the same file (asked first)
    await page.getByRole('button', { name: 'Save As…' }).click();
    const dlg = page.getByTestId('save-dialog');
    await textMatches(page, dlg, /machine running xdpscope serve/, 'the save dialog says where the file goes');
    await dlg.locator('input[name=path]').fill(saved);
    await dlg.getByRole('button', { name: 'Save' }).click();
    await shown(page, page.locator('.banner.info', { hasText: `saved 14 packets to ${saved}` }), 'the saved banner');
    await page.getByRole('button', { name: 'Save As…' }).click();
    await dlg.locator('input[name=path]').fill(saved);
    answer = false;
    await dialogFrom(page, () => dlg.getByRole('button', { name: 'Save' }).click(), (d) => /already exists\. Replace it\?/.test(d.message()), 'asked before replacing');
    await dlg.getByRole('button', { name: 'Cancel' }).click();
    answer = true;
    await shot(page, '41-session-saved');

    // Export a range as CSV
    await page.getByRole('button', { name: 'Export…' }).click();
    const ex = page.getByTestId('export-dialog');
    await ex.locator('select[name=kind]').selectOption('csv');
    await ex.locator('input[name=range]').fill('1-3,10');
    await ex.locator('input[name=path]').fill(join(dir, 'export.csv'));
    await shot(page, '42-export-dialog');
    await ex.getByRole('button', { name: 'Export' }).click();
    await shown(page, page.locator('.banner.info', { hasText: 'exported the dissections of 4 packets' }), 'the export banner');
    assert.equal(readFileSync(join(dir, 'export.csv'), 'utf8').trim().split('\r\n').length, 5);
    // ... and the displayed packets' dissections as JSON, downloaded by the browser
    await page.getByRole('button', { name: 'Export…' }).click();
    await ex.locator('select[name=kind]').selectOption('json');
    await ex.getByLabel(/Displayed/).check();
    const [download] = await Promise.all([page.waitForEvent('download'), ex.getByRole('button', { name: 'Download to this computer instead' }).click()]);
    assert.equal(download.suggestedFilename(), 'export.json');
    const docs = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    assert.deepEqual(docs.map((d: any) => d._source.layers['frame.number'][0]), ['4', '8']);
    assert.equal(pageErrors.join('\n'), '');
    await page.close();
    await served.stop();

    // A fresh server on the saved session: filter, columns, selection and comments are back.
    served = await startServe([saved]);
    page = await browser.newPage({ viewport: VIEWPORT });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('dialog', onDialog);
    await page.goto(served.url);
    await statusMatches(page, 'displayed', /Displayed: 2\b/, 15_000);
    await filterValue(page, 'http');
    await rowsRendered(page, 2);
    await headerOrder(page, 'the column order is restored and User-Agent stays hidden', 'Protocol', 'Source', 'User-Agent');
    // the saved selection is selected and its details shown
    await textMatches(page, page.locator('[data-testid=packet-list] .ag-row-selected'), /HTTP\/1\.1 200 OK/, 'the saved selection (the 200 OK) is selected');
    await shown(page, page.locator('[data-testid=details] .node.layer', { hasText: /Hypertext Transfer Protocol/ }).first(), 'the selection\'s HTTP layer');
    await shot(page, '43-session-reopened');
    await (await rowByNumber(page, 4)).click();
    await shown(page, page.locator('[data-testid=details] .node', { hasText: 'checked by the e2e test' }), 'the first comment, reopened');
    await shown(page, page.locator('[data-testid=details] .node', { hasText: 'second, edited' }), 'the edited comment, reopened');
    // frame.comment filters
    await page.getByLabel('display filter').fill('frame.comment contains "e2e"');
    await page.getByLabel('display filter').press('Enter');
    await statusMatches(page, 'displayed', /Displayed: 1\b/);
    await shot(page, '44-session-comment-filter');

    // unsaved comments: opening another file asks first; declining keeps the session
    await (await rowByNumber(page, 4)).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Packet Comment…' }).click();
    await page.getByTestId('comment-dialog').locator('textarea').fill('unsaved');
    await page.getByTestId('comment-dialog').getByRole('button', { name: 'OK' }).click();
    await shown(page, page.getByRole('button', { name: 'Save •' }), 'Save marked unsaved');
    // reloading the tab asks too (declined: the page stays)
    answer = false;
    await dialogFrom(page, async () => { void page.reload().catch(() => undefined); }, (d) => d.type() === 'beforeunload', 'closing the tab asks');
    await shown(page, page.getByRole('button', { name: 'Save •' }), 'the page stayed, still unsaved');
    await page.getByTitle('Interfaces and capture options').click();
    await page.locator('#open-path').fill(join(CAPTURES, 'kbandla-truncated_dns_2.pcap'));
    answer = false;
    await dialogFrom(page, () => page.getByRole('button', { name: 'Open', exact: true }).last().click(),
      (d) => /Comments on .* have not been saved\. Discard it and open/.test(d.message()), 'opening another file asks first');
    assert.match(await statusText(page, 'mode'), /session\.pcapng/);
    // accept: the damaged file opens up to the damage with a notice
    answer = true;
    await page.getByRole('button', { name: 'Open', exact: true }).last().click();
    const damage = page.getByTestId('damage-notice');
    await textMatches(page, damage, /stopped at byte \d+ \(block \d+\)/, 'the damage notice');
    await statusMatches(page, 'captured', /Packets: 1\b/);
    await shot(page, '45-damaged-notice');

    // an unreadable path says why
    await page.getByTitle('Interfaces and capture options').click();
    await page.locator('#open-path').fill('/nonexistent/missing.pcapng');
    await page.getByRole('button', { name: 'Open', exact: true }).last().click();
    await shown(page, page.locator('.banner.error', { hasText: /missing\.pcapng.*no such file or directory/ }), 'the unreadable-path error');
    await shot(page, '46-unreadable');
    assert.equal(pageErrors.join('\n'), '');
  } finally {
    await browser.close();
    await served.stop();
  }
  if (hasCommand('tshark')) {
    const out = execFileSync('tshark', ['-r', saved, '-Y', 'frame.comment', '-T', 'fields', '-e', 'frame.number', '-e', 'frame.comment'], { encoding: 'utf8' });
    assert.equal(out.trim(), '4\tchecked by the e2e test,second, edited');
  }
  rmSync(dir, { recursive: true, force: true });
  assert.ok(!existsSync(saved));
});

test('live: capture on a veth pair, opening a file asks first, Save As stores the capture settings, reopen shows them', { skip: (chromiumSkipReason() ?? liveSkipReason()) ?? false, timeout: 150_000 + HELPER_START_MS }, async () => {
  const net = createVethPair();
  const http = net.spawn(net.serverNs, [process.execPath, '-e',
    `require('http').createServer((q,s)=>s.end('hello from the session test\\n')).listen(8080,'${net.serverIp}')`], { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'xs-e2e-live-session-'));
  const saved = join(dir, 'live.pcapng');
  let served: Awaited<ReturnType<typeof startServe>> | null = null;
  const browser = await launchBrowser(net.serverNs);
  const dialogs: string[] = [];
  try {
    const dataDir = mkdtempSync(join(tmpdir(), 'xs-data-'));
    served = await startServe([], net.serverNs, { ...process.env, XDPSCOPE_DATA_DIR: dataDir });
    const page = await browser.newPage({ viewport: VIEWPORT });
    // every question is declined
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    await page.goto(served.url);
    await page.locator(`[data-iface="${net.serverIf}"]`).click({ timeout: 15_000 });
    await page.getByPlaceholder('e.g. tcp port 80').fill('tcp port 8080');
    await startCaptureOn(page, net.serverIf);
    await statusMatches(page, 'state', /capturing/, HELPER_START_MS);
    for (let i = 0; i < 3; i++) net.exec(net.clientNs, ['curl', '-s', '-m', '3', `http://${net.serverIp}:8080/session`]);
    await shown(page, page.locator('.ag-row', { hasText: 'GET /session HTTP/1.1' }).first(), 'a captured GET /session row', { timeout: 20_000 });
    await page.getByRole('button', { name: /Stop/ }).click();
    await statusMatches(page, 'state', /done/, 20_000);
    const captured = Number(/Packets: ([\d,]+)/.exec(await statusText(page, 'captured'))?.[1]?.replace(/,/g, '') ?? 0);
    assert.ok(captured >= 10, `${captured} packets`);

    // unsaved: opening a file asks, and declining keeps the capture
    await shown(page, page.getByRole('button', { name: 'Save •' }), 'Save marked unsaved');
    const asked = new RegExp(`live capture on ${net.serverIf} \\(${captured} packets\\) has not been saved`);
    await dialogFrom(page, () => page.getByRole('button', { name: 'Open', exact: true }).first().click(), (d) => asked.test(d.message()), 'opening a file asks first');
    assert.match(await statusText(page, 'mode'), /Live/);

    // Save (a live capture goes through Save As)
    await page.getByRole('button', { name: 'Save •' }).click();
    await page.getByTestId('save-dialog').locator('input[name=path]').fill(saved);
    await page.getByTestId('save-dialog').getByRole('button', { name: 'Save' }).click();
    await shown(page, page.locator('.banner.info', { hasText: `saved ${captured} packets` }), 'the saved banner');
    await shown(page, page.getByRole('button', { name: 'Save', exact: true }), 'Save no longer marked unsaved');

    // reopen: no question now; the capture settings are shown
    await page.getByTitle('Interfaces and capture options').click();
    await page.locator('#open-path').fill(saved);
    await page.getByRole('button', { name: 'Open', exact: true }).last().click();
    await statusMatches(page, 'captured-on', new RegExp(`Captured on ${net.serverIf} \\(auto\\), filter "tcp port 8080"`));
    await statusMatches(page, 'captured', new RegExp(`Packets: ${captured}\\b`));
    assert.equal(dialogs.length, 1, 'a saved capture is not questioned');
    await shot(page, '47-live-session-reopened');
  } finally {
    await browser.close();
    await served?.stop();
    http.kill('SIGKILL');
    net.dispose();
  }
  if (hasCommand('tshark')) {
    const n = execFileSync('tshark', ['-r', saved, '-Y', 'http.request.uri == "/session"'], { encoding: 'utf8' }).trim().split('\n').length;
    assert.equal(n, 3);
  }
  rmSync(dir, { recursive: true, force: true });
});

test('a large file loads with a progress bar; rows are usable at once; Cancel keeps what was read', { skip, timeout: 120_000 }, async () => {
  // ~130k packets (~136 MB): a shared capture's records repeated after one pcap header
  const src = readFileSync(join(CAPTURES, 'zeek-100-continue.pcap'));
  const dir = mkdtempSync(join(tmpdir(), 'xs-e2e-big-'));
  const big = join(dir, 'big.pcap');
  const { openSync, writeSync, closeSync } = require('node:fs') as typeof import('node:fs');
  const fd = openSync(big, 'w');
  writeSync(fd, src.subarray(0, 24));
  for (let i = 0; i < 2000; i++) writeSync(fd, src.subarray(24));
  closeSync(fd);
  const served = await startServe([]);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(served.url);
    await page.locator('#open-path').fill(big);
    await page.getByRole('button', { name: 'Open', exact: true }).last().click();
    const bar = page.getByTestId('load-progress');
    await shown(page, bar, 'the load progress bar');
    await shown(page, page.locator('[data-testid=packet-list] .ag-row', { hasText: '100 Continue' }).first(), 'rows while loading');
    await pageCondition(page, 'the progress bar moved', () => Number(document.querySelector('[data-testid=load-progress] progress')?.getAttribute('value') ?? 0) > 0, null,
      () => document.querySelector('[data-testid=load-progress]')?.outerHTML ?? 'no progress bar');
    await textMatches(page, bar, /of 136\.\d MB/, 'the progress bar gives the file size');
    await shot(page, '48-loading-progress');
    await bar.getByRole('button', { name: 'Cancel' }).click();
    await shown(page, bar, 'the progress bar gone after Cancel', { state: 'detached' });
    await shown(page, page.locator('.banner', { hasText: /cancelled after [\d,]+ packets/ }), 'the cancelled banner');
    const n = Number(/Packets: ([\d,]+)/.exec(await statusText(page, 'captured'))?.[1]?.replace(/,/g, '') ?? 0);
    assert.ok(n > 0 && n < 2000 * 66, `kept the ${n} packets read before Cancel`);
    assert.match(await statusText(page, 'state'), /done/);
    await shot(page, '49-load-cancelled');
  } finally {
    await browser.close();
    await served.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
