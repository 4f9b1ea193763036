// Radiotap (LINKTYPE_IEEE802_11_RADIOTAP, 127): what a monitor-mode Wi-Fi
// interface captures. The header's presence bitmaps (chained by bit 31, the
// namespace switched by bits 29/30), then each present field aligned to its
// natural size from the header's start; the 802.11 frame follows, with an
// FCS when the flags say so. tshark adds "802.11 radio information"
// (wlan_radio), generated from the radiotap fields: the PHY, rate, channel,
// signal. As packet-ieee80211-radiotap.c and packet-ieee80211-radio.c in
// tshark 4.0.
import type { Ctx, FieldNode } from './context';
import { declare, HEX8, HEX16, HEX32 } from './fields';
import { dissectWlan } from './wlan';
import { ranOut, sentEnd } from './ranout';
import type { State } from './state';
import { LINKTYPE } from './tables';
import { u16le, u32le } from './bytes';

/** presence bits tshark names, by bit */
const PRESENT: Array<[number, string]> = [
  [0, 'tsft'], [1, 'flags'], [2, 'rate'], [3, 'channel'], [4, 'fhss'], [5, 'dbm_antsignal'], [6, 'dbm_antnoise'], [7, 'lock_quality'],
  [8, 'tx_attenuation'], [9, 'db_tx_attenuation'], [10, 'dbm_tx_power'], [11, 'antenna'], [12, 'db_antsignal'], [13, 'db_antnoise'],
  [14, 'rxflags'], [15, 'txflags'], [17, 'data_retries'], [18, 'xchannel'], [19, 'mcs'], [20, 'ampdu'], [21, 'vht'], [22, 'timestamp'],
  [23, 'he'], [24, 'he_mu'], [25, '0_length.psdu'], [26, 'l_sig'], [27, 'tlv'], [29, 'rtap_ns'], [30, 'vendor_ns'], [31, 'ext'],
];

/** alignment and size of each radiotap field, by bit (0: unknown, parsing stops there) */
const ALIGN = [8, 1, 1, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 2, 2, 1, 1, 4, 1, 4, 2, 8, 2, 2, 1, 2];
const SIZE = [8, 1, 1, 4, 2, 1, 1, 2, 2, 2, 1, 1, 1, 1, 2, 2, 1, 1, 8, 3, 8, 12, 12, 12, 12, 1, 4];

const FLAG_BITS: Array<[string, number]> = [
  ['cfp', 0x01], ['preamble', 0x02], ['wep', 0x04], ['frag', 0x08], ['fcs', 0x10], ['datapad', 0x20], ['badfcs', 0x40], ['shortgi', 0x80],
];
const CHANNEL_BITS: Array<[string, number]> = [
  ['turbo', 0x10], ['cck', 0x20], ['ofdm', 0x40], ['2ghz', 0x80], ['5ghz', 0x100], ['passive', 0x200], ['dynamic', 0x400], ['gfsk', 0x800],
  ['gsm', 0x1000], ['sturbo', 0x2000], ['half', 0x4000], ['quarter', 0x8000],
];

const PHY = { 0: 'Unknown', 1: '802.11 FHSS', 2: '802.11 IR', 3: '802.11 DSSS', 4: '802.11b', 5: '802.11a', 6: '802.11g', 7: '802.11n', 8: '802.11ac' };

