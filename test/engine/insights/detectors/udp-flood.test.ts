// UDP floods: thousands of unanswered datagrams a second to one host are a
// UDP flood (not a generic traffic spike), and the filter selects exactly the
// datagrams counted. A fast UDP download the client acknowledges is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEVERITY_RANK } from '../../../../main/engine/insights/alert';
import { MAC_A, MAC_B, Scenario, udp } from '../craft';
import { framesMatching, runScenario } from '../pipeline';

const T0 = 1_760_000_000;

function background(s: Scenario, from: number, to: number): void {
  for (let t = from; t < to; t += 0.25) s.ip(T0 + t, udp('198.18.40.1', '198.18.40.9', 40000, 7000, new Array(32).fill(0)));
}

test('an unanswered UDP flood to random ports is a udp-flood alert whose filter selects exactly its datagrams', async () => {
  const s = new Scenario();
  const victim = '198.18.40.2', attacker = '198.18.40.3';
  background(s, 0, 20);
  const flood: number[] = [];
  for (let k = 0; k < 4500; k++) flood.push(s.ip(T0 + 20 + k / 1500, udp(attacker, victim, 2000 + (k % 7), 1 + (k % 1024), new Array(100).fill(0x55))));
  background(s, 23, 30);
  const { path, alerts } = await runScenario('udp-flood', s);
  assert.deepEqual(alerts.map((a) => a.kind), ['udp-flood'], JSON.stringify(alerts.map((a) => a.title)));
  const a = alerts[0];
  assert.equal(a.title, `UDP flood to ${victim} (1500 datagrams/s from 1 source)`);
  assert.deepEqual([a.metrics.seconds, a.metrics.packets, a.metrics.replies, a.metrics.distinctPorts], [3, 4500, 0, 1024]);
  assert.equal(a.thresholds[0].setting, 'udpFlood.minPerSec');
  assert.deepEqual(await framesMatching(path, a.filter), flood);
});

test('a fast UDP download the client acknowledges raises nothing medium or above, and no flood', async () => {
  const s = new Scenario();
  const client = '198.18.41.2', server = '198.18.41.3';
  background(s, 0, 20);
  for (let k = 0; k < 10000; k++) {
    const t = T0 + 20 + k / 2000;
    s.ip(t, udp(server, client, 443, 51000, new Array(1200).fill(0x17)), MAC_B, MAC_A);
    if (k % 4 === 3) s.ip(t + 0.0001, udp(client, server, 51000, 443, new Array(40).fill(0x40)));
  }
  background(s, 25, 30);
  const { alerts } = await runScenario('udp-download', s);
  assert.deepEqual(alerts.filter((a) => a.kind === 'udp-flood' || SEVERITY_RANK[a.severity] >= SEVERITY_RANK.medium).map((a) => a.title), []);
});
