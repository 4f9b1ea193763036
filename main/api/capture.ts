// Live capture: interfaces, start/stop, and the crash-safe spools a capture
// leaves behind (main/engine/service/handlers/capture.ts answers these).
import { z } from 'zod';
import { call, empty, nat, ok, path, status } from './common';
import { captureFilterProblem } from './capture-filter';

// Interface names: what Linux allows (IFNAMSIZ 16, no slash or whitespace).
const ifname = z.string().min(1).max(15).regex(/^[^/\s]+$/);

export const interfaceInfo = z.object({
  name: z.string(),
  addresses: z.array(z.string()),
  up: z.boolean(),
  /** received packets counter (for the sparkline) */
  rxPackets: z.number(),
  /** a foreign XDP program is attached: what a capture there will do */
  xdpWarning: z.string().optional(),
  /** that program (id, name when readable, attach mode) */
  xdpProgram: z.object({ id: nat, name: z.string().nullable(), mode: z.string() }).optional(),
});
export type InterfaceInfo = z.infer<typeof interfaceInfo>;

export const captureOptions = z.object({
  iface: ifname,
  captureFilter: z.string().superRefine((t, ctx) => {
    const problem = captureFilterProblem(t);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }).optional(),
  snaplen: z.number().int().min(64).max(262_144).optional(),
  mode: z.enum(['native', 'generic', 'auto']).optional(),
  /** which way, as tcpdump's -Q: received (XDP), sent (tcx), or both (the default) */
  direction: z.enum(['in', 'out', 'inout']).optional(),
  /**
   * dumpcap's ring buffer (-b): the capture also goes into files named after
   * `path` (prefix_00001_YYYYmmddHHMMSS.pcapng, ...), switching on any of
   * the limits given and keeping the newest `files`; then no spool is kept
   */
  ringBuffer: z.object({
    path: path.refine((p) => p.startsWith('/'), 'the ring buffer path must be absolute'),
    filesizeKB: z.number().int().min(1).max(2_000_000).optional(),
    files: z.number().int().min(1).max(99_999).optional(),
    durationS: z.number().positive().max(366 * 86400).optional(),
    intervalS: z.number().int().min(1).max(366 * 86400).optional(),
    packets: z.number().int().min(1).optional(),
  }).strict().refine((r) => r.filesizeKB !== undefined || r.durationS !== undefined || r.intervalS !== undefined || r.packets !== undefined,
    'a ring buffer needs filesizeKB, durationS, intervalS or packets to switch files').optional(),
  /**
   * keep only the last `packets` and/or `megabytes` in view (store, filter
   * index, list): older packets leave it in chunks and stay in the ring files
   * or the spool (captureFiles lists them), so a capture can run for days
   */
  viewCap: z.object({
    packets: z.number().int().min(1000).max(1_000_000_000).optional(),
    megabytes: z.number().int().min(64).max(1_000_000).optional(),
  }).strict().refine((v) => v.packets !== undefined || v.megabytes !== undefined, 'a view cap needs packets or megabytes').optional(),
}).strict();
export type CaptureOptions = z.infer<typeof captureOptions>;

export const spoolEntry = z.object({
  path: z.string(),
  size: nat,
  /** ISO time of the last write */
  modifiedAt: z.string(),
  /** false when the capture ended in a crash */
  closedCleanly: z.boolean(),
});
export type SpoolEntry = z.infer<typeof spoolEntry>;

/** A file on disk holding packets of the live capture (a ring file, or the spool). */
export const captureFile = z.object({
  path: z.string(),
  /** frame numbers of its first and last packet */
  firstNumber: nat,
  lastNumber: nat,
  size: nat,
  /** the capture is writing it now */
  writing: z.boolean(),
});
export type CaptureFileEntry = z.infer<typeof captureFile>;

export const captureFilesResult = z.object({
  /** packets that left the view (CaptureOptions.viewCap) */
  evicted: nat,
  /** frame number of the first packet still in view (0: none) */
  firstInView: nat,
  /** oldest first; each opens as a file session */
  files: z.array(captureFile),
});
export type CaptureFilesResult = z.infer<typeof captureFilesResult>;

export const captureApi = {
  listInterfaces: call(empty, z.array(interfaceInfo)),
  startCapture: call(captureOptions, status),
  stopCapture: call(empty, status),
  restartCapture: call(empty, status),
  /** live captures a crashed or closed session left unsaved in the spool */
  recoverableSpools: call(empty, z.array(spoolEntry)),
  /** rewrite a spool as a clean pcapng (torn tail dropped) and open it */
  recoverSpool: call(z.object({ path }).strict(), status),
  discardSpool: call(z.object({ path }).strict(), ok),
  /** the live capture's files on disk (ring files, or the spool) and which frames each holds: older packets reopen from them */
  captureFiles: call(empty, captureFilesResult),
};
