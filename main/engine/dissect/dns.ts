// DNS (RFC 1035) over UDP: header, questions and resource records, with
// name compression followed under a jump limit (a pointer loop ends as
// malformed, never as a hang).
import { type Ctx, FieldNode, fieldKeys } from './context';
import { declare, HEX16, treeLine, type LayerView } from './fields';
import { ipv4ToString, ipv6ToString } from './addr';
import * as readers from './bytes';
import type { TcpApp } from './tcpstream';
import { LengthFramer } from './framers';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT, UDP_PORT } = tables;
const { u16, u32 } = readers;


const TYPES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 35: 'NAPTR',
  41: 'OPT', 43: 'DS', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 64: 'SVCB', 65: 'HTTPS', 255: 'ANY', 257: 'CAA',
};
const RCODES: Record<number, string> = { 0: 'No error', 1: 'Format error', 2: 'Server failure', 3: 'No such name', 4: 'Not implemented', 5: 'Refused' };
const typeName = (t: number): string => TYPES[t] ?? `Unknown (${t})`;

declare('dns', 'Domain Name System', [
  ['dns.id', 'uint', 'Transaction ID', HEX16],
  ['dns.flags', 'uint', 'Flags', HEX16],
  ['dns.flags.response', 'bool', 'Response'],
  ['dns.flags.opcode', 'uint', 'Opcode'],
  ['dns.flags.authoritative', 'bool', 'Authoritative'],
  ['dns.flags.truncated', 'bool', 'Truncated'],
  ['dns.flags.recdesired', 'bool', 'Recursion desired'],
  ['dns.flags.recavail', 'bool', 'Recursion available'],
  ['dns.flags.z', 'bool', 'Z'],
  ['dns.flags.authenticated', 'bool', 'Answer authenticated'],
  ['dns.flags.checkdisable', 'bool', 'Non-authenticated data'],
  ['dns.flags.rcode', 'uint', 'Reply code', { valueNames: RCODES }],
  ['dns.flags.conflict', 'bool', 'Conflict'],
  ['dns.flags.tentative', 'bool', 'Tentative'],
  ['dns.count.queries', 'uint', 'Questions'],
  ['dns.count.answers', 'uint', 'Answer RRs'],
  ['dns.count.auth_rr', 'uint', 'Authority RRs'],
  ['dns.count.add_rr', 'uint', 'Additional RRs'],
  ['dns.qry.name', 'string', 'Name'],
  ['dns.qry.name.len', 'uint', 'Name Length'],
  ['dns.count.labels', 'uint', 'Label Count'],
  ['dns.qry.type', 'uint', 'Type', { valueNames: TYPES }],
  ['dns.qry.class', 'uint', 'Class', HEX16],
  ['dns.resp.name', 'string', 'Name'],
  ['dns.resp.type', 'uint', 'Type', { valueNames: TYPES }],
  ['dns.resp.class', 'uint', 'Class', HEX16],
  ['dns.resp.cache_flush', 'bool', 'Cache flush'],
  ['dns.qry.qu', 'bool', '"QU" question'],
  ['dns.resp.ttl', 'int', 'Time to live'],
  ['dns.resp.len', 'uint', 'Data length'],
  ['dns.a', 'ipv4', 'Address'],
  ['dns.aaaa', 'ipv6', 'AAAA Address'],
  ['dns.cname', 'string', 'CNAME'],
  ['dns.ns', 'string', 'Name Server'],
  ['dns.ptr.domain_name', 'string', 'Domain Name'],
  ['dns.mx.preference', 'uint', 'Preference'],
  ['dns.mx.mail_exchange', 'string', 'Mail Exchange'],
  ['dns.txt', 'string', 'TXT'],
  ['dns.rr.udp_payload_size', 'uint', 'UDP payload size'],
]);
declare('mdns', 'Multicast Domain Name System', []);
declare('llmnr', 'Link-local Multicast Name Resolution', []);

const MAX_JUMPS = 32;
const MAX_RECORDS = 512;

interface Name { text: string; /** bytes the name occupies at its position (pointers count 2) */ used: number; labels: number; ok: boolean }

