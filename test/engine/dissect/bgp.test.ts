// BGP against tshark 4.0 on the same bytes: a session's OPENs with their
// capabilities, KEEPALIVEs several to a segment, UPDATEs with withdrawn
// routes, the common path attributes (2- and 4-byte AS paths as tshark
// decides them), NLRI and MP_REACH/MP_UNREACH for IPv6, NOTIFICATIONs with
// their error codes and a shutdown communication, ROUTE-REFRESH, a message
// split over segments, an unknown type, a bad marker and lying lengths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allFields } from '../../../main/engine/fields/store';
import '../../../main/engine/dissect/protocols';
import { craftedAgrees, tsharkSkip } from './compare';
import { ip4, u16, u32 } from './packets';
import { tcpConversation } from '../../lib/tcp-frame';

export const BGP_FIELDS = ['frame.protocols', 'tcp.stream', 'data.data', ...allFields().map((f) => f.name).filter((n) => n.startsWith('bgp.')),
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const C = '198.18.0.1', S = '198.18.0.2';
const msg = (type: number, body: number[], len?: number): number[] => [...Array<number>(16).fill(0xff), ...u16(len ?? 19 + body.length), type, ...body];
const cap = (code: number, v: number[]): number[] => [code, v.length, ...v];
const caps = (...c: number[][]): number[] => { const all = c.flat(); return [2, all.length, ...all]; };
const open = (as: number, hold: number, id: string, params: number[]): number[] => msg(1, [4, ...u16(as), ...u16(hold), ...ip4(id), params.length, ...params]);
const attr = (flags: number, type: number, v: number[]): number[] => (flags & 0x10) ? [flags, type, ...u16(v.length), ...v] : [flags, type, v.length, ...v];
const prefix4 = (p: string, len: number): number[] => [len, ...ip4(p).slice(0, Math.ceil(len / 8))];
const update = (withdrawn: number[], attrs: number[], nlri: number[]): number[] => msg(2, [...u16(withdrawn.length), ...withdrawn, ...u16(attrs.length), ...attrs, ...nlri]);
const v6 = (...w: number[]): number[] => w.flatMap((x) => u16(x));
const KEEPALIVE = msg(4, []);

const common = [
  ...attr(0x40, 1, [0]),
  ...attr(0x40, 2, [2, 2, ...u32(65001), ...u32(4200000002)]),
  ...attr(0x40, 3, ip4(C)),
  ...attr(0x80, 4, u32(50)),
  ...attr(0x40, 5, u32(200)),
  ...attr(0xc0, 8, [...u16(65001), ...u16(100), 0xff, 0xff, 0xff, 0x01]),
];

function session(): Buffer[] {
  const f: Buffer[] = [];
  const { c, s } = tcpConversation(f, C, S, 40179, 179);
  c(open(65001, 90, C, caps(cap(1, [0, 1, 0, 1]), cap(1, [0, 2, 0, 1]), cap(2, []), cap(65, u32(65001)), cap(70, []), cap(128, []), cap(0x99, [1, 2]))));
  s(open(23456, 180, S, caps(cap(1, [0, 1, 0, 1]), cap(65, u32(4200000002)), cap(64, [0x80, 120, 0, 1, 1, 0x80]))));
  c([...KEEPALIVE, ...KEEPALIVE]);
  s(KEEPALIVE);
  c(update(prefix4('198.18.9.0', 24), common, [...prefix4('198.18.10.0', 24), ...prefix4('198.19.0.0', 16), ...prefix4('0.0.0.0', 0)]));
  c(update([], [
    ...attr(0x40, 1, [2]),
    ...attr(0x40, 2, []),
    ...attr(0x90, 14, [0, 2, 1, 32, ...v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), ...v6(0xfe80, 0, 0, 0, 0, 0, 0, 1), 0, 48, ...v6(0x2001, 0xdb8, 1), 64, ...v6(0x2001, 0xdb8, 3, 4)]),
  ], []));
  c(update([], [...attr(0x90, 15, [0, 2, 1, 64, ...v6(0x2001, 0xdb8, 2, 0)])], []));
  // one UPDATE over two segments
  const long = update([], common, [...prefix4('198.18.11.0', 24), ...prefix4('198.18.12.128', 25)]);
  c(long.slice(0, 30));
  c(long.slice(30));
  c(msg(5, [0, 1, 0, 1]));
  s(msg(3, [6, 2, 3, ...Buffer.from('bye')]));
  s(msg(3, [2, 2, ...u16(65002)]));
  s(msg(3, [1, 2]));
  s(msg(9, [1, 2, 3]));
  return f;
}

