// Literal conversion (a filter's text → a field type's value representation,
// see FieldType in ../types) and value comparison, per field type.
import type { FieldDef, FieldType, FieldValue } from '../types';
import { ftypeBits, wiresharkField } from '../fields/wireshark';
import { FilterError } from './lexer';

/** Value classes that can be compared with each other. */
export type Kind = 'num' | 'bool' | 'string' | 'bytes' | 'ipv4' | 'ipv6' | 'time' | 'none';

export function kindOf(t: FieldType): Kind {
  switch (t) {
    case 'uint': case 'int': case 'framenum': case 'float': case 'reltime': return 'num';
    case 'bool': return 'bool';
    case 'string': return 'string';
    case 'bytes': case 'ether': case 'protocol': return 'bytes';
    case 'ipv4': return 'ipv4';
    case 'ipv6': return 'ipv6';
    case 'abstime': return 'time';
    case 'none': return 'none';
  }
}

export const TYPE_NAMES: Record<FieldType, string> = {
  none: 'Label', protocol: 'Protocol', uint: 'Unsigned integer', int: 'Signed integer', bool: 'Boolean',
  string: 'Character string', bytes: 'Byte sequence', ether: 'Ethernet or other MAC address', ipv4: 'IPv4 address',
  ipv6: 'IPv6 address', abstime: 'Date and time', reltime: 'Time offset', float: 'Floating point (double-precision)',
  framenum: 'Frame number',
};

/** A constant after conversion: ipv4/ipv6 may carry a CIDR prefix. */
export interface Const {
  v: FieldValue;
  /** ipv4: network mask (host order); ipv6: prefix bits */
  mask?: number;
}

export interface LiteralIn {
  text: string;
  form: 'word' | 'bytes' | 'string' | 'char';
  code?: number;
  start: number;
  end: number;
}

const enc = new TextEncoder();

function fail(msg: string, lit: LiteralIn): never {
  throw new FilterError(msg, lit.start, lit.end);
}

export function parseInteger(s: string): number | bigint | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return null;
  const body = m[2]!;
  let v: bigint;
  if (/^0[xX]/.test(body) || /^0[bB]/.test(body)) v = BigInt(body);
  else if (body.length > 1 && body[0] === '0') v = BigInt('0o' + body.slice(1));
  else v = BigInt(body);
  if (m[1] === '-') v = -v;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * A value string's number: Wireshark's value strings for the field when its
 * list has them (tshark is the judge of which names exist), else ours.
 * Case does not matter, as in tshark.
 */
function lookupValueName(def: FieldDef | undefined, s: string): number | undefined | null {
  if (!def) return undefined;
  const low = s.toLowerCase();
  const ws = wiresharkField(def.name);
  // a name we cannot check (a field we do not decode, its value strings not shipped): it never matches;
  // a field we do decode whose list was not shipped is checked against our own value names
  if (ws?.valuesOmitted && !def.valueNames && !/^[-+]?[0-9]/.test(s)) return NaN;
  if (ws && !ws.valuesOmitted) {
    for (const [lo, , name] of ws.values ?? []) if (name.toLowerCase() === low) return lo;
    return ws.values?.length ? null : undefined;
  }
  if (!def.valueNames) return undefined;
  for (const [k, name] of Object.entries(def.valueNames)) if (name.toLowerCase() === low) return Number(k);
  return null;
}

const MAX_U64 = 2n ** 64n - 1n;

/** tshark's range check of an integer for a field of `bits` bits (only loads Wireshark's list past one byte). */
function checkRange(v: number | bigint, type: FieldType, def: FieldDef | undefined, lit: LiteralIn): void {
  const big = BigInt(v);
  if (big > MAX_U64 || big < -(2n ** 63n)) fail(`"${lit.text}" causes an integer overflow.`, lit);
  if (big <= 255n && big >= -128n) return;
  const ft = def ? wiresharkField(def.name)?.ftype : undefined;
  const bits = ft ? ftypeBits(ft) : undefined;
  if (bits === undefined || bits >= 64) return;
  if (type === 'int') {
    const max = 2n ** BigInt(bits - 1) - 1n, min = -(2n ** BigInt(bits - 1));
    if (big > max) fail(`"${lit.text}" too big for this field, maximum ${max}.`, lit);
    if (big < min) fail(`"${lit.text}" too small for this field, minimum ${min}.`, lit);
  } else {
    const max = 2n ** BigInt(bits) - 1n;
    if (big > max) fail(`"${lit.text}" too big for this field, maximum ${max}.`, lit);
  }
}

/**
 * Converts a literal to the representation of `type` (def, when known,
 * supplies value strings); typeName is Wireshark's name of the field's type
 * for messages ("Unsigned integer (2 bytes)").
 */
