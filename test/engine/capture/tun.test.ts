// Raw-IP devices (tun, wireguard): frames start at the IP header, so the
// capture must say LINKTYPE_RAW and the kernel filter must parse from IP.
// A tun device in a namespace the test creates; a small python3 program
// writes four UDP datagrams into it (they arrive as ingress on tun0).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { hasCommand, liveSkipReason } from '../../lib/env';
import { startCapture } from '../../../main/engine/capture';
import { HELPER, collectPackets, helloOf, sleep } from './util';

const WRITER = `
import fcntl, os, struct, sys
fd = os.open('/dev/net/tun', os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack('16sH', b'tun0', 0x0001 | 0x1000))  # TUNSETIFF: IFF_TUN | IFF_NO_PI
os.system('ip addr add 198.18.66.1/24 dev tun0 && ip link set tun0 up')
print('ready', flush=True)
sys.stdin.readline()
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b)); s = (s & 0xffff) + (s >> 16); s = (s & 0xffff) + (s >> 16); return ~s & 0xffff
for port in (53, 53, 80, 53):
    udp = struct.pack('!HHHH', 3333, port, 12, 0) + b'abcd'
    ip = bytearray(struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, bytes([198, 18, 66, 9]), bytes([198, 18, 66, 1])))
    ip[10:12] = struct.pack('!H', csum(bytes(ip)))
    os.write(fd, bytes(ip) + udp)
sys.stdin.readline()
`;

const skip = liveSkipReason() ?? (hasCommand('python3') ? null : 'needs python3');

describe('live capture on a raw-IP (tun) device', { skip: skip ?? false }, () => {
  it('reports LINKTYPE_RAW and filters from the IP header', async () => {
    const ns = `xs-tun${process.pid % 10000}`;
    execFileSync('ip', ['netns', 'add', ns]);
    const writer = spawn('ip', ['netns', 'exec', ns, 'python3', '-c', WRITER], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        writer.stdout.on('data', (d) => { if (String(d).includes('ready')) resolve(); });
        writer.on('exit', (c) => reject(new Error(`tun writer exited ${c}`)));
      });
      const cap = startCapture({ iface: 'tun0', helper: HELPER, wrapper: ['ip', 'netns', 'exec', ns], filter: 'udp dst port 53',
        // ingress only: the counts below are the four datagrams written (the ICMP port unreachables they cause leave by egress)
        direction: 'in' });
      const { packets: got, reading } = collectPackets(cap);
      const hello = await helloOf(cap);
      writer.stdin.write('go\n');
      await sleep(300);
      const exit = await cap.stop();
      await reading;
      assert.equal(hello.linkType, 101);
      assert.equal(got.length, 3);
      assert.ok(got.every((p) => p.linkType === 101 && p.data[0] === 0x45 && ((p.data[22] << 8) | p.data[23]) === 53));
      assert.equal(exit.stats!.seen, 4);
      assert.equal(exit.stats!.filtered, 1);
    } finally {
      writer.kill('SIGKILL');
      execFileSync('ip', ['netns', 'del', ns]);
    }
  });
});
