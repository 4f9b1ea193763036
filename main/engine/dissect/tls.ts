// TLS records over TCP, reassembled per direction, with ClientHello and
// ServerHello decoded (SNI, ALPN, supported_versions, cipher suites).
// Records after ChangeCipherSpec (TLS 1.3: after the ServerHello) are
// encrypted: only their framing is shown, unless the dissector was given a
// key log (State.tlsKeys): then they are decrypted in frame order, one
// sequence number per direction, and their plaintext goes to the protocol
// the server's ALPN choice names (TLS_ALPN), as tshark does.
import { createHash } from 'node:crypto';
import { type Ctx, FieldNode } from './context';
import { declare, HEX16 } from './fields';
import type { State } from './state';
import type { TcpApp, TcpFlow, TcpStream } from './tcpstream';
import * as readers from './bytes';
import { LengthFramer } from './framers';
import { ja4Fields } from './ja4';
import * as tables from './tables';
import { RecordCipher, SUITES, type Plain } from './tls-decrypt';
import type { KeylogLabel } from './keylog';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_HEURISTICS, TCP_PORT, TLS_ALPN, TLS_CERTIFICATE, TLS_HEURISTICS } = tables;
const { latin1, u16 } = readers;


const CONTENT_TYPES: Record<number, string> = { 20: 'Change Cipher Spec', 21: 'Alert', 22: 'Handshake', 23: 'Application Data', 24: 'Heartbeat' };
const ALERT_LEVELS: Record<number, string> = { 1: 'Warning', 2: 'Fatal' };
const ALERT_DESCS: Record<number, string> = {
  0: 'Close Notify', 10: 'Unexpected Message', 20: 'Bad Record MAC', 21: 'Decryption Failed', 22: 'Record Overflow',
  30: 'Decompression Failure', 40: 'Handshake Failure', 41: 'No Certificate', 42: 'Bad Certificate', 43: 'Unsupported Certificate',
  44: 'Certificate Revoked', 45: 'Certificate Expired', 46: 'Certificate Unknown', 47: 'Illegal Parameter', 48: 'Unknown CA',
  49: 'Access Denied', 50: 'Decode Error', 51: 'Decrypt Error', 60: 'Export Restriction', 70: 'Protocol Version',
  71: 'Insufficient Security', 80: 'Internal Error', 86: 'Inappropriate Fallback', 90: 'User Canceled', 100: 'No Renegotiation',
  109: 'Missing Extension', 110: 'Unsupported Extension', 111: 'Certificate Unobtainable', 112: 'Unrecognized Name',
  113: 'Bad Certificate Status Response', 114: 'Bad Certificate Hash Value', 115: 'Unknown PSK Identity',
  116: 'Certificate Required', 120: 'No application Protocol',
};

declare('tls', 'Transport Layer Security', [
  ['tls.record', 'none', 'TLS Record'],
  ['tls.record.content_type', 'uint', 'Content Type', { valueNames: CONTENT_TYPES }],
  ['tls.record.opaque_type', 'uint', 'Opaque Type', { valueNames: CONTENT_TYPES, description: 'Always set to value 23, actual content type is known after decryption' }],
  ['tls.record.version', 'uint', 'Version', HEX16],
  ['tls.record.length', 'uint', 'Length'],
  ['tls.app_data', 'bytes', 'Encrypted Application Data'],
  ['tls.alert_message', 'none', 'Alert Message'],
  ['tls.alert_message.level', 'uint', 'Level', { valueNames: ALERT_LEVELS }],
  ['tls.alert_message.desc', 'uint', 'Description', { valueNames: ALERT_DESCS }],
  ['tls.change_cipher_spec', 'none', 'Change Cipher Spec Message'],
  ['tls.handshake', 'none', 'Handshake Protocol'],
  ['tls.handshake.type', 'uint', 'Handshake Type', { valueNames: { 1: 'Client Hello', 2: 'Server Hello', 4: 'New Session Ticket', 8: 'Encrypted Extensions', 11: 'Certificate', 12: 'Server Key Exchange', 13: 'Certificate Request', 14: 'Server Hello Done', 15: 'Certificate Verify', 16: 'Client Key Exchange', 20: 'Finished', 24: 'Key Update' } }],
  ['tls.handshake.length', 'uint', 'Length'],
  ['tls.handshake.version', 'uint', 'Version', HEX16],
  ['tls.handshake.random', 'bytes', 'Random'],
  ['tls.handshake.session_id_length', 'uint', 'Session ID Length'],
  ['tls.handshake.session_id', 'bytes', 'Session ID'],
  ['tls.handshake.cipher_suites_length', 'uint', 'Cipher Suites Length'],
  ['tls.handshake.ciphersuite', 'uint', 'Cipher Suite', HEX16],
  ['tls.handshake.comp_method', 'uint', 'Compression Method'],
  ['tls.handshake.extensions_length', 'uint', 'Extensions Length'],
  ['tls.handshake.extension.type', 'uint', 'Type'],
  ['tls.handshake.extension.len', 'uint', 'Length'],
  ['tls.handshake.extensions_server_name', 'string', 'Server Name'],
  ['tls.handshake.extensions_server_name_len', 'uint', 'Server Name length'],
  ['tls.handshake.extensions_alpn_str', 'string', 'ALPN Next Protocol'],
  ['tls.handshake.extensions.supported_version', 'uint', 'Supported Version', HEX16],
  ['tls.handshake.certificates_length', 'uint', 'Certificates Length'],
  ['tls.handshake.certificate_request_context_length', 'uint', 'Certificate Request Context Length'],
  ['tls.handshake.verify_data', 'none', 'Verify Data'],
  ['tls.handshake.extensions_supported_group', 'uint', 'Supported Group', HEX16],
  ['tls.handshake.extensions_ec_point_format', 'uint', 'EC point format'],
  ['tls.handshake.ja3_full', 'string', 'JA3 Fullstring'],
  ['tls.handshake.ja3', 'string', 'JA3', { description: 'MD5 of the JA3 string: a client TLS fingerprint' }],
  ['tls.handshake.ja3s_full', 'string', 'JA3S Fullstring'],
  ['tls.handshake.ja3s', 'string', 'JA3S', { description: 'MD5 of the JA3S string: a server TLS fingerprint' }],
  ['tls.handshake.certificates', 'none', 'Certificates'],
  ['tls.handshake.certificate_length', 'uint', 'Certificate Length'],
  ['tls.handshake.certificate', 'bytes', 'Certificate'],
  ['tls.handshake.session_ticket_lifetime_hint', 'uint', 'Session Ticket Lifetime Hint'],
  ['tls.handshake.session_ticket_age_add', 'uint', 'Session Ticket Age Add'],
  ['tls.handshake.session_ticket_nonce_length', 'uint', 'Session Ticket Nonce Length'],
  ['tls.handshake.session_ticket_nonce', 'bytes', 'Session Ticket Nonce'],
  ['tls.handshake.session_ticket_length', 'uint', 'Session Ticket Length'],
  ['tls.handshake.session_ticket', 'bytes', 'Session Ticket'],
]);

