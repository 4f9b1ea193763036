// SSH against a real peer: the OpenSSH client (ssh) in one namespace talks
// to a small server in the other that sends its banner and a KEXINIT; the
// capture (tcpdump on the client's side) holds OpenSSH's real banner and
// KEXINIT, its HASSH included, and is compared with tshark cell by cell.
// (openssh-server is not installed here: the server side is built.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { createVethPair } from '../../lib/netns';
import { hasCommand, liveSkipReason, outputDir } from '../../lib/env';
import { compareFile, tsharkSkip } from './compare';
import { readFileSync } from 'node:fs';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { Dissector } from '../../../main/engine/dissect';

function hasKexinit(path: string): boolean {
  try {
    const dis = new Dissector({ geoip: null, fields: ['ssh.kex.hassh'] });
    return parseCaptureBuffer(readFileSync(path)).packets.some((p) => dis.dissect(p).fields.some((f) => f.name === 'ssh.kex.hassh'));
  } catch { return false; }
}

const skip = liveSkipReason() ?? tsharkSkip() ?? (hasCommand('ssh') && hasCommand('tcpdump') ? false : 'needs ssh (openssh-client) and tcpdump');

const SERVER = `
const net = require('net');
const list = (s) => { const b = Buffer.alloc(4 + s.length); b.writeUInt32BE(s.length); b.write(s, 4, 'latin1'); return b; };
const lists = ['curve25519-sha256,ecdh-sha2-nistp256', 'ssh-ed25519', 'aes128-ctr,aes256-gcm@openssh.com', 'aes128-ctr,aes256-gcm@openssh.com',
  'hmac-sha2-256', 'hmac-sha2-256', 'none', 'none', '', ''];
const body = Buffer.concat([Buffer.from([20]), Buffer.alloc(16, 7), ...lists.map(list), Buffer.alloc(5)]);
let pad = 8 - ((5 + body.length) % 8); if (pad < 4) pad += 8;
const pkt = Buffer.alloc(5 + body.length + pad); pkt.writeUInt32BE(1 + body.length + pad); pkt[4] = pad; body.copy(pkt, 5);
const srv = net.createServer((c) => {
  c.write('SSH-2.0-xdpscope_test\\r\\n');
  let got = Buffer.alloc(0);
  c.on('data', (d) => {
    got = Buffer.concat([got, d]);
    const nl = got.indexOf(10);
    if (nl < 0) return;
    if (!c.sentKex) { c.sentKex = true; c.write(pkt); }
    const rest = got.subarray(nl + 1);
    // the client's KEXINIT is complete: end the connection (no key exchange here)
    if (rest.length >= 4 && rest.length >= 4 + rest.readUInt32BE(0)) c.end();
  });
  c.on('error', () => {});
});
srv.listen(22, process.argv[1], () => process.stdout.write('ready\\n'));
`;

test('the OpenSSH client\'s banner, KEXINIT and HASSH agree with tshark', { skip, timeout: 60_000 }, async () => {
  const net = createVethPair();
  const dump = join(outputDir('ssh-live'), 'ssh.pcap');
  try {
    const server = net.spawn(net.serverNs, [process.execPath, '-e', SERVER, net.serverIp], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(server.stdout!, 'data');
    const cap = net.spawn(net.clientNs, ['tcpdump', '--immediate-mode', '-i', net.clientIf, '-U', '-n', '-w', dump, 'tcp port 22'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    cap.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
    while (!err.includes('listening on')) await once(cap.stderr!, 'data');
    const ssh = net.spawn(net.clientNs, ['ssh', '-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
      '-o', 'ConnectTimeout=10', `nobody@${net.serverIp}`, 'true'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let sshErr = '';
    ssh.stderr!.on('data', (b: Buffer) => { sshErr += b.toString(); });
    await once(ssh, 'exit');
    // the capture holds the client's KEXINIT before it stops (state, bounded: 10 s)
    for (let i = 0; i < 200 && !hasKexinit(dump); i++) await new Promise((r) => setTimeout(r, 50));
    cap.kill('SIGINT');
    await once(cap, 'exit');
    server.kill();
    const fields = ['frame.protocols', 'tcp.stream', 'ssh.protocol', 'ssh.packet_length', 'ssh.padding_length', 'ssh.message_code', 'ssh.kex_algorithms',
      'ssh.server_host_key_algorithms', 'ssh.encryption_algorithms_client_to_server', 'ssh.mac_algorithms_client_to_server',
      'ssh.compression_algorithms_client_to_server', 'ssh.kex.hassh_algorithms', 'ssh.kex.hassh', 'ssh.kex.hasshserver_algorithms', 'ssh.kex.hasshserver',
      'tcp.segment', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];
    const r = compareFile(dump, fields);
    console.log(`# ssh-live: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
    assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
    const hassh = r.theirs.map((row) => row[12]).filter(Boolean);
    assert.equal(hassh.length, 1, `one client KEXINIT with its HASSH (ssh said: ${sshErr.trim()})`);
    assert.match(hassh[0], /^[0-9a-f]{32}$/);
  } finally {
    net.dispose();
  }
});
