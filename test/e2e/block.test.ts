// "Block this source" as a user does it, live: `xdpscope serve` and headless
// Chromium in a namespace, a ping flood from the other namespace raises an
// ICMP flood alert; its button is disabled (with the reason) until "Allow
// blocking" is on; blocking shows the entry with its reason, time left and
// dropped count while the peer's pings no longer get through; Unblock
// restores them. Screenshots go to test-output/e2e/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveSkipReason, outputDir, HELPER_START_MS } from '../lib/env';
import { createVethPair } from '../lib/netns';
import { chromiumSkipReason, launchBrowser, pageCondition, shown, startServe, statusMatches, textMatches, VIEWPORT, chooseInterface, startCaptureOn } from './harness';

const OUT = outputDir('e2e');

test('block an alert\'s source from the Insights panel, see it dropped, unblock it', { skip: (chromiumSkipReason() ?? liveSkipReason()) ?? false, timeout: 150_000 + HELPER_START_MS }, async () => {
  const net = createVethPair({ subnet: 243 });
  let served: Awaited<ReturnType<typeof startServe>> | null = null;
  const browser = await launchBrowser(net.serverNs);
  const ping = (count: number) => spawnSync('ip', ['netns', 'exec', net.clientNs, 'ping', '-n', '-q', '-c', String(count), '-W', '1', '-i', '0.2', net.serverIp], { encoding: 'utf8', timeout: 30_000 });
  try {
    const env = { ...process.env, XDPSCOPE_DATA_DIR: mkdtempSync(join(tmpdir(), 'xs-data-')), XDPSCOPE_SCRATCH_DIR: mkdtempSync(join(tmpdir(), 'xs-scratch-')) };
    served = await startServe([], net.serverNs, env);
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(served.url);
    await chooseInterface(page, net.serverIf);
    await startCaptureOn(page, net.serverIf);
    await statusMatches(page, 'state', /capturing/, HELPER_START_MS);

    // a flood: ping -f sends as fast as the replies come back, far above 100 echo requests a second
    const flood = spawnSync('ip', ['netns', 'exec', net.clientNs, 'ping', '-n', '-q', '-f', '-c', '600', net.serverIp], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(flood.status, 0, flood.stderr);
    // a second is judged when the capture's clock passes it: a packet a second later closes the flood's last one
    const after = spawnSync('ip', ['netns', 'exec', net.clientNs, 'ping', '-n', '-q', '-c', '2', '-i', '1', net.serverIp], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(after.status, 0, after.stderr);
    await page.getByRole('button', { name: /^Insights/ }).click();
    const drawer = page.getByTestId('insights');
    const alertCard = drawer.getByRole('listitem').filter({ hasText: /ICMP flood to/ });
    await shown(page, alertCard.first(), 'the ICMP flood alert', { timeout: 30_000 });
    const blockBtn = alertCard.first().getByRole('button', { name: 'Block this source' });
    await shown(page, blockBtn, 'the "Block this source" button');
    assert.equal(await blockBtn.getAttribute('data-address'), net.clientIp);
    await pageCondition(page, 'the button is disabled, saying blocking is off', () => {
      const b = document.querySelector<HTMLButtonElement>('[data-testid=insights] button[data-address]');
      return !!b && b.disabled && /blocking is off/.test(b.title);
    }, null, () => document.querySelector<HTMLButtonElement>('[data-testid=insights] button[data-address]')?.outerHTML);
    await page.screenshot({ path: join(OUT, '40-block-off.png') });

    const blocks = drawer.getByTestId('blocks');
    // the switch shows the engine's state: it turns on once the engine has answered
    await blocks.getByLabel('Allow blocking').click();
    await pageCondition(page, '"Allow blocking" on', () => !!document.querySelector<HTMLInputElement>('[data-testid=blocks] input[type=checkbox]')?.checked, null, () => null);
    await pageCondition(page, 'the button is enabled once blocking is allowed', () => {
      const b = document.querySelector<HTMLButtonElement>('[data-testid=insights] button[data-address]');
      return !!b && !b.disabled;
    }, null, () => document.querySelector<HTMLButtonElement>('[data-testid=insights] button[data-address]')?.outerHTML);
    await blockBtn.click();
    const entry = blocks.locator(`tr[data-prefix="${net.clientIp}/32"]`);
    await shown(page, entry, 'the block listed');
    await textMatches(page, entry, /ICMP flood to/, 'the block\'s reason is the alert');
    await textMatches(page, entry, /(10:00|9:[0-5]\d)/, 'ten minutes to live');
    await pageCondition(page, 'the button now says the source is already blocked', () => {
      const b = document.querySelector<HTMLButtonElement>('[data-testid=insights] button[data-address]');
      return !!b && b.disabled && /already blocked/.test(b.title);
    }, null, () => document.querySelector<HTMLButtonElement>('[data-testid=insights] button[data-address]')?.outerHTML);

    // the peer's pings no longer get through, and the list counts what was dropped
    const blocked = ping(3);
    assert.notEqual(blocked.status, 0, `pings got through a block: ${blocked.stdout}`);
    await pageCondition(page, 'the dropped count reaches 3', (p) => {
      const cells = document.querySelectorAll(`[data-testid=blocks] tr[data-prefix="${p}"] td`);
      return Number((cells[4]?.textContent ?? '').replace(/,/g, '')) >= 3;
    }, `${net.clientIp}/32`, (p) => document.querySelector(`[data-testid=blocks] tr[data-prefix="${p}"]`)?.textContent, 15_000);
    await page.screenshot({ path: join(OUT, '41-blocked.png') });

    await entry.getByRole('button', { name: `Unblock ${net.clientIp}` }).click();
    await shown(page, entry, 'the block gone from the list', { state: 'detached' });
    const restored = ping(2);
    assert.equal(restored.status, 0, `pings after Unblock: ${restored.stdout}${restored.stderr}`);

    await page.getByRole('button', { name: /Stop/ }).click();
    await statusMatches(page, 'state', /done|idle/, 20_000);
  } finally {
    await browser.close();
    await served?.stop();
    net.dispose();
  }
});
