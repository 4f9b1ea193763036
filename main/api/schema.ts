// Runtime validation of everything that crosses a trust boundary (preload,
// Electron main, WebSocket server): a message whose method is unknown or
// whose params do not match is refused before it reaches the engine.
import { z } from 'zod';
import { COLUMN_IDS, type Method, type EventName } from './types';
import { ApiError } from './errors';
import { captureFilterProblem } from './capture-filter';

const empty = z.object({}).strict();
const u8 = z.instanceof(Uint8Array);
const nat = z.number().int().nonnegative();
/** largest uploadChunk (1 MiB) */
export const UPLOAD_CHUNK_MAX = 1 << 20;
const uploadId = z.string().uuid();
const path = z.string().min(1).max(4096);
// pcapng option values are at most 65535 bytes; keep comments well inside.
const comment = z.string().min(1).max(16_000);
const viewState = z.object({
  columns: z.array(z.object({
    field: z.string().min(1).max(200), title: z.string().max(200),
    width: z.number().nonnegative().max(10_000).optional(), hidden: z.boolean().optional(),
  }).strict()).max(200).optional(),
  selectedPacket: z.number().int().positive().nullable().optional(),
}).strict();
const exportFields = {
  path,
  select: z.enum(['all', 'displayed', 'selected', 'range']),
  frames: z.array(z.number().int().positive()).max(10_000_000).optional(),
  range: z.string().max(10_000).optional(),
  overwrite: z.boolean().optional(),
};
const saveParams = z.object({
  path, displayedOnly: z.boolean().optional(), format: z.enum(['pcapng', 'pcap']).optional(), overwrite: z.boolean().optional(),
  view: viewState.optional(),
}).strict();
// Interface names: what Linux allows (IFNAMSIZ 16, no slash or whitespace).
const ifname = z.string().min(1).max(15).regex(/^[^/\s]+$/);

export const paramSchemas = {
  getStatus: empty,
  openFile: z.object({ path: z.string().min(1).max(4096) }).strict(),
  // Uploads come in chunks of at most UPLOAD_CHUNK_MAX bytes (the server's
  // WebSocket limit is a few MiB); the size limit itself is the engine's.
  uploadBegin: z.object({ name: z.string().max(255), size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) }).strict(),
  uploadChunk: z.object({
    id: uploadId, offset: nat,
    bytes: u8.refine((b) => b.length <= UPLOAD_CHUNK_MAX, { message: `a chunk is at most ${UPLOAD_CHUNK_MAX} bytes` }),
  }).strict(),
  uploadEnd: z.object({ id: uploadId }).strict(),
  uploadAbort: z.object({ id: uploadId }).strict(),
  getRows: z.object({ start: nat, count: z.number().int().min(0).max(10_000) }).strict(),
  setFilter: z.object({ text: z.string().max(10_000) }).strict(),
  checkFilter: z.object({ text: z.string().max(10_000) }).strict(),
  completeFilter: z.object({ text: z.string().max(10_000), cursor: nat }).strict(),
  setSort: z.object({ column: z.enum(COLUMN_IDS).nullable(), desc: z.boolean() }).strict(),
  getDetails: z.object({ number: nat }).strict(),
  followStream: z.object({ number: nat, protocol: z.enum(['tcp', 'udp']).optional() }).strict(),
  findRow: z.object({ number: nat }).strict(),
  listInterfaces: empty,
  startCapture: z.object({
    iface: ifname,
    captureFilter: z.string().superRefine((t, ctx) => {
      const problem = captureFilterProblem(t);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }).optional(),
    snaplen: z.number().int().min(64).max(262_144).optional(),
    mode: z.enum(['native', 'generic', 'auto']).optional(),
  }).strict(),
  stopCapture: empty,
  restartCapture: empty,
  save: saveParams,
  saveCopy: saveParams,
  exportPackets: z.object({ ...exportFields, format: z.enum(['pcapng', 'pcap']).optional() }).strict(),
  exportDissections: z.object({ ...exportFields, format: z.enum(['csv', 'json']) }).strict(),
  exportBytes: z.object({
    select: exportFields.select, frames: exportFields.frames, range: exportFields.range, format: z.enum(['pcapng', 'pcap', 'csv', 'json']),
  }).strict(),
  setView: viewState,
  getSession: empty,
  getColouring: empty,
  setColouring: z.object({
    rules: z.array(z.object({
      name: z.string().max(200), filter: z.string().max(10_000),
      foreground: z.string().regex(/^#[0-9a-fA-F]{6}$/), background: z.string().regex(/^#[0-9a-fA-F]{6}$/),
      enabled: z.boolean(),
    }).strict()).max(255),
  }).strict(),
  cancelOpen: empty,
  addComment: z.object({ number: nat, text: comment }).strict(),
  editComment: z.object({ number: nat, index: nat, text: comment }).strict(),
  deleteComment: z.object({ number: nat, index: nat.optional() }).strict(),
  recentSessions: empty,
  grantPermission: empty,
  getInsights: empty,
  recoverableSpools: empty,
  recoverSpool: z.object({ path: z.string().min(1).max(4096) }).strict(),
  discardSpool: z.object({ path: z.string().min(1).max(4096) }).strict(),
} satisfies Record<Method, z.ZodType>;