const HS_NAMES: Record<number, string> = {
  0: 'Hello Request', 1: 'Client Hello', 2: 'Server Hello', 4: 'New Session Ticket', 8: 'Encrypted Extensions',
  11: 'Certificate', 12: 'Server Key Exchange', 13: 'Certificate Request', 14: 'Server Hello Done',
  15: 'Certificate Verify', 16: 'Client Key Exchange', 20: 'Finished', 24: 'Key Update',
};
const VERSIONS: Record<number, string> = { 0x0300: 'SSLv3', 0x0301: 'TLSv1', 0x0302: 'TLSv1.1', 0x0303: 'TLSv1.2', 0x0304: 'TLSv1.3' };

export function looksLikeTls(d: Uint8Array, off: number, end: number): boolean {
  return end - off >= 5 && d[off] >= 20 && d[off] <= 23 && d[off + 1] === 3 && d[off + 2] <= 4;
}

const MAX_RECORD = 18432 + 2048; // 2^14 + expansion allowance (RFC 8446 §5.2)
const MAX_HANDSHAKE = 256 * 1024; // bounds a handshake message reassembled across records

/** A TLS connection as both directions see it: what decryption needs from the handshake. */
interface TlsSession {
  clientRandom: Uint8Array | null;
  serverRandom: Uint8Array | null;
  /** the server's cipher suite, -1 before its ServerHello */
  suite: number;
  /** encrypt-then-MAC (RFC 7366) agreed by the ServerHello */
  etm: boolean;
  /** the protocol the server chose (ServerHello or EncryptedExtensions), '' none */
  alpn: string;
}

type TlsStream = TcpStream & { tlsVersion?: number; tlsSession?: TlsSession };

const enum Phase { Clear, Tls12, Tls13Handshake, Tls13App }

const LABELS: Record<number, [KeylogLabel, KeylogLabel]> = {
  [Phase.Tls13Handshake]: ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET'],
  [Phase.Tls13App]: ['CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0'],
};

/** how many first application records a late key may have missed */
const LATE_TRIES = 8;

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

export class TlsApp implements TcpApp {
  private hdr = new Uint8Array(5);
  private hdrLen = 0;
  private body: Uint8Array | null = null;
  private bodyLen = 0;
  private remaining = 0;
  private type = 0;
  private version = 0;
  private encrypted = false;
  private layerFrame = -1;
  private layer: FieldNode | null = null;
  private infos: string[] = [];
  private bad = false;
  /** a record header of this direction was read: framing errors from now on end the direction */
  private framed = false;
  /** a handshake message cut by its record's end, waiting for the next handshake record */
  private hsPending: Uint8Array | null = null;
  /** body bytes of the current record that came from the current frame */
  private bodyFrame = -1;
  private bodyFrameBytes = 0;

  // --- decryption (only with a key log) ---
  /** this direction is the client's (it sent the ClientHello) or the server's; 0 unknown */
  private side: 0 | 1 | 2 = 0;
  private phase = Phase.Clear;
  /** protected records of this direction in the current phase: the sequence number if keys come late */
  private seen = 0;
  private cipher: RecordCipher | null = null;
  /** after the current record: switch to application keys (Finished) or the next generation (KeyUpdate) */
  private after: 'app' | 'update' | null = null;
  /** reads this direction's decrypted application data; undefined until the first plaintext */
  private inner: TcpApp | null | undefined = undefined;
  /** the frame whose summary the inner protocol set */
  private innerFrame = -1;
  /** the frame already given a "not decrypted" note */
  private notedFrame = -1;

  reset(): void {
    this.hdrLen = 0; this.body = null; this.remaining = 0; this.bad = false; this.hsPending = null;
    this.inner?.reset();
  }

