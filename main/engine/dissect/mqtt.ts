// MQTT 3.1, 3.1.1 and 5.0 (tcp/1883), as tshark 4.0's packet-mqtt.c reads
// it: the fixed header and remaining length of each control packet (several
// per segment, or one across segments), CONNECT with its client id, user
// name and password (what a review of an IoT broker looks for), CONNACK's
// return or reason code, PUBLISH topics and payloads, the subscribe and
// acknowledgement packets, and MQTT 5's properties. The protocol version a
// connection's CONNECT names decides how its later packets are read.
import type { Ctx, FieldNode } from './context';
import { declare, treeLine, HEX8 } from './fields';
import type { State } from './state';
import type { TcpStream } from './tcpstream';
import { GrowingHeaderFramer, HEADER_MORE, type Framer } from './framers';
import { mediaLayer, openMedia } from './imf';
import { HeldBytesApp } from './pdu';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT } = tables;
const { latin1, u16, u32 } = readers;

const TYPES: Record<number, string> = {
  0: 'Reserved', 1: 'Connect Command', 2: 'Connect Ack', 3: 'Publish Message', 4: 'Publish Ack', 5: 'Publish Received', 6: 'Publish Release',
  7: 'Publish Complete', 8: 'Subscribe Request', 9: 'Subscribe Ack', 10: 'Unsubscribe Request', 11: 'Unsubscribe Ack', 12: 'Ping Request',
  13: 'Ping Response', 14: 'Disconnect Req', 15: 'Authentication Exchange',
};
const QOS: Record<number, string> = { 0: 'At most once delivery (Fire and Forget)', 1: 'At least once delivery (Acknowledged deliver)', 2: 'Exactly once delivery (Assured Delivery)', 3: 'Reserved' };
const VERSIONS: Record<number, string> = { 3: 'MQTT v3.1', 4: 'MQTT v3.1.1', 5: 'MQTT v5.0' };
const CONNACK: Record<number, string> = {
  0: 'Connection Accepted', 1: 'Connection Refused: unacceptable protocol version', 2: 'Connection Refused: identifier rejected',
  3: 'Connection Refused: server unavailable', 4: 'Connection Refused: bad user name or password', 5: 'Connection Refused: not authorized',
};

// packet-mqtt.c appends the message type (the header flags' high nibble; mqtt.msgtype sits under them) to the protocol item
treeLine('mqtt', (v) => {
  const f = v.field('mqtt.hdrflags')?.value;
  return typeof f === 'number' ? `${v.title}, ${TYPES[f >> 4] ?? 'Unknown'}` : v.title;
}, ['mqtt.hdrflags']);

