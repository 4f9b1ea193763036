// Crash safety: kill -9 while spooling loses nothing that was flushed;
// kill -9 while saving leaves the previous file untouched.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync, truncateSync, appendFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../lib/env';
import { findRecoverableSpools, recoverSpool, SpoolWriter, openSession, removeStaleTemps, DEFAULT_FLUSH_MS } from '../../../main/engine/session';
import { PcapngWriter } from '../../../main/engine/pcapng/writer';
import { knownPacket, samePacket, tempDir, tshark, tsharkSkip } from './helpers';

const CHILD_DIR = join(ROOT, 'dist', 'test', 'engine', 'session');

interface Child {
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
}

function startChild(script: string, args: string[]): Child {
  const p = spawn(process.execPath, [join(CHILD_DIR, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  p.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
    waiters.splice(0).forEach((w) => w());
  });
  p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => p.on('exit', (code, signal) => {
    // let stdout drain
    setImmediate(() => resolve({ code, signal }));
  }));
  return {
    lines,
    exited,
    kill: () => p.kill('SIGKILL'),
    waitFor: (re, timeoutMs = 20_000) => new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const check = (): void => {
        const hit = lines.find((l) => re.test(l));
        if (hit) return resolve(hit);
        if (p.exitCode !== null || Date.now() > deadline) return reject(new Error(`child ${script} never printed ${re} (stderr: ${stderr})`));
        waiters.push(check);
        setTimeout(check, 200).unref();
      };
      check();
    }),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('spool crash recovery', { skip: tsharkSkip() ?? undefined }, () => {
  for (let round = 1; round <= 2; round++) {
    test(`kill -9 at a random moment (round ${round}): recovery yields every flushed packet`, async (tc) => {
      const dir = tempDir('spool-kill');
      const child = startChild('spool-child.js', [dir]);
      await child.waitFor(/^flushed [1-9]/);
      const delay = 200 + Math.floor(Math.random() * 2000);
      await sleep(delay);
      child.kill();
      const { signal } = await child.exited;
      assert.equal(signal, 'SIGKILL');
      assert.ok(!child.lines.includes('finished'), 'killed before it finished');
      const flushed = Math.max(...child.lines.filter((l) => l.startsWith('flushed ')).map((l) => Number(l.slice(8))));
      assert.ok(flushed > 0);

      const spools = findRecoverableSpools(dir);
      assert.equal(spools.length, 1, 'the dead child\'s spool is offered for recovery');
      assert.equal(spools[0].closedCleanly, false);
      const dest = join(dir, 'recovered.pcapng');
      const r = await recoverSpool(spools[0].path, { destination: dest });
      assert.ok(r.packets >= flushed, `recovered ${r.packets} packets, child reported ${flushed} flushed (killed after ${delay} ms)`);
      assert.equal(r.metadata.capture?.interface, 'test0');
      const s = await openSession(dest);
      const packets = await s.readAll();
      assert.equal(packets.length, r.packets);
      packets.forEach((p, i) => assert.ok(samePacket(p, knownPacket(i + 1)), `frame ${i + 1} content`));
      assert.equal(s.metadata.capture?.mode, 'test');
      assert.deepEqual(findRecoverableSpools(dir), [], 'a recovered spool is not offered again');
      assert.deepEqual(readdirSync(dir).sort(), ['recovered.pcapng']);
      const t = tshark(['-n', '-r', dest, '-T', 'fields', '-e', 'frame.number']);
      assert.equal(t.status, 0);
      assert.equal(t.stderr, '');
      assert.equal(t.stdout.trim().split('\n').length, r.packets);
      rmSync(dir, { recursive: true, force: true }); // kept only when the test fails
      tc.diagnostic(`round ${round}: killed after ${delay} ms, ${flushed} reported flushed, ${r.packets} recovered`);
    });
  }

  test('a torn final block is dropped and reported; a live spool is not offered', async () => {
    const dir = tempDir('spool-torn');
    const spool = new SpoolWriter({ dir, interfaces: [{ linkType: 1, snaplen: 65535 }], fsync: false });
    spool.write(Array.from({ length: 1000 }, (_, i) => knownPacket(i + 1)));
    assert.equal(spool.flush().packets, 1000);
    assert.deepEqual(findRecoverableSpools(dir), [], 'its owner (this process) is alive');
    spool.close();
    const buf = readFileSync(spool.path);
    const lastLen = buf.readUInt32LE(buf.length - 4);
    // Cut inside the last EPB (as a kill during write(2) could) and add garbage after a second copy.
    truncateSync(spool.path, buf.length - 1 - Math.floor(Math.random() * (lastLen - 1)));
    writeFileSync(spool.path + '.owner', JSON.stringify({ pid: 999_999_999, start: null, createdAt: new Date().toISOString() }));
    const spools = findRecoverableSpools(dir);
    assert.equal(spools.length, 1);
    const r = await recoverSpool(spools[0].path, { destination: join(dir, 'out.pcapng') });
    assert.equal(r.packets, 999);
    assert.ok(r.damage, 'the torn tail is reported');
    assert.equal(r.damage.offset, buf.length - lastLen);
    const packets = await (await openSession(join(dir, 'out.pcapng'))).readAll();
    packets.forEach((p, i) => assert.ok(samePacket(p, knownPacket(i + 1))));
    assert.equal(existsSync(spool.path), false);

    // A spool killed before its first block reached the disk holds nothing: not offered, cleaned up.
    const empty = join(dir, 'capture-empty.pcapng');
    writeFileSync(empty, '');
    writeFileSync(empty + '.owner', JSON.stringify({ pid: 999_999_999, start: null, createdAt: new Date().toISOString() }));
    assert.deepEqual(findRecoverableSpools(dir), []);
    assert.equal(existsSync(empty) || existsSync(empty + '.owner'), false);

    const junk = join(dir, 'capture-junk.pcapng');
    writeFileSync(junk, Buffer.concat([readFileSync(join(dir, 'out.pcapng')), Buffer.from('garbage tail')]));
    appendFileSync(junk, Buffer.alloc(3));
    const r2 = await recoverSpool(junk, { destination: join(dir, 'out2.pcapng') });
    assert.equal(r2.packets, 999);
    assert.ok(r2.damage);
  });

  test(`the documented bound: a spool flushes at least every ${DEFAULT_FLUSH_MS} ms without being asked`, async () => {
    const dir = tempDir('spool-timer');
    const spool = new SpoolWriter({ dir, interfaces: [{ linkType: 1, snaplen: 65535 }], fsync: false });
    try {
      const before = statSync(spool.path).size;
      spool.write([knownPacket(1), knownPacket(2)]);
      assert.equal(statSync(spool.path).size, before, 'small writes are buffered');
      await sleep(DEFAULT_FLUSH_MS * 2 + 200);
      assert.ok(statSync(spool.path).size > before, 'the timer flushed them');
      assert.equal((await (await openSession(spool.path)).readAll()).length, 2);
    } finally {
      spool.discard();
    }
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('save crash safety', () => {
  test('kill -9 during a save leaves the previous file byte-identical', async () => {
    const dir = tempDir('save-kill');
    const src = join(dir, 'big.pcapng');
    const w = PcapngWriter.open(src);
    w.addInterface({ linkType: 1, snaplen: 65535 });
    const N = 150_000;
    for (let i = 1; i <= N; i++) {
      const p = knownPacket(i);
      w.writePacket(0, p.tsNs!, p.data, p.origLen);
    }
    w.close();
    const dest = join(dir, 'session.pcapng');
    const old = PcapngWriter.open(dest, { comments: ['the previous version'] });
    old.addInterface({ linkType: 1, snaplen: 65535 });
    old.writePacket(0, 1n, knownPacket(1).data, 100);
    old.close();
    const oldHash = sha256(dest);

    let killedMidSave = 0;
    for (let attempt = 0; attempt < 6 && killedMidSave < 2; attempt++) {
      const child = startChild('save-child.js', [src, dest]);
      await child.waitFor(/^progress /);
      await sleep(Math.floor(Math.random() * 60));
      child.kill();
      await child.exited;
      if (child.lines.includes('done')) continue; // finished before the kill: try again
      if (sha256(dest) !== oldHash) {
        // The kill landed after the rename but before the child printed "done": atomic
        // means the file is then the complete new version, never a mix or a prefix.
        const s = await openSession(dest);
        let n = 0;
        for await (const b of s.batches()) n += b.length;
        assert.equal(n, N, 'a replaced file holds the whole new capture');
        assert.equal(s.damage, null, 'a replaced file is undamaged');
        continue;
      }
      killedMidSave++;
      const s = await openSession(dest);
      assert.equal((await s.readAll()).length, 1);
    }
    assert.ok(killedMidSave >= 1, 'at least one kill landed during the save');
    // The killed saves' temp files are the only debris, and they are cleaned up.
    const temps = readdirSync(dir).filter((n) => n.includes('.xdpscope-tmp-'));
    assert.ok(temps.length <= killedMidSave);
    await removeStaleTemps(dir, 0);
    assert.deepEqual(readdirSync(dir).sort(), ['big.pcapng', 'session.pcapng']);

    // Uninterrupted, the same child does replace the file.
    const child = startChild('save-child.js', [src, dest]);
    await child.waitFor(/^done$/, 120_000);
    await child.exited;
    assert.notEqual(sha256(dest), oldHash);
    const s = await openSession(dest);
    let n = 0;
    for await (const b of s.batches()) n += b.length;
    assert.equal(n, N);
    assert.equal(s.metadata.displayFilter, 'udp');
    rmSync(dir, { recursive: true, force: true }); // ~45 MB: kept only when the test fails
  });
});
