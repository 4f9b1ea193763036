// DHCP / BOOTP (RFC 2131/2132): fixed header and the common options. Info
// like tshark: "DHCP Discover - Transaction ID 0x3d1d", or BOOTP's
// "Boot Request from <mac>" when the message-type option is missing.
import type { Ctx } from './context';
import { declare, HEX16, HEX32, HEX8, treeLine } from './fields';
import { macWithName } from '../enrich/manuf';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { UDP_PORT } = tables;
const { u16, u32 } = readers;


const MSG: Record<number, string> = { 1: 'Discover', 2: 'Offer', 3: 'Request', 4: 'Decline', 5: 'ACK', 6: 'NAK', 7: 'Release', 8: 'Inform' };

declare('dhcp', 'Dynamic Host Configuration Protocol', [
  ['dhcp.type', 'uint', 'Message type', { valueNames: { 1: 'Boot Request', 2: 'Boot Reply' } }],
  ['dhcp.hw.type', 'uint', 'Hardware type', HEX8],
  ['dhcp.hw.len', 'uint', 'Hardware address length'],
  ['dhcp.hops', 'uint', 'Hops'],
  ['dhcp.id', 'uint', 'Transaction ID', HEX32],
  ['dhcp.secs', 'uint', 'Seconds elapsed'],
  ['dhcp.flags', 'uint', 'Bootp flags', HEX16],
  ['dhcp.ip.client', 'ipv4', 'Client IP address'],
  ['dhcp.ip.your', 'ipv4', 'Your (client) IP address'],
  ['dhcp.ip.server', 'ipv4', 'Next server IP address'],
  ['dhcp.ip.relay', 'ipv4', 'Relay agent IP address'],
  ['dhcp.hw.mac_addr', 'ether', 'Client MAC address'],
  ['dhcp.option.end', 'uint', 'Option End'],
  ['dhcp.cookie', 'ipv4', 'Magic cookie'],
  ['dhcp.option.type', 'uint', 'Option'],
  ['dhcp.option.length', 'uint', 'Length'],
  ['dhcp.option.dhcp', 'uint', 'DHCP', { valueNames: MSG }],
  ['dhcp.option.hostname', 'string', 'Host Name'],
  ['dhcp.option.requested_ip_address', 'ipv4', 'Requested IP Address'],
  ['dhcp.option.dhcp_server_id', 'ipv4', 'DHCP Server Identifier'],
  ['dhcp.option.vendor_class_id', 'string', 'Vendor class identifier'],
  ['dhcp.option.domain_name', 'string', 'Domain Name'],
]);

