// SSH password guessing against a real OpenSSH server between two
// namespaces: sshpass tries twelve wrong passwords (each a connection that
// finishes key exchange, fails, and closes within seconds), then a key login
// holds a session open. The brute-force alert carries that evidence — the
// sessions that reached key exchange (the client's NEWKEYS), how many
// closed quickly, and the long session after them, a login that may have
// succeeded, which raises its severity — and its filter selects exactly the
// SYNs tshark finds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, liveSkipReason } from '../../../lib/env';
import { createVethPair } from '../../../lib/netns';
import { parseCaptureBuffer } from '../../../../main/engine/file/open';
import { analyzeCaptureFile } from '../../../../main/engine/insights/file';
import { framesMatching } from '../pipeline';
import { until } from '../../../lib/tcpdump';

const SSHD = '/usr/sbin/sshd';
const skip = liveSkipReason() ?? (existsSync(SSHD) ? null : 'needs openssh-server') ??
  (['sshpass', 'ssh', 'ssh-keygen', 'tcpdump', 'tshark'].find((c) => !hasCommand(c)) ?? null);

/** Client ports of the connections the server has closed (FIN or RST from port 22) in a pcap so far. */
function closedByServer(path: string): number {
  if (!existsSync(path)) return 0;
  let cap;
  try { cap = parseCaptureBuffer(readFileSync(path)); } catch { return 0; }
  const ports = new Set<number>();
  for (const p of cap.packets) {
    const b = p.data;
    if (b.length < 34 || b[12] !== 8 || b[13] !== 0 || b[23] !== 6) continue;
    const t = 14 + (b[14] & 15) * 4;
    if (b.length < t + 14) continue;
    if (((b[t] << 8) | b[t + 1]) === 22 && (b[t + 13] & 0x05) !== 0) ports.add((b[t + 2] << 8) | b[t + 3]);
  }
  return ports.size;
}

test('live: twelve wrong sshpass passwords then a long key login are a brute force with its session evidence', { skip: skip ?? false, timeout: 120_000 }, async () => {
  const pair = createVethPair();
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-ssh-'));
  let sshd: ChildProcess | null = null, dump: ChildProcess | null = null;
  try {
    mkdirSync('/run/sshd', { recursive: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id')]);
    execFileSync('cp', [join(dir, 'id.pub'), join(dir, 'authorized_keys')]);
    sshd = pair.spawn(pair.serverNs, [SSHD, '-D', '-e', '-f', '/dev/null', '-o', 'Port=22', '-o', `ListenAddress=${pair.serverIp}`,
      '-o', `HostKey=${join(dir, 'host')}`, '-o', `PidFile=${join(dir, 'sshd.pid')}`, '-o', 'PasswordAuthentication=yes', '-o', 'KbdInteractiveAuthentication=no',
      '-o', 'UsePAM=no', '-o', 'PermitRootLogin=yes', '-o', `AuthorizedKeysFile=${join(dir, 'authorized_keys')}`, '-o', 'StrictModes=no',
      '-o', 'MaxStartups=100', '-o', 'PerSourcePenalties=no'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let sshdErr = '';
    sshd.stderr!.on('data', (d: Buffer) => { sshdErr += d; });
    // OpenSSH before 9.8 has no PerSourcePenalties: without it, retry without the option
    const up = () => pair.exec(pair.serverNs, ['ss', '-Hlnt', 'sport = :22']).trim() !== '';
    await until(() => up() || /Bad configuration option|unsupported option/i.test(sshdErr), `sshd to listen: ${sshdErr}`);
    if (!up()) {
      sshd.kill('SIGKILL');
      sshd = pair.spawn(pair.serverNs, [SSHD, '-D', '-e', '-f', '/dev/null', '-o', 'Port=22', '-o', `ListenAddress=${pair.serverIp}`,
        '-o', `HostKey=${join(dir, 'host')}`, '-o', `PidFile=${join(dir, 'sshd.pid')}`, '-o', 'PasswordAuthentication=yes', '-o', 'KbdInteractiveAuthentication=no',
        '-o', 'UsePAM=no', '-o', 'PermitRootLogin=yes', '-o', `AuthorizedKeysFile=${join(dir, 'authorized_keys')}`, '-o', 'StrictModes=no', '-o', 'MaxStartups=100'], { stdio: 'ignore' });
      await until(up, 'sshd to listen');
    }

    const pcap = join(dir, 'ssh.pcap');
    dump = pair.spawn(pair.clientNs, ['tcpdump', '-i', pair.clientIf, '-s', '0', '-U', '-w', pcap, 'tcp port 22'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let dumpErr = '';
    dump.stderr!.on('data', (d: Buffer) => { dumpErr += d; });
    const dumped = new Promise((r) => dump!.on('exit', r));
    await until(() => /listening on/.test(dumpErr), 'tcpdump to listen');

    const common = ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'];
    for (let i = 0; i < 12; i++) {
      try {
        pair.exec(pair.clientNs, ['sshpass', '-p', `Winter${2014 + i}!`, 'ssh', ...common, '-o', 'PubkeyAuthentication=no', '-o', 'PreferredAuthentications=password',
          '-o', 'NumberOfPasswordPrompts=1', `root@${pair.serverIp}`, 'true'], { timeoutMs: 20_000 });
        assert.fail('a wrong password logged in');
      } catch (e) {
        assert.notEqual((e as { status?: number }).status, 0);
      }
    }
    // the guess that worked: a session that stays (4 s, over the long-session setting below)
    pair.exec(pair.clientNs, ['ssh', ...common, '-i', join(dir, 'id'), '-o', 'BatchMode=yes', `root@${pair.serverIp}`, 'sleep 4'], { timeoutMs: 30_000 });
    await until(() => closedByServer(pcap) >= 13, 'the server closing all 13 connections in the capture');
    dump.kill('SIGINT');
    await dumped;
    dump = null;

    const r = await analyzeCaptureFile(pcap, { settings: { bruteForce: { longSessionSec: 3 } } });
    const brute = r.engine.alerts().filter((a) => a.kind === 'brute-force');
    assert.equal(brute.length, 1, JSON.stringify(r.engine.alerts().map((a) => a.title)));
    const a = brute[0];
    assert.equal(a.metrics.service, 'SSH');
    assert.equal(a.metrics.attempts, 13);
    assert.equal(a.metrics.sessionsClosed, 13);
    assert.equal(a.metrics.authSessions, 13, 'every session finished key exchange');
    assert.equal(a.metrics.shortSessions, 12, 'the twelve guesses closed within seconds');
    assert.ok(Number(a.metrics.longSessionAfterSec) >= 3, String(a.metrics.longSessionAfterSec));
    assert.equal(a.severity, 'medium', 'a long session after the failures is evidence of harm');
    assert.match(a.detail, /a login that may have succeeded/);
    const syns = execFileSync('tshark', ['-r', pcap, '-Y', 'tcp.flags.syn == 1 && tcp.flags.ack == 0', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' }).trim().split('\n').map(Number);
    assert.deepEqual(await framesMatching(pcap, a.filter), syns);

    // the same capture judged with the default long-session threshold (120 s): the evidence without the harm
    const plain = (await analyzeCaptureFile(pcap)).engine.alerts().filter((x) => x.kind === 'brute-force');
    assert.deepEqual(plain.map((x) => [x.severity, x.metrics.longSessionAfterSec]), [['low', 0]]);
  } finally {
    dump?.kill('SIGKILL');
    sshd?.kill('SIGKILL');
    pair.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
