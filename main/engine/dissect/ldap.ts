// LDAP v3 (RFC 4511) on tcp/389 and 3268 (one BER LDAPMessage after
// another, framed by the shared PduApp from each message's BER length) and
// CLDAP on udp/389: binds with their DN and simple or SASL authentication,
// searches with base, scope and filter, entries, adds, modifies, deletes,
// extended operations, and every result code. Fields and Info as tshark
// 4.0's packet-ldap.c (the "[N results]" of a search's done message counted
// per connection, bounded).
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare } from './fields';
import * as tables from './tables';
import { dissectData } from './data';
import { readTlv, isBerError, childrenOf, int, utf8, UNIVERSAL, CONTEXT, APPLICATION, T_SEQUENCE, T_BOOLEAN, MAX_DEPTH, type Tlv } from './ber';
import { PduApp } from './pdu';
import { convKey, Bounded } from './conv';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT, UDP_PORT } = tables;

const OPS = ['bindRequest', 'bindResponse', 'unbindRequest', 'searchRequest', 'searchResEntry', 'searchResDone', 'modifyRequest', 'modifyResponse',
  'addRequest', 'addResponse', 'delRequest', 'delResponse', 'modDNRequest', 'modDNResponse', 'compareRequest', 'compareResponse', 'abandonRequest',
  'extendedReq_17', 'extendedReq_18', 'searchResRef', 'extendedReq_20', 'extendedReq_21', 'extendedReq_22', 'extendedReq', 'extendedResp', 'intermediateResponse'];
const RESULTS: Record<number, string> = {
  0: 'success', 1: 'operationsError', 2: 'protocolError', 3: 'timeLimitExceeded', 4: 'sizeLimitExceeded', 5: 'compareFalse', 6: 'compareTrue',
  7: 'authMethodNotSupported', 8: 'strongerAuthRequired', 10: 'referral', 11: 'adminLimitExceeded', 12: 'unavailableCriticalExtension',
  13: 'confidentialityRequired', 14: 'saslBindInProgress', 16: 'noSuchAttribute', 17: 'undefinedAttributeType', 18: 'inappropriateMatching',
  19: 'constraintViolation', 20: 'attributeOrValueExists', 21: 'invalidAttributeSyntax', 32: 'noSuchObject', 33: 'aliasProblem',
  34: 'invalidDNSyntax', 36: 'aliasDereferencingProblem', 48: 'inappropriateAuthentication', 49: 'invalidCredentials',
  50: 'insufficientAccessRights', 51: 'busy', 52: 'unavailable', 53: 'unwillingToPerform', 54: 'loopDetect', 64: 'namingViolation',
  65: 'objectClassViolation', 66: 'notAllowedOnNonLeaf', 67: 'notAllowedOnRDN', 68: 'entryAlreadyExists', 69: 'objectClassModsProhibited',
  71: 'affectsMultipleDSAs', 80: 'other',
};
const SCOPES: Record<number, string> = { 0: 'baseObject', 1: 'singleLevel', 2: 'wholeSubtree' };
const DEREF: Record<number, string> = { 0: 'neverDerefAliases', 1: 'derefInSearching', 2: 'derefFindingBaseObj', 3: 'derefAlways' };
const FILTERS: Record<number, string> = { 0: 'and', 1: 'or', 2: 'not', 3: 'equalityMatch', 4: 'substrings', 5: 'greaterOrEqual', 6: 'lessOrEqual', 7: 'present', 8: 'approxMatch', 9: 'extensibleMatch' };

