// IEEE 802.11 (LINKTYPE_IEEE802_11, 105; behind radiotap, 127): the MAC
// header (frame control, addresses by the DS bits, sequence control, QoS
// control), management frames with their fixed fields and the tagged
// parameters users filter on, control frames, data frames on through
// LLC/SNAP, protected frames shown as tshark shows them without keys (the
// CCMP/TKIP/WEP header, then data), and the FCS when the link says there is
// one. As packet-ieee80211.c in tshark 4.0; its Info line ("Beacon frame,
// SN=…, FN=…, Flags=…, BI=…, SSID=…").
import type { Ctx, FieldNode } from './context';
import { ADDR_ETHER, ADDR_TEXT } from './context';
import { etherToString } from './addr';
import { macResolved } from '../enrich/manuf';
import { declare, HEX8, HEX16, HEX32 } from './fields';
import { dissectData } from './data';
import { dissectLlc } from './llc';
import { ranOut } from './ranout';
import type { State } from './state';
import { LINKTYPE } from './tables';
import { u16le, u32le } from './bytes';

const HEX24 = { base: 'hex' as const, hexDigits: 6 };

/** type << 4 | subtype → the name tshark's Info and type_subtype use */
const SUBTYPES: Record<number, string> = {
  0x00: 'Association Request', 0x01: 'Association Response', 0x02: 'Reassociation Request', 0x03: 'Reassociation Response',
  0x04: 'Probe Request', 0x05: 'Probe Response', 0x06: 'Measurement Pilot', 0x08: 'Beacon frame', 0x09: 'ATIM',
  0x0a: 'Disassociate', 0x0b: 'Authentication', 0x0c: 'Deauthentication', 0x0d: 'Action', 0x0e: 'Action No Ack',
  0x12: 'Trigger', 0x13: 'TWT Ack', 0x14: 'Beamforming Report Poll', 0x15: 'VHT/HE NDP Announcement',
  0x17: 'Control Wrapper', 0x18: '802.11 Block Ack Req', 0x19: '802.11 Block Ack', 0x1a: 'Power-Save poll',
  0x1b: 'Request-to-send', 0x1c: 'Clear-to-send', 0x1d: 'Acknowledgement', 0x1e: 'CF-End (Control-frame)',
  0x1f: 'CF-End + CF-Ack (Control-frame)',
  0x20: 'Data', 0x21: 'Data + CF-Ack', 0x22: 'Data + CF-Poll', 0x23: 'Data + CF-Ack + CF-Poll', 0x24: 'Null function (No data)',
  0x25: 'Acknowledgement (No data)', 0x26: 'CF-Poll (No data)', 0x27: 'CF-Ack/Poll (No data)', 0x28: 'QoS Data',
  0x29: 'QoS Data + CF-Acknowledgment', 0x2a: 'QoS Data + CF-Poll', 0x2b: 'QoS Data + CF-Ack + CF-Poll',
  0x2c: 'QoS Null function (No data)', 0x2e: 'QoS CF-Poll (No Data)', 0x2f: 'QoS CF-Ack + CF-Poll (No data)',
};

declare('wlan', 'IEEE 802.11 wireless LAN', [
  ['wlan.fc.type_subtype', 'uint', 'Type/Subtype', { ...HEX16, valueNames: SUBTYPES }],
  ['wlan.fc', 'uint', 'Frame Control Field', HEX16],
  ['wlan.fc.version', 'uint', 'Version'],
  ['wlan.fc.type', 'uint', 'Type', { valueNames: { 0: 'Management frame', 1: 'Control frame', 2: 'Data frame', 3: 'Extension' } }],
  ['wlan.fc.subtype', 'uint', 'Subtype'],
  ['wlan.flags', 'uint', 'Flags', HEX8],
  ['wlan.fc.ds', 'uint', 'DS status', { ...HEX8, valueNames: { 0: 'Not leaving DS or network is operating in AD-HOC mode (To DS: 0 From DS: 0)', 1: 'Frame from STA to DS via an AP (To DS: 1 From DS: 0)', 2: 'Frame from DS to a STA via AP(To DS: 0 From DS: 1)', 3: 'WDS (AP to AP) or Mesh (MP to MP) Frame (To DS: 1 From DS: 1)' } }],
  ['wlan.fc.tods', 'bool', 'To DS'],
  ['wlan.fc.fromds', 'bool', 'From DS'],
  ['wlan.fc.frag', 'bool', 'More Fragments'],
  ['wlan.fc.retry', 'bool', 'Retry'],
  ['wlan.fc.pwrmgt', 'bool', 'PWR MGT'],
  ['wlan.fc.moredata', 'bool', 'More Data'],
  ['wlan.fc.protected', 'bool', 'Protected flag'],
  ['wlan.fc.order', 'bool', '+HTC/Order flag'],
  ['wlan.duration', 'uint', 'Duration'],
  ['wlan.aid', 'uint', 'Association ID'],
  ['wlan.ra', 'ether', 'Receiver address'],
  ['wlan.ta', 'ether', 'Transmitter address'],
  ['wlan.da', 'ether', 'Destination address'],
  ['wlan.sa', 'ether', 'Source address'],
  ['wlan.bssid', 'ether', 'BSS Id'],
  ['wlan.staa', 'ether', 'STA address'],
  ['wlan.addr', 'ether', 'Hardware address'],
  ['wlan.frag', 'uint', 'Fragment number'],
  ['wlan.seq', 'uint', 'Sequence number'],
  ['wlan.qos', 'uint', 'Qos Control', HEX16],
  ['wlan.qos.tid', 'uint', 'TID'],
  ['wlan.qos.priority', 'uint', 'Priority'],
  ['wlan.qos.eosp', 'bool', 'EOSP'],
  ['wlan.qos.bit4', 'bool', 'QoS bit 4'],
  ['wlan.qos.ack', 'uint', 'Ack Policy', HEX16],
  ['wlan.qos.amsdupresent', 'bool', 'Payload Type'],
  ['wlan.qos.txop_dur_req', 'uint', 'TXOP Duration Requested'],
  ['wlan.qos.queue_size', 'uint', 'Queue Size'],
  ['wlan.qos.txop_limit', 'uint', 'TXOP Limit'],
  ['wlan.qos.ps_buf_state', 'uint', 'QAP PS Buffer State', HEX16],
  ['wlan.qos.buf_state_indicated', 'bool', 'Buffer State Indicated'],
  ['wlan.ba.control', 'uint', 'Block Ack Request (BAR) Control', HEX16],
  ['wlan.ba.control.ackpolicy', 'bool', 'BAR Ack Policy'],
  ['wlan.ba.control.ba_type', 'uint', 'BA Type', HEX16],
  ['wlan.ba.basic.tidinfo', 'uint', 'TID for which a Basic BlockAck frame is requested', HEX16],
  ['wlan.fixed.ssc', 'uint', 'Block Ack Starting Sequence Control (SSC)', HEX16],
  ['wlan.fixed.ssc.fragment', 'uint', 'Fragment'],
  ['wlan.fixed.ssc.sequence', 'uint', 'Starting Sequence Number'],
  ['wlan.ba.bm', 'bytes', 'Block Ack Bitmap'],
  ['wlan.ccmp.extiv', 'string', 'CCMP Ext. Initialization Vector'],
  ['wlan.tkip.extiv', 'string', 'TKIP Ext. Initialization Vector'],
  ['wlan.wep.iv', 'uint', 'Initialization Vector', HEX24],
  ['wlan.wep.key', 'uint', 'Key Index'],
  ['wlan.wep.icv', 'uint', 'WEP ICV', HEX32],
  ['wlan.fcs', 'uint', 'Frame check sequence', HEX32],
  ['wlan.fcs.status', 'uint', 'FCS Status', { valueNames: { 0: 'Bad', 1: 'Good', 2: 'Unverified' } }],
]);

