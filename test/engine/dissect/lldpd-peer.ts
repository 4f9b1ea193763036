// Debian's lldpd as a real LLDP/CDP peer: it runs in the server namespace
// of a test veth pair, configured with lldpcli (system name, description,
// port description, management address) so the optional TLVs appear;
// tcpdump on the client side captures what it sends. The capture is
// complete once it holds frames carrying the configured name (state, not
// time); then lldpd and tcpdump are stopped and the pair removed.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withLivePair } from '../../lib/netns';
import { startTcpdump, until } from '../../lib/tcpdump';
import { exited } from '../../lib/process';
import { hasCommand, liveSkipReason } from '../../lib/env';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { Dissector } from '../../../main/engine/dissect';
import { keepCapture } from './peers';

export const lldpdSkip = (): string | false =>
  liveSkipReason() ?? (hasCommand('lldpd') && hasCommand('lldpcli') && hasCommand('tcpdump') ? false : 'needs lldpd, lldpcli (lldpd) and tcpdump');

export const SYSTEM_NAME = 'sw1';

/** How many frames of the capture at `path` carry `field` == `value` (0 while the file is still being written). */
function framesWith(path: string, field: string, value: string): number {
  try {
    const dis = new Dissector({ geoip: null, fields: [field] });
    return parseCaptureBuffer(readFileSync(path)).packets
      .filter((p) => dis.dissect(p).fields.some((f) => f.name === field && f.value === value)).length;
  } catch {
    return 0;
  }
}

/**
 * Runs lldpd with `flags` (e.g. ['-ccc'] for CDP) in a fresh pair and
 * returns the capture's path once `min` frames carry the configured system
 * name in `nameField` (lldp.tlv.system.name or cdp.deviceid). The capture
 * is copied to `into` before the pair's scratch folder goes.
 */
export async function lldpdCapture(flags: string[], nameField: string, min: number, into: string): Promise<void> {
  // lldpcli talks to lldpd as the _lldpd user: the control socket's folder must be one it can enter
  const sock = mkdtempSync(join(tmpdir(), 'xdpscope-lldpd-ctl-'));
  chmodSync(sock, 0o755);
  try {
    await run(flags, nameField, min, into, join(sock, 'lldpd.socket'));
  } finally {
    rmSync(sock, { recursive: true, force: true });
  }
}

async function run(flags: string[], nameField: string, min: number, into: string, ctl: string): Promise<void> {
  await withLivePair('xdpscope-lldpd-', async (pair, dir, daemons) => {
    const pcap = join(dir, 'lldpd.pcap');
    const dump = await startTcpdump(pair, 'client', pcap, 'ether proto 0x88cc or ether dst 01:00:0c:cc:cc:cc');
    daemons.push(dump.child);
    const lldpd = pair.spawn(pair.serverNs, ['lldpd', '-d', ...flags, '-u', ctl, '-p', join(dir, 'lldpd.pid'), '-I', pair.serverIf,
      '-L', '/usr/sbin/lldpcli', '-O', join(dir, 'none.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    daemons.push(lldpd);
    let log = '';
    lldpd.stderr?.on('data', (b: Buffer) => { log = (log + b.toString()).slice(-4000); });
    const cli = (args: string[]): boolean => spawnSync('ip', ['netns', 'exec', pair.serverNs, 'lldpcli', '-u', ctl, ...args], { timeout: 10_000 }).status === 0;
    // the control socket answers once lldpd runs (bounded by until's 30 s)
    await until(() => {
      if (lldpd.exitCode !== null) throw new Error(`lldpd exited (${lldpd.exitCode}): ${log}`);
      return cli(['show', 'configuration']);
    }, 'lldpd control socket');
    for (const c of [['configure', 'system', 'hostname', SYSTEM_NAME], ['configure', 'system', 'description', 'xdpscope test switch'],
      ['configure', 'ports', pair.serverIf, 'lldp', 'portdescription', 'uplink to core'],
      ['configure', 'system', 'ip', 'management', 'pattern', pair.serverIp], ['update']]) {
      if (!cli(c)) throw new Error(`lldpcli ${c.join(' ')} failed: ${log}`);
    }
    await until(() => framesWith(pcap, nameField, SYSTEM_NAME) >= min, `${min} frames naming ${SYSTEM_NAME} in ${nameField}`);
    lldpd.kill('SIGTERM');
    await exited(lldpd);
    await dump.stop();
    copyFileSync(pcap, into);
    keepCapture(pcap);
  });
}
