// JA4 client fingerprints (FoxIO's JA4 specification, BSD-3-Clause; only JA4
// itself, not the other JA4+ methods, whose licence we do not take), as
// Wireshark 4.2+ shows them: tls.handshake.ja4 and tls.handshake.ja4_r on
// every ClientHello. The ClientHello is read again here, on its own, so the
// TLS dissector needs one call and its JA3 walk stays as it is.
import { createHash } from 'node:crypto';
import type { Ctx, FieldNode } from './context';
import { declare } from './fields';

declare('tls', 'Transport Layer Security', [
  ['tls.handshake.ja4', 'string', 'JA4', { description: 'FoxIO JA4 TLS client fingerprint' }],
  ['tls.handshake.ja4_r', 'string', 'JA4_r', { description: 'JA4 raw: the sorted cipher and extension lists and the signature algorithms before hashing' }],
]);

/** GREASE values (RFC 8701): 0x?a?a with both bytes equal; JA4 leaves them out everywhere. */
const grease = (v: number): boolean => (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);

const VERSION: Record<number, string> = {
  0x0304: '13', 0x0303: '12', 0x0302: '11', 0x0301: '10', 0x0300: 's3', 0x0002: 's2',
  0xfeff: 'd1', 0xfefd: 'd2', 0xfefc: 'd3',
};

/** What JA4 reads from a ClientHello. */
export interface Ja4Input {
  /** the legacy version field, used when there is no supported_versions extension */
  version: number;
  ciphers: number[];
  /** extension types in the order sent */
  exts: number[];
  /** supported_versions values */
  versions: number[];
  /** the first ALPN protocol id, as bytes (null: no ALPN extension or no value) */
  alpn: Uint8Array | null;
  /** signature_algorithms values in the order sent */
  sigAlgs: number[];
}

const hex4 = (v: number): string => v.toString(16).padStart(4, '0');
const alnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const count = (n: number): string => String(Math.min(n, 99)).padStart(2, '0');
const sha12 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 12);

function alpnChars(a: Uint8Array | null): string {
  if (a === null || a.length === 0) return '00';
  const first = a[0], last = a[a.length - 1];
  if (alnum(first) && alnum(last)) return String.fromCharCode(first, last);
  // the first and last characters of the value's hex form
  return first.toString(16).padStart(2, '0')[0] + last.toString(16).padStart(2, '0')[1];
}

/** JA4 and JA4_r for a ClientHello; transport 't' (TCP), 'q' (QUIC) or 'd' (DTLS). */
export function ja4(h: Ja4Input, transport: 't' | 'q' | 'd'): { ja4: string; raw: string } {
  const ciphers = h.ciphers.filter((c) => !grease(c));
  const exts = h.exts.filter((e) => !grease(e));
  const versions = h.versions.filter((v) => !grease(v));
  const version = versions.length > 0 ? Math.max(...versions) : h.version;
  const sni = exts.includes(0) ? 'd' : 'i';
  const a = `${transport}${VERSION[version] ?? '00'}${sni}${count(ciphers.length)}${count(exts.length)}${alpnChars(h.alpn)}`;
  const cipherList = ciphers.map(hex4).sort().join(',');
  const extList = exts.filter((e) => e !== 0 && e !== 0x10).map(hex4).sort().join(',');
  const sigs = h.sigAlgs.filter((s) => !grease(s)).map(hex4).join(',');
  const c = sigs ? `${extList}_${sigs}` : extList;
  const b = cipherList === '' ? '000000000000' : sha12(cipherList);
  const cHash = extList === '' ? '000000000000' : sha12(c);
  return { ja4: `${a}_${b}_${cHash}`, raw: `${a}_${cipherList}_${c}` };
}

/**
 * Reads a ClientHello body [o, end) of b (from its version field) into what
 * JA4 needs; null when it is cut before the extensions' list could be read
 * (the TLS dissector marks that damage).
 */
export function readClientHello(b: Uint8Array, o: number, end: number): Ja4Input | null {
  const u16 = (p: number): number => (b[p] << 8) | b[p + 1];
  if (o + 35 > end) return null;
  const h: Ja4Input = { version: u16(o), ciphers: [], exts: [], versions: [], alpn: null, sigAlgs: [] };
  let p = o + 34;
  p += 1 + b[p];
  if (p + 2 > end) return null;
  const csEnd = p + 2 + u16(p);
  if (csEnd > end) return null;
  for (let q = p + 2; q + 2 <= csEnd; q += 2) h.ciphers.push(u16(q));
  p = csEnd;
  if (p + 1 > end) return null;
  p += 1 + b[p];
  if (p > end) return null;
  if (p + 2 > end) return h; // no extensions
  const extEnd = Math.min(end, p + 2 + u16(p));
  p += 2;
  while (p + 4 <= extEnd) {
    const type = u16(p), len = u16(p + 2);
    const s = p + 4, e = Math.min(extEnd, s + len);
    h.exts.push(type);
    if (type === 43 && s < e) {
      for (let q = s + 1; q + 2 <= Math.min(e, s + 1 + b[s]); q += 2) h.versions.push(u16(q));
    } else if (type === 16 && s + 3 <= e && h.alpn === null) {
      const l = b[s + 2];
      h.alpn = b.subarray(s + 3, Math.min(e, s + 3 + l));
    } else if (type === 13 && s + 2 <= e) {
      for (let q = s + 2; q + 2 <= Math.min(e, s + 2 + u16(s)); q += 2) h.sigAlgs.push(u16(q));
    }
    p = s + len;
  }
  return h;
}

/** The hook the TLS (and QUIC) dissectors call on a ClientHello body [o, end) of ctx.d. */
export function ja4Fields(ctx: Ctx, hs: FieldNode, o: number, end: number, transport: 't' | 'q' | 'd'): void {
  if (!ctx.wantsPrefix('tls.handshake.ja4')) return;
  const h = readClientHello(ctx.d, o, end);
  if (h === null) return;
  const r = ja4(h, transport);
  ctx.sub(hs, 'tls.handshake.ja4', r.ja4, 0, 0).generated = true;
  ctx.sub(hs, 'tls.handshake.ja4_r', r.raw, 0, 0).generated = true;
}
