// Packet colouring as Wireshark's colorfilters: an ordered table of named
// display filters with foreground/background colours; a packet takes the
// first enabled rule that matches. This is the one definition: the service
// stores each packet's rule number (0: none, n: rule n-1 of the table) in a
// Uint8Array column, the renderer gets the colours with the table, and a
// session saves the table it was shown with.
import type { Dissection, Field, FieldValue } from '../types';
import type { ColouringRule, ColouringRuleInfo } from '../../api/types';
import { compileDisplayFilter, type CompiledFilter } from '../filter/compile';
import { getField } from '../fields/registry';
// The parser tells fields from words by the registry, which the dissectors
// fill: without them every rule would compile to "never" (unknown names are
// absent here), so the colouring owns this import instead of trusting order.
import '../dissect/index';
import type { FilterIndex } from '../filter/index-store';
import type { Steps } from '../filter/steps';
import { FieldIds, NO_ID, setById } from '../fields/ids';

/** A rule number must fit the store's Uint8Array column, 0 meaning "no rule". */
export const MAX_COLOURING_RULES = 255;

/**
 * Wireshark's default colorfilters file (resources/share/wireshark/colorfilters),
 * unchanged: @name@filter@[background r,g,b][foreground r,g,b], 16-bit channels.
 * Names of protocols we do not decode are fields that are never present (see
 * compileRule), so "http || http2 || http3" still colours HTTP.
 */
const WIRESHARK_COLORFILTERS = String.raw`
@Bad TCP@tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack@[4718,10030,11796][63479,34695,34695]
@HSRP State Change@hsrp.state != 8 && hsrp.state != 16@[4718,10030,11796][65535,64764,40092]
@Spanning Tree Topology  Change@stp.type == 0x80@[4718,10030,11796][65535,64764,40092]
@OSPF State Change@ospf.msg != 1@[4718,10030,11796][65535,64764,40092]
@ICMP errors@icmp.type in { 3..5, 11 } || icmpv6.type in { 1..4 }@[4718,10030,11796][47031,63479,29812]
@ARP@arp@[64250,61680,55255][4718,10030,11796]
@ICMP@icmp || icmpv6@[64764,57568,65535][4718,10030,11796]
@TCP RST@tcp.flags.reset eq 1@[42148,0,0][65535,64764,40092]
@SCTP ABORT@sctp.chunk_type eq ABORT@[42148,0,0][65535,64764,40092]
@IPv4 TTL low or unexpected@(ip.dst != 224.0.0.0/4 && ip.ttl < 5 && !(pim || ospf || eigrp || bgp || tcp.port==179)) || (ip.dst == 224.0.0.0/24 && ip.dst != 224.0.0.251 && ip.ttl != 1 && !(vrrp || carp || eigrp || rip || glbp))@[42148,0,0][60652,61680,60395]
@IPv6 hop limit low or unexpected@(ipv6.dst != ff00::/8 && ipv6.hlim < 5 && !( ospf|| bgp || tcp.port==179)) || (ipv6.dst==ff00::/8 && ipv6.hlim not in {1, 64, 255})@[42148,0,0][60652,61680,60395]
@Checksum Errors@eth.fcs.status=="Bad" || ip.checksum.status=="Bad" || tcp.checksum.status=="Bad" || udp.checksum.status=="Bad" || sctp.checksum.status=="Bad" || mstp.checksum.status=="Bad" || cdp.checksum.status=="Bad" || edp.checksum.status=="Bad" || wlan.fcs.status=="Bad" || stt.checksum.status=="Bad"@[4718,10030,11796][63479,34695,34695]
@SMB@smb || nbss || nbns || netbios@[65278,65535,53456][4718,10030,11796]
@HTTP@http || tcp.port == 80 || http2 || http3@[58596,65535,51143][4718,10030,11796]
@DCERPC@dcerpc@[51199,38706,65533][4718,10030,11796]
@Routing@hsrp || eigrp || ospf || bgp || cdp || vrrp || carp || gvrp || igmp || ismp@[65534,62325,54808][4718,10030,11796]
@TCP SYN/FIN@tcp.flags & 0x02 || tcp.flags.fin == 1@[41026,41026,41026][4718,10030,11796]
@TCP@tcp@[59345,58980,65535][4718,10030,11796]
@UDP@udp@[56026,61166,65535][4718,10030,11796]
@Broadcast@eth[0] & 1@[65535,65535,65535][47802,48573,46774]
@System Event@systemd_journal || sysdig@[59110,59110,59110][11565,28527,39578]
`;

const hex8 = (c16: string): string => (Number(c16) >> 8).toString(16).padStart(2, '0');

/**
 * Reads a Wireshark colorfilters file: "@name@filter@[bg][fg]" lines, a
 * leading "!" marking a disabled rule, "#" comments. Throws naming the line.
 */
