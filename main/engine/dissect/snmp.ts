// SNMP (RFC 1157 v1, RFC 3416 v2c, RFC 3412/3414 v3 with USM) on udp/161
// and 162: the version, the community (a password sent in clear), the
// PDU type, request id, error status and index, and every variable
// binding's OID and value; for v3 the engine, user, security flags and,
// when not encrypted, the scoped PDU. Fields and Info as tshark 4.0's
// packet-snmp.c. Nothing is decrypted (no user keys).
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare } from './fields';
import * as tables from './tables';
import { dissectData } from './data';
import { readTlv, isBerError, childrenOf, int, oid, bigUint, str, UNIVERSAL, CONTEXT, APPLICATION, T_SEQUENCE, T_INTEGER, T_OCTET_STRING, T_NULL, T_OID, type Tlv } from './ber';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { UDP_PORT } = tables;

const PDUS = ['get-request', 'get-next-request', 'get-response', 'set-request', 'trap', 'getBulkRequest', 'informRequest', 'snmpV2-trap', 'report'];
const PDU_ELEMENTS = ['get_request', 'get_next_request', 'get_response', 'set_request', 'trap', 'getBulkRequest', 'informRequest', 'snmpV2_trap', 'report'];
const ERRORS: Record<number, string> = {
  0: 'noError', 1: 'tooBig', 2: 'noSuchName', 3: 'badValue', 4: 'readOnly', 5: 'genErr', 6: 'noAccess', 7: 'wrongType', 8: 'wrongLength',
  9: 'wrongEncoding', 10: 'wrongValue', 11: 'noCreation', 12: 'inconsistentValue', 13: 'resourceUnavailable', 14: 'commitFailed',
  15: 'undoFailed', 16: 'authorizationError', 17: 'notWritable', 18: 'inconsistentName',
};
const VERSIONS: Record<number, string> = { 0: 'version-1', 1: 'v2c', 2: 'v2u', 3: 'snmpv3' };

declare('snmp', 'Simple Network Management Protocol', [
  ['snmp.version', 'int', 'version', { valueNames: VERSIONS }],
  ['snmp.community', 'string', 'community'],
  ['snmp.data', 'uint', 'data', { valueNames: Object.fromEntries(PDUS.map((n, i) => [i, n])) }],
  ...PDU_ELEMENTS.map((e, i): [string, 'none', string] => [`snmp.${e}_element`, 'none', PDUS[i]]),
  ['snmp.request_id', 'int', 'request-id'],
  ['snmp.error_status', 'int', 'error-status', { valueNames: ERRORS }],
  ['snmp.error_index', 'int', 'error-index'],
  ['snmp.non_repeaters', 'uint', 'non-repeaters'],
  ['snmp.max_repetitions', 'uint', 'max-repetitions'],
  ['snmp.variable_bindings', 'uint', 'variable-bindings'],
  ['snmp.name', 'string', 'Object Name'],
  ['snmp.value.int', 'int', 'Value (Integer32)'],
  ['snmp.value.octets', 'bytes', 'Value (OctetString)'],
  ['snmp.var-bind_str', 'string', 'Variable-binding-string'],
  ['snmp.value.oid', 'string', 'Value (OID)'],
  ['snmp.value.null', 'none', 'Value (Null)'],
  ['snmp.value.ipv4', 'ipv4', 'Value (IpAddress)'],
  ['snmp.value.counter', 'uint', 'Value (Counter32)'],
  ['snmp.value.g32', 'int', 'Value (Gauge32)'],
  ['snmp.value.timeticks', 'uint', 'Value (Timeticks)'],
  ['snmp.value.opaque', 'bytes', 'Value (Opaque)'],
  ['snmp.value.counter64', 'uint', 'Value (Counter64)'],
  ['snmp.noSuchObject', 'none', 'noSuchObject'],
  ['snmp.noSuchInstance', 'none', 'noSuchInstance'],
  ['snmp.endOfMibView', 'none', 'endOfMibView'],
  ['snmp.enterprise', 'string', 'enterprise'],
  ['snmp.agent_addr', 'ipv4', 'agent-addr'],
  ['snmp.generic_trap', 'int', 'generic-trap'],
  ['snmp.specific_trap', 'int', 'specific-trap'],
  ['snmp.time_stamp', 'uint', 'time-stamp'],
  ['snmp.msgVersion', 'int', 'msgVersion', { valueNames: VERSIONS }],
  ['snmp.msgGlobalData_element', 'none', 'msgGlobalData'],
  ['snmp.msgID', 'uint', 'msgID'],
  ['snmp.msgMaxSize', 'uint', 'msgMaxSize'],
  ['snmp.msgFlags', 'bytes', 'msgFlags'],
  ['snmp.v3.flags.report', 'bool', 'Reportable'],
  ['snmp.v3.flags.crypt', 'bool', 'Encrypted'],
  ['snmp.v3.flags.auth', 'bool', 'Authenticated'],
  ['snmp.msgSecurityModel', 'uint', 'msgSecurityModel', { valueNames: { 3: 'USM' } }],
  ['snmp.msgAuthoritativeEngineID', 'bytes', 'msgAuthoritativeEngineID'],
  ['snmp.msgAuthoritativeEngineBoots', 'uint', 'msgAuthoritativeEngineBoots'],
  ['snmp.msgAuthoritativeEngineTime', 'uint', 'msgAuthoritativeEngineTime'],
  ['snmp.msgUserName', 'string', 'msgUserName'],
  ['snmp.msgAuthenticationParameters', 'bytes', 'msgAuthenticationParameters'],
  ['snmp.msgPrivacyParameters', 'bytes', 'msgPrivacyParameters'],
  ['snmp.msgData', 'uint', 'msgData', { valueNames: { 0: 'plaintext', 1: 'encryptedPDU' } }],
  ['snmp.plaintext_element', 'none', 'plaintext'],
  ['snmp.encryptedPDU', 'bytes', 'encryptedPDU'],
  ['snmp.contextEngineID', 'bytes', 'contextEngineID'],
  ['snmp.contextName', 'string', 'contextName'],
]);

