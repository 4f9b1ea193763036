// Scratch folders of the browser server (uploads, downloads, the --open
// page): one private folder per server process, removed when it exits. A
// process that was killed cannot clean up, so each folder's name carries its
// owner's pid (scratchPrefix) and the next server removes the folders of
// owners that are no longer alive.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scratchBase } from '../engine/file/private';
import { isAlive } from '../engine/session/atomic';

/**
 * Scratch folder prefix naming the process that owns it, so a later start
 * can remove the folders of a process that died without cleaning up.
 */
export function scratchPrefix(use: string, pid = process.pid): string {
  return `${use}-pid${pid}`;
}

/** `<use>-pid<pid>-XXXXXX`, as makeScratchDir(scratchPrefix(use)) names it */
const OWNED = /^[a-z]+-pid(\d+)-[A-Za-z0-9]{6}$/;

/** Remove scratch folders whose owning process is gone; returns their paths. */
export function sweepDeadScratch(env: NodeJS.ProcessEnv = process.env): string[] {
  const base = scratchBase(env);
  const removed: string[] = [];
  for (const name of readdirSync(base)) {
    const m = OWNED.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    const path = join(base, name);
    try {
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch { /* another server swept it first, or it is not ours to remove */ }
  }
  return removed;
}
