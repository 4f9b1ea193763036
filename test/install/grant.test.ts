// The one-time grant and the helper's least privilege, for real: as root
// this installs the helper in /usr/local/libexec/xdpscope, then captures on a
// test veth as a throw-away unprivileged user — inside and outside the
// xdpscope group — and revokes. The prior state of the grant directory and of
// the xdpscope group is put back afterwards.
//
// Users are switched with `runuser`, not `setpriv --reuid`: setpriv keeps
// root's capabilities until its exec, so CAP_DAC_OVERRIDE would let it run a
// 0750 file the target user may not execute, and the group test would prove nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, hasCommand, liveSkipReason, HELPER_START_MS } from '../lib/env';
import { createVethPair, type VethPair } from '../lib/netns';
import { bundledFiles, GRANT_DIR, HELPER_GROUP, HELPER_NAME } from '../../main/engine/privilege/paths';
import { grantSource, runGrant, requestGrant, requestRevoke, elevatedCommand, installArgs, type Elevate } from '../../main/engine/privilege/grant';
import { fileCaps, groupId, EXPECTED_CAPS } from '../../main/engine/privilege/inspect';
import { locateHelper, HelperUnavailableError } from '../../main/engine/privilege/locate';
import { GRANT_SCRIPT } from '../../main/engine/privilege/grant-script';
import { grantCapturePermission } from '../../main/engine/service/grant';

const helper = bundledFiles().helper;
const granted = join(GRANT_DIR, HELPER_NAME);
const skip = liveSkipReason()
  ?? (!existsSync(helper) ? `helper not built (${helper}); run make -C helper` : null)
  ?? (!hasCommand('setcap') ? 'needs setcap (libcap2-bin)' : null)
  ?? (!hasCommand('runuser') ? 'needs runuser (util-linux)' : null);

const CLI_CAPTURE_SKIP = hasCommand('capinfos') ? false : 'needs capinfos (tshark)';

const sh = (cmd: string, args: string[], input?: string) =>
  spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 60_000 });
const cli = (...args: string[]) => sh(process.execPath, [CLI, 'grant', ...args]);

/**
 * What sudo-prompt hands to pkexec: `/bin/bash -c COMMAND` as root. The
 * environment and working directory are the caller's choice here, so a test
 * can make them hostile; pkexec itself resets the environment.
 */
function elevateLike(log: string[], env: NodeJS.ProcessEnv = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, cwd = '/'): Elevate {
  return async (command) => {
    log.push(command);
    const r = spawnSync('/bin/bash', ['-c', command], { encoding: 'utf8', env, cwd, timeout: 60_000 });
    if (r.status !== 0) throw Object.assign(new Error(`${r.stdout}${r.stderr}`.trim() || `exit ${r.status}`), { stdout: r.stdout, stderr: r.stderr });
    return { stdout: r.stdout, stderr: r.stderr };
  };
}

const groupsOf = (user: string): string[] => sh('id', ['-nG', user]).stdout.trim().split(/\s+/);

/** Snapshot of what a previous grant left, put back at the end. */
interface Prior { groupExisted: boolean; dirExisted: boolean; saved: string | null; savedCaps: string | null; savedGid: number | null }
function snapshot(): Prior {
  const p: Prior = { groupExisted: groupId(HELPER_GROUP) !== null, dirExisted: existsSync(GRANT_DIR), saved: null, savedCaps: null, savedGid: null };
  if (existsSync(granted)) {
    p.saved = mkdtempSync(join(tmpdir(), 'xs-grant-prior-'));
    copyFileSync(granted, join(p.saved, HELPER_NAME));
    p.savedCaps = fileCaps(granted);
    p.savedGid = statSync(granted).gid;
  }
  return p;
}
function restore(p: Prior): void {
  rmSync(granted, { force: true });
  if (p.saved) {
    copyFileSync(join(p.saved, HELPER_NAME), granted);
    sh('chown', [`0:${p.savedGid}`, granted]);
    chmodSync(granted, 0o750);
    if (p.savedCaps) sh('setcap', [p.savedCaps.replace('=', '+'), granted]);
    rmSync(p.saved, { recursive: true, force: true });
  } else if (!p.dirExisted && existsSync(GRANT_DIR) && readdirSync(GRANT_DIR).length === 0) {
    rmSync(GRANT_DIR, { recursive: true });
    if (readdirSync('/usr/local/libexec').length === 0 && !p.dirExisted) rmSync('/usr/local/libexec', { recursive: true, force: true });
  }
  if (!p.groupExisted && groupId(HELPER_GROUP) !== null) sh('groupdel', [HELPER_GROUP]);
}

