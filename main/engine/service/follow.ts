// Follow TCP / UDP stream with Wireshark's semantics (tshark 4.0
// `-z follow,tcp|udp,...` gives the same chunks, direction and bytes).
//
// TCP (Wireshark's follow_tcp_tap_listener + check_follow_fragments): per
// direction the next expected relative sequence number is kept; a segment at
// it is delivered (and then any buffered out-of-order segment that now fits),
// a segment ahead of it is buffered, the already-seen head of a segment that
// overlaps is cut off, a segment with nothing new is dropped. A SYN consumes
// one sequence number. When a packet acknowledges bytes past a hole in the
// other direction (the host saw segments the capture missed), a
// "[N bytes missing in capture file]" chunk stands in for the hole and the
// buffered data after it is delivered. Buffered segments nothing
// acknowledges are not shown, as in Wireshark.
//
// UDP (follow_tvb_tap_listener): every non-empty datagram of the
// conversation, in capture order, one chunk each.
import type { Dissection, RawPacket } from '../types';
import type { StreamFollow } from '../../api/types';
import { field, fieldValue } from './summarize';
import { Dissector } from '../dissect/index';
import type { TlsTap } from '../dissect/state';

type Segment = StreamFollow['segments'][number];

/** The TCP payload of a dissected packet (empty when none). */
export function tcpPayload(d: Dissection): Uint8Array {
  const p = field(d, 'tcp.payload');
  // the value, not the frame range: after IP reassembly the bytes are not all in this frame
  if (p && p.value instanceof Uint8Array) return p.value;
  if (p && p.len > 0) return d.packet.data.subarray(p.start, p.start + p.len);
  const tcp = field(d, 'tcp');
  const hdr = fieldValue(d, 'tcp.hdr_len');
  if (!tcp || typeof hdr !== 'number') return new Uint8Array(0);
  const start = tcp.start + hdr;
  // the tcp layer spans header + payload; tcp.len is the payload length when the dissector gives it
  const tl = fieldValue(d, 'tcp.len');
  const end = typeof tl === 'number' ? start + tl : tcp.start + tcp.len;
  if (end <= start || start >= d.packet.data.length) return new Uint8Array(0);
  return d.packet.data.subarray(start, Math.min(end, d.packet.data.length));
}

/** The UDP payload of a dissected packet (the captured part, up to udp.length). */
export function udpPayload(d: Dissection): Uint8Array {
  const udp = field(d, 'udp');
  const data = d.packet.data;
  if (!udp) return new Uint8Array(0);
  if (udp.len === 0) {
    // a datagram reassembled from IP fragments: its header is not in this
    // frame's bytes; udp.payload carries the reassembled payload
    const raw = fieldValue(d, 'udp.payload');
    return raw instanceof Uint8Array ? raw : new Uint8Array(0);
  }
  if (udp.start + 8 > data.length) return new Uint8Array(0);
  // the length field bounds the datagram (link-layer padding is not payload)
  const ulen = (data[udp.start + 4] << 8) | data[udp.start + 5];
  const end = ulen >= 8 ? Math.min(data.length, udp.start + ulen) : data.length;
  return end > udp.start + 8 ? data.subarray(udp.start + 8, end) : new Uint8Array(0);
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined);
const truthy = (v: unknown): boolean => v === true || (typeof v === 'number' && v !== 0) || (typeof v === 'bigint' && v !== 0n);

/** Sequence-space comparison (mod 2^32), as Wireshark's LT_SEQ/GT_SEQ. */
const cmpSeq = (a: number, b: number): number => (a - b) | 0;

function endpoint(d: Dissection, src: boolean, proto: 'tcp' | 'udp'): string {
  const port = fieldValue(d, `${proto}.${src ? 'srcport' : 'dstport'}`) ?? '?';
  const addr = src ? d.summary.source : d.summary.destination;
  // as Wireshark writes it: an IPv6 address in brackets before the port
  return `${addr.includes(':') ? `[${addr}]` : addr}:${String(port)}`;
}

interface Pending { seq: number; number: number; data: Uint8Array }

/** One direction's state: next expected sequence number, bytes delivered, buffered segments in arrival order. */
interface Side { seq: number; written: number; fragments: Pending[] }

class TcpFollower {
  readonly sides: [Side, Side] = [{ seq: 0, written: 0, fragments: [] }, { seq: 0, written: 0, fragments: [] }];
  readonly out: Segment[] = [];

  /** payload bytes delivered so far */
  bytes = 0;

