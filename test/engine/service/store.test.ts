// The renderer's zustand store, driven against the real engine service
// in-process (the same API the WebSocket and Electron IPC carry).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EngineService } from '../../../main/engine/service/service';
import type { EngineEvent, XdpscopeApi } from '../../../main/api/types';
import { validateCall } from '../../../main/api/index';
import { CAPTURES, ROOT, sharedCapturesSkipReason } from '../../lib/env';
import { loadRendererModule } from '../../renderer/load-renderer';

// The renderer is bundled for the browser, not transpiled into dist/: bundle the modules under test for Node.
const { createAppStore, HISTORY_LIMIT, nodeAt } = loadRendererModule<typeof import('../../../renderer/store')>(join(ROOT, 'renderer/store.ts'));
const { fieldAt, filterFor, flagEmoji, andFilter, hexLines, streamText } = loadRendererModule<typeof import('../../../renderer/lib/format')>(join(ROOT, 'renderer/lib/format.ts'));

// Keep the user's recent-files list out of tests.
process.env.XDPSCOPE_CONFIG_DIR = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'xs-config-'));
const skip = sharedCapturesSkipReason() ?? false;

function inProcessApi(): XdpscopeApi {
  const listeners = new Set<(e: EngineEvent) => void>();
  const svc = new EngineService({ emit: (e) => { for (const l of listeners) l(e); } });
  return {
    face: 'browser',
    call: async (method, params) => {
      const v = validateCall(method, params);
      return svc.call(v.method, v.params) as any;
    },
    onEvent: (l) => { listeners.add(l); return () => listeners.delete(l); },
  };
}

const settle = async (cond: () => boolean) => { for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10)); };

test('open, filter as you type, apply, history, select a packet, pick bytes', { skip }, async () => {
  const store = createAppStore(inProcessApi());
  const s = () => store.getState();
  await s().init();
  assert.equal(s().view, 'welcome');
  await s().openFile(join(CAPTURES, 'zeek-post.pcap'));
  assert.equal(s().view, 'capture');
  await settle(() => s().status.state === 'done');
  assert.equal(s().status.captured, 14);

  await s().setFilterText('tcp.port ==');
  assert.equal(s().filterCheck.ok, false);
  await s().setFilterText('http');
  assert.deepEqual(s().filterCheck, { ok: true, empty: false });
  assert.equal(await s().applyFilter(), true);
  assert.equal(s().appliedFilter, 'http');
  await settle(() => s().status.displayed === 2);
  assert.equal(s().status.displayed, 2);
  assert.equal(await s().applyFilter('bogus =='), false, 'a bad filter is not applied');
  assert.equal(s().appliedFilter, 'http');
  await s().applyFilter('tcp');
  await s().applyFilter('http');
  assert.deepEqual(s().filterHistory, ['http', 'tcp'], 'history: most recent first, no duplicates');

  await s().select(4);
  const d = s().details!;
  assert.equal(d.number, 4);
  assert.equal(d.enriched.userAgent, 'curl/7.29.0');
  const ua = d.highlights['http.user_agent'];
  s().selectByte(ua.start + 2);
  assert.ok(s().field);
  assert.equal(nodeAt(d.tree, s().field!.path)?.name, 'http.user_agent');
  assert.deepEqual([s().field!.start, s().field!.len], [ua.start, ua.len]);

  await s().follow(4);
  assert.match(streamText(s().stream!.segments[0].data), /^POST/);
  s().closeFollow();
  assert.equal(s().stream, null);
});

test('errors from the engine stay visible until dismissed', async () => {
  const store = createAppStore(inProcessApi());
  await store.getState().openFile('/nonexistent/capture.pcap');
  const errs = store.getState().errors;
  assert.equal(errs.length, 1);
  assert.match(errs[0].message, /\/nonexistent\/capture\.pcap/);
  store.getState().dismissError(0);
  assert.equal(store.getState().errors.length, 0);
  assert.ok(HISTORY_LIMIT >= 10);
});

test('filter expressions for list cells and helpers', () => {
  assert.equal(filterFor('source', '10.0.0.1'), 'ip.src == 10.0.0.1');
  assert.equal(filterFor('destination', 'fe80::1'), 'ipv6.dst == fe80::1');
  assert.equal(filterFor('source', '00:11:22:33:44:55'), 'eth.src == 00:11:22:33:44:55');
  // the column names a MAC by its vendor as tshark does: that text is no address to filter on
  assert.equal(filterFor('source', 'Cisco_2e:1c:38'), null);
  assert.equal(filterFor('destination', 'Broadcast'), null);
  assert.equal(filterFor('protocol', 'HTTP'), 'http');
  // the column shows HTTP/1.x, HTTP/2 or HTTP/3 user agents: its filter selects any
  assert.equal(filterFor('userAgent', 'a "b"'), 'http.user_agent == "a \\"b\\"" || http2.headers.user_agent == "a \\"b\\"" || http3.headers.user_agent == "a \\"b\\""');
  assert.equal(filterFor('info', 'x'), null);
  assert.equal(andFilter('tcp', 'ip.src == 1.2.3.4'), '(tcp) && (ip.src == 1.2.3.4)');
  assert.equal(andFilter(' ', 'udp'), 'udp');
  assert.equal(flagEmoji('us'), '\u{1F1FA}\u{1F1F8}');
  assert.equal(flagEmoji('USA'), '');
  assert.equal(hexLines(new Uint8Array(33)).length, 3);
  const tree = [{ name: 'ip', label: 'IP', start: 14, len: 20, children: [{ name: 'ip.src', label: 's', start: 26, len: 4 }] }];
  assert.equal(fieldAt(tree, 27)?.node.name, 'ip.src');
  assert.deepEqual(fieldAt(tree, 27)?.path, ['0', '0']);
  assert.equal(fieldAt(tree, 15)?.node.name, 'ip');
  assert.equal(fieldAt(tree, 5), null);
});
