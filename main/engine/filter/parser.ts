// Recursive-descent parser for Wireshark 4.0 display filters. Precedence,
// loosest first (as in Wireshark's grammar.lemon): or/||, and/&&, not/!,
// relations (== != === !== ~= > < >= <= contains matches ~ in, with an
// optional any/all quantifier), & (bitwise), + -, * / %, unary minus. Words
// are classified here as tshark's scanner does: a word naming a field or
// protocol (ours, or one Wireshark knows) is that field, wherever it
// stands; ".name" is always a field and ":hex" always bytes.
import { FilterError, tokenize, type Token } from './lexer';
import { resolveName } from './names';

export interface TextSpan { start: number; end: number }

export type RelOp = 'any_eq' | 'all_ne' | 'all_eq' | 'any_ne' | 'gt' | 'lt' | 'ge' | 'le' | 'contains' | 'matches';

export type ValueNode = TextSpan & (
  /** layers: which layers of its protocol (ip.src#2, ip.src#[1-2], ip.src#[-1]) */
  | { k: 'field'; name: string; layers?: SliceRange[]; alias?: string }
  /** ${ip.src}: the field's values in the selected packet */
  | { k: 'ref'; name: string; layers?: SliceRange[]; nameSpan: TextSpan }
  /** unparsed literal: an unquoted word, ":hex" bytes, a quoted string or a 'c' char constant */
  | { k: 'literal'; text: string; form: 'word' | 'bytes' | 'string' | 'char'; code?: number; raw?: boolean }
  | { k: 'slice'; base: ValueNode; ranges: SliceRange[]; rangeSpan: TextSpan }
  | { k: 'call'; fn: string; args: ValueNode[]; nameSpan: TextSpan }
  | { k: 'arith'; op: '+' | '-' | '*' | '/' | '%' | '&'; l: ValueNode; r: ValueNode }
  | { k: 'neg'; v: ValueNode }
);

/** [start, end) of a slice; negative offsets count from the end; end null = to the end */
export interface SliceRange { start: number; end: number | null }

export interface SetItem { lo: ValueNode; hi?: ValueNode }

export type TestNode = TextSpan & (
  | { k: 'or' | 'and'; l: TestNode; r: TestNode }
  | { k: 'not'; e: TestNode }
  | { k: 'rel'; op: RelOp; opText: string; l: ValueNode; r: ValueNode; quant?: 'any' | 'all' }
  | { k: 'in'; l: ValueNode; items: SetItem[]; negated: boolean; quant?: 'any' | 'all' }
  | { k: 'exists'; v: ValueNode }
);

const REL_OPS: Record<string, RelOp> = {
  '==': 'any_eq', eq: 'any_eq', any_eq: 'any_eq',
  '!=': 'all_ne', ne: 'all_ne', all_ne: 'all_ne',
  '===': 'all_eq', all_eq: 'all_eq',
  '!==': 'any_ne', '~=': 'any_ne', any_ne: 'any_ne',
  '>': 'gt', gt: 'gt', '<': 'lt', lt: 'lt', '>=': 'ge', ge: 'ge', '<=': 'le', le: 'le',
  contains: 'contains', matches: 'matches', '~': 'matches',
};

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'contains', 'matches', 'any_eq', 'all_ne', 'all_eq', 'any_ne', 'bitwise_and', 'any', 'all']);

export function parseFilter(src: string): TestNode {
  const p = new Parser(src, tokenize(src));
  const t = p.parseOr();
  p.expectEnd();
  return t;
}

/**
 * How deep parentheses, braces, function calls, `not` and unary signs may
 * nest. The parser and the compiled closures recurse once per level, so an
 * unbounded depth ends in a stack overflow instead of a filter error;
 * Wireshark's parser stops at a similar depth.
 */