declare('wlan_aggregate', 'IEEE 802.11 Aggregate MSDU', [
  ['wlan_aggregate.a_mdsu.subframe', 'none', 'A-MSDU Subframe'],
  ['wlan_aggregate.a_mdsu.length', 'uint', 'A-MSDU Length'],
]);

declare('wlan.mgt', 'IEEE 802.11 Wireless Management', [
  ['wlan.fixed.timestamp', 'uint', 'Timestamp'],
  ['wlan.fixed.beacon', 'uint', 'Beacon Interval'],
  ['wlan.fixed.capabilities', 'uint', 'Capabilities Information', HEX16],
  ['wlan.fixed.capabilities.ess', 'bool', 'ESS capabilities'],
  ['wlan.fixed.capabilities.ibss', 'bool', 'IBSS status'],
  ['wlan.fixed.capabilities.privacy', 'bool', 'Privacy'],
  ['wlan.fixed.capabilities.short_preamble', 'bool', 'Short Preamble'],
  ['wlan.fixed.capabilities.short_slot_time', 'bool', 'Short Slot Time'],
  ['wlan.fixed.auth.alg', 'uint', 'Authentication Algorithm', { valueNames: { 0: 'Open System', 1: 'Shared key', 2: 'Fast BSS Transition', 3: 'Simultaneous Authentication of Equals (SAE)' } }],
  ['wlan.fixed.auth_seq', 'uint', 'Authentication SEQ', HEX16],
  ['wlan.fixed.status_code', 'uint', 'Status code', HEX16],
  ['wlan.fixed.reason_code', 'uint', 'Reason code', HEX16],
  ['wlan.fixed.listen_ival', 'uint', 'Listen Interval', HEX16],
  ['wlan.fixed.aid', 'uint', 'Association ID', HEX16],
  ['wlan.fixed.current_ap', 'ether', 'Current AP'],
  ['wlan.fixed.category_code', 'uint', 'Category code'],
  ['wlan.fixed.action_code', 'uint', 'Action code'],
  ['wlan.fixed.dialog_token', 'uint', 'Dialog token', HEX8],
  ['wlan.fixed.baparams', 'uint', 'Block Ack Parameters', HEX16],
  ['wlan.fixed.baparams.tid', 'uint', 'Traffic Identifier', HEX16],
  ['wlan.fixed.baparams.buffersize', 'uint', 'Number of Buffers (1 Buffer = 2304 Bytes)'],
  ['wlan.fixed.batimeout', 'uint', 'Block Ack Timeout', HEX16],
  ['wlan.fixed.delba.param', 'uint', 'Delete Block Ack (DELBA) Parameter Set', HEX16],
  ['wlan.fixed.delba.param.initiator', 'bool', 'Initiator'],
  ['wlan.fixed.delba.param.tid', 'uint', 'TID', HEX16],
  ['wlan.tag.number', 'uint', 'Tag Number'],
  ['wlan.tag.length', 'uint', 'Tag length'],
  ['wlan.ssid', 'bytes', 'SSID'],
  ['wlan.supported_rates', 'uint', 'Supported Rates', HEX8],
  ['wlan.extended_supported_rates', 'uint', 'Extended Supported Rates', HEX8],
  ['wlan.ds.current_channel', 'uint', 'Current Channel'],
  ['wlan.tim.dtim_count', 'uint', 'DTIM count'],
  ['wlan.tim.dtim_period', 'uint', 'DTIM period'],
  ['wlan.tim.bmapctl', 'uint', 'Bitmap control', HEX8],
  ['wlan.tim.partial_virtual_bitmap', 'bytes', 'Partial Virtual Bitmap'],
  ['wlan.country_info.code', 'string', 'Code'],
  ['wlan.country_info.environment', 'uint', 'Environment'],
  ['wlan.rsn.version', 'uint', 'RSN Version'],
  ['wlan.rsn.gcs.oui', 'uint', 'Group Cipher Suite OUI'],
  ['wlan.rsn.gcs.type', 'uint', 'Group Cipher Suite type'],
  ['wlan.rsn.pcs.count', 'uint', 'Pairwise Cipher Suite Count'],
  ['wlan.rsn.pcs.oui', 'uint', 'Pairwise Cipher Suite OUI'],
  ['wlan.rsn.pcs.type', 'uint', 'Pairwise Cipher Suite type'],
  ['wlan.rsn.akms.count', 'uint', 'Auth Key Management (AKM) Suite Count'],
  ['wlan.rsn.akms.oui', 'uint', 'Auth Key Management (AKM) OUI'],
  ['wlan.rsn.akms.type', 'uint', 'Auth Key Management (AKM) type'],
  ['wlan.rsn.capabilities', 'uint', 'RSN Capabilities', HEX16],
  ['wlan.ht.capabilities', 'uint', 'HT Capabilities Info', HEX16],
  ['wlan.ht.ampduparam', 'uint', 'A-MPDU Parameters', HEX8],
  ['wlan.tag.oui', 'uint', 'OUI'],
  ['wlan.erp_info', 'uint', 'ERP Information', HEX8],
  ['wlan.ht.info.primarychannel', 'uint', 'Primary Channel'],
  ['wlan.ht.info.delim1', 'uint', 'HT Information Subset (1 of 3)', HEX8],
  ['wlan.extcap', 'uint', 'Extended Capabilities', HEX8],
  ['wlan.vht.capabilities', 'uint', 'VHT Capabilities Info', HEX32],
  ['wlan.vht.op.channelwidth', 'uint', 'Channel Width'],
  ['wlan.ext_tag.number', 'uint', 'Element ID Extension'],
  ['wlan.ext_tag.length', 'uint', 'Ext Tag length'],
  ['wlan.qbss.scount', 'uint', 'Station Count'],
  ['wlan.qbss.cu', 'uint', 'Channel Utilization'],
  ['wlan.powercon.local', 'uint', 'Local Power Constraint'],
  ['wlan.wfa.ie.type', 'uint', 'Type', HEX8],
  ['wlan.tag.vendor.oui.type', 'uint', 'Vendor Specific OUI Type'],
]);

