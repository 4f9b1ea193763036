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
