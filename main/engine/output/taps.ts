// tshark's -z statistics for `xdpscope read`: conversations and endpoints
// (eth, ip, ipv6, tcp, udp) and the protocol hierarchy, counted over every
// packet read (a tap sees packets -Y hides, as tshark's single pass does)
// and printed in tshark 4.0's text layout, so scripts that parse
// `tshark -q -z conv,tcp` read ours unchanged. Written here rather than on
// stats/ (the UI's Statistics): tshark counts per header (a tunnel's inner
// IP is a second conversation) and keeps every row, where the UI's tables
// count a packet once and are capped.
import type { Dissection, Field } from '../types';
import { etherToString, ipv4ToString, ipv6ToString } from '../dissect/addr';
import { macResolved } from '../enrich/manuf';

/** A compiled -z filter, as far as a tap cares. */
export interface TapFilter {
  matches(d: Dissection): boolean;
  /** the fields it reads; absent when it cannot say (the read then decodes whole packets) */
  readonly fields?: readonly string[];
  bindSlots(names: readonly string[] | null): unknown;
}

export interface Tap {
  /** what the tap reads from a dissection (the read decodes these) */
  readonly fields: readonly string[];
  readonly filter: TapFilter | null;
  /** a packet its filter let through, as its layers (feedTaps reads them once for every tap) */
  add(p: PacketLayers): void;
  /** tshark's text for the tap, printed after the packets */
  text(): string;
}

type ConvType = 'eth' | 'ip' | 'ipv6' | 'tcp' | 'udp';
const TITLES: Record<ConvType, string> = { eth: 'Ethernet', ip: 'IPv4', ipv6: 'IPv6', tcp: 'TCP', udp: 'UDP' };

/**
 * Parses one -z argument (`conv,tcp`, `endpoints,ip,FILTER`, `io,phs`);
 * `compile` turns its filter text into a filter or an error message.
 */
export function parseTap(spec: string, compile: (text: string) => TapFilter | string): Tap | string {
  const m = /^(conv|endpoints),(eth|ipv6|ip|tcp|udp)(?:,(.*))?$/s.exec(spec) ?? /^io,(phs)(?:,(.*))?$/s.exec(spec);
  if (!m) return `-z ${spec}: not a statistic xdpscope knows (conv,TYPE[,FILTER], endpoints,TYPE[,FILTER] with TYPE eth, ip, ipv6, tcp or udp; io,phs[,FILTER])`;
  const text = m[1] === 'phs' ? m[2] : m[3];
  let filter: TapFilter | null = null;
  if (text !== undefined && text !== '') {
    const f = compile(text);
    if (typeof f === 'string') return `-z ${spec}: ${f}`;
    filter = f;
  }
  if (m[1] === 'phs') return new ProtocolHierarchyTap(filter, text ?? '');
  return new AddressTap(m[1] === 'conv', m[2] as ConvType, filter, text || null);
}

