// pcapng constants (draft-ietf-opsawg-pcapng) shared by reader and writer.

export const BLOCK = {
  SHB: 0x0a0d0d0a,
  IDB: 0x00000001,
  OPB: 0x00000002,
  SPB: 0x00000003,
  NRB: 0x00000004,
  ISB: 0x00000005,
  EPB: 0x00000006,
  DSB: 0x0000000a,
  /** Custom Block that tools may copy into a new file */
  CUSTOM: 0x00000bad,
  /** Custom Block that tools must not copy */
  CUSTOM_NOCOPY: 0x40000bad,
} as const;

export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

export const OPT = {
  END: 0,
  COMMENT: 1,
  SHB_HARDWARE: 2,
  SHB_OS: 3,
  SHB_USERAPPL: 4,
  IF_NAME: 2,
  IF_DESCRIPTION: 3,
  IF_SPEED: 8,
  IF_TSRESOL: 9,
  IF_FILTER: 11,
  IF_OS: 12,
  IF_FCSLEN: 13,
  IF_TSOFFSET: 14,
  EPB_FLAGS: 2,
  NS_DNSNAME: 2,
  ISB_STARTTIME: 2,
  ISB_ENDTIME: 3,
  ISB_IFRECV: 4,
  ISB_IFDROP: 5,
  ISB_FILTERACCEPT: 6,
  ISB_OSDROP: 7,
  ISB_USRDELIV: 8,
} as const;

/**
 * Per-packet data of our own in an EPB: a custom option (code 2989, binary,
 * copyable) whose value is this PEN (IANA's example enterprise number, as
 * the session metadata uses), one type byte, then the value.
 */
export const XDPSCOPE_PEN = 32473;
export const OPT_CUSTOM_BINARY = 2989;
export const PKT_OPT = {
  /** u8: the foreign XDP program's action (0 XDP_ABORTED … 4 XDP_REDIRECT) */
  XDP_ACTION: 1,
  /**
   * u8 how it was found (RawPacket.procAttr), then UTF-8 JSON of the
   * process: {pid, name, exepath, argv, uid, gid, user, container, cgroup}
   * (RawPacket.proc). Without the JSON: attribution ran and found none.
   */
  PROC: 2,
} as const;

/** Largest packet we read or write: Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD. */
export const MAX_PACKET_LEN = 262144;
/** Largest block we accept: bounds memory and catches corrupted lengths early. */
export const MAX_BLOCK_LEN = 16 * 1024 * 1024;

export const pad4 = (n: number): number => (n + 3) & ~3;
