// Classic pcap record parser (pcap-savefile(5)): both byte orders,
// microsecond (a1b2c3d4) and nanosecond (a1b23c4d) magic, and the modified
// format (a1b2cd34, 24-byte record headers). Every length is checked before
// use; damage stops parsing with a CaptureFileError naming the record.
import type { RawPacket } from '../types';
import { CaptureFileError } from '../file/errors';
import type { CaptureMeta, RecordParser } from '../file/types';
import * as fmt from '../pcapng/format';

const MAX_PACKET_LEN = fmt.MAX_PACKET_LEN;
// Plain byte arithmetic: Buffer#readUInt32* validates its argument on every call (hot path).
const u32le = (b: Uint8Array, o: number): number => (b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24) >>> 0;
const u32be = (b: Uint8Array, o: number): number => (b[o] << 24 | b[o + 1] << 16 | b[o + 2] << 8 | b[o + 3]) >>> 0;

export const PCAP_MAGIC = { MICRO: 0xa1b2c3d4, NANO: 0xa1b23c4d, MODIFIED: 0xa1b2cd34 } as const;

/** Is this (LE-read) first word a classic pcap magic in either byte order? */
export function isPcapMagic(le32: number): boolean {
  const be = ((le32 & 0xff) << 24 | (le32 & 0xff00) << 8 | (le32 >>> 8) & 0xff00 | le32 >>> 24) >>> 0;
  return [le32, be].some((m) => m === PCAP_MAGIC.MICRO || m === PCAP_MAGIC.NANO || m === PCAP_MAGIC.MODIFIED);
}

const HEADER_LEN = 24;
const LINKTYPE_MASK = 0x03ffffff;
const FCS_PRESENT = 0x04000000;

export class PcapParser implements RecordParser {
  readonly meta: CaptureMeta = {
    format: 'pcap', interfaces: [], sections: [], nameResolution: [], customBlocks: [], stats: [],
  };
  error: CaptureFileError | null = null;
  done = false;
  need = HEADER_LEN;
  count = 0;
  private le = true;
  private nano = false;
  private recHdr = 16;
  private linkType = 0;
  private headerRead = false;
  get blocks(): number { return this.record; }
  /** records seen, the one being parsed included */
  private record = 0;

  parse(buf: Buffer, pos: number, end: number, base: number, out: RawPacket[], maxPackets: number, eof: boolean): number {
    if (this.done) return pos;
    if (!this.headerRead) {
      if (end - pos < HEADER_LEN) {
        if (eof) this.fail(base + pos, `file header needs ${HEADER_LEN} bytes, only ${end - pos} present`);
        this.need = HEADER_LEN;
        return pos;
      }
      if (!this.readHeader(buf, pos, base + pos)) return pos;
      pos += HEADER_LEN;
    }
    const le = this.le;
    const nano = this.nano;
    const recHdr = this.recHdr;
    const linkType = this.linkType;
    const start = out.length;
    while (out.length - start < maxPackets) {
      const avail = end - pos;
      if (avail < recHdr) {
        if (eof) {
          if (avail > 0) {
            this.record++;
            this.fail(base + pos, `truncated: record header needs ${recHdr} bytes, only ${avail} remain`);
          } else this.done = true;
        }
        this.need = recHdr;
        return pos;
      }
      const sec = (le ? u32le(buf, pos) : u32be(buf, pos));
      const frac = (le ? u32le(buf, pos + 4) : u32be(buf, pos + 4));
      const capLen = (le ? u32le(buf, pos + 8) : u32be(buf, pos + 8));
      const origLen = (le ? u32le(buf, pos + 12) : u32be(buf, pos + 12));
      if (capLen > MAX_PACKET_LEN) {
        this.record++;
        this.fail(base + pos, `captured length ${capLen} is bigger than the maximum ${MAX_PACKET_LEN}`);
        return pos;
      }
      const total = recHdr + capLen;
      if (avail < total) {
        if (eof) {
          this.record++;
          this.fail(base + pos, `truncated: record of ${total} bytes (captured length ${capLen}), only ${avail} remain`);
        }
        this.need = total;
        return pos;
      }
      this.record++;
      const tsNs = nano
        ? BigInt(sec) * 1_000_000_000n + BigInt(frac)
        : BigInt(sec * 1_000_000 + frac) * 1000n;
      out.push({
        number: ++this.count,
        tsNs,
        capLen,
        origLen,
        linkType,
        interfaceId: 0,
        data: new Uint8Array(buf.buffer, buf.byteOffset + pos + recHdr, capLen),
        fileOffset: base + pos,
        tsSec: sec,
        tsFrac: frac,
        tsUnitNs: nano ? 1 : 1000,
      });
      pos += total;
    }
    return pos;
  }

  private readHeader(buf: Buffer, pos: number, offset: number): boolean {
    const m = buf.readUInt32LE(pos);
    let le: boolean;
    if (m === PCAP_MAGIC.MICRO || m === PCAP_MAGIC.NANO || m === PCAP_MAGIC.MODIFIED) le = true;
    else if (isPcapMagic(m)) le = false;
    else {
      this.fail(offset, 'not a pcap file (unknown magic number)');
      return false;
    }
    const magic = le ? m : buf.readUInt32BE(pos);
    const u16 = (o: number): number => (le ? buf.readUInt16LE(pos + o) : buf.readUInt16BE(pos + o));
    const u32 = (o: number): number => ((le ? u32le(buf, pos + o) : u32be(buf, pos + o)));
    const versionMajor = u16(4);
    const versionMinor = u16(6);
    if (versionMajor < 2) {
      this.fail(offset, `major version ${versionMajor} unsupported`);
      return false;
    }
    const linkTypeField = u32(20);
    this.le = le;
    this.nano = magic === PCAP_MAGIC.NANO;
    this.recHdr = magic === PCAP_MAGIC.MODIFIED ? 24 : 16;
    this.linkType = linkTypeField & LINKTYPE_MASK;
    const snaplen = u32(16);
    this.meta.pcapHeader = {
      bigEndian: !le,
      nanosecond: this.nano,
      modified: magic === PCAP_MAGIC.MODIFIED,
      versionMajor,
      versionMinor,
      thiszone: le ? buf.readInt32LE(pos + 8) : buf.readInt32BE(pos + 8),
      sigfigs: u32(12),
      snaplen,
      linkTypeField,
    };
    this.meta.interfaces.push({
      id: 0,
      section: 0,
      localId: 0,
      linkType: this.linkType,
      snaplen,
      tsUnitNs: this.nano ? 1 : 1000,
      fileOffset: offset,
      ...(linkTypeField & FCS_PRESENT ? { fcsLen: (linkTypeField >>> 28) * 2 } : {}),
    });
    this.headerRead = true;
    return true;
  }

  private fail(offset: number, reason: string): void {
    this.error = new CaptureFileError('pcap', offset, this.record, reason);
    this.done = true;
  }
}
