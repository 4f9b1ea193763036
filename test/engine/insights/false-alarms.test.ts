// Ordinary traffic that used to raise medium or high alerts on real
// captures (issue 20): a 2-second RPC burst, a fast download, SMB file
// transfers over many connections, IGMP and NetBIOS name service, HTTP and
// TLS on well-known alternate ports. Each now raises nothing of medium
// severity or above (a service on an alternate port is information).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Alert } from '../../../main/engine/insights/alert';
import { SEVERITY_RANK } from '../../../main/engine/insights/alert';
import { ACK, MAC_A, MAC_B, PSH, Scenario, dnsQuery, httpRequest, httpResponse, ipv4, tcp, tlsClientHello, udp } from './craft';
import { runScenario } from './pipeline';

const T0 = 1_760_000_000;
const loud = (alerts: Alert[]) => alerts.filter((a) => SEVERITY_RANK[a.severity] >= SEVERITY_RANK.medium).map((a) => `${a.severity} ${a.title}`);

function quiet(s: Scenario, from: number, to: number): void {
  for (let t = from; t < to; t += 1) s.ip(T0 + t, udp('198.18.50.1', '198.18.50.9', 40000, 7000, new Array(32).fill(0)));
}

test('a 2-second RPC exchange at 110 packets/s after quiet is a burst, not a spike', async () => {
  const s = new Scenario();
  quiet(s, 0, 15);
  const c = '198.18.50.2', srv = '198.18.50.3';
  for (let k = 0; k < 220; k++) {
    const t = T0 + 15 + k / 110;
    if (k % 2 === 0) s.ip(t, tcp(c, srv, { sport: 49700, dport: 135, flags: PSH | ACK, seq: 1000 + k * 100, ack: 1, payload: new Array(100).fill(5) }));
    else s.ip(t, tcp(srv, c, { sport: 135, dport: 49700, flags: PSH | ACK, seq: 1 + k * 100, ack: 1000, payload: new Array(100).fill(5) }), MAC_B, MAC_A);
  }
  quiet(s, 18, 25);
  const { alerts } = await runScenario('rpc-burst', s);
  assert.deepEqual(alerts.map((a) => a.title), []);
});

test('a single fast download (acknowledged) raises nothing of medium severity or above', async () => {
  const s = new Scenario();
  quiet(s, 0, 15);
  const c = '198.18.51.2', srv = '198.18.51.3';
  s.connection(T0 + 15, c, srv, 50123, 443, { request: tlsClientHello('downloads.example.com'), close: false });
  for (let k = 0; k < 12000; k++) {
    const t = T0 + 15.1 + k / 2000;
    s.ip(t, tcp(srv, c, { sport: 443, dport: 50123, flags: ACK, seq: 5000 + k * 1400, ack: 2000, payload: new Array(1400).fill(0x17) }), MAC_B, MAC_A);
    if (k % 2 === 1) s.ip(t + 0.00001, tcp(c, srv, { sport: 50123, dport: 443, flags: ACK, seq: 2000, ack: 5000 + (k + 1) * 1400 }));
  }
  quiet(s, 22, 30);
  const { alerts } = await runScenario('download', s);
  assert.deepEqual(loud(alerts), []);
});

test('an SMB client opening 15 connections for file transfers is not brute force', async () => {
  const s = new Scenario();
  for (let i = 0; i < 15; i++) {
    s.connection(T0 + i * 2, '198.18.52.2', '198.18.52.3', 49800 + i, 445, { request: [0, 0, 0, 64, 0xfe, 0x53, 0x4d, 0x42, ...new Array(60).fill(0)], response: [0, 0, 0, 64, 0xfe, 0x53, 0x4d, 0x42, ...new Array(60).fill(1)] });
  }
  const { alerts } = await runScenario('smb-transfers', s);
  assert.deepEqual(alerts.filter((a) => a.kind === 'brute-force').map((a) => a.title), []);
  assert.deepEqual(loud(alerts), []);
});

test('IGMP, LLDP and NetBIOS name service are expected on a LAN', async () => {
  const s = new Scenario();
  for (let i = 0; i < 3; i++) {
    // IGMPv2 membership report for 224.0.0.251
    s.ip(T0 + i, ipv4('198.18.53.2', '224.0.0.251', 2, [0x16, 0, 0xfa, 0x04, 224, 0, 0, 251], 1));
    // NBNS name query (DNS wire format on 137)
    s.ip(T0 + i + 0.1, udp('198.18.53.2', '198.18.53.255', 137, 137, [...dnsQuery(0x100 + i, 'FHEPFCELEHFCEPFFFACACACACACACAAA')].map((b, k) => (k === 2 ? 0x01 : b))));
    // LLDP: chassis id, port id, TTL, end
    s.raw(T0 + i + 0.2, [0x01, 0x80, 0xc2, 0, 0, 0x0e, 2, 0, 0, 0, 0, 9, 0x88, 0xcc, 0x02, 0x07, 0x04, 2, 0, 0, 0, 0, 9, 0x04, 0x03, 0x07, 0x70, 0x31, 0x06, 0x02, 0, 120, 0, 0]);
  }
  const { alerts } = await runScenario('lan-protocols', s);
  assert.deepEqual(alerts.map((a) => a.title), []);
});

test('HTTP on 8001 and 10000 and TLS on 8080 are information; HTTP on 22 stays medium', async () => {
  const s = new Scenario();
  s.connection(T0, '198.18.54.2', '198.18.54.3', 41000, 8001, { request: httpRequest('198.18.54.3:8001'), response: httpResponse(200) });
  s.connection(T0 + 1, '198.18.54.2', '198.18.54.3', 41001, 10000, { request: httpRequest('198.18.54.3:10000'), response: httpResponse(200) });
  s.connection(T0 + 2, '198.18.54.2', '198.18.54.4', 41002, 8080, { request: tlsClientHello('app.example.com') });
  s.connection(T0 + 3, '198.18.54.2', '198.18.54.5', 41003, 22, { request: httpRequest('198.18.54.5') });
  const { alerts } = await runScenario('alt-ports', s);
  const sev = Object.fromEntries(alerts.map((a) => [a.title, a.severity]));
  assert.deepEqual(sev, { 'HTTP on port 8001': 'info', 'HTTP on port 10000': 'info', 'TLS on port 8080': 'info', 'HTTP on port 22': 'medium' });
});
