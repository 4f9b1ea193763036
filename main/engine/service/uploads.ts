// Files a browser uploads (it cannot hand the engine a path).
// A browser sends a file in chunks (uploadBegin → uploadChunk… → uploadEnd),
// so no message is larger than the server's WebSocket limit and neither the
// server nor the engine holds the file in memory. Each upload is a new 0600
// file (O_EXCL|O_NOFOLLOW) in a private 0700 scratch folder; chunks must come
// in order and the declared size is a hard limit.
import { closeSync, rmSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import type { Status } from '../../api/index';
import { ApiError, UPLOAD_CHUNK_MAX } from '../../api/index';
import { createPrivateFile, makeScratchDir, type ScratchDir } from '../file/private';
import { scratchPrefix } from '../file/scratch';
import { errMessage } from './open-capture';

/** default largest upload; XDPSCOPE_UPLOAD_LIMIT (bytes) changes it */
export const DEFAULT_UPLOAD_LIMIT = 4 * 1024 ** 3;
/** uploads in progress at once */
const MAX_UPLOADS = 4;
/** an upload with no chunk for this long is dropped */
const UPLOAD_IDLE_MS = 60_000;

interface Upload {
  id: string;
  name: string;
  path: string;
  fd: number;
  size: number;
  written: number;
  timer: NodeJS.Timeout | null;
}

/** The upload size limit: XDPSCOPE_UPLOAD_LIMIT bytes when set to a positive integer, else 4 GiB. */
export function uploadLimit(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.XDPSCOPE_UPLOAD_LIMIT);
  return Number.isSafeInteger(v) && v > 0 ? v : DEFAULT_UPLOAD_LIMIT;
}

function fmtBytes(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${n} bytes`;
}

export class Uploads {
  /** uploads in progress, by id */
  private uploads = new Map<string, Upload>();
  /** the uploaded file now open (removed when another upload replaces it, and at shutdown) */
  private uploadOpened: string | null = null;
  /** our own upload folder when the face gave none (removed at shutdown) */
  private uploadScratch: ScratchDir | null = null;

  /** dir: the server's scratch folder for uploads (else one of our own, made on first use) */
  constructor(private readonly dir?: string) {}

  /** where uploads go: the server's scratch folder, or one of our own made on first use */
  private uploadFolder(): string {
    if (this.dir) return this.dir;
    if (!this.uploadScratch) {
      this.uploadScratch = makeScratchDir(scratchPrefix('uploads'));
    }
    return this.uploadScratch.path;
  }

  uploadBegin(name: string, size: number): { id: string; chunkSize: number; limit: number } {
    const limit = uploadLimit();
    if (size > limit) throw new ApiError(`${name} is ${fmtBytes(size)}, more than the ${fmtBytes(limit)} an upload may be (XDPSCOPE_UPLOAD_LIMIT): open it by path on the machine running xdpscope instead`, 'upload');
    if (this.uploads.size >= MAX_UPLOADS) throw new ApiError(`${MAX_UPLOADS} uploads are already in progress: finish or abort one first`, 'upload');
    const id = randomUUID();
    const safe = basename(name).replace(/[^\w.+-]/g, '_').slice(-100) || 'upload.pcap';
    const path = join(this.uploadFolder(), `${id.slice(0, 8)}-${safe}`);
    let fd: number;
    try { fd = createPrivateFile(path); } catch (e) { throw new ApiError(`cannot store the upload of ${name}: ${errMessage(e)}`, 'upload'); }
    const up: Upload = { id, name, path, fd, size, written: 0, timer: null };
    this.uploads.set(id, up);
    this.touchUpload(up);
    return { id, chunkSize: UPLOAD_CHUNK_MAX, limit };
  }

  uploadChunk(id: string, offset: number, bytes: Uint8Array): { received: number; size: number } {
    const up = this.uploadOrThrow(id);
    if (offset !== up.written) throw new ApiError(`upload of ${up.name}: chunk at byte ${offset}, expected ${up.written} (chunks go in order)`, 'upload');
    if (up.written + bytes.length > up.size) {
      this.dropUpload(up);
      throw new ApiError(`upload of ${up.name}: more than the ${fmtBytes(up.size)} announced; upload aborted`, 'upload');
    }
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(up.fd, bytes, off, bytes.length - off);
    } catch (e) {
      this.dropUpload(up);
      throw new ApiError(`upload of ${up.name}: cannot write ${up.path}: ${errMessage(e)}; upload aborted`, 'upload');
    }
    up.written += bytes.length;
    this.touchUpload(up);
    return { received: up.written, size: up.size };
  }

  /** Ends an upload and opens it with `open`; the upload opened before is removed once the new one opens. */
  async uploadEnd(id: string, open: (path: string) => Promise<Status>): Promise<Status> {
    const up = this.uploadOrThrow(id);
    if (up.written !== up.size) throw new ApiError(`upload of ${up.name}: ${fmtBytes(up.written)} of ${fmtBytes(up.size)} received`, 'upload');
    this.uploads.delete(id);
    if (up.timer) clearTimeout(up.timer);
    closeSync(up.fd);
    // The capture it replaces (if an upload) is no longer read once the new one opens.
    const previous = this.uploadOpened;
    this.uploadOpened = up.path;
    try {
      return await open(up.path);
    } finally {
      if (previous) rmSync(previous, { force: true });
    }
  }

  uploadAbort(id: string): { ok: true } {
    const up = this.uploads.get(id);
    if (up) this.dropUpload(up);
    return { ok: true };
  }

  private uploadOrThrow(id: string): Upload {
    const up = this.uploads.get(id);
    if (!up) throw new ApiError(`no upload ${id} in progress (finished, aborted, or idle for more than ${UPLOAD_IDLE_MS / 1000} s)`, 'upload');
    return up;
  }

  /** An upload nobody continues is dropped, so a closed tab does not hold a file and a descriptor. */
  private touchUpload(up: Upload): void {
    if (up.timer) clearTimeout(up.timer);
    up.timer = setTimeout(() => this.dropUpload(up), UPLOAD_IDLE_MS);
    up.timer.unref();
  }

  private dropUpload(up: Upload): void {
    this.uploads.delete(up.id);
    if (up.timer) clearTimeout(up.timer);
    try { closeSync(up.fd); } catch { /* closed already */ }
    rmSync(up.path, { force: true });
  }

  /** Is `path` an upload's scratch copy (gone when the server exits)? */
  holds(path: string): boolean {
    const dir = this.dir ?? this.uploadScratch?.path;
    return !!dir && path.startsWith(dir + '/');
  }

  dispose(): void {
    for (const up of [...this.uploads.values()]) this.dropUpload(up);
    if (this.uploadOpened) rmSync(this.uploadOpened, { force: true });
    this.uploadScratch?.dispose();
  }
}
