// Address text in Wireshark's notation: dotted IPv4, RFC 5952 IPv6,
// colon-hex MAC. Shared by the summary, labels and the output formatters.

const HEX2: string[] = [];
for (let i = 0; i < 256; i++) HEX2.push(i.toString(16).padStart(2, '0'));
export { HEX2 };

export function ipv4ToString(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

export function etherToString(b: Uint8Array): string {
  let s = HEX2[b[0]];
  for (let i = 1; i < b.length; i++) s += ':' + HEX2[b[i]];
  return s;
}

export function bytesToHex(b: Uint8Array, sep = ''): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (i && sep ? sep : '') + HEX2[b[i]];
  return s;
}

/**
 * RFC 5952: longest run (>=2) of zero groups becomes '::', lower-case hex, IPv4-mapped tail dotted
 * (`mappedDotted` false: in hex like any other address, as block prefixes and pcapng name records print it).
 */
export function ipv6ToString(b: Uint8Array, mappedDotted = true): string {
  if (b.length < 16) return bytesToHex(b, ':');
  const g = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = (b[2 * i] << 8) | b[2 * i + 1];
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  // ::ffff:a.b.c.d (IPv4-mapped) as Wireshark prints it
  if (mappedDotted && bestStart === 0 && bestLen === 5 && g[5] === 0xffff) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) { s += i === 0 ? '::' : ':'; i += bestLen - 1; continue; }
    s += g[i].toString(16);
    if (i < 7) s += ':';
  }
  return s;
}

export function parseIpv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const p = m.slice(1).map(Number);
  if (p.some((x) => x > 255)) return null;
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
}
