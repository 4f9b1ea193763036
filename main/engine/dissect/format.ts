// Field values as tshark prints them in `-T fields` output: dotted IPv4,
// RFC 5952 IPv6, colon-hex MACs, hex integers padded to the field's width
// (tcp.flags → 0x0012), booleans 1/0, times with nine decimals.
import type { Field, FieldValue } from '../types';
import { getField } from '../fields/store';
import { bytesToHex, etherToString, ipv4ToString, ipv6ToString } from './addr';
import { hexWidth, isSingle } from './fields';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function epochString(ns: bigint): string {
  // decimal text of the integer, split nine digits from the end: cheaper than BigInt division
  if (ns >= 1_000_000_000n) {
    const t = ns.toString();
    return t.slice(0, t.length - 9) + '.' + t.slice(t.length - 9);
  }
  const neg = ns < 0n;
  const a = neg ? -ns : ns;
  return `${neg ? '-' : ''}${a / 1_000_000_000n}.${String(a % 1_000_000_000n).padStart(9, '0')}`;
}

/** An all-zero NTP timestamp (1900-01-01 00:00:00 UTC, in ns since 1970): tshark shows it as NULL. */
export const NTP_NULL = -2_208_988_800_000_000_000n;

/** 'Dec 13, 2017 22:28:59.656584000 UTC' */
export function absTimeString(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = String(((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).padStart(9, '0');
  const t = new Date(ms);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[t.getUTCMonth()]} ${String(t.getUTCDate()).padStart(2, ' ')}, ${t.getUTCFullYear()} ${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())}.${frac} UTC`;
}

/**
 * Escapes as tshark 4.0 prints a string in -T fields output: backspace,
 * form feed, CR, LF and tab as \b \f \r \n \t; every other character,
 * backslash, BEL, VT and the other control characters included, as it is
 * (checked against tshark with crafted User-Agents and syslog messages).
 */
export function escapeString(s: string): string {
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 9 || c === 10 || c === 13 || c === 8 || c === 12) break;
  }
  if (i === s.length) return s;
  return s.replace(/[\r\n\t\b\f]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\b' ? '\\b' : '\\f'));
}

/** A field's value text for JSON output: strings as they are (JSON escapes them), everything else as -T fields prints it. */
export function jsonValue(f: Field): string {
  return typeof f.value === 'string' ? f.value : formatValue(f);
}

/** One occurrence of a field as tshark's -T fields prints it. */
export function formatValue(f: Field): string {
  const v: FieldValue = f.value;
  if (v === null) {
    const def = getField(f.name);
    return def && def.type === 'protocol' ? '' : '1';
  }
  switch (typeof v) {
    case 'number': {
      const def = getField(f.name);
      const t = def?.type;
      if (t === 'ipv4') return ipv4ToString(v);
      if (t === 'reltime') {
        const ns = (f as Field & { ns?: bigint }).ns;
        return typeof ns === 'bigint' ? epochString(ns) : v.toFixed(9);
      }
      // doubles as tshark prints them (%g with 15 significant digits)
      if (t === 'float') return isSingle(f.name) ? printfG(v) : String(parseFloat(v.toPrecision(15)));
      const w = hexWidth(f.name);
      if (w) return '0x' + (v >>> 0).toString(16).padStart(w, '0');
      return String(v);
    }
    case 'boolean': return v ? '1' : '0';
    case 'string': return escapeString(v);
    case 'bigint':
      // 64-bit integers past 2^53 (QUIC varints, USB URB ids, PTP clock identities), in hex for a hex field
      if (getField(f.name)?.type === 'uint') {
        // a hex-based 48- or 64-bit field (bgp.ext_com.value_raw, usb.urb_id) in tshark's width
        const w = hexWidth(f.name);
        return w ? '0x' + BigInt.asUintN(64, v).toString(16).padStart(w, '0') : v.toString();
      }
      // frame.time_epoch prints as seconds; every other absolute time as a date, like tshark
      if (f.name === 'frame.time_epoch') return epochString(v);
      // an NTP timestamp of zero ("not known") is tshark's NULL
      return v === NTP_NULL ? 'NULL' : absTimeString(v);
    default: {
      const def = getField(f.name);
      const t = def?.type;
      if (t === 'ether') return etherToString(v);
      if (t === 'ipv6') return ipv6ToString(v);
      // tshark 4.0 prints an empty byte string (a zero-length BER OCTET STRING) so
      if (v.length === 0 && t === 'bytes') return '<MISSING>';
      return bytesToHex(v);
    }
  }
}

/** The value part of a detail-tree label (names for enumerations, hex and decimal for hex fields). */
export function displayValue(f: Field): string {
  const def = getField(f.name);
  if (typeof f.value === 'number' && def?.valueNames && def.valueNames[f.value] !== undefined) {
    return `${def.valueNames[f.value]} (${f.value})`;
  }
  if (typeof f.value === 'number' && hexWidth(f.name)) return `${formatValue(f)} (${f.value})`;
  if (typeof f.value === 'boolean') return f.value ? 'Set' : 'Not set';
  if (f.value instanceof Uint8Array && def?.type === 'bytes') return bytesToHex(f.value.subarray(0, 64)) + (f.value.length > 64 ? '…' : '');
  return formatValue(f);
}

// Address text caches for bulk output: captures repeat the same few
// addresses, and a Map lookup is cheaper than building the text again.
const CACHE_MAX = 1 << 16;
const v4Text = new Map<number, string>();
const macText = new Map<number, string>();

/** `make(arg)`, the text of `key`: made once and kept (the cache is emptied whole when full). */
function cachedText<A>(cache: Map<number, string>, key: number, make: (arg: A) => string, arg: A): string {
  let t = cache.get(key);
  if (t === undefined) {
    if (cache.size >= CACHE_MAX) cache.clear();
    t = make(arg);
    cache.set(key, t);
  }
  return t;
}

function cachedIpv4(v: number): string {
  return cachedText(v4Text, v, ipv4ToString, v);
}

function cachedEther(b: Uint8Array): string {
  if (b.length !== 6) return etherToString(b);
  // 48 bits fit a double exactly
  const key = (b[0] * 65536 + b[1] * 256 + b[2]) * 16777216 + ((b[3] << 16) | (b[4] << 8) | b[5]);
  return cachedText(macText, key, etherToString, b);
}

// frame.time_epoch: the seconds' text is reused while packets stay within one second
let epochSecStart = -1n;
let epochSecText = '';
const PAD9 = '000000000';

/** epochString for the hot path (non-negative times). */
export function fastEpoch(ns: bigint): string {
  let off = ns - epochSecStart;
  if (epochSecStart < 0n || off < 0n || off >= 1_000_000_000n) {
    if (ns < 0n) return epochString(ns);
    epochSecStart = ns - (ns % 1_000_000_000n);
    epochSecText = String(epochSecStart / 1_000_000_000n);
    off = ns - epochSecStart;
  }
  const frac = String(Number(off));
  return epochSecText + '.' + PAD9.slice(frac.length) + frac;
}

/**
 * A formatter specialised for one field name (type and hex width looked up
 * once): what bulk output calls per value.
 */
export function formatterFor(name: string): (f: Field) => string {
  const def = getField(name);
  const t = def?.type;
  const w = hexWidth(name);
  if (t === 'abstime') return formatValue;
  // protocol names: never anything to escape
  if (name === 'frame.protocols') return (f) => (typeof f.value === 'string' ? f.value : formatValue(f));
  if (t === 'ipv4') return (f) => (typeof f.value === 'number' ? cachedIpv4(f.value) : formatValue(f));
  if (t === 'ether') return (f) => (f.value instanceof Uint8Array ? cachedEther(f.value) : formatValue(f));
  if (t === 'ipv6') return (f) => (f.value instanceof Uint8Array ? ipv6ToString(f.value) : formatValue(f));
  if (t === 'string') return (f) => (typeof f.value === 'string' ? escapeString(f.value) : formatValue(f));
  if (w) return (f) => (typeof f.value === 'number' ? '0x' + (f.value >>> 0).toString(16).padStart(w, '0') : formatValue(f));
  if (t === 'uint' || t === 'int' || t === 'framenum') return (f) => (typeof f.value === 'number' ? String(f.value) : formatValue(f));
  if (t === 'bool') return (f) => (f.value === true ? '1' : f.value === false ? '0' : formatValue(f));
  return formatValue;
}

/** the C escapes Wireshark's format_text writes for control characters */
export const C_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/**
 * Wireshark's format_text for column text: control characters as C escapes
 * or \ooo (a NUL in an HTTP request line prints as "\000"); the rest as is.
 */
export function formatText(s: string): string {
  return /[\x00-\x1f\x7f]/.test(s) ? s.replace(/[\x00-\x1f\x7f]/g, (c) => C_ESCAPES[c.charCodeAt(0)] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`) : s;
}

/** C's "%g": 6 significant digits, trailing zeros dropped, an exponent (two digits at least) below 1e-4 or from 1e6. */
export function printfG(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v === 0 ? (Object.is(v, -0) ? '-0' : '0') : v > 0 ? 'inf' : '-inf';
  const [mant, ex] = v.toExponential(5).split('e');
  const x = Number(ex);
  const trim = (t: string): string => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
  if (x < -4 || x >= 6) return `${trim(mant)}e${x < 0 ? '-' : '+'}${String(Math.abs(x)).padStart(2, '0')}`;
  return trim(v.toFixed(5 - x));
}
