// Display-filter compiler: parses a Wireshark 4.0 display filter, checks it
// against the field registry (unknown fields and type mismatches are errors),
// and turns it into a tree of closures. At run time a packet's fields are
// gathered once into per-field "slots" (one pass over Dissection.fields,
// only the names the filter mentions), then the closures run on the slots.
//
// Multi-occurrence semantics follow tshark 4.0 (checked against it):
//   ==, eq, any_eq       some occurrence equals
//   !=, ne, all_ne       every occurrence differs (and the field is present)
//   ===, all_eq          every occurrence equals
//   !==, ~=, any_ne      some occurrence differs
//   > < >= <= contains matches in   some occurrence satisfies
// A test on an absent field is false (so `not x == 1` is true without x).
import { RE2JS, RE2JSSyntaxException } from 're2js';
import type { Dissection, Field, FieldDef, FieldType, FieldValue } from '../types';
import { getField } from '../fields/registry';
import { ftypeName, wiresharkField } from '../fields/wireshark';
import { FilterError } from './lexer';
import { expandMacros, loadUserMacros, type Macros } from './macros';
import { resolveName } from './names';
import { parseFilter, type RelOp, type SetItem, type SliceRange, type TestNode, type ValueNode } from './parser';
import {
  bytesEq, comparator, convertLiteral, formatFilterValue, ipv6PrefixEq, kindOf, TYPE_NAMES, type Const, type Kind,
} from './values';

export { FilterError } from './lexer';

/** One field the filter reads, and what it needs of it. */
export interface SlotSpec {
  name: string;
  type: FieldType;
  /**
   * protocol-typed field used by value (slice, contains, ...): the frame's
   * bytes from where the layer starts to the end (what tshark 4.0 compares;
   * len() of a protocol is its own length)
   */
  frameBytes: boolean;
  /** the fields' byte lengths are needed (len() of a non-byte field) */
  lengths: boolean;
  /** only occurrences within these layers of its protocol (ip.src#2, ip.src#[1-2], ip.src#[-1]) */
  layers?: SliceRange[];
}

/**
 * The filter as set operations over per-field predicates, when it is only
 * made of tests of plain fields against constants (most filters): lets the
 * index evaluate column by column. null when some part needs the packet.
 */
export type FilterPlan =
  | { k: 'and' | 'or'; l: FilterPlan; r: FilterPlan }
  | { k: 'not'; e: FilterPlan }
  | { k: 'exists'; slot: number }
  /** any: some occurrence satisfies pred; all: there is one and every one does */
  | { k: 'test'; slot: number; all: boolean; pred: (v: FieldValue) => boolean };

export interface CompiledFilter {
  readonly text: string;
  readonly plan: FilterPlan | null;
  /** registry names of the fields the filter reads (deduplicated) */
  readonly fields: readonly string[];
  readonly slots: readonly SlotSpec[];
  matches(d: Dissection): boolean;
  /**
   * Evaluates on values already gathered per slot (slots[i] → vals[i], in
   * Field.value representation, protocol/none values null). Used by the
   * index store; only valid when no slot needs frameBytes, lengths or layer.
   */
  evalValues(vals: FieldValue[][]): boolean;
  /**
   * Field-subset dissections: `names` is the Dissector's wantedNames(), and
   * matches() finds a field's slot by its FieldNode.slot instead of comparing
   * names; only that Dissector's packets may be matched afterwards (null: by
   * name again).
   */
  bindSlots(names: readonly string[] | null): this;
}

/** Something the user should know about a filter that compiles (tshark warns too). */
export interface FilterWarning { message: string; start: number; end: number }

export type CompileResult =
  | { ok: true; filter: CompiledFilter; warnings: FilterWarning[] }
  | { ok: false; error: { message: string; start: number; end: number } };

export interface CompileOptions {
  /**
   * Names we do not decode are fields that are never present, instead of an
   * error: a test of one is false (its negation true). For rule sets written
   * for Wireshark's thousands of protocols, as its default colorfilters.
   */
  unknownFieldsAbsent?: boolean;
  /** display-filter macros (${name:args}); default: the user's dfilter_macros file (macros.ts) */
  macros?: Macros;
  /**
   * The packet field references (${ip.src}) read, as Wireshark's GUI reads
   * the selected packet. Without one a reference has no value, as in tshark.
   */
  selected?: Dissection | null;
}

export function compileDisplayFilter(text: string, opts: CompileOptions = {}): CompileResult {
  let expanded: ReturnType<typeof expandMacros> | undefined;
  try {
    expanded = expandMacros(text, opts.macros ?? loadUserMacros(), (n) => resolveName(n) !== undefined);
    const src = expanded.text;
    const ast = parseFilter(src);
    const c = new Compiler(src, opts.unknownFieldsAbsent === true, opts.selected ?? null);
    const filter = c.build(ast);
    // the filter keeps the text the user wrote; warnings point into it
    const warnings = expanded.calls.length ? c.warnings.map((w) => mapSpan(w, expanded!, text)) : c.warnings;
    return { ok: true, filter: { ...filter, text }, warnings };
  } catch (e) {
    if (e instanceof FilterError) {
      const span = expanded?.calls.length ? mapSpan(e, expanded, text) : e;
      return { ok: false, error: { message: e.message, start: span.start, end: span.end } };
    }
    throw e;
  }
}

/**
 * A span in the macro-expanded text as a span of what the user wrote: the
 * same place before the first macro call, else the call it falls in (or the
 * whole filter): tshark underlines nothing there at all.
 */
function mapSpan<T extends { start: number; end: number }>(x: T, exp: { calls: Array<{ start: number; end: number }> }, text: string): T {
  const first = exp.calls[0]!;
  if (x.end <= first.start) return x;
  return { ...x, start: 0, end: text.length };
}

// ---- run-time context --------------------------------------------------------

type Vals = FieldValue[];
interface Ctx { vals: Vals[]; lens: number[][] }
type ValFn = (c: Ctx) => Vals;
type TestFn = (c: Ctx) => boolean;

const EMPTY: Vals = [];
const NEVER: TestFn = () => false;

/** A type-checked value expression. */
interface Typed {
  fn: ValFn;
  type: FieldType;
  def?: FieldDef;
  /** for messages */
  label: string;
  node: ValueNode;
  /** a compile-time constant (from a literal) */
  konst?: Const;
}

