// IEEE 802.3 Slow Protocols (ethertype 0x8809, to 01:80:c2:00:00:02): a
// subtype byte, then LACP (1, what Linux bonding in 802.3ad mode sends),
// the Marker protocol (2) or Ethernet OAM (3); any other subtype is data.
// Fields, Info and damage as tshark 4.0's packet-slowprotocols.c,
// packet-lacp.c, packet-marker.c and packet-oampdu.c: fixed layouts read
// field by field, so a PDU cut short keeps every field before the cut and
// ends in "[Malformed Packet]" glued to Info; a TLV of the wrong type or
// length is only flagged (_ws.malformed, no mark in Info).
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, type FieldSpec, HEX8, HEX16, treeLine } from './fields';
import { dissectData } from './data';
import { etherToString } from './addr';
import * as readers from './bytes';
import * as tables from './tables';
const { ETHERTYPE } = tables;
const { u16, u24, u32 } = readers;

declare('slow', 'Slow Protocols', [
  ['slow.subtype', 'uint', 'Slow Protocols subtype', { ...HEX8, valueNames: { 1: 'LACP', 2: 'Marker Protocol', 3: 'OAM', 10: 'Organization Specific Slow Protocol' } }],
]);
const STATE = ['activity', 'timeout', 'aggregation', 'synchronization', 'collecting', 'distributing', 'defaulted', 'expired'];
const STATE_TITLES = ['LACP Activity', 'LACP Timeout', 'Aggregation', 'Synchronization', 'Collecting', 'Distributing', 'Defaulted', 'Expired'];
const side = (who: 'actor' | 'partner', title: string): FieldSpec[] => [
  [`lacp.${who}.sys_priority`, 'uint', `${title} System Priority`],
  [`lacp.${who}.sysid`, 'ether', who === 'actor' ? 'Actor System ID' : 'Partner System'],
  [`lacp.${who}.key`, 'uint', `${title} Key`],
  [`lacp.${who}.port_priority`, 'uint', `${title} Port Priority`],
  [`lacp.${who}.port`, 'uint', `${title} Port`],
  [`lacp.${who}.state`, 'uint', `${title} State`, HEX8],
  [`lacp.${who}.state_str`, 'string', `${title} State Flags`],
  ...STATE.map((s, i): FieldSpec => [`lacp.${who}.state.${s}`, 'bool', STATE_TITLES[i]]),
  [`lacp.${who}.reserved`, 'bytes', 'Reserved'],
];
declare('lacp', 'LACP', [
  ['lacp.vlacp_subtype', 'uint', 'vLACP subtype'],
  ['lacp.version', 'uint', 'LACP Version', HEX8],
  ['lacp.tlv_type', 'uint', 'TLV Type', { ...HEX8, valueNames: { 0: 'Terminator', 1: 'Actor Information', 2: 'Partner Information', 3: 'Collector Information' } }],
  ['lacp.tlv_length', 'uint', 'TLV Length', HEX8],
  ...side('actor', 'Actor'),
  ...side('partner', 'Partner'),
  ['lacp.collector.max_delay', 'uint', 'Collector Max Delay'],
  ['lacp.coll_reserved', 'bytes', 'Reserved'],
  ['lacp.pad', 'bytes', 'Pad'],
  ['lacp.vendor', 'bytes', 'Unknown vendor'],
  ['lacp.vendor.hp.length', 'uint', 'Length'],
  ['lacp.vendor.hp.irf_domain', 'uint', 'IRF Domain'],
  ['lacp.vendor.hp.irf_mac', 'ether', 'IRF MAC'],
  ['lacp.vendor.hp.irf_switch', 'uint', 'IRF Switch'],
  ['lacp.vendor.hp.irf_port', 'uint', 'IRF Port'],
  ['lacp.vendor.hp.unknown', 'bytes', 'Unknown'],
  ['lacp.wrong_tlv_type', 'none', 'TLV is not expected type'],
  ['lacp.wrong_tlv_length', 'none', 'TLV is not expected length'],
]);
declare('marker', 'Marker', [
  ['marker.version', 'uint', 'Version Number', HEX8],
  ['marker.tlvType', 'uint', 'TLV Type', { ...HEX8, valueNames: { 0: 'Marker Terminator', 1: 'Marker Information', 2: 'Marker Response Information' } }],
  ['marker.tlvLen', 'uint', 'TLV Length', HEX8],
  ['marker.requesterPort', 'uint', 'Requester Port'],
  ['marker.requesterSystem', 'ether', 'Requester System'],
  ['marker.requesterTransId', 'uint', 'Requester Transaction ID'],
  ['marker.requesterPad', 'uint', 'Requester Pad'],
  ['marker.reserved', 'bytes', 'Reserved'],
  ['marker.wrong_tlv_type', 'none', 'TLV is not expected type'],
  ['marker.wrong_tlv_length', 'none', 'TLV is not expected length'],
  ['marker.wrong_pad_value', 'none', 'pad value is not 0'],
]);
const OAM_FLAGS = ['linkFault', 'dyingGasp', 'criticalEvent', 'localEvaluating', 'localStable', 'remoteEvaluating', 'remoteStable'];
const OAM_FLAG_TITLES = ['Link Fault', 'Dying Gasp', 'Critical Event', 'Local Evaluating', 'Local Stable', 'Remote Evaluating', 'Remote Stable'];
declare('oampdu', 'OAMPDU', [
  ['oampdu.flags', 'uint', 'Flags', HEX16],
  ...OAM_FLAGS.map((f, i): FieldSpec => [`oampdu.flags.${f}`, 'bool', OAM_FLAG_TITLES[i]]),
  ['oampdu.code', 'uint', 'OAMPDU code', { ...HEX8, valueNames: { 0: 'Information', 1: 'Event Notification', 2: 'Variable Request', 3: 'Variable Response', 4: 'Loopback Control', 0xfe: 'Organization Specific' } }],
  ['oampdu.info.type', 'uint', 'Type', { ...HEX8, valueNames: { 0: 'End of TLV marker', 1: 'Local Information TLV', 2: 'Remote Information TLV', 0xfe: 'Organization Specific Information TLV' } }],
  ['oampdu.info.length', 'uint', 'TLV Length'],
  ['oampdu.info.version', 'uint', 'TLV Version', HEX8],
  ['oampdu.info.revision', 'uint', 'TLV Revision'],
  ['oampdu.info.state', 'uint', 'OAM DTE States', HEX8],
  ['oampdu.info.state.parser', 'uint', 'Parser Action', { ...HEX8, valueNames: { 0: 'Forward non-OAMPDUs to higher sublayer', 1: 'Loopback non-OAMPDUs to the lower sublayer', 2: 'Discarding non-OAMPDUs', 3: 'Reserved' } }],
  ['oampdu.info.state.multiplexer', 'bool', 'Multiplexer Action'],
  ['oampdu.info.oamConfig', 'uint', 'OAM Configuration', HEX8],
  ['oampdu.info.oamConfig.mode', 'bool', 'OAM Mode'],
  ['oampdu.info.oampduConfig', 'uint', 'Max OAMPDU Size'],
  ['oampdu.info.oui', 'uint', 'Organizationally Unique Identifier'],
  ['oampdu.info.vendor', 'bytes', 'Vendor Specific Information'],
  ['oampdu.event.sequence', 'uint', 'Sequence Number'],
  ['oampdu.event.type', 'uint', 'Event Type', { ...HEX8, valueNames: { 0: 'End of TLV marker', 1: 'Errored Symbol Period Event', 2: 'Errored Frame Event', 3: 'Errored Frame Period Event', 4: 'Errored Frame Seconds Summary Event', 0xfe: 'Organization Specific Event TLV' } }],
  ['oampdu.event.length', 'uint', 'Event Length', HEX8],
  ['oampdu.event.timestamp', 'uint', 'Event Timestamp (100ms)'],
  ['oampdu.event.espeWindow', 'uint', 'Errored Symbol Window'],
  ['oampdu.event.espeThreshold', 'uint', 'Errored Symbol Threshold'],
  ['oampdu.event.espeErrors', 'uint', 'Errored Symbols'],
  ['oampdu.event.espeTotalErrors', 'uint', 'Error Running Total'],
  ['oampdu.event.espeTotalEvents', 'uint', 'Event Running Total'],
  ['oampdu.event.efeWindow', 'uint', 'Errored Frame Window'],
  ['oampdu.event.efeThreshold', 'uint', 'Errored Frame Threshold'],
  ['oampdu.event.efeErrors', 'uint', 'Errored Frames'],
  ['oampdu.event.efeTotalErrors', 'uint', 'Error Running Total'],
  ['oampdu.event.efeTotalEvents', 'uint', 'Event Running Total'],
  ['oampdu.event.efpeWindow', 'uint', 'Errored Frame Window'],
  ['oampdu.event.efpeThreshold', 'uint', 'Errored Frame Threshold'],
  ['oampdu.event.efpeTotalErrors', 'uint', 'Error Running Total'],
  ['oampdu.event.efpeTotalEvents', 'uint', 'Event Running Total'],
  ['oampdu.event.efsseWindow', 'uint', 'Errored Frame Window'],
  ['oampdu.event.efsseThreshold', 'uint', 'Errored Frame Threshold'],
  ['oampdu.event.efsseTotalErrors', 'uint', 'Error Running Total'],
  ['oampdu.event.efsseTotalEvents', 'uint', 'Event Running Total'],
  ['oampdu.event.length.bad', 'none', 'Event length should be at least 2'],
  ['oampdu.variable.branch', 'uint', 'Branch', { ...HEX8, valueNames: { 3: 'Object', 4: 'Package', 6: 'nameBinding', 7: 'Attribute' } }],
  ['oampdu.variable.object', 'uint', 'Leaf', HEX16],
  ['oampdu.variable.package', 'uint', 'Leaf', HEX16],
  ['oampdu.variable.binding', 'uint', 'Leaf', HEX16],
  ['oampdu.variable.attribute', 'uint', 'Leaf', HEX16],
  ['oampdu.variable.width', 'uint', 'Variable Width'],
  ['oampdu.variable.indication', 'uint', 'Variable indication', HEX8],
  ['oampdu.variable.value', 'bytes', 'Variable Value'],
  ['oampdu.lpbk.commands', 'uint', 'Commands', HEX8],
  ['oampdu.lpbk.commands.enable', 'bool', 'Enable Remote Loopback'],
  ['oampdu.lpbk.commands.disable', 'bool', 'Disable Remote Loopback'],
]);

