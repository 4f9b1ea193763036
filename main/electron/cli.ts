// On a deb install /usr/bin/xdpscope is the Electron binary itself, so
// `xdpscope read -r x.pcap` typed in a terminal arrives here. A known CLI
// subcommand as the first non-flag argument (or --help/--version first)
// means "run the CLI with Electron's Node and exit with its code", before any
// window or single-instance lock exists; anything else (a capture file, no
// argument) is for the window.
import { SUBCOMMANDS, main } from '../cli/main';

const CLI_FLAGS = new Set(['--help', '-h', '--version', '-v', 'help']);

/**
 * The CLI's argv if this command line asks for the CLI, else null.
 * `argv` is process.argv: [binary, ...args] when packaged, [electron, appPath, ...args]
 * when started as `electron .` (Electron's process.defaultApp). Leading flags are
 * Chromium/Electron switches (`--no-sandbox`, `--ozone-platform=x11`) and are skipped.
 */
export function cliArgv(argv: readonly string[], defaultApp: boolean): string[] | null {
  const args = argv.slice(defaultApp ? 2 : 1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (CLI_FLAGS.has(a)) return args.slice(i);
    if (a.startsWith('-')) continue;
    return SUBCOMMANDS.some((s) => s.name === a) ? args.slice(i) : null;
  }
  return null;
}

/** Runs the CLI in this process; resolves to its exit code once stdout and stderr have drained. */
export async function runCli(argv: string[]): Promise<number> {
  let code: number;
  try {
    code = await main(argv);
  } catch (e) {
    process.stderr.write(`xdpscope: ${e instanceof Error ? e.message : String(e)}\n`);
    code = 1;
  }
  await new Promise<void>((r) => process.stdout.write('', () => r()));
  await new Promise<void>((r) => process.stderr.write('', () => r()));
  return code;
}
