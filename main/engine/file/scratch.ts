// Scratch folders of the browser server (uploads, downloads, the --open
// page; the engine service names its uploads the same way): one private folder per server process, removed when it exits. A
// process that was killed cannot clean up, so each folder's name carries its
// owner's pid (scratchPrefix) and the next server removes the folders of
// owners that are no longer alive.
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeScratchDir, scratchBase, type ScratchDir } from './private';
import { isAlive } from '../session/atomic';

/**
 * Scratch folder prefix naming the process that owns it, so a later start
 * can remove the folders of a process that died without cleaning up.
 */
export function scratchPrefix(use: string, pid = process.pid): string {
  return `${use}-pid${pid}`;
}

/** `[xdpscope-]<use>-pid<pid>-XXXXXX`, as makeServerScratch names them */
const OWNED = /^(?:xdpscope-)?[a-z]+-pid(\d+)-[A-Za-z0-9]{6}$/;

/**
 * This server's scratch folder: under the user's scratch base (runtime or
 * cache dir) when there is one, else a fresh 0700 mkdtemp folder in the
 * system temp dir (a user without a home, such as nobody). `warning` says
 * which fallback was taken.
 */
export function makeServerScratch(env: NodeJS.ProcessEnv = process.env): { dir: ScratchDir; warning?: string } {
  try {
    return { dir: makeScratchDir(scratchPrefix('serve'), env) };
  } catch (e) {
    const path = mkdtempSync(join(tmpdir(), `xdpscope-${scratchPrefix('serve')}-`));
    let gone = false;
    const dir = { path, dispose() { if (!gone) { gone = true; rmSync(path, { recursive: true, force: true }); } } };
    return { dir, warning: `no private scratch base (${(e as Error).message}); using ${path}` };
  }
}

/**
 * Remove scratch folders whose owning process is gone; returns their paths.
 * Looks in the user's scratch base and in the system temp dir, and there
 * only at folders that are this user's (another user may name one alike).
 */
export function sweepDeadScratch(env: NodeJS.ProcessEnv = process.env): string[] {
  const bases: string[] = [tmpdir()];
  try { bases.unshift(scratchBase(env)); } catch { /* no base: only the temp dir */ }
  const uid = process.getuid?.();
  const removed: string[] = [];
  for (const base of bases) {
    let names: string[];
    try { names = readdirSync(base); } catch { continue; }
    for (const name of names) {
      const m = OWNED.exec(name);
      if (!m) continue;
      const pid = Number(m[1]);
      if (pid === process.pid || isAlive(pid)) continue;
      const path = join(base, name);
      try {
        const st = lstatSync(path);
        if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
        rmSync(path, { recursive: true, force: true });
        removed.push(path);
      } catch { /* another server swept it first, or it is not ours to remove */ }
    }
  }
  return removed;
}
