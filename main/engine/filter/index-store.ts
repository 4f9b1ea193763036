// A compact columnar index of decoded fields, so that a loaded capture can be
// re-filtered (the user edits the filter) without decoding a packet again.
//
// Built incrementally with add(d) as the capture loads. For each indexed field
// name it keeps one column of (packet index, value) pairs in typed arrays, in
// packet order; strings and byte values are interned per column. evaluate()
// replays the columns packet by packet into the compiled filter's slots, so a
// filter means exactly the same thing here as on a Dissection.
//
// Memory (documented bound): 8 bytes per indexed field occurrence
// (4 packet index + 4 value; 12 for float/signed columns), 4 bytes per
// protocol-layer occurrence, 4 bytes per packet for the frame number, plus
// interned distinct strings/bytes. With the default field set an Ethernet/
// IPv4/TCP packet costs about 150-200 bytes (1M packets ≈ 150-200 MB) before
// compact(). Total size is capped by `maxBytes` (default 256 MiB): when a
// column would push past it, or has more than `maxDistinct` distinct values,
// or holds values longer than 64 bytes (payloads), that column is dropped and
// filters reading it are reported as not indexable (the caller re-dissects).
import type { Dissection, FieldType, FieldValue } from '../types';
import { getField } from '../fields/registry';
import type { CompiledFilter } from './compile';

/** Fields indexed by default, besides every protocol (presence only). */
export const DEFAULT_INDEXED_FIELDS: readonly string[] = [
  'frame.number', 'frame.len', 'frame.cap_len', 'frame.interface_id',
  'eth.src', 'eth.dst', 'eth.addr', 'eth.type', 'vlan.id', 'vlan.priority', 'vlan.etype', 'sll.pkttype',
  'arp.opcode', 'arp.src.proto_ipv4', 'arp.dst.proto_ipv4', 'arp.src.hw_mac', 'arp.dst.hw_mac',
  'ip.src', 'ip.dst', 'ip.addr', 'ip.proto', 'ip.ttl', 'ip.len', 'ip.id', 'ip.flags.mf', 'ip.flags.df', 'ip.frag_offset', 'ip.dsfield.dscp',
  'ipv6.src', 'ipv6.dst', 'ipv6.addr', 'ipv6.nxt', 'ipv6.hlim', 'ipv6.plen',
  'icmp.type', 'icmp.code', 'icmpv6.type', 'icmpv6.code',
  'tcp.srcport', 'tcp.dstport', 'tcp.port', 'tcp.stream', 'tcp.len', 'tcp.flags', 'tcp.flags.syn', 'tcp.flags.ack',
  'tcp.flags.fin', 'tcp.flags.reset', 'tcp.flags.push', 'tcp.seq', 'tcp.ack', 'tcp.window_size_value', 'tcp.analysis.retransmission',
  'udp.srcport', 'udp.dstport', 'udp.port', 'udp.length', 'udp.stream',
  'dns.qry.name', 'dns.qry.type', 'dns.flags.response', 'dns.flags.rcode', 'dns.a', 'dns.aaaa',
  'http.host', 'http.request.method', 'http.request.uri', 'http.user_agent', 'http.response.code', 'http.content_length', 'http.request', 'http.response',
  'tls.handshake.type', 'tls.handshake.extensions_server_name', 'tls.record.content_type',
  'ip.geoip.src_country_iso', 'ip.geoip.dst_country_iso', 'ip.geoip.country_iso',
];

export interface IndexOptions {
  /** field names to index besides protocol presence ('all': every non-payload field) */
  fields?: readonly string[] | 'all';
  /** memory cap for all columns (bytes) */
  maxBytes?: number;
  /** distinct strings/byte values per column before the column is dropped */
  maxDistinct?: number;
}

const MAX_VALUE_BYTES = 64;

type Enc = 'none' | 'u32' | 'f64' | 'bool' | 'intern';

class Column {
  pkts = new Uint32Array(16);
  u32: Uint32Array | null = null;
  f64: Float64Array | null = null;
  n = 0;
  intern: Map<string, number> | null = null;
  table: FieldValue[] = [];
  internBytes = 0;

  constructor(readonly name: string, readonly type: FieldType, public enc: Enc) {
    if (enc === 'u32' || enc === 'bool' || enc === 'intern') this.u32 = new Uint32Array(16);
    if (enc === 'f64') this.f64 = new Float64Array(16);
    if (enc === 'intern') this.intern = new Map();
  }

