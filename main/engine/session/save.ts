// Save / Save As / Export Specified Packets: stream packets from a source
// into a new pcapng (session metadata in the SHB, comments as EPB
// opt_comment) or classic pcap file, atomically (see atomic.ts).
import { setImmediate as nextTick } from 'node:timers/promises';
import { FileSink } from '../file/sink';
import { PcapngWriter } from '../pcapng/writer';
import { PcapWriter } from '../pcap/writer';
import type { CaptureInterface, RawPacket } from '../types';
import type { CaptureFileInterface } from '../file/types';
import { TLS_KEY_LOG_SECRETS } from '../dissect/keylog';
import { writeFileAtomically } from './atomic';
import type { CommentMap } from './comments';
import { abortError, SessionFileError } from './errors';
import { encodeMetadata, type SessionMetadata } from './metadata';
import { selectionPredicate, type PacketSelection, type PacketSource } from './source';

export type SaveFormat = 'pcapng' | 'pcap';


export interface SaveOptions {
  /** 'pcapng' (default; keeps metadata and comments) or classic 'pcap' (packets only, one link type) */
  format?: SaveFormat;
  /** replace an existing file (otherwise EEXIST) */
  overwrite?: boolean;
  /** session metadata to store (pcapng only); selectedPacket is renumbered for the exported frames */
  metadata?: Partial<SessionMetadata>;
  /** the session's comments (user edits win over the packets' own comments) */
  comments?: CommentMap;
  /** which packets (default all) */
  select?: PacketSelection;
  /**
   * TLS secrets (NSS key log text) the session decrypted with: written as a
   * Decryption Secrets Block so the file decrypts anywhere (pcapng only).
   * Leave it out to strip them (an export for someone who must not read the traffic).
   */
  tlsSecrets?: string;
  /** SHB comments (the capture file comment) */
  fileComments?: string[];
  signal?: AbortSignal;
  onProgress?: (p: { packets: number; written: number }) => void;
}

export interface SaveResult {
  path: string;
  format: SaveFormat;
  /** packets written */
  packets: number;
  /** packets read from the source */
  scanned: number;
  bytes: number;
  /** selectedPacket as stored (renumbered), null when not exported */
  selectedPacket: number | null;
}

/** pcapng can store a timestamp unit that is a power of ten only; unknown → ns, which loses nothing. */
function writerUnit(iface: CaptureInterface): number {
  const u = iface.tsUnitNs ?? 1;
  const exp = Math.round(Math.log10(u));
  return exp >= 0 && exp <= 9 && 10 ** exp === u ? u : 1;
}

const YIELD_EVERY = 20_000;

/**
 * Write the selected packets of `source` to `dest`. Atomic: until it
 * resolves, `dest` is untouched; a crash or cancel leaves the old file.
 */
