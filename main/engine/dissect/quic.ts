// QUIC (RFC 9000) on UDP: long and short headers, versions 1 and 2 (RFC
// 9369), version negotiation and Retry. Initial packets are decrypted with
// the keys every observer can derive from the client's first Destination
// Connection ID (RFC 9001 §5.2); with a key log (tls.keylog_file, the same
// NSS key log TLS uses) Handshake, 0-RTT and 1-RTT packets too, from the
// *_HANDSHAKE_TRAFFIC_SECRET, CLIENT_EARLY_TRAFFIC_SECRET and
// *_TRAFFIC_SECRET_0 lines of the connection's ClientHello random, key
// updates followed through the key phase bit. Frames are decoded with
// tshark 4.0's quic.* names; each level's CRYPTO stream is reassembled
// (bounded) into TLS handshake messages (ClientHello/ServerHello with SNI,
// ALPN, JA3, JA4 'q'; EncryptedExtensions, Certificate, Finished), and
// STREAM data goes to HTTP/3 when the server chose ALPN h3.
import { createHmac } from 'node:crypto';
import type { Ctx, FieldNode } from './context';
import { declare, HEX32 } from './fields';
import type { State } from './state';
import * as tables from './tables';
import { certificates, encryptedExtensions, hello, newSessionTicket } from './tls';
import { ja4Fields } from './ja4';
import type { TcpStream } from './tcpstream';
import type { KeylogLabel } from './keylog';
import { decodePacketNumber, nextKeys, openPayload, packetKeys, unprotectHeader, type PacketKeys } from './quic-crypto';
import { Http3Conn, varint, varintValue, type H3Sink } from './http3';
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
  ['quic.short.reserved', 'uint', 'Reserved'],
  ['quic.key_phase', 'bool', 'Key Phase Bit'],
  ['quic.retry_token', 'bytes', 'Retry Token'],
  ['quic.retry_integrity_tag', 'bytes', 'Retry Integrity Tag'],
  ['quic.frame', 'none', 'Frame'],
  ['quic.frame_type', 'uint', 'Frame Type', { valueNames: {
    0: 'PADDING', 1: 'PING', 2: 'ACK', 3: 'ACK', 4: 'RESET_STREAM', 5: 'STOP_SENDING', 6: 'CRYPTO', 7: 'NEW_TOKEN',
    8: 'STREAM', 9: 'STREAM', 10: 'STREAM', 11: 'STREAM', 12: 'STREAM', 13: 'STREAM', 14: 'STREAM', 15: 'STREAM',
    16: 'MAX_DATA', 17: 'MAX_STREAM_DATA', 18: 'MAX_STREAMS', 19: 'MAX_STREAMS', 20: 'DATA_BLOCKED', 21: 'STREAM_DATA_BLOCKED',
    22: 'STREAMS_BLOCKED', 23: 'STREAMS_BLOCKED', 24: 'NEW_CONNECTION_ID', 25: 'RETIRE_CONNECTION_ID', 26: 'PATH_CHALLENGE',
    27: 'PATH_RESPONSE', 28: 'CONNECTION_CLOSE', 29: 'CONNECTION_CLOSE', 30: 'HANDSHAKE_DONE', 48: 'DATAGRAM', 49: 'DATAGRAM',
  } }],
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
  ['quic.rsts.stream_id', 'uint', 'Stream ID'],
  ['quic.rsts.application_error_code', 'uint', 'Application Error code'],
  ['quic.rsts.final_size', 'uint', 'Final Size'],
  ['quic.ss.stream_id', 'uint', 'Stream ID'],
  ['quic.ss.application_error_code', 'uint', 'Application Error code'],
  ['quic.crypto.offset', 'uint', 'Offset'],
  ['quic.crypto.length', 'uint', 'Length'],
  ['quic.crypto.crypto_data', 'none', 'Crypto Data'],
  ['quic.nt.length', 'uint', '(Token) Length'],
  ['quic.nt.token', 'bytes', 'Token'],
  ['quic.stream.fin', 'bool', 'Fin'],
  ['quic.stream.len', 'bool', 'Len(gth)'],
  ['quic.stream.off', 'bool', 'Off(set)'],
  ['quic.stream.stream_id', 'uint', 'Stream ID'],
  ['quic.stream.initiator', 'uint', 'Stream initiator', { valueNames: { 0: 'Client-initiated', 1: 'Server-initiated' } }],
  ['quic.stream.direction', 'uint', 'Stream direction', { valueNames: { 0: 'Bidirectional', 1: 'Unidirectional' } }],
  ['quic.stream.offset', 'uint', 'Offset'],
  ['quic.stream.length', 'uint', 'Length'],
  ['quic.stream_data', 'bytes', 'Stream Data'],
  ['quic.md.maximum_data', 'uint', 'Maximum Data'],
  ['quic.msd.stream_id', 'uint', 'Stream ID'],
  ['quic.msd.maximum_stream_data', 'uint', 'Maximum Stream Data'],
  ['quic.ms.max_streams', 'uint', 'Max Streams'],
  ['quic.sb.stream_data_limit', 'uint', 'Stream Data Limit'],
  ['quic.sdb.stream_id', 'uint', 'Stream ID'],
  ['quic.sib.stream_limit', 'uint', 'Stream Limit'],
  ['quic.nci.sequence', 'uint', 'Sequence'],
  ['quic.nci.retire_prior_to', 'uint', 'Retire Prior To'],
  ['quic.nci.connection_id.length', 'uint', 'Connection ID Length'],
  ['quic.nci.connection_id', 'bytes', 'Connection ID'],
  ['quic.nci.stateless_reset_token', 'bytes', 'Stateless Reset Token'],
  ['quic.rci.sequence', 'uint', 'Sequence'],
  ['quic.path_challenge.data', 'bytes', 'Data'],
  ['quic.path_response.data', 'bytes', 'Data'],
  ['quic.cc.error_code', 'uint', 'Error code'],
  ['quic.cc.error_code.app', 'uint', 'Application Error code'],
  ['quic.cc.error_code.tls_alert', 'uint', 'TLS Alert Description'],
  ['quic.cc.frame_type', 'uint', 'Frame Type'],
  ['quic.cc.reason_phrase.length', 'uint', 'Reason phrase Length'],
  ['quic.cc.reason_phrase', 'string', 'Reason phrase'],
  ['quic.dg.length', 'uint', 'Datagram Length'],
  ['quic.dg', 'bytes', 'Datagram'],
  ['quic.decryption_failed', 'none', 'Decryption failed', { description: 'the packet\'s keys are known but it does not open (its label and the expert note say why)' }],
]);

