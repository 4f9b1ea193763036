// ISAKMP / IKEv1 (RFC 2408/2409) and IKEv2 (RFC 7296) on udp/500 (and
// udp/4500 behind the non-ESP marker, see ipsec.ts): the header (SPIs,
// version, exchange type, flags, message id) and the chain of payloads
// (type, length, and the contents a review reads: key exchange group,
// nonce, notify type, vendor id, identity type). Fields as tshark 4.0's
// packet-isakmp.c. Every payload length is checked against the message
// and the datagram; the chain is bounded by the bytes it covers.
import type { Ctx, FieldNode } from './context';
import { declare, HEX8, HEX32 } from './fields';
import type { State } from './state';
import { dissectData } from './data';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { UDP_PORT } = tables;
const { u16, u32 } = readers;

const EXCHANGE_V1: Record<number, string> = {
  0: 'NONE', 1: 'Base', 2: 'Identity Protection (Main Mode)', 3: 'Authentication Only', 4: 'Aggressive', 5: 'Informational',
  6: 'Transaction (Config Mode)', 32: 'Quick Mode', 33: 'New Group Mode',
};
const EXCHANGE_V2: Record<number, string> = { 34: 'IKE_SA_INIT', 35: 'IKE_AUTH', 36: 'CREATE_CHILD_SA', 37: 'INFORMATIONAL', 38: 'IKE_SESSION_RESUME' };
const PAYLOAD_V1: Record<number, string> = {
  0: 'NONE / No Next Payload ', 1: 'Security Association', 2: 'Proposal', 3: 'Transform', 4: 'Key Exchange', 5: 'Identification',
  6: 'Certificate', 7: 'Certificate Request', 8: 'Hash', 9: 'Signature', 10: 'Nonce', 11: 'Notification', 12: 'Delete', 13: 'Vendor ID',
  14: 'Attributes', 20: 'NAT-D (RFC 3947)', 21: 'NAT-OA (RFC 3947)', 130: 'NAT-D (draft-ietf-ipsec-nat-t-ike-01 to 03)',
  131: 'NAT-OA (draft-ietf-ipsec-nat-t-ike-01 to 04)', 132: 'Fragmentation',
};
const PAYLOAD_V2: Record<number, string> = {
  0: 'NONE / No Next Payload ', 33: 'Security Association', 34: 'Key Exchange', 35: 'Identification - Initiator', 36: 'Identification - Responder',
  37: 'Certificate', 38: 'Certificate Request', 39: 'Authentication', 40: 'Nonce', 41: 'Notify', 42: 'Delete', 43: 'Vendor ID',
  44: 'Traffic Selector - Initiator', 45: 'Traffic Selector - Responder', 46: 'Encrypted and Authenticated', 47: 'Configuration',
  48: 'Extensible Authentication', 49: 'Generic Secure Password Method', 53: 'Encrypted and Authenticated Fragment',
};

