// DCCP on crafted frames judged by tshark on the same bytes: a connection
// (Request, Response, Ack, Data, DataAck, CloseReq, Close, Reset, Sync,
// SyncAck) with right checksums, relative sequence and acknowledgement
// numbers per direction, short (24-bit) sequence numbers, every option
// kind, partial checksum coverage, a wrong checksum, reserved types,
// header lengths that lie, over IPv4 and IPv6, and frames cut short.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareFile, tsharkSkip } from './compare';
import { damageNeverThrows } from './tshark-compare';
import { eth, ipv4, ipv6, u16, u32, ascii, ip4 } from './packets';
import { type PcapFrame, pcapFile, secondsApart } from '../../lib/pcap';
import { finishChecksum, sum16 } from '../../lib/checksum';
import { outputDir } from '../../lib/env';
import { mulberry32, testSeed } from '../../lib/rng';

const FIELDS = ['frame.protocols', 'dccp', 'dccp.srcport', 'dccp.dstport', 'dccp.port', 'dccp.stream', 'dccp.data_offset', 'dccp.ccval', 'dccp.cscov',
  'dccp.checksum', 'dccp.checksum.status', 'dccp.res1', 'dccp.type', 'dccp.x', 'dccp.res2', 'dccp.seq', 'dccp.seq_raw', 'dccp.ack_res', 'dccp.ack',
  'dccp.ack_raw', 'dccp.service_code', 'dccp.reset_code', 'dccp.data1', 'dccp.data2', 'dccp.data3', 'dccp.options', 'dccp.option_type',
  'dccp.feature_number', 'dccp.ndp_count', 'dccp.timestamp', 'dccp.timestamp_echo', 'dccp.elapsed_time', 'dccp.checksum_data', 'dccp.padding',
  'dccp.mandatory', 'dccp.slow_receiver', 'dccp.init_cookie', 'dccp.ack_vector.nonce_0', 'dccp.ack_vector.nonce_1', 'dccp.data_dropped',
  'dccp.ccid3_loss_event_rate', 'dccp.ccid3_loss_intervals', 'dccp.ccid3_receive_rate', 'dccp.option_reserved', 'dccp.ccid_option_data',
  'dccp.option_unknown', 'data.data', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const C = '198.18.0.1', S = '198.18.0.2';
const u48 = (v: number): number[] => [...u16(Math.floor(v / 0x100000000)), ...u32(v >>> 0)];
interface Opts { x?: boolean; ack?: number; body?: number[]; options?: number[]; payload?: number[]; cscov?: number; ccval?: number; doff?: number; badSum?: boolean }
/** A DCCP packet with its checksum computed over the IPv4 pseudo-header from src to dst. */
function dccp(src: string, dst: string, sp: number, dp: number, type: number, seq: number, o: Opts = {}): number[] {
  const x = o.x ?? true;
  const seqPart = x ? [(type << 1) | 1, 0, ...u48(seq)] : [type << 1, (seq >> 16) & 255, (seq >> 8) & 255, seq & 255];
  const ackPart = o.ack === undefined ? [] : x || type === 7 || (type >= 5 && type !== 7) ? [0, 0, ...u48(o.ack)] : [0, (o.ack >> 16) & 255, (o.ack >> 8) & 255, o.ack & 255];
  const rest = [...seqPart, ...ackPart, ...(o.body ?? []), ...(o.options ?? [])];
  const doff = o.doff ?? (8 + rest.length) / 4;
  const pkt = [...u16(sp), ...u16(dp), doff, ((o.ccval ?? 0) << 4) | (o.cscov ?? 0), 0, 0, ...rest, ...(o.payload ?? [])];
  const cover = o.cscov ? Math.min(pkt.length, (doff + o.cscov - 1) * 4) : pkt.length;
  const pseudo = sum16([...ip4(src), ...ip4(dst), 0, 33, ...u16(pkt.length)]);
  const ck = finishChecksum(sum16(pkt, 0, cover, pseudo)) ^ (o.badSum ? 0x5555 : 0);
  pkt[6] = ck >> 8; pkt[7] = ck & 255;
  return pkt;
}
const c2s = (type: number, seq: number, o: Opts = {}): number[] => eth(0x0800, ipv4(C, S, 33, dccp(C, S, 5001, 6001, type, seq, o)));
const s2c = (type: number, seq: number, o: Opts = {}): number[] => eth(0x0800, ipv4(S, C, 33, dccp(S, C, 6001, 5001, type, seq, o)));

const ALL_OPTIONS = [0, 1, 2, 32, 4, 1, 2, 33, 3, 2, 34, 5, 3, 0x10, 0x20, 35, 3, 4, 36, 6, 1, 2, 3, 4, 37, 4, 0, 9, 38, 4, 0xc0, 0x01, 39, 3, 0x80, 40, 3, 7,
  41, 6, ...u32(123456), 42, 8, ...u32(99), ...u16(5), 43, 4, ...u16(9), 44, 6, ...u32(0xdeadbeef), 192, 6, ...u32(1000), 193, 5, 1, 2, 3, 194, 6, ...u32(125000),
  50, 3, 9, 150, 4, 1, 2, 5, 0, 0];

const FRAMES: PcapFrame[] = [
  c2s(0, 1000, { body: u32(42), options: [32, 4, 2, 2, 0, 0, 0, 0] }),
  s2c(1, 2000, { ack: 1000, body: u32(0x52545041) }),
  c2s(3, 1001, { ack: 2000 }),
  c2s(2, 1002, { payload: ascii('hello') }),
  c2s(4, 1003, { ack: 2000, payload: ascii('world'), options: [41, 6, 0, 0, 0, 7, 1, 1] }),
  s2c(4, 2001, { ack: 1003, options: ALL_OPTIONS, payload: ascii('all options') }),
  c2s(2, 1004, { payload: ascii('partial coverage'), cscov: 1, ccval: 3 }),
  c2s(2, 1005, { payload: ascii('bad sum'), badSum: true }),
  c2s(2, 1006 & 0xffffff, { x: false, payload: ascii('short seq') }),
  c2s(3, 1007, { x: false, ack: 2001 }),
  c2s(8, 1008, { ack: 2001 }),
  s2c(9, 2002, { ack: 1008 }),
  s2c(5, 2003, { ack: 1008 }),
  c2s(6, 1009, { ack: 2003 }),
  s2c(7, 2004, { ack: 1009, body: [2, 1, 2, 3] }),
  // a Request seen mid-stream, a Listen, reserved types, header lengths that lie
  eth(0x0800, ipv4(C, S, 33, dccp(C, S, 7000, 7001, 0, 5, { body: u32(1398359111) }))),
  eth(0x0800, ipv4(S, C, 33, dccp(S, C, 7001, 7000, 10, 9, { body: u32(0) }))),
  c2s(12, 1010, {}),
  c2s(2, 1011, { doff: 3 }),
  c2s(0, 1012, { doff: 4, body: u32(1) }),
  c2s(2, 1013, { doff: 9, payload: [0x29, 6, 0, 0] }),
  c2s(2, 1014, { options: [41, 1, 0, 0] }),
  eth(0x86dd, ipv6(33, [...u16(5001), ...u16(6001), 4, 0, 0, 0, 0x05, 0, ...u48(77), ...ascii('over IPv6')])),
  eth(0x0800, ipv4(C, S, 33, [0x13, 0x89, 0x17])),
  { data: Uint8Array.from(c2s(2, 1015, { payload: ascii('cut by the snap length') })).slice(0, 60), origLen: 84 },
];

test('DCCP: a connection, options, checksums and relative numbers agree with tshark', { skip: tsharkSkip() }, () => {
  const path = join(outputDir('dissect-compare'), 'dccp.pcap');
  writeFileSync(path, pcapFile(FRAMES, { usAt: secondsApart }));
  const r = compareFile(path, FIELDS);
  console.log(`# dccp: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
  assert.ok(damageNeverThrows(path, mulberry32(testSeed('dccp', 1)), 60, 34) >= 0);
});
