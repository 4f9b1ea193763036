// FTP (RFC 959, tcp/21) and FTP-DATA. The control connection is lines:
// requests (command, argument) from the client, replies (code, argument)
// from the server. PORT/EPRT (client) and 227/229 replies to PASV/EPSV
// (server) announce the data connection: it becomes a TCP conversation
// (conversation.ts) decoded as FTP-DATA, linked back to the frame that set
// it up and to the transfer command (RETR, STOR, LIST, ...) sent for it,
// as tshark's packet-ftp.c does. Each segment is read on its own, as
// tshark reads FTP (no reassembly of lines across segments).
import type { Ctx, FieldNode } from './context';
import { declare } from './fields';
import type { State } from './state';
import type { TcpApp, TcpStream } from './tcpstream';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT } = tables;
const { latin1 } = readers;

declare('ftp', 'File Transfer Protocol (FTP)', [
  ['ftp.response', 'bool', 'Response'],
  ['ftp.request', 'bool', 'Request'],
  ['ftp.request.command', 'string', 'Request command'],
  ['ftp.request.arg', 'string', 'Request arg'],
  ['ftp.response.code', 'uint', 'Response code'],
  ['ftp.response.arg', 'string', 'Response arg'],
  ['ftp.passive.ip', 'ipv4', 'Passive IP address'],
  ['ftp.passive.port', 'uint', 'Passive port'],
  ['ftp.passive.nat', 'bool', 'Passive IP NAT'],
  ['ftp.active.cip', 'ipv4', 'Active IP address'],
  ['ftp.active.port', 'uint', 'Active port'],
  ['ftp.active.nat', 'bool', 'Active IP NAT'],
  ['ftp.epsv.port', 'uint', 'EPSV port'],
  ['ftp.eprt.af', 'uint', 'Network protocol'],
  ['ftp.eprt.ip', 'ipv4', 'EPRT IPv4 address'],
  ['ftp.eprt.port', 'uint', 'EPRT port'],
]);
declare('ftp-data', 'FTP Data', [
  ['ftp-data.setup-frame', 'framenum', 'Setup frame'],
  ['ftp-data.setup-method', 'string', 'Setup method'],
  ['ftp-data.command', 'string', 'Command'],
  ['ftp-data.command-frame', 'framenum', 'Command frame'],
]);

/** A data connection announced on the control connection. */
interface DataSetup { frame: number; method: string; command: string; commandFrame: number }

/** The control connection's open announcement, waiting for its transfer command. */
const pending = new WeakMap<TcpStream, DataSetup>();

const TRANSFER = new Set(['RETR', 'STOR', 'STOU', 'APPE', 'LIST', 'NLST', 'MLSD']);
const MAX_LINE = 4096;

const ipOf = (h: string[]): number => ((+h[0] << 24) | (+h[1] << 16) | (+h[2] << 8) | +h[3]) >>> 0;

class FtpApp implements TcpApp {
  constructor(private readonly request: boolean) {}

  feed(ctx: Ctx, st: State, s: TcpStream, _f: unknown, off: number, end: number): void {
    const d = ctx.d;
    const l = ctx.layer('ftp', off, end - off);
    ctx.protocol = 'FTP';
    let e = off;
    while (e < end && d[e] !== 10 && e - off < MAX_LINE) e++;
    let line = latin1(d, off, e);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    // tshark marks both: the one it is true, the other false
    ctx.add(l, 'ftp.response', !this.request, off, 0).generated = true;
    ctx.add(l, 'ftp.request', this.request, off, 0).generated = true;
    if (this.request) this.req(ctx, st, s, l, line, off);
    else this.resp(ctx, st, s, l, line, off);
  }

