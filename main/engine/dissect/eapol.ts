// 802.1X EAPOL (packet-eapol.c, ethertype 0x888E and 802.11i
// pre-authentication's 0x88C7): version, type and length, then an EAP
// packet, a key descriptor (RC4, or the RSN/WPA descriptor that tshark 4.0
// decodes in packet-ieee80211.c as wlan_rsna_eapol.*) or data. The EAPOL
// length bounds the body; what follows is Ethernet padding.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX16, HEX8 } from './fields';
import { dissectData } from './data';
import { dissectEap } from './eap';
import * as tables from './tables';
import * as readers from './bytes';
const { ETHERTYPE } = tables;
const { u16, u32 } = readers;
/** the 64-bit replay counter: a number while exact, else a bigint */
const u64 = (d: Uint8Array, o: number): number | bigint => {
  const hi = u32(d, o), lo = u32(d, o + 4);
  return hi < 0x200000 ? hi * 2 ** 32 + lo : (BigInt(hi) << 32n) | BigInt(lo);
};

const TYPES: Record<number, string> = {
  0: 'EAP Packet', 1: 'Start', 2: 'Logoff', 3: 'Key', 4: 'Encapsulated ASF Alert', 5: 'MKA', 6: 'Announcement (Generic)', 7: 'Announcement (Specific)',
  8: 'Announcement Request',
};

declare('eapol', '802.1X Authentication', [
  ['eapol.version', 'uint', 'Version', { valueNames: { 1: '802.1X-2001', 2: '802.1X-2004', 3: '802.1X-2010' } }],
  ['eapol.type', 'uint', 'Type', { valueNames: TYPES }],
  ['eapol.len', 'uint', 'Length'],
  ['eapol.keydes.type', 'uint', 'Key Descriptor Type', { valueNames: { 1: 'RC4 Descriptor', 2: 'EAPOL RSN Key', 254: 'EAPOL WPA Key' } }],
  ['eapol.keydes.body', 'bytes', 'Key Descriptor Body'],
  ['eapol.keydes.key_len', 'uint', 'Key Length'],
  ['eapol.keydes.replay_counter', 'uint', 'Replay Counter'],
  ['eapol.keydes.key_iv', 'bytes', 'Key IV'],
  ['eapol.keydes.key_index', 'uint', 'Key Index', HEX8],
  ['eapol.keydes.key_index.type', 'bool', 'Type'],
  ['eapol.keydes.key_index.number', 'uint', 'Number'],
  ['eapol.keydes.key_signature', 'bytes', 'Key Signature'],
  ['eapol.keydes.key', 'bytes', 'Key'],
  ['eapol.keydes.key.generated_locally', 'bool', 'Key Generated Locally'],
]);
declare('wlan_rsna_eapol', 'IEEE 802.11 RSNA EAPOL key', [
  ['wlan_rsna_eapol.keydes.msgnr', 'uint', 'Message number'],
  ['wlan_rsna_eapol.keydes.key_info', 'uint', 'Key Information', HEX16],
  ['wlan_rsna_eapol.keydes.key_info.keydes_version', 'uint', 'Key Descriptor Version'],
  ['wlan_rsna_eapol.keydes.key_info.key_type', 'bool', 'Key Type'],
  ['wlan_rsna_eapol.keydes.key_info.key_index', 'uint', 'Key Index'],
  ['wlan_rsna_eapol.keydes.key_info.install', 'bool', 'Install'],
  ['wlan_rsna_eapol.keydes.key_info.key_ack', 'bool', 'Key ACK'],
  ['wlan_rsna_eapol.keydes.key_info.key_mic', 'bool', 'Key MIC'],
  ['wlan_rsna_eapol.keydes.key_info.secure', 'bool', 'Secure'],
  ['wlan_rsna_eapol.keydes.key_info.error', 'bool', 'Error'],
  ['wlan_rsna_eapol.keydes.key_info.request', 'bool', 'Request'],
  ['wlan_rsna_eapol.keydes.key_info.encrypted_key_data', 'bool', 'Encrypted Key Data'],
  ['wlan_rsna_eapol.keydes.key_info.smk_message', 'bool', 'SMK Message'],
  ['wlan_rsna_eapol.keydes.nonce', 'bytes', 'WPA Key Nonce'],
  ['wlan_rsna_eapol.keydes.rsc', 'bytes', 'WPA Key RSC'],
  ['wlan_rsna_eapol.keydes.id', 'bytes', 'WPA Key ID'],
  ['wlan_rsna_eapol.keydes.mic', 'bytes', 'WPA Key MIC'],
  ['wlan_rsna_eapol.keydes.data_len', 'uint', 'WPA Key Data Length'],
  ['wlan_rsna_eapol.keydes.data', 'bytes', 'WPA Key Data'],
]);

