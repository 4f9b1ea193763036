// Slow Protocols (ethertype 0x8809) against tshark 4.0: LACP as Linux
// bonding in 802.3ad mode sends it (v1), v2 TLVs, HP's IRF extension, a
// trailer, wrong TLV types and lengths and cuts at every field; the Marker
// protocol; Ethernet OAM's Information, Event Notification, Variable
// Request/Response and Loopback Control PDUs. Before slow.ts every one of
// these was eth:ethertype:data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allFields } from '../../../main/engine/fields/store';
import '../../../main/engine/dissect/protocols';
import { craftedAgrees, tsharkSkip } from './compare';
import { eth, hex, u16, u32 } from './packets';

const FIELDS = [
  'frame.protocols', 'eth.padding', 'eth.trailer',
  ...allFields().map((f) => f.name).filter((n) => /^(slow|lacp|marker|oampdu)(\.|$)/.test(n) && !/wrong|\.bad$/.test(n)),
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];

const mac = (n: number): number[] => hex(`02000000000${n.toString(16)}`);
const side = (type: number, prio: number, sys: number, key: number, port: number, state: number, len = 20): number[] =>
  [type, len, ...u16(prio), ...mac(sys), ...u16(key), ...u16(255), ...u16(port), state, 0, 0, 0];
const zeros = (n: number): number[] => Array<number>(n).fill(0);
const collector = (delay = 0, type = 3, len = 16): number[] => [type, len, ...u16(delay), ...zeros(12)];
const body = [...side(1, 65535, 1, 15, 1, 0x3d), ...side(2, 32768, 2, 9, 2, 0xc7), ...collector(5)];
const lacp = (version: number, rest: number[]): number[] => eth(0x8809, [1, version, ...rest]);
const v1 = lacp(1, [...body, 0, 0, ...zeros(50)]);
const hpIrf = [0x64, 24, 1, 2, 0, 7, ...mac(9), ...zeros(8), 0, 3, 0, 4, 0, 0];

const LACP = [
  v1,
  // LACPv2: two extra TLVs before the terminator, then HP's IRF extension
  lacp(2, [...body, 0x04, 6, 1, 2, 3, 4, 0x05, 2, 0, 0, ...zeros(42), ...hpIrf]),
  // a trailer that is not HP's: left to Ethernet
  [...v1, 0xaa, 0xbb, 0xcc],
  // wrong actor type and length, wrong partner and collector, a terminator with a length
  lacp(1, [...side(5, 1, 1, 1, 1, 0, 19), ...side(7, 1, 2, 1, 1, 0xff, 3), ...collector(1, 4, 1), 0, 5, ...zeros(50)]),
  // a v2 TLV whose length runs past the frame
  lacp(2, [...body, 0x04, 200, 1, 2]),
  // a v2 TLV of length 1: the loop stops there
  lacp(2, [...body, 0x09, 1, ...zeros(50)]),
  // vLACP (Avaya): its own subtype byte in front
  eth(0x8809, [1, 1, 1, 1, 0x14, ...body.slice(2), 0, 0, ...zeros(50)]),
  // unknown subtype, and nothing after the ethertype
  eth(0x8809, [9, 1, 2, 3]),
  eth(0x8809, []),
  eth(0x8809, [1]),
  // cut at every field of the v1 PDU (and inside the pad)
  ...[2, 3, 4, 5, 6, 7, 9, 15, 17, 19, 21, 22, 25, 30, 42, 43, 45, 47, 48, 58, 59, 60, 61, 80].map((n) => v1.slice(0, 14 + n)),
];

const marker = (type: number, len: number, pad = 0, t2 = 0, l2 = 0): number[] =>
  eth(0x8809, [2, 1, type, len, ...u16(3), ...mac(5), ...u32(0x80000001), ...u16(pad), t2, l2, ...zeros(90)]);
const MARKER = [
  marker(1, 16), marker(2, 16), marker(7, 12, 1, 1, 0), marker(1, 16, 0, 0, 4),
  ...[2, 4, 6, 12, 16, 18, 20, 30].map((n) => marker(1, 16).slice(0, 14 + n)),
];