/** wsutil's format_size (SI prefixes, integer division): "923 bytes", "63 kB", "12 MB". */
export function formatSize(n: number): string {
  for (const [div, unit] of [[1e12, 'TB'], [1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']] as const) {
    const v = Math.floor(n / div);
    if (v >= 10) return `${v} ${unit}`;
  }
  return `${n} bytes`;
}

const RULE80 = '='.repeat(80);
/** rows a table keeps: a scan of a big network would otherwise grow it without end (tshark's does) */
export const MAX_TAP_ROWS = 1_000_000;
const RULE67 = '='.repeat(67);

/** A top-level layer and its fields' first values. */
interface Layer { name: string; values: Map<string, Field['value']> }

/** A packet as the taps read it: the frame's fields and its top-level layers (layersOf). */
export interface PacketLayers { frame: Map<string, Field['value']>; layers: Layer[] }

/** Counts a packet in each tap whose filter it passes; its layers are read once, and only if some tap takes it. */
export function feedTaps(taps: readonly Tap[], d: Dissection): void {
  let p: PacketLayers | null = null;
  for (const t of taps) {
    if (t.filter && !t.filter.matches(d)) continue;
    t.add(p ??= layersOf(d));
  }
}

/**
 * The frame's top-level layers with their fields, from the flat field list
 * (a read decoding only some fields attaches none to the layers). Layers
 * nested in another (the datagram an ICMP error quotes) are skipped, as
 * tshark runs no tap on them.
 */
function layersOf(d: Dissection): PacketLayers {
  const top = new Set<Field>(d.tree);
  const frame = new Map<string, Field['value']>();
  const layers: Layer[] = [];
  let cur: Map<string, Field['value']> | null = null;
  for (const f of d.fields) {
    if (top.has(f)) {
      if (f.name === 'frame') cur = frame;
      else { cur = new Map(); layers.push({ name: f.name, values: cur }); }
    } else if (f.value === null && !f.name.includes('.') && f.name !== 'frame') cur = null; // a nested layer
    else if (cur !== null && !cur.has(f.name)) cur.set(f.name, f.value);
  }
  return { frame, layers };
}

/** our own layer of generated fields (GeoIP, process, service): not a protocol tshark has */
const ENRICHMENT_LAYER = 'xdpscope';

const numberOf = (v: Field['value'] | undefined): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0);

function addressText(v: Field['value']): string | null {
  if (typeof v === 'number') return ipv4ToString(v);
  if (v instanceof Uint8Array) {
    if (v.length === 6) return macResolved(v, etherToString(v));
    if (v.length === 16) return ipv6ToString(v);
    if (v.length === 4) return ipv4ToString(((v[0] << 24) | (v[1] << 16) | (v[2] << 8) | v[3]) >>> 0);
  }
  return typeof v === 'string' ? v : null;
}

interface Row {
  a: string; b: string;
  /** A→B (tshark's tx) and B→A (rx) */
  framesAB: number; bytesAB: number; framesBA: number; bytesBA: number;
  start: number; stop: number;
}

interface EndpointRow { addr: string; port: string; tx: number; txBytes: number; rx: number; rxBytes: number }

/** -z conv,TYPE and -z endpoints,TYPE: one row per address pair (conv) or address (endpoints), per header of TYPE. */
class AddressTap implements Tap {
  readonly fields: string[];
  private readonly convs = new Map<string, Row>();
  private readonly ends = new Map<string, EndpointRow>();
  private readonly ports: boolean;
  /** packets (conv) or address sightings (endpoints) not counted: the table was full */
  private overflow = 0;

  constructor(private readonly conv: boolean, private readonly type: ConvType, readonly filter: TapFilter | null, private readonly filterText: string | null) {
    this.ports = type === 'tcp' || type === 'udp';
    const base = type === 'eth' ? ['eth.src', 'eth.dst'] : ['ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst'];
    this.fields = [...base, 'frame.len', 'frame.time_relative', ...(this.ports ? [`${type}.srcport`, `${type}.dstport`] : []), ...(type === 'tcp' ? ['tcp.stream'] : [])];
  }

  add({ frame, layers }: PacketLayers): void {
    const len = numberOf(frame.get('frame.len')), t = numberOf(frame.get('frame.time_relative'));
    // the addresses of the network header each transport header follows
    let ipSrc: string | null = null, ipDst: string | null = null;
    for (const { name: n, values } of layers) {
      if (n === 'ip' || n === 'ipv6') {
        ipSrc = addressText(values.get(`${n}.src`) ?? null);
        ipDst = addressText(values.get(`${n}.dst`) ?? null);
      }
      if (n !== this.type) continue;
      let src: string | null, dst: string | null, sport = '', dport = '', stream = '';
      if (this.ports) {
        src = ipSrc; dst = ipDst;
        const sp = values.get(`${n}.srcport`), dp = values.get(`${n}.dstport`);
        if (typeof sp !== 'number' || typeof dp !== 'number') continue;
        sport = String(sp); dport = String(dp);
        if (n === 'tcp') {
          // a header the capture cut has no stream: tshark taps TCP only once the header is whole
          const st = values.get('tcp.stream');
          if (st === undefined) continue;
          stream = String(st);
        }
      } else {
        src = addressText(values.get(`${n}.src`) ?? null);
        dst = addressText(values.get(`${n}.dst`) ?? null);
      }
      if (src === null || dst === null) continue;
      if (this.conv) this.addConv(src, sport, dst, dport, stream, len, t);
      else { this.addEnd(src, sport, true, len); this.addEnd(dst, dport, false, len); }
    }
  }

  private addConv(src: string, sport: string, dst: string, dport: string, stream: string, len: number, t: number): void {
    const a = this.ports ? `${src}:${sport}` : src, b = this.ports ? `${dst}:${dport}` : dst;
    const key = a < b ? `${a}\0${b}\0${stream}` : `${b}\0${a}\0${stream}`;
    let r = this.convs.get(key);
    if (!r) {
      if (this.convs.size >= MAX_TAP_ROWS) { this.overflow++; return; }
      r = { a, b, framesAB: 0, bytesAB: 0, framesBA: 0, bytesBA: 0, start: t, stop: t };
      this.convs.set(key, r);
    }
    if (a === r.a) { r.framesAB++; r.bytesAB += len; } else { r.framesBA++; r.bytesBA += len; }
    if (t < r.start) r.start = t;
    if (t > r.stop) r.stop = t;
  }

  private addEnd(addr: string, port: string, sent: boolean, len: number): void {
    const key = `${addr}\0${port}`;
    let e = this.ends.get(key);
    if (!e) {
      if (this.ends.size >= MAX_TAP_ROWS) { this.overflow++; return; }
      e = { addr, port, tx: 0, txBytes: 0, rx: 0, rxBytes: 0 };
      this.ends.set(key, e);
    }
    if (sent) { e.tx++; e.txBytes += len; } else { e.rx++; e.rxBytes += len; }
  }

  text(): string {
    const title = TITLES[this.type];
    let out = `${RULE80}\n${title} ${this.conv ? 'Conversations' : 'Endpoints'}\nFilter:${this.filterText ?? '<No Filter>'}\n`;
    if (this.conv) {
      const pad = this.ports ? ' '.repeat(12) : '';
      out += `${pad}                                               |       <-      | |       ->      | |     Total     |    Relative    |   Duration   |\n`;
      out += `${pad}                                               | Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |\n`;
      const w = this.ports ? 26 : 20;
      for (const r of byTotal([...this.convs.values()], (r) => r.framesAB + r.framesBA)) {
        out += `${r.a.padEnd(w)} <-> ${r.b.padEnd(w)}  ${num(r.framesBA, 6)} ${formatSize(r.bytesBA).padEnd(9)}  ${num(r.framesAB, 6)} ${formatSize(r.bytesAB).padEnd(9)}  `
          + `${num(r.framesAB + r.framesBA, 6)} ${formatSize(r.bytesAB + r.bytesBA).padEnd(9)}  ${r.start.toFixed(9).padStart(14)}   ${(r.stop - r.start).toFixed(4).padStart(12)}\n`;
      }
    } else {
      out += `                       |  ${this.ports ? 'Port  ||  ' : ''}Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |\n`;
      for (const e of byTotal([...this.ends.values()], (e) => e.tx + e.rx)) {
        out += `${e.addr.padEnd(20)}      ${this.ports ? `${e.port.padStart(5)}     ` : ''}${num(e.tx + e.rx, 6)}     ${num(e.txBytes + e.rxBytes, 9)}     `
          + `${num(e.tx, 6)}       ${num(e.txBytes, 9)}      ${num(e.rx, 6)}       ${num(e.rxBytes, 9)}   \n`;
      }
    }
    if (this.overflow) out += `(${this.overflow} more not counted: the table holds ${MAX_TAP_ROWS} rows)\n`;
    return `${out}${RULE80}\n`;
  }
}

const num = (n: number, w: number): string => String(n).padStart(w);

/** tshark's order: the largest total first; equal totals in the order first seen (Array sort is stable). */
function byTotal<T>(rows: T[], total: (r: T) => number): T[] {
  return rows.sort((x, y) => total(y) - total(x));
}

interface PhsNode { name: string; frames: number; bytes: number; children: PhsNode[] }

/**
 * -z io,phs: each frame counts once in every node of its path: the
 * frame's top-level layers (tshark's tree items; a layer nested in another,
 * as the data an ICMP echo carries, is not on it). A PDU reassembled from
 * TCP segments adds tshark's "tcp.segments" item after its own layers,
 * before any PDU the segment starts next.
 */
class ProtocolHierarchyTap implements Tap {
  readonly fields = ['frame.len', 'tcp.segments'];
  private readonly root: PhsNode = { name: '', frames: 0, bytes: 0, children: [] };

  constructor(readonly filter: TapFilter | null, private readonly filterText: string) {}

  add({ frame, layers }: PacketLayers): void {
    const path: string[] = [];
    let pdu: string | null = null, reassembled = false;
    for (const l of layers) {
      if (l.name === ENRICHMENT_LAYER) continue;
      if (reassembled && pdu === null) pdu = l.name;
      else if (reassembled && l.name === pdu) { path.push('tcp.segments'); reassembled = false; }
      path.push(l.name);
      if (l.name === 'tcp' && l.values.has('tcp.segments')) reassembled = true;
    }
    if (reassembled && pdu !== null) path.push('tcp.segments');
    const len = numberOf(frame.get('frame.len'));
    let node = this.root;
    for (const name of path) {
      let next = node.children.find((c) => c.name === name);
      if (!next) { next = { name, frames: 0, bytes: 0, children: [] }; node.children.push(next); }
      next.frames++;
      next.bytes += len;
      node = next;
    }
  }

  text(): string {
    let out = `\n${RULE67}\nProtocol Hierarchy Statistics\nFilter: ${this.filterText}\n\n`;
    const walk = (nodes: PhsNode[], depth: number): void => {
      for (const n of nodes) {
        // tshark indents 16 levels at most, then writes "..."
        const indent = depth > 16 ? `${'  '.repeat(16)}...` : '  '.repeat(depth);
        out += `${`${indent}${n.name}`.padEnd(40)} frames:${n.frames} bytes:${n.bytes}\n`;
        walk(n.children, depth + 1);
      }
    };
    walk(this.root.children, 0);
    return `${out}${RULE67}\n`;
  }
}
