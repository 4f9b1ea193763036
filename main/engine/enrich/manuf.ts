// MAC address names as Wireshark shows them ("Cisco-Li_99:ec:a8",
// "Broadcast", "IPv6mcast_16"), from Wireshark's own manuf file (Debian:
// /usr/share/wireshark/manuf, package libwireshark-data, which tshark pulls in)
// and the wka file beside it. Loaded on first use; $XDPSCOPE_MANUF points at
// another copy. Without the file every lookup answers null, and labels show
// plain addresses as tshark does without name resolution.
//
// Kept compact: sorted typed arrays of keys searched by bisection, each key
// pointing into one de-duplicated list of names (the file has ~52k lines).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const DEFAULT_MANUF = '/usr/share/wireshark/manuf';

interface Table {
  /** 24-bit OUIs (entries without a mask), sorted */
  ouiKeys: Uint32Array;
  ouiShort: Uint32Array;
  ouiLong: Uint32Array;
  /** masked 48-bit addresses (entries with a /mask other than 48), sorted; the mask is not part of the key, as in Wireshark 4.0 */
  wkaKeys: Float64Array;
  wkaName: Uint32Array;
  /** whole addresses (Broadcast, ...) */
  exact: Map<number, string>;
  names: string[];
}

function bisect(keys: Uint32Array | Float64Array, k: number): number {
  let lo = 0, hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = keys[mid];
    if (v === k) return mid;
    if (v < k) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

/**
 * Parses manuf/wka text (Wireshark's format: address[/bits] TAB short name [TAB long name]).
 * `fast` false parses every line the general way: the reference the fast path must match.
 */
export function parseManuf(texts: string[], fast = true): Table {
  const names: string[] = [];
  const nameIdx = new Map<string, number>();
  const intern = (s: string): number => {
    let i = nameIdx.get(s);
    if (i === undefined) { i = names.length; names.push(s); nameIdx.set(s, i); }
    return i;
  };
  const oui = new Map<number, [number, number]>();
  const wka = new Map<number, number>();
  const exact = new Map<number, string>();
  const add = (cols: string[], bytes: number, key: number, bitsText: string | undefined): void => {
    const short = cols[1], long = cols[2] ?? cols[1];
    if (bitsText === undefined) {
      if (bytes === 3) oui.set(key / 0x1000000, [intern(short), intern(long)]);
      else if (bytes === 6) exact.set(key, short);
      return;
    }
    const bits = Number(bitsText);
    if (!(bits > 0 && bits <= 48)) return;
    if (bits === 48) { exact.set(key, short); return; }
    wka.set(maskKey(key, bits), intern(short));
  };
  // The general parse of one line (regular expressions, arrays): the reference,
  // used for any line the fast path below does not recognise as plain.
  const general = (raw: string): void => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const cols = line.split('\t').map((c) => c.trim()).filter((c) => c !== '');
    if (cols.length < 2) return;
    const [addr, bitsText] = cols[0].split('/');
    const bytes = addr.split(/[:.-]/).map((h) => parseInt(h, 16));
    if (bytes.length < 3 || bytes.length > 6 || bytes.some((b) => !(b >= 0 && b <= 255))) return;
    let key = 0;
    for (let i = 0; i < 6; i++) key = key * 256 + (bytes[i] ?? 0);
    add(cols, bytes.length, key, bitsText);
  };
  const PAIR = ['', '', ''];
  for (const text of texts) {
    let pos = 0;
    while (pos <= text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const raw = text.slice(pos, end);
      pos = end + 1;
      // Fast path (the ~52k plain lines of Wireshark's file take ~0.3 s the
      // general way, which a UI's first rows waited for): "hh:hh:hh[...][/bits] TAB ...",
      // no comment, no carriage return; anything else goes the general way.
      const tab = raw.indexOf('\t');
      if (!fast || tab <= 0 || raw.indexOf('#') >= 0 || raw.indexOf('\r') >= 0) { general(raw); continue; }
      let key = 0, bytes = 0, digits = 0, byte = 0, i = 0, ok = true, slash = -1;
      for (; i < tab; i++) {
        const c = raw.charCodeAt(i);
        const h = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
        if (h >= 0) {
          if (++digits > 2) { ok = false; break; }
          byte = byte * 16 + h;
        } else if (c === 58 || c === 46 || c === 45 || c === 47) { // : . - /
          if (digits === 0) { ok = false; break; }
          key = key * 256 + byte; bytes++; digits = 0; byte = 0;
          if (c === 47) { slash = i; break; }
        } else { ok = false; break; }
      }
      if (ok && slash < 0) {
        if (digits === 0) ok = false;
        else { key = key * 256 + byte; bytes++; }
      }
      let bitsText: string | undefined;
      if (ok && slash >= 0) {
        bitsText = raw.slice(slash + 1, tab);
        // 1 or 2 decimal digits, nothing else
        if (!/^\d\d?$/.test(bitsText)) ok = false;
      }
      if (!ok || bytes < 3 || bytes > 6) { general(raw); continue; }
      for (let b = bytes; b < 6; b++) key *= 256;
      // the names: "short" or "short TAB long" (both non-empty) without an array; any other shape splits
      const tab2 = raw.indexOf('\t', tab + 1);
      const short = (tab2 < 0 ? raw.slice(tab + 1) : raw.slice(tab + 1, tab2)).trim();
      const long = tab2 < 0 ? short : raw.slice(tab2 + 1).trim();
      if (short !== '' && long !== '' && (tab2 < 0 || raw.indexOf('\t', tab2 + 1) < 0)) {
        PAIR[1] = short; PAIR[2] = long;
        add(PAIR, bytes, key, bitsText);
        continue;
      }
      const cols = [''];
      for (const c of raw.slice(tab + 1).split('\t')) { const t = c.trim(); if (t !== '') cols.push(t); }
      if (cols.length < 2) continue;
      add(cols, bytes, key, bitsText);
    }
  }
  const ouiKeys = Uint32Array.from([...oui.keys()].sort((a, b) => a - b));
  const wkaKeys = Float64Array.from([...wka.keys()].sort((a, b) => a - b));
  return {
    ouiKeys,
    ouiShort: Uint32Array.from(ouiKeys, (k) => (oui.get(k) as [number, number])[0]),
    ouiLong: Uint32Array.from(ouiKeys, (k) => (oui.get(k) as [number, number])[1]),
    wkaKeys,
    wkaName: Uint32Array.from(wkaKeys, (k) => wka.get(k) as number),
    exact,
    names,
  };
}

