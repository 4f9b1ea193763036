// QUIC (RFC 9000) on UDP: long and short headers, versions 1 and 2 (RFC
// 9369), version negotiation and Retry; Initial packets decrypted with the
// keys every observer can derive from the client's first Destination
// Connection ID (RFC 9001 §5.2), their frames decoded, and the CRYPTO
// stream reassembled (bounded) into the TLS ClientHello/ServerHello, which
// the TLS dissector's handshake reader decodes (SNI, ALPN, JA3, JA4 with
// transport 'q'). Handshake and 1-RTT packets stay protected (no key log
// here yet).
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import type { Ctx, FieldNode } from './context';
import { declare, HEX32 } from './fields';
import type { State } from './state';
import * as tables from './tables';
import { hello } from './tls';
import { ja4Fields } from './ja4';
import type { TcpStream } from './tcpstream';
const { UDP_PORT } = tables;

declare('quic', 'QUIC IETF', [
  ['quic.connection.number', 'uint', 'Connection Number'],
  ['quic.packet_length', 'uint', 'Packet Length'],
  ['quic.header_form', 'uint', 'Header Form', { valueNames: { 0: 'Short Header', 1: 'Long Header' } }],
  ['quic.fixed_bit', 'bool', 'Fixed Bit'],
  ['quic.spin_bit', 'bool', 'Spin Bit'],
  ['quic.long.packet_type', 'uint', 'Packet Type', { valueNames: { 0: 'Initial', 1: '0-RTT', 2: 'Handshake', 3: 'Retry' } }],
  ['quic.long.packet_type_v2', 'uint', 'Packet Type', { valueNames: { 0: 'Retry', 1: 'Initial', 2: '0-RTT', 3: 'Handshake' } }],
  ['quic.long.reserved', 'uint', 'Reserved'],
  ['quic.packet_number_length', 'uint', 'Packet Number Length'],
  ['quic.version', 'uint', 'Version', HEX32],
  ['quic.supported_version', 'uint', 'Supported Version', HEX32],
  ['quic.vn.unused', 'uint', 'Unused'],
  ['quic.dcil', 'uint', 'Destination Connection ID Length'],
  ['quic.dcid', 'bytes', 'Destination Connection ID'],
  ['quic.scil', 'uint', 'Source Connection ID Length'],
  ['quic.scid', 'bytes', 'Source Connection ID'],
  ['quic.token_length', 'uint', 'Token Length'],
  ['quic.token', 'bytes', 'Token'],
  ['quic.length', 'uint', 'Length'],
  ['quic.packet_number', 'uint', 'Packet Number'],
  ['quic.payload', 'bytes', 'Payload'],
  ['quic.protected_payload', 'bytes', 'Protected Payload'],
  ['quic.remaining_payload', 'bytes', 'Remaining Payload'],
  ['quic.short', 'none', 'QUIC Short Header'],
  ['quic.retry_token', 'bytes', 'Retry Token'],
  ['quic.retry_integrity_tag', 'bytes', 'Retry Integrity Tag'],
  ['quic.frame', 'none', 'Frame'],
  ['quic.frame_type', 'uint', 'Frame Type'],
  ['quic.padding_length', 'uint', 'Padding Length'],
  ['quic.ack.largest_acknowledged', 'uint', 'Largest Acknowledged'],
  ['quic.ack.ack_delay', 'uint', 'ACK Delay'],
  ['quic.ack.ack_range_count', 'uint', 'ACK Range Count'],
  ['quic.ack.first_ack_range', 'uint', 'First ACK Range'],
  ['quic.ack.gap', 'uint', 'Gap'],
  ['quic.ack.ack_range', 'uint', 'ACK Range'],
  ['quic.ack.ect0_count', 'uint', 'ECT(0) Count'],
  ['quic.ack.ect1_count', 'uint', 'ECT(1) Count'],
  ['quic.ack.ecn_ce_count', 'uint', 'ECN-CE Count'],
  ['quic.crypto.offset', 'uint', 'Offset'],
  ['quic.crypto.length', 'uint', 'Length'],
  ['quic.crypto.crypto_data', 'none', 'Crypto Data'],
  ['quic.cc.error_code', 'uint', 'Error code'],
  ['quic.cc.frame_type', 'uint', 'Frame Type'],
  ['quic.cc.reason_phrase.length', 'uint', 'Reason phrase Length'],
  ['quic.cc.reason_phrase', 'string', 'Reason phrase'],
  ['quic.decryption_failed', 'string', 'Decryption failed', { description: 'xdpscope: why an Initial packet could not be decrypted' }],
]);

