// The per-packet builder every dissector writes into: it appends fields in
// tree order (the flat list is what filters and `-T fields` read), records
// protocol layers for frame.protocols, and collects expert info. Dissectors
// never throw on bad input: they call `malformed()` and return.
import type { ExpertInfo, Field, FieldValue, RawPacket } from '../types';
import { NO_ID, fieldId } from '../fields/ids';

/** One decoded field. A class so every field shares one V8 shape (hot path). */
export class FieldNode implements Field {
  label?: string = undefined;
  generated?: boolean = undefined;
  children?: Field[] = undefined;
  /** reltime fields: the exact nanoseconds, for printing */
  ns?: bigint = undefined;
  /**
   * Field-subset mode: the field's index among the wanted names (Dissector.wantedNames()),
   * so bulk output finds its column without a lookup; -2 for a layer nobody asked for, -1 unknown.
   */
  slot = -1;
  constructor(
    public name: string,
    public value: FieldValue,
    public start: number,
    public len: number,
  ) {}
}

/**
 * Returned instead of a field nobody asked for (field-subset mode): writes
 * to it are ignored by the builder, and nothing is ever added under it.
 */
export const SKIP = new FieldNode('', null, 0, 0);

/** A fixed set of field names tested at once by Ctx.any (key: never a field name or prefix). */
export interface FieldGroup {
  readonly key: string;
  readonly names: readonly string[];
  /** the answer for the groups map it was last asked against (no lookup while one Dissector runs) */
  owner: object | null;
  kept: boolean;
}
export const fieldGroup = (...names: string[]): FieldGroup => ({ key: `\0${names.join('|')}`, names, owner: null, kept: true });

/**
 * A field name with its id (fields/ids.ts), made once when a dissector
 * module loads: the per-packet calls (addK, genK, wantsK, layerK) then find
 * whether a field-subset run wants the field by an array read, where the
 * name would be hashed in the want map on every packet (~5% of a
 * `read -T fields`, bench/RESULTS.md).
 */
export interface FieldKey { readonly name: string; readonly id: number }
export const fieldKey = (name: string): FieldKey => ({ name, id: fieldId(name) });

/**
 * A module's field keys in one object, made when it loads:
 * `const K = fieldKeys({ srcport: 'tcp.srcport', … })`, then
 * `ctx.addK(l, K.srcport, …)`. The keys replace the names in the literal
 * itself: V8 keeps an object literal's properties in fast mode, so `K.srcport`
 * is one fixed-offset load, where an object built key by key turns into a
 * hash table past a dozen properties.
 */
export function fieldKeys<T extends Record<string, string>>(names: T): { readonly [P in keyof T]: FieldKey } {
  const keys = names as unknown as Record<string, string | FieldKey>;
  for (const p of Object.keys(keys)) keys[p] = fieldKey(keys[p] as string);
  return keys as unknown as { readonly [P in keyof T]: FieldKey };
}

/** want map → slot + 1 by field id (0: not wanted), built once per map (a map never changes once made) */
const slotTables = new WeakMap<ReadonlyMap<string, number>, Int32Array>();
function slotTable(want: ReadonlyMap<string, number>): Int32Array {
  let t = slotTables.get(want);
  if (t === undefined) {
    const ids = [...want].map(([name, slot]) => [fieldId(name), slot]);
    // ids given out later are past the table's end: no wanted name has them
    t = new Int32Array(ids.reduce((m, [id]) => Math.max(m, id + 1), 0));
    for (const [id, slot] of ids) if (id !== NO_ID) t[id] = slot + 1;
    slotTables.set(want, t);
  }
  return t;
}

/** A field-name prefix tested by Ctx.wantsPrefixK, its answer kept as FieldGroup keeps its own. */
export interface FieldPrefix {
  readonly prefix: string;
  owner: object | null;
  kept: boolean;
}
export const fieldPrefix = (prefix: string): FieldPrefix => ({ prefix, owner: null, kept: true });

