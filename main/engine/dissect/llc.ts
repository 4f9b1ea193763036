// IEEE 802.2 LLC (packet-llc.c with packet-xdlc.c's control field): the
// DSAP/SSAP pair, the control field in its I, S and U formats (I and S are
// the two-byte extended form in LLC, U frames one byte), and SNAP. What
// follows is found in the DSAP table (STP on 0x42) for I and UI frames, in
// the SNAP table (OUI and PID) behind 0xAA/0xAA, and is data otherwise.
import type { Ctx } from './context';
import type { State } from './state';
import { declare, HEX16, HEX8 } from './fields';
import { dissectData } from './data';
import { ethertype } from './link';
import { macNames } from '../enrich/manuf';
import * as tables from './tables';
import * as readers from './bytes';
const { LLC_DSAP, LLC_SNAP } = tables;
const { u16 } = readers;

/** packet-llc.c sap_vals: names of the SAP with its low (I/G, C/R) bit cleared */
const SAP_NAMES: Record<number, string> = {
  0x00: 'NULL LSAP', 0x02: 'LLC Sub-Layer Management', 0x04: 'SNA Path Control', 0x06: 'TCP/IP', 0x08: 'SNA', 0x0c: 'SNA',
  0x0e: 'PROWAY (IEC955) Network Management and Initialization', 0x10: 'NetWare (unofficial?)', 0x14: 'ISO Network Layer (OSLAN 1)',
  0x18: 'Texas Instruments', 0x20: 'ISO Network Layer (unofficial?)', 0x34: 'ISO Network Layer (unofficial?)', 0x42: 'Spanning Tree BPDU',
  0x4e: 'EIA RS-511 Manufacturing Message Service', 0x54: 'ISO Network Layer (OSLAN 2)', 0x7e: 'ISO 8208 (X.25 over 802.2)',
  0x80: 'XNS', 0x82: 'BACnet', 0x86: 'Nestar', 0x8e: 'PROWAY (IEC955) Active Station List Maintenance', 0x98: 'ARP',
  0xb4: 'HP JetDirect Printer', 0xaa: 'SNAP', 0xba: 'Banyan Vines', 0xbc: 'Banyan Vines', 0xe0: 'NetWare', 0xf0: 'NetBIOS',
  0xf4: 'IBM Net Management', 0xf8: 'HP Extended LLC', 0xfa: 'Ungermann-Bass', 0xfc: 'Remote Program Load', 0xfe: 'ISO Network Layer',
};
/** the full byte's names (llc.dsap/llc.ssap): the table above, plus its odd entries */
const SAP_BYTE_NAMES: Record<number, string> = { ...SAP_NAMES, 0x01: 'NULL LSAP', 0x7f: 'ISO 802.2', 0xff: 'Global LSAP' };

/** packet-xdlc.c: U-frame modifiers (control & 0xEC) as Info names them, commands and responses */
const U_CMD: Record<number, string> = {
  0x00: 'UI', 0x20: 'UP', 0x40: 'DISC', 0x60: 'UA', 0x80: 'SNRM', 0xe0: 'TEST', 0x04: 'SIM', 0x84: 'FRMR', 0xc4: 'CFGR',
  0x0c: 'SARM', 0x2c: 'SABM', 0x4c: 'SARME', 0x6c: 'SABME', 0x8c: 'RESET', 0xac: 'XID', 0xcc: 'SNRME', 0xec: 'BCN',
};
const U_RESP: Record<number, string> = { ...U_CMD, 0x40: 'RD', 0x04: 'RIM', 0x0c: 'DM' };
const U_CMD_LONG: Record<number, string> = {
  0x00: 'Unnumbered Information', 0x08: 'Unnumbered Poll', 0x10: 'Disconnect', 0x18: 'Unnumbered Acknowledge', 0x20: 'Set Normal Response Mode',
  0x38: 'Test', 0x01: 'Set Initialization Mode', 0x21: 'Frame reject', 0x31: 'Configure', 0x03: 'Set Asynchronous Response Mode',
  0x0b: 'Set Asynchronous Balanced Mode', 0x13: 'Set Asynchronous Response Mode Extended', 0x1b: 'Set Asynchronous Balanced Mode Extended',
  0x23: 'Reset', 0x2b: 'Exchange identification', 0x33: 'Set Normal Response Mode Extended', 0x3b: 'Beacon',
};
const U_RESP_LONG: Record<number, string> = { ...U_CMD_LONG, 0x10: 'Request Disconnect', 0x01: 'Request Initialization Mode', 0x03: 'Disconnected mode' };
const S_NAMES = ['RR', 'RNR', 'REJ', 'SREJ'];