/** Reads a (possibly compressed) name at o within the DNS message [base, end). */
function readName(d: Uint8Array, base: number, end: number, o: number): Name {
  let text = '';
  let used = -1;
  let labels = 0;
  let jumps = 0;
  let p = o;
  while (true) {
    if (p >= end) return { text, used: used < 0 ? p - o : used, labels, ok: false };
    const len = d[p];
    if (len === 0) { if (used < 0) used = p + 1 - o; break; }
    if ((len & 0xc0) === 0xc0) {
      if (p + 1 >= end) return { text, used: used < 0 ? end - o : used, labels, ok: false };
      if (used < 0) used = p + 2 - o;
      const target = base + (((len & 0x3f) << 8) | d[p + 1]);
      // a pointer loop, or one past the message: stop here
      if (++jumps > MAX_JUMPS || target >= end) return { text, used, labels, ok: false };
      p = target;
      continue;
    }
    if ((len & 0xc0) !== 0) return { text, used: used < 0 ? p - o + 1 : used, labels, ok: false }; // reserved label types
    if (p + 1 + len > end) return { text, used: used < 0 ? end - o : used, labels, ok: false };
    let label = '';
    for (let i = p + 1; i <= p + len; i++) label += String.fromCharCode(d[i]);
    text = text ? text + '.' + label : label;
    labels++;
    if (text.length > 255) return { text, used: used < 0 ? p + 1 + len - o : used, labels, ok: false };
    p += 1 + len;
  }
  return { text: text || '<Root>', used, labels, ok: true };
}

// fields of every packet that gets here, by key (no name hashing per packet)
const K = fieldKeys({
  id: 'dns.id', flags: 'dns.flags', flagsResponse: 'dns.flags.response', flagsOpcode: 'dns.flags.opcode',
  flagsConflict: 'dns.flags.conflict', flagsTruncated: 'dns.flags.truncated', flagsTentative: 'dns.flags.tentative',
  flagsAuthoritative: 'dns.flags.authoritative', flagsRecdesired: 'dns.flags.recdesired',
  flagsRecavail: 'dns.flags.recavail', flagsZ: 'dns.flags.z', flagsAuthenticated: 'dns.flags.authenticated',
  flagsCheckdisable: 'dns.flags.checkdisable', flagsRcode: 'dns.flags.rcode', countQueries: 'dns.count.queries',
  countAnswers: 'dns.count.answers', countAuthRr: 'dns.count.auth_rr', countAddRr: 'dns.count.add_rr',
  qryName: 'dns.qry.name', qryNameLen: 'dns.qry.name.len', countLabels: 'dns.count.labels', qryType: 'dns.qry.type',
  qryClass: 'dns.qry.class', qryQu: 'dns.qry.qu', respName: 'dns.resp.name', respType: 'dns.resp.type',
  rrUdpPayloadSize: 'dns.rr.udp_payload_size', respClass: 'dns.resp.class', respCacheFlush: 'dns.resp.cache_flush',
  respTtl: 'dns.resp.ttl', respLen: 'dns.resp.len', a: 'dns.a', aaaa: 'dns.aaaa', mxPreference: 'dns.mx.preference',
  mxMailExchange: 'dns.mx.mail_exchange', txt: 'dns.txt',
});

/** Info's start: the opcode, "response", the id, and a response's error. */
function headInfo(id: number, flags: number): string {
  const op = (flags >> 11) & 15, rcode = flags & 15, resp = (flags & 0x8000) !== 0;
  let s = `${op === 0 ? 'Standard query' : op === 5 ? 'Dynamic update' : `Opcode ${op}`}${resp ? ' response' : ''} 0x${id.toString(16).padStart(4, '0')}`;
  if (resp && rcode !== 0) s += ` ${RCODES[rcode] ?? `rcode ${rcode}`}`;
  return s;
}

