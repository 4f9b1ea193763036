// RADIUS (RFC 2865 access, RFC 2866 accounting, RFC 2869 extensions, RFC
// 3162 IPv6, RFC 5176 dynamic authorization; RFC 6929 extended
// attributes), as tshark 4.0's packet-radius.c on udp/1645, 1646, 1700,
// 1812, 1813 and 3799: a code tshark names and a length of 20..4096, else
// the next port's protocol is tried. Attributes are named and typed from
// Wireshark's own dictionary (radius-dict.ts, generated from it: the IETF
// attributes and the Cisco, Microsoft, FreeRADIUS and WISPr vendors; other
// vendors' sub-attributes show as tshark shows a vendor it has no
// dictionary for, `radius.Unknown_Attribute`). Consecutive EAP-Message
// attributes are joined and handed to EAP. Requests and responses are
// paired per client (address and port) and server port by identifier, as
// tshark does (`radius.reqframe`, `radius.time`, duplicates; on a frame
// dissected again once its response was seen, `radius.rspframe`).
// Where tshark reads past the bytes (a length that lies) it throws: we stop
// at the same place and mark the packet as it does.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import type { FieldSpec } from './fields';
import { pastEnd } from './cut';
import { declare, HEX8, HEX32 } from './fields';
import { Bounded } from './conv';
import { dissectEap } from './eap';
import { RADIUS_DICT } from './radius-dict';
import * as readers from './bytes';
import * as tables from './tables';
const { UDP_PORT } = tables;
const { u16, u32 } = readers;

const CODES: Record<number, string> = {
  1: 'Access-Request', 2: 'Access-Accept', 3: 'Access-Reject', 4: 'Accounting-Request', 5: 'Accounting-Response',
  6: 'Accounting-Status', 7: 'Password-Request', 8: 'Password-Ack', 9: 'Password-Reject', 10: 'Accounting-Message',
  11: 'Access-Challenge', 12: 'Status-Server', 13: 'Status-Client', 21: 'Resource-Free-Request', 22: 'Resource-Free-Response',
  23: 'Resource-Query-Request', 24: 'Query_Response', 25: 'Alternate-Resource-Reclaim-Request', 26: 'NAS-Reboot-Request',
  27: 'NAS-Reboot-Response', 29: 'Next-Passcode', 30: 'New-Pin', 31: 'Terminate-Session', 32: 'Password-Expired',
  33: 'Event-Request', 34: 'Event-Response', 40: 'Disconnect-Request', 41: 'Disconnect-ACK', 42: 'Disconnect-NAK',
  43: 'CoA-Request', 44: 'CoA-ACK', 45: 'CoA-NAK', 50: 'IP-Address-Allocate', 51: 'IP-Address-Release',
  129: 'ALU-State-Request', 130: 'ALU-State-Accept', 131: 'ALU-State-Reject', 132: 'ALU-State-Error',
};
/** Each request code's family, and each response code's: a response answers a request of its family (radius_call_equal). */
const FAMILY: Record<number, number> = {
  1: 1, 2: 1, 3: 1, 11: 1, 4: 4, 5: 4, 7: 7, 8: 7, 9: 7, 21: 21, 22: 21, 23: 23, 24: 23, 26: 26, 27: 26,
  33: 33, 34: 33, 40: 40, 41: 40, 42: 40, 43: 43, 44: 43, 45: 43, 129: 129, 130: 129, 131: 129, 132: 129,
};
const REQUESTS = new Set([1, 4, 7, 21, 23, 26, 33, 40, 43, 129]);
/** Responses tshark pairs (Query_Response excepted from no family: it has one). */
const RESPONSES = new Set([2, 3, 5, 8, 9, 22, 24, 27, 34, 41, 42, 44, 45, 11, 130, 131, 132]);
const HDR = 20;
const VENDOR_SPECIFIC = 26, EAP_MESSAGE = 79;

