// T.125 MCS (Multipoint Communication Service) on an RDP connection, and
// the T.124 GCC conference create PDUs inside its connect PDUs
// (MS-RDPBCGR 2.2.1.3-2.2.1.10): Connect-Initial/Response in BER with
// their domain parameters, the GCC ConnectData in aligned PER around the
// RDP client and server data blocks (rdp.ts), and the DomainMCSPDUs in
// aligned PER (erect domain, attach user, channel join, send data,
// disconnect). Field names as tshark 4.0's packet-t125.c/packet-t124.c:
// the domain PDUs' fields are t124.* there, and so here.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX8 } from './fields';
import * as tables from './tables';
import { readTlv, isBerError, childrenOf, int, type Tlv } from './ber';
import { rdpClientData, rdpServerData, rdpSendData } from './rdp';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { COTP_DATA } = tables;

const DOMAIN_PDUS = [
  'plumbEdgeRequest', 'erectDomainRequest', 'mergeChannelsRequest', 'mergeChannelsConfirm', 'purgeChannelsIndication', 'mergeTokensRequest',
  'mergeTokensConfirm', 'purgeTokensIndication', 'disconnectProviderUltimatum', 'rejectMCSPDUUltimatum', 'attachUserRequest', 'attachUserConfirm',
  'detachUserRequest', 'detachUserIndication', 'channelJoinRequest', 'channelJoinConfirm', 'channelLeaveRequest', 'channelConveneRequest',
  'channelConveneConfirm', 'channelDisbandRequest', 'channelDisbandIndication', 'channelAdmitRequest', 'channelAdmitIndication', 'channelExpelRequest',
  'channelExpelIndication', 'sendDataRequest', 'sendDataIndication', 'uniformSendDataRequest', 'uniformSendDataIndication', 'tokenGrabRequest',
  'tokenGrabConfirm', 'tokenInhibitRequest', 'tokenInhibitConfirm', 'tokenGiveRequest', 'tokenGiveIndication', 'tokenGiveResponse', 'tokenGiveConfirm',
  'tokenPleaseRequest', 'tokenPleaseIndication', 'tokenReleaseRequest', 'tokenReleaseConfirm', 'tokenTestRequest', 'tokenTestConfirm',
];
const RESULTS = [
  'rt-successful', 'rt-domain-merging', 'rt-domain-not-hierarchical', 'rt-no-such-channel', 'rt-no-such-domain', 'rt-no-such-user', 'rt-not-admitted',
  'rt-other-user-id', 'rt-parameters-unacceptable', 'rt-token-not-available', 'rt-token-not-possessed', 'rt-too-many-channels', 'rt-too-many-tokens',
  'rt-too-many-users', 'rt-unspecified-failure', 'rt-user-rejected',
];
const REASONS = ['rn-domain-disconnected', 'rn-provider-initiated', 'rn-token-purged', 'rn-user-requested', 'rn-channel-purged'];
const PARAMS = ['maxChannelIds', 'maxUserIds', 'maxTokenIds', 'numPriorities', 'minThroughput', 'maxHeight', 'maxMCSPDUsize', 'protocolVersion'];
const names = (list: readonly string[]): Record<number, string> => Object.fromEntries(list.map((n, i) => [i, n]));

