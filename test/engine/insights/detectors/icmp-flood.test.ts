// The ICMP flood detector: a ping flood to one host raises one alert with
// its rate, sources and the threshold it crossed, and its filter selects
// exactly the echo requests it counted (not the replies, not the ordinary
// pings elsewhere, not a ping tunnelled in GRE to the same host).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openCaptureFile } from '../../../../main/engine/file/open';
import { InsightsEngine } from '../../../../main/engine/insights';
import { analyzeCaptureFile, createDissector } from '../../../../main/engine/insights/file';
import { CAPTURES, sharedCapturesSkipReason } from '../../../lib/env';
import { MAC_A, MAC_B, Scenario, gre, icmpEcho, icmpv6Echo } from '../craft';
import { assertFilterExact, runScenario, scratch } from '../pipeline';

const T0 = 1_760_000_000;

/** `perSec` echo requests a second for `secs` seconds from `sources`, each answered; ordinary 1/s pings to `other` throughout. */
function pingFlood(s: Scenario, victim: string, sources: string[], perSec: number, secs: number, start = 2): number[] {
  const requests: number[] = [];
  for (let sec = 0; sec < start + secs + 2; sec++) {
    s.ip(T0 + sec, icmpEcho('198.18.20.1', '198.18.20.9', 7, sec));
    if (sec < start || sec >= start + secs) continue;
    for (let i = 0; i < perSec; i++) {
      const t = T0 + sec + (i + 1) / (perSec + 2);
      const src = sources[i % sources.length];
      requests.push(s.ip(t, icmpEcho(src, victim, 1, sec * perSec + i)));
      s.ip(t + 0.0001, icmpEcho(victim, src, 1, sec * perSec + i, 0), MAC_B, MAC_A);
    }
  }
  return requests;
}

test('a ping flood from one host raises one icmp-flood alert whose filter selects exactly its echo requests', async () => {
  const s = new Scenario();
  const victim = '198.18.20.2', attacker = '198.18.20.3';
  const requests = pingFlood(s, victim, [attacker], 300, 3);
  const { path, alerts } = await runScenario('icmp-flood', s);
  assert.deepEqual(alerts.map((a) => a.kind), ['icmp-flood'], JSON.stringify(alerts.map((a) => a.title)));
  const a = alerts[0];
  assert.equal(a.severity, 'medium');
  assert.equal(a.title, `ICMP flood to ${victim} (300 echo requests/s from 1 source)`);
  assert.deepEqual(a.endpoints, [{ role: 'target', address: victim, packets: 900 }, { role: 'source', address: attacker, packets: 900 }]);
  assert.deepEqual([a.metrics.seconds, a.metrics.packets, a.metrics.peakPerSec, a.metrics.distinctSources], [3, 900, 300, 1]);
  assert.deepEqual(a.thresholds, [{ metric: `ICMP echo requests/s to ${victim}`, observed: 300, threshold: 100, setting: 'icmpFlood.minPerSec' }]);
  assert.match(a.detail, /900 ICMP echo requests .* in 3 s: 300\/s, peak 300\/s; from 1 source \(198\.18\.20\.3 sent 100%\)/);
  assert.equal(a.ongoing, false);
  await assertFilterExact(path, a, requests);
});

test('a tunnelled ping is not counted and its frame is not selected', async () => {
  const s = new Scenario();
  const victim = '198.18.21.2';
  const requests: number[] = [];
  for (let i = 0; i < 150; i++) {
    requests.push(s.ip(T0 + 3 + i / 200, icmpEcho('198.18.21.3', victim, 1, i)));
    if (i === 75) s.ip(T0 + 3 + i / 200, gre('198.18.21.4', victim, icmpEcho('198.18.21.5', victim, 2, i)));
  }
  const { path, alerts } = await runScenario('icmp-flood-gre', s, { policy: { ipProtocols: [1, 6, 17, 47, 58] } });
  assert.deepEqual(alerts.map((a) => a.kind), ['icmp-flood']);
  assert.equal(alerts[0].packets, 150);
  await assertFilterExact(path, alerts[0], requests);
});

