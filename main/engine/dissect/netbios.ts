// NetBIOS over TCP/IP (RFC 1001/1002): the Name Service (udp/137), the
// Datagram Service (udp/138) and the Session Service (tcp/139, and the
// direct-hosted SMB framing on tcp/445 with its 24-bit length). Session
// messages carry SMB or SMB2, found in NBSS_PAYLOAD by their first byte.
// Fields and Info as tshark 4.0's packet-nbns.c / packet-nbss.c.
import type { Ctx } from './context';
import { openLayer } from './prologue';
import type { State } from './state';
import { declare, HEX8, HEX16 } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { PduApp } from './pdu';
import { dissectData } from './data';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { UDP_PORT, TCP_PORT, NBSS_PAYLOAD } = tables;
const { u16, u32 } = readers;

const SUFFIX: Record<number, string> = {
  0x00: 'Workstation/Redirector', 0x01: 'Browser', 0x02: 'Workstation/Redirector', 0x03: 'Messenger service/Main name',
  0x05: 'Forwarded name', 0x06: 'RAS Server service', 0x1b: 'Domain Master Browser', 0x1c: 'Domain Controllers',
  0x1d: 'Local Master Browser', 0x1e: 'Browser Election Service', 0x1f: 'Net DDE Service', 0x20: 'Server service',
  0x21: 'RAS client service', 0x22: 'Exchange Interchange (MSMail Connector)', 0x23: 'Exchange Store',
  0x24: 'Exchange Directory', 0x2b: 'Lotus Notes Server service', 0x30: 'Modem sharing server service',
  0x31: 'Modem sharing client service', 0x43: 'SMS Clients Remote Control', 0x44: 'SMS Administrators Remote Control Tool',
  0x45: 'SMS Clients Remote Chat', 0x46: 'SMS Clients Remote Transfer', 0x4c: 'DEC Pathworks TCP/IP Service on Windows NT',
  0x52: 'DEC Pathworks TCP/IP Service on Windows NT', 0x6a: 'Microsoft Exchange IMC', 0x87: 'Microsoft Exchange MTA',
  0xbe: 'Network Monitor Agent', 0xbf: 'Network Monitor Analyzer',
};
const OPCODES: Record<number, string> = { 0: 'Name query', 5: 'Registration', 6: 'Release', 7: 'Wait for acknowledgment', 8: 'Refresh', 9: 'Refresh (alternate opcode)', 15: 'Multi-homed registration' };
const RCODES: Record<number, string> = { 0: 'No error', 1: 'Format error', 2: 'Server failure', 3: 'Requested name does not exist', 4: 'Request is not implemented', 5: 'Request is refused', 6: 'Active error', 7: 'Name in conflict' };
const TYPES: Record<number, string> = { 0x0a: 'NULL', 0x20: 'NB', 0x21: 'NBSTAT', 1: 'A', 2: 'NS' };
const ONT: Record<number, string> = { 0: 'B-node', 1: 'P-node', 2: 'M-node', 3: 'H-node' };
const NBSS_TYPES: Record<number, string> = { 0x00: 'Session message', 0x81: 'Session request', 0x82: 'Positive session response', 0x83: 'Negative session response', 0x84: 'Retarget session response', 0x85: 'Session keep-alive' };
const NBSS_ERRORS: Record<number, string> = { 0x80: 'Not listening on called name', 0x81: 'Not listening for calling name', 0x82: 'Called name not present', 0x83: 'Called name present, but insufficient resources', 0x8f: 'Unspecified error' };
const NBDGM_TYPES: Record<number, string> = { 0x10: 'Direct_unique datagram', 0x11: 'Direct_group datagram', 0x12: 'Broadcast datagram', 0x13: 'Datagram error', 0x14: 'Datagram query request', 0x15: 'Datagram positive query response', 0x16: 'Datagram negative query response' };

