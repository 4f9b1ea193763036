// Statistics → Processes and the AI-service alert's process, from a saved
// capture whose packets carry their process (the pcapng option live
// captures write): per process its packets and bytes each way, remote
// endpoints and services; the alert names the program that called the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scenario, tlsClientHello, httpRequest, httpResponse, udp, icmpEcho, MAC_A, MAC_B } from './craft';
import { scratch, framesMatching } from './pipeline';
import { analyzeCaptureFile } from '../../../main/engine/insights/file';
import { PcapngWriter } from '../../../main/engine/pcapng/writer';
import type { ProcessInfo } from '../../../main/engine/types';

const T0 = 1_700_000_000;
const host = '198.18.20.5';
const py: ProcessInfo = { pid: 42, name: 'python3', exepath: '/usr/bin/python3.11', argv: ['python3', 'agent.py'], uid: 1000, gid: 1000, user: 'alice', container: '', cgroup: '/user.slice' };
const curl: ProcessInfo = { pid: 77, name: 'curl', exepath: '/usr/bin/curl', argv: ['curl', 'http://www.example.org/'], uid: 0, gid: 0, user: 'root', container: 'c'.repeat(64), cgroup: `/system.slice/docker-${'c'.repeat(64)}.scope` };

/** Writes the scenario with each frame's process (by frame number) and direction (our host sends: outbound). */
function write(s: Scenario, procOf: (n: number) => ProcessInfo | undefined): string {
  const path = scratch('processes.pcapng');
  const w = PcapngWriter.open(path);
  const ifc = w.addInterface({ linkType: 1, snaplen: 262144 });
  s.frames.forEach((f, i) => {
    const bytes = Uint8Array.from(f.bytes);
    const out = bytes.subarray(6, 12).every((b, k) => b === parseInt(MAC_A.split(':')[k], 16));
    const p = procOf(i + 1);
    w.writePacket(ifc, BigInt(Math.round(f.ts * 1e6)) * 1000n, bytes, bytes.length, undefined,
      { flags: out ? 2 : 1, procAttr: p ? (out ? 1 : 2) : 17, ...(p ? { proc: p } : {}) });
  });
  w.close();
  return path;
}

test('per process: traffic each way, remotes, services; the AI alert names the caller', async () => {
  const s = new Scenario();
  const openai = s.connection(T0, host, '162.159.140.245', 43000, 443, { request: tlsClientHello('api.openai.com') });
  const web = s.connection(T0 + 1, host, '93.184.215.14', 43001, 80, { request: httpRequest('www.example.org'), response: httpResponse(200, 'ok') });
  const stray = s.ip(T0 + 2, udp('198.18.20.9', host, 5000, 9999, [1, 2, 3]), MAC_B, MAC_A);
  s.ip(T0 + 3, icmpEcho(host, '198.18.20.1', 1, 1));
  const owner = new Map<number, ProcessInfo>([...openai.frames.map((n) => [n, py] as const), ...web.frames.map((n) => [n, curl] as const)]);
  const path = write(s, (n) => owner.get(n));

  const { engine } = await analyzeCaptureFile(path);
  const alert = engine.alerts().find((a) => a.id === `ai-service:${host}:OpenAI`);
  assert.ok(alert, 'the OpenAI alert');
  assert.equal(alert.title, `python3 (pid 42) on ${host} uses OpenAI`);
  assert.match(alert.detail, /^python3 \(pid 42\) called api\.openai\.com; /);
  assert.equal(alert.metrics.processes, 'python3 (pid 42)');

  const st = engine.statistics.snapshot();
  assert.deepEqual(st.processes.map((p) => [p.pid, p.name, p.user, p.container]), [[77, 'curl', 'root', 'c'.repeat(12)], [42, 'python3', 'alice', 'host']]);
  const c = st.processes[0], p = st.processes[1];
  assert.equal(c.packets, web.frames.length);
  assert.equal(p.packets, openai.frames.length);
  assert.equal(c.txPackets + c.rxPackets, c.packets);
  assert.ok(c.rxPackets >= 2 && c.txPackets >= 3, `curl both ways: ${c.txPackets} out, ${c.rxPackets} in`);
  assert.deepEqual(c.remotes, ['93.184.215.14:80']);
  assert.deepEqual(c.services, ['www.example.org']);
  assert.deepEqual(p.services, ['api.openai.com']);
  assert.equal(p.cmdline, 'python3 agent.py');
  // the stray datagram and the ping were attributed to nobody
  assert.equal(st.unattributed, 2);
  // each row's filter selects exactly its packets
  assert.deepEqual(await framesMatching(path, c.filter), web.frames);
  assert.deepEqual(await framesMatching(path, p.filter), openai.frames);
  assert.deepEqual(await framesMatching(path, 'proc.none'), [stray, stray + 1]);
});
