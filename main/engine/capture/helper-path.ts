// Which xdpscope-helper binary to run. One small function so the install
// side (main/engine/privilege/locate.ts) decides packaged/granted locations.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { locateHelper } from '../privilege/locate';

/** The checkout's own build (dist/main/engine/capture → <repo>/helper). */
export const REPO_HELPER = resolve(__dirname, '..', '..', '..', '..', 'helper', 'xdpscope-helper');

/**
 * $XDPSCOPE_HELPER, else an installed helper this user may run (packaged or
 * granted, see privilege/locate.ts), else the checkout's build — which then
 * reports for itself which privileges are missing.
 */
export function helperPath(): string {
  const env = process.env.XDPSCOPE_HELPER;
  if (env) return env;
  try {
    return locateHelper().path;
  } catch {
    if (existsSync(REPO_HELPER)) return REPO_HELPER;
    throw new Error(`capture helper not found at ${REPO_HELPER}: build it with 'node scripts/build.mjs' (needs clang, bpftool, libbpf-dev), or set XDPSCOPE_HELPER`);
  }
}