interface VersionKeys { salt: Buffer; prefix: string; v2: boolean }
const V1: VersionKeys = { salt: Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex'), prefix: 'quic', v2: false };
const V2: VersionKeys = { salt: Buffer.from('0dede3def700a6db819381be6e269dcbf9bd2ed9', 'hex'), prefix: 'quicv2', v2: true };
const DRAFT29: VersionKeys = { salt: Buffer.from('afbfec289993d24c9e9786f19c6111e04390a899', 'hex'), prefix: 'quic', v2: false };
/** versions whose Initial keys we derive: 1, 2, and the drafts 29–32 (the v1 salt of draft-29+ differs: afbfec28…) */
function versionKeys(v: number): VersionKeys | null {
  if (v === 1) return V1;
  if (v === 0x6b3343cf) return V2;
  if (v >= 0xff00001d && v <= 0xff000020) return DRAFT29;
  return null;
}

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

/** Initial keys as packet keys (TLS_AES_128_GCM_SHA256, RFC 9001 §5.2). */
const asPacketKeys = (k: InitialKeys, v2: boolean): PacketKeys => ({ suite: 0x1301, hash: 'sha256', v2, secret: k.secret, key: k.key, iv: k.iv, hp: k.hp });

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/**
 * CRYPTO bytes of one direction of a connection at one encryption level,
 * reassembled from offset 0 (bounded: MAX_CRYPTO in all). Bytes of
 * messages already shown are let go, so an idle connection keeps none.
 */
class CryptoStream {
  /** bytes from stream offset `base` to `have` */
  data = new Uint8Array(0);
  base = 0;
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
    if (end - this.base > this.data.length) {
      const nd = new Uint8Array(Math.max(end - this.base, this.data.length * 2, 1024));
      nd.set(this.data.subarray(0, this.have - this.base));
      this.data = nd;
    }
    this.data.set(bytes.subarray(this.have - offset), this.have - this.base);
    this.have = end;
  }

  /** Messages up to `to` were shown: when nothing waits behind them, their bytes go. */
  showed(to: number): void {
    this.shown = to;
    if (to === this.have) { this.data = new Uint8Array(0); this.base = to; }
  }
}
/** per direction and level: a certificate chain fits, a flood does not */
const MAX_CRYPTO = 64 * 1024;

