// HPACK (RFC 7541): the header compression of HTTP/2. One Decoder per
// direction of a connection (each encoder has its own dynamic table). The
// dynamic table is bounded by the size the peer's SETTINGS allow and never
// above MAX_TABLE whatever a size update says, so a hostile stream cannot
// grow it; every length is checked against the block, nothing throws.

/** The static table (RFC 7541 Appendix A), index 1 first. */
export const STATIC: ReadonlyArray<readonly [string, string]> = [
  [':authority', ''], [':method', 'GET'], [':method', 'POST'], [':path', '/'], [':path', '/index.html'],
  [':scheme', 'http'], [':scheme', 'https'], [':status', '200'], [':status', '204'], [':status', '206'],
  [':status', '304'], [':status', '400'], [':status', '404'], [':status', '500'], ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'], ['accept-language', ''], ['accept-ranges', ''], ['accept', ''],
  ['access-control-allow-origin', ''], ['age', ''], ['allow', ''], ['authorization', ''], ['cache-control', ''],
  ['content-disposition', ''], ['content-encoding', ''], ['content-language', ''], ['content-length', ''],
  ['content-location', ''], ['content-range', ''], ['content-type', ''], ['cookie', ''], ['date', ''], ['etag', ''],
  ['expect', ''], ['expires', ''], ['from', ''], ['host', ''], ['if-match', ''], ['if-modified-since', ''],
  ['if-none-match', ''], ['if-range', ''], ['if-unmodified-since', ''], ['last-modified', ''], ['link', ''],
  ['location', ''], ['max-forwards', ''], ['proxy-authenticate', ''], ['proxy-authorization', ''], ['range', ''],
  ['referer', ''], ['refresh', ''], ['retry-after', ''], ['server', ''], ['set-cookie', ''],
  ['strict-transport-security', ''], ['transfer-encoding', ''], ['user-agent', ''], ['vary', ''], ['via', ''],
  ['www-authenticate', ''],
];

/**
 * Huffman code lengths of symbols 0..256 (RFC 7541 Appendix B; 256 is EOS).
 * The code is canonical: codes are assigned in order of (length, symbol), so
 * the lengths define it.
 */
const LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
];

/**
 * The decoding tree as flat arrays: node n's children are kids[2n] / kids[2n+1];
 * a leaf holds -(symbol+1). Built once from the canonical code.
 */
