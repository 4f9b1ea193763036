// CoAP (RFC 7252; Observe RFC 7641, Block-wise RFC 7959, OSCORE RFC 8613's
// option) on udp/5683, as tshark 4.0's packet-coap.c: header, token, each
// option (`coap.opt.name` "#n: Name", its class in `coap.opt.desc`, its
// value by type), the payload's description and its media type's dissector
// (text lines, JSON, CBOR by name; none or octet-stream: data). Requests
// and responses are paired by token per conversation (`coap.response_to`,
// `coap.response_time`), and a response shows its request's URI as tshark
// does. Not done: Block-wise reassembly (each block's payload stays its
// own), OSCORE decryption, CoAP over TCP/TLS/DTLS.
import type { Ctx } from './context';
import type { State } from './state';
import { declare } from './fields';
import { Bounded } from './conv';
import { dissectData } from './data';
import { pastEnd } from './cut';
import { formatText } from './format';
import * as tables from './tables';
const { UDP_PORT } = tables;

const TYPES = ['CON', 'NON', 'ACK', 'RST'];
const CODES: Record<number, string> = {
  0: 'Empty Message', 1: 'GET', 2: 'POST', 3: 'PUT', 4: 'DELETE', 5: 'FETCH', 6: 'PATCH', 7: 'iPATCH',
  65: '2.01 Created', 66: '2.02 Deleted', 67: '2.03 Valid', 68: '2.04 Changed', 69: '2.05 Content', 95: '2.31 Continue',
  128: '4.00 Bad Request', 129: '4.01 Unauthorized', 130: '4.02 Bad Option', 131: '4.03 Forbidden', 132: '4.04 Not Found',
  133: '4.05 Method Not Allowed', 134: '4.06 Not Acceptable', 136: '4.08 Request Entity Incomplete', 137: '4.09 Conflict',
  140: '4.12 Precondition Failed', 141: '4.13 Request Entity Too Large', 143: '4.15 Unsupported Content-Format', 150: '4.22 Unprocessable Entity',
  157: '4.29 Too Many Requests', 160: '5.00 Internal Server Error', 161: '5.01 Not Implemented', 162: '5.02 Bad Gateway',
  163: '5.03 Service Unavailable', 164: '5.04 Gateway Timeout', 165: '5.05 Proxying Not Supported', 168: '5.08 Hop Limit Reached',
  225: '7.01 Ping', 226: '7.02 Pong', 227: '7.03 Release', 228: '7.04 Abort',
};
/** option numbers: [name, smallest and largest value length] */
const OPTIONS: Record<number, [string, number, number]> = {
  1: ['If-Match', 0, 8], 3: ['Uri-Host', 1, 255], 4: ['Etag', 1, 8], 5: ['If-None-Match', 0, 0], 6: ['Observe', 0, 3], 7: ['Uri-Port', 0, 2],
  8: ['Location-Path', 0, 255], 9: ['OSCORE', 0, 255], 11: ['Uri-Path', 0, 255], 12: ['Content-Format', 0, 2], 14: ['Max-age', 0, 4],
  15: ['Uri-Query', 0, 255], 16: ['Hop-Limit', 1, 1], 17: ['Accept', 0, 2], 20: ['Location-Query', 0, 255], 23: ['Block2', 0, 3],
  27: ['Block1', 0, 3], 28: ['Size2', 0, 4], 35: ['Proxy-Uri', 1, 1034], 39: ['Proxy-Scheme', 1, 255], 60: ['Size1', 0, 4],
};
const CTYPES: Record<number, string> = {
  0: 'text/plain; charset=utf-8', 40: 'application/link-format', 41: 'application/xml', 42: 'application/octet-stream', 47: 'application/exi',
  50: 'application/json', 60: 'application/cbor', 61: 'application/cwt', 62: 'application/multipart-core',
  96: 'application/cose; cose-type="cose-encrypt"', 97: 'application/cose; cose-type="cose-mac"', 98: 'application/cose; cose-type="cose-sign"',
  101: 'application/cose-key', 102: 'application/cose-key-set', 110: 'application/senml+json', 111: 'application/sensml+json',
  112: 'application/senml+cbor', 113: 'application/sensml+cbor', 114: 'application/senml-exi', 256: 'application/coap-group+json', 272: 'application/missing-blocks+cbor-seq',
  310: 'application/senml+xml', 311: 'application/sensml+xml', 320: 'application/senml-etch+json', 322: 'application/senml-etch+cbor',
  432: 'application/td+json', 1542: 'application/vnd.oma.lwm2m+tlv', 1543: 'application/vnd.oma.lwm2m+json', 10000: 'application/vnd.ocf+cbor',
  11542: 'application/vnd.oma.lwm2m+tlv', 11543: 'application/vnd.oma.lwm2m+json',
};
const ctypeName = (v: number): string => CTYPES[v] ?? `Unknown Type ${v}`;

