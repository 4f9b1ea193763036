// tshark's `-T fields` output: one line per packet, the chosen fields in
// order, several occurrences joined with the aggregator (occurrence=a), or
// only the first/last (occurrence=f/l).
import type { Dissection, Field, RawPacket } from '../types';
import { escapeString, fastEpoch, formatValue, formatterFor } from '../dissect/format';
import { hexWidth } from '../dissect/fields';
import { getField } from '../fields/registry';
import { epochText } from '../file/time';
import type { OutputBuffer } from './writer';
import { protocolText } from '../dissect/labels';
import { columnOf, columnText, type ColumnTitle } from './text';

export interface FieldsOptions {
  fields: string[];
  header: boolean;
  separator: string;
  /** 'a' all, 'f' first, 'l' last */
  occurrence: 'a' | 'f' | 'l';
  aggregator: string;
  /** 'n' none, 'd' double, 's' single */
  quote: 'n' | 'd' | 's';
  /** _ws.col.Time with 9 decimals rather than 6 (a nanosecond capture) */
  nano?: boolean;
}

export const defaultFieldsOptions = (fields: string[]): FieldsOptions => ({
  fields, header: false, separator: '\t', occurrence: 'a', aggregator: ',', quote: 'n',
});

/** frame.time_epoch as tshark prints it; raw pcap fields when the record has them (damaged fractions). */
export function epoch(p: RawPacket): string {
  if (p.tsSec === undefined && p.tsNs !== null) return fastEpoch(p.tsNs);
  return epochText(p);
}

export class FieldsFormatter {
  /** field name → its column(s) */
  private readonly index = new Map<string, number[]>();
  private readonly format: Array<(f: Field) => string>;
  /** columns of protocol items (tshark prints their tree line) */
  private readonly proto: boolean[];
  private readonly vals: string[];
  private readonly seen: boolean[];
  /** columns that print one of tshark's default columns (_ws.col.Info …) */
  private readonly column: Array<ColumnTitle | null>;
  /** seps[i]: i separators; tail[i]: i separators and the newline */
  private readonly seps: string[];
  private readonly tail: string[];

  constructor(private readonly o: FieldsOptions) {
    // a field named twice prints in its last column only, the others stay empty (as tshark 4.0)
    o.fields.forEach((f, i) => { this.index.set(f, [i]); });
    this.format = o.fields.map((f) => (f === 'frame.time_epoch' ? formatValue : formatterFor(f)));
    this.proto = o.fields.map((f) => getField(f)?.type === 'protocol');
    this.vals = o.fields.map(() => '');
    this.seen = o.fields.map(() => false);
    this.column = o.fields.map((f, i) => (o.fields.lastIndexOf(f) === i ? columnOf(f) : null));
    this.seps = o.fields.map((_, i) => o.separator.repeat(i));
    this.tail = this.seps.map((x) => x + '\n');
  }

  header(): string {
    return this.o.fields.map((f) => this.quote(f)).join(this.o.separator) + '\n';
  }

  private quote(s: string): string {
    if (this.o.quote === 'd') return `"${s}"`;
    if (this.o.quote === 's') return `'${s}'`;
    return s;
  }

  line(d: Dissection): string {
    const vals = this.vals, seen = this.seen, fmt = this.format;
    const n = vals.length;
    for (let k = 0; k < n; k++) { vals[k] = ''; seen[k] = false; }
    const idx = this.index;
    const occ = this.o.occurrence, agg = this.o.aggregator;
    const fields: Field[] = d.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      const at = idx.get(f.name);
      if (at === undefined) continue;
      for (let j = 0; j < at.length; j++) {
        const k = at[j];
        if (occ === 'f' && seen[k]) continue;
        // the raw record fields, for damaged pcap timestamps tshark prints as-is
        const text = f.name === 'frame.time_epoch' ? epoch(d.packet) : this.proto[k] ? protocolText(f, d) : fmt[k](f);
        vals[k] = seen[k] && occ === 'a' ? vals[k] + agg + text : text;
        seen[k] = true;
      }
    }
    for (let k = 0; k < n; k++) {
      const col = this.column[k];
      if (col !== null) { vals[k] = columnText(d, col, this.o.nano === true); seen[k] = true; }
    }
    if (this.o.quote !== 'n') for (let k = 0; k < n; k++) if (seen[k]) vals[k] = this.quote(vals[k]);
    // most columns are empty: join the present ones with precomputed runs of separators
    const seps = this.seps;
    let out = seen[0] ? vals[0] : '';
    let last = 0;
    for (let k = 1; k < n; k++) {
      if (!seen[k]) continue;
      out += seps[k - last] + vals[k];
      last = k;
    }
    return out + this.tail[n - 1 - last];
  }
}

