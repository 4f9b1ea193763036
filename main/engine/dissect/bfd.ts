// BFD (RFC 5880/5881/5883) on udp 3784 (single hop), 4784 (multihop), 6784
// and 7784 as tshark 4.0 registers it: the control message of version 1
// (and the draft's version 0), its flags, discriminators, intervals and
// authentication section; and BFD echo on udp 3785. Fields and Info as
// packet-bfd.c ("Diag: …, State: …, Flags: 0x…").
import type { Ctx } from './context';
import type { State } from './state';
import { declare, HEX8, HEX32 } from './fields';
import { Tvb, guarded, reportedEnd } from './tvb';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { UDP_PORT } = tables;

const DIAG_V0 = ['No Diagnostic', 'Control Detection Time Expired', 'Echo Function Failed', 'Neighbor Signaled Session Down',
  'Forwarding Plane Reset', 'Path Down', 'Concatenated Path Down', 'Administratively Down'];
const DIAG = [...DIAG_V0, 'Reverse Concatenated Path Down', 'Mis-Connectivity Defect'];
const STATE = ['AdminDown', 'Down', 'Init', 'Up'];
const AUTH: Record<number, string> = { 1: 'Simple Password', 2: 'Keyed MD5', 3: 'Meticulous Keyed MD5', 4: 'Keyed SHA1', 5: 'Meticulous Keyed SHA1' };
const names = (a: string[]): Record<number, string> => Object.fromEntries(a.map((n, i) => [i, n]));

declare('bfd', 'Bidirectional Forwarding Detection Control Message', [
  ['bfd.version', 'uint', 'Protocol Version'],
  ['bfd.diag', 'uint', 'Diagnostic Code', { ...HEX8, valueNames: names(DIAG) }],
  ['bfd.sta', 'uint', 'Session State', { ...HEX8, valueNames: names(STATE) }],
  ['bfd.flags', 'uint', 'Message Flags', HEX8],
  ['bfd.flags.h', 'bool', 'I hear you'],
  ['bfd.flags.d', 'bool', 'Demand'],
  ['bfd.flags.p', 'bool', 'Poll'],
  ['bfd.flags.f', 'bool', 'Final'],
  ['bfd.flags.c', 'bool', 'Control Plane Independent'],
  ['bfd.flags.a', 'bool', 'Authentication Present'],
  ['bfd.flags.m', 'bool', 'Multipoint'],
  ['bfd.detect_time_multiplier', 'uint', 'Detect Time Multiplier'],
  ['bfd.message_length', 'uint', 'Message Length'],
  ['bfd.my_discriminator', 'uint', 'My Discriminator', HEX32],
  ['bfd.your_discriminator', 'uint', 'Your Discriminator', HEX32],
  ['bfd.desired_min_tx_interval', 'uint', 'Desired Min TX Interval'],
  ['bfd.required_min_rx_interval', 'uint', 'Required Min RX Interval'],
  ['bfd.required_min_echo_interval', 'uint', 'Required Min Echo Interval'],
  ['bfd.checksum', 'bytes', 'Checksum'],
  ['bfd.auth.type', 'uint', 'Authentication Type', { valueNames: AUTH }],
  ['bfd.auth.len', 'uint', 'Authentication Length'],
  ['bfd.auth.key', 'uint', 'Authentication Key ID'],
  ['bfd.auth.password', 'string', 'Password'],
  ['bfd.auth.seq_num', 'uint', 'Sequence Number', HEX32],
  ['bfd.auth.len.invalid', 'none', 'Invalid authentication length'],
  ['bfd.auth.no_data', 'none', 'No authentication data'],
]);
declare('bfd_echo', 'BFD Echo message', [
  ['bfd_echo.packet', 'bytes', 'Echo'],
]);

/** the authentication section's length and digest length by type (MD5 24/16, SHA1 28/20) */
const AUTH_LEN: Record<number, [number, number]> = { 2: [24, 16], 3: [24, 16], 4: [28, 20], 5: [28, 20] };

