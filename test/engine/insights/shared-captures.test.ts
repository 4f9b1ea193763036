// The real captures: no false alarm of the attack kinds, the oddities they
// do contain are found (HTTP sent to an SSH port, PPTP's GRE), and the
// statistics agree with tshark's -z conv,tcp / -z endpoints,ip / -z io,phs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CAPTURES, hasCommand, sharedCapturesSkipReason } from '../../lib/env';
import { analyzeCaptureFile } from '../../../main/engine/insights/file';
import type { HierarchyNode } from '../../../main/engine/stats/hierarchy';
import { framesMatching } from './pipeline';

const skip = sharedCapturesSkipReason();
const ATTACKS = new Set(['traffic-spike', 'port-scan', 'brute-force', 'syn-flood']);

test('no shared capture raises a spike, scan, brute-force or flood alert', { skip: skip ?? false }, async () => {
  const files = readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?(\.gz)?$/.test(f));
  assert.ok(files.length >= 20, `found ${files.length} captures`);
  for (const f of files) {
    const r = await analyzeCaptureFile(join(CAPTURES, f));
    const bad = r.engine.alerts().filter((a) => ATTACKS.has(a.kind));
    assert.deepEqual(bad.map((a) => a.title), [], `${f}`);
    assert.equal(r.engine.stats().summary.packets, r.packets, `${f}: every packet counted`);
  }
});

test('no shared capture raises an alert of medium or above, of any detector, but the one true finding (HTTP sent to port 22)', { skip: skip ?? false }, async () => {
  const files = readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?(\.gz)?$/.test(f));
  const loud: string[] = [];
  for (const f of files) {
    const r = await analyzeCaptureFile(join(CAPTURES, f));
    for (const a of r.engine.alerts()) if (a.severity === 'medium' || a.severity === 'high') loud.push(`${f}: ${a.kind}: ${a.title}`);
  }
  assert.deepEqual(loud, ['zeek-get-to-ssh-server.pcap: service-mismatch: HTTP on port 22']);
});

test('an HTTP GET sent to an SSH server is flagged as HTTP on port 22, and its filter selects that request', { skip: skip ?? false }, async () => {
  const path = join(CAPTURES, 'zeek-get-to-ssh-server.pcap');
  const r = await analyzeCaptureFile(path);
  const a = r.engine.alerts();
  assert.deepEqual(a.map((x) => x.title), ['HTTP on port 22']);
  assert.deepEqual(a[0].endpoints.slice(0, 2).map((e) => e.address), ['136.216.42.40', '130.74.164.231']);
  assert.deepEqual(await framesMatching(path, a[0].filter), [4]);
});

test("PPTP's GRE is an unexpected IP protocol, and its filter selects exactly the GRE frames", { skip: skip ?? false }, async () => {
  const path = join(CAPTURES, 'tcpdump-pptp.pcap');
  const r = await analyzeCaptureFile(path);
  const gre = r.engine.alerts().find((x) => x.id === 'ipproto:47');
  assert.ok(gre, 'GRE alert');
  const frames = await framesMatching(path, gre.filter);
  assert.equal(frames.length, gre.packets);
  assert.equal(frames[0], gre.firstFrame);
});

const tsharkSkip = skip ?? (hasCommand('tshark') ? null : 'needs tshark');

