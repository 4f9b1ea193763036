// pcapng writer (one little-endian section), for saved and live captures.
//
//   const w = PcapngWriter.open('/tmp/x.pcapng', { comments: ['lab run 3'] });
//   const eth0 = w.addInterface({ linkType: LinkType.ETHERNET, snaplen: 262144, name: 'eth0' });
//   w.writePacket(eth0, tsNs, bytes, origLen, ['suspicious']);
//   w.writeRecords(eth0, recordBatch);  // a live capture's records as they came from the helper
//   w.writeInterfaceStats(eth0, { tsNs, received: 10, dropped: 0 });
//   w.writeCustomBlock(MY_PEN, payload, true);
//   w.flush();            // at least once a second during live capture
//   w.close();
//
// Blocks are assembled in memory and handed to the sink whole, either when
// the buffer passes `bufferBytes` or on flush(); so after flush() returns the
// file is valid up to its last complete block (crash-safe for live capture;
// flush({ fsync: true }) also makes it durable). The SHB carries
// shb_userappl "xdpscope" and a section length of -1 (unknown), IDBs carry
// if_tsresol (9, ns, by default), so tshark, Wireshark and capinfos read the
// file without a warning. `new PcapngWriter(sink)` writes to any ByteSink
// (MemorySink for in-memory files).
import { BufferedRecordWriter, FileSink, type ByteSink } from '../file/sink';
import { BLOCK, BYTE_ORDER_MAGIC, MAX_PACKET_LEN, OPT, OPT_CUSTOM_BINARY, PKT_OPT, XDPSCOPE_PEN } from './format';
import type { PacketExtras, ProcessInfo } from '../types';
import { procComment } from '../dissect/proc';
import { NO_ACTION, REC, type RecordBatch } from '../capture/records';

export interface PcapngWriterOptions {
  /** SHB opt_comment values */
  comments?: string[];
  /** shb_hardware / shb_os; shb_userappl defaults to "xdpscope" */
  hardware?: string;
  os?: string;
  userAppl?: string;
  /** SHB custom options (codes 2988/2989/19372/19373), each value = PEN + data, data at most 65531 bytes */
  customOptions?: Array<{ code: number; pen: number; data: Uint8Array }>;
  /** hand blocks to the sink once this many bytes are buffered (default 1 MiB) */
  bufferBytes?: number;
}

export interface InterfaceOptions {
  linkType: number;
  snaplen: number;
  name?: string;
  description?: string;
  /** nanoseconds per timestamp tick: 1 (ns, default), 1000 (µs), any power of 10 up to 1e9 */
  tsUnitNs?: number;
  os?: string;
  filter?: string;
  comments?: string[];
}

export interface InterfaceStatsOptions {
  /** when the statistics were taken */
  tsNs: bigint;
  startNs?: bigint;
  endNs?: bigint;
  received?: number | bigint;
  dropped?: number | bigint;
  filterAccepted?: number | bigint;
  osDropped?: number | bigint;
  userDelivered?: number | bigint;
  comment?: string;
}

export type { PacketExtras };

const procLine = new WeakMap<ProcessInfo, string>();
function commentOf(p: ProcessInfo): string {
  let l = procLine.get(p);
  if (l === undefined) procLine.set(p, (l = procComment(p)));
  return l;
}

/** Serialized process descriptions, by object: packets of one process share it (bounded by the capture's processes). */
const procJson = new WeakMap<ProcessInfo, Buffer>();
function jsonOf(p: ProcessInfo): Buffer {
  let b = procJson.get(p);
  if (!b) {
    b = Buffer.from(JSON.stringify({ pid: p.pid, name: p.name, exepath: p.exepath, argv: p.argv, uid: p.uid, gid: p.gid, user: p.user, container: p.container, cgroup: p.cgroup }), 'utf8');
    // an option holds at most 65535 bytes: PEN, type, attr and the JSON
    if (b.length > 65000) b = Buffer.from(JSON.stringify({ pid: p.pid, name: p.name, exepath: p.exepath.slice(0, 4096), argv: [], uid: p.uid, gid: p.gid, user: p.user, container: p.container, cgroup: p.cgroup.slice(0, 4096) }), 'utf8');
    procJson.set(p, b);
  }
  return b;
}