declare('coap', 'Constrained Application Protocol', [
  ['coap.version', 'uint', 'Version'],
  ['coap.type', 'uint', 'Type', { valueNames: { 0: 'Confirmable', 1: 'Non-Confirmable', 2: 'Acknowledgement', 3: 'Reset' } }],
  ['coap.token_len', 'uint', 'Token Length'],
  ['coap.code', 'uint', 'Code', { valueNames: CODES }],
  ['coap.mid', 'uint', 'Message ID'],
  ['coap.token', 'bytes', 'Token'],
  ['coap.response_to', 'framenum', 'Request In'],
  ['coap.response_in', 'framenum', 'Response In'],
  ['coap.response_time', 'reltime', 'Response Time'],
  ['coap.opt.name', 'string', 'Opt Name'],
  ['coap.opt.desc', 'string', 'Opt Desc'],
  ['coap.opt.delta', 'uint', 'Opt Delta'],
  ['coap.opt.delta_ext', 'uint', 'Opt Delta extended'],
  ['coap.opt.length', 'uint', 'Opt Length'],
  ['coap.opt.length_ext', 'uint', 'Opt Length extended'],
  ['coap.opt.end_marker', 'uint', 'End of options marker'],
  ['coap.opt.ctype', 'string', 'Content-type'],
  ['coap.opt.max_age', 'uint', 'Max-age'],
  ['coap.opt.proxy_uri', 'string', 'Proxy-Uri'],
  ['coap.opt.proxy_scheme', 'string', 'Proxy-Scheme'],
  ['coap.opt.size1', 'uint', 'Size1'],
  ['coap.opt.etag', 'bytes', 'Etag'],
  ['coap.opt.uri_host', 'string', 'Uri-Host'],
  ['coap.opt.location_path', 'string', 'Location-Path'],
  ['coap.opt.uri_port', 'uint', 'Uri-Port'],
  ['coap.opt.location_query', 'string', 'Location-Query'],
  ['coap.opt.uri_path', 'string', 'Uri-Path'],
  ['coap.opt.uri_path_recon', 'string', 'Uri-Path'],
  ['coap.opt.observe', 'uint', 'Observe'],
  ['coap.opt.hop_limit', 'uint', 'Hop Limit'],
  ['coap.opt.accept', 'string', 'Accept'],
  ['coap.opt.if_match', 'bytes', 'If-Match'],
  ['coap.opt.block_number', 'uint', 'Block Number'],
  ['coap.opt.block_mflag', 'uint', 'More Flag'],
  ['coap.opt.block_size', 'uint', 'Block Size'],
  ['coap.opt.uri_query', 'string', 'Uri-Query'],
  ['coap.opt.unknown', 'bytes', 'Unknown'],
  ['coap.payload', 'string', 'Payload'],
  ['coap.payload_desc', 'string', 'Payload Desc'],
  ['coap.payload_length', 'uint', 'Payload Length'],
]);
declare('cbor', 'Concise Binary Object Representation', []);
declare('cose', 'CBOR Object Signing and Encryption', []);
declare('lwm2mtlv', 'Lightweight M2M TLV', []);

