// PostgreSQL's frontend/backend protocol v3 (tcp/5432): the untyped
// start-up packets (SSL/GSS requests, the startup message with its user,
// database and other parameters, the one-byte SSL answer) and every typed
// message (a type byte and a 4-byte length) — authentication requests and
// the password, SASL initial and SASL responses that answer them (told
// apart by the request, kept per connection), simple and extended queries,
// parameter status, backend key, errors and notices by field, command
// completion. Messages spanning segments are joined (bounded) and decoded
// on the segment that completes them. Fields, Info (">Q", "<R/S/Z") and
// frame.protocols as tshark 4.0's packet-pgsql.c.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { HeldBytesApp } from './pdu';
import type { TcpStream } from './tcpstream';
import { convKey, perConversation } from './conv';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT } = tables;
const { u16, u32, latin1 } = readers;

const FRONTEND: Record<string, string> = {
  B: 'Bind', C: 'Close', D: 'Describe', E: 'Execute', F: 'Function call', H: 'Flush', P: 'Parse', Q: 'Simple query', S: 'Sync',
  X: 'Termination', d: 'Copy data', c: 'Copy completion', f: 'Copy failure', p: 'Password message',
};
const BACKEND: Record<string, string> = {
  R: 'Authentication request', K: 'Backend key data', S: 'Parameter status', '1': 'Parse completion', '2': 'Bind completion',
  '3': 'Close completion', C: 'Command completion', t: 'Parameter description', T: 'Row description', D: 'Data row', I: 'Empty query',
  n: 'No data', E: 'Error', N: 'Notice', s: 'Portal suspended', Z: 'Ready for query', A: 'Notification', V: 'Function call response',
  G: 'CopyIn response', H: 'CopyOut response', d: 'Copy data', c: 'Copy completion', v: 'Negotiate protocol version', W: 'CopyBoth response',
};
const AUTH: Record<number, string> = {
  0: 'Success', 2: 'Kerberos V5', 3: 'Plaintext password', 5: 'MD5 password', 6: 'SCM credential', 7: 'GSSAPI', 8: 'GSSAPI/SSPI continue',
  9: 'SSPI', 10: 'SASL', 11: 'SASL continue', 12: 'SASL final',
};
/** Error and notice fields by their code letter. */
const ERROR_FIELDS: Record<string, string> = {
  S: 'pgsql.severity', V: 'pgsql.text', C: 'pgsql.code', M: 'pgsql.message', D: 'pgsql.detail', H: 'pgsql.hint', P: 'pgsql.position',
  p: 'pgsql.internal_position', q: 'pgsql.internal_query', W: 'pgsql.where', s: 'pgsql.schema_name', t: 'pgsql.table_name',
  c: 'pgsql.column_name', d: 'pgsql.type_name', n: 'pgsql.constraint_name', F: 'pgsql.file', L: 'pgsql.line', R: 'pgsql.routine',
};

declare('pgsql', 'PostgreSQL', [
  ['pgsql.type', 'string', 'Type'],
  ['pgsql.length', 'uint', 'Length'],
  ['pgsql.version_major', 'uint', 'Protocol major version'],
  ['pgsql.version_minor', 'uint', 'Protocol minor version'],
  ['pgsql.parameter_name', 'string', 'Parameter name'],
  ['pgsql.parameter_value', 'string', 'Parameter value'],
  ['pgsql.query', 'string', 'Query'],
  ['pgsql.statement', 'string', 'Statement'],
  ['pgsql.portal', 'string', 'Portal'],
  ['pgsql.password', 'string', 'Password'],
  ['pgsql.authtype', 'uint', 'Authentication type', { valueNames: AUTH }],
  ['pgsql.salt', 'bytes', 'Salt value'],
  ['pgsql.auth.sasl.mech', 'string', 'SASL authentication mechanism'],
  ['pgsql.auth.sasl.data.length', 'int', 'SASL authentication data length'],
  ['pgsql.auth.sasl.data', 'bytes', 'SASL authentication data'],
  ['pgsql.tag', 'string', 'Tag'],
  ['pgsql.status', 'uint', 'Status', { valueNames: { 73: 'Idle', 84: 'Transaction', 69: 'Failed' } }],
  ['pgsql.pid', 'uint', 'PID'],
  ['pgsql.key', 'uint', 'Key'],
  ['pgsql.field.count', 'uint', 'Field count'],
  ['pgsql.col.name', 'string', 'Column name'],
  ...Object.values(ERROR_FIELDS).map((n): [string, 'string', string] => [n, 'string', n.slice(6)]),
]);

