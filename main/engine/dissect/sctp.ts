// SCTP (RFC 9260 and its extensions: RFC 3758 FORWARD TSN, RFC 4895 AUTH,
// RFC 5061 ASCONF, RFC 6525 RE-CONFIG, RFC 8260 I-DATA, RFC 4820 PAD), as
// tshark 4.0's packet-sctp.c shows it with its default preferences: the
// checksum not verified, relative TSNs per direction (a direction is its
// ports and verification tag; the other direction is found by ports and
// addresses), TSN analysis marking retransmissions (its SACK side matches
// nothing once TSNs are relative, so neither does ours), user messages
// split over DATA chunks reassembled, and every chunk type tshark knows
// field by field. Info lists the chunks as tshark does ("SACK (Ack=2,
// Arwnd=106496) DATA (TSN=3) "). DATA payloads go to the protocol its
// PPID or port names (SCTP_PPI, SCTP_PORT), else data.
//
// tshark reads every length from the packet and throws where a read runs
// past the bytes; the dissection here follows its reads through `View`s
// (a sub-buffer's reported and captured ends), so a lying length stops it
// at the same field: past the reported end the packet is malformed, past
// the captured end of a frame the capture cut, it is "size limited".
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX8, HEX16, HEX32, treeLine } from './fields';
import { Bounded } from './conv';
import { dissectData } from './data';
import * as readers from './bytes';
import * as tables from './tables';
const { IP_PROTO, SCTP_PORT, SCTP_PPI } = tables;
const { u16, u32 } = readers;

const CHUNK_TYPES: Record<number, string> = {
  0: 'DATA', 1: 'INIT', 2: 'INIT_ACK', 3: 'SACK', 4: 'HEARTBEAT', 5: 'HEARTBEAT_ACK', 6: 'ABORT', 7: 'SHUTDOWN', 8: 'SHUTDOWN_ACK', 9: 'ERROR',
  10: 'COOKIE_ECHO', 11: 'COOKIE_ACK', 12: 'ECNE', 13: 'CWR', 14: 'SHUTDOWN_COMPLETE', 15: 'AUTH', 16: 'NR_SACK', 64: 'I_DATA', 128: 'ASCONF_ACK',
  129: 'PKTDROP', 130: 'RE_CONFIG', 132: 'PAD', 192: 'FORWARD_TSN', 193: 'ASCONF', 194: 'I_FORWARD_TSN', 255: 'IETF_EXTENSION',
};
const PARAMETER_TYPES: Record<number, string> = {
  0x1: 'Heartbeat info', 0x5: 'IPv4 address', 0x6: 'IPv6 address', 0x7: 'State cookie', 0x8: 'Unrecognized parameter', 0x9: 'Cookie preservative',
  0xb: 'Hostname address', 0xc: 'Supported address types', 0xd: 'Outgoing SSN reset request', 0xe: 'Incoming SSN reset request',
  0xf: 'SSN/TSN reset request', 0x10: 'Re-configuration response', 0x11: 'Add outgoing streams request', 0x12: 'Add incoming streams request',
  0x8000: 'ECN', 0x8002: 'Random', 0x8003: 'Authenticated Chunk list', 0x8004: 'Requested HMAC Algorithm', 0x8008: 'Supported Extensions',
  0xc000: 'Forward TSN supported', 0xc001: 'Add IP address', 0xc002: 'Delete IP address', 0xc003: 'Error cause indication',
  0xc004: 'Set primary address', 0xc005: 'Success report', 0xc006: 'Adaptation Layer Indication',
};
const CAUSE_CODES: Record<number, string> = {
  0x1: 'Invalid stream identifier', 0x2: 'Missing mandatory parameter', 0x3: 'Stale cookie error', 0x4: 'Out of resource', 0x5: 'Unresolvable address',
  0x6: 'Unrecognized chunk type', 0x7: 'Invalid mandatory parameter', 0x8: 'Unrecognized parameters', 0x9: 'No user data',
  0xa: 'Cookie received while shutting down', 0xb: 'Restart of an association with new addresses', 0xc: 'User initiated ABORT', 0xd: 'Protocol violation',
  0xa0: 'Request to delete last address', 0xa1: 'Operation refused due to resource shortage', 0xa2: 'Request to delete source address',
  0xa3: 'Association Aborted due to illegal ASCONF-ACK', 0xa4: 'Request refused - no authorization', 0x105: 'Unsupported HMAC identifier',
};
/** tshark 4.0's payload protocol identifier names (sctpppids.h) */
const PPIDS: Record<number, string> = {
  0: 'not specified', 1: 'IUA', 2: 'M2UA', 3: 'M3UA', 4: 'SUA', 5: 'M2PA', 6: 'V5UA', 7: 'H.248/MEGACO', 8: 'BICC/Q.2150.3', 9: 'TALI', 10: 'DUA',
  11: 'ASAP', 12: 'ENRP', 13: 'H.323', 14: 'Q.IPC/Q.2150.3', 15: 'SIMCO', 16: 'DDP Segment Chunk', 17: 'DDP Stream Session Control',
  18: 'S1 Application Protocol (S1AP)', 19: 'RUA', 20: 'HNBAP', 21: 'ForCES-HP', 22: 'ForCES-MP', 23: 'ForCES-LP', 24: 'SBc-AP', 25: 'NBAP',
  26: 'Unassigned', 27: 'X2AP', 28: 'IRCP', 29: 'LCS-AP', 30: 'MPICH2', 31: 'SABP', 32: 'Fractal Generator Protocol', 33: 'Ping Pong Protocol',
  34: 'CalcApp Protocol', 35: 'Scripting Service Protocol', 36: 'NetPerfMeter Control', 37: 'NetPerfMeter Data', 38: 'Echo', 39: 'Discard',
  40: 'Daytime', 41: 'Character Generator', 42: '3GPP RNA', 43: '3GPP M2AP', 44: '3GPP M3AP', 45: 'SSH', 46: 'DIAMETER', 47: 'DIAMETER over DTLS',
  48: 'R14P', 49: 'Generic Data Transfer Protocol (GDT)', 50: 'WebRTC Control', 51: 'WebRTC String', 52: 'WebRTC Binary Partial (Deprecated)',
  53: 'WebRTC Binary', 54: 'WebRTC String Partial (Deprecated)', 55: '3GPP PUA', 56: 'WebRTC String Empty', 57: 'WebRTC Binary Empty', 58: 'XwAP',
  59: 'Xw - Control Plane', 60: 'NGAP', 61: 'XnAP', 62: 'F1 AP', 65: 'ELE2 Lawful Interception', 66: 'NGAP over DTLS', 67: 'XnAP over DTLS',
  68: 'F1AP over DTLS', 69: 'E1AP over DTLS', 70: 'E2-CP', 71: 'E2-UP', 72: 'E2-DU', 73: 'W1AP',
};
const HMAC_IDS: Record<number, string> = { 0: 'Reserved', 1: 'SHA-1', 2: 'Reserved', 3: 'SHA-256' };
const RECONFIG_RESULTS: Record<number, string> = {
  0: 'Nothing to do', 1: 'Performed', 2: 'Denied', 3: 'Error - Wrong SSN', 4: 'Error - Request already in progress', 5: 'Error - Bad sequence number', 6: 'In progress',
};
const ADDRESS_TYPES: Record<number, string> = { 5: 'IPv4 address', 6: 'IPv6 address', 11: 'Hostname address' };