/**
 * Reads a fixed layout field by field over [.., end): `has(n)` is false
 * (and the packet marked as tshark's bounds exception marks it) when the
 * next n bytes are not all there.
 */
class Cursor {
  dead = false;
  constructor(readonly ctx: Ctx, readonly proto: string, public o: number, readonly end: number) {}
  has(n: number): boolean {
    if (this.dead) return false;
    if (this.o + n <= this.end) return true;
    this.dead = true;
    this.ctx.boundsAt(this.proto, `${this.proto} PDU cut short at byte ${this.o} (${n} more needed)`, this.o, Math.max(0, this.end - this.o));
    return false;
  }
}

const lacpFlags = (v: number): string => {
  let s = '';
  for (let i = 7; i >= 0; i--) s += (v >> i) & 1 ? 'EFDCSGSA'[7 - i] : '*';
  return s;
};

/** packet-lacp.c: the actor or partner TLV; returns the Info text it adds, or null when cut short. */
function lacpSide(ctx: Ctx, c: Cursor, l: FieldNode, who: 'actor' | 'partner', want: number): string | null {
  const d = ctx.d;
  tlvHeader(ctx, c, l, 'lacp', want, 20);
  if (c.dead || !c.has(2)) return null;
  ctx.add(l, `lacp.${who}.sys_priority`, u16(d, c.o), c.o, 2); c.o += 2;
  if (!c.has(6)) return null;
  const sys = d.subarray(c.o, c.o + 6);
  ctx.add(l, `lacp.${who}.sysid`, sys, c.o, 6); c.o += 6;
  if (!c.has(2)) return null;
  const key = u16(d, c.o);
  ctx.add(l, `lacp.${who}.key`, key, c.o, 2); c.o += 2;
  if (!c.has(2)) return null;
  ctx.add(l, `lacp.${who}.port_priority`, u16(d, c.o), c.o, 2); c.o += 2;
  if (!c.has(2)) return null;
  const port = u16(d, c.o);
  ctx.add(l, `lacp.${who}.port`, port, c.o, 2); c.o += 2;
  if (!c.has(1)) return null;
  const st = d[c.o];
  const sf = ctx.add(l, `lacp.${who}.state`, st, c.o, 1);
  for (let i = 0; i < 8; i++) ctx.sub(sf, `lacp.${who}.state.${STATE[i]}`, ((st >> i) & 1) === 1, c.o, 1);
  const flags = lacpFlags(st);
  ctx.add(l, `lacp.${who}.state_str`, flags, c.o, 1).generated = true;
  c.o += 1;
  if (!c.has(3)) return null;
  ctx.add(l, `lacp.${who}.reserved`, d.subarray(c.o, c.o + 3), c.o, 3); c.o += 3;
  return ` ${who.toUpperCase()} ${etherToString(sys)} P: ${port} K: ${key} ${flags}`;
}

