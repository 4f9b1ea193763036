// SCTP on crafted frames judged by tshark on the same bytes: an association
// set up, carrying DATA (several chunks per packet, a retransmission, a
// message split over three DATA chunks, I-DATA), SACKs with gaps and
// duplicates, every other chunk type tshark knows with its parameters and
// error causes, over IPv4 and IPv6; then lengths that lie (chunk,
// parameter, cause), unknown types, padding, and frames cut by the snap
// length at every interesting offset. (This kernel has no sctp module, so
// there is no live peer.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareFile, tsharkSkip } from './compare';
import { damageNeverThrows } from './tshark-compare';
import { eth, ipv4, ipv6, u16, u32, ascii } from './packets';
import { type PcapFrame, pcapFile, secondsApart } from '../../lib/pcap';
import { outputDir } from '../../lib/env';
import { mulberry32, testSeed } from '../../lib/rng';

export const SCTP_FIELDS = [
  'frame.protocols', 'sctp', 'sctp.srcport', 'sctp.dstport', 'sctp.port', 'sctp.verification_tag', 'sctp.assoc_index', 'sctp.checksum', 'sctp.checksum.status',
  'sctp.chunk_type', 'sctp.chunk_bit_1', 'sctp.chunk_bit_2', 'sctp.chunk_flags', 'sctp.chunk_length', 'sctp.chunk_padding', 'sctp.chunk_value', 'sctp.cookie',
  'sctp.initiate_tag', 'sctp.init_initiate_tag', 'sctp.init_credit', 'sctp.init_nr_out_streams', 'sctp.init_nr_in_streams', 'sctp.init_initial_tsn',
  'sctp.initack_initiate_tag', 'sctp.initack_credit', 'sctp.initack_nr_out_streams', 'sctp.initack_nr_in_streams', 'sctp.initack_initial_tsn',
  'sctp.data_tsn', 'sctp.data_tsn_raw', 'sctp.data_sid', 'sctp.data_ssn', 'sctp.data_payload_proto_id', 'sctp.data_reserved', 'sctp.data_mid', 'sctp.data_fsn',
  'sctp.data_e_bit', 'sctp.data_b_bit', 'sctp.data_u_bit', 'sctp.data_i_bit',
  'sctp.sack_nounce_sum', 'sctp.sack_cumulative_tsn_ack', 'sctp.sack_cumulative_tsn_ack_raw', 'sctp.sack_a_rwnd', 'sctp.sack_number_of_gap_blocks',
  'sctp.sack_number_of_duplicated_tsns', 'sctp.sack_gap_block_start', 'sctp.sack_gap_block_start_tsn', 'sctp.sack_gap_block_end', 'sctp.sack_gap_block_end_tsn',
  'sctp.sack_number_of_tsns_gap_acked', 'sctp.sack_duplicate_tsn',
  'sctp.nr_sack_nounce_sum', 'sctp.nr_sack_cumulative_tsn_ack', 'sctp.nr_sack_a_rwnd', 'sctp.nr_sack_number_of_gap_blocks', 'sctp.nr_sack_number_of_nr_gap_blocks',
  'sctp.nr_sack_number_of_duplicated_tsns', 'sctp.nr_sack_reserved', 'sctp.nr_sack_gap_block_start', 'sctp.nr_sack_gap_block_start_tsn', 'sctp.nr_sack_gap_block_end',
  'sctp.nr_sack_gap_block_end_tsn', 'sctp.nr_sack_number_of_tsns_gap_acked', 'sctp.nr_sack_nr_gap_block_start', 'sctp.nr_sack_nr_gap_block_start_tsn',
  'sctp.nr_sack_nr_gap_block_end', 'sctp.nr_sack_nr_gap_block_end_tsn', 'sctp.nr_sack_number_of_tsns_nr_gap_acked', 'sctp.nr_sack_duplicate_tsn',
  'sctp.shutdown_cumulative_tsn_ack', 'sctp.ecne_lowest_tsn', 'sctp.cwr_lowest_tsn', 'sctp.shutdown_complete_t_bit', 'sctp.abort_t_bit',
  'sctp.forward_tsn_tsn', 'sctp.forward_tsn_sid', 'sctp.forward_tsn_ssn', 'sctp.i_forward_tsn_tsn', 'sctp.i_forward_tsn_sid', 'sctp.i_forward_tsn_flags',
  'sctp.i_forward_tsn_res', 'sctp.i_forward_tsn_u_bit', 'sctp.forward_tsn_mid',
  'sctp.parameter_type', 'sctp.parameter_length', 'sctp.parameter_value', 'sctp.parameter_padding', 'sctp.parameter_bit_1', 'sctp.parameter_bit_2',
  'sctp.parameter_ipv4_address', 'sctp.parameter_ipv6_address', 'sctp.parameter_heartbeat_information', 'sctp.parameter_state_cookie',
  'sctp.parameter_cookie_preservative_incr', 'sctp.parameter_hostname', 'sctp.parameter_supported_address_type',
  'sctp.parameter_reconfig_request_sequence_number', 'sctp.parameter_reconfig_response_sequence_number', 'sctp.parameter_senders_last_assigned_tsn',
  'sctp.parameter_senders_next_tsn', 'sctp.parameter_receivers_next_tsn', 'sctp.parameter_reconfig_response_result', 'sctp.parameter_reconfig_sid',
  'sctp.parameter_add_outgoing_streams_number', 'sctp.parameter_add_outgoing_streams_reserved', 'sctp.parameter_add_incoming_streams_number',
  'sctp.parameter_add_incoming_streams_reserved', 'sctp.asconf_seq_nr_number', 'sctp.asconf_ack_seq_nr_number', 'sctp.correlation_id',
  'sctp.adaptation_layer_indication', 'sctp.random_number', 'sctp.chunk_type_to_auth', 'sctp.hmac_id', 'sctp.hmac', 'sctp.shared_key_id',
  'sctp.supported_chunk_type', 'sctp.cause_code', 'sctp.cause_length', 'sctp.cause_information', 'sctp.cause_padding', 'sctp.cause_stream_identifier',
  'sctp.cause_reserved', 'sctp.cause_nr_of_missing_parameters', 'sctp.cause_missing_parameter_type', 'sctp.cause_measure_of_staleness', 'sctp.cause_tsn',
  'sctp.pckdrop_m_bit', 'sctp.pckdrop_b_bit', 'sctp.pckdrop_t_bit', 'sctp.pktdrop_bandwidth', 'sctp.pktdrop_queuesize', 'sctp.pktdrop_truncated_length',
  'sctp.pktdrop_reserved', 'sctp.pktdrop_datafield', 'sctp.padding_data', 'sctp.fragment', 'sctp.fragments', 'sctp.reassembled_in', 'sctp.duplicate',
  'sctp.retransmission', 'sctp.retransmission_time', 'data.data', 'data.len', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];