/** Packet number spaces (RFC 9000 §12.3); 0-RTT and 1-RTT share the application space. */
const enum Space { Initial = 0, Handshake = 1, App = 2 }

/** One direction's 1-RTT keys: the current key phase, and the generations either side of it (RFC 9001 §6). */
interface AppKeys { phase: number; cur: PacketKeys; next: PacketKeys | null; prev: PacketKeys | null }

/** What one direction (client → server or back) needs: CRYPTO streams, largest packet numbers, keys. */
interface Dir {
  crypto: [CryptoStream, CryptoStream, CryptoStream];
  largest: [number, number, number];
  initial: PacketKeys | null;
  hs: PacketKeys | null;
  early: PacketKeys | null;
  app: AppKeys | null;
}

const newDir = (initial: PacketKeys | null): Dir => ({
  crypto: [new CryptoStream(), new CryptoStream(), new CryptoStream()], largest: [-1, -1, -1], initial, hs: null, early: null, app: null,
});

interface Conn {
  number: number;
  /** the client's first DCID: the Initial keys of both sides derive from it */
  odcid: Uint8Array;
  version: number;
  v2: boolean;
  clientCids: Set<string>;
  serverCids: Set<string>;
  /** [client → server, server → client] */
  dirs: [Dir, Dir];
  /** the ClientHello's random: the key log's index */
  clientRandom: Uint8Array | null;
  /** the ServerHello's cipher suite, -1 before it */
  suite: number;
  /** the server's ALPN choice (EncryptedExtensions) */
  alpn: string;
  h3: Http3Conn | null;
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
  if (q.cidLengths.size < 32) q.cidLengths.add(cid.length);
}

const SECRETS: Record<'hs' | 'app', [KeylogLabel, KeylogLabel]> = {
  hs: ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET'],
  app: ['CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0'],
};

/** A level's keys for one direction from the key log, or why there are none (looked up again later: a live key log grows). */
function secretKeys(st: State, c: Conn, fromClient: boolean, level: 'hs' | 'app' | 'early'): PacketKeys | string {
  const keys = st.tlsKeys;
  if (!keys) return 'no key log (tls.keylog_file)';
  if (!c.clientRandom) return 'the ClientHello was not captured';
  // 0-RTT uses the resumed session's suite: the server's choice when seen, else the common one
  const suite = level === 'early' && c.suite < 0 ? 0x1301 : c.suite;
  if (suite < 0) return 'the ServerHello was not captured';
  const label: KeylogLabel = level === 'early' ? 'CLIENT_EARLY_TRAFFIC_SECRET' : SECRETS[level][fromClient ? 0 : 1];
  const secret = keys.secret(label, c.clientRandom);
  if (!secret) return `no ${label} in the key log for client random ${hex(c.clientRandom)}${keys.fileError ? ` (${keys.fileError})` : ''}`;
  return packetKeys(suite, secret, c.v2) ?? `cipher suite 0x${suite.toString(16).padStart(4, '0')} is not supported for QUIC`;
}

interface Opened { plain: Buffer; pn: number; pnLen: number; first: number }
/** Header unprotected but payload not opened: what tshark still shows (packet number), and why. */
interface Failed { reason: string; pn?: number; pnLen?: number; first?: number }

/** Removes header protection and opens a packet with fixed keys (Initial, Handshake, 0-RTT). */
function openWith(k: PacketKeys, d: Uint8Array, start: number, pnOffset: number, end: number, dir: Dir, space: Space): Opened | Failed {
  const u = unprotectHeader(k, d, start, pnOffset, end);
  if (!u) return { reason: 'too short for a header protection sample' };
  const pn = decodePacketNumber(dir.largest[space], u.truncated, u.pnLen * 8);
  const plain = openPayload(k, pn, u.header, d.subarray(pnOffset + u.pnLen, end));
  if (!plain) return { reason: 'authentication failed: wrong keys, or damage', pn, pnLen: u.pnLen, first: u.first };
  if (pn > dir.largest[space]) dir.largest[space] = pn;
  return { plain, pn, pnLen: u.pnLen, first: u.first };
}