const KI_TYPE = 0x0008, KI_INSTALL = 0x0040, KI_ACK = 0x0080, KI_MIC = 0x0100, KI_SECURE = 0x0200;

/** Which message of the 4-way (1–4) or group (1–2) handshake a key frame is, from its Key Information bits. */
function messageNumber(ki: number, nonceZero: boolean): number {
  if (!(ki & KI_TYPE)) return ki & KI_ACK ? 1 : 2;
  if (ki & KI_ACK) return ki & KI_INSTALL ? 3 : 1;
  // message 4 carries no nonce (WPA1 sets no Secure bit on it)
  return ki & KI_SECURE || nonceZero ? 4 : 2;
}

/** The RSN and WPA key descriptor (packet-ieee80211.c dissect_wlan_rsna_eapol_wpa_or_rsn_key). */
function rsnKey(ctx: Ctx, l: FieldNode, off: number, end: number): void {
  const d = ctx.d;
  // key info, length, counter, nonce, IV, RSC, id and MIC, then the key data length
  if (end - off < 94) { ctx.boundsAt('eapol', `EAPOL key descriptor cut short (${end - off} of 94 bytes)`, off, end - off); return; }
  const ki = u16(d, off);
  let nonceZero = true;
  for (let i = off + 12; i < off + 44; i++) if (d[i] !== 0) { nonceZero = false; break; }
  const n = messageNumber(ki, nonceZero);
  ctx.info = ki & KI_TYPE ? `Key (Message ${n} of 4)` : `Key (Group Message ${n} of 2)`;
  const r = ctx.layer('wlan_rsna_eapol', off, end - off, l);
  // called under EAPOL's tree: not a step of frame.protocols
  ctx.protocols.pop();
  ctx.gen(r, 'wlan_rsna_eapol.keydes.msgnr', n);
  const f = ctx.add(r, 'wlan_rsna_eapol.keydes.key_info', ki, off, 2);
  ctx.sub(f, 'wlan_rsna_eapol.keydes.key_info.keydes_version', ki & 7, off, 2);
  ctx.sub(f, 'wlan_rsna_eapol.keydes.key_info.key_type', (ki & KI_TYPE) !== 0, off, 2);
  ctx.sub(f, 'wlan_rsna_eapol.keydes.key_info.key_index', (ki >> 4) & 3, off, 2);
  ctx.sub(f, 'wlan_rsna_eapol.keydes.key_info.install', (ki & KI_INSTALL) !== 0, off, 2);
  ctx.sub(f, 'wlan_rsna_eapol.keydes.key_info.key_ack', (ki & KI_ACK) !== 0, off, 2);
  ctx.sub(f, 'wlan_rsna_eapol.keydes.key_info.key_mic', (ki & KI_MIC) !== 0, off, 2);
  ctx.sub(f, 'wlan_rsna_eapol.keydes.key_info.secure', (ki & KI_SECURE) !== 0, off, 2);
  ctx.sub(f, 'wlan_rsna_eapol.keydes.key_info.error', (ki & 0x0400) !== 0, off, 2);
  ctx.sub(f, 'wlan_rsna_eapol.keydes.key_info.request', (ki & 0x0800) !== 0, off, 2);
  ctx.sub(f, 'wlan_rsna_eapol.keydes.key_info.encrypted_key_data', (ki & 0x1000) !== 0, off, 2);
  ctx.sub(f, 'wlan_rsna_eapol.keydes.key_info.smk_message', (ki & 0x2000) !== 0, off, 2);
  ctx.add(l, 'eapol.keydes.key_len', u16(d, off + 2), off + 2, 2);
  ctx.add(l, 'eapol.keydes.replay_counter', u64(d, off + 4), off + 4, 8);
  ctx.add(r, 'wlan_rsna_eapol.keydes.nonce', d.subarray(off + 12, off + 44), off + 12, 32);
  ctx.add(l, 'eapol.keydes.key_iv', d.subarray(off + 44, off + 60), off + 44, 16);
  ctx.add(r, 'wlan_rsna_eapol.keydes.rsc', d.subarray(off + 60, off + 68), off + 60, 8);
  ctx.add(r, 'wlan_rsna_eapol.keydes.id', d.subarray(off + 68, off + 76), off + 68, 8);
  ctx.add(r, 'wlan_rsna_eapol.keydes.mic', d.subarray(off + 76, off + 92), off + 76, 16);
  const n2 = u16(d, off + 92);
  ctx.add(r, 'wlan_rsna_eapol.keydes.data_len', n2, off + 92, 2);
  const o = off + 94;
  if (n2 === 0) return;
  if (o + n2 > end) { ctx.boundsAt('eapol', 'WPA key data cut short', o, end - o); return; }
  ctx.add(r, 'wlan_rsna_eapol.keydes.data', d.subarray(o, o + n2), o, n2);
}