declare('ldap', 'Lightweight Directory Access Protocol', [
  ['ldap.LDAPMessage_element', 'none', 'LDAPMessage'],
  ['ldap.messageID', 'uint', 'messageID'],
  ['ldap.protocolOp', 'uint', 'protocolOp', { valueNames: Object.fromEntries(OPS.map((n, i) => [i, n])) }],
  ['ldap.bindRequest_element', 'none', 'bindRequest'],
  ['ldap.searchRequest_element', 'none', 'searchRequest'],
  ['ldap.unbindRequest_element', 'none', 'unbindRequest'],
  ['ldap.version', 'uint', 'version'],
  ['ldap.name', 'string', 'name'],
  ['ldap.authentication', 'uint', 'authentication', { valueNames: { 0: 'simple', 3: 'sasl', 9: 'ntlmsspNegotiate', 10: 'ntlmsspAuth' } }],
  ['ldap.simple', 'string', 'simple'],
  ['ldap.mechanism', 'string', 'mechanism'],
  ['ldap.credentials', 'bytes', 'credentials'],
  ['ldap.serverSaslCreds', 'bytes', 'serverSaslCreds'],
  ['ldap.resultCode', 'uint', 'resultCode', { valueNames: RESULTS }],
  ['ldap.matchedDN', 'string', 'matchedDN'],
  ['ldap.errorMessage', 'string', 'errorMessage'],
  ['ldap.baseObject', 'string', 'baseObject'],
  ['ldap.scope', 'uint', 'scope', { valueNames: SCOPES }],
  ['ldap.derefAliases', 'uint', 'derefAliases', { valueNames: DEREF }],
  ['ldap.sizeLimit', 'uint', 'sizeLimit'],
  ['ldap.timeLimit', 'uint', 'timeLimit'],
  ['ldap.typesOnly', 'bool', 'typesOnly'],
  ['ldap.filter', 'uint', 'filter', { valueNames: FILTERS }],
  ['ldap.and', 'uint', 'and'],
  ['ldap.or', 'uint', 'or'],
  ['ldap.attributeDesc', 'string', 'attributeDesc'],
  ['ldap.assertionValue', 'string', 'assertionValue'],
  ['ldap.present', 'string', 'present'],
  ['ldap.initial', 'string', 'initial'],
  ['ldap.any', 'string', 'any'],
  ['ldap.final', 'string', 'final'],
  ['ldap.attributes', 'uint', 'attributes'],
  ['ldap.AttributeDescription', 'string', 'AttributeDescription'],
  ['ldap.objectName', 'string', 'objectName'],
  ['ldap.entry', 'string', 'entry'],
  ['ldap.object', 'string', 'object'],
  ['ldap.newrdn', 'string', 'newrdn'],
  ['ldap.type', 'string', 'type'],
  ['ldap.vals', 'uint', 'vals'],
  ['ldap.AttributeValue', 'bytes', 'AttributeValue'],
  ['ldap.requestName', 'string', 'requestName'],
  ['ldap.responseName', 'string', 'responseName'],
  ['ldap.response', 'bytes', 'response'],
  ['ldap.controls', 'uint', 'controls'],
  ['ldap.controlType', 'string', 'controlType'],
]);
declare('cldap', 'Connectionless Lightweight Directory Access Protocol', []);

interface L { ctx: Ctx; l: FieldNode; d: Uint8Array; proto: string }

function kids(x: L, t: Tlv, max = 1024): Tlv[] {
  const r = childrenOf(x.d, t.value, t.end, max);
  if (r.error) x.ctx.malformedAt(x.proto, r.error.error, r.error.at, t.end - r.error.at);
  return r.items;
}
const text = (x: L, t: Tlv): string => utf8(x.d, t.value, t.end);
const span = (x: L, name: string, v: string | number | boolean | Uint8Array | null, t: Tlv): void => { x.ctx.add(x.l, name, v, t.start, t.end - t.start); };
/** an OID as tshark shows a resolved one whose first arc alone is named */
const oidText = (s: string): string => s.replace(/^0\./, 'itu-t.').replace(/^1\./, 'iso.').replace(/^2\./, 'joint-iso-itu-t.');

/** searchResEntry counts per connection and message id, for the done message's "[N results]" */
const counts = new WeakMap<State, Bounded<string, number>>();

function result(x: L, items: Tlv[]): string {
  let code = -1;
  if (items[0]) { code = int(x.d, items[0]) ?? -1; span(x, 'ldap.resultCode', code, items[0]); }
  if (items[1]) span(x, 'ldap.matchedDN', text(x, items[1]), items[1]);
  if (items[2]) span(x, 'ldap.errorMessage', text(x, items[2]), items[2]);
  return RESULTS[code] ?? `Unknown (${code})`;
}

function attributes(x: L, t: Tlv): void {
  const list = kids(x, t);
  span(x, 'ldap.attributes', list.length, t);
  for (const a of list) {
    const [type, vals] = kids(x, a, 2);
    if (type) span(x, 'ldap.type', text(x, type), type);
    if (vals) {
      const vs = kids(x, vals);
      span(x, 'ldap.vals', vs.length, vals);
      for (const v of vs) x.ctx.add(x.l, 'ldap.AttributeValue', x.d.subarray(v.value, v.end), v.value, v.len);
    }
  }
}

