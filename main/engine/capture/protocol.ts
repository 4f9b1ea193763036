// Decoder for the helper's stdout stream (helper/PROTOCOL.md, bpf/xdpscope.h):
// frames `u32 type, u32 len, payload`, little-endian. Packet records stay
// where they arrived: a RecordBatch is a chunk and the offsets of its
// records (records.ts); only a record that straddles two chunks is copied,
// header and data together, into a batch of its own.
import type { ProcessInfo } from '../types';
import { QUEUED_BYTES_PER_RECORD, REC, RecordBatch, u32At } from './records';

export const FRAME = { HELLO: 1, PACKETS: 2, STATS: 3, REPLY: 4, PROC: 5 } as const;
export const PROTO_VERSION = 3;
const FRAME_HDR = 8;
const REC_HDR = REC.HDR;
/** struct xs_wire_proc: the fixed part of a PROC frame */
const PROC_FIXED = 40;
/** Processes remembered per capture; beyond it the oldest description goes (a record naming it again gets a fresh frame only if the helper resends, so this only bounds memory). */
const MAX_PROCS = 65536;
const HELLO_LEN = 80;
const STATS_LEN = 80;
/** The helper never sends more: a bigger length means a corrupt stream. */
const MAX_FRAME = 64 << 20;

export interface HelloInfo {
  version: number;
  ifindex: number;
  linkType: number;
  /**
   * how ingress is captured: our XDP program (native, generic); beside a
   * foreign XDP program by tracing it (every verdict: xdp.action) or, where
   * the kernel refuses tracing, through tcx ingress behind it (only what it
   * passed); or not at all (egress only)
   */
  mode: 'native' | 'generic' | 'trace' | 'after' | 'none';
  snaplen: number;
  multiBuffer: boolean;
  progId: number;
  ringBytes: number;
  ifname: string;
  /** what is captured */
  directions: 'in' | 'out' | 'inout';
  /** how egress is attached: a tcx link, a clsact filter (kernels before 6.6), or not at all */
  egressMode: 'tcx' | 'clsact' | 'none';
  /** modes 'trace' and 'after': the foreign XDP program beside which we capture */
  foreign: { id: number; name: string } | null;
  /** process attribution: running, or why not (the errno's name, e.g. 'EPERM'; null when not asked for) */
  proc: { on: true } | { on: false; errno: number | null };
}

export interface CaptureStats {
  /** wall clock when the helper sampled the counters, ns since the epoch */
  tsNs: bigint;
  /** frames the XDP program saw */
  seen: number;
  seenBytes: number;
  /** records the helper took from the ring and sent on */
  delivered: number;
  /** records lost because the ring was full (the reader fell behind) */
  ringDrops: number;
  /** rejected by the kernel filter, sampling skips included */
  filtered: number;
  sampledOut: number;
  /** arrived while paused */
  paused: number;
  /** records the helper itself dropped (always 0: it stops reading instead) */
  helperDrops: number;
  /** the last stats of a clean stop: the program is detached and the ring drained */
  final: boolean;
  /**
   * received frames dropped because their source is on the block list; not a
   * term of the identity above: they are counted there too (captured,
   * filtered, ...), so the stack received seen - blocked (ingress)
   */
  blocked: number;
}

export interface Reply {
  ok: boolean;
  message: string;
}

export interface DecoderSink {
  hello(h: HelloInfo): void;
  /** records in stream order; a batch's data stay valid as long as it is referenced */
  packets(batch: RecordBatch): void;
  stats(s: CaptureStats): void;
  reply(r: Reply): void;
}

const u64 = (b: Buffer, o: number): number => Number(b.readBigUInt64LE(o));

export function parseHello(p: Buffer): HelloInfo {
  if (p.length < HELLO_LEN) throw new Error(`helper protocol: hello frame of ${p.length} bytes, expected ${HELLO_LEN}`);
  const version = p.readUInt32LE(0);
  if (version !== PROTO_VERSION) throw new Error(`helper protocol: version ${version}, this xdpscope speaks ${PROTO_VERSION} (rebuild the helper)`);
  const cstr = (b: Buffer): string => { const nul = b.indexOf(0); return b.subarray(0, nul < 0 ? b.length : nul).toString('utf8'); };
  const dirs = p.readUInt32LE(48) & 3;
  const foreignId = p.readUInt32LE(56);
  const mode = p.readUInt32LE(12);
  return {
    version,
    ifindex: p.readUInt32LE(4),
    linkType: p.readUInt32LE(8),
    mode: mode === 1 ? 'native' : mode === 2 ? 'generic' : mode === 3 ? 'trace' : mode === 4 ? 'after' : 'none',
    snaplen: p.readUInt32LE(16),
    multiBuffer: (p.readUInt32LE(20) & 1) === 1,
    progId: p.readUInt32LE(24),
    ringBytes: p.readUInt32LE(28),
    ifname: cstr(p.subarray(32, 48)),
    directions: dirs === 1 ? 'in' : dirs === 2 ? 'out' : 'inout',
    egressMode: (['none', 'tcx', 'clsact'] as const)[p.readUInt32LE(52)] ?? 'none',
    foreign: foreignId ? { id: foreignId, name: cstr(p.subarray(60, 76)) } : null,
    proc: (p.readUInt32LE(20) & 2) === 2 ? { on: true } : { on: false, errno: p.readUInt32LE(76) || null },
  };
}

