// The NSS key log reader: what it accepts, what it skips, and a file that
// grows line by line (a client writing keys while a capture runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TlsKeyLog } from '../../../main/engine/dissect/keylog';

const R1 = '11'.repeat(32), R2 = '22'.repeat(32);
const rnd = (hex: string): Uint8Array => Buffer.from(hex, 'hex');

test('lines: labels, comments, CRLF, upper-case hex; malformed lines counted, not thrown', () => {
  const k = TlsKeyLog.fromText([
    '# a comment',
    `CLIENT_RANDOM ${R1.toUpperCase()} ${'ab'.repeat(48)}\r`,
    `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${R2} ${'cd'.repeat(32)}`,
    `SERVER_TRAFFIC_SECRET_0 ${R2} ${'ef'.repeat(48)}`,
    `RSA 0011223344556677 ${'00'.repeat(48)}`, // a label we do not use
    `CLIENT_RANDOM ${R1.slice(2)} ${'ab'.repeat(48)}`, // short random
    `CLIENT_RANDOM ${R2} ${'ab'.repeat(47)}`, // a master secret is 48 bytes
    `CLIENT_TRAFFIC_SECRET_0 ${R2} zz${'cd'.repeat(31)}`, // not hex
    'CLIENT_RANDOM only-two',
    '',
  ].join('\n'));
  assert.equal(k.secret('CLIENT_RANDOM', rnd(R1))?.toString('hex'), 'ab'.repeat(48));
  assert.equal(k.secret('CLIENT_HANDSHAKE_TRAFFIC_SECRET', rnd(R2))?.toString('hex'), 'cd'.repeat(32));
  assert.equal(k.secret('SERVER_TRAFFIC_SECRET_0', rnd(R2))?.length, 48);
  assert.equal(k.secret('CLIENT_TRAFFIC_SECRET_0', rnd(R2)), undefined);
  assert.equal(k.secret('CLIENT_RANDOM', rnd(R2)), undefined);
  assert.equal(k.badLines, 4);
  assert.equal(k.size, 2);
});

test('a growing file: complete lines are read as they arrive, a half-written one waits for its newline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-keylog-'));
  try {
    const path = join(dir, 'keys.txt');
    writeFileSync(path, `CLIENT_RANDOM ${R1} ${'ab'.repeat(48)}\n`);
    const k = TlsKeyLog.fromFile(path);
    assert.ok(k.has(rnd(R1)));
    const line = `CLIENT_TRAFFIC_SECRET_0 ${R2} ${'cd'.repeat(48)}\n`;
    appendFileSync(path, line.slice(0, 60)); // the writer is mid-line
    // re-reads are at most every 200 ms: wait until one has happened (bounded)
    const until = async (cond: () => boolean): Promise<void> => {
      for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
    };
    await until(() => { k.secret('CLIENT_TRAFFIC_SECRET_0', rnd(R2)); return k.reads === 2; });
    assert.equal(k.reads, 2);
    assert.equal(k.secret('CLIENT_TRAFFIC_SECRET_0', rnd(R2)), undefined);
    assert.equal(k.badLines, 0);
    appendFileSync(path, line.slice(60));
    await until(() => k.secret('CLIENT_TRAFFIC_SECRET_0', rnd(R2)) !== undefined);
    assert.equal(k.reads, 3);
    assert.equal(k.secret('CLIENT_TRAFFIC_SECRET_0', rnd(R2))?.toString('hex'), 'cd'.repeat(48));
    // only the connections a dissection used travel in a saved file
    assert.deepEqual(k.text().split('\n').filter(Boolean), [line.trim()]);
    assert.equal(k.text(true).split('\n').filter(Boolean).length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a secret asked for the first time is looked for in the file at once (a live client writes it just before use)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-keylog-'));
  try {
    const path = join(dir, 'keys.txt');
    writeFileSync(path, '');
    const k = TlsKeyLog.fromFile(path);
    // the handshake's keys are missing when its first records pass
    assert.equal(k.secret('SERVER_HANDSHAKE_TRAFFIC_SECRET', rnd(R2)), undefined);
    // the client writes its secrets; its first application record follows within a millisecond, long before the re-read interval
    appendFileSync(path, `SERVER_HANDSHAKE_TRAFFIC_SECRET ${R2} ${'11'.repeat(32)}\nCLIENT_TRAFFIC_SECRET_0 ${R2} ${'22'.repeat(32)}\n`);
    assert.equal(k.secret('CLIENT_TRAFFIC_SECRET_0', rnd(R2))?.toString('hex'), '22'.repeat(32));
    assert.equal(k.secret('SERVER_HANDSHAKE_TRAFFIC_SECRET', rnd(R2))?.toString('hex'), '11'.repeat(32));
    // a secret that stays missing is not looked for on every record
    const reads = k.reads;
    appendFileSync(path, `# a comment\n`);
    for (let i = 0; i < 100; i++) k.secret('CLIENT_TRAFFIC_SECRET_0', rnd(R1));
    assert.ok(k.reads <= reads + 1, `${k.reads - reads} re-reads for one missing secret`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unreadable key log: an error to show, no secrets, nothing thrown', () => {
  const k = TlsKeyLog.fromFile('/nonexistent/keys.txt');
  assert.match(k.fileError ?? '', /ENOENT/);
  assert.equal(k.secret('CLIENT_RANDOM', rnd(R1)), undefined);
  const d = TlsKeyLog.fromFile('/');
  assert.match(d.fileError ?? '', /not a regular file|EISDIR/);
});
