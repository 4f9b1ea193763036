// The man pages in man/: one per subcommand `xdpscope --help` lists, each
// rendering without a single warning (groff -ww and man -l, as a packager's
// lintian run would), with the sections users look for, and documenting
// every option its subcommand's --help prints.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, hasCommand } from '../lib/env';

const MAN = join(ROOT, 'man');
const SECTIONS = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXAMPLES', 'EXIT STATUS', 'ENVIRONMENT', 'SEE ALSO'];

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `xdpscope ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
/** The subcommands as the user sees them in `xdpscope --help`. */
const subcommands = (): string[] => [...cli('--help').matchAll(/^ {2}([a-z][a-z-]*)\s{2,}/gm)].map((m) => m[1]);
const pageOf = (sub: string | null) => join(MAN, sub ? `xdpscope-${sub}.1` : 'xdpscope.1');

/** groff's output and its warnings; -ww enables every warning category. */
function groff(input: string, device = 'utf8', extra: string[] = []) {
  const r = spawnSync('groff', ['-ww', '-man', `-T${device}`, '-rHY=0', ...extra], { input, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return r;
}
/** Plain text of a page: no overstrike, bold or underline; hyphens as '-'. */
const plainText = (page: string) => groff(readFileSync(page, 'utf8'), 'ascii', ['-P-c', '-P-b', '-P-o', '-P-u']).stdout;

/**
 * The options a --help text lists: the leading flags of its indented option
 * lines ("  -i, --interface IFACE", "      --mode MODE", "  -E header=y|n").
 */
function helpOptions(help: string): string[] {
  const out = new Set<string>();
  for (const line of help.split('\n')) {
    const m = /^\s+(-[A-Za-z](?=[\s,])|--[a-z][\w-]*)(?:,\s+(--[a-z][\w-]*))?/.exec(line);
    if (m) for (const o of m.slice(1)) if (o) out.add(o);
  }
  return [...out];
}

/** The text of one section of a rendered page (headings start in column 0). */
function section(text: string, name: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l === name);
  if (start < 0) return '';
  const end = lines.findIndex((l, i) => i > start && /^[A-Z][A-Z ]+$/.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

const renderSkip = !hasCommand('groff') ? 'needs groff (groff-base)' : !hasCommand('man') ? 'needs man (man-db)' : false;

describe('man pages', () => {
  test('there is one page per subcommand in `xdpscope --help`, and no page for anything else', () => {
    const subs = subcommands();
    assert.ok(subs.length >= 6, `subcommands parsed from --help: ${subs.join(', ')}`);
    const want = ['xdpscope.1', ...subs.map((s) => `xdpscope-${s}.1`)].sort();
    assert.deepEqual(readdirSync(MAN).filter((f) => f.endsWith('.1')).sort(), want);
    const main = readFileSync(pageOf(null), 'utf8');
    for (const s of subs) assert.match(main, new RegExp(`^\\.B ${s}$`, 'm'), `xdpscope.1 describes ${s}`);
  });

  test('each page is named after its file and has the usual sections', () => {
    for (const sub of [null, ...subcommands()]) {
      const src = readFileSync(pageOf(sub), 'utf8');
      const title = (sub ? `xdpscope-${sub}` : 'xdpscope').toUpperCase().replace(/-/g, '\\-');
      assert.ok(src.includes(`\n.TH ${title} 1 `), `${pageOf(sub)}: .TH ${title} 1`);
      const headings = [...src.matchAll(/^\.SH (.+)$/gm)].map((m) => m[1].replace(/^"|"$/g, ''));
      for (const s of SECTIONS) assert.ok(headings.includes(s), `${pageOf(sub)} has ${s} (has: ${headings.join(', ')})`);
    }
  });

  test('the warning check does catch a broken page', { skip: renderSkip }, () => {
    // Without this, a groff that printed nothing would pass every page.
    const bad = '.TH X 1\n.SH NAME\nx \\- y\n.SH DESCRIPTION\n.nosuchmacro\n\\*[nosuchstring]\n';
    assert.notEqual(groff(bad).stderr, '');
  });

  for (const sub of [null, 'interfaces', 'capture', 'read', 'serve', 'insights', 'grant', 'block']) {
    const page = pageOf(sub);
    test(`${sub ? `xdpscope-${sub}.1` : 'xdpscope.1'} renders without warnings (groff -ww, man -l)`, { skip: renderSkip }, () => {
      const g = groff(readFileSync(page, 'utf8'));
      assert.equal(g.stderr, '', `groff -ww -man -Tutf8 ${page}`);
      assert.ok(g.stdout.length > 500, 'it rendered something');
      const m = spawnSync('man', ['--warnings', '-E', 'UTF-8', '-l', page], {
        encoding: 'utf8', timeout: 30_000, env: { ...process.env, LC_ALL: 'C.UTF-8', MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat' },
      });
      assert.equal(m.status, 0, m.stderr);
      assert.equal(m.stderr, '', `man --warnings -l ${page}`);
    });
  }

  test('helpOptions finds the flags of every style of option line', () => {
    const help = 'Usage: x [--a]\n\n  -i, --interface IFACE  y\n      --mode MODE  z\n  -E header=y|n  h\n  --json   j\n  FILE  f\n  kill -USR2 PID\n';
    assert.deepEqual(helpOptions(help), ['-i', '--interface', '--mode', '-E', '--json']);
  });

  test('every option of `xdpscope <command> --help` is documented in the OPTIONS of its page', { skip: renderSkip }, () => {
    for (const sub of subcommands()) {
      const options = helpOptions(cli(sub, '--help'));
      assert.ok(options.length > 0, `${sub} --help lists options`);
      const documented = section(plainText(pageOf(sub)), 'OPTIONS');
      assert.ok(documented, `${pageOf(sub)} has an OPTIONS section`);
      const missing = options.filter((o) => !new RegExp(`(^|[\\s,(\\[])${o}(?![\\w-])`, 'm').test(documented));
      assert.deepEqual(missing, [], `${pageOf(sub)}: options of '${sub} --help' not in OPTIONS`);
    }
  });
});
