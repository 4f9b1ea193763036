// LLDP against tshark 4.0: frames crafted for every chassis and port id
// subtype, the optional TLVs, IEEE 802.1/802.3 and LLDP-MED TLVs, unknown
// ones and damage lldpd never sends; then a real lldpd in a namespace
// configured with lldpcli (system name, description, port description,
// management address) sending LLDP, and its capture compared field by field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allFields } from '../../../main/engine/fields/store';
import '../../../main/engine/dissect/protocols';
import { join } from 'node:path';
import { outputDir } from '../../lib/env';
import { craftedAgrees, daemonRunAgrees, tsharkSkip } from './compare';
import { lldpdCapture, lldpdSkip, SYSTEM_NAME } from './lldpd-peer';
import { chassisMac, end, lldpFrame, org, portName, str, tlv, ttl, u16b, u32b } from './lldp-frames';
import { hex } from './packets';

export const LLDP_FIELDS = [
  'frame.protocols', 'eth.padding', 'eth.trailer',
  ...allFields().map((f) => f.name).filter((n) => n === 'lldp' || n.startsWith('lldp.')),
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];

const base = [chassisMac, portName('eth0'), ttl(120)];

const SUBTYPES: number[][][] = [
  // chassis id: every subtype (1-7, a reserved one), port id likewise
  [tlv(1, [1, ...str('chassis-7')]), tlv(2, [1, ...str('uplink alias')]), ttl(30), end],
  [tlv(1, [2, ...str('ifalias0')]), tlv(2, [2, 0x01, 0x02, 0x03]), ttl(30), end],
  [tlv(1, [3, 0xde, 0xad, 0xbe, 0xef]), tlv(2, [3, ...hex('02 00 00 00 00 0b')]), ttl(30), end],
  [tlv(1, [5, 1, 198, 18, 0, 1]), tlv(2, [4, 1, 198, 18, 0, 2]), ttl(30), end],
  [tlv(1, [5, 2, ...hex('20010db8000000000000000000000001')]), tlv(2, [4, 2, ...hex('20010db8000000000000000000000002')]), ttl(30), end],
  [tlv(1, [5, 6, 1, 2, 3]), tlv(2, [4, 6, 0x41, 0x42]), ttl(30), end],
  [tlv(1, [6, ...str('eth0')]), tlv(2, [5, ...str('Gi1/0/1')]), ttl(30), end],
  [tlv(1, [7, ...str('local-1')]), tlv(2, [6, ...str('circuit-9')]), ttl(30), end],
  [tlv(1, [0, 1, 2]), tlv(2, [7, ...str('port 3\u0000pad')]), ttl(0), end],
  [tlv(1, [9, 1]), tlv(2, [0, 1]), ttl(65535), end],
  // the optional basic TLVs, capabilities with flags, management addresses (IPv4, IPv6, other, with an OID)
  [...base, tlv(4, str('to core')), tlv(5, str('sw1')), tlv(6, str('Debian GNU/Linux 12\ttest')),
    tlv(7, [...u16b(0x00ff), ...u16b(0x0014)]),
    tlv(8, [5, 1, 198, 18, 0, 1, 2, ...u32b(7), 0]),
    tlv(8, [17, 2, ...hex('20010db8000000000000000000000001'), 3, ...u32b(2), 8, ...hex('2b06010401bf08 03')]),
    tlv(8, [7, 6, ...hex('020000000001'), 1, ...u32b(0), 0]),
    tlv(9, [1, 2, 3]), tlv(100, []), end],
  // IEEE 802.1: port VLAN id, port and protocol VLAN id, VLAN name, protocol identity, link aggregation, an unknown subtype
  [...base, org(0x0080c2, 1, u16b(100)), org(0x0080c2, 2, [0x06, ...u16b(200)]), org(0x0080c2, 3, [...u16b(300), 5, ...str('users')]),
    org(0x0080c2, 4, [2, 0x88, 0xcc]), org(0x0080c2, 7, [0x0f, ...u32b(12)]), org(0x0080c2, 0x20, [1, 2]), end],
  // IEEE 802.1 data centre bridging: congestion notification, ETS configuration and recommendation, PFC, application priority
  [...base, org(0x0080c2, 8, [0x81, 0x01]), org(0x0080c2, 9, [0xc3, 0x01, 0x23, 0x45, 0x67, 10, 20, 30, 40, 0, 0, 0, 0, 2, 2, 2, 2, 0, 0, 0, 255]),
    org(0x0080c2, 0xa, [0x00, 0x76, 0x54, 0x32, 0x10, 50, 50, 0, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0]),
    org(0x0080c2, 0xb, [0xc8, 0x08]), org(0x0080c2, 0xc, [0x00, 0x61, 0x89, 0x06, 0x82, 0x0c, 0xbc, 0x01]), end],
  // IEEE 802.3: MAC/PHY, power via MDI (short and long), link aggregation, maximum frame size, EEE, an unknown subtype, excess bytes
  [...base, org(0x00120f, 1, [0x03, ...u16b(0x6c01), ...u16b(30)]), org(0x00120f, 2, [0x0f, 1, 4]),
    org(0x00120f, 2, [0x07, 1, 3, 0x51, ...u16b(130), ...u16b(255)]), org(0x00120f, 3, [0x03, ...u32b(5)]),
    org(0x00120f, 4, u16b(9216)), org(0x00120f, 5, [...u16b(1), ...u16b(2), ...u16b(3), ...u16b(4), ...u16b(5)]),
    org(0x00120f, 9, [1, 2, 3]), org(0x00120f, 4, [...u16b(1518), 0xff]), end],
  // LLDP-MED: capabilities, network policy, civic location, ECS ELIN, extended power, inventory
  [...base, org(0x0012bb, 1, [...u16b(0x0033), 3]), org(0x0012bb, 2, [1, 0xc0 | 0x0c, 0x81, 0x6e]),
    org(0x0012bb, 3, [2, 14, 2, ...str('DE'), 3, 6, ...str('Berlin'), 19, 1, 0x37]), org(0x0012bb, 3, [3, ...str('5551234567')]),
    org(0x0012bb, 4, [0x53, ...u16b(154)]),
    ...[5, 6, 7, 8, 9, 10, 11].map((s) => org(0x0012bb, s, str(`inv-${s}`))), org(0x0012bb, 1, [0]), end],
  // Cisco's UPOE and an unknown Cisco subtype, IANA's MUD URL and an unknown IANA subtype
  [...base, org(0x000142, 1, [0x0f]), org(0x000142, 0x55, [1, 2]), org(0x00005e, 1, str('https://mud.example/dev.json')), org(0x00005e, 7, [1]), end],
  // an unknown OUI (kept as tshark keeps it), an org TLV too short for its OUI, a TLV after End (not read)
  [...base, org(0x123456, 9, [1, 2, 3, 4]), tlv(127, [0x00, 0x80]), end, tlv(5, str('after end'))],
  // a frame long enough to need no padding: what follows the PDU's end is the trailer
  [...base, tlv(6, str('x'.repeat(60))), end],
];

