// Byte-level packet crafting for the insights scenarios: Ethernet, IPv4,
// TCP, UDP, GRE, SCTP, plus the payloads the detectors look at (TLS
// ClientHello with SNI, HTTP, DNS answers, SSH banners). Checksums are
// correct so the dissector sees ordinary traffic. Frames are written with
// the real PcapngWriter.
import { PcapngWriter } from '../../../main/engine/pcapng/writer';
import { LinkType } from '../../../main/engine/types';
import { inetChecksum } from '../../lib/checksum';

export const MAC_A = '02:00:00:00:00:01';
export const MAC_B = '02:00:00:00:00:02';

const mac = (s: string): number[] => s.split(':').map((h) => parseInt(h, 16));
const ip4 = (s: string): number[] => s.split('.').map(Number);
const be16 = (v: number): number[] => [(v >> 8) & 255, v & 255];
const be32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const ascii = (s: string): number[] => [...Buffer.from(s, 'latin1')];

export function ethernet(type: number, payload: number[], src = MAC_A, dst = MAC_B): number[] {
  return [...mac(dst), ...mac(src), ...be16(type), ...payload];
}

let ipId = 1;
export function ipv4(src: string, dst: string, proto: number, payload: number[], ttl = 64): number[] {
  const h = [0x45, 0, ...be16(20 + payload.length), ...be16(ipId++ & 0xffff), 0x40, 0, ttl, proto, 0, 0, ...ip4(src), ...ip4(dst)];
  const c = inetChecksum(h);
  h[10] = c >> 8; h[11] = c & 255;
  return [...h, ...payload];
}

export const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;

export interface TcpOpts { sport: number; dport: number; flags: number; seq?: number; ack?: number; payload?: number[] }

export function tcp(src: string, dst: string, o: TcpOpts): number[] {
  const payload = o.payload ?? [];
  const seg = [...be16(o.sport), ...be16(o.dport), ...be32(o.seq ?? 1000), ...be32(o.ack ?? 0), 0x50, o.flags, ...be16(64240), 0, 0, 0, 0, ...payload];
  const pseudo = [...ip4(src), ...ip4(dst), 0, 6, ...be16(seg.length)];
  const c = inetChecksum([...pseudo, ...seg]);
  seg[16] = c >> 8; seg[17] = c & 255;
  return ipv4(src, dst, 6, seg);
}

export function udp(src: string, dst: string, sport: number, dport: number, payload: number[]): number[] {
  const seg = [...be16(sport), ...be16(dport), ...be16(8 + payload.length), 0, 0, ...payload];
  const pseudo = [...ip4(src), ...ip4(dst), 0, 17, ...be16(seg.length)];
  const c = inetChecksum([...pseudo, ...seg]) || 0xffff;
  seg[6] = c >> 8; seg[7] = c & 255;
  return ipv4(src, dst, 17, seg);
}

/** GRE (RFC 2784, no options) carrying an IPv4 packet. */
export function gre(src: string, dst: string, inner: number[]): number[] {
  return ipv4(src, dst, 47, [0, 0, ...be16(0x0800), ...inner]);
}

function ip6(s: string): number[] {
  const [head, tail] = s.split('::');
  const words = (x: string | undefined) => (x ? x.split(':').map((w) => parseInt(w, 16)) : []);
  const h = words(head), t = words(tail);
  const all = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap(be16);
}

/** An IPv6 packet carrying ICMPv6 echo request `id`/`seq` (checksum over the pseudo-header, as RFC 4443 says). */
export function icmpv6Echo(src: string, dst: string, id: number, seq: number): number[] {
  const m = [128, 0, 0, 0, ...be16(id), ...be16(seq), ...ascii('xdpscope')];
  const c = inetChecksum([...ip6(src), ...ip6(dst), ...be32(m.length), 0, 0, 0, 58, ...m]);
  m[2] = c >> 8; m[3] = c & 255;
  return [0x60, 0, 0, 0, ...be16(m.length), 58, 64, ...ip6(src), ...ip6(dst), ...m];
}

/** ICMP echo request (type 8), or reply with type 0. */
export function icmpEcho(src: string, dst: string, id: number, seq: number, type = 8): number[] {
  const m = [type, 0, 0, 0, ...be16(id), ...be16(seq), ...ascii('xdpscope')];
  const c = inetChecksum(m);
  m[2] = c >> 8; m[3] = c & 255;
  return ipv4(src, dst, 1, m);
}

/** SCTP common header and one INIT chunk (CRC32c left 0: the detectors do not care). */
export function sctpInit(src: string, dst: string, sport: number, dport: number): number[] {
  const init = [1, 0, ...be16(20), ...be32(0x1234), ...be32(65535), ...be16(10), ...be16(10), ...be32(1)];
  return ipv4(src, dst, 132, [...be16(sport), ...be16(dport), ...be32(0), ...be32(0), ...init]);
}

