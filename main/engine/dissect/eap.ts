// EAP (RFC 3748; packet-eap.c): the code, identifier and length of every
// packet, and for requests and responses the method type with what tshark
// decodes of it here: Identity, Notification, the Nak's desired types,
// MD5-Challenge, and the TLS-based methods' flags and length (EAP-TLS,
// TTLS, PEAP, FAST); other methods' data stays undecoded, as bytes.
import type { Ctx, FieldNode } from './context';
import { declare } from './fields';
import * as readers from './bytes';
const { latin1, u16, u32 } = readers;

const CODES: Record<number, string> = { 1: 'Request', 2: 'Response', 3: 'Success', 4: 'Failure', 5: 'Initiate', 6: 'Finish' };
/** eap_type_vals of tshark 4.0, as `tshark -G values` lists them for eap.type */
const TYPES: Record<number, string> = {
  1: 'Identity', 2: 'Notification', 3: 'Legacy Nak (Response Only)', 4: 'MD5-Challenge EAP (EAP-MD5-CHALLENGE)', 5: 'One-Time Password EAP (EAP-OTP)',
  6: 'Generic Token Card EAP (EAP-GTC)', 7: 'Allocated', 8: 'Allocated', 9: 'RSA Public Key Authentication EAP (EAP-RSA-PKA)', 10: 'DSS Unilateral EAP (EAP-DSS)',
  11: 'KEA EAP (EAP-KEA)', 12: 'KEA Validate EAP (EAP-KEA-VALIDATE)', 13: 'TLS EAP (EAP-TLS)', 14: 'Defender Token EAP (EAP-AXENT)',
  15: 'RSA Security SecurID EAP (EAP-RSA-SECURID)', 16: 'Arcot Systems EAP (EAP-ARCOT-SYSTEMS)', 17: 'Cisco Wireless EAP / Lightweight EAP (EAP-LEAP)',
  18: 'GSM Subscriber Identity Modules EAP (EAP-SIM)', 19: 'Secure Remote Password SHA1 Part 1 EAP (EAP-SRP-SHA1-PART1)',
  20: 'Secure Remote Password SHA1 Part 2 EAP (EAP-SRP-SHA1-PART2)', 21: 'Tunneled TLS EAP (EAP-TTLS)', 22: 'Remote Access Service EAP (EAP-RAS)',
  23: 'UMTS Authentication and Key Agreement EAP (EAP-AKA)', 24: '3Com Wireless EAP (EAP-3COM-WIRELESS)', 25: 'Protected EAP (EAP-PEAP)',
  26: 'MS-Authentication EAP (EAP-MS-AUTH)', 27: 'Mutual Authentication w/Key Exchange EAP (EAP-MAKE)', 28: 'CRYPTOCard EAP (EAP-CRYPTOCARD)',
  29: 'MS-CHAP-v2 EAP (EAP-MS-CHAP-V2)', 30: 'DynamID EAP (EAP-DYNAMID)', 31: 'Rob EAP (EAP-ROB)', 32: 'Protected One-Time Password EAP (EAP-POTP)',
  33: 'MS-Authentication TLV EAP (EAP-MS-AUTH-TLV)', 34: 'SentriNET (EAP-SENTRINET)', 35: 'Actiontec Wireless EAP (EAP-ACTIONTEC-WIRELESS)',
  36: 'Cogent Systems Biometrics Authentication EAP (EAP-COGENT-BIOMETRIC)', 37: 'AirFortress EAP (EAP-AIRFORTRESS)', 38: 'HTTP Digest EAP (EAP-HTTP-DIGEST)',
  39: 'SecureSuite EAP (EAP-SECURESUITE)', 40: 'DeviceConnect EAP (EAP-DEVICECONNECT)', 41: 'Simple Password Exponential Key Exchange EAP (EAP-SPEKE)',
  42: 'MOBAC EAP (EAP-MOBAC)', 43: 'Flexible Authentication via Secure Tunneling EAP (EAP-FAST)', 44: 'ZoneLabs EAP (EAP-ZLXEAP)', 45: 'Link EAP (EAP-LINK)',
  46: 'Password Authenticated eXchange EAP (EAP-PAX)', 47: 'Pre-Shared Key EAP (EAP-PSK)', 48: 'Shared-secret Authentication and Key Establishment EAP (EAP-SAKE)',
  49: 'Internet Key Exchange v2 EAP (EAP-IKEv2)', 50: 'UMTS Authentication and Key Agreement\' EAP (EAP-AKA\')', 51: 'Generalized Pre-Shared Key EAP (EAP-GPSK)',
  52: 'Password EAP (EAP-pwd)', 53: 'Encrypted Key Exchange v1 EAP (EAP-EKEv1)', 55: 'Tunneled EAP protocol', 254: 'Expanded Type', 255: 'Experimental',
};

