// JA4 read straight from tshark's ClientHello fields: an independent
// computation the dissector's JA4 is compared with (TCP and QUIC tests).
import { createHash } from 'node:crypto';

export const REF_FIELDS = ['tls.handshake.ciphersuite', 'tls.handshake.extension.type', 'tls.handshake.sig_hash_alg',
  'tls.handshake.extensions.supported_version', 'tls.handshake.extensions_alpn_str', 'tls.handshake.version'];

/** JA4 read straight from tshark's ClientHello fields (one row, occurrence=a). */
export function reference(row: string, transport: string): string {
  const [cs, ext, sig, sv, alpn, ver] = row.split('\t');
  const nums = (s: string): number[] => (s ? s.split(',').map((x) => Number(x)) : []);
  const g = (v: number): boolean => (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);
  const ciphers = nums(cs).filter((v) => !g(v)), exts = nums(ext).filter((v) => !g(v));
  const versions = nums(sv).filter((v) => !g(v));
  const v = versions.length ? Math.max(...versions) : Number(ver.split(',')[0]);
  const vs = ({ 0x0304: '13', 0x0303: '12', 0x0302: '11', 0x0301: '10', 0x0300: 's3' } as Record<number, string>)[v] ?? '00';
  const first = alpn.split(',')[0];
  const h4 = (n: number): string => n.toString(16).padStart(4, '0');
  const pad = (n: number): string => String(Math.min(99, n)).padStart(2, '0');
  const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 12);
  const a = `${transport}${vs}${exts.includes(0) ? 'd' : 'i'}${pad(ciphers.length)}${pad(exts.length)}${first ? first[0] + first[first.length - 1] : '00'}`;
  const c = exts.filter((e) => e !== 0 && e !== 16).map(h4).sort().join(',');
  const sigs = nums(sig).filter((x) => !g(x)).map(h4).join(',');
  return `${a}_${sha(ciphers.map(h4).sort().join(','))}_${sha(sigs ? `${c}_${sigs}` : c)}`;
}

