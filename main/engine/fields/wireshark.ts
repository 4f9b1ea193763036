// Wireshark 4.0's display-filter field list (wireshark-fields.gz, made by
// scripts/make-wireshark-fields.ts from `tshark -G fields` and `-G values`):
// every field and protocol name tshark accepts in a filter, with its type,
// true/false strings and, for protocols we decode, value strings. Loaded on
// first use (about 240,000 names, some 20 MB in memory), so that a filter
// naming a field we do not decode compiles with tshark's type rules, and so
// that messages name Wireshark's exact types ("Unsigned integer (2 bytes)").
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { FieldType } from '../types';

export interface WiresharkField {
  name: string;
  /** Wireshark's type, e.g. FT_UINT16 */
  ftype: string;
  /** true/false strings of a boolean, when not "True"/"False" */
  tfs?: [string, string];
  /** value strings: [low, high, name] (high = low for a single value) */
  values?: Array<[number, number, string]>;
  /** it has value strings, left out of the file for size: which names are valid is unknown */
  valuesOmitted?: boolean;
}

interface Loaded {
  /** the field section: front-coded lines */
  text: string;
  /** offsets of the whole-name lines (every RESTART-th), and their names */
  restarts: number[];
  restartNames: string[];
  codes: Map<string, string>;
  tfs: Map<string, [string, string]>;
  values: Map<string, string[]>;
  aliases: Map<string, string>;
}

const FILE = 'wireshark-fields.gz';
let loaded: Loaded | null | undefined;

function load(): Loaded | null {
  if (loaded !== undefined) return loaded;
  // dist/main/engine/fields when bundled (the build copies it there), else the source tree
  const path = [join(__dirname, FILE), join(__dirname, '..', '..', '..', '..', 'main', 'engine', 'fields', FILE)].find((p) => existsSync(p));
  if (!path) { loaded = null; return null; }
  const all = gunzipSync(readFileSync(path)).toString('utf8');
  const sep = all.indexOf('\n%\n');
  const out: Loaded = { text: all.slice(sep + 3), restarts: [], restartNames: [], codes: new Map(), tfs: new Map(), values: new Map(), aliases: new Map() };
  for (const line of all.slice(0, sep).split('\n')) {
    const k = line[0];
    const tab = line.indexOf('\t');
    if (k === 'Y') out.codes.set(line.slice(1, tab), line.slice(tab + 1));
    else if (k === 'A') out.aliases.set(line.slice(1, tab), line.slice(tab + 1));
    else if (k === 'S') { const [t, f] = line.slice(tab + 1).split('\t'); out.tfs.set(line.slice(0, tab), [t!, f!]); }
    else if (k === 'V') out.values.set(line.slice(0, tab), line.slice(tab + 1).split('\t'));
  }
  const text = out.text;
  for (let at = 0; at < text.length;) {
    if (text.charCodeAt(at) === 48) {
      out.restarts.push(at);
      out.restartNames.push(text.slice(at + 1, text.indexOf('\t', at)));
    }
    const nl = text.indexOf('\n', at);
    at = nl < 0 ? text.length : nl + 1;
  }
  loaded = out;
  return out;
}

/** Decodes the block starting at restart r: [name, rest of line] pairs. */
function* block(l: Loaded, r: number): Generator<[string, string]> {
  const text = l.text;
  const end = r + 1 < l.restarts.length ? l.restarts[r + 1]! : text.length;
  let prev = '';
  for (let at = l.restarts[r]!; at < end;) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    const tab = text.indexOf('\t', at);
    const name = prev.slice(0, text.charCodeAt(at) - 48) + text.slice(at + 1, tab);
    yield [name, text.slice(tab + 1, nl)];
    prev = name;
    at = nl + 1;
  }
}

function find(l: Loaded, name: string): string | undefined {
  const names = l.restartNames;
  let lo = 0, hi = names.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (names[mid]! <= name) lo = mid;
    else hi = mid - 1;
  }
  if (!names.length || names[lo]! > name) return undefined;
  for (const [n, rest] of block(l, lo)) {
    if (n === name) return rest;
    if (n > name) return undefined;
  }
  return undefined;
}

/** A field or protocol Wireshark knows, or undefined (also when the data file is missing). */
export function wiresharkField(name: string): WiresharkField | undefined {
  const l = load();
  const rest = l ? find(l, name) : undefined;
  if (!l || rest === undefined) return undefined;
  const [code, extra] = rest.split('\t');
  const out: WiresharkField = { name, ftype: l.codes.get(code!) ?? 'FT_NONE' };
  if (extra?.startsWith('S')) out.tfs = l.tfs.get(extra);
  else if (extra === 'V?') out.valuesOmitted = true;
  else if (extra?.startsWith('V')) {
    const items = l.values.get(extra) ?? [];
    const values: Array<[number, number, string]> = [];
    for (let i = 0; i + 1 < items.length; i += 2) {
      const v = items[i]!;
      const m = /^(-?(?:0x)?[0-9a-fA-F]+)-(-?(?:0x)?[0-9a-fA-F]+)$/.exec(v);
      const lo = Number(m ? m[1] : v), hi = Number(m ? m[2] : v);
      if (Number.isFinite(lo) && Number.isFinite(hi)) values.push([lo, hi, items[i + 1]!]);
    }
    out.values = values;
  }
  return out;
}

