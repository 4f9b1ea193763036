// RDP's connection start (MS-RDPBCGR 2.2.1.1-2.2.1.2): the routing token or
// "Cookie: mstshash=<user>" and the negotiation request (requested security
// protocols: standard RDP, TLS, CredSSP) in the X.224 Connection Request,
// the negotiation response (the chosen protocol) or failure in the
// Connection Confirm; then the T.125 (MCS) PDUs carried in COTP data.
// Fields and Info as tshark 4.0's packet-rdp.c / packet-t125.c. What
// follows TLS/CredSSP is encrypted; standard-security client info is RC4.
import type { Ctx } from './context';
import type { State } from './state';
import { declare, HEX8, HEX32 } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { COTP_CONNECT_DATA, COTP_DATA } = tables;
const { u16le, u32le, latin1 } = readers;

const FAILURES: Record<number, string> = {
  1: 'Server requires Enhanced RDP Security with TLS', 2: 'Server only supports Standard RDP Security',
  3: 'Server lacks a valid authentication certificate', 4: 'Inconsistent flags in negotiation request',
  5: 'Server requires Enhanced RDP Security with CredSSP', 6: 'Server requires Enhanced RDP Security with TLS and certificate-based client authentication',
};

declare('rdp', 'Remote Desktop Protocol', [
  ['rdp.rt_cookie', 'string', 'Routing Token/Cookie'],
  ['rdp.neg_type', 'uint', 'Type', { ...HEX8, valueNames: { 1: 'RDP Negotiation Request', 2: 'RDP Negotiation Response', 3: 'RDP Negotiation Failure' } }],
  ['rdp.negReq.flags', 'uint', 'Flags', HEX8],
  ['rdp.negReq.flags.restricted_admin_mode_req', 'bool', 'Restricted admin mode required'],
  ['rdp.negRsp.flags', 'uint', 'Flags', HEX8],
  ['rdp.neg_length', 'uint', 'Length'],
  ['rdp.negReq.requestedProtocols', 'uint', 'requestedProtocols', HEX32],
  ['rdp.negReq.requestedProtocols.ssl', 'bool', 'TLS security supported'],
  ['rdp.negReq.requestedProtocols.hybrid', 'bool', 'CredSSP supported'],
  ['rdp.negReq.requestedProtocols.rdstls', 'bool', 'RDSTLS supported'],
  ['rdp.negReq.requestedProtocols.hybrid_ex', 'bool', 'CredSSP with Early User Authorization Result PDU supported'],
  ['rdp.negReq.selectedProtocol', 'uint', 'selectedProtocol', HEX32],
  ['rdp.negFailure.failureCode', 'uint', 'failureCode', { ...HEX32, valueNames: FAILURES }],
]);
declare('t125', 'MULTIPOINT-COMMUNICATION-SERVICE T.125', []);

/** X.224 CR/CC user data on an RDP connection: the cookie line, then an 8-byte negotiation structure. */
function connectData(ctx: Ctx, _st: State, off: number, end: number): boolean {
  const d = ctx.d;
  const looksNeg = (o: number): boolean => end - o >= 8 && d[o] >= 1 && d[o] <= 3 && u16le(d, o + 2) === 8;
  const cookie = end - off >= 8 && latin1(d, off, off + 8) === 'Cookie: ';
  if (!cookie && !looksNeg(off)) return false;
  const l = ctx.layer('rdp', off, end - off);
  ctx.protocol = 'RDP';
  const info: string[] = [];
  let o = off;
  if (cookie) {
    let e = o;
    while (e + 1 < end && !(d[e] === 13 && d[e + 1] === 10)) e++;
    const text = latin1(d, o, e);
    ctx.add(l, 'rdp.rt_cookie', text, o, e + 2 - o);
    info.push(text);
    o = Math.min(end, e + 2);
  }
  if (looksNeg(o)) {
    const type = d[o], flags = d[o + 1], v = u32le(d, o + 4);
    ctx.add(l, 'rdp.neg_type', type, o, 1);
    if (type === 1) {
      const f = ctx.add(l, 'rdp.negReq.flags', flags, o + 1, 1);
      ctx.sub(f, 'rdp.negReq.flags.restricted_admin_mode_req', (flags & 1) !== 0, o + 1, 1);
    } else if (type === 2) ctx.add(l, 'rdp.negRsp.flags', flags, o + 1, 1);
    else ctx.add(l, 'rdp.negReq.flags', flags, o + 1, 1); // (a failure's flags under the request's name, as tshark 4.0)
    ctx.add(l, 'rdp.neg_length', 8, o + 2, 2);
    if (type === 1) {
      const r = ctx.add(l, 'rdp.negReq.requestedProtocols', v, o + 4, 4);
      ctx.sub(r, 'rdp.negReq.requestedProtocols.ssl', (v & 1) !== 0, o + 4, 4);
      ctx.sub(r, 'rdp.negReq.requestedProtocols.hybrid', (v & 2) !== 0, o + 4, 4);
      ctx.sub(r, 'rdp.negReq.requestedProtocols.rdstls', (v & 4) !== 0, o + 4, 4);
      ctx.sub(r, 'rdp.negReq.requestedProtocols.hybrid_ex', (v & 8) !== 0, o + 4, 4);
      info.push('Negotiate Request');
    } else if (type === 2) {
      ctx.add(l, 'rdp.negReq.selectedProtocol', v, o + 4, 4);
      info.push('Negotiate Response');
    } else {
      ctx.add(l, 'rdp.negFailure.failureCode', v, o + 4, 4);
      info.push(`Negotiate Failure, failureCode ${FAILURES[v] ?? `Unknown (0x${v.toString(16).padStart(8, '0')})`}`);
    }
  }
  ctx.info = info.join(', ');
  return true;
}

/** COTP data on an RDP connection: T.125 MCS (the connect PDUs in BER, domain PDUs in PER). */
function mcs(ctx: Ctx, _st: State, off: number, end: number): boolean {
  if (ctx.srcPort !== 3389 && ctx.dstPort !== 3389) return false;
  ctx.layer('t125', off, end - off);
  ctx.setSummary('T.125', '');
  return true;
}

COTP_CONNECT_DATA.add(connectData);
COTP_DATA.add(mcs);