/** The RC4 key descriptor of 802.1X-2001 (packet-eapol.c dissect_eapol_rc4_key). */
function rc4Key(ctx: Ctx, l: FieldNode, off: number, end: number): void {
  const d = ctx.d;
  if (end - off < 43) { ctx.boundsAt('eapol', `RC4 key descriptor cut short (${end - off} of 43 bytes)`, off, end - off); return; }
  const keyLen = u16(d, off);
  ctx.add(l, 'eapol.keydes.key_len', keyLen, off, 2);
  ctx.add(l, 'eapol.keydes.replay_counter', u64(d, off + 2), off + 2, 8);
  ctx.add(l, 'eapol.keydes.key_iv', d.subarray(off + 10, off + 26), off + 10, 16);
  const ki = ctx.add(l, 'eapol.keydes.key_index', d[off + 26], off + 26, 1);
  ctx.sub(ki, 'eapol.keydes.key_index.type', (d[off + 26] & 0x80) !== 0, off + 26, 1);
  ctx.sub(ki, 'eapol.keydes.key_index.number', d[off + 26] & 0x7f, off + 26, 1);
  ctx.add(l, 'eapol.keydes.key_signature', d.subarray(off + 27, off + 43), off + 27, 16);
  if (keyLen === 0) return;
  // 802.1X-2004 7.6.3.6: no key bytes means the key is generated locally
  const local = 1 + (end - off) <= 44;
  if (!local) {
    if (off + 43 + keyLen > end) { ctx.boundsAt('eapol', 'RC4 key cut short', off + 43, end - off - 43); return; }
    ctx.add(l, 'eapol.keydes.key', d.subarray(off + 43, off + 43 + keyLen), off + 43, keyLen);
  }
  ctx.add(l, 'eapol.keydes.key.generated_locally', local, off + 43, 0);
}

function dissectEapol(ctx: Ctx, _st: State, off: number, end: number): number {
  const d = ctx.d;
  ctx.protocol = 'EAPOL';
  ctx.info = '';
  const l = ctx.layer('eapol', off, Math.max(0, Math.min(4, end - off)));
  if (end - off >= 1) ctx.add(l, 'eapol.version', d[off], off, 1);
  if (end - off >= 2) {
    ctx.info = TYPES[d[off + 1]] ?? `Unknown Type (0x${d[off + 1].toString(16).toUpperCase().padStart(2, '0')})`;
    ctx.add(l, 'eapol.type', d[off + 1], off + 1, 1);
  }
  if (end - off < 4) { ctx.boundsAt('eapol', `EAPOL header cut short (${end - off} of 4 bytes)`, off, end - off); return end; }
  const type = d[off + 1], len = u16(d, off + 2);
  ctx.add(l, 'eapol.len', len, off + 2, 2);
  // set_actual_length: the body is as long as the header says, and no longer than the frame
  const stop = Math.min(end, off + 4 + len);
  l.len = stop - off;
  const o = off + 4;
  if (type === 0) {
    // a length past the frame's end is no error here: EAP has its own
    dissectEap(ctx, o, stop, l);
  } else if (type === 3) {
    if (o >= stop) { ctx.boundsAt('eapol', 'EAPOL key descriptor type missing', o, 0); return stop; }
    const kt = d[o];
    ctx.add(l, 'eapol.keydes.type', kt, o, 1);
    if (kt === 2 || kt === 254) rsnKey(ctx, l, o + 1, stop);
    else if (kt === 1) rc4Key(ctx, l, o + 1, stop);
    else if (o + 1 < stop) ctx.add(l, 'eapol.keydes.body', d.subarray(o + 1, stop), o + 1, stop - o - 1);
  } else if (o < stop) {
    dissectData(ctx, o, stop);
  }
  return stop;
}

ETHERTYPE.add(0x888e, dissectEapol);
ETHERTYPE.add(0x88c7, dissectEapol);
