// Beaconing: connections to one external host every 30 s ± 10% are named
// with their period and jitter, and the filter selects exactly their SYNs
// (a retransmitted SYN included, not counted as a connection). A person
// browsing the same host at irregular times, and a regular poll of an
// allowed destination, raise nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../../../lib/rng';
import { SYN, Scenario, tcp } from '../craft';
import { framesMatching, runScenario } from '../pipeline';

const T0 = 1_760_000_000;

test('connections every 30 s with 10% jitter are beaconing', async () => {
  const rnd = mulberry32(30);
  const s = new Scenario();
  const host = '198.18.80.2', c2 = '198.19.80.9';
  const syns: number[] = [];
  let t = T0;
  for (let i = 0; i < 20; i++) {
    const c = s.connection(t, host, c2, 40000 + i, 443, {});
    syns.push(c.syn);
    if (i === 5) syns.push(s.ip(t + 1, tcp(host, c2, { sport: 40000 + i, dport: 443, flags: SYN, seq: 999 })));
    t += 30 * (0.9 + 0.2 * rnd());
  }
  const { path, alerts } = await runScenario('beacon', s);
  assert.deepEqual(alerts.map((a) => a.kind), ['beaconing'], JSON.stringify(alerts.map((a) => a.title)));
  const a = alerts[0];
  assert.equal(a.metrics.connections, 20);
  assert.ok(Math.abs(Number(a.metrics.periodSec) - 30) < 3, String(a.metrics.periodSec));
  assert.ok(Number(a.metrics.jitter) <= 0.2);
  assert.match(a.title, /^Beaconing from 198\.18\.80\.2 to 198\.19\.80\.9:443 every \d+\.\d s$/);
  assert.deepEqual(await framesMatching(path, a.filter), syns);
});

test('irregular browsing and an allowed regular poll raise nothing', async () => {
  const rnd = mulberry32(31);
  const s = new Scenario();
  let t = T0;
  for (let i = 0; i < 40; i++) {
    s.connection(t, '198.18.81.2', '198.19.81.9', 41000 + i, 443, {});
    // think time between pages: exponential, mean 40 s
    t += -40 * Math.log(1 - rnd()) + 1;
  }
  for (let i = 0; i < 30; i++) s.connection(t + 1 + i * 60, '198.18.81.3', '198.19.81.10', 42000 + i, 443, {});
  const { alerts } = await runScenario('beacon-benign', s, { beacon: { allowDestinations: ['198.19.81.10'] } });
  assert.deepEqual(alerts.map((a) => a.title), []);
});