  private emit(server: boolean, number: number, data: Uint8Array, missing?: number): void {
    this.bytes += data.length;
    const seg: Segment = { fromClient: !server, number, data };
    if (missing !== undefined) seg.missing = missing;
    this.out.push(seg);
  }

  /**
   * Deliver one buffered segment of this side that now fits (or, with an
   * ack past the lowest buffered one, a marker for the hole before it).
   * False when nothing more can be delivered.
   */
  private drainOne(server: boolean, acked: number, number: number, useAck: boolean): boolean {
    const side = this.sides[server ? 1 : 0];
    const frags = side.fragments;
    if (!frags.length) return false;
    let lowest = frags[0].seq;
    for (let k = 0; k < frags.length; k++) {
      const f = frags[k];
      if (cmpSeq(lowest, f.seq) > 0) lowest = f.seq;
      if (cmpSeq(f.seq, side.seq) < 0) {
        // starts before what was delivered: keep only its unseen tail, if any
        const end = (f.seq + f.data.length) >>> 0;
        if (cmpSeq(end, side.seq) > 0) {
          const skip = (side.seq - f.seq) >>> 0;
          if (f.data.length > skip) this.emit(server, f.number, f.data.subarray(skip));
          side.seq = (side.seq + f.data.length - skip) >>> 0;
        }
        frags.splice(k, 1);
        return true;
      }
      if (f.seq === side.seq) {
        if (f.data.length > 0) this.emit(server, f.number, f.data);
        side.seq = (side.seq + f.data.length) >>> 0;
        frags.splice(k, 1);
        return true;
      }
    }
    if (useAck && cmpSeq(acked, lowest) > 0) {
      const missing = (lowest - side.seq) | 0;
      this.emit(server, number, new Uint8Array(Buffer.from(`[${missing} bytes missing in capture file]\0`, 'latin1')), missing);
      side.seq = lowest;
      return true;
    }
    return false;
  }

  /** One TCP segment: relative seq/ack as tshark shows them (tcp.seq, tcp.ack). */
  add(server: boolean, number: number, seqIn: number, ack: number, syn: boolean, segLen: number, payload: Uint8Array): void {
    let seq = syn ? (seqIn + 1) >>> 0 : seqIn >>> 0;
    let length = segLen;
    let data = payload;
    const side = this.sides[server ? 1 : 0];
    // this packet may acknowledge data the capture missed in the other direction
    while (this.drainOne(!server, ack >>> 0, number, true)) { /* deliver what became acknowledged */ }
    if (side.written === 0 && side.seq === 0) side.seq = seq;
    if (cmpSeq(seq, side.seq) < 0) {
      const next = (seq + length) >>> 0;
      if (cmpSeq(next, side.seq) > 0) {
        // a retransmission carrying more than was seen: keep the new part
        const skip = (side.seq - seq) >>> 0;
        data = data.length <= skip ? data.subarray(0, 0) : data.subarray(skip);
        seq = side.seq;
        length = (next - side.seq) >>> 0;
      }
    }
    if (data.length === 0 || cmpSeq(seq, side.seq) < 0) return;
    if (seq === side.seq) {
      side.seq = (side.seq + length) >>> 0;
      side.written += data.length;
      this.emit(server, number, new Uint8Array(data));
      while (this.drainOne(server, 0, number, false)) { /* buffered segments that now fit */ }
    } else {
      side.fragments.push({ seq, number, data: new Uint8Array(data) });
    }
  }
}

/**
 * Payload bytes one follow returns at most: the view renders every chunk,
 * and the whole answer crosses the API in one message. Past it the answer
 * stops (in order) and says `truncated`.
 */
export const FOLLOW_MAX_BYTES = 16 << 20;

function finish(out: StreamFollow): StreamFollow {
  for (const s of out.segments) {
    if (s.missing !== undefined) continue;
    if (s.fromClient) out.clientBytes += s.data.length; else out.serverBytes += s.data.length;
  }
  return out;
}

/** Follow TCP stream over the dissections of one tcp.stream, in capture order. */
export function followTcp(ds: Iterable<Dissection>, filter: string, maxBytes = FOLLOW_MAX_BYTES): StreamFollow {
  const out: StreamFollow = { filter, protocol: 'tcp', client: '', server: '', segments: [], clientBytes: 0, serverBytes: 0 };
  const f = new TcpFollower();
  for (const d of ds) {
    if (f.bytes > maxBytes) { out.truncated = true; break; }
    const seq = num(fieldValue(d, 'tcp.seq'));
    const segLen = num(fieldValue(d, 'tcp.len'));
    if (seq === undefined || segLen === undefined) continue; // header cut short: tshark does not follow it either
    if (!out.client) { out.client = endpoint(d, true, 'tcp'); out.server = endpoint(d, false, 'tcp'); }
    const server = endpoint(d, true, 'tcp') !== out.client;
    f.add(server, d.packet.number, seq, num(fieldValue(d, 'tcp.ack')) ?? 0, truthy(fieldValue(d, 'tcp.flags.syn')), segLen, tcpPayload(d));
  }
  out.segments = f.out;
  return finish(out);
}