/** Frames on the helper's stdout: u32 type, u32 length, payload (little-endian). */
function frameTypes(buf: Buffer): number[] {
  const types: number[] = [];
  for (let off = 0; off + 8 <= buf.length;) {
    const len = buf.readUInt32LE(off + 4);
    if (off + 8 + len > buf.length) break;
    types.push(buf.readUInt32LE(off));
    off += 8 + len;
  }
  return types;
}

function procStatusOf(uid: number, name: string): string | null {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const s = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (new RegExp(`^Name:\\s+${name}$`, 'm').test(s) && new RegExp(`^Uid:\\s+${uid}\\s`, 'm').test(s)) return s;
    } catch { /* exited */ }
  }
  return null;
}

/** Run the helper's capture as `user` inside the server namespace; resolves with what happened. */
async function captureAs(vp: VethPair, user: string, uid: number, helperPath: string): Promise<{ code: number | null; stderr: string; frames: number[]; status: string | null }> {
  const child: ChildProcess = vp.spawn(vp.serverNs, ['runuser', '-u', user, '--', helperPath, 'capture', '--iface', vp.serverIf, '--mode', 'generic'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => chunks.push(d));
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  const frames = () => frameTypes(Buffer.concat(chunks));
  const waitFor = async (pred: () => boolean, ms: number) => {
    for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 50))) {
      if (pred() || child.exitCode !== null) return pred();
    }
    return pred();
  };
  let status: string | null = null;
  try {
    if (await waitFor(() => frames().includes(1), HELPER_START_MS)) {
      status = procStatusOf(uid, 'xdpscope-helper'); // comm: the first 15 characters of the name
      vp.exec(vp.clientNs, ['ping', '-c', '3', '-i', '0.2', '-W', '1', vp.serverIp], { timeoutMs: 10_000 });
      await waitFor(() => frames().includes(2), 5_000);
    }
  } finally {
    child.stdin!.end();
    const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(t);
  }
  return { code: child.exitCode, stderr, frames: frames(), status };
}