/** A PROC frame (helper/PROTOCOL.md): struct xs_wire_proc, then five u16-length strings. */
export function parseProc(p: Buffer): ProcessInfo {
  if (p.length < PROC_FIXED) throw new Error(`helper protocol: proc frame of ${p.length} bytes, expected at least ${PROC_FIXED}`);
  const strs: string[] = [];
  let at = PROC_FIXED;
  for (let i = 0; i < 5; i++) {
    if (at + 2 > p.length) { strs.push(''); continue; }
    const n = Math.min(p.readUInt16LE(at), p.length - at - 2);
    strs.push(p.subarray(at + 2, at + 2 + n).toString('utf8'));
    at += 2 + n;
  }
  const comm = p.subarray(24, 40);
  const nul = comm.indexOf(0);
  return {
    pid: p.readUInt32LE(0),
    uid: p.readUInt32LE(4),
    gid: p.readUInt32LE(8),
    name: comm.subarray(0, nul < 0 ? 16 : nul).toString('utf8'),
    exepath: strs[0],
    argv: strs[1] === '' ? [] : strs[1].split('\0'),
    user: strs[2],
    container: strs[3],
    cgroup: strs[4],
  };
}

export function parseStats(p: Buffer): CaptureStats {
  if (p.length < STATS_LEN) throw new Error(`helper protocol: stats frame of ${p.length} bytes, expected ${STATS_LEN}`);
  return {
    tsNs: p.readBigUInt64LE(0),
    seen: u64(p, 8),
    seenBytes: u64(p, 16),
    delivered: u64(p, 24),
    ringDrops: u64(p, 32),
    filtered: u64(p, 40),
    sampledOut: u64(p, 48),
    paused: u64(p, 56),
    helperDrops: u64(p, 64),
    final: p.readUInt32LE(72) === 1,
    // appended after the first 80 bytes: a helper without a block list sends none
    blocked: p.length >= STATS_LEN + 8 ? u64(p, 80) : 0,
  };
}

type State = 'frame' | 'payload' | 'rec';

export class HelperStreamDecoder {
  private state: State = 'frame';
  /** a unit split across chunks: carry[0, carryLen) of the carryNeed bytes it needs */
  private carry: Buffer | null = null;
  private carryLen = 0;
  private carryNeed = 0;
  private frameType = 0;
  /** bytes left in the current frame: a PACKETS frame's records, or another frame's payload */
  private frameLeft = 0;
  /** pid → its latest description: a record names the process described last under its pid */
  private procs = new Map<number, ProcessInfo>();
  /** the batch being gathered: records of one buffer */
  private batchBuf: Buffer | null = null;
  private batchAt = new Uint32Array(1024);
  private batchCount = 0;
  private batchBytes = 0;
  private batchProcs: Array<ProcessInfo | undefined> | null = null;
  private nextNumber = 1;
  linkType = 1;

  constructor(private readonly sink: DecoderSink, private readonly interfaceId = 0) {}

  /** Frames decoded so far in this stream start at 1 (Wireshark's frame.number). */
  get packetCount(): number {
    return this.nextNumber - 1 + this.batchCount;
  }

  /** True when the stream ended between frames (no partial frame left). */
  get atBoundary(): boolean {
    return this.state === 'frame' && this.carryLen === 0;
  }

  push(chunk: Buffer): void {
    let off = 0;
    const end = chunk.length;
    while (off < end) {
      if (this.carry) {
        off = this.fillCarry(chunk, off);
        continue;
      }
      const avail = end - off;
      if (this.state === 'rec') {
        // the common case: a whole record in this chunk, used where it lies
        if (avail < REC_HDR) { this.startCarry(chunk, off, REC_HDR); break; }
        const total = REC_HDR + this.recordData(chunk, off);
        if (avail < total) { this.startCarry(chunk, off, total); break; }
        this.record(chunk, off, total);
        off += total;
      } else if (this.state === 'frame') {
        if (avail < FRAME_HDR) { this.startCarry(chunk, off, FRAME_HDR); break; }
        this.frameHeader(chunk, off);
        off += FRAME_HDR;
      } else {
        if (avail < this.frameLeft) { this.startCarry(chunk, off, this.frameLeft); break; }
        const n = this.frameLeft;
        this.payload(chunk.subarray(off, off + n));
        off += n;
      }
    }
    this.flushBatch();
  }

  /** Starts keeping a unit of `need` bytes that this chunk holds only the start of. */
  private startCarry(chunk: Buffer, off: number, need: number): void {
    const c = Buffer.allocUnsafe(need);
    this.carryLen = chunk.copy(c, 0, off);
    this.carryNeed = need;
    this.carry = c;
  }

