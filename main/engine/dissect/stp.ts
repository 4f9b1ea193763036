// Spanning Tree BPDUs (packet-bpdu.c): configuration and TCN BPDUs of
// 802.1D, RST BPDUs of 802.1w, MST BPDUs of 802.1s with their MSTI
// records, and Cisco's PVST+ TLVs. They come on LLC SAP 0x42 (what every
// bridge, the Linux one included, sends every hello time), SNAP with
// Cisco's OUI and ethertype 0x8181. The columns are set from the first 27
// bytes before the tree is built, so a BPDU cut there shows no fields.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX16, HEX8 } from './fields';
import { etherToString } from './addr';
import * as context from './context';
import * as tables from './tables';
import * as readers from './bytes';
const { ADDR_ETHER } = context;
const { ETHERTYPE, LLC_DSAP, LLC_SNAP } = tables;
const { u16, u32 } = readers;

const ROLES = { 1: 'Alternate or Backup', 2: 'Root', 3: 'Designated' };

declare('stp', 'Spanning Tree Protocol', [
  ['stp.protocol', 'uint', 'Protocol Identifier', { ...HEX16, valueNames: { 0: 'Spanning Tree Protocol' } }],
  ['stp.version', 'uint', 'Protocol Version Identifier', { valueNames: { 0: 'Spanning Tree', 2: 'Rapid Spanning Tree', 3: 'Multiple Spanning Tree', 4: 'Shortest Path Tree' } }],
  ['stp.type', 'uint', 'BPDU Type', { ...HEX8, valueNames: { 0: 'Configuration', 2: 'Rapid/Multiple Spanning Tree', 0x80: 'Topology Change Notification' } }],
  ['stp.flags', 'uint', 'BPDU flags', HEX8],
  ['stp.flags.tcack', 'bool', 'Topology Change Acknowledgment'],
  ['stp.flags.agreement', 'bool', 'Agreement'],
  ['stp.flags.forwarding', 'bool', 'Forwarding'],
  ['stp.flags.learning', 'bool', 'Learning'],
  ['stp.flags.port_role', 'uint', 'Port Role', { valueNames: ROLES }],
  ['stp.flags.proposal', 'bool', 'Proposal'],
  ['stp.flags.tc', 'bool', 'Topology Change'],
  ['stp.root.prio', 'uint', 'Root Bridge Priority'],
  ['stp.root.ext', 'uint', 'Root Bridge System ID Extension'],
  ['stp.root.hw', 'ether', 'Root Bridge System ID'],
  ['stp.root.cost', 'uint', 'Root Path Cost'],
  ['stp.bridge.prio', 'uint', 'Bridge Priority'],
  ['stp.bridge.ext', 'uint', 'Bridge System ID Extension'],
  ['stp.bridge.hw', 'ether', 'Bridge System ID'],
  ['stp.port', 'uint', 'Port identifier', HEX16],
  ['stp.msg_age', 'float', 'Message Age'],
  ['stp.max_age', 'float', 'Max Age'],
  ['stp.hello', 'float', 'Hello Time'],
  ['stp.forward', 'float', 'Forward Delay'],
  ['stp.version_1_length', 'uint', 'Version 1 Length'],
  ['stp.pvst.tlvtype', 'uint', 'Type', { ...HEX16, valueNames: { 0: 'Originating VLAN' } }],
  ['stp.pvst.tlvlen', 'uint', 'Length'],
  ['stp.pvst.origvlan', 'uint', 'Originating VLAN'],
  ['stp.pvst.tlvval', 'bytes', 'Value'],
  ['mstp.version_3_length', 'uint', 'Version 3 Length'],
  ['mstp.config_format_selector', 'uint', 'MST Config ID format selector'],
  ['mstp.config_name', 'string', 'MST Config name'],
  ['mstp.config_revision_level', 'uint', 'MST Config revision'],
  ['mstp.config_digest', 'bytes', 'MST Config digest'],
  ['mstp.cist_internal_root_path_cost', 'uint', 'CIST Internal Root Path Cost'],
  ['mstp.cist_bridge.prio', 'uint', 'CIST Bridge Priority'],
  ['mstp.cist_bridge.ext', 'uint', 'CIST Bridge Identifier System ID Extension'],
  ['mstp.cist_bridge.hw', 'ether', 'CIST Bridge Identifier System ID'],
  ['mstp.cist_remaining_hops', 'uint', 'CIST Remaining hops'],
  ['mstp.msti.flags', 'uint', 'MSTI flags', HEX8],
  ['mstp.msti.priority', 'uint', 'Priority', HEX8],
  ['mstp.msti.msti_id', 'uint', 'MSTID'],
  ['mstp.msti.root.hw', 'ether', 'Regional Root'],
  ['mstp.msti.root_cost', 'uint', 'Internal root path cost'],
  ['mstp.msti.bridge_priority', 'uint', 'Bridge Identifier Priority'],
  ['mstp.msti.port_priority', 'uint', 'Port identifier priority'],
  ['mstp.msti.remaining_hops', 'uint', 'Remaining hops'],
]);

