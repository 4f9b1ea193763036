// Settings are plain JSON with checked keys and types; tracking stays within
// its caps under a flood of distinct sources (each SYN from a new address).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSettings, resolveSettings } from '../../../main/engine/insights/settings';
import { SYN, Scenario, tcp } from './craft';
import { runScenario } from './pipeline';

test('settings round-trip through JSON and reject unknown keys and wrong types', () => {
  const d = defaultSettings();
  assert.deepEqual(resolveSettings(JSON.parse(JSON.stringify(d))), d);
  const s = resolveSettings({ scan: { minPorts: 5 }, policy: { ipProtocols: [1, 6, 17, 47] } });
  assert.equal(s.scan.minPorts, 5);
  assert.equal(s.scan.minHosts, d.scan.minHosts);
  assert.deepEqual(s.policy.ipProtocols, [1, 6, 17, 47]);
  assert.throws(() => resolveSettings({ scan: { minport: 5 } } as never), /settings\.scan\.minport: unknown setting/);
  assert.throws(() => resolveSettings({ scan: { minPorts: '5' } } as never), /settings\.scan\.minPorts: expected a number/);
  assert.throws(() => resolveSettings({ policy: { etherTypes: 5 } } as never), /expected an array/);
});

test('a flood of 20 000 distinct sources stays within the tracking caps and is still reported', async () => {
  const s = new Scenario();
  const T0 = 1_760_000_000;
  for (let i = 0; i < 20_000; i++) {
    s.ip(T0 + i / 10_000, tcp(`100.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, '198.18.13.2', { sport: 1024 + (i % 50_000), dport: 443, flags: SYN }));
  }
  const limits = { maxSources: 500, maxHandshakes: 2000, maxResolved: 100, maxAlertFrames: 64 };
  const { engine, alerts } = await runScenario('flood-limits', s, { limits });
  const internals = engine as unknown as { conns: { sources: { size: number }; handshakes: { size: number }; targets: { size: number } } };
  assert.ok(internals.conns.sources.size <= 500, `sources tracked ${internals.conns.sources.size}`);
  assert.ok(internals.conns.handshakes.size <= 2000, `handshakes tracked ${internals.conns.handshakes.size}`);
  assert.equal(internals.conns.targets.size, 1);
  const flood = alerts.find((a) => a.kind === 'syn-flood');
  assert.ok(flood, alerts.map((a) => a.title).join(' | '));
  assert.equal(flood.packets, 20_000);
  assert.equal(flood.metrics.distinctSources, 1024, 'distinct sources saturate at the cap');
  assert.match(flood.title, /from 1024\+ sources/);
});
