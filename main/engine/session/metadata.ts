// Session metadata: what the inspector needs besides the packets to reopen a
// capture "as it was" (capture settings, display filter, columns, colouring
// rules, selection, insight settings).
//
// Where it lives in the file: pcapng Section Header Block custom options,
// option code 19373 ("custom binary, should not be copied", pcapng spec
// §3.5.1) with PEN 32473 (IANA's example enterprise number for
// documentation, RFC 5612: a placeholder until the project registers one).
// The option value is PEN + a slice of UTF-8 JSON; a large document spans
// several consecutive options whose slices concatenate. Why not a Custom
// Block (0x00000BAD/0x40000BAD): tshark 4.0 lists custom blocks as frames
// (an extra "PCAPNG Custom Block" row), while unknown SHB custom options are
// ignored silently by tshark/capinfos. Why "should not be copied": the
// metadata refers to frame numbers, which another tool's edit would stale.
// Packet comments are not here: they are EPB opt_comment, as Wireshark does.
import { z } from 'zod';
import type { CustomOption } from '../file/types';

export const SESSION_PEN = 32473;
export const SESSION_OPTION_CODE = 19373;
export const SESSION_FORMAT = 'xdpscope-session';
export const SESSION_VERSION = 1;
/** bytes of JSON per option: an option length is 16 bits, minus the PEN, kept 4-aligned */
export const SESSION_CHUNK = 65_000;
/** refuse to write (and ignore on read) metadata beyond this, so an SHB stays small for every reader */
export const SESSION_MAX_JSON = 1024 * 1024;

const Column = z.looseObject({
  title: z.string(),
  /** Wireshark field name ('ip.src') or a built-in column id ('number', 'time', 'source', 'info', ...) */
  field: z.string(),
  width: z.number().optional(),
  hidden: z.boolean().optional(),
});
const ColouringRule = z.looseObject({
  name: z.string(),
  filter: z.string(),
  foreground: z.string().optional(),
  background: z.string().optional(),
  enabled: z.boolean().default(true),
});
const CaptureSettings = z.looseObject({
  interface: z.string().optional(),
  /** e.g. 'xdp-native', 'xdp-generic', 'skb' — whatever the capture engine reports */
  mode: z.string().optional(),
  /** capture (BPF/XDP) filter */
  filter: z.string().optional(),
  snaplen: z.number().optional(),
  startedAt: z.string().optional(),
});

export const SessionMetadataSchema = z.looseObject({
  format: z.literal(SESSION_FORMAT).default(SESSION_FORMAT),
  version: z.number().int().default(SESSION_VERSION),
  capture: CaptureSettings.optional(),
  displayFilter: z.string().default(''),
  columns: z.array(Column).default([]),
  colouringRules: z.array(ColouringRule).default([]),
  /** frame number of the selected packet, null for none */
  selectedPacket: z.number().int().positive().nullable().default(null),
  /** owned by the insights engine: stored and returned as-is */
  insights: z.record(z.string(), z.unknown()).default({}),
  /** Decode As rules in tshark's -d syntax ('tcp.port==8888,http'); absent in sessions written before them */
  decodeAs: z.array(z.string().max(200)).max(1000).optional(),
});

export type SessionMetadata = z.infer<typeof SessionMetadataSchema>;
export type ColumnSpec = z.infer<typeof Column>;
export type ColouringRuleSpec = z.infer<typeof ColouringRule>;
export type CaptureSettingsSpec = z.infer<typeof CaptureSettings>;

export function defaultMetadata(): SessionMetadata {
  return SessionMetadataSchema.parse({});
}

export type { CustomOption };

export function encodeMetadata(meta: Partial<SessionMetadata>): CustomOption[] {
  const r = SessionMetadataSchema.safeParse({ ...meta, format: SESSION_FORMAT, version: SESSION_VERSION });
  if (!r.success) {
    throw new RangeError(`invalid session metadata: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const full = r.data;
  const bytes = Buffer.from(JSON.stringify(full), 'utf8');
  if (bytes.length > SESSION_MAX_JSON) {
    throw new Error(`session metadata is ${bytes.length} bytes, more than the ${SESSION_MAX_JSON}-byte limit (insight settings too large?)`);
  }
  const out: CustomOption[] = [];
  for (let off = 0; off < bytes.length; off += SESSION_CHUNK) {
    out.push({ code: SESSION_OPTION_CODE, pen: SESSION_PEN, data: bytes.subarray(off, off + SESSION_CHUNK) });
  }
  return out;
}

export interface DecodedMetadata {
  metadata: SessionMetadata;
  /** true when the file carried our metadata (false: defaults for a foreign file) */
  ours: boolean;
  /** why our metadata was present but not used, e.g. newer version or bad JSON */
  notice?: string;
}

/** Read our metadata from an SHB's custom options (any order of unrelated options). */
export function decodeMetadata(options: readonly CustomOption[] | undefined): DecodedMetadata {
  const parts = (options ?? []).filter((o) => o.pen === SESSION_PEN && (o.code === SESSION_OPTION_CODE));
  if (!parts.length) return { metadata: defaultMetadata(), ours: false };
  const total = parts.reduce((n, p) => n + p.data.length, 0);
  if (total > SESSION_MAX_JSON) return { metadata: defaultMetadata(), ours: true, notice: `session metadata ignored: ${total} bytes exceeds the limit` };
  const json = Buffer.concat(parts.map((p) => p.data)).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    return { metadata: defaultMetadata(), ours: true, notice: `session metadata ignored: not valid JSON (${(err as Error).message})` };
  }
  if (typeof raw === 'object' && raw && typeof (raw as { version?: unknown }).version === 'number' && (raw as { version: number }).version > SESSION_VERSION) {
    // A newer app wrote it; read what we understand rather than nothing.
    const r = SessionMetadataSchema.safeParse(raw);
    if (r.success) return { metadata: r.data, ours: true, notice: `session metadata version ${(raw as { version: number }).version} is newer than this app's (${SESSION_VERSION}); unknown settings are kept but not applied` };
  }
  const r = SessionMetadataSchema.safeParse(raw);
  if (!r.success) {
    return { metadata: defaultMetadata(), ours: true, notice: `session metadata ignored: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  }
  return { metadata: r.data, ours: true };
}
