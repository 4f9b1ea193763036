// Packets in bulk across a thread boundary: their bytes back to back in one
// buffer, their record fields in typed arrays (protocol.ts's PacketBatch).
// One packer and one unpacker for every pool that ships packets to
// decoding threads (the parallel read, the service's parallel open), so a
// record field added to RawPacket travels everywhere or nowhere.
import type { RawPacket } from '../types';
import * as P from './protocol';
import type { PacketBatch } from './protocol';
import type { PacketExtras } from '../types';

// as locals: imported constants are property reads on the module object in the per-packet loops
const { META, TIMES, F_NO_TS, F_NO_PREV, M_NUMBER, M_CAPLEN, M_ORIGLEN, M_LINKTYPE, M_IFACE, M_DATA, M_FILEOFF, M_TSSEC, M_TSFRAC, M_TSUNIT, M_FLAGS, M_XDP } = P;

/** A batch being built for one decoding thread. */
export class BatchBuilder {
  n = 0;
  bytes = 0;
  meta: Float64Array;
  times: BigInt64Array;
  flags: Uint8Array;
  data: Uint8Array;
  comments: Array<[number, string[]]> | null = null;
  /** the process a live record was attributed to (rare beside the typed columns: kept per packet that has it) */
  extras: Array<[number, PacketExtras]> | null = null;
  constructor(packets: number, bytes: number) {
    this.meta = new Float64Array(packets * META);
    this.times = new BigInt64Array(packets * TIMES);
    this.flags = new Uint8Array(packets);
    this.data = new Uint8Array(bytes);
  }

  /** prev: the previous timed packet's arrival (any thread's), for frame.time_delta */
  add(p: RawPacket, prev: bigint | null): void {
    const i = this.n++, m = i * META;
    const meta = this.meta;
    meta[m + M_NUMBER] = p.number; meta[m + M_CAPLEN] = p.data.length; meta[m + M_ORIGLEN] = p.origLen;
    meta[m + M_LINKTYPE] = p.linkType; meta[m + M_IFACE] = p.interfaceId; meta[m + M_DATA] = this.bytes;
    meta[m + M_FILEOFF] = p.fileOffset ?? NaN;
    if (p.tsSec !== undefined) { meta[m + M_TSSEC] = p.tsSec; meta[m + M_TSFRAC] = p.tsFrac ?? NaN; meta[m + M_TSUNIT] = p.tsUnitNs ?? NaN; }
    else meta[m + M_TSSEC] = NaN;
    meta[m + M_FLAGS] = p.flags ?? NaN;
    meta[m + M_XDP] = p.xdpAction ?? NaN;
    let fl = 0;
    if (p.tsNs === null) fl |= F_NO_TS; else this.times[i * TIMES] = p.tsNs;
    if (prev === null) fl |= F_NO_PREV; else this.times[i * TIMES + 1] = prev;
    this.flags[i] = fl;
    this.data.set(p.data, this.bytes);
    this.bytes += p.data.length;
    if (p.comments) (this.comments ??= []).push([i, p.comments]);
    if (p.procAttr !== undefined || p.proc !== undefined) {
      const x: PacketExtras = {};
      if (p.procAttr !== undefined) x.procAttr = p.procAttr;
      if (p.proc !== undefined) x.proc = p.proc;
      (this.extras ??= []).push([i, x]);
    }
  }

  /** units: the pcapng interfaces' ticks so far (PacketBatch.units), undefined for a classic pcap */
  batch(first: bigint | null, units?: Array<number | null>): PacketBatch {
    const b: PacketBatch = { t: 'packets', n: this.n, meta: this.meta, times: this.times, flags: this.flags, data: this.data, first, comments: this.comments, extras: this.extras };
    if (units !== undefined) b.units = units;
    return b;
  }
}

/** The buffers a batch hands over (transferred, not copied). */
export function transferList(b: PacketBatch): ArrayBuffer[] {
  return [b.meta.buffer as ArrayBuffer, b.times.buffer as ArrayBuffer, b.flags.buffer as ArrayBuffer, b.data.buffer as ArrayBuffer];
}

/**
 * Packet i of a batch as a RawPacket (data a view into the batch), and the
 * previous timed packet's arrival in `prevOut[0]` (undefined: none).
 * comment, extra: the batch's comments and extras entries for i, when it has them.
 */
export function unpack(b: PacketBatch, i: number, comment: string[] | undefined, extra?: PacketExtras): RawPacket {
  const { meta, times, flags, data } = b;
  const m = i * META, fl = flags[i];
  // `| 0`: small integers, as the file reader makes them (doubles would slow every later use)
  const at = meta[m + M_DATA] | 0, capLen = meta[m + M_CAPLEN] | 0;
  const number = meta[m + M_NUMBER];
  const p: RawPacket = {
    number: number <= 0x3fffffff ? number | 0 : number, tsNs: fl & F_NO_TS ? null : times[i * TIMES], capLen,
    origLen: meta[m + M_ORIGLEN], linkType: meta[m + M_LINKTYPE] | 0, interfaceId: meta[m + M_IFACE] | 0,
    data: data.subarray(at, at + capLen),
  };
  const fileOffset = meta[m + M_FILEOFF];
  if (fileOffset === fileOffset) p.fileOffset = fileOffset;
  const tsSec = meta[m + M_TSSEC];
  if (tsSec === tsSec) { p.tsSec = tsSec; p.tsFrac = meta[m + M_TSFRAC]; p.tsUnitNs = meta[m + M_TSUNIT]; }
  const pf = meta[m + M_FLAGS];
  if (pf === pf) p.flags = pf;
  const xa = meta[m + M_XDP];
  if (xa === xa) p.xdpAction = xa;
  if (comment !== undefined) p.comments = comment;
  if (extra !== undefined) Object.assign(p, extra);
  return p;
}

/** The previous timed packet's arrival sent with packet i, null when none. */
export function prevOf(b: PacketBatch, i: number): bigint | null {
  return b.flags[i] & F_NO_PREV ? null : b.times[i * TIMES + 1];
}
