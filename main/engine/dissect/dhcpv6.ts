// DHCPv6 (RFC 8415) on udp/546 and 547: the message type and transaction
// id (or a relay's hop count, link and peer addresses), then the options:
// client and server DUIDs (link-layer plus time, enterprise, link-layer,
// UUID), identity associations with their addresses and prefixes, the
// options requested, elapsed time, status, DNS servers and search list,
// the client FQDN, vendor class; a relay message option holds a whole
// message. Fields and Info as tshark 4.0's packet-dhcpv6.c.
import type { Ctx, FieldNode } from './context';
import { declare } from './fields';
import type { State } from './state';
import { bytesToHex, ipv6ToString } from './addr';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { UDP_PORT } = tables;
const { latin1, u16, u32 } = readers;

const TYPES: Record<number, string> = {
  1: 'Solicit', 2: 'Advertise', 3: 'Request', 4: 'Confirm', 5: 'Renew', 6: 'Rebind', 7: 'Reply', 8: 'Release', 9: 'Decline', 10: 'Reconfigure',
  11: 'Information-request', 12: 'Relay-forw', 13: 'Relay-reply', 14: 'Lease Query', 15: 'Lease Query Reply',
};
const OPTIONS: Record<number, string> = {
  1: 'Client Identifier', 2: 'Server Identifier', 3: 'Identity Association for Non-temporary Address', 4: 'Identity Association for Temporary Address',
  5: 'IA Address', 6: 'Option Request', 7: 'Preference', 8: 'Elapsed time', 9: 'Relay Message', 11: 'Authentication', 12: 'Server unicast',
  13: 'Status code', 14: 'Rapid Commit', 15: 'User Class', 16: 'Vendor Class', 17: 'Vendor-specific Information', 18: 'Interface-Id',
  19: 'Reconfigure Message', 20: 'Reconfigure Accept', 21: 'SIP Server Domain Name List', 22: 'SIP Servers IPv6 Address List',
  23: 'DNS recursive name server', 24: 'Domain Search List', 25: 'Identity Association for Prefix Delegation', 26: 'IA Prefix',
  27: 'Network Information Server', 28: 'Network Information Server V2', 29: 'Network Information Server Domain Name',
  30: 'Network Information Server V2 Domain Name', 31: 'Simple Network Time Protocol Server', 32: 'Information Refresh Time Option',
  39: 'Client Fully Qualified Domain Name', 56: 'NTP Server', 82: 'SOL_MAX_RT', 83: 'INF_MAX_RT',
};
const DUID_TYPES: Record<number, string> = { 1: 'link-layer address plus time', 2: 'assigned by vendor based on Enterprise number', 3: 'link-layer address', 4: 'Universally Unique IDentifier (UUID)' };
const STATUS: Record<number, string> = { 0: 'Success', 1: 'UnspecFail', 2: 'NoAddrAvail', 3: 'NoBinding', 4: 'NotOnLink', 5: 'UseMulticast', 6: 'NoPrefixAvail' };

