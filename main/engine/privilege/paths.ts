// Where the capture helper lives, in each of the ways xdpscope can be installed,
// and what an installed copy must look like. One place, so the CLI, the app,
// the deb maintainer scripts (packaging/deb/*.sh repeat these values) and the
// tests agree.
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export const HELPER_NAME = 'xdpscope-helper';
export const BPF_OBJECT_NAME = 'xdpscope.bpf.o';
/** Members of this group may run the installed helper (mode 0750, root:xdpscope). */
export const HELPER_GROUP = 'xdpscope';
export const HELPER_MODE = 0o750;
/** Exactly what the helper needs: load/attach XDP, create maps, ring buffer; nothing else. */
export const HELPER_CAPS = 'cap_bpf,cap_net_admin,cap_perfmon+ep';
/** The one-time grant's fixed, root-owned location (AppImage and source runs). */
export const GRANT_DIR = '/usr/local/libexec/xdpscope';
/** Where the deb puts the app (electron-builder: /opt/<productName>). */
export const PACKAGED_RESOURCES = '/opt/xdpscope/resources';

/** Repository root when running from a checkout (dist/main/engine/privilege → ../../../..). */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

/**
 * The resources directory of a packaged app we are running from, if any:
 * Electron's process.resourcesPath, or the directory holding app.asar when
 * the CLI runs inside a package under ELECTRON_RUN_AS_NODE.
 */
export function resourcesDir(): string | null {
  const rp = (process as { resourcesPath?: string }).resourcesPath;
  if (rp && existsSync(join(rp, 'helper'))) return rp;
  let d = __dirname;
  while (d !== dirname(d)) {
    if (basename(d) === 'app.asar' || basename(d) === 'app') {
      const res = dirname(d);
      if (existsSync(join(res, 'helper'))) return res;
    }
    d = dirname(d);
  }
  return null;
}

export interface HelperFiles {
  helper: string;
  /** the compiled XDP program shipped beside the helper (loaded by path, see helper/) */
  bpfObject: string;
}

/** The helper and BPF object shipped with this copy of xdpscope (package resources or checkout). */
export function bundledFiles(): HelperFiles {
  const res = resourcesDir();
  const base = res ?? REPO_ROOT;
  return { helper: join(base, 'helper', HELPER_NAME), bpfObject: join(base, 'bpf', BPF_OBJECT_NAME) };
}

export function grantedFiles(dir = GRANT_DIR): HelperFiles {
  return { helper: join(dir, HELPER_NAME), bpfObject: join(dir, BPF_OBJECT_NAME) };
}