declare('gvrp', 'GARP VLAN Registration Protocol', []);
declare('gmrp', 'GARP Multicast Registration Protocol', []);

const CONF = 0x00, RST = 0x02, TCN = 0x80;
/** a configuration BPDU's size; an MST BPDU's fixed part; one MSTI record */
const CONF_SIZE = 35, MSTI_AT = 102, MSTI_SIZE = 16, V3_STATIC = 64;

/** One BPDU flags byte: the two 802.1D bits, or all of RSTP's (RST BPDUs and MSTI records). */
function flags(ctx: Ctx, l: FieldNode, name: string, v: number, o: number, rst: boolean): void {
  const f = ctx.add(l, name, v, o, 1);
  ctx.sub(f, 'stp.flags.tcack', (v & 0x80) !== 0, o, 1);
  if (rst) {
    ctx.sub(f, 'stp.flags.agreement', (v & 0x40) !== 0, o, 1);
    ctx.sub(f, 'stp.flags.forwarding', (v & 0x20) !== 0, o, 1);
    ctx.sub(f, 'stp.flags.learning', (v & 0x10) !== 0, o, 1);
    ctx.sub(f, 'stp.flags.port_role', (v >> 2) & 3, o, 1);
    ctx.sub(f, 'stp.flags.proposal', (v & 0x02) !== 0, o, 1);
  }
  ctx.sub(f, 'stp.flags.tc', (v & 0x01) !== 0, o, 1);
}

/** A bridge identifier: 4 bits of priority, 12 of system id extension (802.1t), a MAC. */
function bridgeId(ctx: Ctx, l: FieldNode, base: string, o: number): void {
  const d = ctx.d, w = u16(d, o);
  ctx.add(l, `${base}.prio`, w & 0xf000, o, 1);
  ctx.add(l, `${base}.ext`, w & 0x0fff, o, 2);
  ctx.add(l, `${base}.hw`, d.subarray(o + 2, o + 8), o + 2, 6);
}

