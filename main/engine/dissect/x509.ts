// X.509 certificates (RFC 5280) in TLS ≤ 1.2 Certificate messages: version,
// serial number, signature and key algorithms, issuer and subject names
// (country and directory strings), validity, extension ids and the
// subjectAltName dNSNames — what reviews read to spot self-signed, expired
// or look-alike certificates. Field names are tshark 4.0's (x509af, x509sat,
// x509ce), added under the certificate's field; tshark's per-attribute
// sub-layers (x509sat:x509ce:... in frame.protocols) are not reproduced.
import type { Ctx, FieldNode } from './context';
import { declare } from './fields';
import * as tables from './tables';
import { readTlv, isBerError, childrenOf, int, oid, str, UNIVERSAL, CONTEXT, T_SEQUENCE, T_SET, T_OID, T_UTC_TIME, T_PRINTABLE, T_UTF8, T_T61, T_UNIVERSAL_STRING, type Tlv } from './ber';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TLS_CERTIFICATE } = tables;

declare('x509af', 'X.509 Authentication Framework', [
  ['x509af.version', 'int', 'version', { valueNames: { 0: 'v1', 1: 'v2', 2: 'v3' } }],
  ['x509af.serialNumber', 'bytes', 'serialNumber'],
  ['x509af.algorithm.id', 'string', 'Algorithm Id'],
  ['x509af.utcTime', 'string', 'utcTime'],
  ['x509af.subjectPublicKey', 'bytes', 'subjectPublicKey'],
  ['x509af.extension.id', 'string', 'Extension Id'],
]);
declare('x509sat', 'X.509 Selected Attribute Types', [
  ['x509sat.CountryName', 'string', 'CountryName'],
  ['x509sat.printableString', 'string', 'printableString'],
  ['x509sat.uTF8String', 'string', 'uTF8String'],
  ['x509sat.teletexString', 'string', 'teletexString'],
  ['x509sat.universalString', 'string', 'universalString'],
]);
declare('x509ce', 'X.509 Certificate Extensions', [
  ['x509ce.dNSName', 'string', 'dNSName'],
]);

/** Attributes whose value is a DirectoryString (X.520): the string type names the field. */
const DIRECTORY_STRING = new Set(['2.5.4.3', '2.5.4.7', '2.5.4.8', '2.5.4.9', '2.5.4.10', '2.5.4.11', '2.5.4.12', '2.5.4.4', '2.5.4.42', '2.5.4.43', '2.5.4.44', '2.5.4.65', '2.5.4.15', '2.5.4.17']);
const STRING_FIELD: Record<number, string> = { [T_PRINTABLE]: 'x509sat.printableString', [T_UTF8]: 'x509sat.uTF8String', [T_T61]: 'x509sat.teletexString', [T_UNIVERSAL_STRING]: 'x509sat.universalString' };

interface X { ctx: Ctx; p: FieldNode; d: Uint8Array }
function kids(x: X, t: Tlv, max = 256): Tlv[] {
  const r = childrenOf(x.d, t.value, t.end, max);
  if (r.error) x.ctx.malformedAt('x509af', r.error.error, r.error.at, t.end - r.error.at);
  return r.items;
}
const put = (x: X, name: string, v: string | number | Uint8Array, t: Tlv): void => { x.ctx.sub(x.p, name, v, t.start, t.end - t.start); };

function algorithm(x: X, t: Tlv | undefined): void {
  const id = t && t.tag === T_SEQUENCE ? kids(x, t, 4)[0] : undefined;
  if (id && id.tag === T_OID) put(x, 'x509af.algorithm.id', oid(x.d, id) ?? '', id);
}

function name(x: X, t: Tlv | undefined): void {
  if (!t || t.tag !== T_SEQUENCE) return;
  for (const rdn of kids(x, t)) {
    if (rdn.tag !== T_SET) continue;
    for (const atv of kids(x, rdn, 16)) {
      const [type, value] = kids(x, atv, 2);
      if (!type || !value || type.tag !== T_OID) continue;
      const id = oid(x.d, type) ?? '';
      if (id === '2.5.4.6') put(x, 'x509sat.CountryName', str(x.d, value), value);
      else if (DIRECTORY_STRING.has(id) && STRING_FIELD[value.tag] && value.cls === UNIVERSAL) put(x, STRING_FIELD[value.tag], str(x.d, value), value);
    }
  }
}

/** "YYMMDDHHMMSSZ" as tshark shows a UTCTime: "20YY-MM-DD HH:MM:SS (UTC)" */
function utc(x: X, t: Tlv): void {
  const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(str(x.d, t));
  if (!m) return;
  const year = Number(m[1]) < 50 ? `20${m[1]}` : `19${m[1]}`;
  put(x, 'x509af.utcTime', `${year}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]} (UTC)`, t);
}

function extensions(x: X, t: Tlv): void {
  const seq = readTlv(x.d, t.value, t.end);
  if (isBerError(seq) || seq.tag !== T_SEQUENCE) return;
  for (const ext of kids(x, seq)) {
    const items = kids(x, ext, 3);
    const id = items[0] && items[0].tag === T_OID ? oid(x.d, items[0]) ?? '' : '';
    if (items[0]) put(x, 'x509af.extension.id', id, items[0]);
    const value = items[items.length - 1];
    if (id !== '2.5.29.17' || !value) continue;
    // subjectAltName: GeneralNames, dNSName is [2] IA5String
    const names = readTlv(x.d, value.value, value.end);
    if (isBerError(names) || names.tag !== T_SEQUENCE) continue;
    for (const gn of kids(x, names)) if (gn.cls === CONTEXT && gn.tag === 2) put(x, 'x509ce.dNSName', str(x.d, gn), gn);
  }
}

/** One DER certificate at [off, end) of ctx.d. */
export function dissectCertificate(ctx: Ctx, parent: FieldNode, off: number, end: number): void {
  const x: X = { ctx, p: parent, d: ctx.d };
  const cert = readTlv(x.d, off, end);
  if (isBerError(cert) || cert.tag !== T_SEQUENCE) { ctx.malformedAt('x509af', isBerError(cert) ? cert.error : 'certificate SEQUENCE expected', off, end - off); return; }
  const [tbs, sigAlg] = kids(x, cert, 3);
  if (!tbs || tbs.tag !== T_SEQUENCE) return;
  const f = kids(x, tbs, 16);
  let i = 0;
  if (f[0] && f[0].cls === CONTEXT && f[0].tag === 0) {
    const v = readTlv(x.d, f[0].value, f[0].end);
    if (!isBerError(v)) put(x, 'x509af.version', int(x.d, v) ?? 0, v);
    i = 1;
  }
  const [serial, sig, issuer, validity, subject, spki] = f.slice(i, i + 6);
  if (serial) put(x, 'x509af.serialNumber', x.d.subarray(serial.value, serial.end), serial);
  algorithm(x, sig);
  name(x, issuer);
  if (validity && validity.tag === T_SEQUENCE) for (const t of kids(x, validity, 2)) if (t.tag === T_UTC_TIME) utc(x, t);
  name(x, subject);
  if (spki && spki.tag === T_SEQUENCE) {
    const [alg, key] = kids(x, spki, 2);
    algorithm(x, alg);
    if (key && key.len > 1) x.ctx.sub(x.p, 'x509af.subjectPublicKey', x.d.subarray(key.value + 1, key.end), key.value + 1, key.len - 1);
  }
  for (const t of f.slice(i + 6)) if (t.cls === CONTEXT && t.tag === 3) extensions(x, t);
  algorithm(x, sigAlg);
}

TLS_CERTIFICATE.dissect = dissectCertificate;