interface VersionKeys { salt: Buffer; prefix: string; v2: boolean }
const V1: VersionKeys = { salt: Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex'), prefix: 'quic', v2: false };
const V2: VersionKeys = { salt: Buffer.from('0dede3def700a6db819381be6e269dcbf9bd2ed9', 'hex'), prefix: 'quicv2', v2: true };
/** versions whose Initial keys we derive: 1, 2, and the drafts 29–32 (the v1 salt of draft-29+ differs: afbfec28…) */
function versionKeys(v: number): VersionKeys | null {
  if (v === 1) return V1;
  if (v === 0x6b3343cf) return V2;
  if (v >= 0xff00001d && v <= 0xff000020) return DRAFT29;
  return null;
}
const DRAFT29: VersionKeys = { salt: Buffer.from('afbfec289993d24c9e9786f19c6111e04390a899', 'hex'), prefix: 'quic', v2: false };

/** HKDF-Expand-Label (RFC 8446 §7.1) with an empty context, SHA-256, for outputs up to 32 bytes. */
function expandLabel(secret: Buffer, label: string, len: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.from([len >> 8, len & 255, full.length]), full, Buffer.from([0])]);
  return createHmac('sha256', secret).update(Buffer.concat([info, Buffer.from([1])])).digest().subarray(0, len);
}

export interface InitialKeys { secret: Buffer; key: Buffer; iv: Buffer; hp: Buffer }

/** The client's and server's Initial keys for a version, from the client's first Destination Connection ID. */
export function initialKeys(dcid: Uint8Array, version: number): { client: InitialKeys; server: InitialKeys } | null {
  const vk = versionKeys(version);
  if (!vk) return null;
  const initial = createHmac('sha256', vk.salt).update(dcid).digest();
  const side = (label: string): InitialKeys => {
    const secret = expandLabel(initial, label, 32);
    return { secret, key: expandLabel(secret, `${vk.prefix} key`, 16), iv: expandLabel(secret, `${vk.prefix} iv`, 12), hp: expandLabel(secret, `${vk.prefix} hp`, 16) };
  };
  return { client: side('client in'), server: side('server in') };
}