/** The layer is in frame.protocols, but tshark threw before it added the protocol's item: `-e proto` prints nothing. */
function noItem(l: FieldNode): void { l.value = ''; }

/** A TLV's type and length, each flagged (not thrown) when not the one expected. */
function tlvHeader(ctx: Ctx, c: Cursor, l: FieldNode, proto: 'lacp', type: number, len: number): void {
  const d = ctx.d;
  if (!c.has(1)) return;
  const t = d[c.o];
  ctx.add(l, 'lacp.tlv_type', t, c.o, 1); c.o += 1;
  if (!c.has(1)) return;
  const n = d[c.o];
  ctx.add(l, 'lacp.tlv_length', n, c.o, 1); c.o += 1;
  if (t !== type) ctx.flagMalformed(proto, 'TLV is not expected type', c.o - 2, 1);
  if (n !== len) ctx.flagMalformed(proto, 'TLV is not expected length', c.o - 1, 1);
}

// vLACP (Avaya): a subtype byte of its own in front of the version
const VLACP_MAGIC_LACP = 0x01010114, VLACP_MAGIC_MARKER = 0x01020110;
// the PDU's size without its Ethernet header and subtype: the pad fills up to it
const LACP_V1_SIZE = 128 - 1 - 18;

function dissectLacp(ctx: Ctx, off: number, end: number): number {
  const d = ctx.d;
  const l = ctx.layer('lacp', off, end - off);
  ctx.protocol = 'LACP';
  ctx.info = 'Link Aggregation Control Protocol';
  const c = new Cursor(ctx, 'lacp', off, end);
  // tshark reads 4 bytes to test for vLACP: fewer is a bounds error before anything else
  if (!c.has(4)) { noItem(l); return end; }
  const magic = u32(d, off);
  if (magic === VLACP_MAGIC_LACP || magic === VLACP_MAGIC_MARKER) { ctx.add(l, 'lacp.vlacp_subtype', d[c.o], c.o, 1); c.o += 1; }
  if (!c.has(1)) return end;
  const version = d[c.o];
  ctx.add(l, 'lacp.version', version, c.o, 1); c.o += 1;
  let info = `v${version}`;
  ctx.info = info;
  for (const [who, type] of [['actor', 1], ['partner', 2]] as const) {
    const part = lacpSide(ctx, c, l, who, type);
    if (part === null) return end;
    info += part;
    ctx.info = info;
  }
  tlvHeader(ctx, c, l, 'lacp', 3, 16);
  if (c.dead || !c.has(2)) return end;
  ctx.add(l, 'lacp.collector.max_delay', u16(d, c.o), c.o, 2); c.o += 2;
  if (!c.has(12)) return end;
  ctx.add(l, 'lacp.coll_reserved', d.subarray(c.o, c.o + 12), c.o, 12); c.o += 12;
  // LACPv2 TLVs up to the terminator, skipped by their lengths
  if (!c.has(1)) return end;
  let type = d[c.o];
  ctx.add(l, 'lacp.tlv_type', type, c.o, 1); c.o += 1;
  if (!c.has(1)) return end;
  let len = d[c.o];
  let lenAt = c.o;
  ctx.add(l, 'lacp.tlv_length', len, c.o, 1); c.o += 1;
  while (type !== 0 && len >= 2) {
    c.o += len - 2;
    if (!c.has(1)) return end;
    type = d[c.o];
    ctx.add(l, 'lacp.tlv_type', type, c.o, 1); c.o += 1;
    if (!c.has(1)) return end;
    len = d[c.o]; lenAt = c.o;
    ctx.add(l, 'lacp.tlv_length', len, c.o, 1); c.o += 1;
  }
  if (len !== 0) ctx.flagMalformed('lacp', 'TLV is not expected length', lenAt, 1);
  const padTo = off + LACP_V1_SIZE;
  if (c.o < padTo) {
    if (!c.has(padTo - c.o)) return end;
    ctx.add(l, 'lacp.pad', d.subarray(c.o, padTo), c.o, padTo - c.o);
    c.o = padTo;
  }
  const left = end - c.o;
  if (left <= 0) return end;
  // HP's IRF MAD extension (0x64, then the length of the rest); anything else is left to Ethernet as a trailer
  if (left > 2 && d[c.o] === 0x64 && left - 2 === d[c.o + 1]) {
    ctx.add(l, 'lacp.vendor', d.subarray(c.o, end), c.o, left);
    const hp: Array<[string, number]> = [['lacp.vendor.hp.unknown', 1], ['lacp.vendor.hp.length', 1], ['lacp.vendor.hp.unknown', 2], ['lacp.vendor.hp.irf_domain', 2],
      ['lacp.vendor.hp.irf_mac', 6], ['lacp.vendor.hp.unknown', 8], ['lacp.vendor.hp.irf_switch', 2], ['lacp.vendor.hp.irf_port', 2], ['lacp.vendor.hp.unknown', 2]];
    for (const [name, n] of hp) {
      if (!c.has(n)) return end;
      const v = name.endsWith('unknown') || name.endsWith('irf_mac') ? d.subarray(c.o, c.o + n) : n === 1 ? d[c.o] : u16(d, c.o);
      ctx.add(l, name, v, c.o, n);
      c.o += n;
    }
    return end;
  }
  l.len = c.o - off;
  return c.o;
}

