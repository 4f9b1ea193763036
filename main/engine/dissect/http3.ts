// HTTP/3 (RFC 9114) over decrypted QUIC STREAM data, as tshark 4.0 shows
// it: one http3 layer per STREAM frame that carries HTTP/3 (a request
// stream's frame cut by the packet's end waits for the rest, as tshark's
// desegmentation does), unidirectional stream types, frame type, length
// and payload, SETTINGS and PRIORITY_UPDATE. Beyond tshark 4.0: QPACK
// (static and dynamic tables from the peer's encoder stream) decodes
// HEADERS into http3.header.name/value (the names later Wireshark
// releases use) and the http3.headers.* fields the enriched columns read.
// Bounded: MAX_STREAMS streams per connection, MAX_PENDING bytes waiting
// per stream.
import type { Ctx, FieldNode } from './context';
import { declare, treeLine } from './fields';
import { QpackDecoder } from './qpack';
import * as tables from './tables';
const { HTTP_MESSAGE_HOOKS } = tables;

const STREAM_TYPES: Record<number, string> = { 0: 'Control Stream', 1: 'Push Stream', 2: 'QPACK Encoder Stream', 3: 'QPACK Decoder Stream' };
const FRAME_TYPES: Record<number, string> = {
  0: 'DATA', 1: 'HEADERS', 2: 'Reserved', 3: 'CANCEL_PUSH', 4: 'SETTINGS', 5: 'PUSH_PROMISE', 6: 'Reserved', 7: 'GOAWAY',
  8: 'Reserved', 9: 'Reserved', 0x0d: 'MAX_PUSH_ID', 0x0e: 'Reserved', 0xf0700: 'PRIORITY_UPDATE', 0xf0701: 'PRIORITY_UPDATE',
};
const SETTINGS: Record<number, string> = { 1: 'Max Table Capacity', 6: 'Max Field Section Size', 7: 'Blocked Streams', 8: 'Extended CONNECT' };

declare('http3', 'Hypertext Transfer Protocol Version 3', [
  ['http3.stream_type', 'uint', 'Stream Type', { valueNames: STREAM_TYPES }],
  ['http3.push_id', 'uint', 'Push ID'],
  ['http3.frame_type', 'uint', 'Type', { valueNames: FRAME_TYPES }],
  ['http3.frame_length', 'uint', 'Length'],
  ['http3.frame_payload', 'bytes', 'Frame Payload'],
  ['http3.settings', 'none', 'Settings'],
  ['http3.settings.id', 'uint', 'Settings Identifier', { valueNames: SETTINGS }],
  ['http3.settings.value', 'uint', 'Settings Value'],
  ['http3.settings.qpack.max_table_capacity', 'uint', 'Max Table Capacity'],
  ['http3.settings.max_field_section_size', 'uint', 'Max header list size'],
  ['http3.settings.qpack.blocked_streams', 'uint', 'Blocked Streams'],
  ['http3.settings.extended_connect', 'uint', 'Extended CONNECT'],
  ['http3.priority_update_element_id', 'uint', 'Priority Update Element ID'],
  ['http3.priority_update_field_value', 'string', 'Priority Update Field Value'],
  // QPACK-decoded headers: later Wireshark's names (4.0 has none) and, for the enriched columns, http2.headers.*'s counterparts
  ['http3.header', 'none', 'Header', { description: 'xdpscope (Wireshark 4.2+): one decoded header line' }],
  ['http3.header.name', 'string', 'Name'],
  ['http3.header.value', 'string', 'Value'],
  ['http3.headers.method', 'string', 'Method', { description: 'xdpscope: the :method pseudo-header' }],
  ['http3.headers.path', 'string', 'Path', { description: 'xdpscope: the :path pseudo-header' }],
  ['http3.headers.authority', 'string', 'Authority', { description: 'xdpscope: the :authority pseudo-header' }],
  ['http3.headers.scheme', 'string', 'Scheme', { description: 'xdpscope: the :scheme pseudo-header' }],
  ['http3.headers.status', 'uint', 'Status', { description: 'xdpscope: the :status pseudo-header' }],
  ['http3.headers.user_agent', 'string', 'User-Agent', { description: 'xdpscope: the user-agent header' }],
  ['http3.headers.content_type', 'string', 'Content-Type', { description: 'xdpscope: the content-type header' }],
  ['http3.headers.content_length', 'uint', 'Content-Length', { description: 'xdpscope: the content-length header' }],
  ['http3.qpack_failed', 'string', 'Header decompression failed', { description: 'xdpscope: why QPACK could not decode a field section' }],
]);
treeLine('http3.header', (v) => `Header: ${v.value('http3.header.name') ?? ''}: ${v.value('http3.header.value') ?? ''}`, ['http3.header.name', 'http3.header.value']);

