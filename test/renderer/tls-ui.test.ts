// Preferences → TLS in headless Chromium against `xdpscope serve`: a capture
// of curl against a Node https server (namespaces, SSLKEYLOGFILE) opens
// encrypted; the TLS… button sets the key log (the dialog says how many
// connections it holds), Follow TLS Stream then shows the plaintext request
// and response, and after a reload the path is still there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { outputDir, hasCommand } from '../lib/env';
import { chromiumSkipReason, shown, statusMatches, textMatches, firstRowShown, withServedPage } from '../e2e/harness';
import { httpsServerJs, runPeers, peersSkipReason } from '../engine/dissect/peers';
import { certsDir } from '../lib/certs';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const OUT = outputDir('tls-ui');
const skip = chromiumSkipReason() ?? (peersSkipReason() || (hasCommand('openssl') ? false : 'needs openssl'));

const SERVER = httpsServerJs('secret');

test('Preferences → TLS: the key log decrypts Follow TLS Stream and is remembered', { skip, timeout: 120_000 }, async () => {
  const dir = certsDir('xs-tls-ui-', 'rsa', 'tls.test');
  const keys = join(dir, 'keys.txt');
  const run = await runPeers(SERVER, 443, [['env', `SSLKEYLOGFILE=${keys}`, 'curl', '-sS', '-k', '--tlsv1.3', 'https://{ip}/tls-ui']]);
  const pcap = join(dir, 'tls.pcap');
  copyFileSync(run.pcap, pcap);
  run.dispose();
  try {
    await withServedPage([pcap], async (page) => {
      await page.getByRole('button', { name: 'TLS…' }).click();
      const dialog = page.getByTestId('tls-preferences');
      await shown(page, dialog, 'the TLS preferences dialog');
      await dialog.getByLabel('(Pre)-Master-Secret log filename (SSLKEYLOGFILE)').fill(keys);
      await dialog.getByRole('button', { name: 'OK' }).click();
      await shown(page, dialog, 'the dialog closed', { state: 'detached' });

      const filter = page.getByLabel('display filter');
      await filter.fill('tls.record.opaque_type');
      await filter.press('Enter');
      await statusMatches(page, 'displayed', /Displayed: [1-9]/);
      // the status counts the filtered list before the grid has fetched its rows: a right click on a
      // row still loading (or still the unfiltered one) opens no menu, so wait for a filtered TLS row
      const first = page.locator('[data-testid=packet-list] .ag-row[row-index="0"]');
      await textMatches(page, first.locator('[col-id=protocol]'), /TLS/, 'the first filtered row');
      await first.locator('[col-id=protocol]').click({ button: 'right' });
      await shown(page, page.getByRole('menu'), 'the context menu');
      await page.getByRole('menuitem', { name: 'Follow TLS Stream' }).click();
      const follow = page.getByRole('dialog', { name: 'Follow TLS stream' });
      await shown(page, follow, 'the TLS follow dialog');
      await textMatches(page, page.getByTestId('stream'), /^GET \/tls-ui HTTP\/1\.1\r?\n[\s\S]*HTTP\/1\.1 200 OK[\s\S]*secret$/, 'the decrypted stream');
      await page.screenshot({ path: join(OUT, 'follow-tls.png') });
      await page.getByRole('button', { name: 'Close' }).click();

      // remembered: after a reload the preference dialog shows the path, and the engine has it
      await page.reload();
      await firstRowShown(page, 'the first row after reload');
      await page.getByRole('button', { name: 'TLS…' }).click();
      await shown(page, dialog, 'the TLS preferences dialog again');
      assert.equal(await dialog.getByLabel('(Pre)-Master-Secret log filename (SSLKEYLOGFILE)').inputValue(), keys);
      await textMatches(page, dialog.locator('.hint'), /^1 connection in the key log/, 'the key log summary');
      await page.screenshot({ path: join(OUT, 'tls-preferences.png') });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
