// Solaris IPNET (LINKTYPE_IPNET, 226): what snoop and tcpdump write on an
// illumos/Solaris "ipnet" observability device. A 24-byte big-endian header
// (version, address family, hook, length, interfaces, zones), then the IP
// packet by its Solaris address family. As packet-ipnet.c in tshark 4.0.
import type { Ctx } from './context';
import { declare } from './fields';
import { ranOut } from './ranout';
import type { State } from './state';
import { ETHERTYPE, LINKTYPE } from './tables';
import { u16, u32 } from './bytes';

/** Solaris address families: AF_INET 2, AF_INET6 26 */
const FAMILIES: Record<number, string> = { 2: 'Solaris AF_INET', 26: 'Solaris AF_INET6' };

declare('ipnet', 'Solaris IPNET', [
  ['ipnet.version', 'uint', 'Header version'],
  ['ipnet.family', 'uint', 'Address family', { valueNames: FAMILIES }],
  ['ipnet.htype', 'uint', 'Hook type', { valueNames: { 0: 'Inbound', 1: 'Outbound', 2: 'Local' } }],
  ['ipnet.pktlen', 'uint', 'Data length'],
  ['ipnet.ifindex', 'uint', 'Interface index'],
  ['ipnet.grifindex', 'uint', 'Group interface index'],
  ['ipnet.zsrc', 'uint', 'Source Zone ID'],
  ['ipnet.zdst', 'uint', 'Destination Zone ID'],
]);

/** the header's fields after version and family: name, size, offset */
const REST: Array<[string, 2 | 4, number]> = [
  ['ipnet.htype', 2, 2], ['ipnet.pktlen', 4, 4], ['ipnet.ifindex', 4, 8], ['ipnet.grifindex', 4, 12], ['ipnet.zsrc', 4, 16], ['ipnet.zdst', 4, 20],
];

function dissectIpnet(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('ipnet', off, Math.min(24, end - off));
  ctx.setSummary('IPNET', 'Solaris IPNET');
  // tshark adds the fields one by one: a cut header keeps those before the cut
  if (end - off >= 1) ctx.add(l, 'ipnet.version', d[off], off, 1);
  if (end - off >= 2) ctx.add(l, 'ipnet.family', d[off + 1], off + 1, 1);
  for (const [name, size, at] of REST) {
    if (off + at + size > end) { ranOut(ctx, 'ipnet', 'IPNET header cut short', off + at, size); return; }
    ctx.add(l, name, size === 2 ? u16(d, off + at) : u32(d, off + at), off + at, size);
  }
  const family = d[off + 1];
  const next = family === 2 ? ETHERTYPE.get(0x0800) : family === 26 ? ETHERTYPE.get(0x86dd) : undefined;
  // another family: tshark hands the payload to no one, not even data
  if (next !== undefined) next(ctx, st, off + 24, end);
}

LINKTYPE.add(226, dissectIpnet);
