// The packaging configuration and the deb maintainer scripts, exercised as
// far as this machine allows without downloading Electron or fpm:
// electron-builder.yml against electron-builder's own JSON schema; the
// maintainer scripts inside a real `dpkg --root` install/purge of a small
// .deb built from them, and run directly against a temporary root; and an
// electron-builder `--dir` build with a stand-in Electron distribution, to
// check where the helper and BPF object land; and the deb target's fpm
// arguments, taken just before fpm would run, to check the man pages go in.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Ajv from 'ajv';
import { ROOT, hasCommand, isRoot } from '../lib/env';
import { EXPECTED_CAPS, fileCaps, groupId } from '../../main/engine/privilege/inspect';
import { HELPER_GROUP } from '../../main/engine/privilege/paths';

const yaml = require('js-yaml') as { load(text: string): unknown };
const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
const HELPER = join(ROOT, 'helper', 'xdpscope-helper');
const BPF_OBJECT = join(ROOT, 'bpf', 'xdpscope.bpf.o');
const POSTINST = join(ROOT, 'packaging', 'deb', 'after-install.sh');
const POSTRM = join(ROOT, 'packaging', 'deb', 'after-remove.sh');
const manPages = require(join(ROOT, 'packaging', 'man-pages.cjs')) as {
  manPages(projectDir: string): string[]; fpmManArgs(projectDir: string): string[];
};

const tmpDirs: string[] = [];
after(() => { for (const d of tmpDirs) rmSync(d, { recursive: true, force: true }); });
const tmp = (prefix: string) => { const d = mkdtempSync(join(tmpdir(), prefix)); tmpDirs.push(d); return d; };

describe('electron-builder.yml', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  test('is valid against electron-builder\'s own schema (and the validator does reject a bad key)', () => {
    assert.ok(validate(config), JSON.stringify(validate.errors, null, 2));
    assert.equal(validate({ ...config, linux: { ...config.linux, categroy: 'Network' } }), false);
  });

  test('builds AppImage and deb in category Network, with an icon and a desktop entry', () => {
    assert.equal(config.appId, 'org.xdpscope.app');
    assert.equal(config.productName, 'xdpscope');
    assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
    assert.equal(config.linux.category, 'Network');
    assert.equal(config.linux.executableName, 'xdpscope');
    assert.ok(config.linux.desktop.entry.Keywords.includes('pcap'));
    const icon512 = readFileSync(join(ROOT, config.linux.icon, '512x512.png'));
    assert.equal(icon512.readUInt32BE(0), 0x89504e47, 'PNG signature');
    assert.equal(icon512.readUInt32BE(16), 512, 'width');
  });

  test('associates .pcap, .pcapng and .pcapng.gz, each with a MIME type (the desktop entry and MIME package need one)', () => {
    const byExt = new Map<string, any>(config.fileAssociations.map((f: any) => [f.ext, f]));
    for (const ext of ['pcap', 'pcapng', 'pcapng.gz']) {
      assert.ok(byExt.get(ext)?.mimeType, `association for .${ext}`);
    }
    assert.equal(byExt.get('pcap').mimeType, 'application/vnd.tcpdump.pcap');
    assert.equal(byExt.get('pcapng').mimeType, 'application/x-pcapng');
  });

  test('ships what the Makefiles build as extraResources, outside the asar', () => {
    const from = config.extraResources.map((r: any) => r.from);
    assert.deepEqual(from, ['helper/xdpscope-helper', 'bpf/xdpscope.bpf.o']);
    assert.match(readFileSync(join(ROOT, 'helper', 'Makefile'), 'utf8'), /^xdpscope-helper:/m);
    assert.match(readFileSync(join(ROOT, 'bpf', 'Makefile'), 'utf8'), /^xdpscope\.bpf\.o:/m);
  });

  test('uses the maintainer scripts, which survive electron-builder\'s macro expansion unchanged', () => {
    assert.equal(config.deb.afterInstall, 'packaging/deb/after-install.sh');
    assert.equal(config.deb.afterRemove, 'packaging/deb/after-remove.sh');
    assert.ok(config.deb.depends.includes('libcap2-bin'));
    for (const f of [POSTINST, POSTRM]) {
      // FpmTarget's writeConfigFile expands /\${([a-zA-Z]+)}/ and throws on unknown names.
      assert.deepEqual(readFileSync(f, 'utf8').match(/\$\{([a-zA-Z]+)\}/g), null, f);
      assert.equal(spawnSync('sh', ['-n', f]).status, 0, `${f} parses`);
    }
  });

  test('the deb installs every page of man/, gzipped, under /usr/share/man/man1', () => {
    const pages = manPages.manPages(ROOT);
    assert.ok(pages.includes('xdpscope.1') && pages.includes('xdpscope-serve.1'), pages.join(', '));
    const listed = (config.deb.fpm as string[]).filter((a) => a.includes('/usr/share/man/'));
    assert.deepEqual([...listed].sort(), manPages.fpmManArgs(ROOT).sort(), 'deb.fpm lists exactly the pages of man/');
  });

  test('before-pack refuses a helper built for another architecture', { skip: existsSync(HELPER) ? false : 'helper not built' }, () => {
    const { checkHelperArch } = require(join(ROOT, 'packaging', 'before-pack.cjs'));
    const host = process.arch === 'arm64' ? 3 : process.arch === 'x64' ? 1 : -1;
    if (host >= 0) assert.doesNotThrow(() => checkHelperArch(ROOT, host));
    assert.throws(() => checkHelperArch(ROOT, host === 3 ? 1 : 3), /built for ELF machine/);
  });
});