declare('radiotap', 'Radiotap Header v0', [
  ['radiotap.version', 'uint', 'Header revision'],
  ['radiotap.pad', 'uint', 'Header pad'],
  ['radiotap.length', 'uint', 'Header length'],
  ['radiotap.present', 'none', 'Present flags'],
  ['radiotap.present.word', 'uint', 'Present flags word', HEX32],
  ...PRESENT.map(([, n]): [string, 'bool', string] => [`radiotap.present.${n}`, 'bool', n]),
  ['radiotap.mactime', 'uint', 'MAC timestamp'],
  ['radiotap.flags', 'uint', 'Flags', HEX8],
  ...FLAG_BITS.map(([n]): [string, 'bool', string] => [`radiotap.flags.${n}`, 'bool', n]),
  ['radiotap.datarate', 'float', 'Data rate (Mb/s)'],
  ['radiotap.channel.freq', 'uint', 'Channel frequency'],
  ['radiotap.channel.flags', 'uint', 'Channel flags', HEX16],
  ...CHANNEL_BITS.map(([n]): [string, 'bool', string] => [`radiotap.channel.flags.${n}`, 'bool', n]),
  ['radiotap.fhss.hopset', 'uint', 'FHSS Hop Set'],
  ['radiotap.fhss.pattern', 'uint', 'FHSS Pattern'],
  ['radiotap.dbm_antsignal', 'int', 'Antenna signal'],
  ['radiotap.dbm_antnoise', 'int', 'Antenna noise'],
  ['radiotap.quality', 'uint', 'Signal Quality'],
  ['radiotap.txattenuation', 'uint', 'Transmit attenuation'],
  ['radiotap.db_txattenuation', 'uint', 'Transmit attenuation (dB)'],
  ['radiotap.txpower', 'int', 'Transmit power'],
  ['radiotap.antenna', 'uint', 'Antenna'],
  ['radiotap.db_antsignal', 'uint', 'SSI Signal (dB)'],
  ['radiotap.db_antnoise', 'uint', 'SSI Noise (dB)'],
  ['radiotap.rxflags', 'uint', 'RX flags', HEX16],
  ['radiotap.rxflags.badplcp', 'bool', 'Bad PLCP'],
  ['radiotap.txflags', 'uint', 'Transmit flags', HEX16],
  ['radiotap.data_retries', 'uint', 'Data retries'],
  ['radiotap.mcs', 'none', 'MCS information'],
  ['radiotap.mcs.known', 'uint', 'Known MCS information', HEX8],
  ['radiotap.mcs.have_bw', 'bool', 'Bandwidth'],
  ['radiotap.mcs.have_index', 'bool', 'MCS index'],
  ['radiotap.mcs.have_gi', 'bool', 'Guard interval'],
  ['radiotap.mcs.have_format', 'bool', 'Format'],
  ['radiotap.mcs.have_fec', 'bool', 'FEC type'],
  ['radiotap.mcs.have_stbc', 'bool', 'STBC known'],
  ['radiotap.mcs.have_ness', 'bool', 'Number of extension spatial streams known'],
  ['radiotap.mcs.have_gid', 'bool', 'Group Id'],
  ['radiotap.mcs.have_paid', 'bool', 'Partial AID'],
  ['radiotap.mcs.bw', 'uint', 'Bandwidth', { valueNames: { 0: '20 MHz', 1: '40 MHz', 2: '20 MHz lower', 3: '20 MHz upper' } }],
  ['radiotap.mcs.gi', 'uint', 'Guard interval'],
  ['radiotap.mcs.format', 'uint', 'Format'],
  ['radiotap.mcs.fec', 'uint', 'FEC'],
  ['radiotap.mcs.stbc', 'uint', 'Number of STBC streams'],
  ['radiotap.mcs.index', 'uint', 'MCS index'],
  ['radiotap.ampdu', 'none', 'A-MPDU status'],
  ['radiotap.ampdu.reference', 'uint', 'A-MPDU reference number'],
  ['radiotap.ampdu.flags', 'uint', 'A-MPDU flags', HEX16],
  ['radiotap.vht', 'none', 'VHT information'],
  ['radiotap.vht.known', 'uint', 'Known VHT information', HEX8],
  ['radiotap.vht.have_stbc', 'bool', 'STBC'],
  ['radiotap.vht.have_txop_ps', 'bool', 'TXOP_PS_NOT_ALLOWED'],
  ['radiotap.vht.have_gi', 'bool', 'Guard interval'],
  ['radiotap.vht.have_sgi_nsym_da', 'bool', 'SGI Nsym disambiguation'],
  ['radiotap.vht.ldpc_extra', 'bool', 'LDPC extra OFDM symbol'],
  ['radiotap.vht.have_beamformed', 'bool', 'Beamformed'],
  ['radiotap.vht.stbc', 'bool', 'STBC'],
  ['radiotap.vht.txop_ps', 'bool', 'TXOP_PS_NOT_ALLOWED'],
  ['radiotap.vht.gi', 'uint', 'Guard interval'],
  ['radiotap.vht.sgi_nsym_da', 'bool', 'SGI Nsym disambiguation'],
  ['radiotap.vht.beamformed', 'bool', 'Beamformed'],
  ['radiotap.vht.bw', 'uint', 'Bandwidth'],
  ['radiotap.vht.user', 'none', 'User'],
  ...[0, 1, 2, 3].flatMap((u): Array<[string, 'uint' | 'float', string]> => [
    [`radiotap.vht.nsts.${u}`, 'uint', 'Space-time streams'], [`radiotap.vht.mcs.${u}`, 'uint', 'MCS index'], [`radiotap.vht.nss.${u}`, 'uint', 'Spatial streams'],
    [`radiotap.vht.coding.${u}`, 'uint', 'Coding'], [`radiotap.vht.datarate.${u}`, 'float', 'Data rate (Mb/s)'],
  ]),
  ['radiotap.vht.gid', 'uint', 'Group Id'],
  ['radiotap.vht.paid', 'uint', 'Partial AID'],
  ['radiotap.length.invalid', 'none', 'Invalid radiotap length'],
]);

