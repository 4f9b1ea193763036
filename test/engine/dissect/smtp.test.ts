// SMTP and IMF against real clients: swaks (AUTH LOGIN, a mail with
// Content-Type parameters, To with two addresses) and Python's smtplib
// (AUTH PLAIN, a mail of several TCP segments without Content-Type, then
// STARTTLS and a mail inside TLS) talk to a small scripted server in the
// other namespace (postfix needs a whole mail system; the protocol
// exchange is what we decode). Offloads are off so the mail spans real
// MSS-sized segments. Every frame is compared with tshark, cell by cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCommand } from '../../lib/env';
import { runPeers, peersSkipReason } from './peers';
import { compareFile } from './compare';
import { damageNeverThrows } from './tshark-compare';
import { mulberry32, testSeed } from '../../lib/rng';

const SERVER = String.raw`
const net = require('net'), tls = require('tls'), fs = require('fs'), os = require('os'), path = require('path'), cp = require('child_process');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-test-'));
cp.execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k'), '-out', path.join(dir, 'c'), '-days', '1', '-subj', '/CN=mx.test.example'], { stdio: 'ignore' });
const key = fs.readFileSync(path.join(dir, 'k')), cert = fs.readFileSync(path.join(dir, 'c'));
fs.rmSync(dir, { recursive: true, force: true });
function session(sock, secure) {
  let buf = '', inData = false, auth = 0;
  const w = (s) => sock.write(s);
  if (!secure) w('220 mx.test.example ESMTP xdpscope\r\n');
  sock.on('data', (d) => {
    buf += d.toString('latin1');
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl + 1).replace(/\r?\n$/, ''); buf = buf.slice(nl + 1);
      if (auth > 0) { auth = auth === 1 ? 2 : 0; w(auth ? '334 UGFzc3dvcmQ6\r\n' : '235 2.7.0 Authentication successful\r\n'); continue; }
      if (inData) { if (line === '.') { inData = false; w('250 2.0.0 Ok: queued as 4ABC123\r\n'); } continue; }
      const cmd = line.split(' ')[0].toUpperCase();
      if (cmd === 'EHLO') w('250-mx.test.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n' + (secure ? '' : '250-STARTTLS\r\n') + '250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n');
      else if (cmd === 'STARTTLS') {
        w('220 2.0.0 Ready to start TLS\r\n');
        sock.removeAllListeners('data');
        session(new tls.TLSSocket(sock, { isServer: true, key, cert }), true);
        return;
      } else if (/^AUTH LOGIN$/i.test(line)) { auth = 1; w('334 VXNlcm5hbWU6\r\n'); }
      else if (cmd === 'AUTH') w('235 2.7.0 Authentication successful\r\n');
      else if (cmd === 'MAIL' || cmd === 'RCPT' || cmd === 'RSET' || cmd === 'NOOP') w('250 2.1.0 Ok\r\n');
      else if (cmd === 'DATA') { inData = true; w('354 End data with <CR><LF>.<CR><LF>\r\n'); }
      else if (cmd === 'QUIT') { w('221 2.0.0 Bye\r\n'); sock.end(); return; }
      else w('502 5.5.2 Error: command not recognized\r\n');
    }
  });
  sock.on('error', () => {});
}
net.createServer((s) => session(s, false)).listen(+process.env.PORT, process.env.HOST, () => console.log('listening'));
`;

const PYCLIENT = String.raw`
import smtplib, ssl, sys
body = "From: Dave <dave@test.example>\r\nTo: eve@test.example\r\nSubject: big one\r\n\r\n" + "".join("line %04d of a long message body that spans segments\r\n" % i for i in range(120))
s = smtplib.SMTP(sys.argv[1], 25)
s.ehlo('client.test.example')
s.login('dave', 'pw1')
s.sendmail('dave@test.example', ['eve@test.example'], body)
s.rset()
s.starttls(context=ssl._create_unverified_context())
s.ehlo('client.test.example')
s.sendmail('dave@test.example', ['eve@test.example'], "Subject: secret\r\n\r\nhidden\r\n")
s.quit()
`;

