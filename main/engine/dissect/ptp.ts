// PTP, the Precision Time Protocol (IEEE 1588), on ethertype 0x88f7 and
// UDP 319 (event) / 320 (general), as linuxptp's ptp4l sends it. Version 2:
// the common header (every field and flag tshark 4.0 names), the bodies of
// Sync, Delay_Req, Follow_Up, Delay_Resp, the peer-delay trio, Announce,
// Signaling (target port and each TLV's type, length and data) and
// Management (target, hops, action and its TLV's header). A messageLength
// past the bytes is tshark's bounds error before the tree; bytes after it
// are the link layer's padding. Version 1 is named (Protocol PTPv1 and the
// message in Info) without its fields.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX8, HEX16 } from './fields';

const HEX64 = { base: 'hex' as const, hexDigits: 16 };
import * as readers from './bytes';
import * as tables from './tables';
const { ETHERTYPE, UDP_PORT } = tables;
const { u16, u32 } = readers;

const MESSAGE_TYPES: Record<number, string> = {
  0: 'Sync Message', 1: 'Delay_Req Message', 2: 'Peer_Delay_Req Message', 3: 'Peer_Delay_Resp Message', 8: 'Follow_Up Message',
  9: 'Delay_Resp Message', 10: 'Peer_Delay_Resp_Follow_Up Message', 11: 'Announce Message', 12: 'Signalling Message', 13: 'Management Message',
};
const FLAGS: Array<[string, number, string]> = [
  ['alternatemaster', 0x100, 'PTP_ALTERNATE_MASTER'], ['twostep', 0x200, 'PTP_TWO_STEP'], ['unicast', 0x400, 'PTP_UNICAST'],
  ['specific1', 0x2000, 'PTP profile Specific 1'], ['specific2', 0x4000, 'PTP profile Specific 2'], ['security', 0x8000, 'PTP_SECURITY'],
  ['li61', 0x1, 'PTP_LI_61'], ['li59', 0x2, 'PTP_LI_59'], ['utcreasonable', 0x4, 'PTP_UTC_REASONABLE'], ['timescale', 0x8, 'PTP_TIMESCALE'],
  ['timetraceable', 0x10, 'TIME_TRACEABLE'], ['frequencytraceable', 0x20, 'FREQUENCY_TRACEABLE'], ['synchronizationUncertain', 0x40, 'SYNCHRONIZATION_UNCERTAIN'],
];
const ts = (prefix: string, name: string, nsType: 'int' | 'uint' = 'int'): Array<[string, 'uint' | 'int', string]> => [
  [`ptp.v2.${prefix}.${name.toLowerCase()}.seconds`, 'uint', `${name} (seconds)`],
  [`ptp.v2.${prefix}.${name.toLowerCase()}.nanoseconds`, nsType, `${name} (nanoseconds)`],
];
declare('ptp', 'Precision Time Protocol (IEEE1588)', [
  ['ptp.v2.majorsdoid', 'uint', 'majorSdoId', { ...HEX8, valueNames: { 1: 'gPTP Domain', 2: 'CMLDS' } }],
  ['ptp.v2.messagetype', 'uint', 'messageType', { ...HEX8, valueNames: MESSAGE_TYPES }],
  ['ptp.v2.minorversionptp', 'uint', 'minorVersionPTP'],
  ['ptp.v2.versionptp', 'uint', 'versionPTP'],
  ['ptp.v2.messagelength', 'uint', 'messageLength'],
  ['ptp.v2.minorsdoid', 'uint', 'minorSdoId'],
  ['ptp.v2.domainnumber', 'uint', 'domainNumber'],
  ['ptp.v2.flags', 'uint', 'flags', HEX16],
  ...FLAGS.map(([n, , t]): [string, 'bool', string] => [`ptp.v2.flags.${n}`, 'bool', t]),
  ['ptp.v2.correction.ns', 'uint', 'correction'],
  ['ptp.v2.correction.subns', 'float', 'correctionSubNs'],
  ['ptp.v2.messagetypespecific', 'uint', 'messageTypeSpecific'],
  ['ptp.v2.clockidentity', 'uint', 'ClockIdentity', HEX64],
  ['ptp.v2.sourceportid', 'uint', 'SourcePortID'],
  ['ptp.v2.sequenceid', 'uint', 'sequenceId'],
  ['ptp.v2.controlfield', 'uint', 'controlField', { valueNames: { 0: 'Sync Message', 1: 'Delay_Req Message', 2: 'Follow_Up Message', 3: 'Delay_Resp Message', 4: 'Management Message', 5: 'Other Message' } }],
  ['ptp.v2.logmessageperiod', 'int', 'logMessagePeriod'],
  ...ts('sdr', 'originTimestamp'),
  ...ts('fu', 'preciseOriginTimestamp', 'uint'),
  ...ts('dr', 'receiveTimestamp'),
  ['ptp.v2.dr.requestingsourceportidentity', 'uint', 'requestingSourcePortIdentity', HEX64],
  ['ptp.v2.dr.requestingsourceportid', 'uint', 'requestingSourcePortId'],
  ...ts('pdrq', 'originTimestamp'),
  ...ts('pdrs', 'requestreceiptTimestamp'),
  ['ptp.v2.pdrs.requestingportidentity', 'uint', 'requestingSourcePortIdentity', HEX64],
  ['ptp.v2.pdrs.requestingsourceportid', 'uint', 'requestingSourcePortId'],
  ...ts('pdfu', 'responseOriginTimestamp'),
  ['ptp.v2.pdfu.requestingportidentity', 'uint', 'requestingSourcePortIdentity', HEX64],
  ['ptp.v2.pdfu.requestingsourceportid', 'uint', 'requestingSourcePortId'],
  ...ts('an', 'originTimestamp'),
  ['ptp.v2.an.origincurrentutcoffset', 'int', 'originCurrentUTCOffset'],
  ['ptp.v2.an.priority1', 'uint', 'priority1'],
  ['ptp.v2.an.grandmasterclockclass', 'uint', 'grandmasterClockClass'],
  ['ptp.v2.an.grandmasterclockaccuracy', 'uint', 'grandmasterClockAccuracy', HEX8],
  ['ptp.v2.an.grandmasterclockvariance', 'uint', 'grandmasterClockVariance'],
  ['ptp.v2.an.priority2', 'uint', 'priority2'],
  ['ptp.v2.an.grandmasterclockidentity', 'uint', 'grandmasterClockIdentity', HEX64],
  ['ptp.v2.an.localstepsremoved', 'uint', 'localStepsRemoved'],
  ['ptp.v2.timesource', 'uint', 'TimeSource', { ...HEX8, valueNames: { 16: 'ATOMIC_CLOCK', 32: 'GPS', 48: 'TERRESTRIAL_RADIO', 64: 'PTP', 80: 'NTP', 96: 'HAND_SET', 144: 'OTHER', 160: 'INTERNAL_OSCILLATOR', 255: 'reserved' } }],
  ['ptp.v2.sig.targetportidentity', 'uint', 'targetPortIdentity', HEX64],
  ['ptp.v2.sig.targetportid', 'uint', 'targetPortId'],
  ['ptp.v2.sig.tlv.tlvType', 'uint', 'tlvType'],
  ['ptp.v2.sig.tlv.lengthField', 'uint', 'lengthField'],
  ['ptp.v2.sig.tlv.data', 'bytes', 'data'],
  ['ptp.v2.mm.targetportidentity', 'uint', 'targetPortIdentity', HEX64],
  ['ptp.v2.mm.targetportid', 'uint', 'targetPortId'],
  ['ptp.v2.mm.startingboundaryhops', 'uint', 'startingBoundaryHops'],
  ['ptp.v2.mm.boundaryhops', 'uint', 'boundaryHops'],
  ['ptp.v2.mm.action', 'uint', 'action', { valueNames: { 0: 'GET', 1: 'SET', 2: 'RESPONSE', 3: 'COMMAND', 4: 'ACKNOWLEDGE' } }],
  ['ptp.v2.mm.tlvType', 'uint', 'tlvType'],
  ['ptp.v2.mm.lengthField', 'uint', 'lengthField'],
  ['ptp.v2.mm.managementId', 'uint', 'managementId'],
  ['ptp.v2.msg_len_too_small', 'none', 'Message length too short to include the message length field'],
  ['ptp.versionptp', 'uint', 'versionPTP'],
]);