function more(): Buffer[] {
  const f: Buffer[] = [];
  const { c, s } = tcpConversation(f, C, S, 40180, 179);
  c(open(65001, 0, C, [1, 3, 9, 9, 9, 7, 2, 1, 2, ...caps(cap(64, [0x40, 30]), cap(1, [0, 1, 0]))]));
  // an empty unknown parameter: the walk must move on
  c(open(65001, 0, C, [9, 0, ...caps(cap(2, []))]));
  // the capabilities bird and FRR add: extended next hop, extended message, long-lived GR, FQDN, role, helper-only GR
  c(open(65001, 90, C, caps(cap(5, [0, 1, 0, 1, 0, 2]), cap(6, []), cap(71, [0, 1, 1, 0x80, 0, 0, 60]),
    cap(73, [4, ...Buffer.from('rtr1'), 3, ...Buffer.from('lab')]), cap(9, [1]), cap(64, [0x40, 120]), cap(2, []))));
  // 2-byte paths, an AS_SET, a 4-byte path without a zero word, the other attributes
  c(update([], [
    ...attr(0x40, 1, [1]),
    ...attr(0x50, 2, [2, 2, ...u16(65001), ...u16(65002), 1, 1, ...u16(65003)]),
    ...attr(0x40, 6, []),
    ...attr(0xc0, 7, [...u16(65001), ...ip4(C)]),
    ...attr(0x80, 9, ip4(S)),
    ...attr(0x80, 10, [...ip4('198.18.0.7'), ...ip4('198.18.0.8')]),
    ...attr(0xc0, 17, [2, 1, ...u32(4200000003)]),
    ...attr(0xc0, 18, [...u32(4200000003), ...ip4(C)]),
    ...attr(0xc0, 32, [...u32(4200000003), ...u32(1), ...u32(2)]),
    ...attr(0xc0, 99, [1, 2, 3]),
    ...attr(0xe0, 8, [0, 0, 0, 5, ...u16(65001), ...u16(7)]),
    ...attr(0xc0, 16, [0x00, 0x02, ...u16(65001), ...u32(100), 0x40, 0x03, ...u16(65002), ...u32(7), 0x01, 0x02, ...ip4(C), ...u16(9),
      0x01, 0x05, ...ip4(S), 0, 0, 0x01, 0x07, ...ip4(S), 0, 0, 0x41, 0x01, ...ip4(S), ...u16(3), 0x02, 0x02, ...u32(4200000003), ...u16(5), 0x42, 0x09, ...u32(70000), ...u16(6),
      0x03, 0x06, ...ip4('0.0.0.1'), 5, 1, 0x03, 0x0c, 0, 0, 0, 0, ...u16(8), 0x43, 0x99, 1, 2, 3, 4, 5, 6]),
  ], prefix4('198.18.20.0', 22)));
  c(update([], [...attr(0x40, 2, [2, 1, 0xfa, 0x56, 0xea, 0x03])], []));
  // IPv4 multicast over MP_REACH with an IPv4 next hop and an SNPA; an UPDATE and a KEEPALIVE in one segment
  c([...update([], [...attr(0x80, 14, [0, 1, 2, 4, ...ip4(C), 1, 3, 0xab, 0xc0, 24, 198, 18, 30]), ...attr(0x80, 15, [0, 1, 2, 16, 198, 19])], []), ...KEEPALIVE]);
  // VPNv4 (labels, RDs of each type, a withdrawal) and labeled unicast, IPv6 VPN
  const label = (v: number, bos: boolean): number[] => [(v >> 12) & 255, (v >> 4) & 255, ((v & 15) << 4) | (bos ? 1 : 0)];
  const rd0 = [0, 0, ...u16(65001), ...u32(100)];
  c(update([], [...attr(0x40, 1, [0]), ...attr(0x40, 2, []),
    ...attr(0x90, 14, [0, 1, 128, 12, ...Array<number>(8).fill(0), ...ip4(C), 0, 112, ...label(16001, true), ...rd0, 198, 18, 5,
      112, ...label(16002, false), ...label(16003, true), 0, 1, ...ip4('198.18.0.9'), ...u16(7), 198, 19,
      104, ...label(16004, true), 0, 2, ...u32(4200000001), ...u16(9), 198, 18]),
    ...attr(0x90, 15, [0, 1, 128, 112, 0x80, 0, 0, ...rd0, 198, 18, 6])], []));
  c(update([], [...attr(0x40, 1, [0]), ...attr(0x40, 2, []), ...attr(0x90, 14, [0, 1, 4, 4, ...ip4(C), 0, 48, ...label(3, true), 198, 18, 7]),
    ...attr(0x90, 14, [0, 2, 4, 16, ...v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 9), 0, 24 + 64, ...label(21, true), ...v6(0x2001, 0xdb8, 8, 9)]),
    ...attr(0x90, 14, [0, 2, 128, 24, ...Array<number>(8).fill(0), ...v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 9), 0, 24 + 64 + 48, ...label(20, true), ...rd0, ...v6(0x2001, 0xdb8, 7)])], []));
  // a prefix longer than 32 bits, an attribute longer than its message
  c(update([], [], [33, 1, 2, 3, 4, 5]));
  c(update([], [0x40, 1, 9, 0], []));
  s(msg(3, [2, 2, ...u32(4200000009)]));
  s(msg(3, [3, 5, 0x40, 1, 1, 7]));
  s(msg(3, [4, 0]));
  s(msg(3, [9, 1, 1]));
  s(msg(3, [6, 4, 0]));
  // a marker that is not all ones, then a length below the header's: framing is lost, the rest is data
  s([...Array<number>(15).fill(0xff), 0, ...u16(19), 4]);
  s([...Array<number>(16).fill(0xff), ...u16(10), 4]);
  s(KEEPALIVE);
  return f;
}

test('BGP session: every message type, attribute and capability agrees with tshark', { skip: tsharkSkip() }, () => {
  const r = craftedAgrees('bgp', session(), BGP_FIELDS, { seed: ['bgp', 179] });
  assert.ok(r.theirs.filter((row) => /:bgp$/.test(row[0])).length >= 12);
});

test('BGP: other attributes, address families, errors and broken framing agree with tshark', { skip: tsharkSkip() }, () => {
  craftedAgrees('bgp-more', more(), BGP_FIELDS, { seed: ['bgp-more', 179] });
});
