// Dissectors on hand-built frames: what they decode, what the summary says,
// and how they behave on damage (cut-short headers, lying lengths, loops):
// never an exception, an expert 'malformed' entry, fields up to the damage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dissector, formatValue, withLabels } from '../../../main/engine/dissect';
import type { Dissection, RawPacket } from '../../../main/engine/types';
import { raw, eth, ipv4, tcp, udp, ascii, dnsQuery, hex, u16, ip4 } from './packets';

const dis = (p: RawPacket, d = new Dissector({ geoip: null })): Dissection => d.dissect(p);
const values = (d: Dissection, name: string): string[] => d.fields.filter((f) => f.name === name).map(formatValue);
const one = (d: Dissection, name: string): string | undefined => values(d, name)[0];
const malformed = (d: Dissection): string[] => d.expert.filter((e) => e.group === 'malformed').map((e) => e.message);

function assertMalformed(d: Dissection, re: RegExp): void {
  assert.ok(d.malformed, 'dissection.malformed is set');
  const m = malformed(d);
  assert.ok(m.some((x) => re.test(x)), `expected a malformed entry matching ${re}, got ${JSON.stringify(m)}`);
  assert.ok(m.every((x) => x.startsWith('malformed: ')));
  assert.ok(!m.some((x) => /dissector failure/.test(x)), 'no dissector threw');
  withLabels(d); // labels and the summary build on damaged packets too
  assert.equal(typeof d.summary.info, 'string');
}

test('TCP SYN/ACK: flags as tshark prints them, relative numbers, Wireshark-like Info', () => {
  const d0 = new Dissector({ geoip: null });
  dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, tcp(51514, 443, 1000, 0, 0x02)))), d0);
  const d = dis(raw(eth(0x0800, ipv4('198.18.0.2', '198.18.0.1', 6, tcp(443, 51514, 5000, 1001, 0x12, [], [2, 4, 5, 0xb4, 1, 1, 4, 2])))), d0);
  assert.equal(one(d, 'tcp.flags'), '0x0012');
  assert.equal(one(d, 'tcp.flags.syn'), '1');
  assert.equal(one(d, 'tcp.flags.fin'), '0');
  assert.equal(one(d, 'tcp.seq'), '0');
  assert.equal(one(d, 'tcp.ack'), '1');
  assert.equal(one(d, 'tcp.stream'), '0');
  assert.equal(one(d, 'tcp.options.mss_val'), '1460');
  assert.equal(one(d, 'ip.src'), '198.18.0.2');
  assert.equal(one(d, 'eth.src'), '02:00:00:00:00:01');
  assert.equal(d.summary.info, '443 → 51514 [SYN, ACK] Seq=0 Ack=1 Win=64240 Len=0 MSS=1460 SACK_PERM');
  assert.equal(d.summary.protocol, 'TCP');
  assert.equal(d.summary.source, '198.18.0.2');
  assert.equal(one(d, 'frame.protocols'), 'eth:ethertype:ip:tcp');
});

test('HTTP request in one segment: request line, headers, Info', () => {
  const http = ascii('GET /index.html HTTP/1.1\r\nHost: example.org:8080\r\nUser-Agent: curl/8.5.0\r\nContent-Length: 0\r\n\r\n');
  const d = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, tcp(40000, 80, 1, 1, 0x18, http)))));
  assert.equal(one(d, 'http.request.method'), 'GET');
  assert.equal(one(d, 'http.request.uri'), '/index.html');
  assert.equal(one(d, 'http.request.version'), 'HTTP/1.1');
  assert.equal(one(d, 'http.host'), 'example.org:8080');
  assert.equal(one(d, 'http.content_length'), '0');
  assert.deepEqual(values(d, 'http.request.line'), ['Host: example.org:8080\\r\\n', 'User-Agent: curl/8.5.0\\r\\n', 'Content-Length: 0\\r\\n']);
  assert.equal(one(d, 'http.user_agent.family'), 'curl');
  assert.equal(one(d, 'xdpscope.service'), 'example.org');
  // tshark's HTTP Info: the request line and a space
  assert.equal(d.summary.info, 'GET /index.html HTTP/1.1 ');
  const host = d.fields.find((f) => f.name === 'http.host')!;
  assert.equal(Buffer.from(d.packet.data.subarray(host.start, host.start + host.len)).toString(), 'example.org:8080', 'byte range points at the value');
});