const HEADER = 34;
/** Management IDs as tshark names them in Info (packet-ptp.c's info-column table). */
const MANAGEMENT_INFO: Record<number, string> = {
  0: 'Null management', 1: 'Clock description', 2: 'User description', 3: 'Save in non volatile storage', 4: 'Reset non volatile storage',
  5: 'Initialize', 6: 'Fault log', 7: 'Fault log reset', 8192: 'Default dataset', 8193: 'Current dataset', 8194: 'Parent dataset',
  8195: 'Time properties dataset', 8196: 'Port dataset', 8197: 'Priority 1', 8198: 'Priority 2', 8199: 'Domain', 8200: 'Slave only',
  8201: 'Log announce interval', 8202: 'Announce receipt timeout', 8203: 'Log sync interval', 8204: 'Version number', 8205: 'Enable port',
  8206: 'Disable port', 8207: 'Time', 8208: 'Clock accuracy', 8209: 'UTC properties', 8210: 'Traceability properties', 8211: 'Timescale properties',
  8212: 'Unicast negotiation enable', 8213: 'Path trace list', 8214: 'Path trace enable', 8215: 'Grandmaster cluster table',
  8216: 'Unicast master table', 8217: 'Unicast master max table size', 8218: 'Acceptable master table', 8219: 'Acceptable master table enabled',
  8220: 'Acceptable master max table size', 8221: 'Alternate master', 8222: 'Alternate time offset enable', 8223: 'Alternate time offset name',
  8224: 'Alternate time offset max key', 8225: 'Alternate time offset properties', 16384: 'Transparent clock default dataset',
  16385: 'Transparent clock port dataset', 16386: 'Primary domain', 24576: 'Delay mechanism', 24577: 'Log min pdelay req. interval',
};
const ACTIONS = ['GET', 'SET', 'RESPONSE', 'COMMAND', 'ACKNOWLEDGE'];
const u48 = (d: Uint8Array, o: number): number => u16(d, o) * 0x100000000 + u32(d, o + 2);
const u64 = (d: Uint8Array, o: number): bigint => (BigInt(u32(d, o)) << 32n) | BigInt(u32(d, o + 4));

