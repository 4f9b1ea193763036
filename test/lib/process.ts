// Waiting on a child process's state: what it printed, and its exit. Tests
// wait on these, never on time; the optional timeout only turns a hang into
// a failure that says what was seen.
import type { ChildProcess } from 'node:child_process';

/**
 * Resolves with everything the child printed on `stream` ('any': stdout and
 * stderr) once it contains `want`; rejects when the child exits first or,
 * with `timeoutMs`, when that passes.
 */
export function waitForOutput(
  child: ChildProcess, stream: 'stdout' | 'stderr' | 'any', want: RegExp | string, timeoutMs?: number, what = 'process',
): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const streams = stream === 'any' ? [child.stdout, child.stderr] : [child[stream]];
    const matches = (): boolean => (typeof want === 'string' ? seen.includes(want) : want.test(seen));
    const on = (b: Buffer): void => {
      seen += b.toString();
      if (matches()) { cleanup(); resolve(seen); }
    };
    const exit = (code: number | null, signal: NodeJS.Signals | null): void => {
      cleanup();
      reject(new Error(`${what} exited (${code ?? signal}) before ${want}: ${seen}`));
    };
    const timer = timeoutMs === undefined ? undefined
      : setTimeout(() => { cleanup(); reject(new Error(`${what}: no ${want} within ${timeoutMs / 1000} s: ${seen}`)); }, timeoutMs);
    const cleanup = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      for (const s of streams) s?.off('data', on);
      child.off('exit', exit);
    };
    for (const s of streams) s?.on('data', on);
    child.on('exit', exit);
  });
}

/** Resolves with the exit code (null when a signal ended it) once the child has exited, at once if it already has. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