// --- byte output: the -T fields hot path writes values straight into the
// output buffer (no per-value strings, no line string to encode) ---

const K_GENERIC = 0, K_UINT = 1, K_IPV4 = 2, K_ETHER = 3, K_HEX = 4, K_BOOL = 5, K_STRING = 6, K_PROTOCOLS = 7, K_EPOCH = 8, K_PROTO_ITEM = 9, K_IPV6 = 10;

const HEXC = Buffer.from('0123456789abcdef', 'latin1');
/** room for any one value the writer's inline cases write (an IPv6 address: 45 bytes; a uint: 16; a hex number: 2 + its width) */
const FIXED = 48;

/** Writes a non-negative safe integer as decimal digits; returns the new position. */
function putUint(buf: Buffer, pos: number, v: number): number {
  if (v < 10) { buf[pos] = 48 + v; return pos + 1; }
  if (v > 0x7fffffff) {
    // beyond int32: double division (exact for safe integers)
    let len = 1;
    for (let n = v; n >= 10; n = Math.floor(n / 10)) len++;
    let at = pos + len;
    for (let n = v; at > pos; n = Math.floor(n / 10)) buf[--at] = 48 + (n % 10);
    return pos + len;
  }
  const len = v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
  let n = v | 0;
  for (let at = pos + len - 1; at >= pos; at--) {
    const q = (n / 10) | 0;
    buf[at] = 48 + n - q * 10;
    n = q;
  }
  return pos + len;
}

/** Writes an IPv4 address (a uint32) in dotted decimal; returns the new position. */
function putIpv4(buf: Buffer, pos: number, v: number): number {
  // digits by arithmetic: no table reads
  for (let s = 24; s >= 0; s -= 8) {
    const o = (v >>> s) & 255;
    if (o >= 100) { const h = (o * 41) >> 12; buf[pos++] = 48 + h; const r = o - h * 100, t = (r * 205) >> 11; buf[pos++] = 48 + t; buf[pos++] = 48 + r - t * 10; }
    else if (o >= 10) { const t = (o * 205) >> 11; buf[pos++] = 48 + t; buf[pos++] = 48 + o - t * 10; }
    else buf[pos++] = 48 + o;
    if (s) buf[pos++] = 46;
  }
  return pos;
}

/** Writes 0x and the uint32's hex digits, zero-padded to w digits (w ≤ FIXED − 2); returns the new position. */
function putHex(buf: Buffer, pos: number, v: number, w: number): number {
  const x = v >>> 0;
  let digits = 1;
  while (digits < 8 && x >>> (digits * 4) !== 0) digits++;
  const len = Math.max(w, digits);
  buf[pos++] = 48; buf[pos++] = 120;
  for (let i = len - 1; i >= 0; i--) buf[pos++] = i >= 8 ? 48 : HEXC[(x >>> (i * 4)) & 15];
  return pos;
}

const MAPPED = Buffer.from('::ffff:', 'latin1');

/**
 * Writes a 16-byte IPv6 address as ipv6ToString (dissect/addr.ts) spells it
 * — the longest run of two or more zero groups as "::", ::ffff:a.b.c.d for
 * IPv4-mapped — without building the string; returns the new position.
 */