declare('eap', 'Extensible Authentication Protocol', [
  ['eap.code', 'uint', 'Code', { valueNames: CODES }],
  ['eap.id', 'uint', 'Id'],
  ['eap.len', 'uint', 'Length'],
  ['eap.type', 'uint', 'Type', { valueNames: TYPES }],
  ['eap.identity', 'string', 'Identity'],
  ['eap.notification', 'string', 'Notification'],
  ['eap.desired_type', 'uint', 'Desired Auth Type', { valueNames: TYPES }],
  ['eap.md5.value_size', 'uint', 'EAP-MD5 Value-Size'],
  ['eap.md5.value', 'bytes', 'EAP-MD5 Value'],
  ['eap.md5.extra_data', 'bytes', 'EAP-MD5 Extra Data'],
  ['eap.tls.flags', 'uint', 'EAP-TLS Flags', { base: 'hex', hexDigits: 2 }],
  ['eap.tls.flags.len_included', 'bool', 'Length Included'],
  ['eap.tls.flags.more_fragments', 'bool', 'More Fragments'],
  ['eap.tls.flags.start', 'bool', 'Start'],
  ['eap.tls.flags.version', 'uint', 'Version'],
  ['eap.tls.len', 'uint', 'EAP-TLS Length'],
  ['eap.data', 'bytes', 'EAP Data'],
]);

/**
 * Dissects an EAP packet in [off, end) (an EAPOL body, a RADIUS
 * EAP-Message); returns where it ends by its own length.
 */
export function dissectEap(ctx: Ctx, off: number, end: number, parent?: FieldNode): number {
  const d = ctx.d;
  ctx.protocol = 'EAP';
  ctx.info = '';
  if (end - off < 4) {
    // packet-eap.c names the code in Info, then throws reading the length: no item yet
    if (end > off) ctx.info = CODES[d[off]] ?? `Unknown code (0x${d[off].toString(16).toUpperCase().padStart(2, '0')})`;
    ctx.boundsAt('eap', `EAP header cut short (${Math.max(0, end - off)} of 4 bytes)`, off, Math.max(0, end - off));
    return end;
  }
  const l = ctx.layer('eap', off, end - off, parent);
  // tshark calls EAP under EAPOL's tree: it is not a step of frame.protocols
  if (parent !== undefined) ctx.protocols.pop();
  const code = d[off], len = u16(d, off + 2);
  ctx.info = CODES[code] ?? `Unknown code (0x${code.toString(16).toUpperCase().padStart(2, '0')})`;
  ctx.add(l, 'eap.code', code, off, 1);
  ctx.add(l, 'eap.id', d[off + 1], off + 1, 1);
  ctx.add(l, 'eap.len', len, off + 2, 2);
  // the packet's own length bounds it, never more than the bytes there
  const stop = Math.min(end, off + Math.max(4, len));
  l.len = stop - off;
  if (len < 4) { ctx.errorAt('eap', 'Bad length (too small or too large)', off + 2, 2); return stop; }
  if (code !== 1 && code !== 2) return stop;
  if (len < 5 || stop - off < 5) { if (len >= 5) ctx.boundsAt('eap', 'EAP type cut short', off + 4, 0); return stop; }
  const type = d[off + 4];
  ctx.info = `${ctx.info as string}, ${TYPES[type] ?? `Unknown type (0x${type.toString(16).padStart(2, '0')})`}`;
  ctx.add(l, 'eap.type', type, off + 4, 1);
  let o = off + 5;
  // the type data is as long as the packet says; bytes missing from the frame end it early
  const dataEnd = off + len;
  const cut = dataEnd > end;
  const e = Math.min(dataEnd, end);
  switch (type) {
    case 1: ctx.add(l, 'eap.identity', latin1(d, o, e), o, e - o); break;
    case 2: ctx.add(l, 'eap.notification', latin1(d, o, e), o, e - o); break;
    // tshark shows the first desired type only
    case 3: if (o < e) ctx.add(l, 'eap.desired_type', d[o], o, 1); break;
    case 4: {
      if (o >= e) break;
      const n = d[o];
      ctx.add(l, 'eap.md5.value_size', n, o, 1);
      if (o + 1 + n > e) { ctx.boundsAt('eap', 'EAP-MD5 value cut short', o + 1, e - o - 1); return e; }
      if (n > 0) ctx.add(l, 'eap.md5.value', d.subarray(o + 1, o + 1 + n), o + 1, n);
      if (o + 1 + n < e) ctx.add(l, 'eap.md5.extra_data', d.subarray(o + 1 + n, e), o + 1 + n, e - o - 1 - n);
      break;
    }
    case 13: case 21: case 25: case 43: {
      if (o >= e) break;
      const fl = d[o];
      const f = ctx.add(l, 'eap.tls.flags', fl, o, 1);
      ctx.sub(f, 'eap.tls.flags.len_included', (fl & 0x80) !== 0, o, 1);
      ctx.sub(f, 'eap.tls.flags.more_fragments', (fl & 0x40) !== 0, o, 1);
      ctx.sub(f, 'eap.tls.flags.start', (fl & 0x20) !== 0, o, 1);
      // EAP-TLS has no version bits; TTLS, PEAP and FAST carry theirs in the low three
      if (type !== 13) ctx.sub(f, 'eap.tls.flags.version', fl & 7, o, 1);
      o++;
      if (fl & 0x80) {
        if (o + 4 > e) { ctx.boundsAt('eap', 'EAP-TLS length cut short', o, e - o); return e; }
        ctx.add(l, 'eap.tls.len', u32(d, o), o, 4);
      }
      break;
    }
    default:
      if (o < e) ctx.add(l, 'eap.data', d.subarray(o, e), o, e - o);
  }
  if (cut) ctx.boundsAt('eap', `EAP packet cut short (${end - off} of ${len} bytes)`, end, 0);
  return stop;
}

