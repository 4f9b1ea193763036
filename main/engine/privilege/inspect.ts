// What an installed helper looks like on disk: owner, group, mode, file
// capabilities, content hash, and whether its directory chain could be
// tampered with. Read-only, works unprivileged (for `grant --status` and the app).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, lstatSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { HELPER_CAPS, HELPER_GROUP, HELPER_MODE } from './paths';

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** gid of a group from /etc/group (NSS-free: the grant only ever creates local groups). */
export function groupId(name: string, groupFile = '/etc/group'): number | null {
  if (!existsSync(groupFile)) return null;
  for (const line of readFileSync(groupFile, 'utf8').split('\n')) {
    const [n, , gid] = line.split(':');
    if (n === name && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return null;
}

const SBIN_PATHS = ['/usr/sbin/getcap', '/sbin/getcap', '/usr/bin/getcap'];

/**
 * File capabilities as getcap prints them ("cap_bpf,cap_net_admin,cap_perfmon=ep"),
 * "" when none, null when getcap (libcap2-bin) is not installed.
 */
export function fileCaps(path: string): string | null {
  const getcap = SBIN_PATHS.find((p) => existsSync(p));
  if (!getcap) return null;
  const out = execFileSync(getcap, [path], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  // "path cap_a,cap_b=ep" (libcap ≥ 2.30) or "path = cap_a,cap_b+ep" (older)
  if (!out) return '';
  const rest = out.slice(path.length).trim().replace(/^=\s*/, '');
  return normalizeCaps(rest);
}

/** "cap_a,cap_b+ep" and "cap_b,cap_a=ep" compare equal. */
export function normalizeCaps(caps: string): string {
  const m = /^([a-z_,]+)\s*[+=]\s*([eip]+)$/.exec(caps.trim());
  if (!m) return caps.trim();
  return `${m[1].split(',').sort().join(',')}=${m[2].split('').sort().join('')}`;
}

export const EXPECTED_CAPS = normalizeCaps(HELPER_CAPS);

/** Directories from `path`'s parent up to / that are group/world-writable or not root-owned (sticky root dirs are fine). */
export function unsafeAncestors(path: string): string[] {
  const bad: string[] = [];
  for (let d = dirname(path); ; d = dirname(d)) {
    const st = lstatSync(d);
    const writable = (st.mode & 0o022) !== 0 && !((st.mode & 0o1000) && st.uid === 0);
    if (st.uid !== 0 || writable) bad.push(`${d} (${st.uid === 0 ? 'root' : `uid ${st.uid}`}, mode ${(st.mode & 0o7777).toString(8)})`);
    if (d === dirname(d)) return bad;
  }
}

export interface InstalledHelper {
  path: string;
  exists: boolean;
  uid?: number;
  gid?: number;
  mode?: number;
  caps?: string | null;
  sha256?: string;
  /** can this process execute it (group membership, mode) */
  executable?: boolean;
  /** every problem found, as one-line sentences; empty when the install is right */
  problems: string[];
}

export function inspectHelper(path: string, opts: { expectSha256?: string; group?: string } = {}): InstalledHelper {
  const info: InstalledHelper = { path, exists: existsSync(path), problems: [] };
  if (!info.exists) {
    info.problems.push(`${path} is not installed`);
    return info;
  }
  const st = lstatSync(path);
  Object.assign(info, { uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 });
  const group = opts.group ?? HELPER_GROUP;
  const gid = groupId(group);
  if (!st.isFile()) info.problems.push(`${path} is not a regular file`);
  if (st.uid !== 0) info.problems.push(`${path} is owned by uid ${st.uid}, not root`);
  if (gid === null) info.problems.push(`group ${group} does not exist`);
  else if (st.gid !== gid) info.problems.push(`${path} has group id ${st.gid}, not ${group} (${gid})`);
  if ((st.mode & 0o7777) !== HELPER_MODE) info.problems.push(`${path} has mode ${(st.mode & 0o7777).toString(8)}, not ${HELPER_MODE.toString(8)}`);
  for (const a of unsafeAncestors(path)) info.problems.push(`directory ${a} is not root-only-writable`);
  try {
    info.caps = fileCaps(path);
    if (info.caps === null) info.problems.push('getcap not found (install libcap2-bin) — capabilities unknown');
    else if (info.caps !== EXPECTED_CAPS) info.problems.push(`${path} has capabilities "${info.caps || 'none'}", not "${EXPECTED_CAPS}"`);
  } catch (e) {
    info.problems.push(`getcap ${path} failed: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    info.sha256 = sha256File(path);
    if (opts.expectSha256 && info.sha256 !== opts.expectSha256) {
      info.problems.push(`${path} differs from the bundled helper (sha256 ${info.sha256.slice(0, 16)}… ≠ ${opts.expectSha256.slice(0, 16)}…)`);
    }
  } catch {
    // Mode 0750: outside the group we may not read it; that is what the mode is for.
  }
  try { accessSync(path, constants.X_OK); info.executable = true; } catch { info.executable = false; }
  return info;
}