const DAMAGE: number[][][] = [
  [tlv(2, [5, ...str('eth0')]), ttl(1), end],                              // the first TLV is not a chassis id
  [chassisMac, tlv(3, u16b(1)), end],                                       // a TTL where the port id belongs
  [chassisMac, portName('eth0'), tlv(4, str('p')), end],                   // no TTL
  [tlv(1, [4, 1, 2, 3]), portName('eth0'), ttl(1), end],                    // a MAC chassis id of the wrong length
  [tlv(1, [4]), portName('eth0'), ttl(1), end],                             // a chassis id with no id
  [tlv(1, []), portName('eth0'), ttl(1), end],                              // a chassis id with no subtype
  [chassisMac, tlv(2, [4, 1, 1, 2]), ttl(1), end],                          // an IPv4 port id of the wrong length
  [chassisMac, tlv(2, [3, 1, 2]), ttl(1), end],                             // a MAC port id of the wrong length
  [chassisMac, portName('eth0'), tlv(3, [0]), end],                         // a TTL of one byte
  [chassisMac, portName('eth0'), tlv(3, [0, 9, 9, 9]), end],                // a TTL of four bytes
  [...base, tlv(5, str('abc'), 200)],                                       // a system name past the frame
  [...base, tlv(5, str('sw1'))],                                            // no End of LLDPDU
  [...base, chassisMac, end],                                               // a second chassis id
  [...base, portName('eth9'), end],                                         // a second port id
  [...base, ttl(5), end],                                                   // a second TTL
  [...base, tlv(7, [0, 4]), end],                                           // capabilities cut short
  [...base, tlv(8, [5, 1, 198, 18]), end],                                  // a management address cut short
  [...base, tlv(8, [0, 9, 2, ...u32b(1), 0]), end],                         // a management address of length 0
  [...base, org(0x0080c2, 3, [...u16b(1), 40, ...str('x')]), end],          // a VLAN name longer than its TLV
  [...base, org(0x00120f, 1, [0x03]), end],                                 // a MAC/PHY TLV cut short
  [...base, org(0x0012bb, 2, [1, 0x80]), end],                              // a network policy cut short
  [...base, org(0x0012bb, 3, [2, 30, 2, ...str('DE')]), end],               // a civic address longer than its TLV
];