/** packet-bpdu.c dissect_bpdu; `pvst`: Cisco's PVST+ (SNAP PID 0x010b), which carries TLVs after the BPDU. */
function dissectBpdu(ctx: Ctx, off: number, end: number, pvst: boolean): number {
  const d = ctx.d;
  const len = end - off;
  // GARP applications share the BPDU SAP: their group addresses tell them apart
  if (ctx.dstKind === ADDR_ETHER && typeof ctx.dst === 'number' && ctx.d === ctx.pkt.data) {
    const a = ctx.dst as number;
    if (d[a] === 0x01 && d[a + 1] === 0x80 && d[a + 2] === 0xc2 && d[a + 3] === 0 && d[a + 4] === 0 && (d[a + 5] === 0x0d || (d[a + 5] & 0xf0) === 0x20)) {
      const app = d[a + 5];
      if (app === 0x20 || app === 0x21 || app === 0x0d) {
        // GMRP and GVRP: recognised, not decoded
        const name = app === 0x20 ? 'gmrp' : 'gvrp';
        ctx.layer(name, off, len);
        ctx.protocol = name.toUpperCase();
        return end;
      }
      ctx.protocol = 'GARP';
      ctx.info = `Unknown GARP application (0x${app.toString(16).toUpperCase().padStart(2, '0')})`;
      return end;
    }
  }
  ctx.protocol = 'STP';
  ctx.info = '';
  const l = ctx.layer('stp', off, len);
  if (len < 4) { ctx.boundsAt('stp', `BPDU cut short (${len} bytes)`, off, len); return end; }
  const version = d[off + 2], type = d[off + 3];
  if (type === CONF || type === RST) {
    // the columns read up to the port identifier first
    if (len < 27) { ctx.boundsAt('stp', `BPDU cut short (${len} of ${CONF_SIZE} bytes)`, off, len); return end; }
    const fl = d[off + 4], root = u16(d, off + 5);
    const head = type === CONF ? 'Conf' : version === 3 ? 'MST' : version === 4 ? 'SPT' : 'RST';
    ctx.info = `${head}. ${fl & 1 ? 'TC + ' : ''}Root = ${root & 0xf000}/${root & 0x0fff}/${etherToString(d.subarray(off + 7, off + 13))}`
      + `  Cost = ${u32(d, off + 13) | 0}  Port = 0x${u16(d, off + 25).toString(16).padStart(4, '0')}`;
  } else if (type === TCN) {
    ctx.info = 'Topology Change Notification';
  } else {
    ctx.info = `Unknown BPDU type (${type})`;
  }
  ctx.add(l, 'stp.protocol', u16(d, off), off, 2);
  ctx.add(l, 'stp.version', version, off + 2, 1);
  ctx.add(l, 'stp.type', type, off + 3, 1);
  if (type === TCN) { l.len = 4; return off + 4; }
  if (type !== CONF && type !== RST) {
    ctx.note('protocol', 'stp', 'Unknown BPDU type data', 'warn');
    return end;
  }
  flags(ctx, l, 'stp.flags', d[off + 4], off + 4, type === RST);
  bridgeId(ctx, l, 'stp.root', off + 5);
  ctx.add(l, 'stp.root.cost', u32(d, off + 13), off + 13, 4);
  bridgeId(ctx, l, 'stp.bridge', off + 17);
  ctx.add(l, 'stp.port', u16(d, off + 25), off + 25, 2);
  const timers = ['stp.msg_age', 'stp.max_age', 'stp.hello', 'stp.forward'];
  for (let i = 0; i < 4; i++) {
    const o = off + 27 + 2 * i;
    if (o + 2 > end) { ctx.boundsAt('stp', `BPDU cut short (${len} of ${CONF_SIZE} bytes)`, o, end - o); return end; }
    ctx.add(l, timers[i], u16(d, o) / 256, o, 2);
  }
  if (type === CONF) {
    if (pvst) { pvstTlvs(ctx, l, off, end); return end; }
    l.len = CONF_SIZE;
    return off + CONF_SIZE;
  }
  if (len < 36) { ctx.boundsAt('stp', 'RST BPDU cut short before its Version 1 Length', off + 35, 0); return end; }
  const v1 = d[off + 35];
  ctx.add(l, 'stp.version_1_length', v1, off + 35, 1);
  if (version >= 3 && v1 === 0 && len >= MSTI_AT) { mst(ctx, l, off, end, version); return Math.min(end, off + l.len); }
  if (pvst) pvstTlvs(ctx, l, off, end);
  return end;
}