// a message cut short is a bounds error in tshark: "[Malformed Packet]" is glued to Info (ctx.boundsAt)
export function dissectDns(ctx: Ctx, off: number, end: number, proto: 'dns' | 'mdns' | 'llmnr'): void {
  const d = ctx.d;
  const l = ctx.layer(proto, off, end - off);
  ctx.protocol = proto === 'dns' ? 'DNS' : proto === 'mdns' ? 'MDNS' : 'LLMNR';
  if (end - off < 12) { shortHeader(ctx, l, off, end, proto); return; }
  const id = u16(d, off), flags = u16(d, off + 2);
  const resp = (flags & 0x8000) !== 0;
  ctx.addK(l, K.id, id, off, 2);
  flagFields(ctx, l, flags, off, proto);
  const qd = u16(d, off + 4), an = u16(d, off + 6), ns = u16(d, off + 8), ar = u16(d, off + 10);
  ctx.addK(l, K.countQueries, qd, off + 4, 2);
  ctx.addK(l, K.countAnswers, an, off + 6, 2);
  ctx.addK(l, K.countAuthRr, ns, off + 8, 2);
  ctx.addK(l, K.countAddRr, ar, off + 10, 2);
  dissectBody(ctx, l, off, end, proto, id, flags, resp, qd, an, ns, ar);
}

/** A header cut short: packet-dns.c adds what is there in order, names the message once it has the flags, then throws. */
function shortHeader(ctx: Ctx, l: FieldNode, off: number, end: number, proto: 'dns' | 'mdns' | 'llmnr'): void {
  const d = ctx.d, have = end - off;
  ctx.info = '';
  if (have >= 4) {
    ctx.addK(l, K.id, u16(d, off), off, 2);
    flagFields(ctx, l, u16(d, off + 2), off, proto);
    ctx.info = headInfo(u16(d, off), u16(d, off + 2));
  }
  const counts = [K.countQueries, K.countAnswers, K.countAuthRr, K.countAddRr];
  for (let i = 0; i < 4 && off + 6 + 2 * i <= end; i++) ctx.addK(l, counts[i], u16(d, off + 4 + 2 * i), off + 4 + 2 * i, 2);
  ctx.boundsAt(proto, `DNS header cut short (${have} of 12 bytes)`, off, have);
}

function flagFields(ctx: Ctx, l: FieldNode, flags: number, off: number, proto: 'dns' | 'mdns' | 'llmnr'): void {
  const resp = (flags & 0x8000) !== 0;
  const f = ctx.addK(l, K.flags, flags, off + 2, 2);
  ctx.subK(f, K.flagsResponse, resp, off + 2, 2);
  ctx.subK(f, K.flagsOpcode, (flags >> 11) & 15, off + 2, 2);
  if (proto === 'llmnr') {
    // LLMNR (RFC 4795) has its own bits where DNS has AA and RD: conflict and tentative
    ctx.subK(f, K.flagsConflict, (flags & 0x400) !== 0, off + 2, 2);
    ctx.subK(f, K.flagsTruncated, (flags & 0x200) !== 0, off + 2, 2);
    ctx.subK(f, K.flagsTentative, (flags & 0x100) !== 0, off + 2, 2);
  } else {
    if (resp) ctx.subK(f, K.flagsAuthoritative, (flags & 0x400) !== 0, off + 2, 2);
    ctx.subK(f, K.flagsTruncated, (flags & 0x200) !== 0, off + 2, 2);
    ctx.subK(f, K.flagsRecdesired, (flags & 0x100) !== 0, off + 2, 2);
    if (resp) ctx.subK(f, K.flagsRecavail, (flags & 0x80) !== 0, off + 2, 2);
    ctx.subK(f, K.flagsZ, (flags & 0x40) !== 0, off + 2, 2);
    // a query shows the AD bit only when set (RFC 6840), as tshark
    if (resp || (flags & 0x20) !== 0) ctx.subK(f, K.flagsAuthenticated, (flags & 0x20) !== 0, off + 2, 2);
    ctx.subK(f, K.flagsCheckdisable, (flags & 0x10) !== 0, off + 2, 2);
  }
  if (resp) ctx.subK(f, K.flagsRcode, flags & 15, off + 2, 2);
}