function filter(x: L, t: Tlv, depth: number): void {
  if (depth > MAX_DEPTH) { x.ctx.malformedAt(x.proto, 'search filter nested too deep', t.start, t.end - t.start); return; }
  if (t.cls !== CONTEXT) return;
  switch (t.tag) {
    case 0: case 1: {
      const subs = kids(x, t);
      span(x, t.tag === 0 ? 'ldap.and' : 'ldap.or', subs.length, t);
      for (const s of subs) filter(x, s, depth + 1);
      break;
    }
    case 2: { const s = readTlv(x.d, t.value, t.end); if (!isBerError(s)) filter(x, s, depth + 1); break; }
    case 3: case 5: case 6: case 8: {
      const [a, v] = kids(x, t, 2);
      if (a) span(x, 'ldap.attributeDesc', text(x, a), a);
      if (v) span(x, 'ldap.assertionValue', text(x, v), v);
      break;
    }
    case 4: {
      const [type, subs] = kids(x, t, 2);
      if (type) span(x, 'ldap.type', text(x, type), type);
      if (subs) for (const s of kids(x, subs)) if (s.cls === CONTEXT && s.tag <= 2) span(x, ['ldap.initial', 'ldap.any', 'ldap.final'][s.tag], text(x, s), s);
      break;
    }
    case 7: span(x, 'ldap.present', text(x, t), t); break;
  }
}

/** One LDAPMessage at [off, end): its Info text, or null when it is not one. */
function message(x: L, st: State, off: number, end: number): string | null {
  const { d, ctx } = x;
  const m = readTlv(d, off, end);
  if (isBerError(m)) { ctx.malformedAt(x.proto, m.error, m.at, end - m.at); return null; }
  if (m.cls !== UNIVERSAL || m.tag !== T_SEQUENCE) { ctx.malformedAt(x.proto, 'LDAPMessage SEQUENCE expected', off, end - off); return null; }
  span(x, 'ldap.LDAPMessage_element', null, m);
  const [idT, op, ...rest] = kids(x, m, 8);
  if (!idT || !op) { ctx.malformedAt(x.proto, 'LDAPMessage without its operation', off, m.end - off); return null; }
  const id = int(d, idT) ?? 0;
  span(x, 'ldap.messageID', id, idT);
  if (op.cls !== APPLICATION) { ctx.malformedAt(x.proto, 'protocolOp is not an application tag', op.start, op.end - op.start); return null; }
  const n = op.tag;
  const name = OPS[n] ?? `unknown(${n})`;
  span(x, 'ldap.protocolOp', n, op);
  let info = `${name}(${id}) `;
  const items = op.constructed ? kids(x, op, 4096) : [];
  const key = `${convKey(ctx)}|${id}`;
  switch (n) {
    case 0: {
      span(x, 'ldap.bindRequest_element', null, op);
      const [ver, dn, auth] = items;
      if (ver) span(x, 'ldap.version', int(d, ver) ?? 0, ver);
      if (dn) { const s = text(x, dn); span(x, 'ldap.name', s, dn); info += `"${s || '<ROOT>'}" `; }
      if (auth && auth.cls === CONTEXT) {
        span(x, 'ldap.authentication', auth.tag, auth);
        if (auth.tag === 0) { span(x, 'ldap.simple', text(x, auth), auth); info += 'simple '; }
        else if (auth.tag === 3) {
          const [mech, cred] = kids(x, auth, 2);
          if (mech) { const s = text(x, mech); span(x, 'ldap.mechanism', s, mech); info += `sasl ${s} `; }
          if (cred) x.ctx.add(x.l, 'ldap.credentials', d.subarray(cred.value, cred.end), cred.value, cred.len);
        }
      }
      break;
    }
    case 1: case 5: case 7: case 9: case 11: case 13: case 15: case 24: {
      info += result(x, items) + ' ';
      if (n === 1) for (const it of items) if (it.cls === CONTEXT && it.tag === 7) x.ctx.add(x.l, 'ldap.serverSaslCreds', d.subarray(it.value, it.end), it.value, it.len);
      if (n === 24) {
        info = `${name}(${id}) `;
        for (const it of items) {
          if (it.cls === CONTEXT && it.tag === 10) span(x, 'ldap.responseName', text(x, it), it);
          else if (it.cls === CONTEXT && it.tag === 11) x.ctx.add(x.l, 'ldap.response', d.subarray(it.value, it.end), it.value, it.len);
        }
      }
      if (n === 5) {
        const m2 = counts.get(st);
        const c = m2?.get(key) ?? 0;
        m2?.delete(key);
        info += ` [${c} result${c === 1 ? '' : 's'}]`;
      }
      break;
    }
    case 2: span(x, 'ldap.unbindRequest_element', null, op); break;
    case 3: {
      span(x, 'ldap.searchRequest_element', null, op);
      const [base, scope, deref, size, time, types, f, attrs] = items;
      if (base) { const s = text(x, base); span(x, 'ldap.baseObject', s, base); info += `"${s || '<ROOT>'}" `; }
      if (scope) { const v = int(d, scope) ?? 0; span(x, 'ldap.scope', v, scope); info += `${SCOPES[v] ?? v} `; }
      if (deref) span(x, 'ldap.derefAliases', int(d, deref) ?? 0, deref);
      if (size) span(x, 'ldap.sizeLimit', int(d, size) ?? 0, size);
      if (time) span(x, 'ldap.timeLimit', int(d, time) ?? 0, time);
      if (types && types.tag === T_BOOLEAN) span(x, 'ldap.typesOnly', types.len > 0 && d[types.value] !== 0, types);
      if (f) { span(x, 'ldap.filter', f.tag, f); filter(x, f, 0); }
      if (attrs) {
        const list = kids(x, attrs);
        span(x, 'ldap.attributes', list.length, attrs);
        for (const a of list) span(x, 'ldap.AttributeDescription', text(x, a), a);
      }
      break;
    }
    case 4: {
      const [dn, attrs] = items;
      if (dn) { const s = text(x, dn); span(x, 'ldap.objectName', s, dn); info += `"${s}" `; }
      if (attrs) attributes(x, attrs);
      let m2 = counts.get(st);
      if (!m2) { m2 = new Bounded(4096); counts.set(st, m2); }
      m2.set(key, (m2.get(key) ?? 0) + 1);
      break;
    }
    case 6: { const [obj] = items; if (obj) { const s = text(x, obj); span(x, 'ldap.object', s, obj); info += `"${s}" `; } break; }
    case 8: { const [dn, attrs] = items; if (dn) { const s = text(x, dn); span(x, 'ldap.entry', s, dn); info += `"${s}" `; } if (attrs) attributes(x, attrs); break; }
    case 10: { const s = text(x, op); span(x, 'ldap.name', s, op); info += `"${s}" `; break; }
    case 12: case 14: { const [dn, rdn] = items; if (dn) { const s = text(x, dn); span(x, 'ldap.entry', s, dn); info += `"${s}" `; } if (n === 12 && rdn) span(x, 'ldap.newrdn', text(x, rdn), rdn); break; }
    case 23: {
      for (const it of items) if (it.cls === CONTEXT && it.tag === 0) {
        const s = text(x, it);
        span(x, 'ldap.requestName', s, it);
        info += `${oidText(s)} `;
      }
      break;
    }
  }
  for (const c of rest) {
    if (c.cls !== CONTEXT || c.tag !== 0) continue;
    const list = kids(x, c);
    span(x, 'ldap.controls', list.length, c);
    for (const ctl of list) { const [type] = kids(x, ctl, 3); if (type) span(x, 'ldap.controlType', text(x, type), type); }
  }
  return info;
}