/** A fresh root with an /etc/group of its own (the scripts create the group there). */
function makeRoot(): string {
  const root = tmp('xs-pkgroot-');
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\n');
  writeFileSync(join(root, 'etc', 'gshadow'), 'root:*::\n');
  chmodSync(join(root, 'etc', 'gshadow'), 0o640);
  return root;
}
const isLink = (p: string) => { try { return lstatSync(p).isSymbolicLink(); } catch { return false; } };
const runScript = (script: string, root: string, arg: string) =>
  spawnSync('sh', [script, arg], { encoding: 'utf8', env: { PATH: process.env.PATH, DPKG_ROOT: root } });

const maintainerSkip = !isRoot() ? 'needs root (chown, setcap)' : !hasCommand('setcap') ? 'needs setcap (libcap2-bin)' : !existsSync(HELPER) ? 'helper not built' : false;

describe('deb maintainer scripts', { skip: maintainerSkip }, () => {
  test('postinst makes the helper root:xdpscope 0750 with the capabilities; postrm purge removes the group', () => {
    const root = makeRoot();
    const dest = join(root, 'opt', 'xdpscope', 'resources', 'helper', 'xdpscope-helper');
    mkdirSync(join(root, 'opt', 'xdpscope', 'resources', 'helper'), { recursive: true });
    copyFileSync(HELPER, dest);
    const r = runScript(POSTINST, root, 'configure');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /sudo usermod -aG xdpscope/);
    const gid = groupId(HELPER_GROUP, join(root, 'etc', 'group'));
    assert.notEqual(gid, null, 'group created in the target root');
    const st = statSync(dest);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [0, gid, 0o750]);
    assert.equal(fileCaps(dest), EXPECTED_CAPS);
    assert.equal(readlinkSync(join(root, 'usr', 'bin', 'xdpscope')), '/opt/xdpscope/xdpscope');
    // Reconfiguring is harmless (same group, same result).
    assert.equal(runScript(POSTINST, root, 'configure').status, 0);
    assert.equal(groupId(HELPER_GROUP, join(root, 'etc', 'group')), gid);
    assert.equal(fileCaps(dest), EXPECTED_CAPS);

    assert.equal(runScript(POSTRM, root, 'upgrade').status, 0);
    assert.ok(isLink(join(root, 'usr', 'bin', 'xdpscope')), 'upgrade keeps the command link');
    assert.equal(runScript(POSTRM, root, 'remove').status, 0);
    assert.ok(!isLink(join(root, 'usr', 'bin', 'xdpscope')), 'remove drops the command link');
    assert.notEqual(groupId(HELPER_GROUP, join(root, 'etc', 'group')), null, 'remove keeps the group');
    assert.equal(runScript(POSTRM, root, 'purge').status, 0);
    assert.equal(groupId(HELPER_GROUP, join(root, 'etc', 'group')), null, 'purge deletes the group');
  });

  test('purge keeps the group while a granted helper still uses it, and says so', () => {
    const root = makeRoot();
    assert.equal(runScript(POSTINST, root, 'configure').status, 0);
    mkdirSync(join(root, 'usr', 'local', 'libexec', 'xdpscope'), { recursive: true });
    writeFileSync(join(root, 'usr', 'local', 'libexec', 'xdpscope', 'xdpscope-helper'), '');
    const r = runScript(POSTRM, root, 'purge');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /keeping the 'xdpscope' group/);
    assert.notEqual(groupId(HELPER_GROUP, join(root, 'etc', 'group')), null);
  });

  test('a .deb carrying them installs and purges cleanly with dpkg --root', { skip: hasCommand('dpkg-deb') ? false : 'needs dpkg-deb' }, () => {
    const work = tmp('xs-deb-');
    const pkg = join(work, 'pkg');
    mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
    mkdirSync(join(pkg, 'opt', 'xdpscope', 'resources', 'helper'), { recursive: true });
    copyFileSync(HELPER, join(pkg, 'opt', 'xdpscope', 'resources', 'helper', 'xdpscope-helper'));
    writeFileSync(join(pkg, 'opt', 'xdpscope', 'xdpscope'), '#!/bin/sh\n', { mode: 0o755 });
    copyFileSync(POSTINST, join(pkg, 'DEBIAN', 'postinst'));
    copyFileSync(POSTRM, join(pkg, 'DEBIAN', 'postrm'));
    chmodSync(join(pkg, 'DEBIAN', 'postinst'), 0o755);
    chmodSync(join(pkg, 'DEBIAN', 'postrm'), 0o755);
    const arch = spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(pkg, 'DEBIAN', 'control'),
      `Package: xdpscope-pkgtest\nVersion: 0.1.0\nArchitecture: ${arch}\nMaintainer: test <t@xdpscope.invalid>\nDescription: maintainer-script test\n`);
    const deb = join(work, 'xdpscope-pkgtest.deb');
    const b = spawnSync('dpkg-deb', ['-Znone', '--root-owner-group', '-b', pkg, deb], { encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);

    const root = makeRoot();
    for (const d of ['var/lib/dpkg/info', 'var/lib/dpkg/updates']) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'var', 'lib', 'dpkg', 'status'), '');
    // Scripts run on the host with DPKG_ROOT set (no chroot: the temp root has no shell).
    const dpkg = (...args: string[]) => spawnSync('dpkg', [`--root=${root}`, '--force-script-chrootless', '--log=/dev/null', ...args], { encoding: 'utf8', timeout: 60_000 });
    const i = dpkg('-i', deb);
    assert.equal(i.status, 0, i.stdout + i.stderr);
    const helper = join(root, 'opt', 'xdpscope', 'resources', 'helper', 'xdpscope-helper');
    const gid = groupId(HELPER_GROUP, join(root, 'etc', 'group'));
    const st = statSync(helper);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [0, gid, 0o750]);
    assert.equal(fileCaps(helper), EXPECTED_CAPS);
    const p = dpkg('--purge', 'xdpscope-pkgtest');
    assert.equal(p.status, 0, p.stdout + p.stderr);
    assert.ok(!existsSync(helper));
    assert.equal(groupId(HELPER_GROUP, join(root, 'etc', 'group')), null);
    assert.ok(!isLink(join(root, 'usr', 'bin', 'xdpscope')));
  });
});

