// What every command's argument handling shares: parseArgs's complaint as a
// value to report (it throws on an unknown option or a missing value), and
// one way to say an error, `xdpscope <command>: …` with the exit status.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** parseArgs's result, or its complaint's message instead of a throw. */
export function parseOptions<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> | string {
  try {
    return parseArgs(config);
  } catch (e) {
    return (e as Error).message;
  }
}

/** A command's `fail(msg, code?)`: writes `xdpscope <command>: msg` to stderr and answers the exit status (`code` by default). */
export function commandFail(command: string, code: number): (msg: string, code?: number) => number {
  return (msg, status = code) => {
    process.stderr.write(`xdpscope ${command}: ${msg}\n`);
    return status;
  };
}