declare('nbns', 'NetBIOS Name Service', [
  ['nbns.id', 'uint', 'Transaction ID', HEX16],
  ['nbns.flags', 'uint', 'Flags', HEX16],
  ['nbns.flags.response', 'bool', 'Response'],
  ['nbns.flags.opcode', 'uint', 'Opcode', { valueNames: OPCODES }],
  ['nbns.flags.authoritative', 'bool', 'Authoritative'],
  ['nbns.flags.truncated', 'bool', 'Truncated'],
  ['nbns.flags.recdesired', 'bool', 'Recursion desired'],
  ['nbns.flags.recavail', 'bool', 'Recursion available'],
  ['nbns.flags.broadcast', 'bool', 'Broadcast'],
  ['nbns.flags.rcode', 'uint', 'Reply code', { valueNames: RCODES }],
  ['nbns.count.queries', 'uint', 'Questions'],
  ['nbns.count.answers', 'uint', 'Answer RRs'],
  ['nbns.count.auth_rr', 'uint', 'Authority RRs'],
  ['nbns.count.add_rr', 'uint', 'Additional RRs'],
  ['nbns.name', 'string', 'Name'],
  ['nbns.type', 'uint', 'Type', { valueNames: TYPES }],
  ['nbns.class', 'uint', 'Class', { valueNames: { 1: 'IN' } }],
  ['nbns.ttl', 'uint', 'Time to live'],
  ['nbns.data_length', 'uint', 'Data length'],
  ['nbns.nb_flags', 'uint', 'Name flags', HEX16],
  ['nbns.nb_flags.group', 'bool', 'Name type'],
  ['nbns.nb_flags.ont', 'uint', 'ONT', { valueNames: ONT }],
  ['nbns.addr', 'ipv4', 'Addr'],
  ['nbns.number_of_names', 'uint', 'Number of names'],
  ['nbns.netbios_name', 'string', 'Name'],
  ['nbns.name_flags', 'uint', 'Name flags', HEX16],
  ['nbns.unit_id', 'ether', 'Unit ID'],
]);

declare('nbss', 'NetBIOS Session Service', [
  ['nbss.type', 'uint', 'Message Type', { ...HEX8, valueNames: NBSS_TYPES }],
  ['nbss.flags', 'uint', 'Flags', HEX8],
  ['nbss.flags.e', 'bool', 'Extend'],
  ['nbss.length', 'uint', 'Length'],
  ['nbss.called_name', 'string', 'Called name'],
  ['nbss.calling_name', 'string', 'Calling name'],
  ['nbss.error_code', 'uint', 'Error code', { ...HEX8, valueNames: NBSS_ERRORS }],
  ['nbss.retarget_ip_address', 'ipv4', 'Retarget IP address'],
  ['nbss.retarget_port', 'uint', 'Retarget port'],
]);

declare('nbdgm', 'NetBIOS Datagram Service', [
  ['nbdgm.type', 'uint', 'Message Type', { ...HEX8, valueNames: NBDGM_TYPES }],
  ['nbdgm.next', 'bool', 'More fragments follow'],
  ['nbdgm.first', 'bool', 'This is first fragment'],
  ['nbdgm.node_type', 'uint', 'Node Type', { valueNames: { 0: 'B node', 1: 'P node', 2: 'M node', 3: 'NBDD' } }],
  ['nbdgm.dgram_id', 'uint', 'Datagram ID', HEX16],
  ['nbdgm.src.ip', 'ipv4', 'Source IP'],
  ['nbdgm.src.port', 'uint', 'Source Port'],
  ['nbdgm.dgram_len', 'uint', 'Datagram length'],
  ['nbdgm.pkt_offset', 'uint', 'Packet offset'],
  ['nbdgm.source_name', 'string', 'Source name'],
  ['nbdgm.destination_name', 'string', 'Destination name'],
  ['nbdgm.error_code', 'uint', 'Error code', HEX8],
]);

const MAX_SCOPE_LABELS = 64;

interface NbName { name: string; suffix: number; end: number }

/**
 * A first-level-encoded NetBIOS name at `o` (RFC 1001 §14.1: 32 letters
 * 'A'..'P', two per byte) with its scope labels, or a DNS pointer (NBNS
 * answers may compress) resolved once against the message at `msg`.
 * Returns null when it is not one.
 */