declare('t125', 'MULTIPOINT-COMMUNICATION-SERVICE T.125', [
  ['t125.ConnectMCSPDU', 'uint', 'ConnectMCSPDU', { valueNames: { 101: 'connect-initial', 102: 'connect-response', 103: 'connect-additional', 104: 'connect-result' } }],
  ['t125.connect_initial_element', 'none', 'connect-initial'],
  ['t125.connect_response_element', 'none', 'connect-response'],
  ['t125.callingDomainSelector', 'bytes', 'callingDomainSelector'],
  ['t125.calledDomainSelector', 'bytes', 'calledDomainSelector'],
  ['t125.upwardFlag', 'bool', 'upwardFlag'],
  ['t125.targetParameters_element', 'none', 'targetParameters'],
  ['t125.minimumParameters_element', 'none', 'minimumParameters'],
  ['t125.maximumParameters_element', 'none', 'maximumParameters'],
  ['t125.domainParameters_element', 'none', 'domainParameters'],
  ...PARAMS.map((p): [string, 'uint', string] => [`t125.${p}`, 'uint', p]),
  ['t125.userData', 'bytes', 'userData'],
  ['t125.result', 'uint', 'result', { valueNames: names(RESULTS) }],
  ['t125.calledConnectId', 'uint', 'calledConnectId'],
]);
declare('t124', 'GENERIC-CONFERENCE-CONTROL T.124', [
  ['t124.ConnectData', 'none', 'ConnectData'],
  ['t124.t124Identifier', 'uint', 't124Identifier', { valueNames: { 0: 'object', 1: 'h221NonStandard' } }],
  ['t124.object', 'string', 'object'],
  ['t124.connectPDU', 'bytes', 'connectPDU'],
  ['t124.connectGCCPDU', 'uint', 'connectGCCPDU', { valueNames: { 0: 'conferenceCreateRequest', 1: 'conferenceCreateResponse' } }],
  ['t124.conferenceCreateRequest_element', 'none', 'conferenceCreateRequest'],
  ['t124.conferenceCreateResponse_element', 'none', 'conferenceCreateResponse'],
  ['t124.conferenceName_element', 'none', 'conferenceName'],
  ['t124.numeric', 'string', 'numeric'],
  ['t124.lockedConference', 'bool', 'lockedConference'],
  ['t124.listedConference', 'bool', 'listedConference'],
  ['t124.conductibleConference', 'bool', 'conductibleConference'],
  ['t124.terminationMethod', 'uint', 'terminationMethod', { valueNames: { 0: 'automatic', 1: 'manual' } }],
  ['t124.nodeID', 'uint', 'nodeID'],
  ['t124.tag', 'int', 'tag'],
  ['t124.result', 'uint', 'result'],
  ['t124.userData', 'uint', 'userData'],
  ['t124.UserData_item_element', 'none', 'UserData item'],
  ['t124.key', 'uint', 'key', { valueNames: { 0: 'object', 1: 'h221NonStandard' } }],
  ['t124.h221NonStandard', 'bytes', 'h221NonStandard'],
  ['t124.value', 'bytes', 'value'],
  ['t124.DomainMCSPDU', 'uint', 'DomainMCSPDU', { valueNames: names(DOMAIN_PDUS) }],
  ...DOMAIN_PDUS.map((p): [string, 'none', string] => [`t124.${p}_element`, 'none', p]),
  ['t124.subHeight', 'uint', 'subHeight'],
  ['t124.subInterval', 'uint', 'subInterval'],
  ['t124.reason', 'uint', 'reason', { valueNames: names(REASONS) }],
  ['t124.initiator', 'uint', 'initiator'],
  ['t124.requested', 'uint', 'requested'],
  ['t124.channelId', 'uint', 'channelId'],
  ['t124.dataPriority', 'uint', 'dataPriority', { valueNames: { 0: 'top', 1: 'high', 2: 'medium', 3: 'low' } }],
  ['t124.segmentation', 'bytes', 'segmentation'],
  ['t124.Segmentation.begin', 'bool', 'begin', HEX8],
  ['t124.Segmentation.end', 'bool', 'end', HEX8],
]);

/** COTP data on an RDP connection: a BER connect PDU (APPLICATION 101-104) or a PER DomainMCSPDU. */
function mcs(ctx: Ctx, st: State, off: number, end: number): boolean {
  if (ctx.srcPort !== 3389 && ctx.dstPort !== 3389) return false;
  const l = ctx.layer('t125', off, end - off);
  ctx.setSummary('T.125', '');
  const d = ctx.d;
  if (end - off >= 2 && d[off] === 0x7f && d[off + 1] >= 101 && d[off + 1] <= 104) connectPdu(ctx, l, off, end);
  else domainPdu(ctx, st, l, off, end);
  return true;
}