declare('wlan_radio', '802.11 radio information', [
  ['wlan_radio.phy', 'uint', 'PHY type', { valueNames: PHY }],
  ['wlan_radio.11a.turbo_type', 'uint', 'Turbo type'],
  ['wlan_radio.11g.mode', 'uint', 'Proprietary mode'],
  ['wlan_radio.short_preamble', 'bool', 'Short preamble'],
  ['wlan_radio.11n.mcs_index', 'uint', 'MCS index'],
  ['wlan_radio.11n.bandwidth', 'uint', 'Bandwidth'],
  ['wlan_radio.11n.short_gi', 'bool', 'Short GI'],
  ['wlan_radio.11ac.bandwidth', 'uint', 'Bandwidth'],
  ['wlan_radio.11ac.short_gi', 'bool', 'Short GI'],
  ['wlan_radio.11ac.user', 'none', 'User'],
  ['wlan_radio.11ac.mcs', 'uint', 'MCS index'],
  ['wlan_radio.11ac.nss', 'uint', 'Spatial streams'],
  ['wlan_radio.11ac.fec', 'uint', 'FEC'],
  ['wlan_radio.data_rate', 'float', 'Data rate'],
  ['wlan_radio.channel', 'uint', 'Channel'],
  ['wlan_radio.frequency', 'uint', 'Frequency'],
  ['wlan_radio.signal_dbm', 'int', 'Signal strength (dBm)'],
  ['wlan_radio.noise_dbm', 'int', 'Noise level (dBm)'],
  ['wlan_radio.signal_db', 'uint', 'Signal strength (dB)'],
  ['wlan_radio.noise_db', 'uint', 'Noise level (dB)'],
  ['wlan_radio.snr', 'int', 'Signal/noise ratio (dB)'],
  ['wlan_radio.timestamp', 'uint', 'TSF timestamp'],
  ['wlan_radio.a_mpdu_aggregate_id', 'uint', 'A-MPDU aggregate ID'],
  ['wlan_radio.duration', 'uint', 'Duration'],
  ['wlan_radio.preamble', 'uint', 'Preamble'],
  ['wlan_radio.start_tsf', 'uint', 'start TSF'],
  ['wlan_radio.end_tsf', 'uint', 'end TSF'],
]);