/** What the summary's Source/Destination columns show. */
export type AddrKind = 0 | 1 | 2 | 3 | 4; // none, ether, ipv4, ipv6, text
export const ADDR_NONE = 0, ADDR_ETHER = 1, ADDR_IPV4 = 2, ADDR_IPV6 = 3;
/** an address column as text (src/dst hold the string): USB's "host", PPP's "N/A", an 802.11 role "(TA)" */
export const ADDR_TEXT = 4;

export class Ctx {
  fields: Field[] = [];
  tree: Field[] = [];
  expert: ExpertInfo[] = [];
  protocols: string[] = [];
  malformed = false;
  /** summary inputs; text is built only when asked for */
  srcKind: AddrKind = ADDR_NONE;
  dstKind: AddrKind = ADDR_NONE;
  src: FieldValue = null;
  dst: FieldValue = null;
  protocol = '';
  info: string | (() => string) = '';
  /** set by the TCP/UDP dissector for the layers above */
  srcPort = 0;
  dstPort = 0;
  /**
   * Is the summary (Info text) read? Always with the whole tree; in
   * field-subset mode only when the Dissector was asked for summaries
   * (-T text), else dissectors may skip building it.
   */
  summary = true;
  /** depth of IP-in-ICMP and tunnels: inner headers must not touch stream state */
  inner = 0;
  /** the innermost network header, for transport stream keys */
  ipVersion = 0;
  ip4Src = 0;
  ip4Dst = 0;
  ip6Src: Uint8Array | null = null;
  ip6Dst: Uint8Array | null = null;
  /** TTL / hop limit of the outermost IP header, for ICMP summaries */
  ttl = -1;
  /**
   * The protocol being dissected sits right on an IP header (false behind an
   * AH): tshark hands ICMP the IP header only then, and without it shows no
   * TTL and matches no echo request to its reply.
   */
  ipDirect = true;
  /** the bytes dissected (the frame, or a reassembled buffer while dissecting one) */
  d: Uint8Array;

  /**
   * Reuse mode (bulk output that drops each dissection before the next):
   * field objects come from this pool, refilled from index 0 every packet.
   */
  private pool: FieldNode[] | null = null;
  private used = 0;
  /** field-subset mode: slot + 1 by field id (slotTable) */
  private readonly slots: Int32Array | null;

  constructor(
    public pkt: RawPacket,
    /** field-subset mode: only these fields (and every protocol layer) are created */
    readonly want: ReadonlyMap<string, number> | null = null,
    /** field-subset mode: prefix → whether any wanted field starts with it (shared, filled lazily) */
    private readonly groups: Map<string, boolean> | null = null,
  ) {
    this.d = pkt.data;
    this.slots = want === null ? null : slotTable(want);
  }

  /** Turns on reuse mode: reset() then recycles this context and its fields. */
  reusable(): this {
    this.pool = [];
    return this;
  }

  /** Starts the next packet on this context (reuse mode): every earlier field object is recycled. */
  reset(pkt: RawPacket): void {
    this.pkt = pkt;
    this.d = pkt.data;
    this.used = 0;
    this.macUsed = 0;
    // emptied by pop: `length = 0` gives the backing store back, and every packet would grow it anew
    const fields = this.fields, tree = this.tree, protocols = this.protocols;
    while (fields.length) fields.pop();
    while (tree.length) tree.pop();
    while (protocols.length) protocols.pop();
    if (this.expert.length) this.expert = [];
    this.malformed = false;
    this.short = false;
    this.srcKind = ADDR_NONE; this.dstKind = ADDR_NONE;
    this.src = null; this.dst = null;
    this.protocol = ''; this.info = '';
    this.srcPort = 0; this.dstPort = 0;
    this.inner = 0;
    this.ipVersion = 0; this.ip4Src = 0; this.ip4Dst = 0;
    this.ip6Src = null; this.ip6Dst = null;
    this.ttl = -1;
    this.ipDirect = true;
    this.thrown = false;
  }

