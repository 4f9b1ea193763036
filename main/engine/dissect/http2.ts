// HTTP/2 (RFC 9113) over TCP: cleartext with prior knowledge (the client
// preface), after an HTTP/1.1 `Upgrade: h2c`, and over TLS through the
// tls.alpn table ('h2') once application data is decrypted. Frames are
// reassembled per direction; header blocks (HEADERS/PUSH_PROMISE and their
// CONTINUATIONs) are decoded with that direction's HPACK state, each header
// shown on the frame where its representation ends (as tshark, which feeds
// nghttp2's inflater one fragment at a time); DATA is kept per stream,
// bounded, and shown whole on the frame that ends the stream.
import { type Ctx, type FieldNode } from './context';
import { declare, HEX8, HEX32, treeLine } from './fields';
import type { State } from './state';
import type { TcpApp, TcpFlow, TcpStream } from './tcpstream';
import type { Framer } from './framers';
import * as tables from './tables';
import * as readers from './bytes';
import { HpackDecoder, type HeaderLine } from './hpack';
import { openMedia } from './imf';
import { httpStatusName } from './http-status';
import { C_ESCAPES } from './format';
const { TCP_HEURISTICS, TLS_ALPN, HTTP_UPGRADE, HTTP_MESSAGE_HOOKS } = tables;
const { u32 } = readers;

const FRAME_TYPES: Record<number, string> = {
  0: 'DATA', 1: 'HEADERS', 2: 'PRIORITY', 3: 'RST_STREAM', 4: 'SETTINGS', 5: 'PUSH_PROMISE', 6: 'PING', 7: 'GOAWAY',
  8: 'WINDOW_UPDATE', 9: 'CONTINUATION', 10: 'ALTSVC', 12: 'ORIGIN', 16: 'PRIORITY_UPDATE',
};
const ERRORS: Record<number, string> = {
  0: 'NO_ERROR', 1: 'PROTOCOL_ERROR', 2: 'INTERNAL_ERROR', 3: 'FLOW_CONTROL_ERROR', 4: 'SETTINGS_TIMEOUT', 5: 'STREAM_CLOSED',
  6: 'FRAME_SIZE_ERROR', 7: 'REFUSED_STREAM', 8: 'CANCEL', 9: 'COMPRESSION_ERROR', 10: 'CONNECT_ERROR',
  11: 'ENHANCE_YOUR_CALM', 12: 'INADEQUATE_SECURITY', 13: 'HTTP_1_1_REQUIRED',
};
const SETTINGS: Record<number, [string, string]> = {
  1: ['Header table size', 'http2.settings.header_table_size'], 2: ['Enable PUSH', 'http2.settings.enable_push'],
  3: ['Max concurrent streams', 'http2.settings.max_concurrent_streams'], 4: ['Initial Windows size', 'http2.settings.initial_window_size'],
  5: ['Max frame size', 'http2.settings.max_frame_size'], 6: ['Max header list size', 'http2.settings.max_header_list_size'],
  8: ['Extended CONNECT', 'http2.settings.extended_connect'],
};

/** Well-known headers with their own field (tshark's http2.headers.*); the rest show only as http2.header.name/value. */
const HEADER_FIELDS: Record<string, [string, 'string' | 'uint']> = {};
for (const h of [':authority', ':status', ':path', ':method', ':scheme', 'accept', 'accept-charset', 'accept-encoding',
  'accept-language', 'accept-ranges', 'access-control-allow-origin', 'age', 'allow', 'authorization', 'cache-control',
  'content-disposition', 'content-encoding', 'content-language', 'content-length', 'content-location', 'content-range',
  'content-type', 'cookie', 'date', 'etag', 'expect', 'expires', 'from', 'if-match', 'if-modified-since', 'if-none-match',
  'if-range', 'if-unmodified-since', 'last-modified', 'link', 'location', 'max-forwards', 'proxy-authenticate',
  'proxy-authorization', 'range', 'referer', 'refresh', 'retry-after', 'server', 'set-cookie', 'strict-transport-security',
  'user-agent', 'vary', 'via', 'www-authenticate']) {
  const uint = h === ':status' || h === 'age' || h === 'content-length' || h === 'max-forwards';
  HEADER_FIELDS[h] = [`http2.headers.${h.replace(/^:/, '').replace(/-/g, '_')}`, uint ? 'uint' : 'string'];
}