declare('isakmp', 'Internet Security Association and Key Management Protocol', [
  ['isakmp.ispi', 'bytes', 'Initiator SPI'],
  ['isakmp.rspi', 'bytes', 'Responder SPI'],
  ['isakmp.nextpayload', 'uint', 'Next payload'],
  ['isakmp.version', 'uint', 'Version', HEX8],
  ['isakmp.mjver', 'uint', 'MjVer', HEX8],
  ['isakmp.mnver', 'uint', 'MnVer', HEX8],
  ['isakmp.exchangetype', 'uint', 'Exchange type', { valueNames: { ...EXCHANGE_V1, ...EXCHANGE_V2 } }],
  ['isakmp.flags', 'uint', 'Flags', HEX8],
  ['isakmp.flag_e', 'bool', 'Encryption'],
  ['isakmp.flag_c', 'bool', 'Commit'],
  ['isakmp.flag_a', 'bool', 'Authentication'],
  ['isakmp.flag_i', 'bool', 'Initiator'],
  ['isakmp.flag_v', 'bool', 'Version'],
  ['isakmp.flag_r', 'bool', 'Response'],
  ['isakmp.messageid', 'uint', 'Message ID', HEX32],
  ['isakmp.length', 'uint', 'Length'],
  ['isakmp.typepayload', 'uint', 'Payload type'],
  ['isakmp.criticalpayload', 'bool', 'Critical Bit'],
  ['isakmp.payloadlength', 'uint', 'Payload length'],
  ['isakmp.key_exchange.dh_group', 'uint', 'DH Group #'],
  ['isakmp.key_exchange.data', 'bytes', 'Key Exchange Data'],
  ['isakmp.nonce', 'bytes', 'Nonce DATA'],
  ['isakmp.notify.protoid', 'uint', 'Protocol ID'],
  ['isakmp.notify.msgtype', 'uint', 'Notify Message Type'],
  ['isakmp.notify.data', 'bytes', 'Notification DATA'],
  ['isakmp.spisize', 'uint', 'SPI Size'],
  ['isakmp.vid_bytes', 'bytes', 'Vendor ID'],
  ['isakmp.id.type', 'uint', 'ID type'],
  ['isakmp.sa.doi', 'uint', 'Domain of interpretation'],
  ['isakmp.prop.number', 'uint', 'Proposal number'],
  ['isakmp.prop.protoid', 'uint', 'Protocol ID'],
  ['isakmp.prop.transforms', 'uint', 'Proposal transforms'],
  ['isakmp.spi', 'bytes', 'SPI'],
  ['isakmp.trans.number', 'uint', 'Transform number'],
  ['isakmp.trans.id', 'uint', 'Transform ID'],
  ['isakmp.tf.type', 'uint', 'Transform Type'],
  ['isakmp.tf.id.encr', 'uint', 'Transform ID (ENCR)'],
  ['isakmp.tf.id.prf', 'uint', 'Transform ID (PRF)'],
  ['isakmp.tf.id.integ', 'uint', 'Transform ID (INTEG)'],
  ['isakmp.tf.id.dh', 'uint', 'Transform ID (D-H)'],
  ['isakmp.tf.id.esn', 'uint', 'Transform ID (ESN)'],
  ['isakmp.tf.id', 'uint', 'Transform ID'],
]);

const HDR = 28;
const MAX_PAYLOADS = 64;

/** [off, end) is one ISAKMP message (a UDP payload, or what follows the non-ESP marker). */
export function dissectIsakmp(ctx: Ctx, _st: State, off: number, end: number): void {
  const d = ctx.d;
  // no header, or a length shorter than one, is not ISAKMP at all (tshark leaves it as data, UDP-encapsulated too)
  if (!isakmpAccepts(d, off, end)) { dissectData(ctx, off, end); ctx.protocol = 'ISAKMP'; ctx.info = ''; return; }
  const l = ctx.layer('isakmp', off, Math.max(0, end - off));
  ctx.protocol = 'ISAKMP';
  ctx.add(l, 'isakmp.ispi', d.subarray(off, off + 8), off, 8);
  ctx.add(l, 'isakmp.rspi', d.subarray(off + 8, off + 16), off + 8, 8);
  const next = d[off + 16];
  const ver = d[off + 17], major = ver >> 4, xchg = d[off + 18], flags = d[off + 19];
  ctx.add(l, 'isakmp.nextpayload', next, off + 16, 1);
  const v = ctx.add(l, 'isakmp.version', ver, off + 17, 1);
  ctx.sub(v, 'isakmp.mjver', major, off + 17, 1);
  ctx.sub(v, 'isakmp.mnver', ver & 15, off + 17, 1);
  ctx.add(l, 'isakmp.exchangetype', xchg, off + 18, 1);
  const f = ctx.add(l, 'isakmp.flags', flags, off + 19, 1);
  if (major === 2) {
    ctx.sub(f, 'isakmp.flag_r', (flags & 0x20) !== 0, off + 19, 1);
    ctx.sub(f, 'isakmp.flag_v', (flags & 0x10) !== 0, off + 19, 1);
    ctx.sub(f, 'isakmp.flag_i', (flags & 0x08) !== 0, off + 19, 1);
  } else {
    ctx.sub(f, 'isakmp.flag_e', (flags & 0x01) !== 0, off + 19, 1);
    ctx.sub(f, 'isakmp.flag_c', (flags & 0x02) !== 0, off + 19, 1);
    ctx.sub(f, 'isakmp.flag_a', (flags & 0x04) !== 0, off + 19, 1);
  }
  const mid = u32(d, off + 20), len = u32(d, off + 24);
  ctx.add(l, 'isakmp.messageid', mid, off + 20, 4);
  ctx.add(l, 'isakmp.length', len, off + 24, 4);
  const names = major === 2 ? EXCHANGE_V2 : EXCHANGE_V1;
  const xname = names[xchg] ?? `Unknown (${xchg})`;
  ctx.info = major === 2
    ? `${xname} MID=${String(mid).padStart(2, '0')} ${flags & 0x08 ? 'Initiator' : 'Responder'} ${flags & 0x20 ? 'Response' : 'Request'}`
    : xname;
  let msgEnd = off + len;
  if (len < HDR || msgEnd > end) {
    ctx.boundsAt('isakmp', `ISAKMP length ${len} does not fit the ${end - off} bytes present`, off + 24, 4);
    msgEnd = end;
  }
  // IKEv1 with the encryption flag: everything past the header is ciphertext
  if (major !== 2 && flags & 0x01) return;
  payloads(ctx, l, major, next, off + HDR, msgEnd);
}

