// The field sweep: every field our dissectors declare that tshark also
// knows, compared cell by cell with tshark on the same captures.
//
//   node dist/scripts/sweep-fields.js [--json OUT] [--all] [--batch N] [--one-pass] [--in-process] [FILE|DIR ...]
//
// Without FILE or DIR it reads the shared captures, SIPp's sample captures
// (/usr/share/sip-tester) and the enterprise captures kept beside the tests
// (test/engine/dissect/data). For each capture the fields compared are those
// whose protocol (tshark's parent protocol from `tshark -G fields`) appears
// in some frame's frame.protocols, or in the frame layer itself; both sides
// print every occurrence joined by commas (`-E occurrence=a -E aggregator=,`),
// in batches of fields. The report lists, per field, the cells compared, the
// cells differing and the first difference with both values, worst first.
// Differences we keep on purpose are listed, with the reason, in
// sweep-justified.ts; they are counted apart and not reported (unless --all).
// test/scripts/sweep-fields.test.ts runs the sweep on the shared captures.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { allFields } from '../main/engine/fields/registry';
import { parseCaptureBuffer } from '../main/engine/file/open';
import { Dissector } from '../main/engine/dissect';
import { FieldsFormatter, defaultFieldsOptions } from '../main/engine/output/fields';
import { JUSTIFIED, TSHARK_EXTRA_FRAMES, type Justification } from './sweep-justified';

export interface FieldTally {
  field: string;
  /** tshark's parent protocol of the field */
  protocol: string;
  cells: number;
  differing: number;
  /** differing cells excused by a justification */
  justified: number;
  /** of those, cells excused by a justification marked open (known, not fixed yet) */
  open: number;
  first?: { capture: string; frame: number; tshark: string; ours: string };
}

export interface CaptureProblem { capture: string; problem: string }

export interface SweepResult {
  captures: number;
  fields: Map<string, FieldTally>;
  problems: CaptureProblem[];
  /** the justifications that excused some difference */
  used: Set<Justification>;
}

export interface SweepOptions {
  /** fields per tshark/xdpscope run (command lines stay short; tshark's memory per run too) */
  batch?: number;
  /**
   * One tshark run per capture with every field and frame.protocols, the
   * fields of absent protocols left uncounted: half the runs, for small
   * captures (the test).
   */
  onePass?: boolean;
  /** decode in this process (fast; what the test does) instead of running `xdpscope read` */
  inProcess?: boolean;
  /** path of bin/xdpscope.js for the CLI runs */
  cli?: string;
  justified?: Justification[];
  tshark?: string;
}

interface TsharkField { name: string; protocol: string }

/** Every field tshark knows, with its parent protocol (`tshark -G fields`: F, title, abbrev, type, parent, …). */
export function tsharkFields(tshark = 'tshark'): Map<string, TsharkField> {
  const g = spawnSync(tshark, ['-G', 'fields'], { encoding: 'utf8', maxBuffer: 512 << 20 });
  if (g.status !== 0) throw new Error(`tshark -G fields failed (${g.status}): ${g.stderr}`);
  const out = new Map<string, TsharkField>();
  for (const line of g.stdout.split('\n')) {
    const c = line.split('\t');
    if (c[0] === 'F') out.set(c[2], { name: c[2], protocol: c[4] });
    else if (c[0] === 'P') out.set(c[2], { name: c[2], protocol: c[2] });
  }
  return out;
}

/**
 * The fields to compare: ours that tshark knows. GeoIP fields are left out
 * (tshark here has no database, and the CLI may find one).
 */
export function sweepFields(theirs: Map<string, TsharkField>): TsharkField[] {
  return allFields()
    .filter((f) => theirs.has(f.name) && !f.name.includes('.geoip.'))
    .map((f) => theirs.get(f.name) as TsharkField)
    .sort((a, b) => a.name.localeCompare(b.name));
}

const TSHARK_ENV = { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' };
const MAX_OUT = 1 << 30;

function rows(text: string): string[][] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((l) => l.split('\t'));
}

