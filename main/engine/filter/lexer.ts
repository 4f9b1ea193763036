// Tokenizer for Wireshark display filters (wireshark-filter(4), 4.0 syntax).
// Like Wireshark's scanner, unquoted runs of [A-Za-z0-9_.:/-] form one
// "word" (a field name, number, address, byte string or CIDR), and the parser
// decides what a word is once it knows the field it is compared with.

export class FilterError extends Error {
  constructor(message: string, readonly start: number, readonly end: number) {
    super(message);
  }
}

export type TokenKind = 'word' | 'string' | 'char' | 'op' | 'slice' | 'ref' | 'eof';

export interface Token {
  kind: TokenKind;
  /** source text of the token (for 'string': the decoded value; for 'slice': text between the brackets; for 'ref': the name between ${ and }) */
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
    // tshark 4.0's scanner takes blanks and newlines between tokens; anything
    // else unprintable (\r, a smart quote) only inside double quotes
    if (c === ' ' || c === '\t' || c === '\n') { i++; continue; }
    const start = i;
    const code = c.charCodeAt(0);
    if (code < 0x20 || code > 0x7e) throw new FilterError('Non-printable ASCII characters may only appear inside double-quotes.', start, start + 1);
    if (c === '$' && src[i + 1] === '{') {
      // a field reference ${ip.src} or ${ip.src#2} (macros were expanded before scanning)
      const close = src.indexOf('}', i + 2);
      if (close < 0) throw new FilterError('Unexpected end of filter expression.', n, n);
      out.push({ kind: 'ref', text: src.slice(i + 2, close), start, end: close + 1 });
      i = close + 1;
      continue;
    }
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
        let r: [string, number];
        try { r = readEscape(src, i); } catch (e) {
          const close = src.indexOf("'", i + 2);
          if (!(e instanceof FilterError) || close < 0) throw e;
          const what = e.message.endsWith('universal character name') ? 'is not a valid universal character name' : "isn't a valid character constant.";
          throw new FilterError(`${src.slice(start, close + 1)} ${what}`, start, close + 1);
        }
        val = r[0];
        i += r[1];
      } else {
        val = src[i] ?? '';
        i++;
      }
      if (src[i] !== "'" || val.length !== 1) {
        const close = src.indexOf("'", i);
        if (close > i) throw new FilterError(`${src.slice(start, close + 1)} is too long to be a valid character constant.`, start, close + 1);
        throw new FilterError('The final quote was missing from a character constant.', start, Math.min(i + 1, n));
      }
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
      // ".." always ends a word: "0.1...7" is 0.1, .., .7 (as tshark reads it)
      while (i < n && WORD.test(src[i]!) && !(src[i] === '.' && src[i + 1] === '.' && i > start)) i++;
      // a word does not end in ':' ("fc:" is fc, then an unexpected ":")
      if (i - start > 1 && src[i - 1] === ':' && src[i - 2] !== ':') i--;
      const text = src.slice(start, i);
      if (text === ':' || text === '.') throw new FilterError(`"${text}" was unexpected in this context.`, start, i);
      out.push({ kind: 'word', text, start, end: i });
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
  if (e === 'u' || e === 'U') {
    // a universal character name; like C, one may not name an ASCII character
    const len = e === 'u' ? 4 : 8;
    const hex = /^[0-9A-Fa-f]*/.exec(src.slice(i + 2, i + 2 + len))![0];
    const cp = /^[0-9A-Fa-f]+$/.test(hex) && hex.length === len ? parseInt(hex, 16) : NaN;
    if (Number.isNaN(cp) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || (cp < 0xa0 && cp !== 0x24 && cp !== 0x40 && cp !== 0x60)) {
      throw new FilterError(`\\${e}${hex} is not a valid universal character name`, i, i + 2 + hex.length);
    }
    return [String.fromCodePoint(cp), 2 + len];
  }
  const v = ESCAPES[e];
  if (v === undefined) throw new FilterError(`\\${e} is not a valid character escape sequence`, i, i + 2);
  return [v, 2];
}