  fin(ctx: Ctx, st: State, s: TcpStream, flow: TcpFlow): void {
    this.inner?.fin(ctx, st, s, flow);
  }

  framer(): LengthFramer { return new LengthFramer(true); }

  feed(ctx: Ctx, st: State, s: TcpStream, flow: TcpFlow, off: number, end: number): void {
    const d = ctx.d;
    let o = off;
    if (this.bad) { this.unknown(ctx, off, end); return; }
    while (o < end) {
      if (this.hdrLen < 5) {
        // a record header, possibly split across segments
        const start = o;
        while (o < end && this.hdrLen < 5) this.hdr[this.hdrLen++] = d[o++];
        if (this.hdrLen < 5) return;
        const h = this.hdr;
        if (h[0] < 20 || h[0] > 24 || h[1] !== 3) {
          this.hdrLen = 0;
          if (!this.framed) {
            // before any record of this direction (another protocol came first: RDP's X.224 negotiation
            // with Decode As TLS), tshark shows the segment's bytes as continuation data and looks again
            // at the next segment
            ctx.layer('tls', start, end - start);
            ctx.setSummary('SSL', 'Continuation Data');
            return;
          }
          // not TLS framing: like tshark, the rest of this direction is an ignored record
          this.bad = true;
          ctx.note('protocol', 'tls', `not a TLS record header (type ${h[0]}, version 0x${h[1].toString(16).padStart(2, '0')}${h[2].toString(16).padStart(2, '0')})`, 'warn');
          this.unknown(ctx, start, end);
          return;
        }
        this.framed = true;
        this.type = h[0];
        this.version = (h[1] << 8) | h[2];
        this.remaining = (h[3] << 8) | h[4];
        if (this.remaining > MAX_RECORD) ctx.malformedAt('tls', `record length ${this.remaining} exceeds the TLS maximum`, start, 5);
        this.bodyLen = 0;
        this.bodyFrame = ctx.pkt.number;
        this.bodyFrameBytes = 0;
        // handshake records are kept (bounded), application data when its bytes are asked for (tls.app_data) or
        // decrypted, alerts always (two bytes); the rest are only counted
        const keep = (this.type === 22 && !this.encrypted) || this.type === 21 || (this.type === 23 && ctx.wants('tls.app_data')) ||
          (st.tlsKeys !== null && this.isProtected(s) && this.type >= 21 && this.type <= 23);
        this.body = keep ? new Uint8Array(Math.min(this.remaining, MAX_RECORD)) : null;
        if (this.remaining === 0) { this.record(ctx, st, s, flow, o); continue; }
      }
      const n = Math.min(this.remaining, end - o);
      if (this.bodyFrame !== ctx.pkt.number) { this.bodyFrame = ctx.pkt.number; this.bodyFrameBytes = 0; }
      this.bodyFrameBytes += n;
      if (this.body) {
        const room = Math.min(n, this.body.length - this.bodyLen);
        if (room > 0) this.body.set(d.subarray(o, o + room), this.bodyLen);
        this.bodyLen += Math.max(0, room);
      }
      this.remaining -= n;
      o += n;
      if (this.remaining === 0) this.record(ctx, st, s, flow, o);
    }
  }

  /** Is the current record protected (encrypted) in this direction? */
  private isProtected(s: TlsStream): boolean {
    if (this.phase === Phase.Tls12) return true;
    if (s.tlsVersion === 0x0304 && s.tlsSession && s.tlsSession.suite >= 0 && this.type === 23) {
      // the client's first protected record after the ServerHello starts its handshake phase
      if (this.phase === Phase.Clear && this.side === 1) { this.phase = Phase.Tls13Handshake; this.seen = 0; }
      return this.phase !== Phase.Clear;
    }
    return false;
  }

  private unknown(ctx: Ctx, off: number, end: number): void {
    ctx.layer('tls', off, end - off);
    ctx.setSummary('TLS', 'Ignored Unknown Record');
  }

  private tlsLayer(ctx: Ctx): FieldNode {
    if (this.layerFrame !== ctx.pkt.number || !this.layer) {
      this.layerFrame = ctx.pkt.number;
      this.layer = ctx.layer('tls', 0, 0);
      this.infos = [];
    }
    return this.layer;
  }

  /** The keys for this direction's current phase, or why there are none. */
  private keys(st: State, s: TlsStream): RecordCipher | string {
    if (this.cipher) return this.cipher;
    const keys = st.tlsKeys;
    const sess = s.tlsSession;
    if (!keys) return 'no key log';
    if (!sess || !sess.clientRandom || this.side === 0) return 'the handshake was not captured';
    const suite = SUITES.get(sess.suite);
    if (!suite) return `cipher suite 0x${sess.suite.toString(16).padStart(4, '0')} is not supported for decryption`;
    if (this.phase === Phase.Tls12) {
      if (!sess.serverRandom) return 'the ServerHello was not captured';
      const master = keys.secret('CLIENT_RANDOM', sess.clientRandom);
      if (!master) return `no CLIENT_RANDOM secret in the key log for client random ${hex(sess.clientRandom)}${keys.fileError ? ` (${keys.fileError})` : ''}`;
      this.cipher = RecordCipher.tls12(suite, master, sess.clientRandom, sess.serverRandom, this.side === 1, sess.etm, s.tlsVersion ?? 0x0303);
    } else {
      const label = LABELS[this.phase][this.side === 1 ? 0 : 1];
      const secret = keys.secret(label, sess.clientRandom);
      if (!secret) return `no ${label} in the key log for client random ${hex(sess.clientRandom)}${keys.fileError ? ` (${keys.fileError})` : ''}`;
      this.cipher = RecordCipher.tls13(suite, secret);
    }
    // keys that came late (a live key log): the records already passed count
    this.cipher.seq = BigInt(this.seen);
    return this.cipher;
  }

