// VNC / RFB (RFC 6143): the version handshake, the security types offered
// and chosen, the VNC-authentication challenge and response, the result
// (with the failure reason), ClientInit and ServerInit (framebuffer size,
// pixel format, desktop name), then the message types. One state machine
// per connection, shared by both directions, as each message's meaning
// depends on what came before. On tcp/5900-5901 and wherever a side opens
// with "RFB 003.". Fields and Info as tshark 4.0's packet-vnc.c.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import type { TcpApp, TcpFlow, TcpStream } from './tcpstream';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT, TCP_HEURISTICS } = tables;
const { u16, u32, latin1 } = readers;

const SEC_TYPES: Record<number, string> = { 0: 'Invalid', 1: 'None', 2: 'VNC', 5: 'RA2', 6: 'RA2ne', 16: 'Tight', 17: 'Ultra', 18: 'TLS', 19: 'VeNCrypt', 20: 'GTK-VNC SASL', 21: 'MD5 hash authentication', 22: 'Colin Dean xvp', 30: 'Apple Authentication' };
const CLIENT_MSGS: Record<number, string> = { 0: 'Client set pixel format', 2: 'Client set encodings', 3: 'Client framebuffer update request', 4: 'Client key event', 5: 'Client pointer event', 6: 'Client cut text' };
const SERVER_MSGS: Record<number, string> = { 0: 'Server framebuffer update', 1: 'Server set colormap entries', 2: 'Server ring bell', 3: 'Server cut text' };

declare('vnc', 'Virtual Network Computing', [
  ['vnc.server_proto_ver', 'string', 'Server protocol version'],
  ['vnc.client_proto_ver', 'string', 'Client protocol version'],
  ['vnc.num_security_types', 'uint', 'Number of security types'],
  ['vnc.security_type', 'uint', 'Security type', { valueNames: SEC_TYPES }],
  ['vnc.server_security_type', 'uint', 'Security type', { valueNames: SEC_TYPES }],
  ['vnc.client_security_type', 'uint', 'Security type selected', { valueNames: SEC_TYPES }],
  ['vnc.auth_challenge', 'bytes', 'Authentication challenge'],
  ['vnc.auth_response', 'bytes', 'Authentication response'],
  ['vnc.auth_result', 'bool', 'Authentication result'],
  ['vnc.auth_error_len', 'uint', 'Length of authentication error'],
  ['vnc.auth_error', 'string', 'Authentication error'],
  ['vnc.share_desktop_flag', 'bool', 'Share desktop flag'],
  ['vnc.width', 'uint', 'Framebuffer width'],
  ['vnc.height', 'uint', 'Framebuffer height'],
  ['vnc.server_bits_per_pixel', 'uint', 'Bits per pixel'],
  ['vnc.server_depth', 'uint', 'Depth'],
  ['vnc.server_big_endian_flag', 'bool', 'Big endian flag'],
  ['vnc.server_true_color_flag', 'bool', 'True color flag'],
  ['vnc.server_red_max', 'uint', 'Red maximum'],
  ['vnc.server_green_max', 'uint', 'Green maximum'],
  ['vnc.server_blue_max', 'uint', 'Blue maximum'],
  ['vnc.server_red_shift', 'uint', 'Red shift'],
  ['vnc.server_green_shift', 'uint', 'Green shift'],
  ['vnc.server_blue_shift', 'uint', 'Blue shift'],
  ['vnc.desktop_name_len', 'uint', 'Desktop name length'],
  ['vnc.desktop_name', 'string', 'Desktop name'],
  ['vnc.client_message_type', 'uint', 'Client Message Type', { valueNames: CLIENT_MSGS }],
  ['vnc.server_message_type', 'uint', 'Server Message Type', { valueNames: SERVER_MSGS }],
]);

const enum Stage { ServerVersion, ClientVersion, SecurityTypes, SecuritySelected, Challenge, Response, Result, ClientInit, ServerInit, Normal }

