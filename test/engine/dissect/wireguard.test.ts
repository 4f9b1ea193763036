// WireGuard, found by tshark 4.0's UDP heuristic: every message type and the
// keepalive on crafted frames, the heuristic's edges (a wrong length, an
// unknown type, non-zero reserved bytes outside and inside a conversation an
// initiation claimed, a registered port first), judged by tshark on the same
// bytes; then the kernel's own WireGuard between two namespaces, captured on
// the veth and compared field by field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { craftedAgrees, tsharkSkip } from './compare';
import { eth, ipv4, ipv6, udp } from './packets';
import { Dissector } from '../../../main/engine/dissect';
import { raw } from './packets';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { compareFile, daemonRunAgrees } from './compare';
import { pcapFile } from '../../lib/pcap';
import { keepCapture, peersSkipReason } from './peers';
import { type VethPair, withLivePair } from '../../lib/netns';
import type { ChildProcess } from 'node:child_process';
import { captureWhile, until } from '../../lib/tcpdump';
import { hasCommand, outputDir } from '../../lib/env';

export const WG_FIELDS = ['frame.protocols', 'udp.stream', 'wg.type', 'wg.reserved', 'wg.sender', 'wg.receiver', 'wg.ephemeral', 'wg.ephemeral.known_privkey',
  'wg.encrypted_static', 'wg.encrypted_timestamp', 'wg.mac1', 'wg.mac2', 'wg.nonce', 'wg.encrypted_cookie', 'wg.counter', 'wg.encrypted_packet',
  'wg.encrypted_empty', 'wg.keepalive', 'wg.stream', 'wg.response_to', 'wg.response_in', 'wg', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const A = '198.18.0.1', B = '198.18.0.2';
const le32 = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];
const le64 = (v: bigint): number[] => Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 255n));
/** bytes that look random and differ per seed */
const fill = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => (seed * 7 + i * 13) & 255);

const initiation = (sender: number, reserved = [0, 0, 0]): number[] => [1, ...reserved, ...le32(sender), ...fill(32, 1), ...fill(48, 2), ...fill(28, 3), ...fill(16, 4), ...Array<number>(16).fill(0)];
const response = (sender: number, receiver: number, reserved = [0, 0, 0]): number[] => [2, ...reserved, ...le32(sender), ...le32(receiver), ...fill(32, 5), ...fill(16, 6), ...fill(16, 7), ...Array<number>(16).fill(0)];
const cookie = (receiver: number, reserved = [0, 0, 0]): number[] => [3, ...reserved, ...le32(receiver), ...fill(24, 10), ...fill(32, 11)];
const data = (receiver: number, counter: bigint, n: number, reserved = [0, 0, 0]): number[] => [4, ...reserved, ...le32(receiver), ...le64(counter), ...fill(n + 16, 8)];

const v4 = (src: string, dst: string, sp: number, dp: number, p: number[]): number[] => eth(0x0800, ipv4(src, dst, 17, udp(sp, dp, p)));
const v6 = (src: number, dst: number, sp: number, dp: number, p: number[]): number[] => eth(0x86dd, ipv6(17, udp(sp, dp, p), src, dst));

test('WireGuard: every message type, keepalive, sessions and links agree with tshark', { skip: tsharkSkip() }, () => {
  const f = [
    v4(A, B, 40000, 51820, initiation(0x11223344)),
    v4(B, A, 51820, 40000, response(0x55667788, 0x11223344)),
    v4(A, B, 40000, 51820, data(0x55667788, 0n, 84)),
    v4(B, A, 51820, 40000, data(0x11223344, 0n, 84)),
    v4(A, B, 40000, 51820, data(0x55667788, 1n, 0)),
    v4(B, A, 51820, 40000, data(0x11223344, 0xfedcba9876543210n, 1400)),
    // a second handshake from the other side: stream 1; a cookie reply answers it instead of a response
    v4(B, A, 51820, 40000, initiation(0xaabbccdd, [0x12, 0x34, 0x56])),
    v4(A, B, 40000, 51820, cookie(0xaabbccdd)),
    // the same cookie again: its initiation is answered already, so no link
    v4(A, B, 40000, 51820, cookie(0xaabbccdd)),
    // a response to an id nobody initiated: no stream
    v4(B, A, 51820, 40000, response(1, 2, [9, 9, 9])),
    // over IPv6, on other ports (no port of its own: the heuristic alone)
    v6(1, 2, 5555, 6666, initiation(7)),
    v6(2, 1, 6666, 5555, response(8, 7)),
    v6(1, 2, 5555, 6666, data(8, 3n, 16)),
  ];
  const r = craftedAgrees('wg-types', f, WG_FIELDS, { seed: ['wg-types', 51820] });
  assert.deepEqual(r.theirs.map((row) => row[0].endsWith(':wg')), f.map(() => true));
});

