// NTLMSSP (MS-NLMP): NEGOTIATE, CHALLENGE and AUTHENTICATE messages and the
// signature (verifier) SPNEGO's mechListMIC carries. Security buffers are
// (length, maxlen, offset) triples into the message; each is checked
// against the message's end. The user, domain and host of an AUTHENTICATE
// and whether it carries an NTLMv2 response are what security review
// reads. Fields and Info as tshark 4.0's packet-ntlmssp.c.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX16, HEX32 } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { noteAuth, OID_NTLMSSP, micKey } from './gssapi';
import { utf16le } from './ntstatus';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { GSSAPI_OID } = tables;
const { u16le, u32le, latin1 } = readers;

const TYPES: Record<number, string> = { 1: 'NTLMSSP_NEGOTIATE', 2: 'NTLMSSP_CHALLENGE', 3: 'NTLMSSP_AUTH' };
const AV_NAMES: Record<number, string> = { 0: 'end', 1: 'nb_computer_name', 2: 'nb_domain_name', 3: 'dns_computer_name', 4: 'dns_domain_name', 5: 'dns_tree_name', 6: 'flags', 7: 'timestamp', 8: 'restrictions', 9: 'target_name', 10: 'channel_bindings' };
const FLAG_UNICODE = 0x1, FLAG_VERSION = 0x02000000;

const avFields = (p: string): Array<[string, 'uint' | 'string' | 'bytes' | 'abstime' | 'none', string, object?]> => [
  [`${p}.item.type`, 'uint', 'Item Type', { ...HEX16, valueNames: { 0: 'End of list', 1: 'NetBIOS computer name', 2: 'NetBIOS domain name', 3: 'DNS computer name', 4: 'DNS domain name', 5: 'DNS tree name', 6: 'Flags', 7: 'Timestamp', 8: 'Restrictions', 9: 'Target Name', 10: 'Channel Bindings' } }],
  [`${p}.item.length`, 'uint', 'Item Length'],
  [`${p}.end`, 'none', 'List End'],
  [`${p}.nb_computer_name`, 'string', 'NetBIOS Computer Name'],
  [`${p}.nb_domain_name`, 'string', 'NetBIOS Domain Name'],
  [`${p}.dns_computer_name`, 'string', 'DNS Computer Name'],
  [`${p}.dns_domain_name`, 'string', 'DNS Domain Name'],
  [`${p}.dns_tree_name`, 'string', 'DNS Tree Name'],
  [`${p}.flags`, 'uint', 'Flags', HEX32],
  [`${p}.timestamp`, 'abstime', 'Timestamp'],
  [`${p}.restrictions`, 'bytes', 'Restrictions'],
  [`${p}.target_name`, 'string', 'Target Name'],
  [`${p}.channel_bindings`, 'bytes', 'Channel Bindings'],
];

declare('ntlmssp', 'NTLM Secure Service Provider', [
  ['ntlmssp.identifier', 'string', 'NTLMSSP identifier'],
  ['ntlmssp.messagetype', 'uint', 'NTLM Message Type', { ...HEX32, valueNames: TYPES }],
  ['ntlmssp.negotiateflags', 'uint', 'Negotiate Flags', HEX32],
  ['ntlmssp.negotiate.domain', 'string', 'Calling workstation domain'],
  ['ntlmssp.negotiate.callingworkstation', 'string', 'Calling workstation name'],
  ['ntlmssp.string.length', 'uint', 'Length'],
  ['ntlmssp.string.maxlen', 'uint', 'Maxlen'],
  ['ntlmssp.string.offset', 'uint', 'Offset'],
  ['ntlmssp.blob.length', 'uint', 'Length'],
  ['ntlmssp.blob.maxlen', 'uint', 'Maxlen'],
  ['ntlmssp.blob.offset', 'uint', 'Offset'],
  ['ntlmssp.version', 'none', 'Version'],
  ['ntlmssp.version.major', 'uint', 'Major Version'],
  ['ntlmssp.version.minor', 'uint', 'Minor Version'],
  ['ntlmssp.version.build_number', 'uint', 'Build Number'],
  ['ntlmssp.version.ntlm_current_revision', 'uint', 'NTLM Current Revision'],
  ['ntlmssp.challenge.target_name', 'string', 'Target Name'],
  ['ntlmssp.ntlmserverchallenge', 'bytes', 'NTLM Server Challenge'],
  ['ntlmssp.challenge.target_info', 'none', 'Target Info'],
  ['ntlmssp.challenge.target_info.length', 'uint', 'Length'],
  ['ntlmssp.challenge.target_info.maxlen', 'uint', 'Maxlen'],
  ['ntlmssp.challenge.target_info.offset', 'uint', 'Offset'],
  ...avFields('ntlmssp.challenge.target_info'),
  ['ntlmssp.auth.lmresponse', 'bytes', 'Lan Manager Response'],
  ['ntlmssp.ntlmclientchallenge', 'bytes', 'LMv2 Client Challenge'],
  ['ntlmssp.auth.ntresponse', 'bytes', 'NTLM Response'],
  ['ntlmssp.ntlmv2_response', 'bytes', 'NTLMv2 Response'],
  ['ntlmssp.ntlmv2_response.ntproofstr', 'bytes', 'NTProofStr'],
  ['ntlmssp.ntlmv2_response.rversion', 'uint', 'Response Version'],
  ['ntlmssp.ntlmv2_response.hirversion', 'uint', 'Hi Response Version'],
  ['ntlmssp.ntlmv2_response.z', 'bytes', 'Z'],
  ['ntlmssp.ntlmv2_response.time', 'abstime', 'Time'],
  ['ntlmssp.ntlmv2_response.chal', 'bytes', 'NTLMv2 Client Challenge'],
  ...avFields('ntlmssp.ntlmv2_response'),
  ['ntlmssp.auth.domain', 'string', 'Domain name'],
  ['ntlmssp.auth.username', 'string', 'User name'],
  ['ntlmssp.auth.hostname', 'string', 'Host name'],
  ['ntlmssp.auth.sesskey', 'bytes', 'Session Key'],
  ['ntlmssp.authenticate.mic', 'bytes', 'MIC'],
  ['ntlmssp.verf', 'none', 'NTLMSSP Verifier'],
  ['ntlmssp.verf.vers', 'uint', 'Version Number'],
  ['ntlmssp.verf.body', 'bytes', 'Verifier Body'],
] as Parameters<typeof declare>[2]);

