// Each crafted attack or oddity raises exactly the expected alerts, naming
// the right endpoints, and each alert's display filter (run through the real
// filter engine) selects exactly the packets the alert counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Alert } from '../../../main/engine/insights/alert';
import {
  ACK, RST, SYN, Scenario, dnsQuery, dnsResponse, gre, httpRequest, httpResponse, icmpEcho, sctpInit, tcp, tlsClientHello, udp, MAC_A, MAC_B,
} from './craft';
import { assertFilterExact, runScenario } from './pipeline';

const T0 = 1_760_000_000;

const kinds = (alerts: Alert[]) => alerts.map((a) => a.kind).sort();

test('a connect scan of 100 ports raises one port-scan alert for the scanner', async () => {
  const s = new Scenario();
  const scanner = '198.18.5.1', target = '198.18.5.2';
  const syns: number[] = [];
  for (let port = 1; port <= 100; port++) {
    const t = T0 + port * 0.01;
    const sport = 40000 + port;
    syns.push(s.ip(t, tcp(scanner, target, { sport, dport: port, flags: SYN, seq: 1 })));
    if (port === 22 || port === 80) {
      s.ip(t + 0.001, tcp(target, scanner, { sport: port, dport: sport, flags: SYN | ACK, seq: 9, ack: 2 }), MAC_B, MAC_A);
      s.ip(t + 0.002, tcp(scanner, target, { sport, dport: port, flags: ACK, seq: 2, ack: 10 }));
      s.ip(t + 0.003, tcp(scanner, target, { sport, dport: port, flags: RST | ACK, seq: 2, ack: 10 }));
    } else {
      s.ip(t + 0.001, tcp(target, scanner, { sport: port, dport: sport, flags: RST | ACK, seq: 0, ack: 2 }), MAC_B, MAC_A);
    }
  }
  const { path, alerts } = await runScenario('port-scan', s);
  assert.deepEqual(kinds(alerts), ['port-scan'], JSON.stringify(alerts.map((a) => a.title)));
  const a = alerts[0];
  assert.deepEqual(a.endpoints[0], { role: 'source', address: scanner, packets: 100 });
  assert.ok(a.endpoints.some((e) => e.role === 'target' && e.address === target));
  assert.equal(a.metrics.distinctPorts, 100);
  assert.equal(a.metrics.completed, 2);
  assert.equal(a.metrics.refused, 98);
  assert.equal(a.thresholds[0].setting, 'scan.minPorts');
  assert.match(a.detail, /100 distinct ports on 1 host/);
  await assertFilterExact(path, a, syns);
});

test('thirty SSH logins in 45 s from one source raise one brute-force alert', async () => {
  const s = new Scenario();
  const attacker = '203.0.113.7', server = '198.18.6.2';
  const syns: number[] = [];
  for (let i = 0; i < 30; i++) {
    const c = s.connection(T0 + i * 1.5, attacker, server, 50000 + i, 22, {
      request: [...Buffer.from('SSH-2.0-libssh_0.10.4\r\n')], response: [...Buffer.from('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n')],
    });
    syns.push(c.syn);
  }
  const { path, alerts } = await runScenario('ssh-brute-force', s);
  assert.deepEqual(kinds(alerts), ['brute-force'], JSON.stringify(alerts.map((a) => a.title)));
  const a = alerts[0];
  assert.deepEqual(a.endpoints.map((e) => [e.role, e.address, e.port]), [['source', attacker, undefined], ['target', server, 22]]);
  assert.equal(a.metrics.attempts, 30);
  assert.equal(a.metrics.completed, 30);
  assert.equal(a.metrics.service, 'SSH');
  await assertFilterExact(path, a, syns);
});

test('SYNs from 600 spoofed sources to one port raise one syn-flood alert', async () => {
  const s = new Scenario();
  const target = '198.18.7.2';
  const syns: number[] = [];
  for (let i = 0; i < 600; i++) {
    const src = `100.64.${(i >> 7) + 1}.${(i & 127) + 1}`;
    const t = T0 + i * (2 / 600);
    syns.push(s.ip(t, tcp(src, target, { sport: 1024 + ((i * 7919) % 60000), dport: 80, flags: SYN, seq: i })));
    if (i % 3 === 0) s.ip(t + 0.0001, tcp(target, src, { sport: 80, dport: 1024 + ((i * 7919) % 60000), flags: SYN | ACK, seq: 7, ack: i + 1 }), MAC_B, MAC_A);
  }
  const { path, alerts } = await runScenario('syn-flood', s);
  assert.deepEqual(kinds(alerts), ['syn-flood'], JSON.stringify(alerts.map((a) => a.title)));
  const a = alerts[0];
  assert.deepEqual([a.endpoints[0].role, a.endpoints[0].address, a.endpoints[0].port], ['target', target, 80]);
  assert.equal(a.metrics.distinctSources, 600);
  assert.equal(a.metrics.halfOpen, 600);
  assert.match(a.detail, /likely spoofed/);
  await assertFilterExact(path, a, syns);
});

