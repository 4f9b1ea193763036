// Opening a capture file (or an upload of one) and following its load
// (main/engine/service/handlers/file.ts answers these).
import { z } from 'zod';
import { bytes, call, empty, nat, path, status } from './common';

/** largest uploadChunk (1 MiB) */
export const UPLOAD_CHUNK_MAX = 1 << 20;
const uploadId = z.string().uuid();

export const recentEntry = z.object({
  path: z.string(),
  /** ISO time */
  openedAt: z.string(),
  /** false when the file is gone */
  exists: z.boolean().optional(),
});
export type RecentEntry = z.infer<typeof recentEntry>;

export const fileApi = {
  getStatus: call(empty, status),
  openFile: call(z.object({ path }).strict(), status),
  /**
   * Browser uploads, in chunks: begin (size at most `limit`, default 4 GiB)
   * → chunks of at most `chunkSize` (1 MiB) bytes in order → end, which opens
   * the file; abort drops it. An upload idle for 60 s is dropped.
   * (Chunks, because the server's WebSocket limit is a few MiB; the size
   * limit itself is the engine's.)
   */
  uploadBegin: call(
    z.object({ name: z.string().max(255), size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) }).strict(),
    z.object({ id: z.string(), chunkSize: nat, limit: nat }),
  ),
  uploadChunk: call(
    z.object({
      id: uploadId, offset: nat,
      bytes: bytes.refine((b) => b.length <= UPLOAD_CHUNK_MAX, { message: `a chunk is at most ${UPLOAD_CHUNK_MAX} bytes` }),
    }).strict(),
    z.object({ received: nat, size: nat }),
  ),
  uploadEnd: call(z.object({ id: uploadId }).strict(), status),
  uploadAbort: call(z.object({ id: uploadId }).strict(), z.object({ ok: z.literal(true) })),
  /** stop loading a file; the packets read so far stay */
  cancelOpen: call(empty, status),
  recentSessions: call(empty, z.array(recentEntry)),
};