export function dissectDhcp(ctx: Ctx, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('dhcp', off, end - off);
  ctx.protocol = 'BOOTP';
  if (end - off < 34) {
    ctx.malformedAt('dhcp', `BOOTP header cut short (${end - off} of 236 bytes)`, off, end - off);
    ctx.info = 'Malformed BOOTP';
    return;
  }
  const op = d[off], xid = u32(d, off + 4), hlen = d[off + 2];
  ctx.add(l, 'dhcp.type', op, off, 1);
  ctx.add(l, 'dhcp.hw.type', d[off + 1], off + 1, 1);
  ctx.add(l, 'dhcp.hw.len', hlen, off + 2, 1);
  ctx.add(l, 'dhcp.hops', d[off + 3], off + 3, 1);
  ctx.add(l, 'dhcp.id', xid, off + 4, 4);
  ctx.add(l, 'dhcp.secs', u16(d, off + 8), off + 8, 2);
  ctx.add(l, 'dhcp.flags', u16(d, off + 10), off + 10, 2);
  ctx.add(l, 'dhcp.ip.client', u32(d, off + 12), off + 12, 4);
  ctx.add(l, 'dhcp.ip.your', u32(d, off + 16), off + 16, 4);
  ctx.add(l, 'dhcp.ip.server', u32(d, off + 20), off + 20, 4);
  ctx.add(l, 'dhcp.ip.relay', u32(d, off + 24), off + 24, 4);
  const mac = hlen === 6 ? d.subarray(off + 28, off + 34) : null;
  if (mac) ctx.add(l, 'dhcp.hw.mac_addr', mac, off + 28, 6);
  if (op === 1 && mac) {
    // lazy: naming the address loads the whole manuf database, which a read
    // that never shows Info (-T fields, -Y without a summary) must not pay for
    const m = mac.slice();
    ctx.info = () => `Boot Request from ${macWithName(m)}`;
  } else ctx.info = op === 1 ? 'Boot Request' : op === 2 ? 'Boot Reply' : `BOOTP op ${op}`;
  if (end - off < 240) {
    // sname/file/cookie cut short: what tshark reports as a size-limited BOOTP packet
    if (ctx.pkt.capLen >= ctx.pkt.origLen) ctx.malformedAt('dhcp', `BOOTP header cut short (${end - off} of 240 bytes)`, off, end - off);
    else ctx.short = true;
    return;
  }
  const cookie = u32(d, off + 236);
  ctx.add(l, 'dhcp.cookie', cookie, off + 236, 4);
  if (cookie !== 0x63825363) return;
  let o = off + 240;
  // each option advances at least one byte: the loop ends
  while (o < end) {
    const t = d[o];
    if (t === 255) {
      // tshark 4.0 gives the End option's type item the value 0 (filters see 0 too), and its value as dhcp.option.end
      ctx.add(l, 'dhcp.option.type', 0, o, 1);
      ctx.add(l, 'dhcp.option.end', t, o, 1);
      break;
    }
    if (t === 0) { o++; continue; }
    if (o + 1 >= end) { ctx.malformedAt('dhcp', 'option length missing', o, 1); break; }
    const len = d[o + 1];
    ctx.add(l, 'dhcp.option.type', t, o, 1);
    ctx.add(l, 'dhcp.option.length', len, o + 1, 1);
    const v = o + 2;
    if (v + len > end) {
      if (ctx.pkt.capLen >= ctx.pkt.origLen) ctx.malformedAt('dhcp', `option ${t} length ${len} runs past the packet`, o, end - o);
      else ctx.short = true;
      break;
    }
    const text = (): string => { let s = ''; for (let i = v; i < v + len; i++) s += String.fromCharCode(d[i]); return s; };
    switch (t) {
      case 53: if (len >= 1) {
        ctx.add(l, 'dhcp.option.dhcp', d[v], v, 1);
        ctx.protocol = 'DHCP';
        // packet-dhcp.c names a message to or from PXE's port (4011) proxyDHCP
        ctx.info = `${ctx.srcPort === 4011 || ctx.dstPort === 4011 ? 'proxyDHCP' : 'DHCP'} ${MSG[d[v]] ?? `type ${d[v]}`} - Transaction ID 0x${xid.toString(16)}`;
      } break;
      case 12: ctx.add(l, 'dhcp.option.hostname', text(), v, len); break;
      case 15: ctx.add(l, 'dhcp.option.domain_name', text(), v, len); break;
      case 60: ctx.add(l, 'dhcp.option.vendor_class_id', text(), v, len); break;
      case 50: if (len === 4) ctx.add(l, 'dhcp.option.requested_ip_address', u32(d, v), v, 4); break;
      case 54: if (len === 4) ctx.add(l, 'dhcp.option.dhcp_server_id', u32(d, v), v, 4); break;
      case 61:
        // a client identifier that is a hardware address: tshark shows its type and MAC with the header's field names
        if (len === 7 && d[v] === 1) {
          ctx.add(l, 'dhcp.hw.type', d[v], v, 1);
          ctx.add(l, 'dhcp.hw.mac_addr', ctx.mac(d, v + 1), v + 1, 6);
        }
        break;
    }
    o = v + len;
  }
  // options running to the end of a cut frame: tshark's dissector runs past the capture
  if (o >= end && ctx.pkt.capLen < ctx.pkt.origLen) ctx.short = true;
}

// 4011: PXE's proxy DHCP, which tshark 4.0 registers too
UDP_PORT.add([67, 68, 4011], (ctx, _st, off, end) => dissectDhcp(ctx, off, end));

const DHCP_TYPES: Record<number, string> = {
  1: 'Discover', 2: 'Offer', 3: 'Request', 4: 'Decline', 5: 'ACK', 6: 'NAK', 7: 'Release', 8: 'Inform',
};

treeLine('dhcp', (v) => {
  const t = v.field('dhcp.option.dhcp')?.value;
  return typeof t === 'number' ? `${v.title} (${DHCP_TYPES[t] ?? 'Unknown'})` : v.title;
}, ['dhcp.option.dhcp']);
