// Floods are named, not reported as generic traffic spikes: after a minute
// of quiet background, a DNS reflection flood is one amplification alert and
// a ping flood one icmp-flood alert — the traffic-spike and udp-flood alerts
// the same packets would also raise are explained by them and left out.
// With the named detector off, the spike is still reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAC_A, MAC_B, Scenario, dnsResponse, icmpEcho, udp } from './craft';
import { runScenario } from './pipeline';

const T0 = 1_760_000_000;

function background(s: Scenario, from: number, to: number): void {
  for (let t = from; t < to; t += 0.5) s.ip(T0 + t, udp('198.18.120.1', '198.18.120.9', 40000, 7000, new Array(32).fill(0)));
}

function reflectionFlood(): Scenario {
  const s = new Scenario();
  background(s, 0, 60);
  const big = (k: number) => dnsResponse(k, 'example.org', Array.from({ length: 60 }, (_, i) => `198.19.${i}.1`));
  for (let k = 0; k < 6000; k++) s.ip(T0 + 60 + k / 1000, udp(`198.18.121.${1 + (k % 30)}`, '198.18.120.2', 53, 1024 + (k % 5000), big(k)), MAC_B, MAC_A);
  background(s, 66, 70);
  return s;
}

test('a DNS reflection flood after quiet is one amplification alert, not a spike or a UDP flood', async () => {
  const { alerts } = await runScenario('named-reflection', reflectionFlood());
  assert.deepEqual(alerts.map((a) => a.kind), ['amplification'], JSON.stringify(alerts.map((a) => a.title)));
  assert.equal(alerts[0].severity, 'high', 'many reflectors, unasked answers, sustained volume');
});

test('a ping flood after quiet is one icmp-flood alert', async () => {
  const s = new Scenario();
  background(s, 0, 60);
  for (let k = 0; k < 2000; k++) s.ip(T0 + 60 + k / 400, icmpEcho('198.18.122.3', '198.18.120.2', 1, k));
  background(s, 66, 70);
  const { alerts } = await runScenario('named-ping', s);
  assert.deepEqual(alerts.map((a) => a.kind), ['icmp-flood'], JSON.stringify(alerts.map((a) => a.title)));
});

test('with the named detectors off, the same reflection flood is still seen as a spike', async () => {
  const { alerts } = await runScenario('named-off', reflectionFlood(), { amplification: { enabled: false }, udpFlood: { enabled: false } });
  assert.deepEqual(alerts.map((a) => a.kind), ['traffic-spike'], JSON.stringify(alerts.map((a) => a.title)));
});
