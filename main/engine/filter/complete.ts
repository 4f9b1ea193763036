// Autocompletion for the display-filter bar: the word under the cursor is
// matched against the fields we decode, then the ones Wireshark knows and we
// do not (marked "not decoded"); after a field, the operators; after a
// comparison, the field's value names (Wireshark's, as tshark accepts them);
// after "${", the user's macros and fields to reference.
import { allFields, completeField, getField } from '../fields/registry';
import { completeWiresharkField, fieldTypeOf, wiresharkField } from '../fields/wireshark';
import type { FieldType } from '../types';
import { loadUserMacros, type Macros } from './macros';

export interface CompletionItem {
  /** text to insert in place of [start, end) */
  name: string;
  kind: 'field' | 'protocol' | 'function' | 'keyword' | 'value' | 'macro';
  type?: FieldType;
  title?: string;
  description?: string;
}

export interface CompletionResult {
  /** the span of the text the completions replace */
  start: number;
  end: number;
  items: CompletionItem[];
}

const FUNCTIONS = ['len', 'count', 'lower', 'upper', 'string', 'max', 'min', 'abs'];
const OPERATORS = ['==', '!=', '===', '!==', '~=', '>', '<', '>=', '<=', 'contains', 'matches', 'in', 'and', 'or', 'not'];
const NAME_CHAR = /[A-Za-z0-9_.-]/;

/** A field's value names as a filter may use them: Wireshark's value strings or true/false strings, else ours. */
export function valueNamesOf(name: string): Array<{ value: string; name: string }> {
  const ws = wiresharkField(name);
  if (ws?.tfs) return [{ value: '1', name: ws.tfs[0] }, { value: '0', name: ws.tfs[1] }];
  if (ws?.values?.length) {
    const seen = new Set<string>();
    return ws.values.filter(([, , n]) => !seen.has(n) && seen.add(n)).map(([lo, hi, n]) => ({ value: lo === hi ? String(lo) : `${lo}-${hi}`, name: n }));
  }
  const def = getField(name);
  if (def?.type === 'bool') return [{ value: '1', name: 'True' }, { value: '0', name: 'False' }];
  return Object.entries(def?.valueNames ?? {}).map(([value, n]) => ({ value, name: n }));
}

export function completeFilter(text: string, cursor: number = text.length, limit = 50, macros: Macros = loadUserMacros()): CompletionResult {
  const pos = Math.max(0, Math.min(cursor, text.length));
  let start = pos;
  while (start > 0 && NAME_CHAR.test(text[start - 1]!)) start--;
  let end = pos;
  while (end < text.length && NAME_CHAR.test(text[end]!)) end++;
  const prefix = text.slice(start, pos);

  const items: CompletionItem[] = [];
  // After "${": a macro (with its arguments to fill in) or a field to reference.
  if (text.slice(Math.max(0, start - 2), start) === '${' && !insideString(text, start)) {
    for (const [name, body] of macros) {
      if (!name.startsWith(prefix)) continue;
      const args = Math.max(0, ...[...body.matchAll(/\$([0-9]+)/g)].map((m) => Number(m[1])));
      items.push({ name: args ? `${name}:` : `${name}}`, kind: 'macro', title: body, description: args ? `macro with ${args} argument${args > 1 ? 's' : ''}, separated by ";"` : 'macro' });
    }
    for (const d of completeField(prefix, limit)) items.push({ name: `${d.name}}`, kind: 'field', type: d.type, title: `${d.title} (in the selected packet)` });
    return { start, end, items: items.slice(0, limit) };
  }
  // After `field ==`, offer the field's symbolic values (ip.proto == "UDP", ip.flags.df == "Set").
  const rel = /([A-Za-z0-9_.-]+)\s*(==|!=|===|!==|~=|eq|ne|any_eq|all_ne|all_eq|any_ne)\s*"?$/.exec(text.slice(0, start));
  const names = rel ? valueNamesOf(rel[1]!) : [];
  if (names.length) {
    const quoted = text[start - 1] === '"';
    const low = prefix.toLowerCase();
    for (const { value, name } of names) {
      if (!name.toLowerCase().startsWith(low)) continue;
      items.push({ name: quoted ? name : `"${name}"`, kind: 'value', title: `${name} (${value})` });
    }
    return { start, end, items: items.slice(0, limit) };
  }
  if (insideString(text, start)) return { start, end, items: [] };
  // After a complete field name and a space, offer the operators.
  const before = text.slice(0, start).trimEnd();
  const prevWord = /([A-Za-z0-9_.-]+)$/.exec(before)?.[1];
  if (prefix === '' && prevWord && before.length < start && allFields().some((f) => f.name === prevWord)) {
    for (const op of OPERATORS) items.push({ name: op, kind: 'keyword' });
    return { start, end, items: items.slice(0, limit) };
  }
  for (const d of completeField(prefix, limit)) {
    items.push({
      name: d.name,
      kind: d.type === 'protocol' ? 'protocol' : 'field',
      type: d.type,
      title: d.title,
      ...(d.description !== undefined ? { description: d.description } : {}),
    });
  }
  // then what Wireshark knows and we do not decode: it compiles, and matches nothing
  if (prefix.length >= 2 && items.length < limit) {
    const ours = new Set(items.map((i) => i.name));
    for (const w of completeWiresharkField(prefix, limit)) {
      if (ours.has(w.name) || getField(w.name)) continue;
      const type = fieldTypeOf(w.ftype);
      items.push({ name: w.name, kind: type === 'protocol' ? 'protocol' : 'field', type, title: 'not decoded by xdpscope' });
      if (items.length >= limit) break;
    }
  }
  if (prefix) {
    for (const f of FUNCTIONS) if (f.startsWith(prefix) && f !== prefix) items.push({ name: `${f}(`, kind: 'function' });
    for (const k of ['and', 'or', 'not', 'contains', 'matches', 'in']) if (k.startsWith(prefix) && k !== prefix) items.push({ name: k, kind: 'keyword' });
  }
  return { start, end, items: items.slice(0, limit) };
}

function insideString(text: string, at: number): boolean {
  let inStr = false;
  for (let i = 0; i < at; i++) {
    if (text[i] === '\\' && inStr) { i++; continue; }
    if (text[i] === '"') inStr = !inStr;
  }
  return inStr;
}
