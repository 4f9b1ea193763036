// The start page's ring-buffer options reach the engine (issue 19, item 5):
// the renderer store sends CaptureOptions.ringBuffer as the schema takes
// it when a path is set, and nothing of it when the path is cleared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { EngineService } from '../../main/engine/service/service';
import type { XdpscopeApi } from '../../main/api/types';
import { validateCall } from '../../main/api/index';
import { ROOT } from '../lib/env';
import { loadRendererModule } from './load-renderer';

const { createAppStore } = loadRendererModule<typeof import('../../renderer/store')>(join(ROOT, 'renderer/store.ts'));
process.env.XDPSCOPE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'xs-config-'));

test('startCapture sends the ring buffer options, validated, only with a path', async () => {
  const svc = new EngineService({ emit: () => undefined });
  const sent: unknown[] = [];
  const api: XdpscopeApi = {
    face: 'browser',
    call: async (method, params) => {
      const v = validateCall(method, params);
      // no interface to capture on here: what the store asked for is the point
      if (v.method === 'startCapture') { sent.push(v.params); return svc.status() as any; }
      return svc.call(v.method, v.params) as any;
    },
    onEvent: () => () => undefined,
  };
  const store = createAppStore(api, { confirm: () => true });
  const s = () => store.getState();
  try {
    s().setCaptureOptions({ iface: 'veth0', ringBuffer: { path: '/var/tmp/lab.pcapng', filesizeKB: 50_000, files: 4 } });
    await s().startCapture();
    s().setCaptureOptions({ ringBuffer: undefined });
    await s().startCapture();
    // (both directions by default, as tcpdump's -Q inout)
    assert.deepEqual(sent, [
      { iface: 'veth0', mode: 'auto', snaplen: 262144, direction: 'inout', ringBuffer: { path: '/var/tmp/lab.pcapng', filesizeKB: 50_000, files: 4 } },
      { iface: 'veth0', mode: 'auto', snaplen: 262144, direction: 'inout' },
    ]);
  } finally {
    await svc.shutdown();
  }
});