/** a request as tshark keeps it per token: its frame, message id, time and URI */
interface Trans { frame: number; mid: number; ts: bigint | null; uri: string }
const MAX_TRANS = 8192;
const transactions = new WeakMap<State, Bounded<string, Trans>>();

const utf8 = (d: Uint8Array, o: number, n: number): string => Buffer.from(d.buffer, d.byteOffset + o, n).toString('utf8');
const uint = (d: Uint8Array, o: number, n: number): number => { let v = 0; for (let i = 0; i < n; i++) v = v * 256 + d[o + i]; return v; };
const hexSpaced = (d: Uint8Array, o: number, n: number): string => Array.from(d.subarray(o, o + n), (b) => b.toString(16).padStart(2, '0')).join(' ');

class OutOfBytes {}

export function dissectCoap(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  ctx.protocol = 'CoAP';
  const l = ctx.layer('coap', off, end - off);
  const b0 = d[off];
  const type = (b0 >> 4) & 3, tkl = b0 & 15;
  let info = '';
  try {
    ctx.add(l, 'coap.version', b0 >> 6, off, 1);
    ctx.add(l, 'coap.type', type, off, 1);
    ctx.add(l, 'coap.token_len', tkl, off, 1);
    if (end - off < 2) throw new OutOfBytes();
    const code = d[off + 1];
    ctx.add(l, 'coap.code', code, off + 1, 1);
    if (end - off < 4) throw new OutOfBytes();
    const mid = d[off + 2] << 8 | d[off + 3];
    info = `${TYPES[type]}, MID:${mid}, ${CODES[code] ?? `Unknown ${code >> 5}.${String(code & 31).padStart(2, '0')}`}`;
    ctx.info = info;
    ctx.add(l, 'coap.mid', mid, off + 2, 2);
    let o = off + 4;
    let token = '';
    if (tkl > 0) {
      if (o + tkl > end) throw new OutOfBytes();
      ctx.add(l, 'coap.token', d.subarray(o, o + tkl), o, tkl);
      token = hexSpaced(d, o, tkl);
      o += tkl;
    }
    let host = '', port = '', path = '', query = '', block = '';
    let ctype = -1, num = 0, idx = 0, blockwise = false;
    const isRequest = code >= 1 && code <= 31;
    // tshark walks the options to the datagram's length on the wire: past a capture's cut its reads throw
    const repEnd = ctx.pkt.capLen < ctx.pkt.origLen && end >= ctx.pkt.data.length ? end + ctx.pkt.origLen - ctx.pkt.capLen : end;
    while (o < repEnd) {
      if (o >= end) throw new OutOfBytes();
      const h = d[o];
      if (h === 0xff) { ctx.add(l, 'coap.opt.end_marker', h, o, 1); o++; break; }
      const start = o;
      let delta = h >> 4, len = h & 15;
      o++;
      let deltaExt = -1, lenExt = -1;
      if (delta === 13) { if (o >= end) throw new OutOfBytes(); deltaExt = d[o]; delta = deltaExt + 13; o++; } else if (delta === 14) { if (o + 2 > end) throw new OutOfBytes(); deltaExt = d[o] << 8 | d[o + 1]; delta = deltaExt + 269; o += 2; }
      if (len === 13) { if (o >= end) throw new OutOfBytes(); lenExt = d[o]; len = lenExt + 13; o++; } else if (len === 14) { if (o + 2 > end) throw new OutOfBytes(); lenExt = d[o] << 8 | d[o + 1]; len = lenExt + 269; o += 2; }
      num += delta;
      idx++;
      if (o + len > repEnd) { ctx.flagMalformed('coap', 'option longer than the package', start, end - start); o = end; break; }
      if (o + len > end) throw new OutOfBytes();
      const opt = OPTIONS[num];
      const name = opt?.[0] ?? `Unknown Option (${num})`;
      const item = ctx.add(l, 'coap.opt.name', `#${idx}: ${name}`, start, o + len - start);
      const safe = (num & 2) === 0;
      ctx.sub(item, 'coap.opt.desc', `Type ${num}, ${num & 1 ? 'Critical' : 'Elective'}, ${safe ? 'Safe' : 'Unsafe'}${safe && (num & 0x1e) === 0x1c ? ', NoCacheKey' : ''}`, start, o + len - start);
      ctx.sub(item, 'coap.opt.delta', h >> 4, start, 1);
      ctx.sub(item, 'coap.opt.length', h & 15, start, 1);
      if (deltaExt >= 0) ctx.sub(item, 'coap.opt.delta_ext', deltaExt, start + 1, (h >> 4) === 13 ? 1 : 2);
      if (lenExt >= 0) ctx.sub(item, 'coap.opt.length_ext', lenExt, o - ((h & 15) === 13 ? 1 : 2), (h & 15) === 13 ? 1 : 2);
      if (!opt) {
        ctx.sub(item, 'coap.opt.unknown', d.subarray(o, o + len), o, len);
        // the experimental range is only unknown; anything else is an invalid number
        if (num < 65000) ctx.flagMalformed('coap', `Invalid Option Number ${num}`, start, o + len - start);
        o += len;
        continue;
      }
      // a length out of the option's range is flagged; the value is still read
      if (len < opt[1] || len > opt[2]) ctx.flagMalformed('coap', `Invalid Option Range: ${len} (${opt[1]} < x < ${opt[2]})`, start, o + len - start);
      const s = (): string => utf8(d, o, len);
      switch (num) {
        case 1: ctx.sub(item, 'coap.opt.if_match', d.subarray(o, o + len), o, len); break;
        case 3: host = s(); ctx.sub(item, 'coap.opt.uri_host', host, o, len); break;
        case 4: ctx.sub(item, 'coap.opt.etag', d.subarray(o, o + len), o, len); break;
        case 6: ctx.sub(item, 'coap.opt.observe', uint(d, o, len), o, len); break;
        case 7: port = `:${uint(d, o, len)}`; ctx.sub(item, 'coap.opt.uri_port', uint(d, o, len), o, len); break;
        case 8: ctx.sub(item, 'coap.opt.location_path', s(), o, len); break;
        case 11: path += `/${s()}`; ctx.sub(item, 'coap.opt.uri_path', s(), o, len); break;
        case 12: ctype = uint(d, o, len); ctx.sub(item, 'coap.opt.ctype', ctypeName(ctype), o, len); break;
        case 14: ctx.sub(item, 'coap.opt.max_age', uint(d, o, len), o, len); break;
        case 15: query += `${query ? '&' : '?'}${s()}`; ctx.sub(item, 'coap.opt.uri_query', s(), o, len); break;
        case 16: ctx.sub(item, 'coap.opt.hop_limit', d[o], o, 1); break;
        case 17: ctx.sub(item, 'coap.opt.accept', ctypeName(uint(d, o, len)), o, len); break;
        case 20: ctx.sub(item, 'coap.opt.location_query', s(), o, len); break;
        case 23: case 27: {
          const v = uint(d, o, len);
          const n = Math.floor(v / 16), m = (v >> 3) & 1;
          ctx.sub(item, 'coap.opt.block_number', n, o, len);
          ctx.sub(item, 'coap.opt.block_mflag', m, o + len - 1, 1);
          ctx.sub(item, 'coap.opt.block_size', v & 7, o + len - 1, 1);
          // a Block2 in a request asks for a block; elsewhere the M flag says whether it is the last
          block = (num === 23 && isRequest) || m ? `Block #${n}` : `End of Block #${n}`;
          // a response's Block2 or a request's Block1 carries a piece of a body tshark reassembles: no payload of its own
          if ((num === 23) !== isRequest) blockwise = true;
          break;
        }
        case 35: ctx.sub(item, 'coap.opt.proxy_uri', s(), o, len); break;
        case 39: ctx.sub(item, 'coap.opt.proxy_scheme', s(), o, len); break;
        // packet-coap.c reads Size2 with the block option's size field
        case 28: ctx.sub(item, 'coap.opt.block_size', uint(d, o, len) & 7, o + len - 1, 1); blockwise = blockwise || !isRequest; break;
        case 60: ctx.sub(item, 'coap.opt.size1', uint(d, o, len), o, len); break;
        default:
      }
      o += len;
    }
    // the URI: the request's own, or on a response its request's (paired by token)
    let uri = (host ? `coap://${host}` : '') + port + path;
    let tables = transactions.get(st);
    if (!tables) { tables = new Bounded(MAX_TRANS); transactions.set(st, tables); }
    const key = `${token}`;
    let trans: Trans | undefined;
    if (isRequest) {
      const prev = tables.get(key);
      trans = { frame: ctx.pkt.number, mid, ts: ctx.pkt.tsNs, uri: uri || prev?.uri || '' };
      tables.set(key, trans);
    } else if (code !== 0) {
      trans = tables.get(key);
      if (trans && !uri) uri = trans.uri;
    }
    if (o < repEnd && !blockwise) {
      if (repEnd > end) throw new OutOfBytes();
      const n = end - o;
      const desc = ctype < 0 ? 'application/octet-stream' : ctypeName(ctype);
      ctx.add(l, 'coap.payload', `Payload Content-Format: ${desc}${ctype < 0 ? ' (no Content-Format)' : ''}, Length: ${n}`, o, n);
      ctx.gen(l, 'coap.payload_desc', desc);
      ctx.gen(l, 'coap.payload_length', n);
      info += media(ctx, desc, o, end);
    }
    if (uri) ctx.gen(l, 'coap.opt.uri_path_recon', uri);
    // the response is linked when it answers the request's own message (a piggybacked ACK, or a retransmitted id)
    if (!isRequest && code !== 0 && trans && trans.mid === mid) {
      ctx.gen(l, 'coap.response_to', trans.frame);
      if (trans.ts !== null && ctx.pkt.tsNs !== null) ctx.reltime(l, 'coap.response_time', ctx.pkt.tsNs - trans.ts);
    }
    if (token) info += `, TKN:${token}`;
    if (block) info += `, ${block}`;
    if (uri) info += `, ${formatText(uri)}`;
    info += formatText(query);
    ctx.info = info;
  } catch (e) {
    if (!(e instanceof OutOfBytes)) throw e;
    ctx.protocol = 'CoAP';
    ctx.info = info;
    pastEnd(ctx, 'coap', 'CoAP message cut short', off, end - off, end);
  }
}

