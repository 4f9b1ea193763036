// What the insights read of a dissection, compactly: a parallel open's
// decoding threads (service/open-rows.ts) digest each packet they dissect,
// and the insights thread rebuilds a Dissection from the digest and the
// packet's bytes, so the detectors and statistics run in file order without
// a second dissection of every packet.
//
// The detectors and statistics read a dissection's packet, its top-level
// layers (names, and the direct children of a few: frame.protocols, gen_ai),
// and fields of d.fields by name. A digest keeps every field, in d.fields
// order, except those of the bulky lower layers (frame, eth, ip, ipv6, tcp,
// udp: ~70 of a TCP packet's ~90 fields) and of our own annotations
// (xdpscope, _ws), which the facts extractor reads from the packet's bytes or
// nobody reads; of those it keeps the few the insights read by name (KEEP
// below). A detector that starts reading another field of these layers adds
// it to KEEP: test/engine/insights/digest.test.ts compares the alerts and
// statistics from digests with those from dissections on every shared
// capture and on crafted attacks.
//
// Layout: per packet, in `ints`, the kept field count, then per field its
// name id (per writer: new names travel with the batch), flags and value tag
// (flags | tag << 8), start, len and the value's slot (an int32 itself, or an
// index into `nums`, `strs`, or an offset into `bytes` followed by a length);
// then per top-level layer the count of its kept direct children and their
// indices among the packet's fields.
import type { Dissection, Field, FieldValue, RawPacket } from '../types';
import { FieldIds, NO_ID } from '../fields/ids';

/** Layers whose fields the insights read from the bytes (facts.ts), or not at all, bar KEEP. */
const BULK = new Set(['frame', 'eth', 'ip', 'ipv6', 'tcp', 'udp', 'xdpscope', '_ws']);
/** Fields of the BULK layers the insights do read by name. */
const KEEP = new Set([
  'frame.protocols', 'ip.proto', 'ipv6.nxt', 'ip.dst', 'ipv6.dst', 'udp.srcport', 'udp.dstport', 'udp.length',
  'ip.geoip.src_country_iso', 'ipv6.geoip.src_country_iso', 'ip.geoip.dst_country_iso', 'ipv6.geoip.dst_country_iso',
  'ip.geoip.src_asnum', 'ipv6.geoip.src_asnum', 'ip.geoip.dst_asnum', 'ipv6.geoip.dst_asnum',
]);

const keepCache = new Map<string, boolean>();