  bytes(): number {
    return this.pkts.byteLength + (this.u32?.byteLength ?? 0) + (this.f64?.byteLength ?? 0) + this.internBytes;
  }

  grow(): void {
    const cap = this.pkts.length * 2;
    const p = new Uint32Array(cap); p.set(this.pkts); this.pkts = p;
    if (this.u32) { const u = new Uint32Array(cap); u.set(this.u32); this.u32 = u; }
    if (this.f64) { const f = new Float64Array(cap); f.set(this.f64); this.f64 = f; }
  }

  toF64(): void {
    const f = new Float64Array(this.pkts.length);
    for (let i = 0; i < this.n; i++) f[i] = this.u32![i]!;
    this.f64 = f;
    this.u32 = null;
    this.enc = 'f64';
  }

  trim(): void {
    const n = Math.max(this.n, 1);
    this.pkts = this.pkts.slice(0, n);
    if (this.u32) this.u32 = this.u32.slice(0, n);
    if (this.f64) this.f64 = this.f64.slice(0, n);
  }

  decoder(): (i: number) => FieldValue {
    switch (this.enc) {
      case 'none': return () => null;
      case 'bool': return (i) => this.u32![i] !== 0;
      case 'u32': return (i) => this.u32![i]!;
      case 'f64': return (i) => this.f64![i]!;
      case 'intern': return (i) => this.table[this.u32![i]!]!;
    }
  }
}

function encodingFor(t: FieldType): Enc | null {
  switch (t) {
    case 'protocol': case 'none': return 'none';
    case 'uint': case 'framenum': case 'ipv4': return 'u32';
    case 'int': case 'float': case 'reltime': return 'f64';
    case 'bool': return 'bool';
    case 'string': case 'bytes': case 'ether': case 'ipv6': return 'intern';
    case 'abstime': return null; // ns since the epoch does not fit a double exactly
  }
}

export class FilterIndex {
  private frames = new Uint32Array(1024);
  private count = 0;
  private readonly cols = new Map<string, Column>();
  /** field name → why it is not indexed */
  private readonly dropped = new Map<string, string>();
  private readonly wanted: Set<string> | 'all';
  private readonly maxBytes: number;
  private readonly maxDistinct: number;
  private colBytes = 0;
  private readonly decided = new Map<string, Column | null>();

  constructor(opts: IndexOptions = {}) {
    this.wanted = opts.fields === 'all' ? 'all' : new Set(opts.fields ?? DEFAULT_INDEXED_FIELDS);
    this.maxBytes = opts.maxBytes ?? 256 * 1024 * 1024;
    this.maxDistinct = opts.maxDistinct ?? 1 << 20;
  }

  /** packets added so far */
  get size(): number { return this.count; }

  /** approximate bytes held by the index */
  memoryBytes(): number {
    let b = this.frames.byteLength;
    for (const c of this.cols.values()) b += c.bytes();
    return b;
  }

