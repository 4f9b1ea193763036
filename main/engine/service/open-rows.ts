// What a decoding thread of a parallel open (open-pool.ts) makes of its
// packets: the list's row columns, the filter index of the run and the
// per-thread conversation counters, all as typed arrays and a few new
// strings, so the service thread merges them without a dissection or an
// object per packet.
import type { FieldValue } from '../types';
import type { ColouringRule } from '../../api/index';
import { FIELD_COLUMNS } from '../../api/columns';
import { Dissector } from '../dissect/index';
import { Colouring } from '../colour/colouring';
import { FilterIndex, type IndexFragment } from '../filter/index-store';
import { GrowingSink } from '../output/writer';
import { unpack, prevOf } from '../parallel/batch';
import type { PacketBatch } from '../parallel/protocol';
import { StreamIds, summarize } from './summarize';
import { brokenDissection } from './broken';
import type { InsightsSettings, InsightsSnapshot } from '../insights/index';
import { DigestWriter, digestTransfer, type InsightsDigest } from '../insights/digest';
import type { MacNamesData } from '../enrich/manuf';
import type { GeoIpData } from '../enrich/geoip';
import { FieldIds } from '../fields/ids';

/** Field columns by type, in FIELD_COLUMNS order within each. */
export const STRING_COLS = FIELD_COLUMNS.flatMap((c, i) => (c.type === 'number' ? [] : [i]));
export const NUMBER_COLS = FIELD_COLUMNS.flatMap((c, i) => (c.type === 'number' ? [i] : []));
/** string ids per row: source, destination, protocol, then the string field columns */
export const SIDS = 3 + STRING_COLS.length;

export interface OpenJob {
  /** 'rows': a share of the conversations; 'insights': every packet, in order, into the insights engine, from the rows' digests */
  role: 'rows' | 'insights';
  colouringRules: ColouringRule[];
  insights?: InsightsSettings;
  /** 'insights': how many decoding threads digest the packets */
  lanes?: number;
  /** tables the service thread loaded once for every thread (open-pool.ts, sharedStartupData) */
  shared?: SharedStartup;
}

/** What every thread of a parallel open would otherwise load itself (null: the service thread has none either). */
export interface SharedStartup {
  manuf: MacNamesData | null;
  geoip: GeoIpData | null;
}

/** One answer per batch, in order. */
export interface RowsMsg {
  t: 'rows';
  n: number;
  /** strings first used in this batch: thread-local ids continue from the previous batch's */
  strings: string[];
  /** n × SIDS thread-local string ids */
  sids: Uint32Array;
  /** n × NUMBER_COLS.length values, NaN when absent */
  nums: Float64Array;
  /** Info texts as UTF-8, back to back; infoLen[j] bytes each */
  info: Uint8Array;
  infoLen: Uint32Array;
  colour: Uint8Array;
  /** the row's conversation: >= 0 a thread-local tcp.stream, -1 none, <= -2 a thread-local pair id (-2 - id) */
  stream: Int32Array;
  /** per packet: how many thread-local tcp.stream and udp.stream numbers it used first */
  newTcp: Uint16Array;
  newUdp: Uint16Array;
  index: IndexFragment;
  /** what the insights read of each packet's dissection (insights/digest.ts) */
  digest: InsightsDigest;
}

/**
 * Every packet of a merged batch, in file order, for the insights thread:
 * owners[k] is the decoding thread whose digests[owners[k]] holds packet k's
 * digest (its digests in file order).
 */
export interface FeedMsg { t: 'feed'; packets: PacketBatch; owners: Uint8Array; digests: InsightsDigest[] }

/** final: the insights of the whole file (or of its first stopAt packets); id -1: sent unasked when done */
export type FromOpenWorker = RowsMsg | { t: 'insights'; id: number; snapshot: InsightsSnapshot; final: boolean; packets: number } | { t: 'fed' } | { t: 'fail'; message: string };
/** snapshot: the insights so far; final: the load ended, every packet is fed (stopAt: count no packets past this many) */
export type ToOpenWorker = PacketBatch | FeedMsg | { t: 'snapshot'; id: number; final: boolean; stopAt?: number } | { t: 'end' };

const num = (v: FieldValue | undefined): number => (typeof v === 'number' ? v : NaN);