  /** Adds the chunk's bytes to the carried unit; handles the unit once whole. Returns the new offset. */
  private fillCarry(chunk: Buffer, off: number): number {
    const c = this.carry!;
    const take = Math.min(this.carryNeed - this.carryLen, chunk.length - off);
    chunk.copy(c, this.carryLen, off, off + take);
    this.carryLen += take;
    off += take;
    if (this.carryLen < this.carryNeed) return off;
    this.carry = null;
    this.carryLen = 0;
    if (this.state === 'frame') {
      this.frameHeader(c, 0);
    } else if (this.state === 'payload') {
      this.payload(c);
    } else {
      const total = REC_HDR + this.recordData(c, 0);
      if (total === this.carryNeed) {
        this.record(c, 0, total);
      } else {
        // only the header was carried: now the whole record, header and data in one buffer
        const r = Buffer.allocUnsafe(total);
        c.copy(r, 0, 0, REC_HDR);
        this.carry = r;
        this.carryLen = REC_HDR;
        this.carryNeed = total;
      }
    }
    return off;
  }

  private frameHeader(b: Buffer, off: number): void {
    this.frameType = b.readUInt32LE(off);
    const len = b.readUInt32LE(off + 4);
    if (len > MAX_FRAME) throw new Error(`helper protocol: frame type ${this.frameType} claims ${len} bytes`);
    this.frameLeft = len;
    if (this.frameType === FRAME.PACKETS) {
      this.nextInFrame();
    } else if (len === 0) {
      this.dispatch(Buffer.alloc(0));
    } else {
      this.state = 'payload';
    }
  }

  private payload(p: Buffer): void {
    this.frameLeft = 0;
    this.state = 'frame';
    this.dispatch(p);
  }

  /** The captured length a record's header claims, checked against what is left of its frame. */
  private recordData(b: Buffer, h: number): number {
    const capLen = u32At(b, h + REC.CAP_LEN);
    if (capLen > this.frameLeft - REC_HDR) throw new Error(`helper protocol: record of ${capLen} bytes overruns its frame`);
    return capLen;
  }

  private nextInFrame(): void {
    if (this.frameLeft >= REC_HDR) {
      this.state = 'rec';
    } else {
      if (this.frameLeft !== 0) throw new Error(`helper protocol: ${this.frameLeft} stray bytes at the end of a packets frame`);
      this.state = 'frame';
    }
  }

  /** A whole record at b[h, h + total): into the batch of b's records. */
  private record(b: Buffer, h: number, total: number): void {
    if (b !== this.batchBuf) {
      this.flushBatch();
      this.batchBuf = b;
    }
    let i = this.batchCount;
    if (i === this.batchAt.length) {
      const grown = new Uint32Array(i * 2);
      grown.set(this.batchAt);
      this.batchAt = grown;
    }
    this.batchAt[i] = h;
    this.batchCount = ++i;
    this.batchBytes += total - REC_HDR + QUEUED_BYTES_PER_RECORD;
    this.frameLeft -= total;
    // attr 0: attribution off; a pid names the process its last PROC frame described
    const pid = u32At(b, h + REC.PID);
    if (pid !== 0 && u32At(b, h + REC.ATTR) !== 0) {
      let info = this.procs.get(pid);
      if (!info) {
        // a PROC frame always comes first; a missing one is a helper bug: keep the pid
        info = { pid, name: '', exepath: '', argv: [], uid: 0, gid: 0, user: '', container: '', cgroup: '' };
        this.remember(info);
      }
      (this.batchProcs ??= [])[i - 1] = info;
    }
    this.nextInFrame();
  }

  private flushBatch(): void {
    const n = this.batchCount;
    if (n === 0) return;
    const batch = new RecordBatch(this.batchBuf!, this.batchAt.slice(0, n), n, this.nextNumber, this.linkType, this.interfaceId, this.batchProcs, this.batchBytes);
    this.nextNumber += n;
    this.batchCount = 0;
    this.batchBytes = 0;
    this.batchProcs = null;
    this.batchBuf = null;
    this.sink.packets(batch);
  }

  private remember(info: ProcessInfo): void {
    this.procs.delete(info.pid);
    if (this.procs.size >= MAX_PROCS) this.procs.delete(this.procs.keys().next().value as number);
    this.procs.set(info.pid, info);
  }

  private dispatch(p: Buffer): void {
    // Keep stream order: packets before the stats or reply that follow them.
    this.flushBatch();
    switch (this.frameType) {
      case FRAME.HELLO: {
        const h = parseHello(p);
        this.linkType = h.linkType;
        this.sink.hello(h);
        return;
      }
      case FRAME.STATS:
        this.sink.stats(parseStats(p));
        return;
      case FRAME.REPLY:
        this.sink.reply({ ok: p.length >= 4 && p.readUInt32LE(0) === 0, message: p.subarray(4).toString('utf8') });
        return;
      case FRAME.PROC:
        this.remember(parseProc(p));
        return;
      default:
        // Unknown frame types are skipped: a newer helper may add some.
        return;
    }
  }
}
