// HSRP, Cisco's Hot Standby Router Protocol (RFC 2281), on udp/1985 and
// udp/2029 as tshark 4.0 registers it: version 0 to 224.0.0.2 (Hello, Coup,
// Resign with timers, priority, group, password and virtual address;
// Advertise with its interface-state TLV; the MD5 TLV a 50-byte packet
// carries), version 2 to 224.0.0.102 or over IPv6 on 2029 as TLVs (group
// state, interface state, text and MD5 authentication). Like
// packet-hsrp.c it takes only datagrams to its ports, and decodes only
// those sent to its group addresses (others keep UDP's columns).
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX8 } from './fields';
import { dissectData } from './data';
import { Tvb, guarded } from './tvb';
import { u16 } from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { UDP_PORT } = tables;

const PORT = 1985, PORT_V6 = 2029;
const ALL_ROUTERS = 0xe0000002, HSRP2_GROUP = 0xe0000066;
const OPCODE: Record<number, string> = { 0: 'Hello', 1: 'Coup', 2: 'Resign', 3: 'Advertise' };
const STATE: Record<number, string> = { 0: 'Initial', 1: 'Learn', 2: 'Listen', 4: 'Speak', 8: 'Standby', 16: 'Active' };
const ADV_STATE: Record<number, string> = { 1: 'Dormant', 2: 'Passive', 3: 'Active' };
const OPCODE2: Record<number, string> = { 0: 'Hello', 1: 'Coup', 2: 'Resign' };
const STATE2: Record<number, string> = { 1: 'Init', 2: 'Learn', 3: 'Listen', 4: 'Speak', 5: 'Standby', 6: 'Active' };

declare('hsrp', 'Cisco Hot Standby Router Protocol', [
  ['hsrp.version', 'uint', 'Version'],
  ['hsrp.opcode', 'uint', 'Op Code', { valueNames: OPCODE }],
  ['hsrp.state', 'uint', 'State', { valueNames: STATE }],
  ['hsrp.hellotime', 'uint', 'Hellotime'],
  ['hsrp.holdtime', 'uint', 'Holdtime'],
  ['hsrp.priority', 'uint', 'Priority'],
  ['hsrp.group', 'uint', 'Group'],
  ['hsrp.reserved', 'uint', 'Reserved'],
  ['hsrp.auth_data', 'string', 'Authentication Data'],
  ['hsrp.virt_ip', 'ipv4', 'Virtual IP Address'],
  ['hsrp.adv.tlvtype', 'uint', 'Adv type', { valueNames: { 1: 'HSRP interface state', 2: 'IP redundancy' } }],
  ['hsrp.adv.tlvlength', 'uint', 'Adv length'],
  ['hsrp.adv.state', 'uint', 'Adv state', { valueNames: ADV_STATE }],
  ['hsrp.adv.reserved1', 'uint', 'Adv reserved1'],
  ['hsrp.adv.activegrp', 'uint', 'Adv active groups'],
  ['hsrp.adv.passivegrp', 'uint', 'Adv passive groups'],
  ['hsrp.adv.reserved2', 'uint', 'Adv reserved2'],
  ['hsrp.unknown_tlv', 'none', 'Unknown TLV sequence (HSRPv1)'],
  ['hsrp.md5_ip_address', 'ipv4', "Sender's IP Address"],
  ['hsrp2.version', 'uint', 'Version'],
  ['hsrp2.opcode', 'uint', 'Op Code', { valueNames: OPCODE2 }],
  ['hsrp2.state', 'uint', 'State', { valueNames: STATE2 }],
  ['hsrp2.group_state_tlv', 'uint', 'Group State TLV'],
  ['hsrp2.interface_state_tlv', 'uint', 'Interface State TLV'],
  ['hsrp2.text_auth_tlv', 'uint', 'Text Authentication TLV'],
  ['hsrp2.md5_auth_tlv', 'uint', 'MD5 Authentication TLV'],
  ['hsrp2.ipversion', 'uint', 'IP Ver.', { valueNames: { 4: 'IPv4', 6: 'IPv6' } }],
  ['hsrp2.group', 'uint', 'Group'],
  ['hsrp2.identifier', 'ether', 'Identifier'],
  ['hsrp2.hellotime', 'uint', 'Hellotime'],
  ['hsrp2.holdtime', 'uint', 'Holdtime'],
  ['hsrp2.priority', 'uint', 'Priority'],
  ['hsrp2.auth_data', 'string', 'Authentication Data'],
  ['hsrp2.virt_ip', 'ipv4', 'Virtual IP Address'],
  ['hsrp2.virt_ip_v6', 'ipv6', 'Virtual IPv6 Address'],
  ['hsrp2.active_groups', 'uint', 'Active Groups'],
  ['hsrp2.passive_groups', 'uint', 'Passive Groups'],
  ['hsrp2.md5_algorithm', 'uint', 'MD5 Algorithm', { valueNames: { 1: 'MD5' } }],
  ['hsrp2.md5_padding', 'uint', 'Padding', HEX8],
  ['hsrp2.md5_flags', 'uint', 'MD5 Flags'],
  ['hsrp2.md5_key_id', 'uint', 'MD5 Key ID'],
  ['hsrp2.md5_auth_data', 'bytes', 'MD5 Authentication Data'],
]);

