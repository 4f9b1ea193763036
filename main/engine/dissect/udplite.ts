// UDP-Lite (RFC 3828, ip.proto 136), as tshark 4.0's packet-udp.c shows it:
// UDP's fields (udp.srcport, udp.stream, …) under a `udplite` layer, the
// checksum coverage in place of the length (0 or 8 up to the datagram's
// length; anything else flagged malformed), the checksum not verified but
// a zero one illegal, and the conversation's timestamps (its default
// udplite.calculate_timestamps). The payload is found as UDP's is: an
// announced conversation, the port table, the UDP heuristics, else data;
// streams are numbered with UDP's, as tshark's shared conversation does.
import type { Ctx } from './context';
import type { State } from './state';
import { declare, treeLine } from './fields';
import { udpTimes } from './udp';
import { dissectData } from './data';
import * as readers from './bytes';
import * as tables from './tables';
const { IP_PROTO, UDP_PORT, UDP_HEURISTICS } = tables;
const { u16 } = readers;

declare('udplite', 'Lightweight User Datagram Protocol', [
  ['udp.checksum_coverage', 'uint', 'Checksum coverage'],
]);


export function dissectUdpLite(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  if (end - off < 8) {
    // tshark reads the header before it adds anything: the protocol without a field, the packet malformed
    ctx.protocols.push('udplite');
    ctx.info = '';
    if (ctx.pkt.capLen < ctx.pkt.origLen && end === d.length) ctx.short = true;
    else ctx.boundsAt('udplite', `UDP-Lite header cut short (${Math.max(0, end - off)} of 8 bytes)`, off, Math.max(0, end - off));
    return;
  }
  const l = ctx.layer('udplite', off, 8);
  ctx.protocol = 'UDP-Lite';
  const sp = u16(d, off), dp = u16(d, off + 2), cov = u16(d, off + 4), ck = u16(d, off + 6);
  // the datagram's length as sent: IP's payload, more than the bytes there when the snap length cut the frame
  const sent = ctx.pkt.capLen < ctx.pkt.origLen && end === d.length && ctx.inner === 0 ? end - off + (ctx.pkt.origLen - ctx.pkt.capLen) : end - off;
  ctx.add(l, 'udp.srcport', sp, off, 2);
  ctx.add(l, 'udp.dstport', dp, off + 2, 2);
  ctx.hidden('udp.port', sp, off, 2);
  ctx.hidden('udp.port', dp, off + 2, 2);
  ctx.add(l, 'udp.checksum_coverage', cov, off + 4, 2);
  ctx.gen(l, 'udp.length', sent);
  if (cov !== 0 && (cov < 8 || cov > sent)) ctx.flagMalformed('udplite', `Bad checksum coverage length value ${cov} < 8 or > ${sent}`, off + 4, 2);
  ctx.add(l, 'udp.checksum', ck, off + 6, 2);
  // udplite.check_checksum is off by default; a zero checksum is illegal in UDP-Lite whatever the IP version
  ctx.gen(l, 'udp.checksum.status', ck === 0 ? 4 : 2);
  ctx.srcPort = sp; ctx.dstPort = dp;
  const conv = ctx.inner > 0 ? undefined : st.udpConv.find(ctx, sp, dp);
  const stream = st.udpStream(ctx, sp, dp, conv?.endpoint);
  ctx.gen(l, 'udp.stream', stream);
  const pay = off + 8;
  // as tshark, the conversation's clock counts datagrams that carry something
  if (pay < end) udpTimes(ctx, st, l, stream);
  const len = sent - 8;
  ctx.info = `${sp} → ${dp} Len=${len}${ck === 0 ? ' [ILLEGAL CHECKSUM (0)]' : ''}`;
  if (pay >= end) return;
  ctx.add(l, 'udp.payload', d.subarray(pay, end), pay, end - pay);
  const next = conv?.value ?? st.decodeAs?.udpDissect(sp, dp) ?? UDP_PORT.choose(sp, dp, 0, d, pay, end);
  const left = next === undefined ? UDP_PORT.left : null;
  if (next !== undefined) { next(ctx, st, pay, end); return; }
  if (ctx.inner === 0 && UDP_HEURISTICS.try(ctx, st, pay, end)) return;
  dissectData(ctx, pay, end);
  if (left !== null) ctx.setSummary(left[0], left[1]);
}

IP_PROTO.add(136, dissectUdpLite);

treeLine('udplite', (v) => v.has('udp.srcport') ? `${v.title}, Src Port: ${v.text('udp.srcport')}, Dst Port: ${v.text('udp.dstport')}` : v.title, ['udp.srcport', 'udp.dstport']);
