// The process behind each packet in the browser UI: a capture that kept its
// processes (as live attribution saves them) opened in `xdpscope serve`;
// selecting a packet shows the "Process" section beside "Enriched" (or why
// there is none), the Process column can be shown, and Statistics →
// Processes lists the process; double-clicking its row filters to its packets.
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { outputDir } from '../lib/env';
import { chromiumSkipReason, launchBrowser, openPage, shown, startServe, statusMatches, textMatches } from './harness';
import type { ProcessInfo } from '../../main/engine/types';
import { processCapture } from '../engine/service/process-capture';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const OUT = outputDir('e2e-process');
const skip = chromiumSkipReason() ?? false;
const curl: ProcessInfo = { pid: 4242, name: 'curl', exepath: '/usr/bin/curl', argv: ['curl', '-s', 'http://www.example.org/'], uid: 1000, gid: 1000, user: 'alice', container: 'ab'.repeat(32), cgroup: `/system.slice/docker-${'ab'.repeat(32)}.scope` };

const capture = (): { path: string; web: number[]; stray: number } => processCapture(join(OUT, 'process.pcapng'), '198.18.31', curl);

/**
 * Selects a packet-list row until `shows` appears: a click that lands while
 * the grid re-renders its rows (the load's last status update) can be lost,
 * so the row is clicked again, a bounded number of times, until the detail
 * pane shows what the selection brings.
 */
async function selectUntil(page: Page, index: number, shows: Locator, what: string): Promise<void> {
  const row = page.locator(`[data-testid=packet-list] .ag-row[row-index="${index}"]`).first();
  for (let attempt = 0; attempt < 5; attempt++) {
    await shown(page, row, `row ${index}`);
    await row.click();
    if (await shows.first().waitFor({ timeout: 4_000 }).then(() => true, () => false)) return;
  }
  await shown(page, shows.first(), what);
}

test('Process section, Statistics → Processes and its filter', { skip, timeout: 120_000 }, async () => {
  const { path, web, stray } = capture();
  const served = await startServe([path]);
  const browser = await launchBrowser();
  try {
    const { page, pageErrors } = await openPage(browser, served.url);
    await statusMatches(page, 'captured', new RegExp(`Packets: ${web.length + 1}\\b`), 15_000);
    const proc = page.getByTestId('process');
    await selectUntil(page, 0, proc.locator('[data-process=name]'), 'the process of the SYN');
    await textMatches(page, proc.locator('[data-process=name]'), /curl \(pid 4242\)/, 'the process of the SYN');
    await textMatches(page, proc.locator('[data-process=user]'), /alice \(uid 1000\)/, 'its user');
    await textMatches(page, proc.locator('[data-process=container]'), /abababababab$/, 'its container (12 characters)');
    await textMatches(page, proc.locator('[data-process=cmdline]'), /curl -s http:\/\/www\.example\.org\//, 'its command line');
    await selectUntil(page, stray - 1, page.getByTestId('process').locator('[data-process=none]'), 'why the stray datagram has none');
    await textMatches(page, page.getByTestId('process').locator('[data-process=none]'), /no local socket/, 'why the stray datagram has none');
    await page.screenshot({ path: join(OUT, 'process-section.png') });

    await page.getByRole('button', { name: 'Statistics' }).click();
    const dialog = page.getByRole('dialog', { name: 'Statistics' });
    await shown(page, dialog, 'the Statistics dialog');
    await dialog.getByRole('tab', { name: 'Processes' }).click();
    const row = dialog.getByRole('table', { name: 'Processes' }).locator('tbody tr', { hasText: 'curl' });
    await textMatches(page, row, /4242.*curl.*alice/, 'the curl row');
    await page.screenshot({ path: join(OUT, 'processes-tab.png') });
    await row.dblclick();
    await statusMatches(page, 'displayed', new RegExp(`Displayed: ${web.length}\\b`));
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
