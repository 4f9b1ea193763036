// ONC-RPC and portmap: real rpcbind answering rpcinfo (TCP record marking,
// UDP, portmap v2 DUMP, rpcbind v3/v4 GETADDR) in namespaces, and crafted
// datagrams for what rpcinfo does not send (AUTH_UNIX credentials, GETPORT,
// a denied reply, a reply to no call, damage) — compared cell by cell with
// tshark, which finds RPC by its heuristic on any port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFrames, tsharkSkip, daemonRunAgrees } from './compare';
import { hasCommand, isRoot, outputDir } from '../../lib/env';
import { runDaemon } from './daemon-peers';
import { ascii, eth, ipv4, u32, udp } from './packets';
import { tcpConversation } from '../../lib/tcp-frame';
import { damageNeverThrows } from './tshark-compare';
import { mulberry32, testSeed } from '../../lib/rng';
import { join } from 'node:path';

export const RPC_FIELDS = ['frame.protocols', 'tcp.stream', 'rpc', 'rpc.xid', 'rpc.msgtyp', 'rpc.version', 'rpc.program', 'rpc.programversion', 'rpc.procedure',
  'rpc.auth.flavor', 'rpc.auth.length', 'rpc.auth.stamp', 'rpc.auth.machinename', 'rpc.auth.uid', 'rpc.auth.gid', 'rpc.repframe', 'rpc.replystat',
  'rpc.state_accept', 'rpc.state_reject', 'rpc.version.min', 'rpc.version.max', 'rpc.lastfrag', 'rpc.fraglen', 'rpc.time', 'rpc.value_follows',
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];
const PORTMAP = ['portmap.procedure_v2', 'portmap.procedure_v3', 'portmap.procedure_v4', 'portmap.prog', 'portmap.version', 'portmap.proto', 'portmap.port',
  'portmap.rpcb.prog', 'portmap.rpcb.version', 'portmap.rpcb.netid', 'portmap.rpcb.addr', 'portmap.rpcb.owner', 'portmap.uaddr'];

const rpcbindSkip = (): string | false => tsharkSkip() || (!isRoot() ? 'needs root (network namespaces)'
  : !hasCommand('rpcbind') || !hasCommand('rpcinfo') ? 'needs rpcbind (scripts/setup.sh)' : !hasCommand('tcpdump') ? 'needs tcpdump' : false);

const norm = (diffs: string[]): string[] => [...new Set(diffs.map((x) => x.replace(/^\(subset\) /, '')))];

test('rpcbind answering rpcinfo agrees with tshark', { skip: rpcbindSkip() }, async () => {
  const run = await runDaemon({
    // -f: foreground; -w: warm start off (no state files read); -h: answer only on the veth address
    daemon: ['rpcbind', '-f', '-h', '{ip}'],
    probe: ['rpcinfo', '-T', 'tcp', '{ip}', '100000', '2'],
    clients: [['rpcinfo', '-u', '{ip}', '100000', '2'], ['rpcinfo', '-p', '{ip}'], ['rpcinfo', '-t', '{ip}', '100000', '3'], ['rpcinfo', '-s', '{ip}']],
  });
  try {
    assert.match(run.outputs[1], /portmapper/);
    daemonRunAgrees(run.pcap, [...RPC_FIELDS, ...PORTMAP], { name: 'rpcbind', proto: 'rpc', label: 'RPC', min: 8, seed: ['rpcbind-damage', 1111] });
  } finally {
    run.dispose();
  }
});

const C = '198.18.0.1', S = '198.18.0.2';
const xstr = (s: string): number[] => { const b = ascii(s); return [...u32(b.length), ...b, ...new Array((4 - (b.length % 4)) % 4).fill(0)]; };
const call = (xid: number, prog: number, vers: number, proc: number, cred: number[], args: number[]): number[] =>
  [...u32(xid), ...u32(0), ...u32(2), ...u32(prog), ...u32(vers), ...u32(proc), ...cred, 0, 0, 0, 0, 0, 0, 0, 0, ...args];
const unix = (stamp: number, host: string, uid: number, gid: number, gids: number[]): number[] => {
  const body = [...u32(stamp), ...xstr(host), ...u32(uid), ...u32(gid), ...u32(gids.length), ...gids.flatMap(u32)];
  return [...u32(1), ...u32(body.length), ...body];
};
const accepted = (xid: number, results: number[]): number[] => [...u32(xid), ...u32(1), ...u32(0), 0, 0, 0, 0, 0, 0, 0, 0, ...u32(0), ...results];
const dgram = (from: 'c' | 's', sp: number, dp: number, payload: number[]): number[] =>
  eth(0x0800, ipv4(from === 'c' ? C : S, from === 'c' ? S : C, 17, udp(sp, dp, payload)));