/** HT rates (Mb/s) of MCS 0–7, one stream, long guard interval: 20 MHz, 40 MHz */
const HT_RATES = [[6.5, 13, 19.5, 26, 39, 52, 58.5, 65], [13.5, 27, 40.5, 54, 81, 108, 121.5, 135]];
/** VHT rates of MCS 0–9, one stream, long GI, for 20/40/80/160 MHz (0: not a valid combination) */
const VHT_RATES = [
  [6.5, 13, 19.5, 26, 39, 52, 58.5, 65, 78, 0],
  [13.5, 27, 40.5, 54, 81, 108, 121.5, 135, 162, 180],
  [29.3, 58.5, 87.8, 117, 175.5, 234, 263.3, 292.5, 351, 390],
  [58.5, 117, 175.5, 234, 351, 468, 526.5, 585, 702, 780],
];
/** the same with the short guard interval, as tshark's table rounds them */
const VHT_RATES_SGI = [
  [7.2, 14.4, 21.7, 28.9, 43.3, 57.8, 65, 72.2, 86.7, 0],
  [15, 30, 45, 60, 90, 120, 135, 150, 180, 200],
  [32.5, 65, 97.5, 130, 195, 260, 292.5, 325, 390, 433.3],
  [65, 130, 195, 260, 390, 520, 585, 650, 780, 866.7],
];
/** radiotap's VHT bandwidth code → 0 20 MHz, 1 40, 2 80, 3 160 */
const VHT_BW = [0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3];

/** what wlan_radio is generated from */
interface Radio {
  tsft?: bigint; flags?: number; rate?: number; freq?: number; chflags?: number; dbmSignal?: number; dbmNoise?: number;
  dbSignal?: number; dbNoise?: number; mcs?: [known: number, flags: number, index: number]; ampdu?: number;
  vht?: { known: number; flags: number; bw: number; mcsNss: number; coding: number };
}

const float6 = (v: number): number => parseFloat(v.toPrecision(6));

function dissectRadiotap(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('radiotap', off, end - off);
  ctx.protocol = 'WLAN';
  if (end - off < 4) {
    if (end - off >= 1) ctx.add(l, 'radiotap.version', d[off], off, 1);
    if (end - off >= 2) ctx.add(l, 'radiotap.pad', d[off + 1], off + 1, 1);
    ranOut(ctx, 'radiotap', 'radiotap header cut short', off, 4);
    return;
  }
  const version = d[off], hlen = u16le(d, off + 2);
  ctx.info = `Radiotap Capture v${version}, Length ${hlen}`;
  ctx.add(l, 'radiotap.version', version, off, 1);
  ctx.add(l, 'radiotap.pad', d[off + 1], off + 1, 1);
  ctx.add(l, 'radiotap.length', hlen, off + 2, 2);
  if (hlen < 8) {
    ctx.add(l, 'radiotap.length.invalid', null, off + 2, 2);
    ctx.flagMalformed('radiotap', `radiotap length ${hlen} shorter than its header`, off + 2, 2);
    return;
  }
  if (off + hlen > end) { ranOut(ctx, 'radiotap', `radiotap length ${hlen} past the frame`, off, hlen); return; }
  l.len = hlen;
  const hend = off + hlen;
  // presence words, chained by bit 31, within the header
  const words: number[] = [];
  let o = off + 4;
  const pf = ctx.add(l, 'radiotap.present', null, o, 4);
  for (;;) {
    if (o + 4 > hend) { ctx.boundsAt('radiotap', 'radiotap presence words past the header', o, hend - o); return; }
    const w = u32le(d, o);
    words.push(w);
    const wf = ctx.sub(pf, 'radiotap.present.word', w, o, 4);
    for (const [bit, name] of PRESENT) ctx.sub(wf, `radiotap.present.${name}`, ((w >>> bit) & 1) === 1, o, 4);
    o += 4;
    if ((w & 0x80000000) === 0) break;
  }
  const radio: Radio = {};
  let fcs = false;
  let rtapNs = true;
  // each word's fields, in bit order, each aligned from the header's start
  outer: for (let k = 0; k < words.length; k++) {
    const w = words[k];
    if (!rtapNs) {
      // a vendor namespace: its data is skipped whole (OUI, sub-namespace, skip length)
      o = align(o, off, 2);
      if (o + 6 > hend) break;
      o += 6 + u16le(d, o + 4);
      rtapNs = (w & 0x20000000) !== 0 || (w & 0x40000000) === 0;
      continue;
    }
    for (let bit = 0; bit < 29; bit++) {
      if (((w >>> bit) & 1) === 0) continue;
      const a = ALIGN[bit], size = SIZE[bit];
      // an unknown field's size is unknown: nothing after it can be found
      if (a === undefined) break outer;
      o = align(o, off, a);
      if (o + size > hend) { ctx.boundsAt('radiotap', `radiotap field ${bit} past the header`, o, hend - o); break outer; }
      field(ctx, l, bit, o, radio);
      o += size;
    }
    if (w & 0x40000000) rtapNs = false;
  }
  if (radio.flags !== undefined && radio.flags & 0x10) fcs = true;
  // the PSDU's length as sent (FCS included): what the airtime estimate counts
  wlanRadio(ctx, radio, sentEnd(ctx, end) - hend);
  if (hend < end || fcs) dissectWlan(ctx, st, hend, end, fcs, radio.flags !== undefined && (radio.flags & 0x20) !== 0);
}

