// The helper stream decoder must give the same packets, stats and replies
// however the pipe splits the stream; the helper's filter grammar accepts
// the documented tcpdump subset and names what it refuses.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { HelperStreamDecoder, type CaptureStats, type HelloInfo, type Reply } from '../../../main/engine/capture/protocol';
import { checkCaptureFilter } from '../../../main/engine/capture/filter-check';
import type { RawPacket } from '../../../main/engine/types';
import type { RecordBatch } from '../../../main/engine/capture/records';
import { HELPER } from './util';
import { testSeed } from '../../lib/rng';
import { frame, hello, proc, record, reply, stats } from './stream';

interface Seen { hello?: HelloInfo; packets: RawPacket[]; stats: CaptureStats[]; replies: Reply[]; order: string[] }

function decode(chunks: Buffer[]): Seen {
  const seen: Seen = { packets: [], stats: [], replies: [], order: [] };
  const d = new HelperStreamDecoder({
    hello: (h) => { seen.hello = h; seen.order.push('hello'); },
    packets: (b) => { for (const p of b.packets()) { seen.packets.push({ ...p, data: Buffer.from(p.data) }); seen.order.push(`p${p.number}`); } },
    stats: (s) => { seen.stats.push(s); seen.order.push('stats'); },
    reply: (r) => { seen.replies.push(r); seen.order.push('reply'); },
  }, 3);
  for (const c of chunks) d.push(c);
  assert.ok(d.atBoundary);
  return seen;
}

const payloads = [Buffer.from('a'.repeat(60)), Buffer.alloc(0), Buffer.from('xyz'), Buffer.alloc(1514, 7)];
const stream = Buffer.concat([
  hello(),
  stats(0, false),
  frame(2, Buffer.concat(payloads.slice(0, 2).map((d, i) => record(1000n + BigInt(i), d.length + 4, d)))),
  reply(false, "filter: 'or' is not supported"),
  frame(9, Buffer.from('future frame type')),
  proc(42, 'curl', ['/usr/bin/curl', 'curl\0-s\0http://x/', 'alice', 'a'.repeat(64), '/system.slice/docker-x.scope']),
  frame(2, Buffer.concat(payloads.slice(2).map((d, i) => record(2000n + BigInt(i), d.length, d, 2 - i, i, i ? 0 : 42, i ? 17 : 1)))),
  stats(4, true),
]);

