// Process attribution, live: python's http.server in one namespace, a
// short-lived curl in the other, a python UDP client run as another user
// from its own cgroup v2 directory (a docker-style scope: the container
// stand-in), and a datagram to a closed port. Captured on the client's veth
// (both directions), every packet must name its process — pid, name, exe,
// command line, uid, user, container — from the kernel's socket hooks
// (the curl is gone long before anyone could poll /proc), the closed-port
// datagram must say it has no local socket, a pcapng saved from the live
// packets must filter exactly as the live ones did (and show tshark the
// readable comment), and kill -9 of the helper must leave none of the
// attribution programs attached.
//
// The helper runs in the client's network namespace through nsenter (not
// `ip netns exec`, whose private /sys hides the cgroup v2 hierarchy the
// hooks attach to).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { hasCommand, liveSkipReason, outputDir } from '../../lib/env';
import { createVethPair, type VethPair } from '../../lib/netns';
import { HELPER, helloOf, tcpSettled, whileCapturing } from './util';
import { startCapture, type HelperCapture } from '../../../main/engine/capture';
import { Dissector } from '../../../main/engine/dissect';
import { compileDisplayFilter } from '../../../main/engine/filter/compile';
import { PcapngWriter } from '../../../main/engine/pcapng/writer';
import { parseCaptureBuffer } from '../../../main/engine/file';
import type { RawPacket } from '../../../main/engine/types';

const skip = liveSkipReason() ?? (['tshark', 'curl', 'python3', 'bpftool', 'nsenter', 'setpriv', 'ss'].find((c) => !hasCommand(c)) ?? null);
const out = outputDir('capture-proc');
// the system's: one under root's home is not executable for the unprivileged client
const SYS_PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const tick = () => new Promise<void>((r) => setTimeout(r, 50));

/** The cgroup v2 mount: /sys/fs/cgroup, or .../unified on hybrid hosts. */
function cgroup2(): string | null {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (post?.startsWith('cgroup2 ')) return pre.split(' ')[4];
  }
  return null;
}

function startIn(pair: VethPair, side: 'client' | 'server' = 'client'): HelperCapture {
  const [ns, iface] = side === 'client' ? [pair.clientNs, pair.clientIf] : [pair.serverNs, pair.serverIf];
  return startCapture({ iface, helper: HELPER, wrapper: ['nsenter', `--net=/run/netns/${ns}`] });
}

/** Frame numbers of the packets a display filter keeps. */
function select(packets: RawPacket[], filter: string): number[] {
  const c = compileDisplayFilter(filter);
  if (!c.ok) throw new Error(`${filter}: ${c.error.message}`);
  const d = new Dissector({ geoip: null });
  return packets.filter((p) => c.filter.matches(d.dissect(p))).map((p) => p.number);
}

/** bpftool's view: link id → [program id, name], for our attribution programs (xs_*). */
function ourLinks(): Map<number, [number, string]> {
  const progs = new Map<number, string>();
  for (const p of JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show'], { encoding: 'utf8' })) as Array<{ id: number; name?: string }>) {
    if (p.name?.startsWith('xs_')) progs.set(p.id, p.name);
  }
  const links = new Map<number, [number, string]>();
  for (const l of JSON.parse(execFileSync('bpftool', ['-j', 'link', 'show'], { encoding: 'utf8' })) as Array<{ id: number; prog_id: number }>) {
    const name = progs.get(l.prog_id);
    if (name) links.set(l.id, [l.prog_id, name]);
  }
  return links;
}

