// "Grant capture permission" from the UI: the same audited grant script as
// `sudo xdpscope grant` (privilege/grant-script.ts), run as root through the
// desktop's authentication prompt (pkexec/kdesudo via @vscode/sudo-prompt).
// Root runs only that script's text, fed to /bin/sh on stdin — never this
// app's JavaScript or any file the user could change — and it adds the
// user asking (name checked against their uid) to the xdpscope group.
import { requestGrant, currentUser, type Elevate } from '../privilege/grant';
import { groupId } from '../privilege/inspect';
import { HELPER_GROUP } from '../privilege/paths';

export interface GrantOutcome {
  ok: boolean;
  /** one paragraph for the user: what changed and what they must do next */
  message: string;
}

export async function grantCapturePermission(opts: { elevate?: Elevate; user?: { name: string; uid: number }; dir?: string } = {}): Promise<GrantOutcome> {
  const user = opts.user ?? currentUser();
  if (user.uid === 0) return { ok: true, message: 'already running as root: no permission needed' };
  const r = await requestGrant({ addUser: user, ...(opts.elevate ? { elevate: opts.elevate } : {}), ...(opts.dir ? { dir: opts.dir } : {}) });
  if (!r.ok) {
    const why = [r.output, ...r.installed.problems].filter(Boolean).join('; ');
    return { ok: false, message: `grant failed: ${why || 'the grant script did not complete'}` };
  }
  // A new group membership reaches only processes started after the next login.
  const gid = groupId(HELPER_GROUP);
  const inGroupNow = gid !== null && (process.getgroups?.() ?? []).includes(gid);
  const message = inGroupNow
    ? 'Capture permission granted: you can capture now.'
    : `Capture permission granted, and ${user.name} was added to the ${HELPER_GROUP} group. ` +
      `It takes effect at your next login: log out and back in (or start xdpscope from a terminal after 'newgrp ${HELPER_GROUP}').`;
  return { ok: true, message };
}