export async function saveSession(dest: string, source: PacketSource, opts: SaveOptions = {}): Promise<SaveResult> {
  const format = opts.format ?? 'pcapng';
  // A frame list may be a one-shot iterable: materialise it once.
  const sel = opts.select && opts.select !== 'all' && 'frames' in opts.select ? { frames: [...opts.select.frames] } : opts.select;
  const select = selectionPredicate(sel);
  const wantSelected = opts.metadata?.selectedPacket ?? null;

  // Metadata goes in the SHB, written first, so the renumbered selection must
  // be known up front: computable for a list or a range, dropped for a predicate.
  let metaSelected: number | null = wantSelected;
  if (sel && sel !== 'all' && wantSelected !== null) {
    metaSelected = null;
    if ('range' in sel && wantSelected >= sel.range[0] && wantSelected <= sel.range[1]) metaSelected = wantSelected - sel.range[0] + 1;
    if ('frames' in sel && (sel.frames as number[]).includes(wantSelected)) {
      metaSelected = new Set((sel.frames as number[]).filter((f) => f <= wantSelected)).size;
    }
  }

  const writeAll = async (tmp: string): Promise<SaveResult> => {
    let written = 0;
    let scanned = 0;
    let sinceYield = 0;
    let writePkt: (pkt: RawPacket) => void;
    let finish: () => number;
    if (format === 'pcapng') {
      const w = new PcapngWriter(new FileSink(tmp, 'wx'), {
        comments: opts.fileComments,
        customOptions: opts.metadata ? encodeMetadata({ ...opts.metadata, selectedPacket: metaSelected }) : undefined,
      });
      if (opts.tlsSecrets) w.writeDecryptionSecrets(TLS_KEY_LOG_SECRETS, Buffer.from(opts.tlsSecrets, 'latin1'));
      // Interfaces are written when first used: an export keeps only the ones
      // its packets need, and a file source learns IDBs as it reads.
      const ids = new Map<number, number>();
      writePkt = (pkt) => {
        let id = ids.get(pkt.interfaceId);
        if (id === undefined) {
          const iface = source.interfaces[pkt.interfaceId] ?? { id: pkt.interfaceId, linkType: pkt.linkType, snaplen: 262144 };
          id = w.addInterface({
            linkType: iface.linkType,
            snaplen: iface.snaplen,
            name: iface.name,
            description: iface.description,
            tsUnitNs: writerUnit(iface),
            // what a file's IDB said beyond the basics (CaptureFileInterface), kept on Save As
            os: (iface as CaptureFileInterface).os,
            filter: (iface as CaptureFileInterface).filter,
            comments: (iface as CaptureFileInterface).comments,
          });
          ids.set(pkt.interfaceId, id);
        }
        const comments = opts.comments ? opts.comments.commentsFor(pkt) : pkt.comments;
        w.writePacket(id, pkt.tsNs ?? 0n, pkt.data, pkt.origLen, comments?.length ? comments : undefined, pkt);
      };
      finish = () => { w.close(); return w.bytesWritten; };
    } else {
      let w: PcapWriter | null = null;
      let bytes = 24;
      writePkt = (pkt) => {
        if (!w) {
          const snaplen = Math.max(0, ...source.interfaces.map((i) => i.snaplen || 0)) || 262144;
          w = new PcapWriter(new FileSink(tmp, 'wx'), { linkType: pkt.linkType, snaplen });
        } else if (pkt.linkType !== w.linkType) {
          throw new SessionFileError('EFORMAT', dest, `Cannot export "${dest}" as pcap: frame ${pkt.number} has link type ${pkt.linkType} but earlier frames have ${w.linkType}; classic pcap holds one link type, save as pcapng instead`);
        }
        w.writePacket(pkt.tsNs ?? 0n, pkt.data, pkt.origLen);
        bytes += 16 + pkt.data.length;
      };
      finish = () => {
        // An empty selection still makes a valid (empty) pcap file.
        w ??= new PcapWriter(new FileSink(tmp, 'wx'), { linkType: source.interfaces[0]?.linkType ?? 1 });
        w.close();
        return bytes;
      };
    }

    try {
      for await (const batch of source.batches()) {
        if (opts.signal?.aborted) throw abortError(dest, 'Saving');
        for (const pkt of batch) {
          scanned++;
          if (!select(pkt.number, pkt)) continue;
          writePkt(pkt);
          written++;
        }
        opts.onProgress?.({ packets: scanned, written });
        sinceYield += batch.length;
        if (sinceYield >= YIELD_EVERY) {
          // Synchronous sources (the UI's packet store) would otherwise hold the event loop for the whole save.
          sinceYield = 0;
          await nextTick();
        }
      }
      if (opts.signal?.aborted) throw abortError(dest, 'Saving');
      const bytes = finish();
      return { path: dest, format, packets: written, scanned, bytes, selectedPacket: format === 'pcapng' && opts.metadata ? metaSelected : null };
    } catch (err) {
      try { finish(); } catch { /* the temp file is removed anyway */ }
      throw err;
    }
  };

  let started = false;
  try {
    return await writeFileAtomically(dest, (tmp) => {
      started = true;
      return writeAll(tmp);
    }, { overwrite: opts.overwrite, signal: opts.signal, action: format === 'pcap' ? 'export' : 'save' });
  } finally {
    // A source that was never read (refused overwrite, bad directory) still holds its file open.
    if (!started) await (source as { close?: () => Promise<void> }).close?.().catch(() => undefined);
  }
}