function control(ctx: Ctx, off: number, end: number): void {
  ctx.protocol = 'BFD Control';
  ctx.info = '';
  const l = ctx.layer('bfd', off, end - off);
  const t = new Tvb(ctx.d, end);
  guarded(ctx, 'bfd', end, () => {
    const b0 = t.u8(off), flags = t.u8(off + 1);
    const version = b0 >> 5, diag = b0 & 0x1f;
    const mult = t.u8(off + 2), len = t.u8(off + 3);
    const mine = t.u32(off + 4), yours = t.u32(off + 8), tx = t.u32(off + 12), rx = t.u32(off + 16), echo = t.u32(off + 20);
    ctx.info = version === 0 ? `Diag: ${DIAG_V0[diag] ?? 'Unknown'}, Flags: 0x${hex2(flags)}`
      : `Diag: ${DIAG[diag] ?? 'Unknown'}, State: ${STATE[flags >> 6]}, Flags: 0x${hex2(flags & 0x3e)}`;
    ctx.sub(l, 'bfd.version', version, off, 1);
    ctx.sub(l, 'bfd.diag', diag, off, 1);
    if (version !== 0) ctx.sub(l, 'bfd.sta', flags >> 6, off + 1, 1);
    ctx.sub(l, 'bfd.flags', flags, off + 1, 1);
    const bits: Array<[string, number]> = version === 0 ? [['h', 0x80], ['d', 0x40], ['p', 0x20], ['f', 0x10]]
      : [['p', 0x20], ['f', 0x10], ['c', 0x08], ['a', 0x04], ['d', 0x02], ['m', 0x01]];
    for (const [n, m] of bits) ctx.sub(l, `bfd.flags.${n}`, (flags & m) !== 0, off + 1, 1);
    ctx.sub(l, 'bfd.detect_time_multiplier', mult, off + 2, 1);
    ctx.sub(l, 'bfd.message_length', len, off + 3, 1);
    ctx.sub(l, 'bfd.my_discriminator', mine, off + 4, 4);
    ctx.sub(l, 'bfd.your_discriminator', yours, off + 8, 4);
    ctx.sub(l, 'bfd.desired_min_tx_interval', tx, off + 12, 4);
    ctx.sub(l, 'bfd.required_min_rx_interval', rx, off + 16, 4);
    ctx.sub(l, 'bfd.required_min_echo_interval', echo, off + 20, 4);
    if (version === 0 || (flags & 0x04) === 0) return;
    const o = off + 24;
    if (len < 28) {
      ctx.sub(l, 'bfd.auth.no_data', null, o, Math.max(0, len - 24));
      ctx.flagMalformed('bfd', `Authentication: Length of the BFD frame is invalid (${len})`, o, 0);
      return;
    }
    const type = t.u8(o), alen = t.u8(o + 1);
    // the section's subtree has its declared length: it must all be there
    t.need(o, alen);
    ctx.sub(l, 'bfd.auth.type', type, o, 1);
    ctx.sub(l, 'bfd.auth.len', alen, o + 1, 1);
    ctx.sub(l, 'bfd.auth.key', t.u8(o + 2), o + 2, 1);
    if (type === 1) ctx.sub(l, 'bfd.auth.password', text(t.bytes(o + 3, alen - 3)), o + 3, alen - 3);
    else if (AUTH_LEN[type]) {
      const [want, digest] = AUTH_LEN[type];
      if (alen !== want) {
        ctx.sub(l, 'bfd.auth.len.invalid', null, o, alen);
        ctx.flagMalformed('bfd', `Length of authentication section (${alen}) is invalid for Authentication Type: ${AUTH[type]}`, o, alen);
      }
      ctx.sub(l, 'bfd.auth.seq_num', t.u32(o + 4), o + 4, 4);
      ctx.sub(l, 'bfd.checksum', t.bytes(o + 8, digest), o + 8, digest);
    }
  });
}

const hex2 = (v: number): string => v.toString(16).padStart(2, '0');

/** An ENC_ASCII FT_STRING of fixed size: up to the first NUL, bytes past 0x7f not ASCII. */
function text(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length && b[i] !== 0; i++) s += b[i] < 0x80 ? String.fromCharCode(b[i]) : '\ufffd';
  return s;
}

UDP_PORT.add([3784, 4784, 6784, 7784], (ctx: Ctx, _st: State, off: number, end: number) => control(ctx, off, end));
UDP_PORT.add([3785], (ctx: Ctx, _st: State, off: number, end: number) => {
  const l = ctx.layer('bfd_echo', off, end - off);
  ctx.protocol = 'BFD Echo';
  ctx.info = 'Originator specific content';
  // the echo's length as sent: a cut capture has not all of it, and tshark adds nothing
  const sent = reportedEnd(ctx, end);
  guarded(ctx, 'bfd_echo', end, () => { ctx.sub(l, 'bfd_echo.packet', new Tvb(ctx.d, end).bytes(off, sent - off), off, sent - off); });
});