const pad4 = (b: number[]): number[] => [...b, ...Array<number>((4 - (b.length % 4)) % 4).fill(0)];
/** A chunk: type, flags, value; `len` overrides the length field, `pad` false leaves it unpadded. */
const chunk = (t: number, flags: number, value: number[], o: { len?: number; pad?: boolean } = {}): number[] => {
  const c = [t, flags, ...u16(o.len ?? 4 + value.length), ...value];
  return o.pad === false ? c : pad4(c);
};
const param = (t: number, value: number[], len?: number): number[] => pad4([...u16(t), ...u16(len ?? 4 + value.length), ...value]);
const cause = param;
const sctp = (sp: number, dp: number, vtag: number, chunks: number[][]): number[] => [...u16(sp), ...u16(dp), ...u32(vtag), ...u32(0x12345678), ...chunks.flat()];
const C = '198.18.0.1', S = '198.18.0.2';
const c2s = (vtag: number, ...ch: number[][]): number[] => eth(0x0800, ipv4(C, S, 132, sctp(5000, 6000, vtag, ch)));
const s2c = (vtag: number, ...ch: number[][]): number[] => eth(0x0800, ipv4(S, C, 132, sctp(6000, 5000, vtag, ch)));
const data = (tsn: number, payload: number[], flags = 3, sid = 1, ssn = 7, ppid = 0): number[] => chunk(0, flags, [...u32(tsn), ...u16(sid), ...u16(ssn), ...u32(ppid), ...payload]);
const idata = (tsn: number, payload: number[], flags: number, mid: number, ppidOrFsn: number): number[] =>
  chunk(64, flags, [...u32(tsn), ...u16(2), 0, 0, ...u32(mid), ...u32(ppidOrFsn), ...payload]);