function payloads(ctx: Ctx, l: FieldNode, major: number, next: number, o: number, end: number): void {
  const d = ctx.d;
  for (let n = 0; next !== 0 && n < MAX_PAYLOADS; n++) {
    if (end - o < 4) { ctx.boundsAt('isakmp', `payload header cut short (${end - o} of 4 bytes)`, o, end - o); return; }
    const type = next;
    const plen = u16(d, o + 2);
    ctx.add(l, 'isakmp.typepayload', type, o, Math.min(plen, end - o));
    next = d[o];
    ctx.add(l, 'isakmp.nextpayload', next, o, 1);
    if (major === 2) ctx.add(l, 'isakmp.criticalpayload', (d[o + 1] & 0x80) !== 0, o + 1, 1);
    ctx.add(l, 'isakmp.payloadlength', plen, o + 2, 2);
    if (plen < 4 || o + plen > end) { ctx.boundsAt('isakmp', `payload length ${plen} does not fit the ${end - o} bytes left`, o + 2, 2); return; }
    body(ctx, l, major, type, o + 4, o + plen);
    o += plen;
    // IKEv2's encrypted payload holds the rest of the chain as ciphertext
    if (major === 2 && (type === 46 || type === 53)) return;
  }
}

function body(ctx: Ctx, l: FieldNode, major: number, type: number, o: number, end: number): void {
  const d = ctx.d;
  const n = end - o;
  const v2 = major === 2;
  if ((v2 && type === 33) || (!v2 && type === 1)) { securityAssociation(ctx, l, v2, o, end); return; }
  if ((v2 && type === 34) && n >= 4) {
    ctx.add(l, 'isakmp.key_exchange.dh_group', u16(d, o), o, 2);
    if (n > 4) ctx.add(l, 'isakmp.key_exchange.data', d.subarray(o + 4, end), o + 4, n - 4);
  } else if (!v2 && type === 4 && n > 0) ctx.add(l, 'isakmp.key_exchange.data', d.subarray(o, end), o, n);
  else if (((v2 && type === 40) || (!v2 && type === 10)) && n > 0) ctx.add(l, 'isakmp.nonce', d.subarray(o, end), o, n);
  else if (((v2 && type === 43) || (!v2 && type === 13)) && n > 0) ctx.add(l, 'isakmp.vid_bytes', d.subarray(o, end), o, n);
  else if (((v2 && (type === 35 || type === 36)) || (!v2 && type === 5)) && n >= 4) ctx.add(l, 'isakmp.id.type', d[o], o, 1);
  // a notify: v1's starts with a 4-byte DOI, v2's with the protocol id
  else if (v2 && type === 41 && n >= 4) notify(ctx, l, d, o, end);
  else if (!v2 && type === 11 && n >= 8) notify(ctx, l, d, o + 4, end);
}

/** A notify payload's body from its protocol id at `o` to `end`. */
function notify(ctx: Ctx, l: FieldNode, d: Uint8Array, o: number, end: number): void {
  const spiSize = d[o + 1];
  ctx.add(l, 'isakmp.notify.protoid', d[o], o, 1);
  ctx.add(l, 'isakmp.spisize', spiSize, o + 1, 1);
  ctx.add(l, 'isakmp.notify.msgtype', u16(d, o + 2), o + 2, 2);
  const data = o + 4 + spiSize;
  if (data > end) { ctx.boundsAt('isakmp', `notify SPI size ${spiSize} runs past the payload`, o + 1, 1); return; }
  if (spiSize > 0) ctx.add(l, 'isakmp.spi', d.subarray(o + 4, data), o + 4, spiSize);
  if (data < end) ctx.add(l, 'isakmp.notify.data', d.subarray(data, end), data, end - data);
}

