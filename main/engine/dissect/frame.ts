// The frame pseudo-protocol: numbering, times, lengths, comments and the
// list of protocols in the frame (filled in after the other layers).
import { type Ctx, FieldNode, fieldGroup, fieldKeys, fieldPrefix } from './context';
import { HEX32, declare, treeLine } from './fields';

declare('frame', 'Frame', [
  ['frame.comment', 'string', 'Comment'],
  ['frame.interface_id', 'uint', 'Interface id'],
  ['frame.encap_type', 'int', 'Encapsulation type'],
  ['frame.time', 'abstime', 'Arrival Time'],
  ['frame.time_epoch', 'abstime', 'Epoch Time', { description: 'seconds since 1970-01-01 UTC, printed as seconds.nanoseconds' }],
  ['frame.time_delta', 'reltime', 'Time delta from previous captured frame'],
  ['frame.time_delta_displayed', 'reltime', 'Time delta from previous displayed frame'],
  ['frame.time_relative', 'reltime', 'Time since reference or first frame'],
  ['frame.number', 'uint', 'Frame Number'],
  ['frame.len', 'uint', 'Frame Length'],
  ['frame.cap_len', 'uint', 'Capture Length'],
  ['frame.protocols', 'string', 'Protocols in frame'],
  // pcapng epb_flags, as Wireshark's bitmask of them
  ['frame.packet_flags', 'uint', 'Packet flags', HEX32],
  ['frame.packet_flags_direction', 'uint', 'Direction', { ...HEX32, valueNames: { 0: 'Unknown', 1: 'Inbound', 2: 'Outbound' } }],
  ['frame.packet_flags_reception_type', 'uint', 'Reception type', { valueNames: { 0: 'Not specified', 1: 'Unicast', 2: 'Multicast', 3: 'Broadcast', 4: 'Promiscuous' } }],
  ['frame.packet_flags_fcs_length', 'uint', 'FCS length'],
  ['frame.packet_flags_reserved', 'uint', 'Reserved'],
  ['frame.packet_flags_crc_error', 'bool', 'CRC error'],
  ['frame.packet_flags_packet_too_error', 'bool', 'Packet too long error'],
  ['frame.packet_flags_packet_too_short_error', 'bool', 'Packet too short error'],
  ['frame.packet_flags_wrong_inter_frame_gap_error', 'bool', 'Wrong interframe gap error'],
  ['frame.packet_flags_unaligned_frame_error', 'bool', 'Unaligned frame error'],
  ['frame.packet_flags_start_frame_delimiter_error', 'bool', 'Start frame delimiter error'],
  ['frame.packet_flags_preamble_error', 'bool', 'Preamble error'],
  ['frame.packet_flags_symbol_error', 'bool', 'Symbol error'],
]);

// Ours (tshark has no such field): what the interface's foreign XDP program
// returned for the frame, when a live capture traced it (or a saved one kept it).
declare('xdp', 'XDP', [
  ['xdp.action', 'uint', 'XDP action', { valueNames: { 0: 'XDP_ABORTED', 1: 'XDP_DROP', 2: 'XDP_PASS', 3: 'XDP_TX', 4: 'XDP_REDIRECT' } }],
]);

/** frame.packet_flags' subfields: name, mask, shift; booleans are single bits */
const FLAG_BITS: Array<[string, number, number]> = [
  ['frame.packet_flags_direction', 0x3, 0],
  ['frame.packet_flags_reception_type', 0x1c, 2],
  ['frame.packet_flags_fcs_length', 0x1e0, 5],
  ['frame.packet_flags_reserved', 0xfe00, 9],
];
const FLAG_BOOLS: Array<[string, number]> = [
  ['frame.packet_flags_crc_error', 24], ['frame.packet_flags_packet_too_error', 25],
  ['frame.packet_flags_packet_too_short_error', 26], ['frame.packet_flags_wrong_inter_frame_gap_error', 27],
  ['frame.packet_flags_unaligned_frame_error', 28], ['frame.packet_flags_start_frame_delimiter_error', 29],
  ['frame.packet_flags_preamble_error', 30], ['frame.packet_flags_symbol_error', 31],
];

/**
 * frame.encap_type is Wireshark's own encapsulation number (wiretap's
 * WTAP_ENCAP_*), not the file's link type: the link types we read, mapped as
 * tshark 4.0 maps them (checked with text2pcap -l N | tshark).
 */
const WTAP_ENCAP: Record<number, number> = {
  0: 15, 1: 1, 9: 4, 12: 7, 14: 7, 50: 4, 101: 7, 105: 20, 108: 174, 113: 25, 127: 23, 192: 97, 197: 98, 228: 129, 229: 130, 276: 210,
  104: 28, 177: 88, 189: 95, 220: 115, 226: 124, 239: 141,
};

