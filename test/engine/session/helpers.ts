// Shared by the session tests: temp dirs, tshark as an oracle, and packets
// with known content (each frame carries its own number, so a recovered file
// can be checked byte for byte).
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { outputDir, hasCommand } from '../../lib/env';
import { LinkType, type RawPacket } from '../../../main/engine/types';

export function tempDir(name: string): string {
  return mkdtempSync(join(outputDir('session'), `${name}-`));
}

export const tsharkSkip = (): string | null => (hasCommand('tshark') ? null : 'needs tshark');

/** tshark's stderr without the "Running as user root" banner it prints for root. */
export function tshark(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('tshark', args, { encoding: 'utf8', timeout: 60_000 });
  const stderr = r.stderr.split('\n').filter((l) => l && !/^Running as user "root"/.test(l)).join('\n');
  return { status: r.status, stdout: r.stdout, stderr };
}

/** Run a Wireshark tool; stderr without the root banner. */
export function runAsync(cmd: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderrRaw) => {
      const stderr = stderrRaw.split('\n').filter((l) => l && !/^Running as user "root"/.test(l)).join('\n');
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

export const tsharkAsync = (args: string[]) => runAsync('tshark', args);

export const BASE_TS = 1_700_000_000_000_000_000n;

/** Frame n (1-based): Ethernet/IPv4/UDP 198.18.0.1 → 198.18.0.2, length and payload derived from n. */
export function knownPacket(n: number): RawPacket {
  const payloadLen = 18 + (n * 37) % 400;
  const len = 14 + 20 + 8 + payloadLen;
  const b = Buffer.alloc(len);
  Buffer.from('02000000000202000000000108 00'.replace(/ /g, ''), 'hex').copy(b, 0);
  b[14] = 0x45; b.writeUInt16BE(len - 14, 16); b[22] = 64; b[23] = 17;
  b.set([198, 18, 0, 1], 26); b.set([198, 18, 0, 2], 30);
  b.writeUInt16BE(40000, 34); b.writeUInt16BE(9, 36); b.writeUInt16BE(8 + payloadLen, 38);
  for (let i = 42; i < len; i += 4) if (i + 4 <= len) b.writeUInt32BE(n, i);
  return { number: n, tsNs: BASE_TS + BigInt(n) * 1_000_123n, capLen: len, origLen: len, linkType: LinkType.ETHERNET, interfaceId: 0, data: b };
}

export function samePacket(a: RawPacket, b: RawPacket): boolean {
  return a.tsNs === b.tsNs && a.origLen === b.origLen && Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)) === 0;
}
