// IPv6's Info when the payload's protocol writes none: packet-ipv6.c names
// each extension header ("IPv6 hop-by-hop options", "IPv6 destination
// options", "IPv6 routing") and throws on one cut short, gluing
// "[Malformed Packet]" on; it has no "IPv6 next header …" text of its own.
import { test } from 'node:test';
import { craftedAgrees, tsharkSkip } from './compare';
import { eth, ipv6, udp } from './packets';

const FIELDS = ['frame.protocols', 'ipv6.nxt', 'ipv6.hopopts.nxt', 'ipv6.dstopts.nxt', 'ipv6.routing.nxt', 'udp.srcport', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

test('IPv6 extension headers name themselves in Info as tshark, cut or followed by nothing that writes Info', { skip: tsharkSkip() }, () => {
  const ext = (next: number): number[] => [next, 0, 1, 4, 0, 0, 0, 0];
  const u = udp(40000, 40001, [1, 2, 3, 4]);
  const f = [
    eth(0x86dd, ipv6(0, [...ext(17), ...u])), eth(0x86dd, ipv6(60, [...ext(17), ...u])), eth(0x86dd, ipv6(43, [17, 0, 0, 0, 0, 0, 0, 0, ...u])),
    eth(0x86dd, ipv6(60, [...ext(59)])), eth(0x86dd, ipv6(0, [...ext(60), ...ext(253), 1, 2])), eth(0x86dd, ipv6(43, [59, 0, 0, 0, 0, 0, 0, 0])),
    eth(0x86dd, ipv6(60, [])), eth(0x86dd, ipv6(43, [])), eth(0x86dd, ipv6(60, [17])), eth(0x86dd, ipv6(0, [...ext(60), 17])),
  ];
  craftedAgrees('ipv6-info', f, FIELDS, { seed: ['ipv6-info', 41] });
});