/**
 * The 802.11 frame [off, end); `fcs`: its last 4 bytes are the FCS;
 * `datapad`: the body starts at a 4-byte boundary (radiotap's flag).
 */
export function dissectWlan(ctx: Ctx, st: State, off: number, end: number, fcs: boolean, datapad = false): void {
  const d = ctx.d;
  const l = ctx.layer('wlan', off, end - off);
  ctx.protocol = '802.11';
  if (fcs && end - off >= 4) {
    end -= 4;
  } else fcs = false;
  if (end - off < 2) { ctx.info = ''; ranOut(ctx, 'wlan', '802.11 frame control cut short', off, 2); return; }
  const fc0 = d[off], flags = d[off + 1];
  const type = (fc0 >> 2) & 3, subtype = fc0 >> 4, ts = (type << 4) | subtype;
  const name = SUBTYPES[ts] ?? (type === 3 ? 'Extension' : `Unrecognized (Reserved frame) (0x${ts.toString(16).padStart(4, '0')})`);
  ctx.info = name;
  ctx.add(l, 'wlan.fc.type_subtype', ts, off, 2);
  const fcf = ctx.add(l, 'wlan.fc', (fc0 << 8) | flags, off, 2);
  ctx.sub(fcf, 'wlan.fc.version', fc0 & 3, off, 1);
  ctx.sub(fcf, 'wlan.fc.type', type, off, 1);
  ctx.sub(fcf, 'wlan.fc.subtype', subtype, off, 1);
  const fl = ctx.sub(fcf, 'wlan.flags', flags, off + 1, 1);
  ctx.sub(fl, 'wlan.fc.ds', flags & 3, off + 1, 1);
  ctx.sub(fl, 'wlan.fc.tods', (flags & 1) !== 0, off + 1, 1);
  ctx.sub(fl, 'wlan.fc.fromds', (flags & 2) !== 0, off + 1, 1);
  ctx.sub(fl, 'wlan.fc.frag', (flags & 4) !== 0, off + 1, 1);
  ctx.sub(fl, 'wlan.fc.retry', (flags & 8) !== 0, off + 1, 1);
  ctx.sub(fl, 'wlan.fc.pwrmgt', (flags & 16) !== 0, off + 1, 1);
  ctx.sub(fl, 'wlan.fc.moredata', (flags & 32) !== 0, off + 1, 1);
  ctx.sub(fl, 'wlan.fc.protected', (flags & 64) !== 0, off + 1, 1);
  ctx.sub(fl, 'wlan.fc.order', (flags & 128) !== 0, off + 1, 1);
  // tshark marks a frame that carries its FCS with a C after the flags
  const flagText = flagString(flags) + (fcs ? 'C' : '');
  const hdr = headerLength(type, subtype, flags);
  const ok = (need: number): boolean => {
    if (off + need <= end) return true;
    ranOut(ctx, 'wlan', `802.11 header cut short (${end - off} of ${need} bytes)`, off, need);
    return false;
  };
  // duration, or a PS-Poll's association id
  if (!ok(4)) return;
  const dur = u16le(d, off + 2);
  if (ts === 0x1a) ctx.add(l, 'wlan.aid', dur & 0x3fff, off + 2, 2);
  else ctx.add(l, 'wlan.duration', dur & 0x7fff, off + 2, 2);
  const addr = (name: string, o: number, also?: string): void => {
    const a = d.subarray(o, o + 6);
    ctx.add(l, name, a, o, 6);
    if (also !== undefined) ctx.hidden(also, a, o, 6);
    ctx.hidden('wlan.addr', a, o, 6);
  };
  if (type === 1) {
    // control frames: the receiver, then (most) the transmitter
    if (!ok(10)) return;
    if (ts === 0x1a) { addr('wlan.bssid', off + 4, 'wlan.ra'); }
    else addr('wlan.ra', off + 4);
    // tshark's columns name a control frame's addresses with their role
    roleColumn(ctx, false, off + 4, ts === 0x1a ? 'BSSID' : 'RA');
    const hasTa = ts === 0x18 || ts === 0x19 || ts === 0x1a || ts === 0x1b || ts === 0x14 || ts === 0x15 || ts === 0x12 || ts === 0x13;
    if (hasTa) {
      if (!ok(16)) return;
      addr('wlan.ta', off + 10);
      roleColumn(ctx, true, off + 10, 'TA');
    } else if (ts === 0x1e || ts === 0x1f) {
      if (!ok(16)) return;
      addr('wlan.bssid', off + 10);
      roleColumn(ctx, true, off + 10, 'BSSID');
    }
    ctx.info = `${name}, Flags=${flagText}`;
    if (ts === 0x18 || ts === 0x19) blockAck(ctx, l, ts === 0x19, off + 16, end);
    fcsField(ctx, l, fcs, end);
    return;
  }
  if (off + 24 > end) {
    // tshark shows the receiver before it reads the sequence control, and sets the address columns
    if (off + 10 <= end) { addr('wlan.ra', off + 4); dst(ctx, off + 4); }
    if (off + 16 <= end) src(ctx, off + 10);
    ranOut(ctx, 'wlan', `802.11 header cut short (${end - off} of 24 bytes)`, off, 24);
    return;
  }
  const a1 = off + 4, a2 = off + 10, a3 = off + 16;
  const sc = u16le(d, off + 22);
  const seq = sc >> 4, frag = sc & 15;
  const ds = flags & 3;
  // QoS data with a body whose QoS control says A-MSDU (read here: it changes which addresses are shown)
  const amsdu = type === 2 && (subtype & 12) === 8 && ds !== 3 && off + 26 <= end && (d[off + 24] & 0x80) !== 0;
  if (type === 0) {
    addr('wlan.da', a1, 'wlan.ra');
    addr('wlan.sa', a2, 'wlan.ta');
    addr('wlan.bssid', a3);
    dst(ctx, a1); src(ctx, a2);
  } else if (ds === 0) {
    addr('wlan.da', a1, 'wlan.ra'); addr('wlan.sa', a2, 'wlan.ta'); addr('wlan.bssid', a3);
    dst(ctx, a1); src(ctx, a2);
  } else if (ds === 1) {
    addr('wlan.bssid', a1, 'wlan.ra'); addr('wlan.sa', a2, 'wlan.ta');
    // an A-MSDU's third address is not the final one: its subframes carry DA and SA
    if (!amsdu) { addr('wlan.da', a3); dst(ctx, a3); }
    ctx.hidden('wlan.staa', d.subarray(a2, a2 + 6), a2, 6);
    src(ctx, a2);
  } else if (ds === 2) {
    addr('wlan.da', a1, 'wlan.ra'); addr('wlan.bssid', a2, 'wlan.ta');
    if (!amsdu) { addr('wlan.sa', a3); src(ctx, a3); }
    ctx.hidden('wlan.staa', d.subarray(a1, a1 + 6), a1, 6);
    dst(ctx, a1);
  } else {
    if (!ok(30)) return;
    // tshark lists the fourth address (SA) before the third (DA) in wlan.addr
    addr('wlan.ra', a1); addr('wlan.ta', a2);
    ctx.add(l, 'wlan.da', d.subarray(a3, a3 + 6), a3, 6);
    addr('wlan.sa', off + 24);
    ctx.hidden('wlan.addr', d.subarray(a3, a3 + 6), a3, 6);
    dst(ctx, a3); src(ctx, off + 24);
  }
  ctx.add(l, 'wlan.frag', frag, off + 22, 2);
  ctx.add(l, 'wlan.seq', seq, off + 22, 2);
  ctx.info = `${name}, SN=${seq}, FN=${frag}, Flags=${flagText}`;
  if (type === 2 && subtype & 8) {
    if (!ok(hdr)) return;
    qos(ctx, l, d, off + hdr - 2 - (flags & 0x80 ? 4 : 0), ds, subtype);
  }
  const o = off + (datapad ? (hdr + 3) & ~3 : hdr);
  if (o > end) { ranOut(ctx, 'wlan', '802.11 header cut short', off, hdr); return; }
  if (type === 0) {
    if (flags & 0x40) { protectedBody(ctx, l, o, end); fcsField(ctx, l, fcs, end); return; }
    management(ctx, subtype, o, end);
    fcsField(ctx, l, fcs, end);
    return;
  }
  if (type !== 2) { dissectData(ctx, o, end); fcsField(ctx, l, fcs, end); return; }
  // data: subtypes with bit 2 set carry no body
  if (subtype & 4) { fcsField(ctx, l, fcs, end); return; }
  if (flags & 0x40) { protectedBody(ctx, l, o, end); fcsField(ctx, l, fcs, end); return; }
  if (amsdu) { aggregate(ctx, st, o, end); fcsField(ctx, l, fcs, end); return; }
  if (o < end) dissectLlc(ctx, st, o, end);
  fcsField(ctx, l, fcs, end);
}