test('HTTP request spanning segments: fields on the frame that completes it', () => {
  const d0 = new Dissector({ geoip: null });
  const part1 = ascii('POST /up HTTP/1.1\r\nHost: a.test\r\nContent-Le');
  const part2 = ascii('ngth: 5\r\n\r\nhel');
  const part3 = ascii('lo');
  let seq = 1;
  const seg = (p: number[]): Dissection => {
    const d = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, tcp(40001, 80, seq, 1, 0x18, p)))), d0);
    seq += p.length;
    return d;
  };
  const a = seg(part1), b = seg(part2), c = seg(part3);
  assert.equal(one(a, 'http.request.method'), undefined);
  assert.match(a.summary.info, /POST \/up HTTP\/1.1 {2}\[TCP segment of a reassembled PDU\]/);
  assert.equal(one(b, 'http.request.method'), undefined);
  // headers were incomplete: tshark's HTTP re-runs on the accumulated bytes and sets Info again
  assert.match(b.summary.info, /^POST \/up HTTP\/1.1 {2}\[TCP segment of a reassembled PDU\]$/);
  assert.equal(one(c, 'http.request.method'), 'POST');
  assert.equal(one(c, 'http.content_length'), '5');
  assert.equal(one(c, 'frame.protocols'), 'eth:ethertype:ip:tcp:http:media');
  // a retransmission of the first segment (a second later: within 3 ms tshark calls it out-of-order) is flagged and not fed to HTTP again
  const r = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, tcp(40001, 80, 1, 1, 0x18, part1))), { tsNs: 1_700_000_001_000_000_000n }), d0);
  assert.deepEqual(values(r, 'tcp.analysis.retransmission'), ['1']);
  assert.match(r.summary.info, /^\[TCP Retransmission\]/);
});

test('HTTP Info on the middle segments of a body: the start line while chunked, TCP\'s own with Content-Length', () => {
  // as tshark 4.0 on zeek-100-continue.pcap (chunked: HTTP asks for one more segment each time)
  const run = (headers: string, parts: string[]): string[] => {
    const d0 = new Dissector({ geoip: null });
    let seq = 1;
    return [headers, ...parts].map((p) => {
      const d = dis(raw(eth(0x0800, ipv4('198.18.0.2', '198.18.0.1', 6, tcp(80, 40001, seq, 1, 0x18, ascii(p))))), d0);
      seq += p.length;
      return d.summary.info;
    });
  };
  const chunked = run('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabcd', ['efghijkl', 'mnop\r\n0\r\n\r\n']);
  assert.equal(chunked[0], 'HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]');
  assert.equal(chunked[1], 'HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]');
  assert.match(chunked[2], /^HTTP\/1.1 200 OK /);
  assert.doesNotMatch(chunked[2], /TCP segment/);
  const sized = run('HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\nabcd', ['efghijkl', 'mnop']);
  assert.equal(sized[0], 'HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]');
  assert.match(sized[1], /^80 → 40001 \[PSH, ACK\] .* \[TCP segment of a reassembled PDU\]$/);
});

test('HTTP multipart body: Info names each typed part, as tshark 4.0 on the same bytes', () => {
  const body = '--XyZ\r\nContent-Disposition: form-data; name="a"\r\nContent-Type: Text/Plain\r\n\r\nhello\r\n'
    + '--XyZ\r\nContent-Disposition: form-data; name="b"\r\n\r\nraw\r\n'
    + '--XyZ\r\nContent-Type: TYPE; x=1\r\n\r\n\x01\x02\r\n--XyZ--\r\n';
  const info = (type: string): string => {
    const b = body.replace('TYPE', type);
    const req = `POST /u HTTP/1.1\r\nHost: a.test\r\nContent-Type: multipart/form-data; boundary="XyZ"\r\nContent-Length: ${b.length}\r\n\r\n${b}`;
    return dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, tcp(40001, 80, 1, 1, 0x18, ascii(req)))))).summary.info;
  };
  // (tshark's media dissector names an unregistered type; application/octet-stream's dissector adds nothing)
  assert.equal(info('application/x-foobarbazz'), 'POST /u HTTP/1.1  (text/plain) (application/x-foobarbazz)');
  assert.equal(info('application/octet-stream'), 'POST /u HTTP/1.1  (text/plain)');
});