interface Vnc { stage: Stage; minor: number; serverPort: number; secType: number }
const conns = new WeakMap<TcpStream, Vnc>();

const isVersion = (d: Uint8Array, o: number, end: number): boolean => end - o >= 12 && latin1(d, o, o + 4) === 'RFB ' && d[o + 7] === 0x2e && d[o + 11] === 10;

class VncApp implements TcpApp {
  fin(): void {}
  reset(): void {}
  feed(ctx: Ctx, _st: State, s: TcpStream, _flow: TcpFlow, off: number, end: number): void {
    const d = ctx.d;
    let v = conns.get(s);
    if (!v) { v = { stage: Stage.ServerVersion, minor: 8, serverPort: -1, secType: -1 }; conns.set(s, v); }
    // the server speaks first: its port names the server side
    if (v.serverPort < 0 && isVersion(d, off, end)) v.serverPort = ctx.srcPort;
    const fromServer = ctx.srcPort === v.serverPort;
    const l = ctx.layer('vnc', off, end - off);
    ctx.protocol = 'VNC';
    ctx.info = step(ctx, l, v, fromServer, d, off, end);
  }
}

/** One segment of the handshake or session; returns its Info text. */
function step(ctx: Ctx, l: FieldNode, v: Vnc, fromServer: boolean, d: Uint8Array, o: number, end: number): string {
  const n = end - o;
  const cut = (what: string): string => { ctx.malformedAt('vnc', `${what} cut short`, o, n); return what; };
  switch (v.stage) {
    case Stage.ServerVersion: case Stage.ClientVersion: {
      // packet-vnc.c clears Info and waits for a version message (a capture begun mid-session)
      if (!isVersion(d, o, end)) return '';
      const ver = latin1(d, o + 4, o + 11);
      if (fromServer) {
        ctx.add(l, 'vnc.server_proto_ver', ver, o + 4, 7);
        v.stage = Stage.ClientVersion;
        return `Server protocol version: ${ver}`;
      }
      ctx.add(l, 'vnc.client_proto_ver', ver, o + 4, 7);
      v.minor = Number(ver.slice(4)) || 3;
      v.stage = Stage.SecurityTypes;
      return `Client protocol version: ${ver}`;
    }
    case Stage.SecurityTypes: {
      if (!fromServer) break;
      if (v.minor < 7) {
        // 3.3: the server decides, a 32-bit type
        if (n < 4) return cut('Security types supported');
        const t = u32(d, o);
        ctx.add(l, 'vnc.server_security_type', t, o, 4);
        v.secType = t;
        v.stage = t === 2 ? Stage.Challenge : Stage.ClientInit;
        return 'Security types supported';
      }
      const count = d[o];
      ctx.add(l, 'vnc.num_security_types', count, o, 1);
      if (1 + count > n) return cut('Security types supported');
      for (let i = 0; i < count; i++) ctx.add(l, 'vnc.security_type', d[o + 1 + i], o + 1 + i, 1);
      v.stage = Stage.SecuritySelected;
      return 'Security types supported';
    }
    case Stage.SecuritySelected: {
      if (fromServer || n < 1) break;
      const t = d[o];
      ctx.add(l, 'vnc.client_security_type', t, o, 1);
      v.secType = t;
      // RFC 6143 §7.1.3: 3.8 sends a SecurityResult even for None; 3.7 does not
      v.stage = t === 2 ? Stage.Challenge : t === 1 ? (v.minor >= 8 ? Stage.Result : Stage.ClientInit) : Stage.Normal;
      return `Security type ${SEC_TYPES[t] ?? 'Unknown'} (${t}) selected by client`;
    }
    case Stage.Challenge: {
      if (!fromServer) break;
      if (n < 16) return cut('Authentication challenge from server');
      ctx.add(l, 'vnc.auth_challenge', d.subarray(o, o + 16), o, 16);
      v.stage = Stage.Response;
      return 'Authentication challenge from server';
    }
    case Stage.Response: {
      if (fromServer) break;
      if (n < 16) return cut('Authentication response from client');
      ctx.add(l, 'vnc.auth_response', d.subarray(o, o + 16), o, 16);
      v.stage = Stage.Result;
      return 'Authentication response from client';
    }
    case Stage.Result: {
      if (!fromServer) break;
      if (n < 4) return cut('Authentication result');
      const r = u32(d, o);
      ctx.add(l, 'vnc.auth_result', r !== 0, o, 4);
      if (r !== 0 && v.minor >= 8 && n >= 8) {
        const len = u32(d, o + 4);
        ctx.add(l, 'vnc.auth_error_len', len, o + 4, 4);
        const e = Math.min(end, o + 8 + len);
        if (o + 8 + len > end) ctx.malformedAt('vnc', `authentication error length ${len} runs past the segment`, o + 4, 4);
        ctx.add(l, 'vnc.auth_error', latin1(d, o + 8, e), o + 8, e - o - 8);
      }
      v.stage = r === 0 ? Stage.ClientInit : Stage.Normal;
      return 'Authentication result';
    }
    case Stage.ClientInit: {
      if (fromServer || n < 1) break;
      ctx.add(l, 'vnc.share_desktop_flag', d[o] !== 0, o, 1);
      v.stage = Stage.ServerInit;
      return 'Share desktop flag';
    }
    case Stage.ServerInit: {
      if (!fromServer) break;
      if (n < 24) return cut('Server framebuffer parameters');
      ctx.add(l, 'vnc.width', u16(d, o), o, 2);
      ctx.add(l, 'vnc.height', u16(d, o + 2), o + 2, 2);
      const p = o + 4;
      ctx.add(l, 'vnc.server_bits_per_pixel', d[p], p, 1);
      ctx.add(l, 'vnc.server_depth', d[p + 1], p + 1, 1);
      ctx.add(l, 'vnc.server_big_endian_flag', d[p + 2] !== 0, p + 2, 1);
      ctx.add(l, 'vnc.server_true_color_flag', d[p + 3] !== 0, p + 3, 1);
      ctx.add(l, 'vnc.server_red_max', u16(d, p + 4), p + 4, 2);
      ctx.add(l, 'vnc.server_green_max', u16(d, p + 6), p + 6, 2);
      ctx.add(l, 'vnc.server_blue_max', u16(d, p + 8), p + 8, 2);
      ctx.add(l, 'vnc.server_red_shift', d[p + 10], p + 10, 1);
      ctx.add(l, 'vnc.server_green_shift', d[p + 11], p + 11, 1);
      ctx.add(l, 'vnc.server_blue_shift', d[p + 12], p + 12, 1);
      const len = u32(d, o + 20);
      ctx.add(l, 'vnc.desktop_name_len', len, o + 20, 4);
      const e = Math.min(end, o + 24 + len);
      if (o + 24 + len > end) ctx.malformedAt('vnc', `desktop name length ${len} runs past the segment`, o + 20, 4);
      ctx.add(l, 'vnc.desktop_name', latin1(d, o + 24, e), o + 24, e - o - 24);
      v.stage = Stage.Normal;
      return 'Server framebuffer parameters';
    }
    case Stage.Normal: break;
  }
  if (v.stage !== Stage.Normal || n < 1) return 'Continuation';
  const t = d[o];
  if (fromServer) { ctx.add(l, 'vnc.server_message_type', t, o, 1); return SERVER_MSGS[t] ?? 'Unknown server message type'; }
  ctx.add(l, 'vnc.client_message_type', t, o, 1);
  return CLIENT_MSGS[t] ?? 'Unknown client message type';
}

const app = (): VncApp => new VncApp();
// tshark 4.0's vnc tcp.port range: 5500-5501 (a listening viewer) and 5900-5901; elsewhere its heuristic (and ours) finds the RFB banner
TCP_PORT.add([5500, 5501, 5900, 5901], app);
TCP_HEURISTICS.add((d, off, end) => isVersion(d, off, end) && latin1(d, off, off + 6) === 'RFB 00', app);
