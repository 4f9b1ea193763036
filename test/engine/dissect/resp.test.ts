// Redis RESP: a real redis-server and redis-cli in namespaces (SET with a
// bulk string holding a space, GET, INCR, an unknown command's error, an
// empty array, a null bulk string), plus crafted pipelined and nested
// values and a value split over two segments — compared cell by cell with tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tsharkSkip, daemonRunAgrees, craftedAgrees } from './compare';
import { hasCommand, isRoot } from '../../lib/env';
import { runDaemon } from './daemon-peers';
import { tcpConversation } from '../../lib/tcp-frame';

const FIELDS = ['frame.protocols', 'tcp.stream', 'resp.array.length', 'resp.bulk_string.length', 'resp.bulk_string.value', 'resp.string', 'resp.error',
  'resp.integer', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];
const skip = (): string | false => tsharkSkip() || (!isRoot() ? 'needs root (network namespaces)'
  : !hasCommand('redis-server') || !hasCommand('redis-cli') ? 'needs redis-server and redis-tools (scripts/setup.sh)' : !hasCommand('tcpdump') ? 'needs tcpdump' : false);

test('redis-server and redis-cli agree with tshark', { skip: skip() }, async () => {
  const cli = (...args: string[]): string[] => ['redis-cli', '-h', '{ip}', ...args];
  const run = await runDaemon({
    daemon: ['redis-server', '--port', '6379', '--bind', '{ip}', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--dir', '{dir}'],
    probe: cli('ping'),
    clients: [cli('set', 'k', 'hello world'), cli('get', 'k'), cli('incr', 'n'), cli('nosuchcmd'), cli('lrange', 'nolist', '0', '-1'), cli('get', 'missing')],
  });
  try {
    assert.match(run.outputs[1], /hello world/);
    daemonRunAgrees(run.pcap, FIELDS, { name: 'resp', proto: 'resp', label: 'RESP', min: 12, seed: ['redis-damage', 6380] });
  } finally {
    run.dispose();
  }
});

test('crafted RESP (pipelined, nested, split) agrees with tshark', { skip: tsharkSkip() }, () => {
  const C = '198.18.0.1', S = '198.18.0.2';
  const f: Buffer[] = [];
  const { c, s } = tcpConversation(f, C, S, 40007, 6379, { ack: false });
  c('*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n*1\r\n$4\r\nPING\r\n');
  s('+OK\r\n+PONG\r\n');
  c('*3\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$3\r\ndir\r\n');
  s('*2\r\n*2\r\n:1\r\n$1\r\na\r\n$-1\r\n');
  c('*2\r\n$3\r\nGET\r\n$1');
  c('0\r\n0123456789\r\n');
  craftedAgrees('resp', f, FIELDS, { label: 'resp crafted', seed: ['resp-damage', 6379] });
});