describe('one-time grant and least privilege (live)', { skip: skip ?? false }, () => {
  const user = `xs-test-${process.pid}`;
  let uid = -1;
  let prior: Prior;
  let vp: VethPair | null = null;

  before(() => {
    prior = snapshot();
    if (existsSync(granted)) rmSync(granted);
    const r = sh('useradd', ['-M', '-N', '-s', '/usr/sbin/nologin', user]);
    assert.equal(r.status, 0, r.stderr);
    uid = Number(sh('id', ['-u', user]).stdout.trim());
    vp = createVethPair();
  });

  after(() => {
    vp?.dispose();
    sh('userdel', ['-r', user]);
    restore(prior);
  });

  test('grant refuses without root and tells how to run it', () => {
    const r = sh('runuser', ['-u', user, '--', process.execPath, CLI, 'grant']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /run: sudo xdpscope grant/);
  });

  test('grant installs a byte-identical helper, root:xdpscope 0750, with exactly the needed capabilities', () => {
    const r = cli();
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const st = statSync(granted);
    assert.equal(st.uid, 0);
    assert.equal(st.gid, groupId(HELPER_GROUP));
    assert.equal(st.mode & 0o7777, 0o750);
    assert.equal(fileCaps(granted), EXPECTED_CAPS);
    assert.equal(grantSource(granted).helperSha256, grantSource(helper).helperSha256);
    const s = cli('--status');
    assert.equal(s.status, 0, s.stdout);
    assert.match(s.stdout, /same as bundled/);
    assert.match(s.stdout, /status: ok/);
  });

  test('an unprivileged member of the group captures on a test veth; the helper then holds no capability', async () => {
    assert.equal(sh('usermod', ['-a', '-G', HELPER_GROUP, user]).status, 0);
    const r = await captureAs(vp!, user, uid, granted);
    assert.ok(r.frames.includes(1), `hello frame expected; exit ${r.code}, stderr: ${r.stderr}`);
    assert.ok(r.frames.includes(2), `packet frames expected after ping; got ${r.frames.join(',')}; stderr: ${r.stderr}`);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.status, 'found the running helper in /proc');
    assert.match(r.status!, /^CapEff:\s+0+$/m);
    assert.match(r.status!, /^CapPrm:\s+0+$/m);
    assert.match(r.status!, /^NoNewPrivs:\s+1$/m);
  });

  test('xdpscope capture works for the unprivileged group member, through the granted helper', { skip: CLI_CAPTURE_SKIP }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'xs-ucap-'));
    try {
      sh('chown', [`${uid}:0`, out]);
      const file = join(out, 'cap.pcapng');
      const child = vp!.spawn(vp!.serverNs, ['runuser', '-u', user, '--', process.execPath, CLI, 'capture',
        '-i', vp!.serverIf, '-w', file, '-c', '3', '-a', 'duration:15', '-f', 'icmp', '--mode', 'generic', '-q'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
      const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
      // Ping until the capture has its three packets and stops (bounded: the helper's start and 40 pings).
      for (let i = 0, end = Date.now() + HELPER_START_MS; (i < 40 || Date.now() < end) && child.exitCode === null; i++) {
        try { vp!.exec(vp!.clientNs, ['ping', '-c', '1', '-W', '1', vp!.serverIp], { timeoutMs: 5_000 }); } catch { /* not attached yet */ }
        await new Promise((r) => setTimeout(r, 200));
      }
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      assert.equal(code, 0, stderr);
      const info = sh('capinfos', ['-c', '-M', file]);
      assert.match(info.stdout, /Number of packets:\s+3\b/, info.stdout + info.stderr);
      assert.equal(statSync(file).uid, uid, 'the file belongs to the user who captured');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('the locator picks the granted helper for an unprivileged process, and the status says so', () => {
    const r = sh('runuser', ['-u', user, '--', process.execPath, '-e',
      `const s=require(${JSON.stringify(join(__dirname, '..', 'lib', 'engine.js'))});process.stdout.write(JSON.stringify(s.privilegeStatus()))`]);
    assert.equal(r.status, 0, r.stderr);
    const st = JSON.parse(r.stdout);
    assert.deepEqual(st.helper, { kind: 'granted', path: granted });
    assert.equal(st.canOfferGrant, false);
    assert.deepEqual(st.granted.problems, []);
    assert.equal(st.granted.sha256, st.bundledSha256, 'a group member can read and compare it');
  });

  test('the same user outside the group cannot run it', async () => {
    assert.equal(sh('gpasswd', ['-d', user, HELPER_GROUP]).status, 0);
    const r = await captureAs(vp!, user, uid, granted);
    assert.notEqual(r.code, 0);
    assert.deepEqual(r.frames, []);
    assert.match(r.stderr, /Permission denied/);
  });

  test('the bundled copy (no capabilities) does not capture for an unprivileged user', async () => {
    const r = await captureAs(vp!, user, uid, helper);
    assert.equal(r.code, 3, r.stderr); // XS_EXIT_PRIV
    assert.deepEqual(r.frames, []);
  });

  test('after grant --revoke nobody unprivileged can capture, and the group stays', async () => {
    assert.equal(sh('usermod', ['-a', '-G', HELPER_GROUP, user]).status, 0);
    const r = cli('--revoke');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /group was left in place/);
    assert.ok(!existsSync(granted));
    assert.notEqual(groupId(HELPER_GROUP), null);
    const c = await captureAs(vp!, user, uid, granted);
    assert.notEqual(c.code, 0);
    assert.deepEqual(c.frames, []);
    assert.throws(() => locateHelper({ root: false }), HelperUnavailableError);
    const st = sh('runuser', ['-u', user, '--', process.execPath, '-e',
      `const s=require(${JSON.stringify(join(__dirname, '..', 'lib', 'engine.js'))});process.stdout.write(JSON.stringify(s.privilegeStatus()))`]);
    assert.equal(st.status, 0, st.stderr);
    const status = JSON.parse(st.stdout);
    assert.equal(status.helper, null);
    assert.equal(status.canOfferGrant, true);
    assert.match(status.unavailable, /sudo xdpscope grant/);
  });

  test('grant refuses a tampered copy (hash differs from the one taken) and installs nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xs-tamper-'));
    try {
      const copy = join(dir, HELPER_NAME);
      copyFileSync(helper, copy);
      const src = grantSource(copy);
      appendFileSync(copy, Buffer.from([0]));
      const r = runGrant({ source: src });
      assert.equal(r.ok, false);
      assert.match(r.output, /before copying: .* has sha256 .*tampered/);
      assert.ok(!existsSync(granted));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('requestGrant/requestRevoke run the same steps through the elevation command', async () => {
    // Already root: the "elevation" just runs the command line sudo-prompt would hand to pkexec.
    const commands: string[] = [];
    const elevate: Elevate = async (command) => {
      commands.push(command);
      const r = sh('/bin/bash', ['-c', command]);
      if (r.status !== 0) throw new Error(r.stderr);
      return { stdout: r.stdout, stderr: r.stderr };
    };
    const g = await requestGrant({ elevate, addUser: null });
    assert.ok(g.ok, `${g.output}\n${g.installed.problems.join('\n')}`);
    assert.equal(g.installed.sha256, grantSource(helper).helperSha256);
    // Nothing in it that the shells between the app and root would interpret.
    assert.doesNotMatch(commands[0], /[`"'\\$;&<>()]/);
    assert.match(commands[0], /^echo [A-Za-z0-9+/=]+ \| \/usr\/bin\/base64 -d \| \/bin\/sh -s -- install /);
    const r = await requestRevoke({ elevate });
    assert.ok(r.ok, r.output);
    assert.ok(!existsSync(granted));
    assert.throws(() => elevatedCommand(installArgs({ helper: '/tmp/x y', helperSha256: 'a' })), /unsafe argument/);
  });

  test('"Grant capture permission" (the UI) runs the audited script as root and adds the asking user to the group', async () => {
    sh('gpasswd', ['-d', user, HELPER_GROUP]);
    assert.ok(!groupsOf(user).includes(HELPER_GROUP));
    const commands: string[] = [];
    const r = await grantCapturePermission({ elevate: elevateLike(commands), user: { name: user, uid } });
    assert.ok(r.ok, r.message);
    assert.ok(groupsOf(user).includes(HELPER_GROUP), `${user} in ${HELPER_GROUP}: ${groupsOf(user).join(' ')}`);
    assert.match(r.message, new RegExp(`${user} was added to the ${HELPER_GROUP} group`));
    assert.match(r.message, /next login: log out and back in \(or .*newgrp xdpscope/);
    assert.equal(statSync(granted).gid, groupId(HELPER_GROUP));
    // What root ran is the grant script's own text, through root's own programs; no JavaScript, no app path.
    assert.equal(commands.length, 1);
    const m = /^echo ([A-Za-z0-9+/=]+) \| \/usr\/bin\/base64 -d \| \/bin\/sh -s -- install (.*)$/.exec(commands[0]);
    assert.ok(m, commands[0]);
    assert.equal(Buffer.from(m[1], 'base64').toString('utf8'), GRANT_SCRIPT);
    assert.match(m[2], new RegExp(`--add-user ${user} --uid ${uid}$`));
    assert.doesNotMatch(commands[0], /xdpscope\.js|node|electron/i);
    for (const prog of ['/usr/bin/base64', '/bin/sh', '/bin/bash']) {
      const st = statSync(realpathSync(prog));
      assert.equal(st.uid, 0, prog);
      assert.equal(st.mode & 0o022, 0, `${prog} is writable by others`);
    }
  });

  test('the grant runs nothing from a user-writable place, even with a hostile PATH, ENV and working directory', async () => {
    assert.equal(cli('--revoke').status, 0);
    const evil = mkdtempSync(join(tmpdir(), 'xs-evil-'));
    try {
      chownSync(evil, uid, 0);
      // Every program the script uses, and a few it might: each leaves a mark if root runs it.
      const names = ['sh', 'bash', 'base64', 'sha256sum', 'cut', 'id', 'getent', 'groupadd', 'usermod', 'install', 'find', 'stat',
        'dirname', 'chown', 'chgrp', 'chmod', 'setcap', 'mv', 'rm', 'rmdir', 'tr', 'grep', 'printf', 'echo', 'env', 'sudo'];
      for (const n of names) {
        writeFileSync(join(evil, n), `#!/bin/sh\n: > ${join(evil, `ran-${n}`)}\nexit 0\n`, { mode: 0o755 });
        chownSync(join(evil, n), uid, 0);
      }
      writeFileSync(join(evil, 'env.sh'), `: > ${join(evil, 'ran-env.sh')}\n`, { mode: 0o644 });
      const env = { PATH: `${evil}:/usr/sbin:/usr/bin:/sbin:/bin`, ENV: join(evil, 'env.sh'), HOME: evil, IFS: '/' };
      const r = await grantCapturePermission({ elevate: elevateLike([], env, evil), user: { name: user, uid } });
      assert.ok(r.ok, r.message);
      assert.deepEqual(readdirSync(evil).filter((f) => f.startsWith('ran-')), []);
      assert.equal(grantSource(granted).helperSha256, grantSource(helper).helperSha256);
    } finally {
      rmSync(evil, { recursive: true, force: true });
    }
  });

  test('the grant refuses a user name that is not the asking uid (or root), and then installs nothing', async () => {
    assert.equal(cli('--revoke').status, 0);
    sh('gpasswd', ['-d', user, HELPER_GROUP]);
    const wrong = await grantCapturePermission({ elevate: elevateLike([]), user: { name: user, uid: uid + 1 } });
    assert.equal(wrong.ok, false);
    assert.match(wrong.message, new RegExp(`user ${user} has uid ${uid}, not ${uid + 1}.*nothing installed`));
    const root = await grantCapturePermission({ elevate: elevateLike([]), user: { name: 'root', uid: 1 } });
    assert.equal(root.ok, false);
    assert.match(root.message, /user root has uid 0, not 1/);
    assert.ok(!existsSync(granted));
    assert.ok(!groupsOf(user).includes(HELPER_GROUP));
    assert.throws(() => installArgs({ helper: helper, helperSha256: 'a' }, { addUser: '-o' }), /not a valid user name/);
  });
});