export const MAX_NESTING = 100;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly src: string, private readonly toks: Token[]) {}

  private peek(o = 0): Token { return this.toks[Math.min(this.i + o, this.toks.length - 1)]!; }
  private next(): Token { return this.toks[this.i++]!; }
  private isWord(t: Token, w: string): boolean { return t.kind === 'word' && t.text === w; }
  private isOp(t: Token, o: string): boolean { return t.kind === 'op' && t.text === o; }

  unexpected(t: Token): FilterError {
    if (t.kind === 'eof') return new FilterError('Unexpected end of filter expression.', t.start, t.end);
    const text = t.kind === 'slice' ? `[${t.text}]` : this.src.slice(t.start, t.end);
    const s = t.kind === 'slice' ? t.start - 1 : t.start;
    const e = t.kind === 'slice' ? t.end + 1 : t.end;
    return new FilterError(`"${text}" was unexpected in this context.`, s, e);
  }

  /** Runs one nested level of the grammar, refusing to go deeper than MAX_NESTING. */
  private nested<T>(at: Token, fn: () => T): T {
    if (this.depth >= MAX_NESTING) {
      throw new FilterError(`The filter nests too deeply (more than ${MAX_NESTING} levels of parentheses, braces, functions, "not" or signs).`, at.start, at.end);
    }
    this.depth++;
    try { return fn(); } finally { this.depth--; }
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.kind !== 'eof') throw this.unexpected(t);
  }

  /** One precedence level of left-associative binary operators: operands read by `operand`, joined while `joins` accepts the next token. */
  private leftAssoc<N extends TextSpan>(operand: () => N, joins: (t: Token) => boolean, join: (l: N, r: N, op: Token) => N): N {
    let l = operand();
    for (;;) {
      const t = this.peek();
      if (!joins(t)) return l;
      this.next();
      l = join(l, operand(), t);
    }
  }

  parseOr(): TestNode {
    return this.leftAssoc(() => this.parseAnd(), (t) => this.isWord(t, 'or') || this.isOp(t, '||'), (l, r) => ({ k: 'or', l, r, start: l.start, end: r.end }));
  }

  parseAnd(): TestNode {
    return this.leftAssoc(() => this.parseNot(), (t) => this.isWord(t, 'and') || this.isOp(t, '&&'), (l, r) => ({ k: 'and', l, r, start: l.start, end: r.end }));
  }

  parseNot(): TestNode {
    const t = this.peek();
    if (this.isWord(t, 'not') || this.isOp(t, '!')) {
      this.next();
      const e = this.nested(t, () => this.parseNot());
      return { k: 'not', e, start: t.start, end: e.end };
    }
    return this.parseRelation();
  }

  parseRelation(): TestNode {
    const t = this.peek();
    if (this.isOp(t, '(')) {
      this.next();
      const e = this.nested(t, () => this.parseOr());
      const c = this.peek();
      if (!this.isOp(c, ')')) throw this.unexpected(c);
      this.next();
      return { ...e, start: t.start, end: c.end };
    }
    // any/all: how the occurrences of the left side must satisfy the relation
    let quant: 'any' | 'all' | undefined;
    if ((this.isWord(t, 'any') || this.isWord(t, 'all')) && this.peek(1).kind !== 'eof' && !(this.peek(1).kind === 'op' && REL_OPS[this.peek(1).text])) {
      quant = t.text as 'any' | 'all';
      this.next();
    }
    const l = this.parseBitAnd();
    const o = this.peek();
    const q = quant ? { quant } : {};
    const start = quant ? t.start : l.start;
    if (o.kind === 'word' && o.text === 'not' && this.isWord(this.peek(1), 'in')) {
      this.next();
      this.next();
      const items = this.parseSet();
      return { k: 'in', l, items, negated: true, ...q, start, end: this.toks[this.i - 1]!.end };
    }
    if (this.isWord(o, 'in')) {
      this.next();
      const items = this.parseSet();
      return { k: 'in', l, items, negated: false, ...q, start, end: this.toks[this.i - 1]!.end };
    }
    const op = (o.kind === 'op' || o.kind === 'word') ? REL_OPS[o.text] : undefined;
    if (op) {
      this.next();
      let r = this.parseBitAnd();
      let t: TestNode = { k: 'rel', op, opText: o.text, l, r, ...q, start, end: r.end };
      // tshark 4.0 chains comparisons: a < b <= c is a < b and b <= c
      for (let n = this.peek(); op !== 'contains' && op !== 'matches'; n = this.peek()) {
        const op2 = (n.kind === 'op' || n.kind === 'word') ? REL_OPS[n.text] : undefined;
        if (!op2 || op2 === 'contains' || op2 === 'matches') break;
        this.next();
        const r2 = this.parseBitAnd();
        t = { k: 'and', l: t, r: { k: 'rel', op: op2, opText: n.text, l: r, r: r2, start: r.start, end: r2.end }, start, end: r2.end };
        r = r2;
      }
      return t;
    }
    // a quantifier needs a relation
    if (quant) throw this.unexpected(o);
    return { k: 'exists', v: l, start: l.start, end: l.end };
  }

  parseSet(): SetItem[] {
    const open = this.peek();
    if (!this.isOp(open, '{')) throw this.unexpected(open);
    this.next();
    const items: SetItem[] = [];
    for (;;) {
      const t = this.peek();
      // "80..90" written without spaces is one word: split it.
      if (t.kind === 'word' && t.text.includes('..') && !resolveName(t.text)) {
        this.next();
        const at = t.text.indexOf('..');
        const lo = t.text.slice(0, at);
        const hi = t.text.slice(at + 2);
        if (!lo) throw new FilterError(`"${t.text}" was unexpected in this context.`, t.start, t.end);
        if (!hi) throw this.unexpected(this.peek());
        items.push({
          lo: { k: 'literal', form: 'word', text: lo, start: t.start, end: t.start + at },
          hi: { k: 'literal', form: 'word', text: hi, start: t.start + at + 2, end: t.end },
        });
      } else {
        const lo = this.parseBitAnd();
        let hi: ValueNode | undefined;
        if (this.isOp(this.peek(), '..')) {
          this.next();
          hi = this.parseBitAnd();
        }
        items.push(hi ? { lo, hi } : { lo });
      }
      const sep = this.peek();
      if (this.isOp(sep, ',')) { this.next(); continue; }
      if (this.isOp(sep, '}')) { this.next(); return items; }
      throw this.unexpected(sep);
    }
  }

  parseBitAnd(): ValueNode {
    return this.leftAssoc(() => this.parseAdd(), (t) => this.isOp(t, '&') || this.isWord(t, 'bitwise_and'), (l, r) => ({ k: 'arith', op: '&', l, r, start: l.start, end: r.end }));
  }

  parseAdd(): ValueNode {
    return this.leftAssoc(() => this.parseMul(), (t) => this.isOp(t, '+') || this.isOp(t, '-'), (l, r, t) => ({ k: 'arith', op: t.text as '+' | '-', l, r, start: l.start, end: r.end }));
  }

  parseMul(): ValueNode {
    return this.leftAssoc(() => this.parseUnary(), (t) => this.isOp(t, '*') || this.isOp(t, '/') || this.isOp(t, '%'), (l, r, t) => ({ k: 'arith', op: t.text as '*' | '/' | '%', l, r, start: l.start, end: r.end }));
  }

  parseUnary(): ValueNode {
    const t = this.peek();
    if (this.isOp(t, '-')) {
      this.next();
      // tshark 4.0 negates a value, not a braced expression
      if (this.isOp(this.peek(), '{')) throw this.unexpected(this.peek());
      const v = this.nested(t, () => this.parseUnary());
      // -5 is a literal: keep it one so that it converts like any number
      if (v.k === 'literal' && v.form === 'word') return { ...v, text: '-' + v.text, start: t.start };
      return { k: 'neg', v, start: t.start, end: v.end };
    }
    if (this.isOp(t, '+')) {
      this.next();
      return this.nested(t, () => this.parseUnary());
    }
    let v = this.parsePrimary();
    while (this.peek().kind === 'slice') {
      const s = this.next();
      v = { k: 'slice', base: v, ranges: parseRanges(s), rangeSpan: { start: s.start, end: s.end }, start: v.start, end: s.end + 1 };
    }
    return v;
  }

  /** ip.src#2, ip.src#[1-2], ip.src#[-1]: the '#' right after a field name, if any. */
  private parseLayers(after: number): SliceRange[] | undefined {
    const h = this.peek();
    if (!this.isOp(h, '#') || h.start !== after) return undefined;
    this.next();
    const n = this.peek();
    if (n.kind === 'eof') throw new FilterError('Unexpected end of filter expression.', n.start, n.end);
    if (n.kind === 'slice' && n.start === h.end + 1) {
      this.next();
      return parseRanges(n);
    }
    if (n.kind === 'word' && n.start === h.end && /^[0-9]+$/.test(n.text)) {
      this.next();
      const k = Number(n.text);
      return [{ start: k, end: k + 1 }];
    }
    const c = n.kind === 'slice' ? '[' : this.src[h.end] ?? '';
    throw new FilterError(`Expected digit or "[", not "${c}"`, h.end, h.end + 1);
  }

  parsePrimary(): ValueNode {
    const t = this.next();
    if (t.kind === 'string') return { k: 'literal', form: 'string', text: t.text, raw: t.raw, start: t.start, end: t.end };
    if (t.kind === 'char') return { k: 'literal', form: 'char', text: t.text, code: t.code, start: t.start, end: t.end };
    if (t.kind === 'ref') {
      const hash = t.text.indexOf('#');
      const name = hash < 0 ? t.text : t.text.slice(0, hash);
      const nameSpan = { start: t.start + 2, end: t.start + 2 + name.length };
      const r = resolveName(name);
      if (!r) throw new FilterError(`"${name}" is not a valid protocol or protocol field.`, nameSpan.start, nameSpan.end);
      let layers: SliceRange[] | undefined;
      if (hash >= 0) {
        const spec = t.text.slice(hash + 1);
        const at = t.start + 2 + hash + 1;
        if (/^[0-9]+$/.test(spec)) layers = [{ start: Number(spec), end: Number(spec) + 1 }];
        else if (spec.startsWith('[') && spec.endsWith(']')) layers = parseRanges({ kind: 'slice', text: spec.slice(1, -1), start: at + 1, end: at + spec.length - 1 });
        else throw new FilterError(`Expected digit or "[", not "${spec[0] ?? ''}"`, at, at + 1);
      }
      return { k: 'ref', name: r.name, ...(layers ? { layers } : {}), nameSpan, start: t.start, end: t.end };
    }
    if (t.kind === 'word') {
      if (KEYWORDS.has(t.text)) throw this.unexpected(t);
      if (this.isOp(this.peek(), '(') && this.peek().start === t.end) return this.nested(t, () => this.parseCall(t));
      if (t.text.startsWith(':') && !t.text.startsWith('::')) return { k: 'literal', form: 'bytes', text: t.text.slice(1), start: t.start, end: t.end };
      if (t.text.startsWith('.')) {
        // ".name" is a field, never a value
        const r = resolveName(t.text.slice(1));
        if (!r) throw new FilterError(`"${t.text.slice(1)}" is not a valid protocol or protocol field.`, t.start, t.end);
        return this.fieldAt(t, r);
      }
      const r = resolveName(t.text);
      if (r) return this.fieldAt(t, r);
      return { k: 'literal', form: 'word', text: t.text, start: t.start, end: t.end };
    }
    if (this.isOp(t, '{')) {
      // arithmetic grouping: {tcp.len + 1} * 2
      const inner = this.nested(t, () => this.parseBitAnd());
      const c = this.peek();
      if (!this.isOp(c, '}')) throw this.unexpected(c);
      this.next();
      return inner;
    }
    if (this.isOp(t, '$')) {
      // tshark 4.0 knows ${name} only: "$name" leaves the name unexpected
      throw this.unexpected(this.peek());
    }
    throw this.unexpected(t);
  }

  /** The field named by word `t` (resolved to `r`), with any #layers that follow it. */
  private fieldAt(t: Token, r: { name: string; alias?: string }): ValueNode {
    const layers = this.parseLayers(t.end);
    return { k: 'field', name: r.name, ...(r.alias ? { alias: r.alias } : {}), ...(layers ? { layers } : {}), start: t.start, end: this.toks[this.i - 1]!.end };
  }

  parseCall(name: Token): ValueNode {
    this.next(); // (
    const args: ValueNode[] = [];
    if (!this.isOp(this.peek(), ')')) {
      for (;;) {
        args.push(this.parseBitAnd());
        const s = this.peek();
        if (this.isOp(s, ',')) { this.next(); continue; }
        break;
      }
    }
    const c = this.peek();
    if (!this.isOp(c, ')')) throw this.unexpected(c);
    this.next();
    return { k: 'call', fn: name.text, args, nameSpan: { start: name.start, end: name.end }, start: name.start, end: c.end };
  }
}