/** the 48-bit address value with only its top `bits` bits kept */
function maskKey(key: number, bits: number): number {
  const low = 2 ** (48 - bits);
  return Math.floor(key / low) * low;
}

const hex2 = (b: number): string => (b < 16 ? '0' : '') + b.toString(16);

export class MacNames {
  constructor(private readonly t: Table) {}

  /** the parsed tables (macNamesData hands them to other threads) */
  get table(): Table { return this.t; }

  private wka(key: number, bits: number): string | null {
    const i = bisect(this.t.wkaKeys, maskKey(key, bits));
    return i < 0 ? null : this.t.names[this.t.wkaName[i]];
  }

  /**
   * Wireshark 4.0's resolved name of a MAC address (addr_resolv.c
   * eth_addr_resolve): a whole-address name, else a well-known range or
   * vendor prefix followed by the bytes it leaves; null when nothing matches.
   */
  resolve(a: ArrayLike<number>): string | null {
    let key = 0;
    for (let i = 0; i < 6; i++) key = key * 256 + a[i];
    // a capture repeats few addresses: each is looked up once (bounded)
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    if (this.cache.size >= 8192) this.cache.clear();
    const name = this.lookup(a, key);
    this.cache.set(key, name);
    return name;
  }

  private readonly cache = new Map<number, string | null>();

  private lookup(a: ArrayLike<number>, key: number): string | null {
    const ex = this.t.exact.get(key);
    if (ex !== undefined) return ex;
    // ranges narrower than a vendor prefix first, from the longest mask
    for (let m = 7; m >= 0; m--) {
      const n = this.wka(key, m + 40);
      if (n !== null) return `${n}_${hex2(a[5] & (0xff >> m))}`;
    }
    for (let m = 7; m >= 0; m--) {
      const n = this.wka(key, m + 32);
      if (n !== null) return `${n}_${hex2(a[4] & (0xff >> m))}:${hex2(a[5])}`;
    }
    for (let m = 7; m >= 0; m--) {
      const n = this.wka(key, m + 24);
      if (n !== null) return `${n}_${hex2(a[3] & (0xff >> m))}:${hex2(a[4])}:${hex2(a[5])}`;
    }
    const v = this.vendor(a);
    if (v !== null) return `${v}_${hex2(a[3])}:${hex2(a[4])}:${hex2(a[5])}`;
    for (let m = 7; m >= 0; m--) {
      const n = this.wka(key, m + 16);
      if (n !== null) return `${n}_${hex2(a[2] & (0xff >> m))}:${hex2(a[3])}:${hex2(a[4])}:${hex2(a[5])}`;
    }
    for (let m = 7; m >= 0; m--) {
      const n = this.wka(key, m + 8);
      if (n !== null) return `${n}_${hex2(a[1] & (0xff >> m))}:${hex2(a[2])}:${hex2(a[3])}:${hex2(a[4])}:${hex2(a[5])}`;
    }
    for (let m = 7; m > 0; m--) {
      const n = this.wka(key, m);
      if (n !== null) return `${n}_${hex2(a[0] & (0xff >> m))}:${hex2(a[1])}:${hex2(a[2])}:${hex2(a[3])}:${hex2(a[4])}:${hex2(a[5])}`;
    }
    return null;
  }

