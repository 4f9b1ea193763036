// Opening a capture file (or an upload of one) and following its load
// (main/engine/service/handlers/file.ts answers these).
import { z } from 'zod';
import { bytes, call, empty, path, status } from './common';

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
  openUpload: call(z.object({ name: z.string().max(255), data: bytes }).strict(), status),
  /** stop loading a file; the packets read so far stay */
  cancelOpen: call(empty, status),
  recentSessions: call(empty, z.array(recentEntry)),
};
