// Autocompletion for the display-filter bar: the word under the cursor is
// matched against the field registry (and, after a field, the operators).
import { allFields, completeField, getField } from '../fields/registry';
import type { FieldType } from '../types';

export interface CompletionItem {
  /** text to insert in place of [start, end) */
  name: string;
  kind: 'field' | 'protocol' | 'function' | 'keyword' | 'value';
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

export function completeFilter(text: string, cursor: number = text.length, limit = 50): CompletionResult {
  const pos = Math.max(0, Math.min(cursor, text.length));
  let start = pos;
  while (start > 0 && NAME_CHAR.test(text[start - 1]!)) start--;
  let end = pos;
  while (end < text.length && NAME_CHAR.test(text[end]!)) end++;
  const prefix = text.slice(start, pos);

  const items: CompletionItem[] = [];
  // After `field ==`, offer the field's symbolic values (ip.proto == "UDP").
  const rel = /([A-Za-z0-9_.-]+)\s*(==|!=|===|!==|~=|eq|ne|any_eq|all_ne|all_eq|any_ne)\s*"?$/.exec(text.slice(0, start));
  const names = rel ? getField(rel[1]!)?.valueNames : undefined;
  if (names) {
    const quoted = text[start - 1] === '"';
    const low = prefix.toLowerCase();
    for (const [num, name] of Object.entries(names)) {
      if (!name.toLowerCase().startsWith(low)) continue;
      items.push({ name: quoted ? name : `"${name}"`, kind: 'value', title: `${name} (${num})` });
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
