// Password spraying: one source failing logins as many user names, a few
// tries each, or on many servers, is its own alert. Live: OpenLDAP's slapd
// answering ldapwhoami binds with wrong passwords between two namespaces —
// twelve user names once each is a spray (not also a brute force), one user
// name twelve times is a brute force (not a spray); the spray's filter
// selects exactly the frames tshark finds with ldap.resultCode == 49. The
// same with MIT krb5kdc and kinit: KDC_ERR_PREAUTH_FAILED (24) for twelve
// principals once each, or one principal twelve times; and with Samba and
// smbclient: STATUS_LOGON_FAILURE for twelve NTLMSSP user names once each;
// and vsftpd answering python ftplib's wrong passwords with 530.
// Crafted: FTP 530s from six servers to one client spray across targets;
// HTTP Basic user names are read from the Authorization header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { hasCommand, liveSkipReason } from '../../../lib/env';
import { withLivePair, type VethPair } from '../../../lib/netns';
import { captureWhile } from '../../../lib/tcpdump';
import { parseCaptureBuffer } from '../../../../main/engine/file/open';
import { analyzeCaptureFile, createDissector } from '../../../../main/engine/insights/file';
import { ACK, MAC_A, MAC_B, PSH, SYN, Scenario, tcp } from '../craft';
import { framesMatching, runScenario } from '../pipeline';

const T0 = 1_760_000_000;
const liveSkip = liveSkipReason() ?? (['slapd', 'ldapwhoami', 'tcpdump', 'tshark'].find((c) => !hasCommand(c) && !existsSync(`/usr/sbin/${c}`)) ?? null);

