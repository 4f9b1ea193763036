// One capture-filter limit: the helper (C) and the app (TS) agree on it, and
// a filter that is too long or invalid is a filter error everywhere — API
// schema, capture engine, service, CLI, helper — never a permission error
// (which would make the UI offer "Grant capture permission" for a typo).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT } from '../../lib/env';
import { validateCall } from '../../../main/api/index';
import { CAPTURE_FILTER_MAX_BYTES, captureFilterProblem } from '../../../main/engine/capture/filter-limit';
import { CaptureError, HELPER_EXIT, startCapture } from '../../../main/engine/capture/live';
import { checkCaptureFilter } from '../../../main/engine/capture/filter-check';
import { LiveCapture as ServiceLive } from '../../../main/engine/service/live';
import { HELPER } from './util';
import { loadRendererModule } from '../../renderer/load-renderer';
import type { XdpscopeApi } from '../../../main/api/types';

const noHelper = existsSync(HELPER) ? false : `helper not built (${HELPER})`;
/** A valid filter of exactly n bytes: "tcp" padded with spaces. */
const validOf = (n: number) => 'tcp' + ' '.repeat(n - 3);
const tooLong = validOf(CAPTURE_FILTER_MAX_BYTES + 1);
const TOO_LONG_MSG = `capture filter too long: ${CAPTURE_FILTER_MAX_BYTES + 1} bytes (at most ${CAPTURE_FILTER_MAX_BYTES})`;

describe('capture filter limit', () => {
  it('is the same number in the helper (bpf/xdpscope.h) and the app, and bounds every helper argument', () => {
    const h = readFileSync(join(ROOT, 'bpf', 'xdpscope.h'), 'utf8');
    assert.equal(Number(/#define XS_MAX_FILTER_LEN (\d+)/.exec(h)?.[1]), CAPTURE_FILTER_MAX_BYTES);
    const harden = readFileSync(join(ROOT, 'helper', 'harden.h'), 'utf8');
    assert.match(harden, /#define HARDEN_MAX_ARG_LEN XS_MAX_FILTER_LEN\b/);
    assert.match(readFileSync(join(ROOT, 'helper', 'filter.c'), 'utf8'), /> XS_MAX_FILTER_LEN\b/);
  });

  it('names the problem: too long, or not printable ASCII; tabs and line breaks are spaces', () => {
    assert.equal(captureFilterProblem(validOf(CAPTURE_FILTER_MAX_BYTES)), null);
    assert.equal(captureFilterProblem(tooLong), TOO_LONG_MSG);
    assert.equal(captureFilterProblem('tcp\n and\tport 80'), null);
    assert.match(captureFilterProblem('host 198.18.0.1 and é')!, /U\+00E9 at position 21 is not printable ASCII/);
  });

  it('the API refuses a too-long filter with that message before anything runs', () => {
    assert.throws(() => validateCall('startCapture', { iface: 'veth0', captureFilter: tooLong }),
      (e: Error & { kind?: string }) => e.message.includes(TOO_LONG_MSG) && e.kind === 'refused');
    assert.doesNotThrow(() => validateCall('startCapture', { iface: 'veth0', captureFilter: validOf(CAPTURE_FILTER_MAX_BYTES) }));
  });

  it('the capture engine refuses it as a filter error (exit code FILTER) without starting the helper', () => {
    assert.throws(() => startCapture({ iface: 'veth0', filter: tooLong, helper: '/nonexistent/helper' }),
      (e: unknown) => e instanceof CaptureError && e.code === HELPER_EXIT.FILTER && e.message === TOO_LONG_MSG);
  });

  it('the UI refuses it with the same message, as a filter error, without asking the engine', async () => {
    const { createAppStore } = loadRendererModule<typeof import('../../../renderer/store')>(join(ROOT, 'renderer/store.ts'));
    const calls: string[] = [];
    const api: XdpscopeApi = { face: 'browser', call: async (method: string) => { calls.push(method); return {} as never; }, onEvent: () => () => {} };
    const store = createAppStore(api);
    store.getState().setCaptureOptions({ iface: 'veth0', captureFilter: tooLong });
    await store.getState().startCapture();
    assert.deepEqual(store.getState().errors.map((e) => [e.kind, e.message]), [['filter', TOO_LONG_MSG]]);
    assert.ok(!calls.includes('startCapture'), calls.join());
  });

  it('xdpscope capture refuses it as a usage error with the same message', () => {
    const r = spawnSync(process.execPath, [CLI, 'capture', '-i', 'veth0', '-f', tooLong], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(TOO_LONG_MSG.replace(/[()]/g, '\\$&')));
  });

  describe('through the helper', { skip: noHelper }, () => {
    it('check-filter: an invalid filter exits FILTER (7), a too-long one is refused as an argument (2), never as privileges (3)', () => {
      const bad = spawnSync(HELPER, ['check-filter', 'tcp or'], { encoding: 'utf8' });
      assert.equal(bad.status, HELPER_EXIT.FILTER, bad.stderr);
      assert.match(bad.stderr, /ends after 'or'/);
      const long = spawnSync(HELPER, ['check-filter', tooLong], { encoding: 'utf8' });
      assert.equal(long.status, HELPER_EXIT.USAGE, long.stderr);
      assert.match(long.stderr, new RegExp(`longer than ${CAPTURE_FILTER_MAX_BYTES} bytes`));
      const max = spawnSync(HELPER, ['check-filter', validOf(CAPTURE_FILTER_MAX_BYTES)], { encoding: 'utf8' });
      assert.equal(max.status, 0, max.stderr);
    });

    it('capture: an invalid filter exits FILTER (7) before privileges are looked at', () => {
      const r = spawnSync(HELPER, ['capture', '--iface', 'lo', '--filter', 'tcp or'], { encoding: 'utf8' });
      assert.equal(r.status, HELPER_EXIT.FILTER, r.stderr);
    });

    it('checkCaptureFilter reports both as a refused filter', async () => {
      assert.deepEqual(await checkCaptureFilter(tooLong, { helper: HELPER }), { ok: false, message: TOO_LONG_MSG });
      const bad = await checkCaptureFilter('tcp or', { helper: HELPER });
      assert.equal(bad.ok, false);
    });

    for (const [what, filter] of [['an invalid filter', 'tcp or'], ['a too-long filter', tooLong]] as const) {
      it(`the service reports ${what} as kind 'filter', not 'permission' (no Grant offered)`, async () => {
        const saved = process.env.XDPSCOPE_HELPER;
        process.env.XDPSCOPE_HELPER = HELPER;
        try {
          const errors: Array<{ message: string; kind: string }> = [];
          let exited!: () => void;
          const exit = new Promise<void>((r) => { exited = r; });
          const live = new ServiceLive({ iface: 'lo', mode: 'generic', captureFilter: filter }, {
            onBatch: () => {}, onInterfaces: () => {}, onStats: () => {},
            onError: (e) => errors.push(e), onExit: () => exited(),
          });
          await live.start();
          await exit;
          assert.equal(errors.length, 1, JSON.stringify(errors));
          assert.equal(errors[0].kind, 'filter', errors[0].message);
        } finally {
          if (saved === undefined) delete process.env.XDPSCOPE_HELPER; else process.env.XDPSCOPE_HELPER = saved;
        }
      });
    }
  });
});