/** Adds fields in order while their bytes are there; the first that is not ends the PDU as tshark's bounds error. */
class Reader {
  dead = false;
  constructor(readonly ctx: Ctx, readonly l: FieldNode, public o: number, readonly end: number) {}
  has(n: number): boolean {
    if (this.dead) return false;
    if (this.o + n <= this.end) return true;
    this.dead = true;
    this.ctx.boundsAt('ptp', `PTP message cut short at byte ${this.o} (${n} more needed)`, this.o, Math.max(0, this.end - this.o));
    return false;
  }
  uint(name: string, n: number): void {
    if (!this.has(n)) return;
    const d = this.ctx.d;
    const v = n === 1 ? d[this.o] : n === 2 ? u16(d, this.o) : n === 4 ? u32(d, this.o) : n === 6 ? u48(d, this.o) : u64(d, this.o);
    this.ctx.add(this.l, name, v, this.o, n);
    this.o += n;
  }
  int(name: string, n: number): void {
    if (!this.has(n)) return;
    const d = this.ctx.d;
    const v = n === 1 ? (d[this.o] << 24) >> 24 : n === 2 ? (u16(d, this.o) << 16) >> 16 : u32(d, this.o) | 0;
    this.ctx.add(this.l, name, v, this.o, n);
    this.o += n;
  }
  /** a Timestamp: 48-bit seconds and 32-bit nanoseconds */
  time(prefix: string, signedNs = true): void {
    this.uint(`${prefix}.seconds`, 6);
    if (signedNs) this.int(`${prefix}.nanoseconds`, 4); else this.uint(`${prefix}.nanoseconds`, 4);
  }
  portIdentity(identity: string, port: string): void {
    this.uint(identity, 8);
    this.uint(port, 2);
  }
}

/** tshark's bounds error before the protocol's tree: the layer is in frame.protocols without an item. */
function cutBeforeTree(ctx: Ctx, off: number, end: number, need: number): number {
  const l = ctx.layer('ptp', off, end - off);
  l.value = '';
  if (ctx.info === '' && ctx.protocols[ctx.protocols.length - 3] === 'eth') ctx.info = 'Ethernet II';
  ctx.boundsAt('ptp', `PTP message cut short (${end - off} of ${need} bytes)`, off, end - off);
  return end;
}

