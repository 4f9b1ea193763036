// The one-time grant: install the bundled helper at GRANT_DIR, root-owned,
// group xdpscope, mode 0750, with exactly the capabilities it needs.
// `xdpscope grant` calls runGrant() as root; the app calls requestGrant(),
// which elevates through @vscode/sudo-prompt (pkexec/kdesudo). Main process
// only — never import this from the renderer.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import * as sudo from '@vscode/sudo-prompt';
import { GRANT_SCRIPT } from './grant-script';
import { inspectHelper, type InstalledHelper } from './inspect';
import { GRANT_DIR, HELPER_CAPS, HELPER_GROUP, bundledFiles, grantedFiles } from './paths';

export interface GrantResult {
  ok: boolean;
  /** what the script printed (stdout + stderr), one message per line */
  output: string;
  /** the installed helper as found afterwards (hash compared with the bundled one) */
  installed: InstalledHelper;
}

/** The grant script's rule too: a name that cannot be read as an option or a pattern. */
const USER_RE = /^[a-z_][a-z0-9_-]{0,31}$/;
const SAFE_PATH_RE = /^\/[A-Za-z0-9._/+-]+$/;

const sha256 = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');

export interface GrantSource {
  helper: string;
  helperSha256: string;
}

/** Hash the bundled files now, so a copy changed later (before or after the copy) is caught. */
export function grantSource(helper: string = bundledFiles().helper): GrantSource {
  if (!existsSync(helper)) throw new Error(`bundled helper not found at ${helper} (build it: make -C helper)`);
  return { helper, helperSha256: sha256(readFileSync(helper)) };
}

/** Who joins the group: a name, or a name that must resolve to this uid (the user asking). */
export type GrantUser = string | { name: string; uid: number };

/** Positional arguments for GRANT_SCRIPT's install mode. */
export function installArgs(src: GrantSource, opts: { dir?: string; addUser?: GrantUser } = {}): string[] {
  const args = ['install', opts.dir ?? GRANT_DIR, HELPER_GROUP, HELPER_CAPS, src.helper, src.helperSha256];
  if (opts.addUser) {
    const u = typeof opts.addUser === 'string' ? { name: opts.addUser } : opts.addUser;
    if (!USER_RE.test(u.name)) throw new Error(`not a valid user name: ${JSON.stringify(u.name)}`);
    args.push('--add-user', u.name);
    if ('uid' in u) {
      if (!Number.isSafeInteger(u.uid) || u.uid <= 0) throw new Error(`not a uid of an unprivileged user: ${u.uid}`);
      args.push('--uid', String(u.uid));
    }
  }
  return args;
}

/** Run GRANT_SCRIPT directly (the caller is root), with a clean environment. */
export function runGrantScript(args: string[]): { status: number; output: string } {
  const r = spawnSync('/bin/sh', ['-s', '--', ...args], {
    input: GRANT_SCRIPT,
    encoding: 'utf8',
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' },
    timeout: 60_000,
  });
  return { status: r.status ?? 1, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

export function runGrant(opts: { source?: GrantSource; dir?: string; addUser?: GrantUser } = {}): GrantResult {
  const src = opts.source ?? grantSource();
  const r = runGrantScript(installArgs(src, opts));
  const installed = inspectHelper(grantedFiles(opts.dir).helper, { expectSha256: src.helperSha256 });
  return { ok: r.status === 0 && installed.problems.length === 0, output: r.output, installed };
}

export function runRevoke(dir = GRANT_DIR): { ok: boolean; output: string } {
  const r = runGrantScript(['revoke', dir]);
  return { ok: r.status === 0 && !existsSync(grantedFiles(dir).helper), output: r.output };
}

/** How requestGrant() gets root: sudo-prompt by default; tests pass a runner that is already root. */
export type Elevate = (command: string) => Promise<{ stdout: string; stderr: string }>;

export const sudoPromptElevate: Elevate = (command) =>
  new Promise((resolve, reject) => {
    sudo.exec(command, { name: 'xdpscope' }, (err, stdout, stderr) => {
      const out = { stdout: String(stdout ?? ''), stderr: String(stderr ?? '') };
      if (err) reject(Object.assign(new Error(`${err.message}${out.stderr ? `: ${out.stderr.trim()}` : ''}`), out));
      else resolve(out);
    });
  });

/**
 * The shell command that sudo-prompt runs as root. The bundled files are
 * first copied to a private temp dir (an AppImage's FUSE mount is not
 * readable by root); the script travels base64-encoded so no character of it
 * is interpreted by the shells in between.
 */
export function elevatedCommand(args: string[]): string {
  for (const a of args) {
    if (!/^[A-Za-z0-9._/,+=:-]+$/.test(a)) throw new Error(`unsafe argument for the elevated command: ${JSON.stringify(a)}`);
  }
  const b64 = Buffer.from(GRANT_SCRIPT, 'utf8').toString('base64');
  return `echo ${b64} | /usr/bin/base64 -d | /bin/sh -s -- ${args.join(' ')}`;
}

function stage(src: GrantSource): { dir: string; staged: GrantSource } {
  const base = SAFE_PATH_RE.test(tmpdir()) ? tmpdir() : '/tmp';
  const dir = mkdtempSync(join(base, 'xdpscope-grant-'));
  chmodSync(dir, 0o711); // root must traverse it; nobody else may list it
  const staged: GrantSource = { ...src, helper: join(dir, 'xdpscope-helper') };
  copyFileSync(src.helper, staged.helper);
  return { dir, staged };
}

/** The user running this process, as the grant script checks it (name and uid). */
export function currentUser(): { name: string; uid: number } {
  return { name: userInfo().username, uid: process.getuid?.() ?? -1 };
}

/**
 * Ask for root (a polkit/kdesudo password prompt) and install the bundled
 * helper. `addUser` (default: the current user, by name and uid) joins the
 * xdpscope group; like any group change it applies from the next login,
 * which the result's `installed.executable` reflects.
 */
export async function requestGrant(opts: { addUser?: GrantUser | null; elevate?: Elevate; dir?: string } = {}): Promise<GrantResult> {
  const src = grantSource();
  const addUser = opts.addUser === null ? undefined : opts.addUser ?? currentUser();
  const { dir, staged } = stage(src);
  let output: string;
  let failed = false;
  try {
    const r = await (opts.elevate ?? sudoPromptElevate)(elevatedCommand(installArgs(staged, { dir: opts.dir, addUser })));
    output = `${r.stdout}${r.stderr}`.trim();
  } catch (e) {
    failed = true;
    output = (e as Error).message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const installed = inspectHelper(grantedFiles(opts.dir).helper, { expectSha256: src.helperSha256 });
  return { ok: !failed && installed.problems.length === 0, output, installed };
}

/** Undo the grant through the same elevation (the group stays). */
export async function requestRevoke(opts: { elevate?: Elevate; dir?: string } = {}): Promise<{ ok: boolean; output: string }> {
  const dir = opts.dir ?? GRANT_DIR;
  try {
    const r = await (opts.elevate ?? sudoPromptElevate)(elevatedCommand(['revoke', dir]));
    return { ok: !existsSync(grantedFiles(dir).helper), output: `${r.stdout}${r.stderr}`.trim() };
  } catch (e) {
    return { ok: false, output: (e as Error).message };
  }
}
