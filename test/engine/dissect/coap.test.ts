// CoAP on udp/5683, judged by tshark 4.0 on the same bytes: every message
// type, request and response codes, tokens, each option with its value
// type and extended delta/length, invalid lengths and unknown numbers,
// block options, payloads of several media types, request/response
// pairing by token (and the request's URI on the response), and a header
// cut short.
import { test } from 'node:test';
import { craftedAgrees, recordsAgree, tsharkSkip } from './compare';
import type { PcapRecord } from '../../lib/pcap';
import { ascii, eth, ipv4, udp, u16 } from './packets';

const C = '198.18.0.1', S = '198.18.0.2';
function coap(type: number, code: number, mid: number, token: number[], opts: Array<[number, number[]]>, payload: number[] = []): number[] {
  const b = [0x40 | type << 4 | token.length, code, ...u16(mid), ...token];
  let last = 0;
  const nib = (x: number): [number, number[]] => x < 13 ? [x, []] : x < 269 ? [13, [x - 13]] : [14, u16(x - 269)];
  for (const [num, val] of opts) {
    const [dn, de] = nib(num - last), [ln, le] = nib(val.length);
    last = num;
    b.push(dn << 4 | ln, ...de, ...le, ...val);
  }
  if (payload.length) b.push(0xff, ...payload);
  return b;
}
const req = (p: number[]): number[] => eth(0x0800, ipv4(C, S, 17, udp(40000, 5683, p)));
const rsp = (p: number[]): number[] => eth(0x0800, ipv4(S, C, 17, udp(5683, 40000, p)));

const FRAMES = [
  req(coap(0, 1, 0x1234, [1, 2], [[3, ascii('host')], [11, ascii('sensors')], [11, ascii('temp')], [15, ascii('a=1')], [17, [50]]])),
  rsp(coap(2, 0x45, 0x1234, [1, 2], [[12, [0]], [14, [60]]], ascii('22.5 C'))),
  req(coap(1, 2, 0x1235, [], [[6, []], [11, ascii('x')], [12, [50]]], ascii('{"a":1}'))),
  req(coap(0, 1, 0x1236, [0xaa], [[6, []], [23, [0x12]], [27, [0x0a]]])),
  rsp(coap(3, 0, 0x1236, [], [])),
  req(coap(0, 0x84, 0x1237, [1], [[2000, ascii('zz')]])),
  req(coap(0, 2, 7, [5], [[11, ascii('a')]], ascii('raw'))),
  req(coap(0, 2, 8, [5], [[11, ascii('a')], [12, [42]]], ascii('raw'))),
  req(coap(0, 2, 9, [5], [[11, ascii('a')], [12, [40]]], ascii('</a>;rt="x"'))),
  req(coap(0, 2, 10, [5], [[11, ascii('a')], [12, [60]]], [0xa1, 1, 2])),
  req(coap(0, 2, 11, [5], [[23, [0x12]]])),
  rsp(coap(2, 0x45, 11, [5], [[23, [0x12]]], ascii('x'))),
  rsp(coap(2, 0x45, 11, [5], [[23, [0x1a]], [28, [1, 0]]], ascii('x'))),
  req(coap(0, 1, 12, [1, 2, 3, 4, 5, 6, 7, 8], [[7, [0x16, 0x33]], [11, ascii('p')], [15, ascii('a=1')], [15, ascii('b=2')], [60, [1, 0]]])),
  req(coap(0, 1, 13, [], [[1, ascii('123456789')], [4, []]])),
  req(coap(1, 3, 14, [9], [[1, [1, 2]], [4, [3]], [5, []], [8, ascii('loc')], [14, [0, 0, 1, 0]], [16, [5]], [20, ascii('q=1')], [35, ascii('coap://h/p')], [39, ascii('coap')], [65000, [1]]])),
  req(coap(0, 1, 15, [7], [[11, ascii('a'.repeat(20))], [11, ascii('b'.repeat(300))]])),
  rsp(coap(0, 0x44, 16, [7], [[12, [0x01, 0x10]]], ascii('payload'))),
  req(coap(1, 5, 17, [], [[12, [110]]], ascii('[{"n":"t","v":1}]'))),
  req([0x40, 1, 0]),
  req(coap(0, 1, 18, [1, 2, 3], []).slice(0, 6)),
  req(coap(0, 1, 19, [], [[11, ascii('abc')]]).slice(0, 6)),
  // every option number tshark names (and some it does not) with a one-byte value, then content formats
  ...[1, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 20, 23, 27, 28, 35, 39, 60, 258, 2000, 2001, 65000].map((n) => req(coap(0, 1, 100 + n, [], [[n, [1]]]))),
  ...[0, 16, 40, 41, 42, 47, 50, 60, 61, 62, 63, 96, 97, 98, 101, 102, 110, 111, 112, 113, 114, 140, 256, 272, 310, 311, 320, 322, 432, 1542, 1543, 10000, 11542, 11543, 20000, 65000]
    // a payload each media type's dissector takes whole (COSE and LwM2M-TLV, named only here, get none)
    .map((c) => req(coap(1, 2, c, [], [[12, c > 255 ? u16(c) : [c]]], [96, 97, 98, 101, 102, 1542, 11542].includes(c) ? [] : [60, 112, 113].includes(c) ? [0xa1, 1, 2] : ascii('{}')))),
];

const FIELDS = ['frame.protocols', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed', 'coap.version', 'coap.type', 'coap.token_len', 'coap.code',
  'coap.mid', 'coap.token', 'coap.response_to', 'coap.response_time', 'coap.opt.name', 'coap.opt.desc', 'coap.opt.delta', 'coap.opt.delta_ext',
  'coap.opt.length', 'coap.opt.length_ext', 'coap.opt.end_marker', 'coap.opt.ctype', 'coap.opt.max_age', 'coap.opt.proxy_uri',
  'coap.opt.proxy_scheme', 'coap.opt.size1', 'coap.opt.etag', 'coap.opt.uri_host', 'coap.opt.location_path', 'coap.opt.uri_port',
  'coap.opt.location_query', 'coap.opt.uri_path', 'coap.opt.uri_path_recon', 'coap.opt.observe', 'coap.opt.hop_limit', 'coap.opt.accept',
  'coap.opt.if_match', 'coap.opt.block_number', 'coap.opt.block_mflag', 'coap.opt.block_size', 'coap.opt.uri_query', 'coap.opt.unknown',
  'coap.payload', 'coap.payload_desc', 'coap.payload_length'];

test('CoAP: messages, options, payloads and pairing agree with tshark', { skip: tsharkSkip() }, () => {
  craftedAgrees('coap', FRAMES, FIELDS, { seed: ['coap', 1] });
});

test('CoAP cut by the capture at every offset agrees with tshark', { skip: tsharkSkip() }, () => {
  // a request with every kind of option and a JSON response, cut at each byte of the CoAP message
  const recs: PcapRecord[] = [];
  for (const f of [FRAMES[0], FRAMES[2], FRAMES[15]]) for (let n = 43; n < f.length; n++) recs.push({ data: Uint8Array.from(f.slice(0, n)), origLen: f.length });
  recordsAgree('coap-cut', recs, FIELDS);
});