const oam = (flags: number, code: number, rest: number[]): number[] => eth(0x8809, [3, ...u16(flags), code, ...rest]);
const infoTlv = (type: number, state: number, cfg: number): number[] => [type, 16, 1, ...u16(2), state, cfg, ...u16(1518), 0x00, 0x10, 0x00, 1, 2, 3, 4];
const u64 = (hi: number, lo: number): number[] => [...u32(hi), ...u32(lo)];
const OAM = [
  oam(0x0050, 0, [...infoTlv(1, 0x05, 0x1f), ...infoTlv(2, 0x02, 0x00), 0xfe, 8, 0x00, 0x12, 0x34, 9, 9, 9, 0]),
  oam(0x0007, 0, [...infoTlv(1, 0x07, 0x01), 0x33, 4, 1, 2, 0x01, 16, 1, ...u16(1), 0, 0, ...u16(64), 0, 0, 0, 0, 0, 0, 0]),
  oam(0x0000, 1, [...u16(7), 1, 40, ...u16(10), ...u64(0, 1000), ...u64(0, 10), ...u64(0, 11), ...u64(1, 2), ...u32(3),
    2, 26, ...u16(11), ...u16(10), ...u32(1), ...u32(2), ...u64(0, 3), ...u32(4),
    3, 28, ...u16(12), ...u32(100), ...u32(1), ...u32(2), ...u64(0, 3), ...u32(4),
    4, 18, ...u16(13), ...u16(60), ...u16(1), ...u16(2), ...u32(3), ...u32(4), 0xfe, 5, 1, 2, 3, 0xfe, 1, 0]),
  oam(0x0000, 2, [7, ...u16(2), 3, ...u16(1), 4, ...u16(3), 6, ...u16(26), 9, ...u16(9), 0]),
  oam(0x0000, 3, [7, ...u16(2), 4, 1, 2, 3, 4, 7, ...u16(5), 0x81, 3, ...u16(1), 2, 7, 7, 1, 9, 0x80, 4, ...u16(3), 0x82, 0]),
  // an object's containers run on to the end: the terminator is read as a width (0: 128 bytes) past the frame
  oam(0x0000, 3, [3, ...u16(1), 2, 7, 7, 0]),
  oam(0x0000, 4, [1]), oam(0x0000, 4, [2]), oam(0x0000, 4, []), oam(0x0000, 0x55, [1, 2, 3]),
  // cuts: inside the flags, before the code, inside an information TLV and an event TLV
  oam(0x0050, 0, []).slice(0, 16), oam(0x0050, 0, []).slice(0, 17),
  oam(0x0050, 0, infoTlv(1, 0, 0)).slice(0, 24), oam(0x0000, 1, [...u16(7), 1, 40, ...u16(10), 1, 2, 3]),
];

test('Slow Protocols: LACP (v1, v2, HP IRF, vLACP, damage, every cut) agrees with tshark', { skip: tsharkSkip() }, () => {
  const r = craftedAgrees('slow-lacp', LACP, FIELDS, { seed: ['slow-lacp', 0x8809] });
  assert.equal(r.theirs[0][0], 'eth:ethertype:slow:lacp');
  assert.equal(r.theirs[0][FIELDS.indexOf('_ws.col.Info')], 'v1 ACTOR 02:00:00:00:00:01 P: 1 K: 15 **DCSG*A PARTNER 02:00:00:00:00:02 P: 2 K: 9 EF***GSA');
});

test('Slow Protocols: the Marker protocol and Ethernet OAM agree with tshark', { skip: tsharkSkip() }, () => {
  const r = craftedAgrees('slow-marker-oam', [...MARKER, ...OAM], FIELDS, { seed: ['slow-marker-oam', 0x880a] });
  assert.equal(r.theirs[0][0], 'eth:ethertype:slow:marker');
  assert.equal(r.theirs[MARKER.length][0], 'eth:ethertype:slow:oampdu');
});
