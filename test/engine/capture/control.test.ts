// Control commands (filter, sample, pause, resume) wait for the helper's
// reply for a bounded time: a helper that never answers makes the command
// fail with a clear message, and the capture stops and says why, instead of
// a promise that never settles.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, liveSkipReason, outputDir } from '../../lib/env';
import { createVethPair, type VethPair } from '../../lib/netns';
import { CaptureError, startCapture } from '../../../main/engine/capture/live';
import type { CaptureExit } from '../../../main/engine/capture/live';
import { udpFrame, writePcap } from './frames';
import { HELPER, clientMac, helloOf, replay, startInNs } from './util';

/** A stand-in helper: says hello, then reads commands and never answers; exits on stdin EOF. */
const SILENT_HELPER = `
const p = Buffer.alloc(80); [3, 1, 1, 2, 1500, 0, 1, 65536].forEach((v, i) => p.writeUInt32LE(v, i * 4));
const h = Buffer.alloc(8); h.writeUInt32LE(1, 0); h.writeUInt32LE(80, 4);
process.stdout.write(Buffer.concat([h, p]));
process.stdin.on('data', (d) => process.stderr.write('got ' + d));
process.stdin.on('end', () => process.exit(0));
`;

describe('control command timeout', () => {
  it('a command the helper does not answer fails after commandTimeoutMs, and the capture ends saying so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xs-silent-'));
    try {
      const script = join(dir, 'silent-helper.js');
      writeFileSync(script, SILENT_HELPER);
      const cap = startCapture({ iface: 'veth0', helper: 'unused', wrapper: [process.execPath, script], commandTimeoutMs: 300 });
      const errors: Error[] = [];
      cap.on('error', (e: Error) => errors.push(e));
      await new Promise((r) => cap.once('hello', r));
      const pending = [cap.pause(), cap.setSample(2)];
      const results = await Promise.allSettled(pending);
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        assert.ok((r as PromiseRejectedResult).reason instanceof CaptureError);
        assert.match(String((r as PromiseRejectedResult).reason.message), /did not answer 'pause' within 300 ms; stopping the capture/);
      }
      const exit: CaptureExit = await cap.done;
      assert.match(exit.message ?? '', /did not answer 'pause'/);
      assert.equal(errors.length, 1);
      await assert.rejects(cap.resume(), /capture has ended/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * A stand-in helper that drains slowly after 'stop': a packet record every
 * 100 ms for 3 s, then its final counters, then a clean exit; with
 * DRAIN=0 it says nothing more and never exits by itself.
 */
const DRAINING_HELPER = `
const frame = (type, p) => { const h = Buffer.alloc(8); h.writeUInt32LE(type, 0); h.writeUInt32LE(p.length, 4); return Buffer.concat([h, p]); };
const p = Buffer.alloc(80); [3, 1, 1, 2, 1500, 0, 1, 65536].forEach((v, i) => p.writeUInt32LE(v, i * 4));
process.stdout.write(frame(1, p));
const record = (i) => { const r = Buffer.alloc(44); r.writeBigUInt64LE(BigInt(1000 + i), 0); r.writeUInt32LE(4, 8); r.writeUInt32LE(4, 12); r.writeUInt32LE(1, 24); r.writeUInt32LE(0xffffffff, 28); return r; };
let buf = '';
process.stdin.on('data', (d) => {
  buf += d;
  if (!buf.includes('stop')) return;
  buf = '';
  if (process.env.DRAIN === '0') { setInterval(() => {}, 1000); return; }
  let i = 0;
  const t = setInterval(() => {
    if (i < 30) { process.stdout.write(frame(2, record(i++))); return; }
    clearInterval(t);
    const s = Buffer.alloc(80); s.writeBigUInt64LE(30n, 8); s.writeBigUInt64LE(30n, 24); s.writeUInt32LE(1, 72);
    process.stdout.write(frame(3, s), () => process.exit(0));
  }, 100);
});
process.stdin.on('end', () => {});
`;

describe('stop', () => {
  it('waits for a helper still draining past the timeout, and keeps its records and final counters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xs-drain-'));
    try {
      const script = join(dir, 'draining-helper.js');
      writeFileSync(script, DRAINING_HELPER);
      const cap = startCapture({ iface: 'veth0', helper: 'unused', wrapper: [process.execPath, script] });
      await new Promise((r) => cap.once('hello', r));
      let packets = 0;
      const read = (async () => { for await (const b of cap) packets += b.length; })();
      // 1 s of timeout against 3 s of drain, a record every 100 ms: it used to be killed a third of the way
      const exit = await cap.stop(1000);
      await read;
      assert.equal(exit.signal, null, `killed by ${exit.signal}`);
      assert.equal(exit.code, 0);
      assert.equal(exit.stats?.final, true);
      assert.equal(packets, 30);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still ends a helper that falls silent after stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xs-drain-'));
    try {
      const script = join(dir, 'silent-after-stop.js');
      writeFileSync(script, DRAINING_HELPER);
      const cap = startCapture({ iface: 'veth0', helper: 'unused', wrapper: ['env', 'DRAIN=0', process.execPath, script] });
      await new Promise((r) => cap.once('hello', r));
      const exit = await cap.stop(300);
      assert.equal(exit.signal, 'SIGTERM');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const liveSkip = liveSkipReason() ?? (hasCommand('tcpreplay') ? null : 'needs tcpreplay');

describe('control replies while the helper\'s output is full (live)', { skip: liveSkip ?? false }, () => {
  let pair: VethPair;
  before(() => { pair = createVethPair({ subnet: 217 }); });
  after(() => pair?.dispose());

  it('answers every command, in order, after a flood filled its output buffer', async () => {
    const ep = { srcMac: clientMac(pair), dstMac: pair.serverMac, src: pair.clientIp, dst: '198.18.217.99' };
    const pcap = join(outputDir('capture'), 'control-flood.pcap');
    // ~5 MB of records at snaplen 64: more than the pipe (1 MiB) and the
    // helper's output buffer (1 MiB) hold while nobody reads.
    writePcap(pcap, Array.from({ length: 60_000 }, (_, i) => udpFrame(ep, 1000 + (i % 7), 7000, undefined, i)));
    const cap = startInNs(pair, { snaplen: 64, ringBytes: 65536, highWaterPackets: 1, commandTimeoutMs: 5000 });
    try {
      await helloOf(cap);
      // Not reading: after the first batch the stream pauses, then the pipe
      // and the helper's buffer fill; the ring overflows into ring drops.
      replay(pair, pcap, ['--topspeed']);
      const sent: Array<[string, Promise<void>]> = [];
      for (let i = 0; i < 30; i++) {
        sent.push(i % 2 === 0 ? ['pause', cap.pause()] : ['resume', cap.resume()]);
        if (i === 10) sent.push(['filter tcp or', cap.setFilter('tcp or')]);
        if (i === 20) sent.push(['sample 3', cap.setSample(3)]);
      }
      const reading = (async () => { for await (const b of cap) void b; })();
      const results = await Promise.allSettled(sent.map(([, p]) => p));
      const outcome = results.map((r, i) => `${sent[i][0]}: ${r.status === 'fulfilled' ? 'ok' : (r.reason as Error).message}`);
      // Each reply goes to its own command: only the bad filter is refused, with the parser's reason.
      assert.deepEqual(outcome.filter((o) => !o.endsWith(': ok')), ["filter tcp or: filter: expression ends after 'or'"], outcome.join('\n'));
      const exit = await cap.stop();
      await reading;
      assert.equal(exit.code, 0, exit.message);
      assert.ok(exit.stats!.ringDrops > 0, 'the flood must have filled the helper\'s output (the ring overflowed)');
    } finally {
      if (!cap.exitInfo) await cap.stop();
    }
  });

  it('answers an over-long control line with an error and skips all of it, never running a cut-off command', async () => {
    const child = pair.spawn(pair.serverNs, [HELPER, 'capture', '--iface', pair.serverIf, '--mode', 'generic'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    const code = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    // 'pause' hidden 5000 bytes into a line: a helper that cut the line and ran its start would also run the rest as a new line.
    child.stdin!.write(`sample ${'9'.repeat(5000)} \npause ${'x'.repeat(5000)}pause\nresume\n`);
    child.stdin!.end();
    assert.equal(await code, 0);
    const replies: string[] = [];
    const buf = Buffer.concat(out);
    for (let o = 0; o + 8 <= buf.length; o += 8 + buf.readUInt32LE(o + 4)) {
      if (buf.readUInt32LE(o) === 4) replies.push(`${buf.readUInt32LE(o + 8)} ${buf.subarray(o + 12, o + 8 + buf.readUInt32LE(o + 4)).toString()}`);
    }
    assert.deepEqual(replies, ['1 command longer than 1088 bytes: ignored', '1 command longer than 1088 bytes: ignored', '0 resume']);
  });
});
