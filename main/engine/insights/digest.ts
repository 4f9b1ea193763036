// What the insights read of a dissection, in bytes: a parallel open's
// decoding threads (service/open-rows.ts) digest each packet they dissect,
// and the insights thread rebuilds a Dissection from the digest and the
// packet's bytes, so the detectors and statistics run in file order without
// a second dissection of every packet.
//
// The detectors and statistics read a dissection's packet, its top-level
// layers (names, and the direct children of a few: frame.protocols, gen_ai),
// and fields of d.fields by name. A digest keeps every field, in d.fields
// order, except those of the bulky lower layers (frame, eth, ip, ipv6, tcp,
// udp: ~70 of a TCP packet's ~80 fields), which the facts extractor reads
// from the packet's bytes instead; of those it keeps the few the insights
// read by name (KEEP below). A detector that starts reading another field of
// these layers adds it to KEEP: test/engine/insights/digest.test.ts compares
// the alerts and statistics from digests with those from dissections on
// every shared capture and on crafted attacks.
//
// Layout of one packet (little-endian): u32 field count; per field u32 name
// id (per writer: new names travel with the batch), u8 flags (1 generated,
// 2 a top-level layer), u32 start, u32 len, u8 value tag and the value; then
// per top-level layer its kept direct children as u32 indices into the
// packet's fields, after a u32 count.
import type { Dissection, Field, FieldValue, RawPacket } from '../types';

/** Lower layers whose fields the insights read from the bytes (facts.ts), not by name. */
const BULK = new Set(['frame', 'eth', 'ip', 'ipv6', 'tcp', 'udp']);
/** Fields of the BULK layers the insights do read by name. */
const KEEP = new Set([
  'frame.protocols', 'ip.proto', 'ipv6.nxt', 'ip.dst', 'ipv6.dst', 'udp.srcport', 'udp.dstport', 'udp.length',
]);
const KEEP_PREFIXES = ['ip.geoip.', 'ipv6.geoip.'];

const keepCache = new Map<string, boolean>();

/** Does a digest keep fields named `name`? */
export function digestKeeps(name: string): boolean {
  let k = keepCache.get(name);
  if (k === undefined) {
    const dot = name.indexOf('.');
    k = dot < 0 || !BULK.has(name.slice(0, dot)) || KEEP.has(name) || KEEP_PREFIXES.some((p) => name.startsWith(p));
    keepCache.set(name, k);
  }
  return k;
}

/** The digests of one batch of packets. */
export interface InsightsDigest {
  n: number;
  /** names first used in this batch: the writer's ids continue from its previous batch's */
  names: string[];
  /** the packets' records back to back; packet j's at offs[j] */
  buf: Uint8Array;
  offs: Uint32Array;
}

const T_NULL = 0, T_F64 = 1, T_STR = 2, T_BIGINT = 3, T_TRUE = 4, T_FALSE = 5, T_BYTES = 6, T_I32 = 7;
const F_GENERATED = 1, F_LAYER = 2;

/** Digests packets, batch after batch (its name ids continue across batches). */
export class DigestWriter {
  private readonly ids = new Map<string, number>();
  private names: string[] = [];
  private buf: Buffer;
  private view: DataView;
  private pos = 0;
  private offs = new Uint32Array(0);
  private n = 0;
  /** the packet's kept fields → their index in its digest (children are written by index) */
  private readonly index = new Map<Field, number>();

  constructor(private size = 1 << 16) {
    this.buf = Buffer.from(new ArrayBuffer(size));
    this.view = new DataView(this.buf.buffer);
  }

  /** Starts a batch of `n` packets. */
  begin(n: number): void {
    this.buf = Buffer.from(new ArrayBuffer(this.size));
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
    this.offs = new Uint32Array(n + 1);
    this.n = 0;
    this.names = [];
  }

  private room(k: number): void {
    if (this.pos + k <= this.buf.length) return;
    const next = Buffer.from(new ArrayBuffer(Math.max(this.buf.length * 2, this.pos + k)));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  private u32(v: number): void {
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  private nameId(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) { id = this.ids.size; this.ids.set(name, id); this.names.push(name); }
    return id;
  }

  /** The next packet's digest. */
  add(d: Dissection): void {
    const start = this.pos;
    this.offs[this.n++] = start;
    // every top-level layer is in d.fields, in the tree's order (ctx.layer): one cursor finds them
    if (!this.encode(d, null)) {
      this.pos = start;
      this.encode(d, new Set(d.tree));
    }
  }

  /** false when a layer of the tree was not found in d.fields at the cursor (then again with `top`) */
  private encode(d: Dissection, top: Set<Field> | null): boolean {
    const fields = d.fields, tree = d.tree, index = this.index;
    index.clear();
    this.room(4);
    const countAt = this.pos;
    this.pos += 4;
    let kept = 0, t = 0;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      const layer = top === null ? f === tree[t] : top.has(f);
      if (layer) t++;
      else if (!digestKeeps(f.name)) continue;
      index.set(f, kept++);
      this.room(14);
      this.u32(this.nameId(f.name));
      this.buf[this.pos++] = (f.generated ? F_GENERATED : 0) | (layer ? F_LAYER : 0);
      this.u32(f.start);
      this.u32(f.len);
      this.value(f.value);
    }
    if (top === null && t !== tree.length) return false;
    this.view.setUint32(countAt, kept, true);
    for (const layer of tree) {
      if (!index.has(layer)) continue;
      const cs = layer.children;
      this.room(4);
      const at = this.pos;
      this.pos += 4;
      let k = 0;
      if (cs) {
        for (const c of cs) {
          const x = index.get(c);
          if (x === undefined) continue;
          this.room(4);
          this.u32(x);
          k++;
        }
      }
      this.view.setUint32(at, k, true);
    }
    return true;
  }

