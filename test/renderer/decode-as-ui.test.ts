// Analyze → Decode As… in headless Chromium against `xdpscope serve`: FTP
// on tcp/2121 shows as TCP; right click on one of its packets → Decode As…
// opens the dialog with a row for that packet's port (Default "(none)"),
// choosing FTP and OK makes the Protocol column say FTP and the details
// show FTP without reopening; the Decode As… button lists the entry, and
// removing it brings TCP back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { outputDir } from '../lib/env';
import { chromiumSkipReason, shown, textMatches, withServedPage } from '../e2e/harness';
import { pcapFile, secondsApart } from '../lib/pcap';
import { tcpSegments } from '../lib/tcp-frame';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const OUT = outputDir('decode-as-ui');
const skip = chromiumSkipReason() ?? false;

const C = '198.18.0.1', S = '198.18.0.2';
const between = tcpSegments(C, S);
const seg = (fromC: boolean, seq: number, ack: number, flags: number, text = ''): Buffer => between(fromC, 40001, 2121, seq, ack, flags, text);

test('Decode As… from a packet makes the Protocol column say FTP, and removing the entry undoes it', { skip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-decode-as-ui-'));
  const banner = '220 hello\r\n', user = 'USER bob\r\n';
  const pcap = join(dir, 'ftp-2121.pcap');
  writeFileSync(pcap, pcapFile([seg(true, 100, 0, 0x02), seg(false, 500, 101, 0x12), seg(true, 101, 501, 0x10),
    seg(false, 501, 101, 0x18, banner), seg(true, 101, 501 + banner.length, 0x18, user)], { usAt: secondsApart }));
  try {
    await withServedPage([pcap], async (page) => {
      const row = (n: number) => page.locator(`[data-testid=packet-list] .ag-row[row-index="${n}"]`);
      await textMatches(page, row(4).locator('[col-id=protocol]'), /^TCP$/, 'packet 5 before Decode As');

      await row(4).locator('[col-id=protocol]').click({ button: 'right' });
      await shown(page, page.getByRole('menu'), 'the context menu');
      await page.getByRole('menuitem', { name: 'Decode As…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Decode As' });
      await shown(page, dialog, 'the Decode As dialog');
      // pre-filled from the packet: its transport, its lower port, what the table gives it
      await textMatches(page, dialog.getByTestId('decode-as-default'), /^\(none\)$/, 'the Default column');
      assert.equal(await dialog.getByLabel('Field').inputValue(), 'tcp.port');
      assert.equal(await dialog.getByLabel('Value').inputValue(), '2121');
      await dialog.getByLabel('Current').selectOption('ftp');
      await page.screenshot({ path: join(OUT, 'decode-as.png') });
      await dialog.getByRole('button', { name: 'OK' }).click();
      await shown(page, dialog, 'the dialog closed', { state: 'detached' });

      await textMatches(page, row(4).locator('[col-id=protocol]'), /^FTP$/, 'packet 5 after Decode As');
      await textMatches(page, row(3).locator('[col-id=info]'), /^Response: 220 hello/, 'the banner\'s Info');
      await row(4).locator('[col-id=protocol]').click();
      await textMatches(page, page.getByTestId('details'), /File Transfer Protocol \(FTP\)/, 'the details of packet 5');

      // the toolbar's Decode As… lists the entry; removing it brings TCP back
      await page.getByRole('button', { name: 'Decode As…' }).click();
      await shown(page, dialog, 'the Decode As dialog again');
      assert.equal(await dialog.getByLabel('Current').inputValue(), 'ftp');
      await dialog.locator('tbody tr').first().click();
      await dialog.getByRole('button', { name: 'Remove entry' }).click();
      await dialog.getByRole('button', { name: 'OK' }).click();
      await shown(page, dialog, 'the dialog closed again', { state: 'detached' });
      await textMatches(page, row(4).locator('[col-id=protocol]'), /^TCP$/, 'packet 5 with no entry');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
