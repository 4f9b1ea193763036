// QUIC packet protection (RFC 9001 §5): packet keys from a TLS secret
// (HKDF-Expand-Label with the "quic key/iv/hp" labels, "quicv2 …" for QUIC
// v2, RFC 9369 §3.3.2), header protection (AES-ECB or ChaCha20 over a
// sample of the ciphertext), AEAD opening (AES-GCM, AES-CCM,
// ChaCha20-Poly1305) and key update ("quic ku", §6). Node's crypto does the
// cryptography; this file only arranges keys, nonces and the header that is
// authenticated. Nothing throws: a failure is null or a reason string.
import { createCipheriv, createDecipheriv, type CipherCCMTypes, type CipherChaCha20Poly1305Types, type CipherGCMTypes } from 'node:crypto';
import { hkdfExpandLabel, SUITES } from './tls-decrypt';

type Hash = 'sha1' | 'sha256' | 'sha384';
const HASH_LEN: Record<Hash, number> = { sha1: 20, sha256: 32, sha384: 48 };

export interface PacketKeys {
  /** the TLS cipher suite (0x1301…0x1304) */
  suite: number;
  hash: Hash;
  /** QUIC v2 labels */
  v2: boolean;
  secret: Buffer;
  key: Buffer;
  iv: Buffer;
  hp: Buffer;
}

/** Packet keys for a TLS 1.3 cipher suite from a traffic secret; null for a suite QUIC cannot use (CCM_8) or we do not know. */
export function packetKeys(suite: number, secret: Buffer, v2: boolean, hp?: Buffer): PacketKeys | null {
  const s = SUITES.get(suite);
  if (!s || suite < 0x1301 || suite > 0x1304) return null;
  const prefix = v2 ? 'quicv2' : 'quic';
  const empty = new Uint8Array(0);
  return {
    suite, hash: s.prf, v2, secret,
    key: hkdfExpandLabel(s.prf, secret, `${prefix} key`, empty, s.keyLen),
    iv: hkdfExpandLabel(s.prf, secret, `${prefix} iv`, empty, 12),
    // header protection keys do not change with a key update (RFC 9001 §6)
    hp: hp ?? hkdfExpandLabel(s.prf, secret, `${prefix} hp`, empty, s.keyLen),
  };
}

/** The next key phase's keys (RFC 9001 §6.1): a new secret from "quic ku", the same header protection key. */
export function nextKeys(k: PacketKeys): PacketKeys {
  const next = hkdfExpandLabel(k.hash, k.secret, k.v2 ? 'quicv2 ku' : 'quic ku', new Uint8Array(0), HASH_LEN[k.hash]);
  return packetKeys(k.suite, next, k.v2, k.hp)!;
}

/** The 5-byte header protection mask for a 16-byte sample (RFC 9001 §5.4.3, §5.4.4). */
export function headerMask(k: PacketKeys, sample: Uint8Array): Buffer {
  if (k.suite === 0x1303) {
    // ChaCha20: the sample is the block counter (4 bytes, little-endian) then the nonce: OpenSSL's 16-byte IV exactly
    const c = createCipheriv('chacha20', k.hp, sample);
    return c.update(Buffer.alloc(5));
  }
  const c = createCipheriv(k.hp.length === 32 ? 'aes-256-ecb' : 'aes-128-ecb', k.hp, null);
  c.setAutoPadding(false);
  return c.update(sample).subarray(0, 5);
}

/** The full packet number from its truncated form (RFC 9000 Appendix A.3); `largest` -1 when none was received yet. */
export function decodePacketNumber(largest: number, truncated: number, bits: number): number {
  const expected = largest + 1;
  const win = 2 ** bits;
  const half = win / 2;
  const candidate = (expected - (expected % win)) + truncated;
  if (candidate <= expected - half && candidate < 2 ** 62 - win) return candidate + win;
  if (candidate > expected + half && candidate >= win) return candidate - win;
  return candidate;
}

/** Opens a packet's payload: the nonce is the IV XOR the packet number; the header (unprotected) is the additional data. */
export function openPayload(k: PacketKeys, pn: number, header: Uint8Array, payload: Uint8Array): Buffer | null {
  if (payload.length < 16) return null;
  const nonce = Buffer.from(k.iv);
  for (let i = 0; i < 8; i++) nonce[11 - i] ^= Math.floor(pn / 2 ** (8 * i)) & 255;
  const ct = payload.subarray(0, payload.length - 16);
  const tag = payload.subarray(payload.length - 16);
  try {
    if (k.suite === 0x1304) {
      const d = createDecipheriv('aes-128-ccm' as CipherCCMTypes, k.key, nonce, { authTagLength: 16 });
      d.setAuthTag(tag);
      d.setAAD(header, { plaintextLength: ct.length });
      return Buffer.concat([d.update(ct), d.final()]);
    }
    const d = k.suite === 0x1303
      ? createDecipheriv('chacha20-poly1305' as CipherChaCha20Poly1305Types, k.key, nonce, { authTagLength: 16 })
      : createDecipheriv((k.key.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm') as CipherGCMTypes, k.key, nonce);
    d.setAuthTag(tag);
    d.setAAD(header);
    return Buffer.concat([d.update(ct), d.final()]);
  } catch {
    return null;
  }
}

export interface Unprotected {
  /** the first byte without its protection */
  first: number;
  pnLen: number;
  /** the truncated packet number as sent */
  truncated: number;
  /** the header with protection removed (the AEAD's additional data) */
  header: Buffer;
}

/**
 * Removes header protection from a packet [start, end) whose packet number
 * starts at pnOffset; null when it is too short to hold a sample.
 */
export function unprotectHeader(k: PacketKeys, d: Uint8Array, start: number, pnOffset: number, end: number): Unprotected | null {
  if (pnOffset + 4 + 16 > end) return null;
  const mask = headerMask(k, d.subarray(pnOffset + 4, pnOffset + 20));
  const long = (d[start] & 0x80) !== 0;
  const first = d[start] ^ (mask[0] & (long ? 0x0f : 0x1f));
  const pnLen = (first & 3) + 1;
  const header = Buffer.from(d.subarray(start, pnOffset + pnLen));
  header[0] = first;
  let truncated = 0;
  for (let i = 0; i < pnLen; i++) {
    const v = d[pnOffset + i] ^ mask[1 + i];
    header[pnOffset - start + i] = v;
    truncated = truncated * 256 + v;
  }
  return { first, pnLen, truncated, header };
}