declare('mqtt', 'MQ Telemetry Transport Protocol', [
  ['mqtt.hdrflags', 'uint', 'Header Flags', HEX8],
  ['mqtt.msgtype', 'uint', 'Message Type', { valueNames: TYPES }],
  ['mqtt.hdr_reserved', 'uint', 'Reserved'],
  ['mqtt.dupflag', 'bool', 'DUP Flag'],
  ['mqtt.qos', 'uint', 'QoS Level', { valueNames: QOS }],
  ['mqtt.retain', 'bool', 'Retain'],
  ['mqtt.len', 'uint', 'Msg Len'],
  ['mqtt.proto_len', 'uint', 'Protocol Name Length'],
  ['mqtt.protoname', 'string', 'Protocol Name'],
  ['mqtt.ver', 'uint', 'Version', { valueNames: VERSIONS }],
  ['mqtt.conflags', 'uint', 'Connect Flags', HEX8],
  ['mqtt.conflag.uname', 'bool', 'User Name Flag'],
  ['mqtt.conflag.passwd', 'bool', 'Password Flag'],
  ['mqtt.conflag.retain', 'bool', 'Will Retain'],
  ['mqtt.conflag.qos', 'uint', 'QoS Level', { valueNames: QOS }],
  ['mqtt.conflag.willflag', 'bool', 'Will Flag'],
  ['mqtt.conflag.cleansess', 'bool', 'Clean Session Flag'],
  ['mqtt.conflag.reserved', 'bool', '(Reserved)'],
  ['mqtt.kalive', 'uint', 'Keep Alive'],
  ['mqtt.clientid_len', 'uint', 'Client ID Length'],
  ['mqtt.clientid', 'string', 'Client ID'],
  ['mqtt.willtopic_len', 'uint', 'Will Topic Length'],
  ['mqtt.willtopic', 'string', 'Will Topic'],
  ['mqtt.willmsg_len', 'uint', 'Will Message Length'],
  ['mqtt.willmsg', 'bytes', 'Will Message'],
  ['mqtt.username_len', 'uint', 'User Name Length'],
  ['mqtt.username', 'string', 'User Name'],
  ['mqtt.passwd_len', 'uint', 'Password Length'],
  ['mqtt.passwd', 'string', 'Password'],
  ['mqtt.conack.flags', 'uint', 'Acknowledge Flags', HEX8],
  ['mqtt.conack.flags.reserved', 'bool', 'Reserved'],
  ['mqtt.conack.flags.sp', 'bool', 'Session Present'],
  ['mqtt.conack.val', 'uint', 'Return Code', { valueNames: CONNACK }],
  ['mqtt.connack.reason_code', 'uint', 'Reason Code'],
  ['mqtt.puback.reason_code', 'uint', 'Reason Code'],
  ['mqtt.pubrec.reason_code', 'uint', 'Reason Code'],
  ['mqtt.pubrel.reason_code', 'uint', 'Reason Code'],
  ['mqtt.pubcomp.reason_code', 'uint', 'Reason Code'],
  ['mqtt.suback.reason_code', 'uint', 'Reason Code'],
  ['mqtt.unsuback.reason_code', 'uint', 'Reason Code'],
  ['mqtt.disconnect.reason_code', 'uint', 'Reason Code'],
  ['mqtt.auth.reason_code', 'uint', 'Reason Code'],
  ['mqtt.msgid', 'uint', 'Message Identifier'],
  ['mqtt.topic_len', 'uint', 'Topic Length'],
  ['mqtt.topic', 'string', 'Topic'],
  ['mqtt.sub.qos', 'uint', 'Requested QoS', { valueNames: QOS }],
  ['mqtt.suback.qos', 'uint', 'Granted QoS', { valueNames: QOS }],
  ['mqtt.subscription_options', 'uint', 'Subscription Options', HEX8],
  ['mqtt.subscription_options_reserved', 'uint', 'Reserved', HEX8],
  ['mqtt.subscription_options_retain', 'uint', 'Retain Handling'],
  ['mqtt.subscription_options_rap', 'bool', 'Retain As Published'],
  ['mqtt.subscription_options_nl', 'bool', 'No Local'],
  ['mqtt.subscription_options_qos', 'uint', 'QoS', { valueNames: QOS }],
  ['mqtt.msg', 'bytes', 'Message'],
  ['mqtt.properties', 'none', 'Properties'],
  ['mqtt.will_properties', 'none', 'Will Properties'],
  ['mqtt.property_len', 'uint', 'Total Length'],
  ['mqtt.property_id', 'uint', 'ID', HEX8],
  ['mqtt.prop_number', 'uint', 'Value'],
  ['mqtt.property.content_type', 'string', 'Content Type'],
  ['mqtt.property.max_qos', 'uint', 'QoS'],
  ['mqtt.property.topic_alias', 'uint', 'Topic Alias'],
  ['mqtt.prop_string_len', 'uint', 'Length'],
  ['mqtt.prop_string', 'string', 'Value'],
  ['mqtt.prop_key_len', 'uint', 'Key Length'],
  ['mqtt.prop_key', 'string', 'Key'],
  ['mqtt.prop_value_len', 'uint', 'Value Length'],
  ['mqtt.prop_value', 'string', 'Value'],
]);

/** MQTT 5 property kinds: 1/2/4-byte numbers, a variable byte integer, a string, binary data, a string pair */
const enum P { B1, B2, B4, Var, Str, Bin, Pair }
const PROPS: Record<number, P> = {
  0x01: P.B1, 0x02: P.B4, 0x03: P.Str, 0x08: P.Str, 0x09: P.Bin, 0x0b: P.Var, 0x11: P.B4, 0x12: P.Str, 0x13: P.B2, 0x15: P.Str, 0x16: P.Bin,
  0x17: P.B1, 0x18: P.B4, 0x19: P.B1, 0x1a: P.Str, 0x1c: P.Str, 0x1f: P.Str, 0x21: P.B2, 0x22: P.B2, 0x23: P.B2, 0x24: P.B1, 0x25: P.B1,
  0x26: P.Pair, 0x27: P.B4, 0x28: P.B1, 0x29: P.B1, 0x2a: P.B1,
};