test('ARP family Protocol and Info as tshark 4.0 on the same bytes (gratuitous, announcement, probe, RARP, Inverse ARP)', () => {
  const A = hex('02 00 00 00 00 01'), B = hex('02 00 00 00 00 02'), Z = [0, 0, 0, 0, 0, 0];
  const ip1 = ip4('198.18.0.1'), ip2 = ip4('198.18.0.2'), z = [0, 0, 0, 0];
  const arp = (op: number, sha: number[], spa: number[], tha: number[], tpa: number[], type = 0x0806): number[] =>
    eth(type, [...u16(1), ...u16(0x0800), 6, 4, ...u16(op), ...sha, ...spa, ...tha, ...tpa]);
  const frames = [arp(1, A, ip1, B, ip1), arp(1, A, ip1, Z, ip1), arp(1, A, z, Z, ip2), arp(2, A, ip1, B, ip1),
    arp(3, A, z, A, z, 0x8035), arp(4, B, ip2, A, ip1, 0x8035), arp(8, A, ip1, B, z), arp(9, B, ip2, A, ip1)];
  // tshark -r on these frames (Protocol, Info)
  const TSHARK = [
    ['ARP', 'Gratuitous ARP for 198.18.0.1 (Request)'], ['ARP', 'ARP Announcement for 198.18.0.1'],
    ['ARP', 'Who has 198.18.0.2? (ARP Probe)'], ['ARP', 'Gratuitous ARP for 198.18.0.1 (Reply)'],
    ['RARP', 'Who is 02:00:00:00:00:01? Tell 02:00:00:00:00:01'], ['RARP', '02:00:00:00:00:01 is at 198.18.0.1'],
    ['Inverse ARP', 'Who is 02:00:00:00:00:02? Tell 02:00:00:00:00:01'], ['Inverse ARP', '02:00:00:00:00:02 is at 198.18.0.2'],
  ];
  assert.deepEqual(frames.map((f) => { const d = dis(raw(f)); return [d.summary.protocol, d.summary.info]; }), TSHARK);
});

test('DNS query: names, Info, service', () => {
  const d = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(5353 + 1, 53, dnsQuery(0x1a2b, 'example.org'))))));
  assert.equal(one(d, 'dns.id'), '0x1a2b');
  assert.equal(one(d, 'dns.qry.name'), 'example.org');
  assert.equal(one(d, 'dns.flags.response'), '0');
  assert.equal(d.summary.info, 'Standard query 0x1a2b A example.org');
  assert.equal(one(d, 'xdpscope.service'), 'example.org');
});

test('ARP request and ICMP echo Info', () => {
  const arp = [...u16(1), ...u16(0x0800), 6, 4, ...u16(1), ...hex('020000000001'), ...ip4('198.18.0.1'), 0, 0, 0, 0, 0, 0, ...ip4('198.18.0.2')];
  assert.equal(dis(raw(eth(0x0806, arp))).summary.info, 'Who has 198.18.0.2? Tell 198.18.0.1');
  const icmp = [8, 0, 0, 0, ...u16(0x1234), ...u16(1), ...ascii('ping')];
  const d = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 1, icmp))));
  assert.match(d.summary.info, /^Echo \(ping\) request +id=0x1234, seq=1/);
  assert.equal(one(d, 'frame.protocols'), 'eth:ethertype:ip:icmp:data');
});