function connectPdu(ctx: Ctx, l: FieldNode, off: number, end: number): void {
  const d = ctx.d;
  const t = readTlv(d, off, end);
  if (isBerError(t)) { ctx.malformedAt('t125', t.error, t.at, end - t.at); return; }
  const kind = t.tag;
  const top = ctx.add(l, 't125.ConnectMCSPDU', kind, off, t.end - off);
  if (kind !== 101 && kind !== 102) return;
  const el = ctx.sub(top, kind === 101 ? 't125.connect_initial_element' : 't125.connect_response_element', null, t.value, t.len);
  const kids = childrenOf(d, t.value, t.end, 16);
  if (kids.error) ctx.malformedAt('t125', kids.error.error, kids.error.at, t.end - kids.error.at);
  const items = kids.items;
  const order = kind === 101
    ? ['t125.callingDomainSelector', 't125.calledDomainSelector', 't125.upwardFlag', 't125.targetParameters_element', 't125.minimumParameters_element', 't125.maximumParameters_element', 't125.userData']
    : ['t125.result', 't125.calledConnectId', 't125.domainParameters_element', 't125.userData'];
  for (let i = 0; i < items.length && i < order.length; i++) {
    const x = items[i], name = order[i];
    if (name.endsWith('Parameters_element')) {
      const p = ctx.sub(el, name, null, x.start, x.end - x.start);
      const ps = childrenOf(d, x.value, x.end, PARAMS.length).items;
      for (let k = 0; k < ps.length; k++) ctx.sub(p, `t125.${PARAMS[k]}`, int(d, ps[k]) ?? 0, ps[k].value, ps[k].len);
    } else if (name === 't125.upwardFlag') ctx.sub(el, name, x.len > 0 && d[x.value] !== 0, x.value, x.len);
    else if (name === 't125.result' || name === 't125.calledConnectId') ctx.sub(el, name, int(d, x) ?? 0, x.value, x.len);
    else {
      ctx.sub(el, name, d.subarray(x.value, x.end), x.value, x.len);
      if (name === 't125.userData') gccConnectData(ctx, x, kind === 101);
    }
  }
}

/** An aligned-PER length determinant at o (X.691 10.9, without fragmentation): [length, bytes read], or null. */
function perLength(d: Uint8Array, o: number, end: number): [number, number] | null {
  if (o >= end) return null;
  if (d[o] < 0x80) return [d[o], 1];
  if ((d[o] & 0xc0) === 0x80 && o + 1 < end) return [((d[o] & 0x3f) << 8) | d[o + 1], 2];
  return null;
}

/**
 * The T.124 ConnectData in an MCS connect PDU's userData: the GCC object
 * key, then the Conference Create Request or Response with one h221
 * non-standard user data item ("Duca" / "McDn"), whose value holds the RDP
 * client or server data blocks.
 */