/** a control packet larger than this is not kept whole (its fixed header is still read) */
const MAX_PDU = 16 << 20;

/** A variable byte integer at o: [value, bytes used], or null when cut short or over 4 bytes. */
function varint(d: Uint8Array, o: number, end: number): [number, number] | null {
  let v = 0, mul = 1;
  for (let i = 0; i < 4; i++) {
    if (o + i >= end) return null;
    const b = d[o + i];
    v += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return [v, i + 1];
    mul *= 128;
  }
  return null;
}

/** The protocol version of each connection, from its CONNECT (both directions read by it). */
const versions = new WeakMap<TcpStream, number>();

class Cut extends Error {}

export class MqttApp extends HeldBytesApp {
  /** this frame began a control packet it could not finish (tshark's MQTT clears Info before asking TCP for more) */
  private began = false;

  partialInfo(): string | undefined { return this.began ? '' : undefined; }

  framer(): Framer { return new MqttFramer(); }

  override feed(ctx: Ctx, st: State, s: TcpStream, f: unknown, off: number, end: number): void {
    this.began = this.held === null;
    super.feed(ctx, st, s, f, off, end);
  }

  protected read(ctx: Ctx, _st: State, d: Uint8Array, o: number, e: number, s: TcpStream): void {
    const infos: string[] = [];
    while (o < e) {
      const h = varint(d, o + 1, e);
      if (o + 1 >= e || h === null) break;
      const total = 1 + h[1] + h[0];
      if (o + total > e) break;
      this.pdu(ctx, s, o, o + 1 + h[1], o + total, h[0], infos);
      o += total;
    }
    if (o < e) {
      // the rest is a control packet still open: kept for the next segment (up to a bound)
      if (e - o <= MAX_PDU) this.held = d.slice(o, e);
      else ctx.note('protocol', 'mqtt', `control packet past ${MAX_PDU} bytes: not reassembled`, 'warn');
    }
    if (infos.length > 0) ctx.info = infos.join(', ');
  }

