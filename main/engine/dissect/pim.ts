// PIM version 2 (ip.proto 103; RFC 7761 sparse mode, RFC 3973 dense mode,
// RFC 5015 bidir, RFC 5059 bootstrap): the header with its checksum
// verified (v6 with the pseudo-header), Hello with its options, Register
// (the flags and the packet it carries, dissected as IP as tshark does,
// the columns kept PIM's), Register-Stop, Join/Prune, Graft, Graft-Ack,
// Bootstrap, Assert, Candidate-RP-Advertisement, State-Refresh and DF
// election, with the encoded unicast, group and source addresses. Fields
// and Info as tshark 4.0's packet-pim.c.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX8, HEX16, HEX32 } from './fields';
import { Tvb, guarded, reportedEnd } from './tvb';
import { onesSum, pseudoSum } from './vrrp';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { IP_PROTO } = tables;

const TYPES = ['Hello', 'Register', 'Register-stop', 'Join/Prune', 'Bootstrap', 'Assert', 'Graft', 'Graft-Ack',
  'Candidate-RP-Advertisement', 'State-Refresh', 'DF election', 'ECMP redirect', 'PFM source discovery'];
const names = (a: string[]): Record<number, string> => Object.fromEntries(a.map((n, i) => [i, n]));
const AF_INET = 1, AF_INET6 = 2;

