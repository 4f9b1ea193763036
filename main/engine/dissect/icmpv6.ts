// ICMPv6 (RFC 4443) with Neighbor Discovery (RFC 4861) and MLDv2 basics.
import type { Ctx, FieldNode } from './context';
import { declare, HEX16 } from './fields';
import { dissectData } from './data';
import { type Prologue, openHeader } from './prologue';
import { dissectIpv6 } from './ipv6';
import { dissectQuoted, linkEcho, type EchoFields } from './icmp';
import { etherToString } from './addr';
import type { State } from './state';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { IP_PROTO } = tables;
const { u16 } = readers;


const TYPES: Record<number, string> = {
  1: 'Destination Unreachable', 2: 'Packet Too Big', 3: 'Time Exceeded', 4: 'Parameter Problem',
  128: 'Echo (ping) request', 129: 'Echo (ping) reply', 130: 'Multicast Listener Query', 131: 'Multicast Listener Report',
  132: 'Multicast Listener Done', 133: 'Router Solicitation', 134: 'Router Advertisement', 135: 'Neighbor Solicitation',
  136: 'Neighbor Advertisement', 137: 'Redirect', 143: 'Multicast Listener Report Message v2',
};

/** codes of Destination Unreachable, as tshark names them in Info */
const UNREACH: Record<number, string> = {
  0: 'No route to destination', 1: 'Administratively prohibited', 2: 'Beyond scope of source address', 3: 'Address unreachable',
  4: 'Port unreachable', 5: 'Source address failed ingress/egress policy', 6: 'Reject route to destination',
};
/** the codes tshark names in Info, by type */
const CODES: Record<number, Record<number, string>> = {
  1: UNREACH,
  3: { 0: 'hop limit exceeded in transit', 1: 'fragment reassembly time exceeded' },
  4: { 0: 'erroneous header field encountered', 1: 'unrecognized Next Header type encountered', 2: 'unrecognized IPv6 option encountered' },
};

declare('icmpv6', 'Internet Control Message Protocol v6', [
  ['icmpv6.type', 'uint', 'Type', { valueNames: TYPES }],
  ['icmpv6.code', 'uint', 'Code'],
  ['icmpv6.checksum', 'uint', 'Checksum', HEX16],
  ['icmpv6.echo.identifier', 'uint', 'Identifier', HEX16],
  ['icmpv6.echo.sequence_number', 'uint', 'Sequence'],
  ['icmpv6.mtu', 'uint', 'MTU'],
  ['icmpv6.resp_to', 'framenum', 'Response To', { description: 'the echo request this reply answers' }],
  ['icmpv6.resptime', 'float', 'Response Time (ms)'],
  ['icmpv6.nd.ra.cur_hop_limit', 'uint', 'Cur hop limit'],
  ['icmpv6.nd.ra.router_lifetime', 'uint', 'Router lifetime (s)'],
  ['icmpv6.nd.ns.target_address', 'ipv6', 'Target Address'],
  ['icmpv6.nd.na.target_address', 'ipv6', 'Target Address'],
  ['icmpv6.mldr.nb_mcast_records', 'uint', 'Number of Multicast Address Records'],
  ['icmpv6.opt.type', 'uint', 'Option Type'],
  ['icmpv6.opt.length', 'uint', 'Option Length', { description: 'in units of 8 bytes' }],
  ['icmpv6.opt.linkaddr', 'ether', 'Link-layer address'],
  ['icmpv6.opt.prefix', 'ipv6', 'Prefix'],
  ['icmpv6.opt.mtu', 'uint', 'MTU'],
]);

const ECHO: EchoFields = { respTo: 'icmpv6.resp_to', respTime: 'icmpv6.resptime' };
const ICMPV6: Prologue = { layer: 'icmpv6', protocol: 'ICMPv6', header: 4, cap: Infinity, shortInfo: 'Malformed ICMPv6' };