  /** The application keys that open this record as one of the first few of their phase, or null. */
  private lateAppKeys(st: State, s: TlsStream, body: Uint8Array): { cipher: RecordCipher; plain: Plain } | null {
    const sess = s.tlsSession, keys = st.tlsKeys;
    const suite = sess ? SUITES.get(sess.suite) : undefined;
    if (!keys || !sess?.clientRandom || !suite || this.side === 0) return null;
    const secret = keys.secret(LABELS[Phase.Tls13App][this.side === 1 ? 0 : 1], sess.clientRandom);
    if (!secret) return null;
    // records of the phase before this one went by undecrypted: try the first sequence numbers (bounded)
    for (let seq = 0; seq < Math.min(this.seen, LATE_TRIES); seq++) {
      const cipher = RecordCipher.tls13(suite, secret);
      cipher.seq = BigInt(seq);
      const plain = cipher.decrypt(this.hdr, body);
      if (typeof plain !== 'string') return { cipher, plain };
    }
    return null;
  }

  /** Decrypts the current record, or notes why not (once per frame). */
  private decrypt(ctx: Ctx, st: State, s: TlsStream, body: Uint8Array): Plain | null {
    const c = this.keys(st, s);
    let r = typeof c === 'string' ? c : c.decrypt(this.hdr, body);
    this.seen++;
    if (typeof r === 'string' && this.phase === Phase.Tls13Handshake) {
      // the handshake may be over unseen: its keys came after its records (a live key log written as the
      // client handshakes) or never (a log of traffic secrets only). Then this is an early application record.
      const app = this.lateAppKeys(st, s, body);
      if (app) { this.phase = Phase.Tls13App; this.cipher = app.cipher; this.seen = Number(app.cipher.seq); r = app.plain; }
    }
    if (typeof r !== 'string') return r;
    if (this.notedFrame !== ctx.pkt.number) {
      this.notedFrame = ctx.pkt.number;
      ctx.note('security', 'tls', `TLS record not decrypted: ${r}`, 'warn');
    }
    return null;
  }

  /** A record ended at offset `end` of the current frame. */
  private record(ctx: Ctx, st: State, s: TlsStream, flow: TcpFlow, end: number): void {
    const l = this.tlsLayer(ctx);
    const h = this.hdr;
    const len = (h[3] << 8) | h[4];
    this.hdrLen = 0;
    const rec = ctx.gen(l, 'tls.record', null);
    // a TLS 1.3 protected record's type is only its disguise (tshark's opaque type)
    const opaque = s.tlsVersion === 0x0304 && this.type === 23 && (s.tlsSession?.suite ?? -1) >= 0;
    ctx.sub(rec, opaque ? 'tls.record.opaque_type' : 'tls.record.content_type', this.type, 0, 0).generated = true;
    ctx.sub(rec, 'tls.record.version', this.version, 0, 0).generated = true;
    ctx.sub(rec, 'tls.record.length', len, 0, 0).generated = true;
    let vname = VERSIONS[s.tlsVersion ?? this.version] ?? 'SSL';
    const inFrame = Math.min(this.bodyFrameBytes, this.bodyLen, end);
    const protectedRecord = st.tlsKeys !== null && this.isProtected(s);
    let type = this.type;
    let plain: Plain | null = null;
    const body = this.body;
    this.body = null;
    if (protectedRecord && body && this.bodyLen === body.length) {
      plain = this.decrypt(ctx, st, s, body.subarray(0, this.bodyLen));
      if (plain) {
        type = plain.type;
        if (opaque) ctx.sub(rec, 'tls.record.content_type', type, 0, 0).generated = true;
        // Follow TLS Stream: application data, and an empty chunk for the rest (its first sender is Wireshark's node 0)
        st.tlsTap?.(ctx.pkt.number, this.side === 1, type === 23 ? plain.data : plain.data.subarray(0, 0));
      }
    }
    if (type === 23 && body) {
      // the whole record, as tshark gives it (the ciphertext even when decrypted); its byte range is the part in this frame
      ctx.sub(rec, 'tls.app_data', body.subarray(0, this.bodyLen), end - inFrame, inFrame);
    }
    switch (type) {
      case 20: ctx.sub(rec, 'tls.change_cipher_spec', null, 0, 0); this.changeCipherSpec(s); this.infos.push('Change Cipher Spec'); break;
      case 21: {
        const a = plain ? plain.data : (!this.encrypted && body && this.bodyLen === 2 && len === 2 ? body : null);
        // tshark shows the item for an encrypted alert too (its text says so)
        const m = ctx.sub(rec, 'tls.alert_message', null, end - Math.min(inFrame, len), Math.min(inFrame, len));
        if (a && a.length >= 2) {
          ctx.sub(m, 'tls.alert_message.level', a[0], 0, 0);
          ctx.sub(m, 'tls.alert_message.desc', a[1], 0, 0);
          this.infos.push(plain ? `Alert (Level: ${ALERT_LEVELS[a[0]] ?? 'Unknown'}, Description: ${ALERT_DESCS[a[1]] ?? 'Unknown'})` : 'Alert');
        } else this.infos.push(this.encrypted || len !== 2 ? 'Encrypted Alert' : 'Alert');
        break;
      }
      case 23: {
        if (plain) this.appData(ctx, st, s, flow, plain.data, end);
        if (this.innerFrame !== ctx.pkt.number) this.infos.push('Application Data');
        break;
      }
      case 24: this.infos.push('Heartbeat'); break;
      case 22: {
        if (plain) {
          const buf = this.withPending(plain.data);
          ctx.withReassembled(buf, 0, end, 0, () => this.handshakes(ctx, rec, buf, s));
          break;
        }
        if (!body || this.encrypted || protectedRecord) {
          // tshark still shows the (opaque) handshake item
          const n = Math.min(this.bodyFrameBytes, end);
          ctx.sub(rec, 'tls.handshake', null, end - n, n);
          this.infos.push('Encrypted Handshake Message');
          break;
        }
        const buf = this.withPending(body.subarray(0, this.bodyLen));
        // the record's bytes may span frames: only its tail is in this one
        ctx.withReassembled(buf, buf.length - inFrame, end - inFrame, inFrame, () => {
          this.handshakes(ctx, rec, buf, s);
        });
        if (s.tlsVersion) vname = VERSIONS[s.tlsVersion] ?? vname;
        break;
      }
    }
    if (this.after === 'app') { this.phase = Phase.Tls13App; this.seen = 0; this.cipher = null; }
    else if (this.after === 'update' && this.cipher) { this.cipher = this.cipher.updated(); this.seen = 0; }
    this.after = null;
    if (this.innerFrame === ctx.pkt.number) return; // the protocol inside set the columns, as tshark's does
    const infos = this.infos;
    ctx.setSummary(vname, () => infos.join(', '));
  }