/** Does a digest keep fields named `name`? (top-level layers are always kept) */
export function digestKeeps(name: string): boolean {
  let k = keepCache.get(name);
  if (k === undefined) {
    const dot = name.indexOf('.');
    // a name without a dot is a protocol (a layer nested in another: ICMP quoting an IP header)
    k = dot < 0 || !BULK.has(name.slice(0, dot)) || KEEP.has(name);
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
  ints: Int32Array;
  offs: Uint32Array;
  nums: Float64Array;
  strs: string[];
  bytes: Uint8Array;
}

const T_NULL = 0, T_F64 = 1, T_STR = 2, T_BIGINT = 3, T_TRUE = 4, T_FALSE = 5, T_BYTES = 6, T_I32 = 7;
const F_GENERATED = 1, F_LAYER = 2;

/** Digests packets, batch after batch (its name ids continue across batches). */
export class DigestWriter {
  private readonly ids = new Map<string, number>();
  private names: string[] = [];
  private ints: Int32Array;
  private pos = 0;
  private nums: Float64Array;
  private nNums = 0;
  private strs: string[] = [];
  private bytes: Uint8Array;
  private nBytes = 0;
  private offs = new Uint32Array(0);
  private n = 0;
  /** per field of the packet: its index among the kept ones, -1 when dropped */
  private kept = new Int32Array(256);
  /** fields positions of the packet's top-level layers */
  private layerAt = new Int32Array(16);
  /** per field id (fields/ids.ts): 0 not seen yet, -1 not kept, k + 1 kept under this writer's name id k */
  private byId = new Int32Array(1024);
  private ownIds: FieldIds | null = null;

  constructor(private size = 1 << 14) {
    this.ints = new Int32Array(size);
    this.nums = new Float64Array(256);
    this.bytes = new Uint8Array(1024);
  }

  /** Starts a batch of `n` packets. */
  begin(n: number): void {
    this.ints = new Int32Array(this.size);
    this.pos = 0;
    this.nums = new Float64Array(Math.max(256, this.nums.length));
    this.nNums = 0;
    this.strs = [];
    this.bytes = new Uint8Array(Math.max(1024, this.bytes.length));
    this.nBytes = 0;
    this.offs = new Uint32Array(n + 1);
    this.n = 0;
    this.names = [];
  }

  private room(k: number): Int32Array {
    if (this.pos + k > this.ints.length) {
      const next = new Int32Array(Math.max(this.ints.length * 2, this.pos + k));
      next.set(this.ints.subarray(0, this.pos));
      this.ints = next;
    }
    return this.ints;
  }

  private nameId(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) { id = this.ids.size; this.ids.set(name, id); this.names.push(name); }
    return id;
  }

  /** A field's name id in this writer if a digest keeps it, else -1 (decided once per field id). */
  private keptId(id: number, name: string): number {
    if (id === NO_ID) return digestKeeps(name) ? this.nameId(name) : -1;
    if (id >= this.byId.length) { const g = new Int32Array(Math.max(id + 1, this.byId.length * 2)); g.set(this.byId); this.byId = g; }
    let code = this.byId[id]!;
    if (code === 0) code = this.byId[id] = digestKeeps(name) ? this.nameId(name) + 1 : -1;
    return code > 0 ? code - 1 : -1;
  }

  /**
   * The next packet's digest. ids[i]: the id of d.fields[i] (fields/ids.ts),
   * when the caller's walk found them already for other consumers.
   */
  add(d: Dissection, ids?: Int32Array): void {
    this.offs[this.n++] = this.pos;
    const fields = d.fields, tree = d.tree, nf = fields.length;
    const gids = ids ?? (this.ownIds ??= new FieldIds()).of(fields);
    if (this.kept.length < nf) this.kept = new Int32Array(nf * 2);
    if (this.layerAt.length < tree.length) this.layerAt = new Int32Array(tree.length * 2);
    const keptAt = this.kept, layerAt = this.layerAt;
    let byId = this.byId;
    layerAt.fill(-1, 0, tree.length);
    this.room(1);
    const countAt = this.pos++;
    // every top-level layer is in d.fields, in the tree's order (ctx.layer): one cursor finds them
    let kept = 0, t = 0;
    for (let i = 0; i < nf; i++) {
      const f = fields[i];
      let flags = 0;
      // the id's decision, when made already (keptId decides it the first time)
      const gid = gids[i]!, code = gid >= 0 && gid < byId.length ? byId[gid]! : 0;
      let name: number;
      if (code > 0) name = code - 1;
      else if (code < 0) name = -1;
      else { name = this.keptId(gid, f.name); byId = this.byId; }
      if (t < tree.length && f === tree[t]) {
        layerAt[t++] = i; flags = F_LAYER;
        // every top-level layer is kept, whatever its name
        if (name < 0) name = this.nameId(f.name);
      } else if (name < 0) { keptAt[i] = -1; continue; }
      keptAt[i] = kept++;
      if (f.generated) flags |= F_GENERATED;
      const ints = this.room(7);
      let p = this.pos;
      ints[p++] = name;
      const at = p++;
      ints[p++] = f.start;
      ints[p++] = f.len;
      this.pos = p;
      ints[at] = flags | (this.value(f.value) << 8);
    }
    this.ints[countAt] = kept;
    for (let k = 0; k < tree.length; k++) {
      const cs = tree[k].children, at = layerAt[k];
      if (at < 0) continue;
      this.room(1);
      const cAt = this.pos++;
      let c = 0;
      if (cs) {
        // a layer's direct children are in d.fields after it, in their order there
        let i = at + 1;
        for (const ch of cs) {
          let j = i;
          while (j < nf && fields[j] !== ch) j++;
          if (j === nf) continue;
          i = j + 1;
          if (keptAt[j] < 0) continue;
          this.room(1)[this.pos++] = keptAt[j];
          c++;
        }
      }
      this.ints[cAt] = c;
    }
  }

  /** Writes a value's slot; returns its tag. */
  private value(v: FieldValue): number {
    if (typeof v === 'number') {
      if ((v | 0) === v && !Object.is(v, -0)) { this.room(1)[this.pos++] = v; return T_I32; }
      if (this.nNums === this.nums.length) { const next = new Float64Array(this.nums.length * 2); next.set(this.nums); this.nums = next; }
      this.room(1)[this.pos++] = this.nNums;
      this.nums[this.nNums++] = v;
      return T_F64;
    }
    if (typeof v === 'string') { this.room(1)[this.pos++] = this.strs.length; this.strs.push(v); return T_STR; }
    if (v === null) return T_NULL;
    if (typeof v === 'boolean') return v ? T_TRUE : T_FALSE;
    if (typeof v === 'bigint') { this.room(1)[this.pos++] = this.strs.length; this.strs.push(v.toString()); return T_BIGINT; }
    if (this.nBytes + v.length > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.nBytes + v.length));
      next.set(this.bytes.subarray(0, this.nBytes));
      this.bytes = next;
    }
    this.bytes.set(v, this.nBytes);
    const ints = this.room(2);
    ints[this.pos++] = this.nBytes;
    ints[this.pos++] = v.length;
    this.nBytes += v.length;
    return T_BYTES;
  }

  /** The batch's digests (their buffers may be transferred). */
  finish(): InsightsDigest {
    this.offs[this.n] = this.pos;
    this.size = Math.max(this.size, this.pos);
    return {
      n: this.n, names: this.names, ints: this.ints.subarray(0, this.pos), offs: this.offs,
      nums: this.nums.subarray(0, this.nNums), strs: this.strs, bytes: this.bytes.subarray(0, this.nBytes),
    };
  }
}