  /** reuse mode: 6-byte address values, refilled from index 0 every packet */
  private macs: Uint8Array[] = [];
  private macUsed = 0;

  /**
   * A MAC address value at d[off..off+6): a view into the bytes, or in reuse
   * mode a recycled copy (a view costs more to create than six bytes to copy).
   */
  mac(d: Uint8Array, off: number): Uint8Array {
    if (this.pool === null) return d.subarray(off, off + 6);
    let m = this.macs[this.macUsed];
    if (m === undefined) { m = new Uint8Array(6); this.macs.push(m); }
    this.macUsed++;
    m[0] = d[off]; m[1] = d[off + 1]; m[2] = d[off + 2]; m[3] = d[off + 3]; m[4] = d[off + 4]; m[5] = d[off + 5];
    return m;
  }

  /** A new field object (from the pool in reuse mode). */
  private mk(name: string, value: FieldValue, start: number, len: number, slot: number): FieldNode {
    const pool = this.pool;
    let f: FieldNode;
    if (pool === null) f = new FieldNode(name, value, start, len);
    else {
      const old = pool[this.used];
      if (old === undefined) {
        f = new FieldNode(name, value, start, len);
        pool.push(f);
      } else {
        f = old;
        f.name = name; f.value = value; f.start = start; f.len = len;
        f.label = undefined; f.generated = undefined; f.children = undefined; f.ns = undefined;
      }
      this.used++;
    }
    f.slot = slot;
    return f;
  }

  /**
   * Dissects a reassembled buffer. Fields created meanwhile are given frame
   * offsets: the part of the buffer that came from this frame
   * ([bufStart, bufStart+len) ↔ [frameStart, frameStart+len)) maps exactly,
   * the rest is pinned to frameStart with length 0 (it lives in other frames).
   */
  withReassembled(buf: Uint8Array, bufStart: number, frameStart: number, len: number, fn: () => void): void {
    const saved = this.d;
    const from = this.fields.length;
    const fromExpert = this.expert.length;
    this.d = buf;
    try {
      fn();
    } finally {
      this.d = saved;
    }
    const shift = frameStart - bufStart;
    const map = (start: number, flen: number): [number, number] =>
      start >= bufStart && start + flen <= bufStart + len ? [start + shift, flen] : [frameStart, 0];
    for (let i = from; i < this.fields.length; i++) {
      const f = this.fields[i];
      const [s, l] = map(f.start, f.len);
      f.start = s; f.len = l;
    }
    for (let i = fromExpert; i < this.expert.length; i++) {
      const e = this.expert[i];
      if (e.start !== undefined) {
        const [s, l] = map(e.start, e.len ?? 0);
        e.start = s; e.len = l;
      }
    }
  }

  /** Opens a protocol layer: a 'protocol' field at the top of the tree. */
  layer(name: string, start: number, len: number, parent?: Field): FieldNode {
    this.protocols.push(name);
    // layers are kept in field-subset mode too: filters count them (ip.src#2) and test them (tcp)
    const f = this.mk(name, null, start, len, this.want === null ? -1 : this.want.get(name) ?? -2);
    if (this.want === null) {
      f.children = [];
      if (parent) (parent.children ??= []).push(f);
      else this.tree.push(f);
    } else if (!parent) this.tree.push(f);
    this.fields.push(f);
    return f;
  }

  /** Is any field under this prefix kept? Lets a dissector skip a whole group of fields at once. */
  wantsPrefix(prefix: string): boolean {
    if (this.want === null || this.groups === null) return true;
    let v = this.groups.get(prefix);
    if (v === undefined) {
      v = false;
      for (const n of this.want.keys()) if (n.startsWith(prefix)) { v = true; break; }
      this.groups.set(prefix, v);
    }
    return v;
  }

