// GSS-API tokens (RFC 2743 §3.1: [APPLICATION 0] { thisMech OID,
// innerContextToken }) and SPNEGO (RFC 4178, with Microsoft's NegTokenInit2
// negHints) as SMB, SMB2, HTTP Negotiate and DCE/RPC carry them. The
// mechanism inside (NTLMSSP, Kerberos) is found in GSSAPI_OID by its OID:
// the token's own, the first mechType offered, or the supportedMech
// chosen. Fields as tshark 4.0's packet-gssapi.c / packet-spnego.c.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare } from './fields';
import * as tables from './tables';
import { convKey, Bounded } from './conv';
import { readTlv, isBerError, childrenOf, oid, int, str, find, CONTEXT, APPLICATION, UNIVERSAL, T_OID, T_SEQUENCE, type Tlv } from './ber';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { GSSAPI_OID } = tables;

export const OID_SPNEGO = '1.3.6.1.5.5.2';
export const OID_NTLMSSP = '1.3.6.1.4.1.311.2.2.10';
export const OID_KRB5 = '1.2.840.113554.1.2.2';
export const OID_MS_KRB5 = '1.2.840.48018.1.2.2';
/** the key under which a mechanism registers its mechListMIC/verifier dissector */
export const micKey = (mech: string): string => `${mech}/mic`;

const NEG_RESULT: Record<number, string> = { 0: 'accept-completed', 1: 'accept-incomplete', 2: 'reject', 3: 'request-mic' };

declare('gss-api', 'GSS-API Generic Security Service Application Program Interface', [
  ['gss-api.OID', 'string', 'OID'],
]);

declare('spnego', 'Simple Protected Negotiation', [
  ['spnego.negTokenInit_element', 'none', 'negTokenInit'],
  ['spnego.negTokenTarg_element', 'none', 'negTokenTarg'],
  ['spnego.mechTypes', 'uint', 'mechTypes'],
  ['spnego.MechType', 'string', 'MechType'],
  ['spnego.reqFlags', 'bytes', 'reqFlags'],
  ['spnego.mechToken', 'bytes', 'mechToken'],
  ['spnego.negHints_element', 'none', 'negHints'],
  ['spnego.hintName', 'string', 'hintName'],
  ['spnego.mechListMIC', 'bytes', 'mechListMIC'],
  ['spnego.negResult', 'uint', 'negResult', { valueNames: NEG_RESULT }],
  ['spnego.supportedMech', 'string', 'supportedMech'],
  ['spnego.responseToken', 'bytes', 'responseToken'],
]);

// What the mechanism said for the Info column ("NTLMSSP_AUTH, User: D\u"): the
// carrier (SMB, SMB2, HTTP) takes it after the blob, as tshark appends it.
let authInfo: string[] = [];
export function noteAuth(s: string): void { if (authInfo.length < 8) authInfo.push(s); }
export function takeAuthInfo(): string { const s = authInfo.join(', '); authInfo = []; return s; }

/** The mechanism SPNEGO settled on per conversation: later tokens (a final mechListMIC) do not name it. */
const lastMech = new WeakMap<State, Bounded<string, string>>();
function remember(ctx: Ctx, st: State, mech: string | undefined): string | undefined {
  let m = lastMech.get(st);
  if (!m) { m = new Bounded(4096); lastMech.set(st, m); }
  const k = convKey(ctx);
  if (mech !== undefined) { m.set(k, mech); return mech; }
  return m.get(k);
}

const MAX_NEST = 4;
let depth = 0;

/** The mechanism of a token that does not name one, by its first bytes. */
function sniff(d: Uint8Array, off: number, end: number): string | undefined {
  if (end - off >= 8 && d[off] === 0x4e && d[off + 1] === 0x54 && d[off + 2] === 0x4c && d[off + 3] === 0x4d && d[off + 4] === 0x53 && d[off + 5] === 0x53 && d[off + 6] === 0x50 && d[off + 7] === 0) return OID_NTLMSSP;
  if (off < end && (d[off] === 0xa0 || d[off] === 0xa1)) return OID_SPNEGO;
  return undefined;
}

/** A security blob (SMB/SMB2 session setup and negotiate, HTTP Negotiate): GSS-API first, as tshark layers it. */
export function dissectSecurityBlob(ctx: Ctx, st: State, off: number, end: number): void {
  if (depth >= MAX_NEST) return;
  depth++;
  try { gssToken(ctx, st, off, end); } finally { depth--; }
}

function gssToken(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('gss-api', off, end - off);
  if (off < end && d[off] === 0x60) {
    const t = readTlv(d, off, end);
    if (isBerError(t)) { ctx.malformedAt('gss-api', t.error, t.at, end - t.at); return; }
    const m = readTlv(d, t.value, t.end);
    if (isBerError(m) || m.tag !== T_OID || m.cls !== UNIVERSAL) { ctx.malformedAt('gss-api', 'GSS-API token without its mechanism OID', t.value, t.len); return; }
    const mech = oid(d, m) ?? '';
    ctx.add(l, 'gss-api.OID', mech, m.start, m.end - m.start);
    const next = GSSAPI_OID.get(mech);
    if (next) next(ctx, st, m.end, t.end);
    return;
  }
  const mech = sniff(d, off, end);
  const next = mech !== undefined ? GSSAPI_OID.get(mech) : undefined;
  if (next) next(ctx, st, off, end);
}

