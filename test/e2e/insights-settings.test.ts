// Insights → Settings… in headless Chromium against `xdpscope serve`: a
// probe of 8 ports is under the default scan threshold; lowering it to 5 in
// the settings editor analyses the capture again and the scan appears; a
// misspelt setting is refused with the engine's message and changes nothing;
// Save As, then a fresh server on the saved session shows the same alert and
// the same threshold without anyone touching the settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Page } from 'playwright-core';
import { chromiumSkipReason, launchBrowser, openPage, shown, startServe, textMatches, firstRowShown } from './harness';
import { SYN, Scenario, tcp } from '../engine/insights/craft';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const skip = chromiumSkipReason() ?? false;
const T0 = 1_760_000_000;
const SCAN = /Port scan from 198\.18\.111\.1 \(8 ports\)/;

function capture(path: string): void {
  const s = new Scenario();
  for (let i = 0; i < 20; i++) {
    s.connection(T0 + i, '198.18.111.2', '198.18.111.3', 40000 + i, 80, {});
    if (i === 10) for (let p = 0; p < 8; p++) s.ip(T0 + i + 0.1 + p * 0.01, tcp('198.18.111.1', '198.18.111.3', { sport: 50000, dport: 1000 + p, flags: SYN }));
  }
  s.write(path);
}

async function openInsights(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Insights/ }).click();
  await shown(page, page.getByTestId('insights').locator('.drawer-head', { hasText: /\d+ alerts/ }), 'the insights drawer with its snapshot');
}

const settingsText = (page: Page) => page.getByLabel('settings JSON').inputValue();

test('Insights settings: a lower threshold re-analyses, a bad key is refused, Save As and reopen keep both', { skip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-e2e-insights-'));
  const pcap = join(dir, 'probe.pcapng');
  const saved = join(dir, 'session.pcapng');
  capture(pcap);
  let served = await startServe([pcap]);
  const browser = await launchBrowser();
  try {
    let { page, pageErrors } = await openPage(browser, served.url);
    await firstRowShown(page);
    await openInsights(page);
    const drawer = page.getByTestId('insights');
    assert.equal(await drawer.getByRole('button', { name: SCAN }).count(), 0, 'under the default threshold');

    await drawer.getByRole('button', { name: 'Settings…' }).click();
    const settings = JSON.parse(await settingsText(page)) as { scan: { minPorts: number } };
    assert.equal(settings.scan.minPorts, 20);
    // a misspelt key: refused, shown, nothing changes
    await page.getByLabel('settings JSON').fill(JSON.stringify({ scan: { minPortz: 5 } }));
    await drawer.getByRole('button', { name: 'Apply' }).click();
    await textMatches(page, drawer.getByRole('alert'), /scan\.minPortz: unknown setting/, 'the refusal');
    settings.scan.minPorts = 5;
    await page.getByLabel('settings JSON').fill(JSON.stringify(settings, null, 2));
    await drawer.getByRole('button', { name: 'Apply' }).click();
    await shown(page, drawer.getByRole('button', { name: SCAN }), 'the scan under the new threshold');
    await shown(page, page.getByLabel('settings JSON'), 'the editor closed', { state: 'detached' });

    await page.getByRole('button', { name: 'Save As…' }).click();
    const dlg = page.getByTestId('save-dialog');
    await dlg.locator('input[name=path]').fill(saved);
    await dlg.getByRole('button', { name: 'Save' }).click();
    await shown(page, page.locator('.banner.info', { hasText: `to ${saved}` }), 'the saved banner');
    assert.deepEqual(pageErrors, []);
    await page.close();
    await served.stop();

    // a fresh server on the session: the alert and the threshold are back
    served = await startServe([saved]);
    ({ page, pageErrors } = await openPage(browser, served.url));
    await firstRowShown(page, 'the first row of the session');
    await openInsights(page);
    await shown(page, page.getByTestId('insights').getByRole('button', { name: SCAN }), 'the scan, reopened');
    await page.getByTestId('insights').getByRole('button', { name: 'Settings…' }).click();
    assert.equal((JSON.parse(await settingsText(page)) as { scan: { minPorts: number } }).scan.minPorts, 5);
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await served.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
