// The renderer store's session actions against the real engine service in
// process: reopening our session restores filter and selection; comments
// from the store; Save As onto an existing file asks (declined: untouched;
// accepted: replaced); unsaved comments make Open ask first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { EngineService } from '../../main/engine/service/service';
import type { EngineEvent, XdpscopeApi } from '../../main/api/types';
import { validateCall } from '../../main/api/index';
import { CAPTURES, ROOT, sharedCapturesSkipReason } from '../lib/env';
import { loadRendererModule } from './load-renderer';

const { createAppStore } = loadRendererModule<typeof import('../../renderer/store')>(join(ROOT, 'renderer/store.ts'));
process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));
const skip = sharedCapturesSkipReason() ?? false;

function inProcessApi(): { api: XdpscopeApi; svc: EngineService } {
  const listeners = new Set<(e: EngineEvent) => void>();
  const svc = new EngineService({ emit: (e) => { for (const l of listeners) l(e); } });
  const api: XdpscopeApi = {
    face: 'browser',
    call: async (method, params) => { const v = validateCall(method, params); return svc.call(v.method, v.params) as any; },
    onEvent: (l) => { listeners.add(l); return () => listeners.delete(l); },
  };
  return { api, svc };
}
const until = async (cond: () => boolean) => { for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10)); };

test('store: comment, save, overwrite question, unsaved question, reopen restores filter and selection', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-store-session-'));
  const questions: string[] = [];
  let answer = false;
  const { api, svc } = inProcessApi();
  const store = createAppStore(api, { confirm: (m) => { questions.push(m); return answer; } });
  const s = () => store.getState();
  try {
    await s().init();
    await s().openFile(join(CAPTURES, 'zeek-post.pcap'));
    await until(() => s().status.state === 'done');
    assert.equal(await s().applyFilter('http'), true);
    await s().select(4);
    s().openCommentEditor(4);
    s().setCommentText('  from the store  ');
    await s().submitComment();
    assert.equal(s().commentEditor, null);
    assert.deepEqual(s().details?.comments, ['from the store']);
    assert.equal(s().details?.tree[0].label, 'Packet comments');
    await until(() => s().status.unsaved === true);

    // unsaved comments: Open asks; declining keeps the capture open
    await s().openFile(join(CAPTURES, 'zeek-arp.pcap'));
    assert.match(questions.at(-1) ?? '', /Comments on .*zeek-post\.pcap have not been saved/);
    assert.match(s().status.source, /zeek-post\.pcap$/);

    const path = join(dir, 's.pcapng');
    assert.equal(await s().save(path), true);
    await until(() => !s().status.unsaved);
    const size = statSync(path).size;
    // Save As onto it: asked; declined leaves it alone
    await s().select(8);
    const asked = questions.length;
    assert.equal(await s().save(path), false);
    assert.match(questions[asked], /s\.pcapng already exists\. Replace it\?/);
    answer = true;
    assert.equal(await s().save(path), true, 'accepted: replaced');
    assert.ok(statSync(path).size >= size);

    // a fresh service and store reopen the session as it was
    const fresh = inProcessApi();
    const store2 = createAppStore(fresh.api, { confirm: () => true });
    await store2.getState().init();
    await store2.getState().openFile(path);
    await until(() => store2.getState().selected === 8);
    assert.equal(store2.getState().appliedFilter, 'http');
    assert.equal(store2.getState().filterText, 'http');
    assert.equal(store2.getState().status.displayed, 2);
    assert.equal(store2.getState().selected, 8, 'the saved selection is selected');
    assert.equal(store2.getState().details?.number, 8);
    assert.deepEqual(store2.getState().session?.commentedFrames, [4]);
    await fresh.svc.shutdown();
  } finally {
    await svc.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});