const MAIL = 'From: Alice Example <alice@test.example>\\nTo: Bob <bob@test.example>, carol@test.example\\nCc: Team: dan@test.example, <erin@test.example>;\\n'
  + 'Subject: Quarterly report\\nDate: Mon, 07 Dec 2026 09:00:00 +0000\\nMessage-ID: <20261207090000.1234@test.example>\\nUser-Agent: swaks-test/1.0\\n'
  + 'X-Custom-Thing: folded\\n value\\nMIME-Version: 1.0\\nContent-Type: text/plain; charset=us-ascii\\nX-Mailer: swaks\\n\\nHello Bob,\\n..leading dot\\nthe report.\\n';

// every offload off: segments no larger than the MSS, as on a real link
const NO_OFFLOAD = ['sh', '-c', 'for i in $(ls /sys/class/net); do ethtool -K $i tso off gso off gro off >/dev/null 2>&1; done; true'];

const FIELDS = [
  'frame.protocols', 'tcp.stream', 'tcp.segment', 'data-text-lines', 'smtp.req', 'smtp.rsp', 'smtp.command_line', 'smtp.req.command', 'smtp.req.parameter', 'smtp.response',
  'smtp.response.code', 'smtp.rsp.parameter', 'smtp.auth.username', 'smtp.auth.password', 'smtp.auth.username_password', 'smtp.data.fragment',
  'smtp.data.fragment.count', 'smtp.data.reassembled.length', 'imf.from', 'imf.to', 'imf.cc', 'imf.subject', 'imf.date', 'imf.message_id',
  'imf.user_agent', 'imf.mime_version', 'imf.content.type', 'imf.content.type.type', 'imf.content.type.parameters', 'imf.ext.mailer',
  'imf.extension', 'imf.extension.type', 'imf.extension.value', 'imf.display_name', 'imf.address', 'imf.mailbox_list.item', 'imf.address_list.item',
  'tls.record.content_type', 'tls.handshake.type', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];

const skip = peersSkipReason() || (hasCommand('swaks') ? false : 'needs swaks') || (hasCommand('python3') && hasCommand('ethtool') && hasCommand('openssl') ? false : 'needs python3, ethtool and openssl');

test('SMTP and IMF from swaks and smtplib agree with tshark, STARTTLS switching to TLS', { skip, timeout: 120_000 }, async () => {
  const run = await runPeers(SERVER, 25, [
    NO_OFFLOAD,
    ['swaks', '--server', '{ip}', '--from', 'alice@test.example', '--to', 'bob@test.example', '--auth', 'LOGIN', '--auth-user', 'alice', '--auth-password', 'secret', '--data', MAIL],
    ['python3', '-c', PYCLIENT, '{ip}'],
  ]);
  try {
    const r = compareFile(run.pcap, FIELDS);
    console.log(`# smtp: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
    assert.deepEqual(r.diffs, []);
    const col = (name: string): string[] => r.theirs.map((row) => row[FIELDS.indexOf(name)]).filter(Boolean);
    // what the test is about is there: the login, the mail's headers, a mail of several segments, the switch to TLS
    assert.deepEqual(col('smtp.auth.username'), ['YWxpY2U=']);
    assert.ok(col('imf.subject').includes('Quarterly report') && col('imf.subject').includes('big one'));
    assert.ok(col('smtp.data.fragment').some((v) => v.includes(',')), 'a mail reassembled from several segments');
    assert.ok(col('tls.handshake.type').length > 0, 'TLS after STARTTLS');
    const malformed = damageNeverThrows(run.pcap, mulberry32(testSeed('smtp-damage', 17)), 20);
    console.log(`# smtp: ${malformed} damaged frames marked malformed`);
  } finally {
    run.dispose();
  }
});
