// A capture's metadata (custom blocks, sections, interface descriptions,
// name resolution, statistics, comments, options) is kept up to a fixed
// budget: a small .pcapng.gz crafted to hold gigabytes of it used to cost
// that much memory in `read` and in the service. Measured as the peak RSS
// of a child process; the packets around the metadata are all read, and
// one notice says what was dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { CLI, ROOT } from '../../lib/env';
import { block, epb, frame, idb, option, shb } from './blocks';

/**
 * Peak RSS a child may reach reading these files, which unpack to 400 MB and
 * 67 MB of metadata: before the budget they took 450 and 600 MB; with it
 * 120-180 MB (node itself, the 16 MiB of kept metadata, and the garbage of
 * streaming a few hundred MB that the GC has not yet returned).
 */
const RSS_BOUND_MB = 300;

/** gzips `count` repetitions of `unit` between `head` and `tail`, 4 MB of input at a time. */
async function gzipRepeated(head: Buffer, unit: Buffer, count: number, tail: Buffer): Promise<Buffer> {
  const gz = createGzip({ level: 1 });
  const out: Buffer[] = [];
  gz.on('data', (d: Buffer) => out.push(d));
  const done = new Promise((r) => gz.on('end', r));
  const write = async (b: Buffer): Promise<void> => { if (!gz.write(b)) await new Promise((r) => gz.once('drain', r)); };
  const per = Math.max(1, Math.floor((4 << 20) / unit.length));
  const slab = Buffer.concat(Array<Buffer>(per).fill(unit));
  await write(head);
  for (let left = count; left > 0; left -= per) await write(left >= per ? slab : slab.subarray(0, left * unit.length));
  await write(tail);
  gz.end();
  await done;
  return Buffer.concat(out);
}

const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
const start = Buffer.concat([shb(), idb(1, 0), epb(0, 1n, frame(1))]);
const last = Buffer.concat([shb(), idb(1, 0), epb(0, 2n, frame(2))]);

interface Run { code: number | null; stdout: string; stderr: string; maxRssMb: number }

/** Runs node with args, reporting the child's own peak RSS (every thread included). */
function measured(dir: string, args: string[]): Promise<Run> {
  const preload = join(dir, 'maxrss.js');
  // VmHWM, not getrusage's maxrss, which Linux carries over from the forking parent (this test process)
  writeFileSync(preload, "process.on('exit', () => { const fs = require('fs'); " +
    "const m = /^VmHWM:\\s+(\\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8')); fs.writeSync(2, '\\nMAXRSS ' + (m ? m[1] : 'none') + '\\n'); });\n");
  return new Promise((resolve) => {
    const c = execFile(process.execPath, ['-r', preload, ...args], { timeout: 100_000, maxBuffer: 1 << 24 }, (_e, stdout, stderr) => {
      const m = /\nMAXRSS (\d+)\n/.exec(stderr);
      resolve({ code: c.exitCode, stdout, stderr: stderr.replace(/\nMAXRSS \d+\n/, ''), maxRssMb: m ? Number(m[1]) / 1024 : Infinity });
    });
  });
}

const serviceScript = (path: string): string => `
process.env.XDPSCOPE_CONFIG_DIR = ${JSON.stringify(join(tmpdir(), 'xs-config-bound'))};
const { EngineService } = require(${JSON.stringify(join(ROOT, 'dist', 'test', 'lib', 'engine.js'))});
(async () => {
  const s = new EngineService({ emit: () => undefined });
  await s.call('openFile', { path: ${JSON.stringify(path)} });
  while (s.status().state === 'loading') await new Promise((r) => setTimeout(r, 20));
  const info = await s.call('getSession', {});
  console.log(JSON.stringify({ state: s.status().state, rows: s.rows(0, 10).number.length, notices: info.notices }));
})();`;

async function check(t: { diagnostic(m: string): void }, name: string, gz: Buffer, kinds: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-bound-'));
  try {
    const path = join(dir, `${name}.pcapng.gz`);
    writeFileSync(path, gz);
    const read = await measured(dir, [CLI, 'read', '-r', path]);
    t.diagnostic(`${name}: ${gz.length} bytes gzipped; read peak RSS ${read.maxRssMb.toFixed(0)} MB`);
    assert.ok(read.maxRssMb < RSS_BOUND_MB, `read peak RSS ${read.maxRssMb.toFixed(0)} MB`);
    assert.equal(read.code, 0, read.stderr);
    assert.equal(read.stdout.split('\n').filter((l) => l).length, 2, 'the packets before and after the metadata');
    assert.match(read.stderr, new RegExp(`^xdpscope read: ${path}: note: the file's metadata is larger than the 16 MiB kept in memory; dropped after the first ones: `));
    for (const k of kinds) assert.match(read.stderr, new RegExp(`[\\d,]+ ${k}[,( ]`), k);
    assert.equal(read.stderr.trim().split('\n').length, 1, 'one notice');

    const svc = await measured(dir, ['-e', serviceScript(path)]);
    t.diagnostic(`${name}: service peak RSS ${svc.maxRssMb.toFixed(0)} MB`);
    assert.ok(svc.maxRssMb < RSS_BOUND_MB, `service peak RSS ${svc.maxRssMb.toFixed(0)} MB`);
    assert.equal(svc.code, 0, svc.stderr);
    const r = JSON.parse(svc.stdout) as { state: string; rows: number; notices: string[] };
    assert.equal(r.state, 'done');
    assert.equal(r.rows, 2);
    assert.equal(r.notices.filter((n) => /metadata is larger than/.test(n)).length, 1, r.notices.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a .pcapng.gz of large Custom Blocks (400 MB unpacked) reads in bounded memory', { timeout: 240_000 }, async (t) => {
  const custom = block(0xbad, Buffer.concat([u32(32473), Buffer.alloc(65536)]));
  await check(t, 'custom', await gzipRepeated(start, custom, 6000, last), ['custom blocks']);
});

test('a .pcapng.gz of a million small metadata records of every kind reads in bounded memory', { timeout: 240_000 }, async (t) => {
  // sections, each with a described interface, its statistics, a name record and a custom block
  const unit = Buffer.concat([
    shb('le', [option(1, 'section comment'), option(4, 'app')]),
    idb(1, 0, [option(2, 'eth0'), option(1, 'interface comment')]),
    block(5, Buffer.concat([u32(0), u32(0), u32(1), option(1, 'statistics comment'), Buffer.alloc(4)])),
    block(4, Buffer.concat([Buffer.from([1, 0, 12, 0, 198, 18, 0, 1]), Buffer.from('host.test\0\0\0'), Buffer.alloc(4)])),
    block(0xbad, Buffer.concat([u32(32473), Buffer.alloc(4)])),
  ]);
  await check(t, 'records', await gzipRepeated(start, unit, 300_000, last),
    ['section headers', 'interface descriptions', 'interface statistics', 'name resolution records', 'custom blocks']);
});
