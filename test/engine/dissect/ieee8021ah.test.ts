// 802.1ah Provider Backbone Bridging (ethertype 0x88e7) against tshark 4.0:
// the I-TAG's bits and I-SID, the customer MACs, the inner frame decoded
// (IPv4/ICMP, a VLAN tag, an unknown type, a trailer), and cuts inside the
// header. Before ieee8021ah.ts these were eth:ethertype:data.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../main/engine/dissect/protocols';
import { craftedAgrees, tsharkSkip } from './compare';
import { outputDir } from '../../lib/env';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { Dissector } from '../../../main/engine/dissect';
import { FieldsFormatter, defaultFieldsOptions } from '../../../main/engine/output/fields';
import { readFileSync } from 'node:fs';
import { eth, hex, u32 } from './packets';

// the layer's line names the customer MACs as tshark does by default (resolved); compared below without -n
const FIELDS = ['frame.protocols', 'eth.padding', 'eth.trailer', 'ieee8021ah.priority', 'ieee8021ah.drop', 'ieee8021ah.nca', 'ieee8021ah.res1',
  'ieee8021ah.res2', 'ieee8021ah.isid', 'ieee8021ah.cdst', 'ieee8021ah.csrc', 'ieee8021ah.etype', 'ieee8021ah.trailer', 'vlan.id', 'ip.src', 'icmp.type',
  'data.data', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];
const IP = hex('4500001c000100004001000098120001981200020800f7fd00010001');
const MACS = hex('020000000010 020000000011');

test('802.1ah: I-TAG, customer MACs and the inner frame agree with tshark', { skip: tsharkSkip() }, () => {
  const frames = [
    eth(0x88e7, [...u32(0xa8012345), ...MACS, 0x08, 0x00, ...IP]),
    eth(0x88e7, [...u32(0x1f000001), ...MACS, 0x81, 0x00, 0x00, 0x64, 0x08, 0x00, ...IP]),
    eth(0x88e7, [...u32(0x04ffffff), ...MACS, 0x00, 0x10, ...Array<number>(16).fill(0)]),
    eth(0x88e7, [...u32(0x00000001), ...MACS, 0x08, 0x00, ...IP, 0xaa, 0xbb]),
    // cuts: after the MACs, after C-DA, inside the I-TAG, nothing
    eth(0x88e7, [...u32(1), ...MACS]), eth(0x88e7, [...u32(1), ...MACS.slice(0, 6)]), eth(0x88e7, [0, 0, 1]), eth(0x88e7, []),
  ];
  const r = craftedAgrees('ieee8021ah', frames, FIELDS, { seed: ['ieee8021ah', 0x88e7] });
  assert.equal(r.theirs[0][0], 'eth:ethertype:ieee8021ah:ethertype:ip:icmp');
  assert.equal(r.theirs[0][FIELDS.indexOf('ieee8021ah.isid')], '74565');
  const pcap = join(outputDir('dissect-compare'), 'ieee8021ah.pcap');
  const theirs = spawnSync('tshark', ['-r', pcap, '-T', 'fields', '-E', 'occurrence=a', '-e', 'ieee8021ah'], { encoding: 'utf8' }).stdout.split('\n').slice(0, frames.length);
  const fmt = new FieldsFormatter(defaultFieldsOptions(['ieee8021ah']));
  const dis = new Dissector({ geoip: null });
  const ours = parseCaptureBuffer(readFileSync(pcap)).packets.map((p) => fmt.line(dis.dissect(p)).replace(/\n$/, ''));
  assert.deepEqual(ours, theirs);
});