describe('helper stream decoder', () => {
  it('decodes hello, packet records, stats and replies in stream order', () => {
    const s = decode([stream]);
    assert.deepEqual(s.order, ['hello', 'stats', 'p1', 'p2', 'reply', 'p3', 'p4', 'stats']);
    assert.equal(s.hello!.ifname, 'veth0');
    assert.equal(s.hello!.mode, 'trace');
    assert.equal(s.hello!.directions, 'inout');
    assert.equal(s.hello!.egressMode, 'tcx');
    assert.deepEqual(s.hello!.foreign, { id: 77, name: 'xdp_dispatcher' });
    assert.equal(s.hello!.snaplen, 1500);
    assert.equal(s.hello!.multiBuffer, true);
    assert.deepEqual(s.packets.map((p) => p.data), payloads);
    assert.deepEqual(s.packets.map((p) => p.tsNs), [1000n, 1001n, 2000n, 2001n]);
    assert.deepEqual(s.packets.map((p) => p.origLen), [64, 4, 3, 1514]);
    // the direction as pcapng's epb_flags word; the action only where a foreign program gave one
    assert.deepEqual(s.packets.map((p) => p.flags), [1, 1, 2, 1]);
    assert.deepEqual(s.packets.map((p) => p.xdpAction), [undefined, undefined, 0, 1]);
    // the process: described by the PROC frame before the record naming its pid; attr 0 = attribution off
    assert.deepEqual(s.packets.map((p) => p.procAttr), [undefined, undefined, 1, 17]);
    assert.deepEqual(s.packets[2].proc, {
      pid: 42, uid: 1000, gid: 100, name: 'curl', exepath: '/usr/bin/curl', argv: ['curl', '-s', 'http://x/'],
      user: 'alice', container: 'a'.repeat(64), cgroup: '/system.slice/docker-x.scope',
    });
    assert.equal(s.packets[3].proc, undefined);
    assert.deepEqual(s.hello!.proc, { on: true });
    assert.ok(s.packets.every((p) => p.interfaceId === 3 && p.linkType === 1 && p.capLen === p.data.length));
    assert.deepEqual(s.replies, [{ ok: false, message: "filter: 'or' is not supported" }]);
    assert.equal(s.stats[1].final, true);
    assert.equal(s.stats[1].seen, 4);
  });

  it('gives the same result however the pipe splits the stream', () => {
    const whole = decode([stream]);
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 12 }), (cuts) => {
      const at = [0, ...cuts.sort((a, b) => a - b), stream.length];
      const chunks = at.slice(1).map((end, i) => stream.subarray(at[i], end));
      const s = decode(chunks);
      assert.deepEqual(s.order, whole.order);
      assert.deepEqual(s.packets.map((p) => p.data), whole.packets.map((p) => p.data));
    }), { seed: testSeed('protocol: pipe splits', 42), numRuns: 300 });
  });

  it('hands out views into the chunk, not copies, when a record fits in it', () => {
    const chunk = Buffer.concat([hello(), frame(2, record(5n, 3, Buffer.from('abc')))]);
    let view: Uint8Array | undefined;
    new HelperStreamDecoder({ hello: () => {}, packets: (b) => { view = b.packets()[0].data; }, stats: () => {}, reply: () => {} }).push(chunk);
    assert.equal((view as Buffer).buffer, chunk.buffer);
  });

  it('hands records over as batches of offsets into the chunk; a split record comes whole in a batch of its own', () => {
    const recs = [Buffer.from('first'), Buffer.alloc(0), Buffer.from('split by the pipe'), Buffer.from('last')];
    const packets = frame(2, Buffer.concat(recs.map((d, i) => record(10n + BigInt(i), 100 + i, d))));
    const chunk = Buffer.concat([hello(), packets]);
    // cut inside the third record's header, then inside its data
    const third = chunk.length - packets.length + 8 + 2 * 40 + 5;
    const cuts = [third + 12, third + 40 + 3];
    const batches: RecordBatch[] = [];
    const d = new HelperStreamDecoder({ hello: () => {}, packets: (b) => batches.push(b), stats: () => {}, reply: () => {} });
    for (const [from, to] of [[0, cuts[0]], [cuts[0], cuts[1]], [cuts[1], chunk.length]]) d.push(chunk.subarray(from, to));
    assert.deepEqual(batches.map((b) => [b.firstNumber, b.count]), [[1, 2], [3, 1], [4, 1]]);
    // in place: the offsets are the records' headers in the buffer they arrived in
    assert.equal(batches[0].buf.buffer, chunk.buffer);
    assert.equal(batches[0].buf.readBigUInt64LE(batches[0].at[1]), 11n);
    // the split one: header and data together, copied once
    assert.equal(batches[1].at[0], 0);
    assert.equal(batches[1].buf.length, 40 + recs[2].length);
    assert.equal(batches[2].buf.buffer, chunk.buffer);
    const all = batches.flatMap((b) => b.packets());
    assert.deepEqual(all.map((p) => Buffer.from(p.data)), recs);
    assert.deepEqual(all.map((p) => [p.number, p.tsNs, p.origLen, p.capLen]), recs.map((r, i) => [i + 1, 10n + BigInt(i), 100 + i, r.length]));
    assert.equal(batches.reduce((n, b) => n + b.queuedBytes, 0), recs.reduce((n, r) => n + r.length + 64, 0));
    assert.equal(d.packetCount, 4);
    assert.ok(d.atBoundary);
  });

  it('names the process a pid had when the record arrived, however late the batch is read', () => {
    const batches: RecordBatch[] = [];
    const d = new HelperStreamDecoder({ hello: () => {}, packets: (b) => batches.push(b), stats: () => {}, reply: () => {} });
    // pid 42 is curl, then (an exec) wget; the batches are read only after both
    d.push(Buffer.concat([
      hello(),
      proc(42, 'curl', ['/usr/bin/curl', 'curl', 'alice', '', '']),
      frame(2, record(1n, 1, Buffer.from('a'), 2, 0xffffffff, 42, 1)),
      proc(42, 'wget', ['/usr/bin/wget', 'wget', 'alice', '', '']),
      frame(2, Buffer.concat([record(2n, 1, Buffer.from('b'), 2, 0xffffffff, 42, 1), record(3n, 1, Buffer.from('c'), 1, 0xffffffff, 0, 17)])),
    ]));
    const all = batches.flatMap((b) => b.packets());
    assert.deepEqual(all.map((p) => p.proc?.name), ['curl', 'wget', undefined]);
    assert.deepEqual(all.map((p) => p.procAttr), [1, 1, 17]);
    assert.equal(batches[1].packets(), batches[1].packets(), 'built once');
  });

  it('rejects a corrupt stream with a message instead of reading garbage', () => {
    const d = new HelperStreamDecoder({ hello: () => {}, packets: () => {}, stats: () => {}, reply: () => {} });
    const bad = frame(2, record(1n, 10, Buffer.alloc(10)).subarray(0, 38));
    assert.throws(() => d.push(bad), /helper protocol/);
  });
});

