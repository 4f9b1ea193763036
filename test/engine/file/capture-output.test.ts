// `xdpscope capture` without -w: like dumpcap, a new private file with an
// unpredictable name in the temp folder, never a name another user could
// have planted in advance (issue 13, finding 7). Live: a veth pair in its
// own namespaces; the temp folder is a fresh one of the test's (TMPDIR).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CLI, liveSkipReason, outputDir } from '../../lib/env';
import { createVethPair, type VethPair } from '../../lib/netns';
import { parseCaptureBuffer } from '../../../main/engine/file';
import { HELPER } from '../capture/util';

const skip = liveSkipReason() ?? undefined;
// inherited by the capture: the mode must come from xdpscope, not the umask
process.umask(0);
let pair: VethPair | undefined;
before(() => { if (!skip) pair = createVethPair(); });
after(() => pair?.dispose());

function capture(p: VethPair, tmp: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn('ip', ['netns', 'exec', p.serverNs, process.execPath, CLI, 'capture', '-i', p.serverIf, '-a', 'duration:0.5', '--mode', 'generic', '-q'],
    { env: { ...process.env, XDPSCOPE_HELPER: HELPER, TMPDIR: tmp }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

test('the default output is a new xdpscope_<if>_<time>_XXXXXX.pcapng, 0600 whatever the umask', { skip, timeout: 60_000 }, async () => {
  const p = pair!;
  const tmp = mkdtempSync(join(outputDir('file'), 'capture-tmp-'));
  const r = await capture(p, tmp);
  assert.equal(r.code, 0, r.stderr);
  const m = /→ (\S+)\n/.exec(r.stderr);
  assert.ok(m, r.stderr);
  const path = m[1];
  assert.ok(path.startsWith(tmp + '/'), path);
  assert.match(path, new RegExp(`/xdpscope_${p.serverIf}_\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d-\\d{3}Z_[A-Za-z0-9]{6}\\.pcapng$`));
  const st = lstatSync(path);
  assert.ok(st.isFile());
  assert.equal(st.mode & 0o7777, 0o600);
  assert.equal(parseCaptureBuffer(readFileSync(path)).error, null, 'a valid capture file');
  assert.deepEqual(readdirSync(tmp), [basename(path)], 'one file, no debris');
});