const FUNCTIONS: Record<string, { min: number; max: number }> = {
  len: { min: 1, max: 1 }, count: { min: 1, max: 1 }, lower: { min: 1, max: 1 }, upper: { min: 1, max: 1 },
  string: { min: 1, max: 1 }, max: { min: 1, max: 32 }, min: { min: 1, max: 32 }, abs: { min: 1, max: 1 },
};

const OP_TEXT: Record<RelOp, string> = {
  any_eq: '==', all_ne: '!=', all_eq: '===', any_ne: '!==', gt: '>', lt: '<', ge: '>=', le: '<=', contains: 'contains', matches: 'matches',
};

const enc = new TextEncoder();
const latin1 = new TextDecoder('latin1');

const looksLikeFieldName = (s: string): boolean => /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s) && !/^[0-9a-fA-F]{1,2}$/.test(s);

class Compiler {
  private readonly slots: SlotSpec[] = [];
  private readonly slotIndex = new Map<string, number>();
  private readonly plans = new WeakMap<TestFn, FilterPlan>();
  readonly warnings: FilterWarning[] = [];

  constructor(private readonly text: string, private readonly unknownAbsent = false, private readonly selected: Dissection | null = null) {}

  /** A field the parser resolved (ours, an alias, or one Wireshark knows), warning once per use of the last two. */
  private def(n: { name: string; alias?: string; start: number; end: number }): FieldDef & { decoded: boolean } {
    const r = resolveName(n.name);
    if (!r) throw new FilterError(`"${n.name}" is not a valid protocol or protocol field.`, n.start, n.end);
    const warn = (message: string): void => {
      if (!this.warnings.some((w) => w.start === n.start && w.message === message)) this.warnings.push({ message, start: n.start, end: n.end });
    };
    if (n.alias) warn(`"${n.alias}" is deprecated: use "${n.name}"`);
    if (!r.decoded) warn(`xdpscope does not decode ${n.name}: this matches nothing`);
    return r;
  }

  build(ast: TestNode): CompiledFilter {
    const test = this.test(ast);
    const slots = this.slots;
    const nSlots = slots.length;
    const vals: Vals[] = slots.map(() => []);
    const lens: number[][] = slots.map(() => []);
    const ctx: Ctx = { vals, lens };
    // name → slot indices (several when ip.src and ip.src#2 both appear)
    const byName = new Map<string, number[]>();
    slots.forEach((s, i) => {
      const l = byName.get(s.name);
      if (l) l.push(i);
      else byName.set(s.name, [i]);
    });
    const anyLayer = slots.some((s) => s.layers !== undefined);
    const layerProtos = new Set(slots.filter((s) => s.layers !== undefined).map((s) => s.name.split('.')[0]!));
    // the layer of each value gathered for a layered slot: which layers count is known at the end
    const lyr: number[][] = slots.map(() => []);
    const anyLens = slots.some((s) => s.lengths);
    const single = new Map<string, number>();
    for (const [name, l] of byName) if (l.length === 1 && slots[l[0]!]!.layers === undefined) single.set(name, l[0]!);
    const simple = !anyLayer && single.size === byName.size;
    const names = slots.map((s) => getField(s.name)?.name ?? s.name);
    const frameBytes = slots.map((s) => s.frameBytes);
    // a layer (ip, tcp) is its bytes to the frame's end, as tshark 4.0 compares it; a
    // protocol item inside one (tcp.options.sack_perm, ipv6.hopopts) is exactly its own bytes
    const exact = slots.map((s) => s.name.includes('.'));
    const bytesOf = (data: Uint8Array, f: Field, i: number): Uint8Array => (exact[i] ? data.subarray(f.start, f.start + f.len) : data.subarray(f.start));

    // bindSlots(): by a field's slot among the Dissector's wanted names, this filter's slot (-1: none),
    // the slot the unbound loops below would give a field of that name
    let bySlot: Int32Array | null = null;
    const slotOf = (n: string): number => (nSlots <= 8 ? names.indexOf(n) : single.get(n) ?? -1);
    const matches = (d: Dissection): boolean => {
      // emptied by pop: `length = 0` is a runtime call that gives the backing store back, to be grown anew
      for (let i = 0; i < nSlots; i++) {
        const v = vals[i]!;
        while (v.length !== 0) v.pop();
        if (anyLens) { const l = lens[i]!; while (l.length !== 0) l.pop(); }
      }
      const fields = d.fields;
      const data = d.packet.data;
      if (simple && bySlot !== null) {
        // bound to the Dissector: a field's slot names it (-2: a layer nobody asked for)
        for (let j = 0; j < fields.length; j++) {
          const f = fields[j]!;
          const fs = (f as Field & { slot?: number }).slot;
          let i: number;
          if (fs !== undefined && fs >= 0) { if (fs >= bySlot.length || (i = bySlot[fs]!) < 0) continue; }
          else if (fs === -2) continue;
          else { i = slotOf(f.name); if (i < 0) continue; }
          vals[i]!.push(frameBytes[i] ? bytesOf(data, f, i) : f.value);
          if (anyLens) lens[i]!.push(f.len);
        }
      } else if (simple && nSlots <= 8) {
        // a few names: comparing strings (the registry's internalized ones,
        // so mostly a pointer or length check) beats hashing for a Map lookup
        for (let j = 0; j < fields.length; j++) {
          const f = fields[j]!;
          const name = f.name;
          for (let i = 0; i < nSlots; i++) {
            if (name !== names[i]) continue;
            vals[i]!.push(frameBytes[i] ? bytesOf(data, f, i) : f.value);
            if (anyLens) lens[i]!.push(f.len);
            break;
          }
        }
      } else if (simple) {
        for (let j = 0; j < fields.length; j++) {
          const f = fields[j]!;
          const i = single.get(f.name);
          if (i === undefined) continue;
          vals[i]!.push(frameBytes[i] ? bytesOf(data, f, i) : f.value);
          if (anyLens) lens[i]!.push(f.len);
        }
      } else {
        const layerCount = new Map<string, number>();
        for (let j = 0; j < fields.length; j++) {
          const f = fields[j]!;
          if (layerProtos.has(f.name)) layerCount.set(f.name, (layerCount.get(f.name) ?? 0) + 1);
          const l = byName.get(f.name);
          if (!l) continue;
          for (const i of l) {
            const s = slots[i]!;
            vals[i]!.push(s.frameBytes ? bytesOf(data, f, i) : f.value);
            if (anyLens) lens[i]!.push(f.len);
            if (s.layers) lyr[i]!.push(layerCount.get(s.name.split('.')[0]!) ?? 0);
          }
        }
        for (let i = 0; i < nSlots; i++) {
          const s = slots[i]!;
          if (!s.layers) continue;
          const total = layerCount.get(s.name.split('.')[0]!) ?? 0;
          const v = vals[i]!, ln = lens[i]!, ly = lyr[i]!;
          let k = 0;
          for (let j = 0; j < v.length; j++) {
            if (!inLayers(s.layers, ly[j]!, total)) continue;
            v[k] = v[j]!;
            if (anyLens) ln[k] = ln[j]!;
            k++;
          }
          v.length = k;
          if (anyLens) ln.length = k;
          ly.length = 0;
        }
      }
      return test(ctx);
    };
    const evalValues = (v: FieldValue[][]): boolean => test({ vals: v, lens });
    const fieldNames = [...byName.keys()];
    const filter: CompiledFilter = {
      text: this.text, fields: fieldNames, slots, matches, evalValues, plan: this.plans.get(test) ?? null,
      bindSlots(wanted) {
        bySlot = wanted === null ? null : Int32Array.from(wanted, slotOf);
        return filter;
      },
    };
    return filter;
  }

