// The helper's hardening (helper/harden.c: capability narrowing and
// dropping, location and argument checks) is an unconditional part of the
// build: without harden.c the build fails instead of quietly producing a
// helper that keeps its capabilities for the whole capture; and the built
// helper carries it.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, hasCommand } from '../lib/env';

const HELPER = join(ROOT, 'helper', 'xdpscope-helper');

describe('hardening is part of every helper build', { skip: hasCommand('make') ? false : 'needs make' }, () => {
  const dirs: string[] = [];
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  /** A copy of helper/ and bpf/ sources (no build outputs but the skeleton), without the files named. */
  function sourceCopy(without: string[]): string {
    const top = mkdtempSync(join(tmpdir(), 'xs-hbuild-'));
    dirs.push(top);
    for (const sub of ['helper', 'bpf']) {
      mkdirSync(join(top, sub));
      for (const f of readdirSync(join(ROOT, sub))) {
        if (/\.(c|h)$|^Makefile$/.test(f) && !without.includes(f)) copyFileSync(join(ROOT, sub, f), join(top, sub, f));
      }
    }
    return join(top, 'helper');
  }
  // Dry runs: what make would do, without compiling anything.
  const dryRun = (dir: string) => spawnSync('make', ['-n', '-C', dir, 'xdpscope-helper'], { encoding: 'utf8', timeout: 30_000 });

  it('a source tree without harden.c does not build', () => {
    const r = dryRun(sourceCopy(['harden.c']));
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stderr, /No rule to make target 'harden\.c'/);
  });

  it('the full source tree compiles harden.c into the helper, with no switch to leave it out', () => {
    const r = dryRun(sourceCopy([]));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\bharden\.c\b/);
    for (const f of ['main.c', 'capture.c']) {
      const r2 = spawnSync('grep', ['-c', 'ifdef XS_HAVE_HARDEN', join(ROOT, 'helper', f)], { encoding: 'utf8' });
      assert.equal(r2.stdout.trim(), '0', `${f} must call the hardening unconditionally`);
    }
  });

  it('the built helper contains the hardening steps', { skip: existsSync(HELPER) && hasCommand('nm') ? false : 'helper not built, or no nm' }, () => {
    const r = spawnSync('nm', [HELPER], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, r.stderr);
    for (const sym of ['harden_startup', 'harden_drop_privileges', 'harden_check_self_location', 'harden_limit_capabilities']) {
      assert.match(r.stdout, new RegExp(`\\b[tT] ${sym}\\b`), `${sym} missing from ${HELPER}`);
    }
  });
});
