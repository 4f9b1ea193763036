// BGP-4 (RFC 4271) on tcp/179: OPEN with its optional parameters and
// capabilities, UPDATE (withdrawn routes, path attributes — ORIGIN, AS_PATH
// and AS4_PATH with 2- or 4-byte ASNs decided by tshark's heuristic,
// NEXT_HOP, MED, LOCAL_PREF, AGGREGATOR, COMMUNITIES, ORIGINATOR_ID,
// CLUSTER_LIST, MP_REACH/MP_UNREACH for IPv4 and IPv6 unicast/multicast,
// LARGE_COMMUNITY — and NLRI), NOTIFICATION with its error codes and data,
// KEEPALIVE and ROUTE-REFRESH. Messages are framed by their 19-byte header
// (several to a segment, one over several: `PduApp`); Info lists each
// message's type as tshark 4.0's packet-bgp.c does.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX8, HEX16, HEX32 } from './fields';
import { HeldBytesApp } from './pdu';
import type { TcpStream } from './tcpstream';
import { FixedHeaderFramer, type PduRule } from './framers';
import { Tvb, guarded } from './tvb';
import { u16 } from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT } = tables;

const HEADER = 19, MAX_MESSAGE = 65535;
const TYPES: Record<number, string> = { 1: 'OPEN Message', 2: 'UPDATE Message', 3: 'NOTIFICATION Message', 4: 'KEEPALIVE Message', 5: 'ROUTE-REFRESH Message', 6: 'CAPABILITY Message' };
const MAJOR: Record<number, string> = {
  1: 'Message Header Error', 2: 'OPEN Message Error', 3: 'UPDATE Message Error', 4: 'Hold Timer Expired',
  5: 'Finite State Machine Error', 6: 'Cease', 7: 'CAPABILITY Message Error',
};
/** the minor error field of each major error code */
const MINOR_FIELD = ['bgp.notify.minor_error_unknown', 'bgp.notify.minor_error', 'bgp.notify.minor_error_open', 'bgp.notify.minor_error_update',
  'bgp.notify.minor_error_expired', 'bgp.notify.minor_error_state', 'bgp.notify.minor_error_cease', 'bgp.notify.minor_error_capability'];
const ATTR: Record<number, string> = {
  1: 'ORIGIN', 2: 'AS_PATH', 3: 'NEXT_HOP', 4: 'MULTI_EXIT_DISC', 5: 'LOCAL_PREF', 6: 'ATOMIC_AGGREGATE', 7: 'AGGREGATOR',
  8: 'COMMUNITIES', 9: 'ORIGINATOR_ID', 10: 'CLUSTER_LIST', 14: 'MP_REACH_NLRI', 15: 'MP_UNREACH_NLRI', 16: 'EXTENDED_COMMUNITIES',
  17: 'AS4_PATH', 18: 'AS4_AGGREGATOR', 32: 'LARGE_COMMUNITY',
};
const CAP: Record<number, string> = {
  1: 'Multiprotocol extensions capability', 2: 'Route refresh capability', 64: 'Graceful Restart capability',
  65: 'Support for 4-octet AS number capability', 69: 'Support for Additional Paths', 70: 'Enhanced route refresh capability',
  128: 'Route refresh capability (Cisco)',
};
const AFI: Record<number, string> = { 1: 'IPv4', 2: 'IPv6' };