/** What a connection's frontend answers next with 'p': the last authentication request's type. */
const auth = perConversation(() => ({ type: -1 }));
/** The Info of the frame being dissected so far (several messages share a segment). */
const frameInfo = new WeakMap<Ctx, { frame: number; types: string[] }>();

const MAX_MESSAGE = 1 << 20;
const SSL_REQUEST = 80877103, GSS_REQUEST = 80877104, CANCEL = 80877102;

/** A NUL-terminated string at o: [text, offset after the NUL], or null when there is none before end. */
function cstr(d: Uint8Array, o: number, end: number): [string, number] | null {
  for (let i = o; i < end; i++) if (d[i] === 0) return [latin1(d, o, i), i + 1];
  return null;
}

class PgsqlApp extends HeldBytesApp {
  /** the frontend's next message has no type byte (startup, SSL/GSS request) */
  private untyped: boolean;
  /** the last segment was the one-byte SSL/GSS answer */
  private bare = false;
  constructor(private readonly frontend: boolean) { super(); this.untyped = frontend; }
  override reset(): void { super.reset(); this.untyped = this.frontend; }
  claimedBare(): boolean { return this.bare; }

  override feed(ctx: Ctx, st: State, s: TcpStream, f: unknown, off: number, end: number): void {
    const d = ctx.d;
    // the server's one-byte answer to an SSL or GSS request
    this.bare = !this.frontend && this.held === null && end - off === 1 && (d[off] === 0x4e || d[off] === 0x53 || d[off] === 0x47);
    if (this.bare) { this.info(ctx); ctx.setSummary('PGSQL', '<'); return; }
    super.feed(ctx, st, s, f, off, end);
  }

  protected read(ctx: Ctx, st: State, d: Uint8Array, o: number, end: number): void {
    this.messages(ctx, st, d, o, end, this.info(ctx));
  }

  /** The Info accumulator for this frame. */
  private info(ctx: Ctx): { frame: number; types: string[] } {
    let acc = frameInfo.get(ctx);
    if (!acc || acc.frame !== ctx.pkt.number) { acc = { frame: ctx.pkt.number, types: [] }; frameInfo.set(ctx, acc); }
    return acc;
  }

  /** Bytes the message at o needs in all; -1 when its length is not known yet or is not believable. */
  private need(d: Uint8Array, o: number, end: number): number {
    if (this.untyped) return end - o < 4 ? -1 : u32(d, o);
    return end - o < 5 ? -1 : 1 + u32(d, o + 1);
  }

  private hold(d: Uint8Array, o: number, end: number): void {
    this.held = end - o <= MAX_MESSAGE ? d.slice(o, end) : null;
  }

  private messages(ctx: Ctx, st: State, d: Uint8Array, o: number, end: number, info: { types: string[] }): void {
    for (let n = 0; o < end && n < 4096; n++) {
      const need = this.need(d, o, end);
      if (need >= 0 && need < (this.untyped ? 8 : 5)) { ctx.boundsAt('pgsql', `message length ${need} is too short`, o, end - o); return; }
      if (need < 0 || o + need > end) { this.hold(d, o, end); break; }
      ctx.protocol = 'PGSQL';
      const l = ctx.layer('pgsql', o, need);
      if (info.types.length > 0) ctx.protocols.pop();
      const letter = this.untyped ? '' : String.fromCharCode(d[o]);
      info.types.push(letter);
      this.message(ctx, st, l, d, o, o + need, letter);
      o += need;
    }
    if (info.types.length) ctx.info = `${this.frontend ? '>' : '<'}${info.types.join('/')}`;
  }