export function dissectIcmpv6(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const avail = end - off;
  const l = openHeader(ctx, ICMPV6, off, end);
  if (!l) return;
  const type = d[off], code = d[off + 1];
  ctx.add(l, 'icmpv6.type', type, off, 1);
  ctx.add(l, 'icmpv6.code', code, off + 1, 1);
  ctx.add(l, 'icmpv6.checksum', u16(d, off + 2), off + 2, 2);
  const name = TYPES[type] ?? `Unknown ICMPv6 type ${type}`;
  ctx.info = name;
  const short = (need: number): boolean => {
    if (avail >= need) return false;
    ctx.malformedAt('icmpv6', `${name} cut short (${avail} of ${need} bytes)`, off, avail);
    return true;
  };
  switch (type) {
    case 128: case 129: {
      if (short(8)) return;
      const id = u16(d, off + 4), seq = u16(d, off + 6);
      ctx.add(l, 'icmpv6.echo.identifier', id, off + 4, 2);
      ctx.add(l, 'icmpv6.echo.sequence_number', seq, off + 6, 2);
      ctx.info = `${name} id=0x${id.toString(16).padStart(4, '0')}, seq=${seq}${ctx.ttl >= 0 ? `, hop limit=${ctx.ttl}` : ''}` +
        linkEcho(ctx, st, l, ECHO, type === 128, id, seq);
      dissectData(ctx, off + 8, end, l);
      return;
    }
    case 1: case 2: case 3: case 4: {
      if (short(8)) return;
      const codeName = CODES[type]?.[code];
      if (codeName !== undefined) ctx.info = `${name} (${codeName})`;
      if (type === 2) ctx.add(l, 'icmpv6.mtu', ((d[off + 4] << 24) | (d[off + 5] << 16) | (d[off + 6] << 8) | d[off + 7]) >>> 0, off + 4, 4);
      dissectQuoted(ctx, st, off + 8, end, dissectIpv6, 'ICMPv6');
      return;
    }
    case 133: if (!short(8)) ndOptions(ctx, l, off + 8, end); return;
    case 134:
      if (short(16)) return;
      ctx.add(l, 'icmpv6.nd.ra.cur_hop_limit', d[off + 4], off + 4, 1);
      ctx.add(l, 'icmpv6.nd.ra.router_lifetime', u16(d, off + 6), off + 6, 2);
      ndOptions(ctx, l, off + 16, end);
      return;
    case 135: case 136: {
      if (short(24)) return;
      const t = d.subarray(off + 8, off + 24);
      ctx.add(l, type === 135 ? 'icmpv6.nd.ns.target_address' : 'icmpv6.nd.na.target_address', t, off + 8, 16);
      ndOptions(ctx, l, off + 24, end);
      return;
    }
    case 143:
      if (short(8)) return;
      ctx.add(l, 'icmpv6.mldr.nb_mcast_records', u16(d, off + 6), off + 6, 2);
      return;
    default:
      return;
  }
}

function ndOptions(ctx: Ctx, l: FieldNode, o: number, end: number): void {
  const d = ctx.d;
  while (o + 2 <= end) {
    const type = d[o], len = d[o + 1];
    ctx.add(l, 'icmpv6.opt.type', type, o, 1);
    ctx.add(l, 'icmpv6.opt.length', len, o + 1, 1);
    // a zero length would never advance (RFC 4861 says: discard)
    if (len === 0) { ctx.malformedAt('icmpv6', 'ND option with length 0', o, 2); return; }
    const n = len * 8;
    if (o + n > end) { ctx.malformedAt('icmpv6', `ND option length ${n} runs past the packet`, o, end - o); return; }
    if ((type === 1 || type === 2) && n >= 8) {
      const mac = d.subarray(o + 2, o + 8);
      ctx.add(l, 'icmpv6.opt.linkaddr', mac, o + 2, 6);
      // "Router Advertisement from b0:99:28:c8:d6:6c", as tshark says it
      if (type === 1 && typeof ctx.info === 'string' && !ctx.info.includes(' from ')) ctx.info += ` from ${etherToString(mac)}`;
    }
    else if (type === 3 && n >= 32) ctx.add(l, 'icmpv6.opt.prefix', d.subarray(o + 16, o + 32), o + 16, 16);
    else if (type === 5 && n >= 8) ctx.add(l, 'icmpv6.opt.mtu', ((d[o + 4] << 24) | (d[o + 5] << 16) | (d[o + 6] << 8) | d[o + 7]) >>> 0, o + 4, 4);
    o += n;
  }
}

IP_PROTO.add(58, dissectIcmpv6);