function align(o: number, base: number, a: number): number {
  const r = (o - base) % a;
  return r === 0 ? o : o + a - r;
}

function field(ctx: Ctx, l: FieldNode, bit: number, o: number, r: Radio): void {
  const d = ctx.d;
  switch (bit) {
    case 0: {
      const v = (BigInt(u32le(d, o + 4)) << 32n) | BigInt(u32le(d, o));
      ctx.add(l, 'radiotap.mactime', v, o, 8);
      r.tsft = v;
      return;
    }
    case 1: {
      const f = ctx.add(l, 'radiotap.flags', d[o], o, 1);
      for (const [n, m] of FLAG_BITS) ctx.sub(f, `radiotap.flags.${n}`, (d[o] & m) !== 0, o, 1);
      r.flags = d[o];
      return;
    }
    case 2:
      ctx.add(l, 'radiotap.datarate', d[o] / 2, o, 1);
      r.rate = d[o] / 2;
      return;
    case 3: {
      const freq = u16le(d, o), fl = u16le(d, o + 2);
      ctx.add(l, 'radiotap.channel.freq', freq, o, 2);
      const f = ctx.add(l, 'radiotap.channel.flags', fl, o + 2, 2);
      for (const [n, m] of CHANNEL_BITS) ctx.sub(f, `radiotap.channel.flags.${n}`, (fl & m) !== 0, o + 2, 2);
      r.freq = freq; r.chflags = fl;
      return;
    }
    case 4:
      ctx.add(l, 'radiotap.fhss.hopset', d[o], o, 1);
      ctx.add(l, 'radiotap.fhss.pattern', d[o + 1], o + 1, 1);
      return;
    case 5: ctx.add(l, 'radiotap.dbm_antsignal', (d[o] << 24) >> 24, o, 1); r.dbmSignal = (d[o] << 24) >> 24; return;
    case 6: ctx.add(l, 'radiotap.dbm_antnoise', (d[o] << 24) >> 24, o, 1); r.dbmNoise = (d[o] << 24) >> 24; return;
    case 7: ctx.add(l, 'radiotap.quality', u16le(d, o), o, 2); return;
    case 8: ctx.add(l, 'radiotap.txattenuation', u16le(d, o), o, 2); return;
    case 9: ctx.add(l, 'radiotap.db_txattenuation', u16le(d, o), o, 2); return;
    case 10: ctx.add(l, 'radiotap.txpower', (d[o] << 24) >> 24, o, 1); return;
    case 11: ctx.add(l, 'radiotap.antenna', d[o], o, 1); return;
    case 12: ctx.add(l, 'radiotap.db_antsignal', d[o], o, 1); r.dbSignal = d[o]; return;
    case 13: ctx.add(l, 'radiotap.db_antnoise', d[o], o, 1); r.dbNoise = d[o]; return;
    case 14: {
      const f = ctx.add(l, 'radiotap.rxflags', u16le(d, o), o, 2);
      ctx.sub(f, 'radiotap.rxflags.badplcp', (d[o] & 2) !== 0, o, 2);
      return;
    }
    case 15: ctx.add(l, 'radiotap.txflags', u16le(d, o), o, 2); return;
    case 17: ctx.add(l, 'radiotap.data_retries', d[o], o, 1); return;
    case 19: mcs(ctx, l, o, r); return;
    case 20: {
      const a = ctx.add(l, 'radiotap.ampdu', null, o, 8);
      ctx.sub(a, 'radiotap.ampdu.reference', u32le(d, o), o, 4);
      ctx.sub(a, 'radiotap.ampdu.flags', u16le(d, o + 4), o + 4, 2);
      r.ampdu = u32le(d, o);
      return;
    }
    case 21: vht(ctx, l, o, r); return;
  }
}