function readName(d: Uint8Array, msg: number, o: number, end: number, depth = 0): NbName | null {
  if (o >= end) return null;
  if ((d[o] & 0xc0) === 0xc0) {
    if (o + 2 > end || depth > 0) return null;
    const t = readName(d, msg, msg + (u16(d, o) & 0x3fff), end, 1);
    return t && { ...t, end: o + 2 };
  }
  if (d[o] !== 32 || o + 33 > end) return null;
  let raw = '';
  let suffix = 0;
  for (let i = 0; i < 16; i++) {
    const a = d[o + 1 + 2 * i] - 65, b = d[o + 2 + 2 * i] - 65;
    if (a < 0 || a > 15 || b < 0 || b > 15) return null;
    const c = (a << 4) | b;
    if (i === 15) suffix = c; else raw += String.fromCharCode(c);
  }
  let p = o + 33;
  // scope: DNS-style labels after the encoded name
  for (let n = 0; p < end && d[p] !== 0 && n < MAX_SCOPE_LABELS; n++) {
    const l = d[p];
    if ((l & 0xc0) !== 0 || p + 1 + l > end) return null;
    raw += '.' + String.fromCharCode(...d.subarray(p + 1, p + 1 + l));
    p += 1 + l;
  }
  if (p >= end) return null;
  // tshark trims the space padding of the 15 characters
  const base = raw.replace(/ +(?=\.|$)/, '');
  return { name: base, suffix, end: p + 1 };
}

const hex2 = (v: number): string => v.toString(16).padStart(2, '0');
const nameText = (n: NbName): string => `${n.name}<${hex2(n.suffix)}>`;
const nameLong = (n: NbName): string => `${nameText(n)} (${SUFFIX[n.suffix] ?? 'Unknown'})`;

export function dissectNbns(ctx: Ctx, _st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = openLayer(ctx, 'nbns', 'NBNS', off, end, 12);
  if (!l) return;
  const flags = u16(d, off + 2);
  const response = (flags & 0x8000) !== 0, opcode = (flags >> 11) & 15, rcode = flags & 15;
  ctx.add(l, 'nbns.id', u16(d, off), off, 2);
  const f = ctx.add(l, 'nbns.flags', flags, off + 2, 2);
  ctx.sub(f, 'nbns.flags.response', response, off + 2, 2);
  ctx.sub(f, 'nbns.flags.opcode', opcode, off + 2, 2);
  if (response) ctx.sub(f, 'nbns.flags.authoritative', (flags & 0x400) !== 0, off + 2, 2);
  ctx.sub(f, 'nbns.flags.truncated', (flags & 0x200) !== 0, off + 2, 2);
  ctx.sub(f, 'nbns.flags.recdesired', (flags & 0x100) !== 0, off + 2, 2);
  if (response) ctx.sub(f, 'nbns.flags.recavail', (flags & 0x80) !== 0, off + 2, 2);
  ctx.sub(f, 'nbns.flags.broadcast', (flags & 0x10) !== 0, off + 2, 2);
  if (response) ctx.sub(f, 'nbns.flags.rcode', rcode, off + 2, 2);
  const counts = [u16(d, off + 4), u16(d, off + 6), u16(d, off + 8), u16(d, off + 10)];
  ctx.add(l, 'nbns.count.queries', counts[0], off + 4, 2);
  ctx.add(l, 'nbns.count.answers', counts[1], off + 6, 2);
  ctx.add(l, 'nbns.count.auth_rr', counts[2], off + 8, 2);
  ctx.add(l, 'nbns.count.add_rr', counts[3], off + 10, 2);
  let info = (OPCODES[opcode] ?? `Unknown operation (${opcode})`) + (response ? ' response' : '');
  if (response && rcode !== 0) info += `, ${RCODES[rcode] ?? `Unknown (${rcode})`}`;
  ctx.info = info;
  let o = off + 12;
  // queries: a name, type and class each
  for (let i = 0; i < counts[0]; i++) {
    const n = readName(d, off, o, end);
    if (!n || n.end + 4 > end) { ctx.malformedAt('nbns', 'NBNS query cut short or badly encoded', o, end - o); ctx.info = info; return; }
    const type = u16(d, n.end);
    ctx.add(l, 'nbns.name', nameText(n), o, n.end - o);
    ctx.add(l, 'nbns.type', type, n.end, 2);
    ctx.add(l, 'nbns.class', u16(d, n.end + 2), n.end + 2, 2);
    info += ` ${TYPES[type] ?? `Unknown (${type})`} ${nameText(n)}`;
    o = n.end + 4;
  }
  // answer, authority and additional records; only the answers name themselves in Info
  for (let sec = 1; sec < 4; sec++) {
    for (let i = 0; i < counts[sec]; i++) {
      const n = readName(d, off, o, end);
      if (!n || n.end + 10 > end) { ctx.malformedAt('nbns', 'NBNS record cut short or badly encoded', o, end - o); ctx.info = info; return; }
      const r = n.end;
      const type = u16(d, r), rdlen = u16(d, r + 8);
      ctx.add(l, 'nbns.name', nameLong(n), o, r - o);
      ctx.add(l, 'nbns.type', type, r, 2);
      ctx.add(l, 'nbns.class', u16(d, r + 2), r + 2, 2);
      ctx.add(l, 'nbns.ttl', u32(d, r + 4), r + 4, 4);
      ctx.add(l, 'nbns.data_length', rdlen, r + 8, 2);
      const rd = r + 10;
      if (rd + rdlen > end) { ctx.malformedAt('nbns', `record data length ${rdlen} runs past the datagram`, r + 8, 2); ctx.info = info; return; }
      const addrs: string[] = [];
      if (type === 0x20) {
        // NB: (flags, address) pairs
        for (let p = rd; p + 6 <= rd + rdlen; p += 6) {
          const nf = u16(d, p);
          const fl = ctx.add(l, 'nbns.nb_flags', nf, p, 2);
          ctx.sub(fl, 'nbns.nb_flags.group', (nf & 0x8000) !== 0, p, 2);
          ctx.sub(fl, 'nbns.nb_flags.ont', (nf >> 13) & 3, p, 2);
          ctx.add(l, 'nbns.addr', u32(d, p + 2), p + 2, 4);
          addrs.push(`${d[p + 2]}.${d[p + 3]}.${d[p + 4]}.${d[p + 5]}`);
        }
      } else if (type === 0x21 && rdlen >= 1) {
        const count = d[rd];
        ctx.add(l, 'nbns.number_of_names', count, rd, 1);
        let p = rd + 1;
        for (let k = 0; k < count && p + 18 <= rd + rdlen; k++, p += 18) {
          let nm = '';
          for (let c = 0; c < 15; c++) nm += String.fromCharCode(d[p + c]);
          ctx.add(l, 'nbns.netbios_name', `${nm.replace(/ +$/, '')}<${hex2(d[p + 15])}>`, p, 16);
          ctx.add(l, 'nbns.name_flags', u16(d, p + 16), p + 16, 2);
        }
        if (p + 6 <= rd + rdlen) ctx.add(l, 'nbns.unit_id', ctx.mac(d, p), p, 6);
      }
      if (sec === 1) info += ` ${TYPES[type] ?? `Unknown (${type})`}${addrs.length ? ' ' + addrs.join(' ') : ''}`;
      o = rd + rdlen;
    }
  }
  ctx.info = info;
}

