// Long passes never block the engine thread: while a filter or sort runs
// over a many-packet capture, getStatus is answered before the pass ends
// (ordering of the answers, not wall time); a newer filter or cancelOpen
// supersedes the running pass; a session whose stored display filter is a
// catastrophic regular expression opens.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { EngineClient } from '../../../main/engine/service/client';
import type { Status } from '../../../main/api/types';
import { tcpFrameBytes } from '../../lib/tcp-frame';
import { pcapFile } from '../../lib/pcap';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const dir = mkdtempSync(join(tmpdir(), 'xs-passes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** many packets: more than one slice of any pass (steps.ts SLICE_UNITS) */
const PACKETS = 15_000;

/** frame i (0-based), as written */
const frameBytes = (i: number): Buffer =>
  tcpFrameBytes('198.18.0.1', '198.18.0.2', 1000 + (i % 5000), 80, i * 100, 0, 0x18, [], Buffer.from(`x${i % 97}`.padEnd(64, 'x')), 512);

function writeCapture(path: string): void {
  writeFileSync(path, pcapFile(Array.from({ length: PACKETS }, (_, i) => frameBytes(i))));
}

const capture = join(dir, 'many.pcap');
writeCapture(capture);

/** resolves with the first status (pushed or asked for) that satisfies pred */
async function until(c: EngineClient, pred: (s: Status) => boolean): Promise<Status> {
  let off = (): void => undefined;
  const pushed = new Promise<Status>((resolve) => { off = c.onEvent((e) => { if (e.event === 'status' && pred(e.data)) resolve(e.data); }); });
  const now = await c.call('getStatus', {});
  const s = pred(now) ? now : await pushed;
  off();
  return s;
}

async function loaded(path = capture): Promise<EngineClient> {
  const c = new EngineClient();
  await c.call('openFile', { path });
  await until(c, (s) => s.state === 'done');
  return c;
}

/** The order in which the answers came back. */
async function answerOrder(calls: Record<string, Promise<unknown>>): Promise<string[]> {
  const order: string[] = [];
  await Promise.all(Object.entries(calls).map(([k, p]) => p.then(() => order.push(k))));
  return order;
}

test('getStatus is answered while a filter or a sort runs over many packets', { timeout: 120_000 }, async () => {
  const c = await loaded();
  try {
    assert.equal((await c.call('getStatus', {})).captured, PACKETS);
    // the index path (a plain field test) and the re-dissection path (frame bytes)
    for (const text of ['tcp.srcport >= 3000', 'frame matches "x1[0-9]x"']) {
      const filter = c.call('setFilter', { text });
      const order = await answerOrder({ filter, status: c.call('getStatus', {}) });
      assert.deepEqual(order, ['status', 'filter'], text);
      const r = await filter;
      assert.ok(r.ok && !r.superseded && r.displayed! > 0, `${text}: ${JSON.stringify(r)}`);
    }
    const sort = c.call('setSort', { column: 'info', desc: true });
    assert.deepEqual(await answerOrder({ sort, status: c.call('getStatus', {}) }), ['status', 'sort']);
    const rows = await c.call('getRows', { start: 0, count: 2 });
    assert.ok(rows.number[0]! > 0 && rows.total > 0);
  } finally {
    await c.close();
  }
});

test('a newer filter or cancelOpen supersedes the running pass; the list stays consistent', { timeout: 120_000 }, async () => {
  const c = await loaded();
  try {
    const first = c.call('setFilter', { text: 'tcp.srcport >= 3000' });
    const second = c.call('setFilter', { text: 'tcp.srcport == 1001' });
    const [r1, r2] = await Promise.all([first, second]);
    assert.equal(r1.ok && r1.superseded, true, JSON.stringify(r1));
    assert.deepEqual(r2, { ok: true, empty: false, displayed: PACKETS / 5000 });
    let st = await c.call('getStatus', {});
    assert.equal(st.filter, 'tcp.srcport == 1001');
    assert.equal(st.displayed, PACKETS / 5000);

    // cancel drops a running re-dissection: the list is as it was
    const slow = c.call('setFilter', { text: 'frame matches "(.*){12}zzz"' });
    const cancelled = await c.call('cancelOpen', {});
    assert.equal(cancelled.filter, 'tcp.srcport == 1001');
    const r3 = await slow;
    assert.equal(r3.ok && r3.superseded, true, JSON.stringify(r3));
    st = await c.call('getStatus', {});
    assert.equal(st.filter, 'tcp.srcport == 1001');
    assert.equal(st.displayed, PACKETS / 5000);
    assert.deepEqual(Array.from((await c.call('getRows', { start: 0, count: 10 })).number), [2, 5002, 10002]);

    // and a running sort: the rows keep their order, a later sort applies
    assert.equal((await c.call('setFilter', { text: '' })).displayed, PACKETS);
    const sort = c.call('setSort', { column: 'info', desc: true });
    await c.call('cancelOpen', {});
    await sort;
    assert.deepEqual(Array.from((await c.call('getRows', { start: 0, count: 3 })).number), [1, 2, 3]);
    await c.call('setSort', { column: 'number', desc: true });
    assert.deepEqual(Array.from((await c.call('getRows', { start: 0, count: 3 })).number), [PACKETS, PACKETS - 1, PACKETS - 2]);
  } finally {
    await c.close();
  }
});

test('a filter set while the file loads selects exactly the matching packets, whichever path answers it', { timeout: 120_000 }, async () => {
  const want = (re: RegExp): number[] => {
    const out: number[] = [];
    for (let i = 0; i < PACKETS; i++) if (re.test(frameBytes(i).toString('latin1'))) out.push(i + 1);
    return out;
  };
  for (const [text, frames] of [
    ['tcp.srcport == 1001', [2, 5002, 10002]],
    ['frame matches "x1[0-9]x"', want(/x1[0-9]x/i)],
  ] as Array<[string, number[]]>) {
    const c = new EngineClient();
    try {
      await c.call('openFile', { path: capture });
      const r = await c.call('setFilter', { text });
      assert.ok(r.ok && !r.superseded, JSON.stringify(r));
      const st = await until(c, (s) => s.state === 'done');
      assert.equal(st.captured, PACKETS);
      assert.equal(st.displayed, frames.length, text);
      const rows = await c.call('getRows', { start: 0, count: Math.min(frames.length, 10_000) });
      assert.deepEqual(Array.from(rows.number), frames.slice(0, 10_000), text);
    } finally {
      await c.close();
    }
  }
});

test('a session whose stored display filter is a catastrophic regex opens with it applied', { timeout: 120_000 }, async () => {
  const text = 'frame matches "(.*){12}zzz"';
  const saved = join(dir, 'stored-filter.pcapng');
  const c = await loaded();
  try {
    const r = await c.call('setFilter', { text });
    assert.deepEqual(r, { ok: true, empty: false, displayed: 0 });
    await c.call('save', { path: saved });
  } finally {
    await c.close();
  }
  const again = await loaded(saved);
  try {
    const st = await until(again, (s) => s.state === 'done');
    assert.equal(st.filter, text);
    assert.equal(st.captured, PACKETS);
    assert.equal(st.displayed, 0);
  } finally {
    await again.close();
  }
});
