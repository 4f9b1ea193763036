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
import { HELPER } from './util';
import { testSeed } from '../../lib/rng';

function frame(type: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32LE(type, 0);
  h.writeUInt32LE(payload.length, 4);
  return Buffer.concat([h, payload]);
}

function hello(): Buffer {
  const p = Buffer.alloc(80);
  // version 3; flags: multi-buffer, process attribution on
  [3, 7, 1, 3, 1500, 3, 42, 65536].forEach((v, i) => p.writeUInt32LE(v, i * 4));
  p.write('veth0', 32);
  // directions in+out, egress through tcx, tracing program 77 'xdp_dispatcher'
  [3, 1, 77].forEach((v, i) => p.writeUInt32LE(v, 48 + i * 4));
  p.write('xdp_dispatcher', 60);
  return frame(1, p);
}

/** direction: 1 in, 2 out; action: the foreign program's, or none; pid and attr: the process attribution */
function record(ts: bigint, wire: number, data: Buffer, direction = 1, action = 0xffffffff, pid = 0, attr = 0): Buffer {
  const h = Buffer.alloc(40);
  h.writeBigUInt64LE(ts, 0);
  h.writeUInt32LE(wire, 8);
  h.writeUInt32LE(data.length, 12);
  h.writeUInt32LE(7, 16);
  h.writeUInt32LE(direction, 24);
  h.writeUInt32LE(action, 28);
  h.writeUInt32LE(pid, 32);
  h.writeUInt32LE(attr, 36);
  return Buffer.concat([h, data]);
}

/** A PROC frame: struct xs_wire_proc, then exe, cmdline (NUL-separated), user, container, cgroup */
function proc(pid: number, comm: string, strs: string[]): Buffer {
  const f = Buffer.alloc(40);
  [pid, 1000, 100, 1].forEach((v, i) => f.writeUInt32LE(v, i * 4));
  f.writeBigUInt64LE(4242n, 16);
  f.write(comm, 24);
  return frame(5, Buffer.concat([f, ...strs.map((t) => { const b = Buffer.from(t); const l = Buffer.alloc(2); l.writeUInt16LE(b.length); return Buffer.concat([l, b]); })]));
}

function stats(seen: number, final: boolean): Buffer {
  const p = Buffer.alloc(80);
  p.writeBigUInt64LE(123n, 0);
  p.writeBigUInt64LE(BigInt(seen), 8);
  p.writeBigUInt64LE(BigInt(seen), 24);
  p.writeUInt32LE(final ? 1 : 0, 72);
  return frame(3, p);
}

function reply(ok: boolean, text: string): Buffer {
  const s = Buffer.alloc(4);
  s.writeUInt32LE(ok ? 0 : 1, 0);
  return frame(4, Buffer.concat([s, Buffer.from(text)]));
}

interface Seen { hello?: HelloInfo; packets: RawPacket[]; stats: CaptureStats[]; replies: Reply[]; order: string[] }

function decode(chunks: Buffer[]): Seen {
  const seen: Seen = { packets: [], stats: [], replies: [], order: [] };
  const d = new HelperStreamDecoder({
    hello: (h) => { seen.hello = h; seen.order.push('hello'); },
    packets: (b) => { for (const p of b) { seen.packets.push({ ...p, data: Buffer.from(p.data) }); seen.order.push(`p${p.number}`); } },
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
    new HelperStreamDecoder({ hello: () => {}, packets: (b) => { view = b[0].data; }, stats: () => {}, reply: () => {} }).push(chunk);
    assert.equal((view as Buffer).buffer, chunk.buffer);
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
