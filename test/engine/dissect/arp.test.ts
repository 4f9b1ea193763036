// ARP as tshark 4.0 shows it: gratuitous requests and replies, RFC 5227
// probes and announcements (arp.isgratuitous/isprobe/isannouncement), RARP
// and InARP, duplicate address detection across frames (an address bound
// to another MAC earlier: arp.duplicate-address-frame and a warning), and
// a cut packet (Info "[Malformed Packet]" alone). Before, the generated
// fields and the duplicate were missing and a cut ARP said "Malformed ARP".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { craftedAgrees, tsharkSkip } from './compare';
import { hex } from './packets';

const FIELDS = ['frame.protocols', 'arp.opcode', 'arp.isgratuitous', 'arp.isprobe', 'arp.isannouncement', 'arp.duplicate-address-detected',
  'arp.duplicate-address-frame', 'arp.seconds-since-duplicate-address-frame', 'arp.src.hw_mac', 'arp.dst.proto_ipv4', '_ws.col.Protocol',
  '_ws.col.Info', '_ws.malformed', '_ws.expert.severity', '_ws.expert.group'];

const u16 = (v: number): number[] => [v >> 8, v & 255];
const ip = (s: string): number[] => s.split('.').map(Number);
function arp(op: number, sha: string, spa: string, tha: string, tpa: string, htype = 1): number[] {
  return [...u16(htype), ...u16(0x0800), 6, 4, ...u16(op), ...hex(sha), ...ip(spa), ...hex(tha), ...ip(tpa)];
}
const frame = (dst: string, payload: number[], type = 0x0806): number[] => [...hex(dst), ...hex('020000000002'), ...u16(type), ...payload];
const B = 'ffffffffffff', A = '020000000001', M = '020000000002', Z = '000000000000';

test('ARP: gratuitous, probe, announcement, RARP, InARP, duplicates and damage agree with tshark', { skip: tsharkSkip() }, () => {
  const f = [
    frame(B, arp(1, M, '198.18.0.2', Z, '198.18.0.2')),
    frame(B, arp(2, M, '198.18.0.2', B, '198.18.0.2')),
    frame(B, arp(1, M, '0.0.0.0', Z, '198.18.0.9')),
    frame(A, arp(2, M, '198.18.0.2', A, '198.18.0.1')),
    frame(B, arp(3, M, '0.0.0.0', M, '0.0.0.0'), 0x8035),
    frame(B, arp(4, A, '198.18.0.1', M, '198.18.0.2'), 0x8035),
    frame(B, arp(8, M, '198.18.0.2', Z, '198.18.0.1')),
    frame(B, arp(1, M, '198.18.0.2', Z, '198.18.0.1', 6)),
    frame(B, arp(1, M, '198.18.0.2', Z, '198.18.0.1').slice(0, 20)),
    // 198.18.0.2 answered by another MAC: a duplicate of frame 8's binding
    frame(A, arp(2, '020000000003', '198.18.0.2', A, '198.18.0.1')),
    // and the target of a reply is bound too: 198.18.0.1 seen at another MAC than frame 10 says
    frame(A, arp(2, '020000000004', '198.18.0.4', '020000000005', '198.18.0.1')),
    frame(B, [0x00, 0x01, 0x08]),
  ];
  const r = craftedAgrees('arp', f, FIELDS, { seed: ['arp', 0x0806] });
  assert.equal(r.theirs[9][FIELDS.indexOf('arp.duplicate-address-frame')], '8');
  assert.equal(r.theirs[0][FIELDS.indexOf('arp.isannouncement')], '1');
});
