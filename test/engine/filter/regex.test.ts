// `matches` / `~` run on RE2 (linear time): patterns that make a backtracking
// engine spin for ever finish, PCRE constructs that need backtracking are
// filter errors that say why, Wireshark's matching rules (case-insensitive
// by default, bytes as latin1) hold, and no filter text can nest deep enough
// to overflow the stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { compileDisplayFilter, MAX_REGEX_PROGRAM } from '../../../main/engine/filter/compile';
import { MAX_NESTING } from '../../../main/engine/filter/parser';
import { dissection, registerTestFields, type PacketSpec } from './synthetic';

registerTestFields();

function matchesOn(filter: string, spec: PacketSpec): boolean {
  const r = compileDisplayFilter(filter);
  if (!r.ok) assert.fail(`${filter}: ${r.error.message}`);
  return r.filter.matches(dissection(1, spec));
}

// [filter, packet, expected]: each takes a backtracking engine longer than
// the age of the universe on these values
const CATASTROPHIC: Array<[string, PacketSpec, boolean]> = [
  ['frame matches "(.*){12}zzz"', { host: 'x'.repeat(64) }, false],
  ['frame matches "(.*){12}zzz"', { host: 'x'.repeat(64) + 'zzz' }, true],
  ['http.host matches "^(a+)+$"', { host: 'a'.repeat(64) + '!' }, false],
  ['http.host ~ "(a|aa)+b"', { host: 'a'.repeat(80) }, false],
  ['tcp.payload matches "(x+x+)+y"', { tcp: { sport: 1, dport: 2, payload: 'x'.repeat(64) } }, false],
  ['http.host matches "(.*a){25}"', { host: 'a'.repeat(24) + 'b'.repeat(40) }, false],
];