const dirBuildSkip = !existsSync(HELPER) || !existsSync(BPF_OBJECT) ? 'helper or BPF object not built'
  : !existsSync(join(ROOT, 'dist', 'main', 'cli', 'main.js')) ? 'dist/ not built' : false;

/** A directory shaped like an unpacked Electron: electron-builder copies it and renames the binary. */
function fakeElectron(): string {
  const fake = tmp('xs-fake-electron-');
  // prints what it was started with, so a test can run the packaged launcher
  writeFileSync(join(fake, 'electron'), '#!/bin/sh\necho "threshold=$MALLOC_MMAP_THRESHOLD_ args=$*"\n', { mode: 0o755 });
  writeFileSync(join(fake, 'chrome-sandbox'), '', { mode: 0o755 });
  writeFileSync(join(fake, 'version'), require(join(ROOT, 'node_modules', 'electron', 'package.json')).version);
  return fake;
}

/**
 * The packaged `xdpscope` is after-pack.cjs's launcher: started through a
 * link (as /usr/bin/xdpscope is), it runs the Electron binary beside it with
 * glibc's mmap threshold set, and keeps a threshold the user exported.
 */
function assertLauncher(appDir: string): void {
  const exe = join(appDir, 'xdpscope');
  assert.match(readFileSync(exe, 'utf8'), /^#!\/bin\/sh\n/);
  const link = join(tmp('xs-launch-'), 'xdpscope');
  symlinkSync(exe, link);
  const env = { PATH: process.env.PATH };
  const run = (extra: Record<string, string>) => spawnSync(link, ['--flag', 'a b'], { encoding: 'utf8', env: { ...env, ...extra } });
  assert.equal(run({}).stdout, 'threshold=131072 args=--flag a b\n');
  assert.equal(run({ MALLOC_MMAP_THRESHOLD_: '65536' }).stdout, 'threshold=65536 args=--flag a b\n');
}

describe('electron-builder --dir with a stand-in Electron', { skip: dirBuildSkip }, () => {
  test('puts the helper and BPF object in resources/, outside app.asar, the app code inside, and the launcher in place of Electron', () => {
    const fake = fakeElectron();
    const out = tmp('xs-eb-out-');
    const args = ['--linux', 'dir', '--config', 'electron-builder.yml', `-c.electronDist=${fake}`,
      `-c.directories.output=${out}`, '-c.npmRebuild=false'];
    // The Electron shell may not be built yet; any built entry satisfies the packager's sanity check.
    if (!existsSync(join(ROOT, 'dist', 'main', 'electron', 'main.js'))) args.push('-c.extraMetadata.main=dist/main/cli/main.js');
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'electron-builder'), args,
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const res = join(out, 'linux-unpacked', 'resources');
    const helper = join(res, 'helper', 'xdpscope-helper');
    assert.ok(lstatSync(helper).isFile());
    assert.ok((statSync(helper).mode & 0o111) !== 0, 'helper stays executable');
    assert.equal(readFileSync(helper).compare(readFileSync(HELPER)), 0, 'helper is the built one');
    assert.ok(existsSync(join(res, 'bpf', 'xdpscope.bpf.o')));
    assert.ok(existsSync(join(out, 'linux-unpacked', 'xdpscope.bin')), 'Electron renamed to xdpscope.bin');
    assertLauncher(join(out, 'linux-unpacked'));
    const asar = require('@electron/asar') as { listPackage(p: string, o: object): string[] };
    const files = asar.listPackage(join(res, 'app.asar'), {});
    assert.ok(files.includes('/dist/main/cli/main.js'), 'app code inside the asar');
    assert.ok(!files.some((f) => f.startsWith('/dist/test/')), 'no tests in the package');
    assert.ok(!files.some((f) => f.includes('xdpscope-helper')), 'helper not inside the asar');
  });
});