type Kind = 'integer' | 'signed' | 'string' | 'octets' | 'ipaddr' | 'ipv6addr' | 'ipv6prefix' | 'date' | 'ifid' | 'ether' | 'tlv' | 'extended' | 'long-extended' | 'other';
interface Attr {
  name: string;
  field: string;
  kind: Kind;
  tagged: boolean;
  encrypt: number;
  values?: Readonly<Record<number, string>>;
}
const UNKNOWN: Attr = { name: 'Unknown-Attribute', field: 'radius.Unknown_Attribute', kind: 'octets', tagged: false, encrypt: 0 };

function kindOf(t: string): Kind {
  switch (t) {
    case 'integer': case 'byte': case 'short': return 'integer';
    case 'signed': return 'signed';
    case 'string': return 'string';
    case 'octets': case 'abinary': case 'ifid': return t === 'ifid' ? 'ifid' : 'octets';
    case 'ipaddr': return 'ipaddr';
    case 'ipv6addr': return 'ipv6addr';
    case 'ipv6prefix': return 'ipv6prefix';
    case 'date': return 'date';
    case 'ether': return 'ether';
    case 'tlv': return 'tlv';
    case 'extended': return 'extended';
    case 'long-extended': return 'long-extended';
    default: return 'other';
  }
}

/** attributes by vendor (0: IETF), keyed by code, or by code × 256 + the extended type / TLV child */
const DICT = new Map<number, Map<number, Attr>>();
const SPECS = new Map<string, FieldSpec>();
function spec(name: string, s: FieldSpec): void { if (!SPECS.has(name)) SPECS.set(name, s); }
for (const [vendor, list] of RADIUS_DICT) {
  const m = new Map<number, Attr>();
  DICT.set(vendor, m);
  for (const [code, name, type, flags, values] of list) {
    const field = `radius.${name.replace(/[-/]/g, '_')}`;
    const a: Attr = { name, field, kind: kindOf(type), tagged: (flags & 1) !== 0, encrypt: flags >> 1, values };
    if (typeof code === 'number') m.set(code, a);
    else {
      const [p, c] = code.split('.').map(Number);
      m.set(p * 256 + c, a);
    }
    switch (a.kind) {
      case 'integer': spec(field, [field, 'uint', name, values ? { valueNames: values as Record<number, string> } : undefined]); break;
      case 'signed': spec(field, [field, 'int', name]); break;
      case 'string': spec(field, [field, 'string', name]); if (a.encrypt) spec(`${field}_encrypted`, [`${field}_encrypted`, 'bytes', `${name} (encrypted)`]); break;
      case 'ipaddr': spec(field, [field, 'ipv4', name]); break;
      case 'ipv6addr': spec(field, [field, 'ipv6', name]); break;
      case 'date': spec(field, [field, 'abstime', name]); break;
      case 'ether': spec(field, [field, 'ether', name]); break;
      default: spec(field, [field, 'bytes', name]);
    }
    if (a.tagged) spec(`${field}.tag`, [`${field}.tag`, 'uint', 'Tag', HEX8]);
  }
}
const IETF = DICT.get(0) as Map<number, Attr>;

