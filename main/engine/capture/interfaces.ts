// Interface list from `xdpscope-helper list` (works unprivileged).
import { execFile } from 'node:child_process';
import { helperPath } from './helper-path';

export interface InterfaceAddress {
  family: 4 | 6;
  address: string;
  prefixlen: number;
}

export interface HostInterface {
  name: string;
  index: number;
  mac: string | null;
  /** ARPHRD_* hardware type (1 = Ethernet, 772 = loopback) */
  arphrd: number;
  up: boolean;
  running: boolean;
  loopback: boolean;
  mtu: number;
  /** kernel driver (ethtool), e.g. 'veth', 'virtio_net'; null when the device has none */
  driver: string | null;
  addresses: InterfaceAddress[];
  /** XDP program already attached; name is null when it cannot be read (needs CAP_SYS_ADMIN) */
  xdp: { id: number; mode: 'native' | 'generic' | 'offload' | 'unknown'; name: string | null } | null;
  /** tcx egress programs in run order ([] none; null unreadable: kernel before 6.6 or no CAP_NET_ADMIN) */
  egress: Array<{ id: number; name: string | null }> | null;
}

export function listInterfaces(opts: { helper?: string; wrapper?: string[] } = {}): Promise<HostInterface[]> {
  const argv = [...(opts.wrapper ?? []), opts.helper ?? helperPath(), 'list'];
  return new Promise((resolve, reject) => {
    execFile(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 10_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const line = stderr.trim().split('\n').pop()?.replace(/^xdpscope-helper: /, '');
        reject(new Error(`listing interfaces failed: ${line || err.message}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as HostInterface[]);
      } catch (e) {
        reject(new Error(`listing interfaces: helper printed invalid JSON (${(e as Error).message})`));
      }
    });
  });
}
