// Where sessions keep their files: spools (live captures being written) and
// recovered spools under the XDG data dir, the recent-files list under the
// XDG config dir. Tests and the CLI can point both elsewhere.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** $XDPSCOPE_DATA_DIR, else $XDG_DATA_HOME/xdpscope, else ~/.local/share/xdpscope */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDPSCOPE_DATA_DIR) return env.XDPSCOPE_DATA_DIR;
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(base, 'xdpscope');
}

/** $XDPSCOPE_CONFIG_DIR, else $XDG_CONFIG_HOME/xdpscope, else ~/.config/xdpscope */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDPSCOPE_CONFIG_DIR) return env.XDPSCOPE_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'xdpscope');
}

export const spoolDir = (env?: NodeJS.ProcessEnv): string => join(dataDir(env), 'spool');
export const recoveredDir = (env?: NodeJS.ProcessEnv): string => join(dataDir(env), 'recovered');
export const recentFilesPath = (env?: NodeJS.ProcessEnv): string => join(configDir(env), 'recent.json');
