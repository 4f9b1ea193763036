// Runs the engine service in the capture's network namespace
// (block-rules.test.ts starts it with `ip netns exec`): allows blocking,
// turns the icmp-flood rule on, captures, and prints "capturing"; once the
// rule has blocked a source it prints the entries as JSON, waits for a
// line on stdin (the parent checks the block meanwhile), saves the
// session, stops, reopens the saved file in a fresh service and prints its
// block settings.
//   node block-rules-child.js IFACE SAVE_PATH
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineService } from '../../../main/engine/service/service';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
process.env.XDPSCOPE_DATA_DIR = mkdtempSync(join(tmpdir(), 'xs-data-'));
const [iface, savePath] = process.argv.slice(2);

async function until<T>(poll: () => T | Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  // bounded: 30 s; status() is what a face polls, and what runs the rules once a second
  for (let i = 0; i < 300; i++) {
    const v = await poll();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function main(): Promise<void> {
  const s = new EngineService({ emit: () => undefined });
  const before = await s.call('getBlocks', {});
  const rules = before.settings.rules.map((r) => (r.kind === 'icmp-flood' ? { ...r, enabled: true, ttlSec: 120 } : r));
  await s.call('setBlockSettings', { allowBlocking: true, rules });
  await s.call('startCapture', { iface });
  await until(() => s.status().state, (x) => x === 'capturing', 'the capture to start');
  process.stdout.write(`capturing ${JSON.stringify((await s.call('getBlocks', {})).unavailable ?? null)}\n`);
  const state = await until(async () => { s.status(); return s.call('getBlocks', {}); }, (b) => b.entries.length > 0, 'a rule to block a source');
  process.stdout.write(`blocked ${JSON.stringify(state.entries)}\n`);
  // the parent checks the source's pings fail, then says go
  await new Promise<void>((r) => process.stdin.once('data', () => r()));
  await s.call('save', { path: savePath, overwrite: true });
  await s.call('stopCapture', {});
  await until(() => s.status().state, (x) => x === 'done', 'the capture to stop');
  const after = await s.call('getBlocks', {});
  process.stdout.write(`stopped ${JSON.stringify({ entries: after.entries.length, unavailable: after.unavailable })}\n`);
  await s.shutdown();

  const t = new EngineService({ emit: () => undefined });
  await t.call('openFile', { path: savePath });
  await until(() => t.status().state, (x) => x === 'done', 'the saved file to load');
  process.stdout.write(`reopened ${JSON.stringify((await t.call('getBlocks', {})).settings)}\n`);
  await t.shutdown();
}

main().then(() => process.exit(0), (e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
