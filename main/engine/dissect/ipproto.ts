// Dispatch on an IP protocol number (IPv4 protocol / IPv6 next header).
import type { Ctx } from './context';
import type { Field } from '../types';
import { dissectData } from './data';
import { dissectTcp } from './tcp';
import { dissectUdp } from './udp';
import { dissectIcmp } from './icmp';
import { dissectIcmpv6 } from './icmpv6';
import { dissectGre } from './tunnel';
import { dissectIgmp } from './igmp';
import { dissectIpv6 } from './ipv6';
import { dissectIpv4 } from './ipv4';
import type { State } from './state';

const NAMES: Record<number, string> = { 0: 'HOPOPT', 1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 43: 'IPv6-Route', 44: 'IPv6-Frag', 47: 'GRE', 50: 'ESP', 51: 'AH', 58: 'ICMPv6', 59: 'IPv6-NoNxt', 60: 'IPv6-Opts', 132: 'SCTP' };
export const ipProtoName = (p: number): string => NAMES[p] ?? 'Unknown';

export function ipPayload(ctx: Ctx, st: State, proto: number, off: number, end: number, _ip: Field): void {
  switch (proto) {
    case 6: return dissectTcp(ctx, st, off, end);
    case 17: return dissectUdp(ctx, st, off, end);
    case 1: return dissectIcmp(ctx, st, off, end);
    case 58: return dissectIcmpv6(ctx, st, off, end);
    case 47: return dissectGre(ctx, st, off, end);
    case 2: return dissectIgmp(ctx, off, end);
    case 4: dissectIpv4(ctx, st, off, end); return;
    case 41: dissectIpv6(ctx, st, off, end); return;
    case 59: return; // no next header
    default: dissectData(ctx, off, end);
  }
}