/** A-MSDU subframes: DA, SA, a big-endian length, the MSDU (LLC), padding to 4 bytes but after the last */
function aggregate(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  // a top-level tree item in tshark, but not a protocol of frame.protocols
  const l = ctx.layer('wlan_aggregate', off, end - off);
  ctx.protocols.pop();
  let o = off;
  // each subframe takes at least its 14-byte header: the loop ends within the frame
  while (o < end) {
    if (o + 14 > end) { ranOut(ctx, 'wlan_aggregate', 'A-MSDU subframe header cut short', o, 14); return; }
    const len = (d[o + 12] << 8) | d[o + 13];
    const sf = ctx.add(l, 'wlan_aggregate.a_mdsu.subframe', null, o, Math.min(14 + len, end - o));
    ctx.sub(sf, 'wlan.da', d.subarray(o, o + 6), o, 6);
    ctx.sub(sf, 'wlan.sa', d.subarray(o + 6, o + 12), o + 6, 6);
    ctx.sub(sf, 'wlan_aggregate.a_mdsu.length', len, o + 12, 2);
    const msdu = o + 14;
    if (msdu + len > end) {
      if (ctx.pkt.capLen < ctx.pkt.origLen) { ranOut(ctx, 'wlan_aggregate', `A-MSDU subframe of ${len} bytes past the frame`, msdu, len); return; }
      // tshark decodes what is there, then marks the subframe longer than the frame
      if (msdu < end) dissectLlc(ctx, st, msdu, end);
      const info = typeof ctx.info === 'function' ? ctx.info() : ctx.info;
      ctx.malformedAt('wlan_aggregate', `A-MSDU subframe of ${len} bytes runs past the frame`, msdu, end - msdu);
      ctx.info = `${info}[Malformed Packet: length of contained item exceeds length of containing item]`;
      return;
    }
    if (len > 0) dissectLlc(ctx, st, msdu, msdu + len);
    o = msdu + len;
    const pad = (4 - ((o - off) % 4)) % 4;
    if (o + pad >= end) break;
    o += pad;
  }
}

