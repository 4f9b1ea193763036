// Live: a real connect scan and a burst of SSH-like logins between two
// network namespaces, captured with XDP (startCapture) and fed to the
// insights engine as packets arrive; the alerts must be there while the
// capture is still running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, liveSkipReason, HELPER_START_MS } from '../../lib/env';
import { createVethPair } from '../../lib/netns';
import { startCapture } from '../../../main/engine/capture';
import { createDissector } from '../../../main/engine/insights/file';
import { InsightsEngine } from '../../../main/engine/insights';
import type { Alert } from '../../../main/engine/insights/alert';

const HELPER = join(ROOT, 'helper', 'xdpscope-helper');
const skip = liveSkipReason() ?? (existsSync(HELPER) ? null : `capture helper not built (${HELPER}): run node scripts/build.mjs`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

test('a live connect scan and SSH login burst raise port-scan and brute-force alerts during the capture', { skip: skip ?? false, timeout: 90_000 + HELPER_START_MS }, async () => {
  const pair = createVethPair();
  const cap = startCapture({ iface: pair.serverIf, helper: HELPER, wrapper: ['ip', 'netns', 'exec', pair.serverNs] });
  const engine = new InsightsEngine();
  const dissector = createDissector();
  let captured = 0;
  const reading = (async () => {
    for await (const batch of cap) for (const p of batch) { engine.add(dissector.dissect(p)); captured++; }
  })();
  reading.catch(() => {});
  const server = pair.spawn(pair.serverNs, [process.execPath, '-e', `
    const net = require('net');
    // an SSH-like listener on 22 and one more open port; everything else refuses
    net.createServer((s) => { s.on('error', () => {}); s.end('SSH-2.0-OpenSSH_9.2 xdpscope-test\\r\\n'); }).listen(22, '${pair.serverIp}', () => {
      net.createServer((s) => { s.on('error', () => {}); s.end(); }).listen(80, '${pair.serverIp}', () => console.log('ready'));
    });`], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no hello from the capture helper')), HELPER_START_MS);
      cap.once('hello', () => { clearTimeout(t); resolve(); });
      cap.once('exit', (x) => { clearTimeout(t); reject(new Error(`helper exited (${x.code}): ${x.message}`)); });
    });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('server did not start')), 10_000);
      server.stdout!.on('data', (d: Buffer) => { if (/ready/.test(d.toString())) { clearTimeout(t); resolve(); } });
    });
    // bounded: 100 connects (20 at a time, 1 s timeout each), then 30 sequential logins
    const out = pair.exec(pair.clientNs, [process.execPath, '-e', `
      const net = require('net');
      const connect = (port, banner) => new Promise((res) => {
        const s = net.connect({ host: '${pair.serverIp}', port });
        const done = (r) => { s.destroy(); res(r); };
        s.setTimeout(1000, () => done('timeout'));
        s.on('error', () => done('refused'));
        s.on('connect', () => { if (banner) s.write(banner); });
        s.on('data', () => done('open'));
        s.on('end', () => done('open'));
      });
      (async () => {
        const r = { open: 0, refused: 0, timeout: 0 };
        for (let p = 1; p <= 100; p += 20) {
          const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => connect(p + i)));
          for (const x of rs) r[x]++;
        }
        let logins = 0;
        for (let i = 0; i < 30; i++) if ((await connect(22, 'SSH-2.0-libssh_0.10 xdpscope-test\\r\\n')) === 'open') logins++;
        console.log(JSON.stringify({ ...r, logins }));
      })();`], { timeoutMs: 60_000 });
    const result = JSON.parse(out.trim().split('\n').pop() as string);
    assert.equal(result.open, 2, `scan result ${out}`);
    assert.equal(result.logins, 30);

    // the alerts appear while the capture is still running
    let alerts: Alert[] = [];
    for (let i = 0; i < 50; i++) {
      alerts = engine.alerts();
      if (alerts.some((a) => a.kind === 'port-scan') && alerts.some((a) => a.kind === 'brute-force')) break;
      await sleep(200);
    }
    const kinds = alerts.map((a) => a.kind).sort();
    assert.deepEqual(kinds, ['brute-force', 'port-scan'], `captured ${captured} packets; alerts: ${alerts.map((a) => a.title).join(' | ')}`);
    const scan = alerts.find((a) => a.kind === 'port-scan') as Alert;
    assert.equal(scan.endpoints[0].address, pair.clientIp);
    assert.ok(scan.endpoints.some((e) => e.role === 'target' && e.address === pair.serverIp));
    assert.ok(Number(scan.metrics.distinctPorts) >= 100, `distinct ports ${scan.metrics.distinctPorts}`);
    assert.equal(scan.ongoing, true, 'reported while the capture runs');
    const brute = alerts.find((a) => a.kind === 'brute-force') as Alert;
    assert.deepEqual(brute.endpoints.map((e) => [e.role, e.address, e.port]), [['source', pair.clientIp, undefined], ['target', pair.serverIp, 22]]);
    assert.ok(Number(brute.metrics.attempts) >= 30, `attempts ${brute.metrics.attempts}`);
    // XDP sees the server's ingress only (no SYN-ACKs): the client's ACK alone completes a handshake
    assert.ok(Number(brute.metrics.completed) >= 30, `completed ${brute.metrics.completed}`);
    assert.ok(Number(scan.metrics.completed) >= 2, `scan: the two open ports complete (${scan.metrics.completed})`);
  } finally {
    server.kill('SIGKILL');
    await cap.stop().catch(() => {});
    await reading;
    pair.dispose();
  }
});