describe('process attribution (live)', { skip: skip ?? (cgroup2() ? false : 'no cgroup v2 hierarchy') }, () => {
  let pair: VethPair;
  let cgDir = '';
  const servers: ChildProcess[] = [];
  const containerId = randomBytes(32).toString('hex');

  before(async () => {
    pair = createVethPair();
    cgDir = join(cgroup2()!, `xs-test-docker-${containerId}.scope`);
    mkdirSync(cgDir);
    servers.push(pair.spawn(pair.serverNs, ['python3', '-m', 'http.server', '8080', '--bind', pair.serverIp], { stdio: 'ignore' }));
    // a UDP echo server: the client's datagrams get answers, so both directions exist
    servers.push(pair.spawn(pair.serverNs, ['python3', '-c',
      `import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('${pair.serverIp}',9000))\nwhile True:\n d,a=s.recvfrom(2048)\n s.sendto(d,a)`], { stdio: 'ignore' }));
    await pair.listening(pair.serverNs, 't', 8080);
    await pair.listening(pair.serverNs, 'u', 9000);
  });

  after(() => {
    for (const s of servers) s.kill('SIGKILL');
    pair?.dispose();
    // the cgroup empties when its process exits; retried while the kernel lets it go
    for (let i = 0; i < 100 && cgDir && existsSync(cgDir); i++) {
      try { rmdirSync(cgDir); } catch { execFileSync('sleep', ['0.05']); }
    }
  });

  it('names the process of every packet, both directions, and says when there is none', async () => {
    const cap = startIn(pair);
    let curlPid = 0, udpPid = 0;
    const { packets } = await whileCapturing(cap, async () => {
      const hello = await helloOf(cap);
      assert.deepEqual(hello.proc, { on: true }, 'attribution is running');
      // curl lives a few ms; ip netns exec execs it in place, so the child's pid is curl's
      const curl = spawn('ip', ['netns', 'exec', pair.clientNs, 'curl', '-s', '-o', '/dev/null', `http://${pair.serverIp}:8080/`], { stdio: 'ignore' });
      curlPid = curl.pid!;
      assert.equal(await new Promise((r) => curl.on('exit', r)), 0);
      // the UDP client: its own cgroup (a docker scope), user nobody; sh moves itself there, then execs
      const py = `import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.settimeout(10)\nfor i in range(3):\n s.sendto(b'ping',('${pair.serverIp}',9000))\n s.recv(100)`;
      const udp = spawn('sh', ['-c', `echo $$ > ${cgDir}/cgroup.procs && exec ip netns exec ${pair.clientNs} setpriv --reuid=65534 --regid=65534 --clear-groups ${SYS_PYTHON} -c "$0"`, py], { stdio: 'ignore' });
      udpPid = udp.pid!;
      assert.equal(await new Promise((r) => udp.on('exit', r)), 0);
      // a datagram from the server to a port nobody has open on the client
      pair.exec(pair.serverNs, ['python3', '-c', `import socket\nsocket.socket(socket.AF_INET,socket.SOCK_DGRAM).sendto(b'x',('${pair.clientIp}',9999))`]);
      await tcpSettled(pair);
    });

    const http = select(packets, 'tcp.port == 8080');
    assert.ok(http.length >= 8, `the HTTP exchange: ${http.length} packets`);
    assert.ok(select(packets, 'tcp.port == 8080 && frame.packet_flags_direction == 1').length >= 3, 'curl: inbound packets');
    assert.ok(select(packets, 'tcp.port == 8080 && frame.packet_flags_direction == 2').length >= 3, 'curl: outbound packets');
    assert.deepEqual(select(packets, `tcp.port == 8080 && proc.pid == ${curlPid} && proc.name == "curl" && user.uid == 0 && user.name == "root" && container.id == "host"`), http,
      'every HTTP packet, both ways, is curl\'s');
    assert.deepEqual(select(packets, `tcp.port == 8080 && proc.exepath contains "curl" && proc.cmdline == "curl -s -o /dev/null http://${pair.serverIp}:8080/"`), http,
      'curl\'s path and command line, though it exited before anyone could read /proc');

    const udp = select(packets, 'udp.port == 9000');
    assert.equal(udp.length, 6, 'three datagrams and their answers');
    assert.deepEqual(select(packets, `udp.port == 9000 && proc.pid == ${udpPid} && proc.name == "python3" && user.uid == 65534 && container.full_id == "${containerId}" && container.id == "${containerId.slice(0, 12)}"`), udp,
      'every UDP packet, both ways, is the contained client\'s');

    const closed = select(packets, 'udp.dstport == 9999 && !icmp');
    assert.equal(closed.length, 1);
    assert.deepEqual(select(packets, 'udp.dstport == 9999 && !icmp && proc.none contains "no local socket" && !proc.pid'), closed, 'no guessing for a closed port');
    assert.deepEqual(select(packets, '!proc && !proc.none'), [], 'every packet says who, or why nobody');

    // saved as the session saves (the packet's extras), reopened: the same selections, and tshark sees the comment
    const file = join(out, 'attributed.pcapng');
    const w = PcapngWriter.open(file);
    const ifc = w.addInterface({ linkType: 1, snaplen: 262144, name: pair.clientIf });
    for (const p of packets) w.writePacket(ifc, p.tsNs ?? 0n, p.data, p.origLen, undefined, p);
    w.close();
    const back = parseCaptureBuffer(readFileSync(file)).packets;
    for (const f of ['proc.name == "curl"', `user.uid == 65534 && container.id == "${containerId.slice(0, 12)}"`, 'proc.none', `proc.cmdline contains "${pair.serverIp}"`]) {
      assert.deepEqual(select(back, f), select(packets, f), `reopened: ${f}`);
    }
    const comments = execFileSync('tshark', ['-r', file, '-Y', 'tcp.port == 8080', '-T', 'fields', '-e', 'frame.comment'], { encoding: 'utf8' }).trim().split('\n');
    assert.equal(comments.length, http.length);
    assert.ok(comments.every((c) => c === `proc: curl (pid ${curlPid}, uid 0)`), comments.join('\n'));
    writeFileSync(join(out, 'README'), 'attributed.pcapng: the live packets of the process attribution test\n');
  });

  it('names a server that was listening before the capture started', async () => {
    // http.server has listened since before(): no hook saw its socket appear; the start-up pass over open sockets did
    const cap = startIn(pair, 'server');
    const { packets } = await whileCapturing(cap, async () => {
      assert.deepEqual((await helloOf(cap)).proc, { on: true });
      pair.exec(pair.clientNs, ['curl', '-s', '-o', '/dev/null', `http://${pair.serverIp}:8080/`]);
      await tcpSettled(pair);
    });
    const http = select(packets, 'tcp.port == 8080');
    assert.ok(select(packets, 'tcp.port == 8080 && frame.packet_flags_direction == 1').length >= 3 && select(packets, 'tcp.port == 8080 && frame.packet_flags_direction == 2').length >= 3);
    // ip netns exec execs python in place: the spawned pid is the server's
    assert.deepEqual(select(packets, `tcp.port == 8080 && proc.pid == ${servers[0].pid} && proc.name == "python3" && proc.cmdline contains "http.server"`), http,
      'every packet of the connection, both ways, is the server\'s');
  });

  it('kill -9 of the helper leaves no attribution program attached', async () => {
    const before = new Set(ourLinks().keys());
    const cap = startIn(pair);
    const reading = (async () => { for await (const _ of cap) { /* drain */ } })();
    reading.catch(() => {});
    await helloOf(cap);
    const mine = [...ourLinks()].filter(([id]) => !before.has(id));
    const names = mine.map(([, [, n]]) => n).sort();
    for (const n of ['xs_sock_create', 'xs_post_bind4', 'xs_post_bind6', 'xs_sendmsg4', 'xs_sendmsg6', 'xs_sockops', 'xs_sock_release']) {
      assert.ok(names.includes(n), `${n} attached (have ${names.join(', ')})`);
    }
    // nsenter execs the helper in place: the child's pid is the helper
    process.kill(cap.pid!, 'SIGKILL');
    await cap.done;
    let left = mine;
    for (let i = 0; i < 200 && left.length; i++) {
      const now = ourLinks();
      left = mine.filter(([id]) => now.has(id));
      if (left.length) await tick();
    }
    assert.deepEqual(left, [], 'links gone with the helper');
    const attached = (JSON.parse(execFileSync('bpftool', ['-j', 'cgroup', 'show', cgroup2()!], { encoding: 'utf8' }).trim() || '[]') as Array<{ id: number }>).map((p) => p.id);
    assert.deepEqual(mine.filter(([, [prog]]) => attached.includes(prog)), [], 'nothing of ours on the root cgroup');
  });
});
