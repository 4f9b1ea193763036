// Kerberos V5 (RFC 4120) on udp/88 and tcp/88 (a 4-byte record mark before
// each message), and inside GSS-API (RFC 4121 §4.1: the krb5 OID, a token
// id, then AP-REQ/AP-REP/KRB-ERROR). AS/TGS requests and replies, AP-REQ
// (also as PA-TGS-REQ), KRB-ERROR: principals, realms, encryption types,
// error codes, as security review reads them (AS-REP roasting, user
// enumeration, pre-authentication failures). Fields and Info as tshark
// 4.0's packet-kerberos.c; encrypted parts stay opaque (no keytab).
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { dissectData } from './data';
import { readTlv, isBerError, childrenOf, int, str, bigUint, UNIVERSAL, CONTEXT, APPLICATION, T_SEQUENCE, MAX_DEPTH, type Tlv } from './ber';
import { PduApp } from './pdu';
import { OID_KRB5 } from './gssapi';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { UDP_PORT, TCP_PORT, GSSAPI_OID } = tables;
const { u16, u32 } = readers;

const MSG_TYPES: Record<number, string> = { 10: 'krb-as-req', 11: 'krb-as-rep', 12: 'krb-tgs-req', 13: 'krb-tgs-rep', 14: 'krb-ap-req', 15: 'krb-ap-rep', 20: 'krb-safe', 21: 'krb-priv', 22: 'krb-cred', 30: 'krb-error' };
const INFO: Record<number, string> = { 10: 'AS-REQ', 11: 'AS-REP', 12: 'TGS-REQ', 13: 'TGS-REP', 14: 'AP-REQ', 15: 'AP-REP', 20: 'KRB-SAFE', 21: 'KRB-PRIV', 22: 'KRB-CRED' };
const ELEMENT: Record<number, string> = { 10: 'as_req', 11: 'as_rep', 12: 'tgs_req', 13: 'tgs_rep', 14: 'ap_req', 15: 'ap_rep', 30: 'krb_error' };
const ERRORS: Record<number, string> = {
  0: 'KRB5KDC_ERR_NONE', 1: 'KRB5KDC_ERR_NAME_EXP', 2: 'KRB5KDC_ERR_SERVICE_EXP', 3: 'KRB5KDC_ERR_BAD_PVNO', 4: 'KRB5KDC_ERR_C_OLD_MAST_KVNO',
  5: 'KRB5KDC_ERR_S_OLD_MAST_KVNO', 6: 'KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN', 7: 'KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN', 8: 'KRB5KDC_ERR_PRINCIPAL_NOT_UNIQUE',
  9: 'KRB5KDC_ERR_NULL_KEY', 10: 'KRB5KDC_ERR_CANNOT_POSTDATE', 11: 'KRB5KDC_ERR_NEVER_VALID', 12: 'KRB5KDC_ERR_POLICY', 13: 'KRB5KDC_ERR_BADOPTION',
  14: 'KRB5KDC_ERR_ETYPE_NOSUPP', 15: 'KRB5KDC_ERR_SUMTYPE_NOSUPP', 16: 'KRB5KDC_ERR_PADATA_TYPE_NOSUPP', 17: 'KRB5KDC_ERR_TRTYPE_NOSUPP',
  18: 'KRB5KDC_ERR_CLIENT_REVOKED', 19: 'KRB5KDC_ERR_SERVICE_REVOKED', 20: 'KRB5KDC_ERR_TGT_REVOKED', 21: 'KRB5KDC_ERR_CLIENT_NOTYET',
  22: 'KRB5KDC_ERR_SERVICE_NOTYET', 23: 'KRB5KDC_ERR_KEY_EXP', 24: 'KRB5KDC_ERR_PREAUTH_FAILED', 25: 'KRB5KDC_ERR_PREAUTH_REQUIRED',
  26: 'KRB5KDC_ERR_SERVER_NOMATCH', 27: 'KRB5KDC_ERR_MUST_USE_USER2USER', 28: 'KRB5KDC_ERR_PATH_NOT_ACCEPTED', 29: 'KRB5KDC_ERR_SVC_UNAVAILABLE',
  31: 'KRB5KRB_AP_ERR_BAD_INTEGRITY', 32: 'KRB5KRB_AP_ERR_TKT_EXPIRED', 33: 'KRB5KRB_AP_ERR_TKT_NYV', 34: 'KRB5KRB_AP_ERR_REPEAT',
  35: 'KRB5KRB_AP_ERR_NOT_US', 36: 'KRB5KRB_AP_ERR_BADMATCH', 37: 'KRB5KRB_AP_ERR_SKEW', 38: 'KRB5KRB_AP_ERR_BADADDR', 39: 'KRB5KRB_AP_ERR_BADVERSION',
  40: 'KRB5KRB_AP_ERR_MSG_TYPE', 41: 'KRB5KRB_AP_ERR_MODIFIED', 42: 'KRB5KRB_AP_ERR_BADORDER', 44: 'KRB5KRB_AP_ERR_BADKEYVER', 45: 'KRB5KRB_AP_ERR_NOKEY',
  46: 'KRB5KRB_AP_ERR_MUT_FAIL', 47: 'KRB5KRB_AP_ERR_BADDIRECTION', 48: 'KRB5KRB_AP_ERR_METHOD', 49: 'KRB5KRB_AP_ERR_BADSEQ', 50: 'KRB5KRB_AP_ERR_INAPP_CKSUM',
  51: 'KRB5KDC_AP_PATH_NOT_ACCEPTED', 52: 'KRB5KRB_ERR_RESPONSE_TOO_BIG', 60: 'KRB5KRB_ERR_GENERIC', 61: 'KRB5KRB_ERR_FIELD_TOOLONG',
  62: 'KRB5KDC_ERROR_CLIENT_NOT_TRUSTED', 63: 'KRB5KDC_ERROR_KDC_NOT_TRUSTED', 64: 'KRB5KDC_ERROR_INVALID_SIG', 65: 'KRB5KDC_ERR_KEY_TOO_WEAK',
  66: 'KRB5KDC_ERR_CERTIFICATE_MISMATCH', 67: 'KRB5KRB_AP_ERR_NO_TGT', 68: 'KRB5KDC_ERR_WRONG_REALM', 69: 'KRB5KRB_AP_ERR_USER_TO_USER_REQUIRED',
  70: 'KRB5KDC_ERR_CANT_VERIFY_CERTIFICATE', 71: 'KRB5KDC_ERR_INVALID_CERTIFICATE', 72: 'KRB5KDC_ERR_REVOKED_CERTIFICATE',
  73: 'KRB5KDC_ERR_REVOCATION_STATUS_UNKNOWN', 74: 'KRB5KDC_ERR_REVOCATION_STATUS_UNAVAILABLE', 75: 'KRB5KDC_ERR_CLIENT_NAME_MISMATCH',
  76: 'KRB5KDC_ERR_KDC_NAME_MISMATCH',
};
const ETYPES: Record<number, string> = {
  1: 'eTYPE-DES-CBC-CRC', 2: 'eTYPE-DES-CBC-MD4', 3: 'eTYPE-DES-CBC-MD5', 16: 'eTYPE-DES3-CBC-SHA1', 17: 'eTYPE-AES128-CTS-HMAC-SHA1-96',
  18: 'eTYPE-AES256-CTS-HMAC-SHA1-96', 19: 'eTYPE-AES128-CTS-HMAC-SHA256-128', 20: 'eTYPE-AES256-CTS-HMAC-SHA384-192', 23: 'eTYPE-ARCFOUR-HMAC-MD5',
  24: 'eTYPE-ARCFOUR-HMAC-MD5-56', 25: 'eTYPE-CAMELLIA128-CTS-CMAC', 26: 'eTYPE-CAMELLIA256-CTS-CMAC',
};