const kids: Int32Array = (() => {
  const order = LENGTHS.map((l, s) => [l, s]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const tree = new Int32Array(2 * 2 * 257).fill(0);
  let nodes = 1;
  let code = 0, prevLen = order[0][0];
  for (const [len, sym] of order) {
    code <<= len - prevLen;
    prevLen = len;
    let n = 0;
    for (let i = len - 1; i >= 0; i--) {
      const bit = (code >>> i) & 1;
      const slot = 2 * n + bit;
      if (i === 0) tree[slot] = -(sym + 1);
      else {
        if (tree[slot] === 0) tree[slot] = nodes++;
        n = tree[slot];
      }
    }
    code++;
  }
  return tree;
})();

/** Decodes a Huffman string; null when it is invalid (EOS inside, padding longer than 7 bits or not all ones). */
export function huffmanDecode(b: Uint8Array, from: number, to: number): string | null {
  let n = 0, depth = 0, ones = true;
  const out: number[] = [];
  for (let i = from; i < to; i++) {
    const byte = b[i];
    for (let k = 7; k >= 0; k--) {
      const bit = (byte >> k) & 1;
      const next = kids[2 * n + bit];
      depth++;
      ones = ones && bit === 1;
      if (next < 0) {
        const sym = -next - 1;
        if (sym === 256) return null;
        out.push(sym);
        n = 0; depth = 0; ones = true;
      } else n = next;
    }
  }
  if (depth > 7 || !ones) return null;
  return Buffer.from(out).toString('latin1');
}

export type Representation =
  | 'Indexed Header Field'
  | 'Literal Header Field with Incremental Indexing - Indexed Name'
  | 'Literal Header Field with Incremental Indexing - New Name'
  | 'Literal Header Field without Indexing - Indexed Name'
  | 'Literal Header Field without Indexing - New Name'
  | 'Literal Header Field never Indexed - Indexed Name'
  | 'Literal Header Field never Indexed - New Name';

/** One decoded header line, with where its representation sits in the block. */
export interface HeaderLine {
  name: string;
  value: string;
  repr: Representation;
  /** table index for an indexed field or name (0: a new name) */
  index: number;
  start: number;
  len: number;
  /** the name and value were Huffman-coded */
  huffName: boolean;
  huffValue: boolean;
}

export interface SizeUpdate { size: number; start: number; len: number }

/** The most a dynamic table may hold, whatever the peer announces (64 KiB; nghttp2 and browsers use 4 KiB). */
export const MAX_TABLE = 64 * 1024;
/** the most headers decoded from one block (tshark stops after 200 lines too) */
export const MAX_LINES = 1000;

export interface BlockResult {
  headers: HeaderLine[];
  updates: SizeUpdate[];
  /** where decoding stopped: `to`, or the start of a representation cut by the fragment's end (when not final) */
  next: number;
  /** what went wrong, at which offset (the rest of the block is not decoded) */
  error?: { message: string; at: number };
}

export class HpackDecoder {
  /** newest first */
  private table: Array<[string, string]> = [];
  private size = 0;
  /** the current maximum (a size update sets it, up to the limit) */
  private max = 4096;
  /** the limit the decoder's side allows (SETTINGS_HEADER_TABLE_SIZE), capped at MAX_TABLE */
  private limit = 4096;

  /** SETTINGS_HEADER_TABLE_SIZE from the decoding side's peer. */
  setLimit(n: number): void { this.limit = Math.min(n, MAX_TABLE); }

  get tableSize(): number { return this.size; }
  get entries(): number { return this.table.length; }

  private evict(): void {
    while (this.size > this.max && this.table.length > 0) {
      const [n, v] = this.table.pop() as [string, string];
      this.size -= n.length + v.length + 32;
    }
  }

  private insert(name: string, value: string): void {
    const sz = name.length + value.length + 32;
    this.table.unshift([name, value]);
    this.size += sz;
    this.evict();
  }

  private lookup(i: number): [string, string] | undefined {
    if (i >= 1 && i <= STATIC.length) return STATIC[i - 1] as [string, string];
    return this.table[i - STATIC.length - 1];
  }

  /**
   * Decodes the representations of a header block in [from, to) of b. With
   * `final` false the block continues in a later fragment: a representation
   * cut by `to` is left for then (res.next), not an error.
   */
  decode(b: Uint8Array, from: number, to: number, final = true): BlockResult {
    const res: BlockResult = { headers: [], updates: [], next: to };
    let p = from;
    const int = (prefix: number): number => {
      const mask = (1 << prefix) - 1;
      let v = b[p++] & mask;
      if (v < mask) return v;
      let m = 0;
      for (;;) {
        if (p >= to) return -1;
        const c = b[p++];
        v += (c & 0x7f) * 2 ** m;
        m += 7;
        if ((c & 0x80) === 0) return v;
        if (m > 28) return -1;
      }
    };
    /** a string literal; 'cut' when it runs past `to`, null when its Huffman code is invalid */
    const str = (): { s: string; huff: boolean } | null | 'cut' => {
      if (p >= to) return 'cut';
      const huff = (b[p] & 0x80) !== 0;
      const len = int(7);
      if (len < 0 || p + len > to) return 'cut';
      const s = huff ? huffmanDecode(b, p, p + len) : Buffer.from(b.subarray(p, p + len)).toString('latin1');
      p += len;
      return s === null ? null : { s, huff };
    };
    const fail = (message: string, at: number): BlockResult => { res.error = { message, at }; res.next = at; return res; };
    const cut = (message: string, at: number): BlockResult => {
      if (final) return fail(message, at);
      res.next = at;
      return res;
    };
    while (p < to) {
      if (res.headers.length >= MAX_LINES) return fail(`more than ${MAX_LINES} header lines`, p);
      const start = p;
      const c = b[p];
      if (c & 0x80) {
        const i = int(7);
        if (i < 0) return cut('header index cut short', start);
        const e = i === 0 ? undefined : this.lookup(i);
        if (!e) return fail(`header index ${i} is not in the table`, start);
        res.headers.push({ name: e[0], value: e[1], repr: 'Indexed Header Field', index: i, start, len: p - start, huffName: false, huffValue: false });
        continue;
      }
      if ((c & 0xe0) === 0x20) {
        const n = int(5);
        if (n < 0) return cut('table size update cut short', start);
        if (n > this.limit) return fail(`table size update to ${n} exceeds the allowed ${this.limit}`, start);
        this.max = n;
        this.evict();
        res.updates.push({ size: n, start, len: p - start });
        continue;
      }
      const incremental = (c & 0xc0) === 0x40;
      const never = !incremental && (c & 0xf0) === 0x10;
      const i = int(incremental ? 6 : 4);
      if (i < 0) return cut('header index cut short', start);
      let name: string, huffName = false;
      if (i === 0) {
        const s = str();
        if (s === 'cut') return cut('header name cut short', start);
        if (s === null) return fail('header name badly Huffman-coded', start);
        name = s.s; huffName = s.huff;
      } else {
        const e = this.lookup(i);
        if (!e) return fail(`header name index ${i} is not in the table`, start);
        name = e[0];
      }
      const v = str();
      if (v === 'cut') return cut('header value cut short', start);
      if (v === null) return fail('header value badly Huffman-coded', start);
      const kind = incremental ? 'with Incremental Indexing' : never ? 'never Indexed' : 'without Indexing';
      const repr = `Literal Header Field ${kind} - ${i === 0 ? 'New Name' : 'Indexed Name'}` as Representation;
      if (incremental) this.insert(name, v.s);
      res.headers.push({ name, value: v.s, repr, index: i, start, len: p - start, huffName, huffValue: v.huff });
    }
    return res;
  }
}