/** Opens a 1-RTT packet: the key phase bit picks the current keys, the next generation (a key update) or the previous one. */
function openApp(a: AppKeys, d: Uint8Array, start: number, pnOffset: number, end: number, dir: Dir): Opened | Failed {
  const u = unprotectHeader(a.cur, d, start, pnOffset, end);
  if (!u) return { reason: 'too short for a header protection sample' };
  const pn = decodePacketNumber(dir.largest[Space.App], u.truncated, u.pnLen * 8);
  const phase = (u.first >> 2) & 1;
  const body = d.subarray(pnOffset + u.pnLen, end);
  let plain: Buffer | null;
  if (phase === a.phase) plain = openPayload(a.cur, pn, u.header, body);
  else {
    a.next ??= nextKeys(a.cur);
    plain = openPayload(a.next, pn, u.header, body);
    if (plain) { a.prev = a.cur; a.cur = a.next; a.next = null; a.phase = phase; }
    else if (a.prev) plain = openPayload(a.prev, pn, u.header, body); // reordered from before the update
  }
  if (!plain) return { reason: 'authentication failed: wrong keys, or damage', pn, pnLen: u.pnLen, first: u.first };
  if (pn > dir.largest[Space.App]) dir.largest[Space.App] = pn;
  return { plain, pn, pnLen: u.pnLen, first: u.first };
}

/** tshark's decryption_failed item (it prints as 1), its label saying why */
function failed(ctx: Ctx, l: FieldNode, why: string): void {
  const f = ctx.gen(l, 'quic.decryption_failed', null);
  f.label = `Decryption failed: ${why}`;
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
  const h3: H3Sink = { any: false, infos: [] };
  while (p < end) {
    const first = d[p];
    if ((first & 0x80) === 0) {
      shortHeader(ctx, st, q, l, p, end, infos, h3);
      break;
    }
    const next = longHeader(ctx, st, q, l, p, end, infos, h3);
    if (next <= p) break;
    p = next;
  }
  const c = q.current;
  if (c) ctx.gen(l, 'quic.connection.number', c.number);
  q.current = null;
  // tshark sets (not appends) the Info per packet: a datagram of coalesced packets shows its last
  ctx.setSummary(h3.any ? 'HTTP3' : 'QUIC', () => infos[infos.length - 1] ?? '');
}

/** The DCID of a short header: one of the connection ids seen (its length is not on the wire). */
function shortDcid(q: QuicState, d: Uint8Array, p: number, end: number): Uint8Array | null {
  for (const n of q.cidLengths) {
    if (p + 1 + n <= end && q.byCid.has(hex(d.subarray(p + 1, p + 1 + n)))) return d.subarray(p + 1, p + 1 + n);
  }
  return null;
}

function knownShort(q: QuicState, d: Uint8Array, p: number, end: number): boolean {
  return shortDcid(q, d, p, end) !== null;
}

function shortHeader(ctx: Ctx, st: State, q: QuicState, l: FieldNode, p: number, end: number, infos: string[], h3: H3Sink): void {
  const d = ctx.d;
  ctx.gen(l, 'quic.packet_length', end - p);
  const sh = ctx.add(l, 'quic.short', null, p, end - p);
  const dcid = shortDcid(q, d, p, end);
  const conn = dcid ? q.byCid.get(hex(dcid)) ?? null : null;
  if (conn) q.current ??= conn;
  // packets to the client carry one of its connection ids
  const fromClient = conn ? !conn.clientCids.has(hex(dcid!)) : true;
  const dir = conn?.dirs[fromClient ? 0 : 1];
  let keys: AppKeys | string = 'unknown connection';
  if (conn && dir) {
    if (!dir.app) {
      const k = secretKeys(st, conn, fromClient, 'app');
      if (typeof k !== 'string') dir.app = { phase: 0, cur: k, next: null, prev: null };
      keys = typeof k === 'string' ? k : dir.app!;
    } else keys = dir.app;
  }
  const o = p + 1 + (dcid?.length ?? 0);
  const r = typeof keys === 'string' ? null : openApp(keys, d, p, o, end, dir!);
  ctx.sub(sh, 'quic.header_form', 0, p, 1);
  ctx.sub(sh, 'quic.fixed_bit', (d[p] & 0x40) !== 0, p, 1);
  ctx.sub(sh, 'quic.spin_bit', (d[p] & 0x20) !== 0, p, 1);
  if (r?.first !== undefined) {
    ctx.sub(sh, 'quic.short.reserved', (r.first >> 3) & 3, p, 1);
    ctx.sub(sh, 'quic.key_phase', (r.first & 4) !== 0, p, 1);
    ctx.sub(sh, 'quic.packet_number_length', r.first & 3, p, 1);
  }
  if (dcid) ctx.sub(sh, 'quic.dcid', dcid, p + 1, dcid.length);
  if (!r || r.pn === undefined || r.pnLen === undefined) {
    // (tshark 4.0 names a short header's undecrypted bytes so)
    ctx.add(l, 'quic.remaining_payload', d.subarray(o, end), o, end - o);
    if (conn && typeof keys === 'string' && st.tlsKeys) ctx.note('security', 'quic', `1-RTT packet not decrypted: ${keys}`, 'warn');
    infos.push(`Protected Payload (KP0)${dcid ? `, DCID=${hex(dcid)}` : ''}`);
    return;
  }
  const kp = (r.first! >> 2) & 1;
  ctx.sub(sh, 'quic.packet_number', r.pn, o, r.pnLen);
  const payAt = o + r.pnLen;
  ctx.sub(sh, 'quic.protected_payload', d.subarray(payAt, end), payAt, end - payAt);
  const own = [`Protected Payload (KP${kp}), DCID=${hex(dcid!)}, PKN: ${r.pn}`];
  if ('reason' in r) {
    failed(ctx, l, r.reason);
    ctx.note('security', 'quic', `1-RTT packet not decrypted: ${r.reason}`, 'warn');
  } else {
    const plain = r.plain;
    ctx.withReassembled(plain, 0, payAt, 0, () => frames(ctx, q, l, plain, conn!, fromClient, Space.App, own, h3));
  }
  infos.push(own.join(', '));
}

