// PTP (IEEE 1588) against tshark 4.0: every v2 message type over Ethernet
// (0x88f7) and UDP 319/320, as ptp4l sends them, with flags, a negative
// correction, signaling TLVs, a messageLength that lies either way, cuts
// inside the header and bodies, and a v1 message. Before ptp.ts these were
// eth:ethertype:data and udp:data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allFields } from '../../../main/engine/fields/store';
import '../../../main/engine/dissect/protocols';
import { craftedAgrees, tsharkSkip } from './compare';
import { eth, hex, ipv4, u16, u32, udp } from './packets';

const FIELDS = [
  'frame.protocols', 'eth.padding', 'eth.trailer', 'udp.port',
  ...allFields().map((f) => f.name).filter((n) => n === 'ptp' || (n.startsWith('ptp.') && !n.endsWith('too_small'))),
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];

const CLOCK = hex('0011223344556677');
interface H { flags?: number; seq?: number; ctl?: number; logp?: number; dom?: number; corr?: number[]; sdo?: number; minor?: number; spec?: number }
const header = (type: number, length: number, h: H = {}): number[] => [
  ((h.sdo ?? 0) << 4) | type, ((h.minor ?? 0) << 4) | 2, ...u16(length), h.dom ?? 0, 0, ...u16(h.flags ?? 0),
  ...(h.corr ?? Array<number>(8).fill(0)), ...u32(h.spec ?? 0), ...CLOCK, ...u16(1), ...u16(h.seq ?? 1), h.ctl ?? 5, h.logp ?? 0,
];
const ts = (s: number, ns: number): number[] => [...u16(Math.floor(s / 2 ** 32)), ...u32(s >>> 0), ...u32(ns)];
const port = [...hex('8899aabbccddeeff'), ...u16(3)];
const msg = (type: number, body: number[], h: H = {}): number[] => [...header(type, 34 + body.length, h), ...body];

const announce = [...ts(0, 0), ...u16(37), 0, 128, 6, 0x21, ...u16(0x4e5d), 128, ...CLOCK, ...u16(0), 0xa0];
const MESSAGES = [
  msg(0, ts(0, 0), { flags: 0x0200, ctl: 0 }),
  msg(8, ts(1700000000, 123456789), { ctl: 2, corr: hex('ffffffffffff8000') }),
  msg(1, ts(0, 0), { ctl: 1, logp: 0x7f }),
  msg(9, [...ts(1700000000, 5), ...port], { ctl: 3, logp: 0xfd }),
  msg(11, announce, { flags: 0x003f, logp: 1, spec: 0xdeadbeef, minor: 1, dom: 24 }),
  msg(2, [...ts(7, 8), ...Array<number>(10).fill(0)]),
  msg(3, [...ts(1, 2), ...port], { flags: 0xe70f, sdo: 2 }),
  msg(10, [...ts(1, 0xffffffff), ...port]),
  msg(12, [...hex('ffffffffffffffff'), ...u16(0xffff), ...u16(0x2000), ...u16(6), 0x0b, 0, 0, 0, 0, 1, ...u16(0x8000), ...u16(0)]),
  msg(5, [1, 2, 3]),
  // management: a known id and action, an unknown id, an unknown action
  ...([[0x2000, 1], [0x6001, 2], [0x1234, 0], [0x0002, 9]] as const).map(([id, action]) =>
    msg(13, [...hex('ffffffffffffffff'), ...u16(0xffff), 1, 1, action, 0, ...u16(1), ...u16(2), ...u16(id)], { ctl: 4, logp: 0x7f })),
];

test('PTP: every v2 message over Ethernet and UDP 319/320 agrees with tshark', { skip: tsharkSkip() }, () => {
  const frames = [
    ...MESSAGES.map((m) => eth(0x88f7, m)),
    eth(0x0800, ipv4('198.18.0.1', '224.0.1.129', 17, udp(319, 319, MESSAGES[0]))),
    eth(0x0800, ipv4('198.18.0.1', '224.0.1.129', 17, udp(320, 320, MESSAGES[1]))),
    eth(0x0800, ipv4('198.18.0.1', '224.0.1.129', 17, udp(320, 320, MESSAGES[4]))),
  ];
  const r = craftedAgrees('ptp-messages', frames, FIELDS, { seed: ['ptp-messages', 0x88f7] });
  assert.equal(r.theirs[0][0], 'eth:ethertype:ptp');
  assert.equal(r.theirs[0][FIELDS.indexOf('_ws.col.Info')], 'Sync Message');
  assert.equal(r.theirs[MESSAGES.length][0], 'eth:ethertype:ip:udp:ptp');
});

test('PTP: a lying messageLength, cut headers and bodies, v1 and unknown versions agree with tshark', { skip: tsharkSkip() }, () => {
  const sync = MESSAGES[0], ann = MESSAGES[4];
  const frames = [
    eth(0x88f7, [...header(0, 60), ...ts(0, 0)]),               // longer than the frame
    eth(0x88f7, [...header(0, 3), ...ts(0, 0)]),                // shorter than its own length field
    // shorter than its body (2 bytes of trailer: tshark takes 4 or more past the PDU for an FCS, a matter of Ethernet's)
    eth(0x88f7, [...header(0, 42), ...ts(0, 0x01020304)]),
    ...[1, 3, 5, 9, 20, 33, 36, 43].map((n) => eth(0x88f7, sync.slice(0, n))),
    ...[50, 56, 60, 63].map((n) => eth(0x88f7, ann.slice(0, n))),
    ...[40, 45, 47, 50, 53].map((n) => eth(0x88f7, MESSAGES[10].slice(0, n))),
    ...[44, 45, 47, 52].map((n) => eth(0x88f7, MESSAGES[8].slice(0, n))),
    eth(0x88f7, [0, 1, 0, 1, ...Array<number>(120).fill(0)]),  // v1 bytes on Ethernet: read as v2
    eth(0x88f7, [0, 7, 0, 44, ...Array<number>(40).fill(0)]),  // version 7
    // PTPv1 on UDP: a Sync whole and one cut short
    eth(0x0800, ipv4('198.18.0.1', '224.0.1.129', 17, udp(319, 319, [0, 1, 0, 1, ...Array<number>(120).fill(0)]))),
    eth(0x0800, ipv4('198.18.0.1', '224.0.1.129', 17, udp(319, 319, [0, 1, 0, 1, ...Array<number>(40).fill(0)]))),
  ];
  craftedAgrees('ptp-damage', frames, FIELDS, { seed: ['ptp-damage', 0x88f8] });
});