  private value(v: FieldValue): void {
    if (typeof v === 'number') {
      if ((v | 0) === v && !Object.is(v, -0)) { this.room(5); this.buf[this.pos++] = T_I32; this.view.setInt32(this.pos, v, true); this.pos += 4; }
      else { this.room(9); this.buf[this.pos++] = T_F64; this.view.setFloat64(this.pos, v, true); this.pos += 8; }
    } else if (typeof v === 'string') {
      this.room(5 + v.length * 3);
      this.buf[this.pos++] = T_STR;
      const at = this.pos;
      this.pos += 4;
      const k = this.buf.write(v, this.pos, 'utf8');
      this.view.setUint32(at, k, true);
      this.pos += k;
    } else if (v === null) {
      this.room(1); this.buf[this.pos++] = T_NULL;
    } else if (typeof v === 'boolean') {
      this.room(1); this.buf[this.pos++] = v ? T_TRUE : T_FALSE;
    } else if (typeof v === 'bigint') {
      const s = v.toString();
      this.room(5 + s.length);
      this.buf[this.pos++] = T_BIGINT;
      this.u32(s.length);
      this.pos += this.buf.write(s, this.pos, 'latin1');
    } else {
      this.room(5 + v.length);
      this.buf[this.pos++] = T_BYTES;
      this.u32(v.length);
      this.buf.set(v, this.pos);
      this.pos += v.length;
    }
  }

  /** The batch's digests (their buffers may be transferred). */
  finish(): InsightsDigest {
    this.offs[this.n] = this.pos;
    this.size = Math.max(this.size, this.pos);
    return { n: this.n, names: this.names, buf: new Uint8Array(this.buf.buffer, 0, this.pos), offs: this.offs };
  }
}

/** The buffers a digest hands over. */
export function digestTransfer(g: InsightsDigest): ArrayBuffer[] {
  return [g.buf.buffer as ArrayBuffer, g.offs.buffer as ArrayBuffer];
}

const NO_SUMMARY = Object.freeze({ number: 0, time: 0, source: '', destination: '', protocol: '', length: 0, info: '' });

/** Rebuilds dissections from one writer's digests, batch after batch. */
export class DigestReader {
  private readonly names: string[] = [];

  /** Takes a batch's new names: call once per batch, in order, before reading its packets. */
  accept(g: InsightsDigest): void {
    for (const n of g.names) this.names.push(n);
  }

  /**
   * Packet j of a batch as the insights see it: its packet, its fields (the
   * kept ones, in d.fields order), its top-level layers with their kept
   * direct children. Summary and expert info are not carried (the insights
   * read neither).
   */
  read(g: InsightsDigest, j: number, packet: RawPacket): Dissection {
    const b = g.buf;
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let pos = g.offs[j];
    const n = view.getUint32(pos, true);
    pos += 4;
    const fields: Field[] = new Array<Field>(n);
    const tree: Field[] = [];
    for (let i = 0; i < n; i++) {
      const name = this.names[view.getUint32(pos, true)];
      const flags = b[pos + 4];
      const start = view.getUint32(pos + 5, true), len = view.getUint32(pos + 9, true);
      const tag = b[pos + 13];
      pos += 14;
      let value: FieldValue;
      switch (tag) {
        case T_I32: value = view.getInt32(pos, true); pos += 4; break;
        case T_F64: value = view.getFloat64(pos, true); pos += 8; break;
        case T_STR: { const k = view.getUint32(pos, true); value = Buffer.from(b.buffer, b.byteOffset + pos + 4, k).toString('utf8'); pos += 4 + k; break; }
        case T_TRUE: value = true; break;
        case T_FALSE: value = false; break;
        case T_BIGINT: { const k = view.getUint32(pos, true); value = BigInt(Buffer.from(b.buffer, b.byteOffset + pos + 4, k).toString('latin1')); pos += 4 + k; break; }
        case T_BYTES: { const k = view.getUint32(pos, true); value = b.slice(pos + 4, pos + 4 + k); pos += 4 + k; break; }
        default: value = null;
      }
      const f: Field = { name, value, start, len };
      if (flags & F_GENERATED) f.generated = true;
      if (flags & F_LAYER) { f.children = []; tree.push(f); }
      fields[i] = f;
    }
    for (const layer of tree) {
      const k = view.getUint32(pos, true);
      pos += 4;
      const cs = layer.children!;
      for (let c = 0; c < k; c++) { cs.push(fields[view.getUint32(pos, true)]); pos += 4; }
    }
    return { packet, tree, fields, summary: NO_SUMMARY, expert: [], malformed: false };
  }
}
