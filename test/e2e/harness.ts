// Runs `xdpscope serve` and Debian's Chromium (playwright-core) the way a
// user would, optionally inside a network namespace (both the server and the
// browser: the browser talks to playwright over a pipe, to the server over
// the namespace's loopback).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync, chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
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

/** A new page at VIEWPORT that records uncaught page errors (tests assert there were none). */
export async function openPage(browser: Browser): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { page, pageErrors };
}