export function putIpv6(buf: Buffer, pos: number, b: Uint8Array): number {
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (b[2 * i] !== 0 || b[2 * i + 1] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && b[2 * j] === 0 && b[2 * j + 1] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestStart === 0 && bestLen === 5 && b[10] === 0xff && b[11] === 0xff) {
    for (let i = 0; i < MAPPED.length; i++) buf[pos++] = MAPPED[i];
    for (let i = 12; i < 16; i++) {
      pos = putUint(buf, pos, b[i]);
      if (i < 15) buf[pos++] = 46;
    }
    return pos;
  }
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      buf[pos++] = 58;
      if (i === 0) buf[pos++] = 58;
      i += bestLen - 1;
      continue;
    }
    const v = (b[2 * i] << 8) | b[2 * i + 1];
    // hex without leading zeros
    if (v >= 0x1000) buf[pos++] = HEXC[v >> 12];
    if (v >= 0x100) buf[pos++] = HEXC[(v >> 8) & 15];
    if (v >= 0x10) buf[pos++] = HEXC[(v >> 4) & 15];
    buf[pos++] = HEXC[v & 15];
    if (i < 7) buf[pos++] = 58;
  }
  return pos;
}

/** Writes text; ASCII by a byte loop (cheaper than a native call for short values), the rest as utf8. */
function putText(out: OutputBuffer, slack: number, s: string): void {
  const n = s.length;
  const buf = out.room(n * 3 + slack);
  let pos = out.pos;
  if (n <= 64) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[pos + i] = c;
    }
    if (i === n) { out.pos = pos + n; return; }
  }
  pos += buf.write(s, pos, 'utf8');
  out.pos = pos;
}

export class FieldsByteWriter {
  /** field name → its column (a name given twice: the last) */
  private readonly index = new Map<string, number>();
  private readonly kind: number[];
  private readonly hexW: number[];
  private readonly fmt: Array<(f: Field) => string>;
  // Per column, the packet's occurrences as a chain of indexes into d.fields: head[k], then
  // next[i] until -1; a column is empty unless stamp[k] is this packet's gen. Typed arrays, no
  // clearing per packet: the field objects are not stored anywhere until they are printed.
  private readonly stamp: Int32Array;
  private readonly head: Int32Array;
  private readonly tailOf: Int32Array;
  private next = new Int32Array(256);
  private gen = 0;
  private readonly n: number;
  /** some column prints one of tshark's default columns */
  private readonly anyColumn: boolean;
  private readonly sep: Buffer;
  private readonly agg: Buffer;
  private readonly quote: number;
  private readonly occ: 'a' | 'f' | 'l';
  /** columns that print one of tshark's default columns (_ws.col.Info …) */
  private readonly column: Array<ColumnTitle | null>;
  private readonly nano: boolean;
  /** bytes a line needs besides its values: separators, quotes, the newline */
  private readonly slack: number;
  // frame.time_epoch: the seconds' digits are reused while packets stay within one second
  private secStart = -1n;
  private secDigits = Buffer.alloc(0);

  constructor(o: FieldsOptions) {
    // a field named twice prints in its last column only, the others stay empty (as tshark 4.0)
    o.fields.forEach((f, i) => { this.index.set(f, i); });
    this.fmt = o.fields.map((f) => (f === 'frame.time_epoch' ? formatValue : formatterFor(f)));
    this.hexW = o.fields.map((f) => hexWidth(f));
    this.kind = o.fields.map((f, i) => {
      if (f === 'frame.time_epoch') return K_EPOCH;
      if (f === 'frame.protocols') return K_PROTOCOLS;
      const t = getField(f)?.type;
      if (t === 'protocol') return K_PROTO_ITEM;
      if (t === 'ipv4') return K_IPV4;
      if (t === 'ether') return K_ETHER;
      if (t === 'ipv6') return K_IPV6;
      if (t === 'string') return K_STRING;
      if (t === 'abstime') return K_GENERIC;
      if (this.hexW[i]) return K_HEX;
      if (t === 'uint' || t === 'int' || t === 'framenum') return K_UINT;
      if (t === 'bool') return K_BOOL;
      return K_GENERIC;
    });
    this.n = o.fields.length;
    this.stamp = new Int32Array(this.n);
    this.head = new Int32Array(this.n);
    this.tailOf = new Int32Array(this.n);
    this.sep = Buffer.from(o.separator, 'utf8');
    this.agg = Buffer.from(o.aggregator, 'utf8');
    this.quote = o.quote === 'd' ? 0x22 : o.quote === 's' ? 0x27 : 0;
    this.occ = o.occurrence;
    this.column = o.fields.map((f, i) => (o.fields.lastIndexOf(f) === i ? columnOf(f) : null));
    this.anyColumn = this.column.some((c) => c !== null);
    this.nano = o.nano === true;
    this.slack = o.fields.length * (this.sep.length + 2) + 8;
  }

