// QPACK (RFC 9204): the static table, the dynamic table built from a
// peer's encoder stream, and field sections (HTTP/3 HEADERS payloads)
// decoded into header lines. Bounded: the table's capacity is capped
// whatever the peer announces, a field section yields at most MAX_LINES
// lines, strings are cut at MAX_STRING. Nothing throws: damage is a
// reason string and the lines decoded before it.
import { huffmanDecode, MAX_LINES } from './hpack';

/** RFC 9204 Appendix A */
export const QPACK_STATIC: ReadonlyArray<readonly [string, string]> = [
  [':authority', ''], [':path', '/'], ['age', '0'], ['content-disposition', ''], ['content-length', '0'], ['cookie', ''],
  ['date', ''], ['etag', ''], ['if-modified-since', ''], ['if-none-match', ''], ['last-modified', ''], ['link', ''],
  ['location', ''], ['referer', ''], ['set-cookie', ''], [':method', 'CONNECT'], [':method', 'DELETE'], [':method', 'GET'],
  [':method', 'HEAD'], [':method', 'OPTIONS'], [':method', 'POST'], [':method', 'PUT'], [':scheme', 'http'], [':scheme', 'https'],
  [':status', '103'], [':status', '200'], [':status', '304'], [':status', '404'], [':status', '503'], ['accept', '*/*'],
  ['accept', 'application/dns-message'], ['accept-encoding', 'gzip, deflate, br'], ['accept-ranges', 'bytes'],
  ['access-control-allow-headers', 'cache-control'], ['access-control-allow-headers', 'content-type'],
  ['access-control-allow-origin', '*'], ['cache-control', 'max-age=0'], ['cache-control', 'max-age=2592000'],
  ['cache-control', 'max-age=604800'], ['cache-control', 'no-cache'], ['cache-control', 'no-store'],
  ['cache-control', 'public, max-age=31536000'], ['content-encoding', 'br'], ['content-encoding', 'gzip'],
  ['content-type', 'application/dns-message'], ['content-type', 'application/javascript'], ['content-type', 'application/json'],
  ['content-type', 'application/x-www-form-urlencoded'], ['content-type', 'image/gif'], ['content-type', 'image/jpeg'],
  ['content-type', 'image/png'], ['content-type', 'text/css'], ['content-type', 'text/html; charset=utf-8'],
  ['content-type', 'text/plain'], ['content-type', 'text/plain;charset=utf-8'], ['range', 'bytes=0-'],
  ['strict-transport-security', 'max-age=31536000'], ['strict-transport-security', 'max-age=31536000; includesubdomains'],
  ['strict-transport-security', 'max-age=31536000; includesubdomains; preload'], ['vary', 'accept-encoding'], ['vary', 'origin'],
  ['x-content-type-options', 'nosniff'], ['x-xss-protection', '1; mode=block'], [':status', '100'], [':status', '204'],
  [':status', '206'], [':status', '302'], [':status', '400'], [':status', '403'], [':status', '421'], [':status', '425'],
  [':status', '500'], ['accept-language', ''], ['access-control-allow-credentials', 'FALSE'],
  ['access-control-allow-credentials', 'TRUE'], ['access-control-allow-headers', '*'], ['access-control-allow-methods', 'get'],
  ['access-control-allow-methods', 'get, post, options'], ['access-control-allow-methods', 'options'],
  ['access-control-expose-headers', 'content-length'], ['access-control-request-headers', 'content-type'],
  ['access-control-request-method', 'get'], ['access-control-request-method', 'post'], ['alt-svc', 'clear'],
  ['authorization', ''], ['content-security-policy', "script-src 'none'; object-src 'none'; base-uri 'none'"],
  ['early-data', '1'], ['expect-ct', ''], ['forwarded', ''], ['if-range', ''], ['origin', ''], ['purpose', 'prefetch'],
  ['server', ''], ['timing-allow-origin', '*'], ['upgrade-insecure-requests', '1'], ['user-agent', ''], ['x-forwarded-for', ''],
  ['x-frame-options', 'deny'], ['x-frame-options', 'sameorigin'],
];

/** the most a dynamic table may hold, whatever the peer sets (browsers and nghttp3 use 4–64 KiB) */
export const MAX_CAPACITY = 64 * 1024;
const MAX_STRING = 64 * 1024;

