// SDP (RFC 4566), the session description SIP carries: each "x=value"
// line as tshark 4.0's field, and the media it announces. Each m= line's
// port at its c= address becomes a conversation (RTP on the port, RTCP on
// the next one), as tshark's rtp_add_address does, carrying the rtpmap
// names of the dynamic payload types; a description answering another in
// the same call (same Call-ID) is set up by the offer's frame, as tshark
// shows it.
import type { Ctx } from './context';
import { declare } from './fields';
import type { State } from './state';
import { parseIpv4 } from './addr';
import { dissectRtcp, dissectRtp, type MediaSetup } from './rtp';
import * as readers from './bytes';
const { latin1 } = readers;

declare('sdp', 'Session Description Protocol', [
  ['sdp.version', 'string', 'Session Description Protocol Version (v)'],
  ['sdp.owner', 'string', 'Owner/Creator, Session Id (o)'],
  ['sdp.owner.username', 'string', 'Owner Username'],
  ['sdp.owner.sessionid', 'string', 'Session ID'],
  ['sdp.owner.version', 'string', 'Session Version'],
  ['sdp.owner.network_type', 'string', 'Owner Network Type'],
  ['sdp.owner.address_type', 'string', 'Owner Address Type'],
  ['sdp.owner.address', 'string', 'Owner Address'],
  ['sdp.session_name', 'string', 'Session Name (s)'],
  ['sdp.session_info', 'string', 'Session Information (i)'],
  ['sdp.uri', 'string', 'URI of Description (u)'],
  ['sdp.email', 'string', 'E-mail Address (e)'],
  ['sdp.phone', 'string', 'Phone Number (p)'],
  ['sdp.connection_info', 'string', 'Connection Information (c)'],
  ['sdp.connection_info.network_type', 'string', 'Connection Network Type'],
  ['sdp.connection_info.address_type', 'string', 'Connection Address Type'],
  ['sdp.connection_info.address', 'string', 'Connection Address'],
  ['sdp.bandwidth', 'string', 'Bandwidth Information (b)'],
  ['sdp.time', 'string', 'Time Description, active time (t)'],
  ['sdp.time.start', 'string', 'Session Start Time'],
  ['sdp.time.stop', 'string', 'Session Stop Time'],
  ['sdp.session_attr', 'string', 'Session Attribute (a)'],
  ['sdp.media', 'string', 'Media Description, name and address (m)'],
  ['sdp.media.media', 'string', 'Media Type'],
  ['sdp.media.port', 'uint', 'Media Port'],
  ['sdp.media.proto', 'string', 'Media Protocol'],
  ['sdp.media_attr', 'string', 'Media Attribute (a)'],
  ['sdp.media_attribute.field', 'string', 'Media Attribute Fieldname'],
  ['sdp.media_attribute.value', 'string', 'Media Attribute Value'],
]);

const LINE_FIELDS: Record<string, string> = {
  v: 'sdp.version', o: 'sdp.owner', s: 'sdp.session_name', i: 'sdp.session_info', u: 'sdp.uri', e: 'sdp.email', p: 'sdp.phone',
  c: 'sdp.connection_info', b: 'sdp.bandwidth', t: 'sdp.time', m: 'sdp.media',
};

/** offers remembered (by Call-ID), oldest forgotten first */
const MAX_CALLS = 4096;

interface Media { port: number; proto: string; addr: Uint8Array | null; types: Map<number, string> }

function parseAddr(type: string, text: string): Uint8Array | null {
  if (type === 'IP4') {
    const v = parseIpv4(text.split('/')[0]);
    return v === null ? null : Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  }
  return null;
}

/** The description [off, end) of ctx.d; callId ties an answer to its offer. */
/** A call's offer: its frame and each m= line's payload type names. */
export interface SdpOffer { frame: number; types: Array<Map<number, string>> }