test('WireGuard heuristic edges: what almost looks like WireGuard stays data, as in tshark', { skip: tsharkSkip() }, () => {
  const f = [
    v4(A, B, 40001, 51821, initiation(1).slice(0, 147)),
    v4(A, B, 40001, 51821, [...initiation(1), 0]),
    v4(A, B, 40001, 51821, response(1, 2).slice(0, 91)),
    v4(A, B, 40001, 51821, [...cookie(1), 0]),
    v4(A, B, 40001, 51821, data(1, 0n, 0).slice(0, 31)),
    v4(A, B, 40001, 51821, [5, ...initiation(1).slice(1)]),
    v4(A, B, 40001, 51821, [0, ...data(1, 0n, 16).slice(1)]),
    // data and cookie replies with reserved bytes set: not WireGuard outside a claimed conversation
    v4(A, B, 40001, 51821, data(1, 0n, 16, [1, 0, 0])),
    v4(A, B, 40001, 51821, cookie(1, [0, 0, 1])),
    // the initiation claims 40002↔51822 for WireGuard: there the same messages count
    v4(A, B, 40002, 51822, initiation(3, [1, 2, 3])),
    v4(B, A, 51822, 40002, data(3, 0n, 16, [1, 0, 0])),
    v4(B, A, 51822, 40002, cookie(3, [0, 0, 1])),
    // ...but the length still rules there
    v4(B, A, 51822, 40002, data(3, 0n, 0, [1, 0, 0]).slice(0, 30)),
    // a registered port comes first: SNMP on 161 rejects an initiation (no BER sequence), so the
    // heuristics are tried after it

    v4(A, B, 40003, 161, initiation(4)),
    // the smallest payloads
    v4(A, B, 40004, 51824, [4, 0, 0]),
    v4(A, B, 40004, 51824, []),
  ];
  const r = craftedAgrees('wg-edges', f, WG_FIELDS, { seed: ['wg-edges', 51821] });
  assert.deepEqual(r.theirs.map((row) => row[0].endsWith(':wg')),
    [false, false, false, false, false, false, false, false, false, true, true, true, false, true, false, false]);
});

test('WireGuard: a frame dissected again once its response was seen links to it (tshark\'s second pass)', () => {
  const dis = new Dissector({ geoip: null });
  const init = raw(v4(A, B, 40000, 51820, initiation(0x01020304)), { number: 1 });
  const resp = raw(v4(B, A, 51820, 40000, response(0x05060708, 0x01020304)), { number: 2 });
  const field = (d: ReturnType<Dissector['dissect']>, name: string): unknown => d.fields.find((x) => x.name === name)?.value;
  assert.equal(field(dis.dissect(init), 'wg.response_in'), undefined);
  assert.equal(field(dis.dissect(resp), 'wg.response_to'), 1);
  const again = dis.dissect(init);
  assert.equal(field(again, 'wg.response_in'), 2);
  assert.equal(field(again, 'wg.stream'), 0);
  assert.equal(field(dis.dissect(resp), 'wg.stream'), 0);
});

/** What the capture at `path` holds so far: WireGuard messages by kind (a capture being written may end mid-record). */
function wgKinds(path: string): Map<string, number> {
  const n = new Map<string, number>();
  if (!existsSync(path)) return n;
  let cap;
  try { cap = parseCaptureBuffer(readFileSync(path)); } catch { return n; }
  const dis = new Dissector({ geoip: null, fields: ['wg.type', 'wg.keepalive'] });
  for (const p of cap.packets) {
    const d = dis.dissect(p);
    const type = d.fields.find((f) => f.name === 'wg.type')?.value;
    if (type === undefined) continue;
    const kind = d.fields.some((f) => f.name === 'wg.keepalive') ? 'keepalive' : String(type);
    n.set(kind, (n.get(kind) ?? 0) + 1);
  }
  return n;
}

test('WireGuard: a real handshake, transport data and keepalives agree with tshark', {
  skip: peersSkipReason() || (hasCommand('wg') ? false : 'needs wg (wireguard-tools)'), timeout: 90_000,
}, async () => {
  const sockets: string[] = [];
  try {
    await withLivePair('xs-wg-', (pair, dir, daemons) => tunnelRun(pair, dir, daemons, sockets));
  } finally {
    for (const s of sockets) rmSync(s, { force: true });
  }
});

