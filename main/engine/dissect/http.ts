// HTTP/1.x over TCP with per-direction reassembly: a request or response is
// complete once its headers end and its body (Content-Length, chunked, or —
// for responses without either — the connection close) has arrived. Like
// tshark, the HTTP fields appear on the frame that completes the message.
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { type Ctx, type FieldNode } from './context';
import * as readers from './bytes';
import { declare, treeLine } from './fields';
import { formatText } from './format';
import { nameOnly } from './data';
import { mediaOf } from './imf';
import { httpStatusName } from './http-status';
import type { State } from './state';
import type { TcpApp, TcpFlow, TcpStream } from './tcpstream';
import * as tables from './tables';
import type { Framer } from './framers';
import type { Dissection, Field } from '../types';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_HEURISTICS, TCP_PORT, TLS_ALPN, UDP_PORT, HTTP_UPGRADE, HTTP_MESSAGE_HOOKS, HTTP_AUTH } = tables;
const { latin1 } = readers;

declare('http', 'Hypertext Transfer Protocol', [
  ['http.request', 'bool', 'Request'],
  ['http.response', 'bool', 'Response'],
  ['http.request.method', 'string', 'Request Method'],
  ['http.request.uri', 'string', 'Request URI'],
  ['http.request.version', 'string', 'Request Version'],
  ['http.request.full_uri', 'string', 'Full request URI'],
  ['http.request.line', 'string', 'Request line', { description: 'one header line of a request, with its CRLF' }],
  ['http.response.version', 'string', 'Response Version'],
  ['http.response.code', 'uint', 'Status Code'],
  ['http.response.code.desc', 'string', 'Status Code Description'],
  ['http.response.phrase', 'string', 'Response Phrase'],
  ['http.response.line', 'string', 'Response line', { description: 'one header line of a response, with its CRLF' }],
  ['http.host', 'string', 'Host'],
  ['http.user_agent', 'string', 'User-Agent'],
  ['http.accept', 'string', 'Accept'],
  ['http.accept_encoding', 'string', 'Accept Encoding'],
  ['http.accept_language', 'string', 'Accept-Language'],
  ['http.referer', 'string', 'Referer'],
  ['http.cookie', 'string', 'Cookie'],
  ['http.set_cookie', 'string', 'Set-Cookie'],
  ['http.authorization', 'string', 'Authorization'],
  ['http.authbasic', 'string', 'Credentials'],
  ['http.connection', 'string', 'Connection'],
  ['http.content_type', 'string', 'Content-Type'],
  ['http.content_length_header', 'string', 'Content-Length'],
  ['http.content_length', 'uint', 'Content length'],
  ['http.content_encoding', 'string', 'Content-Encoding'],
  ['http.transfer_encoding', 'string', 'Transfer-Encoding'],
  ['http.server', 'string', 'Server'],
  ['http.location', 'string', 'Location'],
  ['http.date', 'string', 'Date'],
  ['http.cache_control', 'string', 'Cache-Control'],
  ['http.x_forwarded_for', 'string', 'X-Forwarded-For'],
  ['http.upgrade', 'string', 'Upgrade'],
  ['http.unknown_header', 'string', 'Unknown header', { description: 'never set: tshark 4.0 shows headers it does not know only as request/response lines' }],
  ['http.proxy_authenticate', 'string', 'Proxy-Authenticate'],
  ['http.proxy_authorization', 'string', 'Proxy-Authorization'],
  ['http.www_authenticate', 'string', 'WWW-Authenticate'],
  ['http.sec_websocket_accept', 'string', 'Sec-WebSocket-Accept'],
  ['http.sec_websocket_extensions', 'string', 'Sec-WebSocket-Extensions'],
  ['http.sec_websocket_key', 'string', 'Sec-WebSocket-Key'],
  ['http.sec_websocket_protocol', 'string', 'Sec-WebSocket-Protocol'],
  ['http.sec_websocket_version', 'string', 'Sec-WebSocket-Version'],
  ['http.last_modified', 'string', 'Last-Modified'],
  ['http.http2_settings', 'string', 'HTTP2-Settings'],
  ['http.file_data', 'string', 'File Data'],
  ['http.request_number', 'uint', 'HTTP request number', { description: 'position of the request in its connection' }],
  ['http.request_in', 'framenum', 'Request in frame'],
  ['http.response_for.uri', 'string', 'Request URI', { description: 'the full URI of the request a response answers' }],
  ['http.time', 'reltime', 'Time since request'],
  ['http.body_length', 'uint', 'Body length', { description: 'xdpscope: bytes of the message body after de-chunking framing' }],
]);