interface S { ctx: Ctx; l: FieldNode; d: Uint8Array }
function kids(x: S, t: Tlv, max = 4096): Tlv[] {
  const r = childrenOf(x.d, t.value, t.end, max);
  if (r.error) x.ctx.malformedAt('snmp', r.error.error, r.error.at, t.end - r.error.at);
  return r.items;
}
const span = (x: S, name: string, v: string | number | boolean | Uint8Array | null, t: Tlv): void => { x.ctx.add(x.l, name, v, t.start, t.end - t.start); };
const bytes = (x: S, name: string, t: Tlv): void => { x.ctx.add(x.l, name, x.d.subarray(t.value, t.end), t.start, t.end - t.start); };
const printable = (d: Uint8Array, t: Tlv): boolean => {
  for (let i = t.value; i < t.end; i++) { const c = d[i]; if ((c < 0x20 || c > 0x7e) && c !== 9 && c !== 10 && c !== 13) return false; }
  return true;
};

/** One variable binding's value, by its tag. */
function value(x: S, v: Tlv, strings: boolean): void {
  const d = x.d;
  if (v.cls === UNIVERSAL) {
    switch (v.tag) {
      case T_INTEGER: span(x, 'snmp.value.int', int(d, v) ?? 0, v); return;
      case T_OCTET_STRING:
        bytes(x, 'snmp.value.octets', v);
        // tshark shows a printable string value of a successful response once more: packet-snmp.c
        // calls itself for it, which counts in frame.protocols but adds no protocol item
        if (strings && v.len > 0 && printable(d, v)) {
          x.ctx.protocols.push('snmp');
          x.ctx.add(x.l, 'snmp.var-bind_str', str(d, v), v.value, v.len);
        }
        return;
      case T_NULL: span(x, 'snmp.value.null', null, v); return;
      case T_OID: span(x, 'snmp.value.oid', oid(d, v) ?? '', v); return;
    }
  } else if (v.cls === APPLICATION) {
    const u = Number(bigUint(d, v));
    switch (v.tag) {
      case 0: if (v.len === 4) span(x, 'snmp.value.ipv4', u >>> 0, v); return;
      case 1: span(x, 'snmp.value.counter', u, v); return;
      case 2: span(x, 'snmp.value.g32', u, v); return;
      case 3: span(x, 'snmp.value.timeticks', u, v); return;
      case 4: bytes(x, 'snmp.value.opaque', v); return;
      case 6: span(x, 'snmp.value.counter64', u, v); return;
    }
  } else if (v.cls === CONTEXT && v.tag <= 2) span(x, ['snmp.noSuchObject', 'snmp.noSuchInstance', 'snmp.endOfMibView'][v.tag], null, v);
}