async function tunnelRun(pair: VethPair, dir: string, daemons: ChildProcess[], sockets: string[]): Promise<void> {
  const third = pair.clientIp.split('.')[2];
  // the tunnel's own addresses, inside the benchmarking range too
  const tunnel = { [pair.clientNs]: `198.19.${third}.1`, [pair.serverNs]: `198.19.${third}.2` };
  // unique names: wireguard-go's control sockets share one folder across namespaces
  const name = { [pair.clientNs]: `wgc${pair.clientIf.slice(2)}`, [pair.serverNs]: `wgs${pair.serverIf.slice(2)}` };
  const keys = new Map<string, { priv: string; pub: string }>();
  for (const ns of [pair.clientNs, pair.serverNs]) {
    const priv = join(dir, `${ns}.key`);
    writeFileSync(priv, execFileSync('wg', ['genkey'], { encoding: 'utf8' }), { mode: 0o600 });
    keys.set(ns, { priv, pub: execFileSync('wg', ['pubkey'], { input: readFileSync(priv), encoding: 'utf8' }).trim() });
    await wgInterface(pair, ns, name[ns], daemons, sockets);
    pair.exec(ns, ['ip', 'addr', 'add', `${tunnel[ns]}/24`, 'dev', name[ns]]);
  }
  const pcap = join(dir, 'wg.pcap');
  const peers = (): void => {
    for (const [ns, other, ip] of [[pair.clientNs, pair.serverNs, pair.serverIp], [pair.serverNs, pair.clientNs, pair.clientIp]]) {
      pair.exec(ns, ['wg', 'set', name[ns], 'private-key', keys.get(ns)!.priv, 'listen-port', '51820', 'peer', keys.get(other)!.pub,
        'allowed-ips', `${tunnel[other]}/32`, 'endpoint', `${ip}:51820`, 'persistent-keepalive', '1']);
      pair.exec(ns, ['ip', 'link', 'set', name[ns], 'up']);
    }
  };
  await captureWhile(pair, pcap, 'udp port 51820', async () => {
    peers();
    // the ping's exit says the tunnel carried it both ways; wg show says the handshake completed
    pair.exec(pair.clientNs, ['ping', '-c', '3', '-i', '0.2', '-W', '5', tunnel[pair.serverNs]], { timeoutMs: 30_000 });
    const shaken = (): boolean => /\t[1-9]\d*$/m.test(pair.exec(pair.clientNs, ['wg', 'show', name[pair.clientNs], 'latest-handshakes']));
    await until(shaken, 'the WireGuard handshake');
  }, (path) => {
    const k = wgKinds(path);
    // a persistent keepalive comes after the ping's last reply
    return (k.get('1') ?? 0) >= 1 && (k.get('2') ?? 0) >= 1 && (k.get('4') ?? 0) >= 6 && (k.get('keepalive') ?? 0) >= 1;
  }, 'a handshake, the pings and a keepalive in the capture');
  keepCapture(pcap);
  const r = daemonRunAgrees(pcap, WG_FIELDS, { name: 'wg-live', proto: 'wg', label: 'WireGuard', min: 9, seed: ['wg-live', 51820] });
  const kinds = r.theirs.map((row) => row[WG_FIELDS.indexOf('_ws.col.Info')].replace(/,.*/, ''));
  for (const k of ['Handshake Initiation', 'Handshake Response', 'Transport Data', 'Keepalive']) assert.ok(kinds.includes(k), `no ${k} in ${kinds.join(' | ')}`);
}

/**
 * A WireGuard interface `name` in `ns`: the kernel's where it has the
 * module, else wireguard-go's (the same protocol in user space, on a TUN
 * device), ready once its control socket exists.
 */
async function wgInterface(pair: VethPair, ns: string, name: string, daemons: ChildProcess[], sockets: string[]): Promise<void> {
  try {
    pair.exec(ns, ['ip', 'link', 'add', name, 'type', 'wireguard']);
    return;
  } catch (err) {
    if (!hasCommand('wireguard-go')) throw new Error(`no WireGuard in this kernel and no wireguard-go: ${String(err)}`, { cause: err });
  }
  const sock = `/var/run/wireguard/${name}.sock`;
  sockets.push(sock);
  const child = pair.spawn(ns, ['wireguard-go', '-f', name], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WG_PROCESS_FOREGROUND: '1', WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD: '1' } });
  daemons.push(child);
  let out = '';
  child.stdout?.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr?.on('data', (b: Buffer) => { out += b.toString(); });
  await until(() => existsSync(sock) || child.exitCode !== null, `wireguard-go's socket ${sock}`);
  if (!existsSync(sock)) throw new Error(`wireguard-go ${name} exited: ${out}`);
}

// tshark's heuristic reads the datagram's length as sent: a message the
// capture's snap length cut is still WireGuard, its fields up to the cut
test('WireGuard cut by the snap length: the fields up to the cut, as tshark', { skip: tsharkSkip() }, () => {
  const whole = [v4(A, B, 40000, 51820, initiation(0x0a0b0c0d)), v4(B, A, 51820, 40000, response(0x01020304, 0x0a0b0c0d)),
    v4(A, B, 40000, 51820, data(0x01020304, 5n, 64))];
  const cuts = [42 + 100, 42 + 50, 42 + 12];
  // the records keep their original lengths
  const pcap = pcapFile(whole.map((f, i) => ({ data: Uint8Array.from(f.slice(0, cuts[i])), origLen: f.length })));
  const path = join(outputDir('dissect-compare'), 'wg-snaplen.pcap');
  writeFileSync(path, pcap);
  const r = compareFile(path, WG_FIELDS);
  console.log(`# wg-snaplen: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual(r.diffs, []);
  assert.ok(r.theirs.every((row) => row[0].endsWith(':wg')));
});