function dissectV2(ctx: Ctx, off: number, end: number): number {
  const d = ctx.d;
  ctx.protocol = 'PTPv2';
  // packet-ptp.c reads the header's first words before it sets Info or adds its tree
  if (end - off < 6) return cutBeforeTree(ctx, off, end, HEADER);
  const type = d[off] & 0x0f;
  // a Management message's Info names its id and action, read before the tree: cut before them, Info stays
  if (type === 13 && end - off < 54) return cutBeforeTree(ctx, off, end, 54);
  ctx.info = MESSAGE_TYPES[type] ?? `Unknown PTP Message (${type})`;
  if (type === 13) {
    const id = u16(d, off + 52), action = d[off + 46] & 0x0f;
    ctx.info = `Management (${MANAGEMENT_INFO[id] ?? `Unknown management Id ${id}`}) ${ACTIONS[action] ?? `Unknown Action ${action}`}`;
  }
  // a Signaling message's TLVs are walked before the tree: messageLength past the bytes throws there
  const length = u16(d, off + 2);
  if (type === 12 && off + length > end) return cutBeforeTree(ctx, off, end, length);
  // a messageLength within the bytes bounds the message (what follows is the link's padding); one past
  // them is flagged and the message read from what is there
  const msgEnd = off + length <= end ? off + length : end;
  const l = ctx.layer('ptp', off, msgEnd - off);
  const r = new Reader(ctx, l, off, msgEnd);
  ctx.add(l, 'ptp.v2.majorsdoid', d[off] >> 4, off, 1);
  ctx.add(l, 'ptp.v2.messagetype', type, off, 1);
  ctx.add(l, 'ptp.v2.minorversionptp', d[off + 1] >> 4, off + 1, 1);
  ctx.add(l, 'ptp.v2.versionptp', d[off + 1] & 0x0f, off + 1, 1);
  ctx.add(l, 'ptp.v2.messagelength', length, off + 2, 2);
  if (length < 4) {
    ctx.flagMalformed('ptp', 'Message length too short to include the message length field', off + 2, 2);
    return end;
  }
  if (off + length > end) ctx.flagMalformed('ptp', 'Message length goes past the end of the packet', off + 2, 2);
  r.o = off + 4;
  r.uint('ptp.v2.domainnumber', 1);
  r.uint('ptp.v2.minorsdoid', 1);
  if (!r.has(2)) return end;
  const flags = u16(d, r.o);
  const ff = ctx.add(l, 'ptp.v2.flags', flags, r.o, 2);
  for (const [n, mask] of FLAGS) ctx.sub(ff, `ptp.v2.flags.${n}`, (flags & mask) !== 0, r.o, 2);
  r.o += 2;
  if (!r.has(8)) return end;
  const corr = u64(d, r.o);
  // a signed 64-bit count of 2^-16 ns, shown whole as tshark's unsigned field shows it
  ctx.add(l, 'ptp.v2.correction.ns', BigInt.asUintN(64, BigInt.asIntN(64, corr) >> 16n), r.o, 6);
  ctx.add(l, 'ptp.v2.correction.subns', Number(corr & 0xffffn) / 65536, r.o + 6, 2);
  r.o += 8;
  r.uint('ptp.v2.messagetypespecific', 4);
  r.portIdentity('ptp.v2.clockidentity', 'ptp.v2.sourceportid');
  r.uint('ptp.v2.sequenceid', 2);
  r.uint('ptp.v2.controlfield', 1);
  r.int('ptp.v2.logmessageperiod', 1);
  if (r.dead) return end;
  switch (type) {
    case 0: case 1: r.time('ptp.v2.sdr.origintimestamp'); break;
    case 8: r.time('ptp.v2.fu.preciseorigintimestamp', false); break;
    case 9:
      r.time('ptp.v2.dr.receivetimestamp');
      r.portIdentity('ptp.v2.dr.requestingsourceportidentity', 'ptp.v2.dr.requestingsourceportid');
      break;
    case 2: r.time('ptp.v2.pdrq.origintimestamp'); break;
    case 3:
      r.time('ptp.v2.pdrs.requestreceipttimestamp');
      r.portIdentity('ptp.v2.pdrs.requestingportidentity', 'ptp.v2.pdrs.requestingsourceportid');
      break;
    case 10:
      r.time('ptp.v2.pdfu.responseorigintimestamp');
      r.portIdentity('ptp.v2.pdfu.requestingportidentity', 'ptp.v2.pdfu.requestingsourceportid');
      break;
    case 11:
      r.time('ptp.v2.an.origintimestamp');
      r.int('ptp.v2.an.origincurrentutcoffset', 2);
      if (r.has(1)) r.o += 1; // reserved
      r.uint('ptp.v2.an.priority1', 1);
      r.uint('ptp.v2.an.grandmasterclockclass', 1);
      r.uint('ptp.v2.an.grandmasterclockaccuracy', 1);
      r.uint('ptp.v2.an.grandmasterclockvariance', 2);
      r.uint('ptp.v2.an.priority2', 1);
      r.uint('ptp.v2.an.grandmasterclockidentity', 8);
      r.uint('ptp.v2.an.localstepsremoved', 2);
      r.uint('ptp.v2.timesource', 1);
      break;
    case 12:
      r.portIdentity('ptp.v2.sig.targetportidentity', 'ptp.v2.sig.targetportid');
      // TLVs to the message's end, each at least its 4-byte header: bounded by messageLength
      while (!r.dead && r.o + 4 <= msgEnd) {
        const len = u16(d, r.o + 2);
        r.uint('ptp.v2.sig.tlv.tlvType', 2);
        r.uint('ptp.v2.sig.tlv.lengthField', 2);
        if (!r.has(len)) break;
        ctx.add(l, 'ptp.v2.sig.tlv.data', d.subarray(r.o, r.o + len), r.o, len);
        r.o += len;
      }
      break;
    case 13:
      r.portIdentity('ptp.v2.mm.targetportidentity', 'ptp.v2.mm.targetportid');
      r.uint('ptp.v2.mm.startingboundaryhops', 1);
      r.uint('ptp.v2.mm.boundaryhops', 1);
      if (!r.has(1)) break;
      ctx.add(l, 'ptp.v2.mm.action', d[r.o] & 0x0f, r.o, 1);
      r.o += 2; // action nibble, then a reserved byte
      r.uint('ptp.v2.mm.tlvType', 2);
      r.uint('ptp.v2.mm.lengthField', 2);
      r.uint('ptp.v2.mm.managementId', 2);
      break;
    default: break;
  }
  return msgEnd;
}

