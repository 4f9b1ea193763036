// Classic pcap files made by hand for tests: one builder, so that every test
// feeding crafted frames to `xdpscope read`, tshark or the service writes
// the same well-formed header and records. Deliberately independent of the
// writer under test (main/engine/pcap/writer.ts); the damaged and
// big-endian variants the file tests need are in test/engine/file/blocks.ts.

/** A record whose capture was cut short or that carries its own time. */
export interface PcapRecord {
  /** the captured bytes */
  data: Uint8Array;
  /** the frame's length on the wire when data holds only its start */
  origLen?: number;
  /** microseconds since the epoch (else the file's `usAt`) */
  us?: number;
}

export type PcapFrame = Uint8Array | number[] | PcapRecord;

/** 2023-11-14 22:13:20 UTC, the first record's time unless told */
export const T0_US = 1_700_000_000_000_000;

/** records one millisecond apart (the default) */
export const msApart = (i: number): number => T0_US + i * 1000;
/** records one second apart */
export const secondsApart = (i: number): number => T0_US + i * 1_000_000;

export interface PcapOptions {
  /** the link type of every record: 1 Ethernet (default), 101 raw IP, … */
  linkType?: number;
  snaplen?: number;
  /** record i's time in microseconds since the epoch */
  usAt?: (i: number) => number;
}

const isRecord = (f: PcapFrame): f is PcapRecord => !Array.isArray(f) && !(f instanceof Uint8Array);

/** A microsecond, little-endian pcap file holding the frames in order. */
export function pcapFile(frames: readonly PcapFrame[], opts: PcapOptions = {}): Buffer {
  const usAt = opts.usAt ?? msApart;
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0); head.writeUInt16LE(2, 4); head.writeUInt16LE(4, 6);
  head.writeUInt32LE(opts.snaplen ?? 262144, 16); head.writeUInt32LE(opts.linkType ?? 1, 20);
  const parts: Uint8Array[] = [head];
  frames.forEach((f, i) => {
    const rec = isRecord(f) ? f : { data: Array.isArray(f) ? Uint8Array.from(f) : f };
    const us = rec.us ?? usAt(i);
    const r = Buffer.alloc(16);
    r.writeUInt32LE(Math.floor(us / 1e6), 0); r.writeUInt32LE(us % 1e6, 4);
    r.writeUInt32LE(rec.data.length, 8); r.writeUInt32LE(rec.origLen ?? rec.data.length, 12);
    parts.push(r, rec.data);
  });
  return Buffer.concat(parts);
}