  private slot(name: string, type: FieldType, frameBytes: boolean, lengths: boolean, layers?: SliceRange[]): number {
    const key = layers === undefined ? name : `${name}#${JSON.stringify(layers)}`;
    let i = this.slotIndex.get(key);
    if (i === undefined) {
      i = this.slots.length;
      this.slots.push({ name, type, frameBytes: false, lengths: false, ...(layers !== undefined ? { layers } : {}) });
      this.slotIndex.set(key, i);
    }
    const s = this.slots[i]!;
    if (frameBytes) s.frameBytes = true;
    if (lengths) s.lengths = true;
    return i;
  }

  // ---- tests ------------------------------------------------------------------

  private test(n: TestNode): TestFn {
    if (this.unknownAbsent && this.readsUnknownField(n)) return NEVER;
    switch (n.k) {
      case 'and': case 'or': {
        const l = this.test(n.l), r = this.test(n.r);
        const fn: TestFn = n.k === 'and' ? (c) => l(c) && r(c) : (c) => l(c) || r(c);
        const pl = this.plans.get(l), pr = this.plans.get(r);
        if (pl && pr) this.plans.set(fn, { k: n.k, l: pl, r: pr });
        return fn;
      }
      case 'not': return this.negate(this.test(n.e));
      case 'exists': return this.existsTest(n.v);
      case 'rel': return this.relTest(n.op, n.l, n.r, n.quant);
      case 'in': {
        const t = this.inTest(n.l, n.items, n.quant);
        return n.negated ? this.negate(t) : t;
      }
    }
  }

  /** An exists/relation/in test whose left side is a word the parser did not know as a field. */
  private readsUnknownField(n: TestNode): boolean {
    const v = n.k === 'exists' ? n.v : n.k === 'rel' || n.k === 'in' ? n.l : null;
    return v !== null && v.k === 'literal' && v.form === 'word' && looksLikeFieldName(v.text) && !/^[0-9]/.test(v.text);
  }

  private negate(e: TestFn): TestFn {
    const fn: TestFn = (c) => !e(c);
    const p = this.plans.get(e);
    if (p) this.plans.set(fn, { k: 'not', e: p });
    return fn;
  }

  /** The slot of a plain field (no layer, read by value), for plans. */
  private plainSlot(n: ValueNode): number | null {
    if (n.k !== 'field' || n.layers !== undefined) return null;
    const s = this.slotIndex.get(n.name);
    return s === undefined || this.slots[s]!.frameBytes ? null : s;
  }

  /** A test "some/every occurrence of l satisfies pred", with its plan when l is a plain field. */
  private occurrences(ln: ValueNode, lf: ValFn, all: boolean, pred: (v: FieldValue) => boolean): TestFn {
    const fn: TestFn = all
      ? (c) => { const vs = lf(c); if (!vs.length) return false; for (let i = 0; i < vs.length; i++) if (!pred(vs[i]!)) return false; return true; }
      : (c) => { const vs = lf(c); for (let i = 0; i < vs.length; i++) if (pred(vs[i]!)) return true; return false; };
    const slot = this.plainSlot(ln);
    if (slot !== null) this.plans.set(fn, { k: 'test', slot, all, pred });
    return fn;
  }

  private notAField(v: ValueNode): FilterError {
    const text = this.text.slice(v.start, v.end);
    return new FilterError(`${text} is neither a field nor a protocol name.`, v.start, v.end);
  }

  /** tshark's refusal of a constant where the left side must read the packet. */
  private constantLhs(v: ValueNode): FilterError {
    let at: ValueNode = v;
    for (;;) {
      if (at.k === 'arith') at = at.l.k === 'literal' || at.l.k === 'neg' || at.l.k === 'arith' ? at.l : at.r;
      else if (at.k === 'neg') at = at.v;
      else break;
    }
    // "-2" is a literal here, a minus applied to 2 for tshark
    const start = at.k === 'literal' && at.form === 'word' && at.text.startsWith('-') ? at.start + 1 : at.start;
    return new FilterError('Constant arithmetic expression on the LHS is invalid.', start, at.end);
  }

  /** Whether a value node reads nothing from the packet. */
  private isConstant(v: ValueNode): boolean {
    switch (v.k) {
      case 'literal': return true;
      case 'neg': return this.isConstant(v.v);
      case 'arith': return this.isConstant(v.l) && this.isConstant(v.r);
      default: return false;
    }
  }

