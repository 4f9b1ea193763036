// The one error a damaged capture produces: where (byte offset in the
// decompressed file, 1-based block/record number) and why.

export class CaptureFileError extends Error {
  override readonly name = 'CaptureFileError';
  constructor(
    /** 'pcap', 'pcapng', 'gzip' or 'file' (not a capture at all) */
    readonly format: string,
    /** byte offset of the damaged block/record in the (decompressed) file */
    readonly offset: number,
    /**
     * 1-based pcapng block number (the SHB is block 1) or pcap record number
     * (the first packet record is record 1; 0 is the file header)
     */
    readonly block: number,
    readonly reason: string,
  ) {
    super(`${format}: ${format === 'pcap' ? 'record' : 'block'} ${block} at offset ${offset}: ${reason}`);
  }
}

/**
 * A path that is not a regular file (a FIFO, a device, a socket, a
 * directory): refused before any byte is read, as a FIFO would block the
 * open until a writer comes and a device may never end.
 */
export class NotAFileError extends Error {
  override readonly name = 'NotAFileError';
  /** 'EISDIR' for a directory (what fs says for one), else 'EFTYPE' */
  readonly code: string;
  constructor(readonly path: string, readonly kind: FileKind) {
    super(`it is ${KIND_TEXT[kind]}, not a capture file: only regular files are read${kind === 'fifo' || kind === 'socket' || kind === 'character device'
      ? ' (a capture or gzip stream from a pipe is not supported: save it to a file first)' : ''}`);
    this.code = kind === 'directory' ? 'EISDIR' : 'EFTYPE';
  }
}

export type FileKind = 'fifo' | 'character device' | 'block device' | 'socket' | 'directory' | 'special file';

const KIND_TEXT: Record<FileKind, string> = {
  fifo: 'a FIFO (named pipe)',
  'character device': 'a character device',
  'block device': 'a block device',
  socket: 'a socket',
  directory: 'a directory',
  'special file': 'a special file',
};

/** What a stat result that is not a regular file is; null for a regular file. */
export function specialKind(st: { isFile(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean; isDirectory(): boolean }): FileKind | null {
  if (st.isFile()) return null;
  if (st.isFIFO()) return 'fifo';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  if (st.isSocket()) return 'socket';
  if (st.isDirectory()) return 'directory';
  return 'special file';
}
