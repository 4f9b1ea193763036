// Persistence: save, export, and the session a capture carries (view,
// colouring rules, insight settings) (main/engine/service/handlers/session.ts).
import { z } from 'zod';
import { bytes, call, colouringRule, colouringRuleInfo, empty, nat, ok, path, viewColumn, viewState } from './common';

const select = z.enum(['all', 'displayed', 'selected', 'range']);
/** Which packets an export takes ("Export Specified Packets"). */
export type ExportSelect = z.infer<typeof select>;
const exportFields = {
  path,
  select,
  /** for 'selected' */
  frames: z.array(z.number().int().positive()).max(10_000_000).optional(),
  /** for 'range': '1-10,15' */
  range: z.string().max(10_000).optional(),
  overwrite: z.boolean().optional(),
  /** pcapng: leave out the TLS key log a save would carry (Decryption Secrets Block) */
  stripSecrets: z.boolean().optional(),
};
export const exportParams = z.object(exportFields).strict();
export type ExportParams = z.infer<typeof exportParams>;

export const saveParams = z.object({
  path,
  displayedOnly: z.boolean().optional(),
  /** default: 'pcap' for a .pcap name, else 'pcapng' (classic pcap keeps no metadata or comments) */
  format: z.enum(['pcapng', 'pcap']).optional(),
  /** replace an existing file; without it an existing file is refused with kind 'exists' */
  overwrite: z.boolean().optional(),
  /** the view to store (else the last one setView gave) */
  view: viewState.optional(),
  /** pcapng: leave out the TLS key log (Decryption Secrets Block) a save carries when TLS was decrypted */
  stripSecrets: z.boolean().optional(),
}).strict();

/** Preferences → TLS → key log file (tshark's tls.keylog_file) */
export const tlsKeylog = z.object({
  path: z.string().nullable(),
  /** connections (client randoms) it holds secrets for */
  connections: nat,
  /** why the file cannot be read now, or null */
  error: z.string().nullable(),
});
export type TlsKeylogInfo = z.infer<typeof tlsKeylog>;
export type SaveParams = z.infer<typeof saveParams>;

const captureFormat = z.enum(['pcapng', 'pcap']);
const dissectionFormat = z.enum(['csv', 'json']);
const anyFormat = z.enum(['pcapng', 'pcap', 'csv', 'json']);
const written = <F extends z.ZodType>(format: F) => z.object({ path: z.string(), packets: nat, format });

/** The session the open capture came from (our metadata, or defaults for a foreign file). */
export const sessionInfo = z.object({
  /** true when the file carried xdpscope session metadata */
  ours: z.boolean(),
  displayFilter: z.string(),
  columns: z.array(viewColumn),
  selectedPacket: z.number().nullable(),
  /** the colouring rules the file came with (empty when it had none) */
  colouringRules: z.array(colouringRule),
  capture: z.object({ interface: z.string().optional(), mode: z.string().optional(), filter: z.string().optional() }).optional(),
  insights: z.record(z.string(), z.unknown()),
  /** things the user should know about the file (damage, ignored metadata, cancelled load) */
  notices: z.array(z.string()),
  /** frames that have comments */
  commentedFrames: z.array(z.number()),
});
export type SessionInfo = z.infer<typeof sessionInfo>;

export const sessionApi = {
  save: call(saveParams, written(captureFormat)),
  /** the file save writes, without marking anything saved (browser downloads are copies) */
  saveCopy: call(saveParams, written(captureFormat)),
  /** Preferences → TLS → key log file: later dissections (details, follow, filters, a capture or file opened next) decrypt with it */
  setTlsKeylog: call(z.object({ path: path.nullable() }).strict(), tlsKeylog),
  getTlsKeylog: call(empty, tlsKeylog),
  /** File > Export Specified Packets */
  exportPackets: call(z.object({ ...exportFields, format: captureFormat.optional() }).strict(), written(captureFormat)),
  /** File > Export Packet Dissections */
  exportDissections: call(z.object({ ...exportFields, format: dissectionFormat }).strict(), written(dissectionFormat)),
  /** an export's bytes, for a browser download (bounded: large exports go to a path) */
  exportBytes: call(
    z.object({ select, frames: exportFields.frames, range: exportFields.range, format: anyFormat }).strict(),
    z.object({ data: bytes, packets: nat, format: anyFormat }),
  ),
  /** the renderer's column layout and selection, stored by the next save */
  setView: call(viewState, ok),
  /** the open capture's session metadata (what to restore after openFile) */
  getSession: call(empty, sessionInfo),
  /** the colouring table in use (the open session's own, else the user's, else Wireshark's defaults) */
  getColouring: call(empty, z.object({ rules: z.array(colouringRuleInfo) })),
  /** replaces the table (to enable, disable, edit or reorder rules); packets are coloured again */
  setColouring: call(z.object({ rules: z.array(colouringRule).max(255) }).strict(), z.object({ rules: z.array(colouringRuleInfo) })),
};