/**
 * OUIs with a PID field of their own (llc_add_oui in the protocols that
 * register one): tshark names the PID after them instead of llc.pid.
 */
const PID_FIELDS: Record<number, string> = {
  0x00000c: 'llc.cisco_pid', 0x004096: 'llc.wlccp_pid', 0x00e052: 'llc.foundry_pid', 0x00005e: 'llc.iana_pid',
  0x00e02b: 'llc.extreme_pid', 0x080007: 'llc.apple_atalk_pid', 0x0001e8: 'llc.force10_pid', 0x000081: 'llc.nortel_pid',
  0x001958: 'llc.bluetooth_pid', 0x001090: 'llc.cimetrics_pid', 0x00805f: 'llc.hpteam_pid',
};

declare('llc', 'Logical-Link Control', [
  ['llc.dsap', 'uint', 'DSAP', { ...HEX8, valueNames: SAP_BYTE_NAMES }],
  ['llc.dsap.sap', 'uint', 'SAP'],
  ['llc.dsap.ig', 'bool', 'IG Bit'],
  ['llc.ssap', 'uint', 'SSAP', { ...HEX8, valueNames: SAP_BYTE_NAMES }],
  ['llc.ssap.sap', 'uint', 'SAP'],
  ['llc.ssap.cr', 'bool', 'CR Bit'],
  ['llc.control', 'uint', 'Control', HEX16],
  ['llc.control.n_r', 'uint', 'N(R)'],
  ['llc.control.n_s', 'uint', 'N(S)'],
  ['llc.control.p', 'bool', 'Poll'],
  ['llc.control.f', 'bool', 'Final'],
  ['llc.control.s_ftype', 'uint', 'Supervisory frame type', { ...HEX16, valueNames: { 0: 'Receiver ready', 1: 'Receiver not ready', 2: 'Reject', 3: 'Selective reject' } }],
  ['llc.control.u_modifier_cmd', 'uint', 'Command', { ...HEX8, valueNames: U_CMD_LONG }],
  ['llc.control.u_modifier_resp', 'uint', 'Response', { ...HEX8, valueNames: U_RESP_LONG }],
  // tshark's I and S frames carry it as a 16-bit field ("0x0000"), U frames as an 8-bit one ("0x03"): one width per name here
  ['llc.control.ftype', 'uint', 'Frame type', { ...HEX8, valueNames: { 0: 'Information frame', 1: 'Supervisory frame', 3: 'Unnumbered frame' } }],
  ['llc.type', 'uint', 'Type', HEX16],
  ['llc.oui', 'uint', 'Organization Code'],
  ['llc.pid', 'uint', 'Protocol ID', HEX16],
  ...Object.values(PID_FIELDS).map((n): [string, 'uint', string, typeof HEX16] => [n, 'uint', 'PID', HEX16]),
]);

declare('basicxid', 'Logical-Link Control Basic Format XID', [
  ['basicxid.llc.xid.format', 'uint', 'XID Format', { ...HEX8, valueNames: { 0x81: 'LLC basic format' } }],
  ['basicxid.llc.xid.types', 'uint', 'LLC Types/Classes', HEX8],
  ['basicxid.llc.xid.wsize', 'uint', 'Receive Window Size'],
]);

