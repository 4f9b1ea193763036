// pcapng block parser (draft-ietf-opsawg-pcapng): sections of either byte
// order, interfaces with per-interface link type, if_tsresol (power of 10 or
// 2) and if_tsoffset, EPB/SPB/OPB packets, NRB, ISB and Custom Blocks kept
// in CaptureMeta, unknown blocks skipped. Every length is checked before it
// is used; damage stops parsing with a CaptureFileError naming the block
// (1-based, the first SHB is block 1) and its offset. Reasons follow
// Wireshark's wiretap wording where there is one.
import type { ProcessInfo, RawPacket } from '../types';
import { CaptureFileError } from '../file/errors';
import type { CaptureFileInterface, CaptureMeta, CaptureSection, RecordParser } from '../file/types';
import { MetaBudget } from '../file/budget';
import * as fmt from './format';
import { ipv6ToString } from '../dissect/addr';

// Local copies: imported bindings compile to property getters, too slow for the per-block path.
const { BLOCK, OPT } = fmt;
const BYTE_ORDER_MAGIC = fmt.BYTE_ORDER_MAGIC;
const MAX_BLOCK_LEN = fmt.MAX_BLOCK_LEN;
const MAX_PACKET_LEN = fmt.MAX_PACKET_LEN;
const { OPT_CUSTOM_BINARY, XDPSCOPE_PEN, PKT_OPT } = fmt;
const pad4 = (n: number): number => (n + 3) & ~3;
// Plain byte arithmetic: Buffer#readUInt32* validates its argument on every call (hot path).
const u32le = (b: Uint8Array, o: number): number => (b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24) >>> 0;
const u32be = (b: Uint8Array, o: number): number => (b[o] << 24 | b[o + 1] << 16 | b[o + 2] << 8 | b[o + 3]) >>> 0;
const SHB = BLOCK.SHB, EPB = BLOCK.EPB;

/**
 * Our per-packet process option's JSON (format.ts PKT_OPT.PROC) as shared
 * ProcessInfo objects: every packet of a process carries the same bytes, so
 * they are parsed once. A bounded cache; damaged JSON or wrong types give
 * no process (the packet keeps procAttr), never an error.
 */
class ProcCache {
  private readonly byText = new Map<string, ProcessInfo | null>();

  get(buf: Buffer, start: number, end: number): ProcessInfo | null {
    const text = buf.toString('utf8', start, end);
    let p = this.byText.get(text);
    if (p !== undefined) return p;
    p = ProcCache.parse(text);
    if (this.byText.size >= 4096) this.byText.delete(this.byText.keys().next().value as string);
    this.byText.set(text, p);
    return p;
  }

  private static parse(text: string): ProcessInfo | null {
    let v: unknown;
    try { v = JSON.parse(text); } catch { return null; }
    if (typeof v !== 'object' || v === null) return null;
    const o = v as Record<string, unknown>;
    const num = (x: unknown): number | null => (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff ? x : null);
    const str = (x: unknown): string => (typeof x === 'string' ? x : '');
    const pid = num(o.pid), uid = num(o.uid), gid = num(o.gid);
    if (pid === null || uid === null) return null;
    const argv = Array.isArray(o.argv) ? o.argv.filter((a): a is string => typeof a === 'string') : [];
    return { pid, name: str(o.name), exepath: str(o.exepath), argv, uid, gid: gid ?? 0, user: str(o.user), container: str(o.container), cgroup: str(o.cgroup) };
  }
}

/** Converts an interface's 64-bit tick count to ns since the epoch. */
class Clock {
  private lastHi = -1;
  private hiBig = 0n;
  private constructor(
    /** 0: ticks are ns; 1: ns = ticks * factor; 2: ns = ticks / factor; 3: ns = ticks * 1e9 >> factor */
    private readonly mode: 0 | 1 | 2 | 3,
    private readonly factor: bigint,
    private readonly offsetNs: bigint,
  ) {}

  static forResolution(tsresol: number | undefined, offsetSec: number): Clock {
    const off = BigInt(offsetSec) * 1_000_000_000n;
    const r = tsresol ?? 6;
    if (r & 0x80) return new Clock(3, BigInt(r & 0x7f), off);
    if (r === 9) return new Clock(0, 1n, off);
    if (r < 9) return new Clock(1, 10n ** BigInt(9 - r), off);
    return new Clock(2, 10n ** BigInt(r - 9), off);
  }

