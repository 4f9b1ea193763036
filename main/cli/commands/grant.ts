// `xdpscope grant`: the one-time install of the capture helper with its
// capabilities (for AppImage and source runs; the .deb does this itself).
import { commandFail, parseOptions } from '../args';
import {
  grantSource, runGrant, runRevoke, GRANT_DIR, HELPER_CAPS, HELPER_GROUP, bundledFiles, privilegeStatus,
} from '../../engine/index';

const USAGE = `Usage: xdpscope grant [--add-user USER] | --revoke | --status

Installs the bundled capture helper as ${GRANT_DIR}/xdpscope-helper, owned by
root, group ${HELPER_GROUP}, mode 0750, with the file capabilities
${HELPER_CAPS}, after checking that the copy is byte-identical (sha256)
to the bundled one. Members of the ${HELPER_GROUP} group can then capture
without root. Needs root: run it with sudo.

Options:
  --add-user USER  also add USER to the ${HELPER_GROUP} group (default under sudo: none;
                   the change applies from USER's next login)
  --revoke         remove the installed helper (the ${HELPER_GROUP} group stays)
  --status         show what is installed and whether it is right (no root needed)
  -h, --help       show this help`;

const fail = commandFail('grant', 1);

function status(): number {
  const st = privilegeStatus();
  const info = st.granted;
  const expect = st.bundledSha256;
  const lines = [`granted helper: ${info.path}`];
  if (info.exists) {
    lines.push(`  owner uid ${info.uid}, gid ${info.gid}, mode ${info.mode?.toString(8)}`);
    lines.push(`  capabilities: ${info.caps === null ? 'unknown (no getcap)' : info.caps || 'none'}`);
    lines.push(`  sha256: ${info.sha256 ?? 'unreadable by this user'}${expect ? (info.sha256 === expect ? ' (same as bundled)' : info.sha256 ? ' (DIFFERS from bundled)' : '') : ' (no bundled helper to compare)'}`);
    lines.push(`  runnable by you: ${info.executable ? 'yes' : 'no'}`);
  }
  lines.push(`bundled helper: ${expect ? bundledFiles().helper : 'not built'}`);
  lines.push(st.helper ? `in use: ${st.helper.kind} ${st.helper.path}` : `in use: none (${st.unavailable})`);
  lines.push(info.problems.length ? `problems:\n  ${info.problems.join('\n  ')}` : 'status: ok');
  process.stdout.write(lines.join('\n') + '\n');
  return info.problems.length ? 1 : 0;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions({
      args: argv,
      options: {
        revoke: { type: 'boolean' },
        status: { type: 'boolean' },
        'add-user': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    strict: true,
    allowPositionals: false,
  });
  if (typeof parsed === 'string') return fail(`${parsed.split('\n')[0]} (see xdpscope grant --help)`, 2);
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (values.revoke && values.status) return fail('--revoke and --status are exclusive', 2);
  if (values.status) return status();
  if (process.getuid?.() !== 0) return fail('needs root; run: sudo xdpscope grant');
  if (values.revoke) {
    const r = runRevoke();
    if (r.output) process.stdout.write(r.output + '\n');
    if (!r.ok) return fail(`could not remove ${GRANT_DIR}`);
    process.stdout.write(`xdpscope grant: the ${HELPER_GROUP} group was left in place (remove it with: groupdel ${HELPER_GROUP})\n`);
    return 0;
  }
  let source;
  try { source = grantSource(); } catch (e) { return fail((e as Error).message); }
  let result;
  try { result = runGrant({ source, addUser: values['add-user'] }); } catch (e) { return fail((e as Error).message, 2); }
  if (result.output) process.stdout.write(result.output + '\n');
  if (!result.ok) {
    return fail(`the installed helper is not right:\n  ${result.installed.problems.join('\n  ') || 'the install script failed'}`);
  }
  process.stdout.write(`xdpscope grant: verified: sha256 ${result.installed.sha256}, capabilities ${result.installed.caps}\n`);
  if (!values['add-user']) {
    const who = process.env.SUDO_USER && /^[a-z_][a-z0-9_-]*$/.test(process.env.SUDO_USER) ? process.env.SUDO_USER : 'USER';
    process.stdout.write(`Members of the ${HELPER_GROUP} group may now capture. To join it: sudo usermod -aG ${HELPER_GROUP} ${who} (then log in again)\n`);
  }
  return 0;
}
