// tshark as the oracle for display filters: runs `tshark -r FILE -Y FILTER`
// and keeps its answers in tshark-answers.json beside the table, so the
// filter tests still check when tshark is not installed.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAPTURES, ROOT } from '../../lib/env';

export const ANSWERS_PATH = join(ROOT, 'test', 'engine', 'filter', 'tshark-answers.json');

/** "file\tfilter" → matching frame numbers */
export type Answers = Record<string, number[]>;

/** Table files are shared-capture names, or `data/NAME` for the crafted captures beside the table. */
export const capturePath = (file: string): string =>
  file.startsWith('data/') ? join(ROOT, 'test', 'engine', 'filter', file) : join(CAPTURES, file);

export const answerKey = (file: string, filter: string): string => `${file}\t${filter}`;

export function loadAnswers(): Answers {
  return existsSync(ANSWERS_PATH) ? (JSON.parse(readFileSync(ANSWERS_PATH, 'utf8')) as Answers) : {};
}

export function saveAnswers(a: Answers): void {
  const sorted = Object.fromEntries(Object.entries(a).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  writeFileSync(ANSWERS_PATH, JSON.stringify(sorted, null, 0).replace(/\],"/g, '],\n"') + '\n');
}

/** Frame numbers tshark selects; rejects with tshark's message when it refuses the filter. */
export function tsharkFrames(file: string, filter: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    execFile('tshark', ['-n', '-r', capturePath(file), '-Y', filter, '-T', 'fields', '-e', 'frame.number'],
      { timeout: 60_000, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
        const frames = stdout.split('\n').filter((l) => l.trim() !== '').map(Number);
        // tshark exits non-zero on damaged files after printing what it read; a bad filter prints nothing
        if (err && frames.length === 0 && /tshark: (?!The file)/.test(stderr)) {
          reject(new Error(stderr.replace(/Running as user.*\n/, '').trim()));
          return;
        }
        resolve(frames);
      });
  });
}

/** Runs jobs with at most `n` at a time (two cores, shared). */
export async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}