/** The protocol a deprecated alias stands for (bootp → dhcp), as tshark 4.0 still accepts it. */
export function deprecatedAlias(name: string): string | undefined {
  return load()?.aliases.get(name);
}

/** Every name Wireshark knows that starts with prefix, shortest first, at most limit. */
export function completeWiresharkField(prefix: string, limit: number): WiresharkField[] {
  const l = load();
  if (!l) return [];
  const names = l.restartNames;
  let r = 0;
  while (r + 1 < names.length && names[r + 1]! <= prefix) r++;
  const out: WiresharkField[] = [];
  // matches are contiguous in sorted order: stop after them (bounded work per keystroke)
  scan: for (; r < names.length; r++) {
    for (const [name, rest] of block(l, r)) {
      if (name.startsWith(prefix)) out.push({ name, ftype: l.codes.get(rest.split('\t')[0]!) ?? 'FT_NONE' });
      else if (name > prefix) break scan;
    }
    if (out.length >= 5000) break;
  }
  out.sort((a, b) => a.name.length - b.name.length || (a.name < b.name ? -1 : 1));
  return out.slice(0, limit);
}

/** Our value representation for a Wireshark type. */
export function fieldTypeOf(ftype: string): FieldType {
  if (/^FT_UINT(8|16|24|32|40|48|56|64)$/.test(ftype) || ftype === 'FT_CHAR') return 'uint';
  if (/^FT_INT(8|16|24|32|40|48|56|64)$/.test(ftype)) return 'int';
  switch (ftype) {
    case 'FT_PROTOCOL': return 'protocol';
    case 'FT_NONE': return 'none';
    case 'FT_BOOLEAN': return 'bool';
    case 'FT_FRAMENUM': return 'framenum';
    case 'FT_FLOAT': case 'FT_DOUBLE': case 'FT_IEEE_11073_SFLOAT': case 'FT_IEEE_11073_FLOAT': return 'float';
    case 'FT_RELATIVE_TIME': return 'reltime';
    case 'FT_ABSOLUTE_TIME': return 'abstime';
    case 'FT_STRING': case 'FT_STRINGZ': case 'FT_UINT_STRING': case 'FT_STRINGZPAD': case 'FT_STRINGZTRUNC': return 'string';
    case 'FT_ETHER': return 'ether';
    case 'FT_IPv4': return 'ipv4';
    case 'FT_IPv6': return 'ipv6';
    default: return 'bytes';
  }
}

const FT_NAMES: Record<string, string> = {
  FT_NONE: 'Label', FT_PROTOCOL: 'Protocol', FT_BOOLEAN: 'Boolean', FT_CHAR: 'Character (1 byte)',
  FT_IEEE_11073_SFLOAT: 'IEEE-11073 floating point (16-bit)', FT_IEEE_11073_FLOAT: 'IEEE-11073 Floating point (32-bit)',
  FT_FLOAT: 'Floating point (single-precision)', FT_DOUBLE: 'Floating point (double-precision)',
  FT_ABSOLUTE_TIME: 'Date and time', FT_RELATIVE_TIME: 'Time offset', FT_ETHER: 'Ethernet or other MAC address',
  FT_BYTES: 'Byte sequence', FT_UINT_BYTES: 'Byte sequence', FT_IPv4: 'IPv4 address', FT_IPv6: 'IPv6 address',
  FT_IPXNET: 'IPX network number', FT_FRAMENUM: 'Frame number', FT_GUID: 'Globally Unique Identifier',
  FT_OID: 'ASN.1 object identifier', FT_EUI64: 'EUI64 address', FT_AX25: 'AX.25 address', FT_VINES: 'VINES address',
  FT_REL_OID: 'ASN.1 relative object identifier', FT_SYSTEM_ID: 'OSI System-ID', FT_FCWWN: 'Fibre Channel WWN',
};

/** Wireshark's name of a type, as its messages print it ("Unsigned integer (2 bytes)"). */
export function ftypeName(ftype: string): string {
  const m = /^FT_(U?)INT(\d+)$/.exec(ftype);
  if (m) {
    const n = Number(m[2]) / 8;
    return `${m[1] ? 'Unsigned' : 'Signed'} integer (${n} byte${n === 1 ? '' : 's'})`;
  }
  if (/^FT_STRING/.test(ftype) || ftype === 'FT_UINT_STRING') return 'Character string';
  return FT_NAMES[ftype] ?? ftype;
}

/** Bits of an integer type (FT_UINT16 → 16), or undefined. */
export function ftypeBits(ftype: string): number | undefined {
  const m = /^FT_U?INT(\d+)$/.exec(ftype);
  return m ? Number(m[1]) : ftype === 'FT_CHAR' ? 8 : ftype === 'FT_FRAMENUM' ? 32 : undefined;
}