/** Follow UDP stream over the dissections of one udp.stream, in capture order. */
export function followUdp(ds: Iterable<Dissection>, filter: string, maxBytes = FOLLOW_MAX_BYTES): StreamFollow {
  const out: StreamFollow = { filter, protocol: 'udp', client: '', server: '', segments: [], clientBytes: 0, serverBytes: 0 };
  let bytes = 0;
  for (const d of ds) {
    if (bytes > maxBytes) { out.truncated = true; break; }
    if (!field(d, 'udp')) continue;
    if (!out.client) { out.client = endpoint(d, true, 'udp'); out.server = endpoint(d, false, 'udp'); }
    const fromClient = endpoint(d, true, 'udp') === out.client;
    const data = udpPayload(d);
    // an empty datagram adds no chunk (tshark prints none)
    if (data.length) out.segments.push({ fromClient, number: d.packet.number, data: new Uint8Array(data) });
    bytes += data.length;
  }
  return finish(out);
}

/**
 * Follow TLS stream (tshark's `-z follow,tls`): the decrypted application
 * data of one TCP stream, a chunk per record, as the TLS dissector taps it
 * while `ds` dissects the stream's packets in order with that tap.
 */
export function followTls(ds: (tap: TlsTap) => Iterable<Dissection>, filter: string, maxBytes = FOLLOW_MAX_BYTES): StreamFollow {
  const out: StreamFollow = { filter, protocol: 'tls', client: '', server: '', segments: [], clientBytes: 0, serverBytes: 0 };
  let bytes = 0;
  // Wireshark's first node is the sender of the first decrypted record (in TLS 1.3 the server's handshake)
  let first: boolean | null = null;
  const tap: TlsTap = (number, fromClient, data) => {
    first ??= fromClient;
    if (data.length === 0) return;
    if (bytes > maxBytes) { out.truncated = true; return; }
    out.segments.push({ fromClient: fromClient === first, number, data: new Uint8Array(data) });
    bytes += data.length;
  };
  let tcpClient = '', tcpServer = '';
  for (const d of ds(tap)) {
    if (!tcpClient && field(d, 'tcp')) { tcpClient = endpoint(d, true, 'tcp'); tcpServer = endpoint(d, false, 'tcp'); }
  }
  // the TCP client is the TLS client in practice
  [out.client, out.server] = first === false ? [tcpServer, tcpClient] : [tcpClient, tcpServer];
  return finish(out);
}

/** The stored packets, as the service keeps them. */
export interface IndexedPackets { readonly count: number; packet(i: number): RawPacket }

interface UdpNumbering { dissector: { dissect(p: RawPacket): Dissection }; done: number; ids: Int32Array }
const udpNumberings = new WeakMap<IndexedPackets, UdpNumbering>();

/**
 * udp.stream of every stored packet (-1 when none), numbered as the loading
 * pass numbered them (a fresh stateful dissector over the packets in order).
 * Kept per store and extended as packets arrive, so a second follow costs
 * nothing and a live capture only pays for its new packets.
 */
export function udpStreamIds(src: IndexedPackets): Int32Array {
  let n = udpNumberings.get(src);
  if (!n || n.done > src.count) {
    n = { dissector: new Dissector({ fields: ['udp.stream'], enrich: false, geoip: null, reuse: true }), done: 0, ids: new Int32Array(0) };
    udpNumberings.set(src, n);
  }
  if (n.done < src.count) {
    if (n.ids.length < src.count) {
      const grown = new Int32Array(Math.max(src.count, Math.ceil(n.ids.length * 1.5)));
      grown.set(n.ids.subarray(0, n.done));
      n.ids = grown;
    }
    for (let i = n.done; i < src.count; i++) {
      let id = -1;
      try { id = num(fieldValue(n.dissector.dissect(src.packet(i)), 'udp.stream')) ?? -1; } catch { /* undecodable: no stream */ }
      n.ids[i] = id;
    }
    n.done = src.count;
  }
  return n.ids.subarray(0, src.count);
}
