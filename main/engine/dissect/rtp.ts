// RTP and RTCP (RFC 3550) and RTP events (RFC 4733, DTMF), on the UDP
// ports a session description announced (sdp.ts registers them as
// conversations, as tshark's rtp_add_address does: RTP has no port of its
// own). Each packet links back to the frame and method that set it up;
// a dynamic payload type is named by the SDP's rtpmap, which is how
// "telephone-event" payloads become rtpevent.
import type { Ctx, FieldNode } from './context';
import { declare, HEX32 } from './fields';
import type { State } from './state';
import * as readers from './bytes';
const { u16, u32 } = readers;

/** Static payload types (RFC 3551) as tshark names them. */
const PT_NAMES: Record<number, string> = {
  0: 'ITU-T G.711 PCMU', 3: 'GSM 06.10', 4: 'ITU-T G.723', 5: 'DVI4 8000 samples/s', 6: 'DVI4 16000 samples/s', 7: 'Exp. from Xerox PARC',
  8: 'ITU-T G.711 PCMA', 9: 'ITU-T G.722', 10: '16-bit uncomp. linear PCM 2ch', 11: '16-bit uncomp. linear PCM 1ch', 12: 'QCELP', 13: 'Comfort noise',
  14: 'MPEG-I/II Audio', 15: 'ITU-T G.728', 16: 'DVI4 11025 samples/s', 17: 'DVI4 22050 samples/s', 18: 'ITU-T G.729', 25: 'Sun CellB video',
  26: 'JPEG compressed video', 28: 'nv video', 31: 'ITU-T H.261', 32: 'MPEG-I/II Video', 33: 'MPEG-II transport streams', 34: 'ITU-T H.263',
};

const EVENTS: Record<number, string> = {
  0: 'DTMF Zero 0', 1: 'DTMF One 1', 2: 'DTMF Two 2', 3: 'DTMF Three 3', 4: 'DTMF Four 4', 5: 'DTMF Five 5', 6: 'DTMF Six 6', 7: 'DTMF Seven 7',
  8: 'DTMF Eight 8', 9: 'DTMF Nine 9', 10: 'DTMF Star *', 11: 'DTMF Pound #', 12: 'DTMF A', 13: 'DTMF B', 14: 'DTMF C', 15: 'DTMF D', 16: 'Flash',
};

const RTCP_TYPES: Record<number, string> = {
  192: 'Full INTRA-frame Request (H.261)', 193: 'Negative Acknowledgement (H.261)', 194: 'Extended Report (RFC 5450)', 195: 'Inter-arrival jitter',
  200: 'Sender Report', 201: 'Receiver Report', 202: 'Source description', 203: 'Goodbye', 204: 'Application specific',
  205: 'Generic RTP Feedback', 206: 'Payload-specific Feedback', 207: 'Extended report (RFC 3611)', 208: 'AVB RTCP packet', 209: 'Receiver Summary Information',
};

declare('rtp', 'Real-Time Transport Protocol', [
  ['rtp.setup-frame', 'framenum', 'Setup frame'],
  ['rtp.setup-method', 'string', 'Setup Method'],
  ['rtp.version', 'uint', 'Version', { valueNames: { 0: 'Old VAT Version', 1: 'First Draft Version', 2: 'RFC 1889 Version' } }],
  ['rtp.padding', 'bool', 'Padding'],
  ['rtp.ext', 'bool', 'Extension'],
  ['rtp.cc', 'uint', 'Contributing source identifiers count'],
  ['rtp.marker', 'bool', 'Marker'],
  ['rtp.p_type', 'uint', 'Payload type', { valueNames: PT_NAMES }],
  ['rtp.seq', 'uint', 'Sequence number'],
  ['rtp.timestamp', 'uint', 'Timestamp'],
  ['rtp.ssrc', 'uint', 'Synchronization Source identifier', HEX32],
  ['rtp.csrc.item', 'uint', 'CSRC item', HEX32],
  ['rtp.payload', 'bytes', 'Payload'],
]);
declare('rtpevent', 'RFC 2833 RTP Event', [
  ['rtpevent.event_id', 'uint', 'Event ID', { valueNames: EVENTS }],
  ['rtpevent.end_of_event', 'bool', 'End of Event'],
  ['rtpevent.reserved', 'bool', 'Reserved'],
  ['rtpevent.volume', 'uint', 'Volume'],
  ['rtpevent.duration', 'uint', 'Event Duration'],
]);
declare('rtcp', 'Real-time Transport Control Protocol', [
  ['rtcp.setup-frame', 'framenum', 'Setup frame'],
  ['rtcp.setup-method', 'string', 'Setup Method'],
  ['rtcp.version', 'uint', 'Version'],
  ['rtcp.padding', 'bool', 'Padding'],
  ['rtcp.rc', 'uint', 'Reception report count'],
  ['rtcp.pt', 'uint', 'Packet type', { valueNames: RTCP_TYPES }],
  ['rtcp.length', 'uint', 'Length'],
  ['rtcp.senderssrc', 'uint', 'Sender SSRC', HEX32],
]);

/** Who set a media stream up: the frame, the method ('SDP'), and the SDP's dynamic payload types (number → encoding name). */
export interface MediaSetup { frame: number; method: string; payloadTypes: Map<number, string> }

/** RTP's and RTCP's layer, column and setup fields. */
interface MediaLayer { layer: string; protocol: string; frame: string; method: string }
const RTP: MediaLayer = { layer: 'rtp', protocol: 'RTP', frame: 'rtp.setup-frame', method: 'rtp.setup-method' };
const RTCP: MediaLayer = { layer: 'rtcp', protocol: 'RTCP', frame: 'rtcp.setup-frame', method: 'rtcp.setup-method' };