declare('radius', 'RADIUS Protocol', [
  ['radius.code', 'uint', 'Code', { valueNames: CODES }],
  ['radius.id', 'uint', 'Identifier'],
  ['radius.length', 'uint', 'Length'],
  ['radius.authenticator', 'bytes', 'Authenticator'],
  ['radius.req', 'bool', 'Request'],
  ['radius.rsp', 'bool', 'Response'],
  ['radius.reqframe', 'framenum', 'Request Frame'],
  ['radius.rspframe', 'framenum', 'Response Frame'],
  ['radius.time', 'reltime', 'Time from request'],
  ['radius.dup', 'uint', 'Duplicate Message ID'],
  ['radius.req.dup', 'framenum', 'Duplicate Request Frame Number'],
  ['radius.rsp.dup', 'framenum', 'Duplicate Response Frame Number'],
  ['radius.avp', 'bytes', 'AVP'],
  ['radius.avp.type', 'uint', 'Type'],
  ['radius.avp.length', 'uint', 'Length'],
  ['radius.avp.vendor_id', 'uint', 'Vendor ID'],
  ['radius.avp.vendor_type', 'uint', 'Type'],
  ['radius.avp.vendor_len', 'uint', 'Length'],
  ['radius.avp.extended_type', 'uint', 'Extended Type'],
  ['radius.avp.extended_more', 'bool', 'Extended More'],
  ['radius.eap_fragment', 'bytes', 'EAP fragment'],
  ['radius.Unknown_Attribute', 'bytes', 'Unknown-Attribute'],
  ['radius.CHAP_Password', 'bytes', 'CHAP-Password'],
  ['radius.CHAP_Ident', 'uint', 'CHAP Ident', HEX8],
  ['radius.CHAP_String', 'bytes', 'CHAP String'],
  // the attributes packet-radius.c decodes itself keep its own (hyphenated) field names
  ['radius.Framed-IP-Address', 'ipv4', 'Framed-IP-Address'],
  ['radius.Login-IP-Host', 'ipv4', 'Login-IP-Host'],
  ['radius.Framed-IPX-Network', 'uint', 'Framed-IPX-Network', HEX32],
  ['radius.egress_vlanid_tag', 'uint', 'Tag', { valueNames: { 0x31: 'Tagged', 0x32: 'Untagged' }, ...HEX32 }],
  ['radius.egress_vlanid_pad', 'uint', 'Pad', HEX32],
  ['radius.egress_vlanid', 'uint', 'Vlan ID'],
  ['radius.egress_vlan_name_tag', 'uint', 'Tag', { valueNames: { 0x31: 'Tagged', 0x32: 'Untagged' }, base: 'hex', hexDigits: 2 }],
  ['radius.egress_vlan_name', 'string', 'Vlan Name'],
  ...[...SPECS.values()].filter(([n]) => n !== 'radius.CHAP_Password' && n !== 'radius.Unknown_Attribute'),
]);

/** tshark's exception on reading past the bytes: caught once in dissectRadius. */
class OutOfBytes { constructor(readonly at: number) {} }

/** A request as tshark remembers it (radius_call_t). */
interface Call { reqFrame: number; rspFrame: number; rspCode: number; ts: bigint | null; auth: string }
/** What one frame was linked to, for a frame dissected again. */
interface Seen { reqFrame: number; ns: bigint | null; dupOf: number; dupRsp: number }
/** Caps: requests remembered (per client, server port, identifier and family) and frames remembered. */
const MAX_CALLS = 8192, MAX_FRAMES = 65536;
class RadiusState {
  last = 0;
  readonly calls = new Bounded<string, Call>(MAX_CALLS);
  readonly frames = new Bounded<number, Seen>(MAX_FRAMES);
}
const states = new WeakMap<State, RadiusState>();
function stateOf(st: State): RadiusState {
  let r = states.get(st);
  if (!r) { r = new RadiusState(); states.set(st, r); }
  return r;
}

function addr(ctx: Ctx, src: boolean): string {
  if (ctx.ipVersion === 4) return String(src ? ctx.ip4Src : ctx.ip4Dst);
  return (src ? ctx.ip6Src : ctx.ip6Dst)?.join('.') ?? '';
}
const hex = (d: Uint8Array, o: number, n: number): string => Buffer.from(d.buffer, d.byteOffset + o, n).toString('hex');

/** tshark's is_radius: a code it names and a length of 20 to 4096. */
function accepts(d: Uint8Array, off: number, end: number): boolean {
  if (end <= off || CODES[d[off]] === undefined) return false;
  // a known code without its length: tshark's check itself throws, inside RADIUS
  if (end - off < 4) return true;
  const len = u16(d, off + 2);
  return len >= HDR && len <= 4096;
}

