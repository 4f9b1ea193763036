// ARP (RFC 826) for Ethernet/IPv4; other hardware/protocol pairs keep the
// generic fields and raw addresses.
import { type Ctx, fieldKeys } from './context';
import type { State } from './state';
import { declare, HEX16, treeLine } from './fields';
import { etherToString, ipv4ToString } from './addr';
import * as readers from './bytes';
import * as context from './context';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { ADDR_ETHER } = context;
const { ETHERTYPE } = tables;
const { u16, u32 } = readers;


declare('arp', 'Address Resolution Protocol', [
  ['arp.hw.type', 'uint', 'Hardware type'],
  ['arp.proto.type', 'uint', 'Protocol type', HEX16],
  ['arp.hw.size', 'uint', 'Hardware size'],
  ['arp.proto.size', 'uint', 'Protocol size'],
  ['arp.opcode', 'uint', 'Opcode', { valueNames: { 1: 'request', 2: 'reply', 3: 'reverse request', 4: 'reverse reply' } }],
  ['arp.src.hw_mac', 'ether', 'Sender MAC address'],
  ['arp.src.proto_ipv4', 'ipv4', 'Sender IP address'],
  ['arp.dst.hw_mac', 'ether', 'Target MAC address'],
  ['arp.dst.proto_ipv4', 'ipv4', 'Target IP address'],
  ['arp.src.hw', 'bytes', 'Sender hardware address'],
  ['arp.src.proto', 'bytes', 'Sender protocol address'],
  ['arp.dst.hw', 'bytes', 'Target hardware address'],
  ['arp.dst.proto', 'bytes', 'Target protocol address'],
  ['arp.isgratuitous', 'bool', 'Is gratuitous', { description: 'a request or reply whose sender and target IP address are the same' }],
  ['arp.isprobe', 'bool', 'Is probe', { description: 'a request from 0.0.0.0 with a zero target MAC (RFC 5227)' }],
  ['arp.isannouncement', 'bool', 'Is announcement', { description: 'a gratuitous request with a zero target MAC (RFC 5227)' }],
  ['arp.duplicate-address-detected', 'none', 'Duplicate IP address configured'],
  ['arp.duplicate-address-frame', 'framenum', 'Frame showing earlier use of IP address'],
  ['arp.seconds-since-duplicate-address-frame', 'uint', 'Seconds since earlier frame seen'],
]);

// fields of every packet that gets here, by key (no name hashing per packet)
const K = fieldKeys({
  hwType: 'arp.hw.type', protoType: 'arp.proto.type', hwSize: 'arp.hw.size', protoSize: 'arp.proto.size',
  opcode: 'arp.opcode', srcHwMac: 'arp.src.hw_mac', srcProtoIpv4: 'arp.src.proto_ipv4', dstHwMac: 'arp.dst.hw_mac',
  dstProtoIpv4: 'arp.dst.proto_ipv4', srcHw: 'arp.src.hw', srcProto: 'arp.src.proto', dstHw: 'arp.dst.hw',
  dstProto: 'arp.dst.proto', layer: 'arp',
});

/** Where an IPv4 address was last seen bound to a MAC (packet-arp.c's address_hash_table). */
interface Binding { mac: Uint8Array; frame: number; secs: number }
/** Bounds per capture: a flood of spoofed ARP cannot grow memory without end. */
const MAX_BINDINGS = 65_536, MAX_RESULTS = 65_536;
/**
 * Per capture: the bindings, the duplicates found (by frame and address,
 * so that a frame dissected again shows what it showed the first time, as
 * tshark's duplicate_result_hash_table), and the last frame seen.
 */
interface ArpMemory { bindings: Map<number, Binding>; results: Map<string, Binding>; last: number }
const memories = new WeakMap<State, ArpMemory>();

function remember<K, V>(m: Map<K, V>, k: K, v: V, max: number): void {
  if (m.size >= max && !m.has(k)) m.delete(m.keys().next().value as K);
  m.set(k, v);
}

/**
 * packet-arp.c check_for_duplicate_addresses: an address bound to another
 * MAC in an earlier frame is a duplicate (the earlier binding is kept);
 * the same MAC again refreshes it.
 */