test('802.1Q in 802.1Q: both tags, comma-joined like tshark', () => {
  const inner = [0x20, 20, 0x08, 0x00, ...ipv4('198.18.0.1', '198.18.0.2', 17, udp(1, 2, []))];
  const d = dis(raw(eth(0x8100, [0xa0, 10, 0x81, 0x00, ...inner])));
  assert.deepEqual(values(d, 'vlan.id'), ['10', '20']);
  assert.deepEqual(values(d, 'vlan.priority'), ['5', '1']);
  assert.equal(one(d, 'frame.protocols'), 'eth:ethertype:vlan:ethertype:vlan:ethertype:ip:udp');
});

// tshark 4.0 decodes a 0x88a8 tag as ieee8021ad, not as a second vlan (ieee8021ad.test.ts compares it with tshark)
test('802.1ad S-tag in front of an 802.1Q C-tag: ieee8021ad, then vlan', () => {
  const inner = [0x20, 20, 0x08, 0x00, ...ipv4('198.18.0.1', '198.18.0.2', 17, udp(1, 2, []))];
  const d = dis(raw(eth(0x88a8, [0xa0, 10, 0x81, 0x00, ...inner])));
  assert.deepEqual(values(d, 'ieee8021ad.id'), ['10']);
  assert.deepEqual(values(d, 'ieee8021ad.priority'), ['5']);
  assert.deepEqual(values(d, 'vlan.id'), ['20']);
  assert.equal(one(d, 'frame.protocols'), 'eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:ip:udp');
});

test('malformed: Ethernet header cut short', () => {
  const d = dis(raw(hex('020000000002 0200')));
  assertMalformed(d, /Ethernet header cut short/);
  assert.equal(one(d, 'eth.dst'), '02:00:00:00:00:02');
});

test('malformed: IPv4 header cut short, and a header length below 20', () => {
  const d = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, []).slice(0, 12))));
  assertMalformed(d, /IPv4 header cut short/);
  assert.equal(one(d, 'ip.version'), '4');
  const b = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, [], { ihl: 3 }))));
  // packet-ip.c reports a bogus header length as an expert error (PI_PROTOCOL) without
  // throwing: tshark 4.0 shows no "[Malformed Packet]" and no _ws.malformed for it
  assert.equal(b.malformed, false);
  assert.ok(b.expert.some((e) => e.severity === 'error' && e.group === 'protocol' && /Bogus IP header length/.test(e.message)));
  assert.equal(b.summary.info, 'Bogus IPv4 header length (12, must be at least 20)');
  assert.equal(one(b, 'ip.src'), undefined);
});

test('malformed: IPv4 total length that lies (not a snaplen cut)', () => {
  const d = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(1000, 2000, [1, 2, 3]), { totalLen: 400 }))));
  assertMalformed(d, /total length 400 exceeds/);
  assert.equal(one(d, 'udp.srcport'), '1000', 'the upper layer is still decoded');
  // the same frame cut by a snaplen is not malformed
  const bytes = eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(1000, 2000, [1, 2, 3]), { totalLen: 400 }));
  const s = dis(raw(bytes, { origLen: 414 }));
  assert.ok(!malformed(s).some((m) => /total length/.test(m)));
});

test('malformed: IPv4 option with a zero length does not loop', () => {
  const d = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(1, 2, []), { options: [7, 0, 0, 0] }))));
  assertMalformed(d, /option length 0 invalid/);
});

test('malformed: TCP option loop (length 0 and 1) and options past the header', () => {
  for (const opts of [[2, 0, 0, 0], [8, 1, 0, 0], [1, 1, 8, 10]]) {
    const d = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, tcp(1, 2, 0, 0, 0x02, [], opts)))));
    assertMalformed(d, /TCP option/);
    assert.equal(one(d, 'tcp.flags'), '0x0002', 'fields before the options are there');
  }
});

