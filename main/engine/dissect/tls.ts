// TLS records over TCP, reassembled per direction, with ClientHello and
// ServerHello decoded (SNI, ALPN, supported_versions, cipher suites).
// Records after ChangeCipherSpec are encrypted: only their framing is shown.
import { createHash } from 'node:crypto';
import { type Ctx, FieldNode } from './context';
import { declare, HEX16 } from './fields';
import type { State } from './state';
import type { TcpApp, TcpFlow, TcpStream } from './tcpstream';
import * as readers from './bytes';
import { LengthFramer } from './framers';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_HEURISTICS, TCP_PORT, TLS_CERTIFICATE } = tables;
const { latin1, u16 } = readers;


declare('tls', 'Transport Layer Security', [
  ['tls.record', 'none', 'TLS Record'],
  ['tls.record.content_type', 'uint', 'Content Type', { valueNames: { 20: 'Change Cipher Spec', 21: 'Alert', 22: 'Handshake', 23: 'Application Data', 24: 'Heartbeat' } }],
  ['tls.record.version', 'uint', 'Version', HEX16],
  ['tls.record.length', 'uint', 'Length'],
  ['tls.app_data', 'bytes', 'Encrypted Application Data'],
  ['tls.alert_message.level', 'uint', 'Level'],
  ['tls.alert_message.desc', 'uint', 'Description'],
  ['tls.change_cipher_spec', 'none', 'Change Cipher Spec Message'],
  ['tls.handshake', 'none', 'Handshake Protocol'],
  ['tls.handshake.type', 'uint', 'Handshake Type', { valueNames: { 1: 'Client Hello', 2: 'Server Hello', 4: 'New Session Ticket', 8: 'Encrypted Extensions', 11: 'Certificate', 12: 'Server Key Exchange', 13: 'Certificate Request', 14: 'Server Hello Done', 15: 'Certificate Verify', 16: 'Client Key Exchange', 20: 'Finished' } }],
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
  ['tls.handshake.extensions_supported_group', 'uint', 'Supported Group', HEX16],
  ['tls.handshake.extensions_ec_point_format', 'uint', 'EC point format'],
  ['tls.handshake.ja3_full', 'string', 'JA3 Fullstring'],
  ['tls.handshake.ja3', 'string', 'JA3', { description: 'MD5 of the JA3 string: a client TLS fingerprint' }],
  ['tls.handshake.ja3s_full', 'string', 'JA3S Fullstring'],
  ['tls.handshake.ja3s', 'string', 'JA3S', { description: 'MD5 of the JA3S string: a server TLS fingerprint' }],
  ['tls.handshake.certificates', 'none', 'Certificates'],
  ['tls.handshake.certificate_length', 'uint', 'Certificate Length'],
  ['tls.handshake.certificate', 'bytes', 'Certificate'],
]);

const HS_NAMES: Record<number, string> = {
  0: 'Hello Request', 1: 'Client Hello', 2: 'Server Hello', 4: 'New Session Ticket', 8: 'Encrypted Extensions',
  11: 'Certificate', 12: 'Server Key Exchange', 13: 'Certificate Request', 14: 'Server Hello Done',
  15: 'Certificate Verify', 16: 'Client Key Exchange', 20: 'Finished',
};
const VERSIONS: Record<number, string> = { 0x0300: 'SSLv3', 0x0301: 'TLSv1', 0x0302: 'TLSv1.1', 0x0303: 'TLSv1.2', 0x0304: 'TLSv1.3' };

export function looksLikeTls(d: Uint8Array, off: number, end: number): boolean {
  return end - off >= 5 && d[off] >= 20 && d[off] <= 23 && d[off + 1] === 3 && d[off + 2] <= 4;
}