/** The buffers a digest hands over. */
export function digestTransfer(g: InsightsDigest): ArrayBuffer[] {
  return [g.ints.buffer as ArrayBuffer, g.offs.buffer as ArrayBuffer, g.nums.buffer as ArrayBuffer, g.bytes.buffer as ArrayBuffer];
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
    const ints = g.ints, names = this.names;
    let p = g.offs[j];
    const n = ints[p++];
    const fields: Field[] = new Array<Field>(n);
    const tree: Field[] = [];
    for (let i = 0; i < n; i++) {
      const name = names[ints[p]], ft = ints[p + 1], start = ints[p + 2], len = ints[p + 3];
      p += 4;
      let value: FieldValue;
      switch (ft >> 8) {
        case T_I32: value = ints[p++]; break;
        case T_F64: value = g.nums[ints[p++]]; break;
        case T_STR: value = g.strs[ints[p++]]; break;
        case T_TRUE: value = true; break;
        case T_FALSE: value = false; break;
        case T_BIGINT: value = BigInt(g.strs[ints[p++]]); break;
        case T_BYTES: { const at = ints[p], k = ints[p + 1]; value = g.bytes.slice(at, at + k); p += 2; break; }
        default: value = null;
      }
      const f: Field = { name, value, start, len };
      if (ft & F_GENERATED) f.generated = true;
      if (ft & F_LAYER) { f.children = []; tree.push(f); }
      fields[i] = f;
    }
    for (const layer of tree) {
      const k = ints[p++];
      const cs = layer.children!;
      for (let c = 0; c < k; c++) cs.push(fields[ints[p++]]);
    }
    return { packet, tree, fields, summary: NO_SUMMARY, expert: [], malformed: false };
  }
}