/** A prefixed integer (RFC 7541 §5.1) of `bits` bits at p: [value, next] or null when cut or absurd. */
function prefixed(b: Uint8Array, p: number, end: number, bits: number): [number, number] | null {
  if (p >= end) return null;
  const max = (1 << bits) - 1;
  let v = b[p] & max;
  p++;
  if (v < max) return [v, p];
  for (let shift = 0; ; shift += 7) {
    if (p >= end || shift > 28) return null;
    const c = b[p++];
    v += (c & 0x7f) * 2 ** shift;
    if ((c & 0x80) === 0) return [v, p];
  }
}

/** A string literal whose length has `bits` prefix bits and whose Huffman flag is the bit just above them. */
function str(b: Uint8Array, p: number, end: number, bits: number): [string, number] | null {
  if (p >= end) return null;
  const huff = (b[p] & (1 << bits)) !== 0;
  const n = prefixed(b, p, end, bits);
  if (!n || n[1] + n[0] > end || n[0] > MAX_STRING) return null;
  const s = huff ? huffmanDecode(b, n[1], n[1] + n[0]) : Buffer.from(b.subarray(n[1], n[1] + n[0])).toString('latin1');
  return s === null ? null : [s, n[1] + n[0]];
}

export interface FieldSection {
  headers: Array<[string, string]>;
  /** why decoding stopped early (the headers before it are kept) */
  error?: string;
  /** the section needs encoder-stream inserts not seen yet */
  blocked?: boolean;
}

/** One direction's decoder: the dynamic table its peer's encoder stream builds. */
export class QpackDecoder {
  /** entries by absolute index, oldest first from `dropped` */
  private entries: Array<[string, string]> = [];
  /** absolute index of entries[0] (evicted before it) */
  private dropped = 0;
  private size = 0;
  private capacity = 0;
  /** the decoder's SETTINGS_QPACK_MAX_TABLE_CAPACITY (for the Required Insert Count), as its SETTINGS announce */
  maxCapacity = 0;
  /** encoder stream bytes not yet forming a whole instruction */
  private pending: Uint8Array = new Uint8Array(0);
  error: string | null = null;

  get inserted(): number { return this.dropped + this.entries.length; }

  /** Encoder stream bytes (RFC 9204 §4.3), in stream order. */
  encoderStream(data: Uint8Array): void {
    if (this.error) return;
    let b = data;
    if (this.pending.length) { b = new Uint8Array(this.pending.length + data.length); b.set(this.pending); b.set(data, this.pending.length); }
    let p = 0;
    while (p < b.length) {
      const next = this.instruction(b, p);
      if (next === null) break; // cut: wait for more
      if (next < 0) { this.pending = new Uint8Array(0); return; }
      p = next;
    }
    this.pending = p < b.length && b.length - p <= MAX_STRING * 2 + 16 ? b.slice(p) : new Uint8Array(0);
  }

  /** One instruction at p: where the next starts, null when cut, -1 on damage. */
  private instruction(b: Uint8Array, p: number): number | null {
    const end = b.length;
    const c = b[p];
    if (c & 0x80) {
      // Insert with Name Reference
      const idx = prefixed(b, p, end, 6);
      if (!idx) return null;
      const v = str(b, idx[1], end, 7);
      if (!v) return null;
      const name = c & 0x40 ? QPACK_STATIC[idx[0]]?.[0] : this.relative(idx[0])?.[0];
      if (name === undefined) return this.fail(`encoder stream names entry ${idx[0]}, which does not exist`);
      this.insert(name, v[0]);
      return v[1];
    }
    if (c & 0x40) {
      // Insert with Literal Name
      const n = str(b, p, end, 5);
      if (!n) return null;
      const v = str(b, n[1], end, 7);
      if (!v) return null;
      this.insert(n[0], v[0]);
      return v[1];
    }
    if (c & 0x20) {
      const cap = prefixed(b, p, end, 5);
      if (!cap) return null;
      this.capacity = Math.min(cap[0], MAX_CAPACITY);
      this.evict(0);
      return cap[1];
    }
    const dup = prefixed(b, p, end, 5);
    if (!dup) return null;
    const e = this.relative(dup[0]);
    if (!e) return this.fail(`encoder stream duplicates entry ${dup[0]}, which does not exist`);
    this.insert(e[0], e[1]);
    return dup[1];
  }

