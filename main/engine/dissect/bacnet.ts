// BACnet/IP (udp/47808): the BVLC header (type, function, length, a
// forwarded NPDU's origin), the NPDU (version, control, destination and
// source networks, hop count, network-layer message type) and the APDU's
// header — type, service choice, invoke id, segmentation and the error
// class/code, reject and abort reasons — with the object and property a
// readProperty/writeProperty (and an i-Am's device) names, as tshark puts
// them in Info. Services that change a building controller (writeProperty,
// reinitializeDevice, deviceCommunicationControl, ...) are what the ICS
// write/control insight counts. Written from ANSI/ASHRAE 135; fields and
// Info as tshark 4.0's packet-bvlc.c / packet-bacnet.c / packet-bacapp.c.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX8 } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { dissectData } from './data';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { UDP_PORT } = tables;
const { u16 } = readers;

const TYPES = ['Confirmed-REQ', 'Unconfirmed-REQ', 'Simple-ACK', 'Complex-ACK', 'Segment-ACK', 'Error', 'Reject', 'Abort'];
export const BACNET_CONFIRMED: Record<number, string> = {
  0: 'acknowledgeAlarm', 1: 'confirmedCOVNotification', 2: 'confirmedEventNotification', 3: 'getAlarmSummary', 4: 'getEnrollmentSummary',
  5: 'subscribeCOV', 6: 'atomicReadFile', 7: 'atomicWriteFile', 8: 'addListElement', 9: 'removeListElement', 10: 'createObject', 11: 'deleteObject',
  12: 'readProperty', 13: 'readPropertyConditional', 14: 'readPropertyMultiple', 15: 'writeProperty', 16: 'writePropertyMultiple',
  17: 'deviceCommunicationControl', 18: 'confirmedPrivateTransfer', 19: 'confirmedTextMessage', 20: 'reinitializeDevice', 21: 'vtOpen', 22: 'vtClose',
  23: 'vtData', 24: 'authenticate', 25: 'requestKey', 26: 'readRange', 27: 'lifeSafetyOperation', 28: 'subscribeCOVProperty', 29: 'getEventInformation',
};
/** Confirmed services that change a controller's objects, files or run state: the ICS write/control insight's. */
export const BACNET_WRITES = new Set([7, 8, 9, 10, 11, 15, 16, 17, 20, 27]);
const UNCONFIRMED: Record<number, string> = {
  0: 'i-Am', 1: 'i-Have', 2: 'unconfirmedCOVNotification', 3: 'unconfirmedEventNotification', 4: 'unconfirmedPrivateTransfer',
  5: 'unconfirmedTextMessage', 6: 'timeSynchronization', 7: 'who-Has', 8: 'who-Is', 9: 'utcTimeSynchronization', 10: 'writeGroup',
};
const OBJECTS = ['analog-input', 'analog-output', 'analog-value', 'binary-input', 'binary-output', 'binary-value', 'calendar', 'command', 'device',
  'event-enrollment', 'file', 'group', 'loop', 'multi-state-input', 'multi-state-output', 'notification-class', 'program', 'schedule', 'averaging',
  'multi-state-value', 'trend-log', 'life-safety-point', 'life-safety-zone', 'accumulator', 'pulse-converter', 'event-log', 'global-group',
  'trend-log-multiple', 'load-control', 'structured-view', 'access-door'];
const PROPERTIES: Record<number, string> = {
  8: 'all', 12: 'application-software-version', 28: 'description', 36: 'event-state', 44: 'firmware-revision', 62: 'max-apdu-length-accepted',
  70: 'model-name', 75: 'object-identifier', 76: 'object-list', 77: 'object-name', 79: 'object-type', 80: 'optional', 81: 'out-of-service',
  85: 'present-value', 87: 'priority-array', 103: 'reliability', 104: 'relinquish-default', 105: 'required', 111: 'status-flags',
  112: 'system-status', 117: 'units', 120: 'vendor-identifier', 121: 'vendor-name',
};
const REJECT = ['other', 'buffer-overflow', 'inconsistent-parameters', 'invalid-parameter-data-type', 'invalid-tag', 'missing-required-parameter',
  'parameter-out-of-range', 'too-many-arguments', 'undefined-enumeration', 'unrecognized-service'];