export interface Clock {
  first: bigint | null;
  prev: bigint | null;
  /** the last packet shown (passed the display filter), for frame.time_delta_displayed */
  shown: bigint | null;
}

// fields field-subset output rarely asks for: one lookup for the three
const META_FIELDS = fieldGroup('frame.interface_id', 'frame.encap_type', 'frame.time');
const REL_FIELDS = fieldGroup('frame.time_delta', 'frame.time_relative', 'frame.time_delta_displayed');

// every packet's fields, by key (no name hashing per packet)
const K = fieldKeys({
  layer: 'frame', timeEpoch: 'frame.time_epoch', number: 'frame.number', len: 'frame.len', capLen: 'frame.cap_len',
  protocols: 'frame.protocols',
});

const P_FRAME_PACKET_FLAGS = fieldPrefix('frame.packet_flags');
export function dissectFrame(ctx: Ctx, clock: Clock): FieldNode {
  const p = ctx.pkt;
  const fr = ctx.layerK(K.layer, 0, p.capLen);
  if (p.comments) for (const c of p.comments) ctx.gen(fr, 'frame.comment', c);
  // classic pcap has no interfaces (its records carry tsSec): tshark shows no interface id there
  const meta = ctx.any(META_FIELDS);
  if (meta && p.tsSec === undefined) ctx.gen(fr, 'frame.interface_id', p.interfaceId);
  // where tshark puts them: after the interface, before the encapsulation; read from the record, not generated
  if (p.flags !== undefined && ctx.wantsPrefixK(P_FRAME_PACKET_FLAGS)) {
    const pf = ctx.add(fr, 'frame.packet_flags', p.flags, 0, 0);
    for (const [name, mask, shift] of FLAG_BITS) ctx.sub(pf, name, (p.flags & mask) >>> shift, 0, 0);
    for (const [name, bit] of FLAG_BOOLS) ctx.sub(pf, name, ((p.flags >>> bit) & 1) === 1, 0, 0);
  }
  if (p.xdpAction !== undefined) ctx.gen(fr, 'xdp.action', p.xdpAction);
  if (meta) ctx.gen(fr, 'frame.encap_type', WTAP_ENCAP[p.linkType] ?? p.linkType);
  const ts = p.tsNs;
  if (ts !== null) {
    if (meta) ctx.gen(fr, 'frame.time', ts);
    ctx.genK(fr, K.timeEpoch, ts);
    if (clock.first === null) clock.first = ts;
    // reltime values are seconds; the exact nanoseconds ride along for printing
    if (ctx.any(REL_FIELDS) && ctx.wants('frame.time_delta')) {
      const ns = clock.prev === null ? 0n : ts - clock.prev;
      ctx.reltime(fr, 'frame.time_delta', ns);
    }
    if (ctx.any(REL_FIELDS) && ctx.wants('frame.time_delta_displayed')) {
      // as tshark's single pass: from the last packet the display filter let through (0 for the first)
      const ns = clock.shown === null ? 0n : ts - clock.shown;
      ctx.reltime(fr, 'frame.time_delta_displayed', ns);
    }
    if (ctx.any(REL_FIELDS) && ctx.wants('frame.time_relative')) {
      const ns = ts - clock.first;
      ctx.reltime(fr, 'frame.time_relative', ns);
    }
    clock.prev = ts;
  }
  ctx.genK(fr, K.number, p.number);
  ctx.genK(fr, K.len, p.origLen);
  ctx.genK(fr, K.capLen, p.capLen);
  return ctx.genK(fr, K.protocols, '');
}

treeLine('frame', (v) => {
  const p = v.dissection?.packet;
  const len = p ? p.origLen : Number(v.value('frame.len') ?? 0), cap = p ? p.capLen : Number(v.value('frame.cap_len') ?? 0);
  const num = p ? String(p.number) : v.text('frame.number');
  // pcapng (records without classic pcap's raw time fields): tshark names the interface by its if_name,
  // which packets do not carry here, so "unknown" as tshark says for an interface without one
  const id = p ? (p.tsSec === undefined ? String(p.interfaceId) : undefined) : v.value('frame.interface_id');
  const iface = id !== undefined ? ` on interface unknown, id ${id}` : '';
  const dir = (p ? p.flags ?? 0 : Number(v.value('frame.packet_flags') ?? 0)) & 3;
  const way = dir === 1 ? ' (inbound)' : dir === 2 ? ' (outbound)' : '';
  return `Frame ${num}: ${len} bytes on wire (${len * 8} bits), ${cap} bytes captured (${cap * 8} bits)${iface}${way}`;
});
