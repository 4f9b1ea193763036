// MAC address names as Wireshark shows them ("Cisco-Li_99:ec:a8",
// "Broadcast", "IPv6mcast_16"), from Wireshark's own manuf file (Debian:
// /usr/share/wireshark/manuf, package libwireshark-data, which tshark pulls in)
// and the wka file beside it. Loaded on first use; $XDPSCOPE_MANUF points at
// another copy. Without the file every lookup answers null, and labels show
// plain addresses as tshark does without name resolution.
//
// Kept compact: sorted typed arrays of keys searched by bisection, each key
// pointing into one de-duplicated list of names (the file has ~52k lines).
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { homedir, tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { ensurePrivateDir, replacePrivateFile, unsafeDirReason } from '../file/private';
import { indexOfSorted } from '../sorted';

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
    const i = indexOfSorted(this.t.wkaKeys, maskKey(key, bits));
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
    return indexOfSorted(this.t.ouiKeys, (a[0] & 0xfe) * 65536 + a[1] * 256 + a[2]);
  }

  /** The short vendor name of the address's 24-bit OUI ("Cisco-Li"), or null. */
  vendor(a: ArrayLike<number>): string | null {
    const i = this.ouiIndex(a);
    return i < 0 ? null : this.t.names[this.t.ouiShort[i]];
  }

  /** The long vendor name of the exact 24-bit OUI ("Cisco-Linksys, LLC"), as eth.src.oui_resolved (no group bit masking there), or null. */
  vendorLong(a: ArrayLike<number>): string | null {
    const i = indexOfSorted(this.t.ouiKeys, a[0] * 65536 + a[1] * 256 + a[2]);
    return i < 0 ? null : this.t.names[this.t.ouiLong[i]];
  }

  get size(): number {
    return this.t.ouiKeys.length + this.t.wkaKeys.length + this.t.exact.size;
  }
}

/**
 * Loads a manuf file (and the wka file beside it, when there is one); null
 * when the manuf file is absent. The parsed table is cached (manufCacheDir):
 * parsing the ~52k lines cost the first Ethernet packet of every process
 * 0.15-0.6 s, reading the cache a few milliseconds.
 */
export function loadMacNames(path: string, cacheDir: string | null = manufCacheDir()): MacNames | null {
  if (!existsSync(path)) return null;
  const wka = join(dirname(path), 'wka');
  const sources = existsSync(wka) ? [path, wka] : [path];
  const cache = cacheDir === null ? null : cachePath(cacheDir, sources);
  // a folder others could write to might hold a planted table: only ours is read
  if (cache !== null && unsafeDirReason(cacheDir!) === null) {
    const t = readCache(cache);
    if (t !== null) return new MacNames(t);
  }
  const table = parseManuf(sources.map((f) => readFileSync(f, 'utf8')));
  if (cache !== null) writeCache(cacheDir!, cache, table);
  return new MacNames(table);
}

/** $XDPSCOPE_CACHE_DIR, else $XDG_CACHE_HOME/xdpscope, else ~/.cache/xdpscope; null: no cache (XDPSCOPE_CACHE_DIR=off). */
export function manufCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.XDPSCOPE_CACHE_DIR === 'off') return null;
  if (env.XDPSCOPE_CACHE_DIR) return env.XDPSCOPE_CACHE_DIR;
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir() || tmpdir(), '.cache');
  return join(base, 'xdpscope');
}

const CACHE_MAGIC = 'xdpscope-manuf-1';
const CACHE_PREFIX = 'manuf-';

/**
 * The cache file of these source files as they are now: manuf-<paths>-<state>.bin,
 * so a changed file (an upgrade) is a new name that replaces the old one,
 * and another copy ($XDPSCOPE_MANUF) keeps a cache of its own.
 */
function cachePath(dir: string, sources: string[]): string | null {
  const h = createHash('sha256').update(CACHE_MAGIC);
  for (const f of sources) {
    const st = statSync(f, { throwIfNoEntry: false });
    if (!st) return null;
    h.update(`\0${f}\0${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`);
  }
  return join(dir, `${pathsPrefix(sources)}${h.digest('hex').slice(0, 24)}.bin`);
}

const pathsPrefix = (sources: string[]): string => `${CACHE_PREFIX}${createHash('sha256').update(sources.join('\0')).digest('hex').slice(0, 12)}-`;