/** A PDU ([CONTEXT n]): its fields; returns the Info text (the PDU's name and its OIDs). */
function pdu(x: S, p: Tlv): string {
  const d = x.d;
  const n = p.tag;
  const name = PDUS[n] ?? `unknown (${n})`;
  span(x, 'snmp.data', n, p);
  if (PDU_ELEMENTS[n]) span(x, `snmp.${PDU_ELEMENTS[n]}_element`, null, p);
  const items = kids(x, p, 8);
  let vbs: Tlv | undefined;
  if (n === 4) {
    // v1 Trap-PDU: enterprise, agent-addr, generic, specific, time-stamp, variable bindings
    const [ent, addr, gen, spec, ts, list] = items;
    if (ent) span(x, 'snmp.enterprise', oid(d, ent) ?? '', ent);
    if (addr && addr.len === 4) span(x, 'snmp.agent_addr', Number(bigUint(d, addr)) >>> 0, addr);
    if (gen) span(x, 'snmp.generic_trap', int(d, gen) ?? 0, gen);
    if (spec) span(x, 'snmp.specific_trap', int(d, spec) ?? 0, spec);
    if (ts) span(x, 'snmp.time_stamp', Number(bigUint(d, ts)), ts);
    vbs = list;
  } else {
    const [id, a, b, list] = items;
    if (id) span(x, 'snmp.request_id', int(d, id) ?? 0, id);
    if (n === 5) {
      if (a) span(x, 'snmp.non_repeaters', int(d, a) ?? 0, a);
      if (b) span(x, 'snmp.max_repetitions', int(d, b) ?? 0, b);
    } else {
      if (a) span(x, 'snmp.error_status', int(d, a) ?? 0, a);
      if (b) span(x, 'snmp.error_index', int(d, b) ?? 0, b);
    }
    vbs = list;
  }
  const oids: string[] = [];
  let status = -1;
  if (n !== 4 && n !== 5 && items[1]) status = int(d, items[1]) ?? -1;
  const strings = n === 2 && status === 0;
  if (vbs && vbs.tag === T_SEQUENCE) {
    const list = kids(x, vbs);
    span(x, 'snmp.variable_bindings', list.length, vbs);
    for (const vb of list) {
      const [nm, v] = kids(x, vb, 2);
      if (!nm) continue;
      const o = oid(d, nm) ?? '';
      oids.push(o);
      span(x, 'snmp.name', o, nm);
      if (v) value(x, v, strings);
    }
  }
  return [name, ...oids].join(' ');
}

