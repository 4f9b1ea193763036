// IGMP (RFC 2236 / RFC 3376): type, max response time, checksum, group.
import type { Ctx } from './context';
import { declare, HEX16, HEX8 } from './fields';
import { ipv4ToString } from './addr';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { IP_PROTO } = tables;

const TYPES: Record<number, string> = { 0x11: 'Membership Query', 0x12: 'Membership Report v1', 0x16: 'Membership Report v2', 0x17: 'Leave Group', 0x22: 'Membership Report v3' };

declare('igmp', 'Internet Group Management Protocol', [
  ['igmp.version', 'uint', 'IGMP Version'],
  ['igmp.type', 'uint', 'Type', { ...HEX8, valueNames: TYPES }],
  ['igmp.max_resp', 'uint', 'Max Resp Time'],
  ['igmp.checksum', 'uint', 'Checksum', HEX16],
  ['igmp.maddr', 'ipv4', 'Multicast Address'],
  ['igmp.num_grp_recs', 'uint', 'Num Group Records'],
]);

export function dissectIgmp(ctx: Ctx, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('igmp', off, end - off);
  // tshark lists igmp twice: the protocol and its version-specific part
  ctx.protocols.push('igmp');
  ctx.protocol = 'IGMP';
  if (end - off < 8) {
    ctx.malformedAt('igmp', `IGMP message cut short (${end - off} of 8 bytes)`, off, end - off);
    ctx.info = 'Malformed IGMP';
    return;
  }
  const type = d[off];
  const version = type === 0x22 || (type === 0x11 && end - off >= 12) ? 3 : type === 0x12 ? 1 : 2;
  ctx.gen(l, 'igmp.version', version);
  ctx.add(l, 'igmp.type', type, off, 1);
  ctx.add(l, 'igmp.max_resp', d[off + 1], off + 1, 1);
  ctx.add(l, 'igmp.checksum', (d[off + 2] << 8) | d[off + 3], off + 2, 2);
  const name = TYPES[type] ?? `Unknown type 0x${type.toString(16)}`;
  if (type === 0x22) {
    const n = (d[off + 6] << 8) | d[off + 7];
    ctx.add(l, 'igmp.num_grp_recs', n, off + 6, 2);
    ctx.info = name;
    return;
  }
  const group = ((d[off + 4] << 24) | (d[off + 5] << 16) | (d[off + 6] << 8) | d[off + 7]) >>> 0;
  ctx.add(l, 'igmp.maddr', group, off + 4, 4);
  ctx.info = type === 0x11 && group === 0 ? `${name}, general` : `${name} / Join group ${ipv4ToString(group)}`;
}

IP_PROTO.add(2, (ctx, _st, off, end) => dissectIgmp(ctx, off, end));
