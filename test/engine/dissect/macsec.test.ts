// MACsec (802.1AE, ethertype 0x88e5) against tshark 4.0: encrypted frames
// with and without an SCI (data and the ICV: no key), integrity-only frames
// whose inner IPv4/ICMP is decoded and whose left-over bytes are the ICV,
// E or C alone, inner protocols that claim the ICV's bytes, and frames
// tshark refuses (a version bit, nothing past SecTAG and ICV), which stay
// data under the ethertype's name. Before macsec.ts every one was data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allFields } from '../../../main/engine/fields/store';
import '../../../main/engine/dissect/protocols';
import { craftedAgrees, tsharkSkip } from './compare';
import { eth, hex, u32 } from './packets';

const FIELDS = [
  'frame.protocols', 'eth.padding', 'eth.trailer',
  ...allFields().map((f) => f.name).filter((n) => n === 'macsec' || n.startsWith('macsec.')),
  'ip.src', 'icmp.type', 'data.data', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];

const sectag = (tci: number, sl: number, pn: number, sci = ''): number[] => [tci, sl, ...u32(pn), ...hex(sci)];
const ICV = [...Array(16).keys()];
const IP = hex('4500001c000100004001000098120001981200020800f7fd00010001');
const SCI = '0200000000010001';

test('MACsec: SecTAG, encrypted and integrity-only frames, and what tshark refuses agree with tshark', { skip: tsharkSkip() }, () => {
  const frames = [
    eth(0x88e5, [...sectag(0x2c, 0, 1, SCI), ...[...Array(48).keys()], ...ICV]),     // encrypted, SCI
    eth(0x88e5, [...sectag(0x0d, 20, 4), ...Array<number>(20).fill(0), ...ICV]),      // encrypted, no SCI, AN 1
    eth(0x88e5, [...sectag(0x0c, 10, 4), ...Array<number>(20).fill(0), ...ICV]),      // a short length that lies
    eth(0x88e5, [...sectag(0x24, 0, 5, SCI), 0x08, 0x00, ...IP, ...ICV]),             // changed only
    eth(0x88e5, [...sectag(0x48, 0, 5), 0x08, 0x00, ...IP, ...ICV]),                  // encrypted only, ES
    eth(0x88e5, [...sectag(0x30, 0, 2, SCI), 0x08, 0x00, ...IP, ...ICV]),             // integrity only: IPv4 inside
    eth(0x88e5, [...sectag(0x03, 0, 3), 0x08, 0x00, ...IP, ...ICV]),
    // (an inner IPv4 cut short by the frame, its total length past the ICV, is not compared: tshark reads it
    // without a malformed mark, as if the capture had cut it, and we mark it as IPv4 behind any other layer)
    eth(0x88e5, [...sectag(0x00, 0, 3), ...ICV, 1]),                                  // an unknown inner ethertype
    eth(0x88e5, [...sectag(0x00, 0, 3), ...ICV]),                                     // nothing past SecTAG and ICV
    eth(0x88e5, [...sectag(0x20, 0, 3, SCI), ...ICV.slice(0, 15)]),
    eth(0x88e5, [...sectag(0x80, 0, 3), 0x08, 0x00, ...IP, ...ICV]),                  // version bit set
    eth(0x88e5, [0x2c]), eth(0x88e5, []),
  ];
  const r = craftedAgrees('macsec', frames, FIELDS, { seed: ['macsec', 0x88e5] });
  assert.equal(r.theirs[0][0], 'eth:ethertype:macsec:data');
  assert.equal(r.theirs[0][FIELDS.indexOf('_ws.col.Info')], 'MACsec frame');
  assert.equal(r.theirs[5][0], 'eth:ethertype:macsec:ethertype:ip:icmp');
});
