// Syslog from a real sender: util-linux's logger sends RFC 5424 (its
// default, with structured data), RFC 3164 and a message ID over UDP to a
// socket in the other namespace; every frame is compared with tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCommand } from '../../lib/env';
import { runPeers, peersSkipReason } from './peers';
import { compareFile, craftedAgrees, tsharkSkip } from './compare';
import { ascii, eth, ipv4, udp } from './packets';

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

// Binary bytes in a message: the field is UTF-8 (an invalid byte as U+FFFD)
// up to a NUL, Info every byte with control characters escaped as
// format_text writes them (\001, \t, \177); before, both were Latin-1
// with raw control characters, which broke -T fields lines.
test('syslog messages with control characters, NULs and invalid UTF-8 agree with tshark', { skip: tsharkSkip() }, () => {
  const msgs = [
    [...ascii('<13>Jan  1 00:00:00 host app: hello '), 1, 2, 0xff, 0xfe, ...ascii(' bin'), 0, ...ascii('x')],
    [...ascii('<13>hi\ttab\r\nnl '), 0x7f, ...ascii(' del '), 0x80, 0xc3, 0xa9, ...ascii(' utf8')],
    [...ascii('<13>'), 0x1b, ...ascii('[31mred'), 0x1b, ...ascii('[0m')],
    [...ascii('no priority '), 7, 8, 11, 12, 0xe2, 0x82, 0xac, 0xe2, 0x82],
    [...ascii('<165>1 2023-11-14T22:13:20.5Z host app 42 ID47 - caf'), 0xc3, 0xa9, 9],
  ];
  const f = msgs.map((m) => eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(40000, 514, m))));
  craftedAgrees('syslog-binary', f, FIELDS, { seed: ['syslog-binary', 514] });
});
