// The frame pseudo-protocol: numbering, times, lengths, comments and the
// list of protocols in the frame (filled in after the other layers).
import { type Ctx, F } from './context';
import { declare } from './fields';

declare('frame', 'Frame', [
  ['frame.comment', 'string', 'Comment'],
  ['frame.interface_id', 'uint', 'Interface id'],
  ['frame.encap_type', 'int', 'Encapsulation type'],
  ['frame.time', 'abstime', 'Arrival Time'],
  ['frame.time_epoch', 'abstime', 'Epoch Time', { description: 'seconds since 1970-01-01 UTC, printed as seconds.nanoseconds' }],
  ['frame.time_delta', 'reltime', 'Time delta from previous captured frame'],
  ['frame.time_relative', 'reltime', 'Time since reference or first frame'],
  ['frame.number', 'uint', 'Frame Number'],
  ['frame.len', 'uint', 'Frame Length'],
  ['frame.cap_len', 'uint', 'Capture Length'],
  ['frame.protocols', 'string', 'Protocols in frame'],
]);

export interface Clock {
  first: bigint | null;
  prev: bigint | null;
}

export function dissectFrame(ctx: Ctx, clock: Clock): F {
  const p = ctx.pkt;
  const fr = ctx.layer('frame', 0, p.capLen);
  if (p.comments) for (const c of p.comments) ctx.gen(fr, 'frame.comment', c);
  ctx.gen(fr, 'frame.interface_id', p.interfaceId);
  ctx.gen(fr, 'frame.encap_type', p.linkType);
  const ts = p.tsNs;
  if (ts !== null) {
    ctx.gen(fr, 'frame.time', ts);
    ctx.gen(fr, 'frame.time_epoch', ts);
    if (clock.first === null) clock.first = ts;
    if (ctx.w('frame.time_delta')) ctx.gen(fr, 'frame.time_delta', clock.prev === null ? 0 : Number(ts - clock.prev) / 1e9);
    if (ctx.w('frame.time_relative')) ctx.gen(fr, 'frame.time_relative', Number(ts - clock.first) / 1e9);
    clock.prev = ts;
  }
  ctx.gen(fr, 'frame.number', p.number);
  ctx.gen(fr, 'frame.len', p.origLen);
  ctx.gen(fr, 'frame.cap_len', p.capLen);
  return ctx.gen(fr, 'frame.protocols', '');
}