/** NBDS (udp/138): the datagram header, its two names, then the SMB it carries. */
export function dissectNbdgm(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = openLayer(ctx, 'nbdgm', 'NBDS', off, end, 10);
  if (!l) return;
  const type = d[off], flags = d[off + 1];
  ctx.add(l, 'nbdgm.type', type, off, 1);
  ctx.add(l, 'nbdgm.next', (flags & 1) !== 0, off + 1, 1);
  ctx.add(l, 'nbdgm.first', (flags & 2) !== 0, off + 1, 1);
  ctx.add(l, 'nbdgm.node_type', (flags >> 2) & 3, off + 1, 1);
  ctx.add(l, 'nbdgm.dgram_id', u16(d, off + 2), off + 2, 2);
  ctx.add(l, 'nbdgm.src.ip', u32(d, off + 4), off + 4, 4);
  ctx.add(l, 'nbdgm.src.port', u16(d, off + 8), off + 8, 2);
  ctx.info = NBDGM_TYPES[type] ?? `Unknown message type (0x${hex2(type)})`;
  if (type === 0x13) {
    if (end - off >= 11) ctx.add(l, 'nbdgm.error_code', d[off + 10], off + 10, 1);
    return;
  }
  if (type > 0x12) {
    const n = readName(d, off, off + 10, end);
    if (n) { ctx.add(l, 'nbdgm.destination_name', nameLong(n), off + 10, n.end - off - 10); ctx.info += ` ${nameText(n)}`; }
    return;
  }
  if (end - off < 14) { ctx.malformedAt('nbdgm', 'NBDS datagram header cut short', off, end - off); return; }
  ctx.add(l, 'nbdgm.dgram_len', u16(d, off + 10), off + 10, 2);
  ctx.add(l, 'nbdgm.pkt_offset', u16(d, off + 12), off + 12, 2);
  const src = readName(d, off, off + 14, end);
  if (!src) { ctx.malformedAt('nbdgm', 'NBDS source name cut short or badly encoded', off + 14, end - off - 14); return; }
  ctx.add(l, 'nbdgm.source_name', nameLong(src), off + 14, src.end - off - 14);
  const dst = readName(d, off, src.end, end);
  if (!dst) { ctx.malformedAt('nbdgm', 'NBDS destination name cut short or badly encoded', src.end, end - src.end); return; }
  ctx.add(l, 'nbdgm.destination_name', nameLong(dst), src.end, dst.end - src.end);
  const next = NBSS_PAYLOAD.get(dst.end < end ? d[dst.end] : -1);
  if (next) next(ctx, st, dst.end, end);
  else dissectData(ctx, dst.end, end);
}

