// The fallback for bytes no dissector claims: Wireshark's "data" protocol.
import type { Ctx } from './context';
import { declare } from './fields';

declare('data', 'Data', [
  ['data.data', 'bytes', 'Data'],
  ['data.len', 'uint', 'Length'],
]);

export function dissectData(ctx: Ctx, off: number, end: number): void {
  if (end <= off) return;
  const l = ctx.layer('data', off, end - off);
  if (ctx.w('data.data')) ctx.add(l, 'data.data', ctx.d.subarray(off, end), off, end - off);
  const f = ctx.add(l, 'data.len', end - off, off, end - off);
  f.generated = true;
}