declare('bgp', 'Border Gateway Protocol', [
  ['bgp.marker', 'bytes', 'Marker'],
  ['bgp.length', 'uint', 'Length'],
  ['bgp.type', 'uint', 'Type', { valueNames: { 1: 'OPEN Message', 2: 'UPDATE Message', 3: 'NOTIFICATION Message', 4: 'KEEPALIVE Message', 5: 'ROUTE-REFRESH Message' } }],
  ['bgp.open.version', 'uint', 'Version'],
  ['bgp.open.myas', 'uint', 'My AS'],
  ['bgp.open.holdtime', 'uint', 'Hold Time'],
  ['bgp.open.identifier', 'ipv4', 'BGP Identifier'],
  ['bgp.open.opt.len', 'uint', 'Optional Parameters Length'],
  ['bgp.open.opt', 'none', 'Optional Parameters'],
  ['bgp.open.opt.param', 'none', 'Optional Parameter'],
  ['bgp.open.opt.param.type', 'uint', 'Parameter Type', { valueNames: { 1: 'Authentication (deprecated)', 2: 'Capability' } }],
  ['bgp.open.opt.param.len', 'uint', 'Parameter Length'],
  ['bgp.open.opt.param.auth', 'bytes', 'Authentication Data'],
  ['bgp.open.opt.param.unknown', 'bytes', 'Unknown'],
  ['bgp.cap', 'none', 'Capability'],
  ['bgp.cap.type', 'uint', 'Type', { valueNames: CAP }],
  ['bgp.cap.length', 'uint', 'Length'],
  ['bgp.cap.unknown', 'bytes', 'Unknown'],
  ['bgp.cap.reserved', 'bytes', 'Reserved'],
  ['bgp.cap.mp.afi', 'uint', 'AFI', { valueNames: AFI }],
  ['bgp.cap.mp.safi', 'uint', 'SAFI'],
  ['bgp.cap.4as', 'uint', 'AS Number'],
  ['bgp.cap.gr.timers', 'uint', 'Restart Timers', HEX16],
  ['bgp.cap.gr.timers.restart_flag', 'bool', 'Restart state'],
  ['bgp.cap.gr.timers.notification_flag', 'bool', 'Graceful notification'],
  ['bgp.cap.gr.timers.restart_time', 'uint', 'Time'],
  ['bgp.cap.gr.afi', 'uint', 'AFI', { valueNames: AFI }],
  ['bgp.cap.gr.safi', 'uint', 'SAFI'],
  ['bgp.cap.gr.flag', 'uint', 'Flag', HEX8],
  ['bgp.cap.gr.flag.pfs', 'bool', 'Preserve forwarding state'],
  ['bgp.cap.gr.helper_mode_only', 'none', 'Graceful Restart Capability supported in Helper mode only'],
  ['bgp.cap.enh.afi', 'uint', 'AFI', { valueNames: AFI }],
  ['bgp.cap.enh.safi', 'uint', 'SAFI'],
  ['bgp.cap.enh.nhafi', 'uint', 'Next hop AFI', { valueNames: AFI }],
  ['bgp.cap.orf.fqdn.hostname.len', 'uint', 'Hostname Length'],
  ['bgp.cap.orf.fqdn.hostname', 'string', 'Hostname'],
  ['bgp.cap.orf.fqdn.domain_name.len', 'uint', 'Domain Name Length'],
  ['bgp.cap.orf.fqdn.domain_name', 'string', 'Domain Name'],
  ['bgp.cap.ap.afi', 'uint', 'AFI', { valueNames: AFI }],
  ['bgp.cap.ap.safi', 'uint', 'SAFI'],
  ['bgp.cap.ap.sendreceive', 'uint', 'Send/Receive', { valueNames: { 1: 'Receive', 2: 'Send', 3: 'Receive/Send' } }],
  ['bgp.update.withdrawn_routes.length', 'uint', 'Withdrawn Routes Length'],
  ['bgp.update.withdrawn_routes', 'none', 'Withdrawn Routes'],
  ['bgp.update.path_attributes.length', 'uint', 'Total Path Attribute Length'],
  ['bgp.update.path_attributes', 'none', 'Path attributes'],
  ['bgp.update.path_attribute', 'none', 'Path Attribute'],
  ['bgp.update.path_attribute.flags', 'uint', 'Flags', HEX8],
  ['bgp.update.path_attribute.flags.optional', 'bool', 'Optional'],
  ['bgp.update.path_attribute.flags.transitive', 'bool', 'Transitive'],
  ['bgp.update.path_attribute.flags.partial', 'bool', 'Partial'],
  ['bgp.update.path_attribute.flags.extended_length', 'bool', 'Extended-Length'],
  ['bgp.update.path_attribute.flags.unused', 'uint', 'Unused', HEX8],
  ['bgp.update.path_attribute.type_code', 'uint', 'Type Code', { valueNames: ATTR }],
  ['bgp.update.path_attribute.length', 'uint', 'Length'],
  ['bgp.update.path_attribute.origin', 'uint', 'Origin', { valueNames: { 0: 'IGP', 1: 'EGP', 2: 'INCOMPLETE' } }],
  ['bgp.update.path_attribute.as_path_segment', 'none', 'AS Path segment'],
  ['bgp.update.path_attribute.as_path_segment.type', 'uint', 'Segment type', { valueNames: { 1: 'AS_SET', 2: 'AS_SEQUENCE', 3: 'AS_CONFED_SEQUENCE', 4: 'AS_CONFED_SET' } }],
  ['bgp.update.path_attribute.as_path_segment.length', 'uint', 'Segment length (number of ASN)'],
  ['bgp.update.path_attribute.as_path_segment.as2', 'uint', 'AS2'],
  ['bgp.update.path_attribute.as_path_segment.as4', 'uint', 'AS4'],
  ['bgp.update.path_attribute.next_hop', 'ipv4', 'Next hop'],
  ['bgp.update.path_attribute.multi_exit_disc', 'uint', 'Multiple exit discriminator'],
  ['bgp.update.path_attribute.local_pref', 'uint', 'Local preference'],
  ['bgp.update.path_attribute.aggregator_as', 'uint', 'Aggregator AS'],
  ['bgp.update.path_attribute.aggregator_origin', 'ipv4', 'Aggregator origin'],
  ['bgp.update.path_attribute.communities', 'none', 'Communities'],
  ['bgp.update.path_attribute.community', 'none', 'Community'],
  ['bgp.update.path_attribute.community_wellknown', 'uint', 'Community Well-known', HEX32],
  ['bgp.update.path_attribute.community_as', 'uint', 'Community AS'],
  ['bgp.update.path_attribute.community_value', 'uint', 'Community value'],
  ['bgp.update.path_attribute.originator_id', 'ipv4', 'Originator identifier'],
  ['bgp.path_attribute.cluster_list', 'none', 'Cluster List'],
  ['bgp.path_attribute.cluster_id', 'ipv4', 'Cluster ID'],
  ['bgp.ext_communities', 'none', 'Carried extended communities'],
  ['bgp.ext_community', 'none', 'Community'],
  ['bgp.ext_com.type', 'uint', 'Type', HEX8],
  ['bgp.ext_com.type.auth', 'bool', 'IANA Authority'],
  ['bgp.ext_com.type.tran', 'bool', 'Transitive across AS'],
  ['bgp.ext_com.stype_tr_as2', 'uint', 'Subtype (AS2)', HEX8],
  ['bgp.ext_com.stype_ntr_as2', 'uint', 'Subtype (Non-transitive AS2)', HEX8],
  ['bgp.ext_com.stype_tr_as4', 'uint', 'Subtype (AS4)', HEX8],
  ['bgp.ext_com.stype_ntr_as4', 'uint', 'Subtype (Non-transitive AS4)', HEX8],
  ['bgp.ext_com.stype_tr_IP4', 'uint', 'Subtype (IPv4)', HEX8],
  ['bgp.ext_com.stype_ntr_IP4', 'uint', 'Subtype (Non-transitive IPv4)', HEX8],
  ['bgp.ext_com.stype_tr_opaque', 'uint', 'Subtype (Opaque)', HEX8],
  ['bgp.ext_com.stype_ntr_opaque', 'uint', 'Subtype (Non-transitive Opaque)', HEX8],
  ['bgp.ext_com.value_as2', 'uint', '2-Octet AS'],
  ['bgp.ext_com.value_as4', 'uint', '4-Octet AS'],
  ['bgp.ext_com.value_IP4', 'ipv4', 'IPv4 address'],
  ['bgp.ext_com.value_an2', 'uint', '2-Octet AN'],
  ['bgp.ext_com.value_an4', 'uint', '4-Octet AN'],
  ['bgp.ext_com.value_ospf_rid', 'ipv4', 'Router ID'],
  ['bgp.ext_com.value_ospf_rtype.area', 'ipv4', 'Area ID'],
  ['bgp.ext_com.value_ospf_rtype.type', 'uint', 'Route type'],
  ['bgp.ext_com.value_ospf_rtype.options', 'uint', 'Options', HEX8],
  ['bgp.ext_com.value_ospf_rtype.options.mt', 'bool', 'Metric type'],
  ['bgp.ext_com.tunnel_type', 'uint', 'Tunnel type'],
  ['bgp.ext_com.value_raw', 'uint', 'Raw Value', { base: 'hex', hexDigits: 16 }],
  ['bgp.large_communities', 'string', 'Large communities'],
  ['bgp.large_communities.ga', 'uint', 'Global Administrator'],
  ['bgp.large_communities.ldp1', 'uint', 'Local Data Part 1'],
  ['bgp.large_communities.ldp2', 'uint', 'Local Data Part 2'],
  ['bgp.update.path_attribute.mp_reach_nlri', 'none', 'Network Layer Reachability Information (NLRI)'],
  ['bgp.update.path_attribute.mp_reach_nlri.afi', 'uint', 'Address family identifier (AFI)', { valueNames: AFI }],
  ['bgp.update.path_attribute.mp_reach_nlri.safi', 'uint', 'Subsequent address family identifier (SAFI)'],
  ['bgp.update.path_attribute.mp_reach_nlri.next_hop', 'bytes', 'Next hop'],
  ['bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv4', 'ipv4', 'IPv4 Address'],
  ['bgp.update.path_attribute.mp_reach_nlri.next_hop.rd', 'string', 'Route Distinguisher'],
  ['bgp.label_stack', 'string', 'Label Stack'],
  ['bgp.rd', 'string', 'Route Distinguisher'],
  ['bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6', 'ipv6', 'IPv6 Address'],
  ['bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6.link_local', 'ipv6', 'Link-local Address'],
  ['bgp.update.path_attribute.mp_reach_nlri.nbr_snpa', 'uint', 'Number of Subnetwork points of attachment (SNPA)'],
  ['bgp.update.path_attribute.mp_reach_nlri.snpa_length', 'uint', 'SNPA Length'],
  ['bgp.update.path_attribute.mp_reach_nlri.snpa', 'bytes', 'SNPA'],
  ['bgp.update.path_attribute.mp_unreach_nlri', 'none', 'Withdrawn Routes'],
  ['bgp.update.path_attribute.mp_unreach_nlri.afi', 'uint', 'Address family identifier (AFI)', { valueNames: AFI }],
  ['bgp.update.path_attribute.mp_unreach_nlri.safi', 'uint', 'Subsequent address family identifier (SAFI)'],
  ['bgp.update.path_attributes.unknown', 'none', 'Unknown Path attributes'],
  ['bgp.update.nlri', 'none', 'Network Layer Reachability Information (NLRI)'],
  ['bgp.prefix_length', 'uint', 'Prefix Length'],
  ['bgp.nlri_path_id', 'uint', 'NLRI path id'],
  ['bgp.withdrawn_prefix', 'ipv4', 'Withdrawn prefix'],
  ['bgp.nlri_prefix', 'ipv4', 'NLRI prefix'],
  ['bgp.mp_reach_nlri_ipv4_prefix', 'ipv4', 'MP Reach NLRI IPv4 prefix'],
  ['bgp.mp_unreach_nlri_ipv4_prefix', 'ipv4', 'MP Unreach NLRI IPv4 prefix'],
  ['bgp.mp_reach_nlri_ipv6_prefix', 'ipv6', 'MP Reach NLRI IPv6 prefix'],
  ['bgp.mp_unreach_nlri_ipv6_prefix', 'ipv6', 'MP Unreach NLRI IPv6 prefix'],
  ['bgp.prefix_length.invalid', 'none', 'Invalid prefix length'],
  ['bgp.notify.major_error', 'uint', 'Major error Code', { valueNames: MAJOR }],
  ['bgp.notify.minor_error', 'uint', 'Minor error Code (Message Header)'],
  ['bgp.notify.minor_error_open', 'uint', 'Minor error Code (Open Message)'],
  ['bgp.notify.minor_error_update', 'uint', 'Minor error Code (Update Message)'],
  ['bgp.notify.minor_error_expired', 'uint', 'Minor error Code (Hold Timer Expired)'],
  ['bgp.notify.minor_error_state', 'uint', 'Minor error Code (State Machine)'],
  ['bgp.notify.minor_error_cease', 'uint', 'Minor error Code (Cease)'],
  ['bgp.notify.minor_error_capability', 'uint', 'Minor error Code (Capability Message)'],
  ['bgp.notify.minor_error_unknown', 'uint', 'Minor error Code (Unknown)'],
  ['bgp.notify.minor_data', 'bytes', 'Data'],
  ['bgp.notify.error_open.bad_peer_as', 'uint', 'Bad Peer AS'],
  ['bgp.notify.communication_length', 'uint', 'BGP Shutdown Communication Length'],
  ['bgp.notify.communication', 'string', 'Shutdown Communication'],
  ['bgp.route_refresh.afi', 'uint', 'Address family identifier (AFI)', { valueNames: AFI }],
  ['bgp.route_refresh.subtype', 'uint', 'Subtype'],
  ['bgp.route_refresh.safi', 'uint', 'Subsequent address family identifier (SAFI)'],
  ['bgp.marker_invalid', 'none', 'Marker is not all ones'],
  ['bgp.length.invalid', 'none', 'Length is invalid'],
]);