export function dissectSnmp(ctx: Ctx, _st: State, off: number, end: number): void {
  const d = ctx.d;
  // as tshark: bytes that do not open an SNMP message SEQUENCE are not SNMP
  if (end - off < 2 || d[off] !== 0x30) { dissectData(ctx, off, end); return; }
  const l = ctx.layer('snmp', off, end - off);
  ctx.protocol = 'SNMP';
  const x: S = { ctx, l, d };
  const m = readTlv(d, off, end);
  if (isBerError(m) || m.tag !== T_SEQUENCE) { ctx.malformedAt('snmp', isBerError(m) ? m.error : 'SNMP message SEQUENCE expected', off, end - off); return; }
  const items = kids(x, m, 8);
  const verT = items[0];
  if (!verT) return;
  const version = int(d, verT) ?? -1;
  if (version !== 3) {
    span(x, 'snmp.version', version, verT);
    const [, comm, p] = items;
    if (comm) span(x, 'snmp.community', str(d, comm), comm);
    if (p && p.cls === CONTEXT) ctx.info = pdu(x, p);
    return;
  }
  span(x, 'snmp.msgVersion', 3, verT);
  const [, global, secParams, data] = items;
  if (global) {
    span(x, 'snmp.msgGlobalData_element', null, global);
    const [id, max, flags, model] = kids(x, global, 4);
    if (id) span(x, 'snmp.msgID', Number(bigUint(d, id)), id);
    if (max) span(x, 'snmp.msgMaxSize', Number(bigUint(d, max)), max);
    if (flags) {
      bytes(x, 'snmp.msgFlags', flags);
      const f = flags.len > 0 ? d[flags.value] : 0;
      span(x, 'snmp.v3.flags.report', (f & 4) !== 0, flags);
      span(x, 'snmp.v3.flags.crypt', (f & 2) !== 0, flags);
      span(x, 'snmp.v3.flags.auth', (f & 1) !== 0, flags);
    }
    if (model) span(x, 'snmp.msgSecurityModel', Number(bigUint(d, model)), model);
  }
  if (secParams && secParams.tag === T_OCTET_STRING) {
    // USM parameters: a SEQUENCE inside the OCTET STRING
    const usm = readTlv(d, secParams.value, secParams.end);
    if (!isBerError(usm) && usm.tag === T_SEQUENCE) {
      const [eng, boots, time, user, auth, priv] = kids(x, usm, 6);
      if (eng) bytes(x, 'snmp.msgAuthoritativeEngineID', eng);
      if (boots) span(x, 'snmp.msgAuthoritativeEngineBoots', Number(bigUint(d, boots)), boots);
      if (time) span(x, 'snmp.msgAuthoritativeEngineTime', Number(bigUint(d, time)), time);
      if (user) span(x, 'snmp.msgUserName', str(d, user), user);
      if (auth) bytes(x, 'snmp.msgAuthenticationParameters', auth);
      if (priv) bytes(x, 'snmp.msgPrivacyParameters', priv);
    }
  }
  if (!data) return;
  if (data.tag === T_OCTET_STRING) {
    span(x, 'snmp.msgData', 1, data);
    bytes(x, 'snmp.encryptedPDU', data);
    ctx.info = 'encryptedPDU: privKey Unknown';
    return;
  }
  span(x, 'snmp.msgData', 0, data);
  span(x, 'snmp.plaintext_element', null, data);
  const [engine, cname, p] = kids(x, data, 3);
  if (engine) bytes(x, 'snmp.contextEngineID', engine);
  if (cname) span(x, 'snmp.contextName', str(d, cname), cname);
  if (p && p.cls === CONTEXT) ctx.info = pdu(x, p);
}

/**
 * packet-snmp.c dissect_snmp's check (UDP): a universal SEQUENCE whose
 * length fits the datagram, then a universal INTEGER (the version); else
 * not SNMP, and the other port is tried. Bytes that run out first are
 * SNMP's (tshark's reads throw, after the protocol took the payload).
 */
function snmpAccepts(d: Uint8Array, off: number, end: number): boolean {
  let p = off;
  const id = (want: number): boolean | null => {
    if (p >= end) return null;
    const b = d[p++];
    let tag = b & 0x1f;
    if (tag === 0x1f) {
      tag = 0;
      for (let k = 0; k < 4; k++) {
        if (p >= end) return null;
        const c = d[p++];
        tag = tag * 128 + (c & 0x7f);
        if ((c & 0x80) === 0) break;
      }
    }
    return (b & 0xc0) === 0 && tag === want;
  };
  const seq = id(16);
  if (seq !== true) return seq === null;
  if (p >= end) return true;
  let len = d[p++];
  if (len === 0x80) len = 0;
  else if (len > 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let k = 0; k < n; k++) {
      if (p >= end) return true;
      len = len * 256 + d[p++];
    }
  }
  if (len > end - p) return false;
  return id(2) !== false;
}
// 8161: tshark 4.0's third SNMP udp.port (an alternate agent port)
UDP_PORT.add([161, 162, 8161], dissectSnmp, { accepts: snmpAccepts });