/** The rows of one thread's packets, batch after batch (its dissector keeps each conversation's state). */
export class RowMaker {
  // reuse: every packet's dissection is read to the end (rows, index, digest copy what they keep) before the next
  private readonly dis = new Dissector({ tlsKeys: null, reuse: true });
  private readonly colouring: Colouring;
  private readonly streams = new StreamIds();
  private readonly ids = new Map<string, number>([['', 0]]);
  private readonly tcpList: FieldValue[];
  private readonly udpList: FieldValue[];
  private tcpSeen = 0;
  private udpSeen = 0;
  private infoSize = 1 << 16;
  private readonly digest = new DigestWriter();
  /** each packet's field ids, found once for the colouring, the index and the digest */
  private readonly fids = new FieldIds();

  constructor(job: OpenJob) {
    this.colouring = new Colouring(job.colouringRules);
    this.tcpList = this.colouring.gather.want('tcp.stream');
    this.udpList = this.colouring.gather.want('udp.stream');
  }

  rows(b: PacketBatch): RowsMsg {
    const { n, comments } = b;
    const strings: string[] = [];
    const intern = (s: string | number | undefined): number => {
      if (s === undefined || s === '') return 0;
      const k = typeof s === 'string' ? s : String(s);
      let id = this.ids.get(k);
      if (id === undefined) { id = this.ids.size; this.ids.set(k, id); strings.push(k); }
      return id;
    };
    const sids = new Uint32Array(n * SIDS), nums = new Float64Array(n * NUMBER_COLS.length);
    const infoLen = new Uint32Array(n), colour = new Uint8Array(n), stream = new Int32Array(n);
    const newTcp = new Uint16Array(n), newUdp = new Uint16Array(n);
    const sink = new GrowingSink(this.infoSize);
    // most fields occur in a fraction of the packets: columns start at a quarter of the batch, not at 64
    const index = new FilterIndex({ initialCapacity: n >> 2 });
    let c = 0, x = 0;
    const extras = b.extras;
    this.digest.begin(n);
    for (let j = 0; j < n; j++) {
      const comment = comments !== null && c < comments.length && comments[c][0] === j ? comments[c++][1] : undefined;
      const extra = extras !== null && x < extras.length && extras[x][0] === j ? extras[x++][1] : undefined;
      const p = unpack(b, j, comment, extra);
      this.dis.setClock(b.first, prevOf(b, j));
      let d;
      try { d = this.dis.dissect(p); } catch (e) { d = brokenDissection(p, e); }
      const ids = this.fids.of(d.fields);
      const s = summarize(d, this.streams, this.colouring, ids);
      const o = j * SIDS;
      sids[o] = intern(s.source); sids[o + 1] = intern(s.destination); sids[o + 2] = intern(s.protocol);
      for (let k = 0; k < STRING_COLS.length; k++) sids[o + 3 + k] = intern(s.fields[STRING_COLS[k]!] as string | undefined);
      for (let k = 0; k < NUMBER_COLS.length; k++) nums[j * NUMBER_COLS.length + k] = num(s.fields[NUMBER_COLS[k]!]);
      const at = sink.pos;
      sink.write(s.info);
      infoLen[j] = sink.pos - at;
      colour[j] = s.colour;
      // tcp.stream and udp.stream count this thread's conversations: the service thread renumbers them in file order
      let tcp = false;
      for (const v of this.tcpList) {
        if (typeof v !== 'number') continue;
        tcp = true;
        while (v >= this.tcpSeen) { this.tcpSeen++; newTcp[j]++; }
      }
      for (const v of this.udpList) {
        if (typeof v !== 'number') continue;
        while (v >= this.udpSeen) { this.udpSeen++; newUdp[j]++; }
      }
      stream[j] = tcp || s.stream < 0 ? s.stream : -2 - s.stream;
      index.addIds(d, ids);
      this.digest.add(d, ids);
    }
    this.infoSize = Math.max(this.infoSize, sink.pos);
    return {
      t: 'rows', n, strings, sids, nums, info: sink.buf.subarray(0, sink.pos), infoLen, colour, stream, newTcp, newUdp, index: index.fragment(),
      digest: this.digest.finish(),
    };
  }
}

/** The buffers a rows message hands over. */
export function rowsTransfer(m: RowsMsg): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>([m.sids.buffer, m.nums.buffer, m.info.buffer, m.infoLen.buffer, m.colour.buffer, m.stream.buffer, m.newTcp.buffer, m.newUdp.buffer] as ArrayBuffer[]);
  for (const c of m.index.cols) { out.add(c.pkts.buffer as ArrayBuffer); if (c.vals) out.add(c.vals.buffer as ArrayBuffer); }
  for (const b of digestTransfer(m.digest)) out.add(b);
  return [...out];
}