/** A variable-length integer (RFC 9000 §16) at p: [value, bytes] or null past end. */
function varint(b: Uint8Array, p: number, end: number): [number, number] | null {
  if (p >= end) return null;
  const n = 1 << (b[p] >> 6);
  if (p + n > end) return null;
  let v = b[p] & 0x3f;
  for (let i = 1; i < n; i++) v = v * 256 + b[p + i];
  return [v, n];
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** CRYPTO bytes of one direction of a connection at the Initial level, reassembled from offset 0 (bounded). */
class CryptoStream {
  data = new Uint8Array(0);
  /** contiguous bytes from 0 */
  have = 0;
  /** bytes of messages already shown */
  shown = 0;
  private parts = new Map<number, Uint8Array>();
  add(offset: number, bytes: Uint8Array): void {
    if (offset + bytes.length > MAX_CRYPTO || this.parts.size > 256) return;
    if (offset > this.have) { this.parts.set(offset, bytes.slice()); return; }
    this.put(offset, bytes);
    // earlier out-of-order pieces that now join
    for (let again = true; again;) {
      again = false;
      for (const [o, p] of this.parts) if (o <= this.have) { this.parts.delete(o); this.put(o, p); again = true; }
    }
  }
  private put(offset: number, bytes: Uint8Array): void {
    const end = offset + bytes.length;
    if (end <= this.have) return;
    if (end > this.data.length) {
      const nd = new Uint8Array(Math.max(end, this.data.length * 2, 1024));
      nd.set(this.data.subarray(0, this.have));
      this.data = nd;
    }
    this.data.set(bytes.subarray(this.have - offset), this.have);
    this.have = end;
  }
}
const MAX_CRYPTO = 64 * 1024;

interface Conn {
  number: number;
  /** the client's first DCID: the Initial keys of both sides derive from it */
  odcid: Uint8Array;
  version: number;
  keys: { client: InitialKeys; server: InitialKeys } | null;
  clientCids: Set<string>;
  serverCids: Set<string>;
  crypto: [CryptoStream, CryptoStream];
}

class QuicState {
  conns: Conn[] = [];
  /** connection id (hex) → connection, for short headers and server packets */
  byCid = new Map<string, Conn>();
  next = 0;
  cidLengths = new Set<number>();
  /** the connection of the datagram being dissected */
  current: Conn | null = null;
}
const MAX_CONNS = 10_000;
const states = new WeakMap<State, QuicState>();

function stateOf(st: State): QuicState {
  let q = states.get(st);
  if (!q) { q = new QuicState(); states.set(st, q); }
  return q;
}

function remember(q: QuicState, cid: Uint8Array, c: Conn): void {
  if (cid.length === 0) return;
  if (q.byCid.size >= MAX_CONNS * 4) q.byCid.delete(q.byCid.keys().next().value as string);
  q.byCid.set(hex(cid), c);
  q.cidLengths.add(cid.length);
}

/** Removes header protection and decrypts an Initial packet; returns the plaintext and packet number, or why not. */
function decryptInitial(d: Uint8Array, start: number, pnOffset: number, end: number, k: InitialKeys): { plain: Uint8Array; pn: number; pnLen: number; first: number } | string {
  if (pnOffset + 4 + 16 > end) return 'too short for a header protection sample';
  const sample = d.subarray(pnOffset + 4, pnOffset + 20);
  const c = createCipheriv('aes-128-ecb', k.hp, null);
  c.setAutoPadding(false);
  const mask = c.update(sample);
  const first = d[start] ^ (mask[0] & 0x0f);
  const pnLen = (first & 3) + 1;
  let pn = 0;
  const header = Buffer.from(d.subarray(start, pnOffset + pnLen));
  header[0] = first;
  for (let i = 0; i < pnLen; i++) {
    const v = d[pnOffset + i] ^ mask[1 + i];
    header[pnOffset - start + i] = v;
    pn = pn * 256 + v;
  }
  const nonce = Buffer.from(k.iv);
  for (let i = 0; i < 8; i++) nonce[11 - i] ^= Math.floor(pn / 2 ** (8 * i)) & 255;
  const ct = d.subarray(pnOffset + pnLen, end - 16);
  const tag = d.subarray(end - 16, end);
  try {
    const dc = createDecipheriv('aes-128-gcm', k.key, nonce);
    dc.setAAD(header);
    dc.setAuthTag(tag);
    const plain = Buffer.concat([dc.update(ct), dc.final()]);
    return { plain, pn, pnLen, first };
  } catch {
    return 'authentication failed (keys from another Destination Connection ID, or damage)';
  }
}

const LONG_TYPES = ['Initial', '0-RTT', 'Handshake', 'Retry'];
const LONG_TYPES_V2 = ['Retry', 'Initial', '0-RTT', 'Handshake'];

export function dissectQuic(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  if (end - off < 1) return;
  const q = stateOf(st);
  // a short header without its fixed bit is QUIC only on a connection we know (peers may grease the bit, RFC 9287)
  if ((d[off] & 0xc0) === 0 && !knownShort(q, d, off, end)) return;
  const infos: string[] = [];
  let p = off;
  // a datagram may hold several (coalesced) packets; each pass consumes one or stops
  // one QUIC layer per datagram, as tshark lists it (coalesced packets inside it)
  const l = ctx.layer('quic', p, end - p);
  while (p < end) {
    const first = d[p];
    if ((first & 0x80) === 0) {
      shortHeader(ctx, q, l, p, end, infos);
      break;
    }
    const next = longHeader(ctx, q, l, p, end, infos);
    if (next <= p) break;
    p = next;
  }
  const c = q.current;
  if (c) ctx.gen(l, 'quic.connection.number', c.number);
  q.current = null;
  // tshark sets (not appends) the Info per packet: a datagram of coalesced packets shows its last
  ctx.setSummary('QUIC', () => infos[infos.length - 1] ?? '');
}

function knownShort(q: QuicState, d: Uint8Array, p: number, end: number): boolean {
  for (const n of q.cidLengths) if (p + 1 + n <= end && q.byCid.has(hex(d.subarray(p + 1, p + 1 + n)))) return true;
  return false;
}

function shortHeader(ctx: Ctx, q: QuicState, l: FieldNode, p: number, end: number, infos: string[]): void {
  const d = ctx.d;
  ctx.gen(l, 'quic.packet_length', end - p);
  const sh = ctx.add(l, 'quic.short', null, p, end - p);
  ctx.sub(sh, 'quic.header_form', 0, p, 1);
  ctx.sub(sh, 'quic.fixed_bit', (d[p] & 0x40) !== 0, p, 1);
  ctx.sub(sh, 'quic.spin_bit', (d[p] & 0x20) !== 0, p, 1);
  // the DCID's length is not on the wire: one of the connection ids seen in long headers
  let dcid: Uint8Array | null = null;
  for (const n of q.cidLengths) {
    if (p + 1 + n <= end && q.byCid.has(hex(d.subarray(p + 1, p + 1 + n)))) { dcid = d.subarray(p + 1, p + 1 + n); break; }
  }
  let o = p + 1;
  if (dcid) {
    ctx.sub(sh, 'quic.dcid', dcid, o, dcid.length);
    o += dcid.length;
    const c = q.byCid.get(hex(dcid));
    if (c) q.current ??= c;
  }
  // (tshark 4.0 names a short header's undecrypted bytes so)
  ctx.add(l, 'quic.remaining_payload', d.subarray(o, end), o, end - o);
  infos.push(`Protected Payload (KP0)${dcid ? `, DCID=${hex(dcid)}` : ''}`);
}

/** One long-header packet at p; returns where the next coalesced packet starts (end when none). */
function longHeader(ctx: Ctx, q: QuicState, l: FieldNode, p: number, end: number, infos: string[]): number {
  const d = ctx.d;
  const start = p;
  if (p + 7 > end) { ctx.malformedAt('quic', 'long header cut short', p, end - p); return end; }
  const first = d[p];
  const version = ((d[p + 1] << 24) | (d[p + 2] << 16) | (d[p + 3] << 8) | d[p + 4]) >>> 0;
  let o = p + 5;
  const dcil = d[o];
  if (o + 1 + dcil + 1 > end || dcil > 20) { ctx.malformedAt('quic', `connection id length ${dcil} runs past the packet`, o, 1); return end; }
  const dcid = d.subarray(o + 1, o + 1 + dcil);
  o += 1 + dcil;
  const scil = d[o];
  if (o + 1 + scil > end || scil > 20) { ctx.malformedAt('quic', `connection id length ${scil} runs past the packet`, o, 1); return end; }
  const scid = d.subarray(o + 1, o + 1 + scil);
  const cidEnd = o + 1 + scil;
  const lenField = ctx.gen(l, 'quic.packet_length', 0);
  const fields = (): void => {
    ctx.add(l, 'quic.header_form', 1, p, 1);
    ctx.add(l, 'quic.fixed_bit', (first & 0x40) !== 0, p, 1);
  };
  const cids = (): void => {
    ctx.add(l, 'quic.version', version, p + 1, 4);
    ctx.add(l, 'quic.dcil', dcil, p + 5, 1);
    if (dcil) ctx.add(l, 'quic.dcid', dcid, p + 6, dcil);
    ctx.add(l, 'quic.scil', scil, p + 6 + dcil, 1);
    if (scil) ctx.add(l, 'quic.scid', scid, p + 7 + dcil, scil);
  };
  if (version === 0) {
    // version negotiation: the rest is the server's supported versions
    ctx.add(l, 'quic.header_form', 1, p, 1);
    ctx.add(l, 'quic.vn.unused', first & 0x7f, p, 1);
    cids();
    for (let v = cidEnd; v + 4 <= end; v += 4) ctx.add(l, 'quic.supported_version', ((d[v] << 24) | (d[v + 1] << 16) | (d[v + 2] << 8) | d[v + 3]) >>> 0, v, 4);
    lenField.value = end - start;
    infos.push(`Version Negotiation, DCID=${hex(dcid)}, SCID=${hex(scid)}`);
    return end;
  }
  const vk = versionKeys(version);
  const typeBits = (first >> 4) & 3;
  const type = vk?.v2 ? LONG_TYPES_V2[typeBits] : LONG_TYPES[typeBits];
  fields();
  ctx.add(l, vk?.v2 ? 'quic.long.packet_type_v2' : 'quic.long.packet_type', typeBits, p, 1);
  o = cidEnd;
  if (type === 'Retry') {
    cids();
    if (end - o >= 16) {
      ctx.add(l, 'quic.retry_token', d.subarray(o, end - 16), o, end - 16 - o);
      ctx.add(l, 'quic.retry_integrity_tag', d.subarray(end - 16, end), end - 16, 16);
    }
    lenField.value = end - start;
    infos.push(`Retry, DCID=${hex(dcid)}, SCID=${hex(scid)}`);
    return end;
  }
  let token: Uint8Array | null = null, tokenAt = 0, tokenLenAt = 0, tokenLenSize = 0;
  if (type === 'Initial') {
    const t = varint(d, o, end);
    if (!t || o + t[1] + t[0] > end) { cids(); ctx.malformedAt('quic', 'token length runs past the packet', o, end - o); return end; }
    tokenLenAt = o; tokenLenSize = t[1];
    token = d.subarray(o + t[1], o + t[1] + t[0]);
    tokenAt = o + t[1];
    o += t[1] + t[0];
  }
  const len = varint(d, o, end);
  if (!len) { cids(); ctx.malformedAt('quic', 'length cut short', o, end - o); return end; }
  const pnOffset = o + len[1];
  const pktEnd = pnOffset + len[0];
  if (pktEnd > end) ctx.malformedAt('quic', `length ${len[0]} runs past the datagram`, o, len[1]);
  const stop = Math.min(end, pktEnd);
  lenField.value = stop - start;
  // the connection: a client Initial to a new DCID starts one; later packets find it by a connection id
  let conn = q.byCid.get(hex(dcid));
  if (!conn && type === 'Initial') {
    if (q.conns.length >= MAX_CONNS) q.conns.shift();
    conn = { number: q.next++, odcid: dcid.slice(), version, keys: initialKeys(dcid, version), clientCids: new Set(), serverCids: new Set(), crypto: [new CryptoStream(), new CryptoStream()] };
    q.conns.push(conn);
    remember(q, dcid, conn);
  }
  const fromClient = conn ? !conn.clientCids.has(hex(dcid)) && (conn.serverCids.has(hex(dcid)) || hex(dcid) === hex(conn.odcid) || !conn.clientCids.size) : true;
  if (conn) {
    if (fromClient) { conn.clientCids.add(hex(scid)); remember(q, scid, conn); }
    else { conn.serverCids.add(hex(scid)); remember(q, scid, conn); }
  }
  const ownInfo: string[] = [];
  let info = `${type}, DCID=${hex(dcid)}, SCID=${hex(scid)}`;
  if (type === 'Initial' && conn?.keys) {
    const keys = fromClient ? conn.keys.client : conn.keys.server;
    const r = decryptInitial(d, start, pnOffset, stop, keys);
    if (typeof r !== 'string') {
      ctx.add(l, 'quic.long.reserved', (r.first >> 2) & 3, p, 1);
      ctx.add(l, 'quic.packet_number_length', r.first & 3, p, 1);
    }
    cids();
    ctx.add(l, 'quic.token_length', token?.length ?? 0, tokenLenAt, tokenLenSize);
    if (token && token.length) ctx.add(l, 'quic.token', token, tokenAt, token.length);
    ctx.add(l, 'quic.length', len[0], o, len[1]);
    if (typeof r === 'string') {
      ctx.gen(l, 'quic.decryption_failed', r);
      ctx.note('protocol', 'quic', `Initial packet not decrypted: ${r}`, 'warn');
      ctx.add(l, 'quic.remaining_payload', d.subarray(pnOffset, stop), pnOffset, stop - pnOffset);
    } else {
      ctx.add(l, 'quic.packet_number', r.pn, pnOffset, r.pnLen);
      const payAt = pnOffset + r.pnLen;
      ctx.add(l, 'quic.payload', d.subarray(payAt, stop), payAt, stop - payAt);
      info += `, PKN: ${r.pn}`;
      const plain = r.plain;
      // frames live in the plaintext: their fields are pinned to the payload's start
      ctx.withReassembled(plain, 0, payAt, 0, () => frames(ctx, l, plain, conn!, fromClient, ownInfo));
    }
  } else {
    cids();
    if (type === 'Initial') {
      ctx.add(l, 'quic.token_length', token?.length ?? 0, tokenLenAt, tokenLenSize);
      if (token && token.length) ctx.add(l, 'quic.token', token, tokenAt, token.length);
    }
    ctx.add(l, 'quic.length', len[0], o, len[1]);
    ctx.add(l, 'quic.remaining_payload', d.subarray(pnOffset, stop), pnOffset, stop - pnOffset);
  }
  if (conn) q.current ??= conn;
  infos.push([info, ...ownInfo].join(', '));
  return stop;
}

const FRAME_NAMES: Record<number, string> = { 0: 'PADDING', 1: 'PING', 2: 'ACK', 3: 'ACK', 6: 'CRYPTO', 0x1c: 'CC', 0x1d: 'CC' };

/** The frames of a decrypted Initial payload (ctx.d is the plaintext). */
function frames(ctx: Ctx, l: FieldNode, b: Uint8Array, conn: Conn, fromClient: boolean, infos: string[]): void {
  let p = 0;
  const end = b.length;
  while (p < end) {
    const t = varint(b, p, end);
    if (!t) return;
    const type = t[0];
    const start = p;
    const fr = ctx.add(l, 'quic.frame', null, p, 0);
    ctx.sub(fr, 'quic.frame_type', type, p, t[1]);
    p += t[1];
    const name = FRAME_NAMES[type];
    if (name === undefined) { ctx.malformedAt('quic', `frame type 0x${type.toString(16)} is not allowed in an Initial packet`, start, end - start); return; }
    if (infos[infos.length - 1] !== name) infos.push(name);
    const v = (field: string, parent = fr): number | null => {
      const x = varint(b, p, end);
      if (!x) { ctx.malformedAt('quic', `${field} cut short`, p, end - p); return null; }
      ctx.sub(parent, field, x[0], p, x[1]);
      p += x[1];
      return x[0];
    };
    if (type === 0) {
      let n = 1;
      while (p < end && b[p] === 0) { p++; n++; }
      ctx.sub(fr, 'quic.padding_length', n, start, n);
    } else if (type === 2 || type === 3) {
      if (v('quic.ack.largest_acknowledged') === null || v('quic.ack.ack_delay') === null) return;
      const count = v('quic.ack.ack_range_count');
      if (count === null || v('quic.ack.first_ack_range') === null) return;
      for (let i = 0; i < Math.min(count, 256); i++) if (v('quic.ack.gap') === null || v('quic.ack.ack_range') === null) return;
      if (type === 3 && (v('quic.ack.ect0_count') === null || v('quic.ack.ect1_count') === null || v('quic.ack.ecn_ce_count') === null)) return;
    } else if (type === 6) {
      const offset = v('quic.crypto.offset');
      const len = v('quic.crypto.length');
      if (offset === null || len === null) return;
      if (p + len > end) { ctx.malformedAt('quic', `CRYPTO length ${len} runs past the packet`, p, end - p); return; }
      ctx.sub(fr, 'quic.crypto.crypto_data', null, p, len);
      const cs = conn.crypto[fromClient ? 0 : 1];
      cs.add(offset, b.subarray(p, p + len));
      p += len;
      tlsMessages(ctx, cs);
    } else if (type === 0x1c || type === 0x1d) {
      if (v('quic.cc.error_code') === null) return;
      if (type === 0x1c && v('quic.cc.frame_type') === null) return;
      const rl = v('quic.cc.reason_phrase.length');
      if (rl === null || p + rl > end) return;
      ctx.sub(fr, 'quic.cc.reason_phrase', Buffer.from(b.subarray(p, p + rl)).toString('utf8'), p, rl);
      p += rl;
    }
    fr.len = p - start;
  }
}

/** Handshake messages complete in the CRYPTO stream and not shown yet: a TLS layer with them, as tshark shows inside QUIC. */
function tlsMessages(ctx: Ctx, cs: CryptoStream): void {
  while (cs.shown + 4 <= cs.have) {
    const b = cs.data;
    const o = cs.shown;
    const len = (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
    if (o + 4 + len > cs.have) return;
    const msg = b.slice(o, o + 4 + len);
    cs.shown = o + 4 + len;
    ctx.withReassembled(msg, 0, 0, 0, () => {
      const tls = ctx.layer('tls', 0, msg.length);
      const hs = ctx.sub(tls, 'tls.handshake', null, 0, msg.length);
      ctx.sub(hs, 'tls.handshake.type', msg[0], 0, 1);
      ctx.sub(hs, 'tls.handshake.length', len, 1, 3);
      if (msg[0] === 1 || msg[0] === 2) {
        // the TLS dissector's Hello reader (SNI, ALPN, versions, JA3); the stream argument only records a ServerHello's version
        hello(ctx, hs, msg, 4, msg.length, msg[0] === 1, {} as TcpStream);
        if (msg[0] === 1) ja4Fields(ctx, hs, 4, msg.length, 'q');
      }
    });
  }
}

UDP_PORT.add([443], dissectQuic);
