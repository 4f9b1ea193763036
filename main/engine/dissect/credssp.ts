// CredSSP (MS-CSSP): the TSRequests RDP's Network Level Authentication
// sends inside TLS — the SPNEGO/NTLM tokens (negoTokens) go to the NTLMSSP
// dissector, so the user, domain and host of the logon appear; pubKeyAuth
// and authInfo are encrypted with the NTLM session key and stay bytes. What
// follows on the connection (RDP's TPKT) goes to TPKT. Found by a look at
// the first decrypted bytes (TLS_HEURISTICS), as tshark's CredSSP heuristic
// on TLS does. Fields and frame.protocols as tshark 4.0's packet-credssp.c.
import type { Ctx } from './context';
import type { State } from './state';
import type { TcpApp, TcpFlow, TcpStream } from './tcpstream';
import { declare } from './fields';
import * as tables from './tables';
import { readTlv, isBerError, childrenOf, int } from './ber';
import { OID_NTLMSSP, takeAuthInfo } from './gssapi';
import { tpktApp } from './tpkt';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { GSSAPI_OID, TLS_HEURISTICS } = tables;

declare('credssp', 'Credential Security Support Provider', [
  ['credssp.TSRequest_element', 'none', 'TSRequest'],
  ['credssp.version', 'int', 'version'],
  ['credssp.negoTokens', 'uint', 'negoTokens'],
  ['credssp.NegoData_item_element', 'none', 'NegoData item'],
  ['credssp.negoToken', 'bytes', 'negoToken'],
  ['credssp.authInfo', 'bytes', 'authInfo'],
  ['credssp.pubKeyAuth', 'bytes', 'pubKeyAuth'],
  ['credssp.errorCode', 'int', 'errorCode'],
  ['credssp.clientNonce', 'bytes', 'clientNonce'],
]);

/** Does [off, end) start with a TSRequest: a SEQUENCE whose first element is [0] version 2..6? */
function isTsRequest(d: Uint8Array, off: number, end: number): boolean {
  if (end - off < 7 || d[off] !== 0x30) return false;
  const t = readTlv(d, off, end);
  // the whole request need not be here yet, but its version must be
  const inner = isBerError(t) ? off + 2 + (d[off + 1] > 0x80 ? d[off + 1] & 0x7f : 0) : t.value;
  return inner + 5 <= end && d[inner] === 0xa0 && d[inner + 1] === 3 && d[inner + 2] === 2 && d[inner + 3] === 1 && d[inner + 4] >= 2 && d[inner + 4] <= 6;
}

/** One TSRequest at [off, end). */
function dissectTsRequest(ctx: Ctx, st: State, off: number, end: number): number {
  const d = ctx.d;
  const t = readTlv(d, off, end);
  if (isBerError(t)) { ctx.malformedAt('credssp', t.error, t.at, end - t.at); return end; }
  const l = ctx.layer('credssp', off, t.end - off);
  ctx.setSummary('CredSSP', '');
  const req = ctx.add(l, 'credssp.TSRequest_element', null, off, t.end - off);
  const kids = childrenOf(d, t.value, t.end, 8);
  if (kids.error) ctx.malformedAt('credssp', kids.error.error, kids.error.at, t.end - kids.error.at);
  for (const k of kids.items) {
    const x = k.constructed ? readTlv(d, k.value, k.end) : null;
    if (x === null || isBerError(x)) { ctx.malformedAt('credssp', `TSRequest [${k.tag}] is not a tagged element`, k.start, k.end - k.start); continue; }
    switch (k.tag) {
      case 0: ctx.sub(req, 'credssp.version', int(d, x) ?? 0, x.value, x.len); break;
      case 1: {
        const items = childrenOf(d, x.value, x.end, 16).items;
        const tokens = ctx.sub(req, 'credssp.negoTokens', items.length, k.start, k.end - k.start);
        for (const item of items) {
          const el = ctx.sub(tokens, 'credssp.NegoData_item_element', null, item.start, item.end - item.start);
          const tag0 = readTlv(d, item.value, item.end);
          const oct = isBerError(tag0) ? tag0 : readTlv(d, tag0.value, tag0.end);
          if (isBerError(oct)) { ctx.malformedAt('credssp', oct.error, oct.at, item.end - oct.at); continue; }
          ctx.sub(el, 'credssp.negoToken', d.subarray(oct.value, oct.end), oct.value, oct.len);
          // an NTLMSSP message, through GSS-API (tshark lists gss-api without a tree item of its own)
          ctx.protocols.push('gss-api');
          if (oct.len >= 8 && d[oct.value] === 0x4e && d[oct.value + 1] === 0x54) GSSAPI_OID.get(OID_NTLMSSP)?.(ctx, st, oct.value, oct.end);
        }
        break;
      }
      case 2: ctx.sub(req, 'credssp.authInfo', d.subarray(x.value, x.end), x.value, x.len); ctx.protocols.push('gss-api'); break;
      case 3: ctx.sub(req, 'credssp.pubKeyAuth', d.subarray(x.value, x.end), x.value, x.len); ctx.protocols.push('gss-api'); break;
      case 4: ctx.sub(req, 'credssp.errorCode', int(d, x) ?? 0, x.value, x.len); break;
      case 5: ctx.sub(req, 'credssp.clientNonce', d.subarray(x.value, x.end), x.value, x.len); break;
    }
  }
  // the NTLM message's own words (NTLMSSP_AUTH, User: D\u), as tshark's Info shows them
  ctx.info = takeAuthInfo(ctx);
  return t.end;
}

/**
 * The decrypted bytes of one direction of an RDP connection with Network
 * Level Authentication: TSRequests, then RDP's TPKT packets (which a TPKT
 * reassembler frames across records).
 */
class CredSspApp implements TcpApp {
  private readonly tpkt = tpktApp();
  private rdp = false;

  feed(ctx: Ctx, st: State, s: TcpStream, flow: TcpFlow, off: number, end: number): void {
    const d = ctx.d;
    let o = off;
    while (o < end && !this.rdp && isTsRequest(d, o, end)) o = dissectTsRequest(ctx, st, o, end);
    if (o >= end) return;
    // RDP itself from here on (tshark keeps credssp and gss-api in front of it in frame.protocols)
    this.rdp = true;
    if (!ctx.protocols.includes('credssp')) ctx.protocols.push('credssp', 'gss-api');
    this.tpkt.feed(ctx, st, s, flow, o, end);
  }

  fin(): void {}
  reset(): void { this.tpkt.reset(); }
}

TLS_HEURISTICS.add(isTsRequest, () => new CredSspApp());
