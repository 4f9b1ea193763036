// SOCKS on tcp/1080, judged by tshark 4.0 on the same bytes: SOCKS 5 with
// no authentication, username/password (accepted and refused), GSS-API and
// no acceptable method; CONNECT by name, IPv4 and IPv6, BIND with its two
// replies, UDP ASSOCIATE; SOCKS 4 and 4a, a request without its user
// name's NUL, an unknown version; and the tunnelled bytes handed to the
// remote port's protocol (HTTP, FTP) or data.
import { test } from 'node:test';
import { craftedAgrees, recordsAgree, tsharkSkip } from './compare';
import type { PcapRecord } from '../../lib/pcap';
import { ascii, eth, ipv4, tcp, u16 } from './packets';

const C = '198.18.0.1', S = '198.18.0.2';
const FRAMES: number[][] = [];
function conn(cport: number): { c: (p: number[]) => void; s: (p: number[]) => void } {
  let cs = 1000, ss = 5000;
  FRAMES.push(eth(0x0800, ipv4(C, S, 6, tcp(cport, 1080, cs - 1, 0, 0x02))), eth(0x0800, ipv4(S, C, 6, tcp(1080, cport, ss - 1, cs, 0x12))));
  return {
    c: (p) => { FRAMES.push(eth(0x0800, ipv4(C, S, 6, tcp(cport, 1080, cs, ss, 0x18, p)))); cs += p.length; },
    s: (p) => { FRAMES.push(eth(0x0800, ipv4(S, C, 6, tcp(1080, cport, ss, cs, 0x18, p)))); ss += p.length; },
  };
}
const v4addr = [198, 18, 0, 2];

let k = conn(40000);
k.c([5, 2, 0, 2]); k.s([5, 2]);
k.c([1, 3, ...ascii('bob'), 6, ...ascii('secret')]); k.s([1, 0]);
k.c([5, 1, 0, 3, 11, ...ascii('example.com'), ...u16(80)]); k.s([5, 0, 0, 1, ...v4addr, ...u16(4321)]);
k.c(ascii('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n')); k.s(ascii('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
k = conn(40001);
k.c([4, 1, ...u16(21), 198, 18, 0, 9, ...ascii('bob\0')]); k.s([0, 90, ...u16(21), 198, 18, 0, 9]);
k.s(ascii('220 ftp ready\r\n')); k.c(ascii('USER bob\r\n'));
k = conn(40002);
k.c([4, 1, ...u16(6667), 0, 0, 0, 1, ...ascii('\0irc.example.net\0')]); k.s([0, 91, 0, 0, 0, 0, 0, 0]);
k = conn(40003);
k.c([5, 1, 0]); k.s([5, 0]);
k.c([5, 1, 0, 4, ...Array(15).fill(0), 1, ...u16(443)]); k.s([5, 5, 0, 1, 0, 0, 0, 0, 0, 0]);
k = conn(40010);
k.c([5, 1, 0]); k.s([5, 0]);
k.c([5, 2, 0, 1, 198, 18, 0, 7, ...u16(5555)]); k.s([5, 0, 0, 1, ...v4addr, ...u16(4000)]);
k.s([5, 0, 0, 1, 198, 18, 0, 7, ...u16(5555)]);
k.c(ascii('hello')); k.s(ascii('world'));
k = conn(40011);
k.c([5, 1, 0]); k.s([5, 0]);
k.c([5, 3, 0, 1, 0, 0, 0, 0, 0, 0]); k.s([5, 0, 0, 1, ...v4addr, ...u16(4001)]);
k = conn(40012);
k.c([5, 1, 0x80]); k.s([5, 0xff]); k.c(ascii('junk'));
k = conn(40013);
k.c([5, 1, 2]); k.s([5, 2]);
k.c([1, 3, ...ascii('bob'), 3, ...ascii('bad')]); k.s([1, 1]);
k.c([5, 1, 0, 1, 198, 18, 0, 9, 0, 22]);
k = conn(40014);
k.c([5, 1, 1]); k.s([5, 1]);
k.c([1, 1, 0, 4, 1, 2, 3, 4]); k.s([1, 1, 0, 2, 9, 9]);
k = conn(40015);
k.c([6, 1, 2, 3]);
k = conn(40016);
k.c([4, 2, ...u16(20), 198, 18, 0, 9]); k.c(ascii('alice\0'));
k.s([0, 90, ...u16(2000), ...v4addr]); k.s([0, 90, ...u16(20), 198, 18, 0, 9]);
k.c(ascii('x'));
k = conn(40017);
k.c([5, 1, 0]); k.s([5, 0]);
k.c([5, 1, 0, 3, 200, ...ascii('short')]);

const FIELDS = ['frame.protocols', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed', 'socks.version', 'socks.dst', 'socks.dstV6', 'socks.gssapi.data',
  'socks.gssapi.command', 'socks.gssapi.length', 'socks.v4a_dns_name', 'socks.dstport', 'socks.command', 'socks.results', 'socks.auth_method_count',
  'socks.auth_method', 'socks.reserved', 'socks.port', 'socks.auth_accepted_method', 'socks.auth_status', 'socks.remote_host_port',
  'socks.subnegotiation_version', 'socks.username', 'socks.password', 'socks.remote_name', 'socks.address_type', 'tcp.payload',
  'http.request.method', 'http.response.code', 'ftp.request.command', 'ftp.response.code', 'data.data'];

test('SOCKS 4/4a/5: greetings, authentication, commands and the tunnel agree with tshark', { skip: tsharkSkip() }, () => {
  craftedAgrees('socks', FRAMES, FIELDS, { seed: ['socks', 1] });
});

test('SOCKS first messages cut by the capture at every offset agree with tshark', { skip: tsharkSkip() }, () => {
  // a SOCKS 4a request and a SOCKS 5 greeting, each cut copy on a connection of its own
  const recs: PcapRecord[] = [];
  let port = 42000;
  for (const p of [[4, 1, ...u16(80), 0, 0, 0, 1, ...ascii('bob\0example.com\0')], [5, 3, 0, 1, 2]]) {
    for (let n = 1; n < p.length; n++) {
      const f = eth(0x0800, ipv4(C, S, 6, tcp(port++, 1080, 1000, 5000, 0x18, p)));
      recs.push({ data: Uint8Array.from(f.slice(0, 54 + n)), origLen: f.length });
    }
  }
  recordsAgree('socks-cut', recs, FIELDS);
});