function dissectMarker(ctx: Ctx, off: number, end: number): number {
  const d = ctx.d;
  const l = ctx.layer('marker', off, end - off);
  ctx.protocol = 'Marker';
  ctx.info = 'Marker Protocol';
  const c = new Cursor(ctx, 'marker', off, end);
  if (!c.has(1)) return end;
  ctx.add(l, 'marker.version', d[c.o], c.o, 1); c.o += 1;
  if (!c.has(1)) return end;
  const type = d[c.o];
  ctx.add(l, 'marker.tlvType', type, c.o, 1); c.o += 1;
  if (!c.has(1)) return end;
  const len = d[c.o];
  ctx.add(l, 'marker.tlvLen', len, c.o, 1); c.o += 1;
  if (type === 1) ctx.info = 'Information';
  else if (type === 2) ctx.info = 'Response';
  else ctx.flagMalformed('marker', 'TLV is not expected type', c.o - 2, 1);
  if (len !== 16) ctx.flagMalformed('marker', 'TLV is not expected length', c.o - 1, 1);
  if (!c.has(2)) return end;
  const port = u16(d, c.o);
  ctx.add(l, 'marker.requesterPort', port, c.o, 2); c.o += 2;
  if (!c.has(6)) return end;
  const sys = d.subarray(c.o, c.o + 6);
  ctx.add(l, 'marker.requesterSystem', sys, c.o, 6); c.o += 6;
  if (!c.has(4)) return end;
  const tid = u32(d, c.o);
  ctx.add(l, 'marker.requesterTransId', tid, c.o, 4); c.o += 4;
  // tshark prints the transaction id with %d: a signed 32-bit number
  ctx.info += ` SysId=${etherToString(sys)}, P=${port}, TId=${tid | 0}`;
  if (!c.has(2)) return end;
  const pad = u16(d, c.o);
  ctx.add(l, 'marker.requesterPad', pad, c.o, 2);
  if (pad !== 0) ctx.note('protocol', 'marker', 'pad value is not 0', 'warn');
  c.o += 2;
  if (!c.has(1)) return end;
  const t2 = d[c.o];
  ctx.add(l, 'marker.tlvType', t2, c.o, 1); c.o += 1;
  if (!c.has(1)) return end;
  const l2 = d[c.o];
  ctx.add(l, 'marker.tlvLen', l2, c.o, 1); c.o += 1;
  if (t2 !== 0) ctx.flagMalformed('marker', 'TLV is not expected type', c.o - 2, 1);
  else if (l2 !== 0) ctx.flagMalformed('marker', 'TLV is not expected length', c.o - 2, 1);
  if (!c.has(90)) return end;
  ctx.add(l, 'marker.reserved', d.subarray(c.o, c.o + 90), c.o, 90);
  c.o += 90;
  l.len = c.o - off;
  return c.o;
}

