// NTP (RFC 5905) on udp/123: the flags (leap indicator, version, mode),
// stratum, poll, precision, root delay and dispersion as tshark 4.0 shows
// them (raw), the reference id, the four timestamps (an all-zero one is
// NULL, format.ts), and an authenticator's key id and MAC. Control and
// private modes (6, 7) are shown by their flags (a private request's code
// named in Info).
import type { Ctx } from './context';
import { declare, treeLine, HEX8 } from './fields';
import type { State } from './state';
import { NTP_NULL } from './format';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { UDP_PORT } = tables;
const { u32 } = readers;

const MODES: Record<number, string> = {
  0: 'reserved', 1: 'symmetric active', 2: 'symmetric passive', 3: 'client', 4: 'server', 5: 'broadcast', 6: 'NTP control message', 7: 'reserved for private use',
};
/** packet-ntp.c's Info names: versions 1-4 by number, the others "reserved"; modes 6 and 7 shorter than the field's names */
const versionInfo = (vn: number): string => (vn >= 1 && vn <= 4 ? `NTP Version ${vn}` : 'reserved');
const INFO_MODES: Record<number, string> = { ...MODES, 6: 'control', 7: 'private' };
/** packet-ntp.c priv_rc_types: a private (mode 7) request's code, as Info names it */
const PRIV_CODES = [
  'PEER_LIST', 'PEER_LIST_SUM', 'PEER_INFO', 'PEER_STATS', 'SYS_INFO', 'SYS_STATS', 'IO_STATS', 'MEM_STATS', 'LOOP_INFO', 'TIMER_STATS',
  'CONFIG', 'UNCONFIG', 'SET_SYS_FLAG', 'CLR_SYS_FLAG', 'MONITOR', 'NOMONITOR', 'GET_RESTRICT', 'RESADDFLAGS', 'RESSUBFLAGS', 'UNRESTRICT',
  'MON_GETLIST', 'RESET_STATS', 'RESET_PEER', 'REREAD_KEYS', 'DO_DIRTY_HACK', 'DONT_DIRTY_HACK', 'TRUSTKEY', 'UNTRUSTKEY', 'AUTHINFO', 'TRAPS',
  'ADD_TRAP', 'CLR_TRAP', 'REQUEST_KEY', 'CONTROL_KEY', 'GET_CTLSTATS', 'GET_LEAPINFO', 'GET_CLOCKINFO', 'SET_CLKFUDGE', 'GET_KERNEL', 'GET_CLKBUGINFO',
  'Unknown', 'SET_PRECISION', 'MON_GETLIST_1', 'HOSTNAME_ASSOCID', 'IF_STATS', 'IF_RELOAD',
];
const LEAP: Record<number, string> = { 0: 'no warning', 1: 'last minute of the day has 61 seconds', 2: 'last minute of the day has 59 seconds', 3: 'unknown (clock unsynchronized)' };

// packet-ntp.c: the protocol item carries the Info text in parentheses
treeLine('ntp', (v) => {
  const vn = v.field('ntp.flags.vn')?.value, mode = v.field('ntp.flags.mode')?.value;
  return typeof vn === 'number' && typeof mode === 'number' ? `${v.title} (${versionInfo(vn)}, ${INFO_MODES[mode]})` : v.title;
}, ['ntp.flags.vn', 'ntp.flags.mode']);

declare('ntp', 'Network Time Protocol', [
  ['ntp.flags', 'uint', 'Flags', HEX8],
  ['ntp.flags.li', 'uint', 'Leap Indicator', { valueNames: LEAP }],
  ['ntp.flags.vn', 'uint', 'Version number'],
  ['ntp.flags.mode', 'uint', 'Mode', { valueNames: MODES }],
  ['ntp.stratum', 'uint', 'Peer Clock Stratum'],
  ['ntp.ppoll', 'uint', 'Peer Polling Interval'],
  ['ntp.precision', 'uint', 'Peer Clock Precision'],
  ['ntp.rootdelay', 'uint', 'Root Delay'],
  ['ntp.rootdispersion', 'uint', 'Root Dispersion'],
  ['ntp.refid', 'bytes', 'Reference ID'],
  ['ntp.reftime', 'abstime', 'Reference Timestamp'],
  ['ntp.org', 'abstime', 'Origin Timestamp'],
  ['ntp.rec', 'abstime', 'Receive Timestamp'],
  ['ntp.xmt', 'abstime', 'Transmit Timestamp'],
  ['ntp.keyid', 'bytes', 'Key ID'],
  ['ntp.mac', 'bytes', 'Message Authentication Code'],
]);

