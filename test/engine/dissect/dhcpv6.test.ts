// DHCPv6 on frames built from RFC 8415 (a live exchange would need IPv6
// on the test link, and live tests keep to 198.18.0.0/15; the crafted
// frames use the IPv6 benchmarking prefix 2001:2::/48): a four-message
// exchange with every DUID type, identity associations for addresses and
// prefixes, requested options, FQDN, vendor class, DNS servers and search
// list, status, a relayed Solicit, and a message whose option runs past
// its end. Compared with tshark cell by cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { compareFrames, tsharkSkip } from './compare';
import { damageNeverThrows } from './tshark-compare';
import { outputDir } from '../../lib/env';
import { mulberry32, testSeed } from '../../lib/rng';
import { inetChecksum } from '../../lib/checksum';

const ip6 = (s: string): number[] => {
  const [head, tail] = s.split('::');
  const h = head ? head.split(':') : [], t = tail !== undefined && tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => { const v = parseInt(g, 16); return [v >> 8, v & 255]; });
};
const u16 = (v: number): number[] => [v >> 8, v & 255];
const u32 = (v: number): number[] => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const opt = (type: number, body: number[]): number[] => [...u16(type), ...u16(body.length), ...body];
const str = (s: string): number[] => [...Buffer.from(s, 'latin1')];
const dns = (name: string): number[] => [...name.split('.').flatMap((l) => [l.length, ...str(l)]), 0];

/** Ethernet, IPv6 and UDP (with its checksum) around a DHCPv6 message. */
function frame(src: string, dst: string, sp: number, dp: number, msg: number[]): number[] {
  const udpLen = 8 + msg.length;
  const s = ip6(src), d = ip6(dst);
  const pseudo = [...s, ...d, ...u32(udpLen), 0, 0, 0, 17, ...u16(sp), ...u16(dp), ...u16(udpLen), 0, 0, ...msg];
  const ck = inetChecksum(pseudo) || 0xffff;
  const udp = [...u16(sp), ...u16(dp), ...u16(udpLen), ...u16(ck), ...msg];
  const ipv6 = [0x60, 0, 0, 0, ...u16(udp.length), 17, 1, ...s, ...d];
  const dmac = dst.startsWith('ff02') ? [0x33, 0x33, 0, 1, 0, 2] : [2, 0, 0, 0, 0, 1];
  return [...dmac, 2, 0, 0, 0, 0, 2, 0x86, 0xdd, ...ipv6, ...udp];
}

const CLIENT_ID = opt(1, [...u16(1), ...u16(1), ...u32(0x2a2b2c2d), 2, 0, 0, 0, 0, 1]);
const SERVER_ID = opt(2, [...u16(2), ...u32(311), 1, 2, 3, 4, 5, 6, 7, 8]);
const XID = [0x1a, 0x2b, 0x3c];
const IA_NA_EMPTY = opt(3, [...u32(0x0e000001), ...u32(0), ...u32(0)]);
const IA_NA = opt(3, [...u32(0x0e000001), ...u32(1800), ...u32(2880), ...opt(5, [...ip6('2001:2::100'), ...u32(3600), ...u32(7200)])]);
const ORO = opt(6, [...u16(23), ...u16(24), ...u16(39)]);
const FQDN = opt(39, [1, ...dns('host1.example.test')]);
const VENDOR = opt(16, [...u32(311), ...u16(8), ...str('MSFT 5.0')]);

const solicit = [1, ...XID, ...CLIENT_ID, ...opt(8, u16(0)), ...IA_NA_EMPTY, ...ORO, ...FQDN, ...VENDOR, ...opt(14, [])];
const advertise = [2, ...XID, ...SERVER_ID, ...CLIENT_ID, ...IA_NA, ...opt(7, [255]), ...opt(23, [...ip6('2001:2::53'), ...ip6('2001:2::54')]),
  ...opt(24, [...dns('example.test'), ...dns('lab.example.test')])];
