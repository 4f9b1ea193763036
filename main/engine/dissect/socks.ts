// SOCKS 4, 4a and 5 (RFC 1928, RFC 1929 username/password, RFC 1961
// GSS-API) on tcp/1080, as tshark 4.0's packet-socks.c: a state machine
// per TCP stream walks the greeting, the authentication and the command
// and its reply; then the tunnelled bytes go, after a SOCKS layer naming
// the command and remote port, to the protocol registered on that remote
// port (HTTP on 80, FTP on 21, ...), else a TCP heuristic, else data. Its
// quirks are kept where they show in fields: after a SOCKS 4 reply
// `socks.dst` holds the request's first four bytes, a BIND's tunnel has
// remote port 0, and once a SOCKS 5 BIND has its second reply every
// server segment is read as another one. Not done: the UDP ASSOCIATE
// relay (its datagrams stay UDP's), GSS-API encapsulated data.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { pastEnd } from './cut';
import { declare } from './fields';
import { dissectData } from './data';
import * as tables from './tables';
import type { TcpApp, TcpFlow, TcpStream } from './tcpstream';
const { TCP_PORT, TCP_HEURISTICS } = tables;

const CONNECT = 1, BIND = 2;
const COMMANDS: Record<number, string> = { 1: 'Connect', 2: 'Bind', 3: 'UdpAssociate', 0x80: 'Ping', 0x81: 'Traceroute' };

declare('socks', 'Socks Protocol', [
  ['socks.version', 'uint', 'Version'],
  ['socks.dst', 'ipv4', 'Remote Address'],
  ['socks.dstV6', 'ipv6', 'Remote Address(ipv6)'],
  ['socks.gssapi.data', 'bytes', 'GSSAPI data'],
  ['socks.gssapi.command', 'uint', 'SOCKS/GSSAPI command', { valueNames: { 1: 'Authentication', 0xff: 'Failure' } }],
  ['socks.gssapi.length', 'uint', 'SOCKS/GSSAPI data length'],
  ['socks.v4a_dns_name', 'string', 'SOCKS v4a Remote Domain Name'],
  ['socks.dstport', 'uint', 'Remote Port'],
  ['socks.command', 'uint', 'Command', { valueNames: COMMANDS }],
  ['socks.results', 'uint', 'Results'],
  ['socks.auth_method_count', 'uint', 'Authentication Method Count'],
  ['socks.auth_method', 'uint', 'Method'],
  ['socks.reserved', 'uint', 'Reserved'],
  ['socks.port', 'uint', 'Port'],
  ['socks.auth_accepted_method', 'uint', 'Accepted Auth Method'],
  ['socks.auth_status', 'uint', 'Status'],
  ['socks.remote_host_port', 'uint', 'Remote Host Port'],
  ['socks.subnegotiation_version', 'uint', 'Subnegotiation Version'],
  ['socks.username', 'string', 'User name'],
  ['socks.password', 'string', 'Password'],
  ['socks.remote_name', 'string', 'Remote name'],
  ['socks.address_type', 'uint', 'Address Type', { valueNames: { 1: 'IPv4', 3: 'Domain Name', 4: 'IPv6' } }],
  ['tcp.payload', 'bytes', 'TCP payload'],
]);

const enum S {
  None, V4Reply, V4Done, V5Method, V5User, V5UserReply, V5Gss, V5GssReply, V5Command, V5Reply, V5BindReply, V5Done, V5Idle,
}

/** One SOCKS connection's state (socks_hash_entry_t), shared by both directions. */
class Conv {
  state = S.None;
  version = 0;
  command = 0;
  port = 0;
  /** SOCKS 4: what tshark keeps as the remote address (the request's first four bytes) */
  v4dst = 0;
  /** the tunnelled protocol's reassembler per direction (client to server, back) once chosen */
  apps: [TcpApp | null | undefined, TcpApp | null | undefined] = [undefined, undefined];
}
const convs = new WeakMap<TcpStream, Conv>();