  /** A handshake record's bytes after any message start the previous record left open. */
  private withPending(b: Uint8Array): Uint8Array {
    const pending = this.hsPending;
    this.hsPending = null;
    if (!pending) return b;
    const c = new Uint8Array(pending.length + b.length);
    c.set(pending);
    c.set(b, pending.length);
    return c;
  }

  private changeCipherSpec(s: TlsStream): void {
    this.encrypted = true;
    // TLS 1.3's ChangeCipherSpec is only for middleboxes (RFC 8446 §5): keys change elsewhere
    if (s.tlsVersion !== 0x0304 && s.tlsSession) { this.phase = Phase.Tls12; this.seen = 0; this.cipher = null; }
  }

  /** Decrypted application data: to the protocol the ALPN names, else one a look at the bytes finds. */
  private appData(ctx: Ctx, st: State, s: TlsStream, flow: TcpFlow, data: Buffer, end: number): void {
    if (data.length === 0) return;
    if (this.inner === undefined) {
      const alpn = s.tlsSession?.alpn ?? '';
      const make = (alpn ? TLS_ALPN.get(alpn) : undefined) ?? TLS_HEURISTICS.find(data, 0, data.length) ?? TCP_HEURISTICS.find(data, 0, data.length);
      const app = make?.(ctx.srcPort, ctx.dstPort, 0) ?? null;
      // TLS inside TLS is not what a heuristic means here
      this.inner = app instanceof TlsApp ? null : app;
    }
    const inner = this.inner;
    if (!inner) return;
    const protocol = ctx.protocol, info = ctx.info;
    ctx.setSummary('', '');
    ctx.withReassembled(data, 0, end, 0, () => inner.feed(ctx, st, s, flow, 0, data.length));
    if (ctx.protocol !== '') this.innerFrame = ctx.pkt.number;
    else ctx.setSummary(protocol, info);
  }

