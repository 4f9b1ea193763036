// Classic pcap writer ("export as pcap"): one link type, little-endian,
// nanosecond magic (a1b23c4d) by default or microsecond with
// { nanosecond: false }.
//
//   const w = PcapWriter.open('/tmp/x.pcap', { linkType: LinkType.ETHERNET, snaplen: 262144 });
//   w.writePacket(tsNs, bytes, origLen);
//   w.close();
//
// Records are buffered and handed to the sink whole (see PcapngWriter).
import { BufferedRecordWriter, FileSink, type ByteSink } from '../file/sink';
import { MAX_PACKET_LEN } from '../pcapng/format';

export interface PcapWriterOptions {
  linkType: number;
  snaplen?: number;
  /** nanosecond timestamps (default true) */
  nanosecond?: boolean;
  bufferBytes?: number;
}

export class PcapWriter extends BufferedRecordWriter {
  private readonly nano: boolean;
  readonly linkType: number;

  static open(path: string, opts: PcapWriterOptions): PcapWriter {
    return new PcapWriter(new FileSink(path), opts);
  }

  constructor(sink: ByteSink, opts: PcapWriterOptions) {
    super(sink, opts.bufferBytes, 'pcap writer');
    const nano = opts.nanosecond ?? true;
    this.linkType = opts.linkType;
    this.nano = nano;
    const o = this.out;
    o.u32(nano ? 0xa1b23c4d : 0xa1b2c3d4);
    o.u16(2);
    o.u16(4);
    o.i32(0);
    o.u32(0);
    o.u32(opts.snaplen ?? MAX_PACKET_LEN);
    o.u32(opts.linkType);
  }

  writePacket(tsNs: bigint, data: Uint8Array, origLen: number): void {
    this.live();
    if (data.length > MAX_PACKET_LEN) {
      throw new RangeError(`pcap writer: packet of ${data.length} bytes is bigger than the maximum ${MAX_PACKET_LEN}`);
    }
    // Seconds and fraction via one BigInt division; the rest in Numbers.
    const sec = tsNs / 1_000_000_000n;
    const ns = Number(tsNs - sec * 1_000_000_000n);
    const o = this.out;
    o.u32(Number(sec & 0xffffffffn));
    o.u32(this.nano ? ns : Math.floor(ns / 1000));
    o.u32(data.length);
    o.u32(Math.max(origLen, data.length));
    o.bytes(data);
    this.packetsWritten++;
    if (o.len >= this.bufferBytes) this.flush();
  }
}
