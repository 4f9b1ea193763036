// Length fields of the link layer that disagree with the frame, as tshark
// 4.0 marks them: an 802.3 length or a tag's length past the frame's bytes
// is flagged (eth.len.past_end, vlan.len.past_end: _ws.malformed, Info
// untouched) and cut to the frame; a length/type of 0 is an ethertype
// (ETHERTYPE_UNK), 1501..1535 neither ("Ethernet Unknown", eth:data); a
// PPPoE session length that differs from its bytes is doubted as
// packet-pppoe.c doubts it. Before, none was flagged, type 0 went to LLC
// and 1501..1535 to the ethertype table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { craftedAgrees, tsharkSkip } from './compare';
import { eth, hex, ipv4, udp, u16 } from './packets';

const FIELDS = ['frame.protocols', 'eth.len', 'eth.type', 'eth.invalid_lentype', 'vlan.len', 'vlan.etype', 'llc.dsap', 'llc.control', 'pppoe.version', 'pppoe.type', 'pppoe.code', 'pppoe.session_id', 'pppoe.payload_length', 'ppp.protocol',
  'ip.len', 'data.len', 'eth.padding', 'eth.trailer', 'vlan.trailer', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const MACS = hex('02 00 00 00 00 02 02 00 00 00 00 01');
const XID = [0x00, 0x01, 0xaf, 0x81, 0x01, 0x00];
const TEST = [0x00, 0x01, 0xe3, 1, 2, 3, 4];
const BPDU = [0x42, 0x42, 0x03, 0, 0, 0, 0, ...Array<number>(31).fill(0)];
const dot3 = (len: number, body: number[]): number[] => [...MACS, ...u16(len), ...body];
const zeros = (n: number): number[] => Array<number>(n).fill(0);
const UDP4 = ipv4('198.18.0.1', '198.18.0.2', 17, udp(40000, 40001, [1, 2, 3, 4]));
const pppoe = (len: number, ppp: number[], extra: number[] = []): number[] => eth(0x8864, [0x11, 0x00, 0x00, 0x01, ...u16(len), ...ppp, ...extra]);
const LCP = [0xc0, 0x21, 0x01, 0x01, 0x00, 0x08, 0x05, 0x06, 1, 2, 3, 4];

test('802.3 and 802.1Q lengths past the frame, invalid length/types and PPPoE lengths are marked as tshark marks them', { skip: tsharkSkip() }, () => {
  const f = [
    dot3(XID.length, [...XID, ...zeros(40)]), // the length covers the PDU: padding after it
    dot3(200, [...XID, ...zeros(40)]), // past the frame
    dot3(1500, [...TEST, ...zeros(39)]),
    dot3(BPDU.length + 10, BPDU), // STP with a length past it
    dot3(XID.length, XID), // a runt, length right
    dot3(50, XID), // a runt, length past it
    dot3(1, [0x42, ...zeros(45)]), // the length cuts the LLC header
    dot3(0, zeros(46)), // 0: an ethertype
    dot3(0, UDP4), // 0 with bytes that look like IPv4: still no dissector
    dot3(1501, zeros(46)), dot3(1535, zeros(46)), dot3(1520, zeros(46)), // neither length nor type
    dot3(0x0601, zeros(46)), // an ethertype again (one without a dissector)
    eth(0x8100, [0, 5, ...u16(XID.length), ...XID, ...zeros(36)]),
    eth(0x8100, [0, 5, ...u16(300), ...XID, ...zeros(36)]), // a tag's length past the frame
    eth(0x8100, [0, 5, ...u16(100), ...BPDU]),
    pppoe(2 + UDP4.length, [0x00, 0x21, ...UDP4]), // right
    pppoe(2 + UDP4.length, [0x00, 0x21, ...UDP4], zeros(30)), // bytes past the PPPoE length in a long frame
    pppoe(2 + UDP4.length, [0x00, 0x21, ...UDP4], zeros(4)), // 4 more: an FCS, not doubted
    pppoe(2 + UDP4.length, [0x00, 0x21, ...UDP4], zeros(2)), // a short session: not checked
    pppoe(2 + UDP4.length + 40, [0x00, 0x21, ...UDP4], zeros(20)), // a length past the frame
    pppoe(LCP.length, LCP, zeros(40)), // LCP excludes its padding: not doubted (IPCP too, not decoded here)
  ];
  const r = craftedAgrees('eth-length', f, FIELDS, { seed: ['eth-length', 1500] });
  const malformed = FIELDS.indexOf('_ws.malformed'), info = FIELDS.indexOf('_ws.col.Info');
  assert.equal(r.theirs[1][malformed], 'malformed');
  assert.ok(!r.theirs[1][info].includes('Malformed'), 'a length past the frame leaves Info alone');
  assert.equal(r.theirs[9][info], 'Ethernet Unknown: Invalid length/type: 0x05dd (1501)');
});