const HEADER_FIELDS: Record<string, string> = {
  host: 'http.host', 'user-agent': 'http.user_agent', accept: 'http.accept', 'accept-encoding': 'http.accept_encoding',
  'accept-language': 'http.accept_language', referer: 'http.referer', cookie: 'http.cookie', 'set-cookie': 'http.set_cookie',
  authorization: 'http.authorization', connection: 'http.connection', 'content-type': 'http.content_type',
  'content-length': 'http.content_length_header', 'content-encoding': 'http.content_encoding',
  'transfer-encoding': 'http.transfer_encoding', server: 'http.server', location: 'http.location', date: 'http.date',
  'cache-control': 'http.cache_control', 'x-forwarded-for': 'http.x_forwarded_for', upgrade: 'http.upgrade',
  'proxy-authenticate': 'http.proxy_authenticate', 'proxy-authorization': 'http.proxy_authorization',
  'www-authenticate': 'http.www_authenticate', 'sec-websocket-accept': 'http.sec_websocket_accept',
  'sec-websocket-extensions': 'http.sec_websocket_extensions', 'sec-websocket-key': 'http.sec_websocket_key',
  'sec-websocket-protocol': 'http.sec_websocket_protocol', 'sec-websocket-version': 'http.sec_websocket_version',
  'last-modified': 'http.last_modified', 'http2-settings': 'http.http2_settings',
};

const METHODS = ['GET ', 'POST ', 'HEAD ', 'PUT ', 'DELETE ', 'OPTIONS ', 'PATCH ', 'CONNECT ', 'TRACE ', 'PROPFIND ', 'NOTIFY ', 'M-SEARCH ', 'SUBSCRIBE '];