declare('http2', 'HyperText Transfer Protocol 2', [
  ['http2.stream', 'none', 'Stream'],
  ['http2.length', 'uint', 'Length'],
  ['http2.type', 'uint', 'Type', { valueNames: FRAME_TYPES }],
  ['http2.r', 'uint', 'Reserved', HEX32],
  ['http2.streamid', 'uint', 'Stream Identifier'],
  ['http2.magic', 'string', 'Magic'],
  ['http2.unknown', 'bytes', 'Unknown'],
  ['http2.flags', 'uint', 'Flags', HEX8],
  ['http2.flags.end_stream', 'bool', 'End Stream'],
  ['http2.flags.eh', 'bool', 'End Headers'],
  ['http2.flags.padded', 'bool', 'Padded'],
  ['http2.flags.priority', 'bool', 'Priority'],
  ['http2.flags.ack.ping', 'bool', 'ACK'],
  ['http2.flags.ack.settings', 'bool', 'ACK'],
  ['http2.flags.unused', 'uint', 'Unused', HEX8],
  ['http2.flags.unused_settings', 'uint', 'Unused', HEX8],
  ['http2.flags.unused_ping', 'uint', 'Unused', HEX8],
  ['http2.flags.unused_continuation', 'uint', 'Unused', HEX8],
  ['http2.flags.unused_push_promise', 'uint', 'Unused', HEX8],
  ['http2.flags.unused_data', 'uint', 'Unused', HEX8],
  ['http2.flags.unused_headers', 'uint', 'Unused', HEX8],
  ['http2.padding', 'uint', 'Pad Length', HEX8],
  ['http2.pad_length', 'uint', 'Pad Length'],
  ['http2.exclusive', 'bool', 'Exclusive'],
  ['http2.stream_dependency', 'uint', 'Stream Dependency'],
  ['http2.headers.weight', 'uint', 'Weight'],
  ['http2.headers.weight_real', 'uint', 'Weight real'],
  ['http2.data.data', 'bytes', 'Data'],
  ['http2.data.padding', 'bytes', 'Padding'],
  ['http2.body.fragments', 'none', 'Body fragments'],
  ['http2.body.fragment', 'framenum', 'Body fragment'],
  ['http2.body.fragment.count', 'uint', 'Body fragment count'],
  ['http2.body.reassembled.length', 'uint', 'Reassembled body length'],
  ['http2.headers', 'bytes', 'Header Block Fragment'],
  ['http2.headers.padding', 'bytes', 'Padding'],
  ['http2.header', 'none', 'Header'],
  ['http2.header.length', 'uint', 'Header Length'],
  ['http2.header.count', 'uint', 'Header Count'],
  ['http2.header.name.length', 'uint', 'Name Length'],
  ['http2.header.name', 'string', 'Name'],
  ['http2.header.value.length', 'uint', 'Value Length'],
  ['http2.header.value', 'string', 'Value'],
  ['http2.header.unescaped', 'string', 'Unescaped'],
  ['http2.header.repr', 'string', 'Representation'],
  ['http2.header.index', 'uint', 'Index'],
  ['http2.header_table_size_update', 'none', 'Header table size update'],
  ['http2.header_table_size_update.header_table_size', 'uint', 'Header table size'],
  ['http2.request.full_uri', 'string', 'Full request URI'],
  ['http2.rst_stream.error', 'uint', 'Error', { valueNames: ERRORS }],
  ['http2.settings', 'none', 'Settings'],
  ['http2.settings.id', 'uint', 'Settings Identifier'],
  ...Object.values(SETTINGS).map(([t, n]) => [n, 'uint', t] as [string, 'uint', string]),
  ['http2.settings.unknown', 'uint', 'Unknown Settings'],
  ['http2.push_promise.r', 'uint', 'Reserved', HEX32],
  ['http2.push_promise.promised_stream_id', 'uint', 'Promised-Stream-ID'],
  ['http2.push_promise.header', 'bytes', 'Header Block Fragment'],
  ['http2.push_promise.padding', 'bytes', 'Padding'],
  ['http2.ping', 'bytes', 'Ping'],
  ['http2.pong', 'bytes', 'Pong'],
  ['http2.goway.r', 'uint', 'Reserved', HEX32],
  ['http2.goaway.last_stream_id', 'uint', 'Last-Stream-ID'],
  ['http2.goaway.error', 'uint', 'Error', { valueNames: ERRORS }],
  ['http2.goaway.addata', 'bytes', 'Additional Debug Data'],
  ['http2.window_update.r', 'uint', 'Reserved', HEX32],
  ['http2.window_update.window_size_increment', 'uint', 'Window Size Increment'],
  ['http2.continuation.header', 'string', 'Continuation Header'],
  ['http2.continuation.padding', 'bytes', 'Padding'],
  ...Object.entries(HEADER_FIELDS).map(([h, [n, t]]) => [n, t, h] as [string, 'string' | 'uint', string]),
  ['http2.body.length', 'uint', 'Body length', { description: 'xdpscope: bytes of a stream\'s DATA in this direction, on the frame that ends it' }],
]);

export const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';

/** The client connection preface at off? (the h2c prior-knowledge heuristic) */
export function isPreface(d: Uint8Array, off: number, end: number): boolean {
  if (end - off < 16) return false;
  for (let i = 0; i < Math.min(PREFACE.length, end - off); i++) if (d[off + i] !== PREFACE.charCodeAt(i)) return false;
  return true;
}

/** frames longer than this are skipped, not kept (SETTINGS_MAX_FRAME_SIZE may allow 16 MiB) */
const MAX_FRAME = 1 << 20;
/** a header block (HEADERS + CONTINUATIONs) longer than this is not decoded (and the connection's HPACK state is lost) */
const MAX_BLOCK = 256 * 1024;
/** DATA kept per stream and direction for the reassembled body */
export const MAX_BODY = 4 << 20;
/** streams remembered per connection (the oldest are forgotten) */
const MAX_STREAMS = 1000;