// Layout, all little-endian: magic (16 bytes), SHA-256 of the rest (32), then
// 7 u32 counts (oui, wka, exact, names bytes, 3 zero pads to 8-byte alignment),
// the Float64 arrays (wkaKeys, exact keys), then the Uint32 arrays (ouiKeys,
// ouiShort, ouiLong, wkaName, exact name ids), then the names as UTF-8, '\n'-separated.
const HEAD = 16 + 32;

function serialize(t: Table): Buffer {
  const names = [...t.names];
  const exactKeys = Float64Array.from(t.exact.keys());
  const exactIds = new Uint32Array(exactKeys.length);
  const ids = new Map(names.map((n, i) => [n, i]));
  let k = 0;
  for (const v of t.exact.values()) {
    let id = ids.get(v);
    if (id === undefined) { id = names.length; names.push(v); ids.set(v, id); }
    exactIds[k++] = id;
  }
  const text = Buffer.from(names.join('\n'), 'utf8');
  const counts = new Uint32Array([t.ouiKeys.length, t.wkaKeys.length, exactKeys.length, text.length, 0, 0, 0, 0]);
  const parts: ArrayBufferView[] = [counts, t.wkaKeys, exactKeys, t.ouiKeys, t.ouiShort, t.ouiLong, t.wkaName, exactIds, text];
  const body = Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  const out = Buffer.alloc(HEAD + body.length);
  out.write(CACHE_MAGIC, 0, 'latin1');
  createHash('sha256').update(body).digest().copy(out, 16);
  body.copy(out, HEAD);
  return out;
}

/** The table a cache file holds; null when it is missing or not exactly what serialize() wrote. */
export function readCache(path: string): Table | null {
  let buf: Buffer;
  try { buf = readFileSync(path); } catch { return null; }
  if (buf.length < HEAD + 32 || buf.toString('latin1', 0, 16) !== CACHE_MAGIC) return null;
  const body = buf.subarray(HEAD);
  if (!createHash('sha256').update(body).digest().equals(buf.subarray(16, HEAD))) return null;
  // copied out: the typed arrays need aligned buffers of their own
  const copy = new Uint8Array(body).buffer;
  const [nOui, nWka, nExact, nText] = new Uint32Array(copy, 0, 4);
  let at = 32;
  const take = <T>(make: (b: ArrayBuffer, off: number, n: number) => T, n: number, size: number): T => { const v = make(copy, at, n); at += n * size; return v; };
  if (32 + (nWka + nExact) * 8 + (nOui * 3 + nWka + nExact) * 4 + nText !== body.length) return null;
  const wkaKeys = take((b, o, n) => new Float64Array(b, o, n), nWka, 8);
  const exactKeys = take((b, o, n) => new Float64Array(b, o, n), nExact, 8);
  const ouiKeys = take((b, o, n) => new Uint32Array(b, o, n), nOui, 4);
  const ouiShort = take((b, o, n) => new Uint32Array(b, o, n), nOui, 4);
  const ouiLong = take((b, o, n) => new Uint32Array(b, o, n), nOui, 4);
  const wkaName = take((b, o, n) => new Uint32Array(b, o, n), nWka, 4);
  const exactIds = take((b, o, n) => new Uint32Array(b, o, n), nExact, 4);
  const names = Buffer.from(copy, at, nText).toString('utf8').split('\n');
  for (const ids of [ouiShort, ouiLong, wkaName, exactIds]) for (let i = 0; i < ids.length; i++) if (ids[i]! >= names.length) return null;
  const exact = new Map<number, string>();
  for (let i = 0; i < nExact; i++) exact.set(exactKeys[i]!, names[exactIds[i]!]!);
  return { ouiKeys, ouiShort, ouiLong, wkaKeys, wkaName, exact, names };
}

/** Saves a parsed table for the next process, in place of older caches; a cache that cannot be written is no error. */
function writeCache(dir: string, path: string, t: Table): void {
  try {
    ensurePrivateDir(dir);
    replacePrivateFile(path, serialize(t));
    // the same files' older states
    const mine = basename(path).slice(0, CACHE_PREFIX.length + 13);
    for (const f of readdirSync(dir)) {
      if (f.startsWith(mine) && f.endsWith('.bin') && join(dir, f) !== path) rmSync(join(dir, f), { force: true });
    }
  } catch { /* the next process parses again */ }
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