declare('dhcpv6', 'DHCPv6', [
  ['dhcpv6.msgtype', 'uint', 'Message type', { valueNames: TYPES }],
  ['dhcpv6.hopcount', 'uint', 'Hopcount'],
  ['dhcpv6.xid', 'uint', 'Transaction ID', { base: 'hex', hexDigits: 6 }],
  ['dhcpv6.linkaddr', 'ipv6', 'Link address'],
  ['dhcpv6.peeraddr', 'ipv6', 'Peer address'],
  ['dhcpv6.option.type', 'uint', 'Option', { valueNames: OPTIONS }],
  ['dhcpv6.option.length', 'uint', 'Length'],
  ['dhcpv6.duid.bytes', 'bytes', 'DUID'],
  ['dhcpv6.duid.type', 'uint', 'DUID Type', { valueNames: DUID_TYPES }],
  ['dhcpv6.duidllt.hwtype', 'uint', 'Hardware type'],
  ['dhcpv6.duidllt.time', 'abstime', 'DUID Time'],
  ['dhcpv6.duidllt.link_layer_addr', 'string', 'Link-layer address'],
  ['dhcpv6.duidll.hwtype', 'uint', 'Hardware type'],
  ['dhcpv6.duidll.link_layer_addr', 'string', 'Link-layer address'],
  ['dhcpv6.duiden.enterprise', 'uint', 'Enterprise ID'],
  ['dhcpv6.duiden.identifier', 'bytes', 'Identifier'],
  ['dhcpv6.duiduuid.bytes', 'bytes', 'UUID'],
  ['dhcpv6.iaid', 'string', 'IAID'],
  ['dhcpv6.iaid.t1', 'uint', 'T1'],
  ['dhcpv6.iaid.t2', 'uint', 'T2'],
  ['dhcpv6.iata', 'string', 'IAID'],
  ['dhcpv6.iaaddr.ip', 'ipv6', 'IPv6 address'],
  ['dhcpv6.iaaddr.pref_lifetime', 'uint', 'Preferred lifetime'],
  ['dhcpv6.iaaddr.valid_lifetime', 'uint', 'Valid lifetime'],
  ['dhcpv6.iaprefix.pref_lifetime', 'uint', 'Preferred lifetime'],
  ['dhcpv6.iaprefix.valid_lifetime', 'uint', 'Valid lifetime'],
  ['dhcpv6.iaprefix.pref_len', 'uint', 'Prefix length'],
  ['dhcpv6.iaprefix.pref_addr', 'ipv6', 'Prefix address'],
  ['dhcpv6.requested_option_code', 'uint', 'Requested Option code', { valueNames: OPTIONS }],
  ['dhcpv6.option_preference', 'uint', 'Pref-value'],
  ['dhcpv6.elapsed_time', 'uint', 'Elapsed time'],
  ['dhcpv6.status_code', 'uint', 'Status Code', { valueNames: STATUS }],
  ['dhcpv6.status_msg', 'string', 'Status Message'],
  ['dhcpv6.dns_server', 'ipv6', 'DNS server address'],
  ['dhcpv6.client_fqdn_flags', 'uint', 'Flags', { base: 'hex', hexDigits: 2 }],
  ['dhcpv6.client_domain', 'string', 'Client Domain Name'],
  ['dhcpv6.vendorclass.enterprise', 'uint', 'Enterprise ID'],
  ['dhcpv6.vendorclass.data', 'string', 'vendor-class-data'],
]);

/** DNS-encoded names (RFC 1035 labels, no compression) in [o, end): each name and whether it is whole (ends with the root), and whether they ended cleanly. */
function names(d: Uint8Array, o: number, end: number): { list: Array<[string, number, number, boolean]>; ok: boolean } {
  const list: Array<[string, number, number, boolean]> = [];
  while (o < end) {
    const start = o;
    const labels: string[] = [];
    let closed = false;
    while (o < end) {
      const n = d[o++];
      if (n === 0) { closed = true; break; }
      if (n > 63 || o + n > end) return { list, ok: false };
      labels.push(latin1(d, o, o + n));
      o += n;
    }
    // a partial name (RFC 4704: no final zero) is a name too
    list.push([labels.join('.'), start, o - start, closed]);
    if (!closed) break;
  }
  return { list, ok: true };
}

function duid(ctx: Ctx, opt: FieldNode, o: number, end: number): string {
  const d = ctx.d;
  const hex = bytesToHex(d.subarray(o, end));
  ctx.sub(opt, 'dhcpv6.duid.bytes', d.subarray(o, end), o, end - o);
  if (end - o < 2) return hex;
  const t = u16(d, o);
  ctx.sub(opt, 'dhcpv6.duid.type', t, o, 2);
  if (t === 1 && end - o >= 8) {
    ctx.sub(opt, 'dhcpv6.duidllt.hwtype', u16(d, o + 2), o + 2, 2);
    // seconds since 2000-01-01 00:00:00 UTC
    ctx.sub(opt, 'dhcpv6.duidllt.time', (BigInt(u32(d, o + 4)) + 946_684_800n) * 1_000_000_000n, o + 4, 4);
    ctx.sub(opt, 'dhcpv6.duidllt.link_layer_addr', bytesToHex(d.subarray(o + 8, end), ':'), o + 8, end - o - 8);
  } else if (t === 2 && end - o >= 6) {
    ctx.sub(opt, 'dhcpv6.duiden.enterprise', u32(d, o + 2), o + 2, 4);
    ctx.sub(opt, 'dhcpv6.duiden.identifier', d.subarray(o + 6, end), o + 6, end - o - 6);
  } else if (t === 3 && end - o >= 4) {
    ctx.sub(opt, 'dhcpv6.duidll.hwtype', u16(d, o + 2), o + 2, 2);
    ctx.sub(opt, 'dhcpv6.duidll.link_layer_addr', bytesToHex(d.subarray(o + 4, end), ':'), o + 4, end - o - 4);
  } else if (t === 4 && end - o === 18) ctx.sub(opt, 'dhcpv6.duiduuid.bytes', d.subarray(o + 2, end), o + 2, 16);
  return hex;
}

