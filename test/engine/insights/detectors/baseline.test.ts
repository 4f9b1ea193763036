// Learned baselines: five minutes of a host serving SSH and sending TCP at a
// few packets a second, then it accepts connections on 4444, sends GRE and
// bursts to 300 packets/s — three deviations, each with a filter selecting
// exactly its packets. The profile lands in the settings (saved with a
// session): an engine given them judges a later capture from its first
// packet. The same behaviour as while learning raises nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Alert } from '../../../../main/engine/insights/alert';
import { ACK, MAC_A, MAC_B, SYN, Scenario, gre, icmpEcho, tcp } from '../craft';
import { framesMatching, runScenario } from '../pipeline';

const T0 = 1_760_000_000;
const HOST = '198.18.110.2', CLIENT = '198.18.110.3';

/** Normal life: an SSH session (the host answers on 22) and a packet every half second each way. */
function normal(s: Scenario, from: number, to: number): void {
  for (let t = from; t < to; t += 0.5) {
    if ((t - from) % 60 === 0) {
      s.ip(T0 + t, tcp(CLIENT, HOST, { sport: 50000 + t, dport: 22, flags: SYN }));
      s.ip(T0 + t + 0.001, tcp(HOST, CLIENT, { sport: 22, dport: 50000 + t, flags: SYN | ACK }), MAC_B, MAC_A);
    }
    s.ip(T0 + t + 0.01, tcp(HOST, CLIENT, { sport: 22, dport: 50000, flags: ACK, payload: [1, 2, 3, 4] }), MAC_B, MAC_A);
    s.ip(T0 + t + 0.02, tcp(CLIENT, HOST, { sport: 50000, dport: 22, flags: ACK }));
  }
}

function deviant(s: Scenario, at: number): { synAcks: number[]; gre: number[]; burst: number[] } {
  const synAcks: number[] = [], greFrames: number[] = [], burst: number[] = [];
  for (let i = 0; i < 3; i++) {
    s.ip(T0 + at + i, tcp(CLIENT, HOST, { sport: 51000 + i, dport: 4444, flags: SYN }));
    synAcks.push(s.ip(T0 + at + i + 0.001, tcp(HOST, CLIENT, { sport: 4444, dport: 51000 + i, flags: SYN | ACK }), MAC_B, MAC_A));
    greFrames.push(s.ip(T0 + at + i + 0.5, gre(HOST, '198.19.110.9', icmpEcho('10.0.0.1', '10.0.0.2', 1, i)), MAC_B, MAC_A));
  }
  for (let k = 0; k < 900; k++) burst.push(s.ip(T0 + at + 10 + k / 300, tcp(HOST, CLIENT, { sport: 22, dport: 50000, flags: ACK, payload: [k & 255] }), MAC_B, MAC_A));
  return { synAcks, gre: greFrames, burst };
}

const byWhat = (alerts: Alert[]) => Object.fromEntries(alerts.filter((a) => a.kind === 'baseline-deviation').map((a) => [a.metrics.what, a]));

test('after five minutes of learning, a new service, a new protocol and a burst are deviations', async () => {
  const s = new Scenario();
  normal(s, 0, 310);
  const dev = deviant(s, 320);
  normal(s, 335, 340);
  // (crafted SSH logins every 60 s would be beaconing: not under test here)
  const { path, alerts, engine } = await runScenario('baseline', s, { beacon: { enabled: false } });
  const d = byWhat(alerts);
  assert.deepEqual(Object.keys(d).sort(), ['protocol', 'rate', 'service'], JSON.stringify(alerts.map((a) => a.title)));
  assert.equal(d.service.title, `${HOST} answers on tcp/4444, which it did not serve while learning`);
  assert.match(d.service.detail, /it served tcp\/22/);
  assert.deepEqual(await framesMatching(path, d.service.filter), dev.synAcks);
  assert.deepEqual(await framesMatching(path, d.protocol.filter), dev.gre);
  assert.deepEqual(await framesMatching(path, d.rate.filter), dev.burst);
  assert.equal(d.rate.metrics.peakPerSec, 300);
  assert.ok(alerts.filter((a) => a.kind === 'baseline-deviation').every((a) => a.severity === 'info' || a.severity === 'low'));
  const learned = engine.settings.baseline.learned;
  assert.ok(learned);
  assert.deepEqual(learned.hosts[HOST].services, ['tcp/22']);
  assert.deepEqual(learned.hosts[HOST].protocols, ['6']);

  // a later capture, judged against the saved profile from its first packet
  const later = new Scenario();
  const dev2 = deviant(later, 0);
  const again = await runScenario('baseline-later', later, { baseline: { learned: JSON.parse(JSON.stringify(learned)) }, beacon: { enabled: false } });
  const d2 = byWhat(again.alerts);
  assert.deepEqual(Object.keys(d2).sort(), ['protocol', 'rate', 'service']);
  assert.deepEqual(await framesMatching(again.path, d2.service.filter), dev2.synAcks);
});

test('the same behaviour as while learning raises no deviation', async () => {
  const s = new Scenario();
  normal(s, 0, 700);
  const { alerts } = await runScenario('baseline-steady', s, { beacon: { enabled: false } });
  assert.deepEqual(alerts.map((a) => a.title), []);
});
