// Ring-buffer capture files, as dumpcap's -b: a capture that runs for days
// writes a series of pcapng files, switching to the next one after
// `filesize` kB (1 kB = 1000 bytes, as dumpcap 4.0), `duration` seconds,
// `packets` packets, or when the wall clock passes a multiple of `interval`
// seconds, and keeps only the newest `files` of them.
//
// Files are named as dumpcap names them: the -w name split at its last dot
// into prefix and suffix, then `prefix_NNNNN_YYYYmmddHHMMSS.suffix` (file
// number from 00001, local time at the file's creation). Each file is a whole
// pcapng (its own section header and interface blocks), so tshark and
// Wireshark open any one of them alone; each is created private (0600, never
// through a link: file/private.ts via FileSink).
//
//   const ring = new RingFileWriter('/var/cap/lab.pcapng', { filesizeKB: 100000, files: 10 },
//     { interfaces: [{ linkType: 1, snaplen: 262144, name: 'eth0' }] });
//   ring.writePacket(0, tsNs, data, origLen);
//   ring.tick();   // at least every second: time-based switches happen without traffic too
//   ring.close();
import { unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FileSink } from './sink';
import type { RecordBatch } from '../capture/records';
import { PcapngWriter, type InterfaceOptions, type InterfaceStatsOptions, type PacketExtras, type PcapngWriterOptions } from '../pcapng/writer';

export interface RingOptions {
  /** switch after this many kB (1000 bytes) */
  filesizeKB?: number;
  /** keep at most this many files, deleting the oldest */
  files?: number;
  /** switch after this many seconds */
  durationS?: number;
  /** switch when the wall clock passes a multiple of this many seconds */
  intervalS?: number;
  /** switch after this many packets */
  packets?: number;
}

/** dumpcap numbers files modulo this (%05u) */
const MAX_FILE_NUMBER = 100000;
/** dumpcap's limit on filesize: 2 GiB in kB */
const MAX_FILESIZE_KB = 2_000_000_000 / 1000;

/**
 * Parses one dumpcap -b argument (`filesize:KB`, `files:N`, `duration:S`,
 * `interval:S`, `packets:N`) into `into`; returns a message on bad input.
 */
export function parseRingOption(spec: string, into: RingOptions): string | null {
  const m = /^(filesize|files|duration|interval|packets):(.*)$/.exec(spec);
  if (!m) return `-b: '${spec}' is not filesize:KB, files:N, duration:SECS, interval:SECS or packets:N`;
  const [, key, value] = m;
  const decimal = key === 'duration';
  if (!(decimal ? /^\d+(\.\d+)?$/ : /^\d+$/).test(value) || Number(value) <= 0) {
    return `-b ${key}: '${value}' is not a ${decimal ? 'positive number' : 'whole number above 0'}`;
  }
  const n = Number(value);
  switch (key) {
    case 'filesize':
      if (n > MAX_FILESIZE_KB) return `-b filesize: ${value} kB is more than dumpcap's limit of ${MAX_FILESIZE_KB} kB (2 GB)`;
      into.filesizeKB = n;
      break;
    case 'files':
      if (n >= MAX_FILE_NUMBER) return `-b files: ${value} is more than ${MAX_FILE_NUMBER - 1}`;
      into.files = n;
      break;
    case 'duration': into.durationS = n; break;
    case 'interval': into.intervalS = n; break;
    case 'packets': into.packets = n; break;
  }
  return null;
}