  private existsTest(v: ValueNode): TestFn {
    if (v.k === 'literal') throw this.notAField(v);
    if (v.k === 'field') {
      const def = this.def(v);
      const i = this.slot(v.name, def.type, false, false, v.layers);
      const fn: TestFn = (c) => c.vals[i]!.length > 0;
      if (v.layers === undefined) this.plans.set(fn, { k: 'exists', slot: i });
      return fn;
    }
    if (v.k === 'ref') {
      const ft = wiresharkField(v.name)?.ftype ?? `FT_${TYPE_NAMES[resolveName(v.name)!.type].toUpperCase()}`;
      throw new FilterError(`${v.name} <${ft}> is neither a field nor a protocol name.`, v.nameSpan.start, v.nameSpan.end);
    }
    if (v.k === 'call') throw new FilterError('You cannot test whether a function is present.', v.nameSpan.start, v.nameSpan.end);
    if (this.isConstant(v)) throw this.constantLhs(v);
    const t = this.value(v);
    const fn = t.fn;
    if (v.k === 'arith') {
      // a bare bitwise test: true when some result is not zero
      return (c) => {
        const vs = fn(c);
        for (let i = 0; i < vs.length; i++) {
          const x = vs[i];
          if (x instanceof Uint8Array ? x.some((b) => b !== 0) : !!x) return true;
        }
        return false;
      };
    }
    return (c) => fn(c).length > 0;
  }

  /** The left side of a relation: a field, function, slice or arithmetic on them, never a constant. */
  private lhs(ln: ValueNode, what: string): Typed {
    if (ln.k === 'literal') {
      if (ln.form === 'word' && ln.text.startsWith('-')) throw this.constantLhs(ln);
      throw new FilterError(`Left side of "${what}" expression must be a field or function, not ${this.text.slice(ln.start, ln.end)}.`, ln.start, ln.end);
    }
    if (this.isConstant(ln)) throw this.constantLhs(ln);
    return this.value(ln);
  }

  private relTest(op: RelOp, ln: ValueNode, rn: ValueNode, quant?: 'any' | 'all'): TestFn {
    const l = this.lhs(ln, OP_TEXT[op]);
    const lk = kindOf(l.type);
    if (op === 'matches') {
      if (lk !== 'string' && lk !== 'bytes') throw new FilterError(`${l.label} (type=${this.typeName(l)}) cannot participate in matches comparison.`, ln.start, ln.end);
      if (rn.k !== 'literal' || rn.form !== 'string') throw new FilterError('Matches requires a double quoted string on the right side.', rn.start, rn.end);
      const re = compileRegex(rn.text, rn.start, rn.end);
      const asString = lk === 'string';
      return this.occurrences(ln, l.fn, quant === 'all', (v) => re.test(asString ? utf8AsLatin1(v as string) : latin1.decode(v as Uint8Array)));
    }
    if (op === 'contains' && lk !== 'string' && lk !== 'bytes') {
      throw new FilterError(`${l.label} (type=${this.typeName(l)}) cannot participate in contains comparison.`, ln.start, ln.end);
    }
    const r = this.operand(rn, l);
    const rk = kindOf(r.type);
    if (rk !== lk) throw new FilterError(`${l.label} and ${r.label} are not of compatible types.`, rn.start, rn.end);
    const lf = l.fn;
    const all = quant === 'all';
    if (op === 'contains') {
      if (r.konst) {
        const k = r.konst.v;
        if (lk === 'string') return this.occurrences(ln, lf, all, (v) => (v as string).includes(k as string));
        return this.occurrences(ln, lf, all, (v) => bytesContains(v as Uint8Array, k as Uint8Array));
      }
      const rf = r.fn;
      const p = lk === 'string' ? (a: FieldValue, b: FieldValue) => (a as string).includes(b as string) : (a: FieldValue, b: FieldValue) => bytesContains(a as Uint8Array, b as Uint8Array);
      return all ? (c) => allPairs(lf(c), rf(c), p) : (c) => anyPair(lf(c), rf(c), p);
    }
    const eq = equality(lk, r.konst);
    const cmp = comparator(lk);
    // the occurrence rule: == some, != every, === every, !== some; any/all override it
    const every = quant ? all : op === 'all_ne' || op === 'all_eq';
    const pred: (a: FieldValue, b: FieldValue) => boolean =
      op === 'any_eq' || op === 'all_eq' ? eq
        : op === 'all_ne' || op === 'any_ne' ? (a, b) => !eq(a, b)
          : ((ord) => (a: FieldValue, b: FieldValue) => ord(cmp(a, b)))(ordering(op));
    let fn: TestFn;
    if (r.konst) {
      const k = r.konst.v;
      fn = this.occurrences(ln, lf, every, (v) => pred(v, k));
    } else {
      const rf = r.fn;
      fn = every ? (c) => allPairs(lf(c), rf(c), pred) : (c) => anyPair(lf(c), rf(c), pred);
    }
    // tshark 4.0 reads a != b on a slice as "the sliced field is there and no
    // slice equals b": a slice past the field's end has no value, yet differs
    if (op === 'all_ne' && !quant && ln.k === 'slice') {
      const base = this.value(ln.base).fn;
      const anyEq: TestFn = r.konst
        ? ((k) => (c: Ctx) => lf(c).some((v) => eq(v, k)))(r.konst.v)
        : ((rf) => (c: Ctx) => anyPair(lf(c), rf(c), eq))(r.fn);
      return (c) => base(c).length > 0 && !anyEq(c);
    }
    return fn;
  }