/** NBSS framing: on 139 a type, a flags byte whose low bit extends a 16-bit length; direct-hosted SMB (445) a 24-bit length. */
const nbss139 = { hdrLen: 4, length: (h: Uint8Array, o: number): number => (NBSS_TYPES[h[o]] === undefined || (h[o + 1] & 0xfe) !== 0 ? -1 : 4 + (((h[o + 1] & 1) << 16) | u16(h, o + 2))) };
const nbss445 = { hdrLen: 4, length: (h: Uint8Array, o: number): number => (NBSS_TYPES[h[o]] === undefined ? -1 : 4 + ((h[o + 1] << 16) | u16(h, o + 2))) };

function nbssPdu(cifs: boolean) {
  return (ctx: Ctx, st: State, _s: unknown, off: number, kept: number, len: number): void => {
    const d = ctx.d;
    const l = ctx.layer('nbss', off, Math.min(4, kept));
    ctx.protocol = 'NBSS';
    const type = d[off];
    ctx.add(l, 'nbss.type', type, off, 1);
    // a session message's length shows as one 3-byte field, also on 139 (as tshark does)
    if (cifs || type === 0) ctx.add(l, 'nbss.length', len - 4, off + 1, 3);
    else {
      const fl = ctx.add(l, 'nbss.flags', d[off + 1], off + 1, 1);
      ctx.sub(fl, 'nbss.flags.e', (d[off + 1] & 1) !== 0, off + 1, 1);
      ctx.add(l, 'nbss.length', len - 4, off + 2, 2);
    }
    ctx.info = NBSS_TYPES[type];
    const end = off + kept;
    const o = off + 4;
    switch (type) {
      case 0x00: {
        const next = o < end ? NBSS_PAYLOAD.get(d[o]) : undefined;
        if (next && end - o >= 4 && d[o + 1] === 0x53 && d[o + 2] === 0x4d && d[o + 3] === 0x42) next(ctx, st, o, end);
        else if (o < end) dissectData(ctx, o, end);
        break;
      }
      case 0x81: {
        l.len = kept;
        const called = readName(d, o, o, end);
        const calling = called && readName(d, called.end, called.end, end);
        if (!called || !calling) { ctx.malformedAt('nbss', 'session request names cut short or badly encoded', o, end - o); break; }
        ctx.add(l, 'nbss.called_name', nameText(called), o, called.end - o);
        ctx.add(l, 'nbss.calling_name', nameText(calling), called.end, calling.end - called.end);
        ctx.info = `Session request, to ${nameText(called)} from ${nameText(calling)}`;
        break;
      }
      case 0x83:
        l.len = kept;
        if (o < end) { ctx.add(l, 'nbss.error_code', d[o], o, 1); ctx.info = `Negative session response, ${NBSS_ERRORS[d[o]] ?? 'Unknown'}`; }
        break;
      case 0x84:
        l.len = kept;
        if (o + 6 <= end) { ctx.add(l, 'nbss.retarget_ip_address', u32(d, o), o, 4); ctx.add(l, 'nbss.retarget_port', u16(d, o + 4), o + 4, 2); }
        break;
      default:
        l.len = kept;
    }
  };
}

/** Bytes that do not start an NBSS message (a capture joined mid-stream): tshark calls them continuation. */
function nbssUnknown(ctx: Ctx, off: number, end: number): void {
  ctx.layer('nbss', off, end - off);
  ctx.setSummary('NBSS', 'NBSS Continuation Message');
}

UDP_PORT.add([137], dissectNbns);
UDP_PORT.add([138], dissectNbdgm);
TCP_PORT.add([139], () => new PduApp(nbss139, nbssPdu(false), nbssUnknown));
TCP_PORT.add([445], () => new PduApp(nbss445, nbssPdu(true), nbssUnknown));