/** One long-header packet at p; returns where the next coalesced packet starts (end when none). */
function longHeader(ctx: Ctx, st: State, q: QuicState, l: FieldNode, p: number, end: number, infos: string[], h3: H3Sink): number {
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
  ctx.add(l, 'quic.header_form', 1, p, 1);
  ctx.add(l, 'quic.fixed_bit', (first & 0x40) !== 0, p, 1);
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
    const ik = initialKeys(dcid, version);
    const v2 = vk?.v2 ?? false;
    conn = {
      number: q.next++, odcid: dcid.slice(), version, v2, clientCids: new Set(), serverCids: new Set(),
      dirs: [newDir(ik && asPacketKeys(ik.client, v2)), newDir(ik && asPacketKeys(ik.server, v2))],
      clientRandom: null, suite: -1, alpn: '', h3: null,
    };
    q.conns.push(conn);
    remember(q, dcid, conn);
  }
  const fromClient = conn ? !conn.clientCids.has(hex(dcid)) && (conn.serverCids.has(hex(dcid)) || hex(dcid) === hex(conn.odcid) || !conn.clientCids.size) : true;
  if (conn && scid.length && (fromClient ? conn.clientCids : conn.serverCids).size < MAX_CIDS) {
    (fromClient ? conn.clientCids : conn.serverCids).add(hex(scid));
    remember(q, scid, conn);
  }
  const own: string[] = [];
  let info = `${type}, DCID=${hex(dcid)}, SCID=${hex(scid)}`;
  const dir = conn?.dirs[fromClient ? 0 : 1];
  let keys: PacketKeys | string | null = null;
  let space = Space.Initial;
  if (conn && dir) {
    if (type === 'Initial') keys = dir.initial;
    else if (type === 'Handshake') {
      space = Space.Handshake;
      keys = dir.hs ?? secretKeys(st, conn, fromClient, 'hs');
      if (typeof keys !== 'string') dir.hs = keys;
    } else if (type === '0-RTT' && fromClient) {
      space = Space.App;
      keys = dir.early ?? secretKeys(st, conn, true, 'early');
      if (typeof keys !== 'string') dir.early = keys;
    }
    // without a key log these packets are opaque, as in tshark: nothing to explain
    if (typeof keys === 'string' && !st.tlsKeys) keys = null;
  }
  const r = keys && typeof keys !== 'string' ? openWith(keys, d, start, pnOffset, stop, dir!, space) : null;
  if (r?.first !== undefined) {
    ctx.add(l, 'quic.long.reserved', (r.first >> 2) & 3, p, 1);
    ctx.add(l, 'quic.packet_number_length', r.first & 3, p, 1);
  }
  cids();
  if (type === 'Initial') {
    ctx.add(l, 'quic.token_length', token?.length ?? 0, tokenLenAt, tokenLenSize);
    if (token && token.length) ctx.add(l, 'quic.token', token, tokenAt, token.length);
  }
  ctx.add(l, 'quic.length', len[0], o, len[1]);
  if (r && r.pn !== undefined && r.pnLen !== undefined) {
    ctx.add(l, 'quic.packet_number', r.pn, pnOffset, r.pnLen);
    const payAt = pnOffset + r.pnLen;
    info += `, PKN: ${r.pn}`;
    if ('reason' in r) {
      // (a long header's bytes are its "Payload" in tshark 4.0 whether or not they open)
      ctx.add(l, 'quic.payload', d.subarray(payAt, stop), payAt, stop - payAt);
      failed(ctx, l, r.reason);
      ctx.note('security', 'quic', `${type} packet not decrypted: ${r.reason}`, 'warn');
    } else {
      ctx.add(l, 'quic.payload', d.subarray(payAt, stop), payAt, stop - payAt);
      const plain = r.plain;
      // frames live in the plaintext: their fields are pinned to the payload's start
      ctx.withReassembled(plain, 0, payAt, 0, () => frames(ctx, q, l, plain, conn!, fromClient, space, own, h3));
    }
  } else {
    // (a header too short to unprotect, or no secrets for it: tshark notes it, its decryption_failed field stays unset)
    const why = r && 'reason' in r ? r.reason : typeof keys === 'string' ? keys : null;
    if (why) ctx.note('security', 'quic', `${type} packet not decrypted: ${why}`, 'warn');
    ctx.add(l, 'quic.remaining_payload', d.subarray(pnOffset, stop), pnOffset, stop - pnOffset);
  }
  if (conn) q.current ??= conn;
  infos.push([info, ...own].join(', '));
  return stop;
}
/** connection ids remembered per side (NEW_CONNECTION_ID adds them) */
const MAX_CIDS = 64;