const u64 = (d: Uint8Array, o: number): bigint => (BigInt(u32(d, o)) << 32n) | BigInt(u32(d, o + 4));
const OAM_CODES: Record<number, string> = { 0: 'Information', 1: 'Event Notification', 2: 'Variable Request', 3: 'Variable Response', 4: 'Loopback Control', 0xfe: 'Organization Specific' };
// the four standard event TLVs after type, length and timestamp: [name, bytes] per field
const EVENTS: Record<number, Array<[string, number]>> = {
  1: [['espeWindow', 8], ['espeThreshold', 8], ['espeErrors', 8], ['espeTotalErrors', 8], ['espeTotalEvents', 4]],
  2: [['efeWindow', 2], ['efeThreshold', 4], ['efeErrors', 4], ['efeTotalErrors', 8], ['efeTotalEvents', 4]],
  3: [['efpeWindow', 4], ['efpeThreshold', 4], ['efeErrors', 4], ['efpeTotalErrors', 8], ['efpeTotalEvents', 4]],
  4: [['efsseWindow', 2], ['efsseThreshold', 2], ['efeErrors', 2], ['efsseTotalErrors', 4], ['efsseTotalEvents', 4]],
};
const VAR_LEAF: Record<number, string> = { 3: 'oampdu.variable.object', 4: 'oampdu.variable.package', 6: 'oampdu.variable.binding', 7: 'oampdu.variable.attribute' };