export function parseColorfilters(text: string): ColouringRule[] {
  const out: ColouringRule[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(!?)@([^@]*)@(.*)@\[(\d+),(\d+),(\d+)\]\[(\d+),(\d+),(\d+)\]$/.exec(line);
    if (!m) throw new Error(`colorfilters line ${n + 1} is not @name@filter@[r,g,b][r,g,b]: ${line.slice(0, 80)}`);
    out.push({
      name: m[2]!, filter: m[3]!,
      background: `#${hex8(m[4]!)}${hex8(m[5]!)}${hex8(m[6]!)}`,
      foreground: `#${hex8(m[7]!)}${hex8(m[8]!)}${hex8(m[9]!)}`,
      enabled: m[1] !== '!',
    });
  }
  return out;
}

/** Wireshark's default colouring rules, in its order. */
export const DEFAULT_COLOURING_RULES: readonly ColouringRule[] = Object.freeze(parseColorfilters(WIRESHARK_COLORFILTERS));

/** A copy of the default table (callers may change theirs). */
export function defaultColouringRules(): ColouringRule[] {
  return DEFAULT_COLOURING_RULES.map((r) => ({ ...r }));
}

const COLOUR = /^#[0-9a-fA-F]{6}$/;

/**
 * Rules from an untrusted source (a session file), kept when well formed:
 * a name, a filter, #rrggbb colours (else the list's defaults). At most
 * MAX_COLOURING_RULES. Returns what was dropped, for the user's notices.
 */
export function cleanColouringRules(raw: ReadonlyArray<Record<string, unknown>>): { rules: ColouringRule[]; dropped: number } {
  const rules: ColouringRule[] = [];
  let dropped = 0;
  for (const r of raw) {
    if (rules.length >= MAX_COLOURING_RULES || typeof r.name !== 'string' || typeof r.filter !== 'string') { dropped++; continue; }
    rules.push({
      name: r.name, filter: r.filter,
      foreground: typeof r.foreground === 'string' && COLOUR.test(r.foreground) ? r.foreground : '#12272e',
      background: typeof r.background === 'string' && COLOUR.test(r.background) ? r.background : '#ffffff',
      enabled: r.enabled !== false,
    });
  }
  return { rules, dropped };
}

/**
 * The values of a set of field names, gathered in one walk over a packet's
 * flattened fields. A packet has ~100 fields and few are wanted: each field's
 * id (fields/ids.ts, found once per packet for every consumer of the walk)
 * picks its list; a name past the id cap is matched by its length's few
 * candidates. Readers share one list per name, emptied by the next run.
 */
export class FieldGather {
  private byLength: Array<Array<{ name: string; list: FieldValue[] }> | null> = [];
  /** lists filled by the last run, to empty before the next one */
  private readonly touched: FieldValue[][] = [];
  /** the wanted lists by field id (fields/ids.ts) */
  private byId: Array<FieldValue[] | undefined> = [];
  private ownIds: FieldIds | null = null;

  /** The list that holds this field's values after each run (registry name). */
  want(name: string): FieldValue[] {
    const canonical = getField(name)?.name ?? name;
    while (this.byLength.length <= canonical.length) this.byLength.push(null);
    const bucket = (this.byLength[canonical.length] ??= []);
    let w = bucket.find((x) => x.name === canonical);
    if (!w) bucket.push((w = { name: canonical, list: [] }));
    setById(this.byId, canonical, w.list);
    return w.list;
  }

  run(d: Dissection): void {
    this.runIds(d, (this.ownIds ??= new FieldIds()).of(d.fields));
  }

  /** run(), with ids[j] the id of d.fields[j] (a walk shared with other consumers: FieldIds). */
  runIds(d: Dissection, ids: Int32Array): void {
    const touched = this.touched;
    // emptied by pop: `length = 0` gives the backing store back, and the next push allocates it anew
    while (touched.length !== 0) { const l = touched.pop()!; while (l.length !== 0) l.pop(); }
    const byId = this.byId, nIds = byId.length;
    const fields = d.fields;
    for (let j = 0; j < fields.length; j++) {
      const id = ids[j]!;
      if (id === NO_ID) { this.runOne(fields[j]!); continue; }
      if (id >= nIds) continue;
      const list = byId[id];
      if (list === undefined) continue;
      if (list.length === 0) touched.push(list);
      list.push(fields[j]!.value);
    }
  }

  /** A field whose name has no id: found by name. */
  private runOne(f: Field): void {
    const bucket = f.name.length < this.byLength.length ? this.byLength[f.name.length] : null;
    if (!bucket) return;
    for (const w of bucket) {
      if (w.name !== f.name) continue;
      if (w.list.length === 0) this.touched.push(w.list);
      w.list.push(f.value);
      return;
    }
  }
}

interface Compiled {
  /** rule number stored per packet: its place in the table plus one */
  id: number;
  filter: CompiledFilter;
  /** per slot: the value list the one-pass gather fills (null: the rule reads the packet itself) */
  vals: FieldValue[][] | null;
}

