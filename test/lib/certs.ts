// Certificates for the TLS servers tests run in namespaces.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A self-signed certificate and its key for a test server, valid one day: P-256 ('ec') or RSA 2048 ('rsa'). */
export function selfSigned(kind: 'ec' | 'rsa', keyPath: string, certPath: string, cn: string): void {
  const alg = kind === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048'];
  execFileSync('openssl', ['req', '-x509', ...alg, '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', `/CN=${cn}`], { stdio: 'ignore' });
}

/**
 * A fresh folder for a TLS peer test, readable by the server's user, holding
 * a new certificate under the names the test servers read ('ec': k.pem and
 * c.pem; 'rsa': rsa.key and rsa.crt); $CERTS points at it for the servers.
 */
export function certsDir(prefix: string, kind: 'ec' | 'rsa', cn: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  const [key, cert] = kind === 'ec' ? ['k.pem', 'c.pem'] : ['rsa.key', 'rsa.crt'];
  selfSigned(kind, join(dir, key), join(dir, cert), cn);
  process.env.CERTS = dir;
  return dir;
}