test('catastrophic patterns finish (a deadline guards the run: a backtracking engine never returns)', async () => {
  // In a worker, so that a spinning match fails this test instead of hanging the runner.
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { compileDisplayFilter } = require(workerData.compile);
    const { dissection, registerTestFields } = require(workerData.synthetic);
    registerTestFields();
    for (const [filter, spec] of workerData.cases) {
      const r = compileDisplayFilter(filter);
      parentPort.postMessage(r.ok ? r.filter.matches(dissection(1, spec)) : 'error: ' + r.error.message);
    }`;
  const worker = new Worker(code, {
    eval: true,
    workerData: { compile: join(__dirname, '../../lib/engine.js'), synthetic: join(__dirname, '../../lib/engine.js'), cases: CATASTROPHIC },
  });
  const got: unknown[] = [];
  let guard: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      guard = setTimeout(() => reject(new Error(`no answer within 60 s after ${got.length} of ${CATASTROPHIC.length} patterns (next: ${CATASTROPHIC[got.length]![0]})`)), 60_000);
      worker.on('message', (m) => { got.push(m); if (got.length === CATASTROPHIC.length) resolve(); });
      worker.on('error', reject);
      worker.on('exit', (c) => reject(new Error(`worker exited (${c}) after ${got.length} answers`)));
    });
  } finally {
    clearTimeout(guard);
    await worker.terminate();
  }
  assert.deepEqual(got, CATASTROPHIC.map((c) => c[2]));
});

// [filter, message, start, end]
const UNSUPPORTED: Array<[string, RegExp, number, number]> = [
  ['http.host matches "(a)\\\\1"', /a backreference \(`\\1`\)/, 18, 26],
  ['http.host matches "a(?=b)"', /a lookahead \(`\(\?=`\)/, 18, 26],
  ['http.host matches "a(?!b)"', /a lookahead \(`\(\?!`\)/, 18, 26],
  ['http.host matches "(?<=a)b"', /a lookbehind/, 18, 27],
  ['http.host matches "(?<!a)b"', /a lookbehind/, 18, 27],
  ['http.host matches "(?>a+)b"', /an atomic group/, 18, 27],
  ['http.host matches "a++b"', /a possessive quantifier \(`\+\+`\)/, 18, 24],
  ['http.host matches "(a|(?R))"', /a recursive pattern/, 18, 28],
];

test('constructs that need backtracking are filter errors that say why', () => {
  const wrong: string[] = [];
  for (const [text, msg, start, end] of UNSUPPORTED) {
    const r = compileDisplayFilter(text);
    if (r.ok) { wrong.push(`${text}: compiled`); continue; }
    if (!msg.test(r.error.message)) wrong.push(`${text}: ${r.error.message}`);
    else if (!r.error.message.endsWith("is not supported: xdpscope's regular expressions run in linear time (RE2 syntax).")) wrong.push(`${text}: ${r.error.message}`);
    if (r.error.start !== start || r.error.end !== end) wrong.push(`${text}: span [${r.error.start},${r.error.end})`);
  }
  assert.deepEqual(wrong, []);
  // other syntax errors keep RE2's own words and show the user's pattern, not the flags added to it
  const r = compileDisplayFilter('http.host matches "(ab"');
  assert.equal(r.ok ? '' : r.error.message, 'Regex compilation error: missing closing ): `(ab`.');
});

test('pattern size is bounded: repeat counts over 1000 and programs over MAX_REGEX_PROGRAM are errors', () => {
  for (const [text, msg] of [
    ['http.host matches "a{1001}"', /^Regex compilation error: invalid repeat count/],
    ['http.host matches "(?:a{1000}){1000}"', /^Regex compilation error: the pattern is too large \(about 1005000 instructions/],
    // refused before RE2 builds it (RE2 alone takes seconds and hundreds of MB on these)
    [`http.host matches "${'(.{0,1000}){1}'.repeat(600)}"`, /^Regex compilation error: the pattern is too large \(about \d+ instructions, at most 4096\)/],
    [`http.host matches "${'a{1000}'.repeat(1400)}"`, /^Regex compilation error: the pattern is too large \(about/],
    // refused once compiled
    ['http.host matches "(\\\\pL{1000}){5}"', /invalid repeat count/],
    [`http.host matches "${'[^a]{1000}'.repeat(5)}"`, /^Regex compilation error: the pattern is too large \(5002 instructions, at most 4096\)/],
  ] as Array<[string, RegExp]>) {
    const r = compileDisplayFilter(text);
    assert.equal(r.ok, false, text.slice(0, 60));
    if (!r.ok) assert.match(r.error.message, msg, text.slice(0, 60));
  }
  assert.equal(MAX_REGEX_PROGRAM, 4096);
  // the common large ones still compile
  for (const p of ['.{0,1000}', '\\\\pL{1000}', '(a|b|c|d|e|f|g){1000}', '^(GET|POST|PUT|DELETE) /[^ ]{0,200} HTTP/1\\\\.[01]']) {
    const r = compileDisplayFilter(`http.host matches "${p}"`);
    assert.ok(r.ok, `${p}: ${r.ok ? '' : r.error.message}`);
  }
});

test('matching keeps Wireshark\'s rules: case-insensitive by default, inline flags, bytes as latin1', () => {
  assert.equal(matchesOn('http.host matches "EXAMPLE"', { host: 'www.example.com' }), true);
  assert.equal(matchesOn('http.host matches "(?-i)EXAMPLE"', { host: 'www.example.com' }), false);
  assert.equal(matchesOn('http.host matches "(?-i)www(?i)\\\\.EXAMPLE"', { host: 'www.example.com' }), true);
  assert.equal(matchesOn('http.host matches "(?x)example"', { host: 'www.example.com' }), true);
  // one character per byte: a value's UTF-8 bytes, a byte field's raw bytes
  assert.equal(matchesOn('http.host matches "^caf..$"', { host: 'café' }), true);
  assert.equal(matchesOn('http.host matches "^caf.$"', { host: 'café' }), false);
  assert.equal(matchesOn('tcp.payload matches "a\\\\xffb"', { tcp: { sport: 1, dport: 2, payload: 'a\xffb' } }), true);
  assert.equal(matchesOn('tcp.payload matches "^a.b$"', { tcp: { sport: 1, dport: 2, payload: 'a\x80b' } }), true);
  // . stops at a newline unless (?s)
  assert.equal(matchesOn('tcp.payload matches "a.b"', { tcp: { sport: 1, dport: 2, payload: 'a\nb' } }), false);
  assert.equal(matchesOn('tcp.payload matches "(?s)a.b"', { tcp: { sport: 1, dport: 2, payload: 'a\nb' } }), true);
  assert.equal(matchesOn('tcp.payload matches "(?m)^b$"', { tcp: { sport: 1, dport: 2, payload: 'a\nb\nc' } }), true);
});

test('nesting is bounded: a deep filter is an error at the level that goes too deep, never a stack overflow', () => {
  const n = MAX_NESTING * 50;
  for (const [text, at] of [
    ['('.repeat(n) + 'tcp' + ')'.repeat(n), MAX_NESTING],
    ['not '.repeat(n) + 'tcp', 4 * MAX_NESTING],
    ['len('.repeat(n) + 'http.host' + ')'.repeat(n) + ' == 1', 4 * MAX_NESTING],
    ['{'.repeat(n) + 'tcp.len' + '}'.repeat(n) + ' == 1', MAX_NESTING],
    ['tcp.len == ' + '-'.repeat(n) + '1', 11 + MAX_NESTING],
  ] as Array<[string, number]>) {
    const r = compileDisplayFilter(text);
    assert.equal(r.ok, false, text.slice(0, 20));
    if (!r.ok) {
      assert.match(r.error.message, /nests too deeply/);
      assert.equal(r.error.start, at, text.slice(0, 20));
    }
  }
  // as deep as allowed still works
  const ok = compileDisplayFilter('('.repeat(MAX_NESTING) + 'tcp' + ')'.repeat(MAX_NESTING));
  assert.equal(ok.ok, true);
});