function uintOf(d: Uint8Array, o: number, n: number): number | bigint {
  return n === 1 ? d[o] : n === 2 ? u16(d, o) : n === 3 ? u24(d, o) : n === 4 ? u32(d, o) : u64(d, o);
}

function dissectOam(ctx: Ctx, off: number, end: number): number {
  const d = ctx.d;
  const l = ctx.layer('oampdu', off, end - off);
  ctx.protocol = 'OAM';
  ctx.info = '';
  const c = new Cursor(ctx, 'oampdu', off, end);
  if (!c.has(2)) return end;
  const flags = u16(d, c.o);
  const ff = ctx.add(l, 'oampdu.flags', flags, c.o, 2);
  for (let i = 0; i < OAM_FLAGS.length; i++) ctx.sub(ff, `oampdu.flags.${OAM_FLAGS[i]}`, ((flags >> i) & 1) === 1, c.o, 1);
  c.o += 2;
  if (!c.has(1)) return end;
  const code = d[c.o];
  ctx.add(l, 'oampdu.code', code, c.o, 1); c.o += 1;
  const name = OAM_CODES[code];
  ctx.info = `OAMPDU: ${name ?? 'Unknown'}`;
  // every TLV loop below advances by at least one byte a turn: bounded by the PDU
  const f = (field: string, n: number): boolean => {
    if (!c.has(n)) return false;
    ctx.add(l, field, field.endsWith('vendor') || field.endsWith('value') ? d.subarray(c.o, c.o + n) : uintOf(d, c.o, n), c.o, n);
    c.o += n;
    return true;
  };
  if (code === 0) {
    while (c.o < end) {
      const type = d[c.o];
      if (type === 0) break;
      f('oampdu.info.type', 1);
      if (type === 1 || type === 2) {
        if (!f('oampdu.info.length', 1) || !f('oampdu.info.version', 1) || !f('oampdu.info.revision', 2)) return end;
        if (!c.has(1)) return end;
        const st = d[c.o];
        const sf = ctx.add(l, 'oampdu.info.state', st, c.o, 1);
        ctx.sub(sf, 'oampdu.info.state.parser', st & 3, c.o, 1);
        ctx.sub(sf, 'oampdu.info.state.multiplexer', (st & 4) !== 0, c.o, 1);
        c.o += 1;
        if (!c.has(1)) return end;
        const cfg = d[c.o];
        const cf = ctx.add(l, 'oampdu.info.oamConfig', cfg, c.o, 1);
        ctx.sub(cf, 'oampdu.info.oamConfig.mode', (cfg & 1) !== 0, c.o, 1);
        // tshark 4.0 registers the other four configuration bits under the names of the flags' bits 1-4
        for (let i = 1; i <= 4; i++) ctx.sub(cf, `oampdu.flags.${OAM_FLAGS[i]}`, ((cfg >> i) & 1) === 1, c.o, 1);
        c.o += 1;
        if (!f('oampdu.info.oampduConfig', 2) || !f('oampdu.info.oui', 3) || !f('oampdu.info.vendor', 4)) return end;
      } else if (type === 0xfe) {
        if (!c.has(1)) return end;
        const len = d[c.o];
        f('oampdu.info.length', 1);
        if (!f('oampdu.info.oui', 3)) return end;
        // a length under 5 is a negative length to tshark: an exception
        if (len < 5) { c.has(Infinity); return end; }
        if (!f('oampdu.info.vendor', len - 5)) return end;
      } else {
        if (!c.has(1)) return end;
        const len = d[c.o];
        // packet-oampdu.c skips an unknown TLV by its length from the length byte: 0 would spin, tshark then stops
        if (len === 0) break;
        c.o += len;
      }
    }
  } else if (code === 1) {
    if (!f('oampdu.event.sequence', 2)) return end;
    while (c.o < end) {
      const type = d[c.o];
      if (type === 0) break;
      f('oampdu.event.type', 1);
      const ev = EVENTS[type];
      if (ev !== undefined) {
        if (!f('oampdu.event.length', 1) || !f('oampdu.event.timestamp', 2)) return end;
        for (const [field, n] of ev) if (!f(`oampdu.event.${field}`, n)) return end;
      } else if (type === 0xfe) {
        if (!c.has(1)) return end;
        const len = d[c.o];
        f('oampdu.event.length', 1);
        if (len < 2) { ctx.flagMalformed('oampdu', 'Event length should be at least 2', c.o - 1, 1); continue; }
        c.o += len - 2;
      }
    }
  } else if (code === 2 || code === 3) {
    for (;;) {
      if (!c.has(1)) return end;
      const branch = d[c.o];
      if (branch === 0) break;
      f('oampdu.variable.branch', 1);
      const leaf = VAR_LEAF[branch];
      if (leaf !== undefined) { if (!f(leaf, 2)) return end; } else c.o += 2;
      if (code === 2) continue;
      // an attribute has one container; an object, package or binding one per attribute, until an indication
      for (;;) {
        if (!c.has(1)) return end;
        const w = d[c.o];
        if (w >= 0x80) { ctx.add(l, 'oampdu.variable.indication', w & 0x7f, c.o, 1); c.o += 1; break; }
        const width = w === 0 ? 128 : w;
        ctx.add(l, 'oampdu.variable.width', width, c.o, 1); c.o += 1;
        if (!f('oampdu.variable.value', width)) return end;
        if (branch === 7) break;
      }
    }
  } else if (code === 4) {
    if (c.o < end) {
      const cmd = d[c.o];
      const cf = ctx.add(l, 'oampdu.lpbk.commands', cmd, c.o, 1);
      ctx.sub(cf, 'oampdu.lpbk.commands.enable', (cmd & 1) !== 0, c.o, 1);
      ctx.sub(cf, 'oampdu.lpbk.commands.disable', (cmd & 2) !== 0, c.o, 1);
      c.o += 1;
    }
  }
  return end;
}