function mcs(ctx: Ctx, l: FieldNode, o: number, r: Radio): void {
  const d = ctx.d;
  const known = d[o], fl = d[o + 1], index = d[o + 2];
  const m = ctx.add(l, 'radiotap.mcs', null, o, 3);
  const k = ctx.sub(m, 'radiotap.mcs.known', known, o, 1);
  const names = ['have_bw', 'have_index', 'have_gi', 'have_format', 'have_fec', 'have_stbc', 'have_ness'];
  names.forEach((n, i) => ctx.sub(k, `radiotap.mcs.${n}`, ((known >> i) & 1) === 1, o, 1));
  if (known & 1) ctx.sub(m, 'radiotap.mcs.bw', fl & 3, o + 1, 1);
  if (known & 4) ctx.sub(m, 'radiotap.mcs.gi', (fl >> 2) & 1, o + 1, 1);
  if (known & 8) ctx.sub(m, 'radiotap.mcs.format', (fl >> 3) & 1, o + 1, 1);
  if (known & 16) ctx.sub(m, 'radiotap.mcs.fec', (fl >> 4) & 1, o + 1, 1);
  if (known & 32) ctx.sub(m, 'radiotap.mcs.stbc', (fl >> 5) & 3, o + 1, 1);
  if (known & 2) ctx.sub(m, 'radiotap.mcs.index', index, o + 2, 1);
  r.mcs = [known, fl, index];
  // the rate the MCS stands for, when bandwidth, index and guard interval are known
  const rate = htRate(known, fl, index);
  if (rate !== undefined) ctx.add(l, 'radiotap.datarate', rate, o, 3).generated = true;
}