  private inTest(ln: ValueNode, items: SetItem[], quant?: 'any' | 'all'): TestFn {
    if (ln.k === 'literal') {
      if (ln.form === 'word' && looksLikeFieldName(ln.text) && !/^[0-9]/.test(ln.text)) throw this.notAField(ln);
      throw new FilterError('Only a field may be tested for membership in a set.', ln.start, ln.end);
    }
    // tshark 4.0 tests fields (and their slices) for membership, not function results
    if (ln.k === 'call') throw new FilterError('Only a field may be tested for membership in a set.', ln.nameSpan.start, ln.nameSpan.end);
    const l = this.lhs(ln, 'in');
    const lk = kindOf(l.type);
    const cmp = comparator(lk);
    const preds: Array<(v: FieldValue, c: Ctx) => boolean> = [];
    for (const it of items) {
      const lo = this.operand(it.lo, l);
      if (kindOf(lo.type) !== lk) throw new FilterError(`${l.label} and ${lo.label} are not of compatible types.`, it.lo.start, it.lo.end);
      if (it.hi) {
        const hi = this.operand(it.hi, l);
        if (kindOf(hi.type) !== lk) throw new FilterError(`${l.label} and ${hi.label} are not of compatible types.`, it.hi.start, it.hi.end);
        if (lo.konst && hi.konst) {
          const a = lo.konst.v, b = hi.konst.v;
          preds.push((v) => cmp(v, a) >= 0 && cmp(v, b) <= 0);
        } else {
          const af = lo.fn, bf = hi.fn;
          preds.push((v, c) => af(c).some((a) => cmp(v, a) >= 0) && bf(c).some((b) => cmp(v, b) <= 0));
        }
      } else if (lo.konst) {
        const eq = equality(lk, lo.konst);
        const k = lo.konst.v;
        preds.push((v) => eq(v, k));
      } else {
        const eq = equality(lk, undefined);
        const af = lo.fn;
        preds.push((v, c) => af(c).some((a) => eq(v, a)));
      }
    }
    const lf = l.fn;
    const all = quant === 'all';
    if (!all && items.every((it) => it.lo.k === 'literal' && (!it.hi || it.hi.k === 'literal'))) {
      // constant set: the predicates do not read the context
      const none = undefined as unknown as Ctx;
      return this.occurrences(ln, lf, all, (v) => { for (let j = 0; j < preds.length; j++) if (preds[j]!(v, none)) return true; return false; });
    }
    const inSet = (v: FieldValue, c: Ctx): boolean => { for (let j = 0; j < preds.length; j++) if (preds[j]!(v, c)) return true; return false; };
    // "all x in {a, b}" is tshark's "all x == a or all x == b": the quantifier applies to each member
    return all
      ? (c) => { const vs = lf(c); return vs.length > 0 && preds.some((p) => vs.every((v) => p(v, c))); }
      : (c) => lf(c).some((v) => inSet(v, c));
  }

  // ---- values -------------------------------------------------------------------

  /** Wireshark's name of a value's type when it is a field Wireshark knows ("Unsigned integer (2 bytes)"). */
  private typeName(t: { type: FieldType; def?: FieldDef }): string {
    const ft = t.def ? wiresharkField(t.def.name)?.ftype : undefined;
    return ft ? ftypeName(ft) : TYPE_NAMES[t.type];
  }

  /** Wireshark's FT_ name of a value's type, for arithmetic messages ("FT_IPv4 cannot +."). */
  private ftName(t: Typed): string {
    const ft = t.def ? wiresharkField(t.def.name)?.ftype : undefined;
    return ft ?? FT_OF[t.type];
  }

  /** The right-hand operand of a relation with `l`: literals take l's type. */
  private operand(n: ValueNode, l: Typed): Typed {
    if (n.k === 'literal') {
      const type = l.type === 'protocol' ? 'bytes' : l.type;
      const konst = convertLiteral(n, type, l.def, l.def?.name ?? l.label, () => this.typeName(l));
      const arr: Vals = [konst.v];
      return { fn: () => arr, type, label: this.text.slice(n.start, n.end), node: n, konst };
    }
    return this.value(n, l);
  }

  /** The values of a field in the selected packet (${name}), fixed when the filter compiles. */
  private reference(n: Extract<ValueNode, { k: 'ref' }>, label: string): Typed {
    const def = this.def(n);
    const out: Vals = [];
    const d = this.selected;
    if (d) {
      const proto = n.name.split('.')[0]!;
      let layer = 0;
      const found: Array<[FieldValue, number]> = [];
      for (const f of d.fields) {
        if (f.name === proto) layer++;
        if (f.name !== n.name) continue;
        const v = def.type === 'protocol' ? d.packet.data.subarray(f.start, n.name.includes('.') ? f.start + f.len : undefined) : f.value;
        found.push([v, layer]);
      }
      for (const [v, ly] of found) if (!n.layers || inLayers(n.layers, ly, layer)) out.push(v);
    }
    return { fn: () => out, type: def.type, def, label, node: n };
  }

  private value(n: ValueNode, hint?: Typed): Typed {
    const label = this.text.slice(n.start, n.end);
    switch (n.k) {
      case 'literal':
        if (hint) return this.operand(n, hint);
        throw this.notAField(n);
      case 'field': {
        const def = this.def(n);
        // protocol-typed fields compare by their bytes in the frame
        const i = this.slot(n.name, def.type, def.type === 'protocol', false, n.layers);
        return { fn: (c) => c.vals[i]!, type: def.type, def, label: n.name, node: n };
      }
      case 'ref': return this.reference(n, label);
      case 'slice': {
        if (n.base.k === 'literal') {
          const what = n.base.form === 'string' ? `"${n.base.text}"` : this.text.slice(n.base.start, n.base.end);
          throw new FilterError(`Range is not supported for entity ${what}`, n.base.start, n.base.end);
        }
        const base = this.value(n.base);
        const toBytes = bytesOf(base.type);
        if (!toBytes) {
          throw new FilterError(`"${this.text.slice(n.base.start, n.base.end)}" is a ${this.typeName(base)} and cannot be sliced into a sequence of bytes.`, n.base.start, n.base.end);
        }
        const bf = base.fn;
        const ranges = n.ranges;
        return {
          fn: (c) => {
            const vs = bf(c);
            if (!vs.length) return EMPTY;
            const out: Vals = [];
            for (let i = 0; i < vs.length; i++) {
              const s = sliceBytes(toBytes(vs[i]!), ranges);
              if (s) out.push(s);
            }
            return out;
          },
          type: 'bytes', label, node: n,
        };
      }
      case 'call': return this.call(n, label, hint);
      case 'neg': {
        if (n.v.k === 'literal' && !hint) throw this.constantLhs(n);
        const v = this.value(n.v, hint);
        if (kindOf(v.type) !== 'num') throw new FilterError(`${this.ftName(v)} cannot -.`, n.v.start, n.v.end);
        const f = v.fn;
        return { ...v, fn: (c) => f(c).map((x) => -(x as number)), label, node: n, konst: undefined };
      }
      case 'arith': {
        for (const side of [n.l, n.r]) {
          if (side.k === 'literal' && side.form === 'char') throw new FilterError(`${this.text.slice(side.start, side.end)} is not a valid arithmetic operand.`, side.start, side.end);
        }
        let l: Typed, r: Typed;
        const ok = (t: Typed): boolean => kindOf(t.type) === 'num' || (n.op === '&' && (t.type === 'bytes' || t.type === 'ether' || t.type === 'ipv4'));
        // the side that reads the packet is typed first: its type is the expression's
        const check = (t: Typed, side: ValueNode): Typed => {
          if (!ok(t)) throw new FilterError(`${this.ftName(t)} cannot ${n.op === '&' ? 'bitwise-and' : n.op}.`, side.start, side.end);
          return t;
        };
        if (this.isConstant(n.l) && this.isConstant(n.r)) {
          // a constant expression is only valid where the other side gives it a type
          if (!hint) throw this.constantLhs(n);
          check(hint, n);
          l = this.operand(n.l, hint); r = this.operand(n.r, hint);
        } else if (this.isConstant(n.l)) { r = check(this.value(n.r, hint), n.r); l = check(this.operand(n.l, r), n.l); }
        else { l = check(this.value(n.l, hint), n.l); r = check(this.operand(n.r, l), n.r); }
        const lf = l.fn, rf = r.fn;
        const type = l.konst ? r.type : l.type;
        if (type === 'bytes' || type === 'ether' || type === 'ipv4') {
          // bitwise and of byte strings (eth[0] & 1) or addresses (ip.src & 255.0.0.0)
          const andB = type !== 'ipv4';
          return {
            fn: (c) => {
              const a = lf(c), b = rf(c);
              const out: Vals = [];
              for (const x of a) for (const y of b) out.push(andB ? andBytes(x as Uint8Array, y as Uint8Array) : ((x as number) & (y as number)) >>> 0);
              return out;
            },
            type, def: l.konst ? r.def : l.def, label, node: n,
          };
        }
        const op = arith(n.op);
        return {
          fn: (c) => {
            const a = lf(c), b = rf(c);
            if (!a.length || !b.length) return EMPTY;
            const out: Vals = [];
            for (const x of a) for (const y of b) { const v = op(Number(x), Number(y)); if (v !== null) out.push(v); }
            return out;
          },
          type, def: l.konst ? r.def : l.def, label, node: n,
        };
      }
    }
  }