const SUBTYPES: Record<number, (ctx: Ctx, off: number, end: number) => number> = { 1: dissectLacp, 2: dissectMarker, 3: dissectOam };

function dissectSlow(ctx: Ctx, _st: State, off: number, end: number): number {
  const l = ctx.layer('slow', off, Math.min(1, end - off));
  ctx.protocol = 'Slow Protocols';
  if (end - off < 1) {
    // the Ethernet layer's Info is what stays when the subtype is not there
    if (ctx.info === '' && ctx.protocols[ctx.protocols.length - 3] === 'eth') ctx.info = 'Ethernet II';
    ctx.boundsAt('slow', 'Slow Protocols subtype missing', off, 0);
    noItem(l);
    return end;
  }
  const subtype = ctx.d[off];
  ctx.add(l, 'slow.subtype', subtype, off, 1);
  ctx.info = `Subtype = ${subtype}`;
  const next = SUBTYPES[subtype];
  if (next === undefined) { dissectData(ctx, off + 1, end); return end; }
  return next(ctx, off + 1, end);
}

ETHERTYPE.add(0x8809, dissectSlow);
// the protocol items' text (tshark's proto_tree_add_protocol_format), which `-e lacp` prints
treeLine('lacp', (v) => v.has('lacp.vlacp_subtype') ? 'Virtual Link Aggregation Control Protocol' : 'Link Aggregation Control Protocol', ['lacp.vlacp_subtype']);
treeLine('marker', () => 'Marker Protocol');
treeLine('oampdu', () => 'OAM Protocol');