const MAX_RECORD = 18432 + 2048; // 2^14 + expansion allowance (RFC 8446 §5.2)
const MAX_HANDSHAKE = 256 * 1024; // bounds a handshake message reassembled across records

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
  /** a handshake message cut by its record's end, waiting for the next handshake record */
  private hsPending: Uint8Array | null = null;
  /** body bytes of the current record that came from the current frame */
  private bodyFrame = -1;
  private bodyFrameBytes = 0;

  reset(): void {
    this.hdrLen = 0; this.body = null; this.remaining = 0; this.bad = false; this.hsPending = null;
  }

  fin(): void {}
  framer(): LengthFramer { return new LengthFramer(true); }

  feed(ctx: Ctx, _st: State, s: TcpStream, _flow: TcpFlow, off: number, end: number): void {
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
          // not TLS framing: like tshark, the rest of this direction is an ignored record
          this.bad = true;
          this.hdrLen = 0;
          ctx.note('protocol', 'tls', `not a TLS record header (type ${h[0]}, version 0x${h[1].toString(16).padStart(2, '0')}${h[2].toString(16).padStart(2, '0')})`, 'warn');
          this.unknown(ctx, start, end);
          return;
        }
        this.type = h[0];
        this.version = (h[1] << 8) | h[2];
        this.remaining = (h[3] << 8) | h[4];
        if (this.remaining > MAX_RECORD) ctx.malformedAt('tls', `record length ${this.remaining} exceeds the TLS maximum`, start, 5);
        this.bodyLen = 0;
        this.bodyFrame = ctx.pkt.number;
        this.bodyFrameBytes = 0;
        // handshake records are kept (bounded), application data when its bytes are asked for (tls.app_data); the rest are only counted
        const keep = (this.type === 22 && !this.encrypted) || (this.type === 23 && ctx.wants('tls.app_data'));
        this.body = keep ? new Uint8Array(Math.min(this.remaining, MAX_RECORD)) : null;
        if (this.remaining === 0) { this.record(ctx, s, o); continue; }
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
      if (this.remaining === 0) this.record(ctx, s, o);
    }
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

  /** A record ended at offset `end` of the current frame. */
  private record(ctx: Ctx, s: TcpStream & { tlsVersion?: number }, end: number): void {
    const l = this.tlsLayer(ctx);
    const h = this.hdr;
    const len = (h[3] << 8) | h[4];
    this.hdrLen = 0;
    const rec = ctx.gen(l, 'tls.record', null);
    ctx.sub(rec, 'tls.record.content_type', this.type, 0, 0).generated = true;
    ctx.sub(rec, 'tls.record.version', this.version, 0, 0).generated = true;
    ctx.sub(rec, 'tls.record.length', len, 0, 0).generated = true;
    let vname = VERSIONS[s.tlsVersion ?? this.version] ?? 'SSL';
    switch (this.type) {
      case 20: ctx.sub(rec, 'tls.change_cipher_spec', null, 0, 0); this.encrypted = true; this.infos.push('Change Cipher Spec'); break;
      case 21: this.infos.push(this.encrypted || len !== 2 ? 'Encrypted Alert' : 'Alert'); break;
      case 23: {
        this.infos.push('Application Data');
        const body = this.body;
        this.body = null;
        // the whole record, as tshark gives it; its byte range is the part in this frame
        const inFrame = Math.min(this.bodyFrameBytes, this.bodyLen, end);
        if (body) ctx.sub(rec, 'tls.app_data', body.subarray(0, this.bodyLen), end - inFrame, inFrame);
        break;
      }
      case 24: this.infos.push('Heartbeat'); break;
      case 22: {
        const body = this.body;
        this.body = null;
        if (!body || this.encrypted) {
          // tshark still shows the (opaque) handshake item
          const n = Math.min(this.bodyFrameBytes, end);
          ctx.sub(rec, 'tls.handshake', null, end - n, n);
          this.infos.push('Encrypted Handshake Message');
          break;
        }
        let b = body.subarray(0, this.bodyLen);
        const pending = this.hsPending;
        this.hsPending = null;
        if (pending) { const c = new Uint8Array(pending.length + b.length); c.set(pending); c.set(b, pending.length); b = c; }
        // the record's bytes may span frames: only its tail is in this one
        const inFrame = Math.min(this.bodyFrameBytes, this.bodyLen, end);
        const buf = b;
        ctx.withReassembled(buf, buf.length - inFrame, end - inFrame, inFrame, () => {
          this.handshakes(ctx, rec, buf, s);
        });
        if (s.tlsVersion) vname = VERSIONS[s.tlsVersion] ?? vname;
        break;
      }
    }
    const infos = this.infos;
    ctx.setSummary(vname, () => infos.join(', '));
  }

  private handshakes(ctx: Ctx, rec: FieldNode, b: Uint8Array, s: TcpStream & { tlsVersion?: number }): void {
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
      let info = name;
      if (type === 1 || type === 2) {
        const sni = hello(ctx, hs, b, o + 4, o + 4 + len, type === 1, s);
        if (type === 1 && sni) info = `Client Hello (SNI=${sni})`;
      } else if (type === 11 && (s.tlsVersion ?? this.version) !== 0x0304) certificates(ctx, hs, b, o + 4, o + 4 + len);
      this.infos.push(info);
      o += 4 + len;
    }
  }
}

/** A (TLS ≤ 1.2) Certificate message body [o, end): the chain's length, then each certificate's length and DER bytes. */
function certificates(ctx: Ctx, hs: FieldNode, b: Uint8Array, o: number, end: number): void {
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
function hello(ctx: Ctx, hs: FieldNode, b: Uint8Array, o: number, end: number, client: boolean, s: TcpStream & { tlsVersion?: number }): string {
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

const TLS_PORTS = [443, 8443, 465, 993, 995, 853, 636, 990, 992, 5061, 6697];
TCP_PORT.add(TLS_PORTS, () => new TlsApp(), { priority: 20 });
TCP_HEURISTICS.add(looksLikeTls, () => new TlsApp(), 20);