function vht(ctx: Ctx, l: FieldNode, o: number, r: Radio): void {
  const d = ctx.d;
  const known = u16le(d, o), fl = d[o + 2], bw = d[o + 3];
  const v = ctx.add(l, 'radiotap.vht', null, o, 12);
  // tshark 4.0 reads the 16-bit known field into an 8-bit item: what it prints is the high byte
  const k = ctx.sub(v, 'radiotap.vht.known', known >> 8, o, 2);
  // the bandwidth, group id and partial AID bits are registered under radiotap.mcs.* names
  const names: Array<[string, number]> = [['vht.have_stbc', 1], ['vht.have_txop_ps', 2], ['vht.have_gi', 4], ['vht.have_sgi_nsym_da', 8], ['vht.ldpc_extra', 16],
    ['vht.have_beamformed', 32], ['mcs.have_bw', 64], ['mcs.have_gid', 128], ['mcs.have_paid', 256]];
  for (const [n, m] of names) ctx.sub(k, `radiotap.${n}`, (known & m) !== 0, o, 2);
  if (known & 1) ctx.sub(v, 'radiotap.vht.stbc', (fl & 1) !== 0, o + 2, 1);
  if (known & 2) ctx.sub(v, 'radiotap.vht.txop_ps', (fl & 2) !== 0, o + 2, 1);
  if (known & 4) ctx.sub(v, 'radiotap.vht.gi', (fl >> 2) & 1, o + 2, 1);
  if (known & 8) ctx.sub(v, 'radiotap.vht.sgi_nsym_da', (fl & 8) !== 0, o + 2, 1);
  if (known & 32) ctx.sub(v, 'radiotap.vht.beamformed', (fl & 32) !== 0, o + 2, 1);
  if (known & 64) ctx.sub(v, 'radiotap.vht.bw', bw, o + 3, 1);
  for (let u = 0; u < 4; u++) {
    const mn = d[o + 4 + u];
    const nss = mn & 15, mcsIdx = mn >> 4;
    if (nss === 0) continue;
    const uf = ctx.sub(v, 'radiotap.vht.user', null, o + 4 + u, 1);
    ctx.sub(uf, `radiotap.vht.mcs.${u}`, mcsIdx, o + 4 + u, 1);
    ctx.sub(uf, `radiotap.vht.nss.${u}`, nss, o + 4 + u, 1);
    ctx.sub(uf, `radiotap.vht.coding.${u}`, (d[o + 8] >> u) & 1, o + 8, 1);
    if (known & 64 && known & 4 && mcsIdx <= 9 && bw < VHT_BW.length) {
      const rate = ((fl >> 2) & 1 ? VHT_RATES_SGI : VHT_RATES)[VHT_BW[bw]][mcsIdx];
      if (rate > 0) ctx.sub(uf, `radiotap.vht.datarate.${u}`, float6(rate * nss), o + 4 + u, 1);
    }
  }
  if (known & 128) ctx.sub(v, 'radiotap.vht.gid', d[o + 9], o + 9, 1);
  if (known & 256) ctx.sub(v, 'radiotap.vht.paid', u16le(d, o + 10), o + 10, 2);
  r.vht = { known, flags: fl, bw, mcsNss: d[o + 4], coding: d[o + 8] };
}

/** an HT MCS's rate in Mb/s, when its bandwidth, index and guard interval are known (MCS 0–31) */
function htRate(known: number, fl: number, index: number): number | undefined {
  if ((known & 7) !== 7 || index >= 32) return undefined;
  const base = HT_RATES[(fl & 3) === 1 ? 1 : 0][index & 7] * ((index >> 3) + 1);
  return float6(fl & 4 ? base * 10 / 9 : base);
}

/** 802.11 channel number of a frequency in MHz, as ieee80211_mhz_to_chan */
function channelOf(mhz: number): number {
  if (mhz === 2484) return 14;
  if (mhz >= 2412 && mhz < 2484) return (mhz - 2407) / 5;
  if (mhz >= 4910 && mhz <= 4980) return (mhz - 4000) / 5;
  if (mhz >= 5000 && mhz < 5900) return (mhz - 5000) / 5;
  return -1;
}

