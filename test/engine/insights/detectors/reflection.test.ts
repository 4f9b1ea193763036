// Reflection/amplification: answers without questions (DNS from 20
// reflectors), or a byte ratio no client has (NTP monlist with the spoofed
// requests captured too) are named as such — not as a UDP flood or a traffic
// spike — and the filter selects exactly the responses counted. A busy
// resolver client and an SNMP walk ask for every answer and raise nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAC_A, MAC_B, Scenario, dnsQuery, dnsResponse, udp } from '../craft';
import { assertFilterExact, runScenario } from '../pipeline';
import { inetChecksum } from '../../../lib/checksum';

const T0 = 1_760_000_000;

const bigAnswer = (id: number) => dnsResponse(id, 'example.org', Array.from({ length: 60 }, (_, i) => `198.19.${i}.1`));

test('DNS answers from 20 reflectors that the victim never asked for are a DNS amplification flood', async () => {
  const s = new Scenario();
  const victim = '198.18.30.2', resolver = '198.18.30.1';
  const counted: number[] = [];
  // the victim's own ordinary lookups, answered: counted too (they are responses from port 53), but asked for
  for (let i = 0; i < 5; i++) {
    s.ip(T0 + i * 0.5, udp(victim, resolver, 40000 + i, 53, dnsQuery(i, 'www.example.com')));
    counted.push(s.ip(T0 + i * 0.5 + 0.01, udp(resolver, victim, 53, 40000 + i, dnsResponse(i, 'www.example.com', ['198.19.0.80'])), MAC_B, MAC_A));
  }
  for (let k = 0; k < 600; k++) {
    const refl = `198.18.31.${1 + (k % 20)}`;
    counted.push(s.ip(T0 + 3 + k / 200, udp(refl, victim, 53, 33000 + (k % 1000), bigAnswer(k)), MAC_B, MAC_A));
  }
  const { path, alerts } = await runScenario('amp-dns', s);
  assert.deepEqual(alerts.map((a) => a.kind), ['amplification'], JSON.stringify(alerts.map((a) => a.title)));
  const a = alerts[0];
  assert.equal(a.title, `DNS reflection/amplification flood against ${victim} (21 reflectors)`); // the 20 and its own resolver
  assert.equal(a.metrics.reflectors, 21);
  assert.equal(a.metrics.unmatchedResponses, 600);
  assert.equal(a.metrics.responses, 605);
  assert.equal(a.thresholds[1].setting, 'amplification.minUnmatchedShare');
  assert.ok(['medium', 'high'].includes(a.severity), a.severity);
  assert.match(a.detail, /600 \(99%\) answered no request of 198\.18\.30\.2/);
  await assertFilterExact(path, a, counted);
});

test('NTP monlist with the spoofed requests captured is named by its byte ratio', async () => {
  const s = new Scenario();
  const victim = '198.18.32.2', reflector = '198.18.32.9';
  const responses: number[] = [];
  for (let k = 0; k < 30; k++) {
    const t = T0 + k * 0.1;
    // mode 7 (private) request MON_GETLIST_1: 8 bytes; each answered by 6 datagrams of 440 bytes
    s.ip(t, udp(victim, reflector, 50000, 123, [0x17, 0x00, 0x03, 0x2a, 0, 0, 0, 0]));
    for (let j = 0; j < 6; j++) responses.push(s.ip(t + 0.001 * (j + 1), udp(reflector, victim, 123, 50000, [0xd7, 0, 3, 0x2a, ...new Array(436).fill(7)]), MAC_B, MAC_A));
  }
  const { path, alerts } = await runScenario('amp-ntp', s);
  assert.deepEqual(alerts.map((a) => a.kind), ['amplification'], JSON.stringify(alerts.map((a) => a.title)));
  const a = alerts[0];
  assert.equal(a.metrics.service, 'NTP');
  assert.equal(a.metrics.unmatchedResponses, 0);
  assert.ok(Number(a.metrics.byteRatio) > 20, String(a.metrics.byteRatio));
  assert.equal(a.thresholds[1].setting, 'amplification.minRatio');
  await assertFilterExact(path, a, responses);
});

/** An IPv4 packet split into fragments of at most 1480 payload bytes (header checksums redone). */
function fragments(packet: number[]): number[][] {
  const head = packet.slice(0, 20), body = packet.slice(20);
  const out: number[][] = [];
  for (let off = 0; off < body.length; off += 1480) {
    const part = body.slice(off, off + 1480);
    const h = [...head];
    const total = 20 + part.length, more = off + 1480 < body.length;
    h[2] = total >> 8; h[3] = total & 255;
    const fo = (off / 8) | (more ? 0x2000 : 0);
    h[6] = fo >> 8; h[7] = fo & 255;
    h[10] = 0; h[11] = 0;
    const c = inetChecksum(h);
    h[10] = c >> 8; h[11] = c & 255;
    out.push([...h, ...part]);
  }
  return out;
}

test('fragmented answers (DNS ANY of 3 KB) are counted on the fragment that completes each, and selected there', async () => {
  const s = new Scenario();
  const victim = '198.18.34.2';
  const completing: number[] = [];
  for (let k = 0; k < 150; k++) {
    const refl = `198.18.35.${1 + (k % 10)}`;
    const big = dnsResponse(k, 'example.org', Array.from({ length: 190 }, (_, i) => `198.19.${i}.${k % 250}`));
    const frags = fragments(udp(refl, victim, 53, 33000 + k, big));
    let last = 0;
    for (const fr of frags) last = s.ip(T0 + 1 + k / 100, fr, MAC_B, MAC_A);
    completing.push(last);
  }
  const { path, alerts } = await runScenario('amp-fragmented', s);
  assert.deepEqual(alerts.map((a) => a.kind), ['amplification'], JSON.stringify(alerts.map((a) => a.title)));
  assert.equal(alerts[0].metrics.responses, 150);
  assert.ok(Number(alerts[0].metrics.responseBytes) > 150 * 3000, String(alerts[0].metrics.responseBytes));
  await assertFilterExact(path, alerts[0], completing);
});

test('a busy resolver client and an SNMP walk get every answer they ask for: nothing is raised', async () => {
  const s = new Scenario();
  const client = '198.18.33.5', resolver = '198.18.33.1', agent = '198.18.33.7';
  for (let i = 0; i < 400; i++) {
    const t = T0 + i * 0.02;
    s.ip(t, udp(client, resolver, 30000 + i, 53, dnsQuery(i, `host${i}.example.com`)));
    s.ip(t + 0.005, udp(resolver, client, 53, 30000 + i, dnsResponse(i, `host${i}.example.com`, ['198.19.1.1', '198.19.1.2'])), MAC_B, MAC_A);
    s.ip(t + 0.01, udp(client, agent, 45000, 161, new Array(40).fill(0x30)));
    s.ip(t + 0.015, udp(agent, client, 161, 45000, new Array(90).fill(0x30)), MAC_B, MAC_A);
  }
  const { alerts } = await runScenario('amp-benign', s);
  assert.deepEqual(alerts.map((a) => a.title), []);
});

test('a busy client seen in one direction only (answers from its resolver, no queries captured) is not a reflection', async () => {
  const s = new Scenario();
  for (let i = 0; i < 300; i++) s.ip(T0 + i * 0.03, udp('198.18.36.1', '198.18.36.5', 53, 30000 + i, dnsResponse(i, `host${i}.example.com`, ['198.19.1.1', '198.19.1.2'])), MAC_B, MAC_A);
  const { alerts } = await runScenario('amp-one-direction', s);
  assert.deepEqual(alerts.map((a) => a.title), []);
});