/** a Source (`source`) or Destination column as tshark's 802.11 control frames show it: "name (mac) (TA)" */
function roleColumn(ctx: Ctx, source: boolean, o: number, role: string): void {
  if (ctx.d !== ctx.pkt.data) return;
  const a = ctx.d.subarray(o, o + 6);
  const t = etherToString(a);
  const text = `${macResolved(a, t)} (${t}) (${role})`;
  if (source) { ctx.srcKind = ADDR_TEXT; ctx.src = text; } else { ctx.dstKind = ADDR_TEXT; ctx.dst = text; }
}

function dst(ctx: Ctx, o: number): void {
  if (ctx.d === ctx.pkt.data) { ctx.dstKind = ADDR_ETHER; ctx.dst = o; }
}

function src(ctx: Ctx, o: number): void {
  if (ctx.d === ctx.pkt.data) { ctx.srcKind = ADDR_ETHER; ctx.src = o; }
}

/** the flags as tshark's Info shows them: a letter for each bit set, a dot for each clear */
function flagString(f: number): string {
  const letters = 'OpmPRMFT';
  let s = '';
  for (let i = 0; i < 8; i++) s += f & (0x80 >> i) ? letters[i] : '.';
  return s;
}

/** MAC header length: control frames vary, data frames add a fourth address, QoS control and HT control */
function headerLength(type: number, subtype: number, flags: number): number {
  if (type === 1) return 10;
  let n = 24;
  if (type === 2 && (flags & 3) === 3) n += 6;
  if (type === 2 && subtype & 8) n += 2;
  if (flags & 0x80 && (type === 0 || (type === 2 && subtype & 8))) n += 4;
  return n;
}

function qos(ctx: Ctx, l: FieldNode, d: Uint8Array, o: number, ds: number, subtype: number): void {
  const q = u16le(d, o);
  const f = ctx.add(l, 'wlan.qos', q, o, 2);
  const tid = q & 15;
  ctx.sub(f, 'wlan.qos.tid', tid, o, 2);
  ctx.sub(f, 'wlan.qos.priority', q & 7, o, 2);
  // bit 4 is EOSP from an AP, "TXOP duration requested / queue size" from a station
  if (ds === 2) ctx.sub(f, 'wlan.qos.eosp', (q & 0x10) !== 0, o, 2);
  else ctx.sub(f, 'wlan.qos.bit4', (q & 0x10) !== 0, o, 2);
  ctx.sub(f, 'wlan.qos.ack', (q >> 5) & 3, o, 2);
  if ((subtype & 4) === 0) ctx.sub(f, 'wlan.qos.amsdupresent', (q & 0x80) !== 0, o, 2);
  // the high byte: an AP's power-save buffer state; a station's TXOP request, or its queue size when bit 4 is set
  if (ds === 2) {
    ctx.sub(f, 'wlan.qos.ps_buf_state', q >> 8, o, 2);
    ctx.sub(f, 'wlan.qos.buf_state_indicated', (q & 0x200) !== 0, o, 2);
  } else ctx.sub(f, q & 0x10 ? 'wlan.qos.queue_size' : 'wlan.qos.txop_dur_req', q >> 8, o, 2);
}