/** Info's "U, func=UI", "I, N(R)=1, N(S)=2", "S P, func=RR, N(R)=3"; the control value and its length. */
function control(ctx: Ctx, l: ReturnType<Ctx['layer']>, off: number, end: number, response: boolean): [value: number, len: number] | null {
  const d = ctx.d;
  const c0 = d[off];
  const pf = response ? 'llc.control.f' : 'llc.control.p';
  if ((c0 & 3) === 3) {
    const mod = c0 & 0xec, p = (c0 & 0x10) !== 0;
    ctx.info = `U${p ? (response ? ' F' : ' P') : ''}, func=${(response ? U_RESP : U_CMD)[mod] ?? 'Unknown'}`;
    const c = ctx.add(l, 'llc.control', c0, off, 1);
    if (p) ctx.sub(c, pf, true, off, 1);
    ctx.sub(c, response ? 'llc.control.u_modifier_resp' : 'llc.control.u_modifier_cmd', mod >> 2, off, 1);
    ctx.sub(c, 'llc.control.ftype', 3, off, 1);
    return [c0, 1];
  }
  // I and S frames: LLC uses the extended (two-byte, little-endian) control field
  if (end - off < 2) return null;
  const v = d[off] | (d[off + 1] << 8);
  const p = (v & 0x100) !== 0, nr = v >> 9;
  if ((c0 & 1) === 1) {
    ctx.info = `S${p ? (response ? ' F' : ' P') : ''}, func=${S_NAMES[(v >> 2) & 3]}, N(R)=${nr}`;
    const c = ctx.add(l, 'llc.control', v, off, 2);
    ctx.sub(c, 'llc.control.n_r', nr, off, 2);
    if (p) ctx.sub(c, pf, true, off, 2);
    ctx.sub(c, 'llc.control.s_ftype', (v >> 2) & 3, off, 2);
    ctx.sub(c, 'llc.control.ftype', 1, off, 2);
  } else {
    ctx.info = `I${p ? ' P' : ''}, N(R)=${nr}, N(S)=${(v >> 1) & 0x7f}`;
    const c = ctx.add(l, 'llc.control', v, off, 2);
    ctx.sub(c, 'llc.control.n_r', nr, off, 2);
    ctx.sub(c, 'llc.control.n_s', (v >> 1) & 0x7f, off, 2);
    if (p) ctx.sub(c, 'llc.control.p', true, off, 2);
    ctx.sub(c, 'llc.control.ftype', 0, off, 2);
  }
  return [v, 2];
}

/** An I frame, or a UI frame: the ones whose payload goes to the SAP's (or SNAP's) protocol. */
const isInformation = (c: number): boolean => (c & 1) === 0 || c === 0x03;

function sapName(sap: number): string {
  return SAP_NAMES[sap] ?? `0x${sap.toString(16).padStart(2, '0')}`;
}

/** A SAP byte and its two parts: the SAP and the I/G (DSAP) or C/R (SSAP) bit. */
function sap(ctx: Ctx, l: ReturnType<Ctx['layer']>, name: 'llc.dsap' | 'llc.ssap', o: number): void {
  const v = ctx.d[o];
  const f = ctx.add(l, name, v, o, 1);
  ctx.sub(f, `${name}.sap`, v >> 1, o, 1);
  ctx.sub(f, name === 'llc.dsap' ? 'llc.dsap.ig' : 'llc.ssap.cr', (v & 1) !== 0, o, 1);
}

/** Dissects an LLC PDU in [off, end): the bytes an 802.3 length covers, or an SLL/VLAN payload. */
export function dissectLlc(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  ctx.protocol = 'LLC';
  ctx.info = '';
  const l = ctx.layer('llc', off, Math.max(0, Math.min(3, end - off)));
  if (end - off < 3) {
    // tshark reads the SAPs, then throws on the control byte
    if (end - off >= 1) sap(ctx, l, 'llc.dsap', off);
    if (end - off >= 2) sap(ctx, l, 'llc.ssap', off + 1);
    ctx.boundsAt('llc', `LLC header cut short (${Math.max(0, end - off)} of 3 bytes)`, off, Math.max(0, end - off));
    return;
  }
  const dsap = d[off], ssap = d[off + 1];
  sap(ctx, l, 'llc.dsap', off);
  sap(ctx, l, 'llc.ssap', off + 1);
  const cf = control(ctx, l, off + 2, end, (ssap & 1) !== 0);
  if (cf === null) {
    ctx.boundsAt('llc', 'LLC control field cut short', off + 2, end - off - 2);
    return;
  }
  const [c, clen] = cf;
  const o = off + 2 + clen;
  l.len = o - off;
  if (dsap === 0xaa && ssap === 0xaa) { snap(ctx, st, l, c, o, end); return; }
  const info = ctx.info as string;
  ctx.info = `${info}; DSAP ${sapName(dsap & 0xfe)} ${dsap & 1 ? 'Group' : 'Individual'}, SSAP ${sapName(ssap & 0xfe)} ${ssap & 1 ? 'Response' : 'Command'}`;
  if (o >= end) return;
  const next = isInformation(c) ? LLC_DSAP.get(dsap) : undefined;
  if (next !== undefined) { next(ctx, st, o, end); return; }
  // an XID frame (with or without P/F) in 802.2's basic format
  if ((c & 0xef) === 0xaf && ctx.d[o] === 0x81) { basicXid(ctx, o, end); return; }
  dissectData(ctx, o, end);
}

