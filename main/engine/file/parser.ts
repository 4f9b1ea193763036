// Picks the record parser for a file from its first four bytes.
import { CaptureFileError } from './errors';
import type { RecordParser } from './types';
import { PcapParser, isPcapMagic } from '../pcap/reader';
import { PcapngParser } from '../pcapng/reader';
import { BLOCK } from '../pcapng/format';

export const GZIP_MAGIC = [0x1f, 0x8b] as const;

export const isGzip = (head: Uint8Array): boolean => head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];

/** A parser for the capture that starts with `head` (at least 4 bytes), or a CaptureFileError. */
export function parserFor(head: Uint8Array, compressed = false): RecordParser | CaptureFileError {
  const what = compressed ? 'decompressed file' : 'file';
  if (head.length < 4) {
    return new CaptureFileError('file', 0, 0, `${what} is too short (${head.length} bytes) to be a capture`);
  }
  const m = (head[0] | head[1] << 8 | head[2] << 16 | head[3] << 24) >>> 0;
  if (m === BLOCK.SHB) return new PcapngParser();
  if (isPcapMagic(m)) return new PcapParser();
  // The reason never quotes the bytes: the file may be anything the reader may read (a key, a
  // password file), and this text reaches whoever asked to open it.
  return new CaptureFileError('file', 0, 0, `${what} is not a capture file (neither pcap nor pcapng)`);
}