/** An ENC_ASCII FT_STRING of fixed size: up to the first NUL, bytes past 0x7f not ASCII. */
function text(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length && b[i] !== 0; i++) s += b[i] < 0x80 ? String.fromCharCode(b[i]) : '\ufffd';
  return s;
}

function md5Tlv(ctx: Ctx, t: Tvb, l: FieldNode, o: number): void {
  ctx.sub(l, 'hsrp2.md5_auth_tlv', t.u8(o), o, 1);
  t.u8(o + 1);
  ctx.sub(l, 'hsrp2.md5_algorithm', t.u8(o + 2), o + 2, 1);
  ctx.sub(l, 'hsrp2.md5_padding', t.u8(o + 3), o + 3, 1);
  ctx.sub(l, 'hsrp2.md5_flags', t.u16(o + 4), o + 4, 2);
  ctx.sub(l, 'hsrp.md5_ip_address', t.u32(o + 6), o + 6, 4);
  ctx.sub(l, 'hsrp2.md5_key_id', t.u32(o + 10), o + 10, 4);
  ctx.sub(l, 'hsrp2.md5_auth_data', t.bytes(o + 14, 16), o + 14, 16);
}

function v1(ctx: Ctx, t: Tvb, off: number, end: number): void {
  ctx.protocol = 'HSRP';
  const l = ctx.layer('hsrp', off, end - off);
  const opcode = t.u8(off + 1);
  ctx.info = OPCODE[opcode] ?? 'Unknown';
  let state = 0;
  if (opcode < 3) { state = t.u8(off + 2); ctx.info += ` (state ${STATE[state] ?? 'Unknown'})`; } else if (opcode === 3) { state = t.u8(off + 6); ctx.info += ` (state ${ADV_STATE[state] ?? 'Unknown'})`; }
  ctx.sub(l, 'hsrp.version', t.u8(off), off, 1);
  ctx.sub(l, 'hsrp.opcode', opcode, off + 1, 1);
  let o = off + 2;
  if (opcode < 3) {
    ctx.sub(l, 'hsrp.state', state, o, 1);
    ctx.sub(l, 'hsrp.hellotime', t.u8(o + 1), o + 1, 1);
    ctx.sub(l, 'hsrp.holdtime', t.u8(o + 2), o + 2, 1);
    ctx.sub(l, 'hsrp.priority', t.u8(o + 3), o + 3, 1);
    ctx.sub(l, 'hsrp.group', t.u8(o + 4), o + 4, 1);
    ctx.sub(l, 'hsrp.reserved', t.u8(o + 5), o + 5, 1);
    ctx.sub(l, 'hsrp.auth_data', text(t.bytes(o + 6, 8)), o + 6, 8);
    o += 14;
    ctx.sub(l, 'hsrp.virt_ip', t.u32(o), o, 4);
  } else if (opcode === 3) {
    ctx.sub(l, 'hsrp.adv.tlvtype', t.u16(o), o, 2);
    ctx.sub(l, 'hsrp.adv.tlvlength', t.u16(o + 2), o + 2, 2);
    ctx.sub(l, 'hsrp.adv.state', t.u8(o + 4), o + 4, 1);
    ctx.sub(l, 'hsrp.adv.reserved1', t.u8(o + 5), o + 5, 1);
    ctx.sub(l, 'hsrp.adv.activegrp', t.u16(o + 6), o + 6, 2);
    ctx.sub(l, 'hsrp.adv.passivegrp', t.u16(o + 8), o + 8, 2);
    o += 10;
    ctx.sub(l, 'hsrp.adv.reserved2', t.u32(o), o, 4);
  } else dissectData(ctx, o, end);
  // 20 bytes of HSRP and 30 of MD5 authentication: tshark looks for the TLV only at that exact length
  if (end - off === 50) {
    const o2 = o + 4;
    const type = t.u8(o2), len = t.u8(o2 + 1);
    if (type === 4 && len === 28) md5Tlv(ctx, t, l, o2);
    else ctx.sub(l, 'hsrp.unknown_tlv', null, off, end - off);
  }
}