declare('kerberos', 'Kerberos', [
  ['kerberos.rm.reserved', 'bool', 'Reserved'],
  ['kerberos.rm.length', 'uint', 'Record Length'],
  ...Object.values(ELEMENT).map((e): [string, 'none', string] => [`kerberos.${e}_element`, 'none', e.replace('_', '-')]),
  ['kerberos.pvno', 'uint', 'pvno'],
  ['kerberos.msg_type', 'int', 'msg-type', { valueNames: MSG_TYPES }],
  ['kerberos.padata', 'uint', 'padata'],
  ['kerberos.padata_type', 'int', 'padata-type'],
  ['kerberos.padata_value', 'bytes', 'padata-value'],
  ['kerberos.req_body_element', 'none', 'req-body'],
  ['kerberos.kdc_options', 'bytes', 'kdc-options'],
  ['kerberos.cname_element', 'none', 'cname'],
  ['kerberos.sname_element', 'none', 'sname'],
  ['kerberos.name_type', 'int', 'name-type'],
  ['kerberos.cname_string', 'uint', 'cname-string'],
  ['kerberos.CNameString', 'string', 'CNameString'],
  ['kerberos.sname_string', 'uint', 'sname-string'],
  ['kerberos.SNameString', 'string', 'SNameString'],
  ['kerberos.realm', 'string', 'realm'],
  ['kerberos.crealm', 'string', 'crealm'],
  ['kerberos.from', 'abstime', 'from'],
  ['kerberos.till', 'abstime', 'till'],
  ['kerberos.rtime', 'abstime', 'rtime'],
  ['kerberos.nonce', 'uint', 'nonce'],
  ['kerberos.ENCTYPE', 'int', 'ENCTYPE', { valueNames: ETYPES }],
  ['kerberos.etype', 'int', 'etype', { valueNames: ETYPES }],
  ['kerberos.ticket_element', 'none', 'ticket'],
  ['kerberos.tkt_vno', 'uint', 'tkt-vno'],
  ['kerberos.enc_part_element', 'none', 'enc-part'],
  ['kerberos.kvno', 'uint', 'kvno'],
  ['kerberos.cipher', 'bytes', 'cipher'],
  ['kerberos.ap_options', 'bytes', 'ap-options'],
  ['kerberos.ctime', 'abstime', 'ctime'],
  ['kerberos.cusec', 'uint', 'cusec'],
  ['kerberos.stime', 'abstime', 'stime'],
  ['kerberos.susec', 'uint', 'susec'],
  ['kerberos.error_code', 'int', 'error-code', { valueNames: ERRORS }],
  ['kerberos.e_text', 'string', 'e-text'],
  ['kerberos.e_data', 'bytes', 'e-data'],
  ['kerberos.info2_salt', 'string', 'salt'],
  ['kerberos.include_pac', 'bool', 'include-pac'],
]);
declare('spnego-krb5', 'SPNEGO-KRB5', [['spnego.krb5.tok_id', 'uint', 'krb5_tok_id', { base: 'hex', hexDigits: 4 }]]);

