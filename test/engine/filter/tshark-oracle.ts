// tshark as the oracle for display filters: runs `tshark -r FILE -Y FILTER`
// and keeps its answers in tshark-answers.json beside the table, so the
// filter tests still check when tshark is not installed. A filter tshark
// refuses is stored with its message and the span its caret line marks.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPTURES, ROOT } from '../../lib/env';

export const ANSWERS_PATH = join(ROOT, 'test', 'engine', 'filter', 'tshark-answers.json');

/** tshark refused the filter: its message and the [start, end) its caret line underlines */
export interface Refusal { error: string; span?: [number, number] }

/** "file\tfilter" → matching frame numbers, or tshark's refusal */
export type Answer = number[] | Refusal;
export type Answers = Record<string, Answer>;

export const isRefusal = (a: Answer | undefined): a is Refusal => a !== undefined && !Array.isArray(a);

/** Table files are shared-capture names, or `data/NAME` for the crafted captures beside the table. */
export const capturePath = (file: string): string =>
  file.startsWith('data/') ? join(ROOT, 'test', 'engine', 'filter', file) : join(CAPTURES, file);

export const answerKey = (file: string, filter: string): string => `${file}\t${filter}`;

export function loadAnswers(): Answers {
  return existsSync(ANSWERS_PATH) ? (JSON.parse(readFileSync(ANSWERS_PATH, 'utf8')) as Answers) : {};
}

export function saveAnswers(a: Answers): void {
  const sorted = Object.fromEntries(Object.entries(a).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  writeFileSync(ANSWERS_PATH, JSON.stringify(sorted, null, 0).replace(/(\]|\}),"/g, '$1,\n"') + '\n');
}

/**
 * The display-filter macros the language table uses, in Wireshark 4.0's
 * `dfilter_macros` file (a UAT: "name","text" per line). tshark reads it
 * from WIRESHARK_CONFIG_DIR; xdpscope from its config dir (the test points
 * XDPSCOPE_CONFIG_DIR at the same folder).
 */
export const TEST_MACROS = [
  '# display-filter macros of the tshark language table',
  '"private_ipv4","$1 == 192.168.0.0/16 or $1 == 172.16.0.0/12 or $1 == 10.0.0.0/8"',
  '"private_ethernet","$1[0] & 0x0F == 2"',
  '"tcpport","tcp.port == $1"',
  '"ports2","tcp.port == $1 or tcp.port == $2"',
  '"nfs","tcp"',
  '"bad","tcp.port =="',
  '"quoted","http.request.method == \\x22POST\\x22"',
  '',
].join('\n');

let configDir: string | undefined;
/** A config folder holding TEST_MACROS as dfilter_macros (tshark's and ours). */
export function macroConfigDir(): string {
  if (!configDir) {
    configDir = join(tmpdir(), `xdpscope-filter-macros-${process.pid}`);
    mkdirSync(configDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(configDir, 'dfilter_macros'), TEST_MACROS);
  }
  return configDir;
}

/** tshark's refusal: the message line, and the span of the `^~~~` line under the echoed filter. */
export function parseRefusal(stderr: string, filter: string): Refusal {
  const lines = stderr.replace(/Running as user.*\n/, '').split('\n');
  const i = lines.findIndex((l) => l.startsWith('tshark: '));
  const error = (lines[i] ?? '').replace(/^tshark: /, '').trim();
  const echo = lines[i + 1];
  const caret = lines[i + 2];
  if (echo !== undefined && caret !== undefined && echo === `    ${filter}` && /^ {4} *\^~*$/.test(caret)) {
    const start = caret.indexOf('^') - 4;
    return { error, span: [start, start + caret.trim().length] };
  }
  return { error };
}

/** Frame numbers tshark selects, or its refusal of the filter. */
export function tsharkVerdict(file: string, filter: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    execFile('tshark', ['-n', '-r', capturePath(file), '-Y', filter, '-T', 'fields', '-e', 'frame.number'],
      { timeout: 60_000, maxBuffer: 1 << 24, env: { ...process.env, WIRESHARK_CONFIG_DIR: macroConfigDir() } }, (err, stdout, stderr) => {
        const frames = stdout.split('\n').filter((l) => l.trim() !== '').map(Number);
        // tshark exits non-zero on damaged files after printing what it read; a bad filter prints nothing
        if (err && frames.length === 0 && /tshark: (?!The file)/.test(stderr)) {
          resolve(parseRefusal(stderr, filter));
          return;
        }
        if (err && frames.length === 0 && !/tshark: The file/.test(stderr)) { reject(new Error(`${file}: ${filter}: ${err.message}`)); return; }
        resolve(frames);
      });
  });
}

/** Frame numbers tshark selects; rejects with tshark's message when it refuses the filter. */
export async function tsharkFrames(file: string, filter: string): Promise<number[]> {
  const v = await tsharkVerdict(file, filter);
  if (isRefusal(v)) throw new Error(v.error);
  return v;
}

/** Runs jobs with at most `n` at a time (two cores, shared). */
export async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}
