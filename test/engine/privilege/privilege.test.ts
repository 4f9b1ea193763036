// The pieces of the grant and the helper lookup that need no live capture:
// the elevated command line, argument checks, capability comparison, the
// grant script's own refusals, and the order in which helpers are picked.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, isRoot } from '../../lib/env';
import { GRANT_SCRIPT } from '../../../main/engine/privilege/grant-script';
import { elevatedCommand, grantSource, installArgs, runGrantScript } from '../../../main/engine/privilege/grant';
import { normalizeCaps, EXPECTED_CAPS, unsafeAncestors } from '../../../main/engine/privilege/inspect';
import { HelperUnavailableError, locateHelper } from '../../../main/engine/privilege/locate';
import { bundledFiles, HELPER_CAPS } from '../../../main/engine/privilege/paths';

const tmpDirs: string[] = [];
after(() => { for (const d of tmpDirs) rmSync(d, { recursive: true, force: true }); });
const tmp = (prefix: string) => { const d = mkdtempSync(join(tmpdir(), prefix)); tmpDirs.push(d); return d; };
const HELPER = bundledFiles().helper;

describe('elevated command', () => {
  test('carries the grant script byte for byte, base64-encoded', () => {
    const cmd = elevatedCommand(['revoke', '/usr/local/libexec/xdpscope']);
    const m = /^echo ([A-Za-z0-9+/=]+) \| \/usr\/bin\/base64 -d \| \/bin\/sh -s -- revoke \/usr\/local\/libexec\/xdpscope$/.exec(cmd);
    assert.ok(m, cmd);
    assert.equal(Buffer.from(m[1], 'base64').toString('utf8'), GRANT_SCRIPT);
  });

  test('rejects arguments a shell would interpret', () => {
    for (const bad of ['a b', 'x;reboot', '$(id)', '`id`', 'a"b', "a'b", 'a\\b', 'a\nb', '']) {
      assert.throws(() => elevatedCommand(['install', bad]), /unsafe argument/, JSON.stringify(bad));
    }
  });

  test('accepts only plausible user names to add to the group', () => {
    const src = { helper: '/tmp/h', helperSha256: 'ab' };
    assert.deepEqual(installArgs(src, { addUser: 'alice' }).slice(-2), ['--add-user', 'alice']);
    for (const bad of ['-rf', 'Alice Smith', 'root;id', '../x', 'a'.repeat(40)]) {
      assert.throws(() => installArgs(src, { addUser: bad }), /not a valid user name/);
    }
  });
});

test('capability sets compare regardless of order and notation', () => {
  assert.equal(normalizeCaps('cap_net_admin,cap_perfmon,cap_bpf=ep'), EXPECTED_CAPS);
  assert.equal(normalizeCaps(HELPER_CAPS), EXPECTED_CAPS);
  assert.notEqual(normalizeCaps('cap_net_admin,cap_bpf=ep'), EXPECTED_CAPS);
  assert.notEqual(normalizeCaps('cap_net_admin,cap_perfmon,cap_bpf=eip'), EXPECTED_CAPS);
});

test('unsafeAncestors flags a world-writable directory but not a root-owned sticky one', () => {
  const d = tmp('xs-anc-');
  mkdirSync(join(d, 'w'));
  chmodSync(join(d, 'w'), 0o777);
  const bad = unsafeAncestors(join(d, 'w', 'file'));
  assert.ok(bad.some((b) => b.startsWith(join(d, 'w'))), bad.join('; '));
  if (isRoot()) assert.deepEqual(unsafeAncestors(join(d, 'file')), []); // /tmp is 1777 root
});

const rootSkip = !isRoot() ? 'needs root' : !existsSync(HELPER) ? 'helper not built' : !hasCommand('setcap') ? 'needs setcap' : false;

describe('grant script refusals (root)', { skip: rootSkip }, () => {
  // Group "root" exists everywhere, so these never create or touch the xdpscope group.
  test('refuses a destination under a world-writable directory and installs nothing', () => {
    const d = tmp('xs-gdst-');
    chmodSync(d, 0o777);
    const src = grantSource(HELPER);
    const r = runGrantScript(['install', join(d, 'xdpscope'), 'root', HELPER_CAPS, src.helper, src.helperSha256]);
    assert.equal(r.status, 1);
    assert.match(r.output, /is not root-only-writable/);
    assert.ok(!existsSync(join(d, 'xdpscope', 'xdpscope-helper')));
  });

  test('refuses unexpected arguments', () => {
    const d = tmp('xs-gdst-');
    const src = grantSource(HELPER);
    const r = runGrantScript(['install', join(d, 'x'), 'root', HELPER_CAPS, src.helper, src.helperSha256, 'extra']);
    assert.equal(r.status, 1);
    assert.match(r.output, /unexpected arguments: extra/);
    assert.match(runGrantScript(['frob']).output, /unknown mode frob/);
  });

  test('installs into a safe directory with group, mode and capabilities, and revokes', () => {
    const d = tmp('xs-gdst-');
    chmodSync(d, 0o755);
    const src = grantSource(HELPER);
    const dest = join(d, 'xdpscope');
    const r = runGrantScript(['install', dest, 'root', HELPER_CAPS, src.helper, src.helperSha256]);
    assert.equal(r.status, 0, r.output);
    const getcap = spawnSync('getcap', [join(dest, 'xdpscope-helper')], { encoding: 'utf8' }).stdout;
    assert.equal(normalizeCaps(getcap.trim().split(/\s+/).slice(1).join('')), EXPECTED_CAPS);
    const v = runGrantScript(['revoke', dest]);
    assert.equal(v.status, 0, v.output);
    assert.ok(!existsSync(dest));
  });
});

describe('helper lookup order', { skip: rootSkip }, () => {
  test('packaged before granted; a copy without capabilities is skipped unless root', () => {
    const res = tmp('xs-res-');
    const grant = tmp('xs-grantdir-');
    mkdirSync(join(res, 'helper'));
    const packaged = join(res, 'helper', 'xdpscope-helper');
    const granted = join(grant, 'xdpscope-helper');
    copyFileSync(HELPER, packaged);
    copyFileSync(HELPER, granted);
    // No capabilities on either yet: an unprivileged caller gets told what to do.
    assert.throws(() => locateHelper({ root: false, packagedResources: [res], grantDir: grant }),
      (e: unknown) => e instanceof HelperUnavailableError && /lacks its capabilities/.test(e.message) && /sudo xdpscope grant/.test(e.message));
    // Root needs none: the packaged one comes first.
    assert.deepEqual(locateHelper({ root: true, packagedResources: [res], grantDir: grant }), { kind: 'packaged', path: packaged });
    assert.equal(spawnSync('setcap', [HELPER_CAPS, granted]).status, 0);
    assert.deepEqual(locateHelper({ root: false, packagedResources: [res], grantDir: grant }), { kind: 'granted', path: granted });
    assert.equal(spawnSync('setcap', [HELPER_CAPS, packaged]).status, 0);
    assert.deepEqual(locateHelper({ root: false, packagedResources: [res], grantDir: grant }), { kind: 'packaged', path: packaged });
    // Nothing packaged or granted: only root falls back to the bundled copy.
    const empty = tmp('xs-empty-');
    assert.deepEqual(locateHelper({ root: true, packagedResources: [empty], grantDir: empty }), { kind: 'bundled', path: HELPER });
    assert.throws(() => locateHelper({ root: false, packagedResources: [empty], grantDir: empty }), /used only as root/);
  });
});