export function dissectRadius(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  if (end - off < 4) {
    // the columns stay UDP's: tshark threw before RADIUS set them
    ctx.layer('radius', off, end - off);
    pastEnd(ctx, 'radius', `RADIUS header cut short (${end - off} of 4 bytes)`, off, end - off, end);
    return;
  }
  const code = d[off], ident = d[off + 1], plen = u16(d, off + 2);
  ctx.protocol = 'RADIUS';
  let info = `${CODES[code]} id=${ident}`;
  ctx.info = info;
  const l = ctx.layer('radius', off, Math.min(plen, end - off));
  try {
    ctx.add(l, 'radius.code', code, off, 1);
    ctx.add(l, 'radius.id', ident, off + 1, 1);
    ctx.add(l, 'radius.length', plen, off + 2, 2);
    if (off + HDR > end) throw new OutOfBytes(off + 4);
    ctx.add(l, 'radius.authenticator', d.subarray(off + 4, off + HDR), off + 4, 16);
    info = pair(ctx, st, l, code, ident, hex(d, off + 4, 16), info);
    ctx.info = info;
    const avpLen = plen - HDR;
    if (avpLen > 0) {
      if (off + plen > end) throw new OutOfBytes(off + HDR);
      attributes(ctx, l, off + HDR, avpLen, end);
    }
  } catch (e) {
    if (!(e instanceof OutOfBytes)) throw e;
    ctx.protocol = 'RADIUS';
    ctx.info = info;
    pastEnd(ctx, 'radius', 'RADIUS attribute runs past the packet', e.at, 0, end);
  }
}

/** Request/response pairing (radius_calls): marks duplicates, links a response to its request. */
function pair(ctx: Ctx, st: State, l: FieldNode, code: number, ident: number, auth: string, info: string): string {
  const isReq = REQUESTS.has(code);
  if (!isReq && !RESPONSES.has(code)) return info;
  if (ctx.inner > 0) {
    // tshark keeps no calls for RADIUS quoted in an ICMP error, but still says which it is
    ctx.hidden(isReq ? 'radius.req' : 'radius.rsp', true, 0, 0);
    return info;
  }
  const rs = stateOf(st);
  const frame = ctx.pkt.number;
  const again = frame <= rs.last;
  if (!again) rs.last = frame;
  ctx.hidden(isReq ? 'radius.req' : 'radius.rsp', true, 0, 0);
  // the request's conversation is its client (address and port) and the server port; the reply comes back to that client
  const key = isReq ? `${addr(ctx, true)}/${ctx.srcPort}/${ctx.dstPort}/${ident}/${FAMILY[code]}`
    : `${addr(ctx, false)}/${ctx.dstPort}/${ctx.srcPort}/${ident}/${FAMILY[code]}`;
  let seen = again ? rs.frames.get(frame) : undefined;
  const call = rs.calls.get(key);
  if (seen === undefined) {
    seen = { reqFrame: 0, ns: null, dupOf: 0, dupRsp: 0 };
    if (isReq) {
      if (call !== undefined && call.reqFrame !== frame && call.auth === auth) seen.dupOf = call.reqFrame;
      else if (call === undefined || call.reqFrame !== frame) rs.calls.set(key, { reqFrame: frame, rspFrame: 0, rspCode: 0, ts: ctx.pkt.tsNs, auth });
    } else if (call !== undefined) {
      seen.reqFrame = call.reqFrame;
      seen.ns = call.ts !== null && ctx.pkt.tsNs !== null ? ctx.pkt.tsNs - call.ts : null;
      if (call.rspFrame === 0) call.rspFrame = frame;
      else if (call.rspFrame !== frame && call.rspCode === code) seen.dupRsp = call.rspFrame;
      call.rspCode = code;
    }
    rs.frames.set(frame, seen);
  }
  if (isReq) {
    if (seen.dupOf !== 0) {
      info += ', Duplicate Request';
      ctx.hidden('radius.dup', ident, 0, 0);
      ctx.gen(l, 'radius.req.dup', seen.dupOf);
    }
    // a retransmission shows its original's response, when one came before it
    const c = rs.calls.get(key);
    if (c !== undefined && c.rspFrame !== 0 && (seen.dupOf !== 0 || (again && c.reqFrame === frame))) ctx.gen(l, 'radius.rspframe', c.rspFrame);
  } else if (seen.reqFrame !== 0) {
    ctx.gen(l, 'radius.reqframe', seen.reqFrame);
    if (seen.ns !== null) ctx.reltime(l, 'radius.time', seen.ns);
    if (seen.dupRsp !== 0) {
      info += ', Duplicate Response';
      ctx.hidden('radius.dup', ident, 0, 0);
      ctx.gen(l, 'radius.rsp.dup', seen.dupRsp);
    }
  }
  return info;
}