function dissectMessages(ctx: Ctx, st: State, off: number, end: number, proto: 'ldap' | 'cldap'): void {
  const l = ctx.layer('ldap', off, end - off);
  const x: L = { ctx, l, d: ctx.d, proto: 'ldap' };
  ctx.protocol = proto === 'cldap' ? 'CLDAP' : 'LDAP';
  const info = message(x, st, off, end);
  if (info !== null) ctx.info = info;
}

/** One LDAPMessage's length from its first bytes: a SEQUENCE tag, then a short or long (≤ 4-byte) BER length. */
const rule = {
  hdrLen: 6,
  length: (h: Uint8Array, o: number): number => {
    if (h[o] !== 0x30) return -1;
    const b = h[o + 1];
    if (b < 0x80) return 2 + b;
    const n = b & 0x7f;
    if (n === 0 || n > 4) return -1;
    let len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + h[o + 2 + i];
    return len > 64 << 20 ? -1 : 2 + n + len;
  },
};

/** Messages of one TCP PDU run: several in one segment show as one layer each, Info joined with " | ". */
const infos = new WeakMap<Ctx, { frame: number; parts: string[] }>();
function tcpPdu(ctx: Ctx, st: State, _s: unknown, off: number, kept: number): void {
  const before = ctx.protocols.length;
  dissectMessages(ctx, st, off, off + kept, 'ldap');
  let acc = infos.get(ctx);
  if (!acc || acc.frame !== ctx.pkt.number) { acc = { frame: ctx.pkt.number, parts: [] }; infos.set(ctx, acc); }
  if (ctx.protocols.length > before) acc.parts.push(typeof ctx.info === 'string' ? ctx.info : ctx.info());
  if (acc.parts.length > 1) ctx.info = acc.parts.join(' | ');
}
function unknown(ctx: Ctx, off: number, end: number): void {
  ctx.layer('ldap', off, end - off);
  ctx.setSummary('LDAP', 'Continuation');
}

TCP_PORT.add([389, 3268], () => new PduApp(rule, tcpPdu, unknown));
UDP_PORT.add([389], (ctx, st, off, end) => {
  if (end - off < 2 || ctx.d[off] !== 0x30) { dissectData(ctx, off, end); return; }
  ctx.layer('cldap', off, end - off);
  dissectMessages(ctx, st, off, end, 'cldap');
});
