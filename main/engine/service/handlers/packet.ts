// One packet: its decoded tree (details pane), the TCP/UDP stream it
// belongs to (Follow Stream), and its comments.
import type { Dissection } from '../../types';
import type { DetailNode, PacketDetails, StreamFollow } from '../../../api/index';
import { ApiError } from '../../../api/index';
import type { EngineService } from '../service';
import { brokenDissection, errMessage, type OpenCapture } from '../open-capture';
import { detailsOf } from '../details';
import { followHttp2, followTcp, followTls, followUdp, udpStreamIds } from '../follow';
import type { Handlers } from './types';

export function packetHandlers(svc: EngineService): Handlers<'packet'> {
  /** comments changed: the filter index's frame.comment values are stale, and the status says unsaved */
  const changed = (cap: OpenCapture, number: number) => {
    cap.commentsSinceIndex = true;
    svc.pushStatus(true);
    return { number, comments: cap.comments.get(number) };
  };
  const edit = (fn: () => void) => {
    try { fn(); } catch (e) { throw new ApiError(errMessage(e), 'request'); }
  };
  return {
    getDetails: async (p) => details(svc.cap, p.number),
    followStream: async (p) => follow(svc.cap, p.number, p.protocol, p.streamId),
    addComment: async (p) => {
      const cap = svc.cap;
      cap.indexOrThrow(p.number);
      cap.comments.add(p.number, p.text);
      return changed(cap, p.number);
    },
    editComment: async (p) => {
      const cap = svc.cap;
      cap.indexOrThrow(p.number);
      edit(() => cap.comments.edit(p.number, p.index, p.text));
      return changed(cap, p.number);
    },
    deleteComment: async (p) => {
      const cap = svc.cap;
      cap.indexOrThrow(p.number);
      edit(() => cap.comments.delete(p.number, p.index));
      return changed(cap, p.number);
    },
  };
}

/** QUIC packets replayed before one shown in details: its connection's keys and packet numbers come from all of them */
const MAX_QUIC_REPLAY = 50_000;

/**
 * Re-dissect a packet for the detail pane. A fresh dissector sees the
 * packet's TCP stream up to it first, so reassembly and stream state
 * match what the list saw; a QUIC packet, its UDP conversation from the
 * start (the Initial's ClientHello names the key log's secrets, and each
 * packet number is decoded against the ones before it).
 */
export function redissect(cap: OpenCapture, i: number): Dissection {
  const s = cap.store;
  const stream = s.stream.get(i);
  const seq: number[] = [];
  if (stream >= 0) {
    for (let j = i; j >= 0 && seq.length < 2000; j--) if (s.stream.get(j) === stream) seq.push(j);
    seq.reverse();
  } else if (isQuic(cap, i)) {
    const ids = udpStreamIds(s);
    const u = ids[i];
    for (let j = i; j >= 0 && seq.length < MAX_QUIC_REPLAY; j--) if (j === i || (u >= 0 && ids[j] === u)) seq.push(j);
    seq.reverse();
  } else seq.push(i);
  const dissector = cap.newDissector();
  let d: Dissection | null = null;
  for (const j of seq) {
    const pkt = cap.packetAt(j);
    try { d = dissector.dissect(pkt); } catch (e) { d = brokenDissection(pkt, e); }
  }
  return d!;
}

function isQuic(cap: OpenCapture, i: number): boolean {
  const p = cap.store.strings.get(cap.store.protocol.arr[i]);
  return p === 'QUIC' || p === 'HTTP3';
}

function details(cap: OpenCapture, number: number): PacketDetails {
  const i = cap.indexOrThrow(number);
  const d = redissect(cap, i);
  const stream = cap.store.stream.get(i);
  const out = detailsOf(d, stream >= 0 ? `tcp.stream eq ${stream}` : undefined);
  const comments = cap.comments.get(number);
  if (comments.length) {
    // Wireshark shows comments as their own top section, not inside Frame.
    out.comments = comments;
    const strip = (n: DetailNode): DetailNode => (n.children ? { ...n, children: n.children.filter((c) => c.name !== 'frame.comment') } : n);
    const section: DetailNode = {
      name: 'frame.comment', label: 'Packet comments', start: 0, len: 0,
      children: comments.map((c) => ({ name: 'frame.comment', label: c, value: JSON.stringify(c), start: 0, len: 0 })),
    };
    out.tree = [section, ...out.tree.map(strip)];
  }
  return out;
}

function follow(cap: OpenCapture, number: number, protocol: 'tcp' | 'udp' | 'tls' | 'http2' = 'tcp', streamId?: number): StreamFollow {
  const i = cap.indexOrThrow(number);
  const s = cap.store;
  if (protocol === 'http2') {
    const stream = s.stream.get(i);
    if (stream < 0) throw new ApiError(`packet ${number} is not part of a TCP stream`, 'request');
    const ds = [...followDissections(cap, (j) => s.stream.get(j) === stream)];
    let id = streamId;
    if (id === undefined) {
      const mine = ds.find((d) => d.packet.number === number);
      const v = mine?.fields.find((f) => f.name === 'http2.streamid' && typeof f.value === 'number' && f.value > 0)?.value;
      if (typeof v !== 'number') throw new ApiError(`packet ${number} carries no HTTP/2 stream`, 'request');
      id = v;
    }
    return followHttp2(ds, `tcp.stream eq ${stream} and http2.streamid eq ${id}`, id);
  }
  if (protocol === 'udp') {
    // the store keeps no udp.stream: the UDP conversations are numbered once (cached per store)
    const ids = udpStreamIds(s);
    const stream = ids[i];
    if (stream < 0) throw new ApiError(`packet ${s.number.get(i)} is not part of a UDP stream`, 'request');
    return followUdp(followDissections(cap, (j) => ids[j] === stream), `udp.stream eq ${stream}`);
  }
  const stream = s.stream.get(i);
  if (stream < 0) throw new ApiError(`packet ${number} is not part of a TCP stream`, 'request');
  if (protocol === 'tls') return followTls((tap) => followDissections(cap, (j) => s.stream.get(j) === stream, cap.newDissector({ onTlsPlaintext: tap })), `tcp.stream eq ${stream}`);
  return followTcp(followDissections(cap, (j) => s.stream.get(j) === stream), `tcp.stream eq ${stream}`);
}

/**
 * Dissections of one stream's packets, in order (generated: the follow
 * keeps only payload), by a fresh dissector that also sees the IP
 * fragments (rows shown as IPv4/IPv6) so reassembled segments and
 * datagrams come out whole.
 */
function* followDissections(cap: OpenCapture, member: (j: number) => boolean, dissector = cap.newDissector()): Generator<Dissection> {
  const s = cap.store;
  for (let j = 0; j < s.count; j++) {
    const isMember = member(j);
    if (!isMember) {
      const proto = s.strings.get(s.protocol.arr[j]);
      if (proto !== 'IPv4' && proto !== 'IPv6') continue;
    }
    let d: Dissection;
    try { d = dissector.dissect(s.packet(j)); } catch { continue; /* skip what cannot be decoded */ }
    if (isMember) yield d;
  }
}