/** Reads a byte tshark reads, throwing as it does past the bytes. */
function byte(d: Uint8Array, o: number, end: number): number {
  if (o >= end) throw new OutOfBytes(o);
  return d[o];
}
function need(o: number, n: number, end: number): void {
  if (n < 0 || o + n > end) throw new OutOfBytes(o);
}

/** dissect_attribute_value_pairs: `length` bytes of attributes from `off`, bytes present up to `end`. */
function attributes(ctx: Ctx, l: FieldNode, off: number, length: number, end: number): void {
  const d = ctx.d;
  let o = off;
  let eap: Uint8Array[] | null = null;
  let eapDone = false;
  while (length > 0) {
    if (length < 2) { ctx.flagMalformed('radius', 'Not enough room in packet for AVP header', o, 0); return; }
    const start = o;
    const t0 = byte(d, o, end), alen = byte(d, o + 1, end);
    const extended = t0 >= 241 && t0 <= 246;
    const t1 = extended ? byte(d, o + 2, end) : 0;
    if (alen < 2) { ctx.flagMalformed('radius', `AVP too short: length ${alen} < 2`, o, 0); return; }
    if (extended && alen < 3) { ctx.flagMalformed('radius', `Extended AVP too short: length ${alen} < 3`, o, 0); return; }
    if (length < alen) { ctx.flagMalformed('radius', 'Not enough room in packet for AVP', o, 0); return; }
    length -= alen;
    need(o, alen, end);
    const avp = ctx.add(l, 'radius.avp', d.subarray(o, o + alen), o, alen);
    let vlen = alen - 2;
    o += 2;
    if (extended) { vlen--; o++; if (t0 >= 245) { vlen--; o++; } }
    if (t0 === VENDOR_SPECIFIC || (extended && t1 === VENDOR_SPECIFIC)) {
      const max = o + vlen;
      if (vlen < 4) { ctx.flagMalformed('radius', 'AVP too short; no room for vendor ID', start, alen); o += vlen; continue; }
      ctx.sub(avp, 'radius.avp.type', t0, start, 1);
      ctx.sub(avp, 'radius.avp.length', alen, start + 1, 1);
      need(o, 4, end);
      const vendor = u32(d, o);
      let vo = start + 2;
      if (extended) {
        ctx.sub(avp, 'radius.avp.extended_type', byte(d, vo, end), vo, 1);
        vo++;
        if (t0 >= 245) { ctx.sub(avp, 'radius.avp.extended_more', (byte(d, vo, end) & 0x80) !== 0, vo, 1); vo++; }
      }
      ctx.sub(avp, 'radius.avp.vendor_id', vendor, vo, 4);
      vo += 4;
      vlen -= 4;
      o += 4;
      const dict = DICT.get(vendor);
      while (o < max) {
        const vt = byte(d, o++, end);
        let vl: number, hdr: number;
        if (!extended) { vl = byte(d, o++, end); hdr = 2; } else { vl = vlen; hdr = 1; }
        // tshark points this expert one byte on, past the bytes when the VSA ends the packet (then it throws)
        if (vl < hdr) { need(o + 1, 1, end); ctx.flagMalformed('radius', 'VSA too short', o + 1, 1); break; }
        vl -= hdr;
        // the VSA's subtree spans its stated length: past the bytes tshark throws
        need(o - hdr, vl + hdr, end);
        const a = (extended ? dict?.get(t0 * 256 + vt) : dict?.get(vt)) ?? UNKNOWN;
        ctx.sub(avp, 'radius.avp.vendor_type', vt, vo, 1);
        vo++;
        if (!extended) {
          ctx.sub(avp, 'radius.avp.vendor_len', vl + hdr, vo, 1);
          vo += vl + hdr - 1;
        }
        value(ctx, avp, a, o, vl, end);
        o += vl;
      }
      continue;
    }
    ctx.sub(avp, 'radius.avp.type', t0, start, 1);
    ctx.sub(avp, 'radius.avp.length', alen, start + 1, 1);
    if (extended) {
      ctx.sub(avp, 'radius.avp.extended_type', t1, start + 2, 1);
      if (t0 >= 245) ctx.sub(avp, 'radius.avp.extended_more', (byte(d, start + 3, end) & 0x80) !== 0, start + 3, 1);
    }
    if (t0 === EAP_MESSAGE) {
      const n = Math.min(vlen, end - o);
      ctx.sub(avp, 'radius.eap_fragment', d.subarray(o, o + n), o, n);
      if (!eapDone) {
        (eap ??= []).push(d.subarray(o, o + n));
        // the run ends at an attribute of another type, or where the bytes end
        const last = o + vlen + 1 < end ? d[o + vlen] !== EAP_MESSAGE : true;
        if (last) {
          eapDone = true;
          const buf = eap.length === 1 ? eap[0] : Buffer.concat(eap);
          // the last attribute's bytes map to this frame; the earlier ones' fields point at it
          const saveP = ctx.protocol, saveI = ctx.info;
          // tshark keeps the columns RADIUS's while EAP decodes (col_set_writable FALSE)
          ctx.withReassembled(buf, buf.length - n, o, n, () => { dissectEap(ctx, 0, buf.length); });
          ctx.protocol = saveP; ctx.info = saveI;
        }
      }
      o += vlen;
      continue;
    }
    const a = (extended ? IETF.get(t0 * 256 + t1) : IETF.get(t0)) ?? UNKNOWN;
    value(ctx, avp, a, o, vlen, end);
    o += vlen;
  }
}

