// Syslog from a real sender: util-linux's logger sends RFC 5424 (its
// default, with structured data), RFC 3164 and a message ID over UDP to a
// socket in the other namespace; every frame is compared with tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCommand } from '../../lib/env';
import { runPeers, peersSkipReason } from './peers';
import { compareFile } from './compare';

const SERVER = `
const s = require('dgram').createSocket('udp4');
s.on('message', () => {});
s.bind(+process.env.PORT, process.env.HOST, () => console.log('listening'));
`;

const FIELDS = ['frame.protocols', 'syslog', 'syslog.facility', 'syslog.level', 'syslog.msg', 'syslog.version', 'syslog.timestamp', 'syslog.timestamp_rfc3164',
  'syslog.hostname', 'syslog.appname', 'syslog.procid', 'syslog.msgid', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

test('syslog from logger (RFC 5424 and 3164) agrees with tshark', { skip: peersSkipReason() || (hasCommand('logger') ? false : 'needs logger (bsdutils)'), timeout: 60_000 }, async () => {
  const send = (args: string[]): string[] => ['logger', '-n', '{ip}', '-P', '514', '-d', ...args];
  const run = await runPeers(SERVER, 514, [
    send(['-p', 'auth.warning', '-t', 'sshd', 'Failed password for root from 198.18.0.9 port 4242 ssh2']),
    send(['--rfc3164', '-p', 'local3.info', '-t', 'app', 'hello there']),
    send(['--rfc5424', '--msgid', 'ID47', '-p', 'user.err', '-t', 'app2', '--sd-id', 'origin@32473', '--sd-param', 'ip="198.18.0.9"', 'structured msg']),
    send(['-p', 'kern.emerg', '-t', 'kernel', '--', '-leading dash']),
  ]);
  try {
    const r = compareFile(run.pcap, FIELDS);
    console.log(`# syslog: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
    assert.deepEqual(r.diffs, []);
    assert.equal(r.theirs.filter((row) => row[0].endsWith(':syslog')).length, 4);
  } finally {
    run.dispose();
  }
});