test('malformed: TCP header cut short and bogus header length', () => {
  const d = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, tcp(1234, 80, 7, 0, 2).slice(0, 12)))));
  assertMalformed(d, /TCP header cut short \(12 of 20 bytes\)/);
  assert.equal(one(d, 'tcp.srcport'), '1234');
  assert.equal(one(d, 'tcp.flags'), undefined);
  const b = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, tcp(1, 2, 0, 0, 0x10, [1, 2, 3], [], 8)))));
  assertMalformed(b, /Bogus TCP header length/);
});

test('malformed: UDP length that lies', () => {
  const d = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(53, 5000, [1, 2], 300)))));
  assertMalformed(d, /Bad length value 300/);
  const b = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(53, 5000, [], 4)))));
  assertMalformed(b, /Bad length value 4 < 8/);
});

test('malformed: DNS compression loop ends, fields before it stay', () => {
  // question name = pointer to itself (offset 12)
  const msg = [...u16(0xbeef), 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1];
  const d = dis(raw(eth(0x0800, ipv4('198.18.0.2', '198.18.0.1', 17, udp(53, 5000, msg)))));
  assertMalformed(d, /looping/);
  assert.equal(one(d, 'dns.id'), '0xbeef');
  // two pointers pointing at each other inside an answer
  const loop2 = [...u16(1), 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, ...dnsQuery(0, 'a.b').slice(12), 0xc0, 35, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4, 0xc0, 29];
  const e = dis(raw(eth(0x0800, ipv4('198.18.0.2', '198.18.0.1', 17, udp(53, 5000, loop2)))));
  assertMalformed(e, /looping|cut short|runs past/);
  assert.equal(one(e, 'dns.qry.name'), 'a.b');
});

test('malformed: DNS header and record data cut short', () => {
  assertMalformed(dis(raw(eth(0x0800, ipv4('198.18.0.2', '198.18.0.1', 17, udp(53, 5000, [1, 2, 3]))))), /DNS header cut short/);
  const q = dnsQuery(7, 'x.test');
  const resp = [...q.slice(0, 2), 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, ...q.slice(12), 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 40, 1, 2];
  const d = dis(raw(eth(0x0800, ipv4('198.18.0.2', '198.18.0.1', 17, udp(53, 5000, resp)))));
  assertMalformed(d, /record data length 40 runs past/);
  // tshark reads a whole record before adding it: a record cut short adds nothing (its type is named in Info)
  assert.equal(one(d, 'dns.qry.name'), 'x.test');
  assert.equal(one(d, 'dns.resp.name'), undefined);
  assert.match(d.summary.info, /x\.test A\[Malformed Packet\]$/);
});

test('malformed: IPv6 extension header longer than the packet; ND option of length 0', () => {
  const v6 = (nxt: number, payload: number[]): number[] => [0x60, 0, 0, 0, ...u16(payload.length), nxt, 64, ...new Array(15).fill(0), 1, 0xfe, 0x80, ...new Array(13).fill(0), 2, ...payload];
  const d = dis(raw(eth(0x86dd, v6(0, [58, 30, 1, 0, 0, 0, 0, 0]))));
  assertMalformed(d, /ipv6.hopopts length 248 runs past/);
  assert.equal(one(d, 'ipv6.src'), '::1');
  const rs = [133, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 2, 2, 2, 2, 2];
  const n = dis(raw(eth(0x86dd, v6(58, rs))));
  assertMalformed(n, /ND option with length 0/);
});

test('malformed: TLS ClientHello with an extension length that lies; SNI before it is kept', () => {
  const sni = ascii('a.example');
  const sniExt = [0, 0, ...u16(sni.length + 5), ...u16(sni.length + 3), 0, ...u16(sni.length), ...sni];
  const badExt = [0, 16, ...u16(500), 2];
  const exts = [...sniExt, ...badExt];
  const body = [3, 3, ...new Array(32).fill(7), 0, ...u16(2), 0x13, 0x01, 1, 0, ...u16(exts.length), ...exts];
  const hs = [1, 0, ...u16(body.length), ...body];
  const rec = [22, 3, 1, ...u16(hs.length), ...hs];
  const d = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, tcp(50000, 443, 1, 1, 0x18, rec)))));
  assertMalformed(d, /extension 16 length 500 runs past/);
  assert.equal(one(d, 'tls.handshake.extensions_server_name'), 'a.example');
  assert.equal(one(d, 'tls.handshake.type'), '1');
  assert.equal(one(d, 'tls.record.version'), '0x0301');
  assert.match(d.summary.info, /^Client Hello \[Malformed Packet\]$/);
  assert.equal(one(d, 'xdpscope.service'), 'a.example');
});