  private fail(why: string): number { this.error = why; return -1; }

  /** an entry by index relative to the newest insert (encoder stream) */
  private relative(i: number): [string, string] | undefined {
    return this.absolute(this.inserted - 1 - i);
  }

  private absolute(i: number): [string, string] | undefined {
    return i >= this.dropped ? this.entries[i - this.dropped] : undefined;
  }

  private insert(name: string, value: string): void {
    const size = name.length + value.length + 32;
    this.evict(size);
    if (size > this.capacity) { this.dropped += this.entries.length + 1; this.entries = []; this.size = 0; return; }
    this.entries.push([name, value]);
    this.size += size;
  }

  private evict(room: number): void {
    while (this.entries.length && this.size + room > this.capacity) {
      const [n, v] = this.entries.shift()!;
      this.size -= n.length + v.length + 32;
      this.dropped++;
    }
  }

  /** Decodes a field section (a HEADERS frame's payload). */
  section(b: Uint8Array, from: number, end: number): FieldSection {
    const out: FieldSection = { headers: [] };
    const ric = prefixed(b, from, end, 8);
    if (!ric) return { ...out, error: 'field section prefix cut short' };
    let required = 0;
    if (ric[0] !== 0) {
      // RFC 9204 §4.5.1.1
      const maxEntries = Math.floor((this.maxCapacity || MAX_CAPACITY) / 32);
      const fullRange = 2 * maxEntries;
      if (ric[0] > fullRange) return { ...out, error: `Required Insert Count ${ric[0]} is out of range` };
      const maxValue = this.inserted + maxEntries;
      const maxWrapped = Math.floor(maxValue / fullRange) * fullRange;
      required = maxWrapped + ric[0] - 1;
      if (required > maxValue) required -= fullRange;
    }
    if (required > this.inserted) return { ...out, blocked: true, error: `needs ${required} encoder stream inserts, ${this.inserted} seen` };
    const db = prefixed(b, ric[1], end, 7);
    if (!db) return { ...out, error: 'field section prefix cut short' };
    const base = b[ric[1]] & 0x80 ? required - db[0] - 1 : required + db[0];
    let p = db[1];
    const add = (e: readonly [string, string] | undefined, value?: string): boolean => {
      if (!e) return false;
      out.headers.push([e[0], value ?? e[1]]);
      return true;
    };
    while (p < end && out.headers.length < MAX_LINES) {
      const c = b[p];
      let ok = true;
      if (c & 0x80) {
        const i = prefixed(b, p, end, 6);
        if (!i) return { ...out, error: 'indexed field line cut short' };
        ok = add(c & 0x40 ? QPACK_STATIC[i[0]] : this.absolute(base - 1 - i[0]));
        p = i[1];
      } else if (c & 0x40) {
        const i = prefixed(b, p, end, 4);
        const v = i && str(b, i[1], end, 7);
        if (!i || !v) return { ...out, error: 'literal field line with name reference cut short' };
        ok = add(c & 0x10 ? QPACK_STATIC[i[0]] : this.absolute(base - 1 - i[0]), v[0]);
        p = v[1];
      } else if (c & 0x20) {
        const n = str(b, p, end, 3);
        const v = n && str(b, n[1], end, 7);
        if (!n || !v) return { ...out, error: 'literal field line with literal name cut short' };
        out.headers.push([n[0], v[0]]);
        p = v[1];
      } else if (c & 0x10) {
        const i = prefixed(b, p, end, 4);
        if (!i) return { ...out, error: 'post-base indexed field line cut short' };
        ok = add(this.absolute(base + i[0]));
        p = i[1];
      } else {
        const i = prefixed(b, p, end, 3);
        const v = i && str(b, i[1], end, 7);
        if (!i || !v) return { ...out, error: 'literal field line with post-base name reference cut short' };
        ok = add(this.absolute(base + i[0]), v[0]);
        p = v[1];
      }
      if (!ok) return { ...out, error: 'field line names a table entry that does not exist' };
    }
    return out;
  }
}