function gccConnectData(ctx: Ctx, u: Tlv, fromClient: boolean): void {
  const d = ctx.d, end = u.end;
  let o = u.value;
  const l = ctx.layer('t124', o, u.len);
  const cd = ctx.add(l, 't124.ConnectData', null, o, u.len);
  const bad = (why: string, at: number): void => ctx.malformedAt('t124', why, at, Math.max(0, end - at));
  // t124Identifier: CHOICE { object OBJECT IDENTIFIER, h221NonStandard }; RDP sends the object 0.0.20.124.0.1
  if (o + 2 > end || d[o] !== 0) { bad('T.124 identifier is not an object identifier', o); return; }
  const oidLen = d[o + 1];
  if (o + 2 + oidLen > end) { bad('T.124 object identifier runs past the user data', o); return; }
  const ident = ctx.sub(cd, 't124.t124Identifier', 0, o, 2 + oidLen);
  ctx.sub(ident, 't124.object', oidText(d, o + 2, o + 2 + oidLen), o + 2, oidLen);
  o += 2 + oidLen;
  const pl = perLength(d, o, end);
  if (!pl || o + pl[1] + pl[0] > end) { bad('T.124 connectPDU length runs past the user data', o); return; }
  o += pl[1];
  const pduEnd = o + pl[0];
  const pdu = ctx.sub(cd, 't124.connectPDU', d.subarray(o, pduEnd), o, pl[0]);
  const choice = (d[o] >> 4) & 7;
  const gcc = ctx.sub(pdu, 't124.connectGCCPDU', choice, o, pl[0]);
  let at: number;
  if (choice === 0) {
    const req = ctx.sub(gcc, 't124.conferenceCreateRequest_element', null, o, pl[0]);
    // choice and extension bits, then 8 optional-field bits; conferenceName: SEQUENCE { numeric (1..255 digits, 4 bits each) }
    at = o + 2;
    if (at + 1 > pduEnd) { bad('T.124 conference name cut short', at); return; }
    const digits = d[at] + 1, nb = Math.ceil(digits / 2);
    if (at + 1 + nb + 2 > pduEnd) { bad('T.124 conference name cut short', at); return; }
    const name = ctx.sub(req, 't124.conferenceName_element', null, at, 1 + nb);
    let num = '';
    for (let k = 0; k < digits; k++) num += '0123456789 '[(d[at + 1 + (k >> 1)] >> (k & 1 ? 0 : 4)) & 15] ?? '?';
    ctx.sub(name, 't124.numeric', num, at + 1, nb);
    // then, unaligned, right after the last digit: three BOOLEANs, the ENUMERATED's extension bit and its
    // one-bit index; the user data SET OF's length is octet-aligned after them
    let bit = (at + 1) * 8 + digits * 4;
    const next = (): number => { const v = (d[bit >> 3] >> (7 - (bit & 7))) & 1; bit++; return v; };
    if ((bit + 5 + 7) >> 3 > pduEnd) { bad('T.124 conference create request cut short', at); return; }
    for (const f of ['t124.lockedConference', 't124.listedConference', 't124.conductibleConference']) ctx.sub(req, f, next() === 1, bit >> 3, 1);
    next();
    ctx.sub(req, 't124.terminationMethod', next(), bit >> 3, 1);
    at = (bit + 7) >> 3;
    userDataSet(ctx, req, at, pduEnd, fromClient);
  } else if (choice === 1) {
    const rsp = ctx.sub(gcc, 't124.conferenceCreateResponse_element', null, o, pl[0]);
    // nodeID: UserID (1001..65535) in two bytes; tag: an unconstrained INTEGER; result: an extensible ENUMERATED
    if (o + 4 > pduEnd) { bad('T.124 conference create response cut short', o); return; }
    ctx.sub(rsp, 't124.nodeID', ((d[o + 1] << 8) | d[o + 2]) + 1001, o + 1, 2);
    const tl = d[o + 3];
    if (tl < 1 || tl > 4 || o + 4 + tl + 1 > pduEnd) { bad('T.124 tag cut short', o + 3); return; }
    let tag = 0;
    for (let k = 0; k < tl; k++) tag = tag * 256 + d[o + 4 + k];
    ctx.sub(rsp, 't124.tag', tag, o + 3, 1 + tl);
    at = o + 4 + tl;
    // an extension bit, then the index of five values in three bits
    ctx.sub(rsp, 't124.result', (d[at] >> 4) & 7, at, 1);
    userDataSet(ctx, rsp, at + 1, pduEnd, fromClient);
  }
}

/** GCC UserData: a SET OF { key (h221NonStandard), value OCTET STRING } — RDP's data blocks in the value. */
function userDataSet(ctx: Ctx, parent: FieldNode, at: number, end: number, fromClient: boolean): void {
  const d = ctx.d;
  if (at >= end) { ctx.malformedAt('t124', 'T.124 user data missing', at, 0); return; }
  const count = d[at];
  const set = ctx.sub(parent, 't124.userData', count, at, end - at);
  let o = at + 1;
  for (let i = 0; i < count && o < end; i++) {
    // optional value bit, key CHOICE index (1 = h221NonStandard), then the key's length less its minimum of 4
    const item = ctx.sub(set, 't124.UserData_item_element', null, o, end - o);
    const keyChoice = (d[o] >> 6) & 1;
    if (keyChoice !== 1 || o + 2 > end) { ctx.malformedAt('t124', 'T.124 user data key is not h221NonStandard', o, end - o); return; }
    const klen = d[o + 1] + 4;
    if (o + 2 + klen > end) { ctx.malformedAt('t124', 'T.124 user data key runs past the PDU', o, end - o); return; }
    const key = ctx.sub(item, 't124.key', 1, o, 2 + klen);
    ctx.sub(key, 't124.h221NonStandard', d.subarray(o + 2, o + 2 + klen), o + 2, klen);
    o += 2 + klen;
    const vl = perLength(d, o, end);
    if (!vl || o + vl[1] + vl[0] > end) { ctx.malformedAt('t124', 'T.124 user data value runs past the PDU', o, end - o); return; }
    o += vl[1];
    ctx.sub(item, 't124.value', d.subarray(o, o + vl[0]), o, vl[0]);
    if (fromClient) rdpClientData(ctx, o, o + vl[0]);
    else rdpServerData(ctx, o, o + vl[0]);
    o += vl[0];
  }
}

