// The dissector on the shared corpus: summaries and enrichment on real
// traffic, and a seeded fuzz over mutated corpus packets (never throws).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAPTURES, outputDir, sharedCapturesSkipReason } from '../../lib/env';
import { buildMmdb } from './mmdb';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { Dissector, formatValue, withLabels } from '../../../main/engine/dissect';
import { GeoIp } from '../../../main/engine/enrich/geoip';
import { userAgentFamily } from '../../../main/engine/enrich/useragent';
import type { Dissection, RawPacket } from '../../../main/engine/types';
import { mulberry32 as prng, testSeed } from '../../lib/rng';

const skip = sharedCapturesSkipReason() ?? false;
const load = (name: string): RawPacket[] => parseCaptureBuffer(readFileSync(join(CAPTURES, name))).packets;
const one = (d: Dissection, name: string): string | undefined => d.fields.filter((f) => f.name === name).map(formatValue)[0];

test('summaries on real captures read like Wireshark', { skip }, () => {
  const dis = new Dissector({ geoip: null });
  const tls = load('zeek-chrome-34-google.pcap').map((p) => dis.dissect(p));
  // tshark 4.0 shows no "(SNI=…)" in Info (Wireshark 4.2 does); the name is in xdpscope.service below
  assert.equal(tls[3].summary.info, 'Client Hello');
  assert.equal(tls[3].summary.protocol, 'TLSv1');
  assert.equal(tls[5].summary.info, 'Server Hello');
  assert.equal(tls[5].summary.protocol, 'TLSv1.2');
  assert.equal(one(tls[3], 'tls.handshake.extensions_alpn_str'), 'spdy/3');
  assert.equal(one(tls[3], 'xdpscope.service'), 'google.de');
  assert.equal(one(tls[20], 'xdpscope.service'), 'google.de', 'later packets of the connection inherit the service');
  assert.equal(one(tls[0], 'xdpscope.service'), undefined, 'packets before the ClientHello have none');
  const post = load('zeek-post.pcap').map((p) => new Dissector({ geoip: null }).dissect(p));
  assert.equal(post[3].summary.info, 'POST /post HTTP/1.1  (application/x-www-form-urlencoded)');
  const dns = load('zeek-pcapng-multi-interface.pcapng').map((p) => new Dissector({ geoip: null }).dissect(p));
  assert.match(dns[1].summary.info, /^Standard query response 0x[0-9a-f]{4} A www\.apple\.com CNAME www-apple-com\.v\.aaplimg\.com/);
  const arp = load('zeek-arp.pcap').map((p) => new Dissector({ geoip: null }).dissect(p));
  assert.match(arp[0].summary.info, /^Who has [\d.]+\? Tell [\d.]+$/);
  const icmp = load('zeek-icmp_dot1q.pcap').map((p) => new Dissector({ geoip: null }).dissect(p));
  assert.match(icmp[7].summary.info, /^Echo \(ping\) request +id=0x[0-9a-f]{4}, seq=\d+\/\d+, ttl=\d+$/);
  const dhcp = load('gopacket-be-test006.pcapng').map((p) => new Dissector({ geoip: null }).dissect(p));
  // as tshark 4.0: the MAC with its manuf name, then the BoundsError of the snaplen-cut frame glued on
  assert.equal(dhcp[0].summary.info, 'Boot Request from 00:0b:82:01:fc:42 (Grandstr_01:fc:42)[Packet size limited during capture]');
  assert.equal(one(dhcp[0], 'dhcp.id'), '0x00003d1d');
});

test('GeoIP: countries from the bundled database, special ranges named instead', { skip }, () => {
  const geo = GeoIp.default();
  assert.ok(geo, 'the bundled database opens');
  assert.equal(geo.lookupV4(0x08080808)?.countryIso, 'US');
  assert.equal(geo.lookupV4(0x08080808)?.country, 'United States');
  assert.equal(geo.lookupV4(((198 << 24) | (18 << 16) | 1) >>> 0)?.special?.kind, 'benchmarking');
  assert.equal(geo.lookupV4(((192 << 24) | (168 << 16) | 1) >>> 0)?.special?.kind, 'private');
  assert.equal(geo.lookupV4(((100 << 24) | (64 << 16) | 1) >>> 0)?.special?.kind, 'cgnat');
  assert.equal(geo.lookupV4(((127 << 24) | 1) >>> 0)?.special?.kind, 'loopback');
  const dis = new Dissector();
  const d = load('gopacket-test_dns.pcap').map((p) => dis.dissect(p))[0]; // 109.194.160.4 → 95.211.92.14
  const vals = (n: string): string[] => d.fields.filter((f) => f.name === n).map(formatValue);
  assert.equal(vals('ip.geoip.src_country_iso')[0], 'RU');
  assert.equal(vals('ip.geoip.dst_country_iso')[0], 'NL');
  assert.deepEqual(vals('ip.geoip.country_iso'), ['RU', 'NL']);
  const v6 = load('zeek-ipv6.pcap').map((p) => dis.dissect(p))[0];
  assert.ok(v6.fields.some((f) => f.name === 'ipv6.geoip.dst_country_iso' && f.value === 'US'));
  const priv = load('zeek-post.pcap').map((p) => new Dissector().dissect(p))[0]; // 141.142.228.5 → 54.243.55.129
  assert.equal(priv.fields.find((f) => f.name === 'ip.geoip.dst_country_iso')?.value, 'US');
});

