// Display-filter macros, as Wireshark 4.0's `dfilter_macros` file: a UAT
// table of "name","text" lines; `${name}` or `${name:a1;a2}` in a filter is
// replaced by the text with $1, $2 ... set to the arguments before the
// filter is scanned (as Wireshark's dfilter_macro_apply).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { configDir } from '../session/paths';
import { FilterError } from './lexer';

export type Macros = ReadonlyMap<string, string>;

export function loadMacroFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const fields = uatFields(line);
    if (fields && fields.length >= 2 && /^[A-Za-z0-9_]+$/.test(fields[0]!)) out.set(fields[0]!, fields[1]!);
  }
  return out;
}

/** A UAT line: comma-separated double-quoted fields with \\xNN and \\" escapes; null for comments and junk. */
function uatFields(line: string): string[] | null {
  const s = line.trim();
  if (!s || s.startsWith('#')) return null;
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (s[i] !== '"') return null;
    i++;
    let v = '';
    for (;;) {
      if (i >= s.length) return null;
      const ch = s[i]!;
      if (ch === '"') { i++; break; }
      if (ch === '\\') {
        const e = s[i + 1];
        if (e === 'x' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 2, i + 4))) { v += String.fromCharCode(parseInt(s.slice(i + 2, i + 4), 16)); i += 4; continue; }
        if (e !== undefined) { v += e; i += 2; continue; }
        return null;
      }
      v += ch;
      i++;
    }
    out.push(v);
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) return out;
    if (s[i] !== ',') return null;
    i++;
    while (s[i] === ' ' || s[i] === '\t') i++;
  }
}

/** How deep macros may expand macros (a macro naming itself would never end). */
export const MAX_MACRO_DEPTH = 10;

export interface Expanded {
  text: string;
  /** where the macro calls were in the source: errors found after expansion point at them */
  calls: Array<{ start: number; end: number }>;
}

const NAME_CHAR = /[A-Za-z0-9_.#-]/;

/**
 * Replaces every ${name} and ${name:arg1;arg2} that names a macro (not a
 * field: ${ip.src} is a field reference and stays) by its text, $1 ... $n
 * set to the arguments, like Wireshark 4.0's dfilter_macro_apply; strings in
 * double quotes are left alone. Errors carry tshark's messages.
 */
export function expandMacros(src: string, macros: Macros, isField: (name: string) => boolean, depth = 0): Expanded {
  const calls: Expanded['calls'] = [];
  let out = '';
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === '"') {
      // copy the string as it is, escapes included
      let j = i + 1;
      while (j < n && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c !== '$' || src[i + 1] !== '{') { out += c; i++; continue; }
    const start = i;
    let j = i + 2;
    while (j < n && src[j] !== ':' && src[j] !== '}') {
      if (!NAME_CHAR.test(src[j]!)) throw new FilterError('invalid character in macro name', start, j + 1);
      j++;
    }
    if (j >= n) throw new FilterError('end of filter in the middle of a macro expression', start, n);
    const name = src.slice(i + 2, j);
    // a macro wins over a field of the same name (${nfs}); other names are field references
    if (src[j] === '}' && !macros.has(name) && isField(name.split('#')[0]!)) {
      out += src.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const args: string[] = [];
    if (src[j] === ':') {
      let a = '';
      j++;
      for (;; j++) {
        if (j >= n) throw new FilterError('end of filter in the middle of a macro expression', start, n);
        const ch = src[j]!;
        if (ch === '\\' && j + 1 < n) { a += src[++j]; continue; }
        if (ch === ';') { args.push(a); a = ''; continue; }
        if (ch === '}') { args.push(a); break; }
        a += ch;
      }
    }
    const end = j + 1;
    const body = macros.get(name);
    if (body === undefined) throw new FilterError(`macro '${name}' does not exist`, start, end);
    let want = 0;
    for (const m of body.matchAll(/\$([0-9]+)/g)) want = Math.max(want, Number(m[1]));
    if (args.length !== want) throw new FilterError(`wrong number of arguments for macro '${name}', expecting ${want} instead of ${args.length}`, start, end);
    if (depth >= MAX_MACRO_DEPTH) throw new FilterError(`macro '${name}' expands macros more than ${MAX_MACRO_DEPTH} levels deep`, start, end);
    const text = body.replace(/\$([0-9]+)/g, (_, k: string) => args[Number(k) - 1] ?? '');
    out += expandMacros(text, macros, isField, depth + 1).text;
    calls.push({ start, end });
    i = end;
  }
  return { text: out, calls };
}

let userMacros: { path: string; mtimeMs: number; macros: Map<string, string> } | undefined;

/**
 * The user's macros: `dfilter_macros` in xdpscope's config folder
 * ($XDPSCOPE_CONFIG_DIR, else ~/.config/xdpscope), in Wireshark's format, so
 * Wireshark's own file can be copied there. Re-read when it changes; absent
 * or unreadable means none.
 */
export function loadUserMacros(env: NodeJS.ProcessEnv = process.env): Macros {
  const path = join(configDir(env), 'dfilter_macros');
  try {
    const st = statSync(path);
    if (userMacros?.path === path && userMacros.mtimeMs === st.mtimeMs) return userMacros.macros;
    // a macro file is a few lines: refuse to read something huge
    if (!st.isFile() || st.size > 1 << 20) return new Map();
    userMacros = { path, mtimeMs: st.mtimeMs, macros: loadMacroFile(readFileSync(path, 'utf8')) };
    return userMacros.macros;
  } catch {
    return new Map();
  }
}
