// A capture whose packets carry their process (as live attribution saves
// them), opened in the engine service: the Process column, the filter over
// proc.* fields (index and re-dissection alike), the detail pane's Process
// section, Statistics → Processes, and a save that keeps it all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineService } from '../../../main/engine/service/service';
import { parseCaptureBuffer } from '../../../main/engine/file';
import type { ProcessInfo } from '../../../main/engine/types';
import { openLoaded } from '../../lib/service';
import { processCapture } from './process-capture';

process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const dir = mkdtempSync(join(tmpdir(), 'xs-proc-service-'));
const curl: ProcessInfo = { pid: 4242, name: 'curl', exepath: '/usr/bin/curl', argv: ['curl', '-s', 'http://www.example.org/'], uid: 1000, gid: 1000, user: 'alice', container: '', cgroup: '/user.slice' };

const capture = (): { path: string; web: number[]; stray: number } => processCapture(join(dir, 'in.pcapng'), '198.18.30', curl);

test('proc.* in the list, the filter, the details, the statistics and a saved copy', async () => {
  const { path, web, stray } = capture();
  const s = new EngineService({ emit: () => {} });
  await openLoaded(s, path);
  const b = s.rows(0, 100);
  const names = Array.from(b.process, (i) => b.strings[i]);
  assert.deepEqual(web.map((n) => names[n - 1]), web.map(() => 'curl'));
  assert.ok(!names[stray - 1], 'no process for the stray datagram');
  assert.equal(b.pid[0], 4242);
  assert.ok(Number.isNaN(b.pid[stray - 1]));
  assert.equal(b.strings[b.container[0]], 'host');

  assert.deepEqual(await s.call('setFilter', { text: 'proc.name == "curl" && user.name == "alice"' }), { ok: true, empty: false, displayed: web.length });
  assert.deepEqual(Array.from(s.rows(0, 100).number), web);
  assert.deepEqual(await s.call('setFilter', { text: 'proc.none' }), { ok: true, empty: false, displayed: 1 });

  const d = await s.call('getDetails', { number: web[0] });
  assert.deepEqual(d.process, { pid: 4242, name: 'curl', exepath: '/usr/bin/curl', cmdline: 'curl -s http://www.example.org/', uid: 1000, user: 'alice', container: 'host', match: 'socket' });
  assert.ok(d.tree.some((n) => n.name === 'proc' && n.label === 'Process: curl (pid 4242, uid 1000 alice)'));
  const none = await s.call('getDetails', { number: stray });
  assert.match(none.process?.none ?? '', /no local socket/);

  const ps = await s.call('getProcesses', {});
  assert.equal(ps.unattributed, 1);
  assert.deepEqual(ps.processes.map((p) => [p.pid, p.name, p.packets, p.remotes, p.services]), [[4242, 'curl', web.length, ['198.18.30.80:80'], ['www.example.org']]]);

  const out = join(dir, 'saved.pcapng');
  await s.call('setFilter', { text: '' });
  await s.call('saveCopy', { path: out });
  const back = parseCaptureBuffer(readFileSync(out)).packets;
  assert.deepEqual(back.filter((p) => p.proc?.name === 'curl').map((p) => p.number), web);
  assert.equal(back[stray - 1].procAttr, 17);
});