  private ouiIndex(a: ArrayLike<number>): number {
    // the group bit is no part of a vendor's prefix (the locally administered bit is)
    return bisect(this.t.ouiKeys, (a[0] & 0xfe) * 65536 + a[1] * 256 + a[2]);
  }

  /** The short vendor name of the address's 24-bit OUI ("Cisco-Li"), or null. */
  vendor(a: ArrayLike<number>): string | null {
    const i = this.ouiIndex(a);
    return i < 0 ? null : this.t.names[this.t.ouiShort[i]];
  }

  /** The long vendor name of the exact 24-bit OUI ("Cisco-Linksys, LLC"), as eth.src.oui_resolved (no group bit masking there), or null. */
  vendorLong(a: ArrayLike<number>): string | null {
    const i = bisect(this.t.ouiKeys, a[0] * 65536 + a[1] * 256 + a[2]);
    return i < 0 ? null : this.t.names[this.t.ouiLong[i]];
  }

  get size(): number {
    return this.t.ouiKeys.length + this.t.wkaKeys.length + this.t.exact.size;
  }
}

/** Loads a manuf file (and the wka file beside it, when there is one); null when the manuf file is absent. */
export function loadMacNames(path: string): MacNames | null {
  if (!existsSync(path)) return null;
  const texts = [readFileSync(path, 'utf8')];
  const wka = join(dirname(path), 'wka');
  if (existsSync(wka)) texts.push(readFileSync(wka, 'utf8'));
  return new MacNames(parseManuf(texts));
}

let shared: MacNames | null | undefined;

/** The parsed names in a form that crosses a thread boundary cheaply (typed arrays, one string). */
export interface MacNamesData {
  ouiKeys: Uint32Array;
  ouiShort: Uint32Array;
  ouiLong: Uint32Array;
  wkaKeys: Float64Array;
  wkaName: Uint32Array;
  exact: Array<[number, string]>;
  /** the names, '\n'-separated (a name is one line's column) */
  names: string;
}

/**
 * The process-wide names as data for another thread (null: no manuf file),
 * loading them first if need be: a parallel open's threads each parsed the
 * ~52k-line file, ~0.1 s of CPU apiece on an idle machine (bench/RESULTS.md).
 */
export function macNamesData(): MacNamesData | null {
  const m = macNames();
  if (m === null) return null;
  const t = m.table;
  return { ouiKeys: t.ouiKeys, ouiShort: t.ouiShort, ouiLong: t.ouiLong, wkaKeys: t.wkaKeys, wkaName: t.wkaName, exact: [...t.exact], names: t.names.join('\n') };
}

/** Uses names another thread loaded (macNamesData) as this thread's, instead of loading the file. */
export function useMacNamesData(d: MacNamesData | null): void {
  shared = d === null ? null : new MacNames({
    ouiKeys: d.ouiKeys, ouiShort: d.ouiShort, ouiLong: d.ouiLong, wkaKeys: d.wkaKeys, wkaName: d.wkaName,
    exact: new Map(d.exact), names: d.names.split('\n'),
  });
}

/** The process-wide names ($XDPSCOPE_MANUF or Debian's file), loaded on first call; null without a file. */
export function macNames(): MacNames | null {
  if (shared === undefined) {
    try {
      shared = loadMacNames(process.env.XDPSCOPE_MANUF || DEFAULT_MANUF);
    } catch (e) {
      process.emitWarning(`MAC vendor names unavailable: ${(e as Error).message}`);
      shared = null;
    }
  }
  return shared;
}

/**
 * An address as the eth layer's label shows it: "Name_xx:xx:xx (aa:bb:cc:xx:xx:xx)",
 * "aa:bb:cc:dd:ee:ff (aa:bb:cc:dd:ee:ff)" for an address no name fits (as
 * tshark, whose resolver then answers the address itself), and the plain
 * address without a manuf file (as tshark without name resolution).
 */
export function macLabel(a: ArrayLike<number>, text: string): string {
  const names = macNames();
  return names === null ? text : `${names.resolve(a) ?? text} (${text})`;
}

/** eth.*_resolved: the name, or the plain address without one (as tshark). */
export function macResolved(a: ArrayLike<number>, text: string): string {
  return macNames()?.resolve(a) ?? text;
}

/** address_with_resolution_to_str: "aa:bb:cc:dd:ee:ff (Name_dd:ee:ff)", the plain address when no name fits. */
export function macWithName(a: ArrayLike<number>): string {
  const text = Array.from({ length: 6 }, (_, i) => hex2(a[i])).join(':');
  const name = macNames()?.resolve(a);
  return name ? `${text} (${name})` : text;
}
