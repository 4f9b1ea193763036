// The shared per-flow cache (facts.ts) is direct-mapped with 16 384 slots:
// with more flows than slots interleaved, entries are replaced all the time.
// Statistics and handshake tracking must count exactly as without a cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, MAC_A, MAC_B, SYN, Scenario, tcp } from './craft';
import { scratch } from './pipeline';
import { analyzeCaptureFile } from '../../../main/engine/insights/file';

const MAC_C = '02:00:00:00:00:03';
const FLOWS = 20_000;

test('statistics count exactly when flows outnumber the flow cache slots (three interleaved rounds)', async () => {
  const s = new Scenario();
  const T0 = 1_760_000_000;
  const client = (i: number) => `100.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
  const server = '198.18.13.2';
  const sport = (i: number) => 1024 + (i % 60_000);
  const mac = (i: number) => (i % 2 ? MAC_C : MAC_A);
  let k = 0;
  // round 1: every client's SYN; round 2: every SYN-ACK; round 3: every client's ACK
  for (let i = 0; i < FLOWS; i++) s.ip(T0 + k++ * 1e-5, tcp(client(i), server, { sport: sport(i), dport: 443, flags: SYN, seq: 1 }), mac(i), MAC_B);
  for (let i = 0; i < FLOWS; i++) s.ip(T0 + k++ * 1e-5, tcp(server, client(i), { sport: 443, dport: sport(i), flags: SYN | ACK, seq: 9, ack: 2 }), MAC_B, mac(i));
  for (let i = 0; i < FLOWS; i++) s.ip(T0 + k++ * 1e-5, tcp(client(i), server, { sport: sport(i), dport: 443, flags: ACK, seq: 2, ack: 10 }), mac(i), MAC_B);
  const path = scratch('flow-cache.pcapng');
  s.write(path);
  const { engine } = await analyzeCaptureFile(path, { stats: { snapshotRows: FLOWS + 10 } });
  const st = engine.statistics.snapshot();

  assert.equal(st.conversations.tcp.length, FLOWS);
  assert.equal(st.conversations.ipv4.length, FLOWS);
  const byClient = new Map(st.conversations.tcp.map((c) => [c.a, c]));
  for (let i = 0; i < FLOWS; i += 997) {
    const c = byClient.get(client(i));
    assert.ok(c, `conversation of ${client(i)}`);
    assert.deepEqual([c.b, c.portA, c.portB, c.packetsAtoB, c.packetsBtoA], [server, sport(i), 443, 2, 1], client(i));
  }
  for (const c of st.conversations.tcp) assert.deepEqual([c.packetsAtoB, c.packetsBtoA], [2, 1], `${c.a}:${c.portA}`);
  for (const c of st.conversations.ipv4) assert.deepEqual([c.packetsAtoB, c.packetsBtoA], [2, 1], c.a);

  // the Ethernet pair is checked against the cached one: two client MACs behind the same IP flows' server
  const eth = new Map(st.conversations.eth.map((c) => [c.a, c]));
  assert.equal(st.conversations.eth.length, 2);
  for (const m of [MAC_A, MAC_C]) {
    const c = eth.get(m);
    assert.ok(c, m);
    assert.deepEqual([c.b, c.packetsAtoB, c.packetsBtoA], [MAC_B, FLOWS, FLOWS / 2]);
  }
  const ep = new Map(st.endpoints.ipv4.map((e) => [e.address, e]));
  assert.deepEqual([ep.get(server)?.txPackets, ep.get(server)?.rxPackets], [FLOWS, 2 * FLOWS]);

  // every handshake completed by the client's ACK, found through the per-client index
  const conns = (engine as unknown as { conns: { handshakes: { size: number } } }).conns;
  assert.equal(conns.handshakes.size, 0);
  assert.equal(st.summary.packets, 3 * FLOWS);
});
