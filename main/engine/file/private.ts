// Private files and folders: the one way xdpscope creates what holds
// captured traffic (captures, saves, exports, spools, uploads, downloads,
// recent lists). Traffic is as private as the user's mail, so, as dumpcap
// does, every such file is 0600 and every scratch folder 0700. Files are
// created with O_EXCL|O_NOFOLLOW, so a name another local user planted (a
// symlink to a file of ours, or a file they can read) makes the create fail
// instead of writing through it; scratch folders are fresh mkdtemp names
// under a base folder that must be ours and closed to others.
import { constants as C, closeSync, lstatSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Flags that create a new file and never follow a link at the final name. */
export const CREATE_PRIVATE = C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW; // libuv adds O_CLOEXEC itself

/**
 * Create `path` as a new 0600 file and return its descriptor. Fails with
 * EEXIST when anything (a file, a symlink, a dangling symlink) is there.
 */
export function createPrivateFile(path: string): number {
  return openSync(path, CREATE_PRIVATE, PRIVATE_FILE_MODE);
}

/** Create `path` as a new 0600 file holding `data` (fails if the name exists). */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
  const fd = createPrivateFile(path);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
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

/** Make `dir` (0700) if missing and check it is ours and closed; throws with the reason otherwise. */
export function ensurePrivateDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const why = unsafeDirReason(dir);
  if (why) throw new Error(`refusing to keep private files there: ${why}`);
  return dir;
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