interface Msg { ctx: Ctx; t: Tvb; l: FieldNode }

const u8f = (m: Msg, p: FieldNode, name: string, o: number): number => { const v = m.t.u8(o); m.ctx.sub(p, name, v, o, 1); return v; };
const u16f = (m: Msg, p: FieldNode, name: string, o: number): number => { const v = m.t.u16(o); m.ctx.sub(p, name, v, o, 2); return v; };
const u32f = (m: Msg, p: FieldNode, name: string, o: number): number => { const v = m.t.u32(o); m.ctx.sub(p, name, v, o, 4); return v; };
const node = (m: Msg, p: FieldNode, name: string, o: number, n: number): FieldNode => m.ctx.sub(p, name, null, o, Math.max(0, Math.min(n, m.t.end - o)));

/** The messages of the frame being dissected so far: tshark joins their types in Info with ", " and names BGP once. */
const seen = new WeakMap<Ctx, { frame: number; infos: string[] }>();

function message(ctx: Ctx, _st: State, _s: unknown, off: number, kept: number): void {
  let acc = seen.get(ctx);
  // the frame's first message (a frame dissected again starts afresh: its protocols were reset)
  if (!acc || acc.frame !== ctx.pkt.number || !ctx.protocols.includes('bgp')) { acc = { frame: ctx.pkt.number, infos: [] }; seen.set(ctx, acc); }
  const again = acc.infos.length > 0;
  const end = off + kept;
  const l = ctx.layer('bgp', off, kept);
  if (again) ctx.protocols.pop();
  ctx.protocol = 'BGP';
  const type = ctx.d[off + 18];
  acc.infos.push(TYPES[type] ?? `Unknown message type (0x${type.toString(16).padStart(2, '0')})`);
  ctx.info = acc.infos.join(', ');
  const m: Msg = { ctx, t: new Tvb(ctx.d, end), l };
  guarded(ctx, 'bgp', end, () => {
    ctx.sub(l, 'bgp.marker', ctx.d.subarray(off, off + 16), off, 16);
    u16f(m, l, 'bgp.length', off + 16);
    u8f(m, l, 'bgp.type', off + 18);
    const o = off + HEADER;
    switch (type) {
      case 1: open(m, o, end); break;
      case 2: update(m, o, end); break;
      case 3: notification(m, o, end); break;
      case 5:
        u16f(m, l, 'bgp.route_refresh.afi', o);
        u8f(m, l, 'bgp.route_refresh.subtype', o + 2);
        u8f(m, l, 'bgp.route_refresh.safi', o + 3);
        break;
      default: break;
    }
  });
}