  toNs(hi: number, lo: number): bigint {
    let ns: bigint;
    // Below 2^53 ticks (µs clocks until the year 2255) one Number→BigInt conversion does.
    if (this.mode === 1 && hi < 0x200000) ns = BigInt(hi * 4294967296 + lo) * this.factor;
    else {
      if (hi !== this.lastHi) {
        this.lastHi = hi;
        this.hiBig = BigInt(hi) << 32n;
      }
      const ticks = this.hiBig + BigInt(lo);
      switch (this.mode) {
        case 0: ns = ticks; break;
        case 1: ns = ticks * this.factor; break;
        case 2: ns = ticks / this.factor; break;
        default: ns = (ticks * 1_000_000_000n) >> this.factor;
      }
    }
    return this.offsetNs === 0n ? ns : ns + this.offsetNs;
  }
}

interface SectionIface {
  info: CaptureFileInterface;
  clock: Clock;
}

/** Minimum total lengths (header + fixed fields + trailer), as Wireshark checks them. */
const MIN_LEN = new Map<number, number>([
  [BLOCK.SHB, 28],
  [BLOCK.IDB, 20],
  [BLOCK.EPB, 32],
  [BLOCK.SPB, 16],
  [BLOCK.OPB, 32],
  [BLOCK.ISB, 24],
  [BLOCK.NRB, 12],
  [BLOCK.CUSTOM, 16],
  [BLOCK.DSB, 20],
  [BLOCK.CUSTOM_NOCOPY, 16],
]);
const BLOCK_NAME = new Map<number, string>([
  [BLOCK.SHB, 'SHB'], [BLOCK.IDB, 'IDB'], [BLOCK.EPB, 'EPB'], [BLOCK.SPB, 'SPB'], [BLOCK.OPB, 'OPB'],
  [BLOCK.ISB, 'ISB'], [BLOCK.NRB, 'NRB'], [BLOCK.CUSTOM, 'Custom Block'], [BLOCK.CUSTOM_NOCOPY, 'Custom Block'],
]);

const utf8 = new TextDecoder('utf-8');
/**
 * Interfaces one section may describe. Packets need their interface (link
 * type, clock), so these are kept whatever the metadata budget; the bound
 * keeps that state small, far above real files (one IDB per capture port).
 */
export const MAX_SECTION_INTERFACES = 65536;

export class PcapngParser implements RecordParser {
  readonly meta: CaptureMeta = {
    format: 'pcapng', interfaces: [], sections: [], nameResolution: [], customBlocks: [], stats: [],
  };
  error: CaptureFileError | null = null;
  done = false;
  need = 12;
  count = 0;
  private le = true;
  private block = 0;
  private ifaces: SectionIface[] = [];
  private section: CaptureSection | null = null;
  /** sections and interfaces seen (kept or not): the next index and global interface id */
  private sectionCount = 0;
  private ifaceCount = 0;
  private readonly budget = new MetaBudget(this.meta);
  private readonly procs = new ProcCache();
  get blocks(): number { return this.block; }