const request = [3, 0x1a, 0x2b, 0x3d, ...CLIENT_ID, ...SERVER_ID, ...opt(8, u16(100)), ...IA_NA, ...ORO];
const reply = [7, 0x1a, 0x2b, 0x3d, ...SERVER_ID, ...CLIENT_ID, ...IA_NA, ...opt(13, [...u16(0), ...str('All addresses assigned')])];
const relay = [12, 0, ...ip6('2001:2::1'), ...ip6('2001:2::99'), ...opt(18, str('eth0')), ...opt(9, solicit)];
const pd = [7, 0, 0, 9, ...SERVER_ID, ...opt(1, [...u16(3), ...u16(1), 2, 0, 0, 0, 0, 3]),
  ...opt(25, [...u32(7), ...u32(900), ...u32(1400), ...opt(26, [...u32(3600), ...u32(7200), 48, ...ip6('2001:2:1::')])])];
const info = [11, 0, 0, 10, ...opt(1, [...u16(4), ...Array.from({ length: 16 }, (_, i) => i * 17)]), ...opt(8, u16(5)), ...ORO];
const broken = [1, 0, 0, 11, ...CLIENT_ID, ...u16(8), ...u16(40), 0, 1];

const FRAMES = [
  frame('2001:2::1', 'ff02::1:2', 546, 547, solicit),
  frame('2001:2::2', '2001:2::1', 547, 546, advertise),
  frame('2001:2::1', 'ff02::1:2', 546, 547, request),
  frame('2001:2::2', '2001:2::1', 547, 546, reply),
  frame('2001:2::1', '2001:2::2', 547, 547, relay),
  frame('2001:2::2', '2001:2::3', 547, 546, pd),
  frame('2001:2::3', 'ff02::1:2', 546, 547, info),
  frame('2001:2::3', 'ff02::1:2', 546, 547, broken),
];

const FIELDS = [
  'frame.protocols', 'dhcpv6.msgtype', 'dhcpv6.hopcount', 'dhcpv6.xid', 'dhcpv6.linkaddr', 'dhcpv6.peeraddr', 'dhcpv6.option.type', 'dhcpv6.option.length',
  'dhcpv6.duid.bytes', 'dhcpv6.duid.type', 'dhcpv6.duidllt.hwtype', 'dhcpv6.duidllt.time', 'dhcpv6.duidllt.link_layer_addr', 'dhcpv6.duidll.hwtype',
  'dhcpv6.duidll.link_layer_addr', 'dhcpv6.duiden.enterprise', 'dhcpv6.duiden.identifier', 'dhcpv6.duiduuid.bytes', 'dhcpv6.iaid', 'dhcpv6.iaid.t1',
  'dhcpv6.iaid.t2', 'dhcpv6.iaaddr.ip', 'dhcpv6.iaaddr.pref_lifetime', 'dhcpv6.iaaddr.valid_lifetime', 'dhcpv6.iaprefix.pref_lifetime',
  'dhcpv6.iaprefix.valid_lifetime', 'dhcpv6.iaprefix.pref_len', 'dhcpv6.iaprefix.pref_addr', 'dhcpv6.requested_option_code', 'dhcpv6.option_preference',
  'dhcpv6.elapsed_time', 'dhcpv6.status_code', 'dhcpv6.status_msg', 'dhcpv6.dns_server', 'dhcpv6.client_fqdn_flags', 'dhcpv6.client_domain',
  'dhcpv6.vendorclass.enterprise', 'dhcpv6.vendorclass.data', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];

test('DHCPv6 messages, relayed ones and damaged ones agree with tshark', { skip: tsharkSkip() }, () => {
  const r = compareFrames('dhcpv6', FRAMES, FIELDS);
  console.log(`# dhcpv6: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual(r.diffs, []);
  // flipped bytes and cut frames never throw; some are reported
  const malformed = damageNeverThrows(join(outputDir('dissect-compare'), 'dhcpv6.pcap'), mulberry32(testSeed('dhcpv6-damage', 17)), 50, 62);
  assert.ok(malformed > 0);
});