function startsWith(d: Uint8Array, off: number, end: number, s: string): boolean {
  if (end - off < s.length) return false;
  for (let i = 0; i < s.length; i++) if (d[off + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** A request or status line at off? */
export function looksLikeHttp(d: Uint8Array, off: number, end: number): boolean {
  if (end - off < 4) return false;
  const c = d[off];
  if (c < 0x41 || c > 0x5a) return false; // methods and HTTP/ are upper-case ASCII
  if (startsWith(d, off, end, 'HTTP/1.')) return true;
  for (const m of METHODS) if (startsWith(d, off, end, m)) return true;
  return false;
}

const MAX_HEADER = 64 * 1024;
/** the most body bytes kept per message for http.file_data (larger bodies show no file_data) */
const MAX_BODY = 4 << 20;

const enum Mode { Idle, Headers, Length, Chunked, Close }
const enum Chunk { Size, Data, DataEnd, Trailer }

interface Message {
  /** header block (start line .. blank line), as bytes */
  hdr: Uint8Array;
  /** header bytes taken from the frame that completes the message (the tail of hdr), for offsets */
  isRequest: boolean;
  firstLine: string;
  contentType: string;
  bodyLen: number;
  /** the body after chunked framing, when http.file_data is wanted and it fit in MAX_BODY */
  body?: Uint8Array;
  /** Content-Encoding, lower case ('' for none) */
  encoding: string;
}

/**
 * HTTP/1.1 chunked framing (RFC 9112 §7.1), streamed byte by byte across
 * segments: the one parser behind the dissector (which keeps the data) and
 * its PDU framer (which only finds the end).
 */
class ChunkedParser {
  private state = Chunk.Size;
  private size = 0;
  private sizeDone = false;
  private lineLen = 0;
  private remaining = 0;
  /** the last chunk and the trailer have ended: the message is complete */
  done = false;

  start(): void { this.state = Chunk.Size; this.size = 0; this.sizeDone = false; this.lineLen = 0; this.done = false; }

  /** Consumes [o, end) up to the message's end; chunk data goes to `data` (when given). Returns the new offset. */
  feed(d: Uint8Array, o: number, end: number, data: ((d: Uint8Array, from: number, to: number) => void) | null): number {
    while (o < end) {
      switch (this.state) {
        case Chunk.Size: {
          const c = d[o++];
          if (c === 10) {
            if (this.lineLen === 0) break; // the CRLF after a chunk's data, seen late
            this.lineLen = 0;
            this.sizeDone = false;
            if (this.size === 0) this.state = Chunk.Trailer;
            else { this.remaining = this.size; this.state = Chunk.Data; }
            this.size = 0;
            break;
          }
          if (c === 13) break;
          this.lineLen++;
          const h = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
          // hex digits up to the first other character (';' starts extensions); 8 digits at most
          if (h < 0 || this.lineLen > 8) this.sizeDone = true;
          else if (!this.sizeDone) this.size = this.size * 16 + h;
          break;
        }
        case Chunk.Data: {
          const n = Math.min(this.remaining, end - o);
          this.remaining -= n;
          if (data !== null) data(d, o, o + n);
          o += n;
          if (this.remaining === 0) { this.state = Chunk.DataEnd; this.lineLen = 0; }
          break;
        }
        case Chunk.DataEnd:
          if (d[o++] === 10) this.state = Chunk.Size;
          break;
        case Chunk.Trailer: {
          const c = d[o++];
          if (c === 10) {
            if (this.lineLen === 0) { this.done = true; return o; }
            this.lineLen = 0;
          } else if (c !== 13) this.lineLen++;
          break;
        }
      }
    }
    return o;
  }
}

export class HttpApp implements TcpApp {
  private mode = Mode.Idle;
  private buf: Uint8Array = new Uint8Array(0);
  private bufLen = 0;
  private msg: Message | null = null;
  private remaining = 0;
  private readonly chunks = new ChunkedParser();
  /** chunk data: counted, and kept for http.file_data (one closure per app, not per segment) */
  private readonly chunkData = (d: Uint8Array, from: number, to: number): void => { this.bodyLen += to - from; this.keep(d, from, to); };
  /** offset in the current frame where this feed started */
  private curOff = 0;
  private bodyLen = 0;
  /** body bytes kept for http.file_data (null: not wanted, or past MAX_BODY) */
  private body: Uint8Array | null = null;
  private bodyKept = 0;
  private firstLine = '';
  /** where the header block sits in the frame that completed it */
  private hdrFrame = -1;
  private hdrFrameStart = 0;
  private hdrFrameBufStart = 0;
  private hdrFrameLen = 0;

  /**
   * The start line on a frame whose message is still incomplete, as tshark's
   * Info: on the frame where it began, and on every later one while HTTP asks
   * TCP for "one more segment" and so re-runs on the accumulated bytes (the
   * header block, a chunked body). A Content-Length or read-to-close body
   * asks for a known length instead: TCP keeps its own Info there.
   */
  partialInfo(): string | undefined {
    if (!this.firstLine) return undefined;
    // tshark's HTTP Info is the first line and a space, whatever follows
    return this.msgStartFrame === this.feedFrame || this.rerun ? `${formatText(this.firstLine)} ` : undefined;
  }

  /** HTTP had asked for one more segment before this frame (what it still needed was open-ended) */
  private rerun = false;

  private msgStartFrame = -1;
  private feedFrame = -1;

  reset(): void {
    this.mode = Mode.Idle;
    this.bufLen = 0;
    this.msg = null;
    this.firstLine = '';
  }

  feed(ctx: Ctx, st: State, s: TcpStream, flow: TcpFlow, off: number, end: number): void {
    const d = ctx.d;
    let o = off;
    this.curOff = off;
    this.feedFrame = ctx.pkt.number;
    this.rerun = this.mode === Mode.Headers || this.mode === Mode.Chunked;
    // each pass consumes at least one byte or stops
    while (o < end) {
      if (this.mode === Mode.Idle) {
        // HTTP/2 with prior knowledge on an HTTP port: the connection is HTTP/2 from here (both directions)
        if (this.bufLen === 0 && startsWith(d, o, end, 'PRI * HTTP/2.0')) { this.switchTo('h2c', ctx, st, s, flow, o, end); return; }
        if (!looksLikeHttp(d, o, end) && this.bufLen === 0) {
          // not a message start (e.g. data after a gap, or another protocol on an HTTP port):
          // like tshark, the HTTP dissector leaves such bytes alone
          return;
        }
        this.mode = Mode.Headers;
        this.msgStartFrame = ctx.pkt.number;
        this.bufLen = 0;
        this.firstLine = '';
      }
      if (this.mode === Mode.Headers) {
        const from = this.bufLen;
        const take = Math.min(end - o, MAX_HEADER - this.bufLen);
        this.append(d, o, o + take);
        if (!this.firstLine) {
          const nl = this.buf.subarray(0, this.bufLen).indexOf(10);
          if (nl >= 0) this.firstLine = latin1(this.buf, 0, nl > 0 && this.buf[nl - 1] === 13 ? nl - 1 : nl);
        }
        const hend = findHeaderEnd(this.buf, Math.max(0, from - 3), this.bufLen);
        if (hend < 0) {
          if (this.bufLen >= MAX_HEADER) {
            ctx.malformedAt('http', `HTTP header block longer than ${MAX_HEADER} bytes`, o, end - o);
            this.reset();
            nameOnly(ctx, 'http', 'HTTP', o, end, 'Continuation');
            return;
          }
          return; // wait for more
        }
        const used = hend - from; // bytes of this frame that belong to the header block
        this.hdrFrame = ctx.pkt.number;
        this.hdrFrameStart = o;
        this.hdrFrameBufStart = from;
        this.hdrFrameLen = used;
        o += used;
        this.startBody(s, hend);
        // bodies are kept for http.file_data and for what reads whole messages (gen_ai)
        // (and a multipart body for Info, which names its parts' types)
        const multipart = ctx.summary && /^\s*multipart\//i.test(this.msg?.contentType ?? '');
        this.body = (multipart || ctx.wants('http.file_data') || (HTTP_MESSAGE_HOOKS.length > 0 && ctx.wantsPrefix('gen_ai'))) && (this.mode as Mode) !== Mode.Idle ? new Uint8Array(0) : null;
        this.bodyKept = 0;
        if ((this.mode as Mode) === Mode.Idle) this.complete(ctx, st, s);
        if (this.upgrade !== null) { this.switchTo(this.upgrade, ctx, st, s, flow, o, end); return; }
        continue;
      }
      if (this.mode === Mode.Length) {
        const n = Math.min(this.remaining, end - o);
        this.remaining -= n;
        this.bodyLen += n;
        this.keep(d, o, o + n);
        o += n;
        if (this.remaining === 0) { this.mode = Mode.Idle; this.complete(ctx, st, s); }
        continue;
      }
      if (this.mode === Mode.Chunked) {
        o = this.chunks.feed(d, o, end, this.chunkData);
        if (this.chunks.done) { this.mode = Mode.Idle; this.complete(ctx, st, s); }
        continue;
      }
      // Mode.Close: everything until FIN is body
      this.bodyLen += end - o;
      this.keep(d, o, end);
      o = end;
    }
  }

  /** a 101 response switched the connection to this protocol (an HTTP_UPGRADE token) */
  private upgrade: string | null = null;

  /** The connection became another protocol: it reads the rest [o, end) and everything after. */
  private switchTo(token: string, ctx: Ctx, st: State, s: TcpStream, flow: TcpFlow, o: number, end: number): void {
    this.upgrade = null;
    const up = HTTP_UPGRADE.get(token);
    if (up === undefined) return;
    const app = up(s, flow);
    if (o < end) app.feed(ctx, st, s, flow, o, end);
  }

  framer(): HttpFramer { return new HttpFramer(); }

  fin(ctx: Ctx, st: State, s: TcpStream): void {
    this.curOff = 0;
    if (this.mode === Mode.Close || this.mode === Mode.Chunked || this.mode === Mode.Length) {
      this.mode = Mode.Idle;
      this.complete(ctx, st, s);
    }
  }

  private append(d: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (this.bufLen + n > this.buf.length) {
      const nb = new Uint8Array(Math.min(MAX_HEADER, Math.max(this.buf.length * 2, this.bufLen + n, 512)));
      nb.set(this.buf.subarray(0, this.bufLen));
      this.buf = nb;
    }
    this.buf.set(d.subarray(from, to), this.bufLen);
    this.bufLen += n;
  }

  /** Keeps body bytes for http.file_data, up to MAX_BODY (a larger body keeps none). */
  private keep(d: Uint8Array, from: number, to: number): void {
    const b = this.body;
    if (b === null || to <= from) return;
    const need = this.bodyKept + (to - from);
    if (need > MAX_BODY) { this.body = null; return; }
    let buf = b;
    if (need > b.length) {
      buf = new Uint8Array(Math.min(MAX_BODY, Math.max(need, b.length * 2, 1024)));
      buf.set(b.subarray(0, this.bodyKept));
      this.body = buf;
    }
    buf.set(d.subarray(from, to), this.bodyKept);
    this.bodyKept = need;
  }

  private startBody(s: TcpStream, hend: number): void {
    const hdr = this.buf.slice(0, hend);
    this.bufLen = 0;
    const text = latin1(hdr, 0, hdr.length);
    const isRequest = !text.startsWith('HTTP/');
    let cl = -1, chunked = false, ctype = '', encoding = '';
    // header names are case-insensitive; only the framing ones matter here
    const lines = text.split('\n');
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const c = line.indexOf(':');
      if (c <= 0) continue;
      const name = line.slice(0, c).trim().toLowerCase();
      if (name === 'content-length') { const v = parseInt(line.slice(c + 1).trim(), 10); if (v >= 0) cl = v; }
      else if (name === 'transfer-encoding') chunked = /chunked/i.test(line.slice(c + 1));
      else if (name === 'content-type') ctype = line.slice(c + 1).trim();
      else if (name === 'content-encoding') encoding = line.slice(c + 1).trim().toLowerCase();
    }
    let noBody = false;
    if (isRequest) {
      const method = text.slice(0, text.indexOf(' '));
      s.pendingMethods.push(method);
      if (s.pendingMethods.length > 64) s.pendingMethods.shift();
      if (cl < 0 && !chunked) noBody = true;
    } else {
      const code = parseInt(text.slice(9, 12), 10);
      const up = code === 101 ? /\nupgrade:[ \t]*([^\r\n]*)/i.exec(text) : null;
      if (up && HTTP_UPGRADE.get(up[1].trim().toLowerCase())) this.upgrade = up[1].trim().toLowerCase();
      const method = code >= 100 && code < 200 ? undefined : s.pendingMethods.shift();
      if ((code >= 100 && code < 200) || code === 204 || code === 304 || method === 'HEAD') noBody = true;
    }
    this.msg = { hdr, isRequest, firstLine: this.firstLine, contentType: ctype, bodyLen: 0, encoding };
    this.bodyLen = 0;
    if (noBody || cl === 0) this.mode = Mode.Idle;
    else if (chunked) { this.mode = Mode.Chunked; this.chunks.start(); }
    else if (cl > 0) { this.mode = Mode.Length; this.remaining = cl; }
    else this.mode = Mode.Close;
  }

  private complete(ctx: Ctx, _st: State, s: TcpStream): void {
    const m = this.msg;
    this.msg = null;
    this.firstLine = '';
    if (!m) return;
    m.bodyLen = this.bodyLen;
    if (this.body !== null && this.bodyKept === this.bodyLen) m.body = this.body.subarray(0, this.bodyKept);
    this.body = null;
    const hdr = m.hdr;
    if (this.hdrFrame === ctx.pkt.number) {
      ctx.withReassembled(hdr, this.hdrFrameBufStart, this.hdrFrameStart, this.hdrFrameLen, () => emit(ctx, m, s));
    } else {
      ctx.withReassembled(hdr, 0, this.curOff, 0, () => emit(ctx, m, s));
    }
  }
}

/** Header text was read one char per byte; UTF-8 sequences become their characters. */
function utf8(s: string): string {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.from(s, 'latin1').toString('utf8');
  return s;
}

function findHeaderEnd(b: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    if (b[i] !== 10) continue;
    if (i + 1 < to && b[i + 1] === 10) return i + 2; // bare LF LF
    if (i + 2 < to && b[i + 1] === 13 && b[i + 2] === 10) return i + 3;
  }
  return -1;
}

/** Where requests and responses are paired: a TCP connection, or a UDP conversation (SSDP). */
type Pairing = Pick<TcpStream, 'httpCount' | 'httpRequests'>;

/**
 * Adds the http layer (SSDP's over UDP: `proto`) for a complete message;
 * ctx.d is the header block.
 */
function emit(ctx: Ctx, m: Message, s: Pairing, proto: 'http' | 'ssdp' = 'http'): void {
  const d = ctx.d;
  const http = ctx.layer(proto, 0, d.length);
  const text = latin1(d, 0, d.length);
  let pos = 0;
  let lineNo = 0;
  let host = '', uri = '', ctype = '', method = '', code = -1;
  // header lines for the message hooks (gen_ai), only when one will read them
  const pairs: Array<[string, string]> | null = HTTP_MESSAGE_HOOKS.length > 0 && ctx.wantsPrefix('gen_ai') ? [] : null;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length - 1;
    const lineEnd = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    const line = text.slice(pos, lineEnd);
    if (line.length === 0) break;
    if (lineNo === 0) {
      const sp1 = line.indexOf(' ');
      const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
      if (m.isRequest) {
        ctx.gen(http, 'http.request', true);
        method = sp1 < 0 ? line : line.slice(0, sp1);
        uri = sp1 < 0 ? '' : sp2 < 0 ? line.slice(sp1 + 1) : line.slice(sp1 + 1, sp2);
        ctx.add(http, 'http.request.method', method, pos, method.length);
        if (sp1 >= 0) ctx.add(http, 'http.request.uri', uri, pos + sp1 + 1, uri.length);
        if (sp2 >= 0) ctx.add(http, 'http.request.version', line.slice(sp2 + 1), pos + sp2 + 1, line.length - sp2 - 1);
      } else {
        ctx.gen(http, 'http.response', true);
        const ver = sp1 < 0 ? line : line.slice(0, sp1);
        ctx.add(http, 'http.response.version', ver, pos, ver.length);
        const codeStr = sp1 < 0 ? '' : sp2 < 0 ? line.slice(sp1 + 1) : line.slice(sp1 + 1, sp2);
        code = parseInt(codeStr, 10);
        if (code >= 0) {
          ctx.add(http, 'http.response.code', code, pos + sp1 + 1, codeStr.length);
          ctx.gen(http, 'http.response.code.desc', httpStatusName(code) ?? `Unknown (${code})`);
        } else ctx.malformedAt('http', `bad status code '${codeStr}'`, pos, line.length);
        if (sp2 >= 0) ctx.add(http, 'http.response.phrase', line.slice(sp2 + 1), pos + sp2 + 1, line.length - sp2 - 1);
      }
    } else {
      const full = text.slice(pos, nl + 1);
      ctx.add(http, m.isRequest ? 'http.request.line' : 'http.response.line', full, pos, full.length);
      const c = line.indexOf(':');
      if (c > 0) {
        const name = line.slice(0, c).toLowerCase();
        let vs = c + 1;
        while (vs < line.length && (line.charCodeAt(vs) === 32 || line.charCodeAt(vs) === 9)) vs++;
        const value = line.slice(vs);
        if (pairs !== null && pairs.length < 256) pairs.push([name, value]);
        const fname = HEADER_FIELDS[name];
        if (fname) {
          const hf = ctx.add(http, fname, utf8(value), pos + vs, value.length);
          if (fname.endsWith('authorization') || fname.endsWith('authenticate')) {
            // Basic credentials in the clear, as tshark shows them (user:password)
            if (fname.endsWith('authorization') && /^basic\s/i.test(value)) ctx.sub(hf, 'http.authbasic', basicCredentials(value), pos + vs, 0);
            HTTP_AUTH.dissect?.(ctx, value, pos + vs);
          }
          if (fname === 'http.host') host = value;
          else if (fname === 'http.content_type') ctype = value;
          else if (fname === 'http.content_length_header') {
            const n = Number(value.trim());
            if (Number.isInteger(n) && n >= 0) ctx.gen(http, 'http.content_length', n);
            else ctx.malformedAt('http', `bad Content-Length '${value}'`, pos, line.length);
          }
        }
      }
    }
    lineNo++;
    pos = nl + 1;
  }
  // (inside TLS the scheme is https, as tshark writes it)
  const fullUri = host ? (uri.startsWith('http') ? uri : `${ctx.protocols.includes('tls') ? 'https' : 'http'}://${host}${uri}`) : '';
  if (m.isRequest && fullUri) ctx.gen(http, 'http.request.full_uri', fullUri);
  const requestFrame = pairing(ctx, http, m, s, fullUri);
  if (m.bodyLen > 0) ctx.gen(http, 'http.body_length', m.bodyLen);
  if (m.body && m.body.length > 0) ctx.gen(http, 'http.file_data', fileData(m.body, m.encoding));
  // tshark's Info: the first line and a space; a JSON body appends its item (", JavaScript Object Notation (type)"),
  // an XML one nothing, any other typed body " (type)"
  const first = `${formatText(m.firstLine)} `;
  const media = ctype.split(';')[0].trim();
  const body = m.bodyLen > 0 ? bodyProtocol(ctx, http, ctype) : '';
  ctx.info = body === 'json' ? `${first}, JavaScript Object Notation (${media})` : body === 'xml' || !media || m.bodyLen === 0 ? first
    : body === 'mime_multipart' && m.body ? `${first}${multipartTypes(m.body, ctype).map((t) => ` (${t})`).join('')}` : `${first} (${media})`;
  const auth = HTTP_AUTH.info?.(ctx);
  if (auth) ctx.info = `${ctx.info}, ${auth}`;
  ctx.protocol = proto === 'ssdp' ? 'SSDP' : body === 'json' ? 'HTTP/JSON' : body === 'xml' ? 'HTTP/XML' : 'HTTP';
  if (pairs !== null) {
    const msg: tables.HttpMessage = {
      isRequest: m.isRequest, method: m.isRequest ? method : undefined, path: m.isRequest ? uri : undefined,
      authority: host || undefined, status: m.isRequest || code < 0 ? undefined : code, headers: pairs,
      body: m.body ?? (m.bodyLen === 0 ? new Uint8Array(0) : null), bodyLength: m.bodyLen,
      contentType: ctype, contentEncoding: m.encoding, conn: s, requestFrame,
    };
    for (const hook of HTTP_MESSAGE_HOOKS) hook(ctx, msg);
  }
}