describe('electron-builder deb target with a stand-in Electron', { skip: dirBuildSkip }, () => {
  test('hands fpm every man page, gzipped by before-pack, for /usr/share/man/man1; the launcher and its AppArmor profile are in place', async () => {
    // fpm cannot be downloaded here: electron-builder's effectiveOptionComputed
    // hook gives its arguments (SOURCE=DEST pairs) and stops before running it.
    // before-pack runs for real, so the gzipped pages are the ones it wrote.
    const { build, Platform, Arch } = require('electron-builder') as typeof import('electron-builder');
    const debOut = tmp('xs-eb-deb-');
    const gzDir = join(ROOT, 'dist', 'man');
    rmSync(gzDir, { recursive: true, force: true });
    let fpmArgs: string[] | null = null;
    const prev = process.env.ELECTRON_SKIP_BINARY_DOWNLOAD;
    process.env.ELECTRON_SKIP_BINARY_DOWNLOAD = '1';
    try {
      await build({
        projectDir: ROOT,
        targets: Platform.LINUX.createTarget(['deb'], Arch[process.arch === 'arm64' ? 'arm64' : 'x64']),
        config: { ...config, electronDist: fakeElectron(), npmRebuild: false, directories: { ...config.directories, output: debOut } },
        effectiveOptionComputed: async (computed: unknown) => {
          if (Array.isArray(computed) && Array.isArray(computed[0])) { fpmArgs = computed[0] as string[]; return true; }
          return false;
        },
      });
    } finally {
      if (prev === undefined) delete process.env.ELECTRON_SKIP_BINARY_DOWNLOAD; else process.env.ELECTRON_SKIP_BINARY_DOWNLOAD = prev;
    }
    assert.ok(fpmArgs, 'the deb target computed its fpm arguments');
    // fpm resolves relative sources against its working directory: electron-builder's, the project root.
    const installs = new Map((fpmArgs as string[]).filter((a) => a.includes('=/')).map((a) => {
      const [src, dest] = a.split('=');
      return [dest, isAbsolute(src) ? src : join(ROOT, src)];
    }));
    assert.ok(installs.has('/opt/xdpscope'), 'the app itself is still installed');
    // the AppArmor profile (user namespaces for Chromium's sandbox) attaches to the binary the launcher runs
    const profile = readFileSync(join(debOut, 'linux-unpacked', 'resources', 'apparmor-profile'), 'utf8');
    assert.match(profile, /^profile "xdpscope" "\/opt\/xdpscope\/xdpscope\.bin" flags=\(unconfined\) \{$/m);
    assertLauncher(join(debOut, 'linux-unpacked'));
    for (const page of manPages.manPages(ROOT)) {
      const src = installs.get(`/usr/share/man/man1/${page}.gz`);
      assert.ok(src, `${page} is installed as /usr/share/man/man1/${page}.gz`);
      assert.ok(existsSync(src), `${src} exists when fpm runs`);
      assert.equal(gunzipSync(readFileSync(src)).compare(readFileSync(join(ROOT, 'man', page))), 0, `${src} is ${page} gzipped`);
      if (hasCommand('man')) {
        const m = spawnSync('man', ['--warnings', '-E', 'UTF-8', '-l', src], {
          encoding: 'utf8', timeout: 30_000, env: { ...process.env, LC_ALL: 'C.UTF-8', MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat' },
        });
        assert.equal(m.status, 0, m.stderr);
        assert.equal(m.stderr, '', `man -l ${src}`);
      }
    }
  });
});