  private call(n: Extract<ValueNode, { k: 'call' }>, label: string, hint?: Typed): Typed {
    const spec = FUNCTIONS[n.fn];
    if (!spec) throw new FilterError(`Function '${n.fn}' does not exist`, n.nameSpan.start, n.nameSpan.end);
    if (n.args.length < spec.min || n.args.length > spec.max) {
      throw new FilterError(spec.min === spec.max ? `Function ${n.fn} can only accept ${spec.min} arguments.` : `Function ${n.fn} needs at least ${spec.min} arguments.`, n.nameSpan.start, n.nameSpan.end);
    }
    const a0 = n.args[0]!;
    // a function given a function: tshark points at its name
    const onlyFields = (): FilterError => {
      const at = a0.k === 'call' ? a0.nameSpan : a0;
      return new FilterError(`Only fields can be used as parameter for ${n.fn}()`, at.start, at.end);
    };
    switch (n.fn) {
      case 'count': {
        if (a0.k !== 'field') throw onlyFields();
        const def = this.def(a0);
        const i = this.slot(a0.name, def.type, false, false, a0.layers);
        // no occurrence → no value (tshark 4.0: count(x) == 0 never matches)
        return { fn: (c) => (c.vals[i]!.length ? [c.vals[i]!.length] : EMPTY), type: 'uint', label, node: n };
      }
      case 'len': {
        if (a0.k !== 'field') throw onlyFields();
        const def = this.def(a0);
        const k = kindOf(def.type);
        if ((k === 'string' || k === 'bytes' || k === 'ipv6') && def.type !== 'protocol') {
          const i = this.slot(a0.name, def.type, false, false, a0.layers);
          const isStr = k === 'string';
          return { fn: (c) => c.vals[i]!.map((v) => (isStr ? Buffer.byteLength(v as string) : (v as Uint8Array).length)), type: 'uint', label, node: n };
        }
        // other types: the field's length in the frame, as Wireshark
        const i = this.slot(a0.name, def.type, false, true, a0.layers);
        return { fn: (c) => c.lens[i]!.slice(), type: 'uint', label, node: n };
      }
      case 'lower': case 'upper': {
        if (a0.k === 'literal') throw onlyFields();
        const v = this.value(a0);
        if (v.type !== 'string') throw new FilterError(`Only string type fields can be used as parameter for ${n.fn}()`, a0.start, a0.end);
        const f = v.fn;
        const up = n.fn === 'upper';
        return { fn: (c) => f(c).map((x) => (up ? (x as string).toUpperCase() : (x as string).toLowerCase())), type: 'string', label, node: n };
      }
      case 'string': {
        if (a0.k === 'literal' || this.isConstant(a0)) throw onlyFields();
        const v = this.value(a0);
        const f = v.fn;
        const t = v.type;
        // tshark 4.0 converts numbers and addresses only
        if (!STRINGABLE.has(t)) throw new FilterError(`String conversion for field "${this.text.slice(a0.start, a0.end)}" is not supported`, a0.start, a0.end);
        return { fn: (c) => f(c).map((x) => formatFilterValue(x, t)), type: 'string', label, node: n };
      }
      case 'max': case 'min': case 'abs': {
        if (a0.k === 'literal' && a0.form === 'string') throw new FilterError(`Type STRING is not valid for ${n.fn}`, a0.start, a0.end);
        if (n.fn === 'abs' && this.isConstant(a0)) {
          // abs(-67) is a constant: only where the other side gives it a type
          if (!hint) throw this.constantLhs(a0);
          // convert as a signed number: abs(-67) is 67 even for an unsigned field
          const signed: Typed = { ...hint, type: hint.type === 'uint' || hint.type === 'framenum' ? 'int' : hint.type, def: undefined };
          const v = this.operand(a0, signed);
          const out: Vals = v.konst ? [Math.abs(Number(v.konst.v))] : [];
          return { fn: () => out, type: hint.type, label, node: n };
        }
        const args = n.args.map((a) => {
          if (a.k === 'literal' && a.form === 'string') throw new FilterError(`Type STRING is not valid for ${n.fn}`, a.start, a.end);
          if (this.isConstant(a)) throw new FilterError(`Argument '${this.text.slice(a.start, a.end)}' is not valid for ${n.fn}()`, a.start, a.end);
          return this.value(a);
        });
        const t = args[0]!.type;
        // abs() takes numbers; max() and min() anything ordered, all of one kind (tshark 4.0)
        for (const a of args) {
          const k = kindOf(a.type);
          if ((n.fn === 'abs' ? k !== 'num' : k !== kindOf(t) || k === 'none' || k === 'bool') || a.type === 'protocol') {
            throw new FilterError(`'${this.text.slice(a.node.start, a.node.end)}' is not a valid argument to '${n.fn}'()`, a.node.start, a.node.end);
          }
        }
        const fns = args.map((a) => a.fn);
        if (n.fn === 'abs') {
          const f = fns[0]!;
          return { fn: (c) => f(c).map((x) => Math.abs(Number(x))), type: t, label, node: n };
        }
        const isMax = n.fn === 'max';
        const cmp = comparator(kindOf(t));
        return {
          fn: (c) => {
            let best: FieldValue | undefined;
            for (const f of fns) for (const x of f(c)) if (best === undefined || (isMax ? cmp(x, best) > 0 : cmp(x, best) < 0)) best = x;
            return best === undefined ? EMPTY : [best];
          },
          type: t, label, node: n,
        };
      }
    }
    throw new FilterError(`Function '${n.fn}' does not exist`, n.nameSpan.start, n.nameSpan.end);
  }
}