function open(m: Msg, o: number, end: number): void {
  const { ctx, t, l } = m;
  u8f(m, l, 'bgp.open.version', o);
  u16f(m, l, 'bgp.open.myas', o + 1);
  u16f(m, l, 'bgp.open.holdtime', o + 3);
  ctx.sub(l, 'bgp.open.identifier', t.u32(o + 5), o + 5, 4);
  const optLen = u8f(m, l, 'bgp.open.opt.len', o + 9);
  if (optLen === 0) return;
  o += 10;
  const optEnd = o + optLen;
  node(m, l, 'bgp.open.opt', o, optLen);
  while (o < optEnd && o < end) {
    const type = t.u8(o), plen = t.u8(o + 1);
    node(m, l, 'bgp.open.opt.param', o, 2 + plen);
    u8f(m, l, 'bgp.open.opt.param.type', o);
    u8f(m, l, 'bgp.open.opt.param.len', o + 1);
    const p = o + 2, pEnd = p + plen;
    if (type === 2) for (let c = p; c < pEnd;) c = capability(m, c);
    else if (type === 1) ctx.sub(l, 'bgp.open.opt.param.auth', t.bytes(p, plen), p, plen);
    else {
      ctx.sub(l, 'bgp.open.opt.param.unknown', t.bytes(p, plen), p, plen);
      // packet-bgp.c steps over an unknown parameter's value but not its 2-byte header: the next is read from there
      // (an empty one is stepped over whole, or the walk would not move)
      o = plen > 0 ? pEnd - 2 : pEnd;
      continue;
    }
    o = pEnd;
  }
}

/** One capability; returns where the next begins. */
function capability(m: Msg, o: number): number {
  const { ctx, t, l } = m;
  const code = t.u8(o), len = t.u8(o + 1);
  node(m, l, 'bgp.cap', o, 2 + len);
  u8f(m, l, 'bgp.cap.type', o);
  u8f(m, l, 'bgp.cap.length', o + 1);
  const v = o + 2, end = v + len;
  switch (code) {
    case 1:
      if (len !== 4) break;
      u16f(m, l, 'bgp.cap.mp.afi', v);
      ctx.sub(l, 'bgp.cap.reserved', t.bytes(v + 2, 1), v + 2, 1);
      u8f(m, l, 'bgp.cap.mp.safi', v + 3);
      break;
    case 2: case 6: case 70: case 128: break;
    case 5:
      // extended next hop encoding (RFC 8950): AFI, SAFI and next-hop AFI, two bytes each
      for (let a = v; a + 6 <= end; a += 6) {
        u16f(m, l, 'bgp.cap.enh.afi', a);
        u16f(m, l, 'bgp.cap.enh.safi', a + 2);
        u16f(m, l, 'bgp.cap.enh.nhafi', a + 4);
      }
      break;
    case 73: {
      // FQDN (draft-walton-bgp-hostname): a length-prefixed host name, then domain name
      const hl = u8f(m, l, 'bgp.cap.orf.fqdn.hostname.len', v);
      ctx.sub(l, 'bgp.cap.orf.fqdn.hostname', Buffer.from(t.bytes(v + 1, hl)).toString('latin1'), v + 1, hl);
      const dl = u8f(m, l, 'bgp.cap.orf.fqdn.domain_name.len', v + 1 + hl);
      ctx.sub(l, 'bgp.cap.orf.fqdn.domain_name', Buffer.from(t.bytes(v + 2 + hl, dl)).toString('latin1'), v + 2 + hl, dl);
      break;
    }
    case 64: {
      if (len < 2) break;
      const timers = u16f(m, l, 'bgp.cap.gr.timers', v);
      ctx.sub(l, 'bgp.cap.gr.timers.restart_flag', (timers & 0x8000) !== 0, v, 2);
      ctx.sub(l, 'bgp.cap.gr.timers.notification_flag', (timers & 0x4000) !== 0, v, 2);
      ctx.sub(l, 'bgp.cap.gr.timers.restart_time', timers & 0x0fff, v, 2);
      // no address family: the speaker only helps a restarting peer
      if (len === 2) ctx.sub(l, 'bgp.cap.gr.helper_mode_only', null, v, 2);
      for (let a = v + 2; a + 4 <= end; a += 4) {
        u16f(m, l, 'bgp.cap.gr.afi', a);
        u8f(m, l, 'bgp.cap.gr.safi', a + 2);
        const flag = u8f(m, l, 'bgp.cap.gr.flag', a + 3);
        ctx.sub(l, 'bgp.cap.gr.flag.pfs', (flag & 0x80) !== 0, a + 3, 1);
      }
      break;
    }
    case 65:
      if (len === 4) u32f(m, l, 'bgp.cap.4as', v);
      break;
    case 69:
      for (let a = v; a + 4 <= end; a += 4) {
        u16f(m, l, 'bgp.cap.ap.afi', a);
        u8f(m, l, 'bgp.cap.ap.safi', a + 2);
        u8f(m, l, 'bgp.cap.ap.sendreceive', a + 3);
      }
      break;
    default:
      if (len > 0) ctx.sub(l, 'bgp.cap.unknown', t.bytes(v, len), v, len);
  }
  return end;
}

