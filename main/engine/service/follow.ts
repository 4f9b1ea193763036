// Follow TCP stream: the payload bytes of one conversation, in capture
// order, each segment tagged with its direction; retransmitted segments
// (same direction, sequence number and length) are shown once.
import type { Dissection } from '../types';
import type { StreamFollow } from '../../api/types';
import { field, fieldValue } from './summarize';

/** The TCP payload of a dissected packet (empty when none). */
export function tcpPayload(d: Dissection): Uint8Array {
  const p = field(d, 'tcp.payload');
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

export function followTcp(ds: Dissection[], filter: string): StreamFollow {
  const out: StreamFollow = { filter, client: '', server: '', segments: [], clientBytes: 0, serverBytes: 0 };
  if (!ds.length) return out;
  const endpoint = (d: Dissection, src: boolean) =>
    `${src ? d.summary.source : d.summary.destination}:${fieldValue(d, src ? 'tcp.srcport' : 'tcp.dstport') ?? '?'}`;
  out.client = endpoint(ds[0], true);
  out.server = endpoint(ds[0], false);
  const seen = new Set<string>();
  for (const d of ds) {
    const data = tcpPayload(d);
    if (!data.length) continue;
    const fromClient = endpoint(d, true) === out.client;
    const seq = fieldValue(d, 'tcp.seq_raw') ?? fieldValue(d, 'tcp.seq');
    const key = `${fromClient ? 'c' : 's'}${String(seq)}/${data.length}`;
    if (seq !== undefined && seen.has(key)) continue;
    seen.add(key);
    out.segments.push({ fromClient, number: d.packet.number, data: new Uint8Array(data) });
    if (fromClient) out.clientBytes += data.length; else out.serverBytes += data.length;
  }
  return out;
}