interface K { ctx: Ctx; l: FieldNode; d: Uint8Array; depth: number; info: string }

/** the children of a constructed element (an explicit tag's contents or a SEQUENCE), damage reported */
function kids(k: K, t: Tlv): Tlv[] {
  const r = childrenOf(k.d, t.value, t.end, 512);
  if (r.error) k.ctx.malformedAt('kerberos', r.error.error, r.error.at, t.end - r.error.at);
  return r.items;
}
/** the element inside an explicit [n] tag */
function inner(k: K, t: Tlv): Tlv | null {
  const x = readTlv(k.d, t.value, t.end);
  if (isBerError(x)) { k.ctx.malformedAt('kerberos', x.error, x.at, t.end - x.at); return null; }
  return x;
}
/** the SEQUENCE inside an explicit tag, as a list of context-tagged fields */
function seqIn(k: K, t: Tlv): Tlv[] {
  const s = inner(k, t);
  if (!s || s.cls !== UNIVERSAL || s.tag !== T_SEQUENCE) { if (s) k.ctx.malformedAt('kerberos', 'SEQUENCE expected', s.start, s.end - s.start); return []; }
  return kids(k, s);
}
function intOf(k: K, t: Tlv): number | null { const x = inner(k, t); return x ? int(k.d, x) : null; }
function strOf(k: K, t: Tlv): [string, Tlv] | null { const x = inner(k, t); return x ? [str(k.d, x), x] : null; }

/** KerberosTime (GeneralizedTime "YYYYMMDDHHMMSSZ") as nanoseconds since 1970 */
function time(k: K, t: Tlv): [bigint, Tlv] | null {
  const x = inner(k, t);
  if (!x) return null;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(str(k.d, x));
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return [BigInt(ms) * 1_000_000n, x];
}

