// The browser's Upload… button in headless Chromium against `xdpscope serve`:
// the page signs in through the one-time link (its address ends clean, with
// no code), sends the file in 1 MiB chunks with progress and opens it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPTURES, sharedCapturesSkipReason } from '../lib/env';
import { chromiumSkipReason, launchBrowser, openPage, startServe } from '../e2e/harness';

test('Upload… sends a file in chunks and opens it; the address bar keeps no secret', { skip: chromiumSkipReason() ?? sharedCapturesSkipReason() ?? false, timeout: 120_000 }, async () => {
  const env = { ...process.env, XDPSCOPE_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'xs-config-')), XDPSCOPE_SCRATCH_DIR: mkdtempSync(join(tmpdir(), 'xs-scratch-')) };
  // several chunks: a real capture followed by padding would not parse, so
  // pad the capture with its own packets (a pcap is a header then records)
  const pcap = readFileSync(join(CAPTURES, 'zeek-post.pcap'));
  const records = pcap.subarray(24);
  const copies = Math.ceil((2.5 * 2 ** 20) / records.length);
  const dir = mkdtempSync(join(tmpdir(), 'xs-upload-ui-'));
  const file = join(dir, 'big-post.pcap');
  writeFileSync(file, Buffer.concat([pcap.subarray(0, 24), ...Array.from({ length: copies }, () => records)]));
  const served = await startServe([], undefined, env);
  const browser = await launchBrowser();
  try {
    const { page, pageErrors } = await openPage(browser);
    // before the page loads: it opens its WebSocket at once
    const chunks: number[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => { if (typeof f.payload !== 'string' && f.payload.length > 100_000) chunks.push(f.payload.length); }));
    await page.goto(served.url);
    assert.equal(new URL(page.url()).search, '', 'the code is gone from the address bar');
    await page.locator('input[type=file]').setInputFiles(file);
    await page.waitForFunction((n) => (document.querySelector('[data-k=captured]')?.textContent ?? '').replace(/,/g, '') === `Packets: ${n}`
      && document.querySelector('[data-k=state]')?.textContent === 'done', copies * 14, { timeout: 60_000 });
    assert.equal(chunks.length, 3, `three chunks of at most 1 MiB (+ framing): ${chunks.join(', ')}`);
    assert.ok(chunks.every((n) => n < (1 << 20) + 1024));
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