/**
 * An IPv4 or IPv6 prefix (length byte, then the bytes its length needs);
 * returns its size, or -1 for a length past the address's bits (tshark's
 * expert, and the rest of the list is not read).
 */
function prefix(m: Msg, o: number, v6: boolean, field: string): number {
  const { ctx, t, l } = m;
  const plen = t.u8(o);
  if (plen > (v6 ? 128 : 32)) { invalidPrefix(m, o); return -1; }
  const n = (plen + 7) >> 3;
  const b = new Uint8Array(v6 ? 16 : 4);
  b.set(t.bytes(o + 1, n));
  if (plen % 8 !== 0) b[n - 1] &= (0xff00 >> (plen % 8)) & 0xff;
  ctx.sub(l, 'bgp.prefix_length', plen, o, 1);
  ctx.sub(l, field, v6 ? b : ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0, o + 1, n);
  return 1 + n;
}

/**
 * Does a prefix list read as BGP additional paths (RFC 7911: a 4-byte path
 * id before each prefix) and not as plain prefixes? tshark decides from
 * the bytes alone (the OPENs that negotiated it are rarely in the
 * capture): a list valid with path ids and invalid without — a length past
 * the address, a prefix running past the list, bits set past the length,
 * or a zero-length prefix in a list of more than one byte.
 */
function addPath(t: Tvb, off: number, end: number, max: number): boolean {
  for (let o = off + 4; o < end; o += 4) {
    const plen = t.u8(o);
    if (plen > max) return false;
    o += 1 + ((plen + 7) >> 3);
    if (o > end) return false;
    if (plen % 8 !== 0 && (t.u8(o - 1) & (0xff >> (plen % 8))) !== 0) return false;
  }
  for (let o = off; o < end;) {
    const plen = t.u8(o);
    if (plen === 0 && end - off > 1) return true;
    if (plen > max) return true;
    o += 1 + ((plen + 7) >> 3);
    if (o > end) return true;
    if (plen % 8 !== 0 && (t.u8(o - 1) & (0xff >> (plen % 8))) !== 0) return true;
  }
  return false;
}

function prefixes(m: Msg, o: number, end: number, v6: boolean, field: string): void {
  const paths = addPath(m.t, o, end, v6 ? 128 : 32);
  while (o < end) {
    if (paths) { m.ctx.sub(m.l, 'bgp.nlri_path_id', m.t.u32(o), o, 4); o += 4; }
    const n = prefix(m, o, v6, field);
    if (n < 0) return;
    o += n;
  }
}

function update(m: Msg, o: number, end: number): void {
  const { l } = m;
  const wlen = u16f(m, l, 'bgp.update.withdrawn_routes.length', o);
  o += 2;
  if (wlen > 0) {
    node(m, l, 'bgp.update.withdrawn_routes', o, wlen);
    prefixes(m, o, o + wlen, false, 'bgp.withdrawn_prefix');
  }
  o += wlen;
  const alen = u16f(m, l, 'bgp.update.path_attributes.length', o);
  o += 2;
  // tshark reads NLRI only after path attributes: an UPDATE without attributes shows none
  if (alen === 0) return;
  node(m, l, 'bgp.update.path_attributes', o, alen);
  attributes(m, o, o + alen);
  o += alen;
  if (o < end) {
    node(m, l, 'bgp.update.nlri', o, end - o);
    prefixes(m, o, end, false, 'bgp.nlri_prefix');
  }
}

function attributes(m: Msg, o: number, end: number): void {
  const { ctx, t, l } = m;
  while (o < end) {
    const flags = t.u8(o), type = t.u8(o + 1);
    const ext = (flags & 0x10) !== 0;
    const alen = ext ? t.u16(o + 2) : t.u8(o + 2);
    const v = o + (ext ? 4 : 3), vEnd = v + alen;
    node(m, l, 'bgp.update.path_attribute', o, vEnd - o);
    ctx.sub(l, 'bgp.update.path_attribute.flags', flags, o, 1);
    ctx.sub(l, 'bgp.update.path_attribute.flags.optional', (flags & 0x80) !== 0, o, 1);
    ctx.sub(l, 'bgp.update.path_attribute.flags.transitive', (flags & 0x40) !== 0, o, 1);
    ctx.sub(l, 'bgp.update.path_attribute.flags.partial', (flags & 0x20) !== 0, o, 1);
    ctx.sub(l, 'bgp.update.path_attribute.flags.extended_length', ext, o, 1);
    ctx.sub(l, 'bgp.update.path_attribute.flags.unused', flags & 0x0f, o, 1);
    ctx.sub(l, 'bgp.update.path_attribute.type_code', type, o + 1, 1);
    ctx.sub(l, 'bgp.update.path_attribute.length', alen, o + 2, ext ? 2 : 1);
    if (vEnd > t.end) {
      ctx.sub(l, 'bgp.length.invalid', null, o + 2, ext ? 2 : 1);
      t.need(v, alen);
    }
    attribute(m, type, v, alen);
    o = vEnd;
  }
}