function duplicateOf(mem: ArpMemory, frame: number, first: boolean, mac: Uint8Array, ip: number, secs: number): Binding | undefined {
  const key = `${frame}:${ip}`;
  if (!first) return mem.results.get(key);
  const seen = mem.bindings.get(ip);
  if (seen === undefined) { remember(mem.bindings, ip, { mac: mac.slice(), frame, secs }, MAX_BINDINGS); return undefined; }
  if (frame <= seen.frame) return undefined;
  if (sameBytes(seen.mac, mac)) { seen.frame = frame; seen.secs = secs; return undefined; }
  const dup = { mac: seen.mac, frame: seen.frame, secs: seen.secs };
  remember(mem.results, key, dup, MAX_RESULTS);
  return dup;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A unicast, non-zero MAC: packet-arp.c binds only those. */
const bindable = (mac: Uint8Array): boolean => (mac[0] & 1) === 0 && mac.some((b) => b !== 0);

export function dissectArp(ctx: Ctx, st: State, off: number, end: number): number {
  const d = ctx.d;
  const l = ctx.layerK(K.layer, off, Math.min(8, Math.max(0, end - off)));
  ctx.protocol = 'ARP';
  if (end - off < 8) {
    // packet-arp.c clears Info before it reads: a bounds error leaves only "[Malformed Packet]"
    ctx.boundsAt('arp', `ARP header cut short (${Math.max(0, end - off)} of 8 bytes)`, off, Math.max(0, end - off));
    ctx.info = '';
    return end;
  }
  const hwType = u16(d, off), protoType = u16(d, off + 2), hs = d[off + 4], ps = d[off + 5], op = u16(d, off + 6);
  ctx.addK(l, K.hwType, hwType, off, 2);
  ctx.addK(l, K.protoType, protoType, off + 2, 2);
  ctx.addK(l, K.hwSize, hs, off + 4, 1);
  ctx.addK(l, K.protoSize, ps, off + 5, 1);
  ctx.addK(l, K.opcode, op, off + 6, 2);
  const total = 8 + 2 * (hs + ps);
  l.len = Math.min(total, end - off);
  if (end - off < total) {
    ctx.boundsAt('arp', `ARP addresses cut short (${end - off} of ${total} bytes)`, off, end - off);
    ctx.info = '';
    return end;
  }
  const std = hs === 6 && ps === 4;
  let o = off + 8;
  const sha = d.subarray(o, o + hs); o += hs;
  const spa = d.subarray(o, o + ps); const spaN = ps === 4 ? u32(d, o) : 0; o += ps;
  const tha = d.subarray(o, o + hs); o += hs;
  const tpa = d.subarray(o, o + ps); const tpaN = ps === 4 ? u32(d, o) : 0;
  o = off + 8;
  if (std) {
    ctx.addK(l, K.srcHwMac, sha, o, 6);
    ctx.addK(l, K.srcProtoIpv4, spaN, o + 6, 4);
    ctx.addK(l, K.dstHwMac, tha, o + 10, 6);
    ctx.addK(l, K.dstProtoIpv4, tpaN, o + 16, 4);
  } else {
    ctx.addK(l, K.srcHw, sha, o, hs);
    ctx.addK(l, K.srcProto, spa, o + hs, ps);
    ctx.addK(l, K.dstHw, tha, o + hs + ps, hs);
    ctx.addK(l, K.dstProto, tpa, o + 2 * hs + ps, ps);
  }
  if (ctx.srcKind !== ADDR_ETHER && std && ctx.d === ctx.pkt.data) { ctx.srcKind = ADDR_ETHER; ctx.src = off + 8; }
  let infoSuffix = '';
  // packet-arp.c's tests (for the fields and Info): a sender naming its own address is gratuitous;
  // with an all-zero target MAC a request is a probe (no sender IP) or an announcement
  const zeroTha = std && tha.every((b) => b === 0);
  const gratuitous = std && (op === 1 || op === 2) && spaN === tpaN;
  const probe = zeroTha && op === 1 && spaN === 0;
  const announcement = zeroTha && op === 1 && !probe && spaN === tpaN;
  if (gratuitous) ctx.gen(l, 'arp.isgratuitous', true);
  if (probe) ctx.gen(l, 'arp.isprobe', true);
  if (announcement) ctx.gen(l, 'arp.isannouncement', true);
  // Ethernet (or IEEE 802) hardware and IPv4 (or AX.25's IP) addresses, in a request or a reply
  if ((op === 1 || op === 2) && (hwType === 1 || hwType === 6) && hs === 6 && (protoType === 0x0800 || protoType === 0xcc) && ps === 4) {
    let mem = memories.get(st);
    if (mem === undefined) { mem = { bindings: new Map(), results: new Map(), last: 0 }; memories.set(st, mem); }
    const frame = ctx.pkt.number, first = frame > mem.last;
    if (first) mem.last = frame;
    const secs = ctx.pkt.tsNs === null ? 0 : Number(ctx.pkt.tsNs / 1_000_000_000n);
    let dupIp = 0, dup: Binding | undefined, last: Binding | undefined;
    if (bindable(sha) && spaN !== 0 && (dup = last = duplicateOf(mem, frame, first, sha, spaN, secs)) !== undefined) dupIp = spaN;
    // a request's target says nothing (RFC 826); a gratuitous reply's target is not reported twice
    if (op !== 1 && bindable(tha) && tpaN !== 0 && dupIp !== tpaN) {
      last = duplicateOf(mem, frame, first, tha, tpaN, secs);
      if (last !== undefined) { dup = last; dupIp = tpaN; }
    }
    // packet-arp.c keeps only the last check's answer for Info: a sender's duplicate with a clean target goes unmentioned there
    if (last !== undefined) infoSuffix = ` (duplicate use of ${ipv4ToString(dupIp)} detected!)`;
    if (dup !== undefined) {
      ctx.gen(l, 'arp.duplicate-address-detected', null);
      ctx.gen(l, 'arp.duplicate-address-frame', dup.frame);
      ctx.note('sequence', 'arp', `Duplicate IP address configured (${ipv4ToString(dupIp)})`, 'warn');
      ctx.gen(l, 'arp.seconds-since-duplicate-address-frame', Math.max(0, secs - dup.secs));
    }
  }
  // packet-arp.c: RARP and InARP opcodes name the protocol column
  if (op === 3 || op === 4) ctx.protocol = 'RARP';
  else if (op >= 5 && op <= 7) ctx.protocol = 'DRARP';
  else if (op === 8 || op === 9) ctx.protocol = 'Inverse ARP';
  const info = (): string => {
    if (!std) return op === 1 ? 'request' : op === 2 ? 'reply' : `Unknown ARP opcode 0x${op.toString(16).padStart(4, '0')}`;
    switch (op) {
      case 1:
        if (gratuitous && !announcement) return `Gratuitous ARP for ${ipv4ToString(tpaN)} (Request)`;
        if (probe) return `Who has ${ipv4ToString(tpaN)}? (ARP Probe)`;
        if (announcement) return `ARP Announcement for ${ipv4ToString(tpaN)}`;
        return `Who has ${ipv4ToString(tpaN)}? Tell ${ipv4ToString(spaN)}`;
      case 2:
        if (gratuitous) return `Gratuitous ARP for ${ipv4ToString(spaN)} (Reply)`;
        return `${ipv4ToString(spaN)} is at ${etherToString(sha)}`;
      case 3: case 5: case 8:
        return `Who is ${etherToString(tha)}? Tell ${etherToString(sha)}`;
      case 4: case 6:
        return `${etherToString(tha)} is at ${ipv4ToString(tpaN)}`;
      case 7:
        return `DRARP Error`;
      case 9:
        return `${etherToString(sha)} is at ${ipv4ToString(spaN)}`;
      default:
        return `Unknown ARP opcode 0x${op.toString(16).padStart(4, '0')}`;
    }
  };
  ctx.info = infoSuffix ? () => info() + infoSuffix : info;
  return off + total;
}

// RARP (0x8035) shares ARP's format
ETHERTYPE.add(0x0806, dissectArp);
ETHERTYPE.add(0x8035, dissectArp);

const ARP_OPS: Record<number, string> = { 1: 'request', 2: 'reply', 3: 'reverse request', 4: 'reverse reply' };

treeLine('arp', (v) => {
  const op = v.field('arp.opcode')?.value;
  if (typeof op !== 'number') return v.title;
  const name = ARP_OPS[op];
  if (name === undefined) return `${v.title} (opcode 0x${op.toString(16).padStart(4, '0')})`;
  const spa = v.field('arp.src.proto_ipv4')?.value, tpa = v.field('arp.dst.proto_ipv4')?.value;
  // a sender announcing its own address (packet-arp.c: gratuitous; a request of that kind is an announcement)
  if ((op === 1 || op === 2) && spa !== undefined && spa === tpa) return op === 1 ? `${v.title} (ARP Announcement)` : `${v.title} (${name}/gratuitous ARP)`;
  return `${v.title} (${name})`;
}, ['arp.opcode', 'arp.src.proto_ipv4', 'arp.dst.proto_ipv4']);