/** 802.11 radio information, generated from radiotap as tshark's wlan_radio shows it */
function wlanRadio(ctx: Ctx, r: Radio, psdu: number): void {
  const l = ctx.layer('wlan_radio', 0, 0);
  const cf = r.chflags ?? 0;
  let phy = 0;
  if (r.vht !== undefined) phy = 8;
  else if (r.mcs !== undefined) phy = 7;
  else if (r.freq !== undefined) {
    if (cf & 0x20) phy = 4;
    else if (cf & 0x40) phy = cf & 0x80 ? 6 : 5;
    else if (cf & 0x800) phy = 1;
  }
  if (phy !== 0) ctx.gen(l, 'wlan_radio.phy', phy);
  if (phy === 4) ctx.gen(l, 'wlan_radio.short_preamble', ((r.flags ?? 0) & 2) !== 0);
  if (phy === 5) ctx.gen(l, 'wlan_radio.11a.turbo_type', 0);
  if (phy === 6) ctx.gen(l, 'wlan_radio.11g.mode', 0);
  let rate = r.rate;
  if (phy === 7 && r.mcs !== undefined) {
    const [known, fl, index] = r.mcs;
    if (known & 2) ctx.gen(l, 'wlan_radio.11n.mcs_index', index);
    if (known & 1) ctx.gen(l, 'wlan_radio.11n.bandwidth', fl & 3);
    if (known & 4) ctx.gen(l, 'wlan_radio.11n.short_gi', (fl & 4) !== 0);
    rate = htRate(known, fl, index) ?? rate;
  }
  if (phy === 8 && r.vht !== undefined) {
    const v = r.vht;
    if (v.known & 64) ctx.gen(l, 'wlan_radio.11ac.bandwidth', v.bw);
    if (v.known & 4) ctx.gen(l, 'wlan_radio.11ac.short_gi', (v.flags & 4) !== 0);
    const nss = v.mcsNss & 15, mcsIdx = v.mcsNss >> 4;
    if (nss !== 0) {
      const u = ctx.gen(l, 'wlan_radio.11ac.user', null);
      ctx.sub(u, 'wlan_radio.11ac.mcs', mcsIdx, 0, 0).generated = true;
      ctx.sub(u, 'wlan_radio.11ac.nss', nss, 0, 0).generated = true;
      ctx.sub(u, 'wlan_radio.11ac.fec', v.coding & 1, 0, 0).generated = true;
      if (v.known & 64 && v.known & 4 && mcsIdx <= 9 && v.bw < VHT_BW.length) {
        const base = VHT_RATES[VHT_BW[v.bw]][mcsIdx];
        if (base > 0) rate = float6((v.flags & 4 ? base * 10 / 9 : base) * nss);
      }
    }
  }
  if (rate !== undefined) ctx.gen(l, 'wlan_radio.data_rate', rate);
  if (r.freq !== undefined) {
    const ch = channelOf(r.freq);
    if (ch >= 0) ctx.gen(l, 'wlan_radio.channel', ch);
    ctx.gen(l, 'wlan_radio.frequency', r.freq);
  }
  if (r.dbmSignal !== undefined) ctx.gen(l, 'wlan_radio.signal_dbm', r.dbmSignal);
  if (r.dbmNoise !== undefined) ctx.gen(l, 'wlan_radio.noise_dbm', r.dbmNoise);
  if (r.dbSignal !== undefined) ctx.gen(l, 'wlan_radio.signal_db', r.dbSignal);
  if (r.dbNoise !== undefined) ctx.gen(l, 'wlan_radio.noise_db', r.dbNoise);
  if (r.dbmSignal !== undefined && r.dbmNoise !== undefined) ctx.gen(l, 'wlan_radio.snr', r.dbmSignal - r.dbmNoise);
  if (r.tsft !== undefined) ctx.gen(l, 'wlan_radio.timestamp', r.tsft);
  if (r.ampdu !== undefined) ctx.gen(l, 'wlan_radio.a_mpdu_aggregate_id', r.ampdu);
  // airtime of the DSSS/CCK and OFDM PHYs (HT and VHT, with their A-MPDU accounting, are not estimated)
  if ((phy === 4 || phy === 5 || phy === 6) && rate !== undefined && rate > 0 && psdu > 0) {
    const dsss = phy === 4 || rate === 1 || rate === 2 || rate === 5.5 || rate === 11;
    if (phy === 6 && dsss) return;
    const preamble = dsss ? ((r.flags ?? 0) & 2 ? 96 : 192) : 20;
    // OFDM: 16 service bits and 6 tail bits around the PSDU, in 4 µs symbols of rate × 4 bits
    const duration = dsss ? preamble + Math.ceil((psdu * 8) / rate) : preamble + 4 * Math.ceil((16 + 8 * psdu + 6) / (rate * 4));
    ctx.gen(l, 'wlan_radio.duration', duration);
    ctx.gen(l, 'wlan_radio.preamble', preamble);
    if (r.tsft !== undefined) {
      // tshark takes the TSF as the frame's end
      ctx.gen(l, 'wlan_radio.start_tsf', BigInt.asUintN(64, r.tsft - BigInt(duration)));
      ctx.gen(l, 'wlan_radio.end_tsf', r.tsft);
    }
  }
}

LINKTYPE.add(127, dissectRadiotap);
