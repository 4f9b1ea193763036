// A run of the helper's packet records as they came through the pipe: the
// buffer they arrived in and the offset of each record's header in it
// (helper/PROTOCOL.md PACKETS, bpf/xdpscope.h struct xs_wire_rec). Nothing
// is allocated per record: `capture -w` copies records straight into EPBs
// (PcapngWriter.writeRecords) at a million packets a second, where a
// RawPacket, a view and a BigInt per packet cost more than the copy. The
// consumers that want objects (the service's live view) get RawPackets built
// from the same records on demand (packets()).
import type { ProcessInfo, RawPacket } from '../types';

/** struct xs_wire_rec: where each field of a record's header is */
export const REC = { HDR: 40, TS: 0, WIRE_LEN: 8, CAP_LEN: 12, DIRECTION: 24, XDP_ACTION: 28, PID: 32, ATTR: 36 } as const;
/** bpf/xdpscope.h XS_NO_ACTION: no foreign program decided anything */
export const NO_ACTION = 0xffffffff;

/** A little-endian u32, without Buffer's bounds checks (callers stay inside the buffer). */
export const u32At = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;

/** The bytes a queued record counts against the capture's high-water mark: its data and a fixed overhead. */
export const QUEUED_BYTES_PER_RECORD = 64;

export class RecordBatch {
  private built: RawPacket[] | null = null;
  private dv: DataView | null = null;

  constructor(
    /** the records' bytes: header at at[i], then its captured bytes */
    readonly buf: Buffer,
    /** offset of each record's header in buf (at least count entries) */
    readonly at: Uint32Array,
    readonly count: number,
    /** frame.number of the first record (numbers run on through the batch) */
    readonly firstNumber: number,
    readonly linkType: number,
    readonly interfaceId: number,
    /**
     * the process each record names, by record index, resolved when the
     * record arrived (a later PROC frame may describe a reused pid anew);
     * null when no record of the batch names one
     */
    readonly procs: ReadonlyArray<ProcessInfo | undefined> | null,
    /** captured bytes plus QUEUED_BYTES_PER_RECORD per record (the capture's backpressure) */
    readonly queuedBytes: number,
  ) {}

  /** buf as a DataView (the writers read header words through it) */
  get view(): DataView {
    return (this.dv ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length));
  }

  /** The record as a RawPacket; its data are a view into buf. */
  packet(i: number): RawPacket {
    const b = this.buf;
    const h = this.at[i];
    const capLen = u32At(b, h + REC.CAP_LEN);
    const start = h + REC.HDR;
    const p: RawPacket = {
      number: this.firstNumber + i,
      tsNs: b.readBigUInt64LE(h + REC.TS),
      capLen,
      origLen: u32At(b, h + REC.WIRE_LEN),
      linkType: this.linkType,
      interfaceId: this.interfaceId,
      data: b.subarray(start, start + capLen),
      // the direction as pcapng's epb_flags carry it (bits 0-1)
      flags: u32At(b, h + REC.DIRECTION) & 3,
    };
    const action = u32At(b, h + REC.XDP_ACTION);
    if (action !== NO_ACTION) p.xdpAction = action;
    // attr 0: attribution off, nothing to say
    const attr = u32At(b, h + REC.ATTR);
    if (attr !== 0) {
      p.procAttr = attr;
      const proc = this.procs?.[i];
      if (proc) p.proc = proc;
    }
    return p;
  }

  /** Every record as a RawPacket (built once, then the same array). */
  packets(): RawPacket[] {
    if (!this.built) {
      const out = new Array<RawPacket>(this.count);
      for (let i = 0; i < this.count; i++) out[i] = this.packet(i);
      this.built = out;
    }
    return this.built;
  }
}