test('crafted ONC-RPC over UDP agrees with tshark', { skip: tsharkSkip() }, () => {
  const f = [
    // GETPORT for NFS v3 over TCP with AUTH_UNIX (machine name, uid, gid, two more gids)
    dgram('c', 801, 111, call(0x1001, 100000, 2, 3, unix(0x5f5e100, 'client.example', 1000, 100, [4, 27]), [...u32(100003), ...u32(3), ...u32(6), ...u32(0)])),
    dgram('s', 111, 801, accepted(0x1001, u32(2049))),
    // a call to a procedure of mount (known program, arguments not decoded here)
    dgram('c', 802, 20048, call(0x2002, 100005, 3, 1, unix(1, 'h', 0, 0, []), xstr('/export'))),
    // denied: RPC version mismatch
    dgram('c', 803, 111, call(0x3003, 100000, 2, 0, [0, 0, 0, 0, 0, 0, 0, 0], [])),
    dgram('s', 111, 803, [...u32(0x3003), ...u32(1), ...u32(1), ...u32(0), ...u32(2), ...u32(2)]),
    // a reply to no call seen: not RPC for tshark's heuristic
    dgram('s', 111, 804, accepted(0x4004, u32(1))),
    // a call to a program tshark does not know: data
    dgram('c', 805, 40000, call(0x5005, 399999, 1, 1, [0, 0, 0, 0, 0, 0, 0, 0], [])),
    // damage: credentials longer than the datagram
    dgram('c', 806, 111, [...u32(0x6006), ...u32(0), ...u32(2), ...u32(100000), ...u32(2), ...u32(3), ...u32(1), ...u32(300), 1, 2, 3, 4]),
  ];
  const r = compareFrames('rpc-udp', f, [...RPC_FIELDS, ...PORTMAP]);
  console.log(`# rpc crafted: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual(norm(r.diffs), []);
  // damage never throws: random bytes and cuts past the Ethernet/IP headers
  assert.ok(damageNeverThrows(join(outputDir('dissect-compare'), 'rpc-udp.pcap'), mulberry32(testSeed('rpc-udp-damage', 111)), 60, 34) >= 0);
});

// NFS over TCP (record marking), crafted from RFC 1813 / RFC 7530: no NFS server runs inside a test namespace
const tcpSession = (port: number, msgs: Array<['c' | 's', number[]]>, cport = 900): Buffer[] => {
  const f: Buffer[] = [];
  const side = tcpConversation(f, C, S, cport, port);
  for (const [dir, m] of msgs) side[dir]([...u32(0x80000000 | m.length), ...m]);
  return f;
};
const fh3 = (seed: number): number[] => { const h = Array.from({ length: 28 }, (_, i) => (seed * 31 + i * 7) & 255); return [...u32(h.length), ...h]; };
const cred = unix(42, 'nfsclient', 1000, 1000, [10]);

test('crafted NFS v3/v4 and MOUNT over TCP agree with tshark', { skip: tsharkSkip() }, () => {
  const f = tcpSession(2049, [
    ['c', call(0x11, 100003, 3, 1, cred, fh3(1))],
    ['s', accepted(0x11, [...u32(0), ...new Array(84).fill(0)])],
    ['c', call(0x12, 100003, 3, 3, cred, [...fh3(1), ...xstr('secret.txt')])],
    ['s', accepted(0x12, [...u32(0), ...fh3(2), ...u32(0), ...u32(0)])],
    ['c', call(0x13, 100003, 3, 3, cred, [...fh3(1), ...xstr('missing')])],
    ['s', accepted(0x13, [...u32(2), ...u32(0)])],
    ['c', call(0x14, 100003, 3, 6, cred, [...fh3(2), ...u32(0), ...u32(4096), ...u32(8192)])],
    ['c', call(0x15, 100003, 3, 12, cred, [...fh3(1), ...xstr('old.log')])],
    ['c', call(0x16, 100003, 4, 1, cred, [...xstr(''), ...u32(0), ...u32(3), ...u32(22), ...fh3(3), ...u32(15), ...xstr('passwd'), ...u32(10)])],
    ['s', accepted(0x16, [...u32(0), ...xstr(''), ...u32(3), ...u32(22), ...u32(0), ...u32(15), ...u32(0), ...u32(10), ...u32(0), ...fh3(4)])],
    ['c', call(0x17, 100003, 4, 1, cred, [...xstr('t'), ...u32(1), ...u32(2), ...u32(24), ...u32(9), ...u32(2), ...u32(0x0010011a), ...u32(0x00b0a23a)])],
    ['c', call(0x18, 100005, 3, 1, cred, xstr('/srv/nfs'))],
    ['s', accepted(0x18, [...u32(0), ...fh3(5), ...u32(1), ...u32(1)])],
  ]);
  const r = compareFrames('nfs-tcp', f, [...RPC_FIELDS, 'nfs.procedure_v3', 'nfs.procedure_v4', 'nfs.fh.length', 'nfs.fh.hash', 'nfs.name', 'nfs.status3',
    'nfs.offset3', 'nfs.count3', 'nfs.tag', 'nfs.minorversion', 'nfs.ops.count', 'nfs.opcode', 'nfs.nfsstat4', 'nfs.main_opcode', 'nfs.pathname.component', 'mount.path', 'mount.status']);
  console.log(`# nfs crafted: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual(norm(r.diffs), []);
  // damage never throws: random bytes and cuts past the Ethernet/IP headers
  assert.ok(damageNeverThrows(join(outputDir('dissect-compare'), 'nfs-tcp.pcap'), mulberry32(testSeed('nfs-tcp-damage', 2049)), 60, 34) >= 0);
});

// rpcinfo binds a reserved port at random: when it is one TLS owns (636, 853,
// 990-995), tshark still decodes tcp/111 as RPC (its own port, and the lower)
test('portmap over TCP from a client on a TLS port (993) is RPC, as tshark decodes it', { skip: tsharkSkip() }, () => {
  const f = tcpSession(111, [
    ['c', call(0x21, 100000, 2, 3, [0, 0, 0, 0, 0, 0, 0, 0], [...u32(100003), ...u32(3), ...u32(6), ...u32(0)])],
    ['s', accepted(0x21, u32(2049))],
  ], 993);
  const r = compareFrames('portmap-tls-port', f, [...RPC_FIELDS, ...PORTMAP]);
  console.log(`# portmap from port 993: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual(norm(r.diffs), []);
  assert.ok(r.frames >= 2);
});