const XID_TYPES: Record<number, string> = {
  1: 'Type 1 LLC (Class I LLC)', 2: 'Type 2 LLC', 3: 'Type 1 and Type 2 LLCs (Class II LLC)', 4: 'Type 3 LLC', 5: 'Type 1 and Type 3 LLCs (Class III LLC)',
  6: 'Type 2 and Type 3 LLCs', 7: 'Type 1 and Type 2 and Type 3 LLCs (Class IV LLC)',
};

/** packet-llc.c dissect_basicxid: the format, the LLC types/classes and the receive window. */
function basicXid(ctx: Ctx, off: number, end: number): void {
  const d = ctx.d;
  ctx.protocol = 'XID';
  ctx.info = '';
  const l = ctx.layer('basicxid', off, end - off);
  // called as a function, not through a table: not a step of frame.protocols
  ctx.protocols.pop();
  ctx.add(l, 'basicxid.llc.xid.format', d[off], off, 1);
  if (end - off < 3) {
    if (end - off >= 2) {
      const types = d[off + 1] & 0x1f;
      ctx.add(l, 'basicxid.llc.xid.types', types, off + 1, 1);
      ctx.info = `Basic Format; ${XID_TYPES[types] ?? `0x${types.toString(16).padStart(2, '0')}`}`;
    }
    ctx.boundsAt('basicxid', `XID information field cut short (${end - off} of 3 bytes)`, off, end - off);
    return;
  }
  const types = d[off + 1] & 0x1f, wsize = d[off + 2] >> 1;
  ctx.add(l, 'basicxid.llc.xid.types', types, off + 1, 1);
  ctx.add(l, 'basicxid.llc.xid.wsize', wsize, off + 2, 1);
  ctx.info = `Basic Format; ${XID_TYPES[types] ?? `0x${types.toString(16).padStart(2, '0')}`}; Window Size ${wsize}`;
}

/** packet-llc.c dissect_snap: an OUI and a PID; OUI 0 (and Cisco's 0xF8) mean the PID is an ethertype. */
function snap(ctx: Ctx, st: State, l: ReturnType<Ctx['layer']>, c: number, off: number, end: number): void {
  const d = ctx.d;
  l.len += 5;
  if (end - off < 5) {
    if (end - off >= 3) ctx.add(l, 'llc.oui', (d[off] << 16) | (d[off + 1] << 8) | d[off + 2], off, 3);
    ctx.boundsAt('llc', `SNAP header cut short (${end - off} of 5 bytes)`, off, end - off);
    return;
  }
  const oui = (d[off] << 16) | (d[off + 1] << 8) | d[off + 2], pid = u16(d, off + 3);
  ctx.add(l, 'llc.oui', oui, off, 3);
  const vendor = macNames()?.vendorLong([d[off], d[off + 1], d[off + 2]]) ?? null;
  ctx.info = `${ctx.info as string}; SNAP, OUI 0x${oui.toString(16).toUpperCase().padStart(6, '0')} (${vendor ?? 'Unknown'}), PID 0x${pid.toString(16).toUpperCase().padStart(4, '0')}`;
  const o = off + 5;
  if (oui === 0 || oui === 0x0000f8) {
    if (!isInformation(c)) { dissectData(ctx, o, end); return; }
    ctx.add(l, 'llc.type', pid, off + 3, 2);
    ethertype(ctx, st, pid, o, end, false);
    return;
  }
  ctx.add(l, PID_FIELDS[oui] ?? 'llc.pid', pid, off + 3, 2);
  const next = isInformation(c) ? LLC_SNAP.get(oui * 0x10000 + pid) : undefined;
  if (next !== undefined) { next(ctx, st, o, end); return; }
  dissectData(ctx, o, end);
}
