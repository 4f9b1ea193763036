// Runs `xdpscope serve` and Debian's Chromium (playwright-core) the way a
// user would, optionally inside a network namespace (both the server and the
// browser: the browser talks to playwright over a pipe, to the server over
// the namespace's loopback).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync, chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Dialog, type Locator, type Page } from 'playwright-core';
import assert from 'node:assert/strict';
import { CLI } from '../lib/env';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function chromiumSkipReason(): string | null {
  return existsSync(CHROMIUM) ? null : `needs Debian's Chromium at ${CHROMIUM}`;
}

export interface Served {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Start `xdpscope serve ARGS` (in namespace `ns` when given, behind a command
 * prefix such as ['runuser', '-u', 'nobody', '--'] when given) and wait for its URL.
 */
export function startServe(args: string[], ns?: string, env: NodeJS.ProcessEnv = process.env, prefix: string[] = []): Promise<Served> {
  // CI runs as root; serve refuses root without --allow-root (the flag is harmless for other users).
  const base = [...prefix, process.execPath, CLI, 'serve', '--allow-root', ...args];
  const full = ns ? ['ip', 'netns', 'exec', ns, ...base] : base;
  const proc = spawn(full[0], full.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
  let err = '';
  proc.stderr!.on('data', (d) => { err += String(d); });
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`serve printed no URL in 20 s; stderr: ${err}`)); }, 20_000);
    proc.on('exit', (code) => { clearTimeout(t); reject(new Error(`serve exited ${code}: ${err}`)); });
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += String(d);
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?code=[0-9a-f]+)/.exec(out);
      if (m) {
        clearTimeout(t);
        proc.removeAllListeners('exit');
        resolve({
          url: m[1], proc,
          stop: () => new Promise<void>((done) => {
            if (proc.exitCode !== null) return done();
            const k = setTimeout(() => proc.kill('SIGKILL'), 8000);
            proc.once('exit', () => { clearTimeout(k); done(); });
            proc.kill('SIGTERM');
          }),
        });
      }
    });
  });
}

