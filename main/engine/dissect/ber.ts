// A bounded BER/DER TLV reader (X.690) for the ASN.1 protocols: Kerberos,
// LDAP, SPNEGO/GSS-API, SNMP, X.509. Dissectors need the byte range of every
// element (fields carry start and length), which general ASN.1 libraries do
// not expose, so this walks tag-length-value headers itself and leaves the
// meaning to each protocol. Every length is checked against its parent's
// end; indefinite lengths (allowed in BER, not DER) are refused: none of the
// protocols above sends them in practice, and refusing keeps every element's
// end known before its contents are read. Nothing here throws or allocates
// beyond the returned header.
import { latin1 } from './bytes';

export const UNIVERSAL = 0, APPLICATION = 1, CONTEXT = 2, PRIVATE = 3;

/** Universal tag numbers the protocols read. */
export const T_BOOLEAN = 1, T_INTEGER = 2, T_BIT_STRING = 3, T_OCTET_STRING = 4, T_NULL = 5, T_OID = 6,
  T_ENUMERATED = 10, T_UTF8 = 12, T_SEQUENCE = 16, T_SET = 17, T_PRINTABLE = 19, T_T61 = 20, T_IA5 = 22,
  T_UTC_TIME = 23, T_GENERALIZED_TIME = 24, T_GENERAL_STRING = 27, T_UNIVERSAL_STRING = 28, T_BMP = 30;

/** Deepest nesting a consumer should follow (recursive walkers stop here and mark the rest malformed). */
export const MAX_DEPTH = 32;

/** One element's header: where it starts, its tag, and the byte range of its contents. */
export interface Tlv {
  /** 0 universal, 1 application, 2 context-specific, 3 private */
  cls: number;
  constructed: boolean;
  /** tag number (high-tag-number form read up to 4 bytes, 28 bits) */
  tag: number;
  /** first byte of the identifier */
  start: number;
  /** first byte of the contents */
  value: number;
  /** contents length */
  len: number;
  /** first byte after the element (value + len) */
  end: number;
}

/** Why an element could not be read, and where. */
export interface BerError { error: string; at: number }

export const isBerError = (r: Tlv | BerError): r is BerError => (r as BerError).error !== undefined;

/**
 * Reads the element header at `off`; its contents must end by `end` (the
 * parent's end). Returns the header or why it is unreadable.
 */
export function readTlv(d: Uint8Array, off: number, end: number): Tlv | BerError {
  if (off >= end) return { error: 'BER element expected, no bytes left', at: off };
  const first = d[off];
  const cls = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tag = first & 0x1f;
  let o = off + 1;
  if (tag === 0x1f) {
    // high-tag-number form: base-128 digits, the last without bit 8
    tag = 0;
    for (let n = 0; ; n++) {
      if (o >= end) return { error: 'BER tag number cut short', at: off };
      if (n === 4) return { error: 'BER tag number longer than 4 bytes', at: off };
      const b = d[o++];
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (o >= end) return { error: 'BER length missing', at: off };
  let len = d[o++];
  if (len === 0x80) return { error: 'BER indefinite length not supported', at: off };
  if (len > 0x80) {
    const n = len & 0x7f;
    if (n > 4) return { error: `BER length of ${n} bytes is too long`, at: off };
    if (end - o < n) return { error: 'BER length cut short', at: off };
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + d[o++];
  }
  if (len > end - o) return { error: `BER length ${len} runs past its container (${end - o} bytes left)`, at: off };
  return { cls, constructed, tag, start: off, value: o, len, end: o + len };
}

/** Is it this class and tag number? */
export const is = (t: Tlv, cls: number, tag: number): boolean => t.cls === cls && t.tag === tag;

/**
 * The elements directly inside [off, end), in order. Stops at the first
 * unreadable header and returns it as `error` (what came before is kept).
 * Bounded by `max` elements.
 */
export function childrenOf(d: Uint8Array, off: number, end: number, max = 4096): { items: Tlv[]; error?: BerError } {
  const items: Tlv[] = [];
  let o = off;
  while (o < end) {
    if (items.length >= max) return { items, error: { error: `more than ${max} BER elements`, at: o } };
    const t = readTlv(d, o, end);
    if (isBerError(t)) return { items, error: t };
    items.push(t);
    o = t.end;
  }
  return { items };
}

/** The first child with this class and tag, if any. */
export function find(items: readonly Tlv[], cls: number, tag: number): Tlv | undefined {
  for (const t of items) if (t.cls === cls && t.tag === tag) return t;
  return undefined;
}

/**
 * An INTEGER or ENUMERATED as a number (two's complement). Contents longer
 * than 6 bytes (beyond exact doubles) give null; so does an empty one.
 */
export function int(d: Uint8Array, t: Tlv): number | null {
  if (t.len === 0 || t.len > 6) return null;
  let v = d[t.value] & 0x80 ? -1 : 0;
  for (let i = 0; i < t.len; i++) v = v * 256 + d[t.value + i];
  // (a negative value accumulates from -1: -1*256+b keeps the sign bits)
  return v;
}

/** An unsigned integer of any length as a bigint (serial numbers, nonces). */
export function bigUint(d: Uint8Array, t: Tlv): bigint {
  let v = 0n;
  for (let i = 0; i < t.len; i++) v = (v << 8n) | BigInt(d[t.value + i]);
  return v;
}

/** An OBJECT IDENTIFIER in dotted form; null when its encoding is broken. */
export function oid(d: Uint8Array, t: Tlv): string | null {
  if (t.len === 0 || t.len > 128) return null;
  const parts: number[] = [];
  let v = 0, digits = 0;
  for (let i = t.value; i < t.end; i++) {
    const b = d[i];
    if (digits === 0 && b === 0x80) return null; // a leading zero digit is not minimal
    v = v * 128 + (b & 0x7f);
    if (++digits > 8) return null;
    if ((b & 0x80) === 0) {
      if (parts.length === 0) {
        const first = v < 40 ? 0 : v < 80 ? 1 : 2;
        parts.push(first, v - first * 40);
      } else parts.push(v);
      v = 0; digits = 0;
    }
  }
  if (digits !== 0) return null;
  return parts.join('.');
}

/** A character string's contents (latin1: the byte per character; UTF8String decoded). */
export function str(d: Uint8Array, t: Tlv): string {
  if (t.cls === UNIVERSAL && t.tag === T_UTF8) return Buffer.from(d.buffer, d.byteOffset + t.value, t.len).toString('utf8');
  if (t.cls === UNIVERSAL && t.tag === T_BMP) return Buffer.from(d.subarray(t.value, t.end)).swap16().toString('utf16le');
  return latin1(d, t.value, t.end);
}

/** UTF-8 text of a range (OCTET STRINGs that carry names: LDAP DNs, SNMP communities). */
export function utf8(d: Uint8Array, start: number, end: number): string {
  return Buffer.from(d.buffer, d.byteOffset + start, end - start).toString('utf8');
}

/** A BOOLEAN (any nonzero octet is true). */
export const bool = (d: Uint8Array, t: Tlv): boolean => t.len > 0 && d[t.value] !== 0;

/**
 * A BIT STRING's bits as a number, first bit the most significant (as
 * Wireshark shows Kerberos and X.509 flag fields); up to 32 bits.
 */
export function bits32(d: Uint8Array, t: Tlv): number {
  if (t.len < 1) return 0;
  let v = 0;
  for (let i = 1; i <= 4; i++) v = v * 256 + (i < t.len ? d[t.value + i] : 0);
  return v >>> 0;
}