interface WriterInterface {
  linkType: number;
  snaplen: number;
  unit: bigint;
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const TICKS64 = new BigUint64Array(1);
const TICKS32 = new Uint32Array(TICKS64.buffer);
/** which Uint32 of TICKS64 holds the high and low halves (the platform's byte order) */
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE ? 1 : 0, LO = LITTLE ? 0 : 1;
const putU32 = (b: Uint8Array, at: number, v: number): number => {
  b[at] = v;
  b[at + 1] = v >>> 8;
  b[at + 2] = v >>> 16;
  b[at + 3] = v >>> 24;
  return at + 4;
};

/** frames up to this many bytes are copied by words in JS; longer ones by Buffer.copy */
const SMALL_COPY = 128;

export class PcapngWriter extends BufferedRecordWriter {
  private readonly ifaces: WriterInterface[] = [];

  static open(path: string, opts: PcapngWriterOptions = {}): PcapngWriter {
    return new PcapngWriter(new FileSink(path), opts);
  }

  constructor(sink: ByteSink, opts: PcapngWriterOptions = {}) {
    super(sink, opts.bufferBytes, 'pcapng writer');
    const b = this.begin(BLOCK.SHB);
    const o = this.out;
    o.u32(BYTE_ORDER_MAGIC);
    o.u16(1);
    o.u16(0);
    o.u64(-1n); // section length unknown: we stream
    for (const c of opts.comments ?? []) this.optString(OPT.COMMENT, c);
    if (opts.hardware) this.optString(OPT.SHB_HARDWARE, opts.hardware);
    if (opts.os) this.optString(OPT.SHB_OS, opts.os);
    this.optString(OPT.SHB_USERAPPL, opts.userAppl ?? 'xdpscope');
    for (const c of opts.customOptions ?? []) {
      if (c.data.length > 0xffff - 4) throw new RangeError(`pcapng writer: custom option ${c.code} is longer than 65531 bytes`);
      this.optHeader(c.code, 4 + c.data.length);
      o.u32(c.pen);
      o.bytes(c.data);
      o.pad4();
    }
    this.endOptions();
    this.end(b);
  }

  /** Writes an IDB; returns the interface id to pass to writePacket. */
  addInterface(opts: InterfaceOptions): number {
    this.live();
    const unitNs = opts.tsUnitNs ?? 1;
    const exp = Math.round(Math.log10(unitNs));
    if (!(exp >= 0 && exp <= 9 && 10 ** exp === unitNs)) {
      throw new RangeError(`pcapng writer: tsUnitNs ${unitNs} is not a power of 10 between 1 and 1e9`);
    }
    const b = this.begin(BLOCK.IDB);
    const o = this.out;
    o.u16(opts.linkType);
    o.u16(0);
    o.u32(opts.snaplen);
    if (opts.name !== undefined) this.optString(OPT.IF_NAME, opts.name);
    if (opts.description !== undefined) this.optString(OPT.IF_DESCRIPTION, opts.description);
    this.optHeader(OPT.IF_TSRESOL, 1);
    o.u8(9 - exp);
    o.pad4();
    if (opts.filter !== undefined) {
      const f = utf8(opts.filter);
      this.optHeader(OPT.IF_FILTER, f.length + 1);
      o.u8(0); // libpcap filter string
      o.bytes(f);
      o.pad4();
    }
    if (opts.os !== undefined) this.optString(OPT.IF_OS, opts.os);
    for (const c of opts.comments ?? []) this.optString(OPT.COMMENT, c);
    this.endOptions();
    this.end(b);
    this.ifaces.push({ linkType: opts.linkType, snaplen: opts.snaplen, unit: BigInt(unitNs) });
    return this.ifaces.length - 1;
  }