describe('capture filter grammar (helper check-filter)', { skip: existsSync(HELPER) ? false : `helper not built (${HELPER})` }, () => {
  const good = ['tcp port 443', 'udp', 'host 198.18.0.2', 'net 198.18.0.0/15', 'not port 22', 'src host 198.18.0.1 and dst port 80',
    'tcp dst portrange 8000-8080', '!icmp', 'ip6 and host fe80::1', 'arp', 'net 10.0.0.0 mask 255.0.0.0', '',
    'tcp or udp', '(tcp)', 'port 80 or port 443', 'not (host 198.18.0.1 or net 198.19.0.0/16) and (tcp or icmp)', '!(udp||arp)&&ip'];
  for (const f of good) {
    it(`accepts '${f}'`, async () => assert.equal((await checkCaptureFilter(f, { helper: HELPER })).ok, true));
  }
  const bad: Array<[string, RegExp]> = [
    ['tcp or', /ends after 'or'/],
    ['((tcp)', /'\(' without a matching '\)'/],
    ['tcp)', /'\)' without a matching '\('/],
    ['or tcp', /a term is missing before 'or'/],
    // expands to 9 alternatives: one more than the program evaluates
    ['host 198.18.0.1 or host 198.18.0.2 or host 198.18.0.3 or host 198.18.0.4 or host 198.18.0.5 or host 198.18.0.6 or host 198.18.0.7 or host 198.18.0.8 or host 198.18.0.9', /too complex for the kernel filter/],
    ['(tcp or udp) and (port 1 or port 2) and (host 198.18.0.1 or host 198.18.0.2) and (ip or ip6)', /too complex/],
    ['port http', /bad port 'http'/],
    ['host example.com', /not an IP address/],
    ['net 198.18.0.1/15', /non-network bits/],
    ['tcp and', /ends after 'and'/],
    ['ether host 01:02:03:04:05:06', /unsupported term 'ether'/],
    ['udp udp', /expected 'and' or 'or' before 'udp'/],
  ];
  for (const [f, re] of bad) {
    it(`refuses '${f}' and says why`, async () => {
      const r = await checkCaptureFilter(f, { helper: HELPER });
      assert.equal(r.ok, false);
      assert.match((r as { message: string }).message, re);
    });
  }
});
