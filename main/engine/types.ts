// The engine's shared vocabulary. Every part of the engine (file readers,
// live capture, dissectors, filters, insights, the UI service) speaks in
// these types, so they change only by extension.

/** LINKTYPE_* numbers (tcpdump.org/linktypes.html) the engine understands. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** One capture interface (a pcapng IDB, a pcap file header, or a live interface). */
export interface CaptureInterface {
  /** index within its source (pcapng interface id across sections, in file order) */
  id: number;
  linkType: number;
  snaplen: number;
  name?: string;
  description?: string;
  /** if_tsresol as nanoseconds per tick (1000 for µs, 1 for ns) */
  tsUnitNs?: number;
}

/** A captured frame, as read from a file or received from the helper. */
export interface RawPacket {
  /** 1-based frame number within its capture (Wireshark's frame.number) */
  number: number;
  /**
   * Arrival time in nanoseconds since the Unix epoch, or null when the
   * record has none (pcapng Simple Packet Block).
   */
  tsNs: bigint | null;
  /** bytes actually captured (data.length) */
  capLen: number;
  /** length of the frame on the wire */
  origLen: number;
  linkType: number;
  interfaceId: number;
  /** captured bytes; may be a view into a larger buffer: do not keep it beyond the packet's life without copying */
  data: Uint8Array;
  /** pcapng opt_comment values */
  comments?: string[];
  /**
   * pcapng epb_flags (Wireshark's frame.packet_flags): bits 0-1 the
   * direction (1 inbound, 2 outbound), bits 2-4 the reception type, ...
   * Absent when the record has none (classic pcap, an EPB without it).
   */
  flags?: number;
  /**
   * What the interface's foreign XDP program returned for this frame
   * (0 XDP_ABORTED, 1 XDP_DROP, 2 XDP_PASS, 3 XDP_TX, 4 XDP_REDIRECT), when
   * a live capture traced it; saved under our PEN.
   */
  xdpAction?: number;
  /**
   * The local process whose socket sent or received the frame, when a live
   * capture attributed it (or a saved one kept it); one shared object per
   * process description. See ProcessInfo.
   */
  proc?: ProcessInfo;
  /**
   * How the process was found, or why there is none (PROC_ATTR); absent
   * when attribution did not run.
   */
  procAttr?: number;
  /** byte offset of the record in its file, for error messages */
  fileOffset?: number;
  /**
   * Classic pcap only: the record's raw timestamp fields (seconds, and the
   * fraction in tsUnitNs ticks: 1000 for µs files, 1 for ns files). Kept
   * because damaged files carry fractions >= 1 s that tshark prints as-is
   * (e.g. 1418145370.1000000000), which tsNs cannot represent.
   */
  tsSec?: number;
  tsFrac?: number;
  tsUnitNs?: number;
}

/** What a pcapng record carries besides its bytes and times: saved under our PEN and epb_flags, and sent with a packet to the decoding threads. */
export type PacketExtras = Pick<RawPacket, 'flags' | 'xdpAction' | 'proc' | 'procAttr'>;

/** A local process, as the capture helper described it (Falco's field names in comments). */
export interface ProcessInfo {
  /** proc.pid (the thread group id) */
  pid: number;
  /** proc.name: the kernel's comm (at most 15 bytes) */
  name: string;
  /** proc.exepath; '' when unknown */
  exepath: string;
  /** the arguments, argv[0] first; empty when /proc could not be read in time */
  argv: string[];
  /** user.uid, group.gid */
  uid: number;
  gid: number;
  /** user.name; '' when unknown */
  user: string;
  /** the full container id (64 hex for docker/containerd/cri-o/podman, a machine name for nspawn), '' on the host */
  container: string;
  /** the cgroup v2 path ('' when unknown) */
  cgroup: string;
}

/** RawPacket.procAttr: helper/PROTOCOL.md, bpf/xdpscope.h XS_ATTR_* */
export const PROC_ATTR = {
  SOCKET: 1, FLOW: 2, BOUND: 3,
  NONE_PROTO: 16, NONE_PORT: 17, NONE_SKB: 18, NONE_OLD: 19,
} as const;

/**
 * Field value types, after Wireshark's ftypes. Representation in Field.value:
 *  uint/int/framenum → number (bigint when it does not fit 2^53)
 *  bool → boolean; string → string; float/reltime → number (seconds)
 *  abstime → bigint (ns since epoch); ipv4 → number (host-order uint32)
 *  ipv6, ether, bytes → Uint8Array; protocol/none → null
 */
export type FieldType =
  | 'none' | 'protocol' | 'uint' | 'int' | 'bool' | 'string' | 'bytes'
  | 'ether' | 'ipv4' | 'ipv6' | 'abstime' | 'reltime' | 'float' | 'framenum';

export type FieldValue = number | bigint | string | boolean | Uint8Array | null;

export interface Field {
  /** Wireshark field name, e.g. 'ip.src', 'tcp.flags.syn', or a protocol name like 'tcp' */
  name: string;
  value: FieldValue;
  /** byte range in the frame (RawPacket.data); len 0 for generated fields */
  start: number;
  len: number;
  /** what the detail tree shows, e.g. 'Source Address: 198.18.0.1'; derived from the registry when absent */
  label?: string;
  /** set for fields computed rather than read from the bytes (enrichment, analysis) */
  generated?: boolean;
  children?: Field[];
}

export type ExpertSeverity = 'chat' | 'note' | 'warn' | 'error';

export interface ExpertInfo {
  severity: ExpertSeverity;
  /** 'malformed' for anything that could not be decoded as the protocol says */
  group: 'malformed' | 'protocol' | 'sequence' | 'reassemble' | 'security' | 'comment';
  message: string;
  /** protocol layer that raised it, e.g. 'tcp' */
  protocol?: string;
  start?: number;
  len?: number;
}

/** What a packet list row shows (Wireshark's default columns). */
export interface PacketSummary {
  number: number;
  /** seconds since the first packet of the capture */
  time: number;
  source: string;
  destination: string;
  protocol: string;
  length: number;
  info: string;
}

/** The decoded packet. */
export interface Dissection {
  packet: RawPacket;
  /** protocol layers in order ('frame', 'eth', 'ip', 'tcp', 'http', ...) with their fields as children */
  tree: Field[];
  /** every field of the tree, flattened in tree order: what filters and `-T fields -e` read */
  fields: Field[];
  summary: PacketSummary;
  expert: ExpertInfo[];
  malformed: boolean;
  /** the first frame's time (ns since the epoch) the summary's time counts from, when known */
  readonly firstTsNs?: bigint | null;
}

/** A field's definition, as the filter compiler and the completion API see it. */
export interface FieldDef {
  name: string;
  type: FieldType;
  /** short human name, e.g. 'Source Address' */
  title: string;
  description?: string;
  /** symbolic values accepted in filters and shown in labels, e.g. {6: 'TCP'} */
  valueNames?: Record<number, string>;
  /** display base for integers */
  base?: 'dec' | 'hex' | 'oct';
}
