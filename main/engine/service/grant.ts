// "Grant capture permission": runs `xdpscope grant` as root through the
// desktop's authentication prompt (pkexec/kdesudo via @vscode/sudo-prompt).
import { join } from 'node:path';
import * as sudo from '@vscode/sudo-prompt';

const BIN = join(__dirname, '..', '..', '..', '..', 'bin', 'xdpscope.js');

export function grantCapturePermission(): Promise<{ ok: boolean; message: string }> {
  if (process.getuid?.() === 0) {
    return Promise.resolve({ ok: true, message: 'already running as root: no permission needed' });
  }
  const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} grant`;
  return new Promise((resolve) => {
    sudo.exec(cmd, { name: 'xdpscope' }, (err, stdout, stderr) => {
      if (err) resolve({ ok: false, message: `grant failed: ${err.message}${stderr ? `: ${String(stderr).trim()}` : ''}` });
      else resolve({ ok: true, message: String(stdout ?? '').trim() || 'capture permission granted' });
    });
  });
}
