// Files that hold traffic or the user's state are private, and a name
// another local user planted is never written through (issue 13, findings
// 1 and 7). The umask is 0 for this whole file: modes must come from
// xdpscope, not from a careful umask. The "victim" stands for a file of
// root's that a planted symlink points at; it must come out unchanged.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, unlinkSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { CLI, isRoot, outputDir } from '../../lib/env';
import { arraySource, exportDissections, openSession, RecentFiles, recoverSpool, saveSession, SpoolWriter, type SessionFileError } from '../../../main/engine/session';
import { PcapngWriter } from '../../../main/engine/pcapng/writer';
import { PcapWriter } from '../../../main/engine/pcap/writer';
import { createUniquePrivateFile, ensurePrivateDir, replacePrivateFile } from '../../../main/engine/file/private';
import { knownPacket } from '../session/helpers';

const oldUmask = process.umask(0);
after(() => process.umask(oldUmask));

const base = outputDir('file');
const fresh = (name: string): string => mkdtempSync(join(base, `${name}-`));
const ifs = [{ id: 0, linkType: 1, snaplen: 65535 }];
const source = (n = 3) => arraySource(ifs, Array.from({ length: n }, (_, i) => knownPacket(i + 1)));
const modeOf = (p: string): number => lstatSync(p).mode & 0o7777;

/** A file of "root's" elsewhere, and a symlink to it planted at `at`. */
function plant(at: string, content = 'precious\n'): { check(): void } {
  const victim = join(fresh('victim'), 'victim');
  writeFileSync(victim, content);
  chmodSync(victim, 0o644);
  symlinkSync(victim, at);
  return {
    check() {
      assert.equal(readFileSync(victim, 'utf8'), content, 'the link target keeps its content');
      assert.equal(modeOf(victim), 0o644, 'the link target keeps its mode');
      assert.ok(lstatSync(at).isSymbolicLink(), 'the planted link itself is left alone');
    },
  };
}

describe('created files are 0600 and folders 0700, whatever the umask', () => {
  test('save, export (pcapng, pcap, CSV, JSON) and the writers', async () => {
    const dir = fresh('modes');
    const made: string[] = [];
    for (const [name, format] of [['a.pcapng', 'pcapng'], ['b.pcap', 'pcap']] as const) {
      await saveSession(join(dir, name), source(), { format });
      made.push(name);
    }
    for (const format of ['csv', 'json'] as const) {
      await exportDissections(join(dir, `c.${format}`), source(), { format, fields: ['frame.number'] });
      made.push(`c.${format}`);
    }
    const ng = PcapngWriter.open(join(dir, 'w.pcapng'));
    ng.close();
    const pc = PcapWriter.open(join(dir, 'w.pcap'), { linkType: 1 });
    pc.close();
    made.push('w.pcapng', 'w.pcap');
    assert.deepEqual(readdirSync(dir).sort(), made.sort(), 'no temp files left');
    for (const f of made) assert.equal(modeOf(join(dir, f)), 0o600, f);
  });

  test('spool, its owner record, the spool and recovered folders, the recovered file', async () => {
    const data = fresh('data');
    const dir = join(data, 'spool');
    const spool = new SpoolWriter({ dir, interfaces: ifs, fsync: false });
    spool.write([knownPacket(1), knownPacket(2)]);
    spool.close();
    assert.equal(modeOf(dir), 0o700);
    assert.equal(modeOf(spool.path), 0o600);
    assert.equal(modeOf(spool.ownerPath), 0o600, 'the owner record, rewritten on close, stays private');
    const saved = process.env.XDPSCOPE_DATA_DIR;
    process.env.XDPSCOPE_DATA_DIR = data;
    try {
      const r = await recoverSpool(spool.path);
      assert.equal(modeOf(join(data, 'recovered')), 0o700);
      assert.equal(modeOf(r.path), 0o600);
      assert.equal(r.packets, 2);
    } finally {
      if (saved === undefined) delete process.env.XDPSCOPE_DATA_DIR; else process.env.XDPSCOPE_DATA_DIR = saved;
    }
  });

  test('recent.json and its folder', async () => {
    const dir = fresh('recent');
    const file = join(dir, 'config', 'xdpscope', 'recent.json');
    await new RecentFiles({ file }).add(join(dir, 'x.pcapng'));
    assert.equal(modeOf(file), 0o600);
    assert.equal(modeOf(join(dir, 'config', 'xdpscope')), 0o700);
    assert.equal(modeOf(join(dir, 'config')), 0o700);
  });

  test('an overwritten file is never more open than 0600; a stricter mode stays', async () => {
    const dir = fresh('overwrite-mode');
    const open = join(dir, 'open.pcapng');
    const strict = join(dir, 'strict.pcapng');
    writeFileSync(open, 'old');
    chmodSync(open, 0o666);
    writeFileSync(strict, 'old');
    chmodSync(strict, 0o400);
    await saveSession(open, source(), { overwrite: true });
    await saveSession(strict, source(), { overwrite: true });
    assert.equal(modeOf(open), 0o600);
    assert.equal(modeOf(strict), 0o400);
    assert.equal((await (await openSession(open)).readAll()).length, 3);
  });

  test('capture\'s default output: an unpredictable name, created exclusively, 0600', () => {
    const dir = fresh('unique');
    const names = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const { path } = createUniquePrivateFile(dir, 'xdpscope_eth0_2026-01-01T00-00-00-000Z_', '.pcapng');
      assert.match(path, /\/xdpscope_eth0_2026-01-01T00-00-00-000Z_[A-Za-z0-9]{6}\.pcapng$/);
      assert.equal(modeOf(path), 0o600);
      names.add(path);
    }
    assert.equal(names.size, 20);
  });
});

