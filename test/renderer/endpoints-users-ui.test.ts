// Statistics → Endpoints in headless Chromium against `xdpscope serve`:
// the MIT Kerberos capture (test/engine/dissect/data) shows the client's
// user names in the Users column, and the KDC's row none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { outputDir, ROOT } from '../lib/env';
import { chromiumSkipReason, shown, textMatches, withServedPage } from '../e2e/harness';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const OUT = outputDir('endpoints-users-ui');
const skip = chromiumSkipReason() ?? false;

test('Statistics → Endpoints shows the user names each host sent', { skip, timeout: 120_000 }, async () => {
  await withServedPage([join(ROOT, 'test', 'engine', 'dissect', 'data', 'kerberos.pcap')], async (page) => {
    await page.getByRole('button', { name: 'Statistics' }).click();
    const dialog = page.getByRole('dialog', { name: 'Statistics' });
    await shown(page, dialog, 'the Statistics dialog');
    await dialog.getByRole('tab', { name: 'Endpoints' }).click();
    await dialog.getByRole('button', { name: /^IPV4/ }).click();
    const table = dialog.getByRole('table', { name: 'ipv4 endpoints' });
    const headers = await table.locator('thead th').allTextContents();
    const users = headers.indexOf('Users');
    assert.ok(users >= 0, `a Users column (${headers.join(', ')})`);
    const client = table.locator('tbody tr', { hasText: '198.18.77.1' }).first();
    await textMatches(page, client.locator('td').nth(users), /^alice@XS\.TEST \(kerberos\), nobody@XS\.TEST \(kerberos\)$/, 'the client\'s users');
    await textMatches(page, table.locator('tbody tr', { hasText: '198.18.77.2' }).first().locator('td').nth(users), /^$/, 'the KDC sent no name');
    await page.screenshot({ path: join(OUT, 'endpoints-users.png') });
  });
});
