// Address classes the detectors judge by: group addresses are nobody's
// victim; internal addresses are the network being watched, external ones
// the rest of the world (beaconing, gateway bypass look outward).

/** IPv4 multicast, limited broadcast, a /24's broadcast address, or IPv6 multicast. */
export function isGroupAddress(a: string): boolean {
  if (a.includes(':')) return a.toLowerCase().startsWith('ff');
  const first = Number(a.slice(0, a.indexOf('.')));
  return (first >= 224 && first <= 239) || a === '255.255.255.255' || a.endsWith('.255');
}

/** RFC 1918, loopback, link-local, CGNAT, unique-local and link-local IPv6: the inside of a network. */
export function isInternal(a: string): boolean {
  if (a.includes(':')) {
    const l = a.toLowerCase();
    return l === '::1' || l.startsWith('fe8') || l.startsWith('fe9') || l.startsWith('fea') || l.startsWith('feb') || l.startsWith('fc') || l.startsWith('fd');
  }
  const p = a.split('.').map(Number);
  return p[0] === 10 || p[0] === 127 || (p[0] === 172 && p[1] >= 16 && p[1] <= 31) || (p[0] === 192 && p[1] === 168) ||
    (p[0] === 169 && p[1] === 254) || (p[0] === 100 && p[1] >= 64 && p[1] <= 127);
}

/**
 * Whether an IPv4 address (a 32-bit number) is outside the network and no
 * group address: what isInternal and isGroupAddress say of its text,
 * without building or parsing a string (per-packet paths).
 */
export function isExternalV4(a: number): boolean {
  const b0 = a >>> 24, b1 = (a >>> 16) & 255;
  if (b0 === 10 || b0 === 127 || (b0 === 172 && b1 >= 16 && b1 <= 31) || (b0 === 192 && b1 === 168) || (b0 === 169 && b1 === 254) || (b0 === 100 && b1 >= 64 && b1 <= 127)) return false;
  return !((b0 >= 224 && b0 <= 239) || (a >>> 0) === 0xffffffff || (a & 255) === 255);
}
