// CDP against tshark 4.0: frames crafted for each TLV tshark decodes
// (device id, addresses, port id, capabilities, software version,
// platform, native VLAN, duplex, ...), good and bad checksums with even
// and odd lengths, and damage; then lldpd's real CDPv1 and CDPv2 (run with
// -ccc in a namespace), compared field by field on the same capture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allFields } from '../../../main/engine/fields/store';
import '../../../main/engine/dissect/protocols';
import { cdpChecksum } from '../../../main/engine/dissect/cdp';
import { join } from 'node:path';
import { outputDir } from '../../lib/env';
import { craftedAgrees, daemonRunAgrees, tsharkSkip } from './compare';
import { lldpdCapture, lldpdSkip, SYSTEM_NAME } from './lldpd-peer';
import { ascii, hex } from './packets';

export const CDP_FIELDS = [
  'frame.protocols', 'data.data',
  ...allFields().map((f) => f.name).filter((n) => n === 'cdp' || n.startsWith('cdp.')),
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];

const u16b = (v: number): number[] => [v >> 8, v & 0xff];
const u32b = (v: number): number[] => [v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
/** A CDP TLV: its length counts the 4-byte header (`len` overrides it to craft damage). */
export const cdpTlv = (type: number, bytes: number[], len = bytes.length + 4): number[] => [...u16b(type), ...u16b(len), ...bytes];

/** An IEEE 802.3 frame to the CDP multicast address: LLC SNAP, then CDP with a checksum that agrees unless `badSum`. */
export function cdpFrame(tlvs: number[][], o: { version?: number; badSum?: boolean; tail?: number[] } = {}): number[] {
  const pdu = [o.version ?? 2, 180, 0, 0, ...tlvs.flat()];
  const sum = cdpChecksum(Uint8Array.from(pdu), 0, pdu.length) ^ (o.badSum ? 0x1234 : 0);
  pdu[2] = sum >> 8; pdu[3] = sum & 0xff;
  const payload = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00, ...pdu, ...(o.tail ?? [])];
  const f = [...hex('01 00 0c cc cc cc'), ...hex('02 00 00 00 00 0c'), ...u16b(payload.length), ...payload];
  while (f.length < 60) f.push(0);
  return f;
}

const ipAddr = (a: number[]): number[] => [1, 1, 0xcc, ...u16b(4), ...a];
const ip6Addr = (a: number[]): number[] => [2, 8, ...hex('aaaa0300000086dd'), ...u16b(16), ...a];

const FRAMES: number[][] = [
  cdpFrame([cdpTlv(1, ascii('sw1.example')), cdpTlv(2, [...u32b(2), ...ipAddr([198, 18, 0, 1]), ...ip6Addr(hex('20010db8000000000000000000000001'))]),
    cdpTlv(3, ascii('GigabitEthernet1/0/1')), cdpTlv(4, u32b(0x0429)), cdpTlv(5, ascii('Cisco IOS Software, Version 15.2(2)E\nCopyright\r\n(c) 1986\rlast')),
    cdpTlv(6, ascii('cisco WS-C2960-24TT-L')), cdpTlv(9, ascii('corp')), cdpTlv(0x0a, u16b(10)), cdpTlv(0x0b, [1]),
    cdpTlv(0x16, [...u32b(1), ...ipAddr([198, 18, 0, 9])])]),
  // odd length (the checksum's odd-byte rule, a last byte with its top bit set)
  cdpFrame([cdpTlv(1, ascii('odd')), cdpTlv(3, ascii('Fa0/1')), cdpTlv(6, [...ascii('pl'), 0xff])], { version: 1 }),
  cdpFrame([cdpTlv(1, ascii('even')), cdpTlv(3, ascii('Fa0/2x')), cdpTlv(6, ascii('ab'))]),
  // a bad checksum
  cdpFrame([cdpTlv(1, ascii('bad-sum')), cdpTlv(3, ascii('Fa0/3'))], { badSum: true }),
  // power, MTU, trust, CoS, system name and OID, location, VoIP VLAN, power requested/available, spare PoE, ODR gateway, prefixes
  cdpFrame([cdpTlv(1, ascii('phone')), cdpTlv(0x10, u16b(6300)), cdpTlv(0x11, u32b(1500)), cdpTlv(0x12, [0]), cdpTlv(0x13, [5]),
    cdpTlv(0x14, ascii('SEP001122334455')), cdpTlv(0x15, hex('060a2b060104010903')), cdpTlv(0x17, [0x01, ...ascii('rack 4')]),
    cdpTlv(0x0e, [1, ...u16b(20)]), cdpTlv(0x0f, [0x20, 0x00]), cdpTlv(0x19, [...u16b(1), ...u16b(2), ...u32b(15400), ...u32b(7000)]),
    cdpTlv(0x1a, [...u16b(1), ...u16b(2), ...u32b(30000)]), cdpTlv(0x1f, [0x0d]), cdpTlv(0x07, [198, 18, 0, 254]),
    cdpTlv(0x07, [198, 18, 1, 0, 24, 198, 18, 2, 0, 24]), cdpTlv(0x99, [1, 2, 3])]),
  // damage: a TLV shorter than its header (the rest is data), one past the frame, an empty unknown TLV
  cdpFrame([cdpTlv(1, ascii('short')), cdpTlv(3, [], 2), 1, 2, 3, 4].map((t) => (Array.isArray(t) ? t : [t]))),
  cdpFrame([cdpTlv(1, ascii('long')), cdpTlv(5, ascii('v'), 90)]),
  cdpFrame([cdpTlv(1, ascii('empty')), cdpTlv(0x77, [])]),
  cdpFrame([cdpTlv(2, [...u32b(3), 1, 1, 0xcc, ...u16b(4), 198, 18]), cdpTlv(1, ascii('trunc-addr'))]),
];

test('CDP: its TLVs, checksum status and Info agree with tshark', { skip: tsharkSkip() }, () => {
  const r = craftedAgrees('cdp-tlvs', FRAMES, CDP_FIELDS, { seed: ['cdp-tlvs', 0x2000] });
  assert.equal(r.frames, FRAMES.length);
  for (const row of r.theirs) assert.match(row[0], /:cdp/);
  const status = CDP_FIELDS.indexOf('cdp.checksum.status');
  assert.deepEqual([...new Set(r.theirs.map((row) => row[status]))].sort(), ['0', '1']);
});

test('CDP from a real lldpd (-ccc: sent without a CDP peer) agrees with tshark', { skip: tsharkSkip() || lldpdSkip(), timeout: 90_000 }, async () => {
  const pcap = join(outputDir('cdp-live'), 'lldpd-cdp.pcap');
  await lldpdCapture(['-ccc'], 'cdp.deviceid', 2, pcap);
  const r = daemonRunAgrees(pcap, CDP_FIELDS, { name: 'cdp-live', proto: 'cdp', label: 'CDP', min: 2, seed: ['cdp-live', 0x2001] });
  const col = (name: string): string[] => r.theirs.map((row) => row[CDP_FIELDS.indexOf(name)]);
  assert.ok(col('cdp.deviceid').includes(SYSTEM_NAME));
  assert.ok(col('cdp.portid').includes('uplink to core'));
  assert.ok(col('cdp.checksum.status').every((v) => v === '1' || v === ''), 'lldpd\'s checksums are good');
});