/** What both directions of a connection know about a stream. */
export interface H2Stream {
  id: number;
  request: HeaderLine[] | null;
  response: HeaderLine[] | null;
  /** frame numbers of the request and response HEADERS */
  requestFrame: number;
  responseFrame: number;
}

/** One message's body (a direction of a stream). */
interface Body {
  chunks: Uint8Array[];
  length: number;
  /** past MAX_BODY: only counted */
  over: boolean;
  frames: number[];
}

export class H2Conn {
  readonly streams = new Map<number, H2Stream>();
  stream(id: number): H2Stream {
    let s = this.streams.get(id);
    if (!s) {
      if (this.streams.size >= MAX_STREAMS) this.streams.delete(this.streams.keys().next().value as number);
      s = { id, request: null, response: null, requestFrame: 0, responseFrame: 0 };
      this.streams.set(id, s);
    }
    return s;
  }
}

const conns = new WeakMap<TcpStream, H2Conn>();
/** The HTTP/2 state of a TCP connection (shared by its two directions). */
export function connOf(s: TcpStream): H2Conn {
  let c = conns.get(s);
  if (!c) { c = new H2Conn(); conns.set(s, c); }
  return c;
}

const header = (hs: HeaderLine[] | null, name: string): string | undefined => hs?.find((h) => h.name === name)?.value;

