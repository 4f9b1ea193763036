// L2TP, the Layer 2 Tunneling Protocol: version 2 (RFC 2661, udp/1701:
// control messages with their AVPs, data messages carrying PPP) and the
// version 3 control header (RFC 3931, over udp/1701 and IP protocol 115).
// Fields as tshark 4.0's packet-l2tp.c. Every AVP length is checked
// against the message, whose own length is checked against the datagram.
import type { Ctx, FieldNode } from './context';
import { declare, HEX16, HEX32 } from './fields';
import { dissectData } from './data';
import { dissectPpp } from './tunnel';
import type { State } from './state';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { IP_PROTO, UDP_PORT } = tables;
const { u16, u32 } = readers;

const MESSAGES: Record<number, [string, string]> = {
  0: ['Control Message', 'ZLB'], 1: ['Start_Control_Request', 'SCCRQ'], 2: ['Start_Control_Reply', 'SCCRP'], 3: ['Start_Control_Connected', 'SCCCN'],
  4: ['Stop_Control_Notification', 'StopCCN'], 5: ['Reserved', 'Reserved'], 6: ['Hello', 'Hello'], 7: ['Outgoing_Call_Request', 'OCRQ'],
  8: ['Outgoing_Call_Reply', 'OCRP'], 9: ['Outgoing_Call_Connected', 'OCCN'], 10: ['Incoming_Call_Request', 'ICRQ'], 11: ['Incoming_Call_Reply', 'ICRP'],
  12: ['Incoming_Call_Connected', 'ICCN'], 13: ['Reserved', 'Reserved'], 14: ['Call_Disconnect_Notification', 'CDN'], 15: ['WAN_Error_Notify', 'WEN'],
  16: ['Set_Link_Info', 'SLI'], 20: ['Explicit Acknowledgement', 'ACK'],
};

declare('l2tp', 'Layer 2 Tunneling Protocol', [
  ['l2tp.flags', 'uint', 'Flags', HEX16],
  ['l2tp.type', 'uint', 'Type', { valueNames: { 0: 'Data Message', 1: 'Control Message' } }],
  ['l2tp.length_bit', 'bool', 'Length Bit'],
  ['l2tp.seq_bit', 'bool', 'Sequence Bit'],
  ['l2tp.offset_bit', 'bool', 'Offset bit'],
  ['l2tp.priority', 'bool', 'Priority'],
  ['l2tp.version', 'uint', 'Version'],
  ['l2tp.length', 'uint', 'Length'],
  ['l2tp.tunnel', 'uint', 'Tunnel ID'],
  ['l2tp.session', 'uint', 'Session ID'],
  ['l2tp.Ns', 'uint', 'Ns'],
  ['l2tp.Nr', 'uint', 'Nr'],
  ['l2tp.offset', 'uint', 'Offset Size'],
  ['l2tp.ccid', 'uint', 'Control Connection ID', HEX32],
  ['l2tp.sid', 'uint', 'Session ID', HEX32],
  ['l2tp.avp.mandatory', 'bool', 'Mandatory'],
  ['l2tp.avp.hidden', 'bool', 'Hidden'],
  ['l2tp.avp.length', 'uint', 'Length'],
  ['l2tp.avp.vendor_id', 'uint', 'Vendor ID'],
  ['l2tp.avp.type', 'uint', 'AVP Type'],
  ['l2tp.avp.message_type', 'uint', 'Message Type', { valueNames: Object.fromEntries(Object.entries(MESSAGES).map(([k, v]) => [k, v[0]])) }],
  ['l2tp.avp.assigned_tunnel_id', 'uint', 'Assigned Tunnel ID'],
  ['l2tp.avp.assigned_session_id', 'uint', 'Assigned Session ID'],
  ['l2tp.avp.host_name', 'string', 'Host Name'],
]);

const MAX_AVPS = 256;

const hex8 = (n: number): string => `0x${n.toString(16).toUpperCase().padStart(8, '0')}`;