/** Opens an RTP or RTCP layer with the setup that announced its stream (the SDP's frame and method), as tshark shows it first. */
function openMedia(ctx: Ctx, m: MediaLayer, off: number, end: number, setup: MediaSetup): FieldNode {
  const l = ctx.layer(m.layer, off, end - off);
  ctx.protocol = m.protocol;
  ctx.gen(l, m.frame, setup.frame);
  ctx.gen(l, m.method, setup.method);
  return l;
}

export function dissectRtp(ctx: Ctx, _st: State, off: number, end: number, setup: MediaSetup): void {
  const d = ctx.d;
  const l = openMedia(ctx, RTP, off, end, setup);
  if (end - off < 12) { ctx.malformedAt('rtp', `RTP header cut short (${end - off} of 12 bytes)`, off, end - off); return; }
  const b0 = d[off], b1 = d[off + 1];
  const cc = b0 & 15, pt = b1 & 0x7f, marker = (b1 & 0x80) !== 0;
  ctx.add(l, 'rtp.version', b0 >> 6, off, 1);
  ctx.add(l, 'rtp.padding', (b0 & 0x20) !== 0, off, 1);
  ctx.add(l, 'rtp.ext', (b0 & 0x10) !== 0, off, 1);
  ctx.add(l, 'rtp.cc', cc, off, 1);
  ctx.add(l, 'rtp.marker', marker, off + 1, 1);
  ctx.add(l, 'rtp.p_type', pt, off + 1, 1);
  const seq = u16(d, off + 2), ts = u32(d, off + 4), ssrc = u32(d, off + 8);
  ctx.add(l, 'rtp.seq', seq, off + 2, 2);
  ctx.add(l, 'rtp.timestamp', ts, off + 4, 4);
  ctx.add(l, 'rtp.ssrc', ssrc, off + 8, 4);
  let o = off + 12;
  for (let i = 0; i < cc; i++, o += 4) {
    if (o + 4 > end) { ctx.malformedAt('rtp', 'CSRC list cut short', o, end - o); return; }
    ctx.add(l, 'rtp.csrc.item', u32(d, o), o, 4);
  }
  if (b0 & 0x10) {
    if (o + 4 > end) { ctx.malformedAt('rtp', 'header extension cut short', o, end - o); return; }
    const words = u16(d, o + 2);
    o += 4 + words * 4;
    if (o > end) { ctx.malformedAt('rtp', 'header extension past the packet', o, 0); return; }
  }
  let payEnd = end;
  if (b0 & 0x20) {
    const pad = d[end - 1];
    if (pad === 0 || pad > end - o) { ctx.malformedAt('rtp', `bad padding count ${pad}`, end - 1, 1); return; }
    payEnd = end - pad;
  }
  const dyn = setup.payloadTypes.get(pt);
  const name = dyn !== undefined ? dyn : PT_NAMES[pt] ?? `Unknown (${pt})`;
  ctx.info = `PT=${name}, SSRC=0x${ssrc.toString(16).toUpperCase()}, Seq=${seq}, Time=${ts}${marker ? ', Mark' : ''}`;
  if (dyn !== undefined && dyn.toLowerCase() === 'telephone-event') { rtpEvent(ctx, o, payEnd); return; }
  if (o < payEnd) ctx.add(l, 'rtp.payload', d.subarray(o, payEnd), o, payEnd - o);
}

function rtpEvent(ctx: Ctx, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('rtpevent', off, end - off);
  ctx.protocol = 'RTP EVENT';
  if (end - off < 4) { ctx.malformedAt('rtpevent', `event cut short (${end - off} of 4 bytes)`, off, end - off); return; }
  const id = d[off], e = (d[off + 1] & 0x80) !== 0;
  ctx.add(l, 'rtpevent.event_id', id, off, 1);
  ctx.add(l, 'rtpevent.end_of_event', e, off + 1, 1);
  ctx.add(l, 'rtpevent.reserved', (d[off + 1] & 0x40) !== 0, off + 1, 1);
  ctx.add(l, 'rtpevent.volume', d[off + 1] & 0x3f, off + 1, 1);
  ctx.add(l, 'rtpevent.duration', u16(d, off + 2), off + 2, 2);
  ctx.info = `Payload type=RTP Event, ${EVENTS[id] ?? `Unknown (${id})`}${e ? ' (end)' : ''}`;
}

/** A compound RTCP packet: each packet's header, the sender's SSRC. */
export function dissectRtcp(ctx: Ctx, _st: State, off: number, end: number, setup: MediaSetup): void {
  const d = ctx.d;
  const l = openMedia(ctx, RTCP, off, end, setup);
  const names: string[] = [];
  for (let o = off; o < end;) {
    if (end - o < 4) { ctx.malformedAt('rtcp', `RTCP header cut short (${end - o} of 4 bytes)`, o, end - o); break; }
    const pt = d[o + 1], words = u16(d, o + 2);
    ctx.add(l, 'rtcp.version', d[o] >> 6, o, 1);
    ctx.add(l, 'rtcp.padding', (d[o] & 0x20) !== 0, o, 1);
    ctx.add(l, 'rtcp.rc', d[o] & 31, o, 1);
    ctx.add(l, 'rtcp.pt', pt, o + 1, 1);
    ctx.add(l, 'rtcp.length', words, o + 2, 2);
    if (o + 8 <= end && words > 0) ctx.add(l, 'rtcp.senderssrc', u32(d, o + 4), o + 4, 4);
    names.push(RTCP_TYPES[pt] ?? `Unknown (${pt})`);
    const next = o + 4 + words * 4;
    if (next > end) { ctx.malformedAt('rtcp', `RTCP packet length ${words} past the datagram`, o + 2, 2); break; }
    o = next;
  }
  ctx.info = names.join('   ');
}
