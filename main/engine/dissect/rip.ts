// RIP, the Routing Information Protocol (RFC 1058 v1, RFC 2453 v2, on
// udp/520): a command, a version, then 20-byte entries — routes, or in v2
// an authentication entry (family 0xffff). Fields as tshark 4.0's
// packet-rip.c; the protocol column names the version (RIPv1, RIPv2).
import type { Ctx } from './context';
import { openLayer } from './prologue';
import type { State } from './state';
import { declare } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { UDP_PORT } = tables;
const { latin1, u16, u32 } = readers;

const COMMANDS: Record<number, string> = { 1: 'Request', 2: 'Response', 3: 'Traceon', 4: 'Traceoff', 5: 'Vendor specific' };
const FAMILY_IP = 2, FAMILY_AUTH = 0xffff;
const AUTH_PASSWORD = 2;
const ENTRY = 20;

declare('rip', 'Routing Information Protocol', [
  ['rip.command', 'uint', 'Command', { valueNames: COMMANDS }],
  ['rip.version', 'uint', 'Version', { valueNames: { 1: 'RIPv1', 2: 'RIPv2' } }],
  ['rip.family', 'uint', 'Address Family', { valueNames: { 0: 'Unspecified', 2: 'IP', 0xffff: 'Authentication' } }],
  ['rip.route_tag', 'uint', 'Route Tag'],
  ['rip.ip', 'ipv4', 'IP Address'],
  ['rip.netmask', 'ipv4', 'Netmask'],
  ['rip.next_hop', 'ipv4', 'Next Hop'],
  ['rip.metric', 'uint', 'Metric'],
  ['rip.auth.type', 'uint', 'Authentication type', { valueNames: { 2: 'Simple Password', 3: 'Keyed Message Digest' } }],
  ['rip.auth.passwd', 'string', 'Password'],
]);

export function dissectRip(ctx: Ctx, _st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = openLayer(ctx, 'rip', 'RIP', off, end, 4);
  if (!l) return;
  const command = d[off], version = d[off + 1];
  ctx.add(l, 'rip.command', command, off, 1);
  ctx.add(l, 'rip.version', version, off + 1, 1);
  if (version === 1 || version === 2) ctx.protocol = `RIPv${version}`;
  ctx.info = COMMANDS[command] ?? `Unknown command (${command})`;
  for (let o = off + 4; o < end; o += ENTRY) {
    if (end - o < ENTRY) { ctx.malformedAt('rip', `RIP entry cut short (${end - o} of ${ENTRY} bytes)`, o, end - o); return; }
    const family = u16(d, o);
    if (family === FAMILY_AUTH) {
      const type = u16(d, o + 2);
      ctx.add(l, 'rip.auth.type', type, o + 2, 2);
      if (type === AUTH_PASSWORD) {
        let e = o + 4;
        while (e < o + ENTRY && d[e] !== 0) e++;
        ctx.add(l, 'rip.auth.passwd', latin1(d, o + 4, e), o + 4, 16);
      }
      continue;
    }
    ctx.add(l, 'rip.family', family, o, 2);
    // v1 entries have no tag, mask or next hop (those bytes must be zero)
    if (version !== 1) ctx.add(l, 'rip.route_tag', u16(d, o + 2), o + 2, 2);
    // an unspecified family (a request for the whole table) has no address
    if (family === FAMILY_IP) ctx.add(l, 'rip.ip', u32(d, o + 4), o + 4, 4);
    if (version !== 1) {
      ctx.add(l, 'rip.netmask', u32(d, o + 8), o + 8, 4);
      ctx.add(l, 'rip.next_hop', u32(d, o + 12), o + 12, 4);
    }
    // a 32-bit field on the wire; tshark reads its low 16 bits (metrics stop at 16)
    ctx.add(l, 'rip.metric', u16(d, o + 18), o + 18, 2);
  }
}

UDP_PORT.add([520], dissectRip);