  /** wantsPrefix() for a prefix made once (no lookup while one Dissector runs). */
  wantsPrefixK(p: FieldPrefix): boolean {
    if (this.want === null || this.groups === null) return true;
    if (p.owner === this.groups) return p.kept;
    const v = this.wantsPrefix(p.prefix);
    p.owner = this.groups;
    p.kept = v;
    return v;
  }

  /**
   * Is any of a fixed group of fields kept? One cached lookup for the group
   * instead of one per field: dissectors wrap runs of fields that field-subset
   * runs rarely ask for (same calls, same order, when any is wanted).
   */
  any(group: FieldGroup): boolean {
    if (this.want === null || this.groups === null) return true;
    if (group.owner === this.groups) return group.kept;
    let v = this.groups.get(group.key);
    if (v === undefined) {
      v = false;
      for (const n of group.names) if (this.want.has(n)) { v = true; break; }
      this.groups.set(group.key, v);
    }
    group.owner = this.groups;
    group.kept = v;
    return v;
  }

  /** Is the field kept? (false only in field-subset mode for fields nobody asked for) */
  wants(name: string): boolean {
    return this.want === null || this.want.has(name);
  }

  /** Field-subset mode: the key's slot, -1 when nobody asked for it. */
  private slotOf(k: FieldKey): number {
    const t = this.slots as Int32Array, id = k.id;
    if (id >= 0) return id < t.length ? t[id] - 1 : -1;
    // past the id cap: by name
    return this.want?.get(k.name) ?? -1;
  }

  /** wants() by key: no hashing of the name. */
  wantsK(k: FieldKey): boolean {
    return this.slots === null || this.slotOf(k) >= 0;
  }

  /** layer() by key. */
  layerK(k: FieldKey, start: number, len: number): FieldNode {
    const name = k.name;
    this.protocols.push(name);
    if (this.slots === null) {
      const f = this.mk(name, null, start, len, -1);
      f.children = [];
      this.tree.push(f);
      this.fields.push(f);
      return f;
    }
    const slot = this.slotOf(k);
    const f = this.mk(name, null, start, len, slot < 0 ? -2 : slot);
    this.tree.push(f);
    this.fields.push(f);
    return f;
  }

  /** add() by key. */
  addK(parent: Field, k: FieldKey, value: FieldValue, start: number, len: number): FieldNode {
    let slot = -1;
    if (this.slots !== null) {
      slot = this.slotOf(k);
      if (slot < 0) return SKIP;
    }
    const f = this.mk(k.name, value, start, len, slot);
    if (this.want === null) (parent.children as Field[]).push(f);
    this.fields.push(f);
    return f;
  }

  /** gen() by key. */
  genK(parent: Field, k: FieldKey, value: FieldValue): FieldNode {
    let slot = -1;
    if (this.slots !== null) {
      slot = this.slotOf(k);
      if (slot < 0) return SKIP;
    }
    const f = this.mk(k.name, value, 0, 0, slot);
    f.generated = true;
    if (this.want === null) (parent.children as Field[]).push(f);
    this.fields.push(f);
    return f;
  }

  /** sub() by key. */
  subK(parent: FieldNode, k: FieldKey, value: FieldValue, start: number, len: number): FieldNode {
    let slot = -1;
    if (this.slots !== null) {
      slot = this.slotOf(k);
      if (slot < 0) return SKIP;
    }
    const f = this.mk(k.name, value, start, len, slot);
    if (this.want === null) (parent.children ??= []).push(f);
    this.fields.push(f);
    return f;
  }

  /** hidden() by key. */
  hiddenK(k: FieldKey, value: FieldValue, start: number, len: number): FieldNode {
    let slot = -1;
    if (this.slots !== null) {
      slot = this.slotOf(k);
      if (slot < 0) return SKIP;
    }
    const f = this.mk(k.name, value, start, len, slot);
    this.fields.push(f);
    return f;
  }