/**
 * Requests and responses of a connection, paired first in first out (as
 * tshark: a response without a complete request still takes a number).
 */
function pairing(ctx: Ctx, http: FieldNode, m: Message, s: Pairing, fullUri: string): number | undefined {
  const ts = ctx.pkt.tsNs;
  if (m.isRequest) {
    const n = ++s.httpCount;
    ctx.gen(http, 'http.request_number', n);
    if (s.httpRequests.length >= 64) s.httpRequests.shift();
    s.httpRequests.push({ frame: ctx.pkt.number, uri: fullUri, ts });
    return undefined;
  }
  const req = s.httpRequests.shift();
  if (!req) { s.httpCount++; return undefined; }
  ctx.gen(http, 'http.request_in', req.frame);
  if (req.uri) ctx.gen(http, 'http.response_for.uri', req.uri);
  if (ts !== null && req.ts !== null) ctx.reltime(http, 'http.time', ts - req.ts);
  return req.frame;
}

/**
 * The body as tshark's http.file_data shows it: de-chunked (done by the
 * caller), decompressed per Content-Encoding as tshark does by default
 * (left as it is when that fails), as text.
 */
function fileData(body: Uint8Array, encoding: string): string {
  let out: Uint8Array = body;
  const opts = { maxOutputLength: 16 << 20 };
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') out = gunzipSync(body, opts);
    else if (encoding === 'deflate') {
      try { out = inflateSync(body, opts); } catch { out = inflateRawSync(body, opts); }
    } else if (encoding === 'br') out = brotliDecompressSync(body, opts);
  } catch { out = body; }
  // as tshark 4.0's value: ASCII, each byte above 0x7f a U+FFFD, ending at the first NUL
  const n = out.indexOf(0);
  return latin1(out, 0, n < 0 ? out.length : n).replace(/[\x80-\xff]/g, '\ufffd');
}