/** add_avp_to_tree: an attribute's tag and value (len bytes at o). */
function value(ctx: Ctx, avp: FieldNode, a: Attr, o: number, len: number, end: number): void {
  const d = ctx.d;
  if (a.tagged) {
    if (len === 0) { ctx.flagMalformed('radius', 'AVP too short for tag', o, 0); return; }
    const tag = byte(d, o, end);
    if (tag <= 0x1f) { ctx.sub(avp, `${a.field}.tag`, tag, o, 1); o++; len--; }
  }
  if (a === IETF.get(3) || a === IETF.get(8) || a === IETF.get(14) || a === IETF.get(23) || a === IETF.get(56) || a === IETF.get(58)) {
    special(ctx, avp, a, o, len, end);
    return;
  }
  typed(ctx, avp, a, o, len, end);
}

/** the value by its dictionary type (radius_integer, radius_string, ...) */
function typed(ctx: Ctx, avp: FieldNode, a: Attr, o: number, len: number, end: number): void {
  const d = ctx.d;
  switch (a.kind) {
    case 'integer': case 'signed': {
      if (len === 8) {
        need(o, 8, end);
        const v = (BigInt(u32(d, o)) << 32n) | BigInt(u32(d, o + 4));
        ctx.sub(avp, a.field, a.kind === 'signed' ? BigInt.asIntN(64, v) : v, o, 8);
        return;
      }
      if (len < 1 || len > 4) return;
      need(o, len, end);
      let v = 0;
      for (let i = 0; i < len; i++) v = v * 256 + d[o + i];
      ctx.sub(avp, a.field, a.kind === 'signed' ? v | 0 : v, o, len);
      return;
    }
    case 'string':
      need(o, len, end);
      if (a.encrypt !== 0) ctx.sub(avp, `${a.field}_encrypted`, d.subarray(o, o + len), o, len);
      else ctx.sub(avp, a.field, Buffer.from(d.buffer, d.byteOffset + o, len).toString('utf8'), o, len);
      return;
    case 'ipaddr':
      if (len !== 4) return;
      need(o, 4, end);
      ctx.sub(avp, a.field, u32(d, o), o, 4);
      return;
    case 'ipv6addr':
      if (len !== 16) return;
      need(o, 16, end);
      ctx.sub(avp, a.field, d.subarray(o, o + 16), o, 16);
      return;
    case 'ipv6prefix':
      if (len < 2 || len > 18) return;
      if (byte(d, o, end) !== 0 || byte(d, o + 1, end) > 128) return;
      need(o, len, end);
      ctx.sub(avp, a.field, d.subarray(o, o + len), o, len);
      return;
    case 'date':
      if (len !== 4) return;
      need(o, 4, end);
      ctx.sub(avp, a.field, BigInt(u32(d, o)) * 1_000_000_000n, o, 4);
      return;
    case 'ether':
      if (len !== 6) return;
      need(o, 6, end);
      ctx.sub(avp, a.field, d.subarray(o, o + 6), o, 6);
      return;
    case 'tlv': {
      let n = len, p = o;
      while (n > 0) {
        if (n < 2) { ctx.flagMalformed('radius', 'Not enough room in packet for TLV header', p, 0); return; }
        byte(d, p, end);
        const tl = byte(d, p + 1, end);
        if (tl < 2) { ctx.flagMalformed('radius', `TLV too short: length ${tl} < 2`, p, 0); return; }
        if (n < tl) { ctx.flagMalformed('radius', 'Not enough room in packet for TLV', p, 0); return; }
        n -= tl;
        // tshark 4.0 names no TLV's children
        typed(ctx, avp, UNKNOWN, p + 2, tl - 2, end);
        p += tl;
      }
      return;
    }
    default:
      // an empty value: tshark says "[wrong length]" and adds no field
      if (len === 0) return;
      need(o, len, end);
      ctx.sub(avp, a.field, d.subarray(o, o + len), o, len);
  }
}

