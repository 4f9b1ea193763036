// Small helpers for dissector tests that build captures: a classic pcap
// file from Ethernet frames, and tshark / `xdpscope read` field output.
import { spawnSync } from 'node:child_process';
import { CLI } from '../../lib/env';

/** A microsecond pcap (Ethernet) holding the frames, one millisecond apart. */
export function pcapBytes(frames: Buffer[]): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0); head.writeUInt16LE(2, 4); head.writeUInt16LE(4, 6);
  head.writeUInt32LE(262144, 16); head.writeUInt32LE(1, 20);
  const parts: Buffer[] = [head];
  frames.forEach((f, i) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(1_700_000_000 + Math.floor(i / 1000), 0); r.writeUInt32LE((i % 1000) * 1000, 4);
    r.writeUInt32LE(f.length, 8); r.writeUInt32LE(f.length, 12);
    parts.push(r, f);
  });
  return Buffer.concat(parts);
}

export function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const fieldArgs = (fields: string[]): string[] => ['-T', 'fields', '-E', 'occurrence=a', ...fields.flatMap((f) => ['-e', f])];

/** tshark's rows for these fields (extra options first, e.g. ['-o', 'http2.decompress_body:FALSE']) */
export const tsharkFields = (path: string, fields: string[], extra: string[] = []): string[] =>
  run('tshark', ['-r', path, ...extra, ...fieldArgs(fields)]).split('\n').slice(0, -1);

/** `xdpscope read`'s rows for these fields */
export const ourFields = (path: string, fields: string[], extra: string[] = []): string[] =>
  run(process.execPath, [CLI, 'read', '-r', path, ...extra, ...fieldArgs(fields)]).split('\n').slice(0, -1);