test('User-Agent families: browsers, CLI tools, libraries, crawlers', () => {
  const cases: Array<[string, string]> = [
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Chrome'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', 'Firefox'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15', 'Safari'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0', 'Edge'],
    ['curl/7.29.0', 'curl'], ['Wget/1.21.3', 'wget'], ['python-requests/2.31.0', 'python-requests'],
    ['Go-http-client/1.1', 'Go-http-client'],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'bot-crawler'],
    ['TeslaBrowser/5.5', 'other'],
  ];
  for (const [ua, fam] of cases) assert.equal(userAgentFamily(ua), fam, ua);
});


test('fuzz: mutated corpus packets never make a dissector throw (seeded, ~10 s)', { skip }, () => {
  const seed = testSeed('dissector fuzz', 20261127);
  const rnd = prng(seed);
  const corpus = [
    'zeek-100-continue.pcap', 'zeek-chrome-34-google.pcap', 'gopacket-test_dns.pcap', 'zeek-icmp_dot1q.pcap', 'tcpdump-icmpv6.pcap',
    'zeek-vlan-pcp-dei.pcapng', 'zeek-linux_dlt_sll2.pcap', 'zeek-fragmented-4.pcap', 'tcpdump-pptp.pcap', 'zeek-ipv6.pcap',
    'zeek-post.pcap', 'zeek-certificate-with-sct.pcap', 'gopacket-be-test006.pcapng',
  ].flatMap(load);
  const deadline = Date.now() + Number(process.env.XDPSCOPE_FUZZ_MS ?? 10_000);
  let n = 0;
  let dis = new Dissector();
  while (Date.now() < deadline) {
    if (n % 500 === 0) dis = new Dissector(); // fresh stream state now and then
    const src = corpus[Math.floor(rnd() * corpus.length)];
    const data = Uint8Array.from(src.data);
    let bytes: Uint8Array = data;
    const k = 1 + Math.floor(rnd() * 6);
    for (let i = 0; i < k; i++) {
      const r = rnd();
      const at = Math.floor(rnd() * bytes.length);
      if (r < 0.5) bytes[at] = Math.floor(rnd() * 256);
      else if (r < 0.7) bytes[at] = [0, 0xff, 0x7f, 0x80, 1][Math.floor(rnd() * 5)];
      else if (r < 0.85) bytes = bytes.subarray(0, at);
      else bytes = Uint8Array.from([...bytes, ...Array.from({ length: Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 256))]);
    }
    const p: RawPacket = { ...src, number: n + 1, data: bytes, capLen: bytes.length, origLen: Math.max(bytes.length, src.origLen) };
    const d = dis.dissect(p);
    const failure = d.expert.find((e) => /dissector failure/.test(e.message));
    assert.equal(failure, undefined, `seed ${seed}, case ${n}: ${failure?.message} (bytes ${Buffer.from(bytes).toString('hex')})`);
    assert.equal(typeof d.summary.info, 'string');
    if (n % 7 === 0) withLabels(d);
    for (const f of d.fields) formatValue(f);
    n++;
  }
  assert.ok(n > 1000, `only ${n} cases ran`);
  console.log(`fuzz: ${n} mutated packets, seed ${seed}`);
});

test('a user MaxMind database (city + ASN, GeoLite2 shape) wins over the bundled one', () => {
  const dir = outputDir('geoip');
  const city = join(dir, 'city.mmdb'), asn = join(dir, 'asn.mmdb');
  writeFileSync(city, buildMmdb('GeoLite2-City', [
    ['8.8.8.0', 24, { country: { iso_code: 'DE', names: { en: 'Germany' } }, city: { names: { en: 'Berlin' } } }],
  ]));
  writeFileSync(asn, buildMmdb('GeoLite2-ASN', [
    ['8.8.8.0', 24, { autonomous_system_number: 64500, autonomous_system_organization: 'Example AS' }],
  ]));
  const geo = GeoIp.open(`${city},${asn}`);
  const g = geo.lookupV4(0x08080808);
  assert.equal(g?.countryIso, 'DE');
  assert.equal(g?.city, 'Berlin');
  assert.equal(g?.asn, 64500);
  assert.equal(g?.org, 'Example AS');
  assert.equal(geo.lookupV4(0x01010101)?.countryIso !== undefined, true, 'the bundled database still answers the rest');
  const d = new Dissector({ geoip: geo }).dissect({
    number: 1, tsNs: 0n, capLen: 34, origLen: 34, linkType: 1, interfaceId: 0,
    data: Uint8Array.from([...new Array(12).fill(2), 8, 0, 0x45, 0, 0, 20, 0, 0, 0x40, 0, 64, 17, 0, 0, 8, 8, 8, 8, 198, 18, 0, 1]),
  });
  const v = (n: string): string | undefined => one(d, n);
  assert.equal(v('ip.geoip.src_country_iso'), 'DE');
  assert.equal(v('ip.geoip.src_city'), 'Berlin');
  assert.equal(v('ip.geoip.src_asnum'), '64500');
  assert.equal(v('ip.geoip.src_org'), 'Example AS');
  assert.equal(v('ip.geoip.dst_special'), 'benchmarking');
  assert.equal(v('ip.geoip.dst_country'), 'Benchmarking');
});
