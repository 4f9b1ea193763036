// Opening a file on the worker pool (service/open-pool.ts) shows exactly
// what opening it on the service thread shows: every row's columns, colour
// and conversation, every filter's answer from the index, the insights;
// filters set before and during the load; Cancel keeps what is shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { EngineService } from '../../../main/engine/service/service';
import { openThreads } from '../../../main/engine/service/open-pool';
import { FIELD_COLUMNS } from '../../../main/api/columns';
import { PcapngWriter } from '../../../main/engine/pcapng/writer';
import { outputDir, sharedCapturesSkipReason } from '../../lib/env';
import { appendSharedCaptures } from '../../lib/shared-captures';
import { ascii, dnsQuery, eth, ipv4, tcp, udp } from '../dissect/packets';
import { attacks } from '../insights/attacks';
import { loaded } from '../../lib/service';

process.env.XDPSCOPE_CONFIG_DIR = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'xs-config-'));
const skip = sharedCapturesSkipReason() ?? false;

/** The shared captures' packets in one file, `times` over, timestamps rising; some with epb_flags and comments. */
function combined(times: number): string {
  const path = join(outputDir('open-pool'), `combined-${times}.pcapng`);
  const w = PcapngWriter.open(path);
  let ts = appendSharedCaptures(w, times, 1_600_000_000_000_000_000n, (n) => ({
    comments: n % 101 === 0 ? [`note ${n}`] : undefined,
    extras: n % 7 === 0 ? { flags: 1 } : undefined,
  }));
  // Many conversations over many host pairs, interleaved, so that threads first see their streams in an order
  // unlike the file's (tcp.stream and udp.stream are renumbered when merged), a port reused after FIN included.
  const e = w.addInterface({ linkType: 1, snaplen: 262144, tsUnitNs: 1 });
  const put = (bytes: number[]): void => { ts += 777_000n; w.writePacket(e, ts, Uint8Array.from(bytes), bytes.length); };
  for (let round = 0; round < 2; round++) {
    for (let step = 0; step < 5; step++) {
      for (let c = 0; c < 240; c++) {
        const a = `198.18.${c % 9}.${1 + (c % 17)}`, b = `198.19.0.${1 + (c % 5)}`, sp = 20000 + c, seq = 1000 * c;
        const t = (flags: number, fromA: boolean, data: number[] = [], off = 0) => put(eth(0x0800, fromA
          ? ipv4(a, b, 6, tcp(sp, 80, seq + off, 5000, flags, data))
          : ipv4(b, a, 6, tcp(80, sp, 5000, seq + off, flags, data))));
        if (step === 0) t(0x02, true);
        else if (step === 1) t(0x12, false, [], 1);
        else if (step === 2) t(0x18, true, ascii(`GET /${c}-${round} HTTP/1.1\r\nHost: h${c % 11}.example\r\n\r\n`), 1);
        else if (step === 3) put(eth(0x0800, ipv4(a, b, 17, udp(30000 + c, 53, dnsQuery(c, `q${c}.example`)))));
        else t(0x11, true, [], 1 + 30 + String(c).length + String(round).length + String(c % 11).length);
      }
    }
  }
  w.close();
  return path;
}

async function open(path: string, threads: number, before?: (s: EngineService) => Promise<void>): Promise<EngineService> {
  const saved = process.env.XDPSCOPE_OPEN_THREADS;
  process.env.XDPSCOPE_OPEN_THREADS = String(threads);
  try {
    const s = new EngineService({ emit: () => undefined });
    await s.call('openFile', { path });
    if (before) await before(s);
    await loaded(s);
    assert.equal(s.status().state, 'done', `${threads} threads: the load ends`);
    return s;
  } finally {
    if (saved === undefined) delete process.env.XDPSCOPE_OPEN_THREADS; else process.env.XDPSCOPE_OPEN_THREADS = saved;
  }
}