export function convertLiteral(lit: LiteralIn, type: FieldType, def: FieldDef | undefined, fieldName: string, typeNameOf: () => string = () => TYPE_NAMES[type]): Const {
  const text = lit.text;
  // Wireshark's type name is only needed for a message: looking it up may load Wireshark's field list
  const typeName = (): string => typeNameOf();
  switch (type) {
    case 'uint': case 'int': case 'framenum': {
      if (lit.form === 'char') return { v: lit.code! };
      // a number is a number: only a name is looked up among the value strings
      const named = lit.form === 'bytes' || (lit.form === 'word' && /^[-+]?[0-9]/.test(text)) ? undefined : lookupValueName(def, text);
      if (typeof named === 'number') return { v: named };
      if (lit.form === 'string') {
        if (named === null) fail(`"${text}" cannot be found among the possible values for ${fieldName}.`, lit);
        fail(`${typeName()} cannot be converted from a string ("${text}").`, lit);
      }
      const v = parseInteger(text);
      if (v === null) {
        if (named === null) fail(`"${text}" cannot be found among the possible values for ${fieldName}.`, lit);
        fail(`"${text}" is not a valid number.`, lit);
      }
      checkRange(v, type, def, lit);
      // tshark negates an unsigned value modulo 2^64: -1 is never a port, and {-1 .. 100} is empty
      if (type !== 'int' && v < 0) return { v: Number(2n ** 64n + BigInt(v)) };
      return { v };
    }
    case 'float': case 'reltime': {
      if (lit.form === 'string') fail(`${typeName()} cannot be converted from a string ("${text}").`, lit);
      if (lit.form === 'char') return { v: lit.code! };
      const i = parseInteger(text);
      if (i !== null) return { v: Number(i) };
      if (type === 'reltime') {
        // times take plain decimals only (no exponent, no inf)
        if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(text)) fail(`"${text.replace(/^-/, '')}" is not a valid time.`, text.startsWith('-') ? { ...lit, start: lit.start + 1 } : lit);
        return { v: Number(text) };
      }
      const inf = /^([+-]?)inf(inity)?$/i.exec(text);
      if (inf) return { v: inf[1] === '-' ? -Infinity : Infinity };
      if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text)) fail(`"${text}" is not a valid number.`, lit);
      return { v: Number(text) };
    }
    case 'bool': {
      if (lit.form === 'char') return { v: lit.code !== 0 };
      if (lit.form === 'word' && text.startsWith('-')) fail('FT_BOOLEAN cannot -.', { ...lit, start: lit.start + 1 });
      if (lit.form === 'string') {
        // a boolean's own true/false strings (ip.flags.df: "Set"/"Not set")
        const tfs = (def ? wiresharkField(def.name)?.tfs : undefined) ?? ['True', 'False'];
        const low = text.toLowerCase();
        if (low === tfs[0].toLowerCase()) return { v: true };
        if (low === tfs[1].toLowerCase()) return { v: false };
        return fail(`"${text}" cannot be found among the possible values for ${fieldName}.`, lit);
      }
      if (text === 'True' || text === 'TRUE') return { v: true };
      if (text === 'False' || text === 'FALSE') return { v: false };
      const i = lit.form === 'word' ? parseInteger(text) : null;
      if (i !== null) return { v: i != 0 };
      return fail(`"${text}" cannot be found among the possible values for ${fieldName}.`, lit);
    }
    case 'string':
      if (lit.form === 'char') return { v: String.fromCharCode(lit.code!) };
      return { v: text };
    case 'bytes': case 'protocol': case 'ether': {
      let bytes: Uint8Array | null;
      if (lit.form === 'string') {
        // Wireshark's other byte-like types (OID, GUID, EUI-64, ...) take no string
        if (type === 'ether' || (type === 'bytes' && def && def.type === 'bytes' && typeName() !== TYPE_NAMES.bytes)) fail(`${typeName()} cannot be converted from a string ("${text}").`, lit);
        bytes = enc.encode(text);
      } else if (lit.form === 'char') bytes = Uint8Array.of(lit.code! & 0xff);
      else if (type !== 'ether' && /^0[xX][0-9a-fA-F]{2}$/.test(text)) bytes = Uint8Array.of(parseInt(text.slice(2), 16));
      else bytes = parseByteString(text, type === 'ether');
      if (!bytes) fail(type === 'ether' ? `"${text}" is not a valid Ethernet address.` : `"${text}" is not a valid byte string.`, lit);
      if (type === 'ether' && lit.form !== 'char') {
        if (bytes.length < 6) fail(`"${text}" contains too few bytes to be a valid Ethernet address.`, lit);
        if (bytes.length > 6) fail(`"${text}" contains too many bytes to be a valid Ethernet address.`, lit);
      }
      return { v: bytes };
    }
    case 'ipv4': {
      if (lit.form !== 'word') fail(`IPv4 address cannot be converted from a string ("${text}").`, lit);
      const slash = text.indexOf('/');
      const addrText = slash < 0 ? text : text.slice(0, slash);
      const a = parseIPv4(addrText);
      if (a === null) fail(`"${addrText}" is not a valid hostname or IPv4 address.`, lit);
      if (slash < 0) return { v: a };
      const bitsText = text.slice(slash + 1);
      if (!/^[0-9]+$/.test(bitsText)) fail(`"${text}" is not a valid IPv4 CIDR block.`, lit);
      const bits = Number(bitsText);
      if (bits > 32) fail(`Netmask bits in a CIDR IPv4 address should be <= 32, not ${bits}`, lit);
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      return { v: (a & mask) >>> 0, mask };
    }
    case 'ipv6': {
      if (lit.form !== 'word') fail(`IPv6 address cannot be converted from a string ("${text}").`, lit);
      const slash = text.indexOf('/');
      const addrText = slash < 0 ? text : text.slice(0, slash);
      const a = parseIPv6(addrText);
      if (!a) fail(`"${addrText}" is not a valid hostname or IPv6 address.`, lit);
      if (slash < 0) return { v: a };
      const bitsText = text.slice(slash + 1);
      if (!/^[0-9]+$/.test(bitsText)) fail(`"${text}" is not a valid IPv6 prefix.`, lit);
      const bits = Number(bitsText);
      if (bits > 128) fail(`Prefix in a IPv6 address should be <= 128, not ${bits}`, lit);
      return { v: a, mask: bits };
    }
    case 'abstime': {
      // frame.time_epoch is a time offset to Wireshark 4.0 (seconds since 1970): compare it so
      if (def && wiresharkField(def.name)?.ftype === 'FT_RELATIVE_TIME') {
        if (lit.form === 'string') fail(`${typeName()} cannot be converted from a string ("${text}").`, lit);
        const m = /^([+-]?)([0-9]+)(?:\.([0-9]{0,9})[0-9]*)?$/.exec(text);
        if (!m) fail(`"${text}" is not a valid time.`, lit);
        const ns = BigInt(m[2]!) * 1_000_000_000n + BigInt((m[3] ?? '').padEnd(9, '0'));
        return { v: m[1] === '-' ? -ns : ns };
      }
      const v = parseAbsTime(text, lit);
      if (v === null) fail(`"${text}" is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56"`, lit);
      return { v };
    }
    case 'none':
      return fail(`${fieldName} is a label and cannot be compared with a value.`, lit);
  }
}