/** FILETIME (100 ns since 1601) as nanoseconds since 1970, what abstime fields hold. */
function filetime(d: Uint8Array, o: number): bigint {
  const ft = BigInt(u32le(d, o)) | (BigInt(u32le(d, o + 4)) << 32n);
  return (ft - 116444736000000000n) * 100n;
}

interface Msg { ctx: Ctx; l: FieldNode; d: Uint8Array; off: number; end: number; unicode: boolean }

/** A security buffer header at `at`: its length/maxlen/offset fields; returns its bytes' range or null when outside the message. */
function secbuf(m: Msg, at: number, kind: string, parent: FieldNode): [number, number] | null {
  const { ctx, d } = m;
  if (at + 8 > m.end) { ctx.malformedAt('ntlmssp', 'security buffer header cut short', at, m.end - at); return null; }
  const len = u16le(d, at), offset = u32le(d, at + 4);
  ctx.sub(parent, `${kind}.length`, len, at, 2);
  ctx.sub(parent, `${kind}.maxlen`, u16le(d, at + 2), at + 2, 2);
  ctx.sub(parent, `${kind}.offset`, offset, at + 4, 4);
  const s = m.off + offset;
  if (len > 0 && (offset > m.end - m.off || len > m.end - s)) { ctx.malformedAt('ntlmssp', `security buffer (${len} bytes at ${offset}) runs past the message`, at, 8); return null; }
  return [s, s + len];
}

/** A string security buffer: tshark shows "NULL" for an empty one. */
function secString(m: Msg, at: number, name: string, lengths = true): string | null {
  const { ctx, l, d } = m;
  if (at + 8 > m.end) return null;
  const len = u16le(d, at), offset = u32le(d, at + 4);
  const s = m.off + offset;
  const ok = len === 0 || (offset <= m.end - m.off && len <= m.end - s);
  const text = len === 0 ? 'NULL' : ok ? (m.unicode ? utf16le(d, s, s + len) : latin1(d, s, s + len)) : '';
  const f = ctx.add(l, name, text, len > 0 && ok ? s : at, len > 0 && ok ? len : 8);
  if (lengths) secbuf(m, at, 'ntlmssp.string', f);
  return ok ? text : null;
}

function version(m: Msg, at: number): void {
  const { ctx, l, d } = m;
  if (at + 8 > m.end) return;
  const v = ctx.add(l, 'ntlmssp.version', null, at, 8);
  ctx.sub(v, 'ntlmssp.version.major', d[at], at, 1);
  ctx.sub(v, 'ntlmssp.version.minor', d[at + 1], at + 1, 1);
  ctx.sub(v, 'ntlmssp.version.build_number', u16le(d, at + 2), at + 2, 2);
  ctx.sub(v, 'ntlmssp.version.ntlm_current_revision', d[at + 7], at + 7, 1);
}

