// A real VRRP speaker: keepalived in a namespace, master of a virtual
// router on the veth pair, its advertisements captured with tcpdump on the
// other side and every field compared with tshark's on the same capture.
import { test } from 'node:test';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { daemonRunAgrees } from './compare';
import { peersSkipReason } from './peers';
import { hasCommand } from '../../lib/env';
import { withLivePair } from '../../lib/netns';
import { startTcpdump, until } from '../../lib/tcpdump';
import { allFields } from '../../../main/engine/fields/store';
import '../../../main/engine/dissect/protocols';
import { parseCaptureBuffer } from '../../../main/engine/file/open';

const FIELDS = ['frame.protocols', ...allFields().map((f) => f.name).filter((n) => n.startsWith('vrrp.')), '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];
const skip = peersSkipReason() || (hasCommand('keepalived') ? false : 'keepalived not installed (scripts/setup.sh installs it)');

/** VRRP frames in the capture so far (a file tcpdump is still writing may end mid-record: those are not counted) */
function adverts(path: string): number {
  if (!existsSync(path)) return 0;
  try { return parseCaptureBuffer(readFileSync(path)).packets.filter((p) => p.data.length > 23 && p.data[23] === 112).length; } catch { return 0; }
}

test('keepalived VRRP advertisements agree with tshark', { skip, timeout: 60_000 }, async () => {
  await withLivePair('xdpscope-vrrp-', async (pair, dir, daemons) => {
    const vip = pair.serverIp.replace(/\.2$/, '.100');
    const conf = join(dir, 'keepalived.conf');
    writeFileSync(conf, `vrrp_instance v1 {\n  state MASTER\n  interface ${pair.serverIf}\n  virtual_router_id 51\n  priority 255\n  advert_int 1\n  virtual_ipaddress {\n    ${vip}/24\n  }\n}\n`);
    const pcap = join(dir, 'vrrp.pcap');
    const dump = await startTcpdump(pair, 'client', pcap, 'ip proto 112');
    try {
      daemons.push(pair.spawn(pair.serverNs, ['keepalived', '--dont-fork', '--log-console', '--vrrp', '-f', conf,
        '-p', join(dir, 'k.pid'), '-r', join(dir, 'v.pid'), '-c', join(dir, 'c.pid')], { stdio: 'ignore' }));
      await until(() => adverts(pcap) >= 2, 'two VRRP advertisements', 20_000);
    } finally {
      await dump.stop();
    }
    daemonRunAgrees(pcap, FIELDS, { name: 'vrrp-keepalived', proto: 'vrrp', label: 'VRRP', min: 2, seed: ['vrrp-keepalived', 112] });
  });
});
