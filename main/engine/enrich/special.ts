// Address ranges that have no country: private, loopback, link-local,
// CGNAT, multicast, documentation, benchmarking (RFC 6890 registries).

export interface SpecialRange { kind: string; name: string }

const V4: Array<[number, number, SpecialRange]> = [];
function v4(cidr: string, kind: string, name: string): void {
  const [a, bits] = cidr.split('/');
  const p = a.split('.').map(Number);
  const base = ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  V4.push([(base & mask) >>> 0, mask, { kind, name }]);
}
v4('0.0.0.0/8', 'unspecified', 'This network');
v4('10.0.0.0/8', 'private', 'Private network');
v4('100.64.0.0/10', 'cgnat', 'Shared address space (CGNAT)');
v4('127.0.0.0/8', 'loopback', 'Loopback');
v4('169.254.0.0/16', 'link-local', 'Link-local');
v4('172.16.0.0/12', 'private', 'Private network');
v4('192.0.0.0/24', 'reserved', 'IETF protocol assignments');
v4('192.0.2.0/24', 'documentation', 'Documentation (TEST-NET-1)');
v4('192.168.0.0/16', 'private', 'Private network');
v4('198.18.0.0/15', 'benchmarking', 'Benchmarking');
v4('198.51.100.0/24', 'documentation', 'Documentation (TEST-NET-2)');
v4('203.0.113.0/24', 'documentation', 'Documentation (TEST-NET-3)');
v4('224.0.0.0/4', 'multicast', 'Multicast');
v4('255.255.255.255/32', 'broadcast', 'Broadcast');
v4('240.0.0.0/4', 'reserved', 'Reserved');

export function specialV4(a: number): SpecialRange | null {
  for (const [base, mask, r] of V4) if (((a & mask) >>> 0) === base) return r;
  return null;
}

export function specialV6(b: Uint8Array): SpecialRange | null {
  let zero = true;
  for (let i = 0; i < 15; i++) if (b[i] !== 0) { zero = false; break; }
  if (zero && b[15] === 1) return { kind: 'loopback', name: 'Loopback' };
  if (zero && b[15] === 0) return { kind: 'unspecified', name: 'Unspecified' };
  if (b[0] === 0xff) return { kind: 'multicast', name: 'Multicast' };
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) return { kind: 'link-local', name: 'Link-local' };
  if ((b[0] & 0xfe) === 0xfc) return { kind: 'private', name: 'Unique local address' };
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return { kind: 'documentation', name: 'Documentation' };
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x00 && b[3] === 0x02 && b[4] === 0 && b[5] === 0) return { kind: 'benchmarking', name: 'Benchmarking' };
  return null;
}