/** tshark's exception on reading past the segment */
class OutOfBytes {}

function latin1(d: Uint8Array, o: number, n: number): string {
  let s = '';
  for (let i = o; i < o + n && d[i] !== 0; i++) s += String.fromCharCode(d[i]);
  return s;
}

/** the v5 address (type, then IPv4, a length-prefixed name or IPv6) and its port field */
function address(ctx: Ctx, l: FieldNode, o: number, end: number, portField: string): number {
  const d = ctx.d;
  if (o >= end) throw new OutOfBytes();
  const t = d[o];
  ctx.add(l, 'socks.address_type', t, o, 1);
  o++;
  if (t === 1) {
    if (o + 4 > end) throw new OutOfBytes();
    ctx.add(l, 'socks.dst', (d[o] << 24 | d[o + 1] << 16 | d[o + 2] << 8 | d[o + 3]) >>> 0, o, 4);
    o += 4;
  } else if (t === 3) {
    if (o >= end || o + 1 + d[o] > end) throw new OutOfBytes();
    const n = d[o];
    ctx.add(l, 'socks.remote_name', latin1(d, o + 1, n), o, n + 1);
    o += n + 1;
  } else if (t === 4) {
    if (o + 16 > end) throw new OutOfBytes();
    ctx.add(l, 'socks.dstV6', d.subarray(o, o + 16), o, 16);
    o += 16;
  }
  if (o + 2 > end) throw new OutOfBytes();
  ctx.add(l, portField, d[o] << 8 | d[o + 1], o, 2);
  return o + 2;
}

/** a NUL-terminated string from o (tvb_strsize: throws without its NUL); returns its size with the NUL */
function strsize(d: Uint8Array, o: number, end: number): number {
  for (let i = o; i < end; i++) if (d[i] === 0) return i - o + 1;
  throw new OutOfBytes();
}

class SocksApp implements TcpApp {
  constructor(private readonly client: boolean) {}

