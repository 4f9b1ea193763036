// The frame pseudo-protocol: numbering, times, lengths, comments and the
// list of protocols in the frame (filled in after the other layers).
import { type Ctx, FieldNode, fieldGroup } from './context';
import { declare, treeLine } from './fields';

declare('frame', 'Frame', [
  ['frame.comment', 'string', 'Comment'],
  ['frame.interface_id', 'uint', 'Interface id'],
  ['frame.encap_type', 'int', 'Encapsulation type'],
  ['frame.time', 'abstime', 'Arrival Time'],
  ['frame.time_epoch', 'abstime', 'Epoch Time', { description: 'seconds since 1970-01-01 UTC, printed as seconds.nanoseconds' }],
  ['frame.time_delta', 'reltime', 'Time delta from previous captured frame'],
  ['frame.time_delta_displayed', 'reltime', 'Time delta from previous displayed frame'],
  ['frame.time_relative', 'reltime', 'Time since reference or first frame'],
  ['frame.number', 'uint', 'Frame Number'],
  ['frame.len', 'uint', 'Frame Length'],
  ['frame.cap_len', 'uint', 'Capture Length'],
  ['frame.protocols', 'string', 'Protocols in frame'],
]);

/**
 * frame.encap_type is Wireshark's own encapsulation number (wiretap's
 * WTAP_ENCAP_*), not the file's link type: the link types we read, mapped as
 * tshark 4.0 maps them (checked with text2pcap -l N | tshark).
 */
const WTAP_ENCAP: Record<number, number> = {
  0: 15, 1: 1, 9: 4, 12: 7, 14: 7, 50: 4, 101: 7, 105: 20, 108: 174, 113: 25, 127: 23, 192: 97, 197: 98, 228: 129, 229: 130, 276: 210,
};

export interface Clock {
  first: bigint | null;
  prev: bigint | null;
  /** the last packet shown (passed the display filter), for frame.time_delta_displayed */
  shown: bigint | null;
}

// fields field-subset output rarely asks for: one lookup for the three
const META_FIELDS = fieldGroup('frame.interface_id', 'frame.encap_type', 'frame.time');
const REL_FIELDS = fieldGroup('frame.time_delta', 'frame.time_relative', 'frame.time_delta_displayed');

export function dissectFrame(ctx: Ctx, clock: Clock): FieldNode {
  const p = ctx.pkt;
  const fr = ctx.layer('frame', 0, p.capLen);
  if (p.comments) for (const c of p.comments) ctx.gen(fr, 'frame.comment', c);
  // classic pcap has no interfaces (its records carry tsSec): tshark shows no interface id there
  const meta = ctx.any(META_FIELDS);
  if (meta && p.tsSec === undefined) ctx.gen(fr, 'frame.interface_id', p.interfaceId);
  if (meta) ctx.gen(fr, 'frame.encap_type', WTAP_ENCAP[p.linkType] ?? p.linkType);
  const ts = p.tsNs;
  if (ts !== null) {
    if (meta) ctx.gen(fr, 'frame.time', ts);
    ctx.gen(fr, 'frame.time_epoch', ts);
    if (clock.first === null) clock.first = ts;
    // reltime values are seconds; the exact nanoseconds ride along for printing
    if (ctx.any(REL_FIELDS) && ctx.wants('frame.time_delta')) {
      const ns = clock.prev === null ? 0n : ts - clock.prev;
      ctx.reltime(fr, 'frame.time_delta', ns);
    }
    if (ctx.any(REL_FIELDS) && ctx.wants('frame.time_delta_displayed')) {
      // as tshark's single pass: from the last packet the display filter let through (0 for the first)
      const ns = clock.shown === null ? 0n : ts - clock.shown;
      ctx.reltime(fr, 'frame.time_delta_displayed', ns);
    }
    if (ctx.any(REL_FIELDS) && ctx.wants('frame.time_relative')) {
      const ns = ts - clock.first;
      ctx.reltime(fr, 'frame.time_relative', ns);
    }
    clock.prev = ts;
  }
  ctx.gen(fr, 'frame.number', p.number);
  ctx.gen(fr, 'frame.len', p.origLen);
  ctx.gen(fr, 'frame.cap_len', p.capLen);
  return ctx.gen(fr, 'frame.protocols', '');
}

treeLine('frame', (v) => {
  const p = v.dissection?.packet;
  const len = p ? p.origLen : Number(v.value('frame.len') ?? 0), cap = p ? p.capLen : Number(v.value('frame.cap_len') ?? 0);
  const num = p ? String(p.number) : v.text('frame.number');
  // pcapng (records without classic pcap's raw time fields): tshark names the interface by its if_name,
  // which packets do not carry here, so "unknown" as tshark says for an interface without one
  const id = p ? (p.tsSec === undefined ? String(p.interfaceId) : undefined) : v.value('frame.interface_id');
  const iface = id !== undefined ? ` on interface unknown, id ${id}` : '';
  return `Frame ${num}: ${len} bytes on wire (${len * 8} bits), ${cap} bytes captured (${cap * 8} bits)${iface}`;
});
