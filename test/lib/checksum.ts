// The Internet checksum (RFC 1071) for frames tests craft: IPv4 headers,
// ICMP, and TCP/UDP/ICMPv6 over their pseudo-headers. Peers and tshark's
// conversation tracking want them right (an echo reply is linked to its
// request only when its checksum is).

/**
 * The sum of the big-endian 16-bit words of bytes[start, end), an odd last
 * byte padded with zero, added to `acc` (a pseudo-header's sum). Not folded:
 * pass it to `finishChecksum`.
 */
export function sum16(bytes: ArrayLike<number>, start = 0, end = bytes.length, acc = 0): number {
  for (let i = start; i < end; i += 2) acc += (bytes[i] << 8) | (i + 1 < end ? bytes[i + 1] : 0);
  return acc;
}

/** The checksum of a `sum16` total: folded to 16 bits, ones' complement. */
export function finishChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** The Internet checksum of bytes[start, end). */
export const inetChecksum = (bytes: ArrayLike<number>, start = 0, end = bytes.length): number =>
  finishChecksum(sum16(bytes, start, end));
