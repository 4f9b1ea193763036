// The optional rules through the engine service, live: with blocking
// allowed and the icmp-flood rule on, a ping flood's alert gets its source
// blocked (origin 'rule', the alert's id, the rule's TTL) and the source's
// pings stop; the blocks end with the capture; the rules are saved with
// the session's insights settings, "Allow blocking" is not.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, liveSkipReason, outputDir } from '../../lib/env';
import { createVethPair, type VethPair } from '../../lib/netns';
import { HELPER } from '../capture/util';

const skip = liveSkipReason() ?? false;
let pair: VethPair | undefined;
before(() => { if (!skip) pair = createVethPair({ subnet: 244 }); });
after(() => pair?.dispose());

test('an enabled rule blocks a flood\'s source; rules are saved with the session, allowing is not', { skip, timeout: 120_000 }, async () => {
  const p = pair!;
  const save = join(outputDir('service'), 'block-rules.pcapng');
  const child = spawn('ip', ['netns', 'exec', p.serverNs, process.execPath, join(ROOT, 'dist', 'test', 'engine', 'service', 'block-rules-child.js'), p.serverIf, save],
    { env: { ...process.env, XDPSCOPE_HELPER: HELPER, XDPSCOPE_SCRATCH_DIR: undefined }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '', err = '';
  let flooded = false, checked = false;
  let pingWhileBlocked: ReturnType<typeof spawnSync> | undefined;
  child.stderr!.on('data', (d: Buffer) => { err += d; });
  child.stdout!.on('data', (d: Buffer) => {
    out += d;
    if (!flooded && out.includes('capturing ')) {
      flooded = true;
      // a flood, then one more ping a second later: the capture's clock passing the flood's second judges it
      spawnSync('ip', ['netns', 'exec', p.clientNs, 'ping', '-n', '-q', '-f', '-c', '600', p.serverIp], { timeout: 30_000 });
      spawnSync('ip', ['netns', 'exec', p.clientNs, 'ping', '-n', '-q', '-c', '2', '-i', '1', p.serverIp], { timeout: 30_000 });
    }
    if (!checked && out.includes('blocked ')) {
      checked = true;
      pingWhileBlocked = spawnSync('ip', ['netns', 'exec', p.clientNs, 'ping', '-n', '-q', '-c', '2', '-W', '1', p.serverIp], { timeout: 30_000 });
      child.stdin!.end('go\n');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, err);
  const line = (k: string) => JSON.parse(out.split('\n').find((l) => l.startsWith(`${k} `))!.slice(k.length + 1));
  assert.equal(line('capturing'), null, 'blocking available while capturing');
  const [e] = line('blocked') as Array<Record<string, unknown>>;
  assert.equal(e.display, p.clientIp);
  assert.equal(e.origin, 'rule');
  assert.equal(e.ttlSec, 120);
  assert.match(String(e.alertId), /^icmp-flood:/);
  assert.match(String(e.reason), /^rule: icmp-flood — ICMP flood to/);
  assert.notEqual(pingWhileBlocked?.status, 0, 'the blocked source\'s pings do not get through');
  assert.deepEqual(line('stopped'), { entries: 0, unavailable: 'blocking needs a live capture (the capture\'s XDP program drops the frames)' });
  const reopened = line('reopened') as { allowBlocking: boolean; rules: Array<{ kind: string; enabled: boolean; ttlSec: number }> };
  assert.equal(reopened.allowBlocking, false, 'a file never turns blocking on');
  assert.deepEqual(reopened.rules.find((r) => r.kind === 'icmp-flood'), { kind: 'icmp-flood', ttlSec: 120, enabled: true });
  // after the capture, the source reaches the host again
  const ping = spawnSync('ip', ['netns', 'exec', p.clientNs, 'ping', '-n', '-q', '-c', '1', '-W', '2', p.serverIp], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(ping.status, 0, ping.stdout);
});
