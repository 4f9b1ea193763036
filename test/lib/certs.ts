// Certificates for the TLS servers tests run in namespaces.
import { execFileSync } from 'node:child_process';

/** A self-signed certificate and its key for a test server, valid one day: P-256 ('ec') or RSA 2048 ('rsa'). */
export function selfSigned(kind: 'ec' | 'rsa', keyPath: string, certPath: string, cn: string): void {
  const alg = kind === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048'];
  execFileSync('openssl', ['req', '-x509', ...alg, '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', `/CN=${cn}`], { stdio: 'ignore' });
}
