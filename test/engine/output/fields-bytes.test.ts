// The -T fields byte writer formats numbers, MAC, IPv4/IPv6 addresses, hex
// and booleans straight into the output buffer with one bounds check per
// value: its lines must be FieldsFormatter's (the string formatter checked
// against tshark) for every packet of the shared captures, also when the
// buffer has to grow in the middle of a line, with quotes, a multi-byte
// separator and aggregator, and every occurrence mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openCaptureFile } from '../../../main/engine/file/open';
import { readDissector } from '../../../main/engine/output/decode-plan';
import { defaultFieldsOptions, FieldsByteWriter, FieldsFormatter, type FieldsOptions } from '../../../main/engine/output/fields';
import { GrowingSink } from '../../../main/engine/output/writer';
import { CAPTURES, sharedCapturesSkipReason } from '../../lib/env';

const skip = sharedCapturesSkipReason() ?? false;

// every kind the writer formats inline (uint, hex, bool, ether, ipv4, ipv6), repeated fields and strings
const FIELDS = [
  'frame.number', 'eth.src', 'eth.addr', 'ip.src', 'ip.addr', 'ipv6.src', 'ipv6.addr', 'tcp.flags', 'tcp.flags.syn',
  'tcp.option_kind', 'ip.flags', 'ip.checksum', 'vlan.id', 'udp.port', 'dns.a', 'dns.qry.name', 'arp.src.hw_mac',
  'icmp.type', 'frame.protocols', 'ip.ttl', 'ipv6.flow', 'ip.src',
];

test('the byte writer prints FieldsFormatter\'s lines, growing its buffer mid-line', { skip }, async () => {
  const caps = readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f));
  assert.ok(caps.length > 0);
  const modes: Array<Partial<FieldsOptions>> = [
    {},
    { quote: 'd', separator: ' | ', aggregator: ' ; ', occurrence: 'a' },
    { occurrence: 'f', aggregator: ';' },
    { occurrence: 'l', quote: 's' },
  ];
  let lines = 0;
  for (const cap of caps) {
    for (const mode of modes) {
      const o: FieldsOptions = { ...defaultFieldsOptions(FIELDS), ...mode };
      const dis = readDissector('fields', FIELDS, null, null);
      const bytes = new FieldsByteWriter(o).bindSlots(dis.wantedNames());
      const text = new FieldsFormatter(o);
      // a buffer smaller than one line: every value's bounds check has to grow it at some point
      const sink = new GrowingSink(8);
      let want = '';
      const file = await openCaptureFile(join(CAPTURES, cap));
      for await (const batch of file.batches()) {
        for (const p of batch) {
          const d = dis.dissect(p);
          want += text.line(d);
          bytes.write(d, sink);
          lines++;
        }
      }
      assert.equal(sink.buf.toString('utf8', 0, sink.pos), want, `${cap} ${JSON.stringify(mode)}`);
    }
  }
  assert.ok(lines > 1000, `${lines} lines compared`);
});
