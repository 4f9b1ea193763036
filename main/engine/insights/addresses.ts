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