  /**
   * Writes an EPB. data are the captured bytes (at most 262144), origLen the
   * length on the wire (>= data.length).
   */
  writePacket(ifaceId: number, tsNs: bigint, data: Uint8Array, origLen: number, comments?: string[], extras?: PacketExtras): void {
    const iface = this.iface(ifaceId);
    if (data.length > MAX_PACKET_LEN) {
      throw new RangeError(`pcapng writer: packet of ${data.length} bytes is bigger than the maximum ${MAX_PACKET_LEN}`);
    }
    const o = this.out;
    const ticks = iface.unit === 1n ? tsNs : tsNs / iface.unit;
    const flags = extras?.flags;
    const procAttr = extras?.procAttr;
    if (!comments?.length && extras?.xdpAction === undefined && extras?.proc === undefined) {
      // Hot path (live capture): one bounds check, direct stores; epb_flags
      // (12 bytes with the end of options) when the packet has them, and a
      // packet's "no process" byte (12 more) under our PEN.
      const len = data.length;
      const opts = (flags !== undefined ? 8 : 0) + (procAttr !== undefined ? 12 : 0);
      const total = 32 + ((len + 3) & ~3) + (opts ? opts + 4 : 0);
      o.ensure(total);
      const buf = o.buf;
      let at = o.len;
      // the halves through a typed array: no BigInt is allocated per packet (capture at 1 Mpps)
      TICKS64[0] = ticks;
      const hi = TICKS32[HI], lo = TICKS32[LO];
      at = putU32(buf, at, BLOCK.EPB);
      at = putU32(buf, at, total);
      at = putU32(buf, at, ifaceId);
      at = putU32(buf, at, hi);
      at = putU32(buf, at, lo);
      at = putU32(buf, at, len);
      at = putU32(buf, at, Math.max(origLen, len));
      buf.set(data, at);
      at += len;
      while (at & 3) buf[at++] = 0;
      if (flags !== undefined) {
        at = putU32(buf, at, OPT.EPB_FLAGS | (4 << 16));
        at = putU32(buf, at, flags);
      }
      if (procAttr !== undefined) {
        at = putU32(buf, at, OPT_CUSTOM_BINARY | (6 << 16));
        at = putU32(buf, at, XDPSCOPE_PEN);
        buf[at] = PKT_OPT.PROC; buf[at + 1] = procAttr; buf[at + 2] = 0; buf[at + 3] = 0;
        at += 4;
      }
      if (opts) at = putU32(buf, at, 0);
      putU32(buf, at, total);
      o.len = at + 4;
      this.packetsWritten++;
      if (o.len >= this.bufferBytes) this.flush();
      return;
    }
    const b = this.begin(BLOCK.EPB);
    o.u32(ifaceId);
    o.u32(Number(ticks >> 32n));
    o.u32(Number(ticks & 0xffffffffn));
    o.u32(data.length);
    o.u32(Math.max(origLen, data.length));
    o.bytes(data);
    o.pad4();
    for (const c of comments ?? []) this.optString(OPT.COMMENT, c);
    // Wireshark shows comments: the process in words, once (a reopened file already has it)
    const proc = extras?.proc;
    if (proc) {
      const line = commentOf(proc);
      if (!comments?.includes(line)) this.optString(OPT.COMMENT, line);
    }
    if (flags !== undefined) { this.optHeader(OPT.EPB_FLAGS, 4); o.u32(flags); }
    if (extras?.xdpAction !== undefined) {
      this.optHeader(OPT_CUSTOM_BINARY, 6);
      o.u32(XDPSCOPE_PEN);
      o.u8(PKT_OPT.XDP_ACTION);
      o.u8(extras.xdpAction);
      o.pad4();
    }
    if (extras?.procAttr !== undefined) {
      const json = proc ? jsonOf(proc) : null;
      this.optHeader(OPT_CUSTOM_BINARY, 6 + (json ? json.length : 0));
      o.u32(XDPSCOPE_PEN);
      o.u8(PKT_OPT.PROC);
      o.u8(extras.procAttr);
      if (json) o.bytes(json);
      o.pad4();
    }
    this.endOptions();
    this.end(b);
    this.packetsWritten++;
  }