const ABORT = ['other', 'buffer-overflow', 'invalid-apdu-in-this-state', 'preempted-by-higher-priority-task', 'segmentation-not-supported',
  'security-error', 'insufficient-security', 'window-size-out-of-range', 'application-exceeded-reply-time', 'out-of-resources', 'tsm-timeout', 'apdu-too-long'];
const NET_MESSAGES = ['Who-Is-Router-To-Network', 'I-Am-Router-To-Network', 'I-Could-Be-Router-To-Network', 'Reject-Message-To-Network',
  'Router-Busy-To-Network', 'Router-Available-To-Network', 'Initialize-Routing-Table', 'Initialize-Routing-Table-Ack',
  'Establish-Connection-To-Network', 'Disconnect-Connection-To-Network', 'Challenge-Request', 'Security-Payload', 'Security-Response',
  'Request-Key-Update', 'Update-Key-Set', 'Update-Distribution-Key', 'Request-Master-Key', 'Set-Master-Key', 'What-Is-Network-Number',
  'Network-Number-Is'];
const BVLC_FUNCTIONS: Record<number, string> = {
  0x00: 'BVLC-Result', 0x01: 'Write-BDT', 0x02: 'Read-BDT', 0x03: 'Read-BDT-Ack', 0x04: 'Forwarded-NPDU', 0x05: 'Register-FD', 0x06: 'Read-FDT',
  0x07: 'Read-FDT-Ack', 0x08: 'Delete-FDT-Entry', 0x09: 'Distribute-Broadcast-To-Network', 0x0a: 'Original-Unicast-NPDU', 0x0b: 'Original-Broadcast-NPDU',
  0x0c: 'Secure-BVLL',
};

declare('bvlc', 'BACnet Virtual Link Control', [
  ['bvlc.type', 'uint', 'Type', HEX8],
  ['bvlc.function', 'uint', 'Function', { ...HEX8, valueNames: BVLC_FUNCTIONS }],
  ['bvlc.length', 'uint', 'BVLC-Length'],
  ['bvlc.fwd_ip', 'ipv4', 'IP'],
  ['bvlc.fwd_port', 'uint', 'Port'],
]);
declare('bacnet', 'Building Automation and Control Network NPDU', [
  ['bacnet.version', 'uint', 'Version'],
  ['bacnet.control', 'uint', 'Control', HEX8],
  ['bacnet.control_net', 'bool', 'NSDU contains'],
  ['bacnet.control_dest', 'bool', 'Destination Specifier'],
  ['bacnet.control_src', 'bool', 'Source specifier'],
  ['bacnet.control_expect', 'bool', 'Expecting Reply'],
  ['bacnet.control_prio_high', 'bool', 'Priority'],
  ['bacnet.control_prio_low', 'bool', 'Priority'],
  ['bacnet.dnet', 'uint', 'Destination Network Address'],
  ['bacnet.dlen', 'uint', 'Destination MAC Layer Address Length'],
  ['bacnet.snet', 'uint', 'Source Network Address'],
  ['bacnet.slen', 'uint', 'Source MAC Layer Address Length'],
  ['bacnet.hopc', 'uint', 'Hop Count'],
  ['bacnet.mesgtyp', 'uint', 'Network Layer Message Type', HEX8],
]);
declare('bacapp', 'Building Automation and Control Network APDU', [
  ['bacapp.type', 'uint', 'APDU Type', { valueNames: Object.fromEntries(TYPES.map((t, i) => [i, t])) }],
  ['bacapp.segmented_request', 'bool', 'Segmented Request'],
  ['bacapp.SA', 'bool', 'SA'],
  ['bacapp.max_adpu_size', 'uint', 'Size of Maximum ADPU accepted'],
  ['bacapp.response_segments', 'uint', 'Max Response Segments accepted'],
  ['bacapp.invoke_id', 'uint', 'Invoke ID'],
  ['bacapp.confirmed_service', 'uint', 'Service Choice', { valueNames: BACNET_CONFIRMED }],
  ['bacapp.unconfirmed_service', 'uint', 'Unconfirmed Service Choice', { valueNames: UNCONFIRMED }],
  ['bacapp.objectType', 'uint', 'Object Type'],
  ['bacapp.instance_number', 'uint', 'Instance Number'],
  ['bacapp.property_identifier', 'uint', 'Property Identifier', { valueNames: PROPERTIES }],
  ['bacapp.error_class', 'uint', 'Error Class'],
  ['bacapp.error_code', 'uint', 'Error Code'],
  ['bacapp.reject_reason', 'uint', 'Reject Reason'],
  ['bacapp.abort_reason', 'uint', 'Abort Reason'],
]);

