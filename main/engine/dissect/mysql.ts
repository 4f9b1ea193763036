// MySQL/MariaDB client/server protocol (tcp/3306): packets (3-byte length,
// sequence number), the server greeting (protocol, version, thread id,
// capabilities, authentication plugin), the login request (user, schema,
// client plugin), commands (Query and its statement, Quit, Use Database,
// ...) and the responses a review reads (OK with affected rows, errors
// with code, SQL state and message, result sets). What the server answers
// is read by the state of the connection (greeting, login, last command),
// kept per connection. Packets spanning segments are joined (bounded) and
// decoded on the segment that completes them. Fields and Info as tshark
// 4.0's packet-mysql.c.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, treeLine, HEX8, HEX16 } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { HeldBytesApp } from './pdu';
import { convKey, perConversation } from './conv';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT } = tables;
const { u16le, u32le, latin1 } = readers;

const COMMANDS = ['Sleep', 'Quit', 'Use Database', 'Query', 'Show Fields', 'Create Database', 'Drop Database', 'Refresh', 'Shutdown', 'Statistics',
  'Process List', 'Connect', 'Kill Server Thread', 'Dump Debuginfo', 'Ping', 'Time', 'Insert Delayed', 'Change User', 'Send Binlog', 'Send Table',
  'Slave Connect', 'Register Slave', 'Prepare Statement', 'Execute Statement', 'Send BLOB', 'Close Statement', 'Reset Statement', 'Set Option',
  'Fetch Data', 'Daemon', 'Binlog Dump GTID', 'Reset Connection'];

/**
 * What each response packet was (packet-mysql.c appends it to the packet's
 * protocol item: "MySQL Protocol - response OK"), by its layer's node, for
 * the frame that made it (nodes are pooled and reused by later frames).
 */
const KINDS = new WeakMap<FieldNode, { frame: number; kind: string }>();
treeLine('mysql', (v) => {
  const k = KINDS.get(v.layer as FieldNode);
  return k !== undefined && k.frame === v.dissection?.packet.number ? `${v.title} - ${k.kind}` : v.title;
});

declare('mysql', 'MySQL Protocol', [
  ['mysql.packet_length', 'uint', 'Packet Length'],
  ['mysql.packet_number', 'uint', 'Packet Number'],
  ['mysql.protocol', 'uint', 'Protocol'],
  ['mysql.version', 'string', 'Version'],
  ['mysql.thread_id', 'uint', 'Thread ID'],
  ['mysql.caps.server', 'uint', 'Server Capabilities', HEX16],
  ['mysql.server_status', 'uint', 'Server Status', HEX16],
  ['mysql.auth_plugin', 'string', 'Authentication Plugin'],
  ['mysql.caps.client', 'uint', 'Client Capabilities', HEX16],
  ['mysql.max_packet', 'uint', 'MAX Packet'],
  ['mysql.user', 'string', 'Username'],
  ['mysql.passwd', 'bytes', 'Password'],
  ['mysql.schema', 'string', 'Schema'],
  ['mysql.client_auth_plugin', 'string', 'Client Auth Plugin'],
  ['mysql.command', 'uint', 'Command', { valueNames: Object.fromEntries(COMMANDS.map((c, i) => [i, c])) }],
  ['mysql.query', 'string', 'Statement'],
  ['mysql.response_code', 'uint', 'Response Code', HEX8],
  ['mysql.affected_rows', 'uint', 'Affected Rows'],
  ['mysql.error_code', 'uint', 'Error Code'],
  ['mysql.sqlstate', 'string', 'SQL state'],
  ['mysql.error.message', 'string', 'Error message'],
  ['mysql.num_fields', 'uint', 'Number of fields'],
]);

/** What the server's next packets are, per connection. */
interface Conn { state: 'greeting' | 'login' | 'auth' | 'idle' | 'response' | 'fields' | 'rows'; fields: number }
const conns = perConversation((): Conn => ({ state: 'greeting', fields: 0 }));

const MAX_PACKET = 1 << 20;

/** A NUL-terminated string at o: [text, offset after the NUL], or null when there is none before end. */
function cstr(d: Uint8Array, o: number, end: number): [string, number] | null {
  for (let i = o; i < end; i++) if (d[i] === 0) return [latin1(d, o, i), i + 1];
  return null;
}

/** A length-encoded integer at o: [value, bytes], or null when cut. */
function lenenc(d: Uint8Array, o: number, end: number): [number, number] | null {
  if (o >= end) return null;
  const b = d[o];
  if (b < 0xfb) return [b, 1];
  const n = b === 0xfc ? 2 : b === 0xfd ? 3 : b === 0xfe ? 8 : 0;
  if (n === 0 || o + 1 + n > end) return null;
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + d[o + 1 + i];
  return [v, 1 + n];
}