describe('a planted symlink is never written through', () => {
  test('save and export, with and without overwrite', async () => {
    const dir = fresh('link-save');
    const cases: Array<[string, (dest: string, overwrite: boolean) => Promise<unknown>]> = [
      ['pcapng', (d, overwrite) => saveSession(d, source(), { overwrite })],
      ['pcap', (d, overwrite) => saveSession(d, source(), { overwrite, format: 'pcap' })],
      ['csv', (d, overwrite) => exportDissections(d, source(), { format: 'csv', fields: ['frame.number'], overwrite })],
      ['json', (d, overwrite) => exportDissections(d, source(), { format: 'json', overwrite })],
    ];
    for (const [fmt, write] of cases) {
      for (const overwrite of [true, false]) {
        const dest = join(dir, `${fmt}-${overwrite}.${fmt}`);
        const v = plant(dest);
        await assert.rejects(write(dest, overwrite), (e: SessionFileError) => {
          // refused as a link even without overwrite: asking "replace it?" first would only lead here
          assert.equal(e.code, 'ELOOP', `${fmt} overwrite=${overwrite}: ${e.message}`);
          assert.ok(e.message.includes(dest), e.message);
          assert.match(e.message, /symbolic link to .*victim.*never writes through a link/);
          return true;
        });
        v.check();
      }
    }
    assert.ok(readdirSync(dir).every((n) => !n.includes('.xdpscope-tmp-')), 'no temp files left');
  });

  test('the capture writers (capture -w) and the CLI refuse a link at -w', () => {
    const dir = fresh('link-w');
    const a = join(dir, 'a.pcapng');
    const va = plant(a);
    assert.throws(() => PcapngWriter.open(a), /symbolic link/);
    va.check();
    const b = join(dir, 'b.pcap');
    const vb = plant(b);
    assert.throws(() => PcapWriter.open(b, { linkType: 1 }), /symbolic link/);
    vb.check();
    // refused before the capture starts: no helper, no interface needed
    const c = join(dir, 'c.pcapng');
    const vc = plant(c);
    const r = spawnSync(process.execPath, [CLI, 'capture', '-i', 'lo', '-w', c], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /cannot write .*c\.pcapng: it is a symbolic link/);
    vc.check();
    const d = spawnSync(process.execPath, [CLI, 'capture', '-i', 'lo', '-w', join(dir, 'missing', 'd.pcapng')], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(d.status, 1, d.stderr);
    assert.match(d.stderr, /cannot write .*missing\/d\.pcapng: no such file or directory/);
  });

  test('a regular file at -w is replaced by name, as dumpcap does; a hard link keeps the old content', () => {
    const dir = fresh('replace-w');
    const dest = join(dir, 'x.pcapng');
    writeFileSync(dest, 'old capture');
    chmodSync(dest, 0o644);
    spawnSync('ln', [dest, join(dir, 'hard')]);
    const w = PcapngWriter.open(dest);
    w.close();
    assert.equal(modeOf(dest), 0o600);
    assert.notEqual(readFileSync(dest, 'utf8'), 'old capture');
    assert.equal(readFileSync(join(dir, 'hard'), 'utf8'), 'old capture');
  });

  test('recent.json', async () => {
    const dir = fresh('link-recent');
    const file = join(dir, 'recent.json');
    const v = plant(file);
    await assert.rejects(new RecentFiles({ file }).add(join(dir, 'x.pcapng')), /recent-files list.*symbolic link/);
    v.check();
  });

  test('the spool\'s owner record, replaced by a link while capturing', () => {
    const dir = fresh('link-owner');
    const spool = new SpoolWriter({ dir: join(dir, 'spool'), interfaces: ifs, fsync: false });
    unlinkSync(spool.ownerPath);
    // a target that parses as an owner record, so nothing but the link check stops the rewrite
    const v = plant(spool.ownerPath, '{"pid":1}\n');
    spool.close();
    v.check();
    spool.discard();
  });

  test('a recovered spool written to a planted link', async () => {
    const dir = fresh('link-recover');
    const spool = new SpoolWriter({ dir: join(dir, 'spool'), interfaces: ifs, fsync: false });
    spool.write([knownPacket(1)]);
    spool.close();
    const dest = join(dir, 'out.pcapng');
    const v = plant(dest);
    await assert.rejects(recoverSpool(spool.path, { destination: dest, overwrite: true }), /symbolic link/);
    v.check();
    assert.ok(existsSync(spool.path), 'the spool is kept when recovery fails');
  });

  test('replacePrivateFile (small state files) refuses a link', () => {
    const dir = fresh('link-small');
    const f = join(dir, 'state.json');
    const v = plant(f);
    assert.throws(() => replacePrivateFile(f, '{}'), (e: Error & { code?: string }) => e.code === 'ELOOP');
    v.check();
  });
});

describe('folders for private files must be the user\'s own', () => {
  test('a spool or recent folder open to everyone is refused with the reason', async () => {
    const dir = fresh('dir-open');
    const spoolDir = join(dir, 'spool');
    mkdirSync(spoolDir, { mode: 0o777 });
    chmodSync(spoolDir, 0o777);
    assert.throws(() => new SpoolWriter({ dir: spoolDir, interfaces: ifs }), /spool directory.*open to other users \(mode 777\)/);
    assert.deepEqual(readdirSync(spoolDir), [], 'nothing written into it');
    const cfg = join(dir, 'config');
    mkdirSync(cfg, { mode: 0o777 });
    chmodSync(cfg, 0o777);
    await assert.rejects(new RecentFiles({ file: join(cfg, 'recent.json') }).add('/x.pcapng'), /recent-files list.*open to other users/);
    assert.deepEqual(readdirSync(cfg), []);
  });

  test('a folder someone else owns is refused', { skip: isRoot() ? undefined : 'needs root to chown' }, () => {
    const dir = fresh('dir-other');
    const spoolDir = join(dir, 'spool');
    mkdirSync(spoolDir, { mode: 0o700 });
    chownSync(spoolDir, 65534, 65534);
    assert.throws(() => new SpoolWriter({ dir: spoolDir, interfaces: ifs }), /belongs to uid 65534/);
    assert.deepEqual(readdirSync(spoolDir), []);
  });

  test('a folder that is a symlink is refused', () => {
    const dir = fresh('dir-link');
    const real = fresh('dir-link-target');
    symlinkSync(real, join(dir, 'spool'));
    assert.throws(() => new SpoolWriter({ dir: join(dir, 'spool'), interfaces: ifs }), /is a symbolic link/);
    assert.deepEqual(readdirSync(real), []);
  });

  test('our own folder that others may only read (0755, as older versions made it) is closed to 0700', () => {
    const dir = fresh('dir-readable');
    const cfg = join(dir, 'config');
    mkdirSync(cfg, { mode: 0o755 });
    ensurePrivateDir(cfg);
    assert.equal(statSync(cfg).mode & 0o777, 0o700);
  });
});