  private handshakes(ctx: Ctx, rec: FieldNode, b: Uint8Array, s: TlsStream): void {
    let o = 0;
    while (o + 4 <= b.length) {
      const type = b[o], len = (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
      const hs = ctx.sub(rec, 'tls.handshake', null, o, Math.min(4 + len, b.length - o));
      ctx.sub(hs, 'tls.handshake.type', type, o, 1);
      ctx.sub(hs, 'tls.handshake.length', len, o + 1, 3);
      const name = HS_NAMES[type];
      if (!name) {
        // after ChangeCipherSpec unnoticed (e.g. a capture that starts mid-stream): encrypted
        this.infos.push('Encrypted Handshake Message');
        return;
      }
      if (o + 4 + len > b.length) {
        // a message continued in the next handshake record (TLS fragmentation): keep its start
        if (len <= MAX_HANDSHAKE) this.hsPending = b.slice(o);
        else ctx.malformedAt('tls', `${name} length ${len} is implausible`, o, b.length - o);
        this.infos.push(`${name} (fragment)`);
        return;
      }
      const info = name;
      const p = o + 4, e = o + 4 + len;
      if (type === 1 || type === 2) {
        // tshark 4.0's Info is the bare message name (4.2 adds "(SNI=…)"); the
        // name stays in tls.handshake.extensions_server_name and xdpscope.service
        hello(ctx, hs, b, p, e, type === 1, s);
        if (type === 1) ja4Fields(ctx, hs, p, e, 't');
        this.helloFacts(b, p, e, type === 1, s);
      } else if (type === 11) {
        if ((s.tlsVersion ?? this.version) !== 0x0304) certificates(ctx, hs, b, p, e);
        else if (p < e) {
          // TLS 1.3 (decrypted): a request context, then entries each followed by their extensions
          ctx.sub(hs, 'tls.handshake.certificate_request_context_length', b[p], p, 1);
          certificates(ctx, hs, b, p + 1 + b[p], e, true);
        }
      } else if (type === 4) {
        newSessionTicket(ctx, hs, b, p, e, (s.tlsVersion ?? this.version) === 0x0304);
      } else if (type === 8) {
        encryptedExtensions(ctx, hs, b, p, e, s);
      } else if (type === 20) {
        ctx.sub(hs, 'tls.handshake.verify_data', null, p, len);
        if (this.phase === Phase.Tls13Handshake) this.after = 'app';
      } else if (type === 24) {
        if (this.phase === Phase.Tls13App) this.after = 'update';
      }
      this.infos.push(info);
      o += 4 + len;
    }
  }

  /** What decryption needs from a Hello, read whatever fields are wanted. */
  private helloFacts(b: Uint8Array, o: number, end: number, client: boolean, s: TlsStream): void {
    if (o + 35 > end) return;
    const sess = s.tlsSession ??= { clientRandom: null, serverRandom: null, suite: -1, etm: false, alpn: '' };
    const random = b.slice(o + 2, o + 34);
    this.side = client ? 1 : 2;
    if (client) { sess.clientRandom ??= random; return; }
    sess.serverRandom = random;
    let p = o + 35 + b[o + 34];
    if (p + 3 > end) return;
    sess.suite = u16(b, p);
    p += 3;
    if (p + 2 > end) return;
    const extEnd = Math.min(end, p + 2 + u16(b, p));
    p += 2;
    while (p + 4 <= extEnd) {
      const t = u16(b, p), l = u16(b, p + 2);
      if (p + 4 + l > extEnd) break;
      if (t === 22) sess.etm = true;
      else if (t === 16 && l >= 4) sess.alpn = alpnFirst(b, p + 4, p + 4 + l);
      p += 4 + l;
    }
    // TLS 1.3: everything the server sends after its Hello is protected
    if (s.tlsVersion === 0x0304) { this.phase = Phase.Tls13Handshake; this.seen = 0; this.cipher = null; }
  }
}

/** The first name of an ALPN extension body (the server's choice is its only one). */
function alpnFirst(b: Uint8Array, p: number, e: number): string {
  const n = b[p + 2];
  return p + 3 + n <= e ? latin1(b, p + 3, p + 3 + n) : '';
}

/** TLS 1.3 EncryptedExtensions body [o, end): the extensions, ALPN among them. */
export function encryptedExtensions(ctx: Ctx, hs: FieldNode, b: Uint8Array, o: number, end: number, s: TlsStream): void {
  if (o + 2 > end) { ctx.malformedAt('tls', 'Encrypted Extensions cut short in its length', o, end - o); return; }
  const total = u16(b, o);
  ctx.sub(hs, 'tls.handshake.extensions_length', total, o, 2);
  let p = o + 2;
  const stop = Math.min(end, p + total);
  while (p + 4 <= stop) {
    const t = u16(b, p), l = u16(b, p + 2);
    ctx.sub(hs, 'tls.handshake.extension.type', t, p, 2);
    ctx.sub(hs, 'tls.handshake.extension.len', l, p + 2, 2);
    if (p + 4 + l > stop) { ctx.malformedAt('tls', `extension ${t} length ${l} runs past the extensions`, p, stop - p); return; }
    if (t === 16 && l >= 3) {
      let q = p + 6;
      while (q < p + 4 + l) {
        const sl = b[q];
        if (q + 1 + sl > p + 4 + l) break;
        ctx.sub(hs, 'tls.handshake.extensions_alpn_str', latin1(b, q + 1, q + 1 + sl), q + 1, sl);
        q += 1 + sl;
      }
      if (s.tlsSession) s.tlsSession.alpn = alpnFirst(b, p + 4, p + 4 + l);
    }
    p += 4 + l;
  }
}

/**
 * A Certificate message body [o, end): the chain's length, then each
 * certificate's length and DER bytes (TLS 1.3: each followed by its extensions).
 */
export function certificates(ctx: Ctx, hs: FieldNode, b: Uint8Array, o: number, end: number, tls13 = false): void {
  if (o + 3 > end) { ctx.malformedAt('tls', 'Certificate message cut short in its length', o, end - o); return; }
  const total = (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
  ctx.sub(hs, 'tls.handshake.certificates_length', total, o, 3);
  let p = o + 3;
  const stop = Math.min(end, p + total);
  if (p + total > end) ctx.malformedAt('tls', `certificates length ${total} runs past the message`, o, 3);
  const list = ctx.sub(hs, 'tls.handshake.certificates', null, p, stop - p);
  // every step advances by at least three bytes: the loop ends
  while (p + 3 <= stop) {
    const l = (b[p] << 16) | (b[p + 1] << 8) | b[p + 2];
    ctx.sub(list, 'tls.handshake.certificate_length', l, p, 3);
    if (p + 3 + l > stop) { ctx.malformedAt('tls', `certificate length ${l} runs past the list`, p, 3); return; }
    TLS_CERTIFICATE.dissect?.(ctx, ctx.sub(list, 'tls.handshake.certificate', b.subarray(p + 3, p + 3 + l), p + 3, l), p + 3, p + 3 + l);
    p += 3 + l;
    if (tls13) {
      if (p + 2 > stop) { ctx.malformedAt('tls', 'certificate entry cut short in its extensions length', p, stop - p); return; }
      ctx.sub(hs, 'tls.handshake.extensions_length', u16(b, p), p, 2);
      p += 2 + u16(b, p);
    }
  }
}

/** A NewSessionTicket body [o, end) (RFC 5077 §3.3; TLS 1.3: RFC 8446 §4.6.1, with age_add, nonce and extensions). */
export function newSessionTicket(ctx: Ctx, hs: FieldNode, b: Uint8Array, o: number, end: number, tls13: boolean): void {
  const need = (n: number, what: string): boolean => {
    if (o + n <= end) return true;
    ctx.malformedAt('tls', `New Session Ticket cut short in its ${what}`, o, end - o);
    return false;
  };
  if (!need(4, 'lifetime')) return;
  ctx.sub(hs, 'tls.handshake.session_ticket_lifetime_hint', readers.u32(b, o), o, 4);
  o += 4;
  if (tls13) {
    if (!need(5, 'nonce')) return;
    ctx.sub(hs, 'tls.handshake.session_ticket_age_add', readers.u32(b, o), o, 4);
    const n = b[o + 4];
    ctx.sub(hs, 'tls.handshake.session_ticket_nonce_length', n, o + 4, 1);
    o += 5;
    if (!need(n, 'nonce')) return;
    ctx.sub(hs, 'tls.handshake.session_ticket_nonce', b.subarray(o, o + n), o, n);
    o += n;
  }
  if (!need(2, 'ticket length')) return;
  const tl = u16(b, o);
  ctx.sub(hs, 'tls.handshake.session_ticket_length', tl, o, 2);
  o += 2;
  if (!need(tl, 'ticket')) return;
  ctx.sub(hs, 'tls.handshake.session_ticket', b.subarray(o, o + tl), o, tl);
  o += tl;
  if (!tls13 || !need(2, 'extensions length')) return;
  const total = u16(b, o);
  ctx.sub(hs, 'tls.handshake.extensions_length', total, o, 2);
  const stop = Math.min(end, o + 2 + total);
  for (let p = o + 2; p + 4 <= stop;) {
    const l = u16(b, p + 2);
    ctx.sub(hs, 'tls.handshake.extension.type', u16(b, p), p, 2);
    ctx.sub(hs, 'tls.handshake.extension.len', l, p + 2, 2);
    p += 4 + l;
  }
}

interface Ja3 { version: number; ciphers: number[]; exts: number[]; groups: number[]; formats: number[] }

/** GREASE values (RFC 8701) are left out of fingerprints. */
const grease = (v: number): boolean => (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);

/** JA3 (ClientHello) / JA3S (ServerHello): the fingerprint string and its MD5, as Wireshark computes them. */
function fingerprint(ctx: Ctx, hs: FieldNode, client: boolean, ja: Ja3): void {
  const name = client ? 'tls.handshake.ja3' : 'tls.handshake.ja3s';
  if (!ctx.wantsPrefix(name)) return;
  const full = client
    ? `${ja.version},${ja.ciphers.join('-')},${ja.exts.join('-')},${ja.groups.join('-')},${ja.formats.join('-')}`
    : `${ja.version},${ja.ciphers.join('-')},${ja.exts.join('-')}`;
  ctx.sub(hs, `${name}_full`, full, 0, 0).generated = true;
  ctx.sub(hs, name, createHash('md5').update(full).digest('hex'), 0, 0).generated = true;
}

/** Client/Server Hello body [o, end); returns the SNI when present. */
export function hello(ctx: Ctx, hs: FieldNode, b: Uint8Array, o: number, end: number, client: boolean, s: TlsStream): string {
  const cut = (what: string, at: number): string => {
    ctx.malformedAt('tls', `${client ? 'Client' : 'Server'} Hello cut short in ${what}`, at, Math.max(0, end - at));
    return sni;
  };
  let sni = '';
  if (o + 34 > end) return cut('version/random', o);
  const ja: Ja3 = { version: u16(b, o), ciphers: [], exts: [], groups: [], formats: [] };
  ctx.sub(hs, 'tls.handshake.version', u16(b, o), o, 2);
  ctx.sub(hs, 'tls.handshake.random', b.subarray(o + 2, o + 34), o + 2, 32);
  o += 34;
  const sidLen = b[o];
  ctx.sub(hs, 'tls.handshake.session_id_length', sidLen, o, 1);
  if (o + 1 + sidLen > end) return cut('session id', o);
  if (sidLen) ctx.sub(hs, 'tls.handshake.session_id', b.subarray(o + 1, o + 1 + sidLen), o + 1, sidLen);
  o += 1 + sidLen;
  if (client) {
    if (o + 2 > end) return cut('cipher suites', o);
    const csLen = u16(b, o);
    ctx.sub(hs, 'tls.handshake.cipher_suites_length', csLen, o, 2);
    if (o + 2 + csLen > end) return cut('cipher suites', o);
    for (let p = o + 2; p + 2 <= o + 2 + csLen; p += 2) {
      const c = u16(b, p);
      ctx.sub(hs, 'tls.handshake.ciphersuite', c, p, 2);
      if (!grease(c)) ja.ciphers.push(c);
    }
    o += 2 + csLen;
    if (o + 1 > end) return cut('compression methods', o);
    const cmLen = b[o];
    if (o + 1 + cmLen > end) return cut('compression methods', o);
    for (let p = o + 1; p < o + 1 + cmLen; p++) ctx.sub(hs, 'tls.handshake.comp_method', b[p], p, 1);
    o += 1 + cmLen;
  } else {
    if (o + 3 > end) return cut('cipher suite', o);
    ctx.sub(hs, 'tls.handshake.ciphersuite', u16(b, o), o, 2);
    ja.ciphers.push(u16(b, o));
    ctx.sub(hs, 'tls.handshake.comp_method', b[o + 2], o + 2, 1);
    o += 3;
  }
  if (o + 2 > end) return sni; // no extensions
  const extLen = u16(b, o);
  ctx.sub(hs, 'tls.handshake.extensions_length', extLen, o, 2);
  o += 2;
  const extEnd = Math.min(end, o + extLen);
  if (o + extLen > end) ctx.malformedAt('tls', `extensions length ${extLen} runs past the Hello`, o - 2, end - o + 2);
  while (o + 4 <= extEnd) {
    const type = u16(b, o), len = u16(b, o + 2);
    if (!grease(type)) ja.exts.push(type);
    ctx.sub(hs, 'tls.handshake.extension.type', type, o, 2);
    ctx.sub(hs, 'tls.handshake.extension.len', len, o + 2, 2);
    const p = o + 4, e = p + len;
    if (e > extEnd) { ctx.malformedAt('tls', `extension ${type} length ${len} runs past the extensions`, o, extEnd - o); break; }
    if (type === 0 && client && len >= 5) {
      // server_name_list: one host_name entry in practice
      let q = p + 2;
      while (q + 3 <= e) {
        const nt = b[q], nl = u16(b, q + 1);
        if (q + 3 + nl > e) { ctx.malformedAt('tls', 'server name runs past its extension', q, e - q); break; }
        if (nt === 0) {
          ctx.sub(hs, 'tls.handshake.extensions_server_name_len', nl, q + 1, 2);
          const name = latin1(b, q + 3, q + 3 + nl);
          ctx.sub(hs, 'tls.handshake.extensions_server_name', name, q + 3, nl);
          if (!sni) sni = name;
        }
        q += 3 + nl;
      }
    } else if (type === 16 && len >= 2) {
      let q = p + 2;
      while (q < e) {
        const sl = b[q];
        if (q + 1 + sl > e) { ctx.malformedAt('tls', 'ALPN name runs past its extension', q, e - q); break; }
        ctx.sub(hs, 'tls.handshake.extensions_alpn_str', latin1(b, q + 1, q + 1 + sl), q + 1, sl);
        q += 1 + sl;
      }
    } else if (type === 10 && len >= 2) {
      const n = u16(b, p);
      for (let q = p + 2; q + 2 <= Math.min(e, p + 2 + n); q += 2) {
        const g = u16(b, q);
        ctx.sub(hs, 'tls.handshake.extensions_supported_group', g, q, 2);
        if (!grease(g)) ja.groups.push(g);
      }
    } else if (type === 11 && len >= 1) {
      for (let q = p + 1; q < Math.min(e, p + 1 + b[p]); q++) {
        ctx.sub(hs, 'tls.handshake.extensions_ec_point_format', b[q], q, 1);
        ja.formats.push(b[q]);
      }
    } else if (type === 43) {
      if (client) {
        const n = b[p];
        for (let q = p + 1; q + 2 <= Math.min(e, p + 1 + n); q += 2) ctx.sub(hs, 'tls.handshake.extensions.supported_version', u16(b, q), q, 2);
      } else if (len >= 2) {
        const v = u16(b, p);
        ctx.sub(hs, 'tls.handshake.extensions.supported_version', v, p, 2);
        s.tlsVersion = v;
      }
    }
    o = e;
  }
  if (!client && s.tlsVersion === undefined) s.tlsVersion = u16(b, hs.start + 4);
  fingerprint(ctx, hs, client, ja);
  return sni;
}

export type { FieldNode };

// tshark 4.0's tls tcp.port entries (`tshark -G decodes`): its own and those
// of protocols it carries in TLS (MQTT 8883, AMQP 5671, MongoDB 27017, CoAP
// 5684, Diameter 5868, ...). 8443, 990, 992, 6697 are not among them (its
// heuristic finds TLS there, as ours).
const TLS_PORTS = [443, 465, 993, 995, 853, 636, 5061, 8883, 5671, 27017, 5684, 5868, 324, 802, 1300, 2221, 2443, 3249, 3250, 3251, 3252,
  3496, 11207, 19999];
/**
 * packet-tls.c dissect_ssl: a payload of more than four bytes opening with
 * four printable ASCII characters is plain text, not TLS (tshark returns 0
 * and the other port's protocol, an HTTP client's on a TLS port, is tried).
 */
const printable = (b: number): boolean => b >= 0x20 && b <= 0x7e;
export const tlsAccepts = (d: Uint8Array, off: number, end: number): boolean =>
  end - off <= 4 || !(printable(d[off]) && printable(d[off + 1]) && printable(d[off + 2]) && printable(d[off + 3]));
TCP_PORT.add(TLS_PORTS, () => new TlsApp(), { accepts: tlsAccepts });
TCP_HEURISTICS.add(looksLikeTls, () => new TlsApp(), 20);
