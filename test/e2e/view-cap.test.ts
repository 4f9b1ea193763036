// A live capture within a view cap, as a user runs it: `xdpscope serve` and
// headless Chromium in a namespace; the capture options get ring files and
// "keep in view: last 1000 packets"; a bounded ping flood from the other
// namespace pushes older packets out of the view; the status bar says how
// many are in ring files while the list follows the tail; Open lists the
// files with their frame numbers, and one opens as a file session holding
// exactly those packets.
// Screenshots go to test-output/e2e/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveSkipReason, outputDir } from '../lib/env';
import { createVethPair } from '../lib/netns';
import { chromiumSkipReason, launchBrowser, openPage, pageCondition, startServe, statusMatches, textMatches, chooseInterface, startCaptureOn } from './harness';

const OUT = outputDir('e2e');

test('older packets leave the view, the status bar says where, and they reopen from the ring files', { skip: (chromiumSkipReason() ?? liveSkipReason()) ?? false, timeout: 150_000 }, async () => {
  const net = createVethPair({ subnet: 246 });
  let served: Awaited<ReturnType<typeof startServe>> | null = null;
  const browser = await launchBrowser(net.serverNs);
  const ringDir = mkdtempSync(join(OUT, 'viewcap-ring-'));
  try {
    const env = { ...process.env, XDPSCOPE_DATA_DIR: mkdtempSync(join(tmpdir(), 'xs-data-')), XDPSCOPE_SCRATCH_DIR: mkdtempSync(join(tmpdir(), 'xs-scratch-')) };
    served = await startServe([], net.serverNs, env);
    const { page, pageErrors } = await openPage(browser);
    // opening a file asks before the unsaved live capture is discarded
    page.on('dialog', (d) => void d.accept());
    await page.goto(served.url);
    await chooseInterface(page, net.serverIf);
    await page.getByLabel('ring buffer path').fill(join(ringDir, 'live.pcapng'));
    await page.getByLabel('ring file size in kB').fill('100');
    await page.getByLabel('view cap in packets').fill('1000');
    await page.screenshot({ path: join(OUT, '50-view-cap-options.png') });
    await startCaptureOn(page, net.serverIf);
    await statusMatches(page, 'state', /capturing/, 20_000);

    // bounded: 3000 echo requests and their replies, 6000 packets through a view of 1000
    const flood = spawnSync('ip', ['netns', 'exec', net.clientNs, 'ping', '-n', '-q', '-f', '-c', '3000', net.serverIp], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(flood.status, 0, flood.stderr);
    // the flood is over when ping returns; the engine may still be ingesting it
    await pageCondition(page, 'at least 4,000 older packets in ring files', (min) => {
      const m = /([\d,]+) older packets in ring files/.exec(document.querySelector('[data-testid=statusbar] [data-k=evicted]')?.textContent ?? '');
      return m !== null && Number(m[1]!.replace(/,/g, '')) >= min;
    }, 4000, () => document.querySelector('[data-testid=statusbar]')?.textContent, 30_000);
    // stopped, the counts hold still: the view is the last packets captured
    await page.getByRole('button', { name: /Stop/ }).click();
    await statusMatches(page, 'state', /done/, 20_000);
    const said = await statusMatches(page, 'evicted', /[\d,]+ older packets in ring files — Open/);
    const evicted = Number(/([\d,]+) older/.exec(said)![1]!.replace(/,/g, ''));
    const captured = Number(/Packets: ([\d,]+)/.exec(await statusMatches(page, 'captured', /Packets: /))![1]!.replace(/,/g, ''));
    assert.ok(captured >= 1000 && captured <= 1250, `the view holds ${captured} packets`);
    // the list follows the tail through the evictions: the last packet captured is on screen
    await pageCondition(page, `packet ${evicted + captured} on screen`, (n) =>
      [...document.querySelectorAll('[data-testid=packet-list] .ag-row [col-id=number]')].some((c) => c.textContent?.trim() === String(n)), evicted + captured,
    () => [...document.querySelectorAll('[data-testid=packet-list] .ag-row')].slice(-3).map((r) => (r.textContent ?? '').slice(0, 60)), 15_000);
    await page.screenshot({ path: join(OUT, '51-view-cap-status.png') });

    await page.locator('[data-testid=statusbar] [data-k=evicted]').getByRole('button', { name: 'Open' }).click();
    const dialog = page.getByTestId('capture-files');
    const first = dialog.getByRole('listitem').first();
    await textMatches(page, first, /packets 1–[\d,]+/, 'the oldest ring file, from packet 1');
    await page.screenshot({ path: join(OUT, '52-view-cap-files.png') });
    const last = Number(/packets 1–([\d,]+)/.exec((await first.textContent()) ?? '')![1]!.replace(/,/g, ''));
    assert.ok(last > 1 && last < evicted, `the first file holds packets 1–${last}`);
    const path = (await first.getByRole('button').textContent())!;
    assert.match(path, /live_00001_\d{14}\.pcapng$/);
    await first.getByRole('button').click();
    await statusMatches(page, 'mode', /File: .*live_00001_/, 20_000);
    await statusMatches(page, 'state', /done/, 20_000);
    await statusMatches(page, 'captured', new RegExp(`Packets: ${last.toLocaleString('en')}$`));
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await served?.stop();
    net.dispose();
  }
});