const V1_CONTROL: Record<number, string> = { 0: 'Sync Message', 1: 'Delay_Req Message', 2: 'Follow_Up Message', 3: 'Delay_Resp Message', 4: 'Management Message' };
// the v1 message sizes tshark reads whole (packet-ptp.c's PTP_*_PACKETLENGTH)
const V1_LENGTH: Record<number, number> = { 0: 124, 1: 124, 2: 52, 3: 60, 4: 52 };

function dissectV1(ctx: Ctx, off: number, end: number): number {
  const d = ctx.d;
  const l = ctx.layer('ptp', off, end - off);
  ctx.protocol = 'PTPv1';
  const control = end - off > 32 ? d[off + 32] : -1;
  ctx.info = control < 0 ? '' : V1_CONTROL[control] ?? `Unknown PTP Message (${control})`;
  ctx.add(l, 'ptp.versionptp', 1, off, 2);
  const need = V1_LENGTH[control] ?? 40;
  if (end - off < need) ctx.boundsAt('ptp', `PTPv1 ${ctx.info} cut short (${end - off} of ${need} bytes)`, off, end - off);
  return end;
}

/** UDP carries both versions (told apart by versionPTP's low nibble); Ethernet only version 2. */
function dissectPtpUdp(ctx: Ctx, _st: State, off: number, end: number): number {
  if (end - off >= 2 && (ctx.d[off + 1] & 0x0f) !== 2) return dissectV1(ctx, off, end);
  return dissectV2(ctx, off, end);
}

ETHERTYPE.add(0x88f7, (ctx, _st, off, end) => dissectV2(ctx, off, end));
UDP_PORT.add([319, 320], dissectPtpUdp);
