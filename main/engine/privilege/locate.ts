// Which capture helper this process will use, and why. In order:
//   1. packaged — the deb's copy under /opt/xdpscope/resources (or the running
//      package's resources), made capable by the deb's postinst;
//   2. granted  — the one-time grant's copy in /usr/local/libexec/xdpscope;
//   3. bundled  — the checkout's/AppImage's own copy, only when running as root
//      (it has no capabilities of its own).
// The caller reports `kind` and `path`, so the user sees which one is in use.
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileCaps, EXPECTED_CAPS } from './inspect';
import { GRANT_DIR, HELPER_GROUP, HELPER_NAME, PACKAGED_RESOURCES, bundledFiles, resourcesDir } from './paths';

export type HelperKind = 'packaged' | 'granted' | 'bundled';

export interface LocatedHelper {
  kind: HelperKind;
  path: string;
}

export class HelperUnavailableError extends Error {
  constructor(message: string, readonly tried: string[]) {
    super(message);
    this.name = 'HelperUnavailableError';
  }
}

export interface LocateOptions {
  /** treat as root (default: the real uid of this process) */
  root?: boolean;
  grantDir?: string;
  packagedResources?: string[];
}

function capable(path: string): boolean {
  try {
    const caps = fileCaps(path);
    return caps === null || caps === EXPECTED_CAPS; // without getcap, let the helper itself report
  } catch {
    return false;
  }
}

function executable(path: string): boolean {
  try { accessSync(path, constants.X_OK); return true; } catch { return false; }
}

export function locateHelper(opts: LocateOptions = {}): LocatedHelper {
  const root = opts.root ?? process.getuid?.() === 0;
  const tried: string[] = [];
  const notes: string[] = [];
  const consider = (kind: HelperKind, path: string): LocatedHelper | null => {
    tried.push(`${kind}: ${path}`);
    if (!existsSync(path)) return null;
    if (!executable(path)) {
      notes.push(`${path} exists but you may not run it: join the ${HELPER_GROUP} group (sudo usermod -aG ${HELPER_GROUP} $USER), then log in again`);
      return null;
    }
    // Root needs no capabilities on the file; everyone else does.
    if (!root && !capable(path)) {
      notes.push(`${path} lacks its capabilities (${EXPECTED_CAPS}); run: sudo xdpscope grant`);
      return null;
    }
    return { kind, path };
  };

  const packaged = opts.packagedResources ?? [...new Set([resourcesDir(), PACKAGED_RESOURCES].filter((p): p is string => !!p))];
  for (const res of packaged) {
    const found = consider('packaged', join(res, 'helper', HELPER_NAME));
    if (found) return found;
  }
  const granted = consider('granted', join(opts.grantDir ?? GRANT_DIR, HELPER_NAME));
  if (granted) return granted;
  const bundled = bundledFiles().helper;
  if (root) {
    const found = consider('bundled', bundled);
    if (found) return found;
  } else if (existsSync(bundled)) {
    notes.push(`${bundled} has no capabilities: it is used only as root`);
  }
  throw new HelperUnavailableError(
    [`no capture helper this user can run.`, ...notes, `To install one: sudo xdpscope grant (or install the xdpscope .deb).`].join(' '),
    tried,
  );
}