  /** frame.protocols text → its bytes */
  private readonly protoBytes = new Map<string, Buffer>();
  private lastProto = '';
  private lastProtoBytes: Buffer | undefined = undefined;
  /** columns by field slot (see bindSlots) */
  /** by field slot: its column, -1 for none */
  private slotCol: Int32Array | null = null;

  /**
   * Reads fields' columns from their slot (FieldNode.slot) instead of looking their
   * names up: `names` is the Dissector's wantedNames(), and only that
   * Dissector's packets may be written afterwards.
   */
  bindSlots(names: string[] | null): this {
    this.slotCol = names === null ? null : Int32Array.from(names, (n) => this.index.get(n) ?? -1);
    return this;
  }

  /** Appends the packet's line to out (same text as FieldsFormatter.line). */
  write(d: Dissection, out: OutputBuffer): void {
    const idx = this.index, occ = this.occ;
    const n = this.n;
    const stamp = this.stamp, head = this.head, tailOf = this.tailOf;
    let g = this.gen + 1;
    if (g > 0x3fffffff) { stamp.fill(0); g = 1; }
    this.gen = g;
    const fields: Field[] = d.fields;
    let next = this.next;
    if (next.length < fields.length) next = this.next = new Int32Array(fields.length * 2);
    const slotCol = this.slotCol;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      const slot = (f as Field & { slot?: number }).slot;
      let k: number | undefined;
      // field-subset mode: the column by the field's slot, without looking its name up
      if (slotCol !== null && slot !== undefined && slot >= 0) k = slotCol[slot];
      else if (slot === -2) continue;
      else k = idx.get(f.name);
      if (k === undefined || k < 0) continue;
      if (stamp[k] !== g) { stamp[k] = g; head[k] = i; tailOf[k] = i; next[i] = -1; }
      else if (occ === 'a') { next[tailOf[k]] = i; tailOf[k] = i; next[i] = -1; }
      else if (occ === 'l') { head[k] = i; next[i] = -1; }
    }
    const sep = this.sep, agg = this.agg, q = this.quote;
    const sep1 = sep.length === 1 ? sep[0] : -1;
    const cols = this.anyColumn ? this.column : null;
    const kind = this.kind, slack = this.slack;
    // Separators, quotes and the fixed-width values (numbers, addresses: at most FIXED bytes each)
    // are written through locals, with one bounds check per value instead of a room() call; the
    // rest goes through value(), with out.pos synced around it.
    let buf = out.room(slack + FIXED);
    let pos = out.pos;
    for (let k = 0; k < n; k++) {
      if (k > 0) {
        if (sep1 >= 0) buf[pos++] = sep1;
        else { sep.copy(buf, pos); pos += sep.length; }
      }
      const col = cols === null ? null : cols[k];
      if (col !== null) {
        if (q) buf[pos++] = q;
        out.pos = pos;
        putText(out, slack, columnText(d, col, this.nano));
        buf = out.buf;
        pos = out.pos;
        if (q) buf[pos++] = q;
        continue;
      }
      if (stamp[k] !== g) continue;
      if (q) buf[pos++] = q;
      const first = head[k];
      const kk = kind[k];
      for (let j = first; j !== -1; j = next[j]) {
        if (pos + slack + FIXED > buf.length) { out.pos = pos; buf = out.room(slack + FIXED); pos = out.pos; }
        if (j !== first) {
          if (agg.length === 1) buf[pos++] = agg[0];
          else { out.pos = pos; out.room(agg.length + slack + FIXED); agg.copy(out.buf, out.pos); buf = out.buf; pos = out.pos + agg.length; }
        }
        const f = fields[j];
        const v = f.value;
        if (kk === K_UINT) {
          if (typeof v === 'number' && v >= 0 && v <= Number.MAX_SAFE_INTEGER && Number.isInteger(v)) { pos = putUint(buf, pos, v); continue; }
        } else if (kk === K_ETHER) {
          if (v instanceof Uint8Array && v.length === 6) {
            // hex digits by arithmetic (a nibble above 9 gets 39 more: 'a' − '0' − 10), no table reads
            for (let i = 0; i < 6; i++) {
              if (i) buf[pos++] = 58;
              const hi = v[i] >> 4, lo = v[i] & 15;
              buf[pos++] = 48 + hi + (((9 - hi) >> 31) & 39);
              buf[pos++] = 48 + lo + (((9 - lo) >> 31) & 39);
            }
            continue;
          }
        } else if (kk === K_IPV4) {
          if (typeof v === 'number') { pos = putIpv4(buf, pos, v); continue; }
        } else if (kk === K_HEX) {
          if (typeof v === 'number' && this.hexW[k] <= FIXED - 2) { pos = putHex(buf, pos, v, this.hexW[k]); continue; }
        } else if (kk === K_IPV6) {
          if (v instanceof Uint8Array && v.length === 16) { pos = putIpv6(buf, pos, v); continue; }
        } else if (kk === K_BOOL) {
          if (typeof v === 'boolean') { buf[pos++] = v ? 49 : 48; continue; }
        }
        out.pos = pos;
        this.value(out, k, f, d);
        buf = out.buf;
        pos = out.pos;
      }
      if (q) buf[pos++] = q;
    }
    buf[pos++] = 10;
    out.pos = pos;
  }

  private value(out: OutputBuffer, k: number, f: Field, d: Dissection): void {
    const v = f.value;
    switch (this.kind[k]) {
      // frame.time_epoch prints from the raw record (damaged pcap fractions); only its own column holds it
      case K_EPOCH: this.epoch(out, d.packet); return;
      // a protocol item: its tree line, name or bytes, as tshark (read from the whole packet: rare, not the hot path)
      case K_PROTO_ITEM: putText(out, this.slack, protocolText(f, d)); return;
      // (numbers, addresses and booleans are written inline by write(); what reaches here takes the generic path)
      case K_PROTOCOLS:
        if (typeof v === 'string') {
          // the same few protocol stacks repeat (consecutive packets often share one): their bytes are kept
          let b = v === this.lastProto ? this.lastProtoBytes : this.protoBytes.get(v);
          if (b === undefined) {
            if (this.protoBytes.size >= 1024) this.protoBytes.clear();
            b = Buffer.from(v, 'utf8');
            this.protoBytes.set(v, b);
          }
          this.lastProto = v; this.lastProtoBytes = b;
          const buf = out.room(b.length + this.slack);
          // (a byte loop: TypedArray.set was 1.6% of a 24-column read for stacks of 20-40 bytes, a call into C++ each)
          if (b.length > 128) { buf.set(b, out.pos); out.pos += b.length; return; }
          let pos = out.pos;
          for (let i = 0; i < b.length; i++) buf[pos++] = b[i];
          out.pos = pos;
          return;
        }
        break;
      case K_STRING:
        if (typeof v === 'string') { putText(out, this.slack, escapeString(v)); return; }
        break;
    }
    putText(out, this.slack, this.fmt[k](f));
  }

  private epoch(out: OutputBuffer, p: RawPacket): void {
    const ns = p.tsNs;
    if (p.tsSec !== undefined || ns === null || ns < 0n) { putText(out, this.slack, epoch(p)); return; }
    // one bigint subtraction per packet; the range checks are done on the number
    let off = Number(ns - this.secStart);
    if (this.secStart < 0n || off < 0 || off >= 1_000_000_000) {
      this.secStart = ns - (ns % 1_000_000_000n);
      this.secDigits = Buffer.from(String(this.secStart / 1_000_000_000n), 'latin1');
      off = Number(ns - this.secStart);
    }
    const sd = this.secDigits;
    const buf = out.room(sd.length + 10 + this.slack);
    let pos = out.pos;
    for (let i = 0; i < sd.length; i++) buf[pos++] = sd[i];
    buf[pos++] = 46;
    // off < 1e9 fits an int32: integer division, not a double's % and floor
    let frac = off | 0;
    for (let i = pos + 8; i >= pos; i--) { const q = (frac / 10) | 0; buf[i] = 48 + frac - q * 10; frac = q; }
    out.pos = pos + 9;
  }
}