/** the media types tshark 4.0's JSON, CBOR, COSE and LwM2M-TLV dissectors register (the others have none here) */
const JSON_TYPES = new Set(['application/json', 'application/senml+json', 'application/sensml+json', 'application/vnd.oma.lwm2m+json']);
const CBOR_TYPES = new Set(['application/cbor', 'application/senml+cbor', 'application/sensml+cbor']);
const LWM2M_TLV = 'application/vnd.oma.lwm2m+tlv';

/**
 * The payload's media-type dissector (tshark's media_type table), by name
 * only: CBOR, COSE and LwM2M-TLV contents are not decoded. Returns what it
 * adds to Info.
 */
function media(ctx: Ctx, desc: string, o: number, end: number): string {
  const t = desc.split(';')[0];
  if (t === 'text/plain') { ctx.layer('data-text-lines', o, end - o); return ` (${t})`; }
  if (JSON_TYPES.has(t)) { ctx.layer('json', o, end - o); ctx.protocol = 'CoAP/JSON'; return `, JavaScript Object Notation (${t})`; }
  if (t === 'application/xml') { ctx.layer('xml', o, end - o); ctx.protocol = 'CoAP/XML'; return ''; }
  if (CBOR_TYPES.has(t)) { ctx.layer('cbor', o, end - o); return ''; }
  if (t === 'application/cose' || t === 'application/cose-key' || t === 'application/cose-key-set') { ctx.layer('cose', o, end - o); return ''; }
  if (t === LWM2M_TLV) { ctx.layer('lwm2mtlv', o, end - o); return ''; }
  if (t === 'application/octet-stream') { dissectData(ctx, o, end); return ''; }
  return '';
}

// tshark's dissector takes any datagram on the port (a version other than 1 is decoded all the same)
UDP_PORT.add([5683], dissectCoap);
