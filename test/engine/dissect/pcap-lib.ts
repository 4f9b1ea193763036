// Small helpers for dissector tests that build captures (the pcap itself:
// test/lib/pcap.ts): tshark's and `xdpscope read`'s field output.
import { spawnSync } from 'node:child_process';
import { CLI } from '../../lib/env';

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
