// MySQL protocol: a real MariaDB server and the mariadb client in
// namespaces — the greeting, a login with a schema, DDL and an INSERT (OK
// with affected rows), a SELECT (a result set), a failing query (error
// code, SQL state, message) and a refused login — compared cell by cell with tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tsharkSkip, daemonRunAgrees } from './compare';
import { hasCommand, isRoot } from '../../lib/env';
import { runDaemon } from './daemon-peers';

const skip = (): string | false => tsharkSkip() || (!isRoot() ? 'needs root (network namespaces)'
  : !hasCommand('mariadbd') && !hasCommand('/usr/sbin/mariadbd') ? 'needs mariadb-server (scripts/setup.sh)'
    : !hasCommand('mariadb') ? 'needs mariadb-client' : !hasCommand('tcpdump') ? 'needs tcpdump' : false);

const FIELDS = ['frame.protocols', 'tcp.stream', 'mysql', 'mysql.packet_length', 'mysql.packet_number', 'mysql.protocol', 'mysql.version', 'mysql.thread_id',
  'mysql.caps.server', 'mysql.server_status', 'mysql.auth_plugin', 'mysql.caps.client', 'mysql.max_packet', 'mysql.user', 'mysql.schema',
  'mysql.client_auth_plugin', 'mysql.command', 'mysql.query', 'mysql.response_code', 'mysql.affected_rows', 'mysql.error_code', 'mysql.sqlstate',
  'mysql.error.message', 'mysql.num_fields', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

test('mariadbd and the mariadb client agree with tshark', { skip: skip() }, async () => {
  const sock = ['--no-defaults', '-S', '{dir}/sock', '-u', 'root'];
  const client = (user: string, pw: string, sql: string): string[] =>
    ['mariadb', '--no-defaults', '--skip-ssl', '-h', '{ip}', '-u', user, `-p${pw}`, '-D', 'shop', '-e', sql];
  const run = await runDaemon({
    prepare: [['mariadb-install-db', '--no-defaults', '--datadir={dir}/data', '--user=root', '--auth-root-authentication-method=socket']],
    daemon: ['mariadbd', '--no-defaults', '--datadir={dir}/data', '--socket={dir}/sock', '--bind-address={ip}', '--user=root', '--skip-log-bin',
      '--pid-file={dir}/pid', '--skip-name-resolve', '--innodb-flush-log-at-trx-commit=0'],
    probe: ['mariadb', ...sock, '-e', 'select 1'],
    setup: [['mariadb', ...sock, '-e', "create database shop; create user 'alice'@'%' identified by 'secret'; grant all on shop.* to 'alice'@'%'"]],
    clients: [
      client('alice', 'secret', 'create table t (a int); insert into t values (1), (2); select * from t; select * from nosuch.t'),
      client('alice', 'wrong', 'select 1'),
    ],
  });
  try {
    assert.match(run.outputs[1], /Access denied/);
    daemonRunAgrees(run.pcap, FIELDS, { name: 'mysql', proto: 'mysql', label: 'MySQL', min: 12, seed: ['mysql-damage', 3306] });
  } finally {
    run.dispose();
  }
});