const MAX_PARTS = 64;
/** part types whose registered dissector adds nothing to Info (checked against tshark 4.0) */
const SILENT_PART_TYPES = new Set(['application/octet-stream']);

/**
 * The Content-Type of each part of a multipart body (RFC 2046 §5.1), in
 * order, for the parts that have one: tshark's multipart dissector appends
 * nothing to Info itself, and each typed part's dissector (media, text)
 * appends " (type)"; an untyped part is plain data.
 */
export function multipartTypes(body: Uint8Array, ctype: string): string[] {
  const b = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(ctype);
  if (!b) return [];
  const text = latin1(body, 0, body.length);
  const delim = `--${b[1] ?? b[2]}`;
  const types: string[] = [];
  let at = text.indexOf(delim);
  while (at >= 0 && types.length < MAX_PARTS) {
    const lineEnd = text.indexOf('\n', at + delim.length);
    if (text.startsWith('--', at + delim.length) || lineEnd < 0) break;
    const next = text.indexOf(`\n${delim}`, lineEnd);
    const hdrEnd = text.indexOf('\n\r\n', lineEnd);
    const headers = text.slice(lineEnd + 1, hdrEnd >= 0 && (next < 0 || hdrEnd < next) ? hdrEnd : next < 0 ? text.length : next);
    const t = /^content-type:[ \t]*([^;\r\n]*)/im.exec(headers);
    const type = t ? t[1].trim().toLowerCase() : '';
    if (type && !SILENT_PART_TYPES.has(type)) types.push(type);
    at = next < 0 ? -1 : next + 1;
  }
  return types;
}

