// Private files and folders: the one way xdpscope creates what holds
// captured traffic (captures, saves, exports, spools, uploads, downloads,
// recent lists). Traffic is as private as the user's mail, so, as dumpcap
// does, every such file is 0600 and every scratch folder 0700. Files are
// created with O_EXCL|O_NOFOLLOW, so a name another local user planted (a
// symlink to a file of ours, or a file they can read) makes the create fail
// instead of writing through it; scratch folders are fresh mkdtemp names
// under a base folder that must be ours and closed to others.
//
// Replacing an existing file (Save over, capture -w over an old capture)
// follows one rule, replaceableTarget(): the final name is lstat()ed; a
// regular file is replaced *as a name* (a new private file is renamed over
// it, so a hard link elsewhere keeps the old content), and a symbolic link,
// directory or special file is refused with the reason. Even if a link is
// planted between that check and the rename, rename() replaces the link
// itself, never what it points to: nothing is ever written through a link.
import {
  constants as C, closeSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, mkdtempSync, openSync, readlinkSync, renameSync, rmSync,
  writeSync, type Stats,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Flags that create a new file and never follow a link at the final name.
 * (No O_CLOEXEC: Node has no such constant; libuv sets it on every open.)
 */
export const CREATE_PRIVATE = C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW;

/**
 * Create `path` as a new file and return its descriptor. Fails with EEXIST
 * when anything (a file, a symlink, a dangling symlink) is there. The mode
 * is exactly `mode` (default 0600) whatever the umask: set on the
 * descriptor, so never through a name someone could swap.
 */
export function createPrivateFile(path: string, mode: number = PRIVATE_FILE_MODE): number {
  const fd = openSync(path, CREATE_PRIVATE, mode);
  undoOnThrow(fd, path, () => fchmodSync(fd, mode));
  return fd;
}

/** Runs the next step for a file just created at `path`: when it throws, the descriptor is closed and the file removed before the error goes on. */
function undoOnThrow(fd: number, path: string, step: () => void): void {
  try {
    step();
  } catch (err) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw err;
  }
}

/** A file system refusal with its errno-style code, the path, and a reason a user can act on. */
export class PrivateFileError extends Error {
  constructor(readonly code: string, readonly path: string, readonly reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'PrivateFileError';
  }
}

/** Marks the temporary names xdpscope creates beside a file it replaces (removeStaleTemps cleans them up). */
export const TEMP_MARKER = '.xdpscope-tmp-';