declare('pim', 'Protocol Independent Multicast', [
  ['pim.version', 'uint', 'Version'],
  ['pim.type', 'uint', 'Type', { valueNames: names(TYPES) }],
  ['pim.df_elect.subtype', 'uint', 'DF Subtype', { valueNames: { 1: 'Offer', 2: 'Winner', 3: 'Backoff', 4: 'Pass' } }],
  ['pim.df_elect.rsvd', 'uint', 'DF reserved'],
  ['pim.cksum', 'uint', 'Checksum', HEX16],
  ['pim.cksum.status', 'uint', 'Checksum Status', { valueNames: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' } }],
  ['pim.bad_checksum', 'none', 'Bad checksum'],
  ['pim.res_bytes', 'bytes', 'Reserved byte(s)'],
  ['pim.option', 'none', 'PIM Options'],
  ['pim.optiontype', 'uint', 'Type'],
  ['pim.optionlength', 'uint', 'Length'],
  ['pim.optionvalue', 'bytes', 'Unknown'],
  ['pim.register_flag', 'uint', 'Flags', HEX32],
  ['pim.register_flag.border', 'bool', 'Border'],
  ['pim.register_flag.null_register', 'bool', 'Null-Register'],
  ['pim.holdtime', 'uint', 'Holdtime'],
  ['pim.numgroups', 'uint', 'Num Groups'],
  ['pim.numjoins', 'uint', 'Num Joins'],
  ['pim.numprunes', 'uint', 'Num Prunes'],
  ['pim.t', 'bool', 'T'],
  ['pim.propagation_delay', 'uint', 'Propagation Delay'],
  ['pim.override_interval', 'uint', 'Override Interval'],
  ['pim.dr_priority', 'uint', 'DR Priority'],
  ['pim.generation_id', 'uint', 'Generation ID'],
  ['pim.state_refresh_version', 'uint', 'Version'],
  ['pim.state_refresh_interval', 'uint', 'Interval'],
  ['pim.state_refresh_reserved', 'uint', 'Reserved'],
  ['pim.rpt', 'bool', 'RP Tree'],
  ['pim.metric_pref', 'uint', 'Metric Preference'],
  ['pim.metric', 'uint', 'Metric'],
  ['pim.prune_indicator', 'bool', 'Prune indicator'],
  ['pim.prune_now', 'bool', 'Prune now'],
  ['pim.assert_override', 'bool', 'Assert override'],
  ['pim.ip_version', 'uint', 'IP Version'],
  ['pim.dummy_header', 'none', 'Dummy Header'],
  ['pim.source', 'ipv4', 'Source'],
  ['pim.source_ip6', 'ipv6', 'Source'],
  ['pim.group', 'ipv4', 'Group'],
  ['pim.group_ip6', 'ipv6', 'Group'],
  ['pim.upstream_neighbor', 'ipv4', 'Upstream-neighbor'],
  ['pim.upstream_neighbor_ip6', 'ipv6', 'Upstream-neighbor'],
  ['pim.join_ip', 'ipv4', 'IP address'],
  ['pim.join_ip6', 'ipv6', 'IP address'],
  ['pim.prune_ip', 'ipv4', 'IP address'],
  ['pim.prune_ip6', 'ipv6', 'IP address'],
  ['pim.address_list', 'ipv4', 'Address'],
  ['pim.address_list_ip6', 'ipv6', 'Address'],
  ['pim.bsr', 'ipv4', 'BSR'],
  ['pim.bsr_ip6', 'ipv6', 'BSR'],
  ['pim.rp', 'ipv4', 'RP'],
  ['pim.rp_ip6', 'ipv6', 'RP'],
  ['pim.originator', 'ipv4', 'Originator'],
  ['pim.originator_ip6', 'ipv6', 'Originator'],
  ['pim.bidir_winner_ip4', 'ipv4', 'New Winner IP'],
  ['pim.bidir_winner_ip6', 'ipv6', 'New Winner IP'],
  ['pim.bidir_win_metric_pref', 'uint', 'Winner Metric Preference'],
  ['pim.bidir_win_metric', 'uint', 'Winner Metric'],
  ['pim.bidir_offering_ip4', 'ipv4', 'Offering IP'],
  ['pim.bidir_offering_ip6', 'ipv6', 'Offering IP'],
  ['pim.bidir_off_metric_pref', 'uint', 'Offering Metric Preference'],
  ['pim.bidir_off_metric', 'uint', 'Offering Metric'],
  ['pim.bidir_offering_interval', 'uint', 'Offering Interval (ms)'],
  ['pim.fragment_tag', 'uint', 'Fragment tag', HEX16],
  ['pim.hash_mask_len', 'uint', 'Hash mask len'],
  ['pim.bsr_priority', 'uint', 'BSR priority'],
  ['pim.rp_count', 'uint', 'RP count'],
  ['pim.frp_count', 'uint', 'FRP count'],
  ['pim.priority', 'uint', 'Priority'],
  ['pim.prefix_count', 'uint', 'Prefix-count'],
  ['pim.mask_len', 'uint', 'Masklen'],
  ['pim.ttl', 'uint', 'TTL'],
  ['pim.interval', 'uint', 'Interval'],
  ['pim.addr_address_family', 'uint', 'Address Family', { valueNames: { 1: 'IPv4', 2: 'IPv6' } }],
  ['pim.addr_encoding_type', 'uint', 'Encoding Type', { valueNames: { 0: 'Native', 1: 'Native with Join Attribute' } }],
  ['pim.unicast', 'ipv4', 'Unicast'],
  ['pim.unicast_ipv6', 'ipv6', 'Unicast'],
  ['pim.group_set', 'string', 'Group Set'],
  ['pim.group_addr.flags', 'uint', 'Flags', HEX8],
  ['pim.group_addr.flags.b', 'bool', 'Bidirectional PIM'],
  ['pim.group_addr.flags.reserved', 'uint', 'Reserved', HEX8],
  ['pim.group_addr.flags.z', 'bool', 'Admin Scope Zone'],
  ['pim.source_addr.flags', 'uint', 'Flags', HEX8],
  ['pim.source_addr.flags.reserved', 'uint', 'Reserved', HEX8],
  ['pim.source_addr.flags.s', 'bool', 'Sparse'],
  ['pim.source_addr.flags.w', 'bool', 'WC'],
  ['pim.source_addr.flags.r', 'bool', 'RP'],
]);

interface Pim { ctx: Ctx; t: Tvb; l: FieldNode }
const ADDR_UNICAST = 0, ADDR_GROUP = 1, ADDR_SOURCE = 2;

const u8f = (p: Pim, name: string, o: number): number => { const v = p.t.u8(o); p.ctx.sub(p.l, name, v, o, 1); return v; };
const u16f = (p: Pim, name: string, o: number): number => { const v = p.t.u16(o); p.ctx.sub(p.l, name, v, o, 2); return v; };
const u32f = (p: Pim, name: string, o: number): number => { const v = p.t.u32(o); p.ctx.sub(p.l, name, v, o, 4); return v; };
const addr = (p: Pim, name: string, o: number, v6: boolean): void => {
  if (v6) p.ctx.sub(p.l, name, p.t.bytes(o, 16), o, 16); else u32f(p, name, o);
};

/**
 * An encoded address (RFC 7761 4.9): the field named for its role (`f4`
 * or `f6`), then its family, encoding and, for group and source, flags and
 * mask length. Returns its size, or -1 for a family or encoding tshark does
 * not read (the message's dissection ends there).
 */
function encoded(p: Pim, o: number, kind: number, f4: string, f6: string): number {
  const { ctx, t, l } = p;
  const af = t.u8(o);
  if (af !== AF_INET && af !== AF_INET6) return -1;
  const et = t.u8(o + 1);
  if (et !== 0 && et !== 1) return -1;
  const v6 = af === AF_INET6, len = v6 ? 16 : 4;
  const at = kind === ADDR_UNICAST ? o + 2 : o + 4;
  addr(p, v6 ? f6 : f4, at, v6);
  u8f(p, 'pim.addr_address_family', o);
  u8f(p, 'pim.addr_encoding_type', o + 1);
  if (kind === ADDR_UNICAST) {
    addr(p, v6 ? 'pim.unicast_ipv6' : 'pim.unicast', at, v6);
  } else if (kind === ADDR_GROUP) {
    const flags = u8f(p, 'pim.group_addr.flags', o + 2);
    ctx.sub(l, 'pim.group_addr.flags.b', (flags & 0x80) !== 0, o + 2, 1);
    ctx.sub(l, 'pim.group_addr.flags.reserved', (flags & 0x7e) >> 1, o + 2, 1);
    ctx.sub(l, 'pim.group_addr.flags.z', (flags & 0x01) !== 0, o + 2, 1);
    u8f(p, 'pim.mask_len', o + 3);
    addr(p, v6 ? 'pim.group_ip6' : 'pim.group', at, v6);
  } else {
    const flags = u8f(p, 'pim.source_addr.flags', o + 2);
    ctx.sub(l, 'pim.source_addr.flags.reserved', (flags & 0xf8) >> 3, o + 2, 1);
    ctx.sub(l, 'pim.source_addr.flags.s', (flags & 0x04) !== 0, o + 2, 1);
    ctx.sub(l, 'pim.source_addr.flags.w', (flags & 0x02) !== 0, o + 2, 1);
    ctx.sub(l, 'pim.source_addr.flags.r', (flags & 0x01) !== 0, o + 2, 1);
    u8f(p, 'pim.mask_len', o + 3);
    addr(p, v6 ? 'pim.source_ip6' : 'pim.source', at, v6);
  }
  // join attributes (RFC 5384) are not decoded: their bytes are skipped as the attribute lengths say
  let size = (kind === ADDR_UNICAST ? 2 : 4) + len;
  if (et === 1) {
    for (let ja = o + size, eos = false; !eos && t.end - ja >= 2;) {
      eos = (t.u8(ja) & 0x40) !== 0;
      const n = 2 + t.u8(ja + 1);
      ja += n; size += n;
    }
  }
  return size;
}

function dissectPim(ctx: Ctx, st: State, off: number, end: number): void {
  const l = ctx.layer('pim', off, end - off);
  ctx.protocol = 'PIM';
  ctx.info = '';
  const t = new Tvb(ctx.d, end);
  const p: Pim = { ctx, t, l };
  const short = ctx.short;
  let register = false;
  guarded(ctx, 'pim', end, () => {
    const tv = t.u8(off);
    const version = tv >> 4, type = tv & 0x0f;
    ctx.protocol = `PIMv${version}`;
    ctx.info = version === 2 ? TYPES[type] ?? `Unknown (${type})` : 'Unknown';
    ctx.sub(l, 'pim.version', version, off, 1);
    ctx.sub(l, 'pim.type', type, off, 1);
    if (type === 10) {
      const b = t.u8(off + 1);
      ctx.sub(l, 'pim.df_elect.subtype', b >> 4, off + 1, 1);
      ctx.sub(l, 'pim.df_elect.rsvd', b & 0x0f, off + 1, 1);
    } else ctx.sub(l, 'pim.res_bytes', t.bytes(off + 1, 1), off + 1, 1);
    // from here a Register's columns are read-only in tshark
    register = version === 2 && type === 1;
    u16f(p, 'pim.cksum', off + 2);
    if (version !== 2) {
      ctx.sub(l, 'pim.cksum.status', 2, off + 2, 0);
      ctx.sub(l, 'pim.option', null, off, end - off);
      return;
    }
    // a Register's checksum covers its 8-byte header only: it is verified when those are captured
    const sent = reportedEnd(ctx, end);
    const covered = type === 1 ? 8 : sent - off;
    if (sent - off >= covered && end - off >= covered) {
      const total = onesSum(ctx.d, off, off + covered, ctx.ipVersion === 6 ? pseudoSum(ctx, covered, 103) : 0);
      const good = total === 0xffff;
      ctx.sub(l, 'pim.cksum.status', good ? 1 : 0, off + 2, 0);
      if (!good) ctx.sub(l, 'pim.bad_checksum', null, off + 2, 2);
    } else ctx.sub(l, 'pim.cksum.status', 2, off + 2, 0);
    const o = off + 4;
    if (o >= sent) return;
    ctx.sub(l, 'pim.option', null, o, end - o);
    message(p, st, type, o, sent);
  });
  // tshark makes the columns read-only for a Register (the packet it carries must not write them): nothing is appended to Info
  if (register) ctx.short = short;
}

function message(p: Pim, st: State, type: number, o: number, end: number): void {
  const { ctx, t, l } = p;
  const v6 = ctx.ipVersion === 6;
  switch (type) {
    case 0:
      while (end - o >= 2) {
        const opt = t.u16(o), len = t.u16(o + 2);
        t.need(o, 4 + len);
        u16f(p, 'pim.optiontype', o);
        u16f(p, 'pim.optionlength', o + 2);
        const v = o + 4;
        if (opt === 1) u16f(p, 'pim.holdtime', v);
        else if (opt === 2) {
          ctx.sub(l, 'pim.t', (t.u8(v) & 0x80) !== 0, v, 1);
          ctx.sub(l, 'pim.propagation_delay', t.u16(v) & 0x7fff, v, 2);
          u16f(p, 'pim.override_interval', v + 2);
        } else if (opt === 19) u32f(p, 'pim.dr_priority', v);
        else if (opt === 20) u32f(p, 'pim.generation_id', v);
        else if (opt === 21) {
          u8f(p, 'pim.state_refresh_version', v);
          u8f(p, 'pim.state_refresh_interval', v + 1);
          u16f(p, 'pim.state_refresh_reserved', v + 2);
        } else if (opt === 24 || opt === 65001) {
          for (let a = v; a < v + len;) {
            const n = encoded(p, a, ADDR_UNICAST, 'pim.address_list', 'pim.address_list_ip6');
            if (n < 0) break;
            a += n;
          }
        } else if (len > 0) ctx.sub(l, 'pim.optionvalue', t.bytes(v, len), v, len);
        o += 4 + len;
      }
      return;
    case 1: {
      const flags = u32f(p, 'pim.register_flag', o);
      ctx.sub(l, 'pim.register_flag.border', (flags & 0x80000000) !== 0, o, 4);
      ctx.sub(l, 'pim.register_flag.null_register', (flags & 0x40000000) !== 0, o, 4);
      o += 4;
      const vhl = t.u8(o);
      ctx.sub(l, 'pim.ip_version', vhl >> 4, o, 1);
      if (vhl >> 4 === 0) {
        ctx.sub(l, 'pim.dummy_header', null, o, end - o);
        if (v6) { addr(p, 'pim.source_ip6', o + 8, true); addr(p, 'pim.group_ip6', o + 24, true); } else { u32f(p, 'pim.source', o + 12); u32f(p, 'pim.group', o + 16); }
      } else if (vhl >> 4 === 4 || vhl >> 4 === 6) inner(ctx, st, vhl >> 4 === 4 ? 4 : 41, o, end);
      return;
    }
    case 2: {
      const n = encoded(p, o, ADDR_GROUP, 'pim.group', 'pim.group_ip6');
      if (n >= 0) encoded(p, o + n, ADDR_UNICAST, 'pim.source', 'pim.source_ip6');
      return;
    }
    case 3: case 6: case 7: {
      const n = encoded(p, o, ADDR_UNICAST, 'pim.upstream_neighbor', 'pim.upstream_neighbor_ip6');
      if (n < 0) return;
      o += n;
      ctx.sub(l, 'pim.res_bytes', t.bytes(o, 1), o, 1);
      const groups = u8f(p, 'pim.numgroups', o + 1);
      u16f(p, 'pim.holdtime', o + 2);
      o += 4;
      for (let g = 0; g < groups; g++) {
        // an item to the end of the message: at its end there is no byte for it, and tshark stops
        t.need(o, 1);
        ctx.sub(l, 'pim.group_set', '', o, end - o);
        const gn = encoded(p, o, ADDR_GROUP, 'pim.group', 'pim.group_ip6');
        if (gn < 0) return;
        o += gn;
        const joins = t.u16(o), prunes = t.u16(o + 2);
        u16f(p, 'pim.numjoins', o);
        let a = o + 4;
        for (let j = 0; j < joins; j++) {
          const sn = encoded(p, a, ADDR_SOURCE, 'pim.join_ip', 'pim.join_ip6');
          if (sn < 0) return;
          a += sn;
        }
        u16f(p, 'pim.numprunes', o + 2);
        for (let j = 0; j < prunes; j++) {
          const sn = encoded(p, a, ADDR_SOURCE, 'pim.prune_ip', 'pim.prune_ip6');
          if (sn < 0) return;
          a += sn;
        }
        o = a;
      }
      return;
    }
    case 4: {
      u16f(p, 'pim.fragment_tag', o);
      u8f(p, 'pim.hash_mask_len', o + 2);
      u8f(p, 'pim.bsr_priority', o + 3);
      o += 4;
      const n = encoded(p, o, ADDR_UNICAST, 'pim.bsr', 'pim.bsr_ip6');
      if (n < 0) return;
      for (o += n; o < end;) {
        const gn = encoded(p, o, ADDR_GROUP, 'pim.group', 'pim.group_ip6');
        if (gn < 0) return;
        o += gn;
        u8f(p, 'pim.rp_count', o);
        const frp = u8f(p, 'pim.frp_count', o + 1);
        o += 4;
        for (let j = 0; j < frp; j++) {
          const rn = encoded(p, o, ADDR_UNICAST, 'pim.rp', 'pim.rp_ip6');
          if (rn < 0) return;
          o += rn;
          u16f(p, 'pim.holdtime', o);
          u8f(p, 'pim.priority', o + 2);
          ctx.sub(l, 'pim.res_bytes', t.bytes(o + 3, 1), o + 3, 1);
          o += 4;
        }
      }
      return;
    }
    case 5: case 9: {
      const n = encoded(p, o, ADDR_GROUP, 'pim.group', 'pim.group_ip6');
      if (n < 0) return;
      o += n;
      const sn = encoded(p, o, ADDR_UNICAST, 'pim.source', 'pim.source_ip6');
      if (sn < 0) return;
      o += sn;
      if (type === 9) {
        const on = encoded(p, o, ADDR_UNICAST, 'pim.originator', 'pim.originator_ip6');
        if (on < 0) return;
        o += on;
      }
      ctx.sub(l, 'pim.rpt', (t.u8(o) & 0x80) !== 0, o, 1);
      ctx.sub(l, 'pim.metric_pref', t.u32(o) & 0x7fffffff, o, 4);
      u32f(p, 'pim.metric', o + 4);
      if (type === 9) {
        o += 8;
        u8f(p, 'pim.mask_len', o);
        u8f(p, 'pim.ttl', o + 1);
        const b = t.u8(o + 2);
        ctx.sub(l, 'pim.prune_indicator', (b & 0x80) !== 0, o + 2, 1);
        ctx.sub(l, 'pim.prune_now', (b & 0x40) !== 0, o + 2, 1);
        ctx.sub(l, 'pim.assert_override', (b & 0x20) !== 0, o + 2, 1);
        u8f(p, 'pim.interval', o + 3);
      }
      return;
    }
    case 8: {
      const count = u8f(p, 'pim.prefix_count', o);
      u8f(p, 'pim.priority', o + 1);
      u16f(p, 'pim.holdtime', o + 2);
      o += 4;
      const n = encoded(p, o, ADDR_UNICAST, 'pim.rp', 'pim.rp_ip6');
      if (n < 0) return;
      o += n;
      for (let i = 0; i < count; i++) {
        const gn = encoded(p, o, ADDR_GROUP, 'pim.group', 'pim.group_ip6');
        if (gn < 0) return;
        o += gn;
      }
      return;
    }
    case 10: {
      const n = encoded(p, o, ADDR_UNICAST, 'pim.rp', 'pim.rp_ip6');
      if (n < 0) return;
      o += n;
      u32f(p, 'pim.metric_pref', o);
      u32f(p, 'pim.metric', o + 4);
      // packet-pim.c reads the DF subtype from the message's first byte (the version, 2): no backoff or pass fields follow
      return;
    }
    default: return;
  }
}

/** The data packet a Register carries: dissected as IP, PIM's columns kept (tshark makes them read-only first). */
function inner(ctx: Ctx, st: State, proto: number, off: number, end: number): void {
  const next = IP_PROTO.get(proto);
  if (!next) return;
  const { protocol, info, srcKind, dstKind, src, dst } = ctx;
  // a tunnel, not a quoted packet (ctx.inner): its transport is decoded in full, as tshark does
  next(ctx, st, off, end);
  ctx.protocol = protocol; ctx.info = info;
  ctx.srcKind = srcKind; ctx.dstKind = dstKind; ctx.src = src; ctx.dst = dst;
}

IP_PROTO.add(103, dissectPim);