  add(parent: Field, name: string, value: FieldValue, start: number, len: number): FieldNode {
    let slot = -1;
    if (this.want !== null) {
      const w = this.want.get(name);
      if (w === undefined) return SKIP;
      slot = w;
    }
    const f = this.mk(name, value, start, len, slot);
    // field-subset mode builds the flat list only, no tree under the layers
    if (this.want === null) (parent.children as Field[]).push(f);
    this.fields.push(f);
    return f;
  }

  /** A hidden field (Wireshark's hidden items): filters and field output see it, the tree does not. */
  hidden(name: string, value: FieldValue, start: number, len: number): FieldNode {
    // (rare: the shared lookup is not worth inlining here as add/gen/sub do)
    const slot = this.want === null ? -1 : this.want.get(name);
    if (slot === undefined) return SKIP;
    const f = this.mk(name, value, start, len, slot);
    this.fields.push(f);
    return f;
  }

  /** A field computed rather than read (analysis, enrichment). */
  gen(parent: Field, name: string, value: FieldValue): FieldNode {
    let slot = -1;
    if (this.want !== null) {
      const w = this.want.get(name);
      if (w === undefined) return SKIP;
      slot = w;
    }
    const f = this.mk(name, value, 0, 0, slot);
    f.generated = true;
    if (this.want === null) (parent.children as Field[]).push(f);
    this.fields.push(f);
    return f;
  }

  /** A generated time interval (reltime): seconds as its value, the exact nanoseconds beside them for printing. */
  reltime(parent: Field, name: string, ns: bigint): FieldNode {
    const f = this.gen(parent, name, Number(ns) / 1e9);
    if (f !== SKIP) f.ns = ns;
    return f;
  }

  /** A child field under another field (e.g. tcp.flags.syn under tcp.flags). */
  sub(parent: FieldNode, name: string, value: FieldValue, start: number, len: number): FieldNode {
    let slot = -1;
    if (this.want !== null) {
      const w = this.want.get(name);
      if (w === undefined) return SKIP;
      slot = w;
    }
    const f = this.mk(name, value, start, len, slot);
    if (this.want === null) (parent.children ??= []).push(f);
    this.fields.push(f);
    return f;
  }

  /**
   * A dissector ran past the captured bytes of a frame cut by the capture's
   * snap length: tshark's BoundsError, shown in Info only (no expert item,
   * no _ws.malformed).
   */
  short = false;

  /**
   * Damage where tshark's dissector runs out of bytes and throws (a bounds
   * error): tshark then glues "[Malformed Packet]" to Info without a space.
   */
  thrown = false;
  boundsAt(protocol: string, message: string, start?: number, len?: number): void {
    this.malformedAt(protocol, message, start, len);
    this.thrown = true;
  }

  malformedAt(protocol: string, message: string, start?: number, len?: number): void {
    this.malformed = true;
    this.expert.push({ severity: 'error', group: 'malformed', message: `malformed: ${message}`, protocol, start, len });
  }

  /**
   * An expert of tshark's malformed group added without an exception
   * (expert_add_info with PI_MALFORMED, PI_WARN: a TLV length LLDP
   * rejects): _ws.malformed is set, but Info gets no "[Malformed Packet]".
   */
  flagMalformed(protocol: string, message: string, start?: number, len?: number): void {
    this.malformed = true;
    this.expert.push({ severity: 'warn', group: 'malformed', message: `malformed: ${message}`, protocol, start, len });
  }

  /**
   * A protocol error tshark reports as expert info only (expert_add_info,
   * no exception): Info keeps no "[Malformed Packet]" and _ws.malformed is absent.
   */
  errorAt(protocol: string, message: string, start?: number, len?: number): void {
    this.expert.push({ severity: 'error', group: 'protocol', message, protocol, start, len });
  }

  note(group: ExpertInfo['group'], protocol: string, message: string, severity: ExpertInfo['severity'] = 'note'): void {
    this.expert.push({ severity, group, message, protocol });
  }

  setSummary(protocol: string, info: string | (() => string)): void {
    this.protocol = protocol;
    this.info = info;
  }
}