export function dissectSdp(ctx: Ctx, st: State, off: number, end: number, callId: string | null, offers: Map<string, SdpOffer>): void {
  const d = ctx.d;
  const l = ctx.layer('sdp', off, end - off);
  let sessionAddr: Uint8Array | null = null;
  const media: Media[] = [];
  for (let o = off; o < end;) {
    let e = o;
    while (e < end && d[e] !== 10 && d[e] !== 13) e++;
    let next = e;
    if (next < end && d[next] === 13) next++;
    if (next < end && d[next] === 10) next++;
    if (e - o >= 2 && d[o + 1] === 0x3d) {
      const type = String.fromCharCode(d[o]);
      const v = latin1(d, o + 2, e);
      const vo = o + 2;
      const cur = media[media.length - 1];
      if (type === 'a') {
        const f = ctx.add(l, cur ? 'sdp.media_attr' : 'sdp.session_attr', v, vo, e - vo);
        const colon = v.indexOf(':');
        if (cur) {
          ctx.sub(f, 'sdp.media_attribute.field', colon < 0 ? v : v.slice(0, colon), vo, colon < 0 ? v.length : colon);
          const rtpmap = /^rtpmap:(\d+) ([^/\s]+)/.exec(v);
          if (rtpmap) cur.types.set(+rtpmap[1], rtpmap[2]);
        }
      } else if (LINE_FIELDS[type]) {
        const f = ctx.add(l, LINE_FIELDS[type], v, vo, e - vo);
        const w = v.split(' ');
        if (type === 'o' && w.length >= 6) {
          const names = ['sdp.owner.username', 'sdp.owner.sessionid', 'sdp.owner.version', 'sdp.owner.network_type', 'sdp.owner.address_type', 'sdp.owner.address'];
          names.forEach((n, i) => ctx.sub(f, n, w[i], vo, 0));
        } else if (type === 'c' && w.length >= 3) {
          ctx.sub(f, 'sdp.connection_info.network_type', w[0], vo, w[0].length);
          ctx.sub(f, 'sdp.connection_info.address_type', w[1], vo, 0);
          ctx.sub(f, 'sdp.connection_info.address', w[2], vo, 0);
          const a = parseAddr(w[1], w[2]);
          if (cur) cur.addr = a; else sessionAddr = a;
        } else if (type === 't' && w.length >= 2) {
          ctx.sub(f, 'sdp.time.start', w[0], vo, w[0].length);
          ctx.sub(f, 'sdp.time.stop', w[1], vo, 0);
        } else if (type === 'm' && w.length >= 3) {
          ctx.sub(f, 'sdp.media.media', w[0], vo, w[0].length);
          const port = parseInt(w[1], 10);
          if (Number.isFinite(port)) ctx.sub(f, 'sdp.media.port', port, vo, 0);
          ctx.sub(f, 'sdp.media.proto', w[2], vo, 0);
          media.push({ port, proto: w[2], addr: null, types: new Map() });
        }
      }
    } else if (e > o) ctx.malformedAt('sdp', `not an SDP line (x=value): ${latin1(d, o, Math.min(e, o + 40))}`, o, e - o);
    o = next;
  }
  if (ctx.inner > 0) return;
  // an answer's media are set up by the call's offer, with the offer's payload type names too (as tshark shows them)
  let frame = ctx.pkt.number;
  if (callId !== null) {
    const offer = offers.get(callId);
    if (offer !== undefined && offer.frame !== frame) {
      frame = offer.frame;
      media.forEach((m, i) => { const o = offer.types[i]; if (o) m.types = new Map([...o, ...m.types]); });
    } else if (offer === undefined) {
      if (offers.size >= MAX_CALLS) offers.delete(offers.keys().next().value as string);
      offers.set(callId, { frame, types: media.map((m) => m.types) });
    }
  }
  for (const m of media) {
    const addr = m.addr ?? sessionAddr;
    if (addr === null || !(m.port > 0 && m.port < 65536) || !m.proto.startsWith('RTP/')) continue;
    const setup: MediaSetup = { frame, method: 'SDP', payloadTypes: m.types };
    st.udpConv.expectEndpoint(ctx, addr, m.port, (c, s, o, e) => dissectRtp(c, s, o, e, setup));
    if (m.port + 1 < 65536) st.udpConv.expectEndpoint(ctx, addr, m.port + 1, (c, s, o, e) => dissectRtcp(c, s, o, e, setup));
  }
}