interface Summary { cid?: string; iaa?: string; inner?: string }

const MAX_DEPTH = 8;

/** Options in [o, end) under `parent`. */
function options(ctx: Ctx, st: State, parent: FieldNode, o: number, end: number, sum: Summary, depth: number): void {
  const d = ctx.d;
  while (o < end) {
    if (end - o < 4) { ctx.malformedAt('dhcpv6', `option header cut short (${end - o} of 4 bytes)`, o, end - o); return; }
    const type = u16(d, o), len = u16(d, o + 2);
    const v = o + 4, ve = v + len;
    // as tshark: an option longer than what is left ends the options, shown as a note, not as damage
    if (ve > end) { ctx.note('protocol', 'dhcpv6', `option ${type} length ${len} past the message (${end - v} bytes left)`, 'warn'); return; }
    const opt = ctx.sub(parent, 'dhcpv6.option.type', type, o, 2);
    ctx.sub(opt, 'dhcpv6.option.length', len, o + 2, 2);
    switch (type) {
      case 1: { const h = duid(ctx, opt, v, ve); sum.cid ??= h; break; }
      case 2: duid(ctx, opt, v, ve); break;
      case 3: case 25:
        if (len >= 12) {
          ctx.sub(opt, 'dhcpv6.iaid', u32(d, v).toString(16).padStart(8, '0'), v, 4);
          ctx.sub(opt, 'dhcpv6.iaid.t1', u32(d, v + 4), v + 4, 4);
          ctx.sub(opt, 'dhcpv6.iaid.t2', u32(d, v + 8), v + 8, 4);
          if (depth < MAX_DEPTH) options(ctx, st, opt, v + 12, ve, sum, depth + 1);
        }
        break;
      case 4:
        if (len >= 4) {
          ctx.sub(opt, 'dhcpv6.iata', u32(d, v).toString(16).padStart(8, '0'), v, 4);
          if (depth < MAX_DEPTH) options(ctx, st, opt, v + 4, ve, sum, depth + 1);
        }
        break;
      case 5:
        if (len >= 24) {
          const a = d.subarray(v, v + 16);
          ctx.sub(opt, 'dhcpv6.iaaddr.ip', a, v, 16);
          ctx.sub(opt, 'dhcpv6.iaaddr.pref_lifetime', u32(d, v + 16), v + 16, 4);
          ctx.sub(opt, 'dhcpv6.iaaddr.valid_lifetime', u32(d, v + 20), v + 20, 4);
          sum.iaa ??= ipv6ToString(a);
          if (depth < MAX_DEPTH) options(ctx, st, opt, v + 24, ve, sum, depth + 1);
        }
        break;
      case 26:
        if (len >= 25) {
          ctx.sub(opt, 'dhcpv6.iaprefix.pref_lifetime', u32(d, v), v, 4);
          ctx.sub(opt, 'dhcpv6.iaprefix.valid_lifetime', u32(d, v + 4), v + 4, 4);
          ctx.sub(opt, 'dhcpv6.iaprefix.pref_len', d[v + 8], v + 8, 1);
          ctx.sub(opt, 'dhcpv6.iaprefix.pref_addr', d.subarray(v + 9, v + 25), v + 9, 16);
          if (depth < MAX_DEPTH) options(ctx, st, opt, v + 25, ve, sum, depth + 1);
        }
        break;
      case 6: for (let p = v; p + 2 <= ve; p += 2) ctx.sub(opt, 'dhcpv6.requested_option_code', u16(d, p), p, 2); break;
      case 7: if (len >= 1) ctx.sub(opt, 'dhcpv6.option_preference', d[v], v, 1); break;
      // in hundredths of a second on the wire, shown (and kept) in milliseconds
      case 8: if (len >= 2) ctx.sub(opt, 'dhcpv6.elapsed_time', u16(d, v) * 10, v, 2); break;
      case 9: if (depth < MAX_DEPTH) sum.inner ??= message(ctx, st, opt, v, ve, depth + 1); break;
      case 13:
        if (len >= 2) {
          ctx.sub(opt, 'dhcpv6.status_code', u16(d, v), v, 2);
          ctx.sub(opt, 'dhcpv6.status_msg', latin1(d, v + 2, ve), v + 2, len - 2);
        }
        break;
      case 16:
        if (len >= 4) {
          ctx.sub(opt, 'dhcpv6.vendorclass.enterprise', u32(d, v), v, 4);
          for (let p = v + 4; p + 2 <= ve;) {
            const n = u16(d, p);
            if (p + 2 + n > ve) break;
            ctx.sub(opt, 'dhcpv6.vendorclass.data', latin1(d, p + 2, p + 2 + n), p + 2, n);
            p += 2 + n;
          }
        }
        break;
      case 23: for (let p = v; p + 16 <= ve; p += 16) ctx.sub(opt, 'dhcpv6.dns_server', d.subarray(p, p + 16), p, 16); break;
      case 39:
        if (len >= 1) {
          ctx.sub(opt, 'dhcpv6.client_fqdn_flags', d[v], v, 1);
          for (const [n, at, l, full] of names(d, v + 1, ve).list) ctx.sub(opt, 'dhcpv6.client_domain', full ? `${n}.` : n, at, l);
        }
        break;
      default: break;
    }
    o = ve;
  }
}