/** Every stored column of every packet, as text. */
function rows(s: EngineService): string[] {
  const st = s.packetStore;
  const out: string[] = [];
  for (let i = 0; i < st.count; i++) {
    const f = FIELD_COLUMNS.map((c, k) => (c.type === 'number' ? String(st.fieldCols[k].get(i)) : st.strings.get(st.fieldCols[k].get(i))));
    out.push([st.number.get(i), st.capLen.arr[i], st.strings.get(st.source.arr[i]), st.strings.get(st.destination.arr[i]),
      st.strings.get(st.protocol.arr[i]), st.info(i), st.colour.arr[i], st.stream.get(i), st.pktFlags.get(i), ...f].join('\u0001'));
  }
  return out;
}

const FILTERS = [
  'tcp.port == 80', 'tcp.stream == 3 or udp.stream == 5', 'tcp.stream in {0..40}', 'dns or http.request', 'ip.addr == 192.168.0.0/16 && tcp.flags.syn == 1',
  'frame.len > 1000 and not arp', 'eth.addr == ff:ff:ff:ff:ff:ff', 'http.host contains "a"', 'tcp.srcport == tcp.dstport', 'tls.handshake.type == 1',
];

/** Did the open go through the worker pool (it leaves the insights to their own thread)? */
const pooled = (s: EngineService): boolean => s.cap.insightsLane !== null;

async function displayed(s: EngineService, filter: string): Promise<number[]> {
  const r = await s.call('setFilter', { text: filter }) as { ok: boolean };
  assert.ok(r.ok, filter);
  const b = s.rows(0, 1 << 20);
  return Array.from(b.number);
}

test('a file opened on 3 threads shows what one thread shows: rows, streams, colours, filters, insights', { skip, timeout: 240_000 }, async () => {
  const path = combined(12);
  const one = await open(path, 0);
  const many = await open(path, 3);
  assert.equal(pooled(one), false);
  assert.equal(pooled(many), true, 'opened on the pool');
  assert.ok(one.packetStore.count > 6000, `${one.packetStore.count} packets`);
  assert.equal(many.packetStore.count, one.packetStore.count);
  const a = rows(one), b = rows(many);
  for (let i = 0; i < a.length; i++) assert.equal(b[i], a[i], `row ${i}`);
  assert.ok(new Set(a.map((r) => r.split('\u0001')[7])).size > 200, 'many TCP conversations');
  for (const f of FILTERS) assert.deepEqual(await displayed(many, f), await displayed(one, f), f);
  // the insights finish on their own thread, after the list (on a machine without a core to spare for them)
  for (let i = 0; i < 6000 && !many.cap.insightsLane?.done; i++) await new Promise((r) => setTimeout(r, 10));
  const i1 = await one.call('getInsights', {}) as { alerts: unknown[]; packets: number; stats: unknown };
  const i3 = await many.call('getInsights', {}) as { alerts: unknown[]; packets: number; stats: unknown };
  assert.equal(i3.packets, i1.packets);
  assert.deepEqual(i3.alerts, i1.alerts);
  assert.deepEqual(i3.stats, i1.stats);
  assert.equal(many.status().alerts, one.status().alerts);
  await one.shutdown();
  await many.shutdown();
});

