// The `xdpscope` command: a tshark/dumpcap-like face over the engine.
// Each subcommand lives in ./commands/<name>.ts and exports
// `run(argv: string[]): Promise<number>` (the exit code). Loading them
// lazily keeps `xdpscope --help` fast and lets a subcommand land on its own.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface Subcommand {
  name: string;
  summary: string;
}

export const SUBCOMMANDS: Subcommand[] = [
  { name: 'interfaces', summary: 'list capture interfaces (name, addresses, state, attached XDP programs)' },
  { name: 'capture', summary: 'capture packets from an interface with XDP into a pcapng file (like dumpcap)' },
  { name: 'read', summary: 'decode a pcap/pcapng file and print packets or fields (like tshark -r)' },
  { name: 'serve', summary: 'serve the inspector UI to a browser on 127.0.0.1 (token-protected)' },
  { name: 'insights', summary: 'print security alerts and statistics for a capture file' },
  { name: 'grant', summary: 'install the capture helper with capabilities (one-time, needs root)' },
];

/** Exit codes shared by every subcommand. */
export const EXIT = { ok: 0, failure: 1, usage: 2, notImplemented: 2 } as const;

export function usage(): string {
  const width = Math.max(...SUBCOMMANDS.map((s) => s.name.length));
  return [
    'Usage: xdpscope <command> [options]',
    '',
    'Commands:',
    ...SUBCOMMANDS.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`),
    '',
    "Run 'xdpscope <command> --help' for a command's options.",
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(usage() + '\n');
    return cmd ? EXIT.ok : EXIT.usage;
  }
  if (cmd === '--version' || cmd === '-v') {
    process.stdout.write(`xdpscope ${require('../../../package.json').version}\n`);
    return EXIT.ok;
  }
  const sub = SUBCOMMANDS.find((s) => s.name === cmd);
  if (!sub) {
    process.stderr.write(`xdpscope: unknown command '${cmd}'\n\n${usage()}\n`);
    return EXIT.usage;
  }
  const modulePath = join(__dirname, 'commands', `${sub.name}.js`);
  if (!existsSync(modulePath)) {
    process.stderr.write(`xdpscope ${sub.name}: not yet implemented\n`);
    return EXIT.notImplemented;
  }
  const mod = require(modulePath) as { run(argv: string[]): Promise<number> };
  return mod.run(rest);
}