  feed(ctx: Ctx, st: State, s: TcpStream, flow: TcpFlow, off: number, end: number): void {
    let c = convs.get(s);
    if (!c) { c = new Conv(); convs.set(s, c); }
    const d = ctx.d;
    ctx.protocol = 'Socks';
    const l = ctx.layer('socks', off, end - off);
    let info = c.state === S.None ? '' : `Version: ${c.version}`;
    ctx.info = info;
    const u8 = (o: number): number => { if (o >= end) throw new OutOfBytes(); return d[o]; };
    const u16 = (o: number): number => { if (o + 2 > end) throw new OutOfBytes(); return d[o] << 8 | d[o + 1]; };
    const set = (text: string): void => { info = `Version: ${c.version} ${text}`; ctx.info = info; };
    try {
      if (c.state === S.None) {
        if (!this.client) return;
        const v = d[off];
        if (v !== 4 && v !== 5) { ctx.info = 'Unknown'; return; }
        c.version = v;
        info = `Version: ${v}`;
        ctx.info = info;
        // tshark names a SOCKS 4 request before its state machine reads the port; a SOCKS 5 greeting after it reads the method count
        if (v === 4) set('Connect to server request');
        if (off + (v === 4 ? 4 : 2) > end) throw new OutOfBytes();
        set('Connect to server request');
        ctx.add(l, 'socks.version', v, off, 1);
        if (v === 4) {
          c.command = u8(off + 1);
          ctx.add(l, 'socks.command', c.command, off + 1, 1);
          c.port = u16(off + 2);
          ctx.add(l, 'socks.dstport', c.port, off + 2, 2);
          if (off + 8 > end) throw new OutOfBytes();
          const ip = (d[off + 4] << 24 | d[off + 5] << 16 | d[off + 6] << 8 | d[off + 7]) >>> 0;
          ctx.add(l, 'socks.dst', ip, off + 4, 4);
          c.v4dst = (d[off] << 24 | d[off + 1] << 16 | d[off + 2] << 8 | d[off + 3]) >>> 0;
          c.state = S.V4Reply;
          const un = strsize(d, off + 8, end);
          ctx.add(l, 'socks.username', latin1(d, off + 8, un), off + 8, un);
          // 0.0.0.x (x not 0): SOCKS 4a, the host's name follows
          if (ip > 0 && ip < 256) {
            const dn = strsize(d, off + 8 + un, end);
            ctx.add(l, 'socks.v4a_dns_name', latin1(d, off + 8 + un, dn), off + 8 + un, dn);
          }
        } else {
          const n = u8(off + 1);
          ctx.add(l, 'socks.auth_method_count', n, off + 1, 1);
          c.state = S.V5Method;
          for (let i = 0; i < n; i++) ctx.add(l, 'socks.auth_method', u8(off + 2 + i), off + 2 + i, 1);
        }
        return;
      }
      if (c.state === S.V4Done || c.state === S.V5Done) { this.tunnel(ctx, st, s, flow, c, l, off, end); return; }
      const serverSide = c.state === S.V4Reply || c.state === S.V5Method || c.state === S.V5UserReply || c.state === S.V5GssReply
        || c.state === S.V5Reply || c.state === S.V5BindReply;
      // a segment the state does not expect from this side: the version alone, in Info
      if (serverSide === this.client || c.state === S.V5Idle) return;
      switch (c.state) {
        case S.V4Reply:
          set('Connect Response');
          ctx.add(l, 'socks.version', u8(off), off, 1);
          ctx.add(l, 'socks.results', u8(off + 1), off + 1, 1);
          ctx.add(l, 'socks.dstport', u16(off + 2), off + 2, 2);
          c.state = S.V4Done;
          if (off + 8 > end) throw new OutOfBytes();
          ctx.add(l, 'socks.dst', (d[off + 4] << 24 | d[off + 5] << 16 | d[off + 6] << 8 | d[off + 7]) >>> 0, off + 4, 4);
          return;
        case S.V5Method: {
          set('Connect to server response');
          ctx.add(l, 'socks.version', u8(off), off, 1);
          const m = u8(off + 1);
          ctx.add(l, 'socks.auth_accepted_method', m, off + 1, 1);
          c.state = m === 0 ? S.V5Command : m === 1 ? S.V5Gss : m === 2 ? S.V5User : S.V5Idle;
          return;
        }
        case S.V5User: case S.V5UserReply: {
          const req = c.state === S.V5User;
          set(req ? 'User authentication request' : 'User authentication reply');
          ctx.add(l, 'socks.version', c.version, off, 0);
          ctx.add(l, 'socks.subnegotiation_version', u8(off), off, 1);
          c.state = req ? S.V5UserReply : S.V5Command;
          if (!req) { ctx.add(l, 'socks.auth_status', u8(off + 1), off + 1, 1); return; }
          let o = off + 1;
          for (const f of ['socks.username', 'socks.password']) {
            const n = u8(o);
            if (o + 1 + n > end) throw new OutOfBytes();
            ctx.add(l, f, latin1(d, o + 1, n), o, n + 1);
            o += n + 1;
          }
          return;
        }
        case S.V5Gss: case S.V5GssReply: {
          const req = c.state === S.V5Gss;
          set(req ? 'GSSAPI authentication request' : 'GSSAPI authentication reply');
          ctx.add(l, 'socks.version', c.version, off, 0);
          ctx.add(l, 'socks.subnegotiation_version', u8(off), off, 1);
          c.state = req ? S.V5GssReply : S.V5Command;
          ctx.add(l, 'socks.gssapi.command', u8(off + 1), off + 1, 1);
          const n = u16(off + 2);
          ctx.add(l, 'socks.gssapi.length', n, off + 2, 2);
          if (off + 4 + n > end) throw new OutOfBytes();
          if (n > 0) ctx.add(l, 'socks.gssapi.data', d.subarray(off + 4, off + 4 + n), off + 4, n);
          return;
        }
        case S.V5Command: {
          // tshark's state machine finds the port past the address before it shows anything: a cut request shows nothing
          const t = u8(off + 3);
          const portAt = off + 4 + (t === 1 ? 4 : t === 4 ? 16 : t === 3 ? u8(off + 4) + 1 : 0);
          u16(portAt);
          c.command = u8(off + 1);
          set(`Command Request - ${COMMANDS[c.command] ?? 'Unknown'}`);
          ctx.add(l, 'socks.version', u8(off), off, 1);
          ctx.add(l, 'socks.command', c.command, off + 1, 1);
          ctx.add(l, 'socks.reserved', u8(off + 2), off + 2, 1);
          c.state = S.V5Reply;
          c.port = u16(address(ctx, l, off + 3, end, 'socks.port') - 2);
          return;
        }
        case S.V5Reply: case S.V5BindReply: {
          const bindInfo = c.state === S.V5BindReply;
          set(bindInfo ? 'Command Response: Bind remote host info' : `Command Response - ${COMMANDS[c.command] ?? 'Unknown'}`);
          ctx.add(l, 'socks.version', u8(off), off, 1);
          ctx.add(l, 'socks.results', u8(off + 1), off + 1, 1);
          ctx.add(l, 'socks.reserved', u8(off + 2), off + 2, 1);
          if (!bindInfo) c.state = c.command === BIND ? S.V5BindReply : S.V5Done;
          address(ctx, l, off + 3, end, bindInfo ? 'socks.remote_host_port' : 'socks.port');
          return;
        }
        default:
      }
    } catch (e) {
      if (!(e instanceof OutOfBytes)) throw e;
      ctx.protocol = 'Socks';
      ctx.info = info;
      pastEnd(ctx, 'socks', 'SOCKS message cut short', off, end - off, end);
    }
  }