function blockAck(ctx: Ctx, l: FieldNode, isBa: boolean, o: number, end: number): void {
  const d = ctx.d;
  if (o + 2 > end) { ranOut(ctx, 'wlan', 'Block Ack control cut short', o, 2); return; }
  const c = u16le(d, o);
  const cf = ctx.add(l, 'wlan.ba.control', c, o, 2);
  ctx.sub(cf, 'wlan.ba.control.ackpolicy', (c & 1) !== 0, o, 2);
  ctx.sub(cf, 'wlan.ba.control.ba_type', (c >> 1) & 15, o, 2);
  const baType = (c >> 1) & 15;
  if (baType === 0 || baType === 2) ctx.sub(cf, 'wlan.ba.basic.tidinfo', c >> 12, o, 2);
  if (o + 4 > end) { ranOut(ctx, 'wlan', 'Block Ack SSC cut short', o + 2, 2); return; }
  const ssc = u16le(d, o + 2);
  const sf = ctx.add(l, 'wlan.fixed.ssc', ssc, o + 2, 2);
  ctx.sub(sf, 'wlan.fixed.ssc.fragment', ssc & 15, o + 2, 2);
  ctx.sub(sf, 'wlan.fixed.ssc.sequence', ssc >> 4, o + 2, 2);
  if (!isBa) return;
  // basic: 128 bytes; compressed: 8
  const bm = baType === 2 ? 8 : baType === 0 ? 128 : 0;
  if (bm === 0) return;
  if (o + 4 + bm > end) { ranOut(ctx, 'wlan', 'Block Ack bitmap cut short', o + 4, bm); return; }
  ctx.add(l, 'wlan.ba.bm', d.subarray(o + 4, o + 4 + bm), o + 4, bm);
}

/** Without keys: the CCMP/TKIP (extended IV) or WEP header, then the ciphertext as data */
function protectedBody(ctx: Ctx, l: FieldNode, o: number, end: number): void {
  const d = ctx.d;
  if (o + 4 > end) { ranOut(ctx, 'wlan', 'protected frame header cut short', o, 4); return; }
  const keyByte = d[o + 3];
  if (keyByte & 0x20) {
    if (o + 8 > end) { ranOut(ctx, 'wlan', 'extended IV cut short', o, 8); return; }
    // TKIP's second byte is its first's "WEP seed" (RC4 weak-key avoidance)
    const tkip = d[o + 1] === ((d[o] | 0x20) & 0x7f);
    const pn = tkip
      ? [d[o + 7], d[o + 6], d[o + 5], d[o + 4], d[o], d[o + 2]]
      : [d[o + 7], d[o + 6], d[o + 5], d[o + 4], d[o + 1], d[o]];
    const hex = '0x' + pn.map((b) => b.toString(16).padStart(2, '0')).join('');
    ctx.add(l, tkip ? 'wlan.tkip.extiv' : 'wlan.ccmp.extiv', hex, o, 8);
    ctx.add(l, 'wlan.wep.key', keyByte >> 6, o + 3, 1);
    dissectData(ctx, o + 8, end);
    return;
  }
  ctx.add(l, 'wlan.wep.iv', (d[o] << 16) | (d[o + 1] << 8) | d[o + 2], o, 3);
  ctx.add(l, 'wlan.wep.key', keyByte >> 6, o + 3, 1);
  if (end - (o + 4) < 4) return;
  dissectData(ctx, o + 4, end - 4);
  ctx.add(l, 'wlan.wep.icv', ((d[end - 4] << 24) | (d[end - 3] << 16) | (d[end - 2] << 8) | d[end - 1]) >>> 0, end - 4, 4);
}

function fcsField(ctx: Ctx, l: FieldNode, fcs: boolean, end: number): void {
  if (!fcs) return;
  const f = ctx.add(l, 'wlan.fcs', u32le(ctx.d, end), end, 4);
  // tshark does not check the FCS unless told (wlan.check_fcs), radiotap's bad-FCS flag or not: unverified
  ctx.sub(f, 'wlan.fcs.status', 2, end, 4);
}

/** fixed fields of each management subtype: bytes, then the tagged parameters follow */
const FIXED: Record<number, number> = { 0: 4, 1: 6, 2: 10, 3: 6, 4: 0, 5: 12, 8: 12, 10: 2, 11: 6, 12: 2 };

function management(ctx: Ctx, subtype: number, off: number, end: number): void {
  const d = ctx.d;
  // a top-level tree item in tshark, but not a protocol of frame.protocols
  const m = ctx.layer('wlan.mgt', off, end - off);
  ctx.protocols.pop();
  let o = off;
  const fixed = FIXED[subtype];
  const need = (n: number): boolean => {
    if (o + n <= end) return true;
    ranOut(ctx, 'wlan.mgt', 'fixed parameters cut short', o, n);
    return false;
  };
  let bi = -1;
  if (subtype === 13 || subtype === 14) { action(ctx, m, o, end); return; }
  if (fixed === undefined) return;
  const cap = (at: number): void => {
    const c = u16le(d, at);
    const f = ctx.add(m, 'wlan.fixed.capabilities', c, at, 2);
    ctx.sub(f, 'wlan.fixed.capabilities.ess', (c & 1) !== 0, at, 2);
    ctx.sub(f, 'wlan.fixed.capabilities.ibss', (c & 2) !== 0, at, 2);
    ctx.sub(f, 'wlan.fixed.capabilities.privacy', (c & 0x10) !== 0, at, 2);
    ctx.sub(f, 'wlan.fixed.capabilities.short_preamble', (c & 0x20) !== 0, at, 2);
    ctx.sub(f, 'wlan.fixed.capabilities.short_slot_time', (c & 0x400) !== 0, at, 2);
  };
  switch (subtype) {
    case 5: case 8: {
      if (!need(8)) return;
      const ts = (BigInt(u32le(d, o + 4)) << 32n) | BigInt(u32le(d, o));
      ctx.add(m, 'wlan.fixed.timestamp', ts, o, 8);
      if (!need(10)) return;
      bi = u16le(d, o + 8);
      ctx.add(m, 'wlan.fixed.beacon', bi, o + 8, 2);
      if (!need(12)) return;
      cap(o + 10);
      break;
    }
    case 0: case 2:
      if (!need(2)) return;
      cap(o);
      if (!need(4)) return;
      ctx.add(m, 'wlan.fixed.listen_ival', u16le(d, o + 2), o + 2, 2);
      if (subtype === 2) {
        if (!need(10)) return;
        ctx.add(m, 'wlan.fixed.current_ap', d.subarray(o + 4, o + 10), o + 4, 6);
      }
      break;
    case 1: case 3:
      if (!need(2)) return;
      cap(o);
      if (!need(4)) return;
      ctx.add(m, 'wlan.fixed.status_code', u16le(d, o + 2), o + 2, 2);
      if (!need(6)) return;
      ctx.add(m, 'wlan.fixed.aid', u16le(d, o + 4) & 0x3fff, o + 4, 2);
      break;
    case 10: case 12:
      if (!need(2)) return;
      ctx.add(m, 'wlan.fixed.reason_code', u16le(d, o), o, 2);
      break;
    case 11:
      if (!need(2)) return;
      ctx.add(m, 'wlan.fixed.auth.alg', u16le(d, o), o, 2);
      if (!need(4)) return;
      ctx.add(m, 'wlan.fixed.auth_seq', u16le(d, o + 2), o + 2, 2);
      if (!need(6)) return;
      ctx.add(m, 'wlan.fixed.status_code', u16le(d, o + 4), o + 4, 2);
      break;
  }
  o += fixed;
  if (bi >= 0) ctx.info = `${ctx.info as string}, BI=${bi}`;
  tags(ctx, m, o, end);
}

