// The `xdpscope` command: a tshark/dumpcap-like face over the engine.
// Each subcommand lives in ./commands/<name>.ts and exports
// `run(argv: string[]): Promise<number>` (the exit code). A subcommand's
// module is evaluated only when it runs, which keeps `xdpscope --help` fast.
import { version } from '../../package.json';

export interface Subcommand {
  name: string;
  summary: string;
  load(): Promise<{ run(argv: string[]): Promise<number> }>;
}

export const SUBCOMMANDS: Subcommand[] = [
  { name: 'interfaces', summary: 'list capture interfaces (name, addresses, state, attached XDP programs)', load: () => import('./commands/interfaces') },
  { name: 'capture', summary: 'capture packets from an interface with XDP into a pcapng file (like dumpcap)', load: () => import('./commands/capture') },
  { name: 'read', summary: 'decode a pcap/pcapng file and print packets or fields (like tshark -r)', load: () => import('./commands/read') },
  { name: 'serve', summary: 'serve the inspector UI to a browser on 127.0.0.1 (token-protected)', load: () => import('./commands/serve') },
  { name: 'insights', summary: 'print security alerts and statistics for a capture file', load: () => import('./commands/insights') },
  { name: 'block', summary: 'list, add or remove blocked sources of a running capture (XDP drop list)', load: () => import('./commands/block') },
  { name: 'grant', summary: 'install the capture helper with capabilities (one-time, needs root)', load: () => import('./commands/grant') },
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
    process.stdout.write(`xdpscope ${version}\n`);
    return EXIT.ok;
  }
  const sub = SUBCOMMANDS.find((s) => s.name === cmd);
  if (!sub) {
    process.stderr.write(`xdpscope: unknown command '${cmd}'\n\n${usage()}\n`);
    return EXIT.usage;
  }
  return (await sub.load()).run(rest);
}