class MysqlApp extends HeldBytesApp {
  /** what the response packet being read is, for its protocol item */
  private kind = '';
  constructor(private readonly client: boolean) { super(); }

  /** the packets of [o, end) */
  protected read(ctx: Ctx, st: State, d: Uint8Array, o: number, end: number): void {
    const c = conns(st, convKey(ctx));
    let info = '';
    for (let n = 0; o < end && n < 4096; n++) {
      if (end - o < 4 || o + 4 + (d[o] | (d[o + 1] << 8) | (d[o + 2] << 16)) > end) {
        this.held = end - o <= MAX_PACKET ? d.slice(o, end) : null;
        break;
      }
      const len = d[o] | (d[o + 1] << 8) | (d[o + 2] << 16);
      const l = ctx.layer('mysql', o, 4 + len);
      if (n > 0) ctx.protocols.pop();
      ctx.add(l, 'mysql.packet_length', len, o, 3);
      ctx.add(l, 'mysql.packet_number', d[o + 3], o + 3, 1);
      this.kind = '';
      const text = this.client ? this.request(ctx, c, l, d, o + 4, o + 4 + len) : this.response(ctx, c, l, d, o + 4, o + 4 + len);
      if (this.kind) KINDS.set(l, { frame: ctx.pkt.number, kind: this.kind });
      if (n === 0 || text) info = info || text;
      o += 4 + len;
    }
    if (info) ctx.setSummary('MySQL', info);
  }

  private request(ctx: Ctx, c: Conn, l: FieldNode, d: Uint8Array, o: number, end: number): string {
    if (c.state === 'login' || (c.state === 'greeting' && d[o - 1] === 1)) return this.login(ctx, c, l, d, o, end);
    if (c.state === 'auth') return 'Request Authentication';
    if (o >= end) return 'Request';
    const cmd = d[o];
    ctx.add(l, 'mysql.command', cmd, o, 1);
    if (cmd === 3 || cmd === 22) ctx.add(l, 'mysql.query', latin1(d, o + 1, end), o + 1, end - o - 1);
    else if (cmd === 2) ctx.add(l, 'mysql.schema', latin1(d, o + 1, end), o + 1, end - o - 1);
    if (ctx.inner === 0) c.state = 'response';
    return `Request ${COMMANDS[cmd] ?? 'Unknown'}`;
  }

  private login(ctx: Ctx, c: Conn, l: FieldNode, d: Uint8Array, o: number, end: number): string {
    if (end - o < 32) { ctx.boundsAt('mysql', 'login request cut short', o, end - o); return 'Login Request'; }
    const caps = u16le(d, o), ext = u16le(d, o + 2);
    ctx.add(l, 'mysql.caps.client', caps, o, 2);
    ctx.add(l, 'mysql.max_packet', u32le(d, o + 4), o + 4, 4);
    let p = o + 32;
    const user = cstr(d, p, end);
    if (ctx.inner === 0) c.state = 'auth';
    if (!user) { ctx.boundsAt('mysql', 'user name runs past the packet', p, end - p); return 'Login Request'; }
    ctx.add(l, 'mysql.user', user[0], p, user[1] - p);
    p = user[1];
    // the auth response: length-encoded, one length byte, or NUL-terminated, by the capabilities
    let auth: [number, number] | null = null;
    if (ext & 0x20) { const v = lenenc(d, p, end); if (v) auth = [p + v[1], v[0]]; }
    else if (caps & 0x8000) { if (p < end) auth = [p + 1, d[p]]; }
    else { const s = cstr(d, p, end); if (s) auth = [p, s[1] - p - 1]; }
    if (!auth || auth[0] + auth[1] > end) return `Login Request user=${user[0]}`;
    if (auth[1] > 0 && ctx.wants('mysql.passwd')) ctx.add(l, 'mysql.passwd', d.subarray(auth[0], auth[0] + auth[1]), auth[0], auth[1]);
    p = auth[0] + auth[1] + (caps & 0x8000 || ext & 0x20 ? 0 : 1);
    let db = '';
    if (caps & 0x0008) { const s = cstr(d, p, end); if (s) { db = s[0]; ctx.add(l, 'mysql.schema', s[0], p, s[1] - p); p = s[1]; } }
    if (ext & 0x08) { const s = cstr(d, p, end); if (s) ctx.add(l, 'mysql.client_auth_plugin', s[0], p, s[1] - p); }
    return `Login Request user=${user[0]}${db ? ` db=${db}` : ''}`;
  }