  add(d: Dissection): void {
    const p = this.count++;
    if (p >= this.frames.length) { const f = new Uint32Array(this.frames.length * 2); f.set(this.frames); this.frames = f; }
    this.frames[p] = d.packet.number;
    const fields = d.fields;
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j]!;
      let col = this.decided.get(f.name);
      if (col === undefined) col = this.decide(f.name);
      if (col === null) continue;
      this.push(col, p, f.value);
    }
  }

  /** Shrinks the columns to their content (call when the capture is fully loaded). */
  compact(): void {
    for (const c of this.cols.values()) c.trim();
    this.frames = this.frames.slice(0, Math.max(this.count, 1));
  }

  /** Why a filter cannot be answered from the index (empty: it can). */
  unindexed(filter: CompiledFilter): string[] {
    const out: string[] = [];
    for (const s of filter.slots) {
      if (s.frameBytes) out.push(`${s.name}: needs the frame bytes`);
      else if (s.lengths) out.push(`${s.name}: needs field lengths`);
      else if (s.layer !== undefined) out.push(`${s.name}#${s.layer}: layer operator`);
      else if (this.dropped.has(s.name)) out.push(`${s.name}: ${this.dropped.get(s.name)}`);
      else if (!this.indexable(s.name, s.type)) out.push(`${s.name}: not indexed`);
    }
    return out;
  }

  /**
   * Frame numbers (ascending) of the packets the filter matches, or null when
   * the filter reads something the index does not hold (see unindexed());
   * the caller then re-dissects.
   */
  evaluate(filter: CompiledFilter): Uint32Array | null {
    if (this.unindexed(filter).length) return null;
    const slots = filter.slots;
    const ns = slots.length;
    const cols: Array<Column | undefined> = slots.map((s) => this.cols.get(s.name));
    const pkts = cols.map((c) => c?.pkts ?? new Uint32Array(0));
    const lens = cols.map((c) => c?.n ?? 0);
    const dec = cols.map((c) => c?.decoder() ?? (() => null));
    const cur = new Array<number>(ns).fill(0);
    const vals: FieldValue[][] = slots.map(() => []);
    const out = new Uint32Array(this.count);
    let k = 0;
    const frames = this.frames;
    for (let p = 0; p < this.count; p++) {
      for (let s = 0; s < ns; s++) {
        const v = vals[s]!;
        v.length = 0;
        const pk = pkts[s]!;
        let i = cur[s]!;
        const n = lens[s]!;
        if (i < n && pk[i] === p) {
          const d = dec[s]!;
          do v.push(d(i++)); while (i < n && pk[i] === p);
          cur[s] = i;
        }
      }
      if (filter.evalValues(vals)) out[k++] = frames[p]!;
    }
    return out.slice(0, k);
  }

  /** Column names and sizes, for diagnostics. */
  stats(): { packets: number; bytes: number; columns: number; dropped: Record<string, string> } {
    return { packets: this.count, bytes: this.memoryBytes(), columns: this.cols.size, dropped: Object.fromEntries(this.dropped) };
  }

  private indexable(name: string, type: FieldType): boolean {
    if (encodingFor(type) === null) return false;
    return type === 'protocol' || type === 'none' || this.wanted === 'all' || this.wanted.has(name);
  }

  private decide(name: string): Column | null {
    const def = getField(name);
    let col: Column | null = null;
    if (def && this.indexable(name, def.type) && !this.dropped.has(name)) {
      col = new Column(name, def.type, encodingFor(def.type)!);
      this.cols.set(name, col);
      this.colBytes += col.bytes();
      if (this.colBytes > this.maxBytes) {
        this.drop(col, `index memory cap (${this.maxBytes} bytes) reached`);
        return null;
      }
    } else if (def && !this.dropped.has(name) && encodingFor(def.type) === null) {
      this.dropped.set(name, `${def.type} fields are not indexed`);
    }
    this.decided.set(name, col);
    return col;
  }

  private drop(col: Column, why: string): void {
    this.colBytes -= col.bytes();
    this.cols.delete(col.name);
    this.dropped.set(col.name, why);
    this.decided.set(col.name, null);
  }

  private push(col: Column, p: number, value: FieldValue): void {
    const i = col.n;
    if (i >= col.pkts.length) {
      const before = col.bytes();
      col.grow();
      this.colBytes += col.bytes() - before;
      if (this.colBytes > this.maxBytes) return this.drop(col, `index memory cap (${this.maxBytes} bytes) reached`);
    }
    switch (col.enc) {
      case 'none': break;
      case 'bool': col.u32![i] = value ? 1 : 0; break;
      case 'u32':
        if (typeof value === 'number' && value >= 0 && value <= 0xffffffff && Number.isInteger(value)) col.u32![i] = value;
        else if (typeof value === 'number') { col.toF64(); col.f64![i] = value; }
        else return this.drop(col, 'values beyond 2^53');
        break;
      case 'f64':
        if (typeof value !== 'number') return this.drop(col, 'values beyond 2^53');
        col.f64![i] = value;
        break;
      case 'intern': {
        let key: string;
        let stored: FieldValue = value;
        if (typeof value === 'string') {
          if (value.length > 256) return this.drop(col, 'long strings');
          key = value;
        } else if (value instanceof Uint8Array) {
          if (value.length > MAX_VALUE_BYTES) return this.drop(col, 'long byte values (payloads)');
          key = Buffer.from(value.buffer, value.byteOffset, value.length).toString('latin1');
          stored = null;
        } else {
          return this.drop(col, 'unexpected value type');
        }
        let id = col.intern!.get(key);
        if (id === undefined) {
          if (col.table.length >= this.maxDistinct) return this.drop(col, `more than ${this.maxDistinct} distinct values`);
          id = col.table.length;
          // copy: byte values are views into the packet's buffer
          col.table.push(stored ?? Uint8Array.from(value as Uint8Array));
          col.intern!.set(key, id);
          const cost = key.length * 2 + 64;
          col.internBytes += cost;
          this.colBytes += cost;
        }
        col.u32![i] = id;
        break;
      }
    }
    col.pkts[i] = p;
    col.n = i + 1;
  }
}
