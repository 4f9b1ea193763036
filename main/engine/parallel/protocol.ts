// Messages between a parallel `-T fields`/`-T text` read (read.ts) and its decoding
// threads (worker.ts). Packets travel in bulk: their bytes back to
// back in one buffer, their record fields in typed arrays.
import type { FieldsOptions } from '../output/fields';
import type { PacketExtras } from '../types';

export interface ReadJob {
  /** -T fields (the chosen fields) or -T text (tshark's one-line summaries) */
  format: 'fields' | 'text';
  options: FieldsOptions;
  /** -T text: times with 9 decimals rather than 6 (a nanosecond capture; a pcapng's batches say per interface) */
  nano: boolean;
  /** display filter text (-Y), compiled in each thread */
  filter: string | null;
  /** a GeoIP database path, null for none, undefined for the bundled one */
  geoip: string | null | undefined;
  /** Decode As rules (-d), tshark's syntax */
  decodeAs?: string[];
}

/** Float64 slots per packet in PacketBatch.meta */
export const META = 12;
export const M_NUMBER = 0, M_CAPLEN = 1, M_ORIGLEN = 2, M_LINKTYPE = 3, M_IFACE = 4, M_DATA = 5,
  M_FILEOFF = 6, M_TSSEC = 7, M_TSFRAC = 8, M_TSUNIT = 9, // the last four NaN when absent
  M_FLAGS = 10, M_XDP = 11; // epb_flags and the traced XDP action, NaN when absent
/** BigInt64 slots per packet in PacketBatch.times: the arrival time, the previous timed packet's (any thread's) */
export const TIMES = 2;
/** PacketBatch.flags bits */
export const F_NO_TS = 1, F_NO_PREV = 2;

export interface PacketBatch {
  t: 'packets';
  n: number;
  meta: Float64Array;
  times: BigInt64Array;
  flags: Uint8Array;
  /** the packets' bytes, back to back (meta[M_DATA] is each one's offset) */
  data: Uint8Array;
  /** the capture's first arrival time (frame.time_relative's origin), null while none */
  first: bigint | null;
  /** pcapng comments of packet i of this batch */
  comments: Array<[number, string[]]> | null;
  /** epb_flags, the XDP action and the process of packet i of this batch, when it has any */
  extras: Array<[number, PacketExtras]> | null;
  /**
   * pcapng: each interface's tick in ns (null: unsaid) as far as the file
   * has been read, which sets the digits of -T text's Time per interface;
   * absent for a classic pcap (ReadJob.nano holds)
   */
  units?: Array<number | null>;
}

export type ToWorker = PacketBatch | { t: 'end' };

export type FromWorker =
  /** one per PacketBatch, in order: lens[i] bytes of line for its packet i (0: filtered out), the lines back to back in buf[0..bytes) */
  | { t: 'lines'; lens: Int32Array; buf: Uint8Array; bytes: number }
  | { t: 'fail'; message: string };