const sack = (cum: number, gaps: Array<[number, number]> = [], dups: number[] = [], flags = 0): number[] =>
  chunk(3, flags, [...u32(cum), ...u32(106496), ...u16(gaps.length), ...u16(dups.length), ...gaps.flatMap(([a, b]) => [...u16(a), ...u16(b)]), ...dups.flatMap(u32)]);
const initBody = (tag: number, tsn: number): number[] => [...u32(tag), ...u32(106496), ...u16(10), ...u16(65535), ...u32(tsn)];
const A = 0xaaaa0001, B = 0xbbbb0002;

/** Every INIT parameter kind tshark decodes, odd lengths and unknown ones included. */
const INIT_PARAMS = [
  ...param(5, [198, 18, 0, 1]), ...param(6, [0x20, 1, 0x0d, 0xb8, ...Array<number>(11).fill(0), 9]), ...param(12, [...u16(5), ...u16(6), ...u16(11)]),
  ...param(9, u32(3000)), ...param(11, ascii('host.example\0')), ...param(0x8000, []), ...param(0xc000, []), ...param(0x8008, [0xc1, 0x80, 0x82, 0x40, 0xc2]),
  ...param(0x8002, Array.from({ length: 32 }, (_, i) => i)), ...param(0x8004, [...u16(1), ...u16(3)]), ...param(0x8003, [0xc1, 0x80, 0x81]),
  ...param(0xc006, u32(7)), ...param(0x4321, [1, 2, 3]), ...param(0x8001, u32(1)),
];