  parse(buf: Buffer, pos: number, end: number, base: number, out: RawPacket[], maxPackets: number, eof: boolean): number {
    const start = out.length;
    while (!this.done && out.length - start < maxPackets) {
      const avail = end - pos;
      if (avail < 12) {
        if (eof) {
          if (avail > 0) {
            this.block++;
            this.fail(base + pos, `truncated: block header needs 12 bytes, only ${avail} remain`);
          } else if (!this.section) {
            this.fail(base + pos, 'file holds no Section Header Block');
          } else this.done = true;
        }
        this.need = 12;
        return pos;
      }
      // The SHB type reads the same in both byte orders.
      const type = (this.le ? u32le(buf, pos) : u32be(buf, pos));
      if (type === SHB) {
        // A new section may switch byte order: its byte-order magic tells.
        const bom = buf.readUInt32LE(pos + 8);
        if (bom === BYTE_ORDER_MAGIC) this.le = true;
        else if (buf.readUInt32BE(pos + 8) === BYTE_ORDER_MAGIC) this.le = false;
        else {
          this.block++;
          this.fail(base + pos, `unknown byte-order magic number 0x${bom.toString(16).padStart(8, '0')}`);
          return pos;
        }
      } else if (!this.section) {
        this.block++;
        this.fail(base + pos, `first block has type 0x${type.toString(16)}, not a Section Header Block`);
        return pos;
      }
      const le = this.le;
      const total = (le ? u32le(buf, pos + 4) : u32be(buf, pos + 4));
      const min = type === EPB ? 32 : MIN_LEN.get(type) ?? 12;
      if (total < min) {
        this.block++;
        const name = BLOCK_NAME.get(type);
        const what = name ? ` of ${/^[AEIOS]/.test(name) ? 'an' : 'a'} ${name}` : '';
        this.fail(base + pos, `block total length ${total}${what} is smaller than the minimum ${min}`);
        return pos;
      }
      if (total % 4 !== 0) {
        this.block++;
        this.fail(base + pos, `block total length ${total} is not a multiple of 4`);
        return pos;
      }
      if (total > MAX_BLOCK_LEN) {
        this.block++;
        this.fail(base + pos, `block total length ${total} is too large (> ${MAX_BLOCK_LEN})`);
        return pos;
      }
      if (avail < total) {
        if (eof) {
          this.block++;
          this.fail(base + pos, `truncated: block of ${total} bytes, only ${avail} remain`);
        }
        this.need = total;
        return pos;
      }
      this.block++;
      const trailer = (le ? u32le(buf, pos + total - 4) : u32be(buf, pos + total - 4));
      if (trailer !== total) {
        this.fail(base + pos, `total block lengths (first ${total} and second ${trailer}) don't match`);
        return pos;
      }
      const err = this.block1(type, buf, pos, total, base, out);
      if (err !== null) {
        this.fail(base + pos, err);
        return pos;
      }
      pos += total;
    }
    return pos;
  }

  /** Handles one complete block; returns an error reason or null. */
  private block1(type: number, buf: Buffer, pos: number, total: number, base: number, out: RawPacket[]): string | null {
    if (type === EPB) return this.epb(buf, pos, total, base, out);
    switch (type) {
      case BLOCK.EPB: return this.epb(buf, pos, total, base, out);
      case BLOCK.SHB: return this.shb(buf, pos, total, base);
      case BLOCK.IDB: return this.idb(buf, pos, total, base);
      case BLOCK.SPB: return this.spb(buf, pos, total, base, out);
      case BLOCK.OPB: return this.opb(buf, pos, total, base, out);
      case BLOCK.ISB: return this.isb(buf, pos, total, base);
      case BLOCK.NRB: return this.nrb(buf, pos, total);
      case BLOCK.CUSTOM:
      case BLOCK.CUSTOM_NOCOPY: {
        if (!this.budget.take('custom blocks', total - 16)) return null;
        this.meta.customBlocks.push({
          pen: this.u32(buf, pos + 8),
          payload: Uint8Array.prototype.slice.call(buf, pos + 12, pos + total - 4),
          copyable: type === BLOCK.CUSTOM,
          section: this.section!.index,
          fileOffset: base + pos,
        });
        return null;
      }
      case BLOCK.DSB: {
        // secrets type, secrets length, the secrets (padded), options
        const len = this.u32(buf, pos + 12);
        if (16 + len + 4 > total) return `Decryption Secrets Block secrets length ${len} runs past the block`;
        if (!this.budget.take('decryption secrets', len)) return null;
        (this.meta.secrets ??= []).push({
          type: this.u32(buf, pos + 8),
          text: buf.toString('latin1', pos + 16, pos + 16 + len),
          fileOffset: base + pos,
        });
        return null;
      }
      default:
        return null; // unknown or unneeded (journal export, ...): skipped
    }
  }

