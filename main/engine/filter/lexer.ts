// Tokenizer for Wireshark display filters (wireshark-filter(4), 4.0 syntax).
// Like Wireshark's scanner, unquoted runs of [A-Za-z0-9_.:/-] form one
// "word" (a field name, number, address, byte string or CIDR), and the parser
// decides what a word is once it knows the field it is compared with.

export class FilterError extends Error {
  constructor(message: string, readonly start: number, readonly end: number) {
    super(message);
  }
}

export type TokenKind = 'word' | 'string' | 'char' | 'op' | 'slice' | 'eof';

export interface Token {
  kind: TokenKind;
  /** source text of the token (for 'string': the decoded value; for 'slice': text between the brackets) */
  text: string;
  start: number;
  end: number;
  /** 'char': the character's code; 'string': true when it was an r"..." raw string */
  code?: number;
  raw?: boolean;
}

const WORD = /[A-Za-z0-9_.:/-]/;
// Longest first, so '===' wins over '==' and '!==' over '!='.
const OPS = ['===', '!==', '==', '!=', '~=', '>=', '<=', '&&', '||', '..', '>', '<', '~', '!', '(', ')', '{', '}', ',', '&', '+', '-', '*', '/', '%', '#', '$'];

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", '0': '\0' };

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    const start = i;
    if (c === '"' || ((c === 'r' || c === 'R') && src[i + 1] === '"')) {
      const raw = c !== '"';
      i += raw ? 2 : 1;
      let s = '';
      for (;;) {
        if (i >= n) throw new FilterError('The final quote was missing from a quoted string.', start, n);
        const ch = src[i]!;
        if (ch === '"') { i++; break; }
        if (ch === '\\') {
          if (raw) {
            // raw strings keep the backslash; \" does not end the string
            s += ch + (src[i + 1] ?? '');
            i += 2;
            continue;
          }
          const [val, len] = readEscape(src, i);
          s += val;
          i += len;
          continue;
        }
        s += ch;
        i++;
      }
      out.push({ kind: 'string', text: s, start, end: i, raw });
      continue;
    }
    if (c === "'") {
      i++;
      let val: string;
      if (src[i] === '\\') {
        const [v, len] = readEscape(src, i);
        val = v;
        i += len;
      } else {
        val = src[i] ?? '';
        i++;
      }
      if (src[i] !== "'" || val.length !== 1) throw new FilterError('The final quote was missing from a character constant.', start, Math.min(i + 1, n));
      i++;
      out.push({ kind: 'char', text: src.slice(start, i), start, end: i, code: val.charCodeAt(0) });
      continue;
    }
    if (c === '[') {
      const close = src.indexOf(']', i + 1);
      if (close < 0) throw new FilterError('The right bracket was missing from a slice.', n, n);
      out.push({ kind: 'slice', text: src.slice(i + 1, close), start: i + 1, end: close });
      i = close + 1;
      continue;
    }
    // A word may start with '-' only inside a byte string like aa-bb; a leading
    // '-' is the minus operator, and a leading '..' is the range operator.
    if (WORD.test(c) && c !== '-' && !(c === '.' && src[i + 1] === '.') && c !== '/') {
      while (i < n && WORD.test(src[i]!)) i++;
      let text = src.slice(start, i);
      // A word never ends in '..' (that is "80.." in a set written without spaces before '}')
      if (text.endsWith('..')) { text = text.slice(0, -2); i -= 2; }
      out.push({ kind: 'word', text, start, end: start + text.length });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new FilterError(`"${c}" was unexpected in this context.`, start, start + 1);
    i += op.length;
    out.push({ kind: 'op', text: op, start, end: i });
  }
  out.push({ kind: 'eof', text: '', start: n, end: n });
  return out;
}

function readEscape(src: string, i: number): [string, number] {
  const e = src[i + 1];
  if (e === undefined) throw new FilterError('The final quote was missing from a quoted string.', i, src.length);
  if (e === 'x') {
    const m = /^[0-9A-Fa-f]{1,2}/.exec(src.slice(i + 2, i + 4));
    if (!m) throw new FilterError(`\\x has no hex digits`, i, i + 2);
    return [String.fromCharCode(parseInt(m[0], 16)), 2 + m[0].length];
  }
  if (e >= '0' && e <= '7') {
    const m = /^[0-7]{1,3}/.exec(src.slice(i + 1, i + 4))!;
    return [String.fromCharCode(parseInt(m[0], 8) & 0xff), 1 + m[0].length];
  }
  const v = ESCAPES[e];
  if (v === undefined) throw new FilterError(`\\${e} is not a valid character escape sequence`, i, i + 2);
  return [v, 2];
}