function add(k: K, name: string, v: number | string | bigint | boolean | Uint8Array | null, t: Tlv): void {
  k.ctx.add(k.l, name, v, t.start, t.end - t.start);
}

function principal(k: K, t: Tlv, which: 'c' | 's'): string[] {
  const el = k.ctx.add(k.l, `kerberos.${which}name_element`, null, t.start, t.end - t.start);
  void el;
  const parts: string[] = [];
  for (const f of seqIn(k, t)) {
    if (f.cls !== CONTEXT) continue;
    if (f.tag === 0) { const v = intOf(k, f); if (v !== null) add(k, 'kerberos.name_type', v, f); }
    else if (f.tag === 1) {
      const s = inner(k, f);
      if (!s) continue;
      const names = kids(k, s);
      add(k, `kerberos.${which}name_string`, names.length, s);
      for (const n of names) { const v = str(k.d, n); parts.push(v); add(k, which === 'c' ? 'kerberos.CNameString' : 'kerberos.SNameString', v, n); }
    }
  }
  return parts;
}

function encrypted(k: K, t: Tlv): void {
  add(k, 'kerberos.enc_part_element', null, t);
  for (const f of seqIn(k, t)) {
    if (f.cls !== CONTEXT) continue;
    if (f.tag === 0) { const v = intOf(k, f); if (v !== null) add(k, 'kerberos.etype', v, f); }
    else if (f.tag === 1) { const v = intOf(k, f); if (v !== null) add(k, 'kerberos.kvno', v, f); }
    else if (f.tag === 2) { const x = inner(k, f); if (x) k.ctx.add(k.l, 'kerberos.cipher', k.d.subarray(x.value, x.end), x.value, x.len); }
  }
}

function ticket(k: K, t: Tlv): void {
  const app = inner(k, t);
  if (app) ticketApp(k, app);
}

/** Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0], realm [1], sname [2], enc-part [3] } */
function ticketApp(k: K, app: Tlv): void {
  if (app.cls !== APPLICATION || app.tag !== 1) return;
  add(k, 'kerberos.ticket_element', null, app);
  for (const f of seqIn(k, app)) {
    if (f.cls !== CONTEXT) continue;
    if (f.tag === 0) { const v = intOf(k, f); if (v !== null) add(k, 'kerberos.tkt_vno', v, f); }
    else if (f.tag === 1) { const s = strOf(k, f); if (s) add(k, 'kerberos.realm', s[0], s[1]); }
    else if (f.tag === 2) principal(k, f, 's');
    else if (f.tag === 3) encrypted(k, f);
  }
}

function bits(k: K, name: string, t: Tlv): void {
  const x = inner(k, t);
  // a BIT STRING: its first content byte counts unused bits; tshark shows the rest
  if (x && x.len >= 1) k.ctx.add(k.l, name, k.d.subarray(x.value + 1, x.end), x.start, x.end - x.start);
}

function padata(k: K, t: Tlv): void {
  const s = inner(k, t);
  if (!s) return;
  add(k, 'kerberos.padata', kids(k, s).length, s);
  paList(k, s);
}

/** SEQUENCE OF PA-DATA { padata-type [1], padata-value [2] } */
function paList(k: K, s: Tlv): void {
  for (const pa of kids(k, s)) {
    let type = -1;
    for (const f of kids(k, pa)) {
      if (f.cls !== CONTEXT) continue;
      if (f.tag === 1) { const v = intOf(k, f); if (v !== null) { type = v; add(k, 'kerberos.padata_type', v, f); } }
      else if (f.tag === 2) {
        const x = inner(k, f);
        if (!x) continue;
        k.ctx.add(k.l, 'kerberos.padata_value', k.d.subarray(x.value, x.end), x.value, x.len);
        paValue(k, type, x);
      }
    }
  }
}