function action(ctx: Ctx, m: FieldNode, o: number, end: number): void {
  const d = ctx.d;
  if (o >= end) { ranOut(ctx, 'wlan.mgt', 'action category cut short', o, 1); return; }
  const cat = d[o];
  ctx.add(m, 'wlan.fixed.category_code', cat, o, 1);
  if (o + 1 >= end) { ranOut(ctx, 'wlan.mgt', 'action code cut short', o + 1, 1); return; }
  const code = d[o + 1];
  ctx.add(m, 'wlan.fixed.action_code', code, o + 1, 1);
  if (cat !== 3) return;
  // block ack: ADDBA request/response carry a dialog token, which tshark's Info names
  let p = o + 2;
  const need = (n: number): boolean => {
    if (p + n <= end) return true;
    ranOut(ctx, 'wlan.mgt', 'block ack action cut short', p, n);
    return false;
  };
  const baParams = (): void => {
    const v = u16le(d, p);
    const f = ctx.add(m, 'wlan.fixed.baparams', v, p, 2);
    ctx.sub(f, 'wlan.fixed.baparams.tid', (v >> 2) & 15, p, 2);
    ctx.sub(f, 'wlan.fixed.baparams.buffersize', v >> 6, p, 2);
    p += 2;
  };
  if (code === 0 || code === 1) {
    if (!need(1)) return;
    ctx.add(m, 'wlan.fixed.dialog_token', d[p], p, 1);
    ctx.info = `${ctx.info as string}, Dialog Token=${d[p]}`;
    p += 1;
    if (code === 1) { if (!need(2)) return; ctx.add(m, 'wlan.fixed.status_code', u16le(d, p), p, 2); p += 2; }
    if (!need(2)) return;
    baParams();
    if (!need(2)) return;
    ctx.add(m, 'wlan.fixed.batimeout', u16le(d, p), p, 2);
    p += 2;
    if (code === 0) {
      if (!need(2)) return;
      const ssc = u16le(d, p);
      const sf = ctx.add(m, 'wlan.fixed.ssc', ssc, p, 2);
      ctx.sub(sf, 'wlan.fixed.ssc.fragment', ssc & 15, p, 2);
      ctx.sub(sf, 'wlan.fixed.ssc.sequence', ssc >> 4, p, 2);
    }
  } else if (code === 2) {
    if (!need(2)) return;
    const v = u16le(d, p);
    const f = ctx.add(m, 'wlan.fixed.delba.param', v, p, 2);
    ctx.sub(f, 'wlan.fixed.delba.param.initiator', (v & 0x800) !== 0, p, 2);
    ctx.sub(f, 'wlan.fixed.delba.param.tid', v >> 12, p, 2);
    p += 2;
    if (!need(2)) return;
    ctx.add(m, 'wlan.fixed.reason_code', u16le(d, p), p, 2);
  }
}

function oui(d: Uint8Array, o: number): number {
  return (d[o] << 16) | (d[o + 1] << 8) | d[o + 2];
}

/** the tagged parameters: number, length, and the values of the elements users filter on */
function tags(ctx: Ctx, m: FieldNode, off: number, end: number): void {
  const d = ctx.d;
  let o = off;
  // each element takes at least its 2-byte header: the loop ends within the frame
  while (o < end) {
    if (o + 2 > end) { ranOut(ctx, 'wlan.mgt', 'tag header cut short', o, 2); return; }
    const n = d[o], len = d[o + 1];
    ctx.add(m, 'wlan.tag.number', n, o, 1);
    // an extension element's length is shown as wlan.ext_tag.length (less its extension id) instead
    if (n !== 255) ctx.add(m, 'wlan.tag.length', len, o + 1, 1);
    const v = o + 2;
    if (v + len > end) {
      // a tag past what was sent: tshark's subtree item is longer than its parent
      if (ctx.pkt.capLen < ctx.pkt.origLen) { ranOut(ctx, 'wlan.mgt', `tag ${n} of ${len} bytes past the frame`, o, 2 + len); return; }
      ctx.malformedAt('wlan.mgt', `tag ${n} of ${len} bytes runs past the frame`, o, end - o);
      ctx.info = `${ctx.info as string}[Malformed Packet: length of contained item exceeds length of containing item]`;
      return;
    }
    element(ctx, m, n, v, len);
    o = v + len;
  }
}