/** A mechanism token (mechToken, responseToken) handed to the mechanism by OID, else recognised by its bytes. */
function mechToken(ctx: Ctx, st: State, mech: string | undefined, off: number, end: number): void {
  const d = ctx.d;
  // a token may be a whole GSS-API InitialContextToken (Kerberos) or the bare mechanism message (NTLMSSP)
  const by = sniff(d, off, end) ?? mech;
  if (by === OID_SPNEGO) return;
  const next = by !== undefined ? GSSAPI_OID.get(by === OID_MS_KRB5 ? OID_KRB5 : by) : undefined;
  if (d[off] === 0x60 && by !== OID_NTLMSSP) { dissectSecurityBlob(ctx, st, off, end); return; }
  if (next) { depth++; try { next(ctx, st, off, end); } finally { depth--; } }
}

/** SPNEGO's NegotiationToken at [off, end). */
function dissectSpnego(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('spnego', off, end - off);
  const t = readTlv(d, off, end);
  if (isBerError(t)) { ctx.malformedAt('spnego', t.error, t.at, end - t.at); return; }
  const seq = readTlv(d, t.value, t.end);
  if (isBerError(seq) || seq.cls !== UNIVERSAL || seq.tag !== T_SEQUENCE) { ctx.malformedAt('spnego', 'SPNEGO token without its SEQUENCE', t.value, t.len); return; }
  const { items, error } = childrenOf(d, seq.value, seq.end);
  if (error) ctx.malformedAt('spnego', error.error, error.at, seq.end - error.at);
  if (t.cls === CONTEXT && t.tag === 0) init(ctx, st, l, seq, items);
  else if (t.cls === CONTEXT && t.tag === 1) resp(ctx, st, l, seq, items);
  else ctx.malformedAt('spnego', `unknown SPNEGO choice [${t.cls === APPLICATION ? 'APPLICATION ' : ''}${t.tag}]`, t.start, t.end - t.start);
}

/** the OCTET STRING inside an explicit tag */
function octets(d: Uint8Array, tag: Tlv): Tlv | undefined {
  const o = readTlv(d, tag.value, tag.end);
  return isBerError(o) ? undefined : o;
}

function init(ctx: Ctx, st: State, l: FieldNode, seq: Tlv, items: Tlv[]): void {
  const d = ctx.d;
  const el = ctx.add(l, 'spnego.negTokenInit_element', null, seq.start, seq.end - seq.start);
  void el;
  let first: string | undefined;
  for (const it of items) {
    if (it.cls !== CONTEXT) continue;
    switch (it.tag) {
      case 0: {
        const list = readTlv(d, it.value, it.end);
        if (isBerError(list)) { ctx.malformedAt('spnego', list.error, list.at, it.end - list.at); break; }
        const { items: mechs } = childrenOf(d, list.value, list.end, 64);
        ctx.add(l, 'spnego.mechTypes', mechs.length, list.start, list.end - list.start);
        for (const m of mechs) {
          const v = oid(d, m) ?? '';
          first ??= v;
          ctx.add(l, 'spnego.MechType', v, m.start, m.end - m.start);
        }
        remember(ctx, st, first);
        break;
      }
      case 1: { const o = octets(d, it); if (o) ctx.add(l, 'spnego.reqFlags', d.subarray(o.value, o.end), o.start, o.end - o.start); break; }
      case 2: {
        const o = octets(d, it);
        if (!o) break;
        ctx.add(l, 'spnego.mechToken', d.subarray(o.value, o.end), o.value, o.len);
        first = sniff(d, o.value, o.end) ?? first;
        mechToken(ctx, st, first, o.value, o.end);
        break;
      }
      case 3: case 4: {
        const inner = octets(d, it);
        if (inner && inner.tag === T_SEQUENCE) {
          // Microsoft's NegTokenInit2: negHints { hintName [0] GeneralString, hintAddress [1] }
          ctx.add(l, 'spnego.negHints_element', null, inner.start, inner.end - inner.start);
          const { items: hints } = childrenOf(d, inner.value, inner.end, 8);
          const hn = find(hints, CONTEXT, 0);
          const s = hn && octets(d, hn);
          if (s) ctx.add(l, 'spnego.hintName', str(d, s), s.value, s.len);
        } else if (inner) mic(ctx, st, l, first, inner);
        break;
      }
    }
  }
}

function resp(ctx: Ctx, st: State, l: FieldNode, seq: Tlv, items: Tlv[]): void {
  const d = ctx.d;
  ctx.add(l, 'spnego.negTokenTarg_element', null, seq.start, seq.end - seq.start);
  let mech: string | undefined;
  for (const it of items) {
    if (it.cls !== CONTEXT) continue;
    const o = octets(d, it);
    if (!o) continue;
    switch (it.tag) {
      case 0: { const v = int(d, o); if (v !== null) ctx.add(l, 'spnego.negResult', v, o.value, o.len); break; }
      case 1: mech = oid(d, o) ?? ''; ctx.add(l, 'spnego.supportedMech', mech, o.start, o.end - o.start); remember(ctx, st, mech); break;
      case 2:
        ctx.add(l, 'spnego.responseToken', d.subarray(o.value, o.end), o.value, o.len);
        mech = sniff(d, o.value, o.end) ?? mech;
        mechToken(ctx, st, remember(ctx, st, mech), o.value, o.end);
        break;
      case 3: mic(ctx, st, l, remember(ctx, st, mech), o); break;
    }
  }
}

function mic(ctx: Ctx, st: State, l: FieldNode, mech: string | undefined, o: Tlv): void {
  const d = ctx.d;
  ctx.add(l, 'spnego.mechListMIC', d.subarray(o.value, o.end), o.value, o.len);
  const next = mech !== undefined ? GSSAPI_OID.get(micKey(mech)) : undefined;
  if (next) next(ctx, st, o.value, o.end);
}

GSSAPI_OID.add(OID_SPNEGO, dissectSpnego);
