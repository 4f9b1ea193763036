// A crafted capture for the follow tests (addresses in 198.18.0.0/15):
// TCP streams with out-of-order, duplicate and partially overlapping
// segments, a lost segment the peer acknowledged and one it did not, data on
// SYN and FIN, a stream without handshake whose server sequence numbers wrap
// past 2^32; and one UDP conversation with an empty datagram. Frame numbers
// are fixed: the tests name frames (stream 1 = frames 1-13, stream 2 = 14-20,
// stream 3 = 21-26, stream 4 = 27-35, stream 5 = 36-39, stream 6 = 40-43,
// UDP = 44-47, a UDP datagram in IP fragments = 48-49).
import { PcapngWriter } from '../../../main/engine/pcapng/writer';
import { mulberry32 as rng } from '../../lib/rng';
import { finishChecksum, sum16 } from '../../lib/checksum';

const CLIENT = [198, 18, 0, 1], SERVER = [198, 18, 0, 2];
// stream 6: the server segment sent first (relative 200) ends past 2^32 - 1, the one captured first (210) starts after the wrap
const ISN_C = 0x10000000, ISN_S = 0xffffff30;
const SERVER_PORT = 80;
const SYN = 0x02, ACK = 0x10, FIN = 0x01, PSH = 0x08;


/** Ethernet + IPv4 + TCP/UDP frame with correct checksums. */
function frame(fromClient: boolean, proto: 6 | 17, sport: number, dport: number, l4: (b: Buffer, at: number) => number, payload: Uint8Array): Buffer {
  const l4len = (proto === 6 ? 20 : 8) + payload.length;
  const b = Buffer.alloc(14 + 20 + l4len);
  b.set([2, 0, 0, 0, 0, fromClient ? 2 : 1, 2, 0, 0, 0, 0, fromClient ? 1 : 2, 0x08, 0x00]);
  const ip = 14;
  b[ip] = 0x45; b.writeUInt16BE(20 + l4len, ip + 2); b[ip + 8] = 64; b[ip + 9] = proto;
  b.set(fromClient ? CLIENT : SERVER, ip + 12); b.set(fromClient ? SERVER : CLIENT, ip + 16);
  b.writeUInt16BE(finishChecksum(sum16(b, ip, ip + 20)), ip + 10);
  const t = ip + 20;
  b.writeUInt16BE(sport, t); b.writeUInt16BE(dport, t + 2);
  const ck = l4(b, t);
  b.set(payload, t + (proto === 6 ? 20 : 8));
  const pseudo = sum16(b, ip + 12, ip + 20) + proto + l4len;
  b.writeUInt16BE(finishChecksum(sum16(b, t, t + l4len, pseudo)) || (proto === 17 ? 0xffff : 0), ck);
  return b;
}