describe('the helper refuses what it should (root)', { skip: skip ?? false }, () => {
  const dirs: string[] = [];
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
  const placed = (dirMode: number, fileMode = 0o755) => {
    const d = mkdtempSync(join(tmpdir(), 'xs-loc-'));
    dirs.push(d);
    const p = join(d, HELPER_NAME);
    copyFileSync(helper, p);
    chmodSync(p, fileMode);
    chmodSync(d, dirMode);
    return p;
  };

  test('runs from a root-owned 0755 directory (control)', () => {
    const r = sh(placed(0o755), ['--help']);
    assert.equal(r.status, 0, r.stderr);
  });

  test('refuses to run from a world-writable directory', () => {
    const r = sh(placed(0o777), ['list']);
    assert.equal(r.status, 3);
    assert.match(r.stderr, /refusing to run: .* is world-writable/);
  });

  test('refuses to run from a group-writable directory or file', () => {
    const a = sh(placed(0o775), ['list']);
    assert.equal(a.status, 3);
    assert.match(a.stderr, /is group-writable/);
    const b = sh(placed(0o755, 0o775), ['list']);
    assert.equal(b.status, 3);
    assert.match(b.stderr, /xdpscope-helper is group-writable/);
  });

  test('refuses unexpected arguments', () => {
    for (const args of [['frobnicate'], ['list', 'extra'], ['capture', '--iface', 'lo', '--bogus'], ['capture', '--iface', '../../etc'], ['capture']]) {
      const r = sh(helper, args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    }
    // Refused arguments are bad arguments (2), not missing privileges (3): the app must not offer a grant for them.
    const ctrl = sh(helper, ['capture', '--iface', 'lo\u0001']);
    assert.equal(ctrl.status, 2);
    assert.match(ctrl.stderr, /non-printable/);
    const many = sh(helper, ['list', ...Array(40).fill('x')]);
    assert.equal(many.status, 2);
    assert.match(many.stderr, /refusing 41 arguments/);
  });
});