/** Chromium, headless, optionally run inside a network namespace through a wrapper. */
export async function launchBrowser(ns?: string): Promise<Browser> {
  let executablePath = CHROMIUM;
  if (ns) {
    const dir = mkdtempSync(join(tmpdir(), 'xs-chromium-'));
    executablePath = join(dir, 'chromium-in-ns');
    writeFileSync(executablePath, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM} "$@"\n`);
    chmodSync(executablePath, 0o755);
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** The size the UI must read well at. */
export const VIEWPORT = { width: 1280, height: 800 };

/** A new page at VIEWPORT that records uncaught page errors (tests assert there were none), at `url` if given. */
export async function openPage(browser: Browser, url?: string): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  if (url !== undefined) await page.goto(url);
  return { page, pageErrors };
}

// Waiting on state. Every wait below names what it waited for and, when it
// times out, what the page showed instead: a failure must say what it saw.

/** What the page shows, for failure messages: status bar, banners, filter, open dialogs. */
export async function pageSummary(page: Page): Promise<string> {
  try {
    return await page.evaluate(() => {
      const text = (sel: string) => [...document.querySelectorAll(sel)].map((e) => (e.textContent ?? '').trim().replace(/\s+/g, ' ')).filter(Boolean);
      const filter = document.querySelector<HTMLInputElement>('[aria-label="display filter"]');
      return JSON.stringify({
        status: text('[data-testid=statusbar] [data-k]').join(' | '),
        banners: text('.banner'),
        filter: filter ? `${filter.value} (${filter.dataset.state})` : null,
        dialogs: text('[role=dialog] .modal-title, [data-testid$=-dialog] h2'),
        rows: document.querySelectorAll('[data-testid=packet-list] .ag-row').length,
      });
    });
  } catch (e) { return `(page not readable: ${(e as Error).message.split('\n')[0]})`; }
}

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0];

/** Wait for a locator to reach `state` (default visible). */
export async function shown(page: Page, loc: Locator, what: string, opts: { timeout?: number; state?: 'attached' | 'detached' | 'visible' | 'hidden' } = {}): Promise<void> {
  const timeout = opts.timeout ?? 10_000;
  await loc.waitFor({ state: opts.state ?? 'visible', timeout }).catch(async (e) => {
    throw new Error(`${what}: not ${opts.state ?? 'visible'} within ${timeout} ms (${firstLine(e)}); the page shows ${await pageSummary(page)}`);
  });
}

/** Select an interface in the start page's list, once it is listed (interfaces come from the helper). */
export async function chooseInterface(page: Page, iface: string, timeout = 15_000): Promise<void> {
  const row = page.locator(`[data-iface="${iface}"]`);
  await shown(page, row, `the interface ${iface} listed`, { timeout });
  await row.click();
}

/** Press the start button of the interface chosen (its capture options already set). */
export function startCaptureOn(page: Page, iface: string): Promise<void> {
  return page.getByRole('button', { name: new RegExp(`Start capture on ${iface}`) }).click();
}

/** Until the packet list shows its first row: the capture a page was opened on has loaded into the grid. */
export function firstRowShown(page: Page, what = 'the first row'): Promise<void> {
  return shown(page, page.locator('[data-testid=packet-list] .ag-row').first(), what, { timeout: 15_000 });
}

/**
 * `xdpscope serve ARGS` and a browser on its page until `body` is done: the
 * page opened and its first row shown before `body`, no page error logged
 * after it; browser and server stopped whatever happens.
 */
export async function withServedPage(args: string[], body: (page: Page) => Promise<void>): Promise<void> {
  const served = await startServe(args);
  try {
    const browser = await launchBrowser();
    try {
      const { page, pageErrors } = await openPage(browser, served.url);
      await firstRowShown(page);
      await body(page);
      assert.deepEqual(pageErrors, []);
    } finally {
      await browser.close();
    }
  } finally {
    await served.stop();
  }
}

/** Wait until a locator's text matches `re`; the error gives the last text seen. */
export async function textMatches(page: Page, loc: Locator, re: RegExp, what: string, timeout = 10_000): Promise<string> {
  await loc.filter({ hasText: re }).first().waitFor({ timeout }).catch(async (e) => {
    const seen = await loc.allTextContents().catch(() => []);
    throw new Error(`${what}: no text matching ${re} within ${timeout} ms (${firstLine(e)}); saw ${JSON.stringify(seen)}`);
  });
  return (await loc.filter({ hasText: re }).first().textContent()) ?? '';
}

/** Wait until the status bar's `key` field (data-k) matches `re`. */
export function statusMatches(page: Page, key: string, re: RegExp, timeout = 10_000): Promise<string> {
  return textMatches(page, page.locator(`[data-testid=statusbar] [data-k=${key}]`), re, `status bar "${key}"`, timeout);
}

/** Wait until `fn` (run in the page with `arg`) is truthy; on timeout report what `seen` returns there. */
export async function pageCondition<A>(page: Page, what: string, fn: (arg: A) => unknown, arg: A, seen: (arg: A) => unknown, timeout = 10_000): Promise<void> {
  // A is plain data here (no handles), so it reaches the page as it is
  const inPage = <R>(f: (arg: A) => R) => f as (arg: unknown) => R;
  await page.waitForFunction(inPage(fn), arg as unknown, { timeout }).catch(async (e) => {
    const s = await page.evaluate(inPage(seen), arg as unknown).catch((x) => `(not readable: ${firstLine(x)})`);
    throw new Error(`${what}: not so within ${timeout} ms (${firstLine(e)}); saw ${JSON.stringify(s)}`);
  });
}

/** Wait until the packet list has rendered exactly `n` rows. */
export function rowsRendered(page: Page, n: number, timeout = 10_000): Promise<void> {
  return pageCondition(page, `${n} packet rows rendered`, (k) => document.querySelectorAll('[data-testid=packet-list] .ag-row').length === k, n,
    () => [...document.querySelectorAll('[data-testid=packet-list] .ag-row')].map((r) => (r.textContent ?? '').slice(0, 60)), timeout);
}

/** Wait until the display-filter input holds `value`. */
export function filterValue(page: Page, value: string, timeout = 10_000): Promise<void> {
  return pageCondition(page, `display filter ${JSON.stringify(value)}`, (v) => document.querySelector<HTMLInputElement>('[aria-label="display filter"]')?.value === v, value,
    () => document.querySelector<HTMLInputElement>('[aria-label="display filter"]')?.value ?? null, timeout);
}

/**
 * Run `action` and wait for the browser dialog it brings up (matched by `match`);
 * whatever handles dialogs on the page still answers it.
 */
export async function dialogFrom(page: Page, action: () => Promise<unknown>, match: (d: Dialog) => boolean, what: string, timeout = 10_000): Promise<Dialog> {
  const seen: string[] = [];
  const record = (d: Dialog) => seen.push(`${d.type()}: ${d.message()}`);
  page.on('dialog', record);
  try {
    const [d] = await Promise.all([
      page.waitForEvent('dialog', { predicate: match, timeout }).catch((e) => { throw new Error(`${what}: no such dialog within ${timeout} ms (${firstLine(e)}); dialogs seen: ${JSON.stringify(seen)}`); }),
      action(),
    ]);
    return d;
  } finally { page.off('dialog', record); }
}
