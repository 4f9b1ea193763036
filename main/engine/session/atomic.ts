// Atomic replacement of a file: the new content is written to a temporary
// file in the destination's directory (same file system, so rename is
// atomic), fsynced, then moved into place and the directory fsynced. Killing
// the process at any point leaves either the old file or the new one, never
// a mix; the only debris is a `.<name>.xdpscope-tmp-*` file.
import { promises as fsp, constants as fsc } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { abortError, friendlyFsError, SessionFileError } from './errors';

export interface AtomicWriteOptions {
  /** replace an existing file; without it an existing destination is an EEXIST error */
  overwrite?: boolean;
  signal?: AbortSignal;
  /** what to call the operation in error messages ("save", "export") */
  action?: string;
}

export const TEMP_MARKER = '.xdpscope-tmp-';

export function tempPathFor(dest: string): string {
  return join(dirname(dest), `.${basename(dest)}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
}

async function fsyncPath(path: string, flags: number): Promise<void> {
  const fh = await fsp.open(path, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Produce `dest` atomically. `produce(tmpPath)` must write the complete file
 * at tmpPath (and may throw or observe the signal to give up); its result is
 * returned once the file is durably in place.
 */
export async function writeFileAtomically<T>(
  dest: string,
  produce: (tmpPath: string) => Promise<T>,
  opts: AtomicWriteOptions = {},
): Promise<T> {
  const action = opts.action ?? 'save';
  const given = dest;
  // Fail before doing the work when the answer is already known.
  let keepMode: number | null = null;
  try {
    const st = await fsp.stat(dest);
    if (st.isDirectory()) throw new SessionFileError('EISDIR', dest, `Cannot ${action} "${dest}": it is a directory, not a file`);
    if (!opts.overwrite) throw friendlyFsError(Object.assign(new Error('exists'), { code: 'EEXIST' }), action, dest);
    // Replace what a symlink points to, not the link; keep the file's permissions (a 0600 capture stays private).
    dest = await fsp.realpath(dest);
    keepMode = st.mode & 0o7777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw friendlyFsError(err, action, given);
  }
  const dir = dirname(dest);
  try {
    await fsp.access(dir, fsc.W_OK);
  } catch (err) {
    throw friendlyFsError(err, action, dest);
  }
  const tmp = tempPathFor(dest);
  let placed = false;
  try {
    const result = await produce(tmp);
    if (opts.signal?.aborted) throw abortError(given, action);
    if (keepMode !== null) await fsp.chmod(tmp, keepMode);
    await fsyncPath(tmp, fsc.O_RDONLY);
    if (opts.overwrite) {
      await fsp.rename(tmp, dest);
    } else {
      // link() refuses an existing name atomically, closing the race between
      // the check above and now; rename() would silently replace.
      await fsp.link(tmp, dest);
      await fsp.unlink(tmp);
    }
    placed = true;
    await fsyncPath(dir, fsc.O_RDONLY | fsc.O_DIRECTORY);
    return result;
  } catch (err) {
    if (opts.signal?.aborted && !placed) throw abortError(given, action);
    throw friendlyFsError(err, action, given);
  } finally {
    if (!placed) await fsp.rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** Write small content (JSON, text) atomically. */
export function writeSmallFileAtomically(dest: string, content: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  return writeFileAtomically(dest, (tmp) => fsp.writeFile(tmp, content, { flag: 'wx', mode: 0o644 }), opts);
}

/** Remove temp files a killed save left behind in `dir` (older than `minAgeMs`, not ours). */
export async function removeStaleTemps(dir: string, minAgeMs = 60_000): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return removed;
  }
  const now = Date.now();
  for (const n of names) {
    const i = n.indexOf(TEMP_MARKER);
    if (i < 0) continue;
    const pid = Number(n.slice(i + TEMP_MARKER.length).split('-')[0]);
    if (pid === process.pid || isAlive(pid)) continue;
    const p = join(dir, n);
    try {
      const st = await fsp.stat(p);
      if (now - st.mtimeMs < minAgeMs) continue;
      await fsp.rm(p, { force: true });
      removed.push(p);
    } catch { /* raced with someone else */ }
  }
  return removed;
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
