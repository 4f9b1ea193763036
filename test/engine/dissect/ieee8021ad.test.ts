// 802.1ad service tags (QinQ, ethertype 0x88a8) decode as tshark 4.0's
// ieee8021ad, with the customer's 802.1Q tag behind them as vlan; before,
// the S-tag was a second vlan layer and every ieee8021ad filter failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { craftedAgrees, tsharkSkip } from './compare';
import { dnsQuery, eth, ipv4, ipv6, udp } from './packets';

const FIELDS = ['frame.protocols', 'ieee8021ad.priority', 'ieee8021ad.dei', 'ieee8021ad.id', 'ieee8021ad.svid', 'ieee8021ad.cvid', 'ieee8021ah.etype', 'vlan.priority', 'vlan.dei',
  'vlan.id', 'vlan.etype', 'ip.src', 'ipv6.dst', 'dns.qry.name', 'eth.padding', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const tag = (tci: number, type: number): number[] => [tci >> 8, tci & 255, type >> 8, type & 255];
const dns = udp(53000, 53, dnsQuery(0x0102, 'qinq.example'));

test('802.1ad: S-tag, C-tag and the payload agree with tshark, cut and odd tags included', { skip: tsharkSkip() }, () => {
  const f = [
    // S-tag 100 (priority 5, DEI set) in front of C-tag 200, IPv4 DNS
    eth(0x88a8, [...tag(0xb064, 0x8100), ...tag(0x00c8, 0x0800), ...ipv4('198.18.0.1', '198.18.0.2', 17, dns)]),
    // S-tag straight to IPv6, no C-tag
    eth(0x88a8, [...tag(0x0fff, 0x86dd), ...ipv6(17, dns)]),
    // two S-tags, then 0x9100 (an older QinQ type tshark decodes as vlan)
    eth(0x88a8, [...tag(0x0001, 0x88a8), ...tag(0x0002, 0x9100), ...tag(0x0003, 0x0800), ...ipv4('198.18.0.3', '198.18.0.2', 17, dns)]),
    // a type that is a length: no ethertype behind it
    eth(0x88a8, [...tag(0x0005, 0x0040), ...Array(46).fill(0)]),
    // cut inside the tag
    eth(0x88a8, [0x00, 0x07]),
  ];
  const r = craftedAgrees('ieee8021ad', f, FIELDS, { seed: ['ieee8021ad', 0x88a8] });
  assert.match(r.theirs[0][0], /^eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:ip:udp:dns$/);
  assert.equal(r.theirs[0][FIELDS.indexOf('ieee8021ad.id')], '100');
});