  private message(ctx: Ctx, st: State, l: FieldNode, d: Uint8Array, o: number, end: number, letter: string): void {
    const str = (name: string, at: number): number => {
      const s = cstr(d, at, end);
      if (!s) { ctx.boundsAt('pgsql', `${name} runs past the message`, at, end - at); return -1; }
      ctx.add(l, name, s[0], at, s[1] - at);
      return s[1];
    };
    if (letter === '') {
      const code = u32(d, o + 4);
      this.untyped = code === SSL_REQUEST || code === GSS_REQUEST;
      const type = code === SSL_REQUEST ? 'SSL request' : code === GSS_REQUEST ? 'GSS encrypt request' : code === CANCEL ? 'Cancel request' : 'Startup message';
      ctx.add(l, 'pgsql.type', type, o, 0);
      ctx.add(l, 'pgsql.length', u32(d, o), o, 4);
      if (type !== 'Startup message') return;
      ctx.add(l, 'pgsql.version_major', u16(d, o + 4), o + 4, 2);
      ctx.add(l, 'pgsql.version_minor', u16(d, o + 6), o + 6, 2);
      for (let p = o + 8; p < end - 1;) {
        const name = str('pgsql.parameter_name', p);
        if (name < 0) return;
        const value = str('pgsql.parameter_value', name);
        if (value < 0) return;
        p = value;
      }
      return;
    }
    const names = this.frontend ? FRONTEND : BACKEND;
    const a = auth(st, convKey(ctx));
    let type = names[letter] ?? 'Unknown';
    // a 'p' answers the last authentication request: a SASL exchange or a password
    if (this.frontend && letter === 'p') type = a.type === 10 ? 'SASLInitialResponse message' : a.type === 11 ? 'SASLResponse message' : 'Password message';
    ctx.add(l, 'pgsql.type', type, o, 1);
    ctx.add(l, 'pgsql.length', u32(d, o + 1), o + 1, 4);
    const b = o + 5;
    if (this.frontend) {
      if (letter === 'Q') str('pgsql.query', b);
      else if (letter === 'P') { const s = str('pgsql.statement', b); if (s >= 0) str('pgsql.query', s); }
      else if (letter === 'B') { const p = str('pgsql.portal', b); if (p >= 0) str('pgsql.statement', p); }
      else if (letter === 'E') str('pgsql.portal', b);
      else if (letter === 'p') {
        if (a.type === 10) {
          const m = str('pgsql.auth.sasl.mech', b);
          if (m >= 0 && m + 4 <= end) {
            const n = u32(d, m) | 0;
            ctx.add(l, 'pgsql.auth.sasl.data.length', n, m, 4);
            if (n > 0 && m + 4 + n <= end && ctx.wants('pgsql.auth.sasl.data')) ctx.add(l, 'pgsql.auth.sasl.data', d.subarray(m + 4, m + 4 + n), m + 4, n);
          }
        } else if (a.type === 11) { if (ctx.wants('pgsql.auth.sasl.data') && b < end) ctx.add(l, 'pgsql.auth.sasl.data', d.subarray(b, end), b, end - b); }
        else str('pgsql.password', b);
      }
      return;
    }
    switch (letter) {
      case 'R': {
        if (b + 4 > end) { ctx.boundsAt('pgsql', 'authentication type cut short', b, end - b); return; }
        const t = u32(d, b);
        ctx.add(l, 'pgsql.authtype', t, b, 4);
        if (ctx.inner === 0) a.type = t;
        if (t === 5 && b + 8 <= end && ctx.wants('pgsql.salt')) ctx.add(l, 'pgsql.salt', d.subarray(b + 4, b + 8), b + 4, 4);
        else if (t === 10) for (let p = b + 4; p < end && d[p] !== 0;) { const n = str('pgsql.auth.sasl.mech', p); if (n < 0) break; p = n; }
        else if ((t === 11 || t === 12) && b + 4 < end && ctx.wants('pgsql.auth.sasl.data')) ctx.add(l, 'pgsql.auth.sasl.data', d.subarray(b + 4, end), b + 4, end - b - 4);
        return;
      }
      case 'S': { const n = str('pgsql.parameter_name', b); if (n >= 0) str('pgsql.parameter_value', n); return; }
      case 'K': if (b + 8 <= end) { ctx.add(l, 'pgsql.pid', u32(d, b), b, 4); ctx.add(l, 'pgsql.key', u32(d, b + 4), b + 4, 4); } return;
      case 'Z': if (b < end) ctx.add(l, 'pgsql.status', d[b], b, 1); return;
      case 'C': str('pgsql.tag', b); return;
      case 'T': {
        if (b + 2 > end) return;
        const n = u16(d, b);
        ctx.add(l, 'pgsql.field.count', n, b, 2);
        let p = b + 2;
        for (let i = 0; i < n && p < end; i++) { const s = str('pgsql.col.name', p); if (s < 0) return; p = s + 18; }
        return;
      }
      case 'D': if (b + 2 <= end) ctx.add(l, 'pgsql.field.count', u16(d, b), b, 2); return;
      case 'E': case 'N': {
        for (let p = b; p < end && d[p] !== 0;) {
          const name = ERROR_FIELDS[String.fromCharCode(d[p])];
          const s = cstr(d, p + 1, end);
          if (!s) { ctx.boundsAt('pgsql', 'error field runs past the message', p, end - p); return; }
          if (name) ctx.add(l, name, s[0], p + 1, s[1] - p - 1);
          p = s[1];
        }
        return;
      }
      default:
    }
  }
}

TCP_PORT.add([5432], (_sp, dp) => new PgsqlApp(dp === 5432));