function spikeScenario(sources: (i: number) => string) {
  const s = new Scenario();
  const victim = '198.18.8.10';
  const spike: number[] = [];
  const background = (from: number, to: number) => {
    for (let t = from; t < to; t += 0.2) s.ip(T0 + t, udp('198.18.8.1', '198.18.8.2', 40000, 7000, new Array(32).fill(0)));
  };
  background(0, 60);
  for (let k = 0; k < 2700; k++) {
    spike.push(s.ip(T0 + 60 + k / 900, udp(sources(k), victim, 20000 + (k % 1000), 9000, new Array(64).fill(0xaa))));
  }
  background(63, 73);
  return { s, victim, spike };
}

test('a burst from 300 sources over quiet background is a distributed traffic spike on the victim', async () => {
  // 300 public sources, 100 in each of three networks (GeoIP gives them countries)
  const nets = ['8.8', '1.1', '193.0'];
  const { s, victim, spike } = spikeScenario((k) => { const i = k % 300; return `${nets[i % 3]}.${Math.floor(i / 3)}.1`; });
  // (900 unanswered datagrams/s is also a UDP flood, which explains the spike away: that detector is not under test here)
  const { path, alerts } = await runScenario('spike-ddos', s, { udpFlood: { enabled: false } });
  assert.deepEqual(kinds(alerts), ['traffic-spike'], JSON.stringify(alerts.map((a) => a.title)));
  const a = alerts[0];
  assert.deepEqual([a.endpoints[0].role, a.endpoints[0].address], ['target', victim]);
  assert.equal(a.metrics.shape, 'distributed');
  assert.equal(a.metrics.distinctSources, 300);
  assert.equal(a.metrics.peakPacketsPerSec, 900);
  assert.equal(a.metrics.baselinePacketsPerSec, 0);
  assert.equal(a.endpoints.filter((e) => e.role === 'source').length, 5);
  assert.match(a.detail, /from 300 sources \(many sources: DDoS-like\)/);
  assert.ok(a.thresholds[0].baseline, 'the threshold quotes the baseline');
  // countries count sources: three networks of 100 sources each
  const countries = String(a.metrics.topCountries).split(',').map((c) => c.split(':'));
  assert.ok(countries.length >= 2, `countries ${a.metrics.topCountries}`);
  assert.ok(countries.reduce((n, [, k]) => n + Number(k), 0) <= 300, `countries ${a.metrics.topCountries}`);
  assert.ok(countries.every(([c, k]) => /^[A-Z]{2}$/.test(c) && Number(k) > 0), `countries ${a.metrics.topCountries}`);
  assert.match(a.detail, /top countries by sources [A-Z]{2} \(\d+\)/);
  await assertFilterExact(path, a, spike);
});

test('the same burst from one host is a single-source spike naming that host', async () => {
  const { s, victim, spike } = spikeScenario(() => '100.66.0.9');
  const { path, alerts } = await runScenario('spike-single', s, { udpFlood: { enabled: false } });
  assert.deepEqual(kinds(alerts), ['traffic-spike'], JSON.stringify(alerts.map((a) => a.title)));
  const a = alerts[0];
  assert.equal(a.metrics.shape, 'single-source');
  assert.equal(a.title, `Traffic spike to ${victim} (from 100.66.0.9)`);
  assert.deepEqual(a.endpoints[1], { role: 'source', address: '100.66.0.9', packets: 2700 });
  await assertFilterExact(path, a, spike);
});

test('GRE and SCTP are unexpected IP protocols under the default policy', async () => {
  const s = new Scenario();
  const greFrames: number[] = [], sctpFrames: number[] = [];
  for (let i = 0; i < 6; i++) {
    s.ip(T0 + i, icmpEcho('198.18.9.1', '198.18.9.2', 1, i));
    if (i < 5) greFrames.push(s.ip(T0 + i + 0.1, gre('198.18.9.1', '198.18.9.3', icmpEcho('10.0.0.1', '10.0.0.2', 2, i))));
    if (i < 4) sctpFrames.push(s.ip(T0 + i + 0.2, sctpInit('198.18.9.4', '198.18.9.2', 5000, 38412)));
  }
  const { path, alerts } = await runScenario('gre-sctp', s);
  assert.deepEqual(alerts.map((a) => a.id).sort(), ['ipproto:132', 'ipproto:47']);
  const byId = Object.fromEntries(alerts.map((a) => [a.id, a]));
  assert.equal(byId['ipproto:47'].title, 'Unexpected IP protocol 47 (GRE)');
  assert.equal(byId['ipproto:47'].filter, 'ip.proto == 47');
  assert.equal(byId['ipproto:132'].title, 'Unexpected IP protocol 132 (SCTP)');
  assert.deepEqual(byId['ipproto:132'].endpoints.slice(0, 2).map((e) => e.address), ['198.18.9.4', '198.18.9.2']);
  await assertFilterExact(path, byId['ipproto:47'], greFrames);
  await assertFilterExact(path, byId['ipproto:132'], sctpFrames);
});

