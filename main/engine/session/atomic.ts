// Atomic replacement of a file: the new content is written to a temporary
// file in the destination's directory (same file system, so rename is
// atomic), fsynced, then moved into place and the directory fsynced. Killing
// the process at any point leaves either the old file or the new one, never
// a mix; the only debris is a `.<name>.xdpscope-tmp-*` file.
//
// What may be replaced is file/private.ts's rule: the destination's final
// name is lstat()ed, never resolved. A regular file is replaced as a name
// (rename), a symbolic link is refused with its target named (it may be
// planted: writing through it once replaced a root-owned file), and so is a
// directory. The temp file is created O_EXCL|O_NOFOLLOW, 0600; an
// overwritten file keeps its mode only as far as 0600 allows (traffic stays
// private, as dumpcap's files); the mode is set on a descriptor, never by
// name, so no chmod reaches through a link.
import { promises as fsp, constants as fsc } from 'node:fs';
import { dirname, join } from 'node:path';
import { PrivateFileError, replaceableTarget, replacementMode, TEMP_MARKER, tempPathFor, writePrivateFile } from '../file/private';
import { abortError, friendlyFsError, SessionFileError } from './errors';

export interface AtomicWriteOptions {
  /** replace an existing file; without it an existing destination is an EEXIST error */
  overwrite?: boolean;
  signal?: AbortSignal;
  /** what to call the operation in error messages ("save", "export") */
  action?: string;
}

export { TEMP_MARKER, tempPathFor };

/** fsync a file or folder and, for a file, give it `mode` (pass O_NOFOLLOW for files: folders may be links). */
async function fsyncPath(path: string, flags: number, mode?: number): Promise<void> {
  const fh = await fsp.open(path, flags);
  try {
    if (mode !== undefined) await fh.chmod(mode);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Produce `dest` atomically. `produce(tmpPath)` must create the complete
 * file at tmpPath with file/private.ts (FileSink 'wx', writePrivateFile:
 * 0600, O_EXCL|O_NOFOLLOW), and may throw or observe the signal to give up;
 * its result is returned once the file is durably in place.
 */
export async function writeFileAtomically<T>(
  dest: string,
  produce: (tmpPath: string) => Promise<T>,
  opts: AtomicWriteOptions = {},
): Promise<T> {
  const action = opts.action ?? 'save';
  // Fail before doing the work when the answer is already known.
  let mode: number;
  try {
    const old = replaceableTarget(dest);
    if (old && !opts.overwrite) throw friendlyFsError(Object.assign(new Error('exists'), { code: 'EEXIST' }), action, dest);
    mode = replacementMode(old);
  } catch (err) {
    if (err instanceof PrivateFileError) throw new SessionFileError(err.code, dest, `Cannot ${action} "${dest}": ${err.reason}`, { cause: err });
    throw friendlyFsError(err, action, dest);
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
    if (opts.signal?.aborted) throw abortError(dest, action);
    await fsyncPath(tmp, fsc.O_RDONLY | fsc.O_NOFOLLOW, mode);
    if (opts.overwrite) {
      // Replaces the name: had a link been planted since the check, the link goes, not its target.
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
    if (opts.signal?.aborted && !placed) throw abortError(dest, action);
    throw friendlyFsError(err, action, dest);
  } finally {
    if (!placed) await fsp.rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** Write small content (JSON, text) atomically. */
export function writeSmallFileAtomically(dest: string, content: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  return writeFileAtomically(dest, async (tmp) => writePrivateFile(tmp, content), opts);
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
