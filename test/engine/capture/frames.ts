// Hand-built Ethernet frames and pcap files to replay with tcpreplay, so
// capture tests know exactly what arrives on the interface.
import { PcapWriter } from '../../../main/engine/pcap/writer';
import { LinkType } from '../../../main/engine/types';
import { inetChecksum } from '../../lib/checksum';

const mac = (s: string): Buffer => Buffer.from(s.split(':').map((h) => parseInt(h, 16)));
const ip4 = (s: string): Buffer => Buffer.from(s.split('.').map(Number));

export interface Endpoints {
  srcMac: string;
  dstMac: string;
  src: string;
  dst: string;
}

function eth(e: Endpoints, type: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(14);
  mac(e.dstMac).copy(h, 0);
  mac(e.srcMac).copy(h, 6);
  h.writeUInt16BE(type, 12);
  const f = Buffer.concat([h, payload]);
  return f.length < 60 ? Buffer.concat([f, Buffer.alloc(60 - f.length)]) : f;
}

function ipv4(e: Endpoints, proto: number, payload: Buffer, id = 1): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payload.length, 2);
  h.writeUInt16BE(id & 0xffff, 4);
  h[8] = 64;
  h[9] = proto;
  ip4(e.src).copy(h, 12);
  ip4(e.dst).copy(h, 16);
  h.writeUInt16BE(inetChecksum(h), 10);
  return Buffer.concat([h, payload]);
}

export function udpFrame(e: Endpoints, sport: number, dport: number, payload: Buffer = Buffer.alloc(18), id = 1): Buffer {
  const u = Buffer.alloc(8);
  u.writeUInt16BE(sport, 0);
  u.writeUInt16BE(dport, 2);
  u.writeUInt16BE(8 + payload.length, 4);
  return eth(e, 0x0800, ipv4(e, 17, Buffer.concat([u, payload]), id));
}

export function tcpSynFrame(e: Endpoints, sport: number, dport: number, id = 1): Buffer {
  const t = Buffer.alloc(20);
  t.writeUInt16BE(sport, 0);
  t.writeUInt16BE(dport, 2);
  t.writeUInt32BE(1000 + id, 4);
  t[12] = 5 << 4;
  t[13] = 0x02;
  t.writeUInt16BE(64240, 14);
  return eth(e, 0x0800, ipv4(e, 6, t, id));
}

export function icmpEchoFrame(e: Endpoints, seq: number): Buffer {
  const m = Buffer.alloc(16);
  m[0] = 8;
  m.writeUInt16BE(0x1234, 4);
  m.writeUInt16BE(seq, 6);
  m.writeUInt16BE(inetChecksum(m), 2);
  return eth(e, 0x0800, ipv4(e, 1, m, seq));
}

export function arpRequestFrame(e: Endpoints): Buffer {
  const a = Buffer.alloc(28);
  a.writeUInt16BE(1, 0);
  a.writeUInt16BE(0x0800, 2);
  a[4] = 6;
  a[5] = 4;
  a.writeUInt16BE(1, 6);
  mac(e.srcMac).copy(a, 8);
  ip4(e.src).copy(a, 14);
  ip4(e.dst).copy(a, 24);
  return eth({ ...e, dstMac: 'ff:ff:ff:ff:ff:ff' }, 0x0806, a);
}

export function writePcap(path: string, frames: Buffer[]): void {
  const w = PcapWriter.open(path, { linkType: LinkType.ETHERNET, snaplen: 65535 });
  let t = 1_700_000_000_000_000_000n;
  for (const f of frames) w.writePacket((t += 1000n), f, f.length);
  w.close();
}

const ip6 = (s: string): Buffer => {
  const [head, tail = ''] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
};

/** A TCP SYN over IPv6 (src/dst in e are IPv6 text; checksum left 0: nobody verifies it here). */
export function tcpSyn6Frame(e: Endpoints, sport: number, dport: number): Buffer {
  const t = Buffer.alloc(20);
  t.writeUInt16BE(sport, 0);
  t.writeUInt16BE(dport, 2);
  t[12] = 5 << 4;
  t[13] = 0x02;
  t.writeUInt16BE(64240, 14);
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x60000000, 0);
  h.writeUInt16BE(t.length, 4);
  h[6] = 6;
  h[7] = 64;
  ip6(e.src).copy(h, 8);
  ip6(e.dst).copy(h, 24);
  return eth(e, 0x86dd, Buffer.concat([h, t]));
}