  private response(ctx: Ctx, c: Conn, l: FieldNode, d: Uint8Array, o: number, end: number): string {
    if (c.state === 'greeting') return this.greeting(ctx, c, l, d, o, end);
    if (o >= end) return 'Response';
    const code = d[o];
    const set = (s: Conn['state']): void => { if (ctx.inner === 0) c.state = s; };
    if (c.state === 'fields' || c.state === 'rows') {
      // column definitions, then rows, each part ended by an EOF
      if (code === 0xfe && end - o < 9) {
        ctx.add(l, 'mysql.response_code', code, o, 1);
        if (o + 5 <= end) ctx.add(l, 'mysql.server_status', u16le(d, o + 3), o + 3, 2);
        this.kind = c.state === 'fields' ? 'intermediate EOF' : 'response EOF';
        set(c.state === 'fields' ? 'rows' : 'idle');
      } else if (code === 0xff) { this.error(ctx, l, d, o, end); this.kind = 'response ERROR'; }
      else this.kind = c.state === 'fields' ? 'field packet' : 'row packet';
      return '';
    }
    this.kind = code === 0x00 ? 'response OK' : code === 0xff ? 'response ERROR' : '';
    if (code === 0x00 && (c.state === 'response' || c.state === 'auth' || c.state === 'idle')) {
      ctx.add(l, 'mysql.response_code', code, o, 1);
      const rows = lenenc(d, o + 1, end);
      if (rows) {
        ctx.add(l, 'mysql.affected_rows', rows[0], o + 1, rows[1]);
        const id = lenenc(d, o + 1 + rows[1], end);
        const at = o + 1 + rows[1] + (id ? id[1] : 0);
        if (id && at + 2 <= end) ctx.add(l, 'mysql.server_status', u16le(d, at), at, 2);
      }
      set('idle');
      return 'Response  OK';
    }
    if (code === 0xff) { set('idle'); return `Response  Error ${this.error(ctx, l, d, o, end)}`; }
    if (code === 0xfe && c.state === 'auth') { ctx.add(l, 'mysql.response_code', code, o, 1); return 'Response  Auth Switch Request'; }
    if (code === 0xfe && end - o < 9) { ctx.add(l, 'mysql.response_code', code, o, 1); set('idle'); this.kind = 'response EOF'; return 'Response  EOF'; }
    if (c.state === 'response') {
      this.kind = 'column count';
      const n = lenenc(d, o, end);
      if (n) ctx.add(l, 'mysql.num_fields', n[0], o, n[1]);
      set('fields');
      return 'Response TABULAR Response';
    }
    return 'Response';
  }

  /** An error packet: code, SQL state, message. Returns the code. */
  private error(ctx: Ctx, l: FieldNode, d: Uint8Array, o: number, end: number): number {
    ctx.add(l, 'mysql.response_code', 0xff, o, 1);
    if (o + 3 > end) return 0;
    const code = u16le(d, o + 1);
    ctx.add(l, 'mysql.error_code', code, o + 1, 2);
    let p = o + 3;
    if (p + 6 <= end && d[p] === 0x23) { ctx.add(l, 'mysql.sqlstate', latin1(d, p + 1, p + 6), p + 1, 5); p += 6; }
    ctx.add(l, 'mysql.error.message', latin1(d, p, end), p, end - p);
    return code;
  }

  private greeting(ctx: Ctx, c: Conn, l: FieldNode, d: Uint8Array, o: number, end: number): string {
    if (ctx.inner === 0) c.state = 'login';
    if (o >= end) return 'Server Greeting';
    const proto = d[o];
    ctx.add(l, 'mysql.protocol', proto, o, 1);
    // an error instead of a greeting (host not allowed)
    if (proto === 0xff) return `Response  Error ${this.error(ctx, l, d, o, end)}`;
    const v = cstr(d, o + 1, end);
    if (!v) { ctx.boundsAt('mysql', 'server version runs past the packet', o + 1, end - o - 1); return 'Server Greeting'; }
    ctx.add(l, 'mysql.version', v[0], o + 1, v[1] - o - 1);
    let p = v[1];
    const text = `Server Greeting  proto=${proto} version=${v[0].replace(/^5\.5\.5-/, '')}`;
    if (p + 31 > end) return text;
    ctx.add(l, 'mysql.thread_id', u32le(d, p), p, 4);
    p += 13;
    ctx.add(l, 'mysql.caps.server', u16le(d, p), p, 2);
    ctx.add(l, 'mysql.server_status', u16le(d, p + 3), p + 3, 2);
    const pluginLen = d[p + 7];
    p += 18;
    // the second part of the salt, then the plugin's name
    const salt2 = Math.max(13, pluginLen - 8);
    p += salt2;
    const plugin = cstr(d, p, end);
    if (plugin) ctx.add(l, 'mysql.auth_plugin', plugin[0], p, plugin[1] - p);
    return text;
  }
}

TCP_PORT.add([3306], (_sp, dp) => new MysqlApp(dp === 3306));