/** Raw bytes as tshark's format_text shows them in a string field: C escapes, \xNN for other controls, U+FFFD past ASCII. */
const latinText = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else if (c >= 0x80) s += '\ufffd';
    else s += C_ESCAPES[c] ?? `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s;
};

/** Per frame type: its "unused" flags field and mask, then each flag it defines (field, bit, Info word), in tshark's order. */
const FLAG_BITS: Record<number, [unused: string, mask: number, bits: [name: string, mask: number, title: string][]]> = {
  0: ['http2.flags.unused_data', 0xf6, [['http2.flags.padded', 0x08, 'Padded'], ['http2.flags.end_stream', 0x01, 'End Stream']]],
  1: ['http2.flags.unused_headers', 0xd2, [['http2.flags.priority', 0x20, 'Priority'], ['http2.flags.padded', 0x08, 'Padded'], ['http2.flags.eh', 0x04, 'End Headers'], ['http2.flags.end_stream', 0x01, 'End Stream']]],
  4: ['http2.flags.unused_settings', 0xfe, [['http2.flags.ack.settings', 0x01, 'ACK']]],
  5: ['http2.flags.unused_push_promise', 0xf3, [['http2.flags.padded', 0x08, 'Padded'], ['http2.flags.eh', 0x04, 'End Headers']]],
  6: ['http2.flags.unused_ping', 0xfe, [['http2.flags.ack.ping', 0x01, 'ACK']]],
  9: ['http2.flags.unused_continuation', 0xf3, [['http2.flags.padded', 0x08, 'Padded'], ['http2.flags.eh', 0x04, 'End Headers']]],
};

export class Http2App implements TcpApp {
  private buf = new Uint8Array(0);
  private bufLen = 0;
  /** the preface is still possible at the start of this direction */
  private start = true;
  /** bytes of an oversized frame still to skip */
  private skip = 0;
  private readonly hpack = new HpackDecoder();
  /** the header block being reassembled: stream, bytes so far, bytes decoded */
  private block: { stream: number; type: number; data: Uint8Array; len: number; done: number; endStream: boolean } | null = null;
  private readonly bodies = new Map<number, Body>();
  private infos: string[] = [];
  private layerFrame = -1;
  private layer: FieldNode | null = null;
  private conn: H2Conn | null = null;
  private bad = false;

  /**
   * 'prior': found by the preface heuristic; 'http': handed over by the
   * HTTP/1 dissector (a port tshark gives HTTP, which shows as an 'http'
   * layer first); 'tls': decrypted application data with ALPN h2.
   */
  constructor(private readonly mode: 'prior' | 'http' | 'tls' = 'prior') {}
  private get viaHttp(): boolean { return this.mode === 'http'; }

  reset(): void { this.bufLen = 0; this.skip = 0; this.block = null; }
  fin(): void {}
  framer(): Framer { return new Http2Framer(); }

  feed(ctx: Ctx, _st: State, s: TcpStream, flow: TcpFlow, off: number, end: number): void {
    if (this.conn === null) {
      this.conn = connOf(s);
      // cleartext: the other direction is HTTP/2 too from now on (TLS feeds each direction's own app)
      if (this.mode !== 'tls' && !peers.has(this)) {
        const other = flow === s.a ? s.b : s.a;
        const theirs = new Http2App(this.mode);
        pairApps(this, theirs);
        theirs.conn = this.conn;
        other.app = theirs; other.track = undefined;
      }
    }
    const d = ctx.d;
    let o = off;
    if (this.bad) return;
    while (o < end) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, end - o);
        this.skip -= n; o += n;
        continue;
      }
      if (this.start) {
        // the preface may be cut across segments: wait for its 24 bytes
        const have = this.bufLen + (end - o);
        if (have < PREFACE.length && isPrefixOfPreface(this.buf, this.bufLen, d, o, end)) { this.append(d, o, end); return; }
        this.start = false;
        if (have >= PREFACE.length && isPrefixOfPreface(this.buf, this.bufLen, d, o, o + PREFACE.length - this.bufLen)) {
          const take = PREFACE.length - this.bufLen;
          this.bufLen = 0;
          const l = this.frameLayer(ctx);
          const st = ctx.sub(l, 'http2.stream', null, o, take);
          st.label = 'Stream: Magic';
          ctx.sub(st, 'http2.magic', PREFACE, o, take);
          this.infos.push('Magic');
          o += take;
          continue;
        }
      }
      // a frame header, then its payload, possibly across segments
      const need = 9 - this.bufLen;
      if (need > 0) {
        const n = Math.min(need, end - o);
        this.append(d, o, o + n);
        o += n;
        if (this.bufLen < 9) return;
      }
      const len = (this.buf[0] << 16) | (this.buf[1] << 8) | this.buf[2];
      if (len > MAX_FRAME) {
        ctx.malformedAt('http2', `frame length ${len} is past the ${MAX_FRAME}-byte limit: skipped`, Math.max(off, o - 9), 0);
        this.skip = len; this.bufLen = 0;
        continue;
      }
      const want = 9 + len - this.bufLen;
      const n = Math.min(want, end - o);
      this.append(d, o, o + n);
      o += n;
      if (this.bufLen < 9 + len) return;
      const frame = this.buf.subarray(0, 9 + len);
      // the frame's bytes in this segment: its tail
      const inSeg = o - Math.max(off, o - (9 + len));
      const frameCopy = frame.slice();
      this.bufLen = 0;
      ctx.withReassembled(frameCopy, frameCopy.length - inSeg, o - inSeg, inSeg, () => this.frame(ctx, frameCopy));
    }
  }

  private append(d: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    if (this.bufLen + n > this.buf.length) {
      const nb = new Uint8Array(Math.max(this.bufLen + n, this.buf.length * 2, 1024));
      nb.set(this.buf.subarray(0, this.bufLen));
      this.buf = nb;
    }
    this.buf.set(d.subarray(from, to), this.bufLen);
    this.bufLen += n;
  }

  /**
   * The protocol item of one HTTP/2 frame: tshark's dissector adds one per
   * frame (tcp_dissect_pdus calls it per PDU) but counts once per segment in
   * frame.protocols, where the HTTP dissector that handed the connection over
   * counts too, without an item of its own (after a 101 in the same segment
   * the HTTP layer is there already).
   */
  private frameLayer(ctx: Ctx): FieldNode {
    if (this.layerFrame !== ctx.pkt.number || !this.layer) {
      this.layerFrame = ctx.pkt.number;
      if (this.viaHttp && ctx.protocols[ctx.protocols.length - 1] !== 'http') ctx.protocols.push('http');
      this.layer = ctx.layer('http2', 0, 0);
      const infos: string[] = [];
      this.infos = infos;
      ctx.setSummary('HTTP2', () => infos.join(', '));
    } else {
      this.layer = ctx.layer('http2', 0, 0);
      ctx.protocols.pop();
    }
    return this.layer;
  }

  /** One complete frame; ctx.d is the frame (header included). */
  private frame(ctx: Ctx, f: Uint8Array): void {
    const len = f.length - 9, type = f[3], flags = f[4];
    const r = f[5] >> 7, id = ((f[5] & 0x7f) << 24 | f[6] << 16 | f[7] << 8 | f[8]) >>> 0;
    const l = this.frameLayer(ctx);
    const name = FRAME_TYPES[type] ?? 'Unknown';
    const st = ctx.sub(l, 'http2.stream', null, 0, f.length);
    let label = `Stream: ${name}, Stream ID: ${id}, Length ${len}`;
    ctx.sub(st, 'http2.length', len, 0, 3);
    ctx.sub(st, 'http2.type', type, 3, 1);
    this.flagFields(ctx, st, type, flags);
    ctx.sub(st, 'http2.r', r, 5, 4);
    ctx.sub(st, 'http2.streamid', id, 5, 4);
    let info = `${name}[${id}]`;
    const p = 9;
    switch (type) {
      case 0: this.data(ctx, l, st, f, id, flags); break;
      case 1: case 5: {
        let q = p, padLen = 0;
        if (flags & 0x08) { padLen = f[q]; ctx.sub(st, 'http2.padding', padLen, q, 1); q++; }
        ctx.sub(st, 'http2.pad_length', padLen, Math.max(p, q - 1), q > p ? 1 : 0).generated = q === p ? true : undefined;
        if (type === 5) {
          if (q + 4 > f.length - padLen) { ctx.malformedAt('http2', 'PUSH_PROMISE cut short', 0, f.length); break; }
          ctx.sub(st, 'http2.push_promise.r', f[q] >> 7, q, 4);
          ctx.sub(st, 'http2.push_promise.promised_stream_id', ((f[q] & 0x7f) << 24 | f[q + 1] << 16 | f[q + 2] << 8 | f[q + 3]) >>> 0, q, 4);
          q += 4;
        } else if (flags & 0x20) {
          if (q + 5 > f.length - padLen) { ctx.malformedAt('http2', 'HEADERS priority cut short', 0, f.length); break; }
          ctx.sub(st, 'http2.exclusive', (f[q] & 0x80) !== 0, q, 4);
          ctx.sub(st, 'http2.stream_dependency', ((f[q] & 0x7f) << 24 | f[q + 1] << 16 | f[q + 2] << 8 | f[q + 3]) >>> 0, q, 4);
          ctx.sub(st, 'http2.headers.weight', f[q + 4], q + 4, 1);
          ctx.sub(st, 'http2.headers.weight_real', f[q + 4] + 1, q + 4, 1).generated = true;
          q += 5;
        }
        const fragEnd = f.length - padLen;
        if (fragEnd < q) { ctx.malformedAt('http2', `pad length ${padLen} runs past the frame`, 0, f.length); break; }
        ctx.sub(st, type === 5 ? 'http2.push_promise.header' : 'http2.headers', f.subarray(q, fragEnd), q, fragEnd - q);
        this.block = { stream: id, type, data: new Uint8Array(0), len: 0, done: 0, endStream: (flags & 0x01) !== 0 && type === 1 };
        const hs = this.fragment(ctx, st, f, q, fragEnd, (flags & 0x04) !== 0);
        if (padLen) ctx.sub(st, type === 5 ? 'http2.push_promise.padding' : 'http2.headers.padding', f.subarray(fragEnd), fragEnd, padLen);
        const method = header(hs, ':method'), status = header(hs, ':status'), path = header(hs, ':path');
        if (method !== undefined) info += `: ${method} ${path ?? ''}`;
        else if (status !== undefined) info += `: ${status} ${statusName(status)}`;
        if (method !== undefined || status !== undefined) label += `, ${info.slice(info.indexOf(': ') + 2)}`;
        break;
      }
      case 9: {
        if (!this.block || this.block.stream !== id) {
          ctx.malformedAt('http2', `CONTINUATION on stream ${id} without a header block to continue`, 0, f.length);
          break;
        }
        ctx.sub(st, 'http2.pad_length', 0, 0, 0).generated = true;
        ctx.sub(st, 'http2.continuation.header', latinText(f.subarray(p)), p, len);
        const hs = this.fragment(ctx, st, f, p, f.length, (flags & 0x04) !== 0);
        const method = header(hs, ':method'), status = header(hs, ':status');
        if (method !== undefined) info += `: ${method} ${header(hs, ':path') ?? ''}`;
        else if (status !== undefined) info += `: ${status}`;
        break;
      }
      case 2:
        if (len < 5) { ctx.malformedAt('http2', 'PRIORITY shorter than 5 bytes', 0, f.length); break; }
        ctx.sub(st, 'http2.exclusive', (f[p] & 0x80) !== 0, p, 4);
        ctx.sub(st, 'http2.stream_dependency', ((f[p] & 0x7f) << 24 | f[p + 1] << 16 | f[p + 2] << 8 | f[p + 3]) >>> 0, p, 4);
        ctx.sub(st, 'http2.headers.weight', f[p + 4], p + 4, 1);
        ctx.sub(st, 'http2.headers.weight_real', f[p + 4] + 1, p + 4, 1).generated = true;
        break;
      case 3:
        if (len < 4) { ctx.malformedAt('http2', 'RST_STREAM shorter than 4 bytes', 0, f.length); break; }
        ctx.sub(st, 'http2.rst_stream.error', u32(f, p), p, 4);
        break;
      case 4:
        for (let q = p; q + 6 <= f.length; q += 6) {
          const sid = (f[q] << 8) | f[q + 1], v = u32(f, q + 2);
          const known = SETTINGS[sid];
          const item = ctx.sub(st, 'http2.settings', null, q, 6);
          item.label = `Settings - ${known ? known[0] : 'Unknown'} : ${v}`;
          ctx.sub(item, 'http2.settings.id', sid, q, 2);
          ctx.sub(item, known ? known[1] : 'http2.settings.unknown', v, q + 2, 4);
          // our peer's table size is what this direction's *peer* decodes with: the other direction's decoder
          if (sid === 1) this.peerTableSize(v);
        }
        if (len % 6 !== 0) ctx.malformedAt('http2', `SETTINGS length ${len} is not a multiple of 6`, 0, f.length);
        break;
      case 6:
        ctx.sub(st, flags & 0x01 ? 'http2.pong' : 'http2.ping', f.subarray(p), p, len);
        break;
      case 7:
        if (len < 8) { ctx.malformedAt('http2', 'GOAWAY shorter than 8 bytes', 0, f.length); break; }
        ctx.sub(st, 'http2.goway.r', f[p] >> 7, p, 4);
        ctx.sub(st, 'http2.goaway.last_stream_id', u32(f, p) & 0x7fffffff, p, 4);
        ctx.sub(st, 'http2.goaway.error', u32(f, p + 4), p + 4, 4);
        if (len > 8) ctx.sub(st, 'http2.goaway.addata', f.subarray(p + 8), p + 8, len - 8);
        break;
      case 8:
        if (len < 4) { ctx.malformedAt('http2', 'WINDOW_UPDATE shorter than 4 bytes', 0, f.length); break; }
        ctx.sub(st, 'http2.window_update.r', f[p] >> 7, p, 4);
        ctx.sub(st, 'http2.window_update.window_size_increment', u32(f, p) & 0x7fffffff, p, 4);
        break;
      default:
        if (len > 0) ctx.sub(st, 'http2.unknown', f.subarray(p), p, len);
    }
    st.label = label;
    // tshark's text media dissector appends the media type to the frame that ended a text body
    this.infos.push(info + this.bodyMedia);
    this.bodyMedia = '';
    // a body layer's title comes after the frame that ended the message
    if (this.bodyTitle) { this.infos.push(this.bodyTitle); this.bodyTitle = ''; }
  }

  private bodyTitle = '';
  private bodyMedia = '';

  /** set by the connection: the decoder of the other direction learns the limit this side announced */
  private peerTableSize(v: number): void {
    const other = peers.get(this);
    if (other) other.hpack.setLimit(v);
  }

  private flagFields(ctx: Ctx, st: FieldNode, type: number, flags: number): void {
    const fl = ctx.sub(st, 'http2.flags', flags, 4, 1);
    const names: string[] = [];
    const spec = FLAG_BITS[type];
    if (spec === undefined) ctx.sub(fl, 'http2.flags.unused', flags, 4, 1);
    else {
      ctx.sub(fl, spec[0], flags & spec[1], 4, 1);
      for (const [name, mask, title] of spec[2]) {
        ctx.sub(fl, name, (flags & mask) !== 0, 4, 1);
        if (flags & mask) names.push(title);
      }
    }
    fl.label = `Flags: 0x${flags.toString(16).padStart(2, '0')}${names.length ? ', ' + names.join(', ') : ''}`;
  }

  /**
   * A header block fragment [q, end) of frame f: appended to the block, and
   * the headers it completes decoded and shown on this frame. Returns them.
   */
  private fragment(ctx: Ctx, st: FieldNode, f: Uint8Array, q: number, end: number, last: boolean): HeaderLine[] {
    const b = this.block!;
    const n = end - q;
    if (b.len + n > MAX_BLOCK) {
      ctx.malformedAt('http2', `header block longer than ${MAX_BLOCK} bytes: not decoded`, q, n);
      this.block = null;
      return [];
    }
    if (b.len + n > b.data.length) {
      const nd = new Uint8Array(Math.max(b.len + n, b.data.length * 2, 256));
      nd.set(b.data.subarray(0, b.len));
      b.data = nd;
    }
    b.data.set(f.subarray(q, end), b.len);
    const fragStart = b.len;
    b.len += n;
    const res = this.hpack.decode(b.data, b.done, b.len, last);
    b.done = res.next;
    // block offsets → frame offsets: the part of this fragment maps exactly, earlier bytes are in earlier frames
    const at = (start: number, len: number): [number, number] => start >= fragStart ? [q + start - fragStart, len] : [q, 0];
    for (const u of res.updates) {
      const [s, l] = at(u.start, u.len);
      const item = ctx.sub(st, 'http2.header_table_size_update', null, s, l);
      item.label = `Header table size update: ${u.size}`;
      ctx.sub(item, 'http2.header_table_size_update.header_table_size', u.size, s, l);
    }
    const hs = res.headers;
    if (hs.length > 0) {
      let total = 0;
      for (const h of hs) total += h.name.length + h.value.length + 8;
      ctx.sub(st, 'http2.header.length', total, q, 0).generated = true;
      // (tshark counts a table size update as a header)
      ctx.sub(st, 'http2.header.count', hs.length + res.updates.length, q, 0).generated = true;
    }
    for (const h of hs) {
      const [s, l] = at(h.start, h.len);
      const item = ctx.sub(st, 'http2.header', null, s, l);
      const name = utf8(h.name), value = utf8(h.value);
      const status = h.name === ':status' ? ` ${statusName(h.value)}` : '';
      item.label = `Header: ${name}: ${value}${status}`;
      ctx.sub(item, 'http2.header.name.length', h.name.length, s, 0);
      ctx.sub(item, 'http2.header.name', name, s, 0);
      ctx.sub(item, 'http2.header.value.length', h.value.length, s, 0);
      ctx.sub(item, 'http2.header.value', value, s, 0);
      const known = HEADER_FIELDS[h.name];
      if (known) {
        if (known[1] === 'uint') {
          const v = headerUint(h.value);
          if (v !== undefined) ctx.sub(item, known[0], v, s, 0);
        } else ctx.sub(item, known[0], value, s, 0);
      }
      ctx.sub(item, 'http2.header.unescaped', unescape(value), s, 0).generated = true;
      ctx.sub(item, 'http2.header.repr', h.repr, s, 0);
      if (h.index > 0) ctx.sub(item, 'http2.header.index', h.index, s, 0);
    }
    if (res.error) {
      ctx.malformedAt('http2', `HPACK: ${res.error.message}`, ...at(res.error.at, 0));
      // the decoder's table may now differ from the encoder's: later blocks cannot be trusted
      this.block = null;
      this.bad = true;
      return hs;
    }
    const s = this.conn!.stream(b.stream);
    const list = b.type === 1 ? ((s as { acc?: HeaderLine[] }).acc ??= []) : [];
    list.push(...hs);
    if (last) {
      this.block = null;
      if (b.type === 1) {
        delete (s as { acc?: HeaderLine[] }).acc;
        const isRequest = list.some((h) => h.name === ':method');
        const isResponse = list.some((h) => h.name === ':status');
        if (isRequest) { s.request = list; s.requestFrame = ctx.pkt.number; }
        else if (isResponse) {
          // interim (1xx) responses do not replace the final one's place
          if (!s.response || Number(header(s.response, ':status')) < 200) { s.response = list; s.responseFrame = ctx.pkt.number; }
        } else if (s.request && !s.response) { /* trailers */ }
        if (isRequest) {
          const scheme = header(list, ':scheme'), auth = header(list, ':authority'), path = header(list, ':path');
          if (scheme && auth && path !== undefined) ctx.sub(st, 'http2.request.full_uri', `${scheme}://${auth}${path}`, q, 0).generated = true;
        }
        // a message without body ends with its headers
        if (b.endStream) this.ended(ctx, st, b.stream, isRequest ? true : isResponse ? false : null, new Uint8Array(0), 0);
      }
    }
    return hs;
  }

  private data(ctx: Ctx, l: FieldNode, st: FieldNode, f: Uint8Array, id: number, flags: number): void {
    let q = 9, padLen = 0;
    if (flags & 0x08) {
      if (f.length < 10) { ctx.malformedAt('http2', 'DATA padding length missing', 0, f.length); return; }
      padLen = f[q]; ctx.sub(st, 'http2.padding', padLen, q, 1); q++;
    }
    ctx.sub(st, 'http2.pad_length', padLen, q > 9 ? 9 : 0, q > 9 ? 1 : 0).generated = q === 9 ? true : undefined;
    const dataEnd = f.length - padLen;
    if (dataEnd < q) { ctx.malformedAt('http2', `pad length ${padLen} runs past the frame`, 0, f.length); return; }
    let body = this.bodies.get(id);
    const n = dataEnd - q;
    if (n > 0) {
      if (!body) {
        if (this.bodies.size >= MAX_STREAMS) this.bodies.delete(this.bodies.keys().next().value as number);
        body = { chunks: [], length: 0, over: false, frames: [] };
        this.bodies.set(id, body);
      }
      body.length += n;
      if (body.frames.length < 4096) body.frames.push(ctx.pkt.number);
      if (!body.over && body.length <= MAX_BODY) body.chunks.push(f.slice(q, dataEnd));
      else if (!body.over) { body.over = true; body.chunks = []; }
    }
    const end = (flags & 0x01) !== 0;
    if (!end || !body) {
      if (n > 0 || end) ctx.sub(st, 'http2.data.data', f.subarray(q, dataEnd), q, n);
    } else {
      this.bodies.delete(id);
      const whole = body.over ? null : Buffer.concat(body.chunks);
      if (whole === null) ctx.note('protocol', 'http2', `stream ${id}'s body of ${body.length} bytes is past the ${MAX_BODY}-byte limit: not kept`, 'warn');
      ctx.sub(st, 'http2.data.data', whole ?? f.subarray(q, dataEnd), q, n);
      const spans = body.frames.length > 1 || body.frames[0] !== ctx.pkt.number || n === 0;
      if (spans) {
        const frs = ctx.sub(st, 'http2.body.fragments', null, q, 0);
        frs.label = `${body.frames.length} Body fragments (${body.length} bytes)`;
        for (const fr of body.frames) ctx.sub(frs, 'http2.body.fragment', fr, q, 0);
        ctx.sub(frs, 'http2.body.fragment.count', body.frames.length, q, 0);
        ctx.sub(frs, 'http2.body.reassembled.length', body.length, q, 0);
      }
    }
    if (padLen) ctx.sub(st, 'http2.data.padding', f.subarray(dataEnd), dataEnd, padLen);
    if (end) {
      const s = this.conn!.stream(id);
      const isRequest = s.request !== null && s.response === null ? true : s.response !== null ? false : null;
      const whole = body && !body.over ? Buffer.concat(body.chunks) : body ? null : new Uint8Array(0);
      this.ended(ctx, l, id, isRequest, whole, body?.length ?? 0);
    }
  }

  /** A message of stream id ended in this frame: body layers (json, …) as tshark, and the hooks. */
  private ended(ctx: Ctx, l: FieldNode, id: number, isRequest: boolean | null, body: Uint8Array | null, bodyLength: number): void {
    const s = this.conn!.stream(id);
    const headers = isRequest === true ? s.request : isRequest === false ? s.response : null;
    if (headers === null) return;
    if (bodyLength > 0) {
      ctx.gen(l, 'http2.body.length', bodyLength);
      const ctype = (header(headers, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
      const proto = ctype === 'application/json' || ctype.endsWith('+json') ? 'json'
        : ctype === 'text/xml' || ctype === 'application/xml' || ctype.endsWith('+xml') ? 'xml'
          : ctype.startsWith('text/') ? 'data-text-lines' : ctype === 'application/x-www-form-urlencoded' ? 'urlencoded-form'
            : ctype === '' ? '' : 'data';
      if (proto === '') return this.hooks(ctx, l, s, isRequest, headers, body, bodyLength);
      openMedia(ctx, proto, ctype, 0, 0, undefined, body ?? undefined);
      const title = proto === 'json' ? `JavaScript Object Notation (${ctype})` : proto === 'xml' ? `eXtensible Markup Language` : '';
      if (title) this.bodyTitle = title;
      else if (proto === 'data-text-lines') this.bodyMedia = ` (${ctype})`;
      // the column names the last body's protocol when it has a short name (tshark: json, xml)
      ctx.protocol = proto === 'json' ? 'HTTP2/JSON' : proto === 'xml' ? 'HTTP2/XML' : 'HTTP2';
    }
    this.hooks(ctx, l, s, isRequest, headers, body, bodyLength);
  }

  private hooks(ctx: Ctx, _l: FieldNode, s: H2Stream, isRequest: boolean | null, headers: HeaderLine[], body: Uint8Array | null, bodyLength: number): void {
    if (HTTP_MESSAGE_HOOKS.length === 0 || isRequest === null) return;
    const req = s.request;
    const status = isRequest ? undefined : Number(header(headers, ':status'));
    const m: tables.HttpMessage = {
      isRequest,
      method: header(req, ':method'),
      path: header(req, ':path'),
      authority: header(req, ':authority'),
      status,
      headers: headers.map((h) => [h.name, h.value] as const),
      body, bodyLength,
      contentType: header(headers, 'content-type') ?? '',
      contentEncoding: (header(headers, 'content-encoding') ?? '').toLowerCase(),
      conn: s,
      requestFrame: s.requestFrame || undefined,
    };
    for (const hook of HTTP_MESSAGE_HOOKS) hook(ctx, m);
  }
}

/** a numeric header's value as tshark reads it (ws_strtou32): decimal digits after optional white space, at most 2^32 - 1 */
function headerUint(value: string): number | undefined {
  if (!/^[ \t\n\v\f\r]*\d+$/.test(value)) return undefined;
  const v = Number(value);
  return v <= 0xffffffff ? v : undefined;
}

/** a :status value's name as tshark appends it: its leading number looked up (strtoul), 'Unknown' without a name */
const statusName = (value: string): string => httpStatusName(parseInt(value, 10)) ?? 'Unknown';


function isPrefixOfPreface(buf: Uint8Array, bufLen: number, d: Uint8Array, o: number, end: number): boolean {
  let i = 0;
  for (; i < bufLen && i < PREFACE.length; i++) if (buf[i] !== PREFACE.charCodeAt(i)) return false;
  for (let k = o; k < end && i < PREFACE.length; k++, i++) if (d[k] !== PREFACE.charCodeAt(i)) return false;
  return true;
}

/** Header text was decoded one char per byte; UTF-8 sequences become their characters. */
function utf8(s: string): string {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.from(s, 'latin1').toString('utf8');
  return s;
}

function unescape(s: string): string {
  if (!s.includes('%')) return s;
  try { return decodeURIComponent(s); } catch { return s; }
}

/** the two directions of a connection, so a SETTINGS header table size reaches the decoder it limits */
const peers = new WeakMap<Http2App, Http2App>();

/** Makes both directions' apps of a connection HTTP/2 (prior knowledge, an h2c upgrade, or ALPN h2). */
export function pairApps(a: Http2App, b: Http2App): void { peers.set(a, b); peers.set(b, a); }

/** Frame boundaries for tshark's reassembly fields: the preface, then 9 + length bytes per frame. */
class Http2Framer implements Framer {
  private start = true;
  private hdr = new Uint8Array(9);
  private got = 0;
  private remaining = -1;
  private pre = 0;
  reset(): void { this.got = 0; this.remaining = -1; }
  known(): boolean { return this.remaining >= 0; }
  next(d: Uint8Array, o: number, end: number): number {
    while (o < end) {
      if (this.start) {
        while (o < end && this.pre < PREFACE.length && d[o] === PREFACE.charCodeAt(this.pre)) { o++; this.pre++; }
        if (this.pre === PREFACE.length) { this.start = false; return o; }
        if (o < end) { this.start = false; this.pre = 0; }
        else return -1;
      }
      if (this.remaining < 0) {
        while (o < end && this.got < 9) this.hdr[this.got++] = d[o++];
        if (this.got < 9) return -1;
        this.remaining = (this.hdr[0] << 16) | (this.hdr[1] << 8) | this.hdr[2];
      }
      const n = Math.min(this.remaining, end - o);
      this.remaining -= n; o += n;
      if (this.remaining === 0) { this.remaining = -1; this.got = 0; return o; }
    }
    return -1;
  }
}

treeLine('http2', (v) => v.title, []);

/** Both directions of a connection become HTTP/2: the given flow's and the other one's. */
export function upgradeToHttp2(s: TcpStream, flow: TcpFlow): Http2App {
  const mine = new Http2App('http');
  flow.app = mine; flow.track = undefined;
  // its first feed makes the other direction HTTP/2 as well
  return mine;
}

// h2c with prior knowledge on any port without a protocol of its own (a port that has one hands over itself, see http.ts)
TCP_HEURISTICS.add(isPreface, () => new Http2App('prior'), 5);
TLS_ALPN.add('h2', () => new Http2App('tls'));
HTTP_UPGRADE.add('h2c', (s, flow) => upgradeToHttp2(s, flow));
