// PostgreSQL: a real postgres server and psql in namespaces — trust,
// SCRAM-SHA-256 and cleartext password logins, a query, a query that
// fails (an error with its SQLSTATE), the SSL request and its one-byte
// refusal — compared cell by cell with tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { tsharkSkip, daemonRunAgrees } from './compare';
import { hasCommand, isRoot } from '../../lib/env';
import { runDaemon } from './daemon-peers';

const bin = (): string | null => {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const v = readdirSync(root).sort().pop();
  return v && existsSync(`${root}/${v}/bin/postgres`) ? `${root}/${v}/bin` : null;
};
const skip = (): string | false => tsharkSkip() || (!isRoot() ? 'needs root (network namespaces)'
  : !bin() || !hasCommand('psql') ? 'needs postgresql and postgresql-client (scripts/setup.sh)' : !hasCommand('tcpdump') ? 'needs tcpdump' : false);

const FIELDS = ['frame.protocols', 'tcp.stream', 'pgsql.type', 'pgsql.length', 'pgsql.version_major', 'pgsql.version_minor', 'pgsql.parameter_name',
  'pgsql.parameter_value', 'pgsql.query', 'pgsql.authtype', 'pgsql.password', 'pgsql.auth.sasl.mech', 'pgsql.auth.sasl.data.length', 'pgsql.tag',
  'pgsql.status', 'pgsql.pid', 'pgsql.key', 'pgsql.field.count', 'pgsql.col.name', 'pgsql.severity', 'pgsql.code', 'pgsql.message', 'pgsql.routine',
  'tcp.segment_data', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

test('postgres and psql agree with tshark', { skip: skip() }, async () => {
  const b = bin() as string;
  const hba = 'host all alice 198.18.0.0/15 scram-sha-256\nhost all bob 198.18.0.0/15 password\nhost all all 198.18.0.0/15 trust\n';
  const run = await runDaemon({
    user: 'postgres',
    prepare: [[`${b}/initdb`, '-D', '{dir}/data', '-A', 'trust', '-U', 'postgres'], ['sh', '-c', `printf '${hba.replaceAll('\n', '\\n')}' > {dir}/data/pg_hba.conf`]],
    daemon: [`${b}/postgres`, '-D', '{dir}/data', '-k', '{dir}', '-c', 'listen_addresses={ip}', '-c', 'ssl=off', '-c', 'fsync=off'],
    probe: ['psql', '-h', '{ip}', '-U', 'postgres', '-d', 'postgres', '-c', 'select 1'],
    setup: [['psql', '-h', '{ip}', '-U', 'postgres', '-d', 'postgres', '-c', "create role alice login password 'secret'; create role bob login password 'hunter2'"]],
    clients: [
      ['psql', '-h', '{ip}', '-U', 'postgres', '-d', 'postgres', '-c', 'select 1 as one'],
      ['env', 'PGPASSWORD=secret', 'psql', '-h', '{ip}', '-U', 'alice', '-d', 'postgres', '-c', 'select nosuchcol from pg_class limit 1'],
      ['env', 'PGPASSWORD=hunter2', 'psql', '-h', '{ip}', '-U', 'bob', '-d', 'postgres', '-c', 'select current_user'],
    ],
  });
  try {
    assert.match(run.outputs[2], /bob/);
    const r = daemonRunAgrees(run.pcap, FIELDS, { name: 'pgsql', proto: 'pgsql', label: 'PostgreSQL', min: 15, seed: ['pgsql-damage', 5432] });
    assert.ok(r.theirs.some((row) => row[FIELDS.indexOf('pgsql.password')] === 'hunter2'), 'the cleartext password was not captured');
  } finally {
    run.dispose();
  }
});