function v2(ctx: Ctx, t: Tvb, off: number, end: number): void {
  ctx.protocol = 'HSRPv2';
  const l = ctx.layer('hsrp', off, end - off);
  // TLVs while bytes were captured: tshark 4.0 says nothing of a cut that falls between or after them
  for (let o = off; o < end;) {
    const type = t.u8(o), len = t.u8(o + 1);
    const next = o + len + 2;
    if (type === 1 && len === 40) {
      ctx.sub(l, 'hsrp2.group_state_tlv', type, o, 2 + len);
      o += 2;
      const opcode = t.u8(o + 1), state = t.u8(o + 2);
      ctx.info = `${OPCODE2[opcode] ?? 'Unknown'} (state ${STATE2[state] ?? 'Unknown'})`;
      ctx.sub(l, 'hsrp2.version', t.u8(o), o, 1);
      ctx.sub(l, 'hsrp2.opcode', opcode, o + 1, 1);
      ctx.sub(l, 'hsrp2.state', state, o + 2, 1);
      const ipver = t.u8(o + 3);
      ctx.sub(l, 'hsrp2.ipversion', ipver, o + 3, 1);
      ctx.sub(l, 'hsrp2.group', t.u16(o + 4), o + 4, 2);
      ctx.sub(l, 'hsrp2.identifier', t.bytes(o + 6, 6), o + 6, 6);
      ctx.sub(l, 'hsrp2.priority', t.u32(o + 12), o + 12, 4);
      ctx.sub(l, 'hsrp2.hellotime', t.u32(o + 16), o + 16, 4);
      ctx.sub(l, 'hsrp2.holdtime', t.u32(o + 20), o + 20, 4);
      o += 24;
      if (ipver === 4) ctx.sub(l, 'hsrp2.virt_ip', t.u32(o), o, 4);
      else if (ipver === 6) ctx.sub(l, 'hsrp2.virt_ip_v6', t.bytes(o, 16), o, 16);
      else { dissectData(ctx, o, end); return; }
    } else if (type === 2 && len === 4) {
      ctx.info = `Interface State TLV (Act=${t.u16(o + 2)} Pass=${t.u16(o + 4)})`;
      ctx.sub(l, 'hsrp2.interface_state_tlv', type, o, 1);
      ctx.sub(l, 'hsrp2.active_groups', t.u16(o + 2), o + 2, 2);
      ctx.sub(l, 'hsrp2.passive_groups', t.u16(o + 4), o + 4, 2);
    } else if (type === 3 && len === 8) {
      ctx.sub(l, 'hsrp2.text_auth_tlv', type, o, 2 + len);
      ctx.sub(l, 'hsrp2.auth_data', text(t.bytes(o + 2, 8)), o + 2, 8);
    } else if (type === 4 && len === 28) md5Tlv(ctx, t, l, o);
    else { dissectData(ctx, o, end); return; }
    o = next;
  }
}

function dissectHsrp(ctx: Ctx, _st: State, off: number, end: number): void {
  const t = new Tvb(ctx.d, end);
  if (ctx.ipVersion === 4 && ctx.ip4Dst === ALL_ROUTERS) guarded(ctx, 'hsrp', end, () => v1(ctx, t, off, end));
  else if ((ctx.ipVersion === 4 && ctx.ip4Dst === HSRP2_GROUP) || (ctx.ipVersion === 6 && ctx.dstPort === PORT_V6)) guarded(ctx, 'hsrp', end, () => v2(ctx, t, off, end));
  // to another address packet-hsrp.c takes the datagram and adds nothing: not even its name in frame.protocols
}

// packet-hsrp.c returns 0 (not mine) unless the datagram goes to one of its ports
UDP_PORT.add([PORT, PORT_V6], dissectHsrp, { accepts: (d, off) => off >= 8 && (u16(d, off - 6) === PORT || u16(d, off - 6) === PORT_V6) });