function element(ctx: Ctx, m: FieldNode, n: number, v: number, len: number): void {
  const d = ctx.d;
  switch (n) {
    case 0: {
      ctx.add(m, 'wlan.ssid', d.subarray(v, v + len), v, len);
      const s = len === 0 ? 'Wildcard (Broadcast)' : ssidText(d.subarray(v, v + len));
      ctx.info = `${ctx.info as string}, SSID=${s}`;
      return;
    }
    case 1: case 50:
      for (let i = 0; i < len; i++) ctx.add(m, n === 1 ? 'wlan.supported_rates' : 'wlan.extended_supported_rates', d[v + i], v + i, 1);
      return;
    case 3:
      if (len >= 1) ctx.add(m, 'wlan.ds.current_channel', d[v], v, 1);
      return;
    case 5:
      if (len < 4) return;
      ctx.add(m, 'wlan.tim.dtim_count', d[v], v, 1);
      ctx.add(m, 'wlan.tim.dtim_period', d[v + 1], v + 1, 1);
      ctx.add(m, 'wlan.tim.bmapctl', d[v + 2], v + 2, 1);
      ctx.add(m, 'wlan.tim.partial_virtual_bitmap', d.subarray(v + 3, v + len), v + 3, len - 3);
      return;
    case 7:
      if (len < 3) return;
      ctx.add(m, 'wlan.country_info.code', String.fromCharCode(d[v], d[v + 1]), v, 2);
      ctx.add(m, 'wlan.country_info.environment', d[v + 2], v + 2, 1);
      return;
    case 48: rsn(ctx, m, v, v + len); return;
    case 45:
      if (len !== 26) return;
      ctx.add(m, 'wlan.ht.capabilities', u16le(d, v), v, 2);
      ctx.add(m, 'wlan.ht.ampduparam', d[v + 2], v + 2, 1);
      return;
    case 221:
      if (len < 3) return;
      ctx.add(m, 'wlan.tag.oui', oui(d, v), v, 3);
      if (len >= 4) ctx.add(m, 'wlan.tag.vendor.oui.type', d[v + 3], v + 3, 1);
      // Microsoft/Wi-Fi Alliance elements (WPA, WMM, WPS) name their type again
      if (len >= 4 && oui(d, v) === 0x0050f2) ctx.add(m, 'wlan.wfa.ie.type', d[v + 3], v + 3, 1);
      return;
    case 42: if (len >= 1) ctx.add(m, 'wlan.erp_info', d[v], v, 1); return;
    case 61:
      if (len !== 22) return;
      ctx.add(m, 'wlan.ht.info.primarychannel', d[v], v, 1);
      ctx.add(m, 'wlan.ht.info.delim1', d[v + 1], v + 1, 1);
      return;
    case 127:
      for (let i = 0; i < len; i++) ctx.add(m, 'wlan.extcap', d[v + i], v + i, 1);
      return;
    case 191: if (len === 12) ctx.add(m, 'wlan.vht.capabilities', u32le(d, v), v, 4); return;
    case 192: if (len === 5) ctx.add(m, 'wlan.vht.op.channelwidth', d[v], v, 1); return;
    case 255:
      if (len < 1) { ctx.add(m, 'wlan.tag.length', len, v - 1, 1); return; }
      ctx.add(m, 'wlan.ext_tag.number', d[v], v, 1);
      ctx.add(m, 'wlan.ext_tag.length', len - 1, v - 1, 1);
      return;
    case 11:
      if (len !== 5) return;
      ctx.add(m, 'wlan.qbss.scount', u16le(d, v), v, 2);
      ctx.add(m, 'wlan.qbss.cu', d[v + 2], v + 2, 1);
      return;
    case 32: if (len === 1) ctx.add(m, 'wlan.powercon.local', d[v], v, 1);
  }
}

/** SSID as tshark's Info shows it: quoted when every byte is printable ASCII, else its bytes in hex */
function ssidText(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c < 0x20 || c >= 0x7f) return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    s += String.fromCharCode(c);
  }
  return `"${s}"`;
}

function rsn(ctx: Ctx, m: FieldNode, v: number, end: number): void {
  const d = ctx.d;
  if (v + 2 > end) return;
  ctx.add(m, 'wlan.rsn.version', u16le(d, v), v, 2);
  let o = v + 2;
  if (o + 4 > end) return;
  ctx.add(m, 'wlan.rsn.gcs.oui', oui(d, o), o, 3);
  ctx.add(m, 'wlan.rsn.gcs.type', d[o + 3], o + 3, 1);
  o += 4;
  for (const [count, ouiName, typeName] of [['wlan.rsn.pcs.count', 'wlan.rsn.pcs.oui', 'wlan.rsn.pcs.type'], ['wlan.rsn.akms.count', 'wlan.rsn.akms.oui', 'wlan.rsn.akms.type']]) {
    if (o + 2 > end) return;
    const c = u16le(d, o);
    ctx.add(m, count, c, o, 2);
    o += 2;
    for (let i = 0; i < c && o + 4 <= end; i++, o += 4) {
      ctx.add(m, ouiName, oui(d, o), o, 3);
      ctx.add(m, typeName, d[o + 3], o + 3, 1);
    }
  }
  if (o + 2 > end) return;
  ctx.add(m, 'wlan.rsn.capabilities', u16le(d, o), o, 2);
}

LINKTYPE.add(105, (ctx, st, off, end) => dissectWlan(ctx, st, off, end, false));