/** Types string() converts (tshark 4.0 refuses strings, bytes, booleans, times, protocols). */
const STRINGABLE = new Set<FieldType>(['uint', 'int', 'framenum', 'ipv4', 'ipv6', 'ether', 'float']);

/** Wireshark's FT_ name of our types, for fields Wireshark's list lacks. */
const FT_OF: Record<FieldType, string> = {
  none: 'FT_NONE', protocol: 'FT_PROTOCOL', uint: 'FT_UINT32', int: 'FT_INT32', bool: 'FT_BOOLEAN', string: 'FT_STRING',
  bytes: 'FT_BYTES', ether: 'FT_ETHER', ipv4: 'FT_IPv4', ipv6: 'FT_IPv6', abstime: 'FT_ABSOLUTE_TIME',
  reltime: 'FT_RELATIVE_TIME', float: 'FT_DOUBLE', framenum: 'FT_FRAMENUM',
};

function andBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const n = Math.min(a.length, b.length);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! & b[i]!;
  return out;
}

// ---- helpers -------------------------------------------------------------------

/**
 * Wireshark 4.0 runs PCRE2 without UTF mode, on the UTF-8 bytes: a string
 * value (and the pattern) are matched as one character per byte.
 */
function utf8AsLatin1(s: string): string {
  return Buffer.byteLength(s) === s.length ? s : Buffer.from(s, 'utf8').toString('latin1');
}

/**
 * What a failed RE2 parse means, when it is a PCRE construct RE2 leaves out
 * on purpose (each needs backtracking, which is what makes a match take
 * exponential time): the user then learns why, not just "invalid syntax".
 */
function backtrackingConstruct(error: string, input: string): string | null {
  if (error === 'invalid escape sequence' && /^\\[1-9]/.test(input)) return 'a backreference';
  if (error === 'invalid named capture' && /^\(\?<[=!]/.test(input)) return 'a lookbehind';
  if (error === 'invalid nested repetition operator' && /^.\+$/.test(input)) return 'a possessive quantifier';
  if (error !== 'invalid or unsupported Perl syntax') return null;
  if (input === '(?=' || input === '(?!') return 'a lookahead';
  if (input === '(?>') return 'an atomic group';
  if (input === '(?(') return 'a conditional group';
  if (/^\(\?(R|[0-9+-]|&|P>)/.test(input)) return 'a recursive pattern';
  return null;
}

/**
 * Largest RE2 program a `matches` pattern may compile to. Matching is linear
 * but costs up to one step per instruction per byte when RE2 falls back from
 * its DFA (e.g. `\pL{1000}`), so this bounds the time of one match: about
 * 4096 x 1500 steps on a full-size Ethernet frame. `.{0,1000}` is 2002.
 */
export const MAX_REGEX_PROGRAM = 4096;

/**
 * An upper estimate of the program a pattern compiles to (repeats multiply
 * what they repeat), so that patterns far over MAX_REGEX_PROGRAM are refused
 * before RE2 spends seconds and hundreds of MB building them: RE2 itself
 * accepts programs of over a million instructions.
 */
function expandedSize(p: string): number {
  const CAP = 1e12;
  const outer: number[] = [];
  let size = 0; // of the group being read
  let last = 0; // of the last atom: what a quantifier repeats
  const braces = /\{(\d+)(,(\d*))?\}/y;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      const e = p[++i];
      if ((e === 'p' || e === 'P' || e === 'x') && p[i + 1] === '{') i = Math.max(i, p.indexOf('}', i));
      else if (e === 'p' || e === 'P') i++;
      last = 1; size += 1;
    } else if (c === '[') {
      // a class is one instruction: skip to its closing ] (one right after [ or [^ is literal)
      let j = i + 1;
      if (p[j] === '^') j++;
      if (p[j] === ']') j++;
      for (; j < p.length && p[j] !== ']'; j++) {
        if (p[j] === '\\') j++;
        else if (p[j] === '[' && p[j + 1] === ':') { const e = p.indexOf(':]', j); if (e >= 0) j = e + 1; }
      }
      i = j; last = 1; size += 1;
    } else if (c === '(') {
      outer.push(size); size = 0; last = 0;
    } else if (c === ')') {
      const inner = size + 2;
      size = (outer.pop() ?? 0) + inner; last = inner;
    } else if (c === '|') {
      size += 1; last = 0;
    } else if (c === '*' || c === '+' || c === '?') {
      size += 2;
    } else if (c === '{') {
      braces.lastIndex = i;
      const m = braces.exec(p);
      if (m) {
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] ? Number(m[3]) : min + 1;
        const grown = Math.min(CAP, last * Math.max(max, 1) + (max - min));
        size = Math.min(CAP, size - last + grown); last = grown;
        i += m[0].length - 1;
      } else { size += 1; last = 1; }
    } else {
      size += 1; last = 1;
    }
  }
  while (outer.length) size = Math.min(CAP, size + outer.pop()!);
  return size;
}

const tooLarge = (n: string): string =>
  `Regex compilation error: the pattern is too large (${n} instructions, at most ${MAX_REGEX_PROGRAM}): each instruction is work for every byte matched.`;

