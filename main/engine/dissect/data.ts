// The fallback for bytes no dissector claims: Wireshark's "data" protocol.
import type { Ctx } from './context';
import type { Field } from '../types';
import { declare, treeLine } from './fields';

declare('data', 'Data', [
  ['data.data', 'bytes', 'Data'],
  ['data.len', 'uint', 'Length'],
]);

/**
 * `parent`: the layer whose own tree holds the data, as an ICMP echo's
 * payload sits inside ICMP in tshark's tree (and so not in its protocol
 * hierarchy's top level); without it, the data is a layer of its own.
 */
export function dissectData(ctx: Ctx, off: number, end: number, parent?: Field): void {
  if (end <= off) return;
  const l = ctx.layer('data', off, end - off, parent);
  if (ctx.wants('data.data')) ctx.add(l, 'data.data', ctx.d.subarray(off, end), off, end - off);
  const f = ctx.add(l, 'data.len', end - off, off, end - off);
  f.generated = true;
}

/** A protocol recognised but not decoded field by field: its layer over its bytes, and its summary name and Info. */
export function nameOnly(ctx: Ctx, proto: string, summaryName: string, off: number, end: number, info?: string): void {
  ctx.layer(proto, off, Math.max(0, end - off));
  if (summaryName) ctx.protocol = summaryName;
  if (info !== undefined) ctx.info = info;
}

treeLine('data', (v) => {
  const n = v.field('data.len')?.value;
  return `${v.title} (${typeof n === 'number' ? n : v.layer.len} bytes)`;
}, ['data.data']);
