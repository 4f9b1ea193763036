// VSS Monitoring's Ethernet trailer (packet-vssmonitoring.c): a time stamp
// and a port stamp a packet broker appends to each frame. tshark 4.0 tries
// it on every Ethernet trailer by default (an eth.trailer heuristic), before
// guessing an FCS, so a trailer it takes is neither eth.trailer nor an FCS.
// With tshark's default preferences it takes only trailers with a time
// stamp: 8 or 12 bytes (time stamp, 4 bytes of FCS-less padding), 9 or 13
// (plus a one-byte port stamp), whose seconds are not 0, are within 30 days
// of the frame's time once past the first hour of uptime, and whose
// nanoseconds are below 10^9.
import type { Ctx } from './context';
import { declare } from './fields';
import * as readers from './bytes';
const { u32 } = readers;

declare('vssmonitoring', 'VSS Monitoring Ethernet trailer', [
  ['vssmonitoring.time', 'abstime', 'Time Stamp'],
  ['vssmonitoring.clksrc', 'uint', 'Clock Source', { valueNames: { 0: 'Not Synced', 1: 'NTP', 2: 'GPS', 3: 'PTP' } }],
  ['vssmonitoring.srcport', 'uint', 'Src Port'],
]);

const MONTH = 2_592_000;

/**
 * The trailer at `o` (`cap` bytes captured of `rep` reported) as a VSS
 * Monitoring trailer: true when taken, null when its stamps lie past the
 * captured bytes (tshark's read throws there: the frame ends short).
 */
export function vssTrailer(ctx: Ctx, o: number, cap: number, rep: number): boolean | null {
  // one-byte port stamps only (tshark's default), and no port stamp without a time stamp
  if (rep > 13 || rep < 8 || (rep & 3) > 1) return false;
  // tshark lists a heuristic's protocol before calling it: a read that throws leaves it listed
  if (cap < 8) { ctx.layer('vssmonitoring', o, cap); return null; }
  const d = ctx.d;
  const secs = u32(d, o), word = u32(d, o + 4), nsecs = word & 0x3fffffff;
  if (secs === 0 || nsecs >= 1e9) return false;
  if (secs > 3600 && Math.abs(secs - Number((ctx.pkt.tsNs ?? 0n) / 1_000_000_000n)) > MONTH) return false;
  const l = ctx.layer('vssmonitoring', o, rep & 0xb);
  ctx.add(l, 'vssmonitoring.time', BigInt(secs) * 1_000_000_000n + BigInt(nsecs), o, 8);
  ctx.add(l, 'vssmonitoring.clksrc', word >>> 30, o + 4, 1);
  if ((rep & 3) === 1) {
    if (cap < 9) return null;
    ctx.add(l, 'vssmonitoring.srcport', d[o + 8], o + 8, 1);
  }
  return true;
}