  private req(ctx: Ctx, st: State, s: TcpStream, l: FieldNode, line: string, off: number): void {
    const sp = line.indexOf(' ');
    const cmd = sp < 0 ? line : line.slice(0, sp), arg = sp < 0 ? '' : line.slice(sp + 1);
    ctx.add(l, 'ftp.request.command', cmd, off, cmd.length);
    if (sp >= 0) ctx.add(l, 'ftp.request.arg', arg, off + sp + 1, arg.length);
    ctx.info = `Request: ${line}`;
    const up = cmd.toUpperCase();
    if (up === 'PORT') {
      const h = arg.split(',');
      if (h.length === 6 && h.every((x) => /^\d{1,3}$/.test(x) && +x < 256)) {
        const ip = ipOf(h), port = (+h[4] << 8) | +h[5];
        ctx.add(l, 'ftp.active.cip', ip, off + sp + 1, arg.length);
        ctx.add(l, 'ftp.active.port', port, off + sp + 1, arg.length);
        if (ctx.ipVersion === 4 && ip !== ctx.ip4Src) ctx.add(l, 'ftp.active.nat', true, off + sp + 1, arg.length).generated = true;
        this.announce(ctx, st, s, 'src', port, 'PORT');
      }
    } else if (up === 'EPRT') {
      const m = /^(.)(\d)\1([^|]*)\1(\d+)\1$/.exec(arg);
      if (m) {
        ctx.add(l, 'ftp.eprt.af', +m[2], off + sp + 1, arg.length);
        if (m[2] === '1' && /^\d+\.\d+\.\d+\.\d+$/.test(m[3])) ctx.add(l, 'ftp.eprt.ip', ipOf(m[3].split('.')), off + sp + 1, arg.length);
        ctx.add(l, 'ftp.eprt.port', +m[4], off + sp + 1, arg.length);
        this.announce(ctx, st, s, 'src', +m[4], 'EPRT');
      }
    } else if (TRANSFER.has(up)) {
      const p = pending.get(s);
      if (p && p.command === '') { p.command = line; p.commandFrame = ctx.pkt.number; }
    }
  }

  private resp(ctx: Ctx, st: State, s: TcpStream, l: FieldNode, line: string, off: number): void {
    const m = /^(\d{3})[ -]?(.*)$/.exec(line);
    ctx.info = `Response: ${line}`;
    if (!m) return;
    const code = +m[1];
    ctx.add(l, 'ftp.response.code', code, off, 3);
    if (m[2] !== '' || line.length > 3) ctx.add(l, 'ftp.response.arg', m[2], off + 4, m[2].length);
    if (code === 227) {
      const p = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/.exec(m[2]);
      if (p) {
        const ip = ipOf(p.slice(1, 5)), port = (+p[5] << 8) | +p[6];
        ctx.add(l, 'ftp.passive.ip', ip, off + 4, m[2].length);
        ctx.add(l, 'ftp.passive.port', port, off + 4, m[2].length);
        if (ctx.ipVersion === 4 && ip !== ctx.ip4Src) ctx.add(l, 'ftp.passive.nat', true, off + 4, m[2].length).generated = true;
        this.announce(ctx, st, s, 'src', port, 'PASV');
      }
    } else if (code === 229) {
      const p = /\((.)\1\1(\d+)\1\)/.exec(m[2]);
      if (p) {
        ctx.add(l, 'ftp.epsv.port', +p[2], off + 4, m[2].length);
        this.announce(ctx, st, s, 'src', +p[2], 'EPASV');
      }
    }
  }

  private announce(ctx: Ctx, st: State, s: TcpStream, side: 'src' | 'dst', port: number, method: string): void {
    if (ctx.inner > 0) return;
    const setup: DataSetup = { frame: ctx.pkt.number, method, command: '', commandFrame: 0 };
    pending.set(s, setup);
    st.tcpConv.expect(ctx, side, port, () => new FtpDataApp(setup));
  }

  fin(): void {}
  reset(): void {}
}

/** Each direction of a data connection: its bytes as ftp-data, with where they were set up. */
class FtpDataApp implements TcpApp {
  constructor(private readonly setup: DataSetup) {}
  feed(ctx: Ctx, _st: State, _s: TcpStream, _f: unknown, off: number, end: number): void {
    const l = ctx.layer('ftp-data', off, end - off);
    const su = this.setup;
    ctx.protocol = 'FTP-DATA';
    ctx.gen(l, 'ftp-data.setup-frame', su.frame);
    ctx.gen(l, 'ftp-data.setup-method', su.method);
    if (su.command !== '') {
      ctx.gen(l, 'ftp-data.command', su.command);
      ctx.gen(l, 'ftp-data.command-frame', su.commandFrame);
    }
    ctx.info = `FTP Data: ${end - off} bytes (${su.method})${su.command !== '' ? ` (${su.command})` : ''}`;
    // printable text is shown as lines (tshark's data-text-lines), anything else stays raw
    const d = ctx.d;
    for (let i = off; i < end; i++) { const b = d[i]; if ((b < 0x20 || b > 0x7e) && b !== 9 && b !== 10 && b !== 13) return; }
    ctx.layer('data-text-lines', off, end - off);
  }
  fin(): void {}
  reset(): void {}
}

TCP_PORT.add([21], (_sp, dp) => new FtpApp(dp === 21));