  /** One control packet: its fixed header at `at`, its variable header and payload [vo, end). */
  private pdu(ctx: Ctx, s: TcpStream, at: number, vo: number, end: number, len: number, infos: string[]): void {
    const d = ctx.d;
    const l = ctx.layer('mqtt', at, end - at);
    ctx.protocol = 'MQTT';
    const flags = d[at], type = flags >> 4;
    const hf = ctx.add(l, 'mqtt.hdrflags', flags, at, 1);
    ctx.sub(hf, 'mqtt.msgtype', type, at, 1);
    const qos = (flags >> 1) & 3;
    if (type === 3) {
      ctx.sub(hf, 'mqtt.dupflag', (flags & 8) !== 0, at, 1);
      ctx.sub(hf, 'mqtt.qos', qos, at, 1);
      ctx.sub(hf, 'mqtt.retain', (flags & 1) !== 0, at, 1);
    } else ctx.sub(hf, 'mqtt.hdr_reserved', flags & 15, at, 1);
    ctx.add(l, 'mqtt.len', len, at + 1, vo - at - 1);
    let info = TYPES[type];
    const v5 = (versions.get(s) ?? 4) === 5;
    let o = vo;
    const need = (n: number): void => { if (o + n > end) throw new Cut(); };
    const u8 = (name: string): number => { need(1); const v = d[o]; ctx.add(l, name, v, o, 1); o += 1; return v; };
    const n16 = (name: string): number => { need(2); const v = u16(d, o); ctx.add(l, name, v, o, 2); o += 2; return v; };
    const str = (lenName: string, name: string): string => {
      const n = n16(lenName);
      need(n);
      const v = latin1(d, o, o + n);
      ctx.add(l, name, v, o, n);
      o += n;
      return v;
    };
    const props = (name: string): void => { if (v5) o = this.properties(ctx, l, name, o, end); };
    try {
      switch (type) {
        case 1: {
          str('mqtt.proto_len', 'mqtt.protoname');
          const ver = u8('mqtt.ver');
          versions.set(s, ver);
          const v5c = ver === 5;
          need(1);
          const cf = d[o];
          const f = ctx.add(l, 'mqtt.conflags', cf, o, 1);
          ctx.sub(f, 'mqtt.conflag.uname', (cf & 0x80) !== 0, o, 1);
          ctx.sub(f, 'mqtt.conflag.passwd', (cf & 0x40) !== 0, o, 1);
          ctx.sub(f, 'mqtt.conflag.retain', (cf & 0x20) !== 0, o, 1);
          ctx.sub(f, 'mqtt.conflag.qos', (cf >> 3) & 3, o, 1);
          ctx.sub(f, 'mqtt.conflag.willflag', (cf & 4) !== 0, o, 1);
          ctx.sub(f, 'mqtt.conflag.cleansess', (cf & 2) !== 0, o, 1);
          ctx.sub(f, 'mqtt.conflag.reserved', (cf & 1) !== 0, o, 1);
          o++;
          n16('mqtt.kalive');
          if (v5c) o = this.properties(ctx, l, 'mqtt.properties', o, end);
          str('mqtt.clientid_len', 'mqtt.clientid');
          if (cf & 4) {
            if (v5c) o = this.properties(ctx, l, 'mqtt.will_properties', o, end);
            str('mqtt.willtopic_len', 'mqtt.willtopic');
            const n = n16('mqtt.willmsg_len');
            need(n);
            ctx.add(l, 'mqtt.willmsg', d.subarray(o, o + n), o, n);
            o += n;
          }
          if (cf & 0x80) str('mqtt.username_len', 'mqtt.username');
          if (cf & 0x40) str('mqtt.passwd_len', 'mqtt.passwd');
          break;
        }
        case 2: {
          need(1);
          const af = d[o];
          // MQTT 3.1's first byte is reserved: tshark shows no flags there, only the byte as Reserved
          if ((versions.get(s) ?? 4) !== 3) {
            const f = ctx.add(l, 'mqtt.conack.flags', af, o, 1);
            ctx.sub(f, 'mqtt.conack.flags.reserved', (af & 0xfe) !== 0, o, 1);
            ctx.sub(f, 'mqtt.conack.flags.sp', (af & 1) !== 0, o, 1);
          } else ctx.add(l, 'mqtt.conack.flags.reserved', af !== 0, o, 1);
          o++;
          if (v5) { u8('mqtt.connack.reason_code'); props('mqtt.properties'); } else u8('mqtt.conack.val');
          break;
        }
        case 3: {
          const topic = str('mqtt.topic_len', 'mqtt.topic');
          let id = -1;
          if (qos > 0) id = n16('mqtt.msgid');
          let ctype: string | null = null;
          if (v5) o = this.properties(ctx, l, 'mqtt.properties', o, end, (t) => { ctype = t; });
          if (o < end) ctx.add(l, 'mqtt.msg', d.subarray(o, end), o, end - o);
          info += `${id >= 0 ? ` (id=${id})` : ''} [${topic}]`;
          if (ctype !== null) {
            const media = mediaLayer(ctype);
            if (media !== null) { openMedia(ctx, media, ctype, o, end - o); if (media === 'data-text-lines') info += ` (${ctype})`; }
          }
          o = end;
          break;
        }
        case 4: case 5: case 6: case 7: {
          const id = n16('mqtt.msgid');
          info += ` (id=${id})`;
          if (v5 && o < end) {
            u8(`mqtt.${['puback', 'pubrec', 'pubrel', 'pubcomp'][type - 4]}.reason_code`);
            if (o < end) props('mqtt.properties');
          }
          break;
        }
        case 8: case 10: {
          const id = n16('mqtt.msgid');
          info += ` (id=${id})`;
          props('mqtt.properties');
          const topics: string[] = [];
          while (o < end) {
            topics.push(str('mqtt.topic_len', 'mqtt.topic'));
            if (type === 10) continue;
            need(1);
            if (v5) {
              const so = d[o];
              const f = ctx.add(l, 'mqtt.subscription_options', so, o, 1);
              ctx.sub(f, 'mqtt.subscription_options_reserved', so & 0xc0, o, 1);
              ctx.sub(f, 'mqtt.subscription_options_retain', (so >> 4) & 3, o, 1);
              ctx.sub(f, 'mqtt.subscription_options_rap', (so & 8) !== 0, o, 1);
              ctx.sub(f, 'mqtt.subscription_options_nl', (so & 4) !== 0, o, 1);
              ctx.sub(f, 'mqtt.subscription_options_qos', so & 3, o, 1);
              o++;
            } else u8('mqtt.sub.qos');
          }
          for (const t of topics) info += ` [${t}]`;
          break;
        }
        case 9: case 11: {
          const id = n16('mqtt.msgid');
          info += ` (id=${id})`;
          props('mqtt.properties');
          while (o < end) u8(type === 11 ? 'mqtt.unsuback.reason_code' : v5 ? 'mqtt.suback.reason_code' : 'mqtt.suback.qos');
          break;
        }
        case 14: case 15:
          if (v5 && o < end) { u8(type === 14 ? 'mqtt.disconnect.reason_code' : 'mqtt.auth.reason_code'); if (o < end) props('mqtt.properties'); }
          break;
        default: break;
      }
    } catch (err) {
      if (!(err instanceof Cut)) throw err;
      ctx.malformedAt('mqtt', `${TYPES[type]} cut short by its length (${len} bytes)`, o, end - o);
    }
    infos.push(info);
  }

