// The filter bar's completion list, in headless Chromium against `xdpscope
// serve`: it opens while a field name is typed and closes on Escape, blur,
// Enter and Apply; a completion still on its way when the filter is applied
// (a reply the server has not delivered yet, or the typing debounce not yet
// fired) must not reopen it over the packet list. That late list once covered
// the first row and made the session e2e test's click fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Locator, Page, WebSocketRoute } from 'playwright-core';
import { decodeMessage } from '../../main/api/codec';
import { CAPTURES, sharedCapturesSkipReason } from '../lib/env';
import { chromiumSkipReason, launchBrowser, openPage, startServe } from './harness';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const skip = chromiumSkipReason() ?? sharedCapturesSkipReason() ?? false;

const decode = (m: string | Buffer) => decodeMessage(new Uint8Array(typeof m === 'string' ? Buffer.from(m) : m)) as { id?: number; method?: string };

/**
 * Passes the page's API WebSocket through, except that while `holding`, the
 * server's replies to completeFilter are kept back until release().
 */
function completionGate() {
  const completeIds = new Set<number>();
  const held: Array<string | Buffer> = [];
  let route: WebSocketRoute | null = null;
  let onHeld: (() => void) | null = null;
  const gate = {
    holding: false,
    handler(ws: WebSocketRoute) {
      route = ws;
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        const msg = decode(m);
        if (msg.method === 'completeFilter' && typeof msg.id === 'number') completeIds.add(msg.id);
        server.send(m);
      });
      server.onMessage((m) => {
        const { id } = decode(m);
        if (gate.holding && typeof id === 'number' && completeIds.has(id)) { held.push(m); onHeld?.(); } else ws.send(m);
      });
    },
    /** Resolves once a completion reply is held back. */
    waitHeld(what: string): Promise<void> {
      if (held.length) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${what}: no completeFilter reply arrived in 10 s (${completeIds.size} requested)`)), 10_000);
        onHeld = () => { clearTimeout(t); onHeld = null; resolve(); };
      });
    },
    /** Delivers the held replies (in order, before any later message) and stops holding. */
    release(): number {
      gate.holding = false;
      const n = held.length;
      for (const m of held.splice(0)) route!.send(m);
      return n;
    },
  };
  return gate;
}

const options = (p: Page) => p.locator('[role=toolbar] li[role=option]');
async function listShown(p: Page, what: string) {
  await options(p).first().waitFor({ timeout: 10_000 }).catch((e: Error) => { throw new Error(`${what}: the completion list did not open (${e.message.split('\n')[0]})`); });
}
async function listClosed(p: Page, what: string) {
  await options(p).first().waitFor({ state: 'detached', timeout: 10_000 })
    .catch(async (e: Error) => { throw new Error(`${what}: the completion list is still open with ${await options(p).count()} options (${e.message.split('\n')[0]})`); });
}
/** Click a packet row: the first thing a late completion list gets in the way of. */
async function clickRow(p: Page, row: Locator, what: string) {
  await row.click({ timeout: 10_000 }).catch(async (e: Error) => {
    throw new Error(`${what}: cannot click the packet row; completion options open: ${await options(p).count()} (${e.message.split('\n')[0]})`);
  });
}
// a locator wait (not waitForFunction): it keeps polling while the page's clock is paused
async function displayed(p: Page, n: number) {
  const el = p.locator('[data-testid=statusbar] [data-k=displayed]');
  await el.filter({ hasText: new RegExp(`Displayed: ${n}\\b`) }).waitFor({ timeout: 10_000 })
    .catch(async (e: Error) => { throw new Error(`expected "Displayed: ${n}", the status bar says ${JSON.stringify(await el.textContent())} (${e.message.split('\n')[0]})`); });
}

test('the filter completion list closes on Escape, blur, Enter and Apply, and a late completion does not reopen it over the packets', { skip, timeout: 90_000 }, async () => {
  const served = await startServe([join(CAPTURES, 'zeek-post.pcap')]);
  const browser = await launchBrowser();
  try {
    const { page, pageErrors } = await openPage(browser);
    const gate = completionGate();
    await page.routeWebSocket((u) => u.pathname === '/ws', (ws) => gate.handler(ws));
    // the page's timers run on a clock the test can stop (for the typing debounce below)
    await page.clock.install();
    await page.goto(served.url);
    await page.locator('[data-testid=packet-list] .ag-row').first().waitFor({ timeout: 15_000 });
    const filter = page.getByLabel('display filter');

    // typing a field name opens the list; Escape closes it
    await filter.fill('htt');
    await listShown(page, 'typing "htt"');
    await filter.press('Escape');
    await listClosed(page, 'after Escape');

    // clicking elsewhere (blur) closes it
    await filter.fill('tc');
    await listShown(page, 'typing "tc"');
    await page.getByTestId('statusbar').click();
    await listClosed(page, 'after a click on the status bar');

    // Enter while the completion reply is still on its way: the late reply does not reopen the list
    gate.holding = true;
    await filter.fill('http');
    await gate.waitHeld('typing "http"');
    await filter.press('Enter');
    await displayed(page, 2);
    assert.ok(gate.release() > 0, 'a completion reply was held back and is now delivered');
    // the row's details come back after the released reply: by then the page has handled it
    const row = page.locator('[data-testid=packet-list] .ag-row', { hasText: 'POST /post HTTP/1.1' }).first();
    await clickRow(page, row, 'after Enter');
    await page.locator('[data-testid=details] .node.layer', { hasText: /Hypertext Transfer Protocol/ }).first().waitFor({ timeout: 10_000 });
    assert.equal(await options(page).count(), 0, 'the completion list stays closed after Enter');

    // Apply clicked before the typing debounce fired: the debounce does not reopen the list either
    await filter.click();
    await page.clock.pauseAt(Date.now() + 60_000);
    await filter.fill('http.response');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await displayed(page, 1);
    await page.clock.runFor(1000);
    await page.clock.resume();
    // selecting the response asks the server after any completion the debounce asked for
    const response = page.locator('[data-testid=packet-list] .ag-row', { hasText: 'HTTP/1.1 200 OK' }).first();
    await clickRow(page, response, 'after Apply');
    await page.locator('[data-testid=details] .node.layer', { hasText: /Frame 8\b/ }).first().waitFor({ timeout: 10_000 });
    assert.equal(await options(page).count(), 0, 'the completion list stays closed after Apply');
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await served.stop();
  }
});