test('LLDP: every chassis and port id subtype, the optional, IEEE 802.1/802.3 and LLDP-MED TLVs agree with tshark', { skip: tsharkSkip() }, () => {
  const frames = SUBTYPES.map((f) => lldpFrame(f));
  const r = craftedAgrees('lldp-tlvs', frames, LLDP_FIELDS, { seed: ['lldp-tlvs', 0x88cc] });
  assert.equal(r.frames, frames.length);
  for (const row of r.theirs) assert.match(row[0], /:lldp$/);
});

test('LLDP: damage is decoded and marked as tshark marks it', { skip: tsharkSkip() }, () => {
  const frames = DAMAGE.map((f) => lldpFrame(f));
  const r = craftedAgrees('lldp-damage', frames, LLDP_FIELDS, { seed: ['lldp-damage', 0x88cd] });
  const malformed = LLDP_FIELDS.indexOf('_ws.malformed');
  assert.ok(r.theirs.some((row) => row[malformed] === 'malformed'), 'some frames are malformed');
  assert.ok(r.theirs.some((row) => row[malformed] === ''), 'some frames are only flagged');
});

test('LLDP from a real lldpd (LLDP-MED on), configured with lldpcli, agrees with tshark', { skip: tsharkSkip() || lldpdSkip(), timeout: 90_000 }, async () => {
  const pcap = join(outputDir('lldp-live'), 'lldpd.pcap');
  await lldpdCapture(['-M', '4'], 'lldp.tlv.system.name', 2, pcap);
  // lldpd's frames leave the veth unpadded (38 bytes and up): the zeros after a runt's PDU are eth.trailer, not padding
  const fields = LLDP_FIELDS;
  const r = daemonRunAgrees(pcap, fields, { name: 'lldp-live', proto: 'lldp', label: 'LLDP', min: 2, seed: ['lldp-live', 0x88ce] });
  const col = (name: string): string[] => r.theirs.map((row) => row[fields.indexOf(name)]);
  assert.ok(col('lldp.tlv.system.name').includes(SYSTEM_NAME));
  assert.ok(col('lldp.port.desc').includes('uplink to core'));
  assert.ok(col('lldp.tlv.system.desc').includes('xdpscope test switch'));
  assert.ok(col('lldp.mgn.addr.ip4').some((v) => v.startsWith('198.18.')), 'a management address');
  assert.ok(col('lldp.media.subtype').some(Boolean), 'LLDP-MED TLVs');
});