  /** MQTT 5 properties at o: their total length, then each by its kind; returns where they end. */
  private properties(ctx: Ctx, l: FieldNode, name: string, o: number, end: number, contentType?: (t: string) => void): number {
    const d = ctx.d;
    const h = varint(d, o, end);
    if (h === null) throw new Cut();
    const p = ctx.add(l, name, null, o, h[1] + h[0]);
    ctx.sub(p, 'mqtt.property_len', h[0], o, h[1]);
    let q = o + h[1];
    const stop = q + h[0];
    if (stop > end) throw new Cut();
    while (q < stop) {
      const id = d[q];
      ctx.sub(p, 'mqtt.property_id', id, q, 1);
      q++;
      const kind = PROPS[id];
      const need = (n: number): void => { if (q + n > stop) throw new Cut(); };
      if (kind === P.B1 || kind === P.B2 || kind === P.B4) {
        const n = kind === P.B1 ? 1 : kind === P.B2 ? 2 : 4;
        need(n);
        const v = n === 1 ? d[q] : n === 2 ? u16(d, q) : u32(d, q);
        ctx.sub(p, id === 0x23 ? 'mqtt.property.topic_alias' : id === 0x24 ? 'mqtt.property.max_qos' : 'mqtt.prop_number', v, q, n);
        q += n;
      } else if (kind === P.Var) {
        const v = varint(d, q, stop);
        if (v === null) throw new Cut();
        ctx.sub(p, 'mqtt.prop_number', v[0], q, v[1]);
        q += v[1];
      } else if (kind === P.Str || kind === P.Bin) {
        need(2);
        const n = u16(d, q);
        need(2 + n);
        const v = latin1(d, q + 2, q + 2 + n);
        if (id === 0x03) { ctx.sub(p, 'mqtt.property.content_type', v, q, 2 + n); contentType?.(v); }
        else {
          ctx.sub(p, 'mqtt.prop_string_len', n, q, 2);
          ctx.sub(p, 'mqtt.prop_string', v, q + 2, n);
        }
        q += 2 + n;
      } else if (kind === P.Pair) {
        need(2);
        const kn = u16(d, q);
        need(2 + kn + 2);
        ctx.sub(p, 'mqtt.prop_key_len', kn, q, 2);
        ctx.sub(p, 'mqtt.prop_key', latin1(d, q + 2, q + 2 + kn), q + 2, kn);
        q += 2 + kn;
        const vn = u16(d, q);
        need(2 + vn);
        ctx.sub(p, 'mqtt.prop_value_len', vn, q, 2);
        ctx.sub(p, 'mqtt.prop_value', latin1(d, q + 2, q + 2 + vn), q + 2, vn);
        q += 2 + vn;
      } else {
        // an unknown property: its length is unknown too, so nothing after it can be read
        ctx.malformedAt('mqtt', `unknown MQTT property 0x${id.toString(16)}`, q - 1, 1);
        return stop;
      }
    }
    return stop;
  }

}

/** Where MQTT control packets end: the fixed header's remaining length (1 to 4 bytes of 7 bits). */
class MqttFramer extends GrowingHeaderFramer {
  protected length(h: readonly number[]): number {
    if (h.length < 2 || ((h[h.length - 1] & 0x80) !== 0 && h.length < 5)) return HEADER_MORE;
    let v = 0, mul = 1;
    for (let i = 1; i < h.length; i++) { v += (h[i] & 0x7f) * mul; mul *= 128; }
    return v;
  }
}

TCP_PORT.add([1883], () => new MqttApp());
