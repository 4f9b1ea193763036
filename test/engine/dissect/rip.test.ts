// RIP (udp/520), added through the protocol registration path alone: on
// hand-built v1/v2 requests and responses (with a password entry and a cut
// entry), every field and the summary agree with tshark 4.0's output for the
// same bytes (rows recorded from `tshark -T fields -E occurrence=a`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dissector } from '../../../main/engine/dissect';
import { FieldsFormatter, defaultFieldsOptions } from '../../../main/engine/output/fields';
import { compileDisplayFilter } from '../../../main/engine/filter/compile';
import { raw, eth, ipv4, udp, u16, u32, ip4, ascii } from './packets';

const rip = (command: number, version: number, entries: number[][]): number[] => [command, version, 0, 0, ...entries.flat()];
const route = (family: number, tag: number, ip: string, mask: string, hop: string, metric: number): number[] =>
  [...u16(family), ...u16(tag), ...ip4(ip), ...ip4(mask), ...ip4(hop), ...u32(metric)];
const password = (p: string): number[] => [...u16(0xffff), ...u16(2), ...ascii(p.padEnd(16, '\0'))];
const frame = (src: string, dst: string, payload: number[]): number[] => eth(0x0800, ipv4(src, dst, 17, udp(520, 520, payload)));

const PACKETS = [
  frame('198.18.0.1', '224.0.0.9', rip(2, 2, [route(2, 0, '198.18.4.0', '255.255.255.0', '0.0.0.0', 1), route(2, 7, '198.19.0.0', '255.255.0.0', '198.18.0.254', 3)])),
  frame('198.18.0.2', '224.0.0.9', rip(1, 2, [route(0, 0, '0.0.0.0', '0.0.0.0', '0.0.0.0', 16)])),
  frame('198.18.0.3', '198.18.0.255', rip(2, 1, [route(2, 0, '198.18.8.0', '0.0.0.0', '0.0.0.0', 2)])),
  frame('198.18.0.1', '224.0.0.9', rip(2, 2, [password('secret'), route(2, 0, '198.18.4.0', '255.255.255.0', '0.0.0.0', 1)])),
  frame('198.18.0.1', '224.0.0.9', rip(2, 2, [route(2, 0, '198.18.4.0', '255.255.255.0', '0.0.0.0', 1).slice(0, 10)])),
];

const FIELDS = ['frame.protocols', 'rip.command', 'rip.version', 'rip.family', 'rip.route_tag', 'rip.ip', 'rip.netmask', 'rip.next_hop', 'rip.metric', 'rip.auth.type', 'rip.auth.passwd'];

/** tshark 4.0.17 on the same five frames, these columns */
const TSHARK = [
  'eth:ethertype:ip:udp:rip\t2\t2\t2,2\t0,7\t198.18.4.0,198.19.0.0\t255.255.255.0,255.255.0.0\t0.0.0.0,198.18.0.254\t1,3\t\t',
  'eth:ethertype:ip:udp:rip\t1\t2\t0\t0\t\t0.0.0.0\t0.0.0.0\t16\t\t',
  'eth:ethertype:ip:udp:rip\t2\t1\t2\t\t198.18.8.0\t\t\t2\t\t',
  'eth:ethertype:ip:udp:rip\t2\t2\t2\t0\t198.18.4.0\t255.255.255.0\t0.0.0.0\t1\t2\tsecret',
  'eth:ethertype:ip:udp:rip\t2\t2\t\t\t\t\t\t\t\t',
];
/** tshark's Protocol and Info columns */
const COLUMNS = [['RIPv2', 'Response'], ['RIPv2', 'Request'], ['RIPv1', 'Response'], ['RIPv2', 'Response'], ['RIPv2', 'Response [Malformed Packet]']];

test('RIP fields agree with tshark 4.0, on whole dissections and field subsets', () => {
  for (const opts of [{}, { fields: FIELDS }]) {
    const dis = new Dissector({ geoip: null, ...opts });
    const fmt = new FieldsFormatter(defaultFieldsOptions(FIELDS));
    const lines = PACKETS.map((p) => fmt.line(dis.dissect(raw(p))).replace(/\n$/, ''));
    assert.deepEqual(lines, TSHARK);
  }
});

test('RIP summary: the version as protocol, the command as Info; a cut entry is malformed', () => {
  const dis = new Dissector({ geoip: null });
  const ds = PACKETS.map((p) => dis.dissect(raw(p)));
  assert.deepEqual(ds.map((d) => [d.summary.protocol, d.summary.info]), COLUMNS);
  assert.deepEqual(ds.map((d) => d.malformed), [false, false, false, false, true]);
});

test('RIP fields are known to the display filter', () => {
  const r = compileDisplayFilter('rip.version == 2 && rip.metric < 16 && rip.ip == 198.18.4.0');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const dis = new Dissector({ geoip: null });
  const hits = PACKETS.map((p) => r.ok && r.filter.matches(dis.dissect(raw(p))));
  assert.deepEqual(hits, [true, false, false, true, false]);
});
