// SSH on a crafted session (RFC 4253): banners, each side's Key Exchange
// Init (the client's split across two segments, reassembled), the ECDH
// exchange, New Keys, encrypted packets; HASSH and HASSH-server
// fingerprints. Compared cell by cell with tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFrames, tsharkSkip } from './compare';
import { tcpConversation } from '../../lib/tcp-frame';

const C = '198.18.0.1', S = '198.18.0.2';

function binaryPacket(payload: Buffer): Buffer {
  // padding to a multiple of 8 (at least 4 bytes), as RFC 4253 §6 asks
  let pad = 8 - ((5 + payload.length) % 8);
  if (pad < 4) pad += 8;
  const b = Buffer.alloc(5 + payload.length + pad, 0);
  b.writeUInt32BE(1 + payload.length + pad, 0);
  b[4] = pad;
  payload.copy(b, 5);
  return b;
}
const nameList = (s: string): Buffer => { const b = Buffer.alloc(4 + s.length); b.writeUInt32BE(s.length, 0); b.write(s, 4, 'latin1'); return b; };
function kexinit(lists: string[]): Buffer {
  return binaryPacket(Buffer.concat([Buffer.from([20]), Buffer.alloc(16, 0x5a), ...lists.map(nameList), Buffer.from([0, 0, 0, 0, 0])]));
}
const CLIENT = ['curve25519-sha256,ecdh-sha2-nistp256,ext-info-c', 'ssh-ed25519,rsa-sha2-512', 'chacha20-poly1305@openssh.com,aes128-ctr', 'chacha20-poly1305@openssh.com,aes128-ctr',
  'umac-64-etm@openssh.com,hmac-sha2-256', 'umac-64-etm@openssh.com,hmac-sha2-256', 'none,zlib@openssh.com', 'none,zlib@openssh.com', '', ''];
const SERVER = ['curve25519-sha256,kex-strict-s-v00@openssh.com', 'rsa-sha2-512,ssh-ed25519', 'aes256-gcm@openssh.com', 'aes128-gcm@openssh.com', 'hmac-sha2-512', 'hmac-sha2-256', 'none', 'none,zlib', '', ''];

function session(): Buffer[] {
  const f: Buffer[] = [];
  const { c, s } = tcpConversation(f, C, S, 40000, 22, { ack: false });
  c(Buffer.alloc(0), 0x10);
  s(Buffer.from('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'));
  c(Buffer.from('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'));
  const ck = kexinit(CLIENT);
  c(ck.subarray(0, 100)); c(ck.subarray(100));
  s(kexinit(SERVER));
  c(binaryPacket(Buffer.concat([Buffer.from([30]), nameList('x'.repeat(32))])));
  const hostKey = Buffer.concat([nameList('ssh-ed25519'), nameList('k'.repeat(32))]);
  const sig = Buffer.concat([nameList('ssh-ed25519'), nameList('s'.repeat(64))]);
  const str = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, b.length >> 8, b.length & 255]), b]);
  s(Buffer.concat([binaryPacket(Buffer.concat([Buffer.from([31]), str(hostKey), nameList('q'.repeat(32)), str(sig)])), binaryPacket(Buffer.from([21]))]));
  c(binaryPacket(Buffer.from([21])));
  c(Buffer.alloc(44, 0x77));
  s(Buffer.alloc(44, 0x66));
  return f;
}

const FIELDS = [
  'frame.protocols', 'tcp.stream', 'ssh.protocol', 'ssh.packet_length', 'ssh.padding_length', 'ssh.message_code', 'ssh.cookie',
  'ssh.kex_algorithms_length', 'ssh.kex_algorithms', 'ssh.server_host_key_algorithms', 'ssh.encryption_algorithms_client_to_server',
  'ssh.encryption_algorithms_server_to_client', 'ssh.mac_algorithms_client_to_server', 'ssh.mac_algorithms_server_to_client',
  'ssh.compression_algorithms_client_to_server', 'ssh.compression_algorithms_server_to_client', 'ssh.languages_client_to_server_length',
  'ssh.first_kex_packet_follows', 'ssh.kex.reserved', 'ssh.kex.hassh_algorithms', 'ssh.kex.hassh', 'ssh.kex.hasshserver_algorithms',
  'ssh.kex.hasshserver', 'ssh.padding_string', 'ssh.encrypted_packet', 'ssh.packet_length_encrypted', 'ssh.mac', 'tcp.reassembled_in', 'tcp.segment',
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];

test('SSH banners, KEXINIT and HASSH agree with tshark field by field', { skip: tsharkSkip() }, () => {
  const r = compareFrames('ssh', session(), FIELDS);
  console.log(`# ssh: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
});