function tshark(path: string): string {
  return execFileSync('tshark', ['-r', path, '-q', '-z', 'conv,tcp', '-z', 'endpoints,ip', '-z', 'io,phs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
}

function section(out: string, title: string): string[] {
  const lines = out.split('\n');
  const i = lines.findIndex((l) => l.startsWith(title));
  if (i < 0) return [];
  const rest = lines.slice(i + 1);
  const end = rest.findIndex((l) => /^={10,}/.test(l));
  return rest.slice(0, end < 0 ? undefined : end);
}

function flatten(nodes: HierarchyNode[], prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const n of nodes) {
    const p = prefix ? `${prefix}/${n.protocol}` : n.protocol;
    out.set(p, `frames:${n.frames} bytes:${n.bytes}`);
    flatten(n.children, p, out);
  }
  return out;
}

const CORE = new Set(['eth', 'sll', 'vlan', 'ip', 'ipv6', 'arp', 'tcp', 'udp', 'icmp', 'icmpv6', 'gre', 'ppp', 'dns', 'http', 'tls']);

for (const name of ['zeek-100-continue.pcap', 'zeek-chrome-34-google.pcap', 'gopacket-test_dns.pcap', 'tcpdump-pptp.pcap', 'zeek-icmp_dot1q.pcap', 'zeek-post.pcap', 'zeek-ipv6.pcap']) {
  test(`${name}: conversations, endpoints and protocol hierarchy agree with tshark`, { skip: tsharkSkip ?? false }, async () => {
    const path = join(CAPTURES, name);
    const out = tshark(path);
    const st = (await analyzeCaptureFile(path)).engine.stats();

    // -z conv,tcp (IPv4 rows): frames each way per address:port pair
    const convRows = section(out, 'TCP Conversations').filter((l) => l.includes('<->')).map((l) => l.trim().split(/\s+/));
    const ours = new Map(st.conversations.tcp.map((c) => [`${c.a}:${c.portA} ${c.b}:${c.portB}`, c]));
    let compared = 0;
    for (const t of convRows) {
      const [a, , b] = t;
      if (a.split(':').length > 2) continue; // IPv6 address:port is ambiguous in tshark's text
      const fromB = Number(t[3]), fromA = Number(t[6]), total = Number(t[9]);
      const c = ours.get(`${a} ${b}`) ?? ours.get(`${b} ${a}`);
      assert.ok(c, `${name}: conversation ${a} <-> ${b} missing (have ${[...ours.keys()].join(', ')})`);
      const aFirst = `${c.a}:${c.portA}` === a;
      assert.deepEqual([aFirst ? c.packetsAtoB : c.packetsBtoA, aFirst ? c.packetsBtoA : c.packetsAtoB, c.packets], [fromA, fromB, total], `${name}: ${a} <-> ${b}`);
      compared++;
    }
    if (name !== 'zeek-ipv6.pcap' && name !== 'gopacket-test_dns.pcap' && name !== 'zeek-icmp_dot1q.pcap') assert.ok(compared > 0, `${name}: tshark listed TCP conversations`);
    assert.equal(st.conversations.tcp.length, convRows.length, `${name}: number of TCP conversations`);

    // -z endpoints,ip: packets and bytes, sent and received, per address
    const epRows = section(out, 'IPv4 Endpoints').filter((l) => /^\d+\.\d+\.\d+\.\d+\s/.test(l)).map((l) => l.trim().split(/\s+/));
    const eps = new Map(st.endpoints.ipv4.map((e) => [e.address, e]));
    assert.equal(st.endpoints.ipv4.length, epRows.length, `${name}: number of IPv4 endpoints`);
    for (const [addr, ...nums] of epRows) {
      const e = eps.get(addr);
      assert.ok(e, `${name}: endpoint ${addr}`);
      assert.deepEqual([e.packets, e.bytes, e.txPackets, e.txBytes, e.rxPackets, e.rxBytes], nums.slice(0, 6).map(Number), `${name}: endpoint ${addr}`);
    }

    // -z io,phs: frames and bytes of every node made only of core protocols
    const phs = section(out, 'Protocol Hierarchy Statistics').filter((l) => /frames:\d+/.test(l));
    const mine = flatten(st.hierarchy);
    const stack: string[] = [];
    let checked = 0;
    for (const line of phs) {
      const depth = (line.match(/^ */)?.[0].length ?? 0) / 2;
      const [proto, ...rest] = line.trim().split(/\s+/);
      stack.length = depth;
      stack.push(proto);
      if (!stack.every((p) => CORE.has(p))) continue;
      assert.equal(mine.get(stack.join('/')), rest.join(' '), `${name}: hierarchy ${stack.join(' › ')}`);
      checked++;
    }
    assert.ok(checked >= 2, `${name}: compared ${checked} hierarchy nodes`);
  });
}