/**
 * Byte strings as tshark 4.0 reads them: hex groups of one or two digits
 * separated by ':', '-' or '.' ("ff.ff"), or a run of hex digits taken in
 * pairs ("0010db"; an odd last digit is a byte of its own). For an Ethernet
 * address also Cisco's dotted quads (c8bc.c896.d2a0).
 */
export function parseByteString(s: string, ether = false): Uint8Array | null {
  if (/^[0-9a-fA-F]{1,2}$/.test(s)) return Uint8Array.of(parseInt(s, 16));
  const m = /^[0-9a-fA-F]{1,2}(([:.-])[0-9a-fA-F]{1,2})*$/.exec(s);
  if (m) {
    const sep = m[2];
    const parts = sep ? s.split(sep) : [s];
    return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
  }
  if (ether && /^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$/.test(s)) s = s.replace(/\./g, '');
  if (/^[0-9a-fA-F]+$/.test(s)) return Uint8Array.from(s.match(/..?/g)!.map((h) => parseInt(h, 16)));
  return null;
}

export function parseIPv4(s: string): number | null {
  const m = /^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$/.exec(s);
  if (!m) return null;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return null;
    v = v * 256 + o;
  }
  return v;
}

export function parseIPv6(s: string): Uint8Array | null {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return null;
  let tail4: number | null = null;
  let str = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    tail4 = parseIPv4(s.slice(lastColon + 1));
    if (tail4 === null) return null;
    str = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = str.split('::');
  if (dbl.length > 2) return null;
  const head = dbl[0] ? dbl[0].split(':') : [];
  const tail = dbl.length === 2 && dbl[1] ? dbl[1].split(':') : [];
  const groups = dbl.length === 2 ? [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail] : head;
  if (groups.length !== 8 || (dbl.length === 2 && head.length + tail.length > 7)) return null;
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = groups[i]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  }
  if (tail4 !== null) {
    out[12] = tail4 >>> 24; out[13] = (tail4 >>> 16) & 0xff; out[14] = (tail4 >>> 8) & 0xff; out[15] = tail4 & 0xff;
  }
  return out;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Absolute time literals, as ns since the epoch: "2011-07-04 12:34:56[.frac]",
 * "Nov 12, 1999 08:55:44.123", an optional " UTC" (else local time, like
 * Wireshark). Epoch seconds are not a date to tshark 4.0. With `lit`, the
 * errors tshark gives for a fraction without seconds or text after the time.
 */
