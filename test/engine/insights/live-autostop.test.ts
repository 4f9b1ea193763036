// `insights -i IFACE -a duration:N` counts N seconds of capturing, from the
// attach, like `capture -a`: a helper slow to attach (loading BPF programs on
// a loaded machine takes seconds) must not eat the run. The helper here is a
// wrapper that holds the real one back for longer than the duration; a timer
// started at launch would have sent `stop` before the capture attached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, HELPER_START_MS, ROOT, liveSkipReason } from '../../lib/env';
import { createVethPair } from '../../lib/netns';
import { scratch } from './pipeline';

const HELPER = join(ROOT, 'helper', 'xdpscope-helper');
const skip = liveSkipReason() ?? (existsSync(HELPER) ? null : 'capture helper not built');
const DURATION = 4;

test('live insights -a duration:N runs N seconds after the capture attached, and sees traffic sent after the attach', { skip: skip ?? false, timeout: 60_000 + HELPER_START_MS }, async () => {
  const wrapper = scratch('slow-helper.sh');
  // the slow attach is the fixture (held past the whole duration), not a wait for something
  writeFileSync(wrapper, `#!/bin/sh\nsleep ${DURATION + 1}\nexec '${HELPER}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  const pair = createVethPair();
  try {
    const cli = spawn('ip', ['netns', 'exec', pair.serverNs, process.execPath, CLI, 'insights', '-i', pair.serverIf, '--eve', '-a', `duration:${DURATION}`],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDPSCOPE_HELPER: wrapper } });
    let out = '', err = '';
    let attachedAt = 0;
    const attached = new Promise<void>((resolve) => {
      cli.stderr.on('data', (d: Buffer) => {
        err += d;
        if (!attachedAt && /Capturing on/.test(err)) { attachedAt = Date.now(); resolve(); }
      });
    });
    cli.stdout.on('data', (d: Buffer) => { out += d; });
    const exited = new Promise<number | null>((r) => cli.on('exit', (c) => r(c)));
    const first = await Promise.race([attached.then(() => 'attached'), exited.then(() => 'exited')]);
    assert.equal(first, 'attached', `insights exited before the capture attached: ${err}`);
    // a connect scan of 40 closed ports after the attach: its alert must come out of this run
    pair.exec(pair.clientNs, [process.execPath, '-e', `
      const net = require('net');
      let left = 40;
      for (let p = 2000; p < 2040; p++) { const s = net.connect({ host: '${pair.serverIp}', port: p }); s.on('error', () => { if (--left === 0) process.exit(0); }); s.on('connect', () => { s.destroy(); if (--left === 0) process.exit(0); }); }
      setTimeout(() => process.exit(0), 2000);`], { timeoutMs: 10_000 });
    assert.equal(await exited, 0, err);
    const ran = Date.now() - attachedAt;
    assert.ok(ran >= DURATION * 1000 - 250, `the run lasted ${ran} ms after the attach, not ${DURATION} s`);
    const records = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { src_ip: string; alert: { category: string } });
    assert.ok(records.some((r) => r.alert.category === 'Detection of a Network Scan' && r.src_ip === pair.clientIp), `no scan record in: ${out}`);
  } finally {
    pair.dispose();
  }
});
