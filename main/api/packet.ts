// One packet: its decoded tree, the stream it belongs to, its comments
// (main/engine/service/handlers/packet.ts answers these).
import { z } from 'zod';
import { bytes, call, nat } from './common';

// pcapng option values are at most 65535 bytes; keep comments well inside.
const comment = z.string().min(1).max(16_000);

/** A node of the decoded tree, ready to display (values already formatted). */
export interface DetailNode {
  name: string;
  label: string;
  /** the value as a display filter writes it (absent for protocols and generated text) */
  value?: string;
  start: number;
  len: number;
  generated?: boolean;
  children?: DetailNode[];
}
// Recursive, so its type is written out above and the schema checked against it.
export const detailNode: z.ZodType<DetailNode> = z.lazy(() => z.object({
  name: z.string(), label: z.string(), value: z.string().optional(), start: z.number(), len: z.number(),
  generated: z.boolean().optional(), children: z.array(detailNode).optional(),
}));

export const enrichedInfo = z.object({
  arrival: z.string().optional(),
  srcCountry: z.string().optional(),
  dstCountry: z.string().optional(),
  userAgent: z.string().optional(),
  userAgentFamily: z.string().optional(),
  contentLength: z.number().optional(),
  host: z.string().optional(),
  sni: z.string().optional(),
  dnsName: z.string().optional(),
});
export type EnrichedInfo = z.infer<typeof enrichedInfo>;

/** The detail pane's "Process" section: the packet's local process, or why none (absent: attribution did not run) */
export const processDetails = z.object({
  pid: z.number().optional(),
  name: z.string().optional(),
  exepath: z.string().optional(),
  cmdline: z.string().optional(),
  uid: z.number().optional(),
  user: z.string().optional(),
  container: z.string().optional(),
  /** how the packet was joined to its socket: socket, flow, bound */
  match: z.string().optional(),
  /** why no process is named */
  none: z.string().optional(),
}).strict();
export type ProcessDetails = z.infer<typeof processDetails>;

export const packetDetails = z.object({
  number: nat,
  tree: z.array(detailNode),
  bytes,
  enriched: enrichedInfo,
  process: processDetails.optional(),
  expert: z.array(z.object({ severity: z.string(), message: z.string(), protocol: z.string().optional() })),
  /** field name → byte range, for the enriched items that come from bytes (e.g. http.user_agent) */
  highlights: z.record(z.string(), z.object({ start: z.number(), len: z.number() })),
  /** 'tcp.stream eq N' when the packet belongs to a TCP stream */
  streamFilter: z.string().optional(),
  /** the packet's comments (also the "Packet comments" tree section) */
  comments: z.array(z.string()).optional(),
});
export type PacketDetails = z.infer<typeof packetDetails>;

export const streamFollow = z.object({
  filter: z.string(),
  /** which follow this is ('tcp' when absent; 'tls': the decrypted application data, one chunk per record; 'http2': one HTTP/2 stream) */
  protocol: z.enum(['tcp', 'udp', 'tls', 'http2']).optional(),
  /** client = the side that sent the first packet */
  client: z.string(),
  server: z.string(),
  /**
   * chunks in Wireshark's order; `missing` marks a stand-in for bytes the
   * capture lost but the peer acknowledged (data is Wireshark's text for it)
   */
  segments: z.array(z.object({ fromClient: z.boolean(), number: nat, data: bytes, missing: z.number().optional() })),
  /** the stream has more than the follow returns (it stops after FOLLOW_MAX_BYTES of payload) */
  truncated: z.boolean().optional(),
  clientBytes: nat,
  serverBytes: nat,
});
export type StreamFollow = z.infer<typeof streamFollow>;

const comments = z.object({ number: nat, comments: z.array(z.string()) });

export const packetApi = {
  getDetails: call(z.object({ number: nat }).strict(), packetDetails),
  /** http2: the HTTP/2 stream `streamId` of the packet's TCP connection (default: the packet's first non-zero stream id) */
  followStream: call(z.object({ number: nat, protocol: z.enum(['tcp', 'udp', 'tls', 'http2']).optional(), streamId: nat.optional() }).strict(), streamFollow),
  /** packet comments (saved as pcapng opt_comment, filterable as frame.comment) */
  addComment: call(z.object({ number: nat, text: comment }).strict(), comments),
  editComment: call(z.object({ number: nat, index: nat, text: comment }).strict(), comments),
  deleteComment: call(z.object({ number: nat, index: nat.optional() }).strict(), comments),
};
