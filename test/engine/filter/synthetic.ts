// Hand-built Dissections for filter unit tests (no dissector involved).
// Field names and types are the real Wireshark ones the dissectors register.
import { registerProtocol } from '../../../main/engine/fields/registry';
import type { Dissection, Field, FieldValue } from '../../../main/engine/types';

export function registerTestFields(): void {
  registerProtocol('frame', 'Frame', [['frame.len', 'uint', 'Frame Length'], ['frame.number', 'uint', 'Frame Number']]);
  registerProtocol('eth', 'Ethernet II', [['eth.src', 'ether', 'Source'], ['eth.dst', 'ether', 'Destination'], ['eth.type', 'uint', 'Type']]);
  registerProtocol('vlan', '802.1Q Virtual LAN', [['vlan.id', 'uint', 'ID']]);
  registerProtocol('ip', 'Internet Protocol Version 4', [
    ['ip.src', 'ipv4', 'Source Address'], ['ip.dst', 'ipv4', 'Destination Address'], ['ip.addr', 'ipv4', 'Source or Destination Address'],
    ['ip.proto', 'uint', 'Protocol', { valueNames: { 1: 'ICMP', 6: 'TCP', 17: 'UDP' } }], ['ip.ttl', 'uint', 'Time to Live'],
  ]);
  registerProtocol('ipv6', 'Internet Protocol Version 6', [['ipv6.src', 'ipv6', 'Source Address'], ['ipv6.dst', 'ipv6', 'Destination Address']]);
  registerProtocol('icmp', 'Internet Control Message Protocol', [['icmp.type', 'uint', 'Type']]);
  registerProtocol('tcp', 'Transmission Control Protocol', [
    ['tcp.srcport', 'uint', 'Source Port'], ['tcp.dstport', 'uint', 'Destination Port'], ['tcp.port', 'uint', 'Source or Destination Port'],
    ['tcp.flags.syn', 'bool', 'Syn'], ['tcp.len', 'uint', 'TCP Segment Len'], ['tcp.payload', 'bytes', 'TCP payload'],
  ]);
  registerProtocol('udp', 'User Datagram Protocol', [['udp.srcport', 'uint', 'Source Port'], ['udp.dstport', 'uint', 'Destination Port']]);
  registerProtocol('http', 'Hypertext Transfer Protocol', [['http.host', 'string', 'Host'], ['http.user_agent', 'string', 'User-Agent']]);
}

export interface PacketSpec {
  eth?: [src: string, dst: string];
  vlan?: number[];
  /** one [src, dst] per IPv4 header (outer first: ICMP errors, tunnels) */
  ip?: Array<[string, string, number?]>;
  ipv6?: [string, string];
  icmp?: number;
  tcp?: { sport: number; dport: number; syn?: boolean; payload?: string };
  udp?: [number, number];
  host?: string;
  ua?: string;
}

const mac = (s: string): Uint8Array => Uint8Array.from(s.split(':').map((h) => parseInt(h, 16)));
const ip4 = (s: string): number => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
function ip6(s: string): Uint8Array {
  const [h, t] = s.split('::') as [string, string | undefined];
  const head = h ? h.split(':') : [];
  const tail = t ? t.split(':') : [];
  const g = t === undefined ? head : [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail];
  const out = new Uint8Array(16);
  g.forEach((x, i) => { const n = parseInt(x, 16); out[2 * i] = n >> 8; out[2 * i + 1] = n & 255; });
  return out;
}

