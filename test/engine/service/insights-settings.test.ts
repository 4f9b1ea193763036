// Insights settings through the engine service (what the app and `serve`
// both run): setInsightsSettings re-analyses the open capture with new
// thresholds, policy and a learned baseline; a save keeps them; reopening
// the session in a fresh service restores the same settings (the learned
// profile included) and the same alerts; the next capture opened keeps the
// thresholds but not what was learned from other traffic. Bad settings are
// refused and change nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineService } from '../../../main/engine/service/service';
import { SYN, Scenario, tcp } from '../insights/craft';
import { openLoaded } from '../../lib/service';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const T0 = 1_760_000_000;

async function open(path: string): Promise<EngineService> {
  const s = new EngineService({ emit: () => undefined });
  await openLoaded(s, path);
  return s;
}

/** 20 s of web traffic, and from second 10 a probe of 8 ports: under the default scan threshold (20), over 5. */
function capture(dir: string, name: string, t0 = T0): string {
  const s = new Scenario();
  for (let i = 0; i < 20; i++) {
    s.connection(t0 + i, '198.18.110.2', '198.18.110.3', 40000 + i, 80, {});
    if (i === 10) for (let p = 0; p < 8; p++) s.ip(t0 + i + 0.1 + p * 0.01, tcp('198.18.110.1', '198.18.110.3', { sport: 50000, dport: 1000 + p, flags: SYN }));
  }
  const path = join(dir, name);
  s.write(path);
  return path;
}

const titles = (snap: { alerts: Array<{ title: string }> }) => snap.alerts.map((a) => a.title).sort();

test('settings set in the service re-analyse the capture, are saved with the session and restored on reopen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-insights-settings-'));
  try {
    const a = await open(capture(dir, 'probe.pcapng'));
    const before = await a.call('getInsights', {});
    assert.equal(before.alerts.filter((x) => x.kind === 'port-scan').length, 0, 'under the default threshold');
    assert.equal(before.settings.scan.minPorts, 20);

    await assert.rejects(a.call('setInsightsSettings', { settings: { scan: { minPortz: 5 } } }), (e: { kind?: string; message: string }) => e.kind === 'invalid' && /scan\.minPortz: unknown setting/.test(e.message));
    assert.equal((await a.call('getInsights', {})).settings.scan.minPorts, 20, 'a refused change changes nothing');

    const set = await a.call('setInsightsSettings', {
      settings: { scan: { minPorts: 5 }, aiGateway: { gateways: ['198.18.110.9'] }, policy: { services: { http: [80, 8001] } }, baseline: { warmupSec: 5 } },
    });
    assert.deepEqual(set.alerts.filter((x) => x.kind === 'port-scan').map((x) => x.title), ['Port scan from 198.18.110.1 (8 ports)']);
    assert.equal(set.settings.scan.minPorts, 5);
    assert.deepEqual(set.settings.aiGateway.gateways, ['198.18.110.9']);
    assert.deepEqual(set.settings.policy.services.http, [80, 8001]);
    assert.ok(set.settings.baseline.learned, 'the baseline was learned over the first 5 s');
    assert.ok(set.settings.baseline.learned.hosts['198.18.110.3'].services.includes('tcp/80'));
    assert.equal(set.packets, a.status().captured, 'every stored packet analysed once');
    assert.equal(a.status().alerts, set.alerts.length);

    const session = join(dir, 'session.pcapng');
    await a.call('save', { path: session });
    await a.shutdown();

    const b = await open(session);
    const reopened = await b.call('getInsights', {});
    assert.deepEqual(reopened.settings, set.settings, 'same settings, the learned baseline included');
    assert.deepEqual(titles(reopened), titles(set), 'same alerts');
    assert.deepEqual((await b.call('getSession', {})).insights, JSON.parse(JSON.stringify(set.settings)));

    // the next capture opened in that window keeps the thresholds and policy, not the other traffic's baseline
    await openLoaded(b, capture(dir, 'other.pcapng', T0 + 86_400));
    const next = await b.call('getInsights', {});
    assert.equal(next.settings.scan.minPorts, 5);
    assert.deepEqual(next.settings.aiGateway.gateways, ['198.18.110.9']);
    assert.equal(next.settings.baseline.warmupSec, 5);
    assert.equal(next.settings.baseline.learned?.fromTs, T0 + 86_400, 'learned afresh from this capture, not carried');
    assert.deepEqual(next.alerts.filter((x) => x.kind === 'port-scan').map((x) => x.title), ['Port scan from 198.18.110.1 (8 ports)']);
    await b.shutdown();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
