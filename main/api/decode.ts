// Analyze → Decode As…: which tables can be overridden and with which
// protocols, and the entries in use (main/engine/service/handlers/decode.ts).
// Entries apply to the open capture at once (it is dissected again), are
// saved with the session, and `save` also writes them to the user's
// `decode_as_entries` (Wireshark's format) read when the engine starts.
import { z } from 'zod';
import { call, empty } from './common';

const table = z.enum(['tcp.port', 'udp.port']);
export type DecodeAsTable = z.infer<typeof table>;
const port = z.number().int().min(0).max(65535);

/** One Decode As entry: packets with this port in the table go to `protocol` (tshark's -d table==value,protocol). */
export const decodeAsEntry = z.object({
  table,
  value: port,
  /** the protocol's filter name as the table lists it ('http'); 'data' to decode none */
  protocol: z.string().min(1).max(64),
}).strict();
export type DecodeAsEntry = z.infer<typeof decodeAsEntry>;

export const decodeAsInfo = z.object({
  tables: z.array(z.object({ name: table, title: z.string(), protocols: z.array(z.string()) })),
  /** the entries in use, each with what the table gives its value without it (Wireshark's Default column) */
  entries: z.array(decodeAsEntry.extend({ initial: z.string() })),
  /** the user's decode_as_entries file */
  file: z.string(),
  /** entries of that file (or of a session) that could not be used, and why */
  problems: z.array(z.string()),
});
export type DecodeAsInfo = z.infer<typeof decodeAsInfo>;

export const decodeApi = {
  getDecodeAs: call(empty, decodeAsInfo),
  /**
   * Replaces the entries: the open capture is dissected again with them
   * (list, filters, details, insights); `save` also writes the user's file.
   * A bad entry is refused (kind 'request') and nothing changes.
   */
  setDecodeAs: call(z.object({ entries: z.array(decodeAsEntry).max(1000), save: z.boolean().optional() }).strict(), decodeAsInfo),
  /** what the table gives a value without an entry: the dialog's Default column, for a new row */
  decodeAsDefault: call(z.object({ table, value: port }).strict(), z.object({ initial: z.string() })),
};
