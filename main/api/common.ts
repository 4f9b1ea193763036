// What several API domains share: the building blocks of their schemas and
// the status and error shapes every face sees. Each domain file
// (capture.ts, file.ts, view.ts, packet.ts, session.ts, insights.ts,
// privilege.ts) declares its calls from these; index.ts composes them.
import { z } from 'zod';

/**
 * A packet colouring rule, as Wireshark's colorfilters: a display filter and
 * its colours (#rrggbb). Rules apply in table order; the first enabled rule
 * that matches colours the packet.
 */
const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/);
export const colouringRule = z.object({
  name: z.string().max(200), filter: z.string().max(10_000),
  foreground: colour, background: colour,
  enabled: z.boolean(),
}).strict();
export type ColouringRule = z.infer<typeof colouringRule>;
/** A rule of the table in use, with why its filter does not compile (it then never matches). */
export const colouringRuleInfo = colouringRule.extend({ error: z.string().optional() });
export type ColouringRuleInfo = z.infer<typeof colouringRuleInfo>;

/** One API call: what it takes and what it answers. */
export interface CallSchema<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
}
/** A domain's calls, by method name. */
export type Domain = Record<string, CallSchema>;
/** Declares one call (the helper keeps each domain's table literal-typed). */
export const call = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R): CallSchema<P, R> => ({ params, result });

export const empty = z.object({}).strict();
/** A typed array over any buffer (z.instanceof would narrow it to ArrayBuffer-backed ones). */
export const typed = <T>(ctor: abstract new (...a: never[]) => T) =>
  z.custom<T>((v) => v instanceof ctor, { message: `Input not instance of ${ctor.name}` });
export const bytes = typed<Uint8Array>(Uint8Array);
export const nat = z.number().int().nonnegative();
export const path = z.string().min(1).max(4096);
export const ok = z.object({ ok: z.literal(true) });

export const errorInfo = z.object({
  message: z.string(),
  /** e.g. 'permission', 'file', 'capture', 'filter' */
  kind: z.string(),
});
export type ErrorInfo = z.infer<typeof errorInfo>;

export const captureMode = z.enum(['idle', 'file', 'live']);
export type CaptureMode = z.infer<typeof captureMode>;
export const captureState = z.enum(['idle', 'loading', 'capturing', 'stopping', 'done', 'error']);
export type CaptureState = z.infer<typeof captureState>;

export const status = z.object({
  mode: captureMode,
  state: captureState,
  /** file path or interface name */
  source: z.string(),
  captured: nat,
  displayed: nat,
  /** dropped by the kernel ring (live capture) */
  dropped: nat,
  /** packets indexed (dissected and summarised) so far */
  indexed: nat,
  /** seconds since the capture/load started */
  elapsed: z.number(),
  filter: z.string(),
  /** bumps whenever the displayed list is rebuilt (filter, sort, new source): rows must be refetched */
  generation: nat,
  /** the last error, kept visible until the next start/open */
  error: errorInfo.optional(),
  /** the capture file could not be read to its end (offset/block/reason: where and why) */
  fileError: z.object({ message: z.string(), offset: z.number().optional(), block: z.number().optional(), reason: z.string().optional() }).optional(),
  /** while a file loads: bytes read of its size on disk */
  progress: z.object({ bytesRead: z.number(), size: z.number() }).optional(),
  /** a live capture not yet saved, or comments edited since the last save: ask before discarding */
  unsaved: z.boolean().optional(),
  /** live capture needs the helper to have capabilities */
  needsPermission: z.boolean().optional(),
  /** security alerts raised so far (getInsights has them) */
  alerts: nat.optional(),
  /** the live capture's crash-safe spool file */
  spool: z.string().optional(),
  /** the ring-buffer file the live capture is writing (CaptureOptions.ringBuffer) */
  ringFile: z.string().optional(),
  /** live capture: packets that left the view (CaptureOptions.viewCap); captureFiles says where they are */
  evicted: nat.optional(),
  /** where the evicted packets are: the ring files, the spool, or nowhere (neither could be written) */
  evictedTo: z.enum(['ring', 'spool', 'none']).optional(),
  /**
   * live capture, the helper's counters: frames the XDP program saw; those
   * the capture filter rejected (sampling's skips included) and those
   * sampling skipped; those that arrived while paused. Once stopped, seen ==
   * captured + evicted + dropped + filtered + paused.
   */
  seen: nat.optional(),
  filtered: nat.optional(),
  sampledOut: nat.optional(),
  paused: nat.optional(),
  /** live capture: the engine is behind the helper now (its queue is full: the kernel ring fills, then drops) */
  behind: z.boolean().optional(),
});
export type Status = z.infer<typeof status>;

/** A packet-list column as a session stores it; array order is display order. */
export const viewColumn = z.object({
  /** a ColumnId or a Wireshark field name */
  field: z.string().min(1).max(200),
  title: z.string().max(200),
  width: z.number().nonnegative().max(10_000).optional(),
  hidden: z.boolean().optional(),
}).strict();
export type ViewColumn = z.infer<typeof viewColumn>;

/** What the renderer owns of a session's view (the service knows filter and comments itself). */
export const viewState = z.object({
  columns: z.array(viewColumn).max(200).optional(),
  selectedPacket: z.number().int().positive().nullable().optional(),
}).strict();
export type ViewState = z.infer<typeof viewState>;