function oidText(d: Uint8Array, s: number, e: number): string {
  const parts: number[] = [];
  let v = 0;
  for (let i = s; i < e; i++) {
    v = v * 128 + (d[i] & 0x7f);
    if ((d[i] & 0x80) === 0) {
      if (parts.length === 0) { const f = v < 40 ? 0 : v < 80 ? 1 : 2; parts.push(f, v - f * 40); } else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** One DomainMCSPDU (aligned PER): the choice in the top six bits of the first byte. */
function domainPdu(ctx: Ctx, st: State, l: FieldNode, off: number, end: number): void {
  const d = ctx.d;
  const choice = d[off] >> 2;
  const name = DOMAIN_PDUS[choice];
  const top = ctx.add(l, 't124.DomainMCSPDU', choice, off, end - off);
  if (name === undefined) { ctx.info = `Unknown DomainMCSPDU (${choice})`; return; }
  const el = ctx.sub(top, `t124.${name}_element`, null, off, end - off);
  ctx.info = `${name} `;
  const need = (n: number): boolean => {
    if (off + n <= end) return true;
    ctx.boundsAt('t125', `${name} cut short`, off, end - off);
    return false;
  };
  const u16 = (o: number): number => (d[o] << 8) | d[o + 1];
  switch (choice) {
    case 1: { // erectDomainRequest: subHeight, subInterval (unconstrained INTEGER(0..MAX): a length byte, then the value)
      let o = off + 1;
      for (const f of ['t124.subHeight', 't124.subInterval']) {
        if (!need(o + 1 - off)) return;
        const n = d[o];
        if (n > 6 || !need(o + 1 + n - off)) return;
        let v = 0;
        for (let k = 0; k < n; k++) v = v * 256 + d[o + 1 + k];
        ctx.sub(el, f, v, o, 1 + n);
        o += 1 + n;
      }
      break;
    }
    case 8: // disconnectProviderUltimatum: reason, 3 bits after the choice
      if (!need(2)) return;
      ctx.sub(el, 't124.reason', ((d[off] & 3) << 1) | (d[off + 1] >> 7), off, 1);
      break;
    case 11: case 15: { // attachUserConfirm, channelJoinConfirm: an optional-field bit, result (4 bits), initiator, ...
      if (!need(2)) return;
      ctx.sub(el, 't124.result', ((d[off] & 1) << 3) | (d[off + 1] >> 5), off, 1);
      const present = (d[off] & 2) !== 0;
      if (choice === 11) {
        if (present && need(4)) ctx.sub(el, 't124.initiator', u16(off + 2), off + 2, 2);
      } else {
        if (!need(6)) return;
        ctx.sub(el, 't124.initiator', u16(off + 2), off + 2, 2);
        ctx.sub(el, 't124.requested', u16(off + 4), off + 4, 2);
        if (present && need(8)) ctx.sub(el, 't124.channelId', u16(off + 6), off + 6, 2);
        ctx.info = `${name} ${u16(off + 4)}`;
      }
      break;
    }
    case 14: // channelJoinRequest: initiator, channelId
      if (!need(5)) return;
      ctx.sub(el, 't124.initiator', u16(off + 1), off + 1, 2);
      ctx.sub(el, 't124.channelId', u16(off + 3), off + 3, 2);
      ctx.info = `${name} ${u16(off + 3)}`;
      break;
    case 25: case 26: { // sendDataRequest/Indication: initiator, channelId, dataPriority (2 bits), segmentation (2 bits), userData
      if (!need(7)) return;
      ctx.sub(el, 't124.initiator', u16(off + 1), off + 1, 2);
      const channel = u16(off + 3);
      ctx.sub(el, 't124.channelId', channel, off + 3, 2);
      const b = d[off + 5];
      ctx.sub(el, 't124.dataPriority', b >> 6, off + 5, 1);
      const seg = ctx.sub(el, 't124.segmentation', Uint8Array.of((b << 2) & 0xc0), off, 1);
      ctx.sub(seg, 't124.Segmentation.begin', (b & 0x20) !== 0, off + 5, 1);
      ctx.sub(seg, 't124.Segmentation.end', (b & 0x10) !== 0, off + 5, 1);
      const len = perLength(d, off + 6, end);
      if (!len || off + 6 + len[1] + len[0] > end) { ctx.boundsAt('t125', `${name} user data runs past the PDU`, off + 6, end - off - 6); return; }
      const u = off + 6 + len[1];
      rdpSendData(ctx, st, choice === 26, channel, u, u + len[0]);
      break;
    }
  }
}

COTP_DATA.add(mcs);