class Crafted {
  private readonly w: PcapngWriter;
  private readonly ifc: number;
  private ts = 1_700_000_000_000_000_000n;
  constructor(path: string) {
    this.w = PcapngWriter.open(path);
    this.ifc = this.w.addInterface({ linkType: 1, snaplen: 262144 });
  }
  private put(b: Buffer): void { this.ts += 1_000_000n; this.w.writePacket(this.ifc, this.ts, b, b.length); }
  /** A TCP segment; seq/ack relative to the sender's/receiver's ISN (the SYN is 0). */
  tcp(port: number, fromClient: boolean, flags: number, seq: number, ack: number, text = ''): void {
    const [sp, dp] = fromClient ? [port, SERVER_PORT] : [SERVER_PORT, port];
    const [isn, peer] = fromClient ? [ISN_C, ISN_S] : [ISN_S, ISN_C];
    this.put(frame(fromClient, 6, sp, dp, (b, t) => {
      b.writeUInt32BE((isn + seq) >>> 0, t + 4);
      b.writeUInt32BE(flags & ACK ? (peer + ack) >>> 0 : 0, t + 8);
      b[t + 12] = 5 << 4; b[t + 13] = flags; b.writeUInt16BE(65535, t + 14);
      return t + 16;
    }, Buffer.from(text, 'latin1')));
  }
  udp(fromClient: boolean, text: string): void {
    const [sp, dp] = fromClient ? [50000, 40500] : [40500, 50000];
    this.put(frame(fromClient, 17, sp, dp, (b, t) => { b.writeUInt16BE(8 + text.length, t + 4); return t + 6; }, Buffer.from(text, 'latin1')));
  }
  /** A UDP datagram (client → server, ports 50001 → 40600) sent as IPv4 fragments of `cut` bytes (a multiple of 8). */
  udpFragmented(text: string, cut: number, dport = 40600, id = 0x4242): void {
    const whole = frame(true, 17, 50001, dport, (b, t) => { b.writeUInt16BE(8 + text.length, t + 4); return t + 6; }, Buffer.from(text, 'latin1'));
    const l4 = whole.subarray(34);
    for (let at = 0; at < l4.length; at += cut) {
      const part = l4.subarray(at, at + cut);
      const b = Buffer.concat([whole.subarray(0, 34), part]);
      b.writeUInt16BE(20 + part.length, 16);
      b.writeUInt16BE(id, 18);
      b.writeUInt16BE((at + cut < l4.length ? 0x2000 : 0) | (at / 8), 20);
      b.writeUInt16BE(0, 24);
      b.writeUInt16BE(finishChecksum(sum16(b, 14, 34)), 24);
      this.put(b);
    }
  }
  handshake(port: number): void {
    this.tcp(port, true, SYN, 0, 0);
    this.tcp(port, false, SYN | ACK, 0, 1);
    this.tcp(port, true, ACK, 1, 1);
  }
  close(): void { this.w.close(); }
}

export function craft(path: string): void {
  const c = new Crafted(path);
  const C = true, S = false, PA = PSH | ACK;
  // 1: out of order, exact duplicate, partial overlaps in both directions
  c.handshake(40001);
  c.tcp(40001, C, PA, 1, 1, 'GET /a HTTP/1.1\r\n');      // 1..18
  c.tcp(40001, C, PA, 28, 1, 'BBBBBBBBBB');              // 28..38, ahead of a hole
  c.tcp(40001, C, PA, 18, 1, 'CCCCCCCCCC');              // 18..28 fills it
  c.tcp(40001, C, PA, 1, 1, 'GET /a HTTP/1.1\r\n');      // exact retransmission
  c.tcp(40001, C, PA, 33, 1, 'DDDDDDDDDD');              // 33..43: 5 bytes seen, 5 new
  c.tcp(40001, S, PA, 1, 43, 'HTTP/1.1 200 OK\r\n\r\n');
  c.tcp(40001, S, PA, 1, 43, 'HTTP/1.1 200 OK\r\n\r\nmore'); // retransmission with more data
  c.tcp(40001, C, FIN | ACK, 43, 24);
  c.tcp(40001, S, FIN | ACK, 24, 44);
  c.tcp(40001, C, ACK, 44, 25);
  // 2: a client segment the capture lost but the server acknowledged
  c.handshake(40002);
  c.tcp(40002, C, PA, 1, 1, 'aaaa');
  c.tcp(40002, C, PA, 9, 1, 'cccc');                     // 5..9 never captured
  c.tcp(40002, S, ACK, 1, 13);
  c.tcp(40002, S, PA, 1, 13, 'ok');
  // 3: a lost segment nobody acknowledges: what follows it stays unshown
  c.handshake(40003);
  c.tcp(40003, C, PA, 1, 1, 'aaaa');
  c.tcp(40003, C, PA, 9, 1, 'cccc');
  c.tcp(40003, S, PA, 1, 5, 'resp');
  // 4: buffered segments overlapping each other, delivered once the hole fills
  c.handshake(40004);
  c.tcp(40004, C, PA, 1, 1, '1111');                     // 1..5
  c.tcp(40004, C, PA, 9, 1, '33333333');                 // 9..17
  c.tcp(40004, C, PA, 13, 1, '4444444444');              // 13..23
  c.tcp(40004, S, PA, 1, 5, 'srv1');
  c.tcp(40004, C, PA, 5, 5, '2222');                     // 5..9
  c.tcp(40004, S, PA, 5, 23, 'srv2');
  // 5: data on the SYN and on the FIN
  c.tcp(40005, C, SYN, 0, 0, 'syn-data');
  c.tcp(40005, S, SYN | ACK, 0, 9);
  c.tcp(40005, C, FIN | PSH | ACK, 9, 1, 'bye');
  c.tcp(40005, S, FIN | PSH | ACK, 1, 13, 'later');
  // 6: no handshake captured, server data out of order
  c.tcp(40006, C, PA, 100, 200, 'mid-stream ');
  c.tcp(40006, S, PA, 210, 111, 'second');
  c.tcp(40006, S, PA, 200, 111, 'first12345');
  c.tcp(40006, C, PA, 111, 216, 'next');
  // UDP both ways, an empty datagram included
  c.udp(C, 'ping'); c.udp(S, 'pong'); c.udp(C, ''); c.udp(S, 'x');
  // a datagram in two IP fragments (frames 48-49), a conversation of its own
  c.udpFragmented('0123456789abcdefghijklmnopqrstuvwxyz', 24);
  // the same to port 53: the reassembled datagram is decoded (as DNS), and follow still shows its bytes
  const query = Buffer.concat([Buffer.from('abcd01000001000000000000', 'hex'), Buffer.from('\x07example\x03com\x00', 'latin1'), Buffer.from('00010001', 'hex')]);
  c.udpFragmented(query.toString('latin1'), 16, 53, 0x4343);
  c.close();
}