/** An unpredictable temporary name in the directory of `dest` (same file system, so rename is atomic). */
export function tempPathFor(dest: string): string {
  return join(dirname(dest), `.${basename(dest)}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * The replace rule (see the top of this file): what is at `path` now, when
 * it may be replaced by name. null when nothing is there; the lstat of a
 * regular file; throws PrivateFileError for a symbolic link (ELOOP), a
 * directory (EISDIR) or anything else that is not a regular file.
 */
export function replaceableTarget(path: string): Stats | null {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (st.isFile()) return st;
  if (st.isSymbolicLink()) {
    let to = '';
    try { to = ` to ${readlinkSync(path)}`; } catch { /* gone meanwhile */ }
    throw new PrivateFileError('ELOOP', path, `it is a symbolic link${to}; xdpscope never writes through a link: choose the file it points to, or remove the link`);
  }
  if (st.isDirectory()) throw new PrivateFileError('EISDIR', path, 'it is a directory, not a file');
  throw new PrivateFileError('EINVAL', path, 'it is not a regular file (a device, pipe or socket)');
}

/**
 * The mode a replacement gets: the old file's, but never more open than
 * 0600 (traffic stays private, as dumpcap's files; a stricter 0400 stays).
 */
export function replacementMode(old: Stats | null): number {
  return old ? old.mode & PRIVATE_FILE_MODE : PRIVATE_FILE_MODE;
}

/**
 * Create `path` as a new private file, replacing a regular file of that
 * name (replace rule above) and refusing links, directories and special
 * files. Returns the descriptor of the new, empty file, already in place.
 */
export function createPrivateFileReplacing(path: string): number {
  // Twice at most: a name that appears between our lstat and create is checked once more.
  for (let attempt = 0; ; attempt++) {
    const old = replaceableTarget(path);
    if (!old) {
      try {
        return createPrivateFile(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
        continue;
      }
    }
    const tmp = tempPathFor(path);
    const fd = createPrivateFile(tmp, replacementMode(old));
    undoOnThrow(fd, tmp, () => renameSync(tmp, path));
    return fd;
  }
}

/**
 * A new private file with an unpredictable name `<prefix><6 chars><suffix>`
 * in `dir`, as mkstemp(3) makes them: safe even in a shared folder like /tmp.
 */
export function createUniquePrivateFile(dir: string, prefix: string, suffix = ''): { fd: number; path: string } {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  // 62^6 names: 100 collisions in a row means someone is squatting on the pattern.
  for (let i = 0; i < 100; i++) {
    const r = randomBytes(6);
    const path = join(dir, `${prefix}${Array.from(r, (b) => alphabet[b % alphabet.length]).join('')}${suffix}`);
    try {
      return { fd: createPrivateFile(path), path };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new PrivateFileError('EEXIST', join(dir, `${prefix}XXXXXX${suffix}`), 'no unused name after 100 tries');
}

/**
 * Replace `path` with a new private file holding `data`, atomically (temp
 * file beside it, fsync, rename): small state files such as a spool's owner
 * record. Follows the replace rule.
 */
export function replacePrivateFile(path: string, data: string | Uint8Array): void {
  const old = replaceableTarget(path);
  const tmp = tempPathFor(path);
  const fd = createPrivateFile(tmp, replacementMode(old));
  try {
    writeAll(fd, data);
    fsyncSync(fd);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

/** Create `path` as a new 0600 file holding `data` (fails if the name exists). */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
  const fd = createPrivateFile(path);
  try {
    writeAll(fd, data);
  } finally {
    closeSync(fd);
  }
}

/** Why `dir` may not hold private files, or null when it is fine. */
export function unsafeDirReason(dir: string): string | null {
  let st;
  try {
    st = lstatSync(dir);
  } catch (err) {
    return `${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
  }
  if (st.isSymbolicLink()) return `${dir} is a symbolic link`;
  if (!st.isDirectory()) return `${dir} is not a directory`;
  const uid = process.getuid?.() ?? st.uid;
  if (st.uid !== uid) return `${dir} belongs to uid ${st.uid}, not to this user (uid ${uid})`;
  if ((st.mode & 0o077) !== 0) return `${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)})`;
  return null;
}

/**
 * Make `dir` (0700) if missing and check it is ours and closed; throws with
 * the reason otherwise. A folder of ours that others may only read (0755,
 * as older versions made them) is closed to 0700 in place: nobody else
 * could have put anything in it. One others may write to (0777), or that
 * belongs to someone else, is refused: what is in it may be planted.
 */
export function ensurePrivateDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  let why = unsafeDirReason(dir);
  if (why && closeReadableDir(dir)) why = unsafeDirReason(dir);
  if (why) throw new Error(`refusing to keep private files there: ${why} (remove it, or make it a folder of your own with mode 0700)`);
  return dir;
}

/**
 * Make the missing folders of `dir` 0700 (whatever the umask), leaving
 * existing ones as they are: for a folder the user named (a save
 * destination), whose mode is theirs to choose.
 */
export function makePrivateDirs(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  return dir;
}

/** chmod 0700 a folder of ours that others can read but not write; false when it is not such a folder. */
function closeReadableDir(dir: string): boolean {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  const uid = process.getuid?.();
  if (!st || !st.isDirectory() || st.uid !== uid || (st.mode & 0o022) !== 0) return false;
  // Through a descriptor opened without following links, so a folder swapped for a link is never chmodded.
  const fd = openSync(dir, C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW);
  try {
    fchmodSync(fd, PRIVATE_DIR_MODE);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Where this user's scratch folders go: $XDG_RUNTIME_DIR/xdpscope (a tmpfs
 * only the user can enter, emptied at logout), else ~/.cache/xdpscope/tmp;
 * $XDPSCOPE_SCRATCH_DIR overrides both (tests). Never a shared /tmp name.
 */
export function scratchBase(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDPSCOPE_SCRATCH_DIR) return ensurePrivateDir(env.XDPSCOPE_SCRATCH_DIR);
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && runtime.startsWith('/') && unsafeDirReason(runtime) === null) {
    return ensurePrivateDir(join(runtime, 'xdpscope'));
  }
  const cacheBase = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir() || tmpdir(), '.cache');
  return ensurePrivateDir(join(cacheBase, 'xdpscope', 'tmp'));
}

export interface ScratchDir {
  path: string;
  /** remove the folder and everything in it (idempotent) */
  dispose(): void;
}

/**
 * A fresh 0700 folder (mkdtemp: an unpredictable name that did not exist)
 * under scratchBase(). The caller disposes of it; `prefix` names its use.
 */
export function makeScratchDir(prefix: string, env: NodeJS.ProcessEnv = process.env): ScratchDir {
  const path = mkdtempSync(join(scratchBase(env), `${prefix}-`));
  let gone = false;
  return {
    path,
    dispose() {
      if (gone) return;
      gone = true;
      rmSync(path, { recursive: true, force: true });
    },
  };
}
