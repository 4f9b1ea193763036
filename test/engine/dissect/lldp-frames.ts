// LLDP frames built from IEEE 802.1AB for the tests: each TLV a 7-bit type
// and a 9-bit length, organisation-specific ones an OUI and a subtype.
import { ascii, hex } from './packets';

export const LLDP_DST = hex('01 80 c2 00 00 0e');
const SRC = hex('02 00 00 00 00 0a');

/** A TLV: `type`, and a length that defaults to the bytes' (a different one crafts damage). */
export function tlv(type: number, bytes: number[], len = bytes.length): number[] {
  return [(type << 1) | ((len >> 8) & 1), len & 0xff, ...bytes];
}

export const org = (oui: number, subtype: number, bytes: number[]): number[] => tlv(127, [oui >> 16, (oui >> 8) & 0xff, oui & 0xff, subtype, ...bytes]);
export const u16b = (v: number): number[] => [v >> 8, v & 0xff];
export const u32b = (v: number): number[] => [v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
export const str = (s: string): number[] => ascii(s);

export const chassisMac = tlv(1, [4, ...hex('02 00 00 00 00 0a')]);
export const portName = (name: string): number[] => tlv(2, [5, ...ascii(name)]);
export const ttl = (s: number): number[] => tlv(3, u16b(s));
export const end = tlv(0, []);

/** An Ethernet frame to the LLDP multicast address, padded to 60 bytes as a NIC sends it. */
export function lldpFrame(tlvs: number[][], pad = true): number[] {
  const f = [...LLDP_DST, ...SRC, 0x88, 0xcc, ...tlvs.flat()];
  while (pad && f.length < 60) f.push(0);
  return f;
}