function attribute(m: Msg, type: number, v: number, len: number): void {
  const { ctx, t, l } = m;
  const end = v + len;
  switch (type) {
    case 1: if (len === 1) u8f(m, l, 'bgp.update.path_attribute.origin', v); break;
    case 2: case 17: asPath(m, v, end, type === 17 ? 4 : asnLength(t, v, end)); break;
    case 3: if (len === 4) u32f(m, l, 'bgp.update.path_attribute.next_hop', v); break;
    case 4: if (len === 4) u32f(m, l, 'bgp.update.path_attribute.multi_exit_disc', v); break;
    case 5: if (len === 4) u32f(m, l, 'bgp.update.path_attribute.local_pref', v); break;
    case 7: case 18:
      if (len === 6 && type === 7) u16f(m, l, 'bgp.update.path_attribute.aggregator_as', v);
      else if (len === 8) u32f(m, l, 'bgp.update.path_attribute.aggregator_as', v);
      else break;
      u32f(m, l, 'bgp.update.path_attribute.aggregator_origin', v + len - 4);
      break;
    case 8:
      node(m, l, 'bgp.update.path_attribute.communities', v, len);
      for (let c = v; c + 4 <= end; c += 4) {
        const value = t.u32(c);
        const hi = value >>> 16;
        if (hi === 0 || hi === 0xffff) ctx.sub(l, 'bgp.update.path_attribute.community_wellknown', value, c, 4);
        else {
          node(m, l, 'bgp.update.path_attribute.community', c, 4);
          ctx.sub(l, 'bgp.update.path_attribute.community_as', hi, c, 2);
          ctx.sub(l, 'bgp.update.path_attribute.community_value', value & 0xffff, c + 2, 2);
        }
      }
      break;
    case 9: if (len === 4) u32f(m, l, 'bgp.update.path_attribute.originator_id', v); break;
    case 10:
      node(m, l, 'bgp.path_attribute.cluster_list', v, len);
      for (let c = v; c + 4 <= end; c += 4) u32f(m, l, 'bgp.path_attribute.cluster_id', c);
      break;
    case 14: mpReach(m, v, end); break;
    case 15: {
      const afi = u16f(m, l, 'bgp.update.path_attribute.mp_unreach_nlri.afi', v);
      const safi = u8f(m, l, 'bgp.update.path_attribute.mp_unreach_nlri.safi', v + 2);
      if (v + 3 < end) {
        node(m, l, 'bgp.update.path_attribute.mp_unreach_nlri', v + 3, end - v - 3);
        mpPrefixes(m, v + 3, end, afi, safi, afi === 2 ? 'bgp.mp_unreach_nlri_ipv6_prefix' : 'bgp.mp_unreach_nlri_ipv4_prefix');
      }
      break;
    }
    case 16: extCommunities(m, v, end); break;
    case 32:
      for (let c = v; c + 12 <= end; c += 12) {
        // tshark adds the item with no string (its text goes in the label): -T fields prints "[ Null ]"
        ctx.sub(l, 'bgp.large_communities', '[ Null ]', c, 12);
        u32f(m, l, 'bgp.large_communities.ga', c);
        u32f(m, l, 'bgp.large_communities.ldp1', c + 4);
        u32f(m, l, 'bgp.large_communities.ldp2', c + 8);
      }
      break;
    default: break;
  }
}

/**
 * Extended communities (RFC 4360, 5668, 7153): the type with its authority
 * and transitivity bits, then the subtype and value by type — 2- and 4-byte
 * AS and IPv4 specific, opaque (OSPF route type, encapsulation, else the
 * raw value). Other types keep their type byte only.
 */
function extCommunities(m: Msg, o: number, end: number): void {
  const { ctx, t, l } = m;
  node(m, l, 'bgp.ext_communities', o, end - o);
  for (; o < end; o += 8) {
    const type = t.u8(o), sub = t.u8(o + 1);
    node(m, l, 'bgp.ext_community', o, 8);
    ctx.sub(l, 'bgp.ext_com.type', type, o, 1);
    ctx.sub(l, 'bgp.ext_com.type.auth', (type & 0x80) !== 0, o, 1);
    ctx.sub(l, 'bgp.ext_com.type.tran', (type & 0x40) !== 0, o, 1);
    switch (type) {
      case 0x00:
        u8f(m, l, 'bgp.ext_com.stype_tr_as2', o + 1);
        u16f(m, l, 'bgp.ext_com.value_as2', o + 2);
        u32f(m, l, 'bgp.ext_com.value_an4', o + 4);
        break;
      case 0x40:
        u8f(m, l, 'bgp.ext_com.stype_ntr_as2', o + 1);
        u16f(m, l, 'bgp.ext_com.value_as2', o + 2);
        // the link bandwidth (subtype 4) is a float: not decoded
        if (sub !== 0x04) u32f(m, l, 'bgp.ext_com.value_an4', o + 4);
        break;
      case 0x01:
        u8f(m, l, 'bgp.ext_com.stype_tr_IP4', o + 1);
        if (sub === 0x07) u32f(m, l, 'bgp.ext_com.value_ospf_rid', o + 2);
        else { u32f(m, l, 'bgp.ext_com.value_IP4', o + 2); u16f(m, l, 'bgp.ext_com.value_an2', o + 6); }
        break;
      case 0x41:
        u8f(m, l, 'bgp.ext_com.stype_ntr_IP4', o + 1);
        u32f(m, l, 'bgp.ext_com.value_IP4', o + 2);
        u16f(m, l, 'bgp.ext_com.value_an2', o + 6);
        break;
      case 0x02: case 0x42:
        u8f(m, l, type === 0x02 ? 'bgp.ext_com.stype_tr_as4' : 'bgp.ext_com.stype_ntr_as4', o + 1);
        u32f(m, l, 'bgp.ext_com.value_as4', o + 2);
        u16f(m, l, 'bgp.ext_com.value_an2', o + 6);
        break;
      case 0x03: case 0x43:
        u8f(m, l, type === 0x03 ? 'bgp.ext_com.stype_tr_opaque' : 'bgp.ext_com.stype_ntr_opaque', o + 1);
        if (sub === 0x06) {
          u32f(m, l, 'bgp.ext_com.value_ospf_rtype.area', o + 2);
          u8f(m, l, 'bgp.ext_com.value_ospf_rtype.type', o + 6);
          const opt = u8f(m, l, 'bgp.ext_com.value_ospf_rtype.options', o + 7);
          ctx.sub(l, 'bgp.ext_com.value_ospf_rtype.options.mt', (opt & 1) !== 0, o + 7, 1);
        } else if (sub === 0x0c && type === 0x03) u16f(m, l, 'bgp.ext_com.tunnel_type', o + 6);
        else if (sub !== 0x01) ctx.sub(l, 'bgp.ext_com.value_raw', (BigInt(t.u16(o + 2)) << 32n) | BigInt(t.u32(o + 4)), o + 2, 6);
        break;
      default: break;
    }
  }
}

/**
 * 2- or 4-byte ASNs in an AS_PATH, guessed as tshark guesses (its ASN
 * length preference is automatic by default): 4 when a 16-bit word of the
 * first segment is zero (the high half of a small 4-byte ASN), 2 otherwise;
 * then the other length when the segments read with the first guess do not
 * end exactly at the attribute's end.
 */