export function tlsClientHello(sni: string): number[] {
  const name = ascii(sni);
  const sniExt = [0, 0, ...be16(name.length + 5), ...be16(name.length + 3), 0, ...be16(name.length), ...name];
  const body = [3, 3, ...new Array(32).fill(7), 0, ...be16(2), 0x13, 0x01, 1, 0, ...be16(sniExt.length), ...sniExt];
  const hs = [1, 0, ...be16(body.length), ...body];
  return [0x16, 3, 1, ...be16(hs.length), ...hs];
}

export function httpRequest(host: string, path = '/', ua = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'): number[] {
  return ascii(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${ua}\r\nAccept: */*\r\n\r\n`);
}

export function httpResponse(status = 200, body = 'hello'): number[] {
  return ascii(`HTTP/1.1 ${status} OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
}

function dnsName(name: string): number[] {
  return [...name.split('.').flatMap((l) => [l.length, ...ascii(l)]), 0];
}

export function dnsQuery(id: number, name: string): number[] {
  return [...be16(id), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...dnsName(name), 0, 1, 0, 1];
}

export function dnsResponse(id: number, name: string, addrs: string[]): number[] {
  const answers = addrs.flatMap((a) => [0xc0, 0x0c, 0, 1, 0, 1, ...be32(300), 0, 4, ...ip4(a)]);
  return [...be16(id), 0x81, 0x80, 0, 1, ...be16(addrs.length), 0, 0, 0, 0, ...dnsName(name), 0, 1, 0, 1, ...answers];
}

export interface Frame { ts: number; bytes: number[] }

/** A capture under construction: frames in time order, numbered from 1 like Wireshark. */
export class Scenario {
  readonly frames: Frame[] = [];

  /** Adds an Ethernet/IPv4 frame; returns its frame number. */
  ip(ts: number, ipPacket: number[], srcMac = MAC_A, dstMac = MAC_B): number {
    this.frames.push({ ts, bytes: ethernet(0x0800, ipPacket, srcMac, dstMac) });
    return this.frames.length;
  }

  /** Adds an Ethernet/IPv6 frame; returns its frame number. */
  ip6(ts: number, ipPacket: number[], srcMac = MAC_A, dstMac = MAC_B): number {
    this.frames.push({ ts, bytes: ethernet(0x86dd, ipPacket, srcMac, dstMac) });
    return this.frames.length;
  }

  raw(ts: number, frame: number[]): number {
    this.frames.push({ ts, bytes: frame });
    return this.frames.length;
  }

  /**
   * A whole TCP connection: handshake, optional request/response, FIN close.
   * Returns the frame numbers of its packets by role.
   */
  connection(ts: number, c: string, s: string, sport: number, dport: number, o: { request?: number[]; response?: number[]; close?: boolean } = {}): { syn: number; frames: number[] } {
    let cs = 1000, ss = 5000;
    const frames: number[] = [];
    const t = (dt: number) => ts + dt;
    frames.push(this.ip(t(0), tcp(c, s, { sport, dport, flags: SYN, seq: cs++ })));
    frames.push(this.ip(t(0.001), tcp(s, c, { sport: dport, dport: sport, flags: SYN | ACK, seq: ss++, ack: cs }), MAC_B, MAC_A));
    frames.push(this.ip(t(0.002), tcp(c, s, { sport, dport, flags: ACK, seq: cs, ack: ss })));
    let dt = 0.003;
    if (o.request) {
      frames.push(this.ip(t(dt), tcp(c, s, { sport, dport, flags: PSH | ACK, seq: cs, ack: ss, payload: o.request })));
      cs += o.request.length; dt += 0.001;
    }
    if (o.response) {
      frames.push(this.ip(t(dt), tcp(s, c, { sport: dport, dport: sport, flags: PSH | ACK, seq: ss, ack: cs, payload: o.response }), MAC_B, MAC_A));
      ss += o.response.length; dt += 0.001;
    }
    if (o.close !== false) {
      frames.push(this.ip(t(dt), tcp(c, s, { sport, dport, flags: FIN | ACK, seq: cs, ack: ss })));
      frames.push(this.ip(t(dt + 0.001), tcp(s, c, { sport: dport, dport: sport, flags: FIN | ACK, seq: ss, ack: cs + 1 }), MAC_B, MAC_A));
      frames.push(this.ip(t(dt + 0.002), tcp(c, s, { sport, dport, flags: ACK, seq: cs + 1, ack: ss + 1 })));
    }
    return { syn: frames[0], frames };
  }

  /** Writes the capture with the real pcapng writer; frames are sorted by time first (stable). */
  write(path: string): void {
    const order = this.frames.map((f, i) => ({ f, i })).sort((a, b) => a.f.ts - b.f.ts || a.i - b.i);
    if (order.some((o, k) => o.i !== k)) throw new Error('scenario frames must be added in time order (frame numbers are returned at add time)');
    const w = PcapngWriter.open(path);
    const ifc = w.addInterface({ linkType: LinkType.ETHERNET, snaplen: 262144, name: 'craft0' });
    for (const { f } of order) {
      const ns = BigInt(Math.round(f.ts * 1e6)) * 1000n;
      w.writePacket(ifc, ns, Uint8Array.from(f.bytes), f.bytes.length);
    }
    w.close();
  }
}