/** Slice syntax: a comma list of  i:j (start, length)  i-j (start, end inclusive)  i  :j  i: */
function parseRanges(t: Token): SliceRange[] {
  const out: SliceRange[] = [];
  let pos = t.start;
  for (const part of t.text.split(',')) {
    const ps = pos;
    pos += part.length + 1;
    const s = part.trim();
    const num = (x: string, at: number): number => {
      if (!/^-?[0-9]+$/.test(x)) throw new FilterError(`"${x}" is not a valid number.`, at, at + Math.max(1, x.length));
      return Number(x);
    };
    const off = ps + (part.length - part.trimStart().length);
    let m: RegExpExecArray | null;
    if ((m = /^(-?[^:-]*):(.*)$/.exec(s))) {
      const a = m[1] === '' ? 0 : num(m[1]!, off);
      if (m[2] === '') { out.push({ start: a, end: null }); continue; }
      const len = num(m[2]!, off + m[1]!.length + 1);
      if (len <= 0) throw new FilterError(`Range ${s} isn't valid because length ${len} isn't positive`, off, off + s.length);
      out.push({ start: a, end: a < 0 && a + len >= 0 ? null : a + len });
    } else if ((m = /^(-?[^-]+)-(-?.+)$/.exec(s))) {
      const a = num(m[1]!, off);
      const b = num(m[2]!, off + m[1]!.length + 1);
      out.push({ start: a, end: b === -1 ? null : b + 1 });
    } else {
      const a = num(s, off);
      out.push({ start: a, end: a === -1 ? null : a + 1 });
    }
  }
  return out;
}
