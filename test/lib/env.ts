// Where things are, and what this machine allows, for tests.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Repository root (dist/test/lib → ../../..). */
export const ROOT = process.env.XDPSCOPE_ROOT ?? resolve(__dirname, '..', '..', '..');
/**
 * The shared capture corpus lives beside the clone (<clone>/../shared/captures,
 * as in CI); XDPSCOPE_CAPTURES overrides, and a clone elsewhere (/tmp/fresh)
 * falls back to the workplace copy.
 */
export const CAPTURES = [
  process.env.XDPSCOPE_CAPTURES,
  resolve(ROOT, '..', 'shared', 'captures'),
  '/work/shared/captures',
].find((p): p is string => !!p && existsSync(p)) ?? resolve(ROOT, '..', 'shared', 'captures');
export const ORACLE = join(CAPTURES, 'oracle');
export const CLI = join(ROOT, 'bin', 'xdpscope.js');

export function outputDir(name: string): string {
  const dir = join(ROOT, 'test-output', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Upper bound on a capture helper's start (attach, verify each BPF program):
 * about 2 s on an idle machine, over 20 s at load 25 on 2 cores. It bounds a
 * wait for state, so a quick start costs nothing.
 */
export const HELPER_START_MS = 90_000;

export const isRoot = (): boolean => process.getuid?.() === 0;

export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Reason a live (root + BPF + netns) test cannot run here, or null when it can. */
export function liveSkipReason(): string | null {
  if (!isRoot()) return 'needs root (network namespaces, XDP)';
  if (!hasCommand('ip')) return 'needs iproute2 (ip)';
  if (!existsSync('/sys/fs/bpf') && !existsSync('/sys/kernel/btf/vmlinux')) return 'kernel without BPF support';
  return null;
}

export const sharedCapturesSkipReason = (): string | null =>
  existsSync(CAPTURES) ? null : `shared captures not found at ${CAPTURES}`;