function bodyProtocol(ctx: Ctx, http: FieldNode, ctype: string): string {
  const t = ctype.split(';')[0].trim().toLowerCase();
  let proto = 'media';
  if (t === 'application/x-www-form-urlencoded') proto = 'urlencoded-form';
  else if (t === 'application/json' || t.endsWith('+json')) proto = 'json';
  else if (t === 'text/xml' || t === 'application/xml' || t.endsWith('+xml')) proto = 'xml';
  else if (t.startsWith('text/')) proto = 'data-text-lines';
  else if (t.startsWith('multipart/')) proto = 'mime_multipart';
  ctx.layer(proto, http.start, 0);
  return proto;
}

function firstLine(d: Uint8Array, o: number, end: number): string {
  let s = '';
  for (let i = o; i < end && d[i] !== 13 && d[i] !== 10; i++) s += String.fromCharCode(d[i]);
  return s;
}

// SSDP is HTTP over UDP, each datagram one message: the HTTP fields under
// the ssdp layer, requests and responses paired per UDP conversation (a
// reply to a multicast M-SEARCH comes from another address: unpaired, as
// in tshark); tshark shows nothing for other bytes on the port
const ssdpPairs = new WeakMap<State, Map<number, Pairing>>();
const MAX_SSDP_CONVERSATIONS = 4096;
UDP_PORT.add([1900], (ctx, st, off, end) => {
  const d = ctx.d;
  if (!looksLikeHttp(d, off, end)) return;
  const first = firstLine(d, off, end);
  const hend = findHeaderEnd(d, off, end);
  const stop = hend < 0 ? end : hend;
  let convs = ssdpPairs.get(st);
  if (!convs) { convs = new Map(); ssdpPairs.set(st, convs); }
  const key = st.udpStream(ctx, ctx.srcPort, ctx.dstPort);
  let pair = convs.get(key);
  if (!pair) {
    if (convs.size >= MAX_SSDP_CONVERSATIONS) convs.delete(convs.keys().next().value as number);
    pair = { httpCount: 0, httpRequests: [] };
    convs.set(key, pair);
  }
  const m: Message = { hdr: d.subarray(off, stop), isRequest: !first.startsWith('HTTP/'), firstLine: first, contentType: '', bodyLen: 0, encoding: '' };
  const p = pair;
  ctx.withReassembled(d.subarray(off, stop), 0, off, stop - off, () => emit(ctx, m, p, 'ssdp'));
});
declare('ssdp', 'Simple Service Discovery Protocol', []);

