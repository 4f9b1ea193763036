// The columns of a frame whose ethertype no dissector takes, and of an
// 802.1Q tag, as packet-ethertype.c and packet-vlan.c set them: Protocol is
// the type in hex; Info the type's name when tshark has one, else what the
// layer in front set ("Ethernet II", a tag's "PRI: 0  DEI: 0  ID: 5").
// Before, a tagged frame said "Ethernet II" and VXLAN's inner Ethernet kept
// UDP's Info.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { craftedAgrees, tsharkSkip } from './compare';
import { eth, hex, ipv4, udp } from './packets';

const FIELDS = ['frame.protocols', 'eth.type', 'vlan.priority', 'vlan.dei', 'vlan.id', 'vlan.etype', 'vlan.len', 'vxlan.vni', 'data.len',
  'eth.padding', 'eth.trailer', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const tag = (tci: number, type: number): number[] => [tci >> 8, tci & 255, type >> 8, type & 255];
const pad = (f: number[]): number[] => { while (f.length < 60) f.push(0); return f; };
const inner = (type: number, payload: number[]): number[] => [...hex('02 00 00 00 00 0a'), ...hex('02 00 00 00 00 0b'), type >> 8, type & 255, ...payload];
const vxlan = (frame: number[]): number[] => [0x08, 0, 0, 0, 0, 0, 100, 0, ...frame];

test('ethertype: unknown and named types, VLAN tags and VXLAN inner frames set the columns as tshark', { skip: tsharkSkip() }, () => {
  const f = [
    pad(eth(0x1234, [1, 2, 3])), // unknown type: Protocol 0x1234, Info "Ethernet II"
    pad(eth(0x0842, [1, 2, 3])), // a type tshark names (Wake on LAN has a dissector: compared as it is)
    pad(eth(0x88b6, [0, 1, 0, 0])), // Local Experimental Ethertype 2
    pad(eth(0x88b5, [1, 2])), // Local Experimental Ethertype 1
    pad(eth(0x8100, [...tag(0x0005, 0x1234), 1, 2])), // VLAN 5, unknown type
    pad(eth(0x8100, [...tag(0xb064, 0x88b5), 1, 2])), // VLAN 100, priority 5, DEI, named type
    pad(eth(0x8100, [...tag(0x0007, 0x8100), ...tag(0x0008, 0x1234), 1])), // two tags
    pad(eth(0x8100, [...tag(0x000a, 0x0006), 0x86, 0x86, 0x03, 0, 0, 0])), // a tag with a length: LLC behind it
    eth(0x8100, [0x00]), // tag cut short
    eth(0x8100, [0x20, 0x07, 0x08]), // tag cut after its TCI: the columns are set
    pad(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(50000, 4789, vxlan(inner(0x1234, Array(40).fill(0))))))),
    pad(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(50000, 4789, vxlan(inner(0x8100, [...tag(0x0009, 0x4321), 7, 7, 7])))))),
  ];
  const r = craftedAgrees('ethertype', f, FIELDS, { seed: ['ethertype', 0x8100] });
  assert.equal(r.theirs[4][FIELDS.indexOf('_ws.col.Info')], 'PRI: 0  DEI: 0  ID: 5');
  assert.equal(r.theirs[10][FIELDS.indexOf('_ws.col.Protocol')], '0x1234');
});
