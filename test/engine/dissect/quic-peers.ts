// Real QUIC peers: ngtcp2's GnuTLS example server and client
// (gtlsserver/gtlsclient) in the namespaces of runPeers, the client
// writing its secrets to a key log (SSLKEYLOGFILE).
import { hasCommand } from '../../lib/env';
import { peersSkipReason, runPeers, type PeerRun } from './peers';

export const quicSkipReason = (): string | false =>
  peersSkipReason() || (!hasCommand('gtlsclient') || !hasCommand('gtlsserver') ? 'needs ngtcp2-client and ngtcp2-server' : false);

/** ngtcp2's example server serving $DOCS with a throwaway ECDSA certificate; "listening" once its UDP socket is bound */
const SERVER = `
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const dir = fs.mkdtempSync('/tmp/xdpscope-quic-');
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', dir + '/k.pem',
  '-out', dir + '/c.pem', '-subj', '/CN=quic.test', '-days', '1'], { stdio: 'ignore' });
const p = spawn('gtlsserver', ['-q', '-d', process.env.DOCS, process.env.HOST, process.env.PORT, dir + '/k.pem', dir + '/c.pem'], { stdio: 'ignore' });
const bound = () => { try { return execFileSync('ss', ['-Hlun', 'sport = :' + process.env.PORT], { encoding: 'utf8' }).trim() !== ''; } catch { return false; } };
let tries = 0;
const t = setInterval(() => { if (bound()) { clearInterval(t); console.log('listening'); } else if (++tries > 500) process.exit(1); }, 20);
process.on('SIGTERM', () => { p.kill('SIGKILL'); fs.rmSync(dir, { recursive: true, force: true }); process.exit(0); });
`;

/**
 * One QUIC connection from gtlsclient to the server (serving the folder in
 * process.env.DOCS) requesting `urls` (https://quic.test/...), its secrets
 * in `keys`; `extra` are more client options (ciphers, key updates).
 */
export function runQuic(keys: string, urls: string[], extra: string[] = []): Promise<PeerRun> {
  const client = ['env', `SSLKEYLOGFILE=${keys}`, 'timeout', '20', 'gtlsclient', '-q', '--exit-on-all-streams-close', ...extra, '{ip}', '443', ...urls];
  return runPeers(SERVER, 443, [['sh', '-c', `${client.map((a) => `'${a}'`).join(' ')} >/dev/null 2>&1; true`]]);
}