/** AV pairs (MS-NLMP 2.2.2.1) in [s, e), under a field prefix. */
function avPairs(m: Msg, parent: FieldNode, p: string, s: number, e: number): void {
  const { ctx, d } = m;
  // every pair advances by at least 4 bytes: the loop ends
  for (let o = s; o + 4 <= e;) {
    const type = u16le(d, o), len = u16le(d, o + 2);
    ctx.sub(parent, `${p}.item.type`, type, o, 2);
    ctx.sub(parent, `${p}.item.length`, len, o + 2, 2);
    const v = o + 4;
    if (v + len > e) { ctx.malformedAt('ntlmssp', `AV pair length ${len} runs past its list`, o + 2, 2); return; }
    const name = AV_NAMES[type];
    // the list's end pair: tshark 4.0 adds no item for it (its List End field stays empty)
    if (type === 0) return;
    if (type >= 1 && type <= 5 || type === 9) { if (len > 0) ctx.sub(parent, `${p}.${name}`, utf16le(d, v, v + len), v, len); }
    else if (type === 6 && len >= 4) ctx.sub(parent, `${p}.flags`, u32le(d, v), v, 4);
    else if (type === 7 && len >= 8) ctx.sub(parent, `${p}.timestamp`, filetime(d, v), v, 8);
    else if (name) ctx.sub(parent, `${p}.${name}`, d.subarray(v, v + len), v, len);
    o = v + len;
  }
}

export function dissectNtlmssp(ctx: Ctx, _st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('ntlmssp', off, end - off);
  if (end - off < 12) { ctx.malformedAt('ntlmssp', `NTLMSSP message cut short (${end - off} bytes)`, off, end - off); return; }
  ctx.add(l, 'ntlmssp.identifier', latin1(d, off, off + 7), off, 8);
  const type = u32le(d, off + 8);
  ctx.add(l, 'ntlmssp.messagetype', type, off + 8, 4);
  const m: Msg = { ctx, l, d, off, end, unicode: true };
  switch (type) {
    case 1: {
      if (end - off < 16) break;
      const flags = u32le(d, off + 12);
      m.unicode = (flags & FLAG_UNICODE) !== 0;
      ctx.add(l, 'ntlmssp.negotiateflags', flags, off + 12, 4);
      // OEM strings in a NEGOTIATE (the flags say whether they are supplied)
      m.unicode = false;
      // their buffers show only when the flags say they are supplied (OEM domain/workstation supplied)
      secString(m, off + 16, 'ntlmssp.negotiate.domain', (flags & 0x1000) !== 0);
      secString(m, off + 24, 'ntlmssp.negotiate.callingworkstation', (flags & 0x2000) !== 0);
      if (flags & FLAG_VERSION) version(m, off + 32);
      noteAuth(ctx, TYPES[1]);
      break;
    }
    case 2: {
      const flags = fixedPart(m, 32, 20, 'CHALLENGE');
      if (flags === null) break;
      secString(m, off + 12, 'ntlmssp.challenge.target_name');
      ctx.add(l, 'ntlmssp.negotiateflags', flags, off + 20, 4);
      ctx.add(l, 'ntlmssp.ntlmserverchallenge', d.subarray(off + 24, off + 32), off + 24, 8);
      if (off + 48 <= end) {
        const ti = ctx.add(l, 'ntlmssp.challenge.target_info', null, off + 40, 8);
        const r = secbuf(m, off + 40, 'ntlmssp.challenge.target_info', ti);
        if (r) avPairs(m, ti, 'ntlmssp.challenge.target_info', r[0], r[1]);
      }
      if (flags & FLAG_VERSION) version(m, off + 48);
      noteAuth(ctx, TYPES[2]);
      break;
    }
    case 3: {
      const flags = fixedPart(m, 64, 60, 'AUTHENTICATE');
      if (flags === null) break;
      const lm = blobField(m, off + 12, 'ntlmssp.auth.lmresponse');
      if (lm && lm[1] - lm[0] === 24) ctx.add(l, 'ntlmssp.ntlmclientchallenge', d.subarray(lm[0] + 16, lm[1]), lm[0] + 16, 8);
      const nt = blobField(m, off + 20, 'ntlmssp.auth.ntresponse');
      if (nt && nt[1] - nt[0] > 24) ntlmv2(m, nt[0], nt[1]);
      const domain = secString(m, off + 28, 'ntlmssp.auth.domain');
      const user = secString(m, off + 36, 'ntlmssp.auth.username');
      secString(m, off + 44, 'ntlmssp.auth.hostname');
      blobField(m, off + 52, 'ntlmssp.auth.sesskey');
      ctx.add(l, 'ntlmssp.negotiateflags', flags, off + 60, 4);
      if (flags & FLAG_VERSION) version(m, off + 64);
      // a MIC follows the version when the payload starts past it (MS-NLMP 2.2.1.3)
      const first = firstPayload(m);
      if (first >= 88 && off + 88 <= end) ctx.add(l, 'ntlmssp.authenticate.mic', d.subarray(off + 72, off + 88), off + 72, 16);
      noteAuth(ctx, `${TYPES[3]}, User: ${domain ?? ''}\\${user ?? ''}`);
      break;
    }
    default:
      noteAuth(ctx, `Unknown NTLMSSP message type (${type})`);
  }
}