test('malformed: HTTP Content-Length that is not a number', () => {
  const http = ascii('HTTP/1.1 200 OK\r\nContent-Length: lots\r\nConnection: close\r\n\r\n');
  const d0 = new Dissector({ geoip: null });
  const d = dis(raw(eth(0x0800, ipv4('198.18.0.2', '198.18.0.1', 6, tcp(80, 40000, 1, 1, 0x19, http)))), d0);
  assertMalformed(d, /bad Content-Length/);
  assert.equal(one(d, 'http.response.code'), '200');
});

test('malformed: ARP addresses cut short; SLL header cut short; NULL header cut short', () => {
  assertMalformed(dis(raw(eth(0x0806, [...u16(1), ...u16(0x0800), 6, 4, ...u16(1), 1, 2, 3]))), /ARP addresses cut short/);
  assertMalformed(dis(raw(hex('0000 0001 0006'), { linkType: 113 })), /Linux cooked header cut short/);
  assertMalformed(dis(raw([2, 0], { linkType: 0 })), /loopback header cut short/);
});

test('IPv4 fragments: the upper layer appears on the frame that completes the datagram', () => {
  const d0 = new Dissector({ geoip: null });
  const payload = udp(7000, 53, dnsQuery(0x0102, 'frag.example'));
  const first = payload.slice(0, 16), second = payload.slice(16);
  const a = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, first, { id: 9, flags: 0x2000 }))), d0);
  assert.equal(one(a, 'frame.protocols'), 'eth:ethertype:ip:data');
  assert.match(a.summary.info, /Fragmented IP protocol \(proto=UDP 17, off=0, ID=0009\)/);
  const b = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, second, { id: 9, flags: 2 }))), d0);
  assert.equal(one(b, 'frame.protocols'), 'eth:ethertype:ip:udp:dns');
  assert.equal(one(b, 'dns.qry.name'), 'frag.example');
  assert.deepEqual(values(b, 'ip.fragment'), [String(a.packet.number), String(b.packet.number)]);
});

test('field-subset mode yields the same values as a full dissection', () => {
  const frames = [
    eth(0x0800, ipv4('198.18.0.1', '8.8.8.8', 17, udp(5000, 53, dnsQuery(3, 'subset.example')))),
    eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, tcp(40000, 80, 1, 1, 0x18, ascii('GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\r\n\r\n')))),
  ];
  const names = ['eth.src', 'ip.dst', 'udp.dstport', 'dns.qry.name', 'tcp.flags', 'http.user_agent.family', 'xdpscope.service', 'frame.protocols'];
  const full = new Dissector({ geoip: null }), sub = new Dissector({ geoip: null, fields: names });
  for (const f of frames) {
    const a = full.dissect(raw(f)), b = sub.dissect(raw(f));
    for (const n of names) assert.deepEqual(values(b, n), values(a, n), n);
    assert.ok(b.fields.length < a.fields.length, 'the subset is smaller');
  }
});

test('TCP analysis: a gap in sequence numbers is flagged, a zero window too', () => {
  const d0 = new Dissector({ geoip: null });
  const seg = (seq: number, p: number[], flags = 0x18): Dissection =>
    dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, tcp(41000, 9999, seq, 1, flags, p)))), d0);
  seg(100, ascii('abc'));
  const gap = seg(200, ascii('xyz'));
  assert.deepEqual(values(gap, 'tcp.analysis.lost_segment'), ['1']);
  assert.match(gap.summary.info, /^\[TCP Previous segment not captured\] 41000 → 9999/);
  const w = [...tcp(9999, 41000, 5, 104, 0x10)];
  w[14] = 0; w[15] = 0; // window 0
  const z = dis(raw(eth(0x0800, ipv4('198.18.0.2', '198.18.0.1', 6, w))), d0);
  assert.deepEqual(values(z, 'tcp.analysis.zero_window'), ['1']);
  assert.equal(one(z, 'tcp.stream'), one(gap, 'tcp.stream'));
});