/** The flags word; version 3 has no offset or priority bits. */
function flagFields(ctx: Ctx, l: FieldNode, w: number, off: number): void {
  const f = ctx.add(l, 'l2tp.flags', w, off, 2);
  ctx.sub(f, 'l2tp.type', w >> 15, off, 2);
  ctx.sub(f, 'l2tp.length_bit', (w & 0x4000) !== 0, off, 2);
  ctx.sub(f, 'l2tp.seq_bit', (w & 0x0800) !== 0, off, 2);
  if ((w & 15) !== 3) {
    ctx.sub(f, 'l2tp.offset_bit', (w & 0x0200) !== 0, off, 2);
    ctx.sub(f, 'l2tp.priority', (w & 0x0100) !== 0, off, 2);
  }
  ctx.sub(f, 'l2tp.version', w & 15, off, 2);
}

function dissectL2tpUdp(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('l2tp', off, Math.max(0, end - off));
  ctx.protocol = 'L2TP';
  if (end - off < 2) { ctx.malformedAt('l2tp', 'L2TP header cut short', off, end - off); return; }
  const w = u16(d, off), version = w & 15, control = (w & 0x8000) !== 0;
  if (version === 3) { v3Udp(ctx, st, l, w, off, end); return; }
  if (version !== 2) { ctx.info = `Unknown version ${version}`; return; }
  const need = 6 + (w & 0x4000 ? 2 : 0) + (w & 0x0800 ? 4 : 0) + (w & 0x0200 ? 2 : 0);
  flagFields(ctx, l, w, off);
  if (end - off < need) { ctx.malformedAt('l2tp', `L2TP header cut short (${end - off} of ${need} bytes)`, off, end - off); return; }
  let o = off + 2, msgEnd = end;
  if (w & 0x4000) {
    const len = u16(d, o);
    ctx.add(l, 'l2tp.length', len, o, 2);
    if (len < need || off + len > end) ctx.malformedAt('l2tp', `L2TP length ${len} does not fit the ${end - off} bytes present`, o, 2);
    else msgEnd = off + len;
    o += 2;
  }
  const tunnel = u16(d, o), session = u16(d, o + 2);
  ctx.add(l, 'l2tp.tunnel', tunnel, o, 2);
  ctx.add(l, 'l2tp.session', session, o + 2, 2);
  o += 4;
  if (w & 0x0800) {
    ctx.add(l, 'l2tp.Ns', u16(d, o), o, 2);
    ctx.add(l, 'l2tp.Nr', u16(d, o + 2), o + 2, 2);
    o += 4;
  }
  if (w & 0x0200) {
    const pad = u16(d, o);
    ctx.add(l, 'l2tp.offset', pad, o, 2);
    o += 2 + pad;
    if (o > msgEnd) { ctx.malformedAt('l2tp', `L2TP offset ${pad} runs past the message`, o - 2 - pad, 2); return; }
  }
  const ids = `(tunnel id=${tunnel}, session id=${session})`;
  if (!control) {
    l.len = o - off;
    ctx.info = `Data    ${ids}`;
    if (o < msgEnd) dissectPpp(ctx, st, o, msgEnd);
    return;
  }
  const type = avps(ctx, l, o, msgEnd);
  const m = MESSAGES[type] ?? ['Unknown', 'Unknown'];
  ctx.info = type < 0 ? `Control Message - ZLB      ${ids}` : `Control Message - ${m[1]} ${ids}`;
}

/** The AVPs of a control message; returns its message type, -1 when there is none (a ZLB acknowledgement). */
function avps(ctx: Ctx, l: FieldNode, o: number, end: number): number {
  const d = ctx.d;
  let type = -1;
  for (let n = 0; o < end && n < MAX_AVPS; n++) {
    if (end - o < 6) { ctx.malformedAt('l2tp', `AVP header cut short (${end - o} of 6 bytes)`, o, end - o); return type; }
    const w = u16(d, o), len = w & 0x3ff, vendor = u16(d, o + 2), at = u16(d, o + 4);
    ctx.add(l, 'l2tp.avp.mandatory', (w & 0x8000) !== 0, o, 2);
    ctx.add(l, 'l2tp.avp.hidden', (w & 0x4000) !== 0, o, 2);
    ctx.add(l, 'l2tp.avp.length', len, o, 2);
    if (len < 6 || o + len > end) { ctx.malformedAt('l2tp', `AVP length ${len} does not fit the ${end - o} bytes left`, o, 2); return type; }
    ctx.add(l, 'l2tp.avp.vendor_id', vendor, o + 2, 2);
    ctx.add(l, 'l2tp.avp.type', at, o + 4, 2);
    const v = o + 6, vl = len - 6;
    if (vendor === 0 && !(w & 0x4000)) {
      if (at === 0 && vl >= 2) { type = u16(d, v); ctx.add(l, 'l2tp.avp.message_type', type, v, 2); }
      else if (at === 9 && vl >= 2) ctx.add(l, 'l2tp.avp.assigned_tunnel_id', u16(d, v), v, 2);
      else if (at === 14 && vl >= 2) ctx.add(l, 'l2tp.avp.assigned_session_id', u16(d, v), v, 2);
      else if (at === 7 && vl > 0) ctx.add(l, 'l2tp.avp.host_name', readers.latin1(d, v, v + vl), v, vl);
    }
    o += len;
  }
  return type;
}