test('a flood from many sources is high severity, and ICMPv6 floods are found too', async () => {
  const s = new Scenario();
  const sources = Array.from({ length: 40 }, (_, i) => `198.18.22.${10 + i}`);
  const v4 = pingFlood(s, '198.18.22.2', sources, 200, 2);
  const v6: number[] = [];
  for (let i = 0; i < 250; i++) v6.push(s.ip6(T0 + 10 + i / 300, icmpv6Echo('2001:db8::3', '2001:db8::2', 1, i)));
  // (the ICMPv6 flood after ten seconds is a traffic spike too: that detector is not under test here)
  const { path, alerts } = await runScenario('icmp-flood-many', s, { spike: { enabled: false } });
  assert.deepEqual(alerts.map((a) => [a.kind, a.severity, a.endpoints[0].address]), [['icmp-flood', 'high', '198.18.22.2'], ['icmp-flood', 'medium', '2001:db8::2']]);
  assert.equal(alerts[0].metrics.distinctSources, 40);
  assert.match(alerts[0].detail, /from 40 sources \(many sources: DDoS-like\)/);
  await assertFilterExact(path, alerts[0], v4);
  await assertFilterExact(path, alerts[1], v6);
});

test('pings at the threshold, or with the detector off, raise nothing', async () => {
  const at = new Scenario();
  pingFlood(at, '198.18.23.2', ['198.18.23.3'], 100, 5);
  assert.deepEqual((await runScenario('icmp-at-threshold', at)).alerts.map((a) => a.title), []);
  const off = new Scenario();
  pingFlood(off, '198.18.23.2', ['198.18.23.3'], 500, 2);
  assert.deepEqual((await runScenario('icmp-flood-off', off, { icmpFlood: { enabled: false } })).alerts.map((a) => a.title), []);
  const higher = new Scenario();
  pingFlood(higher, '198.18.23.2', ['198.18.23.3'], 500, 2);
  assert.deepEqual((await runScenario('icmp-flood-higher', higher, { icmpFlood: { minPerSec: 1000 } })).alerts.map((a) => a.title), []);
});

test('live, a flood shows while it lasts and ends after a second without pings, with no end-of-file flush', async () => {
  const s = new Scenario();
  const victim = '198.18.24.2';
  for (let i = 0; i < 400; i++) s.ip(T0 + 2 + i / 200, icmpEcho('198.18.24.3', victim, 1, i));
  // other traffic moves the clock on: one packet in the second after the flood, one a second later
  const after = s.ip(T0 + 4.5, icmpEcho('198.18.24.4', '198.18.24.5', 1, 1));
  s.ip(T0 + 5.5, icmpEcho('198.18.24.4', '198.18.24.5', 1, 2));
  const path = scratch('icmp-flood-live.pcapng');
  s.write(path);
  const engine = new InsightsEngine();
  const dissector = createDissector();
  const seen: Array<Array<[string, boolean]>> = [];
  const file = await openCaptureFile(path);
  for await (const batch of file.batches()) {
    for (const p of batch) {
      engine.add(dissector.dissect(p));
      if (p.number >= after) seen.push(engine.alerts().map((a) => [a.kind, a.ongoing]));
    }
  }
  await file.close();
  assert.deepEqual(seen, [[['icmp-flood', true]], [['icmp-flood', false]]]);
  assert.equal(engine.alerts()[0].packets, 400);
});

const skip = sharedCapturesSkipReason();

test('no shared capture raises an icmp-flood alert', { skip: skip ?? false }, async () => {
  const files = readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?(\.gz)?$/.test(f));
  assert.ok(files.length >= 20, `found ${files.length} captures`);
  for (const f of files) {
    const r = await analyzeCaptureFile(join(CAPTURES, f));
    assert.deepEqual(r.engine.alerts().filter((a) => a.kind === 'icmp-flood').map((a) => a.title), [], f);
  }
});