/**
 * A compiled colouring table. colourOf() gathers the values every enabled
 * rule reads in one pass over the packet's fields, then tries the rules in
 * order on those values: one walk of the fields instead of one per rule.
 */
export class Colouring {
  readonly rules: readonly ColouringRule[];
  /** per rule: why its filter does not compile (the rule then never matches) */
  readonly errors: ReadonlyArray<string | undefined>;
  private readonly active: Compiled[] = [];
  /** the rules' fields, read in one pass; others (the row summary) may want more of the same pass */
  readonly gather = new FieldGather();

  constructor(rules: readonly ColouringRule[] = DEFAULT_COLOURING_RULES) {
    if (rules.length > MAX_COLOURING_RULES) throw new Error(`at most ${MAX_COLOURING_RULES} colouring rules (got ${rules.length})`);
    this.rules = rules.map((r) => ({ ...r }));
    const errors: Array<string | undefined> = [];
    this.rules.forEach((rule, i) => {
      const r = compileDisplayFilter(rule.filter, { unknownFieldsAbsent: true });
      if (!r.ok) { errors.push(r.error.message); return; }
      errors.push(undefined);
      if (!rule.enabled) return;
      const f = r.filter;
      // reads no field at all: a rule made only of names we do not decode never matches (nine
      // of Wireshark's defaults); trying it on every packet would be pure cost
      if (f.slots.length === 0 && !f.evalValues([])) return;
      // evalValues is only valid when every slot is a plain field value
      const plain = f.slots.every((s) => !s.frameBytes && !s.lengths && s.layers === undefined);
      let vals: FieldValue[][] | null = null;
      if (plain) {
        vals = f.slots.map((s) => this.gather.want(s.name));
      }
      this.active.push({ id: i + 1, filter: f, vals });
    });
    this.errors = errors;
  }

  /** The table as the API shows it: each rule with its compile error, if any. */
  table(): ColouringRuleInfo[] {
    return this.rules.map((r, i) => (this.errors[i] ? { ...r, error: this.errors[i] } : { ...r }));
  }

  /**
   * The packet's rule number: 0 for none, n for rules[n - 1]. A rule that
   * throws does not match. Leaves the gather's lists filled for this packet.
   */
  colourOf(d: Dissection, ids?: Int32Array): number {
    if (ids) this.gather.runIds(d, ids); else this.gather.run(d);
    const active = this.active;
    for (let i = 0; i < active.length; i++) {
      const a = active[i]!;
      try {
        if (a.vals ? a.filter.evalValues(a.vals) : a.filter.matches(d)) return a.id;
      } catch { /* a rule that fails on this packet does not colour it */ }
    }
    return 0;
  }

  /** Whether the filter index can answer every enabled rule (else recolouring re-dissects). */
  indexable(index: FilterIndex): boolean {
    return this.active.every((a) => index.unindexed(a.filter).length === 0);
  }

  /**
   * Rule numbers for the first `count` stored packets from the filter index,
   * rule by rule in table order (the first match keeps its colour). `frames`
   * holds the packets' frame numbers, ascending, as the index does. Returns
   * null when the index cannot answer a rule (see indexable()).
   */
  *fromIndexSteps(index: FilterIndex, frames: Uint32Array, count: number): Steps<Uint8Array | null> {
    const out = new Uint8Array(count);
    for (const a of this.active) {
      const hits = yield* index.evaluateSteps(a.filter);
      if (!hits) return null;
      // both ascending: walk them together to store positions
      for (let k = 0, i = 0; k < hits.length && i < count; i++) {
        if (frames[i] !== hits[k]) continue;
        if (out[i] === 0) out[i] = a.id;
        k++;
      }
      yield Math.max(1, count >>> 4);
    }
    return out;
  }

  /** Rule numbers for the first `count` packets, dissected again in order by `dissect`. */
  *redissectSteps(count: number, dissect: (i: number) => Dissection): Steps<Uint8Array> {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      out[i] = this.colourOf(dissect(i));
      yield 1;
    }
    return out;
  }
}

/** What recolouring reads of the open capture. */
export interface RecolourSource {
  /** stored packets to colour (those that arrive later are coloured as they come) */
  count: number;
  /** frame numbers of the stored packets, ascending */
  frames: Uint32Array;
  /** the filter index, when it holds those packets' current values */
  index: FilterIndex | null;
  /** the i-th stored packet dissected again (called in order, from 0) */
  dissect(i: number): Dissection;
}

/**
 * Rule numbers for the stored packets under a new table: from the filter
 * index when it answers every rule (column-wise, no decoding), else by
 * dissecting every packet again.
 */
export function* recolourSteps(colouring: Colouring, src: RecolourSource): Steps<Uint8Array> {
  if (src.index && colouring.indexable(src.index)) {
    const fromIndex = yield* colouring.fromIndexSteps(src.index, src.frames, src.count);
    if (fromIndex) return fromIndex;
  }
  return yield* colouring.redissectSteps(src.count, src.dissect);
}