const FRAMES: PcapFrame[] = [
  c2s(0, chunk(1, 0, [...initBody(A, 1000), ...INIT_PARAMS])),
  s2c(A, chunk(2, 0, [...initBody(B, 5000), ...param(7, Array.from({ length: 21 }, (_, i) => i)), ...param(8, param(0x8001, u32(1)).slice(0, 8))])),
  c2s(B, chunk(10, 0, Array.from({ length: 21 }, (_, i) => i))),
  s2c(A, chunk(11, 0, [])),
  c2s(B, data(1000, ascii('hello'))),
  c2s(B, data(1001, ascii('one')), data(1002, ascii('twotwo'), 0x0b, 3, 0, 46)),
  s2c(A, sack(1002)),
  c2s(B, data(1003, ascii('three'))),
  c2s(B, data(1005, ascii('five'))),
  s2c(A, sack(1003, [[2, 2]], [1001])),
  // the same TSN again: a retransmission, not handed on
  c2s(B, data(1003, ascii('three'))),
  s2c(A, sack(1005), data(5000, ascii('reply'))),
  c2s(B, sack(5000, [[2, 3], [5, 9]], [], 1)),
  // a user message over three DATA chunks, reassembled in the last; then a fragment seen twice
  c2s(B, data(1006, ascii('x'.repeat(10)), 2)),
  c2s(B, data(1007, ascii('y'.repeat(10)), 0)),
  c2s(B, data(1008, ascii('z'.repeat(9)), 1)),
  c2s(B, data(1009, ascii('unordered'), 6, 4, 0)),
  c2s(B, data(1009, ascii('unordered'), 6, 4, 0)),
  // I-DATA: first fragment with a PPID, then the last with its FSN
  c2s(B, idata(1010, ascii('idata-one'), 2, 77, 51)),
  c2s(B, idata(1011, ascii('idata-two'), 1, 77, 1)),
  c2s(B, chunk(4, 0, param(1, ascii('hb-info-123')))),
  s2c(A, chunk(5, 0, param(1, ascii('hb-info-123')))),
  eth(0x86dd, ipv6(132, sctp(7000, 7001, 0x01020304, [chunk(4, 0, param(1, [1, 2, 3, 4, 5, 6, 7, 8]))]))),
  eth(0x86dd, ipv6(132, sctp(7000, 7001, 0x01020304, [data(77, ascii('v6 data'))]))),
  c2s(B, chunk(7, 0, u32(1010)), chunk(12, 0, u32(1003)), chunk(13, 0, u32(5000))),
  s2c(A, chunk(8, 0, []), chunk(14, 1, [])),
  // ABORT and ERROR with every cause kind
  c2s(B, chunk(6, 1, [
    ...cause(1, [...u16(9), 0, 0]), ...cause(2, [...u32(2), ...u16(7), ...u16(0xc006)]), ...cause(3, u32(123456)), ...cause(4, []),
    ...cause(5, param(5, [198, 18, 0, 9])), ...cause(6, chunk(0xc5, 0, [1, 2, 3], { pad: false })), ...cause(7, []),
  ])),
  s2c(A, chunk(9, 0, [
    ...cause(8, [...param(0x8001, u32(1)), ...param(0x8005, [9])]), ...cause(9, u32(4242)), ...cause(0xa, []), ...cause(0xb, [...param(5, [198, 18, 0, 3]), ...param(5, [198, 18, 0, 4])]),
    ...cause(0xc, ascii('bye')), ...cause(0xd, ascii('violation!')), ...cause(0xa0, param(5, [198, 18, 0, 5])), ...cause(0xa1, param(0xc001, [...u32(1), ...param(5, [198, 18, 0, 6])])),
    ...cause(0xa2, param(5, [198, 18, 0, 7])), ...cause(0xa3, [1, 2]), ...cause(0xa4, param(0xc005, u32(3))), ...cause(0x105, [...u16(2), 0, 0]), ...cause(0x7777, [1, 2, 3, 4, 5]),
  ])),
  // FORWARD TSN, I-FORWARD TSN, AUTH, ASCONF, ASCONF ACK, RE-CONFIG, PAD, NR-SACK, PKTDROP, unknown chunks
  c2s(B, chunk(192, 0, [...u32(1020), ...u16(1), ...u16(5), ...u16(2), ...u16(6)]), chunk(194, 0, [...u32(1021), ...u16(1), ...u16(1), ...u32(9), ...u16(3), ...u16(0xfffe), ...u32(10)])),
  c2s(B, chunk(15, 0, [...u16(1), ...u16(1), ...Array.from({ length: 20 }, (_, i) => i)]), data(1012, ascii('authenticated'))),
  c2s(B, chunk(193, 0, [...u32(0x10), ...param(0xc001, [...u32(1), ...param(5, [198, 18, 0, 10])]), ...param(0xc002, [...u32(2), ...param(6, [0x20, 1, 0x0d, 0xb8, ...Array<number>(12).fill(1)])]),
    ...param(0xc004, [...u32(3), ...param(5, [198, 18, 0, 11])])])),
  s2c(A, chunk(128, 0, [...u32(0x10), ...param(0xc005, u32(1)), ...param(0xc003, [...u32(2), ...cause(0xa0, param(5, [198, 18, 0, 10]))])])),
  c2s(B, chunk(130, 0, [...param(0xd, [...u32(1), ...u32(2), ...u32(1000), ...u16(1), ...u16(2)]), ...param(0xe, [...u32(2), ...u16(3)]), ...param(0xf, u32(3)),
    ...param(0x10, [...u32(4), ...u32(1), ...u32(7), ...u32(8)]), ...param(0x10, [...u32(5), ...u32(6)]), ...param(0x11, [...u32(6), ...u16(4), 0, 0]), ...param(0x12, [...u32(7), ...u16(5), 0, 0])])),
  c2s(B, chunk(132, 0, Array<number>(10).fill(0xab)), chunk(16, 1, [...u32(5010), ...u32(4096), ...u16(1), ...u16(1), ...u16(1), 0, 0, ...u16(2), ...u16(4), ...u16(6), ...u16(6), ...u32(5001)])),
  s2c(A, chunk(129, 0x04, [...u32(1000), ...u32(2000), ...u16(20), 0, 0, ...Array<number>(20).fill(0x5a)]),
    chunk(129, 0x01, [...u32(1000), ...u32(2000), ...u16(0), 0, 0, ...sctp(5000, 6000, B, [chunk(11, 0, [])])])),
  c2s(B, chunk(0x45, 0, [1, 2, 3, 4, 5]), chunk(0xff, 0, []), chunk(0x85, 0, [9])),
  // gap blocks backwards and out of order, a zero window, an empty DATA chunk, a DATA chunk too short for its header
  s2c(A, sack(1003, [[5, 3], [2, 2]]), chunk(3, 0, [...u32(1000), ...u32(0), 0, 0, 0, 0])),
  c2s(B, data(1013, []), chunk(0, 3, [1, 2, 3, 4]), chunk(11, 0, [])),
  // a SACK in a direction whose peer was never paired (another port pair): the absolute TSN only
  c2s(0x99, sack(10, [[1, 1]])),
  // lies: a chunk longer than the packet, a chunk length below 4, a parameter length past its chunk, a cause length of 2
  c2s(B, chunk(11, 0, [], { len: 40 })),
  c2s(B, chunk(0xc0, 0, [], { len: 2, pad: false }), chunk(11, 0, [])),
  c2s(B, chunk(1, 0, [...initBody(A, 1), ...u16(5), ...u16(40), 1, 2, 3, 4])),
  c2s(B, chunk(9, 0, [...u16(1), ...u16(2), 0, 0])),
  c2s(B, chunk(0, 3, [...u32(2000), 0, 1], { len: 12 })),
  c2s(B, chunk(4, 0, [...u16(1), ...u16(0)])),
  c2s(B, chunk(2, 0, [1, 2, 3])),
  c2s(B, chunk(3, 0, [...u32(1), ...u32(2), ...u16(5), ...u16(0), 0, 1])),
  c2s(B, [0, 3, 0, 0]),
  // no chunk at all, and a header cut short
  c2s(B),
  eth(0x0800, ipv4(C, S, 132, [0x13, 0x88, 0x17, 0x70, 0, 0, 0, 1])),
];

/** Frames the capture's snap length cut: an INIT and a DATA, at every interesting offset. */
function cuts(): PcapFrame[] {
  const init = c2s(0, chunk(1, 0, [...initBody(A, 1000), ...param(5, [198, 18, 0, 1]), ...param(11, ascii('cut.example\0'))]));
  const dat = c2s(B, data(1, ascii('cut short here')));
  const out: PcapFrame[] = [];
  for (const f of [init, dat] as number[][]) {
    for (const at of [36, 40, 46, 48, 50, 52, 58, 62, 66, 70, 74, 78, 82]) if (at < f.length) out.push({ data: Uint8Array.from(f.slice(0, at)), origLen: f.length });
  }
  return out;
}

test('SCTP: every chunk type, parameters, causes, TSN analysis and reassembly agree with tshark', { skip: tsharkSkip() }, () => {
  const path = join(outputDir('dissect-compare'), 'sctp.pcap');
  writeFileSync(path, pcapFile([...FRAMES, ...cuts()], { usAt: secondsApart }));
  const r = compareFile(path, SCTP_FIELDS);
  console.log(`# sctp: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
  assert.ok(damageNeverThrows(path, mulberry32(testSeed('sctp', 1)), 60, 34) >= 0);
});