/** A BACnet tag at o: [tag number, context?, value length, header length], or null when cut or extended past what we read. */
function tag(d: Uint8Array, o: number, end: number): [number, boolean, number, number] | null {
  if (o >= end) return null;
  const b = d[o];
  let num = b >> 4, hl = 1, len = b & 7;
  if (num === 15) { if (o + 1 >= end) return null; num = d[o + 1]; hl++; }
  // opening/closing tags carry no value
  if ((b & 8) && (len === 6 || len === 7)) return [num, true, -len, hl];
  if (len === 5) { if (o + hl >= end) return null; len = d[o + hl]; hl++; if (len >= 254) return null; }
  return [num, (b & 8) !== 0, len, hl];
}

/** An unsigned value of n bytes at o. */
function uint(d: Uint8Array, o: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + d[o + i];
  return v;
}

/** Object identifier (4 bytes: 10-bit type, 22-bit instance) as fields; its Info text. */
function objectId(ctx: Ctx, l: FieldNode, o: number): string {
  const v = uint(ctx.d, o, 4), type = Math.floor(v / 0x400000), inst = v & 0x3fffff;
  ctx.add(l, 'bacapp.objectType', type, o, 4);
  ctx.add(l, 'bacapp.instance_number', inst, o, 4);
  return `${OBJECTS[type] ?? (type >= 128 ? `Vendor Proprietary Value (${type})` : `Reserved for Use by ASHRAE (${type})`)},${inst}`;
}

/** readProperty/writeProperty: context tag 0 the object, 1 the property. Returns Info text. */
/**
 * The invoke ID at `idAt` and the confirmed service at `s` of a request or
 * an answer to one: Info's "Name Service[ id]", or null when the service
 * lies past the end.
 */
function confirmedService(ctx: Ctx, l: FieldNode, name: string, idAt: number, s: number, end: number): string | null {
  const d = ctx.d;
  ctx.add(l, 'bacapp.invoke_id', d[idAt], idAt, 1);
  if (s >= end) return null;
  const svc = d[s];
  ctx.add(l, 'bacapp.confirmed_service', svc, s, 1);
  return `${name} ${BACNET_CONFIRMED[svc] ?? `Reserved by ASHRAE (${svc})`}[${String(d[idAt]).padStart(3)}]`;
}

function objectAndProperty(ctx: Ctx, l: FieldNode, o: number, end: number): string {
  const d = ctx.d;
  let info = '';
  const t0 = tag(d, o, end);
  if (!t0 || t0[0] !== 0 || !t0[1] || t0[2] !== 4 || o + t0[3] + 4 > end) return info;
  info += ` ${objectId(ctx, l, o + t0[3])}`;
  o += t0[3] + 4;
  const t1 = tag(d, o, end);
  if (!t1 || t1[0] !== 1 || !t1[1] || t1[2] < 1 || t1[2] > 4 || o + t1[3] + t1[2] > end) return info;
  const p = uint(d, o + t1[3], t1[2]);
  ctx.add(l, 'bacapp.property_identifier', p, o + t1[3], t1[2]);
  return `${info} ${PROPERTIES[p] ?? (p >= 512 ? `proprietary ${p}` : `Reserved by ASHRAE (${p})`)}`;
}

