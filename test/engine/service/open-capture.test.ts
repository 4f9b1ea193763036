// Opening a new source replaces the open capture whole: nothing of the old
// one (comments, view, notices, unsaved state, packets) survives, while the
// display filter and sort the user set carry over to the new list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { EngineService } from '../../../main/engine/service/service';
import { CAPTURES, sharedCapturesSkipReason } from '../../lib/env';
import { openLoaded } from '../../lib/service';

// Keep the user's recent-files list out of tests.
process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const skip = sharedCapturesSkipReason() ?? false;

async function open(s: EngineService, file: string): Promise<void> {
  await openLoaded(s, join(CAPTURES, file));
  assert.equal(s.status().state, 'done', `${file} loaded`);
}

test('a new file replaces the open capture whole; filter and sort carry over', { skip }, async () => {
  const s = new EngineService({ emit: () => undefined });
  try {
    await open(s, 'zeek-post.pcap');
    const firstStore = s.packetStore;
    await s.call('addComment', { number: 1, text: 'look here' });
    await s.call('setView', { columns: [{ field: 'number', title: 'No.' }], selectedPacket: 1 });
    await s.call('setSort', { column: 'length', desc: true });
    const f = await s.call('setFilter', { text: 'tcp' });
    assert.equal(f.ok, true);
    assert.equal(s.status().unsaved, true, 'the comment is unsaved');
    const generation = s.status().generation;

    await open(s, 'zeek-arp.pcap');
    assert.notEqual(s.packetStore, firstStore, 'a new store');
    const st = s.status();
    assert.equal(st.source, join(CAPTURES, 'zeek-arp.pcap'));
    assert.equal(st.unsaved, undefined, 'the old capture\'s comment does not make the new one unsaved');
    assert.equal(st.filter, 'tcp', 'the display filter carries over');
    assert.equal(st.displayed, 0, 'and applies to the new packets (no TCP in an ARP capture)');
    assert.ok(st.generation > generation, 'rows must be refetched');
    const session = await s.call('getSession', {});
    assert.deepEqual(session.commentedFrames, []);
    assert.deepEqual(session.notices, []);
    await assert.rejects(s.call('editComment', { number: 1, index: 0, text: 'x' }), /no comment|index/i);

    await s.call('setFilter', { text: '' });
    const rows = s.list.rows(0, 1000);
    const lengths = Array.from(rows.length);
    assert.deepEqual(lengths, [...lengths].sort((a, b) => b - a), 'the sort carried over too');
  } finally {
    await s.shutdown();
  }
});
