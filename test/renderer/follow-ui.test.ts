// Follow from the packet list's context menu, in headless Chromium against
// `xdpscope serve`: a UDP row offers "Follow UDP Stream" (and no TCP follow),
// the dialog shows the datagrams and filters `udp.stream eq N`; a TCP stream
// with a lost-but-acknowledged segment shows Wireshark's missing-bytes marker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Page } from 'playwright-core';
import { outputDir } from '../lib/env';
import { chromiumSkipReason, filterValue, rowsRendered, shown, statusMatches, textMatches, withServedPage } from '../e2e/harness';
import { craft } from '../engine/service/follow-capture';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const OUT = outputDir('follow');

async function applyFilter(page: Page, text: string, displayed: number): Promise<void> {
  const filter = page.getByLabel('display filter');
  await filter.fill(text);
  await filter.press('Enter');
  await statusMatches(page, 'displayed', new RegExp(`Displayed: ${displayed}\\b`));
  await rowsRendered(page, displayed);
}

test('context menu: Follow UDP Stream on a UDP row, Follow TCP Stream shows lost bytes', { skip: chromiumSkipReason() ?? false, timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-follow-ui-'));
  const path = join(dir, 'crafted.pcapng');
  craft(path);
  try {
    await withServedPage([path], async (page) => {
      // a UDP datagram: the UDP entry appears, the TCP one is greyed
      await applyFilter(page, 'udp.port == 40500', 4);
      await page.locator('[data-testid=packet-list] .ag-row').first().click({ button: 'right' });
      const udpItem = page.getByRole('menuitem', { name: 'Follow UDP Stream' });
      await shown(page, udpItem, 'Follow UDP Stream in the context menu');
      assert.match((await page.getByRole('menuitem', { name: 'Follow TCP Stream' }).getAttribute('class')) ?? '', /disabled/);
      await udpItem.click();
      const dialog = page.getByRole('dialog', { name: 'Follow UDP stream' });
      await textMatches(page, dialog.locator('.modal-title'), /Follow UDP Stream \(udp\.stream eq 0\) — 198\.18\.0\.1:50000 ⇄ 198\.18\.0\.2:40500/, 'the UDP follow dialog title');
      await textMatches(page, page.getByTestId('stream'), /^pingpongx$/, 'the UDP stream text');
      assert.deepEqual(await page.getByTestId('stream').locator('span').evaluateAll((els) => els.map((e) => e.className)), ['client', 'server', 'server']);
      await page.screenshot({ path: join(OUT, 'follow-udp.png') });
      await page.getByRole('button', { name: 'Filter this stream' }).click();
      await statusMatches(page, 'displayed', /Displayed: 4\b/);
      await filterValue(page, 'udp.stream eq 0');

      // a TCP stream whose lost client segment the server acknowledged
      await applyFilter(page, 'tcp.stream eq 1', 7);
      await page.locator('[data-testid=packet-list] .ag-row').first().click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Follow TCP Stream' }).click();
      await shown(page, page.getByRole('dialog', { name: 'Follow TCP stream' }), 'the TCP follow dialog');
      await textMatches(page, page.getByTestId('stream'), /^aaaa\[4 bytes missing in capture file\]ccccok$/, 'the TCP stream text');
      assert.equal(await page.getByTestId('stream').locator('.missing').count(), 1);
      assert.equal(await page.getByRole('menuitem', { name: 'Follow UDP Stream' }).count(), 0);
      await page.screenshot({ path: join(OUT, 'follow-tcp-missing.png') });
      await page.getByRole('button', { name: 'Close' }).click();
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