/**
 * Compiles a `matches` pattern with RE2 (re2js): matching time is linear in
 * the pattern and the value, so no filter, typed or stored in a session, can
 * stall the engine the way a backtracking engine does on "(.*){12}zzz".
 * Syntax is RE2's, which covers the Perl syntax display filters use.
 */
function compileRegex(src: string, start: number, end: number): RE2JS {
  // PCRE2 in Wireshark 4.0 is case-insensitive by default; (?-i) / (?i) at the
  // start switch it. RE2 takes inline flags anywhere, but not x (extended),
  // which was always ignored here: strip the leading groups into flags.
  let flags = RE2JS.CASE_INSENSITIVE;
  let body = utf8AsLatin1(src);
  const bits: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, x: 0 };
  for (;;) {
    const m = /^\(\?(-?)([imsx]+)\)/.exec(body);
    if (!m) break;
    for (const f of m[2]!) flags = m[1] ? flags & ~bits[f]! : flags | bits[f]!;
    body = body.slice(m[0].length);
  }
  const estimate = expandedSize(body);
  if (estimate > 4 * MAX_REGEX_PROGRAM) throw new FilterError(tooLarge(`about ${estimate >= 1e12 ? 'more than 10^12' : estimate}`), start, end);
  let re: RE2JS;
  try {
    re = RE2JS.compile(body, flags);
  } catch (e) {
    if (!(e instanceof RE2JSSyntaxException)) {
      throw new FilterError(`Regex compilation error: ${(e as Error).message}.`, start, end);
    }
    // re2js names the whole pattern with its flags prefixed ("(?i)..."): show the user's
    let input = e.input ?? '';
    if (input.endsWith(body) && input.length > body.length && input.startsWith('(?')) input = body;
    const what = backtrackingConstruct(e.error, input);
    if (what) {
      throw new FilterError(`Regex compilation error: ${what} (\`${input}\`) is not supported: xdpscope's regular expressions run in linear time (RE2 syntax).`, start, end);
    }
    throw new FilterError(`Regex compilation error: ${e.error}${input ? `: \`${input}\`` : ''}.`, start, end);
  }
  if (re.programSize() > MAX_REGEX_PROGRAM) throw new FilterError(tooLarge(String(re.programSize())), start, end);
  return re;
}

function equality(kind: Kind, k: Const | undefined): (a: FieldValue, b: FieldValue) => boolean {
  if (kind === 'ipv4' && k?.mask !== undefined) {
    const mask = k.mask;
    return (a, b) => (((a as number) & mask) >>> 0) === b;
  }
  if (kind === 'ipv6' && k?.mask !== undefined) {
    const bits = k.mask;
    return (a, b) => ipv6PrefixEq(a as Uint8Array, b as Uint8Array, bits);
  }
  switch (kind) {
    // == on numbers also equates a bigint with the same number
    case 'num': case 'time': return (a, b) => a == b;
    case 'bytes': case 'ipv6': return (a, b) => bytesEq(a as Uint8Array, b as Uint8Array);
    case 'bool': return (a, b) => !!a === !!b;
    default: return (a, b) => a === b;
  }
}

function ordering(op: RelOp): (c: number) => boolean {
  switch (op) {
    case 'gt': return (c) => c > 0;
    case 'lt': return (c) => c < 0;
    case 'ge': return (c) => c >= 0;
    case 'le': return (c) => c <= 0;
    default: throw new Error(`not an ordering: ${op}`);
  }
}

function anyPair(a: Vals, b: Vals, p: (x: FieldValue, y: FieldValue) => boolean): boolean {
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) if (p(a[i]!, b[j]!)) return true;
  return false;
}

function allPairs(a: Vals, b: Vals, p: (x: FieldValue, y: FieldValue) => boolean): boolean {
  if (!a.length || !b.length) return false;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) if (!p(a[i]!, b[j]!)) return false;
  return true;
}

function bytesContains(hay: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return true;
  return Buffer.from(hay.buffer, hay.byteOffset, hay.length).indexOf(needle) >= 0;
}

function arith(op: string): (a: number, b: number) => number | null {
  switch (op) {
    case '+': return (a, b) => a + b;
    case '-': return (a, b) => a - b;
    case '*': return (a, b) => a * b;
    case '/': return (a, b) => (b === 0 ? null : Math.trunc(a / b));
    case '%': return (a, b) => (b === 0 ? null : a % b);
    case '&': return (a, b) => Number(BigInt(Math.trunc(a)) & BigInt(Math.trunc(b)));
    default: throw new Error(`unknown operator ${op}`);
  }
}

/** How a value of this type becomes bytes for slicing (null: cannot be sliced). */
function bytesOf(t: FieldType): ((v: FieldValue) => Uint8Array) | null {
  switch (t) {
    case 'bytes': case 'ether': case 'ipv6': case 'protocol': return (v) => v as Uint8Array;
    case 'string': return (v) => enc.encode(v as string);
    case 'ipv4': return (v) => { const n = v as number; return Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255); };
    default: return null;
  }
}

function sliceBytes(b: Uint8Array, ranges: SliceRange[]): Uint8Array | null {
  if (ranges.length === 1) return sliceOne(b, ranges[0]!);
  const parts: Uint8Array[] = [];
  for (const r of ranges) {
    const p = sliceOne(b, r);
    if (!p) return null;
    parts.push(p);
  }
  return Buffer.concat(parts);
}

function sliceOne(b: Uint8Array, r: SliceRange): Uint8Array | null {
  const n = b.length;
  const s = r.start < 0 ? n + r.start : r.start;
  const e = r.end === null ? n : r.end < 0 ? n + r.end : r.end;
  if (s < 0 || s >= n || e > n || e <= s) return null;
  return b.subarray(s, e);
}

/**
 * Whether layer `layer` (1 = outermost) of `total` is selected by ranges
 * written like slices over positions 0..total, so #2 is layer 2, #[-1] the
 * innermost, #[2:] the second and deeper and #[:1] nothing (tshark 4.0).
 */
function inLayers(ranges: SliceRange[], layer: number, total: number): boolean {
  const n = total + 1;
  for (const r of ranges) {
    const s = r.start < 0 ? n + r.start : r.start;
    const e = r.end === null ? n : r.end < 0 ? n + r.end : r.end;
    if (layer >= s && layer < e && layer >= 1) return true;
  }
  return false;
}
