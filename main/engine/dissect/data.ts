// The fallback for bytes no dissector claims: Wireshark's "data" protocol.
import type { Ctx } from './context';
import { declare, treeLine } from './fields';

declare('data', 'Data', [
  ['data.data', 'bytes', 'Data'],
  ['data.len', 'uint', 'Length'],
]);

export function dissectData(ctx: Ctx, off: number, end: number): void {
  if (end <= off) return;
  const l = ctx.layer('data', off, end - off);
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