  private u16(buf: Buffer, o: number): number { return this.le ? buf.readUInt16LE(o) : buf.readUInt16BE(o); }
  private u32(buf: Buffer, o: number): number { return (this.le ? u32le(buf, o) : u32be(buf, o)); }
  private u64(buf: Buffer, o: number): number {
    return Number(this.le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o));
  }

  /**
   * Walks options in buf[p, end): calls visit(code, valueOffset, length) for
   * each until opt_endofopt. Returns an error reason when one overruns.
   */
  private options(buf: Buffer, p: number, end: number, visit: (code: number, at: number, len: number) => string | void): string | null {
    while (p + 4 <= end) {
      const code = this.u16(buf, p);
      const len = this.u16(buf, p + 2);
      if (code === OPT.END) return null;
      if (p + 4 + len > end) return `option ${code} length ${len} runs past the end of the block`;
      const e = visit(code, p + 4, len);
      if (e) return e;
      p += 4 + pad4(len);
    }
    return null;
  }

  private str(buf: Buffer, at: number, len: number): string {
    return utf8.decode(buf.subarray(at, at + len));
  }

  private shb(buf: Buffer, pos: number, total: number, base: number): string | null {
    const versionMajor = this.u16(buf, pos + 12);
    const versionMinor = this.u16(buf, pos + 14);
    if (!(versionMajor === 1 && (versionMinor === 0 || versionMinor === 2))) {
      return `unknown SHB version ${versionMajor}.${versionMinor}`;
    }
    const s: CaptureSection = {
      index: this.sectionCount,
      fileOffset: base + pos,
      bigEndian: !this.le,
      versionMajor,
      versionMinor,
    };
    // a section not kept still frames what follows (byte order, interfaces); its options are checked only
    const kept = this.budget.take('section headers', 0);
    const err = this.options(buf, pos + 24, pos + total - 4, (code, at, len) => {
      if (!kept) return;
      if (code === OPT.COMMENT) { if (this.budget.take('comments', len)) (s.comments ??= []).push(this.str(buf, at, len)); }
      else if (code === OPT.SHB_HARDWARE) { if (this.budget.take('options', len)) s.hardware = this.str(buf, at, len); }
      else if (code === OPT.SHB_OS) { if (this.budget.take('options', len)) s.os = this.str(buf, at, len); }
      else if (code === OPT.SHB_USERAPPL) { if (this.budget.take('options', len)) s.userAppl = this.str(buf, at, len); }
      else if ((code === 2988 || code === 2989 || code === 19372 || code === 19373) && len >= 4 && this.budget.take('options', len)) {
        (s.customOptions ??= []).push({ code, pen: this.u32(buf, at), data: Uint8Array.prototype.slice.call(buf, at + 4, at + len) });
      }
    });
    if (err) return err;
    this.sectionCount++;
    if (kept) this.meta.sections.push(s);
    this.section = s;
    this.ifaces = [];
    return null;
  }

  private idb(buf: Buffer, pos: number, total: number, base: number): string | null {
    if (this.ifaces.length >= MAX_SECTION_INTERFACES) return `more than ${MAX_SECTION_INTERFACES} interfaces in one section`;
    // an interface not listed in meta still decodes its packets; only its descriptive options are dropped
    const listed = this.budget.take('interface descriptions', 0);
    const text = (kind: 'comments' | 'options', at: number, len: number): string | undefined =>
      listed && this.budget.take(kind, len) ? this.str(buf, at, len) : undefined;
    const put = (key: 'name' | 'description' | 'os' | 'filter', at: number, len: number): void => {
      const v = text('options', at, len);
      if (v !== undefined) info[key] = v;
    };
    const info: CaptureFileInterface = {
      id: this.ifaceCount,
      section: this.section!.index,
      localId: this.ifaces.length,
      linkType: this.u16(buf, pos + 8),
      snaplen: this.u32(buf, pos + 12),
      fileOffset: base + pos,
    };
    let tsresol: number | undefined;
    let tsoffset = 0;
    const err = this.options(buf, pos + 16, pos + total - 4, (code, at, len) => {
      switch (code) {
        case OPT.COMMENT: { const c = text('comments', at, len); if (c !== undefined) (info.comments ??= []).push(c); break; }
        case OPT.IF_NAME: put('name', at, len); break;
        case OPT.IF_DESCRIPTION: put('description', at, len); break;
        case OPT.IF_OS: put('os', at, len); break;
        case OPT.IF_FILTER: if (len >= 1 && buf[at] === 0) put('filter', at + 1, len - 1); break;
        case OPT.IF_SPEED: if (len === 8) info.speed = this.u64(buf, at); break;
        case OPT.IF_FCSLEN: if (len === 1) info.fcsLen = buf[at]; break;
        case OPT.IF_TSOFFSET:
          if (len === 8) tsoffset = Number(this.le ? buf.readBigInt64LE(at) : buf.readBigInt64BE(at));
          break;
        case OPT.IF_TSRESOL: {
          if (len !== 1) break; // malformed option: ignored, as Wireshark does
          const r = buf[at];
          if (r & 0x80 && (r & 0x7f) > 63) return `IDB power-of-2 time stamp resolution ${r & 0x7f} > 63`;
          if (!(r & 0x80) && r > 19) return `IDB power-of-10 time stamp resolution ${r} > 19`;
          tsresol = r;
          break;
        }
      }
    });
    if (err) return err;
    const r = tsresol ?? 6;
    info.tsUnitNs = r & 0x80 ? 1e9 / 2 ** (r & 0x7f) : 10 ** (9 - r);
    if (tsresol !== undefined) info.tsResol = tsresol;
    if (tsoffset) info.tsOffsetSec = tsoffset;
    this.ifaceCount++;
    if (listed) this.meta.interfaces.push(info);
    this.ifaces.push({ info, clock: Clock.forResolution(tsresol, tsoffset) });
    return null;
  }

  private iface(id: number): SectionIface | string {
    return this.ifaces[id] ?? `interface index ${id} is not less than section interface count ${this.ifaces.length}`;
  }

  /** opt_comment, epb_flags and our own per-packet options (format.ts: XDPSCOPE_PEN) */
  private packetOptions(buf: Buffer, p: number, end: number, pkt: RawPacket): string | null {
    return this.options(buf, p, end, (code, at, len) => {
      if (code === OPT.COMMENT) (pkt.comments ??= []).push(this.str(buf, at, len));
      // a flags option of another length is malformed: ignored, as Wireshark does
      else if (code === OPT.EPB_FLAGS && len === 4) pkt.flags = this.u32(buf, at);
      else if (code === OPT_CUSTOM_BINARY && len >= 6 && this.u32(buf, at) === XDPSCOPE_PEN) {
        if (buf[at + 4] === PKT_OPT.XDP_ACTION) pkt.xdpAction = buf[at + 5];
        else if (buf[at + 4] === PKT_OPT.PROC) {
          pkt.procAttr = buf[at + 5];
          if (len > 6) {
            const p = this.procs.get(buf, at + 6, at + len);
            if (p) pkt.proc = p;
          }
        }
      }
    });
  }

  private epb(buf: Buffer, pos: number, total: number, base: number, out: RawPacket[]): string | null {
    const le = this.le;
    const id = (le ? u32le(buf, pos + 8) : u32be(buf, pos + 8));
    const hi = (le ? u32le(buf, pos + 12) : u32be(buf, pos + 12));
    const lo = (le ? u32le(buf, pos + 16) : u32be(buf, pos + 16));
    const capLen = (le ? u32le(buf, pos + 20) : u32be(buf, pos + 20));
    const origLen = (le ? u32le(buf, pos + 24) : u32be(buf, pos + 24));
    return this.packet(buf, pos, total, base, out, id, hi, lo, capLen, origLen, 28);
  }

  private opb(buf: Buffer, pos: number, total: number, base: number, out: RawPacket[]): string | null {
    const id = this.u16(buf, pos + 8);
    return this.packet(buf, pos, total, base, out, id, this.u32(buf, pos + 12), this.u32(buf, pos + 16),
      this.u32(buf, pos + 20), this.u32(buf, pos + 24), 28);
  }

  private packet(buf: Buffer, pos: number, total: number, base: number, out: RawPacket[],
    id: number, hi: number, lo: number, capLen: number, origLen: number, dataAt: number): string | null {
    const f = this.ifaces[id];
    if (f === undefined) return this.iface(id) as string;
    if (capLen > MAX_PACKET_LEN) return `captured length ${capLen} is bigger than the maximum ${MAX_PACKET_LEN}`;
    const optAt = pos + dataAt + pad4(capLen);
    const bodyEnd = pos + total - 4;
    if (optAt > bodyEnd) return `captured length ${capLen} does not fit in a block of total length ${total}`;
    const p: RawPacket = {
      number: this.count + 1,
      tsNs: f.clock.toNs(hi, lo),
      capLen,
      origLen,
      linkType: f.info.linkType,
      interfaceId: f.info.id,
      data: new Uint8Array(buf.buffer, buf.byteOffset + pos + dataAt, capLen),
      fileOffset: base + pos,
    };
    if (optAt + 4 <= bodyEnd) {
      const e = this.packetOptions(buf, optAt, bodyEnd, p);
      if (e) return e;
    }
    this.count++;
    out.push(p);
    return null;
  }

  private spb(buf: Buffer, pos: number, total: number, base: number, out: RawPacket[]): string | null {
    const f = this.ifaces[0];
    if (f === undefined) return 'SPB appeared before any IDB in the section';
    const origLen = this.u32(buf, pos + 8);
    // The captured length is implied: the wire length cut to the snaplen and to the block.
    let capLen = origLen;
    if (f.info.snaplen !== 0 && capLen > f.info.snaplen) capLen = f.info.snaplen;
    if (capLen > total - 16) capLen = total - 16;
    if (capLen > MAX_PACKET_LEN) return `captured length ${capLen} is bigger than the maximum ${MAX_PACKET_LEN}`;
    this.count++;
    out.push({
      number: this.count,
      tsNs: null,
      capLen,
      origLen,
      linkType: f.info.linkType,
      interfaceId: f.info.id,
      data: new Uint8Array(buf.buffer, buf.byteOffset + pos + 12, capLen),
      fileOffset: base + pos,
    });
    return null;
  }

  private isb(buf: Buffer, pos: number, total: number, base: number): string | null {
    const f = this.iface(this.u32(buf, pos + 8));
    if (typeof f === 'string') return f;
    const ts = (at: number): bigint => f.clock.toNs(this.u32(buf, at), this.u32(buf, at + 4));
    const s: import('../file/types').InterfaceStatistics = {
      interfaceId: f.info.id,
      tsNs: ts(pos + 12),
      fileOffset: base + pos,
    };
    const kept = this.budget.take('interface statistics', 0);
    const err = this.options(buf, pos + 20, pos + total - 4, (code, at, len) => {
      if (!kept) return;
      if (code === OPT.COMMENT) { if (this.budget.take('comments', len)) (s.comments ??= []).push(this.str(buf, at, len)); return; }
      if (len !== 8) return;
      switch (code) {
        case OPT.ISB_STARTTIME: s.startNs = ts(at); break;
        case OPT.ISB_ENDTIME: s.endNs = ts(at); break;
        case OPT.ISB_IFRECV: s.received = this.u64(buf, at); break;
        case OPT.ISB_IFDROP: s.dropped = this.u64(buf, at); break;
        case OPT.ISB_FILTERACCEPT: s.filterAccepted = this.u64(buf, at); break;
        case OPT.ISB_OSDROP: s.osDropped = this.u64(buf, at); break;
        case OPT.ISB_USRDELIV: s.userDelivered = this.u64(buf, at); break;
      }
    });
    if (err) return err;
    if (kept) this.meta.stats.push(s);
    return null;
  }

  private nrb(buf: Buffer, pos: number, total: number): string | null {
    const end = pos + total - 4;
    let p = pos + 8;
    while (p + 4 <= end) {
      const type = this.u16(buf, p);
      const len = this.u16(buf, p + 2);
      if (type === 0) { p += 4; break; }
      if (p + 4 + len > end) return `NRB record length ${len} runs past the end of the block`;
      const at = p + 4;
      const alen = type === 1 ? 4 : type === 2 ? 16 : 0;
      if (alen) {
        if (len < alen) return `NRB record of type ${type} has length ${len}, less than ${alen}`;
        if (!this.budget.take('name resolution records', len)) { p += 4 + pad4(len); continue; }
        const names = this.str(buf, at + alen, len - alen).split('\0').filter((n) => n.length > 0);
        this.meta.nameResolution.push({
          family: type === 1 ? 4 : 6,
          address: type === 1 ? Array.from(buf.subarray(at, at + 4)).join('.') : ipv6ToString(buf.subarray(at, at + 16), false),
          names,
          section: this.section!.index,
        });
      }
      p += 4 + pad4(len);
    }
    // NRB options (ns_dnsname, comments) are not kept; they are still checked.
    const err = this.options(buf, p, end, () => undefined);
    return err;
  }

  private fail(offset: number, reason: string): void {
    this.error = new CaptureFileError('pcapng', offset, this.block, reason);
    this.done = true;
  }
}
