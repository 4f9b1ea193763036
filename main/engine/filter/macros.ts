// Display-filter macros, as Wireshark 4.0's `dfilter_macros` file: a UAT
// table of "name","text" lines; `${name}` or `${name:a1;a2}` in a filter is
// replaced by the text with $1, $2 ... set to the arguments before the
// filter is scanned (as Wireshark's dfilter_macro_apply).
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