  /**
   * Writes records [from, to) of a capture batch as EPBs, the bytes
   * writePacket would write for each record's RawPacket, without building
   * one: header fields and timestamp halves are copied from the record,
   * then its data. Stops early, after the record that brings the file to
   * `untilBytes` (bytesWritten + pendingBytes); returns the index after the
   * last record written.
   */
  writeRecords(ifaceId: number, r: RecordBatch, from = 0, to = r.count, untilBytes = Infinity): number {
    const iface = this.iface(ifaceId);
    const src = r.buf, sv = r.view, at = r.at, procs = r.procs;
    const o = this.out;
    const ns = iface.unit === 1n;
    // DataViews: unaligned little-endian words in one inlined access each
    let buf = o.buf;
    let dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
    for (let i = from; i < to; i++) {
      const h = at[i];
      const len = sv.getUint32(h + REC.CAP_LEN, true);
      if (!ns || len > MAX_PACKET_LEN || sv.getUint32(h + REC.XDP_ACTION, true) !== NO_ACTION || procs?.[i] !== undefined) {
        // options beyond epb_flags and the "no process" byte, another time unit, or an error: the general path
        const p = r.packet(i);
        this.writePacket(ifaceId, p.tsNs!, p.data, p.origLen, undefined, p);
      } else {
        // writePacket's hot path, with the record's fields in place of the packet's
        const attr = sv.getUint32(h + REC.ATTR, true);
        const total = 32 + ((len + 3) & ~3) + (attr !== 0 ? 24 : 12);
        o.ensure(total);
        if (o.buf !== buf) {
          buf = o.buf;
          dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
        }
        let w = o.len;
        dv.setUint32(w, BLOCK.EPB, true);
        dv.setUint32(w + 4, total, true);
        dv.setUint32(w + 8, ifaceId, true);
        // the u64 timestamp's high half first
        dv.setUint32(w + 12, sv.getUint32(h + REC.TS + 4, true), true);
        dv.setUint32(w + 16, sv.getUint32(h + REC.TS, true), true);
        dv.setUint32(w + 20, len, true);
        dv.setUint32(w + 24, Math.max(sv.getUint32(h + REC.WIRE_LEN, true), len), true);
        w += 28;
        const d = h + REC.HDR;
        if (len <= SMALL_COPY) {
          // a word at a time: cheaper than a native copy's call (and its view) for small frames
          let j = 0;
          for (; j + 4 <= len; j += 4) dv.setUint32(w + j, sv.getUint32(d + j, true), true);
          for (; j < len; j++) buf[w + j] = src[d + j];
        } else {
          src.copy(buf, w, d, d + len);
        }
        w += len;
        while (w & 3) buf[w++] = 0;
        dv.setUint32(w, OPT.EPB_FLAGS | (4 << 16), true);
        dv.setUint32(w + 4, sv.getUint32(h + REC.DIRECTION, true) & 3, true);
        w += 8;
        if (attr !== 0) {
          dv.setUint32(w, OPT_CUSTOM_BINARY | (6 << 16), true);
          dv.setUint32(w + 4, XDPSCOPE_PEN, true);
          buf[w + 8] = PKT_OPT.PROC; buf[w + 9] = attr; buf[w + 10] = 0; buf[w + 11] = 0;
          w += 12;
        }
        dv.setUint32(w, 0, true);
        dv.setUint32(w + 4, total, true);
        o.len = w + 8;
        this.packetsWritten++;
        if (o.len >= this.bufferBytes) this.flush();
      }
      if (this.bytesWritten + o.len >= untilBytes) return i + 1;
    }
    return to;
  }