function apdu(ctx: Ctx, o: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('bacapp', o, end - o);
  ctx.protocol = 'BACnet-APDU';
  const type = d[o] >> 4;
  const name = (TYPES[type] ?? `Unknown (${type})`).padEnd(15);
  const need = [4, 2, 3, 3, 4, 3, 3, 3][type] ?? 1;
  // (tshark reads the fixed header before adding any of it)
  if (end - o < need) { ctx.info = `${name} `; ctx.boundsAt('bacapp', `${name.trim()} PDU cut short`, o, end - o); return; }
  ctx.add(l, 'bacapp.type', type, o, 1);
  let info: string;
  if (type === 0) {
    ctx.add(l, 'bacapp.segmented_request', (d[o] & 8) !== 0, o, 1);
    ctx.add(l, 'bacapp.SA', (d[o] & 2) !== 0, o, 1);
    ctx.add(l, 'bacapp.response_segments', (d[o + 1] >> 4) & 7, o + 1, 1);
    ctx.add(l, 'bacapp.max_adpu_size', d[o + 1] & 0x0f, o + 1, 1);
    const seg = (d[o] & 8) !== 0;
    const s = seg ? o + 5 : o + 3;
    const head = confirmedService(ctx, l, name, o + 2, s, end);
    if (head === null) { ctx.info = name; return; }
    info = head;
    if (!seg && (d[s] === 12 || d[s] === 15)) info += objectAndProperty(ctx, l, s + 1, end);
  } else if (type === 1) {
    const svc = d[o + 1];
    ctx.add(l, 'bacapp.unconfirmed_service', svc, o + 1, 1);
    info = `${name} ${UNCONFIRMED[svc] ?? `Reserved by ASHRAE (${svc})`}`;
    // i-Am: the device's object identifier (application tag 12)
    if (svc === 0 && o + 7 <= end && d[o + 2] === 0xc4) info += ` ${objectId(ctx, l, o + 3)}`;
  } else if (type === 2 || type === 3 || type === 5) {
    const seg = type === 3 && (d[o] & 8) !== 0;
    if (type === 3) ctx.add(l, 'bacapp.segmented_request', seg, o, 1);
    const s = seg ? o + 4 : o + 2;
    const head = confirmedService(ctx, l, name, o + 1, s, end);
    if (head === null) { ctx.info = name; return; }
    info = head;
    if (type === 3 && !seg && d[s] === 12) info += objectAndProperty(ctx, l, s + 1, end);
    if (type === 5) {
      // error class and code: two enumerated application tags (9)
      let p = s + 1;
      for (const f of ['bacapp.error_class', 'bacapp.error_code']) {
        const t = tag(d, p, end);
        if (!t || t[1] || t[0] !== 9 || t[2] < 1 || t[2] > 4 || p + t[3] + t[2] > end) break;
        ctx.add(l, f, uint(d, p + t[3], t[2]), p + t[3], t[2]);
        p += t[3] + t[2];
      }
    }
  } else if (type === 6 || type === 7) {
    ctx.add(l, 'bacapp.invoke_id', d[o + 1], o + 1, 1);
    ctx.add(l, type === 6 ? 'bacapp.reject_reason' : 'bacapp.abort_reason', d[o + 2], o + 2, 1);
    const reason = (type === 6 ? REJECT : ABORT)[d[o + 2]] ?? (d[o + 2] >= 64 ? `proprietary ${d[o + 2]}` : `Reserved by ASHRAE (${d[o + 2]})`);
    info = `${name} ${reason}[${String(d[o + 1]).padStart(3)}]`;
  } else info = name;
  // (tshark leaves a space after the last item)
  ctx.info = info.trimEnd();
}