// tshark 4.0's http tcp.port range; 8000, 8008, 8888 are not in it (its heuristic finds HTTP there, as ours)
// (631 and 3689 are IPP's and DAAP's, which tshark carries in HTTP)
const HTTP_PORTS = [80, 8080, 3128, 3132, 5985, 8088, 11371, 1900, 2869, 2710, 631, 3689];
TCP_PORT.add(HTTP_PORTS, () => new HttpApp());
TCP_HEURISTICS.add(looksLikeHttp, () => new HttpApp(), 10);
// HTTP/1.x inside TLS, when the server chose it by ALPN (decrypted with a key log)
TLS_ALPN.add('http/1.1', () => new HttpApp());

/** HTTP/1.x messages: header block, then a body framed by Content-Length, chunks, or the close. */
export class HttpFramer implements Framer {
  private mode = 0; // 0 idle, 1 headers, 2 length, 3 chunked, 4 until close
  private hdr: number[] = [];
  private remaining = 0;
  private readonly chunks = new ChunkedParser();

  reset(): void { this.mode = 0; this.hdr = []; }
  untilFin(): boolean { return this.mode === 4; }
  known(): boolean { return this.mode === 2; }

  next(d: Uint8Array, o: number, end: number, s: TcpStream): number {
    while (o < end) {
      switch (this.mode) {
        case 0:
          // bytes that start no message are left alone by tshark's HTTP (a continuation): they end here
          if (!looksLikeHttp(d, o, end)) return end;
          this.mode = 1;
          this.hdr = [];
          break;
        case 1: {
          const h = this.hdr;
          while (o < end) {
            const c = d[o++];
            if (h.length < MAX_HEADER) h.push(c);
            const n = h.length;
            if (c === 10 && ((n >= 2 && h[n - 2] === 10) || (n >= 3 && h[n - 2] === 13 && h[n - 3] === 10))) {
              this.body(s);
              if ((this.mode as number) === 0) return o;
              break;
            }
          }
          break;
        }
        case 2: {
          const n = Math.min(this.remaining, end - o);
          this.remaining -= n;
          o += n;
          if (this.remaining === 0) { this.mode = 0; return o; }
          break;
        }
        case 3:
          o = this.chunks.feed(d, o, end, null);
          if (this.chunks.done) { this.mode = 0; return o; }
          break;
        default:
          return -1; // the close ends it
      }
    }
    return -1;
  }

