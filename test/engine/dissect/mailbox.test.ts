// POP3 and IMAP against a real server and real clients: dovecot (imapd
// and pop3d) in one namespace, Python's poplib and imaplib in the other:
// logins (one refused: the user names a brute-force review counts), the
// mailbox commands, and mails fetched whole (RETR, TOP, FETCH) so their
// headers reach IMF, one of them long enough to span TCP segments.
// Every frame is compared with tshark, cell by cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { hasCommand } from '../../lib/env';
import { runPeers, peersSkipReason } from './peers';
import { compareFile } from './compare';
import { damageNeverThrows } from './tshark-compare';
import { mulberry32, testSeed } from '../../lib/rng';

// dovecot with a passwd-file user and a maildir of two mails, started by a Node stand-in that says "listening" once both ports accept
const SERVER = String.raw`
const fs = require('fs'), os = require('os'), path = require('path'), cp = require('child_process'), net = require('net');
// segments no larger than the MSS on the server's side too
cp.execSync('for i in $(ls /sys/class/net); do ethtool -K $i tso off gso off gro off >/dev/null 2>&1; done; true');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dovecot-test-'));
fs.chmodSync(dir, 0o755);
const id = (f, u) => cp.execFileSync('id', [f, u], { encoding: 'utf8' }).trim();
const uid = id('-u', 'dovecot'), gid = id('-g', 'dovecot');
const home = path.join(dir, 'home');
const md = path.join(home, 'alice', 'Maildir');
for (const s of ['new', 'cur', 'tmp']) fs.mkdirSync(path.join(md, s), { recursive: true });
const mail = (subject, body) => 'From: Bob <bob@test.example>\r\nTo: alice@test.example\r\nSubject: ' + subject + '\r\nDate: Mon, 07 Dec 2026 09:00:00 +0000\r\nMessage-ID: <' + subject.length + '@test.example>\r\n\r\n' + body;
fs.writeFileSync(path.join(md, 'new', '1.short'), mail('hello from bob', 'line one\r\nline two\r\n'));
fs.writeFileSync(path.join(md, 'new', '2.long'), mail('the long one', Array.from({ length: 150 }, (_, i) => 'line ' + i + ' of a mail long enough to span several TCP segments\r\n').join('')));
cp.execFileSync('chown', ['-R', uid + ':' + gid, home]);
fs.writeFileSync(path.join(dir, 'users'), 'alice:{PLAIN}secret\n');
for (const s of ['run', 'state']) fs.mkdirSync(path.join(dir, s));
const conf = path.join(dir, 'dovecot.conf');
fs.writeFileSync(conf, [
  'protocols = imap pop3', 'listen = ' + process.env.HOST, 'base_dir = ' + dir + '/run', 'state_dir = ' + dir + '/state', 'log_path = ' + dir + '/log',
  'ssl = no', 'disable_plaintext_auth = no', 'auth_mechanisms = plain login', 'default_internal_user = dovecot', 'default_internal_group = dovecot',
  'default_login_user = dovenull', 'passdb {', '  driver = passwd-file', '  args = scheme=PLAIN ' + dir + '/users', '}',
  'userdb {', '  driver = static', '  args = uid=' + uid + ' gid=' + gid + ' home=' + home + '/%u', '}', 'mail_location = maildir:' + home + '/%u/Maildir',
  'first_valid_uid = 1', 'service anvil {', '  chroot =', '}', 'service imap-login {', '  chroot =', '}', 'service pop3-login {', '  chroot =', '}', '',
].join('\n'));
const d = cp.spawn('/usr/sbin/dovecot', ['-F', '-c', conf], { stdio: 'ignore' });
const stop = () => { d.kill('SIGTERM'); };
process.on('SIGTERM', () => { d.once('exit', () => { fs.rmSync(dir, { recursive: true, force: true }); process.exit(0); }); stop(); });
d.on('exit', (code) => { if (code !== 0) { console.error('dovecot exited ' + code + ': ' + (fs.existsSync(dir + '/log') ? fs.readFileSync(dir + '/log', 'utf8') : '')); process.exit(1); } });
let tries = 0, up = 0;
const probe = (port) => {
  const c = net.connect(port, process.env.HOST, () => { c.destroy(); if (++up === 2) console.log('listening'); });
  c.on('error', () => { if (++tries < 400) setTimeout(() => probe(port), 25); });
};
probe(110); probe(143);
`;