export function parseAbsTime(s: string, lit?: LiteralIn): bigint | null {
  const t = s.trim();
  let m: RegExpExecArray | null;
  let y: number, mo: number, d: number, hh: number, mi: number, ss: number, frac: string, rest: string;
  if ((m = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?(?:\.([0-9]{1,9}))?)?(.*)$/.exec(t))) {
    y = +m[1]!; mo = +m[2]! - 1; d = +m[3]!; hh = +(m[4] ?? 0); mi = +(m[5] ?? 0); ss = +(m[6] ?? 0); frac = m[7] ?? ''; rest = m[8]!;
    if (frac && m[6] === undefined) return lit ? fail('Subsecond precision requires a seconds field.', lit) : null;
  } else if ((m = /^([A-Za-z]{3})[a-z]*\s+([0-9]{1,2}),\s*([0-9]{4})(?:\s+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?(?:\.([0-9]{1,9}))?)?(.*)$/.exec(t))) {
    mo = MONTHS.indexOf(m[1]!.toLowerCase());
    if (mo < 0) return null;
    d = +m[2]!; y = +m[3]!; hh = +(m[4] ?? 0); mi = +(m[5] ?? 0); ss = +(m[6] ?? 0); frac = m[7] ?? ''; rest = m[8]!;
    if (frac && m[6] === undefined) return lit ? fail('Subsecond precision requires a seconds field.', lit) : null;
  } else return null;
  const utc = /^\s*(Z|UTC)$/i.test(rest);
  if (!utc && rest.trim() !== '') return lit ? fail('Unexpected data after time value.', lit) : null;
  const ms = utc ? Date.UTC(y, mo, d, hh, mi, ss) : new Date(y, mo, d, hh, mi, ss).getTime();
  if (Number.isNaN(ms)) return null;
  return BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0') || '0');
}

// ---- comparison -------------------------------------------------------------

export function bytesCmp(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function bytesEq(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Total order within one Kind; values are in the representation of ../types FieldType. */
export function comparator(kind: Kind): (a: FieldValue, b: FieldValue) => number {
  switch (kind) {
    case 'num': case 'ipv4': case 'time':
      return (a, b) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0);
    case 'bool':
      return (a, b) => Number(a) - Number(b);
    case 'string':
      return (a, b) => ((a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0);
    case 'bytes': case 'ipv6':
      return (a, b) => bytesCmp(a as Uint8Array, b as Uint8Array);
    case 'none':
      return () => 0;
  }
}

/** ipv6 prefix match */
export function ipv6PrefixEq(a: Uint8Array, net: Uint8Array, bits: number): boolean {
  let i = 0;
  for (; bits >= 8; bits -= 8, i++) if (a[i] !== net[i]) return false;
  if (bits === 0) return true;
  const m = (0xff << (8 - bits)) & 0xff;
  return (a[i]! & m) === (net[i]! & m);
}

// ---- display (for string()) -------------------------------------------------

export function formatFilterValue(v: FieldValue, type: FieldType): string {
  if (v === null) return '';
  switch (type) {
    case 'ipv4': {
      const n = v as number;
      return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    }
    case 'ether': case 'bytes': case 'protocol':
      return Array.from(v as Uint8Array, (b) => b.toString(16).padStart(2, '0')).join(':');
    case 'ipv6': {
      const b = v as Uint8Array;
      const g: string[] = [];
      for (let i = 0; i < 16; i += 2) g.push(((b[i]! << 8) | b[i + 1]!).toString(16));
      // compress the longest run of zero groups (RFC 5952)
      let best = -1, bestLen = 1;
      for (let i = 0; i < 8;) {
        if (g[i] !== '0') { i++; continue; }
        let j = i;
        while (j < 8 && g[j] === '0') j++;
        if (j - i > bestLen) { best = i; bestLen = j - i; }
        i = j;
      }
      if (best < 0) return g.join(':');
      return g.slice(0, best).join(':') + '::' + g.slice(best + bestLen).join(':');
    }
    case 'bool':
      return v ? 'True' : 'False';
    default:
      return String(v);
  }
}
