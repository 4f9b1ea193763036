// User names per host (Statistics → Endpoints, `xdpscope insights`): the
// logins the real peers' captures carry (samba with NTLMSSP, MIT Kerberos,
// OpenLDAP simple binds; test/engine/dissect/data), an HTTP Basic login
// (a shared capture), FTP USER and an RDP connection (crafted), each
// attributed to the client that sent it. What tshark decodes of the same
// bytes is the judge of the names: the expected table is built from
// tshark's fields, not from ours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPTURES, CLI, ROOT, hasCommand } from '../../lib/env';
import { analyzeCaptureFile } from '../../../main/engine/insights/file';
import { HostLogins, MAX_USERS_PER_HOST } from '../../../main/engine/insights/logins';
import { tcpConversation, writePcap } from '../dissect/tshark-compare';
import { RDP_MCS_CONVERSATION } from '../dissect/rdp-frames';
import type { Dissection } from '../../../main/engine/types';

const skip = hasCommand('tshark') ? false : 'tshark not installed';
const DATA = join(ROOT, 'test', 'engine', 'dissect', 'data');

const tshark = (path: string, filter: string, fields: string[]): string[][] =>
  execFileSync('tshark', ['-n', '-r', path, '-Y', filter, '-T', 'fields', '-E', 'occurrence=f', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n').filter(Boolean).map((l) => l.split('\t'));

async function usersByHost(path: string): Promise<Record<string, string[]>> {
  const r = await analyzeCaptureFile(path, {});
  const eps = r.engine.statistics.snapshot().endpoints;
  return Object.fromEntries([...eps.ipv4, ...eps.ipv6].filter((e) => e.users).map((e) => [e.address, [...e.users!].sort()]));
}

/** expected: per client address, the labels tshark's fields give */
function expected(rows: Array<[host: string, label: string]>): Record<string, string[]> {
  const m: Record<string, Set<string>> = {};
  for (const [h, l] of rows) (m[h] ??= new Set()).add(l);
  return Object.fromEntries(Object.entries(m).map(([h, s]) => [h, [...s].sort()]));
}

test('NTLMSSP (samba), Kerberos (MIT KDC) and LDAP simple binds (slapd): the user names tshark decodes, per client host', { skip }, async () => {
  const smb = tshark(join(DATA, 'smb.pcap'), 'ntlmssp.auth.username && ntlmssp.auth.username != "NULL"', ['ip.src', 'ntlmssp.auth.domain', 'ntlmssp.auth.username'])
    .map(([h, dom, u]): [string, string] => [h, `${dom && dom !== 'NULL' ? `${dom}\\` : ''}${u} (ntlmssp)`]);
  assert.ok(smb.length > 0, 'the samba capture has NTLM logins');
  assert.deepEqual(await usersByHost(join(DATA, 'smb.pcap')), expected(smb));

  // AS-REQ: the sender is the client; AS-REP/TGS-REP: the receiver
  const krb = tshark(join(DATA, 'kerberos.pcap'), '(kerberos.msg_type == 10 || kerberos.msg_type == 11 || kerberos.msg_type == 13) && kerberos.CNameString', ['ip.src', 'ip.dst', 'kerberos.msg_type', 'kerberos.CNameString', 'kerberos.crealm', 'kerberos.realm'])
    .map(([src, dst, type, u, crealm, realm]): [string, string] => [type === '10' ? src : dst, `${u}@${crealm || realm} (kerberos)`]);
  assert.ok(krb.length > 0);
  assert.deepEqual(await usersByHost(join(DATA, 'kerberos.pcap')), expected(krb));

  const ldap = tshark(join(DATA, 'ldap.pcap'), 'ldap.protocolOp == 0 && ldap.simple', ['ip.src', 'ldap.name'])
    .map(([h, n]): [string, string] => [h, `${n} (ldap)`]).filter(([, l]) => l !== ' (ldap)');
  assert.ok(ldap.length > 0);
  assert.deepEqual(await usersByHost(join(DATA, 'ldap.pcap')), expected(ldap));
});

test('HTTP Basic (http.authbasic as tshark shows it), FTP USER and RDP (cookie and Client Info) logins', { skip }, async () => {
  const basic = join(CAPTURES, 'zeek-basic-auth-with-colon.pcap');
  if (existsSync(basic)) {
    const rows = tshark(basic, 'http.authbasic', ['ip.src', 'http.authbasic']);
    assert.ok(rows.length > 0);
    assert.deepEqual(await usersByHost(basic), expected(rows.map(([h, c]) => [h, `${c.slice(0, c.indexOf(':'))} (http)`])));
  }
  const dir = mkdtempSync(join(tmpdir(), 'xs-logins-'));
  try {
    const cap = join(dir, 'logins.pcap');
    const banner = [...Buffer.from('220 ready\r\n')], user = [...Buffer.from('USER mallory\r\n')], pass = [...Buffer.from('PASS x\r\n')], no = [...Buffer.from('530 Login incorrect.\r\n')];
    writePcap(cap, [
      ...tcpConversation(50200, 21, [[false, banner], [true, user], [true, pass], [false, no]]),
      ...tcpConversation(50100, 3389, RDP_MCS_CONVERSATION),
    ]);
    const ftp = tshark(cap, 'ftp.request.command == "USER"', ['ip.src', 'ftp.request.arg']);
    const rdp = tshark(cap, 'rdp.userName || rdp.rt_cookie', ['ip.src', 'rdp.domain', 'rdp.userName', 'rdp.rt_cookie'])
      .map(([h, dom, u, cookie]): [string, string] => [h, u ? `${dom}\\${u} (rdp)` : `${cookie.replace('Cookie: mstshash=', '')} (rdp)`]);
    assert.equal(ftp.length, 1);
    assert.equal(rdp.length, 2);
    assert.deepEqual(await usersByHost(cap), expected([...ftp.map(([h, u]): [string, string] => [h, `${u} (ftp)`]), ...rdp]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a Kerberos KRB-ERROR names the client it refuses: Endpoints and the spray detector read the same user', { skip }, async () => {
  // only the KDC's errors (the AS-REQs they answer are left out): the refused
  // principals are still the client's user names, and a pre-auth failure
  // is attributed to its user without the request
  const dir = mkdtempSync(join(tmpdir(), 'xs-krb-error-'));
  try {
    const cap = join(dir, 'krb-error.pcap');
    execFileSync('tshark', ['-r', join(DATA, 'kerberos.pcap'), '-Y', 'kerberos.msg_type == 30 && udp', '-w', cap, '-F', 'pcap'], { stdio: 'ignore' });
    const errors = tshark(cap, 'kerberos.msg_type == 30 && kerberos.CNameString', ['ip.dst', 'kerberos.CNameString', 'kerberos.crealm', 'kerberos.realm']);
    assert.ok(errors.length >= 3, 'the KDC refused alice and nobody');
    assert.deepEqual(await usersByHost(cap), expected(errors.map(([client, u, crealm, realm]): [string, string] => [client, `${u}@${crealm || realm} (kerberos)`])));

    const r = await analyzeCaptureFile(cap, { settings: { loginFailures: { sprayMinUsers: 1 } } });
    const sprays = r.engine.alerts().filter((a) => a.kind === 'password-spray');
    const failed = tshark(cap, 'kerberos.error_code == 24', ['kerberos.CNameString']).map(([u]) => u);
    assert.equal(failed.length, 1);
    assert.deepEqual(sprays.map((a) => a.metrics.users), failed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('names per host are bounded, most attempts first', () => {
  const h = new HostLogins();
  const pkt = (user: string): Dissection => ({
    tree: [{ name: 'ftp', value: null, start: 0, len: 0 }],
    fields: [{ name: 'ftp.request.command', value: 'USER', start: 0, len: 4 }, { name: 'ftp.request.arg', value: user, start: 5, len: user.length }],
  } as unknown as Dissection);
  for (let i = 0; i < 100; i++) h.add('198.18.0.1', '198.18.0.2', pkt(`u${i}`));
  for (let i = 0; i < 3; i++) h.add('198.18.0.1', '198.18.0.2', pkt('u5'));
  const users = h.usersOf('198.18.0.1')!;
  assert.equal(users.length, MAX_USERS_PER_HOST);
  assert.equal(users[0], 'u5 (ftp)');
  assert.equal(h.overflow, 100 - MAX_USERS_PER_HOST);
  assert.equal(h.usersOf('198.18.0.2'), undefined, 'the server is not the one logging in');
});

test('xdpscope insights prints a Users column when a host sent a name', () => {
  const r = execFileSync(process.execPath, [CLI, 'insights', '-r', join(DATA, 'kerberos.pcap')], { encoding: 'utf8' });
  const table = r.slice(r.indexOf('== IPV4 endpoints'));
  assert.match(table.split('\n')[1] ?? '', /\bUsers\b/);
  assert.match(table, /198\.18\.77\.1 .*alice@XS\.TEST \(kerberos\), nobody@XS\.TEST \(kerberos\)/);
});