/** The padata values tshark opens: PA-TGS-REQ (an AP-REQ), PA-ENC-TIMESTAMP, ETYPE-INFO2, PA-PAC-REQUEST. */
function paValue(k: K, type: number, x: Tlv): void {
  if (k.depth > 3) return;
  if (type === 1) { k.depth++; message(k, x.value, x.end); k.depth--; return; }
  const v = readTlv(k.d, x.value, x.end);
  if (isBerError(v)) return;
  if (type === 136) { fast(k, v); return; }
  if (v.cls !== UNIVERSAL || v.tag !== T_SEQUENCE) return;
  if (type === 2) { encryptedSeq(k, v); return; }
  if (type === 19) {
    for (const entry of kids(k, v)) for (const f of kids(k, entry)) {
      if (f.cls !== CONTEXT) continue;
      if (f.tag === 0) { const e = intOf(k, f); if (e !== null) add(k, 'kerberos.etype', e, f); }
      else if (f.tag === 1) { const s = strOf(k, f); if (s) add(k, 'kerberos.info2_salt', s[0], s[1]); }
    }
  } else if (type === 128) {
    for (const f of kids(k, v)) if (f.cls === CONTEXT && f.tag === 0) { const b = inner(k, f); if (b) add(k, 'kerberos.include_pac', b.len > 0 && k.d[b.value] !== 0, b); }
  }
}
/**
 * PA-FX-FAST (RFC 6113): [0] armored data, whose EncryptedData (enc-fast-req
 * at [2] in a request, enc-fast-rep at [0] in a reply) tshark shows.
 */
function fast(k: K, v: Tlv): void {
  const x = v.cls === CONTEXT && v.tag === 0 ? inner(k, v) : null;
  if (!x || x.tag !== T_SEQUENCE) return;
  for (const f of kids(k, x)) {
    if (f.cls !== CONTEXT) continue;
    const e = inner(k, f);
    if (e && e.tag === T_SEQUENCE && isEncryptedData(k, e)) encryptedSeq(k, e);
  }
}
function isEncryptedData(k: K, e: Tlv): boolean {
  const items = kids(k, e);
  return items.length >= 2 && items[0].cls === CONTEXT && items[0].tag === 0 && items[items.length - 1].cls === CONTEXT && items[items.length - 1].tag === 2;
}
function encryptedSeq(k: K, v: Tlv): void {
  for (const f of kids(k, v)) {
    if (f.cls !== CONTEXT) continue;
    if (f.tag === 0) { const e = intOf(k, f); if (e !== null) add(k, 'kerberos.etype', e, f); }
    else if (f.tag === 2) { const x = inner(k, f); if (x) k.ctx.add(k.l, 'kerberos.cipher', k.d.subarray(x.value, x.end), x.value, x.len); }
  }
}

function reqBody(k: K, t: Tlv): string[] {
  add(k, 'kerberos.req_body_element', null, t);
  let cname: string[] = [];
  for (const f of seqIn(k, t)) {
    if (f.cls !== CONTEXT) continue;
    switch (f.tag) {
      case 0: bits(k, 'kerberos.kdc_options', f); break;
      case 1: cname = principal(k, f, 'c'); break;
      case 2: { const s = strOf(k, f); if (s) add(k, 'kerberos.realm', s[0], s[1]); break; }
      case 3: principal(k, f, 's'); break;
      case 4: case 5: case 6: { const tm = time(k, f); if (tm) add(k, f.tag === 4 ? 'kerberos.from' : f.tag === 5 ? 'kerberos.till' : 'kerberos.rtime', tm[0], tm[1]); break; }
      case 7: { const x = inner(k, f); if (x) add(k, 'kerberos.nonce', Number(bigUint(k.d, x) & 0xffffffffn), x); break; }
      case 8: { const s = inner(k, f); if (s) for (const e of kids(k, s)) { const v = int(k.d, e); if (v !== null) add(k, 'kerberos.ENCTYPE', v, e); } break; }
      case 11: { const s = inner(k, f); if (s) for (const tk of kids(k, s)) ticketApp(k, tk); break; }
    }
  }
  return cname;
}

