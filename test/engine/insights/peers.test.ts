// The named detectors against the tools attackers run, between two
// namespaces, captured by tcpdump on the target's side and analysed from
// the file: hping3's ICMP and UDP floods, nmap's SYN scan of a host's ports
// and its sweep of one port over 40 hosts (routed through the target, which
// does not forward them), and dnsmasq answering EDNS TXT questions that
// hping3 sends with a victim's address (the victim, behind the reflector in
// a third namespace, captures only the answers). Each raises its own alert — not a generic traffic
// spike — and its filter selects exactly the packets it counted, the same
// frames tshark selects with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, liveSkipReason } from '../../lib/env';
import { createVethPair, type VethPair } from '../../lib/netns';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { analyzeCaptureFile } from '../../../main/engine/insights/file';
import type { Alert } from '../../../main/engine/insights/alert';
import { framesMatching } from './pipeline';
import { until } from '../../lib/tcpdump';

const has = (c: string) => hasCommand(c) || existsSync(`/usr/sbin/${c}`);
const skipFor = (...cmds: string[]) => liveSkipReason() ?? (cmds.find((c) => !has(c)) ? `needs ${cmds.join(', ')}` : false);

function frames(path: string): number {
  if (!existsSync(path)) return 0;
  try { return parseCaptureBuffer(readFileSync(path)).packets.length; } catch { return 0; }
}