test('detail labels: Wireshark-style layer headers and field lines', () => {
  const d0 = new Dissector({ geoip: null });
  const d = withLabels(dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, tcp(51514, 443, 1000, 0, 0x02)))), d0));
  const layer = (n: string) => d.tree.find((f) => f.name === n)!;
  // as tshark 4.0 for a pcapng interface without a name
  assert.match(layer('frame').label!, /^Frame \d+: 54 bytes on wire \(432 bits\), 54 bytes captured \(432 bits\) on interface unknown, id 0$/);
  // addresses no vendor name fits: repeated in parentheses when a manuf file is there, plain without one (as tshark)
  assert.match(layer('eth').label!, /^Ethernet II, Src: 02:00:00:00:00:01( \(02:00:00:00:00:01\))?, Dst: 02:00:00:00:00:02( \(02:00:00:00:00:02\))?$/);
  assert.equal(layer('ip').label, 'Internet Protocol Version 4, Src: 198.18.0.1, Dst: 198.18.0.2');
  assert.equal(layer('tcp').label, 'Transmission Control Protocol, Src Port: 51514, Dst Port: 443, Seq: 0, Len: 0');
  const ttl = layer('ip').children!.find((f) => f.name === 'ip.ttl')!;
  assert.equal(ttl.label, 'Time to Live: 64');
  const proto = layer('ip').children!.find((f) => f.name === 'ip.proto')!;
  assert.equal(proto.label, 'Protocol: TCP (6)');
});

test('DNS over TCP: length-prefixed messages reassembled across segments', () => {
  const d0 = new Dissector({ geoip: null });
  const q = dnsQuery(0x4242, 'tcp.example', 28);
  const framed = [...u16(q.length), ...q];
  const a = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, tcp(42000, 53, 1, 1, 0x18, framed.slice(0, 7))))), d0);
  assert.equal(one(a, 'dns.qry.name'), undefined);
  const b = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, tcp(42000, 53, 8, 1, 0x18, framed.slice(7))))), d0);
  assert.equal(one(b, 'dns.qry.name'), 'tcp.example');
  assert.equal(one(b, 'dns.qry.type'), '28');
  assert.equal(b.summary.info, 'Standard query 0x4242 AAAA tcp.example');
});

test('TLS: a ClientHello split over two records is put back together', () => {
  const sni = ascii('split.example');
  const ext = [0, 0, ...u16(sni.length + 5), ...u16(sni.length + 3), 0, ...u16(sni.length), ...sni];
  const body = [3, 3, ...new Array(32).fill(1), 0, ...u16(2), 0x13, 0x01, 1, 0, ...u16(ext.length), ...ext];
  const hs = [1, 0, ...u16(body.length), ...body];
  const r1 = hs.slice(0, 30), r2 = hs.slice(30);
  const recs = [22, 3, 1, ...u16(r1.length), ...r1, 22, 3, 1, ...u16(r2.length), ...r2];
  const d = dis(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 6, tcp(50001, 443, 1, 1, 0x18, recs)))));
  assert.equal(one(d, 'tls.handshake.extensions_server_name'), 'split.example');
  assert.equal(d.summary.info, 'Client Hello (fragment), Client Hello');
  assert.equal(d.malformed, false);
});

test('field-subset mode keeps every protocol layer (filters count them: ip.src#2)', () => {
  const inner = ipv4('198.18.0.9', '198.18.0.10', 17, udp(1, 2, []));
  const d = new Dissector({ geoip: null, fields: ['ip.src'] }).dissect(raw(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 4, inner))));
  assert.deepEqual(d.fields.map((f) => f.name), ['frame', 'eth', 'ip', 'ip.src', 'ip', 'ip.src', 'udp']);
});