test('a pooled open raises the alerts a one-thread open raises, with the same numbers and filters, on crafted attacks', { timeout: 240_000 }, async () => {
  const path = join(outputDir('open-pool'), 'attacks.pcapng');
  attacks().write(path);
  const one = await open(path, 0);
  const many = await open(path, 2);
  assert.equal(pooled(many), true, 'opened on the pool');
  for (let i = 0; i < 6000 && !many.cap.insightsLane?.done; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(many.cap.insightsLane?.done, true, 'the insights thread finishes');
  const i1 = await one.call('getInsights', {}) as { alerts: Array<{ kind: string }>; packets: number; stats: unknown };
  const i2 = await many.call('getInsights', {}) as { alerts: Array<{ kind: string }>; packets: number; stats: unknown };
  assert.ok(new Set(i1.alerts.map((a) => a.kind)).size >= 8, `kinds ${i1.alerts.map((a) => a.kind).join(', ')}`);
  assert.equal(i2.packets, one.packetStore.count);
  assert.deepEqual(i2.alerts, i1.alerts);
  assert.deepEqual(i2.stats, i1.stats);
  assert.equal(many.status().alerts, one.status().alerts);
  await one.shutdown();
  await many.shutdown();
});

test('a filter set while a file opens on the pool covers every packet, indexed or not', { skip, timeout: 240_000 }, async () => {
  const path = combined(12);
  const want = new Map<string, number[]>();
  const one = await open(path, 0);
  for (const f of ['frame.len > 1000 and not arp', 'tcp.payload contains "GET"']) want.set(f, await displayed(one, f));
  await one.call('setFilter', { text: '' });
  const all = rows(one);
  await one.shutdown();
  for (const [f, nums] of want) {
    // applied as soon as the first rows are in: packets merged later are judged as they land
    const s = await open(path, 2, async (svc) => { assert.ok((await svc.call('setFilter', { text: f }) as { ok: boolean }).ok); });
    assert.equal(pooled(s), true);
    assert.deepEqual(Array.from(s.rows(0, 1 << 20).number), nums, f);
    await s.shutdown();
  }
  // Cancel: the load stops, what is shown is exactly the file's first packets, and the insights count no more
  const s = await open(path, 2, async (svc) => { await svc.call('cancelOpen', {}); });
  const got = rows(s);
  assert.ok(got.length >= 2048 && got.length < all.length, `${got.length} of ${all.length} packets kept`);
  assert.deepEqual(got, all.slice(0, got.length));
  assert.equal(s.status().captured, got.length);
  assert.match(s.status().error?.message ?? '', /cancelled after \d+ packets/);
  for (let i = 0; i < 3000 && !(s.cap.insightsLane?.done); i++) await new Promise((r) => setTimeout(r, 10));
  const ins = await s.call('getInsights', {}) as { packets: number };
  assert.equal(ins.packets, got.length, 'the insights count the packets shown');
  await s.shutdown();
});

test('the pool is for big files on a machine with an idle core, unless XDPSCOPE_OPEN_THREADS says otherwise', () => {
  const saved = process.env.XDPSCOPE_OPEN_THREADS;
  try {
    delete process.env.XDPSCOPE_OPEN_THREADS;
    const cores = availableParallelism();
    assert.equal(openThreads(1 << 20, 0), 0, 'a small file opens on the service thread');
    assert.equal(openThreads(1 << 30, 0), cores >= 2 ? Math.min(4, cores) : 0);
    assert.equal(openThreads(1 << 30, cores), 0, 'every core busy: the pool would only add CPU');
    process.env.XDPSCOPE_OPEN_THREADS = '3';
    assert.equal(openThreads(1 << 20, 99), 3);
    process.env.XDPSCOPE_OPEN_THREADS = '1';
    assert.equal(openThreads(1 << 30, 0), 0);
  } finally {
    if (saved === undefined) delete process.env.XDPSCOPE_OPEN_THREADS; else process.env.XDPSCOPE_OPEN_THREADS = saved;
  }
});

test("the pool's threads load no zod: they validate no call, and its schemas were a fifth of the insights thread's start-up", () => {
  const { readFileSync } = require('node:fs') as typeof import('node:fs');
  // this test's bundle sits at dist/test/engine/service; the threads' at dist/main/engine/service
  for (const f of ['open-worker.js', 'open-insights-worker.js']) {
    const code = readFileSync(join(__dirname, '..', '..', '..', 'main', 'engine', 'service', f), 'utf8');
    assert.doesNotMatch(code, /require\(["']zod["']\)/, f);
  }
});