function dissectBody(ctx: Ctx, l: FieldNode, off: number, end: number, proto: 'dns' | 'mdns' | 'llmnr', id: number, flags: number, resp: boolean,
  qd: number, an: number, ns: number, ar: number): void {
  const d = ctx.d;

  let o = off + 12;
  let qname = '', qtype = 0, qu = '';
  // mDNS uses the top bit of a class: unicast response wanted (questions), cache flush (records)
  const m = proto === 'mdns';
  const answers: string[] = [];
  const info = (): string => {
    let s = headInfo(id, flags);
    if (qname) s += ` ${typeName(qtype)} ${qname}${qu}`;
    for (const a of answers) s += ` ${a}`;
    return s;
  };
  ctx.info = info;

  for (let i = 0; i < qd && i < MAX_RECORDS; i++) {
    const n = readName(d, off, end, o);
    // a name cut short throws before tshark adds it
    if (!n.ok) { ctx.boundsAt(proto, 'query name cut short or looping', o, end - o); return; }
    if (o + n.used + 4 > end) { ctx.boundsAt(proto, 'query type/class cut short', o + n.used, end - o - n.used); return; }
    ctx.addK(l, K.qryName, n.text, o, n.used);
    ctx.genK(l, K.qryNameLen, n.text === '<Root>' ? 0 : n.text.length);
    ctx.genK(l, K.countLabels, n.labels);
    o += n.used;
    if (o + 4 > end) { ctx.boundsAt(proto, 'query type/class cut short', o, end - o); return; }
    const t = u16(d, o);
    ctx.addK(l, K.qryType, t, o, 2);
    const qc = u16(d, o + 2);
    ctx.addK(l, K.qryClass, m ? qc & 0x7fff : qc, o + 2, 2);
    if (m) ctx.addK(l, K.qryQu, (qc & 0x8000) !== 0, o + 2, 2);
    if (i === 0) { qname = n.text; qtype = t; if (m) qu = (qc & 0x8000) !== 0 ? ', "QU" question' : ', "QM" question'; }
    o += 4;
  }
  const total = Math.min(an + ns + ar, MAX_RECORDS);
  for (let i = 0; i < total; i++) {
    if (o >= end) { ctx.boundsAt(proto, `${total - i} resource records missing`, end, 0); return; }
    const n = readName(d, off, end, o);
    if (!n.ok) { ctx.boundsAt(proto, 'record name cut short or looping', o, end - o); return; }
    // like tshark, a record whose fixed header is cut short adds nothing
    if (o + n.used + 10 > end) { ctx.boundsAt(proto, 'resource record header cut short', o, end - o); return; }
    const rdlen0 = u16(d, o + n.used + 8);
    if (o + n.used + 10 + rdlen0 > end) {
      // tshark reads the whole record before adding it, and names its type in Info on the way
      const type0 = u16(d, o + n.used);
      answers.push(typeName(type0));
      ctx.boundsAt(proto, `record data length ${rdlen0} runs past the message`, o + n.used + 8, end - o - n.used - 8);
      return;
    }
    const rr: FieldNode = ctx.addK(l, K.respName, n.text, o, n.used);
    o += n.used;
    const type = u16(d, o), cls = u16(d, o + 2), rdlen = u16(d, o + 8);
    ctx.addK(l, K.respType, type, o, 2);
    const before = answers.length;
    if (type === 41 || (type !== 1 && type !== 28 && type !== 5 && type !== 2 && type !== 12 && type !== 15)) answers.push(typeName(type));
    if (type === 41) {
      ctx.addK(l, K.rrUdpPayloadSize, cls, o + 2, 2);
    } else {
      ctx.addK(l, K.respClass, m ? cls & 0x7fff : cls, o + 2, 2);
      if (m) ctx.addK(l, K.respCacheFlush, (cls & 0x8000) !== 0, o + 2, 2);
      ctx.addK(l, K.respTtl, u32(d, o + 4) | 0, o + 4, 4);
    }
    ctx.addK(l, K.respLen, rdlen, o + 8, 2);
    o += 10;
    if (o + rdlen > end) {
      // tshark names the record's type in Info before it reads the data that is not there
      if (answers.length === before) answers.push(typeName(type));
      ctx.boundsAt(proto, `record data length ${rdlen} runs past the message`, o - 2, end - o + 2);
      return;
    }
    // tshark's Info lists the records of every section
    switch (type) {
      case 1: if (rdlen === 4) { const a = u32(d, o); ctx.addK(l, K.a, a, o, 4); answers.push(`A ${ipv4ToString(a)}`); } break;
      case 28: if (rdlen === 16) { const a = d.subarray(o, o + 16); ctx.addK(l, K.aaaa, a, o, 16); answers.push(`AAAA ${ipv6ToString(a)}`); } break;
      case 5: case 2: case 12: {
        const t = readName(d, off, o + rdlen, o);
        const name = type === 5 ? 'dns.cname' : type === 2 ? 'dns.ns' : 'dns.ptr.domain_name';
        ctx.add(l, name, t.text, o, rdlen);
        if (!t.ok) ctx.malformedAt(proto, `${typeName(type)} name malformed`, o, rdlen);
        answers.push(`${typeName(type)} ${t.text}`);
        break;
      }
      case 15: if (rdlen >= 3) {
        ctx.addK(l, K.mxPreference, u16(d, o), o, 2);
        const t = readName(d, off, o + rdlen, o + 2);
        ctx.addK(l, K.mxMailExchange, t.text, o + 2, rdlen - 2);
        answers.push(`MX ${u16(d, o)} ${t.text}`);
      } break;
      case 16: {
        let q = o;
        while (q < o + rdlen) {
          const sl = d[q];
          if (q + 1 + sl > o + rdlen) { ctx.malformedAt(proto, 'TXT string runs past its record', q, o + rdlen - q); break; }
          let s = '';
          for (let k = q + 1; k < q + 1 + sl; k++) s += String.fromCharCode(d[k]);
          ctx.addK(l, K.txt, s, q + 1, sl);
          q += 1 + sl;
        }
        break;
      }
    }
    void rr;
    // tshark names an mDNS record's cache flush after its type: "A, cache flush 198.18.7.7"
    if (m && type !== 41 && (cls & 0x8000) !== 0 && answers.length > before) {
      const a = answers[answers.length - 1], sp = a.indexOf(' ');
      answers[answers.length - 1] = sp < 0 ? `${a}, cache flush` : `${a.slice(0, sp)}, cache flush${a.slice(sp)}`;
    }
    o += rdlen;
  }
}

