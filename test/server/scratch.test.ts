// A server leaves no capture data in scratch folders: its folder is removed
// when it stops (SIGTERM, SIGINT), and the folders of a server that was
// killed are removed by the next server to start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client, startServe, type Serve } from './serve-process';

const ownFolders = (base: string, sv: Serve) => readdirSync(base).filter((n) => n.startsWith(`serve-pid${sv.proc.pid}-`));

/** Begin an upload and send part of it, so the server's folder holds traffic. */
async function partialUpload(sv: Serve): Promise<string> {
  const c = await client(sv);
  const r = await c.call('uploadBegin', { name: 'secret.pcap', size: 100 });
  assert.ok(r.ok, JSON.stringify(r.error));
  await c.call('uploadChunk', { id: r.result.id, offset: 0, bytes: new Uint8Array(50) });
  c.close();
  const [folder] = ownFolders(sv.scratchBase, sv);
  assert.ok(folder, 'the server has a scratch folder');
  const path = join(sv.scratchBase, folder);
  assert.equal(readdirSync(path).length, 1, 'holding the partial upload');
  return path;
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`on ${signal} the server removes its scratch folder`, async () => {
    const base = mkdtempSync(join(tmpdir(), 'xs-scratch-'));
    const sv = await startServe([], { XDPSCOPE_SCRATCH_DIR: base });
    const folder = await partialUpload(sv);
    assert.equal(await sv.stop(signal), 0);
    assert.equal(existsSync(folder), false);
  });
}

test('a killed server\'s folders are removed by the next server; live owners\' folders stay', async () => {
  const base = mkdtempSync(join(tmpdir(), 'xs-scratch-'));
  const killed = await startServe([], { XDPSCOPE_SCRATCH_DIR: base });
  const folder = await partialUpload(killed);
  await killed.stop('SIGKILL');
  assert.equal(existsSync(folder), true, 'SIGKILL leaves it behind');
  const live = join(base, `uploads-pid${process.pid}-abcdef`);
  mkdirSync(live);
  const unrelated = join(base, 'notes');
  mkdirSync(unrelated);
  const next = await startServe([], { XDPSCOPE_SCRATCH_DIR: base });
  try {
    assert.equal(existsSync(folder), false, 'swept at start');
    assert.equal(existsSync(live), true, 'a running process\'s folder is not touched');
    assert.equal(existsSync(unrelated), true, 'a folder that is not a server\'s is not touched');
  } finally {
    assert.equal(await next.stop(), 0);
  }
});