function asnLength(t: Tvb, o: number, end: number): number {
  if (o >= end) return 2;
  const count = t.u8(o + 1);
  let guess = 2;
  for (let j = 0, k = o + 2; j < count; j++, k += 2) if (t.u16(k) === 0) { guess = 4; break; }
  const fits = (n: number): boolean => {
    let k = o;
    while (k < end) k += 2 + t.u8(k + 1) * n;
    return k === end;
  };
  return fits(guess) ? guess : 6 - guess;
}

function asPath(m: Msg, o: number, end: number, n: number): void {
  const { t, l } = m;
  while (o < end) {
    const count = t.u8(o + 1);
    node(m, l, 'bgp.update.path_attribute.as_path_segment', o, 2 + count * n);
    u8f(m, l, 'bgp.update.path_attribute.as_path_segment.type', o);
    u8f(m, l, 'bgp.update.path_attribute.as_path_segment.length', o + 1);
    o += 2;
    for (let i = 0; i < count; i++, o += n) {
      if (n === 2) u16f(m, l, 'bgp.update.path_attribute.as_path_segment.as2', o);
      else u32f(m, l, 'bgp.update.path_attribute.as_path_segment.as4', o);
    }
  }
}

function mpReach(m: Msg, v: number, end: number): void {
  const { ctx, t, l } = m;
  const afi = u16f(m, l, 'bgp.update.path_attribute.mp_reach_nlri.afi', v);
  const safi = u8f(m, l, 'bgp.update.path_attribute.mp_reach_nlri.safi', v + 2);
  const nhLen = t.u8(v + 3);
  ctx.sub(l, 'bgp.update.path_attribute.mp_reach_nlri.next_hop', t.bytes(v + 3, 1 + nhLen), v + 3, 1 + nhLen);
  const nh = v + 4;
  if ((safi === SAFI_VPN || safi === SAFI_VPN_MCAST) && ((afi === 1 && nhLen === 12) || (afi === 2 && nhLen === 24))) {
    // a VPN next hop is a route distinguisher (zero) and the address
    ctx.sub(l, 'bgp.update.path_attribute.mp_reach_nlri.next_hop.rd', routeDistinguisher(t, nh), nh, 8);
    if (afi === 1) u32f(m, l, 'bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv4', nh + 8);
    else ctx.sub(l, 'bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6', t.bytes(nh + 8, 16), nh + 8, 16);
  } else if (afi === 1 && nhLen === 4) u32f(m, l, 'bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv4', nh);
  else if (afi === 2 && (nhLen === 16 || nhLen === 32)) {
    ctx.sub(l, 'bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6', t.bytes(nh, 16), nh, 16);
    if (nhLen === 32) ctx.sub(l, 'bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6.link_local', t.bytes(nh + 16, 16), nh + 16, 16);
  }
  let o = nh + nhLen;
  const snpas = u8f(m, l, 'bgp.update.path_attribute.mp_reach_nlri.nbr_snpa', o);
  o++;
  for (let i = 0; i < snpas; i++) {
    const sl = u8f(m, l, 'bgp.update.path_attribute.mp_reach_nlri.snpa_length', o);
    // RFC 4760 counts the SNPA in semi-octets; packet-bgp.c reads that many bytes
    const n = sl;
    ctx.sub(l, 'bgp.update.path_attribute.mp_reach_nlri.snpa', t.bytes(o + 1, n), o + 1, n);
    o += 1 + n;
  }
  if (o < end) {
    node(m, l, 'bgp.update.path_attribute.mp_reach_nlri', o, end - o);
    mpPrefixes(m, o, end, afi, safi, afi === 2 ? 'bgp.mp_reach_nlri_ipv6_prefix' : 'bgp.mp_reach_nlri_ipv4_prefix');
  }
}

const SAFI_LABELED = 4, SAFI_VPN = 128, SAFI_VPN_MCAST = 129;

/** The NLRI of an MP_REACH/MP_UNREACH by family: plain, labeled (RFC 8277) or VPN (RFC 4364) IPv4/IPv6 prefixes. */
function mpPrefixes(m: Msg, o: number, end: number, afi: number, safi: number, field: string): void {
  if (afi !== 1 && afi !== 2) return;
  const v6 = afi === 2;
  if (safi === 1 || safi === 2) { prefixes(m, o, end, v6, field); return; }
  if (safi !== SAFI_LABELED && safi !== SAFI_VPN && safi !== SAFI_VPN_MCAST) return;
  while (o < end) {
    const n = labeledPrefix(m, o, v6, safi !== SAFI_LABELED, field);
    if (n < 0) return;
    o += n;
  }
}

/**
 * One labeled prefix: its length in bits counts the label stack (and the
 * route distinguisher of a VPN route) before the address. Returns its size,
 * or -1 where tshark gives up on the list (a length too short for what it
 * must hold, an unknown RD type).
 */
function labeledPrefix(m: Msg, o: number, v6: boolean, vpn: boolean, field: string): number {
  const { ctx, t, l } = m;
  const start = o;
  let plen = t.u8(o);
  const [stack, labels] = labelStack(t, o + 1);
  o += 1 + labels * 3;
  if (plen <= labels * 24) { invalidPrefix(m, start); return -1; }
  plen -= labels * 24;
  let rd = '';
  const max = v6 ? 128 : 32;
  if (vpn) {
    const type = t.u16(o);
    if (plen < 64 || plen - 64 > max) { invalidPrefix(m, start); return -1; }
    plen -= 64;
    if (type > 2) return -1;
    rd = routeDistinguisher(t, o);
  }
  const at = o + (vpn ? 8 : 0);
  if (plen > max) { invalidPrefix(m, start); return -1; }
  const n = (plen + 7) >> 3;
  const b = new Uint8Array(v6 ? 16 : 4);
  b.set(t.bytes(at, n));
  if (plen % 8 !== 0) b[n - 1] &= (0xff00 >> (plen % 8)) & 0xff;
  // an IPv6 VPN prefix is a line of text in tshark: its label stack is the one field
  if (v6 && vpn) { ctx.sub(l, 'bgp.label_stack', stack, start + 1, labels * 3); return at + n - start; }
  ctx.sub(l, 'bgp.prefix_length', t.u8(start), start, 1);
  ctx.sub(l, 'bgp.label_stack', stack, start + 1, labels * 3);
  if (vpn) ctx.sub(l, 'bgp.rd', rd, o, 8);
  ctx.sub(l, field, v6 ? b : ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0, at, n);
  return at + n - start;
}