test('HTTP spoken on port 22 is a service mismatch', async () => {
  const s = new Scenario();
  const c = s.connection(T0, '198.18.9.1', '198.18.9.2', 41000, 22, { request: httpRequest('198.18.9.2'), response: httpResponse(200) });
  // ordinary SSH on 22 alongside: not a mismatch
  s.connection(T0 + 1, '198.18.9.1', '198.18.9.2', 41001, 22, { request: [...Buffer.from('SSH-2.0-OpenSSH_9.2\r\n')] });
  const { path, alerts } = await runScenario('http-on-22', s);
  assert.deepEqual(kinds(alerts), ['service-mismatch']);
  const a = alerts[0];
  assert.equal(a.title, 'HTTP on port 22');
  assert.deepEqual(a.endpoints.slice(0, 2).map((e) => [e.role, e.address]), [['client', '198.18.9.1'], ['server', '198.18.9.2']]);
  await assertFilterExact(path, a, [c.frames[3], c.frames[4]]);
});

test('TLS to api.openai.com (by SNI) and to an address DNS gave for api.anthropic.com are AI service use', async () => {
  const s = new Scenario();
  const host = '198.18.10.5';
  const openai = s.connection(T0, host, '162.159.140.245', 43000, 443, { request: tlsClientHello('api.openai.com') });
  s.ip(T0 + 2, udp(host, '198.18.10.1', 53001, 53, dnsQuery(77, 'api.anthropic.com')));
  s.ip(T0 + 2.01, udp('198.18.10.1', host, 53, 53001, dnsResponse(77, 'api.anthropic.com', ['160.79.104.10'])));
  const anthropic = s.connection(T0 + 2.02, host, '160.79.104.10', 43001, 443, {});
  const { path, alerts, engine } = await runScenario('ai-services', s);
  assert.deepEqual(alerts.map((a) => a.id).sort(), [`ai-service:${host}:Anthropic`, `ai-service:${host}:OpenAI`]);
  const byId = Object.fromEntries(alerts.map((a) => [a.id, a]));
  const o = byId[`ai-service:${host}:OpenAI`];
  assert.match(o.detail, /TLS SNI api\.openai\.com/);
  assert.equal(o.endpoints[0].address, host);
  await assertFilterExact(path, o, [openai.frames[3]]);
  const an = byId[`ai-service:${host}:Anthropic`];
  assert.match(an.detail, /resolved by DNS \(160\.79\.104\.10\)/);
  await assertFilterExact(path, an, [anthropic.syn]);
  const ai = engine.stats().ai;
  assert.deepEqual(ai.map((h) => [h.host, h.services.map((v) => v.service).sort()]), [[host, ['Anthropic', 'OpenAI']]]);
});

test('plain browsing raises no alert', async () => {
  const s = new Scenario();
  const client = '198.18.11.5', resolver = '198.18.11.1';
  for (let i = 0; i < 12; i++) {
    const t = T0 + i * 5;
    const server = `93.184.215.${10 + (i % 4)}`;
    const name = `www${i % 4}.example.org`;
    s.ip(t, udp(client, resolver, 50000 + i, 53, dnsQuery(i, name)));
    s.ip(t + 0.02, udp(resolver, client, 53, 50000 + i, dnsResponse(i, name, [server])), MAC_B, MAC_A);
    if (i % 2) s.connection(t + 0.05, client, server, 44000 + i, 443, { request: tlsClientHello(name), response: [0x16, 3, 3, 0, 4, 2, 0, 0, 0] });
    else s.connection(t + 0.05, client, server, 44000 + i, 80, { request: httpRequest(name, `/page${i}`), response: httpResponse(200, 'ok') });
    s.ip(t + 1, icmpEcho(client, server, 3, i));
  }
  const { alerts, engine } = await runScenario('browsing', s);
  assert.deepEqual(alerts.map((a) => a.title), []);
  const st = engine.stats();
  assert.equal(st.http.requests, 6);
  assert.deepEqual(st.http.byUserAgentFamily, [{ key: 'Firefox', count: 6 }]);
});