/**
 * The flags of a message whose fixed part is `need` bytes, read at
 * `flagsAt` (they say whether its strings are UTF-16); null, and the
 * message marked malformed, when the fixed part is cut short.
 */
function fixedPart(m: Msg, need: number, flagsAt: number, what: string): number | null {
  if (m.end - m.off < need) { m.ctx.malformedAt('ntlmssp', `${what} message cut short`, m.off, m.end - m.off); return null; }
  const flags = u32le(m.d, m.off + flagsAt);
  m.unicode = (flags & FLAG_UNICODE) !== 0;
  return flags;
}

/** the smallest offset of a non-empty payload buffer in an AUTHENTICATE message */
function firstPayload(m: Msg): number {
  let min = Infinity;
  for (const at of [12, 20, 28, 36, 44, 52]) {
    const len = u16le(m.d, m.off + at), o = u32le(m.d, m.off + at + 4);
    if (len > 0 && o < min) min = o;
  }
  return min;
}

function blobField(m: Msg, at: number, name: string): [number, number] | null {
  const { ctx, l, d } = m;
  const len = u16le(d, at), offset = u32le(d, at + 4);
  const s = m.off + offset;
  const ok = offset <= m.end - m.off && len <= m.end - s;
  const f = len > 0 && ok ? ctx.add(l, name, d.subarray(s, s + len), s, len) : ctx.add(l, name, new Uint8Array(0), at, 8);
  const r = secbuf(m, at, 'ntlmssp.blob', f);
  return ok ? r : null;
}

/** An NTLMv2 response (MS-NLMP 2.2.2.8): NTProofStr, then the client's blob with its AV pairs. */
function ntlmv2(m: Msg, s: number, e: number): void {
  const { ctx, l, d } = m;
  const r = ctx.add(l, 'ntlmssp.ntlmv2_response', d.subarray(s, e), s, e - s);
  ctx.sub(r, 'ntlmssp.ntlmv2_response.ntproofstr', d.subarray(s, s + 16), s, 16);
  if (s + 44 > e) return;
  ctx.sub(r, 'ntlmssp.ntlmv2_response.rversion', d[s + 16], s + 16, 1);
  ctx.sub(r, 'ntlmssp.ntlmv2_response.hirversion', d[s + 17], s + 17, 1);
  ctx.sub(r, 'ntlmssp.ntlmv2_response.z', d.subarray(s + 18, s + 24), s + 18, 6);
  ctx.sub(r, 'ntlmssp.ntlmv2_response.time', filetime(d, s + 24), s + 24, 8);
  ctx.sub(r, 'ntlmssp.ntlmv2_response.chal', d.subarray(s + 32, s + 40), s + 32, 8);
  ctx.sub(r, 'ntlmssp.ntlmv2_response.z', d.subarray(s + 40, s + 44), s + 40, 4);
  avPairs(m, r, 'ntlmssp.ntlmv2_response', s + 44, e);
}

/** The NTLMSSP signature SPNEGO's mechListMIC carries (MS-NLMP 2.2.2.9). */
function dissectVerifier(ctx: Ctx, _st: State, off: number, end: number): void {
  const d = ctx.d;
  // packet-ntlmssp.c's verifier dissector adds no protocol item, only its
  // Verifier field in the caller's (SPNEGO's) tree; being a dissector of the
  // ntlmssp protocol it still counts in frame.protocols
  ctx.protocols.push('ntlmssp');
  const l = ctx.tree[ctx.tree.length - 1] ?? ctx.layer('ntlmssp', off, end - off);
  if (end - off < 16) { ctx.malformedAt('ntlmssp', 'NTLMSSP verifier cut short', off, end - off); return; }
  const v = ctx.add(l, 'ntlmssp.verf', null, off, 16);
  ctx.sub(v, 'ntlmssp.verf.vers', u32le(d, off), off, 4);
  ctx.sub(v, 'ntlmssp.verf.body', d.subarray(off + 4, off + 16), off + 4, 12);
}

GSSAPI_OID.add(OID_NTLMSSP, dissectNtlmssp);
GSSAPI_OID.add(micKey(OID_NTLMSSP), dissectVerifier);
