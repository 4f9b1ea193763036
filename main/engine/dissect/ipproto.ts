// Dispatch on an IP protocol number (IPv4 protocol / IPv6 next header):
// the carried protocols register themselves in IP_PROTO.
import type { Ctx } from './context';
import type { Field } from '../types';
import { dissectData } from './data';
import type { State } from './state';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { IP_PROTO } = tables;

const NAMES: Record<number, string> = { 0: 'HOPOPT', 1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 43: 'IPv6-Route', 44: 'IPv6-Frag', 47: 'GRE', 50: 'ESP', 51: 'AH', 58: 'ICMPv6', 59: 'IPv6-NoNxt', 60: 'IPv6-Opts', 132: 'SCTP' };
export const ipProtoName = (p: number): string => NAMES[p] ?? 'Unknown';

export function ipPayload(ctx: Ctx, st: State, proto: number, off: number, end: number, _ip: Field, direct = true): void {
  ctx.ipDirect = direct;
  const next = IP_PROTO.get(proto);
  if (next !== undefined) next(ctx, st, off, end);
  else dissectData(ctx, off, end);
}

// no next header (RFC 8200 §4.7): nothing follows, not even data
IP_PROTO.add(59, () => {});