/** Info abbreviations of tshark 4.0's QUIC dissector */
const FRAME_INFO: Record<number, string> = {
  0: 'PADDING', 1: 'PING', 2: 'ACK', 3: 'ACK_ECN', 4: 'RS', 5: 'SS', 6: 'CRYPTO', 7: 'NT', 0x10: 'MD', 0x11: 'MSD', 0x12: 'MS', 0x13: 'MS',
  0x14: 'DB', 0x15: 'SDB', 0x16: 'SB', 0x17: 'SB', 0x18: 'NCI', 0x19: 'RC', 0x1a: 'PC', 0x1b: 'PR', 0x1c: 'CC', 0x1d: 'CC', 0x1e: 'DONE',
  0x30: 'DG', 0x31: 'DG',
};

/** The frames of a decrypted payload (ctx.d is the plaintext). */
function frames(ctx: Ctx, q: QuicState, l: FieldNode, b: Uint8Array, conn: Conn, fromClient: boolean, space: Space, infos: string[], h3: H3Sink): void {
  let p = 0;
  const end = b.length;
  while (p < end) {
    const t = varint(b, p, end);
    if (!t) return;
    const type = t[0];
    const start = p;
    const fr = ctx.add(l, 'quic.frame', null, p, 0);
    const ft = ctx.sub(fr, 'quic.frame_type', type, p, t[1]);
    p += t[1];
    const isStream = type >= 8 && type <= 0x0f;
    const name = isStream ? '' : FRAME_INFO[type];
    if (name === undefined) { ctx.malformedAt('quic', `unknown frame type 0x${type.toString(16)}`, start, end - start); return; }
    if (name) infos.push(name);
    const v = (field: string, parent = fr): number | null => {
      const x = varint(b, p, end);
      if (!x) { ctx.malformedAt('quic', `${field} cut short`, p, end - p); return null; }
      ctx.sub(parent, field, x[1] === 8 ? varintValue(b, p, 8) : x[0], p, x[1]);
      p += x[1];
      return x[0];
    };
    const bytes = (field: string, n: number): boolean => {
      if (p + n > end) { ctx.malformedAt('quic', `${field} of ${n} bytes runs past the packet`, p, end - p); return false; }
      ctx.sub(fr, field, b.subarray(p, p + n), p, n);
      p += n;
      return true;
    };
    let ok = true;
    if (type === 0) {
      let n = 1;
      while (p < end && b[p] === 0) { p++; n++; }
      ctx.sub(fr, 'quic.padding_length', n, start, n).generated = true;
    } else if (type === 2 || type === 3) {
      ok = v('quic.ack.largest_acknowledged') !== null && v('quic.ack.ack_delay') !== null;
      const count = ok ? v('quic.ack.ack_range_count') : null;
      ok = count !== null && v('quic.ack.first_ack_range') !== null;
      for (let i = 0; ok && i < Math.min(count!, 256); i++) ok = v('quic.ack.gap') !== null && v('quic.ack.ack_range') !== null;
      if (ok && type === 3) ok = v('quic.ack.ect0_count') !== null && v('quic.ack.ect1_count') !== null && v('quic.ack.ecn_ce_count') !== null;
    } else if (type === 4) {
      ok = v('quic.rsts.stream_id') !== null && v('quic.rsts.application_error_code') !== null && v('quic.rsts.final_size') !== null;
    } else if (type === 5) {
      ok = v('quic.ss.stream_id') !== null && v('quic.ss.application_error_code') !== null;
    } else if (type === 6) {
      const offset = v('quic.crypto.offset');
      const len = offset === null ? null : v('quic.crypto.length');
      if (offset === null || len === null) return;
      if (p + len > end) { ctx.malformedAt('quic', `CRYPTO length ${len} runs past the packet`, p, end - p); return; }
      ctx.sub(fr, 'quic.crypto.crypto_data', null, p, len);
      const cs = conn.dirs[fromClient ? 0 : 1].crypto[space];
      cs.add(offset, b.subarray(p, p + len));
      p += len;
      tlsMessages(ctx, cs, conn, fromClient);
    } else if (type === 7) {
      const n = v('quic.nt.length');
      ok = n !== null && bytes('quic.nt.token', n);
    } else if (isStream) {
      ctx.sub(ft, 'quic.stream.fin', (type & 1) !== 0, start, t[1]);
      ctx.sub(ft, 'quic.stream.len', (type & 2) !== 0, start, t[1]);
      ctx.sub(ft, 'quic.stream.off', (type & 4) !== 0, start, t[1]);
      const x = varint(b, p, end);
      if (!x) { ctx.malformedAt('quic', 'stream id cut short', p, end - p); return; }
      const id = x[0];
      const idNode = ctx.sub(fr, 'quic.stream.stream_id', id, p, x[1]);
      ctx.sub(idNode, 'quic.stream.initiator', id % 2, p, x[1]);
      ctx.sub(idNode, 'quic.stream.direction', Math.floor(id / 2) % 2, p, x[1]);
      p += x[1];
      const offset = type & 4 ? v('quic.stream.offset') : 0;
      if (offset === null) return;
      let len = end - p;
      if (type & 2) {
        const x = v('quic.stream.length');
        if (x === null) return;
        len = x;
      }
      if (p + len > end) { ctx.malformedAt('quic', `STREAM length ${len} runs past the packet`, p, end - p); return; }
      const data = b.subarray(p, p + len);
      ctx.sub(fr, 'quic.stream_data', data, p, len);
      p += len;
      infos.push(`STREAM(${id})`);
      if (/^h3(-|$)/.test(conn.alpn) && (len > 0 || (type & 1) !== 0)) {
        conn.h3 ??= new Http3Conn();
        conn.h3.stream(ctx, id, offset, data, !fromClient, (type & 1) !== 0, h3);
        if (h3.infos.length) { infos.push(...h3.infos); h3.infos.length = 0; }
      }
    } else if (type === 0x10) ok = v('quic.md.maximum_data') !== null;
    else if (type === 0x11) ok = v('quic.msd.stream_id') !== null && v('quic.msd.maximum_stream_data') !== null;
    else if (type === 0x12 || type === 0x13) ok = v('quic.ms.max_streams') !== null;
    else if (type === 0x14) ok = v('quic.sb.stream_data_limit') !== null;
    else if (type === 0x15) ok = v('quic.sdb.stream_id') !== null && v('quic.sb.stream_data_limit') !== null;
    else if (type === 0x16 || type === 0x17) ok = v('quic.sib.stream_limit') !== null;
    else if (type === 0x18) {
      ok = v('quic.nci.sequence') !== null && v('quic.nci.retire_prior_to') !== null;
      if (ok && p < end) {
        const n = b[p];
        ctx.sub(fr, 'quic.nci.connection_id.length', n, p, 1);
        p++;
        const cidAt = p;
        ok = n <= 20 && bytes('quic.nci.connection_id', n) && bytes('quic.nci.stateless_reset_token', 16);
        if (ok && n > 0) {
          // a new id for the sender: the peer will address short headers to it
          const cid = b.subarray(cidAt, cidAt + n);
          const set = fromClient ? conn.clientCids : conn.serverCids;
          if (set.size < MAX_CIDS) { set.add(hex(cid)); remember(q, cid, conn); }
        }
      } else ok = false;
    } else if (type === 0x19) ok = v('quic.rci.sequence') !== null;
    else if (type === 0x1a) ok = bytes('quic.path_challenge.data', 8);
    else if (type === 0x1b) ok = bytes('quic.path_response.data', 8);
    else if (type === 0x1c || type === 0x1d) {
      const code = v(type === 0x1c ? 'quic.cc.error_code' : 'quic.cc.error_code.app');
      if (code !== null && type === 0x1c && code >= 0x100 && code <= 0x1ff) ctx.sub(fr, 'quic.cc.error_code.tls_alert', code & 0xff, p - 2, 2);
      ok = code !== null && (type === 0x1d || v('quic.cc.frame_type') !== null);
      const rl = ok ? v('quic.cc.reason_phrase.length') : null;
      if (rl === null || p + rl > end) ok = false;
      else {
        ctx.sub(fr, 'quic.cc.reason_phrase', Buffer.from(b.subarray(p, p + rl)).toString('utf8'), p, rl);
        p += rl;
      }
    } else if (type === 0x30 || type === 0x31) {
      let n = end - p;
      if (type === 0x31) { const x = v('quic.dg.length'); if (x === null) return; n = x; }
      ok = bytes('quic.dg', n);
    }
    if (!ok) return;
    fr.len = p - start;
  }
}