/** Whether anything would ever make the ring switch files (files:N alone does not, as in dumpcap). */
export function ringSwitches(o: RingOptions): boolean {
  return o.filesizeKB !== undefined || o.durationS !== undefined || o.intervalS !== undefined || o.packets !== undefined;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** dumpcap's ring file name for file number `n` (1-based) created at `when`. */
export function ringFileName(base: string, n: number, when: Date): string {
  const dir = dirname(base);
  const name = basename(base);
  const dot = name.lastIndexOf('.');
  const [prefix, suffix] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const stamp = `${when.getFullYear()}${pad(when.getMonth() + 1)}${pad(when.getDate())}` +
    `${pad(when.getHours())}${pad(when.getMinutes())}${pad(when.getSeconds())}`;
  return join(dir, `${prefix}_${pad(n % MAX_FILE_NUMBER, 5)}_${stamp}${suffix}`);
}

export interface RingWriterSetup {
  /** the interface blocks every file starts with, in this order (writePacket's ifaceId indexes them) */
  interfaces: InterfaceOptions[];
  writer?: PcapngWriterOptions;
  /** clock in ms (tests) */
  now?: () => number;
  /** told each time a file is complete (closed) or deleted */
  onFile?: (e: { closed?: string; deleted?: string }) => void;
  /** dumpcap's -a files:N: after this many files the ring is done (no next file; writePacket answers false) */
  stopAfterFiles?: number;
}

export class RingFileWriter {
  private writer: PcapngWriter | null = null;
  private fileNumber = 0;
  private openedAt = 0;
  private packetsInFile = 0;
  /** newest last */
  private readonly kept: string[] = [];
  private readonly now: () => number;
  private closed = false;
  /** stopAfterFiles reached: the last file is closed and nothing more is written */
  done = false;
  /** the file being written */
  current = '';
  /** the file the last packet went into (`current` may be the next one already) */
  lastFile = '';
  packetsWritten = 0;

  constructor(private readonly base: string, private readonly opts: RingOptions, private readonly setup: RingWriterSetup) {
    this.now = setup.now ?? Date.now;
    this.open();
  }

  /** The files on disk, oldest first (the current one last). */
  get files(): readonly string[] {
    return this.kept;
  }

  private open(): void {
    const t = this.now();
    this.fileNumber++;
    const path = ringFileName(this.base, this.fileNumber, new Date(t));
    const w = new PcapngWriter(new FileSink(path), this.setup.writer);
    for (const i of this.setup.interfaces) w.addInterface(i);
    w.flush();
    this.writer = w;
    this.current = path;
    this.openedAt = t;
    this.packetsInFile = 0;
    this.kept.push(path);
    // the oldest go only once the new one exists: a failed create loses no data
    while (this.opts.files !== undefined && this.kept.length > this.opts.files) {
      const old = this.kept.shift()!;
      try {
        unlinkSync(old);
      } catch (e) {
        // someone moved it away already: nothing of ours is lost
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`deleting the oldest ring file ${old}: ${(e as Error).message}`, { cause: e });
      }
      this.setup.onFile?.({ deleted: old });
    }
  }

  private switchFile(): void {
    const finished = this.current;
    this.writer!.close();
    this.writer = null;
    this.setup.onFile?.({ closed: finished });
    if (this.setup.stopAfterFiles !== undefined && this.fileNumber >= this.setup.stopAfterFiles) {
      this.done = true;
      return;
    }
    this.open();
  }

  private timeIsUp(t: number): boolean {
    if (this.opts.durationS !== undefined && t - this.openedAt >= this.opts.durationS * 1000) return true;
    if (this.opts.intervalS !== undefined) {
      const ms = this.opts.intervalS * 1000;
      if (Math.floor(t / ms) !== Math.floor(this.openedAt / ms)) return true;
    }
    return false;
  }

  private live(): PcapngWriter {
    if (this.closed || !this.writer) throw new Error('ring file writer: used after close()');
    return this.writer;
  }

  /** Writes a packet; false (nothing written) once the ring is done (stopAfterFiles). */
  writePacket(ifaceId: number, tsNs: bigint, data: Uint8Array, origLen: number, extras?: PacketExtras): boolean {
    if (this.done) return false;
    this.live();
    // a packet arriving after the switch time opens the next file, as in dumpcap's loop
    if (this.timeIsUp(this.now())) {
      this.switchFile();
      if (this.done) return false;
    }
    const w = this.writer!;
    w.writePacket(ifaceId, tsNs, data, origLen, undefined, extras);
    this.lastFile = this.current;
    this.packetsInFile++;
    this.packetsWritten++;
    if ((this.opts.filesizeKB !== undefined && w.bytesWritten + w.pendingBytes >= this.opts.filesizeKB * 1000) ||
        (this.opts.packets !== undefined && this.packetsInFile >= this.opts.packets)) {
      this.switchFile();
    }
    return true;
  }

  /**
   * Writes records [from, to) of a capture batch (PcapngWriter.writeRecords),
   * switching files where writePacket would; returns the index after the
   * last record written: short of `to` only once the ring is done
   * (stopAfterFiles). The clock is read once per batch: its records arrived
   * together.
   */
  writeRecords(ifaceId: number, r: RecordBatch, from = 0, to = r.count): number {
    if (this.done) return from;
    this.live();
    if (this.timeIsUp(this.now())) {
      this.switchFile();
      if (this.done) return from;
    }
    const o = this.opts;
    const untilBytes = o.filesizeKB !== undefined ? o.filesizeKB * 1000 : Infinity;
    let i = from;
    while (i < to) {
      const w = this.writer!;
      const upTo = o.packets !== undefined ? Math.min(to, i + o.packets - this.packetsInFile) : to;
      const next = w.writeRecords(ifaceId, r, i, upTo, untilBytes);
      this.lastFile = this.current;
      this.packetsInFile += next - i;
      this.packetsWritten += next - i;
      i = next;
      if (w.bytesWritten + w.pendingBytes >= untilBytes || (o.packets !== undefined && this.packetsInFile >= o.packets)) {
        this.switchFile();
        if (this.done) break;
      }
    }
    return i;
  }

  /** Switches on time even when no packet comes; call at least once a second. */
  tick(): void {
    if (this.done) return;
    this.live();
    if (this.timeIsUp(this.now())) this.switchFile();
  }

  flush(opts: { fsync?: boolean } = {}): void {
    if (!this.done) this.live().flush(opts);
  }

  /** Interface statistics go into the file being written (the last one at the end of a capture). */
  writeInterfaceStats(ifaceId: number, s: InterfaceStatsOptions): void {
    if (!this.done) this.live().writeInterfaceStats(ifaceId, s);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const w = this.writer;
    this.writer = null;
    if (w) {
      w.close();
      this.setup.onFile?.({ closed: this.current });
    }
  }
}
