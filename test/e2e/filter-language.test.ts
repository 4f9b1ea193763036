// The filter bar and the Filter Expression dialog in headless Chromium
// against `xdpscope serve` (issue 18): a filter naming a field we do not
// decode turns the bar amber with tshark-like wording and an underline, an
// error stays red with its span; a field reference reads the selected
// packet; the dialog builds an expression from a searched field, a relation
// and one of the field's value names, and adds it to the bar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Page } from 'playwright-core';
import { CAPTURES, sharedCapturesSkipReason } from '../lib/env';
import { chromiumSkipReason, withServedPage } from './harness';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const skip = chromiumSkipReason() ?? sharedCapturesSkipReason() ?? false;

async function displayed(p: Page, n: number) {
  const el = p.locator('[data-testid=statusbar] [data-k=displayed]');
  await el.filter({ hasText: new RegExp(`Displayed: ${n}\\b`) }).waitFor({ timeout: 10_000 })
    .catch(async (e: Error) => { throw new Error(`expected "Displayed: ${n}", the status bar says ${JSON.stringify(await el.textContent())} (${e.message.split('\n')[0]})`); });
}
const stateIs = (p: Page, state: string) => p.locator(`input.filter-input[aria-label="display filter"][data-state=${state}]`).waitFor({ timeout: 10_000 });

test('the filter bar warns in amber, errs in red, reads the selected packet, and the expression dialog builds a filter', { skip, timeout: 90_000 }, async () => {
  await withServedPage([join(CAPTURES, 'zeek-post.pcap')], async (page) => {
    const filter = page.getByLabel('display filter');

    // a field Wireshark knows and we do not decode: amber, the name underlined, tshark's semantics
    await filter.fill('9p or http');
    await stateIs(page, 'warning');
    await page.locator('.filter-warning', { hasText: 'xdpscope does not decode 9p: this matches nothing' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('.filter-mirror .warn-span').textContent(), '9p');
    await filter.press('Enter');
    await displayed(page, 2);

    // tshark's error, its span underlined in red
    await filter.fill('ip.flags.df == "True"');
    await stateIs(page, 'invalid');
    await page.locator('.filter-error', { hasText: '"True" cannot be found among the possible values for ip.flags.df.' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('.filter-mirror .bad-span').textContent(), '"True"');
    await filter.fill('ip.flags.df == "Set"');
    await stateIs(page, 'valid');

    // a field reference compares with the selected packet (frame 4, the POST)
    await filter.fill('http.request');
    await filter.press('Enter');
    await displayed(page, 1);
    await page.locator('[data-testid=packet-list] .ag-row', { hasText: 'POST /post HTTP/1.1' }).first().click();
    await page.locator('[data-testid=details] .node.layer', { hasText: /Hypertext Transfer Protocol/ }).first().waitFor({ timeout: 10_000 })
      .catch(async (e: Error) => { throw new Error(`no details for the POST: ${JSON.stringify(await page.locator('[data-testid=details]').textContent())} (${e.message.split('\n')[0]})`); });
    await filter.fill('frame.number < ${frame.number}');
    await filter.press('Enter');
    await displayed(page, 3);

    // the dialog: search a field, take a value name, add it to the bar
    await filter.fill('tcp');
    await page.getByRole('button', { name: 'Expression…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Display Filter Expression' });
    await dialog.getByLabel('search fields').fill('ip.pro');
    await dialog.locator('[aria-label=fields] li', { hasText: /^ip\.proto/ }).first().click();
    await dialog.locator('[aria-label="predefined values"] li', { hasText: '"TCP"' }).first().click();
    assert.equal(await dialog.getByLabel('expression').inputValue(), 'ip.proto == "TCP"');
    await dialog.locator('input[aria-label=expression][data-state=valid]').waitFor({ timeout: 10_000 });
    // a field we do not decode is offered, marked
    await dialog.getByLabel('search fields').fill('ipx.sr');
    await dialog.locator('[aria-label=fields] li .detail.not-decoded').first().waitFor({ timeout: 10_000 });
    await dialog.getByLabel('search fields').fill('ip.pro');
    await dialog.locator('[aria-label=fields] li', { hasText: /^ip\.proto/ }).first().click();
    await dialog.locator('[aria-label="predefined values"] li', { hasText: '"TCP"' }).first().click();
    await dialog.getByRole('button', { name: 'Add to filter' }).click();
    assert.equal(await filter.inputValue(), 'tcp && ip.proto == "TCP"');
    await stateIs(page, 'valid');
  });
});