const WELL_KNOWN: Record<string, string> = {
  ':method': 'http3.headers.method', ':path': 'http3.headers.path', ':authority': 'http3.headers.authority', ':scheme': 'http3.headers.scheme',
  'user-agent': 'http3.headers.user_agent', 'content-type': 'http3.headers.content_type',
};

/** frames of up to this size are waited for across packets; a bigger one is shown as far as it goes */
const MAX_PENDING = 256 * 1024;
const MAX_STREAMS = 1024;

/** A QUIC variable-length integer (RFC 9000 §16) at p: [value, bytes] or null past end (values past 2^53 are approximate: see varintValue). */
export function varint(b: Uint8Array, p: number, end: number): [number, number] | null {
  if (p >= end) return null;
  const n = 1 << (b[p] >> 6);
  if (p + n > end) return null;
  let v = b[p] & 0x3f;
  for (let i = 1; i < n; i++) v = v * 256 + b[p + i];
  return [v, n];
}

/** A variable-length integer's exact value for a field: a bigint past 2^53 (tshark prints all 62 bits). */
export function varintValue(b: Uint8Array, p: number, n: number): number | bigint {
  let v = BigInt(b[p] & 0x3f);
  for (let i = 1; i < n; i++) v = (v << 8n) | BigInt(b[p + i]);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Reserved (grease) codes: 0x1f * N + 0x21 (RFC 9114 §7.2.8, §6.2.3). */
const reserved = (v: number): boolean => v >= 0x21 && (v - 0x21) % 0x1f === 0;

interface H3Stream {
  /** unidirectional streams: the type read at offset 0, -1 before it */
  type: number;
  /** bytes from `pendingAt` not yet dissected (a frame cut by a packet's end) */
  pending: Uint8Array | null;
  pendingAt: number;
  broken: boolean;
  /** QPACK encoder stream: the stream offset fed so far (a retransmission must not insert twice) */
  fed: number;
  /** a request stream's message in this direction (for the message hooks: gen_ai), from its HEADERS to the stream's FIN */
  msg: H3Message | null;
}

interface H3Message { headers: Array<[string, string]>; body: Uint8Array[]; bodyLength: number; kept: number }

/** A request stream as both directions see it: the request's HEADERS frame and headers (what the response pairs with). */
interface H3Exchange { frame: number; headers: Array<[string, string]> }

/** message bodies kept for the hooks (as HTTP/2 keeps them) */
const MAX_BODY = 4 << 20;

export interface H3Sink { any: boolean; infos: string[] }

/** The HTTP/3 state of one QUIC connection. */
export class Http3Conn {
  /** by stream id and direction (id * 2 + 1 from the server): a request stream carries both */
  private streams = new Map<number, H3Stream>();
  private exchanges = new Map<number, H3Exchange>();
  /** [decoder of what the client sends, of what the server sends] */
  private qpack: [QpackDecoder, QpackDecoder] = [new QpackDecoder(), new QpackDecoder()];

  /** One STREAM frame's data at `offset` of stream `id`. */
  stream(ctx: Ctx, id: number, offset: number, data: Uint8Array, fromServer: boolean, fin: boolean, sink: H3Sink): void {
    const key = id * 2 + (fromServer ? 1 : 0);
    let s = this.streams.get(key);
    if (!s) {
      if (this.streams.size >= MAX_STREAMS) this.streams.delete(this.streams.keys().next().value as number);
      s = { type: -1, pending: null, pendingAt: 0, broken: false, fed: 0, msg: null };
      this.streams.set(key, s);
    }
    let buf = data, at = offset;
    if (s.pending && s.pendingAt + s.pending.length === offset) {
      buf = new Uint8Array(s.pending.length + data.length);
      buf.set(s.pending);
      buf.set(data, s.pending.length);
      at = s.pendingAt;
    }
    s.pending = null;
    const kind = id & 3;
    if (kind === 0 && !complete(buf, 0)) { this.wait(s, buf, 0, at); if (fin) this.end(ctx, s, id, fromServer); return; }
    const dir = fromServer ? 1 : 0;
    ctx.withReassembled(buf, 0, 0, 0, () => {
      const l = ctx.layer('http3', 0, buf.length);
      sink.any = true;
      if (kind === 1) return; // server-initiated bidirectional: not HTTP/3's
      let p = 0;
      if (kind >= 2) {
        if (s.broken) return;
        if (at === 0) {
          const t = varint(buf, 0, buf.length)!;
          ctx.add(l, 'http3.stream_type', t[0], 0, t[1]);
          s.type = t[0];
          p = t[1];
          s.fed = Math.max(s.fed, p);
        }
        if (s.type === 1 && at === 0) {
          const push = varint(buf, p, buf.length);
          if (!push) return;
          ctx.add(l, 'http3.push_id', push[0], p, push[1]);
          p += push[1];
        } else if (s.type === 2) {
          const from = at + p;
          // bytes already fed (a retransmission) are skipped; a gap desynchronises the table, so it is not guessed over
          if (from <= s.fed && at + buf.length > s.fed) { this.qpack[dir].encoderStream(buf.subarray(s.fed - at)); s.fed = at + buf.length; }
          else if (from > s.fed) { this.qpack[dir].error ??= `encoder stream bytes ${s.fed}..${from} were not captured`; }
          return;
        }
        else if (s.type === 3) return;
        else if (s.type !== 0 && s.type !== 1) {
          if (!reserved(s.type)) { s.broken = true; ctx.note('protocol', 'http3', `Unknown stream type 0x${s.type.toString(16)} on Stream ID 0x${id.toString(16)}`, 'warn'); }
          return;
        }
      }
      while (p < buf.length) {
        if (!complete(buf, p)) { this.wait(s, buf, p, at); break; }
        p = this.frame(ctx, l, buf, p, dir, sink, kind === 0 ? s : null, id);
      }
      if (fin && kind === 0) this.end(ctx, s, id, fromServer);
    });
  }

  /** A request stream's direction ended (FIN): its message goes to the hooks (gen_ai). */
  private end(ctx: Ctx, s: H3Stream, id: number, fromServer: boolean): void {
    const m = s.msg;
    s.msg = null;
    if (!m || HTTP_MESSAGE_HOOKS.length === 0) return;
    const ex = this.exchanges.get(id);
    const get = (hs: Array<[string, string]> | undefined, n: string): string | undefined => hs?.find(([k]) => k === n)?.[1];
    const body = m.kept === m.bodyLength ? Buffer.concat(m.body) : null;
    const message: tables.HttpMessage = {
      isRequest: !fromServer,
      method: get(ex?.headers, ':method'),
      path: get(ex?.headers, ':path'),
      authority: get(ex?.headers, ':authority'),
      status: fromServer ? Number(get(m.headers, ':status')) : undefined,
      headers: m.headers,
      body, bodyLength: m.bodyLength,
      contentType: get(m.headers, 'content-type') ?? '',
      contentEncoding: (get(m.headers, 'content-encoding') ?? '').toLowerCase(),
      conn: ex ?? s,
      requestFrame: ex?.frame,
    };
    for (const hook of HTTP_MESSAGE_HOOKS) hook(ctx, message);
    if (fromServer) this.exchanges.delete(id);
  }

  private wait(s: H3Stream, buf: Uint8Array, p: number, at: number): void {
    if (buf.length - p > MAX_PENDING) return;
    s.pending = buf.slice(p);
    s.pendingAt = at + p;
  }

  /** One whole frame at p; returns its end. */
  private frame(ctx: Ctx, l: FieldNode, b: Uint8Array, p: number, dir: number, sink: H3Sink, s: H3Stream | null, id: number): number {
    const t = varint(b, p, b.length)!;
    ctx.add(l, 'http3.frame_type', t[0], p, t[1]);
    if (!reserved(t[0])) sink.infos.push(FRAME_TYPES[t[0]] ?? 'Unknown');
    p += t[1];
    const n = varint(b, p, b.length)!;
    ctx.add(l, 'http3.frame_length', n[0], p, n[1]);
    p += n[1];
    const end = p + n[0];
    if (n[0] === 0) return end;
    ctx.add(l, 'http3.frame_payload', b.subarray(p, end), p, n[0]);
    if (t[0] === 4) this.settings(ctx, l, b, p, end, dir);
    else if (t[0] === 0xf0700 || t[0] === 0xf0701) {
      const e = varint(b, p, end);
      if (e) {
        ctx.add(l, 'http3.priority_update_element_id', e[0], p, e[1]);
        ctx.add(l, 'http3.priority_update_field_value', Buffer.from(b.subarray(p + e[1], end)).toString('latin1'), p + e[1], end - p - e[1]);
      }
    } else if (t[0] === 1) {
      const hs = this.headers(ctx, l, b, p, end, dir);
      // the first HEADERS of a request stream starts its message (a later one is trailers)
      if (s && !s.msg) {
        s.msg = { headers: hs, body: [], bodyLength: 0, kept: 0 };
        if (dir === 0) {
          if (this.exchanges.size >= MAX_STREAMS) this.exchanges.delete(this.exchanges.keys().next().value as number);
          this.exchanges.set(id, { frame: ctx.pkt.number, headers: hs });
        }
      }
    } else if (t[0] === 0 && s?.msg) {
      const m = s.msg;
      m.bodyLength += n[0];
      if (m.kept + n[0] <= MAX_BODY && HTTP_MESSAGE_HOOKS.length > 0 && ctx.wantsPrefix('gen_ai')) { m.body.push(b.slice(p, end)); m.kept += n[0]; }
    }
    return end;
  }

  private settings(ctx: Ctx, l: FieldNode, b: Uint8Array, p: number, end: number, dir: number): void {
    const specific: Record<number, string> = { 1: 'http3.settings.qpack.max_table_capacity', 6: 'http3.settings.max_field_section_size', 7: 'http3.settings.qpack.blocked_streams', 8: 'http3.settings.extended_connect' };
    while (p < end) {
      const id = varint(b, p, end);
      const v = id && varint(b, p + id[1], end);
      if (!id || !v) { ctx.malformedAt('http3', 'SETTINGS entry cut short', p, end - p); return; }
      const s = ctx.add(l, 'http3.settings', null, p, id[1] + v[1]);
      ctx.sub(s, 'http3.settings.id', id[0], p, id[1]);
      const exact = varintValue(b, p + id[1], v[1]);
      ctx.sub(s, 'http3.settings.value', exact, p + id[1], v[1]);
      if (specific[id[0]]) ctx.sub(s, specific[id[0]], exact, p + id[1], v[1]);
      // the sender's table capacity is what its peer's encoder may use against it: the Required Insert Count's modulus
      if (id[0] === 1) this.qpack[1 - dir].maxCapacity = v[0];
      p += id[1] + v[1];
    }
  }

  private headers(ctx: Ctx, l: FieldNode, b: Uint8Array, p: number, end: number, dir: number): Array<[string, string]> {
    const r = this.qpack[dir].section(b, p, end);
    for (const [name, value] of r.headers) {
      const h = ctx.add(l, 'http3.header', null, p, end - p);
      ctx.sub(h, 'http3.header.name', name, p, 0);
      ctx.sub(h, 'http3.header.value', value, p, 0);
    }
    for (const [name, value] of r.headers) {
      const f = WELL_KNOWN[name];
      if (f) ctx.add(l, f, value, p, 0);
      else if (name === ':status' && /^\d{3}$/.test(value)) ctx.add(l, 'http3.headers.status', Number(value), p, 0);
      else if (name === 'content-length' && /^\d{1,15}$/.test(value)) ctx.add(l, 'http3.headers.content_length', Number(value), p, 0);
    }
    if (r.error) {
      ctx.gen(l, 'http3.qpack_failed', r.error);
      ctx.note('protocol', 'http3', `Header decompression failed: ${r.error}`, 'warn');
    }
    return r.headers;
  }
}

/** Is a whole frame at p? (tshark's http3_check_frame_size) */
function complete(b: Uint8Array, p: number): boolean {
  const t = varint(b, p, b.length);
  const n = t && varint(b, p + t[1], b.length);
  return !!n && p + t![1] + n[1] + n[0] <= b.length;
}