const CLIENT = String.raw`
import poplib, imaplib, sys
h = sys.argv[1]
p = poplib.POP3(h, 110)
p.user('alice'); p.pass_('secret')
p.stat(); p.list(); p.uidl(); p.retr(1); p.top(1, 0); p.retr(2); p.noop(); p.quit()
try:
    q = poplib.POP3(h, 110); q.user('mallory'); q.pass_('guess')
except poplib.error_proto: pass
m = imaplib.IMAP4(h, 143)
m.login('alice', 'secret')
m.list(); m.select('INBOX'); m.search(None, 'ALL'); m.fetch('1', '(FLAGS BODY[HEADER.FIELDS (SUBJECT FROM)])'); m.uid('FETCH', '1', '(UID)')
m.fetch('1', '(RFC822)'); m.fetch('2', '(RFC822)')
m.close(); m.logout()
try:
    n = imaplib.IMAP4(h, 143); n.login('mallory', 'guess')
except imaplib.IMAP4.error: pass
`;

const NO_OFFLOAD = ['sh', '-c', 'for i in $(ls /sys/class/net); do ethtool -K $i tso off gso off gro off >/dev/null 2>&1; done; true'];

const FIELDS = [
  'frame.protocols', 'tcp.stream', 'pop.request', 'pop.request.command', 'pop.request.parameter', 'pop.request.data', 'pop.response',
  'pop.response.indicator', 'pop.response.description', 'pop.response.data', 'pop.data.fragment', 'pop.data.fragment.count',
  'pop.data.reassembled.length', 'imap.isrequest', 'imap.line', 'imap.request', 'imap.request_tag', 'imap.response', 'imap.response_tag',
  'imap.request.command', 'imap.response.command', 'imap.response.status', 'imap.tag', 'imap.command', 'imap.request.folder', 'imap.request.command.uid',
  'imap.request.username', 'imap.request.password', 'imap.response_to', 'imap.time', 'imf.from', 'imf.to', 'imf.subject', 'imf.date', 'imf.message_id', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];

const skip = peersSkipReason() || (existsSync('/usr/sbin/dovecot') && hasCommand('python3') && hasCommand('ethtool') ? false : 'needs dovecot-imapd, dovecot-pop3d, python3 and ethtool');

test('POP3 and IMAP between dovecot and Python\'s clients agree with tshark', { skip, timeout: 120_000 }, async () => {
  const run = await runPeers(SERVER, 110, [NO_OFFLOAD, ['python3', '-c', CLIENT, '{ip}']]);
  try {
    const r = compareFile(run.pcap, FIELDS);
    console.log(`# pop/imap: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
    assert.deepEqual(r.diffs, []);
    const col = (name: string): string[] => r.theirs.map((row) => row[FIELDS.indexOf(name)]);
    const users = col('pop.request.parameter').filter((_, i) => col('pop.request.command')[i] === 'USER');
    assert.deepEqual(users, ['alice', 'mallory']);
    // dovecot sends the +OK line and the mail's start in one segment: the rest are DATA fragments that tshark never
    // completes (it counts only continuation segments against the octets announced), and neither do we
    assert.ok(col('_ws.col.Info').filter((v) => v.startsWith('S: DATA fragment')).length >= 3, 'a RETR answer over several segments');
    assert.deepEqual(col('imap.request.username').filter(Boolean), ['alice', 'mallory']);
    assert.ok(col('frame.protocols').filter((p) => p.endsWith(':imap:imf')).length >= 3, 'mails fetched over IMAP reach IMF');
    const malformed = damageNeverThrows(run.pcap, mulberry32(testSeed('mailbox-damage', 17)), 10);
    console.log(`# pop/imap: ${malformed} damaged frames marked malformed`);
  } finally {
    run.dispose();
  }
});