function runTshark(tshark: string, file: string, fields: string[]): string[][] {
  const r = spawnSync(tshark, ['-r', file, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', ...fields.flatMap((f) => ['-e', f])],
    { encoding: 'utf8', env: TSHARK_ENV, maxBuffer: MAX_OUT });
  if (r.error) throw new Error(`tshark on ${file}: ${r.error.message}`);
  return rows(r.stdout);
}

function runOurs(opts: SweepOptions, file: string, fields: string[]): { rows: string[][]; error?: string } {
  if (opts.inProcess) {
    const cap = parseCaptureBuffer(readFileSync(file));
    const dis = new Dissector({ geoip: null });
    const fmt = new FieldsFormatter(defaultFieldsOptions(fields));
    return { rows: cap.packets.map((p) => fmt.line(dis.dissect(p)).replace(/\n$/, '').split('\t')), error: cap.error ? String(cap.error) : undefined };
  }
  const cli = opts.cli ?? resolve(__dirname, '..', '..', 'bin', 'xdpscope.js');
  const r = spawnSync(process.execPath, [cli, 'read', '--no-geoip', '-r', file, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', ...fields.flatMap((f) => ['-e', f])],
    { encoding: 'utf8', env: TSHARK_ENV, maxBuffer: MAX_OUT });
  if (r.error) throw new Error(`xdpscope read on ${file}: ${r.error.message}`);
  return { rows: rows(r.stdout), error: r.status === 0 ? undefined : `exit ${r.status}: ${r.stderr.trim().split('\n')[0]}` };
}

/** The justification covering this difference, if any. */
function justification(list: Justification[], capture: string, field: string, tshark: string, ours: string): Justification | undefined {
  return list.find((j) =>
    (typeof j.field === 'string' ? j.field === field : j.field.test(field))
    && (!j.captures || j.captures.includes(capture))
    && (!j.when || j.when(tshark, ours)));
}

export function sweep(files: string[], opts: SweepOptions = {}): SweepResult {
  const tshark = opts.tshark ?? 'tshark';
  const batch = Math.max(1, opts.batch ?? 400);
  const justified = opts.justified ?? JUSTIFIED;
  const all = sweepFields(tsharkFields(tshark));
  const result: SweepResult = { captures: 0, fields: new Map(), problems: [], used: new Set() };
  /** Compares the columns of `part` (from column `at` on) of both sides' rows. */
  const compare = (capture: string, part: TsharkField[], present: Set<string>, theirs: string[][], ours: { rows: string[][]; error?: string }, at: number): void => {
    // tshark shows some non-packets as frames (pcapng Custom Blocks in 4.0): they are dropped from its rows
    const extra = TSHARK_EXTRA_FRAMES[capture];
    if (extra) theirs = theirs.filter((_, i) => !extra.includes(i + 1));
    if (ours.rows.length !== theirs.length) {
      result.problems.push({ capture, problem: `frame count: tshark ${theirs.length}, ours ${ours.rows.length}${ours.error ? ` (${ours.error})` : ''}` });
    }
    const n = Math.min(ours.rows.length, theirs.length);
    part.forEach((f, j) => {
      if (!present.has(f.protocol)) return;
      const k = at + j;
      let t = result.fields.get(f.name);
      if (!t) { t = { field: f.name, protocol: f.protocol, cells: 0, differing: 0, justified: 0, open: 0 }; result.fields.set(f.name, t); }
      for (let i = 0; i < n; i++) {
        const want = theirs[i][k] ?? '', got = ours.rows[i][k] ?? '';
        t.cells++;
        if (want === got) continue;
        const j = justification(justified, capture, f.name, want, got);
        if (j) { t.justified++; if (j.open) t.open++; result.used.add(j); continue; }
        t.differing++;
        t.first ??= { capture, frame: i + 1, tshark: want, ours: got };
      }
    });
  };
  const protocolsOf = (rows: string[][], col: number): Set<string> => {
    // the protocols present in this capture, by tshark's account: frame is always there
    const present = new Set(['frame']);
    for (const r of rows) for (const x of (r[col] ?? '').split(':')) if (x) present.add(x);
    return present;
  };
  for (const file of files) {
    const capture = basename(file);
    result.captures++;
    if (opts.onePass) {
      // (a field named twice fills one column only in tshark: frame.protocols is among them)
      const names = all.map((f) => f.name);
      const theirs = runTshark(tshark, file, names);
      compare(capture, all, protocolsOf(theirs, names.indexOf('frame.protocols')), theirs, runOurs(opts, file, names), 0);
      continue;
    }
    const present = protocolsOf(runTshark(tshark, file, ['frame.protocols']), 0);
    const fields = all.filter((f) => present.has(f.protocol));
    for (let b = 0; b < fields.length; b += batch) {
      const part = fields.slice(b, b + batch);
      const names = part.map((f) => f.name);
      compare(capture, part, present, runTshark(tshark, file, names), runOurs(opts, file, names), 0);
    }
  }
  return result;
}

/** The default captures: shared corpus, SIPp's samples, the tests' enterprise captures. */
export function defaultCaptureDirs(root: string): string[] {
  return [
    process.env.XDPSCOPE_CAPTURES ?? '',
    resolve(root, '..', 'shared', 'captures'),
    '/work/shared/captures',
    '/usr/share/sip-tester',
    join(root, 'test', 'engine', 'dissect', 'data'),
  ].filter((d, i, a) => d && existsSync(d) && a.indexOf(d) === i);
}

export function captureFiles(paths: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    const files = statSync(p).isDirectory() ? readdirSync(p).filter((f) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(f)).sort().map((f) => join(p, f)) : [p];
    for (const f of files) {
      // the same capture reached twice (the shared folder by two names) is swept once
      const key = `${basename(f)}:${statSync(f).size}`;
      if (!seen.has(key)) { seen.add(key); out.push(f); }
    }
  }
  return out;
}

/** Long values (reassembled bodies) are cut in the report: the first difference is what matters. */
const clip = (s: string): string => JSON.stringify(s.length > 160 ? `${s.slice(0, 160)}…(${s.length} chars)` : s);

export function report(r: SweepResult, all = false): string {
  const list = [...r.fields.values()].filter((t) => t.cells > 0);
  const cells = list.reduce((n, t) => n + t.cells, 0);
  const differing = list.reduce((n, t) => n + t.differing, 0);
  const justified = list.reduce((n, t) => n + t.justified, 0);
  const open = list.reduce((n, t) => n + t.open, 0);
  const lines = [`${r.captures} captures, ${list.length} fields, ${cells} cells compared, ${differing} differing, ${justified} justified (${open} of them known and open)`];
  for (const p of r.problems) lines.push(`! ${p.capture}: ${p.problem}`);
  const shown = list.filter((t) => t.differing > 0 || (all && t.justified > 0)).sort((a, b) => b.differing - a.differing || a.field.localeCompare(b.field));
  for (const t of shown) {
    const f = t.first;
    lines.push(`${String(t.differing).padStart(7)} / ${String(t.cells).padEnd(7)} ${t.field}${t.justified ? ` (+${t.justified} justified${t.open ? `, ${t.open} open` : ''})` : ''}`
      + (f ? `\n          ${f.capture} frame ${f.frame}: tshark ${clip(f.tshark)}, ours ${clip(f.ours)}` : ''));
  }
  return lines.join('\n');
}

function main(argv: string[]): number {
  let json: string | undefined;
  let all = false;
  const opts: SweepOptions = {};
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = argv[++i];
    else if (a === '--all') all = true;
    else if (a === '--in-process') opts.inProcess = true;
    else if (a === '--batch') opts.batch = Number(argv[++i]);
    else if (a === '--one-pass') opts.onePass = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node dist/scripts/sweep-fields.js [--json OUT] [--all] [--batch N] [--one-pass] [--in-process] [FILE|DIR ...]\n');
      return 0;
    } else if (a.startsWith('-')) { process.stderr.write(`sweep-fields: unknown option ${a}\n`); return 2; }
    else paths.push(a);
  }
  const root = resolve(__dirname, '..', '..');
  const files = captureFiles(paths.length ? paths : defaultCaptureDirs(root));
  if (files.length === 0) { process.stderr.write('sweep-fields: no captures found\n'); return 2; }
  const r = sweep(files, opts);
  process.stdout.write(report(r, all) + '\n');
  if (json) writeFileSync(json, JSON.stringify({ captures: r.captures, problems: r.problems, fields: [...r.fields.values()] }, null, 1));
  return [...r.fields.values()].some((t) => t.differing > 0) || r.problems.length ? 1 : 0;
}

// (the test bundles this module into itself: only the script's own bundle runs main)
if (require.main === module && basename(process.argv[1] ?? '') === 'sweep-fields.js') process.exitCode = main(process.argv.slice(2));
