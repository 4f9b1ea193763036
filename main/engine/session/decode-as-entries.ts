// The user's Decode As entries: `decode_as_entries` in xdpscope's config
// folder ($XDPSCOPE_CONFIG_DIR, else ~/.config/xdpscope), in Wireshark's
// format, so Wireshark's own file (~/.config/wireshark/decode_as_entries)
// can be copied there and ours copied back. Read when the engine starts;
// written when the user saves the dialog's entries.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { configDir } from './paths';
import { ensurePrivateDir, replacePrivateFile } from '../file/private';
import { type DecodeAsRule, readDecodeAsEntries, writeDecodeAsEntries } from '../dissect/decode-as';

/** a Decode As file is a few lines: anything larger is not one */
const MAX_FILE = 1 << 20;

export const decodeAsEntriesPath = (env: NodeJS.ProcessEnv = process.env): string => join(configDir(env), 'decode_as_entries');

/**
 * The saved entries; none when there is no file. What cannot be used (an
 * unreadable file, an entry for a table or protocol we lack) is named in
 * `problems`, and the rest still applies.
 */
export function loadUserDecodeAs(env: NodeJS.ProcessEnv = process.env): { rules: DecodeAsRule[]; problems: string[] } {
  const path = decodeAsEntriesPath(env);
  try {
    const st = statSync(path);
    if (!st.isFile()) return { rules: [], problems: [`${path} is not a file`] };
    if (st.size > MAX_FILE) return { rules: [], problems: [`${path} is ${st.size} bytes: not a decode_as_entries file (at most ${MAX_FILE})`] };
    const r = readDecodeAsEntries(readFileSync(path, 'utf8'));
    return { rules: r.rules, problems: r.skipped.map((s) => `${path} ${s}`) };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { rules: [], problems: [] };
    return { rules: [], problems: [`${path}: ${(e as Error).message}`] };
  }
}

/** Replaces the saved entries (atomically, 0600 in the 0700 config folder); returns the path. */
export function saveUserDecodeAs(rules: readonly DecodeAsRule[], env: NodeJS.ProcessEnv = process.env): string {
  const path = decodeAsEntriesPath(env);
  ensurePrivateDir(configDir(env));
  replacePrivateFile(path, writeDecodeAsEntries(rules));
  return path;
}