/** Builds a Dissection whose fields list follows the spec, in tree order. Frame bytes are the payload text (for frame contains). */
export function dissection(number: number, spec: PacketSpec): Dissection {
  const data = Buffer.from(`frame-${number}|${spec.tcp?.payload ?? ''}|${spec.host ?? ''}`, 'latin1');
  const fields: Field[] = [];
  const add = (name: string, value: FieldValue, start = 0, len = 1): void => { fields.push({ name, value, start, len }); };
  add('frame', null, 0, data.length);
  add('frame.number', number, 0, 0);
  add('frame.len', data.length, 0, 0);
  if (spec.eth) {
    add('eth', null, 0, 14);
    add('eth.dst', mac(spec.eth[1]), 0, 6);
    add('eth.src', mac(spec.eth[0]), 6, 6);
    add('eth.type', spec.ip ? 0x0800 : spec.ipv6 ? 0x86dd : 0x0806, 12, 2);
  }
  for (const id of spec.vlan ?? []) { add('vlan', null, 0, 4); add('vlan.id', id, 0, 2); }
  for (const [src, dst, proto] of spec.ip ?? []) {
    add('ip', null, 0, 20);
    add('ip.ttl', 64, 8, 1);
    add('ip.proto', proto ?? (spec.tcp ? 6 : spec.udp ? 17 : 1), 9, 1);
    add('ip.src', ip4(src), 12, 4);
    add('ip.addr', ip4(src), 12, 4);
    add('ip.dst', ip4(dst), 16, 4);
    add('ip.addr', ip4(dst), 16, 4);
  }
  if (spec.ipv6) {
    add('ipv6', null, 0, 40);
    add('ipv6.src', ip6(spec.ipv6[0]), 8, 16);
    add('ipv6.dst', ip6(spec.ipv6[1]), 24, 16);
  }
  if (spec.icmp !== undefined) { add('icmp', null, 0, 8); add('icmp.type', spec.icmp, 0, 1); }
  if (spec.tcp) {
    add('tcp', null, 0, 20);
    add('tcp.srcport', spec.tcp.sport, 0, 2);
    add('tcp.dstport', spec.tcp.dport, 2, 2);
    add('tcp.port', spec.tcp.sport, 0, 2);
    add('tcp.port', spec.tcp.dport, 2, 2);
    add('tcp.flags.syn', !!spec.tcp.syn, 13, 1);
    const pl = Buffer.from(spec.tcp.payload ?? '', 'latin1');
    add('tcp.len', pl.length, 0, 0);
    if (pl.length) add('tcp.payload', new Uint8Array(pl), 0, pl.length);
  }
  if (spec.udp) { add('udp', null, 0, 8); add('udp.srcport', spec.udp[0], 0, 2); add('udp.dstport', spec.udp[1], 2, 2); }
  if (spec.host !== undefined || spec.ua !== undefined) {
    add('http', null, 0, 10);
    if (spec.host !== undefined) add('http.host', spec.host, 0, spec.host.length);
    if (spec.ua !== undefined) add('http.user_agent', spec.ua, 0, spec.ua.length);
  }
  return {
    packet: { number, tsNs: BigInt(number) * 1_000_000n, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, data },
    tree: [], fields,
    summary: { number, time: 0, source: '', destination: '', protocol: '', length: data.length, info: '' },
    expert: [], malformed: false,
  };
}

/** A small, varied capture: plain TCP/UDP, VLAN stacks, ICMP errors with an inner IP header, IPv6, HTTP. */
export function sampleCapture(): Dissection[] {
  const specs: PacketSpec[] = [
    { eth: ['00:11:22:33:44:55', '66:77:88:99:aa:bb'], ip: [['198.18.0.1', '198.18.0.2']], tcp: { sport: 40000, dport: 80, syn: true } },
    { eth: ['66:77:88:99:aa:bb', '00:11:22:33:44:55'], ip: [['198.18.0.2', '198.18.0.1']], tcp: { sport: 80, dport: 40000, syn: true } },
    { eth: ['00:11:22:33:44:55', '66:77:88:99:aa:bb'], ip: [['198.18.0.1', '198.18.0.2']], tcp: { sport: 40000, dport: 80, payload: 'GET / HTTP/1.1\r\nHost: Example.com\r\n' }, host: 'Example.com', ua: 'curl/8.0' },
    { eth: ['66:77:88:99:aa:bb', '00:11:22:33:44:55'], ip: [['198.18.0.2', '198.18.0.1']], tcp: { sport: 80, dport: 40000, payload: 'HTTP/1.1 200 OK\r\n' } },
    { eth: ['00:11:22:33:44:55', 'ff:ff:ff:ff:ff:ff'], vlan: [10, 20], ip: [['10.0.0.1', '10.0.0.2']], udp: [5353, 53] },
    { eth: ['00:11:22:33:44:55', 'ff:ff:ff:ff:ff:ff'], vlan: [20], ip: [['10.0.0.1', '10.0.0.3']], udp: [5354, 53] },
    { eth: ['00:11:22:33:44:55', 'ff:ff:ff:ff:ff:ff'], vlan: [20, 20], ip: [['10.0.0.9', '10.0.0.3']], udp: [53, 5354] },
    // ICMP destination unreachable carrying the offending datagram's IP header: ip.src occurs twice
    { eth: ['66:77:88:99:aa:bb', '00:11:22:33:44:55'], ip: [['192.0.2.1', '198.18.0.1', 1], ['198.18.0.1', '203.0.113.5', 17]], icmp: 3 },
    { eth: ['66:77:88:99:aa:bb', '00:11:22:33:44:55'], ip: [['192.0.2.1', '198.18.0.1', 1]], icmp: 8 },
    // IP-in-IP tunnel: both headers from the same source
    { eth: ['66:77:88:99:aa:bb', '00:11:22:33:44:55'], ip: [['198.18.0.7', '198.18.0.8', 4], ['198.18.0.7', '10.9.9.9']], tcp: { sport: 443, dport: 50000 } },
    { eth: ['00:11:22:33:44:55', '33:33:00:00:00:01'], ipv6: ['fe80::1', 'ff02::1'], udp: [546, 547] },
    { eth: ['00:11:22:33:44:55', '66:77:88:99:aa:bb'], ipv6: ['2001:db8::5', '2001:db8:1::9'], tcp: { sport: 50001, dport: 443, payload: 'x' }, host: 'EXAMPLE.org' },
    { eth: ['aa:bb:cc:dd:ee:ff', 'ff:ff:ff:ff:ff:ff'] },
  ];
  return specs.map((s, i) => dissection(i + 1, s));
}