/**
 * `count` TCP streams (client ports 41000 + k), each both ways: data cut into
 * random segments, some lost, some sent twice, some resent starting earlier
 * (partial overlap), sent slightly out of order, with acknowledgements of
 * what the sender really sent (lost segments included) now and then; a
 * handshake or not, FINs or not.
 */
export function craftRandom(path: string, seed: number, count: number): void {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const c = new Crafted(path);
  for (let k = 0; k < count; k++) {
    const port = 41000 + k;
    if (r() < 0.8) c.handshake(port);
    const text = [0, 1].map(() => Array.from({ length: int(0, 120) }, () => String.fromCharCode(97 + int(0, 25))).join(''));
    type Ev = { fromClient: boolean; seq: number; data: string } | { fromClient: boolean; ackOnly: true };
    const evs: Ev[] = [];
    for (const side of [0, 1]) {
      const t = text[side];
      const fromClient = side === 0;
      for (let at = 0; at < t.length;) {
        const len = Math.min(t.length - at, int(1, 30));
        if (r() >= 0.1) evs.push({ fromClient, seq: 1 + at, data: t.slice(at, at + len) });
        if (r() < 0.2) evs.push({ fromClient, seq: 1 + at, data: t.slice(at, at + len) });
        if (r() < 0.15 && at > 0) {
          const back = int(1, at);
          evs.push({ fromClient, seq: 1 + at - back, data: t.slice(at - back, at + len) });
        }
        if (r() < 0.1) evs.push({ fromClient: !fromClient, ackOnly: true });
        at += len;
      }
    }
    // interleave the two directions, then disorder neighbours
    evs.sort(() => r() - 0.5);
    for (let i = 0; i + 1 < evs.length; i++) if (r() < 0.3) { const j = Math.min(evs.length - 1, i + int(1, 3)); [evs[i], evs[j]] = [evs[j], evs[i]]; }
    // what each side has sent so far (lost segments too): what its peer acknowledges
    const sent = [1, 1];
    for (const e of evs) {
      const me = e.fromClient ? 0 : 1;
      if ('ackOnly' in e) { c.tcp(port, e.fromClient, ACK, sent[me], sent[1 - me]); continue; }
      sent[me] = Math.max(sent[me], e.seq + e.data.length);
      c.tcp(port, e.fromClient, PSH | ACK, e.seq, r() < 0.7 ? sent[1 - me] : 1, e.data);
    }
    if (r() < 0.7) {
      c.tcp(port, true, FIN | ACK, 1 + text[0].length, sent[1]);
      c.tcp(port, false, FIN | ACK, 1 + text[1].length, 2 + text[0].length);
    }
  }
  c.close();
}