  /** Writes an ISB for an interface (e.g. at the end of a live capture). */
  writeInterfaceStats(ifaceId: number, s: InterfaceStatsOptions): void {
    const iface = this.iface(ifaceId);
    const o = this.out;
    const b = this.begin(BLOCK.ISB);
    o.u32(ifaceId);
    this.ts(iface, s.tsNs);
    const count = (code: number, v: number | bigint | undefined): void => {
      if (v === undefined) return;
      this.optHeader(code, 8);
      o.u64(BigInt(v));
    };
    if (s.startNs !== undefined) { this.optHeader(OPT.ISB_STARTTIME, 8); this.ts(iface, s.startNs); }
    if (s.endNs !== undefined) { this.optHeader(OPT.ISB_ENDTIME, 8); this.ts(iface, s.endNs); }
    count(OPT.ISB_IFRECV, s.received);
    count(OPT.ISB_IFDROP, s.dropped);
    count(OPT.ISB_FILTERACCEPT, s.filterAccepted);
    count(OPT.ISB_OSDROP, s.osDropped);
    count(OPT.ISB_USRDELIV, s.userDelivered);
    if (s.comment !== undefined) this.optString(OPT.COMMENT, s.comment);
    this.endOptions();
    this.end(b);
  }

  /**
   * Writes a Custom Block: pen is the owner's IANA Private Enterprise Number,
   * payload its own format (padded to 4 bytes on disk; readers get the padding
   * back, so a payload should carry its own length if it matters).
   * Note: tshark 4.0 lists Custom Blocks as frames of its own.
   */
  writeCustomBlock(pen: number, payload: Uint8Array, copyable = true): void {
    this.live();
    const b = this.begin(copyable ? BLOCK.CUSTOM : BLOCK.CUSTOM_NOCOPY);
    this.out.u32(pen);
    this.out.bytes(payload);
    this.out.pad4();
    this.end(b);
  }

  /**
   * Writes a Decryption Secrets Block (pcapng spec 4.7), e.g. type
   * 0x544c534b 'TLSK' with an NSS key log: written before the packets it
   * decrypts, as Wireshark and `editcap --inject-secrets` expect.
   */
  writeDecryptionSecrets(type: number, secrets: Uint8Array): void {
    this.live();
    const b = this.begin(BLOCK.DSB);
    this.out.u32(type);
    this.out.u32(secrets.length);
    this.out.bytes(secrets);
    this.out.pad4();
    this.end(b);
  }

  private iface(id: number): WriterInterface {
    this.live();
    const i = this.ifaces[id];
    if (!i) throw new RangeError(`pcapng writer: no interface ${id} (${this.ifaces.length} added)`);
    return i;
  }

  private ts(iface: WriterInterface, tsNs: bigint): void {
    const ticks = iface.unit === 1n ? tsNs : tsNs / iface.unit;
    this.out.u32(Number((ticks >> 32n) & 0xffffffffn));
    this.out.u32(Number(ticks & 0xffffffffn));
  }

  private begin(type: number): number {
    const at = this.out.len;
    this.out.u32(type);
    this.out.u32(0); // total length, patched by end()
    return at;
  }

  private end(at: number): void {
    const o = this.out;
    const total = o.len - at + 4;
    o.u32(total);
    o.patchU32(at + 4, total);
    if (o.len >= this.bufferBytes) this.flush();
  }

  private optHeader(code: number, len: number): void {
    this.out.u16(code);
    this.out.u16(len);
  }

  private optString(code: number, s: string): void {
    const b = utf8(s);
    if (b.length > 0xffff) throw new RangeError(`pcapng writer: option ${code} is longer than 65535 bytes`);
    this.optHeader(code, b.length);
    this.out.bytes(b);
    this.out.pad4();
  }

  private endOptions(): void {
    this.out.u32(0);
  }
}