/** L2TPv3 over UDP: a control header (control connection id, Ns, Nr, AVPs) or a data header (session id). */
function v3Udp(ctx: Ctx, _st: State, l: FieldNode, w: number, off: number, end: number): void {
  const d = ctx.d;
  flagFields(ctx, l, w, off);
  if (!(w & 0x8000)) {
    if (end - off < 8) { ctx.malformedAt('l2tp', 'L2TPv3 data header cut short', off, end - off); return; }
    const sid = u32(d, off + 4);
    ctx.add(l, 'l2tp.sid', sid, off + 4, 4);
    l.len = 8;
    ctx.info = `D[S:${hex8(sid)}]`;
    dissectData(ctx, off + 8, end);
    return;
  }
  if (end - off < 12) { ctx.malformedAt('l2tp', 'L2TPv3 control header cut short', off, end - off); return; }
  v3Control(ctx, l, off, end);
}

/** L2TPv3 over IP: session id 0 announces a control message. */
function dissectL2tpIp(ctx: Ctx, _st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('l2tp', off, Math.max(0, end - off));
  ctx.protocol = 'L2TPv3';
  if (end - off < 4) { ctx.malformedAt('l2tp', 'L2TPv3 session id cut short', off, end - off); return; }
  const sid = u32(d, off);
  if (sid !== 0) {
    ctx.add(l, 'l2tp.sid', sid, off, 4);
    l.len = 4;
    ctx.info = `D[S:${hex8(sid)}]`;
    dissectData(ctx, off + 4, end);
    return;
  }
  ctx.add(l, 'l2tp.sid', sid, off, 4);
  if (end - off < 16) { ctx.malformedAt('l2tp', 'L2TPv3 control header cut short', off, end - off); return; }
  const o = off + 4, w = u16(d, o);
  flagFields(ctx, l, w, o);
  v3Control(ctx, l, o, end);
}

/** The L2TPv3 control header after its flags word (at o), both over UDP and over IP: length, ccid, Ns/Nr, then the AVPs. */
function v3Control(ctx: Ctx, l: FieldNode, o: number, end: number): void {
  const d = ctx.d;
  const len = u16(d, o + 2);
  ctx.add(l, 'l2tp.length', len, o + 2, 2);
  const ccid = u32(d, o + 4);
  ctx.add(l, 'l2tp.ccid', ccid, o + 4, 4);
  ctx.add(l, 'l2tp.Ns', u16(d, o + 8), o + 8, 2);
  ctx.add(l, 'l2tp.Nr', u16(d, o + 10), o + 10, 2);
  let msgEnd = end;
  if (len < 12 || o + len > end) ctx.malformedAt('l2tp', `L2TP length ${len} does not fit the ${end - o} bytes present`, o + 2, 2);
  else msgEnd = o + len;
  const type = avps(ctx, l, o + 12, msgEnd);
  const m = MESSAGES[type] ?? ['Unknown', 'Unknown'];
  ctx.info = type < 0 ? `Control Message - ZLB      (ccid=${hex8(ccid)})` : `Control Message - ${m[1]} (ccid=${hex8(ccid)})`;
}

// packet-l2tp.c dissect_l2tp_udp: two bytes at least and version 2 or 3; else not L2TP, and the other port is tried
UDP_PORT.add([1701], dissectL2tpUdp, { accepts: (d, off, end) => end - off >= 2 && ((d[off + 1] & 15) === 2 || (d[off + 1] & 15) === 3) });
IP_PROTO.add(115, dissectL2tpIp);