/** tshark's "prefix length invalid" (a malformed-group error without an exception): the rest of the list is not read. */
function invalidPrefix(m: Msg, o: number): void {
  m.ctx.sub(m.l, 'bgp.prefix_length.invalid', null, o, 1);
  m.ctx.flagMalformed('bgp', `prefix length ${m.t.u8(o)} invalid`, o, 1);
}

/** An MPLS label stack as tshark writes it ("16002,16003 (bottom)"; a withdrawal's first label "0 (withdrawn)") and its depth. */
function labelStack(t: Tvb, o: number): [string, number] {
  let s = '';
  for (let i = 0; ; i++) {
    const e = t.u24(o + i * 3);
    if (i === 0 && (e === 0 || e === 0x800000)) return ['0 (withdrawn)', 1];
    const bottom = (e & 1) !== 0;
    s += `${e >>> 4}${bottom ? ' (bottom)' : ','}`;
    if (bottom) return [s, i + 1];
    // a stack that never ends is cut where tshark cuts it (255 bytes)
    if ((i + 1) * 3 > 255) return [`${s} (BOGUS: Bottom of Stack NOT set!)`, i + 1];
  }
}

/** A route distinguisher as tshark writes it: type 0 AS2:number, type 1 IPv4:number, type 2 AS4:number. */
function routeDistinguisher(t: Tvb, o: number): string {
  const type = t.u16(o);
  if (type === 0) return `${t.u16(o + 2)}:${t.u32(o + 4)}`;
  if (type === 1) return `${t.u8(o + 2)}.${t.u8(o + 3)}.${t.u8(o + 4)}.${t.u8(o + 5)}:${t.u16(o + 6)}`;
  if (type === 2) return `${t.u32(o + 2)}:${t.u16(o + 6)}`;
  return `Unknown (0x${type.toString(16).padStart(4, '0')}) RD type`;
}

function notification(m: Msg, o: number, end: number): void {
  const { ctx, t, l } = m;
  const major = u8f(m, l, 'bgp.notify.major_error', o);
  const minor = t.u8(o + 1);
  ctx.sub(l, MINOR_FIELD[major] ?? MINOR_FIELD[0], minor, o + 1, 1);
  o += 2;
  if (o >= end) return;
  if (major === 2 && minor === 2) {
    if (end - o === 2) u16f(m, l, 'bgp.notify.error_open.bad_peer_as', o);
    else if (end - o === 4) u32f(m, l, 'bgp.notify.error_open.bad_peer_as', o);
    else ctx.sub(l, 'bgp.notify.minor_data', t.bytes(o, end - o), o, end - o);
  } else if (major === 6 && (minor === 2 || minor === 4)) {
    // RFC 8203 shutdown communication: a length, then that much UTF-8
    const n = u8f(m, l, 'bgp.notify.communication_length', o);
    if (n > 0) ctx.sub(l, 'bgp.notify.communication', Buffer.from(t.bytes(o + 1, n)).toString('utf8'), o + 1, n);
  } else ctx.sub(l, 'bgp.notify.minor_data', t.bytes(o, end - o), o, end - o);
}

const RULE: PduRule = {
  hdrLen: HEADER,
  // the length counts the header; a length shorter than one is not BGP framing
  length: (h, o) => { const n = u16(h, o + 16); return n < HEADER || n > MAX_MESSAGE ? -1 : n; },
};

/**
 * BGP over one direction of a TCP stream, framed as packet-bgp.c frames it:
 * each segment is searched for a marker (16 bytes of 0xff) and what comes
 * before one is skipped; a message is read from its marker; a length below
 * the header's is a malformed packet and ends the segment; a message that
 * runs past the segment is held and read with the next one (at most one
 * message: 64 KiB).
 */
class BgpApp extends HeldBytesApp {
  framer(): FixedHeaderFramer { return new FixedHeaderFramer(RULE); }
  /** packet-bgp.c clears Info before it asks TCP for the rest of a message: a segment holding only part of one shows TCP's note alone */
  partialInfo(): string { return ''; }

  protected read(ctx: Ctx, st: State, d: Uint8Array, o: number, end: number, s: TcpStream): void {
    while (o < end) {
      const at = marker(d, o, end);
      if (at < 0) {
        // no marker: packet-bgp.c has named the protocol and cleared Info, and shows nothing of the bytes
        if (!ctx.protocols.includes('bgp')) { ctx.layer('bgp', o, end - o); ctx.protocol = 'BGP'; ctx.info = ''; }
        // a marker may begin in the last bytes: keep them for the next segment
        const tail = trailingOnes(d, o, end);
        if (tail > 0) this.held = d.slice(end - tail, end);
        return;
      }
      if (end - at < HEADER) { this.held = d.slice(at, end); return; }
      const len = u16(d, at + 16);
      if (len < HEADER) {
        if (!ctx.protocols.includes('bgp')) { ctx.layer('bgp', at, end - at); ctx.protocol = 'BGP'; ctx.info = ''; }
        ctx.boundsAt('bgp', `BGP length ${len} is below the header's ${HEADER} bytes`, at + 16, 2);
        return;
      }
      if (len > end - at) { this.held = d.slice(at, end); return; }
      message(ctx, st, s, at, len);
      o = at + len;
    }
  }
}

/** Where the next full marker begins in [o, end), -1 when none does. */
function marker(d: Uint8Array, o: number, end: number): number {
  for (let i = o; i + 16 <= end; i++) {
    let j = 0;
    while (j < 16 && d[i + j] === 0xff) j++;
    if (j === 16) return i;
    i += j;
  }
  return -1;
}

/** How many 0xff bytes (fewer than a marker's 16) end [o, end). */
function trailingOnes(d: Uint8Array, o: number, end: number): number {
  let n = 0;
  while (n < 15 && end - n - 1 >= o && d[end - n - 1] === 0xff) n++;
  return n;
}

TCP_PORT.add([179], () => new BgpApp());