/** An NTP timestamp at o as ns since 1970 (seconds without their top bit are era 1, after 2036, as tshark reads them). */
function ntpTime(d: Uint8Array, o: number): bigint {
  let sec = u32(d, o);
  const frac = u32(d, o + 4);
  if (sec === 0 && frac === 0) return NTP_NULL;
  if ((sec & 0x80000000) === 0) sec += 2 ** 32;
  return (BigInt(sec) - 2_208_988_800n) * 1_000_000_000n + ((BigInt(frac) * 1_000_000_000n) >> 32n);
}

export function dissectNtp(ctx: Ctx, _st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('ntp', off, end - off);
  ctx.protocol = 'NTP';
  if (end <= off) { ctx.malformedAt('ntp', 'NTP packet empty', off, 0); return; }
  const flags = d[off], mode = flags & 7, vn = (flags >> 3) & 7;
  const f = ctx.add(l, 'ntp.flags', flags, off, 1);
  // a private message's top bits are its response and more flags, not a leap indicator
  if (mode !== 7) ctx.sub(f, 'ntp.flags.li', flags >> 6, off, 1);
  ctx.sub(f, 'ntp.flags.vn', vn, off, 1);
  ctx.sub(f, 'ntp.flags.mode', mode, off, 1);
  ctx.info = `${versionInfo(vn)}, ${INFO_MODES[mode]}`;
  // control messages need their 12-byte header; a private one names its request in Info
  if (mode === 6) { if (end - off < 12) ctx.boundsAt('ntp', `NTP control header cut short (${end - off} of 12 bytes)`, off, end - off); return; }
  if (mode === 7) {
    if (end - off < 4) { ctx.boundsAt('ntp', `NTP private header cut short (${end - off} of 4 bytes)`, off, end - off); return; }
    ctx.info = `${ctx.info}, ${flags & 0x80 ? 'Response' : 'Request'}, ${PRIV_CODES[d[off + 3]] ?? 'Unknown'}`;
    return;
  }
  if (end - off < 48) { ctx.boundsAt('ntp', `NTP packet cut short (${end - off} of 48 bytes)`, off, end - off); return; }
  ctx.add(l, 'ntp.stratum', d[off + 1], off + 1, 1);
  ctx.add(l, 'ntp.ppoll', d[off + 2], off + 2, 1);
  ctx.add(l, 'ntp.precision', d[off + 3], off + 3, 1);
  ctx.add(l, 'ntp.rootdelay', u32(d, off + 4), off + 4, 4);
  ctx.add(l, 'ntp.rootdispersion', u32(d, off + 8), off + 8, 4);
  ctx.add(l, 'ntp.refid', d.subarray(off + 12, off + 16), off + 12, 4);
  ctx.add(l, 'ntp.reftime', ntpTime(d, off + 16), off + 16, 8);
  ctx.add(l, 'ntp.org', ntpTime(d, off + 24), off + 24, 8);
  ctx.add(l, 'ntp.rec', ntpTime(d, off + 32), off + 32, 8);
  ctx.add(l, 'ntp.xmt', ntpTime(d, off + 40), off + 40, 8);
  // an authenticator: a 4-byte key id, then an MD5 (16) or SHA-1 (20) digest
  const rest = end - (off + 48);
  if (rest === 20 || rest === 24) {
    ctx.add(l, 'ntp.keyid', d.subarray(off + 48, off + 52), off + 48, 4);
    ctx.add(l, 'ntp.mac', d.subarray(off + 52, end), off + 52, rest - 4);
  }
}

UDP_PORT.add([123], dissectNtp);
