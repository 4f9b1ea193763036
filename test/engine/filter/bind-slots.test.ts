// A display filter bound to a field-subset Dissector (bindSlots, as `read -Y`
// binds it) finds each field's slot by FieldNode.slot instead of comparing
// names: it must match exactly the packets the same filter matches by name,
// on every shared capture, for filters of few and of many fields, slices,
// lengths, layer counts and deprecated names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openCaptureFile } from '../../../main/engine/file/open';
import { compileDisplayFilter, type CompiledFilter } from '../../../main/engine/filter/compile';
import { readDissector } from '../../../main/engine/output/decode-plan';
import { CAPTURES, sharedCapturesSkipReason } from '../../lib/env';

const skip = sharedCapturesSkipReason() ?? false;

const FILTERS = [
  'tcp.port == 443 || dns',
  'ip.src == 192.168.0.0/16 and tcp.flags.syn == 1',
  'eth.addr == ff:ff:ff:ff:ff:ff or arp',
  'tcp.payload[0:3] == "GET" or udp.length > 100',
  'len(http.host) > 3 or http.request.method == "POST"',
  'ip.src#2 == 10.0.0.1 or ip.ttl < 64',
  'ssl.handshake.type == 1 or tls.handshake.type == 2',
  // more than eight fields: the Map path
  'ip.src == 1.1.1.1 or ip.dst == 1.1.1.1 or tcp.srcport == 80 or tcp.dstport == 80 or udp.srcport == 53 or udp.dstport == 53 or icmp.type == 8 or ipv6.src == ::1 or vlan.id == 123 or dns.qry.name contains "google"',
];

const compile = (text: string): CompiledFilter => {
  const r = compileDisplayFilter(text);
  assert.ok(r.ok, `${text}: ${r.ok ? '' : r.error.message}`);
  return r.filter;
};

test('a filter bound to the Dissector\'s slots matches what it matches by name', { skip }, async () => {
  const caps = readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f));
  let matched = 0, packets = 0;
  for (const text of FILTERS) {
    for (const cap of caps) {
      const byName = compile(text);
      const dis = readDissector('fields', ['frame.number', 'ip.src'], byName, null);
      const bound = compile(text).bindSlots(dis.wantedNames());
      const file = await openCaptureFile(join(CAPTURES, cap));
      for await (const batch of file.batches()) {
        for (const p of batch) {
          const d = dis.dissect(p);
          const want = byName.matches(d);
          assert.equal(bound.matches(d), want, `${text}: ${cap} frame ${p.number}`);
          packets++;
          if (want) matched++;
        }
      }
    }
  }
  assert.ok(matched > 100 && matched < packets, `${matched} of ${packets} matched`);
});
