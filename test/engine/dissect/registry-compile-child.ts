// A program that imports the display-filter compiler and nothing else (its
// own bundle): every field name on stdin must compile. Prints the failures.
import { readFileSync } from 'node:fs';
import { compileDisplayFilter } from '../../../main/engine/filter/compile';

const names = JSON.parse(readFileSync(0, 'utf8')) as string[];
const bad: string[] = [];
for (const n of names) {
  const r = compileDisplayFilter(n);
  if (!r.ok) bad.push(`${n}: ${r.error.message}`);
}
process.stdout.write(JSON.stringify(bad));