/** The MST extension: the configuration identifier, the CIST's own fields and the MSTI records. */
function mst(ctx: Ctx, l: FieldNode, off: number, end: number, version: number): void {
  const d = ctx.d;
  const v3 = u16(d, off + 36);
  ctx.add(l, 'mstp.version_3_length', v3, off + 36, 2);
  // a Version 3 Length under the fixed part counts records, as Cisco's C3550 sends it (packet-bpdu.c);
  // zero means none here (tshark's alternative pre-standard format aside)
  const total = v3 === 0 ? 0 : v3 >= V3_STATIC ? v3 - V3_STATIC : v3 * MSTI_SIZE;
  if (version === 3) l.len = MSTI_AT + total;
  ctx.add(l, 'mstp.config_format_selector', d[off + 38], off + 38, 1);
  let n = 0;
  while (n < 32 && d[off + 39 + n] !== 0) n++;
  ctx.add(l, 'mstp.config_name', Buffer.from(d.subarray(off + 39, off + 39 + n)).toString('latin1'), off + 39, 32);
  ctx.add(l, 'mstp.config_revision_level', u16(d, off + 71), off + 71, 2);
  ctx.add(l, 'mstp.config_digest', d.subarray(off + 73, off + 89), off + 73, 16);
  if (v3 !== 0) {
    ctx.add(l, 'mstp.cist_internal_root_path_cost', u32(d, off + 89), off + 89, 4);
    bridgeId(ctx, l, 'mstp.cist_bridge', off + 93);
  }
  ctx.add(l, 'mstp.cist_remaining_hops', d[off + 101], off + 101, 1);
  let o = off + MSTI_AT;
  // never trust Version 3 Length: at most what the BPDU holds (and the 64 instances 802.1s allows)
  for (let left = total; left > 0; left -= MSTI_SIZE, o += MSTI_SIZE) {
    if (o + MSTI_SIZE > end) { ctx.boundsAt('stp', 'MSTI record cut short', o, end - o); return; }
    flags(ctx, l, 'mstp.msti.flags', d[o], o, true);
    ctx.add(l, 'mstp.msti.priority', d[o + 1] >> 4, o + 1, 1);
    ctx.add(l, 'mstp.msti.msti_id', u16(d, o + 1) & 0x0fff, o + 1, 2);
    ctx.add(l, 'mstp.msti.root.hw', d.subarray(o + 3, o + 9), o + 3, 6);
    ctx.add(l, 'mstp.msti.root_cost', u32(d, o + 9), o + 9, 4);
    ctx.add(l, 'mstp.msti.bridge_priority', d[o + 13] >> 4, o + 13, 1);
    ctx.add(l, 'mstp.msti.port_priority', d[o + 14] >> 4, o + 14, 1);
    ctx.add(l, 'mstp.msti.remaining_hops', d[o + 15], o + 15, 1);
  }
}

/** Cisco PVST+: TLVs after the 36th byte, the originating VLAN among them. */
function pvstTlvs(ctx: Ctx, l: FieldNode, off: number, end: number): void {
  const d = ctx.d;
  let o = off + 36, vlan = false;
  while (end - o >= 4) {
    const t = u16(d, o), n = u16(d, o + 2);
    ctx.add(l, 'stp.pvst.tlvtype', t, o, 2);
    ctx.add(l, 'stp.pvst.tlvlen', n, o + 2, 2);
    if (end - o - 4 < n) { ctx.errorAt('stp', 'TLV record is truncated prematurely', o + 2, 2); break; }
    o += 4;
    if (t === 0 && n === 2) { ctx.add(l, 'stp.pvst.origvlan', u16(d, o), o, 2); vlan = true; }
    else if (t === 0) ctx.errorAt('stp', 'Indicated length is not valid for this record type', o - 2, 2);
    else ctx.add(l, 'stp.pvst.tlvval', d.subarray(o, o + n), o, n);
    o += n;
  }
  if (!vlan) ctx.errorAt('stp', 'Originating (PVID) VLAN TLV is missing or corrupt');
}

LLC_DSAP.add(0x42, (ctx, _st: State, off, end) => { dissectBpdu(ctx, off, end, false); });
// the bytes after the BPDU are Ethernet padding there
ETHERTYPE.add(0x8181, (ctx, _st, off, end) => dissectBpdu(ctx, off, end, false));
// Cisco's SNAP PIDs: plain STP on its VLAN-bridge PID, PVST+ with its TLVs
LLC_SNAP.add(0x00000c * 0x10000 + 0x010c, (ctx, _st, off, end) => { dissectBpdu(ctx, off, end, false); });
LLC_SNAP.add(0x00000c * 0x10000 + 0x010b, (ctx, _st, off, end) => { dissectBpdu(ctx, off, end, true); });
// bridged BPDUs (RFC 2684/2427 over SNAP with the 802.1 OUI)
LLC_SNAP.add(0x0080c2 * 0x10000 + 0x000e, (ctx, _st, off, end) => { dissectBpdu(ctx, off, end, false); });