  /** The header block is complete: how is the body framed? (as HttpApp decides) */
  private body(s: TcpStream): void {
    const text = String.fromCharCode.apply(null, this.hdr.length > 8192 ? this.hdr.slice(0, 8192) : this.hdr).toLowerCase();
    this.hdr = [];
    const cl = /\ncontent-length:[ \t]*(\d+)/.exec(text);
    const chunked = /\ntransfer-encoding:[^\n]*chunked/.test(text);
    const len = cl ? parseInt(cl[1], 10) : -1;
    let noBody: boolean;
    if (!text.startsWith('http/')) noBody = len < 0 && !chunked;
    else {
      const code = parseInt(text.slice(9, 12), 10);
      // HttpApp pairs the response with its request's method when it sees the same header (after this)
      noBody = (code >= 100 && code < 200) || code === 204 || code === 304 || s.pendingMethods[0] === 'HEAD';
    }
    if (noBody || len === 0) this.mode = 0;
    else if (chunked) { this.mode = 3; this.chunks.start(); }
    else if (len > 0) { this.mode = 2; this.remaining = len; }
    else this.mode = 4;
  }
}

/** The HTTP message a body layer (data-text-lines, json, ...) belongs to: its Content-Type and body text. */
function httpBody(f: Field, d: Dissection | undefined): { type: string; params: string; body: string | null } | null {
  if (d === undefined) return null;
  const list = d.fields;
  let i = list.indexOf(f);
  let ctype: string | null = null, body: string | null = null;
  for (i--; i >= 0; i--) {
    const g = list[i];
    if (g.name === 'http') break;
    if (g.name === 'http.content_type' && typeof g.value === 'string' && ctype === null) ctype = g.value;
    if (g.name === 'http.file_data' && typeof g.value === 'string' && body === null) body = g.value;
  }
  if (ctype === null || i < 0) return null;
  const semi = ctype.indexOf(';');
  return {
    type: (semi < 0 ? ctype : ctype.slice(0, semi)).trim().toLowerCase(),
    params: semi < 0 ? '' : ctype.slice(semi + 1),
    body,
  };
}

/** Lines of a text body as tshark's data-text-lines counts them (a last line without its end counts too). */
function lineCount(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  if (s.length > 0 && !s.endsWith('\n')) n++;
  return n;
}

// the body layers' lines name the media type of the HTTP message that carried them
// (or, for a body another protocol carried — mail, MQTT, HTTP/2 — the type it was opened for)
treeLine('data-text-lines', (v) => {
  const h = httpBody(v.layer, v.dissection);
  if (h !== null) return `${v.title}: ${h.type} (${lineCount(h.body ?? '')} lines)`;
  const m = mediaOf(v.layer as FieldNode, v.dissection?.packet.number);
  return m === undefined ? v.title : `${v.title}${m.type ? `: ${m.type}` : ''} (${m.lines} lines)`;
}, ['http.content_type', 'http.file_data']);
for (const name of ['urlencoded-form', 'json']) {
  treeLine(name, (v) => {
    const h = httpBody(v.layer, v.dissection);
    if (h !== null) return `${v.title}: ${h.type}`;
    const m = mediaOf(v.layer as FieldNode, v.dissection?.packet.number);
    return m === undefined ? v.title : `${v.title}: ${m.type}`;
  }, ['http.content_type']);
}
treeLine('mime_multipart', (v) => {
  const h = httpBody(v.layer, v.dissection);
  if (h === null) return v.title;
  const m = /(?:^|;)\s*boundary\s*=\s*("([^"]*)"|[^;\s]*)/i.exec(h.params);
  const boundary = m ? m[2] ?? m[1] : '';
  return `${v.title}, Type: ${h.type}, Boundary: "${boundary}"`;
}, ['http.content_type']);

/** The user:password of a Basic Authorization value (RFC 7617): the base64 after the scheme, decoded. */
function basicCredentials(value: string): string {
  const b64 = value.slice(6).trim();
  return Buffer.from(b64, 'base64').toString('latin1');
}