/** Handshake messages complete in the CRYPTO stream and not shown yet: one TLS layer with them, as tshark shows inside QUIC. */
function tlsMessages(ctx: Ctx, cs: CryptoStream, conn: Conn, fromClient: boolean): void {
  const b = cs.data;
  // (indices into data are stream offsets less its base)
  const from = cs.shown - cs.base, have = cs.have - cs.base;
  let o = from;
  while (o + 4 <= have) {
    const len = (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
    if (o + 4 + len > have) break;
    o += 4 + len;
  }
  if (o === from) return;
  const buf = b.slice(from, o);
  cs.showed(cs.base + o);
  ctx.withReassembled(buf, 0, 0, 0, () => {
    const tls = ctx.layer('tls', 0, buf.length);
    for (let m = 0; m + 4 <= buf.length;) {
      const type = buf[m], len = (buf[m + 1] << 16) | (buf[m + 2] << 8) | buf[m + 3];
      const p = m + 4, e = p + len;
      const hs = ctx.sub(tls, 'tls.handshake', null, m, 4 + len);
      ctx.sub(hs, 'tls.handshake.type', type, m, 1);
      ctx.sub(hs, 'tls.handshake.length', len, m + 1, 3);
      if (type === 1 || type === 2) {
        // the TLS dissector's Hello reader (SNI, ALPN, versions, JA3); the stream argument only records a ServerHello's version
        hello(ctx, hs, buf, p, e, type === 1, {} as TcpStream);
        if (type === 1) ja4Fields(ctx, hs, p, e, 'q');
        if (len >= 34) {
          if (type === 1 && fromClient) conn.clientRandom ??= buf.slice(p + 2, p + 34);
          else if (type === 2 && !fromClient && p + 35 + buf[p + 34] + 2 <= e) conn.suite = (buf[p + 35 + buf[p + 34]] << 8) | buf[p + 36 + buf[p + 34]];
        }
      } else if (type === 8) {
        const s = { tlsSession: { alpn: '' } } as unknown as TcpStream;
        encryptedExtensions(ctx, hs, buf, p, e, s);
        conn.alpn = (s as unknown as { tlsSession: { alpn: string } }).tlsSession.alpn;
      } else if (type === 11 && p < e) {
        ctx.sub(hs, 'tls.handshake.certificate_request_context_length', buf[p], p, 1);
        certificates(ctx, hs, buf, p + 1 + buf[p], e, true);
      } else if (type === 4) newSessionTicket(ctx, hs, buf, p, e, true);
      else if (type === 20) ctx.sub(hs, 'tls.handshake.verify_data', null, p, len);
      m = e;
    }
  });
}

UDP_PORT.add([443], dissectQuic);