/** One Kerberos message at [off, end): returns false when it is not one. */
function message(k: K, off: number, end: number): boolean {
  const { d, ctx } = k;
  const app = readTlv(d, off, end);
  if (isBerError(app)) { ctx.malformedAt('kerberos', app.error, app.at, end - app.at); return false; }
  if (app.cls !== APPLICATION || ELEMENT[app.tag] === undefined) { ctx.malformedAt('kerberos', `not a Kerberos message ([APPLICATION ${app.tag}])`, off, end - off); return false; }
  const type = app.tag;
  add(k, `kerberos.${ELEMENT[type]}_element`, null, app);
  const seq = readTlv(d, app.value, app.end);
  if (isBerError(seq) || seq.tag !== T_SEQUENCE) { ctx.malformedAt('kerberos', 'message SEQUENCE expected', app.value, app.len); return true; }
  const fields = kids(k, seq);
  const req = type === 10 || type === 12;
  let info = INFO[type] ?? '';
  let errorCode = -1;
  for (const f of fields) {
    if (f.cls !== CONTEXT) continue;
    const tag = f.tag;
    if (req) {
      if (tag === 1) { const v = intOf(k, f); if (v !== null) add(k, 'kerberos.pvno', v, f); }
      else if (tag === 2) { const v = intOf(k, f); if (v !== null) add(k, 'kerberos.msg_type', v, f); }
      else if (tag === 3) padata(k, f);
      else if (tag === 4) reqBody(k, f);
    } else if (type === 11 || type === 13) {
      if (tag === 0) { const v = intOf(k, f); if (v !== null) add(k, 'kerberos.pvno', v, f); }
      else if (tag === 1) { const v = intOf(k, f); if (v !== null) add(k, 'kerberos.msg_type', v, f); }
      else if (tag === 2) padata(k, f);
      else if (tag === 3) { const s = strOf(k, f); if (s) add(k, 'kerberos.crealm', s[0], s[1]); }
      else if (tag === 4) principal(k, f, 'c');
      else if (tag === 5) ticket(k, f);
      else if (tag === 6) encrypted(k, f);
    } else if (type === 14) {
      if (tag === 0) { const v = intOf(k, f); if (v !== null) add(k, 'kerberos.pvno', v, f); }
      else if (tag === 1) { const v = intOf(k, f); if (v !== null) add(k, 'kerberos.msg_type', v, f); }
      else if (tag === 2) bits(k, 'kerberos.ap_options', f);
      else if (tag === 3) ticket(k, f);
      else if (tag === 4) encrypted(k, f);
    } else if (type === 15) {
      if (tag === 0) { const v = intOf(k, f); if (v !== null) add(k, 'kerberos.pvno', v, f); }
      else if (tag === 1) { const v = intOf(k, f); if (v !== null) add(k, 'kerberos.msg_type', v, f); }
      else if (tag === 2) encrypted(k, f);
    } else if (type === 30) {
      switch (tag) {
        case 0: { const v = intOf(k, f); if (v !== null) add(k, 'kerberos.pvno', v, f); break; }
        case 1: { const v = intOf(k, f); if (v !== null) add(k, 'kerberos.msg_type', v, f); break; }
        case 2: case 4: { const tm = time(k, f); if (tm) add(k, tag === 2 ? 'kerberos.ctime' : 'kerberos.stime', tm[0], tm[1]); break; }
        case 3: case 5: { const v = intOf(k, f); if (v !== null) add(k, tag === 3 ? 'kerberos.cusec' : 'kerberos.susec', v, f); break; }
        case 6: { const v = intOf(k, f); if (v !== null) { errorCode = v; add(k, 'kerberos.error_code', v, f); } break; }
        case 7: { const s = strOf(k, f); if (s) add(k, 'kerberos.crealm', s[0], s[1]); break; }
        case 8: principal(k, f, 'c'); break;
        case 9: { const s = strOf(k, f); if (s) add(k, 'kerberos.realm', s[0], s[1]); break; }
        case 10: principal(k, f, 's'); break;
        case 11: { const s = strOf(k, f); if (s) add(k, 'kerberos.e_text', s[0], s[1]); break; }
        case 12: {
          const x = inner(k, f);
          if (!x) break;
          k.ctx.add(k.l, 'kerberos.e_data', d.subarray(x.value, x.end), x.value, x.len);
          // e-data of a pre-authentication error is METHOD-DATA: the PA-DATA the client may use
          const m = readTlv(d, x.value, x.end);
          if (!isBerError(m) && m.cls === UNIVERSAL && m.tag === T_SEQUENCE && m.end === x.end) paList(k, m);
          break;
        }
      }
    }
  }
  if (type === 30) info = `KRB Error: ${ERRORS[errorCode] ?? `Unknown (${errorCode})`}`;
  if (k.depth === 0) k.info = info;
  return true;
}

