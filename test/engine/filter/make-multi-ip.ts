// Crafts test/engine/filter/data/multi-ip.pcap (committed; rerun only to change it):
// ICMP errors quoting the offending datagram, IP-in-IP and GRE tunnels, so
// ip.src/ip.dst/udp/tcp fields occur twice in a frame.
//   node scripts/build.mjs && node dist/test/engine/filter/make-multi-ip.js
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../lib/env';
import { pcapFile, T0_US } from '../../lib/pcap';
import { inetChecksum } from '../../lib/checksum';
const ip4 = (s: string): number[] => s.split('.').map(Number);
function ipv4(src: string, dst: string, proto: number, payload: Buffer, ttl = 64, id = 1): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45; h.writeUInt16BE(20 + payload.length, 2); h.writeUInt16BE(id, 4); h[8] = ttl; h[9] = proto;
  Buffer.from(ip4(src)).copy(h, 12); Buffer.from(ip4(dst)).copy(h, 16);
  h.writeUInt16BE(inetChecksum(h), 10);
  return Buffer.concat([h, payload]);
}
function udp(sp: number, dp: number, data: Buffer): Buffer { const h = Buffer.alloc(8); h.writeUInt16BE(sp, 0); h.writeUInt16BE(dp, 2); h.writeUInt16BE(8 + data.length, 4); return Buffer.concat([h, data]); }
function tcp(sp: number, dp: number, flags: number, seq = 1000): Buffer { const h = Buffer.alloc(20); h.writeUInt16BE(sp, 0); h.writeUInt16BE(dp, 2); h.writeUInt32BE(seq, 4); h[12] = 0x50; h[13] = flags; h.writeUInt16BE(64240, 14); return h; }
function icmp(type: number, code: number, rest: Buffer, body: Buffer): Buffer { const h = Buffer.alloc(8); h[0] = type; h[1] = code; rest.copy(h, 4); const m = Buffer.concat([h, body]); m.writeUInt16BE(inetChecksum(m), 2); return m; }
const eth = (p: Buffer, type = 0x0800): Buffer => { const h = Buffer.alloc(14); Buffer.from([0x02,0,0,0,0,1]).copy(h, 0); Buffer.from([0x02,0,0,0,0,2]).copy(h, 6); h.writeUInt16BE(type, 12); return Buffer.concat([h, p]); };
const gre = (proto: number, inner: Buffer): Buffer => { const h = Buffer.alloc(4); h.writeUInt16BE(proto, 2); return Buffer.concat([h, inner]); };
const dns = Buffer.from('123401000001000000000000076578616d706c6503636f6d0000010001', 'hex');
const frames = [
  // 1 ICMP port unreachable quoting a UDP datagram to 203.0.113.5:53
  eth(ipv4('192.0.2.1', '198.18.0.1', 1, icmp(3, 3, Buffer.alloc(4), ipv4('198.18.0.1', '203.0.113.5', 17, udp(5353, 53, dns), 63, 7)))),
  // 2 ICMP time exceeded quoting a TCP SYN (first 8 bytes of TCP)
  eth(ipv4('198.18.0.254', '198.18.0.1', 1, icmp(11, 0, Buffer.alloc(4), ipv4('198.18.0.1', '8.8.8.8', 6, tcp(40000, 443, 0x02).subarray(0, 8), 1, 9)), 255)),
  // 3 IP-in-IP carrying a TCP SYN
  eth(ipv4('198.18.0.7', '198.18.0.8', 4, ipv4('10.9.9.9', '10.1.1.1', 6, tcp(50000, 443, 0x02)))),
  // 4 plain ICMP echo request
  eth(ipv4('192.0.2.1', '198.18.0.1', 1, icmp(8, 0, Buffer.from([0, 1, 0, 1]), Buffer.from('abcdefgh')))),
  // 5 GRE carrying IPv4/UDP DNS
  eth(ipv4('198.18.0.7', '198.18.0.9', 47, gre(0x0800, ipv4('10.2.2.2', '10.3.3.3', 17, udp(5300, 53, dns))))),
  // 6 ICMP host unreachable quoting an ICMP echo
  eth(ipv4('198.18.0.254', '192.0.2.1', 1, icmp(3, 1, Buffer.alloc(4), ipv4('192.0.2.1', '198.18.0.50', 1, icmp(8, 0, Buffer.from([0, 2, 0, 1]), Buffer.alloc(0)))))),
  // 7 plain UDP DNS for contrast
  eth(ipv4('198.18.0.1', '203.0.113.5', 17, udp(5353, 53, dns))),
];
writeFileSync(join(ROOT, 'test', 'engine', 'filter', 'data', 'multi-ip.pcap'), pcapFile(frames, { snaplen: 65535, usAt: (i) => T0_US + i * 1_000_000 + i * 1000 }));