const tsharkFrames = (path: string, filter: string): number[] =>
  execFileSync('tshark', ['-r', path, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', maxBuffer: 64 << 20 }).trim().split('\n').filter(Boolean).map(Number);

/** Captures on the server side while `attack` runs, until `expected` frames are in the file. */
async function captured(pair: VethPair, dir: string, name: string, bpf: string, expected: number, attack: () => void): Promise<string> {
  const path = join(dir, `${name}.pcap`);
  const dump: ChildProcess = pair.spawn(pair.serverNs, ['tcpdump', '-i', pair.serverIf, '-s', '256', '-U', '-w', path, bpf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  dump.stderr!.on('data', (d: Buffer) => { err += d; });
  const exited = new Promise((r) => dump.on('exit', r));
  try {
    await until(() => /listening on/.test(err), 'tcpdump to listen');
    attack();
    await until(() => frames(path) >= expected, `${expected} frames of ${name} in the capture`);
  } finally {
    dump.kill('SIGINT');
    await exited;
  }
  return path;
}

/** The alert's filter selects its packets, here and in tshark alike. */
async function sameAsTshark(path: string, a: Alert): Promise<void> {
  const ours = await framesMatching(path, a.filter);
  assert.equal(ours.length, a.packets, a.filter);
  assert.deepEqual(ours, tsharkFrames(path, a.filter));
}

async function only(path: string, kind: Alert['kind'], episodes = 1): Promise<Alert> {
  const alerts = (await analyzeCaptureFile(path)).engine.alerts().filter((a) => a.severity !== 'info');
  assert.deepEqual(alerts.map((a) => a.kind), new Array<string>(episodes).fill(kind), JSON.stringify(alerts.map((a) => a.title)));
  return alerts[0];
}

/**
 * The floods a capture holds by the flood detectors' rule: runs of at least
 * `minSeconds` consecutive seconds with more than `perSec` packets each. A
 * sender that stalls for a second on a loaded machine makes two, and the
 * detector rightly reports two; an even sender makes one.
 */
function floodRuns(path: string, perSec: number, minSeconds: number): number {
  const counts = new Map<number, number>();
  for (const p of parseCaptureBuffer(readFileSync(path)).packets) {
    if (p.tsNs === null) continue;
    const sec = Number(p.tsNs / 1_000_000_000n);
    counts.set(sec, (counts.get(sec) ?? 0) + 1);
  }
  const secs = [...counts.keys()].sort((a, b) => a - b);
  let runs = 0, run = 0, prev = NaN;
  for (const sec of [...secs, Infinity]) {
    const over = (counts.get(sec) ?? 0) > perSec;
    if (over && sec === prev + 1 && run > 0) run++;
    else {
      if (run >= minSeconds) runs++;
      run = over ? 1 : 0;
    }
    prev = sec;
  }
  return runs;
}

test('live: hping3 ICMP and UDP floods are named floods, not traffic spikes', { skip: skipFor('hping3', 'tcpdump', 'tshark'), timeout: 90_000 }, async () => {
  const pair = createVethPair();
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-peers-'));
  try {
    // 1500 echo requests at 500/s
    const icmp = await captured(pair, dir, 'icmp', 'icmp[icmptype] == icmp-echo', 1500,
      () => pair.exec(pair.clientNs, ['hping3', '-q', '-1', '-i', 'u2000', '-c', '1500', pair.serverIp], { timeoutMs: 30_000 }));
    const a = await only(icmp, 'icmp-flood', floodRuns(icmp, 100, 1));
    assert.equal(a.endpoints.find((e) => e.role === 'target')?.address, pair.serverIp);
    assert.ok(Number(a.metrics.peakPerSec) > 100, String(a.metrics.peakPerSec));
    await sameAsTshark(icmp, a);

    // 3000 datagrams at 1000/s to a closed port: the kernel's rate-limited port unreachables are no answer
    const udp = await captured(pair, dir, 'udp', 'udp', 3000,
      () => pair.exec(pair.clientNs, ['hping3', '-q', '-2', '-p', '9999', '-i', 'u1000', '-c', '3000', pair.serverIp], { timeoutMs: 30_000 }));
    const u = await only(udp, 'udp-flood', floodRuns(udp, 500, 2));
    assert.equal(u.endpoints.find((e) => e.role === 'target')?.address, pair.serverIp);
    await sameAsTshark(udp, u);
  } finally {
    pair.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('live: nmap -sS of 100 ports is a port scan; of port 445 over 40 hosts a host sweep', { skip: skipFor('nmap', 'tcpdump', 'tshark'), timeout: 90_000 }, async () => {
  const pair = createVethPair();
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-peers-'));
  try {
    const syn = `tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn`;
    const scan = await captured(pair, dir, 'scan', syn, 100,
      () => pair.exec(pair.clientNs, ['nmap', '-n', '-Pn', '-sS', '--max-retries', '0', '-p', '1000-1099', pair.serverIp], { timeoutMs: 60_000 }));
    const s = await only(scan, 'port-scan');
    assert.match(s.title, new RegExp(`^Port scan from ${pair.clientIp.replace(/\./g, '\\.')} \\(100 ports\\)$`));
    await sameAsTshark(scan, s);

    // 40 hosts that do not exist, routed through the target (which does not forward): it sees every probe, nothing answers
    const third = pair.serverIp.split('.')[2];
    const net = `198.19.${third}`;
    pair.exec(pair.clientNs, ['ip', 'route', 'add', `${net}.0/24`, 'via', pair.serverIp]);
    const sweep = await captured(pair, dir, 'sweep', syn, 40,
      () => pair.exec(pair.clientNs, ['nmap', '-n', '-Pn', '-sS', '--max-retries', '0', '--host-timeout', '10s', '-p', '445', `${net}.1-40`], { timeoutMs: 60_000 }));
    const w = await only(sweep, 'port-scan');
    assert.match(w.title, new RegExp(`^Host sweep from ${pair.clientIp.replace(/\./g, '\\.')} \\(40 hosts on port 445\\)$`));
    await sameAsTshark(sweep, w);
  } finally {
    pair.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('live: dnsmasq answering queries spoofed from a victim in another namespace is a DNS amplification', { skip: skipFor('dnsmasq', 'hping3', 'tcpdump', 'tshark'), timeout: 90_000 }, async () => {
  // attacker (the pair's client) → reflector (the pair's server, dnsmasq, forwarding) → victim (its own namespace behind the reflector)
  const pair = createVethPair();
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-peers-'));
  const id = `${process.pid % 10000}r`;
  const victimNs = `xs-v${id}`, vIf = `xv${id}`, rIf = `xr${id}`;
  const third = pair.serverIp.split('.')[2];
  const victim = `198.19.${third}.1`, reflectorSide = `198.19.${third}.2`;
  const sh = (...a: string[]) => execFileSync(a[0], a.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let dnsmasq: ChildProcess | null = null;
  try {
    sh('ip', 'netns', 'add', victimNs);
    sh('ip', 'netns', 'exec', victimNs, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1');
    sh('ip', 'link', 'add', vIf, 'netns', victimNs, 'type', 'veth', 'peer', 'name', rIf, 'netns', pair.serverNs);
    sh('ip', 'netns', 'exec', pair.serverNs, 'sysctl', '-qw', `net.ipv6.conf.${rIf}.disable_ipv6=1`, 'net.ipv4.ip_forward=1');
    sh('ip', '-n', victimNs, 'addr', 'add', `${victim}/24`, 'dev', vIf);
    sh('ip', '-n', pair.serverNs, 'addr', 'add', `${reflectorSide}/24`, 'dev', rIf);
    sh('ip', '-n', victimNs, 'link', 'set', vIf, 'up');
    sh('ip', '-n', pair.serverNs, 'link', 'set', rIf, 'up');
    const vMac = execFileSync('ip', ['-n', victimNs, '-br', 'link', 'show', vIf], { encoding: 'utf8' }).trim().split(/\s+/)[2];
    sh('ip', '-n', pair.serverNs, 'neigh', 'replace', victim, 'lladdr', vMac, 'dev', rIf, 'nud', 'permanent');
    // a large TXT answer (about 1 KB, under dnsmasq's 1232-byte EDNS limit) to a 37-byte question
    const txt = Array.from({ length: 4 }, (_, i) => `"${String.fromCharCode(97 + i).repeat(240)}"`).join(',');
    dnsmasq = pair.spawn(pair.serverNs, ['dnsmasq', '--no-daemon', '--no-resolv', '--no-hosts', '--port=53', `--listen-address=${pair.serverIp}`, '--bind-interfaces',
      `--pid-file=${join(dir, 'dnsmasq.pid')}`, `--txt-record=big.test,${txt}`, '--user=root'], { stdio: 'ignore' });
    await until(() => pair.exec(pair.serverNs, ['ss', '-Hlnu', 'sport = :53']).trim() !== '', 'dnsmasq to listen');
    // the question: id 0x1234, RD, one TXT question for big.test, and EDNS0 offering 4096 bytes (as attackers do: else the answer is truncated to 512)
    const q = Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 3, ...Buffer.from('big'), 4, ...Buffer.from('test'), 0, 0, 16, 0, 1,
      0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0]);
    const qfile = join(dir, 'q.bin');
    writeFileSync(qfile, q);

    const path = join(dir, 'victim.pcap');
    const dump = pair.spawn(victimNs, ['tcpdump', '-i', vIf, '-s', '0', '-U', '-w', path, 'udp'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    dump.stderr!.on('data', (d: Buffer) => { err += d; });
    const exited = new Promise((r) => dump.on('exit', r));
    try {
      await until(() => /listening on/.test(err), 'tcpdump to listen');
      // 300 questions at 100/s, their source spoofed to the victim's address
      // (hping3 exits 1 when nothing answers it: the answers go to the victim)
      try { pair.exec(pair.clientNs, ['hping3', '-q', '-2', '-a', victim, '-s', '20000', '-k', '-p', '53', '-E', qfile, '-d', String(q.length), '-i', 'u10000', '-c', '300', pair.serverIp], { timeoutMs: 30_000 }); } catch (e) { if ((e as { status?: number }).status !== 1) throw e; }
      await until(() => frames(path) >= 250, 'the reflected answers at the victim');
    } finally {
      dump.kill('SIGINT');
      await exited;
    }
    const a = await only(path, 'amplification');
    assert.equal(a.endpoints.find((e) => e.role === 'target')?.address, victim);
    assert.equal(a.metrics.unmatchedShare, 1, 'the victim asked none of them');
    assert.ok(Number(a.metrics.responses) >= 100, String(a.metrics.responses));
    await sameAsTshark(path, a);
  } finally {
    dnsmasq?.kill('SIGKILL');
    try { for (const p of execFileSync('ip', ['netns', 'pids', victimNs], { encoding: 'utf8' }).split('\n').filter(Boolean)) process.kill(Number(p), 'SIGKILL'); } catch { /* gone */ }
    try { sh('ip', 'netns', 'del', victimNs); } catch { /* gone */ }
    pair.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