  /** the tunnelled bytes: a SOCKS layer naming them, then the remote port's protocol */
  private tunnel(ctx: Ctx, st: State, s: TcpStream, flow: TcpFlow, c: Conv, l: FieldNode, off: number, end: number): void {
    const v4 = c.version === 4;
    // a BIND's or UDP ASSOCIATE's tunnel has no remote port tshark keeps
    const port = c.command === CONNECT ? c.port : 0;
    ctx.add(l, 'socks.version', c.version, off, 0);
    ctx.add(l, 'socks.command', c.command, off, 0);
    if (v4) ctx.add(l, 'socks.dst', c.v4dst, off, 0);
    ctx.add(l, 'socks.dstport', port, off, 0);
    ctx.add(l, 'tcp.payload', ctx.d.subarray(off, end), off, end - off);
    const dir = this.client ? 0 : 1;
    let app = c.apps[dir];
    if (app === undefined) {
      // as decode_tcp_ports: the remote port stands in for the proxy's
      const sp = this.client ? ctx.srcPort : port, dp = this.client ? port : ctx.dstPort;
      const f = TCP_PORT.choose(sp, dp, 0, ctx.d, off, end);
      app = f !== undefined ? f(sp, dp, TCP_PORT.matched) : TCP_HEURISTICS.find(ctx.d, off, end)?.(sp, dp, 0) ?? null;
      c.apps[dir] = app;
    }
    if (app === null) { dissectData(ctx, off, end); return; }
    app.feed(ctx, st, s, flow, off, end);
  }

  fin(ctx: Ctx, st: State, s: TcpStream, flow: TcpFlow): void {
    const app = convs.get(s)?.apps[this.client ? 0 : 1];
    if (app) app.fin(ctx, st, s, flow);
  }

  reset(): void {}
}

TCP_PORT.add([1080], (_sp, dp, match) => new SocksApp(match === dp));