declare('sctp', 'Stream Control Transmission Protocol', [
  ['sctp.srcport', 'uint', 'Source port'],
  ['sctp.dstport', 'uint', 'Destination port'],
  ['sctp.port', 'uint', 'Port'],
  ['sctp.verification_tag', 'uint', 'Verification tag', HEX32],
  ['sctp.assoc_index', 'uint', 'Association index'],
  ['sctp.checksum', 'uint', 'Checksum', HEX32],
  ['sctp.checksum.status', 'uint', 'Checksum Status', { valueNames: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' } }],
  ['sctp.chunk_type', 'uint', 'Chunk type', { valueNames: CHUNK_TYPES }],
  ['sctp.chunk_bit_1', 'bool', 'Bit'],
  ['sctp.chunk_bit_2', 'bool', 'Bit'],
  ['sctp.chunk_flags', 'uint', 'Chunk flags', HEX8],
  ['sctp.chunk_length', 'uint', 'Chunk length'],
  ['sctp.chunk_padding', 'bytes', 'Chunk padding'],
  ['sctp.chunk_value', 'bytes', 'Chunk value'],
  ['sctp.cookie', 'bytes', 'Cookie'],
  ['sctp.initiate_tag', 'uint', 'Initiate tag', HEX32],
  ['sctp.init_initiate_tag', 'uint', 'Initiate tag', HEX32],
  ['sctp.init_credit', 'uint', 'Advertised receiver window credit (a_rwnd)'],
  ['sctp.init_nr_out_streams', 'uint', 'Number of outbound streams'],
  ['sctp.init_nr_in_streams', 'uint', 'Number of inbound streams'],
  ['sctp.init_initial_tsn', 'uint', 'Initial TSN'],
  ['sctp.initack_initiate_tag', 'uint', 'Initiate tag', HEX32],
  ['sctp.initack_credit', 'uint', 'Advertised receiver window credit (a_rwnd)'],
  ['sctp.initack_nr_out_streams', 'uint', 'Number of outbound streams'],
  ['sctp.initack_nr_in_streams', 'uint', 'Number of inbound streams'],
  ['sctp.initack_initial_tsn', 'uint', 'Initial TSN'],
  ['sctp.data_tsn', 'uint', 'Transmission sequence number (relative)'],
  ['sctp.data_tsn_raw', 'uint', 'Transmission sequence number (absolute)'],
  ['sctp.data_sid', 'uint', 'Stream identifier', HEX16],
  ['sctp.data_ssn', 'uint', 'Stream sequence number'],
  ['sctp.data_payload_proto_id', 'uint', 'Payload protocol identifier', { valueNames: PPIDS }],
  ['sctp.data_reserved', 'uint', 'Reserved'],
  ['sctp.data_mid', 'uint', 'Message identifier'],
  ['sctp.data_fsn', 'uint', 'Fragment sequence number'],
  ['sctp.data_e_bit', 'bool', 'E-Bit'],
  ['sctp.data_b_bit', 'bool', 'B-Bit'],
  ['sctp.data_u_bit', 'bool', 'U-Bit'],
  ['sctp.data_i_bit', 'bool', 'I-Bit'],
  ['sctp.sack_nounce_sum', 'uint', 'Nounce sum'],
  ['sctp.sack_cumulative_tsn_ack', 'uint', 'Cumulative TSN ACK (relative)'],
  ['sctp.sack_cumulative_tsn_ack_raw', 'uint', 'Cumulative TSN ACK (absolute)'],
  ['sctp.sack_a_rwnd', 'uint', 'Advertised receiver window credit (a_rwnd)'],
  ['sctp.sack_number_of_gap_blocks', 'uint', 'Number of gap acknowledgement blocks'],
  ['sctp.sack_number_of_duplicated_tsns', 'uint', 'Number of duplicated TSNs'],
  ['sctp.sack_gap_block_start', 'uint', 'Start'],
  ['sctp.sack_gap_block_start_tsn', 'uint', 'Start TSN'],
  ['sctp.sack_gap_block_end', 'uint', 'End'],
  ['sctp.sack_gap_block_end_tsn', 'uint', 'End TSN'],
  ['sctp.sack_number_of_tsns_gap_acked', 'uint', 'Number of TSNs in gap acknowledgement blocks'],
  ['sctp.sack_duplicate_tsn', 'uint', 'Duplicate TSN'],
  ['sctp.nr_sack_nounce_sum', 'uint', 'Nounce sum'],
  ['sctp.nr_sack_cumulative_tsn_ack', 'uint', 'Cumulative TSN ACK'],
  ['sctp.nr_sack_a_rwnd', 'uint', 'Advertised receiver window credit (a_rwnd)'],
  ['sctp.nr_sack_number_of_gap_blocks', 'uint', 'Number of gap acknowledgement blocks'],
  ['sctp.nr_sack_number_of_nr_gap_blocks', 'uint', 'Number of nr-gap acknowledgement blocks'],
  ['sctp.nr_sack_number_of_duplicated_tsns', 'uint', 'Number of duplicated TSNs'],
  ['sctp.nr_sack_reserved', 'uint', 'Reserved', HEX16],
  ['sctp.nr_sack_gap_block_start', 'uint', 'Start'],
  ['sctp.nr_sack_gap_block_start_tsn', 'uint', 'Start TSN'],
  ['sctp.nr_sack_gap_block_end', 'uint', 'End'],
  ['sctp.nr_sack_gap_block_end_tsn', 'uint', 'End TSN'],
  ['sctp.nr_sack_number_of_tsns_gap_acked', 'uint', 'Number of TSNs in gap acknowledgement blocks'],
  ['sctp.nr_sack_nr_gap_block_start', 'uint', 'Start'],
  ['sctp.nr_sack_nr_gap_block_start_tsn', 'uint', 'Start TSN'],
  ['sctp.nr_sack_nr_gap_block_end', 'uint', 'End'],
  ['sctp.nr_sack_nr_gap_block_end_tsn', 'uint', 'End TSN'],
  ['sctp.nr_sack_number_of_tsns_nr_gap_acked', 'uint', 'Number of TSNs in nr-gap acknowledgement blocks'],
  ['sctp.nr_sack_duplicate_tsn', 'uint', 'Duplicate TSN'],
  ['sctp.shutdown_cumulative_tsn_ack', 'uint', 'Cumulative TSN Ack'],
  ['sctp.ecne_lowest_tsn', 'uint', 'Lowest TSN'],
  ['sctp.cwr_lowest_tsn', 'uint', 'Lowest TSN'],
  ['sctp.shutdown_complete_t_bit', 'bool', 'T-Bit'],
  ['sctp.abort_t_bit', 'bool', 'T-Bit'],
  ['sctp.forward_tsn_tsn', 'uint', 'New cumulative TSN'],
  ['sctp.forward_tsn_sid', 'uint', 'Stream identifier'],
  ['sctp.forward_tsn_ssn', 'uint', 'Stream sequence number'],
  ['sctp.i_forward_tsn_tsn', 'uint', 'New cumulative TSN'],
  ['sctp.i_forward_tsn_sid', 'uint', 'Stream identifier'],
  ['sctp.i_forward_tsn_flags', 'uint', 'Flags', HEX16],
  ['sctp.i_forward_tsn_res', 'uint', 'Reserved'],
  ['sctp.i_forward_tsn_u_bit', 'bool', 'U-Bit'],
  ['sctp.forward_tsn_mid', 'uint', 'Message identifier'],
  ['sctp.parameter_type', 'uint', 'Parameter type', { ...HEX16, valueNames: PARAMETER_TYPES }],
  ['sctp.parameter_length', 'uint', 'Parameter length'],
  ['sctp.parameter_value', 'bytes', 'Parameter value'],
  ['sctp.parameter_padding', 'bytes', 'Parameter padding'],
  ['sctp.parameter_bit_1', 'bool', 'Bit'],
  ['sctp.parameter_bit_2', 'bool', 'Bit'],
  ['sctp.parameter_ipv4_address', 'ipv4', 'IP Version 4 address'],
  ['sctp.parameter_ipv6_address', 'ipv6', 'IP Version 6 address'],
  ['sctp.parameter_heartbeat_information', 'bytes', 'Heartbeat information'],
  ['sctp.parameter_state_cookie', 'bytes', 'State cookie'],
  ['sctp.parameter_cookie_preservative_incr', 'uint', 'Suggested Cookie life-span increment (msec)'],
  ['sctp.parameter_hostname', 'string', 'Hostname'],
  ['sctp.parameter_supported_address_type', 'uint', 'Supported address type', { valueNames: ADDRESS_TYPES }],
  ['sctp.parameter_reconfig_request_sequence_number', 'uint', 'Re-configuration request sequence number'],
  ['sctp.parameter_reconfig_response_sequence_number', 'uint', 'Re-configuration response sequence number'],
  ['sctp.parameter_senders_last_assigned_tsn', 'uint', 'Senders last assigned TSN'],
  ['sctp.parameter_senders_next_tsn', 'uint', 'Senders next TSN'],
  ['sctp.parameter_receivers_next_tsn', 'uint', 'Receivers next TSN'],
  ['sctp.parameter_reconfig_response_result', 'uint', 'Result', { valueNames: RECONFIG_RESULTS }],
  ['sctp.parameter_reconfig_sid', 'uint', 'Stream Identifier'],
  ['sctp.parameter_add_outgoing_streams_number', 'uint', 'Number of streams'],
  ['sctp.parameter_add_outgoing_streams_reserved', 'uint', 'Reserved'],
  ['sctp.parameter_add_incoming_streams_number', 'uint', 'Number of streams'],
  ['sctp.parameter_add_incoming_streams_reserved', 'uint', 'Reserved'],
  ['sctp.asconf_seq_nr_number', 'uint', 'Sequence number', HEX32],
  ['sctp.asconf_ack_seq_nr_number', 'uint', 'Sequence number', HEX32],
  ['sctp.correlation_id', 'uint', 'Correlation_id', HEX32],
  ['sctp.adaptation_layer_indication', 'uint', 'Indication', HEX32],
  ['sctp.random_number', 'bytes', 'Random number'],
  ['sctp.chunk_type_to_auth', 'uint', 'Chunk type', { valueNames: CHUNK_TYPES }],
  ['sctp.hmac_id', 'uint', 'HMAC identifier', { valueNames: HMAC_IDS }],
  ['sctp.hmac', 'bytes', 'HMAC'],
  ['sctp.shared_key_id', 'uint', 'Shared key identifier'],
  ['sctp.supported_chunk_type', 'uint', 'Supported chunk type', { valueNames: CHUNK_TYPES }],
  ['sctp.cause_code', 'uint', 'Cause code', { ...HEX16, valueNames: CAUSE_CODES }],
  ['sctp.cause_length', 'uint', 'Cause length'],
  ['sctp.cause_information', 'bytes', 'Cause information'],
  ['sctp.cause_padding', 'bytes', 'Cause padding'],
  ['sctp.cause_stream_identifier', 'uint', 'Stream identifier'],
  ['sctp.cause_reserved', 'uint', 'Reserved'],
  ['sctp.cause_nr_of_missing_parameters', 'uint', 'Number of missing parameters'],
  ['sctp.cause_missing_parameter_type', 'uint', 'Missing parameter type', { ...HEX16, valueNames: PARAMETER_TYPES }],
  ['sctp.cause_measure_of_staleness', 'uint', 'Measure of staleness in usec'],
  ['sctp.cause_tsn', 'uint', 'TSN'],
  ['sctp.pckdrop_m_bit', 'bool', 'M-Bit'],
  ['sctp.pckdrop_b_bit', 'bool', 'B-Bit'],
  ['sctp.pckdrop_t_bit', 'bool', 'T-Bit'],
  ['sctp.pktdrop_bandwidth', 'uint', 'Bandwidth'],
  ['sctp.pktdrop_queuesize', 'uint', 'Queuesize'],
  ['sctp.pktdrop_truncated_length', 'uint', 'Truncated length'],
  ['sctp.pktdrop_reserved', 'uint', 'Reserved'],
  ['sctp.pktdrop_datafield', 'bytes', 'Data field'],
  ['sctp.padding_data', 'bytes', 'Padding data'],
  ['sctp.fragment', 'framenum', 'SCTP Fragment'],
  ['sctp.fragments', 'none', 'Reassembled SCTP Fragments'],
  ['sctp.reassembled_in', 'framenum', 'Reassembled Message in frame'],
  ['sctp.duplicate', 'framenum', 'Fragment already seen in frame'],
  ['sctp.retransmission', 'framenum', 'This TSN is a retransmission of one in frame'],
  ['sctp.retransmission_time', 'reltime', 'Retransmitted after'],
]);

/** A read past the bytes, as tshark's exceptions: `cut` when the capture's snap length is what ran out. */
class OutOfBytes { constructor(readonly cut: boolean) {} }

/**
 * A tshark tvb: bytes [s, rep) as sent, of which [s, cap) were captured.
 * Reads beyond either end throw OutOfBytes, which only dissectSctp catches.
 */
class View {
  constructor(readonly s: number, readonly rep: number, readonly cap: number) {}
  /** the bytes [o, o+n) exist (o is relative to the view's start) */
  need(o: number, n: number): number {
    const a = this.s + o;
    if (n < 0 || a + n > this.rep) throw new OutOfBytes(false);
    if (a + n > this.cap) throw new OutOfBytes(true);
    return a;
  }
  get length(): number { return this.rep - this.s; }
  /**
   * tvb_new_subset_length_caplen(tvb, o, MIN(len, captured rest), MIN(len, reported rest)):
   * a sub-view of at most `len` bytes at `o`.
   */
  sub(o: number, len: number): View {
    const a = this.s + o;
    if (a > this.rep) throw new OutOfBytes(false);
    if (a > this.cap && a > this.s) throw new OutOfBytes(true);
    const rep = Math.min(this.rep, a + Math.max(0, len));
    return new View(a, rep, Math.min(rep, this.cap));
  }
  /** tvb_new_subset_remaining(tvb, o) */
  rest(o: number): View { return this.sub(o, this.rep); }
}

/** One direction of an association: its ports and verification tag (tshark's sctp_half_assoc_t). */
interface Half {
  started: boolean;
  firstTsn: number;
  /** first transmission of each TSN, relative to firstTsn */
  tsns: Bounded<number, { frame: number; ts: bigint | null }>;
  peer: Half | null;
}

/** A message's fragments (DATA chunks without both B and E bits), by TSN. */
interface Fragment { tsn: number; frame: number; b: boolean; e: boolean; data: Uint8Array }
interface Message { frags: Fragment[]; done: Array<{ begin: number; end: number; frame: number; tsn: number; data: Uint8Array; frames: number[] }> }

/** Caps: directions, address pairings and TSNs remembered, messages in reassembly, fragments per message, bytes per message. */
const MAX_HALVES = 4096, MAX_TSNS = 8192, MAX_MESSAGES = 1024, MAX_FRAGMENTS = 256, MAX_MESSAGE_BYTES = 1 << 20;
/** Nesting of chunks and parameters inside error causes (tshark stops at its own dissection depth). */
const MAX_DEPTH = 16;

class SctpState {
  readonly halves = new Bounded<string, Half>(MAX_HALVES);
  /** a direction waiting for its peer, by its ports and source address (tshark's dirs_by_ptaddr) */
  readonly byAddr = new Bounded<string, Half | null>(MAX_HALVES);
  readonly messages = new Bounded<string, Message>(MAX_MESSAGES);
}
const states = new WeakMap<State, SctpState>();
function stateOf(st: State): SctpState {
  let s = states.get(st);
  if (!s) { s = new SctpState(); states.set(st, s); }
  return s;
}

function addrOf(ctx: Ctx, src: boolean): string {
  if (ctx.ipVersion === 4) return String(src ? ctx.ip4Src : ctx.ip4Dst);
  return (src ? ctx.ip6Src : ctx.ip6Dst)?.join('.') ?? '';
}

/** tshark's get_half_assoc: the direction of ports and tag, paired with the reverse direction seen between the same addresses. */
function halfAssoc(ctx: Ctx, s: SctpState, sp: number, dp: number, vtag: number): Half | null {
  if (vtag === 0 || ctx.inner > 0) return null;
  const k = `${sp}/${dp}/${vtag}`;
  let h = s.halves.get(k);
  if (h?.peer) return h;
  if (!h) { h = { started: false, firstTsn: 0, tsns: new Bounded(MAX_TSNS), peer: null }; s.halves.set(k, h); }
  const rk = `${dp}/${sp}/${addrOf(ctx, false)}`;
  if (s.byAddr.has(rk)) {
    const other = s.byAddr.get(rk) ?? null;
    if (other === null) s.byAddr.set(rk, h);
    else { h.peer = other; other.peer = h; s.byAddr.set(rk, null); }
  } else s.byAddr.set(`${sp}/${dp}/${addrOf(ctx, true)}`, h);
  return h;
}

/** One SCTP packet's dissection: its layer, the Info text it builds, its association state. */
class Packet {
  info = '';
  depth = 0;
  /** the packet a PKTDROP chunk carries (tshark's in_error_pkt): no association, no reassembly, no length warnings */
  inError = false;
  constructor(readonly ctx: Ctx, readonly st: State, readonly s: SctpState, readonly l: FieldNode,
    readonly sp: number, readonly dp: number, readonly vtag: number, readonly ha: Half | null) {}

  u8(v: View, o: number): number { return this.ctx.d[v.need(o, 1)]; }
  u16(v: View, o: number): number { return u16(this.ctx.d, v.need(o, 2)); }
  u32(v: View, o: number): number { return u32(this.ctx.d, v.need(o, 4)); }
  uint(v: View, name: string, o: number, n: 1 | 2 | 4): number {
    const a = v.need(o, n), d = this.ctx.d;
    const x = n === 1 ? d[a] : n === 2 ? u16(d, a) : u32(d, a);
    this.ctx.add(this.l, name, x, a, n);
    return x;
  }
  bool(v: View, name: string, o: number, n: 1 | 2, mask: number): void {
    const a = v.need(o, n);
    this.ctx.add(this.l, name, ((n === 1 ? this.ctx.d[a] : u16(this.ctx.d, a)) & mask) !== 0, a, n);
  }
  bytes(v: View, name: string, o: number, n: number): void {
    const a = v.need(o, n);
    this.ctx.add(this.l, name, this.ctx.d.subarray(a, a + n), a, n);
  }

  /** dissect_sctp_chunks: the chunks after the 12-byte common header, each padded to 4 bytes. */
  chunks(v: View, useInfo: boolean): void {
    let o = 12;
    while (v.length - o > 0) {
      const remaining = v.length - o;
      const length = this.u16(v, o + 2);
      const total = Math.min((length + 3) & ~3, remaining);
      // a DATA chunk ends the SCTP item in tshark's tree: what follows it is under a new one
      if (this.chunk(v.sub(o, total), useInfo) && v.length - o - total > 0) this.ctx.add(this.l, 'sctp', 'sctp', v.s + o + total, 0);
      o += total;
      // a chunk length of 0 gives an empty chunk, whose first read throws: the loop never stalls
    }
    // association indexing is off by default: tshark shows the index as -1 in 16 bits, once the chunks are done
    this.ctx.gen(this.l, 'sctp.assoc_index', 0xffff);
  }

  /** dissect_sctp_chunk: true for a DATA or I-DATA chunk tshark handed on (or gave up on as too short) */
  chunk(v: View, useInfo: boolean): boolean {
    if (++this.depth > MAX_DEPTH) throw new OutOfBytes(false);
    const type = this.u8(v, 0);
    const length = this.u16(v, 2);
    const reported = v.length;
    const padding = (reported - length) & 0xffff;
    const name = CHUNK_TYPES[type] ?? 'RESERVED';
    if (useInfo) this.info += `${name} `;
    // tshark's chunk item spans the chunk as sent: a chunk the capture cut ends the dissection right here
    if (v.cap < v.rep) throw new OutOfBytes(true);
    this.uint(v, 'sctp.chunk_type', 0, 1);
    this.bool(v, 'sctp.chunk_bit_1', 0, 1, 0x80);
    this.bool(v, 'sctp.chunk_bit_2', 0, 1, 0x40);
    const flags = this.uint(v, 'sctp.chunk_flags', 1, 1);
    this.uint(v, 'sctp.chunk_length', 2, 2);
    if (length < 4) { this.depth--; return type === 0; }
    if (length > reported && !this.inError) this.ctx.flagMalformed('sctp', `Chunk length (${length}) is longer than remaining data (${reported}) in the packet.`, v.s + 2, 2);
    let result = false;
    switch (type) {
      case 0: result = this.data(v, length, flags, false); break;
      case 64: result = this.data(v, length, flags, true); break;
      case 1: case 2: this.init(v, length, type === 1 ? 'init' : 'initack'); break;
      case 3: this.sack(v, flags); break;
      case 16: this.nrSack(v); break;
      case 4: case 5: this.parameter(v.sub(4, length - 4), true); break;
      case 6:
        this.bool(v, 'sctp.abort_t_bit', 1, 1, 0x01);
        this.causes(v.sub(4, length - 4));
        break;
      case 7: this.uint(v, 'sctp.shutdown_cumulative_tsn_ack', 4, 4); break;
      case 9: this.causes(v.sub(4, length - 4)); break;
      case 10: this.bytes(v, 'sctp.cookie', 4, length - 4); break;
      case 12: this.uint(v, 'sctp.ecne_lowest_tsn', 4, 4); break;
      case 13: this.uint(v, 'sctp.cwr_lowest_tsn', 4, 4); break;
      case 14: this.bool(v, 'sctp.shutdown_complete_t_bit', 1, 1, 0x01); break;
      case 192: if (length >= 8) {
        this.uint(v, 'sctp.forward_tsn_tsn', 4, 4);
        const n = (length - 8) >> 2;
        for (let i = 0, o = 8; i < n; i++, o += 4) { this.uint(v, 'sctp.forward_tsn_sid', o, 2); this.uint(v, 'sctp.forward_tsn_ssn', o + 2, 2); }
      } break;
      case 194: if (length >= 8) {
        this.uint(v, 'sctp.i_forward_tsn_tsn', 4, 4);
        const n = (length - 8) >> 3;
        for (let i = 0, o = 8; i < n; i++, o += 8) {
          this.uint(v, 'sctp.i_forward_tsn_sid', o, 2);
          this.uint(v, 'sctp.i_forward_tsn_flags', o + 2, 2);
          const a = v.need(o + 2, 2);
          this.ctx.add(this.l, 'sctp.i_forward_tsn_res', (u16(this.ctx.d, a) & 0xfffe) >> 1, a, 2);
          this.bool(v, 'sctp.i_forward_tsn_u_bit', o + 2, 2, 0x0001);
          this.uint(v, 'sctp.forward_tsn_mid', o + 4, 4);
        }
      } break;
      case 130: this.parameters(v.sub(4, length - 4)); break;
      case 15: {
        const hmac = (length - 8) >>> 0;
        this.uint(v, 'sctp.shared_key_id', 4, 2);
        this.uint(v, 'sctp.hmac_id', 6, 2);
        if (hmac > 0) this.bytes(v, 'sctp.hmac', 8, hmac);
        break;
      }
      case 128: case 193: if (length >= 8) {
        this.uint(v, type === 128 ? 'sctp.asconf_ack_seq_nr_number' : 'sctp.asconf_seq_nr_number', 4, 4);
        this.parameters(v.sub(8, length - 8));
      } break;
      case 129: if (length >= 16) this.pktdrop(v, length, flags); break;
      case 132: this.bytes(v, 'sctp.padding_data', 4, length - 4); break;
      case 8: case 11: break;
      default: if (length > 4) this.bytes(v, 'sctp.chunk_value', 4, length - 4);
    }
    if (padding > 0) this.bytes(v, 'sctp.chunk_padding', length, padding);
    this.depth--;
    return result;
  }

  /** dissect_data_chunk (DATA and I-DATA): false for a retransmission, which is not handed on */
  data(v: View, length: number, flags: number, idata: boolean): boolean {
    const hdr = idata ? 20 : 16;
    if (length < hdr) return true;
    const ppid = this.u32(v, idata ? 16 : 12);
    const e = (flags & 1) !== 0, b = (flags & 2) !== 0, u = (flags & 4) !== 0;
    const raw = this.u32(v, 4);
    const ha = this.ha;
    let tsn = raw;
    if (ha) {
      if (!ha.started) { ha.firstTsn = raw; ha.started = true; }
      tsn = (raw - ha.firstTsn) >>> 0;
    }
    this.info += `(TSN=${tsn}) `;
    this.bool(v, 'sctp.data_i_bit', 1, 1, 0x08);
    this.bool(v, 'sctp.data_u_bit', 1, 1, 0x04);
    this.bool(v, 'sctp.data_b_bit', 1, 1, 0x02);
    this.bool(v, 'sctp.data_e_bit', 1, 1, 0x01);
    const tsnAt = v.need(4, 4);
    if (ha) this.ctx.add(this.l, 'sctp.data_tsn', tsn, tsnAt, 4);
    this.uint(v, 'sctp.data_tsn_raw', 4, 4);
    this.uint(v, 'sctp.data_sid', 8, 2);
    if (idata) {
      this.uint(v, 'sctp.data_reserved', 10, 2);
      this.uint(v, 'sctp.data_mid', 12, 4);
      this.uint(v, b ? 'sctp.data_payload_proto_id' : 'sctp.data_fsn', 16, 4);
    } else {
      this.uint(v, 'sctp.data_ssn', 10, 2);
      this.uint(v, 'sctp.data_payload_proto_id', 12, 4);
    }
    const retransmission = this.tsnAnalysis(raw);
    const pay = v.sub(hdr, length - hdr);
    if (retransmission) { this.info += '(retransmission) '; return false; }
    if (b && e) { this.payload(pay, ppid); return true; }
    const sid = this.u16(v, 8);
    let key: number, fsn: number, msgPpid = ppid;
    if (idata) {
      key = this.u32(v, 12);
      fsn = b ? 0 : this.u32(v, 16);
      if (!b) msgPpid = 0;
    } else {
      key = u ? 0 : this.u16(v, 10);
      fsn = raw;
    }
    this.fragment(pay, sid, key, u, fsn, b, e, msgPpid);
    return true;
  }

  /** sctp_tsn: a TSN seen before in another frame is a retransmission of it. */
  tsnAnalysis(raw: number): boolean {
    const h = this.ha;
    const ctx = this.ctx;
    if (!h) return false;
    if (!h.started) { h.firstTsn = raw; h.started = true; }
    const rel = (raw - h.firstTsn) >>> 0;
    const frame = ctx.pkt.number;
    let t = h.tsns.get(rel);
    if (!t) { t = { frame, ts: ctx.pkt.tsNs }; h.tsns.set(rel, t); }
    if (t.frame === frame) return false;
    const f = ctx.gen(this.l, 'sctp.retransmission', t.frame);
    if (f) ctx.note('sequence', 'sctp', 'Retransmitted TSN');
    if (ctx.pkt.tsNs !== null && t.ts !== null) ctx.reltime(this.l, 'sctp.retransmission_time', ctx.pkt.tsNs - t.ts);
    return true;
  }

  /** dissect_payload: the PPID's protocol, else the lower port's, the higher port's, else data. */
  payload(v: View, ppid: number): void {
    const ctx = this.ctx;
    const end = v.cap;
    const lo = Math.min(this.sp, this.dp), hi = Math.max(this.sp, this.dp);
    const next = SCTP_PPI.get(ppid) ?? (lo !== 0 ? SCTP_PORT.get(lo) : undefined) ?? (hi !== 0 ? SCTP_PORT.get(hi) : undefined);
    if (next === undefined) { dissectData(ctx, v.s, end); return; }
    // as tshark's column fence: what the payload's protocol puts in Info follows the chunks listed so far
    const before = this.info;
    ctx.info = '';
    next(ctx, this.st, v.s, end);
    const set = ctx.info as string | (() => string);
    const own = typeof set === 'function' ? set() : set;
    this.info = before + own + (own ? ' ' : '');
  }

  /** add_fragment + fragment_reassembly, for the common case (TSNs that do not wrap inside a message). */
  fragment(v: View, sid: number, key: number, u: boolean, tsn: number, b: boolean, e: boolean, ppid: number): void {
    // a payload the capture cut is not reassembled, nor one inside a PKTDROP chunk
    if (v.cap < v.rep || this.inError) return;
    const ctx = this.ctx;
    const mk = `${this.sp}/${this.dp}/${this.vtag}/${sid}/${key}/${u ? 1 : 0}`;
    let msg = this.s.messages.get(mk);
    if (!msg) { msg = { frags: [], done: [] }; this.s.messages.set(mk, msg); }
    const frame = ctx.pkt.number;
    const done = msg.done.find((m) => m.begin <= tsn && m.end >= tsn);
    if (done) {
      if (done.frame === frame && done.tsn === tsn) { this.reassembled(done.data, done.frames, ppid); return; }
      this.info += '(Message Fragment) ';
      ctx.gen(this.l, 'sctp.reassembled_in', done.frame);
      return;
    }
    const seen = msg.frags.find((f) => f.tsn === tsn);
    if (seen && seen.frame !== frame) {
      this.info += '(Duplicate Message Fragment) ';
      ctx.add(this.l, 'sctp.duplicate', seen.frame, v.s, 0);
      return;
    }
    if (!seen) {
      if (v.length === 0) return;
      if (msg.frags.length >= MAX_FRAGMENTS) { this.info += '(Message Fragment) '; return; }
      const frag = { tsn, frame, b: b && !e, e: e && !b, data: ctx.d.slice(v.s, v.rep) };
      const at = msg.frags.findIndex((f) => f.tsn > tsn);
      if (at < 0) msg.frags.push(frag); else msg.frags.splice(at, 0, frag);
    }
    // the nearest begin at or before this TSN and the nearest end at or after it, joined by consecutive TSNs
    let begin = -1, end = -1;
    for (let i = 0; i < msg.frags.length; i++) {
      const f = msg.frags[i];
      if (f.b && f.tsn <= tsn) begin = i;
      if (f.e && f.tsn >= tsn && end < 0) end = i;
    }
    let complete = begin >= 0 && end >= begin;
    let len = 0;
    for (let i = begin; complete && i <= end; i++) {
      if (i > begin && msg.frags[i].tsn !== ((msg.frags[i - 1].tsn + 1) >>> 0)) complete = false;
      len += msg.frags[i].data.length;
    }
    if (!complete || len > MAX_MESSAGE_BYTES) { this.info += '(Message Fragment) '; return; }
    const parts = msg.frags.slice(begin, end + 1);
    const data = new Uint8Array(len);
    let o = 0;
    for (const f of parts) { data.set(f.data, o); o += f.data.length; }
    const frames = parts.map((f) => f.frame);
    msg.done.push({ begin: parts[0].tsn, end: parts[parts.length - 1].tsn, frame, tsn, data, frames });
    if (msg.done.length > 8) msg.done.shift();
    msg.frags.splice(begin, end - begin + 1);
    this.reassembled(data, frames, ppid);
  }

  reassembled(data: Uint8Array, frames: number[], ppid: number): void {
    const ctx = this.ctx;
    ctx.add(this.l, 'sctp.fragments', null, 0, 0);
    for (const f of frames) ctx.gen(this.l, 'sctp.fragment', f);
    ctx.withReassembled(data, 0, 0, 0, () => this.payload(new View(0, data.length, data.length), ppid));
  }

  init(v: View, length: number, p: 'init' | 'initack'): void {
    if (length < 20) return;
    this.uint(v, `sctp.${p}_initiate_tag`, 4, 4);
    const a = v.need(4, 4);
    this.ctx.hidden('sctp.initiate_tag', u32(this.ctx.d, a), a, 4);
    this.uint(v, `sctp.${p}_credit`, 8, 4);
    this.uint(v, `sctp.${p}_nr_out_streams`, 12, 2);
    this.uint(v, `sctp.${p}_nr_in_streams`, 14, 2);
    this.uint(v, `sctp.${p}_initial_tsn`, 16, 4);
    this.parameters(v.sub(20, length - 20));
  }

  sack(v: View, flags: number): void {
    const ctx = this.ctx;
    const raw = this.u32(v, 4);
    const peer = this.ha?.peer ?? null;
    const cum = peer ? (raw - peer.firstTsn) >>> 0 : raw;
    ctx.add(this.l, 'sctp.sack_nounce_sum', flags & 1, v.need(1, 1), 1);
    if (peer) ctx.add(this.l, 'sctp.sack_cumulative_tsn_ack', cum, v.need(4, 4), 4);
    this.uint(v, 'sctp.sack_cumulative_tsn_ack_raw', 4, 4);
    this.uint(v, 'sctp.sack_a_rwnd', 8, 4);
    const gaps = this.uint(v, 'sctp.sack_number_of_gap_blocks', 12, 2);
    this.uint(v, 'sctp.sack_number_of_duplicated_tsns', 14, 2);
    const arwnd = this.u32(v, 8);
    let o = 16, lastEnd = 0, acked = 0;
    for (let i = 0; i < gaps; i++, o += 4) {
      const start = this.u16(v, o), end = this.u16(v, o + 2);
      this.uint(v, 'sctp.sack_gap_block_start', o, 2);
      ctx.gen(this.l, 'sctp.sack_gap_block_start_tsn', (cum + start) >>> 0);
      this.uint(v, 'sctp.sack_gap_block_end', o + 2, 2);
      ctx.gen(this.l, 'sctp.sack_gap_block_end_tsn', (cum + end) >>> 0);
      acked = (acked + end + 1 - start) >>> 0;
      lastEnd = end;
    }
    this.info += lastEnd === 0 ? `(Ack=${cum}, Arwnd=${arwnd}) ` : `(Ack=${cum}+${lastEnd}, Arwnd=${arwnd}) `;
    if (acked) ctx.gen(this.l, 'sctp.sack_number_of_tsns_gap_acked', acked);
    const dups = this.u16(v, 14);
    for (let i = 0; i < dups; i++, o += 4) this.uint(v, 'sctp.sack_duplicate_tsn', o, 4);
  }

  nrSack(v: View): void {
    const ctx = this.ctx;
    this.bool(v, 'sctp.nr_sack_nounce_sum', 1, 1, 0x01);
    const cum = this.uint(v, 'sctp.nr_sack_cumulative_tsn_ack', 4, 4);
    this.uint(v, 'sctp.nr_sack_a_rwnd', 8, 4);
    const gaps = this.uint(v, 'sctp.nr_sack_number_of_gap_blocks', 12, 2);
    const nrGaps = this.uint(v, 'sctp.nr_sack_number_of_nr_gap_blocks', 14, 2);
    const dups = this.uint(v, 'sctp.nr_sack_number_of_duplicated_tsns', 16, 2);
    this.uint(v, 'sctp.nr_sack_reserved', 18, 2);
    let o = 20;
    for (const [n, pre] of [[gaps, 'sctp.nr_sack_gap_block'], [nrGaps, 'sctp.nr_sack_nr_gap_block']] as const) {
      let acked = 0;
      for (let i = 0; i < n; i++, o += 4) {
        const start = this.u16(v, o), end = this.u16(v, o + 2);
        this.uint(v, `${pre}_start`, o, 2);
        ctx.gen(this.l, `${pre}_start_tsn`, (cum + start) >>> 0);
        this.uint(v, `${pre}_end`, o + 2, 2);
        ctx.gen(this.l, `${pre}_end_tsn`, (cum + end) >>> 0);
        acked = (acked + end - start + 1) >>> 0;
      }
      if (acked) ctx.gen(this.l, pre === 'sctp.nr_sack_gap_block' ? 'sctp.nr_sack_number_of_tsns_gap_acked' : 'sctp.nr_sack_number_of_tsns_nr_gap_acked', acked);
    }
    for (let i = 0; i < dups; i++, o += 4) this.uint(v, 'sctp.nr_sack_duplicate_tsn', o, 4);
  }

  pktdrop(v: View, length: number, flags: number): void {
    const data = v.sub(16, length - 16);
    this.bool(v, 'sctp.pckdrop_m_bit', 1, 1, 0x01);
    this.bool(v, 'sctp.pckdrop_b_bit', 1, 1, 0x02);
    this.bool(v, 'sctp.pckdrop_t_bit', 1, 1, 0x04);
    this.uint(v, 'sctp.pktdrop_bandwidth', 4, 4);
    this.uint(v, 'sctp.pktdrop_queuesize', 8, 4);
    this.uint(v, 'sctp.pktdrop_truncated_length', 12, 2);
    this.uint(v, 'sctp.pktdrop_reserved', 14, 2);
    if (length - 16 <= 0) return;
    if (flags & 0x04) { this.bytes(v, 'sctp.pktdrop_datafield', 16, length - 16); return; }
    // the dropped packet itself, dissected as an SCTP packet that names nothing in Info and touches no association
    const inner = new Packet(this.ctx, this.st, this.s, this.l, u16(this.ctx.d, data.need(0, 4)), u16(this.ctx.d, data.s + 2), this.vtag, null);
    inner.depth = this.depth;
    inner.inError = true;
    data.need(8, 4);
    this.ctx.add(this.l, 'sctp', `Stream Control Transmission Protocol, Src Port: ${inner.sp} (${inner.sp}), Dst Port: ${inner.dp} (${inner.dp})`, data.s, data.length);
    inner.common(data);
    inner.chunks(data, false);
  }

  /** the common header's fields (dissect_sctp_packet) */
  common(v: View): void {
    v.need(8, 4);
    this.uint(v, 'sctp.srcport', 0, 2);
    this.uint(v, 'sctp.dstport', 2, 2);
    this.uint(v, 'sctp.verification_tag', 4, 4);
    const a = v.need(0, 4);
    this.ctx.hidden('sctp.port', u16(this.ctx.d, a), a, 2);
    this.ctx.hidden('sctp.port', u16(this.ctx.d, a + 2), a + 2, 2);
    this.uint(v, 'sctp.checksum', 8, 4);
    // the checksum is not verified by default (preference sctp.checksum: None)
    this.ctx.gen(this.l, 'sctp.checksum.status', 2);
  }

  /** dissect_parameters: parameters padded to 4 bytes, to the end of the view */
  parameters(v: View): void {
    let o = 0;
    while (v.length - o > 0) {
      const remaining = v.length - o;
      const length = this.u16(v, o + 2);
      const total = Math.min((length + 3) & ~3, remaining);
      const p = v.sub(o, total);
      o += total;
      this.parameter(p, v.length - o <= 0);
    }
  }

  /** dissect_parameter */
  parameter(v: View, final: boolean): void {
    if (++this.depth > MAX_DEPTH) throw new OutOfBytes(false);
    const type = this.u16(v, 0);
    const length = this.u16(v, 2);
    const padding = (v.length - length) & 0xffff;
    if (final && padding > 0) this.ctx.flagMalformed('sctp', 'The padding of this final parameter should be the padding of the chunk.', v.s, v.length);
    this.uint(v, 'sctp.parameter_type', 0, 2);
    this.bool(v, 'sctp.parameter_bit_1', 0, 2, 0x8000);
    this.bool(v, 'sctp.parameter_bit_2', 0, 2, 0x4000);
    this.uint(v, 'sctp.parameter_length', 2, 2);
    const vlen = (length - 4) & 0xffff;
    switch (type) {
      case 0x1: if (vlen > 0) this.bytes(v, 'sctp.parameter_heartbeat_information', 4, vlen); break;
      case 0x5: {
        const a = v.need(4, 4);
        this.ctx.add(this.l, 'sctp.parameter_ipv4_address', u32(this.ctx.d, a), a, 4);
        break;
      }
      case 0x6: {
        const a = v.need(4, 16);
        this.ctx.add(this.l, 'sctp.parameter_ipv6_address', this.ctx.d.subarray(a, a + 16), a, 16);
        break;
      }
      case 0x7: if (vlen > 0) this.bytes(v, 'sctp.parameter_state_cookie', 4, vlen); break;
      case 0x8: this.parameter(v.rest(4), false); break;
      case 0x9: this.uint(v, 'sctp.parameter_cookie_preservative_incr', 4, 4); break;
      case 0xb: {
        const a = v.need(4, vlen);
        let z = a;
        while (z < a + vlen && this.ctx.d[z] !== 0) z++;
        this.ctx.add(this.l, 'sctp.parameter_hostname', readers.latin1(this.ctx.d, a, z), a, vlen);
        break;
      }
      case 0xc: for (let i = 0, n = vlen >> 1; i < n; i++) this.uint(v, 'sctp.parameter_supported_address_type', 4 + 2 * i, 2); break;
      case 0xd:
        this.uint(v, 'sctp.parameter_reconfig_request_sequence_number', 4, 4);
        this.uint(v, 'sctp.parameter_reconfig_response_sequence_number', 8, 4);
        this.uint(v, 'sctp.parameter_senders_last_assigned_tsn', 12, 4);
        if (length > 16) for (let i = 0, n = (length - 16) >> 1; i < n; i++) this.uint(v, 'sctp.parameter_reconfig_sid', 16 + 2 * i, 2);
        break;
      case 0xe:
        this.uint(v, 'sctp.parameter_reconfig_request_sequence_number', 4, 4);
        if (length > 8) for (let i = 0, n = (length - 8) >> 1; i < n; i++) this.uint(v, 'sctp.parameter_reconfig_sid', 8 + 2 * i, 2);
        break;
      case 0xf: this.uint(v, 'sctp.parameter_reconfig_request_sequence_number', 4, 4); break;
      case 0x10:
        this.uint(v, 'sctp.parameter_reconfig_response_sequence_number', 4, 4);
        this.uint(v, 'sctp.parameter_reconfig_response_result', 8, 4);
        if (length >= 16) this.uint(v, 'sctp.parameter_senders_next_tsn', 12, 4);
        if (length >= 20) this.uint(v, 'sctp.parameter_receivers_next_tsn', 16, 4);
        break;
      case 0x11: case 0x12: {
        const dir = type === 0x11 ? 'outgoing' : 'incoming';
        this.uint(v, 'sctp.parameter_reconfig_request_sequence_number', 4, 4);
        this.uint(v, `sctp.parameter_add_${dir}_streams_number`, 8, 2);
        this.uint(v, `sctp.parameter_add_${dir}_streams_reserved`, 10, 2);
        break;
      }
      case 0x8000: case 0xc000: break;
      case 0x8002: if (length - 4 > 0) this.bytes(v, 'sctp.random_number', 4, length - 4); break;
      case 0x8003: for (let i = 0; i < vlen; i++) this.uint(v, 'sctp.chunk_type_to_auth', 4 + i, 1); break;
      case 0x8004: for (let i = 0, n = vlen >> 1; i < n; i++) this.uint(v, 'sctp.hmac_id', 4 + 2 * i, 2); break;
      case 0x8008: for (let i = 0; i < vlen; i++) this.uint(v, 'sctp.supported_chunk_type', 4 + i, 1); break;
      case 0xc001: case 0xc002: case 0xc004: {
        const alen = (length - 8) & 0xffff;
        this.uint(v, 'sctp.correlation_id', 4, 4);
        this.parameter(v.sub(8, alen), false);
        v.need(4, 4);
        break;
      }
      case 0xc003:
        this.uint(v, 'sctp.correlation_id', 4, 4);
        this.causes(v.sub(8, (length - 8) & 0xffff));
        break;
      case 0xc005: this.uint(v, 'sctp.correlation_id', 4, 4); break;
      case 0xc006: this.uint(v, 'sctp.adaptation_layer_indication', 4, 4); break;
      default: if (vlen > 0) this.bytes(v, 'sctp.parameter_value', 4, vlen);
    }
    if (padding > 0) this.bytes(v, 'sctp.parameter_padding', length, padding);
    this.depth--;
  }

  /** dissect_error_causes */
  causes(v: View): void {
    let o = 0;
    while (v.length - o > 0) {
      const remaining = v.length - o;
      const length = this.u16(v, o + 2);
      const total = Math.min((length + 3) & ~3, remaining);
      this.cause(v.sub(o, total));
      o += total;
    }
  }

  /** dissect_error_cause */
  cause(v: View): void {
    if (++this.depth > MAX_DEPTH) throw new OutOfBytes(false);
    const code = this.u16(v, 0);
    const length = this.u16(v, 2);
    const padding = (v.length - length) & 0xffff;
    this.uint(v, 'sctp.cause_code', 0, 2);
    this.uint(v, 'sctp.cause_length', 2, 2);
    const ilen = (length - 4) & 0xffff;
    switch (code) {
      case 0x1:
        this.uint(v, 'sctp.cause_stream_identifier', 4, 2);
        this.uint(v, 'sctp.cause_reserved', 6, 2);
        break;
      case 0x2: {
        const n = this.u32(v, 4);
        this.uint(v, 'sctp.cause_nr_of_missing_parameters', 4, 4);
        // each one a read: a count past the bytes ends at the first missing one
        for (let i = 0; i < n; i++) this.uint(v, 'sctp.cause_missing_parameter_type', 8 + 2 * i, 2);
        break;
      }
      case 0x3: this.uint(v, 'sctp.cause_measure_of_staleness', 4, 4); break;
      case 0x4: case 0x7: case 0xa: break;
      case 0x5: this.parameter(v.sub(4, ilen), true); break;
      case 0x6: {
        const c = v.sub(4, ilen);
        this.chunk(c, false);
        this.u8(c, 0);
        break;
      }
      case 0x8: this.parameters(v.sub(4, ilen)); break;
      case 0x9: this.uint(v, 'sctp.cause_tsn', 4, 4); break;
      case 0xb: this.parameters(v.sub(4, ilen)); break;
      case 0xa0: case 0xa1: case 0xa2: case 0xa4: this.parameter(v.sub(4, ilen), false); break;
      case 0x105: this.uint(v, 'sctp.hmac_id', 4, 2); break;
      default: if (ilen > 0) this.bytes(v, 'sctp.cause_information', 4, ilen);
    }
    if (padding > 0) this.bytes(v, 'sctp.cause_padding', length, padding);
    this.depth--;
  }
}

/**
 * The IP payload's length as sent: more than the bytes there when the
 * capture's snap length cut the frame (the frame's own bytes, not a
 * reassembled or quoted buffer).
 */
function reportedEnd(ctx: Ctx, end: number): number {
  if (ctx.pkt.capLen >= ctx.pkt.origLen || ctx.d !== ctx.pkt.data || end !== ctx.d.length || ctx.inner > 0) return end;
  return end + (ctx.pkt.origLen - ctx.pkt.capLen);
}

export function dissectSctp(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const rep = reportedEnd(ctx, end);
  if (end - off < 12) {
    // tshark reads the whole common header before it adds its tree item: the protocol without a field
    ctx.protocols.push('sctp');
    if (end - off >= 4) { ctx.protocol = 'SCTP'; ctx.info = ''; }
    if (rep - off >= 12) ctx.short = true;
    else ctx.boundsAt('sctp', `SCTP common header cut short (${Math.max(0, end - off)} of 12 bytes)`, off, Math.max(0, end - off));
    return;
  }
  const l = ctx.layer('sctp', off, end - off);
  const v = new View(off, rep, end);
  const sp = u16(d, off), dp = u16(d, off + 2);
  ctx.protocol = 'SCTP';
  ctx.info = '';
  ctx.srcPort = sp; ctx.dstPort = dp;
  const s = stateOf(st);
  const vtag = u32(d, off + 4);
  const p = new Packet(ctx, st, s, l, sp, dp, vtag, null);
  try {
    const q = new Packet(ctx, st, s, l, sp, dp, vtag, halfAssoc(ctx, s, sp, dp, vtag));
    try {
      q.common(v);
      q.chunks(v, true);
    } finally {
      p.info = q.info;
    }
  } catch (e) {
    if (!(e instanceof OutOfBytes)) throw e;
    if (e.cut) ctx.short = true;
    else ctx.boundsAt('sctp', 'SCTP chunk, parameter or cause runs past the packet', off, end - off);
  }
  ctx.info = p.info;
}

IP_PROTO.add(132, dissectSctp);

treeLine('sctp', (v) => v.has('sctp.srcport')
  ? `${v.title}, Src Port: ${v.text('sctp.srcport')} (${v.text('sctp.srcport')}), Dst Port: ${v.text('sctp.dstport')} (${v.text('sctp.dstport')})`
  : v.title, ['sctp.srcport', 'sctp.dstport']);
