// Shared by the capture-format tests: the corpus, its tshark oracle, and
// reading a file fully through the streaming reader.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CAPTURES, ORACLE } from '../../lib/env';
import { openCaptureFile, type CaptureFile, type OpenOptions } from '../../../main/engine/file/open';
import type { RawPacket } from '../../../main/engine/types';

export const captureNames = (): string[] =>
  readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort();

export const capturePath = (name: string): string => join(CAPTURES, name);

export interface OracleRow {
  number: number;
  epoch: string;
  len: number;
  capLen: number;
  protocols: string;
}

/** The oracle's frame columns (tab-separated, header row). */
export function oracleRows(name: string): OracleRow[] {
  const lines = readFileSync(join(ORACLE, `${name}.tsv`), 'utf8').split('\n').filter((l) => l.length > 0);
  const head = lines[0].split('\t');
  const col = (n: string): number => head.indexOf(n);
  return lines.slice(1).map((l) => {
    const c = l.split('\t');
    return {
      number: Number(c[col('frame.number')]),
      epoch: c[col('frame.time_epoch')],
      len: Number(c[col('frame.len')]),
      capLen: Number(c[col('frame.cap_len')]),
      protocols: c[col('frame.protocols')],
    };
  });
}

/**
 * tshark 4.0 lists pcapng Custom Blocks as frames of their own (no
 * timestamp, frame.protocols "data"; see SOURCES.md on
 * gopacket-le-test202.pcapng). That is a tshark quirk, not a packet: we do
 * not emulate it, so such rows are dropped before comparing.
 */
export function oraclePackets(name: string): OracleRow[] {
  const rows = oracleRows(name);
  return name.endsWith('.pcapng') ? rows.filter((r) => !(r.epoch === '' && r.protocols === 'data')) : rows;
}

export interface ReadResult {
  file: CaptureFile;
  packets: RawPacket[];
  batches: number;
}

/** Reads every packet (data copied, so packets outlive their chunk). */
export async function readAll(path: string, opts?: OpenOptions): Promise<ReadResult> {
  const file = await openCaptureFile(path, opts);
  const packets: RawPacket[] = [];
  let batches = 0;
  for await (const b of file.batches()) {
    batches++;
    for (const p of b) packets.push({ ...p, data: p.data.slice() });
  }
  return { file, packets, batches };
}

/** What must survive a round trip or a re-read: everything but file offsets. */
export const packetKey = (p: RawPacket): string =>
  JSON.stringify([p.number, String(p.tsNs), p.capLen, p.origLen, p.linkType, p.interfaceId,
    Buffer.from(p.data).toString('hex'), p.comments ?? []]);
