// Addresses and networks of the block list: parsed into 16 bytes (IPv4 in
// the first 4, as bpf/xdpscope.h keys them), printed canonically (RFC 5952
// for IPv6), so the engine, the helper and the user name one entry alike.
import { isIPv4, isIPv6 } from 'node:net';
import { ipv6ToString } from '../dissect/addr';

export interface Prefix {
  family: 4 | 6;
  /** network order; IPv4 in the first 4 bytes, host bits cleared */
  bytes: Uint8Array;
  len: number;
  /** canonical ADDR/LEN */
  text: string;
}

function v6Bytes(s: string): Uint8Array | null {
  const out = new Uint8Array(16);
  let text = s;
  // an embedded IPv4 tail (::ffff:198.18.0.1)
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1].split('.').map(Number);
    text = text.slice(0, -v4[1].length) + ((b[0] << 8) | b[1]).toString(16) + ':' + ((b[2] << 8) | b[3]).toString(16);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const groups = halves.length === 2 ? [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail] : head;
  if (groups.length !== 8) return null;
  for (let i = 0; i < 8; i++) {
    const g = parseInt(groups[i], 16);
    if (!/^[0-9a-fA-F]{1,4}$/.test(groups[i])) return null;
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  }
  return out;
}

export function formatAddress(family: 4 | 6, b: Uint8Array): string {
  if (family === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  return ipv6ToString(b, false);
}

/** "ADDR" or "ADDR/LEN" → a prefix (host bits cleared), or an Error saying what is wrong. */
export function parsePrefix(input: string): Prefix | Error {
  const s = input.trim();
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  let len = -1;
  if (slash >= 0) {
    const l = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(l)) return new Error(`'${s.slice(0, 80)}': bad prefix length`);
    len = Number(l);
  }
  let family: 4 | 6;
  let bytes: Uint8Array = new Uint8Array(16);
  if (isIPv4(addr)) {
    family = 4;
    addr.split('.').forEach((x, i) => { bytes[i] = Number(x); });
  } else if (isIPv6(addr.replace(/%.*$/, '')) && !addr.includes('%')) {
    const b = v6Bytes(addr);
    if (!b) return new Error(`'${addr.slice(0, 80)}' is not an IPv4 or IPv6 address`);
    family = 6;
    bytes = b;
    // frames carry IPv4 sources as IPv4: an IPv4-mapped address means that one
    if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) {
      if (len >= 0 && len < 96) return new Error(`'${s.slice(0, 80)}': an IPv4-mapped network needs a prefix of at least 96`);
      family = 4;
      bytes = new Uint8Array(16);
      bytes.set(b.subarray(12), 0);
      if (len >= 0) len -= 96;
    }
  } else {
    return new Error(`'${addr.slice(0, 80)}' is not an IPv4 or IPv6 address`);
  }
  const bits = family === 4 ? 32 : 128;
  if (len < 0) len = bits;
  if (len > bits) return new Error(`'${s.slice(0, 80)}': an IPv${family} prefix is at most /${bits}`);
  for (let i = 0; i < 16; i++) {
    const keep = len - i * 8;
    bytes[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (0xff << (8 - keep)) & 0xff;
  }
  return { family, bytes, len, text: `${formatAddress(family, bytes)}/${len}` };
}

/** One contains the other (same family). */
export function overlaps(a: Prefix, b: Prefix): boolean {
  if (a.family !== b.family) return false;
  let n = Math.min(a.len, b.len);
  for (let i = 0; i < 16 && n > 0; i++, n -= 8) {
    const m = n >= 8 ? 0xff : (0xff << (8 - n)) & 0xff;
    if ((a.bytes[i] & m) !== (b.bytes[i] & m)) return false;
  }
  return true;
}

/** The prefix as the user usually writes it: a host without its /32 or /128. */
export function displayPrefix(p: Prefix): string {
  return p.len === (p.family === 4 ? 32 : 128) ? formatAddress(p.family, p.bytes) : p.text;
}