/** One message (a relay's inner one too) at [o, end); returns its summary as tshark's Info shows it. */
function message(ctx: Ctx, st: State, parent: FieldNode, o: number, end: number, depth: number): string {
  const d = ctx.d;
  if (end - o < 1) { ctx.malformedAt('dhcpv6', 'message empty', o, 0); return ''; }
  const type = d[o];
  const name = TYPES[type] ?? `Unknown (${type})`;
  const sum: Summary = {};
  ctx.sub(parent, 'dhcpv6.msgtype', type, o, 1);
  if (type === 12 || type === 13) {
    if (end - o < 34) { ctx.malformedAt('dhcpv6', `relay message header cut short (${end - o} of 34 bytes)`, o, end - o); return name; }
    ctx.sub(parent, 'dhcpv6.hopcount', d[o + 1], o + 1, 1);
    ctx.sub(parent, 'dhcpv6.linkaddr', d.subarray(o + 2, o + 18), o + 2, 16);
    ctx.sub(parent, 'dhcpv6.peeraddr', d.subarray(o + 18, o + 34), o + 18, 16);
    options(ctx, st, parent, o + 34, end, sum, depth);
    return `${name} L: ${ipv6ToString(d.subarray(o + 2, o + 18))}${sum.inner ? ` ${sum.inner}` : ''}`;
  }
  if (end - o < 4) { ctx.malformedAt('dhcpv6', `message header cut short (${end - o} of 4 bytes)`, o, end - o); return name; }
  const xid = (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3];
  ctx.sub(parent, 'dhcpv6.xid', xid, o + 1, 3);
  options(ctx, st, parent, o + 4, end, sum, depth);
  return `${name} XID: 0x${xid.toString(16).padStart(6, '0')}${sum.cid ? ` CID: ${sum.cid}` : ''}${sum.iaa ? ` IAA: ${sum.iaa}` : ''}`;
}

export function dissectDhcpv6(ctx: Ctx, st: State, off: number, end: number): void {
  const l = ctx.layer('dhcpv6', off, end - off);
  ctx.protocol = 'DHCPv6';
  ctx.info = message(ctx, st, l, off, end, 0);
}

UDP_PORT.add([546, 547], dissectDhcpv6);
