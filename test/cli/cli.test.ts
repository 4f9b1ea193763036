import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLI } from '../lib/env';
import { SUBCOMMANDS } from '../../main/cli/main';

const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

test('xdpscope --help lists every subcommand and exits 0', () => {
  const r = run('--help');
  assert.equal(r.status, 0);
  for (const name of ['interfaces', 'capture', 'read', 'serve', 'insights']) {
    assert.match(r.stdout, new RegExp(`^  ${name}\\s`, 'm'), `help mentions ${name}`);
  }
});

test('xdpscope with no command prints usage and exits 2', () => {
  const r = run();
  assert.equal(r.status, 2);
  assert.match(r.stdout, /Usage: xdpscope <command>/);
});

test('an unknown command is a usage error naming the command', () => {
  const r = run('frobnicate');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});

test('every subcommand either runs --help or says it is not yet implemented (exit 2)', () => {
  for (const { name } of SUBCOMMANDS) {
    const r = run(name, '--help');
    if (r.status === 2) assert.match(r.stderr, /not yet implemented|Usage/i, `${name}: ${r.stderr}`);
    else assert.equal(r.status, 0, `${name} --help: ${r.stderr}`);
  }
});