/** Frames of a pcap that a filter selects, by tshark (the judge). */
function tsharkFrames(path: string, filter: string): number[] {
  return execFileSync('tshark', ['-r', path, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
}

/** Frames a filter selects in a capture still being written (0 before tcpdump has written its header). */
function tsharkCount(path: string, filter: string): number {
  if (!existsSync(path)) return 0;
  try { return tsharkFrames(path, filter).length; } catch { return 0; }
}

/** Failed binds in a pcap so far (0 while tcpdump has not written its header). */
function failedBinds(path: string): number {
  if (!existsSync(path)) return 0;
  const cap = parseCaptureBuffer(readFileSync(path));
  const dissector = createDissector();
  let n = 0;
  for (const p of cap.packets) if (dissector.dissect(p).fields.some((f) => f.name === 'ldap.resultCode' && f.value === 49)) n++;
  return n;
}

function captureBinds(pair: VethPair, dir: string, name: string, users: string[]): Promise<string> {
  return captureWhile(pair, join(dir, `${name}.pcap`), 'tcp port 389', () => {
    for (const u of users) {
      try {
        pair.exec(pair.clientNs, ['ldapwhoami', '-x', '-H', `ldap://${pair.serverIp}`, '-D', `uid=${u},dc=xs,dc=test`, '-w', 'Winter2026!'], { timeoutMs: 10_000 });
        assert.fail(`bind as ${u} succeeded`);
      } catch (e) {
        assert.match(String((e as { stderr?: string }).stderr ?? e), /Invalid credentials \(49\)/);
      }
    }
  }, (path) => failedBinds(path) === users.length, `${users.length} failed binds in the capture`);
}

/** Alerts of the login detectors only. */
const loginAlerts = async (path: string) =>
  (await analyzeCaptureFile(path)).engine.alerts().filter((a) => a.kind === 'password-spray' || a.kind === 'brute-force');

/**
 * The live spray-then-brute check: twelve user names failing once each
 * (`run('spray', users)`) are one password spray against `service` whose
 * filter selects exactly tshark's `failed` frames; one user name failing
 * twelve times is one brute force (its frames checked too when
 * `bruteFrames`).
 */
async function sprayThenBrute(run: (name: string, users: string[]) => Promise<string>, users: string[], one: string, service: string,
  usersRe: RegExp, failed: string, bruteFrames: boolean): Promise<void> {
  const sprayPath = await run('spray', users);
  const spray = await loginAlerts(sprayPath);
  assert.deepEqual(spray.map((a) => [a.kind, a.metrics.service, a.metrics.failures, a.metrics.distinctUsers]), [['password-spray', service, 12, 12]], JSON.stringify(spray.map((a) => a.title)));
  assert.match(String(spray[0].metrics.users), usersRe);
  assert.deepEqual(await framesMatching(sprayPath, spray[0].filter), tsharkFrames(sprayPath, failed));

  const brutePath = await run('brute', new Array<string>(12).fill(one));
  const brute = await loginAlerts(brutePath);
  assert.deepEqual(brute.map((a) => [a.kind, a.metrics.service, a.metrics.attempts]), [['brute-force', service, 12]]);
  if (bruteFrames) assert.deepEqual(await framesMatching(brutePath, brute[0].filter), tsharkFrames(brutePath, failed));
}

test('live: slapd binds as twelve user names are a password spray; one user name twelve times is a brute force', { skip: liveSkip ?? false, timeout: 120_000 }, async () => {
  await withLivePair('xdpscope-spray-', async (pair, dir, daemons) => {
    writeFileSync(join(dir, 'slapd.conf'), [
      'include /etc/ldap/schema/core.schema', 'include /etc/ldap/schema/cosine.schema', 'include /etc/ldap/schema/inetorgperson.schema',
      `pidfile ${dir}/slapd.pid`, 'modulepath /usr/lib/ldap', 'moduleload back_mdb', 'database mdb', 'suffix "dc=xs,dc=test"',
      'rootdn "cn=admin,dc=xs,dc=test"', 'rootpw Secret-77', `directory ${dir}/db`, '',
    ].join('\n'));
    execFileSync('mkdir', ['-p', join(dir, 'db')]);
    daemons.push(pair.spawn(pair.serverNs, ['slapd', '-f', join(dir, 'slapd.conf'), '-h', `ldap://${pair.serverIp}/`, '-d', '0'], { stdio: 'ignore' }));
    await pair.listening(pair.serverNs, 't', 389);

    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar'];
    const sprayPath = await captureBinds(pair, dir, 'spray', users);
    const spray = await loginAlerts(sprayPath);
    assert.deepEqual(spray.map((a) => a.kind), ['password-spray'], JSON.stringify(spray.map((a) => a.title)));
    const a = spray[0];
    assert.deepEqual([a.metrics.service, a.metrics.failures, a.metrics.distinctUsers, a.metrics.triesPerUser, a.metrics.distinctTargets, a.metrics.crossed], ['LDAP', 12, 12, 1, 1, 'users']);
    assert.match(String(a.metrics.users), /uid=alice,dc=xs,dc=test/);
    assert.equal(a.title, `Password spraying from ${pair.clientIp} against LDAP: 12 user names, 1.0 failures each on ${pair.serverIp}`);
    assert.deepEqual(await framesMatching(sprayPath, a.filter), tsharkFrames(sprayPath, 'ldap.resultCode == 49'));

    const brutePath = await captureBinds(pair, dir, 'brute', new Array<string>(12).fill('alice'));
    const brute = await loginAlerts(brutePath);
    assert.deepEqual(brute.map((x) => [x.kind, x.metrics.service, x.metrics.attempts]), [['brute-force', 'LDAP', 12]]);
    assert.deepEqual(await framesMatching(brutePath, brute[0].filter), tsharkFrames(brutePath, 'ldap.resultCode == 49'));
  });
});

/** One FTP login on a new connection: USER, 331, PASS, 530. Returns the 530's frame. */
function ftpLogin(s: Scenario, t: number, client: string, server: string, sport: number, user: string): number {
  let cs = 1000, ss = 5000;
  const c = (dt: number, text: string) => { const p = [...Buffer.from(text)]; s.ip(t + dt, tcp(client, server, { sport, dport: 21, flags: PSH | ACK, seq: cs, ack: ss, payload: p })); cs += p.length; };
  const r = (dt: number, text: string) => { const p = [...Buffer.from(text)]; const n = s.ip(t + dt, tcp(server, client, { sport: 21, dport: sport, flags: PSH | ACK, seq: ss, ack: cs, payload: p }), MAC_B, MAC_A); ss += p.length; return n; };
  s.ip(t, tcp(client, server, { sport, dport: 21, flags: SYN, seq: cs - 1 }));
  s.ip(t + 0.001, tcp(server, client, { sport: 21, dport: sport, flags: SYN | ACK, seq: ss - 1, ack: cs }), MAC_B, MAC_A);
  s.ip(t + 0.002, tcp(client, server, { sport, dport: 21, flags: ACK, seq: cs, ack: ss }));
  r(0.003, '220 (vsFTPd 3.0.3)\r\n');
  c(0.004, `USER ${user}\r\n`);
  r(0.005, '331 Please specify the password.\r\n');
  c(0.006, 'PASS Winter2026!\r\n');
  return r(0.5, '530 Login incorrect.\r\n');
}

test('FTP 530s on six servers from one client spray across targets; fewer servers or a named user per server do not', async () => {
  const s = new Scenario();
  const client = '198.18.95.1';
  const failures: number[] = [];
  for (let i = 0; i < 6; i++) failures.push(ftpLogin(s, T0 + i * 3, client, `198.18.95.${10 + i}`, 41000 + i, 'admin'));
  // another client failing twice on each of three servers: an ordinary typo, not a spray
  for (let i = 0; i < 6; i++) ftpLogin(s, T0 + 30 + i * 3, '198.18.95.2', `198.18.95.${10 + (i % 3)}`, 42000 + i, 'bob');
  const { path, alerts } = await runScenario('spray-ftp', s);
  const sprays = alerts.filter((a) => a.kind === 'password-spray' || a.kind === 'brute-force');
  assert.deepEqual(sprays.map((a) => a.title), [`Password spraying from ${client} against FTP on 6 servers (6 failed logins)`]);
  assert.deepEqual([sprays[0].metrics.distinctUsers, sprays[0].metrics.users, sprays[0].metrics.crossed], [1, 'admin', 'targets']);
  assert.deepEqual(await framesMatching(path, sprays[0].filter), failures);
});

test('HTTP Basic user names count toward a spray: 401s for ten names, one try each', async () => {
  const s = new Scenario();
  const client = '198.18.96.1', server = '198.18.96.2';
  const names = Array.from({ length: 10 }, (_, i) => `user${i}`);
  names.forEach((u, i) => {
    const auth = Buffer.from(`${u}:Winter2026!`).toString('base64');
    s.connection(T0 + i, client, server, 43000 + i, 80, {
      request: [...Buffer.from(`GET /admin HTTP/1.1\r\nHost: intranet\r\nAuthorization: Basic ${auth}\r\n\r\n`)],
      response: [...Buffer.from('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="x"\r\nContent-Length: 0\r\n\r\n')],
    });
  });
  const { alerts } = await runScenario('spray-http', s);
  const got = alerts.filter((a) => a.kind === 'password-spray' || a.kind === 'brute-force');
  assert.deepEqual(got.map((a) => [a.kind, a.metrics.distinctUsers, a.metrics.failures]), [['password-spray', 10, 10]]);
  assert.match(String(got[0].metrics.users), /^user\d, user\d/);
});

const krbMissing = ['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'tcpdump', 'tshark'].find((c) => !hasCommand(c) && !existsSync(`/usr/sbin/${c}`));
const krbSkip: string | false = liveSkipReason() ?? (krbMissing ? `needs ${krbMissing}` : false);

test('live: kinit with wrong passwords against a real KDC — twelve principals once each spray, one principal twelve times is a brute force', { skip: krbSkip, timeout: 120_000 }, async () => {
  await withLivePair('xdpscope-krb-', async (pair, dir, daemons) => {
    execFileSync('mkdir', ['-p', join(dir, 'krb')]);
    writeFileSync(join(dir, 'krb5.conf'), `[libdefaults]\n  default_realm = XS.TEST\n  dns_lookup_kdc = false\n  dns_lookup_realm = false\n  rdns = false\n[realms]\n  XS.TEST = {\n    kdc = ${pair.serverIp}\n  }\n`);
    writeFileSync(join(dir, 'kdc.conf'), `[kdcdefaults]\n  kdc_ports = 88\n  kdc_tcp_ports = 88\n[realms]\n  XS.TEST = {\n    database_name = ${dir}/krb/principal\n    key_stash_file = ${dir}/krb/stash\n    acl_file = ${dir}/krb/kadm5.acl\n  }\n[logging]\n  kdc = FILE:${dir}/krb/kdc.log\n`);
    const env = ['env', `KRB5_CONFIG=${join(dir, 'krb5.conf')}`, `KRB5_KDC_PROFILE=${join(dir, 'kdc.conf')}`, `KRB5CCNAME=FILE:${join(dir, 'krb', 'cc')}`];
    execFileSync(env[0], [...env.slice(1), 'kdb5_util', 'create', '-s', '-r', 'XS.TEST', '-P', 'Master-77'], { stdio: 'ignore' });
    const users = Array.from({ length: 12 }, (_, i) => `user${String(i).padStart(2, '0')}`);
    for (const u of users) execFileSync(env[0], [...env.slice(1), 'kadmin.local', '-q', `addprinc +requires_preauth -pw Secret-77 ${u}`], { stdio: 'ignore' });
    daemons.push(pair.spawn(pair.serverNs, [...env, 'krb5kdc', '-n', '-P', join(dir, 'krb', 'kdc.pid')], { stdio: 'ignore' }));
    await pair.listening(pair.serverNs, 'u', 88);

    const run = (name: string, principals: string[]): Promise<string> => captureWhile(pair, join(dir, `${name}.pcap`), 'port 88', () => {
      for (const p of principals) {
        assert.throws(() => pair.exec(pair.clientNs, [...env, 'kinit', p], { input: 'Winter2026!\n', timeoutMs: 15_000 }), /Password incorrect|Preauthentication failed/);
      }
    }, (path) => tsharkCount(path, 'kerberos.error_code == 24') >= principals.length, `${principals.length} KDC_ERR_PREAUTH_FAILED in the capture`);

    await sprayThenBrute(run, users, 'user00', 'Kerberos', /user\d\d/, 'kerberos.error_code == 24', true);
  });
});

const smbMissing = ['smbd', 'smbclient', 'tcpdump', 'tshark'].find((c) => !hasCommand(c) && !existsSync(`/usr/sbin/${c}`));
const smbSkip: string | false = liveSkipReason() ?? (smbMissing ? `needs ${smbMissing}` : false);

test('live: smbclient with wrong passwords against Samba — twelve NTLMSSP user names spray, one user twelve times is a brute force', { skip: smbSkip, timeout: 120_000 }, async () => {
  await withLivePair('xdpscope-smb-', async (pair, dir, daemons) => {
    for (const d of ['private', 'lock', 'state', 'cache', 'pid', 'share']) execFileSync('mkdir', ['-p', join(dir, 'smb', d)]);
    writeFileSync(join(dir, 'smb.conf'), [
      '[global]', '  workgroup = XSTEST', '  netbios name = XSSRV', '  server role = standalone server', `  interfaces = ${pair.serverIf}`, '  bind interfaces only = yes',
      ...['private', 'lock', 'state', 'cache', 'pid'].map((d) => `  ${d} ${d === 'private' ? 'dir' : 'directory'} = ${dir}/smb/${d}`),
      `  ncalrpc dir = ${dir}/smb/ncalrpc`, `  log file = ${dir}/smb/log.%m`, `  passdb backend = tdbsam:${dir}/smb/private/passdb.tdb`,
      '  map to guest = Never', '  disable spoolss = yes', '  load printers = no', '  smb ports = 445',
      '[share]', `  path = ${dir}/smb/share`, '  read only = yes', '',
    ].join('\n'));
    writeFileSync(join(dir, 'client.conf'), `[global]\n  workgroup = XSTEST\n  interfaces = ${pair.clientIf}\n  client max protocol = SMB3\n`);
    daemons.push(pair.spawn(pair.serverNs, ['smbd', '-s', join(dir, 'smb.conf'), '-F', '--no-process-group', '--debug-stdout', '-d0'], { stdio: 'ignore' }));
    await pair.listening(pair.serverNs, 't', 445);

    const run = (name: string, users: string[]): Promise<string> => captureWhile(pair, join(dir, `${name}.pcap`), 'tcp port 445', () => {
      for (const u of users) {
        assert.throws(() => pair.exec(pair.clientNs, ['smbclient', '-s', join(dir, 'client.conf'), '-m', 'SMB3', '-U', `${u}%Winter2026!`, `//${pair.serverIp}/share`, '-c', 'ls'], { timeoutMs: 20_000 }),
          (e: { stdout?: string; stderr?: string }) => /NT_STATUS_LOGON_FAILURE/.test(`${e.stdout}${e.stderr}`));
      }
    }, (path) => tsharkCount(path, 'smb2.nt_status == 0xc000006d') >= users.length, `${users.length} STATUS_LOGON_FAILURE in the capture`);

    const users = Array.from({ length: 12 }, (_, i) => `staff${String(i).padStart(2, '0')}`);
    await sprayThenBrute(run, users, 'staff00', 'SMB2', /staff\d\d/, 'smb2.nt_status == 0xc000006d', false);
  });
});

const ftpMissing = ['vsftpd', 'python3', 'tcpdump', 'tshark'].find((c) => !hasCommand(c) && !existsSync(`/usr/sbin/${c}`));
const ftpSkip: string | false = liveSkipReason() ?? (ftpMissing ? `needs ${ftpMissing}` : false);

test('live: python ftplib with wrong passwords against vsftpd — twelve FTP 530s for one user are a brute force', { skip: ftpSkip, timeout: 120_000 }, async () => {
  await withLivePair('xdpscope-ftp-', async (pair, dir, daemons) => {
    execFileSync('mkdir', ['-p', join(dir, 'empty')]);
    writeFileSync(join(dir, 'vsftpd.conf'), ['listen=YES', 'listen_ipv6=NO', `listen_address=${pair.serverIp}`, 'anonymous_enable=NO', 'local_enable=YES',
      `secure_chroot_dir=${join(dir, 'empty')}`, 'pam_service_name=vsftpd', 'background=NO', 'seccomp_sandbox=NO', 'delay_failed_login=0', 'max_login_fails=1', ''].join('\n'));
    daemons.push(pair.spawn(pair.serverNs, ['/usr/sbin/vsftpd', join(dir, 'vsftpd.conf')], { stdio: 'ignore' }));
    await pair.listening(pair.serverNs, 't', 21);
    const path = await captureWhile(pair, join(dir, 'ftp.pcap'), 'tcp port 21', () => {
      const script = `
import ftplib, threading
# PAM delays each failure about 2 s: the twelve guesses run side by side, as guessing tools do
fails = []
def guess(i):
    f = ftplib.FTP()
    f.connect('${pair.serverIp}', 21, timeout=20)
    try:
        f.login('admin', 'Winter%d!' % (2014 + i))
    except ftplib.error_perm as e:
        fails.append(str(e).startswith('530'))
    try:
        f.close()
    except Exception:
        pass
ts = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
for t in ts: t.start()
for t in ts: t.join()
print(sum(fails))`;
      assert.equal(pair.exec(pair.clientNs, ['python3', '-c', script], { timeoutMs: 60_000 }).trim(), '12');
    }, (p) => tsharkCount(p, 'ftp.response.code == 530') >= 12, '12 FTP 530 replies in the capture');
    const got = await loginAlerts(path);
    const decoded = got.filter((a) => a.metrics.service === 'FTP' && a.filter.includes('ftp.response.code'));
    assert.deepEqual(decoded.map((a) => [a.kind, a.metrics.attempts]), [['brute-force', 12]], JSON.stringify(got.map((a) => a.title)));
    assert.deepEqual(await framesMatching(path, decoded[0].filter), tsharkFrames(path, 'ftp.response.code == 530'));
  });
});
