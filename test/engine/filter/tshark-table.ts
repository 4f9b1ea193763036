// The display-filter cases judged by tshark 4.0 are data: they live one case
// a line in tshark-table.txt and tshark-language.txt (the format is described
// at the top of tshark-table.txt), so a case reads as the filter a user types,
// without a language's quoting around it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../lib/env';

export interface FilterCase {
  filter: string;
  files: string[];
}

/** Parses a case table; a malformed line throws with its file and line number rather than silently dropping a case. */
export function readCases(name: string): FilterCase[] {
  const path = join(ROOT, 'test', 'engine', 'filter', name);
  const alias = new Map<string, string>();
  const cases: FilterCase[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const where = `${path}:${i + 1}`;
    const m = /^(\S+) +(.+)$/.exec(line);
    if (!m) throw new Error(`${where}: expected "CAPTURES FILTER" or "@ALIAS FILE"`);
    const [, head, rest] = m;
    if (head.startsWith('@')) {
      alias.set(head.slice(1), rest.replace(/ +#.*$/, ''));
      return;
    }
    const files = head.split(',').map((a) => {
      const file = alias.get(a);
      if (file === undefined) throw new Error(`${where}: unknown capture alias ${a}`);
      return file;
    });
    const filter = rest.startsWith('json:') ? (JSON.parse(rest.slice(5)) as string) : rest;
    cases.push({ filter, files });
  });
  return cases;
}

export const TSHARK_TABLE: FilterCase[] = readCases('tshark-table.txt');