export const METHODS = Object.keys(paramSchemas) as Method[];

const errorInfo = z.object({ message: z.string(), kind: z.string() });
const status = z.object({
  mode: z.enum(['idle', 'file', 'live']),
  state: z.enum(['idle', 'loading', 'capturing', 'stopping', 'done', 'error']),
  source: z.string(),
  captured: nat, displayed: nat, dropped: nat, indexed: nat,
  elapsed: z.number(), filter: z.string(), generation: nat,
  error: errorInfo.optional(),
  fileError: z.object({ message: z.string(), offset: z.number().optional(), block: z.number().optional(), reason: z.string().optional() }).optional(),
  progress: z.object({ bytesRead: z.number(), size: z.number() }).optional(),
  unsaved: z.boolean().optional(),
  needsPermission: z.boolean().optional(),
  alerts: nat.optional(),
  spool: z.string().optional(),
});
const iface = z.object({
  name: z.string(), addresses: z.array(z.string()), up: z.boolean(), rxPackets: z.number(),
  xdpWarning: z.string().optional(),
});
export const eventSchemas = {
  status,
  error: errorInfo,
  interfaces: z.array(iface),
} satisfies Record<EventName, z.ZodType>;

export const requestSchema = z.object({ id: nat, method: z.string(), params: z.unknown() }).strict();
export const responseSchema = z.union([
  z.object({ id: nat, ok: z.literal(true), result: z.unknown() }),
  z.object({ id: nat, ok: z.literal(false), error: errorInfo }),
]);
export const eventMessageSchema = z.object({ event: z.string(), data: z.unknown() });

export { ApiError };

/** Validate a method call; returns the parsed params or throws ApiError naming the method and the first problem. */
export function validateCall(method: unknown, params: unknown): { method: Method; params: any } {
  if (typeof method !== 'string' || !Object.hasOwn(paramSchemas, method)) {
    throw new ApiError(`unknown method ${JSON.stringify(String(method)).slice(0, 80)}`, 'refused');
  }
  const m = method as Method;
  const r = paramSchemas[m].safeParse(params ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ApiError(`invalid params for ${m}: ${issue.path.join('.') || '(root)'}: ${issue.message}`, 'refused');
  }
  return { method: m, params: r.data };
}

/** Validate an engine event; returns null for unknown or malformed ones (they are dropped). */
export function validateEvent(event: unknown, data: unknown): { event: EventName; data: any } | null {
  if (typeof event !== 'string' || !Object.hasOwn(eventSchemas, event)) return null;
  const r = eventSchemas[event as EventName].safeParse(data);
  return r.success ? { event: event as EventName, data: r.data } : null;
}