function npdu(ctx: Ctx, o: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('bacnet', o, end - o);
  ctx.protocol = 'BACnet-NPDU';
  if (end - o < 2) { ctx.boundsAt('bacnet', 'NPDU header cut short', o, end - o); return; }
  const ctl = d[o + 1];
  ctx.add(l, 'bacnet.version', d[o], o, 1);
  const c = ctx.add(l, 'bacnet.control', ctl, o + 1, 1);
  ctx.sub(c, 'bacnet.control_net', (ctl & 0x80) !== 0, o + 1, 1);
  ctx.sub(c, 'bacnet.control_dest', (ctl & 0x20) !== 0, o + 1, 1);
  ctx.sub(c, 'bacnet.control_src', (ctl & 0x08) !== 0, o + 1, 1);
  ctx.sub(c, 'bacnet.control_expect', (ctl & 0x04) !== 0, o + 1, 1);
  ctx.sub(c, 'bacnet.control_prio_high', (ctl & 0x02) !== 0, o + 1, 1);
  ctx.sub(c, 'bacnet.control_prio_low', (ctl & 0x01) !== 0, o + 1, 1);
  let p = o + 2;
  const cut = (): void => { ctx.boundsAt('bacnet', 'NPDU addresses cut short', p, end - p); };
  if (ctl & 0x20) {
    if (p + 3 > end) return cut();
    ctx.add(l, 'bacnet.dnet', u16(d, p), p, 2);
    ctx.add(l, 'bacnet.dlen', d[p + 2], p + 2, 1);
    p += 3 + d[p + 2];
  }
  if (ctl & 0x08) {
    if (p + 3 > end) return cut();
    ctx.add(l, 'bacnet.snet', u16(d, p), p, 2);
    ctx.add(l, 'bacnet.slen', d[p + 2], p + 2, 1);
    p += 3 + d[p + 2];
  }
  if (ctl & 0x20) {
    if (p + 1 > end) return cut();
    ctx.add(l, 'bacnet.hopc', d[p], p, 1);
    p++;
  }
  if (p > end) return cut();
  if (ctl & 0x80) {
    if (p >= end) return cut();
    ctx.add(l, 'bacnet.mesgtyp', d[p], p, 1);
    ctx.info = NET_MESSAGES[d[p]] ?? (d[p] >= 0x80 ? `Vendor Proprietary Message (${d[p]})` : `Reserved for Use by ASHRAE (${d[p]})`);
    return;
  }
  if (p < end) apdu(ctx, p, end);
}

function bvlc(ctx: Ctx, _st: State, off: number, end: number): void {
  const d = ctx.d;
  // BACnet/IP (0x81) only: anything else on the port is data, as tshark
  if (end - off < 4 || d[off] !== 0x81) { dissectData(ctx, off, end); return; }
  const fn = d[off + 1], len = u16(d, off + 2);
  const hl = fn === 0x04 ? 10 : 4;
  const l = ctx.layer('bvlc', off, Math.min(end - off, hl));
  ctx.protocol = 'BVLC';
  ctx.info = BVLC_FUNCTIONS[fn] ?? `Unknown (0x${fn.toString(16).padStart(2, '0')})`;
  ctx.add(l, 'bvlc.type', 0x81, off, 1);
  ctx.add(l, 'bvlc.function', fn, off + 1, 1);
  // (tshark's bvlc.length is the BVLC header's own length, "4 of 12 bytes BACnet packet length")
  ctx.add(l, 'bvlc.length', hl, off + 2, 2);
  if (fn === 0x04) {
    if (end - off < 10) { ctx.boundsAt('bvlc', 'forwarded address cut short', off + 4, end - off - 4); return; }
    ctx.add(l, 'bvlc.fwd_ip', ((d[off + 4] << 24) | (d[off + 5] << 16) | (d[off + 6] << 8) | d[off + 7]) >>> 0, off + 4, 4);
    ctx.add(l, 'bvlc.fwd_port', u16(d, off + 8), off + 8, 2);
  }
  // functions that carry an NPDU
  if (fn === 0x04 || fn === 0x09 || fn === 0x0a || fn === 0x0b) {
    const e = len >= hl && off + len <= end ? off + len : end;
    if (off + hl < e) npdu(ctx, off + hl, e);
  }
}

/**
 * packet-bvlc.c dissect_bvlc: a type it knows (0x81 BACnet/IPv4, 0x82 IPv6),
 * and for IPv4 a header length (4, 10 for Forwarded-NPDU, else the length
 * field) of at least 4 and within the length field; else not BVLC, and the
 * other port is tried.
 */
function bvlcAccepts(d: Uint8Array, off: number, end: number): boolean {
  if (d[off] === 0x82) return true;
  if (d[off] !== 0x81) return false;
  if (end - off < 4) return true;
  const fn = d[off + 1], len = u16(d, off + 2);
  const hl = fn > 0x08 ? 4 : fn === 0x04 ? 10 : len;
  return hl >= 4 && hl <= len;
}
// a known type whose length is wrong: tshark has named the columns by then
UDP_PORT.add([47808], bvlc, { accepts: bvlcAccepts, left: (d, off) => (d[off] === 0x81 ? ['BVLC', 'BACnet Virtual Link Control'] : null) });