export const isakmpPayloadName = (major: number, type: number): string => (major === 2 ? PAYLOAD_V2 : PAYLOAD_V1)[type] ?? `Unknown (${type})`;

/**
 * packet-isakmp.c dissect_isakmp: a 28-byte header whose length field is
 * at least 28, else not ISAKMP (the other port is tried); by then it has
 * named the Protocol column and cleared Info.
 */
const isakmpAccepts = (d: Uint8Array, off: number, end: number): boolean => end - off >= HDR && u32(d, off + 24) >= HDR;
UDP_PORT.add([500], dissectIsakmp, { accepts: isakmpAccepts, left: () => ['ISAKMP', ''] });

const TF_ID: Record<number, string> = { 1: 'isakmp.tf.id.encr', 2: 'isakmp.tf.id.prf', 3: 'isakmp.tf.id.integ', 4: 'isakmp.tf.id.dh', 5: 'isakmp.tf.id.esn' };

/** An SA payload: (IKEv1: DOI and situation, then) proposals, each with its transforms, each with a generic header. */
function securityAssociation(ctx: Ctx, l: FieldNode, v2: boolean, o: number, end: number): void {
  const d = ctx.d;
  if (!v2) {
    if (end - o < 8) { ctx.boundsAt('isakmp', 'SA payload cut short', o, end - o); return; }
    ctx.add(l, 'isakmp.sa.doi', u32(d, o), o, 4);
    o += 8;
  }
  for (let n = 0; o < end && n < MAX_PAYLOADS; n++) {
    const p = sub(ctx, l, 2, o, end);
    if (p < 0) return;
    if (p - o < 8) { ctx.boundsAt('isakmp', 'proposal cut short', o, p - o); return; }
    const spiSize = d[o + 6], count = d[o + 7];
    ctx.add(l, 'isakmp.prop.number', d[o + 4], o + 4, 1);
    ctx.add(l, 'isakmp.prop.protoid', d[o + 5], o + 5, 1);
    ctx.add(l, 'isakmp.spisize', spiSize, o + 6, 1);
    ctx.add(l, 'isakmp.prop.transforms', count, o + 7, 1);
    let t = o + 8;
    if (t + spiSize > p) { ctx.boundsAt('isakmp', `SPI size ${spiSize} runs past the proposal`, o + 6, 1); return; }
    if (spiSize > 0) ctx.add(l, 'isakmp.spi', d.subarray(t, t + spiSize), t, spiSize);
    t += spiSize;
    for (let k = 0; t < p && k < MAX_PAYLOADS; k++) {
      const e = sub(ctx, l, 3, t, p);
      if (e < 0) return;
      if (e - t < 8) { ctx.boundsAt('isakmp', 'transform cut short', t, e - t); return; }
      if (v2) {
        const tt = d[t + 4], id = u16(d, t + 6);
        ctx.add(l, 'isakmp.tf.type', tt, t + 4, 1);
        ctx.add(l, TF_ID[tt] ?? 'isakmp.tf.id', id, t + 6, 2);
      } else {
        ctx.add(l, 'isakmp.trans.number', d[t + 4], t + 4, 1);
        ctx.add(l, 'isakmp.trans.id', d[t + 5], t + 5, 1);
      }
      t = e;
    }
    o = p;
  }
}

/** A proposal's or transform's generic header: returns where it ends, or -1 when its length does not fit. */
function sub(ctx: Ctx, l: FieldNode, type: number, o: number, end: number): number {
  const d = ctx.d;
  if (end - o < 4) { ctx.boundsAt('isakmp', `payload header cut short (${end - o} of 4 bytes)`, o, end - o); return -1; }
  const len = u16(d, o + 2);
  ctx.add(l, 'isakmp.typepayload', type, o, Math.min(len, end - o));
  ctx.add(l, 'isakmp.nextpayload', d[o], o, 1);
  ctx.add(l, 'isakmp.payloadlength', len, o + 2, 2);
  if (len < 4 || o + len > end) { ctx.boundsAt('isakmp', `payload length ${len} does not fit the ${end - o} bytes left`, o + 2, 2); return -1; }
  return o + len;
}