const MAX_DNS_TCP = 65535 + 2;

/** DNS over TCP (RFC 1035 §4.2.2): two-byte length, then a message; reassembled per direction. */
export class DnsTcpApp implements TcpApp {
  private buf = new Uint8Array(0);
  private len = 0;
  private startOff = 0;
  feed(ctx: Ctx, _st: unknown, _s: unknown, _f: unknown, off: number, end: number): void {
    const d = ctx.d;
    let o = off;
    // each pass takes at least one byte, or stops
    while (o < end) {
      if (this.len === 0) this.startOff = o;
      const want = this.len < 2 ? 2 : 2 + ((this.buf[0] << 8) | this.buf[1]);
      const n = Math.min(want - this.len, end - o);
      if (this.buf.length < want) { const nb = new Uint8Array(Math.min(MAX_DNS_TCP, Math.max(want, 64))); nb.set(this.buf.subarray(0, this.len)); this.buf = nb; }
      this.buf.set(d.subarray(o, o + n), this.len);
      this.len += n;
      o += n;
      if (this.len >= 2 && this.len === 2 + ((this.buf[0] << 8) | this.buf[1])) {
        const msg = this.buf.slice(2, this.len);
        const inFrame = o - this.startOff; // bytes of this message in the current frame
        const fromFrame = Math.max(0, inFrame - 2);
        this.len = 0;
        ctx.withReassembled(msg, msg.length - fromFrame, o - fromFrame, fromFrame, () => dissectDns(ctx, 0, msg.length, 'dns'));
      }
    }
  }
  fin(): void {}
  reset(): void { this.len = 0; }
  framer(): LengthFramer { return new LengthFramer(false); }
}

UDP_PORT.add([53], (ctx, _st, off, end) => dissectDns(ctx, off, end, 'dns'));
UDP_PORT.add([5353], (ctx, _st, off, end) => dissectDns(ctx, off, end, 'mdns'));
UDP_PORT.add([5355], (ctx, _st, off, end) => dissectDns(ctx, off, end, 'llmnr'));
// tshark 4.0 registers DNS (not mDNS) on tcp/5353 as well
TCP_PORT.add([53, 5353], () => new DnsTcpApp());

const dnsLine = (v: LayerView): string => v.value('dns.flags.response') === '1' ? `${v.title} (response)` : v.has('dns.id') ? `${v.title} (query)` : v.title;
const DNS_LINE_INPUTS = ['dns.flags.response', 'dns.id'];
// mDNS and LLMNR carry DNS messages: tshark marks their items (query)/(response) as DNS's
for (const p of ['dns', 'mdns', 'llmnr']) treeLine(p, dnsLine, DNS_LINE_INPUTS);