export function dissectKerberos(ctx: Ctx, _st: State, off: number, end: number): void {
  return krb(ctx, off, end);
}

/** udp/88: only a known message's [APPLICATION n] tag is Kerberos (tshark's check), else data. */
/** The [APPLICATION n] tags packet-kerberos.c takes as a Kerberos message (Ticket … KRB-ERROR). */
const KRB_TAGS = new Set([1, 2, 3, 10, 11, 12, 13, 14, 15, 20, 21, 25, 26, 27, 28, 29, 30]);

/**
 * packet-kerberos.c dissect_kerberos_common without a record mark (UDP): a
 * payload whose BER identifier is no application tag of a Kerberos message
 * is not Kerberos (constructed or not), and the other port is tried.
 */
function kerberosUdpAccepts(d: Uint8Array, off: number, end: number): boolean {
  if (off >= end || (d[off] & 0xc0) !== 0x40) return false;
  let tag = d[off] & 0x1f;
  if (tag === 0x1f) {
    // the high tag number form: base 128, as get_ber_identifier reads it
    tag = 0;
    for (let i = off + 1; i < end && i < off + 5; i++) {
      tag = tag * 128 + (d[i] & 0x7f);
      if ((d[i] & 0x80) === 0) break;
    }
  }
  return KRB_TAGS.has(tag);
}

function dissectKerberosUdp(ctx: Ctx, _st: State, off: number, end: number): void {
  const b = off < end ? ctx.d[off] : 0;
  // (the messages we decode; tshark's other ones, a bare Ticket, stay data here)
  if ((b & 0xe0) !== 0x60 || ELEMENT[b & 0x1f] === undefined) { dissectData(ctx, off, end); return; }
  krb(ctx, off, end);
}

function krb(ctx: Ctx, off: number, end: number): void {
  const l = ctx.layer('kerberos', off, end - off);
  const k: K = { ctx, l, d: ctx.d, depth: 0, info: '' };
  ctx.protocol = 'KRB5';
  message(k, off, end);
  ctx.info = k.info;
  if (k.depth > MAX_DEPTH) ctx.malformedAt('kerberos', 'nesting too deep', off, end - off);
}

/** A GSS-API krb5 token's inner part (after the OID): the 2-byte token id, then the message. */
function dissectKrb5Token(ctx: Ctx, st: State, off: number, end: number): void {
  if (end - off < 2) return;
  const l = ctx.layer('spnego-krb5', off, end - off);
  ctx.add(l, 'spnego.krb5.tok_id', u16(ctx.d, off), off, 2);
  const saved = { p: ctx.protocol, i: ctx.info };
  dissectKerberos(ctx, st, off + 2, end);
  // inside SMB/HTTP the carrier names the columns
  ctx.protocol = saved.p; ctx.info = saved.i;
}

/** RFC 4120 §7.2.2: a record mark (high bit reserved) with the message length. */
const rule = { hdrLen: 4, length: (h: Uint8Array, o: number): number => { const n = u32(h, o) & 0x7fffffff; return n > (1 << 20) ? -1 : 4 + n; } };
function tcpPdu(ctx: Ctx, st: State, _s: unknown, off: number, kept: number): void {
  const l = ctx.layer('kerberos', off, kept);
  ctx.add(l, 'kerberos.rm.reserved', (ctx.d[off] & 0x80) !== 0, off, 4);
  ctx.add(l, 'kerberos.rm.length', u32(ctx.d, off) & 0x7fffffff, off, 4);
  const k: K = { ctx, l, d: ctx.d, depth: 0, info: '' };
  ctx.protocol = 'KRB5';
  message(k, off + 4, off + kept);
  ctx.info = k.info;
}
function unknown(ctx: Ctx, off: number, end: number): void {
  ctx.layer('kerberos', off, end - off);
  ctx.setSummary('KRB5', 'Continuation');
}

UDP_PORT.add([88], dissectKerberosUdp, { accepts: kerberosUdpAccepts });
TCP_PORT.add([88], () => new PduApp(rule, tcpPdu, unknown));
GSSAPI_OID.add(OID_KRB5, dissectKrb5Token);