/** The attributes packet-radius.c decodes with a function of its own (radius_register_avp_dissector). */
function special(ctx: Ctx, avp: FieldNode, a: Attr, o: number, len: number, end: number): void {
  const d = ctx.d;
  switch (a.name) {
    case 'CHAP-Password': {
      if (len !== 17) return;
      need(o, 17, end);
      const f = ctx.sub(avp, 'radius.CHAP_Password', d.subarray(o, o + 17), o, 17);
      ctx.sub(f, 'radius.CHAP_Ident', d[o], o, 1);
      ctx.sub(f, 'radius.CHAP_String', d.subarray(o + 1, o + 17), o + 1, 16);
      return;
    }
    case 'Framed-IP-Address': case 'Login-IP-Host':
      if (len !== 4) return;
      need(o, 4, end);
      ctx.sub(avp, `radius.${a.name}`, u32(d, o), o, 4);
      return;
    case 'Framed-IPX-Network':
      if (len !== 4) return;
      need(o, 4, end);
      ctx.sub(avp, 'radius.Framed-IPX-Network', u32(d, o), o, 4);
      return;
    case 'Egress-VLANID': {
      if (len !== 4) return;
      need(o, 4, end);
      const v = u32(d, o);
      ctx.sub(avp, 'radius.egress_vlanid_tag', v >>> 24, o, 4);
      ctx.sub(avp, 'radius.egress_vlanid_pad', (v >>> 12) & 0xfff, o, 4);
      ctx.sub(avp, 'radius.egress_vlanid', v & 0xfff, o, 4);
      return;
    }
    default: { // Egress-VLAN-Name
      if (len < 2) return;
      need(o, len, end);
      ctx.sub(avp, 'radius.egress_vlan_name_tag', d[o], o, 1);
      ctx.sub(avp, 'radius.egress_vlan_name', Buffer.from(d.buffer, d.byteOffset + o + 1, len - 1).toString('latin1'), o + 1, len - 1);
    }
  }
}

UDP_PORT.add([1645, 1646, 1700, 1812, 1813, 3799], dissectRadius, { accepts });
