// Sessions through the engine service (what the app's File menu does):
// open a shared capture, filter, select, comment, change columns, save,
// reopen in a fresh service and find the same view; tshark reads the
// comment; exports (packets and dissections); overwrite refusal; cancel;
// damage and unreadable paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { EngineService } from '../../../main/engine/service/service';
import { CAPTURES, sharedCapturesSkipReason, hasCommand } from '../../lib/env';
import { loaded } from '../../lib/service';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const skip = sharedCapturesSkipReason() ?? false;
const noTshark = hasCommand('tshark') ? false : 'tshark not installed';

async function settle(s: EngineService): Promise<void> {
  await loaded(s);
}

async function open(path: string): Promise<EngineService> {
  const s = new EngineService({ emit: () => undefined });
  await s.call('openFile', { path });
  await settle(s);
  return s;
}

function allRows(s: EngineService) {
  const b = s.rows(0, 100_000);
  return { numbers: Array.from(b.number), times: Array.from(b.time) };
}

const tshark = (file: string, ...args: string[]) => execFileSync('tshark', ['-r', file, ...args], { encoding: 'utf8' });

test('save then reopen in a fresh service: same packets, timestamps, comments, filter, columns, selection', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-session-'));
  try {
    const a = await open(join(CAPTURES, 'zeek-post.pcap'));
    const before = allRows(a);
    assert.equal(before.numbers.length, 14);
    assert.equal((await a.call('setFilter', { text: 'tcp.port == 80' })).ok, true);
    const c = await a.call('addComment', { number: 4, text: 'the POST request' });
    assert.deepEqual(c.comments, ['the POST request']);
    await a.call('addComment', { number: 4, text: 'second note' });
    assert.deepEqual((await a.call('editComment', { number: 4, index: 1, text: 'edited note' })).comments, ['the POST request', 'edited note']);
    await a.call('addComment', { number: 8, text: 'to be deleted' });
    assert.deepEqual((await a.call('deleteComment', { number: 8 })).comments, []);
    await assert.rejects(a.call('editComment', { number: 4, index: 7, text: 'x' }), /no comment #7/);
    assert.equal(a.status().unsaved, true, 'edited comments make the session unsaved');

    // The detail pane shows a "Packet comments" section; frame.comment filters.
    const d = await a.call('getDetails', { number: 4 });
    assert.equal(d.tree[0].label, 'Packet comments');
    assert.deepEqual(d.tree[0].children!.map((n) => n.label), ['the POST request', 'edited note']);
    assert.deepEqual(d.comments, ['the POST request', 'edited note']);
    const f = await a.call('setFilter', { text: 'frame.comment contains "POST"' });
    assert.equal(f.displayed, 1);
    await a.call('setFilter', { text: 'tcp.port == 80' });

    const columns = [
      { field: 'number', title: 'No.', width: 70 },
      { field: 'info', title: 'Info', width: 400 },
      { field: 'source', title: 'Source', width: 133 },
      { field: 'time', title: 'Time', hidden: true },
    ];
    await a.call('setView', { columns, selectedPacket: 6 });
    const path = join(dir, 'session.pcapng');
    const saved = await a.call('save', { path });
    assert.equal(saved.packets, 14, 'Save writes every packet, not only the displayed ones');
    assert.equal(a.status().unsaved, undefined);
    await assert.rejects(a.call('save', { path }), (e: any) => e.kind === 'exists' && /already exists/.test(e.message), 'Save As onto an existing file is refused without overwrite');
    assert.equal((await a.call('save', { path, overwrite: true })).packets, 14);
    await a.shutdown();

    const b = await open(path);
    const info = await b.call('getSession', {});
    assert.equal(info.ours, true);
    assert.equal(info.displayFilter, 'tcp.port == 80');
    assert.deepEqual(info.columns, columns);
    assert.equal(info.selectedPacket, 6);
    assert.deepEqual(info.commentedFrames, [4]);
    assert.ok(info.colouringRules.some((r) => r.name === 'HTTP'));
    assert.equal((info.insights as any).scan?.minPorts, 20, 'insight settings are stored');
    assert.equal(b.status().filter, 'tcp.port == 80', 'the display filter is applied on open');
    assert.equal(b.status().captured, 14);
    await b.call('setFilter', { text: '' });
    assert.deepEqual(allRows(b), before, 'same packets and timestamps');
    assert.deepEqual((await b.call('getDetails', { number: 4 })).comments, ['the POST request', 'edited note']);
    assert.equal((await b.call('setFilter', { text: 'frame.comment' })).displayed, 1);
    await b.shutdown();

    if (!noTshark) {
      const out = tshark(path, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.comment', '-Y', 'frame.comment');
      assert.equal(out.trim(), '4\tthe POST request,edited note');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Export Specified Packets (range, selected, displayed; pcap) and Export Packet Dissections (CSV, JSON)', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-export-'));
  try {
    const s = await open(join(CAPTURES, 'zeek-post.pcap'));
    await s.call('addComment', { number: 2, text: 'exported note' });
    const pcap = await s.call('save', { path: join(dir, 'classic.pcap') });
    assert.deepEqual([pcap.format, pcap.packets], ['pcap', 14]);
    assert.equal(s.status().unsaved, true, 'a classic pcap keeps no comments: they are still unsaved');
    const r = await s.call('exportPackets', { path: join(dir, 'range.pcapng'), select: 'range', range: '1-3, 10' });
    assert.equal(r.packets, 4);
    await assert.rejects(s.call('exportPackets', { path: join(dir, 'bad.pcapng'), select: 'range', range: '5-2' }), /5-2/);
    assert.equal((await s.call('exportPackets', { path: join(dir, 'sel.pcap'), select: 'selected', frames: [7] })).format, 'pcap');
    await s.call('setFilter', { text: 'http' });
    assert.equal((await s.call('exportPackets', { path: join(dir, 'disp.pcapng'), select: 'displayed' })).packets, 2);
    const csv = await s.call('exportDissections', { path: join(dir, 'all.csv'), select: 'all', format: 'csv' });
    assert.equal(csv.packets, 14);
    const lines = readFileSync(join(dir, 'all.csv'), 'utf8').trim().split('\r\n');
    assert.equal(lines.length, 15);
    assert.match(lines[2], /exported note/);
    const json = await s.call('exportDissections', { path: join(dir, 'http.json'), select: 'displayed', format: 'json' });
    assert.equal(json.packets, 2);
    const docs = JSON.parse(readFileSync(join(dir, 'http.json'), 'utf8'));
    assert.deepEqual(docs.map((x: any) => x._source.layers['frame.number'][0]), ['4', '8']);
    await assert.rejects(s.call('exportDissections', { path: join(dir, 'all.csv'), select: 'all', format: 'csv' }), (e: any) => e.kind === 'exists');
    await s.shutdown();
    if (!noTshark) {
      assert.equal(tshark(join(dir, 'range.pcapng'), '-T', 'fields', '-e', 'frame.comment').split('\n')[1], 'exported note');
      assert.equal(tshark(join(dir, 'sel.pcap'), '-T', 'fields', '-e', 'frame.len').trim(), '66');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a damaged file opens up to the damage with offset, block and reason', { skip }, async () => {
  const s = await open(join(CAPTURES, 'kbandla-truncated_dns_2.pcap'));
  const st = s.status();
  assert.equal(st.state, 'done');
  assert.equal(st.captured, 1);
  assert.equal(typeof st.fileError?.offset, 'number');
  assert.equal(typeof st.fileError?.block, 'number');
  assert.ok(st.fileError?.reason);
  assert.match(st.fileError!.message, /damaged at byte \d+ \(record \d+\)/);
  await s.shutdown();
});

test('unreadable paths say why', async () => {
  const s = new EngineService({ emit: () => undefined });
  await assert.rejects(s.call('openFile', { path: '/nonexistent/x.pcap' }), /no such file or directory/);
  await assert.rejects(s.call('openFile', { path: tmpdir() }), /directory/);
  const notCap = join(mkdtempSync(join(tmpdir(), 'xs-bad-')), 'x.pcap');
  writeFileSync(notCap, 'this is not a capture file at all, just text');
  await assert.rejects(s.call('openFile', { path: notCap }), /not a readable pcap or pcapng/);
  assert.equal(s.status().error?.kind, 'file');
});

test('a large file reports progress while loading and can be cancelled, keeping what was read', { skip }, async () => {
  // ~40k packets: a copy of a shared capture's records repeated (classic pcap: header once, records appended)
  const src = readFileSync(join(CAPTURES, 'zeek-100-continue.pcap'));
  const body = src.subarray(24);
  const dir = mkdtempSync(join(tmpdir(), 'xs-big-'));
  const big = join(dir, 'big.pcap');
  writeFileSync(big, Buffer.concat([src.subarray(0, 24), ...Array.from({ length: 400 }, () => body)]));
  try {
    const progress: Array<{ bytesRead: number; size: number }> = [];
    const s = new EngineService({ emit: (e) => { if (e.event === 'status' && e.data.progress) progress.push(e.data.progress); } });
    const st = await s.call('openFile', { path: big });
    assert.ok(st.captured > 0, 'the first rows are there before the file is indexed');
    const cancelled = await s.call('cancelOpen', {});
    await settle(s);
    const end = s.status();
    assert.equal(end.state, 'done');
    assert.equal(cancelled.state, 'done');
    assert.ok(progress.length > 0, 'progress is pushed with status');
    assert.equal(progress[0].size, 400 * body.length + 24);
    if (end.captured < 400 * 100) assert.match(end.error?.message ?? '', /cancelled/);
    assert.deepEqual(Array.from(s.rows(0, 3).number), [1, 2, 3]);
    await s.shutdown();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(!existsSync(big));
  assert.deepEqual(readdirSync(tmpdir()).filter((f) => f.startsWith('big.pcap')), []);
});
