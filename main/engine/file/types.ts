// What a capture file holds besides its packets: interfaces, pcapng
// sections, name resolution, statistics, custom blocks. The record parsers
// (pcap/reader.ts, pcapng/reader.ts) fill one CaptureMeta as they go, and
// the streaming reader and the in-memory parser expose it as it grows.
import type { CaptureInterface, RawPacket } from '../types';
import type { CaptureFileError } from './errors';

export type CaptureFormat = 'pcap' | 'pcapng';

/** A capture interface with what the file says about it beyond CaptureInterface. */
export interface CaptureFileInterface extends CaptureInterface {
  /** pcapng section (0-based) the IDB belongs to; 0 for pcap */
  section: number;
  /** interface id within its section (the EPB's interface id) */
  localId: number;
  /** if_tsresol as written (pcapng), e.g. 6 (µs), 9 (ns), 0x80|n for 2^-n; undefined when absent */
  tsResol?: number;
  /** if_tsoffset: seconds added to every timestamp of the interface */
  tsOffsetSec?: number;
  /** FCS bytes at the end of each frame (pcap link-type FCS bits, pcapng if_fcslen), when the file says */
  fcsLen?: number;
  os?: string;
  filter?: string;
  /** if_speed, bits/s */
  speed?: number;
  comments?: string[];
  /** byte offset of the IDB (pcapng) or file header (pcap) */
  fileOffset: number;
}

/** A pcapng Section Header Block (pcap files have none). */
export interface CaptureSection {
  index: number;
  fileOffset: number;
  bigEndian: boolean;
  versionMajor: number;
  versionMinor: number;
  comments?: string[];
  /** shb_hardware */
  hardware?: string;
  /** shb_os */
  os?: string;
  /** shb_userappl */
  userAppl?: string;
  /** custom options (codes 2988/2989/19372/19373) in file order; data is a copy, after the PEN */
  customOptions?: CustomOption[];
}

/** A pcapng custom option (pcapng spec 3.5.1): 2988 string and 2989 binary are copyable, 19372/19373 are not. */
export interface CustomOption {
  code: number;
  /** IANA Private Enterprise Number of the option's owner */
  pen: number;
  data: Uint8Array;
}

/** One Name Resolution Block record (nrb_record_ipv4 / nrb_record_ipv6). */
export interface NameResolutionEntry {
  family: 4 | 6;
  /** dotted IPv4 or RFC 5952 IPv6 text */
  address: string;
  names: string[];
  section: number;
}

/** An Interface Statistics Block. Counters are numbers (exact below 2^53). */
export interface InterfaceStatistics {
  /** global interface id (CaptureInterface.id) */
  interfaceId: number;
  tsNs: bigint;
  startNs?: bigint;
  endNs?: bigint;
  received?: number;
  dropped?: number;
  filterAccepted?: number;
  osDropped?: number;
  userDelivered?: number;
  comments?: string[];
  fileOffset: number;
}

/** A pcapng Custom Block (type 0x00000BAD: copyable, 0x40000BAD: not to be copied). */
export interface CustomBlock {
  /** IANA Private Enterprise Number of the block's owner */
  pen: number;
  /** the block body after the PEN, padding included (the format is the PEN owner's); a copy */
  payload: Uint8Array;
  /** type 0x00000BAD: tools that do not understand it may copy it to a new file (0x40000BAD: must not) */
  copyable: boolean;
  section: number;
  fileOffset: number;
}

/** Classic pcap file header, as read. */
export interface PcapHeader {
  bigEndian: boolean;
  nanosecond: boolean;
  /** the "modified" (Kuznetsov, magic a1b2cd34) format with 24-byte record headers */
  modified: boolean;
  versionMajor: number;
  versionMinor: number;
  thiszone: number;
  sigfigs: number;
  snaplen: number;
  /** the link-type field as written, FCS bits included (e.g. 0x30000001) */
  linkTypeField: number;
}

/** A pcapng Decryption Secrets Block (pcapng spec 4.7): e.g. type 0x544c534b 'TLSK', an NSS key log. */
export interface DecryptionSecret {
  type: number;
  /** the secrets as text (latin1: key logs are ASCII) */
  text: string;
  fileOffset: number;
}

/** Kinds of metadata that a file may hold more of than is kept (see file/budget.ts). */
export type MetaKind =
  | 'section headers' | 'interface descriptions' | 'name resolution records' | 'interface statistics'
  | 'custom blocks' | 'comments' | 'options' | 'decryption secrets';

/** Everything but the packets; grows while the file is read. */
export interface CaptureMeta {
  format: CaptureFormat;
  interfaces: CaptureFileInterface[];
  sections: CaptureSection[];
  nameResolution: NameResolutionEntry[];
  customBlocks: CustomBlock[];
  stats: InterfaceStatistics[];
  /** pcapng Decryption Secrets Blocks in file order (absent in files read before they were kept) */
  secrets?: DecryptionSecret[];
  pcapHeader?: PcapHeader;
  /**
   * Records not kept, by kind, once the file's metadata went beyond its
   * budget (file/budget.ts); absent when everything was kept. Lists then
   * hold the file's first records; interface ids stay those of the file.
   */
  dropped?: Partial<Record<MetaKind, number>>;
}

/**
 * A record parser works on a window buf[pos, end) of the (decompressed) file
 * whose first byte buf[0] is at file offset `base`. It consumes only whole
 * records and returns where it stopped. One implementation serves both the
 * streaming reader and parseCaptureBuffer.
 */
export interface RecordParser {
  readonly meta: CaptureMeta;
  /** set when the file is damaged; parsing has then stopped for good */
  error: CaptureFileError | null;
  /** true after a clean end of file or an error */
  done: boolean;
  /** bytes the next record needs in one window (known after parse stopped short) */
  need: number;
  /** packets emitted so far */
  count: number;
  /** blocks (pcapng) or records (pcap) seen so far */
  readonly blocks: number;
  /**
   * Parse complete records from buf[pos, end), pushing at most maxPackets
   * packets onto out. eof: no bytes follow `end` (a short record is then damage).
   * Packet data are subarray views of buf.
   */
  parse(buf: Buffer, pos: number, end: number, base: number, out: RawPacket[], maxPackets: number, eof: boolean): number;
}

export type { RawPacket };
