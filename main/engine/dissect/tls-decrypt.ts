// TLS record decryption from key log secrets: the TLS 1.3 key schedule
// (RFC 8446 §7: HKDF-Expand-Label, traffic keys, key update) and the TLS 1.2
// key block (RFC 5246 §6.3, its PRF with the suite's hash), then AEAD
// (AES-GCM, AES-CCM, ChaCha20-Poly1305) or AES-CBC with HMAC, MAC-then-
// encrypt or encrypt-then-MAC (RFC 7366). Node's crypto does the
// cryptography; this file only arranges keys, nonces and additional data.
// Nothing throws: a failure is a reason string the dissector shows.
import { createDecipheriv, createHmac, timingSafeEqual, type CipherCCMTypes, type CipherGCMTypes, type CipherChaCha20Poly1305Types } from 'node:crypto';

type Hash = 'sha1' | 'sha256' | 'sha384';
type Bulk = 'gcm' | 'ccm' | 'ccm8' | 'chacha' | 'cbc';

export interface Suite {
  bulk: Bulk;
  /** bulk key length (bytes) */
  keyLen: number;
  /** TLS 1.2 record MAC (CBC suites), else null */
  mac: Hash | null;
  /** the PRF / HKDF hash */
  prf: Hash;
}

const s = (bulk: Bulk, keyLen: number, prf: Hash, mac: Hash | null = null): Suite => ({ bulk, keyLen, mac, prf });

/** Cipher suites we decrypt, by IANA number. */
export const SUITES = new Map<number, Suite>([
  // TLS 1.3
  [0x1301, s('gcm', 16, 'sha256')],
  [0x1302, s('gcm', 32, 'sha384')],
  [0x1303, s('chacha', 32, 'sha256')],
  [0x1304, s('ccm', 16, 'sha256')],
  [0x1305, s('ccm8', 16, 'sha256')],
  // TLS 1.2 AEAD (RSA, DHE and ECDHE key exchange alike: the key log gives the master secret)
  [0x009c, s('gcm', 16, 'sha256')], [0x009d, s('gcm', 32, 'sha384')],
  [0x009e, s('gcm', 16, 'sha256')], [0x009f, s('gcm', 32, 'sha384')],
  [0xc02b, s('gcm', 16, 'sha256')], [0xc02c, s('gcm', 32, 'sha384')],
  [0xc02f, s('gcm', 16, 'sha256')], [0xc030, s('gcm', 32, 'sha384')],
  [0xcca8, s('chacha', 32, 'sha256')], [0xcca9, s('chacha', 32, 'sha256')], [0xccaa, s('chacha', 32, 'sha256')],
  [0xc09c, s('ccm', 16, 'sha256')], [0xc09d, s('ccm', 32, 'sha256')], [0xc0ac, s('ccm', 16, 'sha256')], [0xc0ad, s('ccm', 32, 'sha256')],
  [0xc0a0, s('ccm8', 16, 'sha256')], [0xc0a1, s('ccm8', 32, 'sha256')], [0xc0ae, s('ccm8', 16, 'sha256')], [0xc0af, s('ccm8', 32, 'sha256')],
  // TLS 1.2 AES-CBC with HMAC
  [0x002f, s('cbc', 16, 'sha256', 'sha1')], [0x0035, s('cbc', 32, 'sha256', 'sha1')],
  [0x0033, s('cbc', 16, 'sha256', 'sha1')], [0x0039, s('cbc', 32, 'sha256', 'sha1')],
  [0x003c, s('cbc', 16, 'sha256', 'sha256')], [0x003d, s('cbc', 32, 'sha256', 'sha256')],
  [0x0067, s('cbc', 16, 'sha256', 'sha256')], [0x006b, s('cbc', 32, 'sha256', 'sha256')],
  [0xc009, s('cbc', 16, 'sha256', 'sha1')], [0xc00a, s('cbc', 32, 'sha256', 'sha1')],
  [0xc013, s('cbc', 16, 'sha256', 'sha1')], [0xc014, s('cbc', 32, 'sha256', 'sha1')],
  [0xc023, s('cbc', 16, 'sha256', 'sha256')], [0xc024, s('cbc', 32, 'sha384', 'sha384')],
  [0xc027, s('cbc', 16, 'sha256', 'sha256')], [0xc028, s('cbc', 32, 'sha384', 'sha384')],
]);

const HASH_LEN: Record<Hash, number> = { sha1: 20, sha256: 32, sha384: 48 };

/** HKDF-Expand (RFC 5869 §2.3). */
export function hkdfExpand(hash: Hash, prk: Uint8Array, info: Uint8Array, length: number): Buffer {
  const out: Buffer[] = [];
  let prev: Buffer = Buffer.alloc(0);
  let have = 0;
  for (let i = 1; have < length; i++) {
    prev = createHmac(hash, prk).update(prev).update(info).update(Buffer.of(i)).digest();
    out.push(prev);
    have += prev.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** HKDF-Expand-Label (RFC 8446 §7.1). */
export function hkdfExpandLabel(hash: Hash, secret: Uint8Array, label: string, context: Uint8Array, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.alloc(2 + 1 + full.length + 1 + context.length);
  info.writeUInt16BE(length, 0);
  info[2] = full.length;
  full.copy(info, 3);
  info[3 + full.length] = context.length;
  Buffer.from(context).copy(info, 4 + full.length);
  return hkdfExpand(hash, secret, info, length);
}

/** The TLS 1.2 PRF (RFC 5246 §5): P_hash(secret, label + seed). */
export function prf12(hash: Hash, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
  return pHash(hash, secret, Buffer.concat([Buffer.from(label, 'latin1'), seed]), length);
}

/** P_hash (RFC 2246 §5): TLS 1.2's PRF with the suite's hash, and each half of the TLS 1.0/1.1 PRF. */
function pHash(hash: Hash | 'md5' | 'sha1', secret: Uint8Array, ls: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let a: Buffer = ls;
  let have = 0;
  while (have < length) {
    a = createHmac(hash, secret).update(a).digest();
    const p = createHmac(hash, secret).update(a).update(ls).digest();
    out.push(p);
    have += p.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** The TLS 1.0/1.1 PRF (RFC 2246 §5): P_MD5 over the secret's first half XOR P_SHA1 over its second. */
export function prf10(secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
  const ls = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const half = Math.ceil(secret.length / 2);
  const md5 = pHash('md5', secret.subarray(0, half), ls, length);
  const sha1 = pHash('sha1', secret.subarray(secret.length - half), ls, length);
  for (let i = 0; i < length; i++) md5[i] ^= sha1[i];
  return md5;
}

/** What a record decrypts to: its plaintext and (TLS 1.3) its real content type. */
export interface Plain { data: Buffer; type: number }

/** One direction's record protection: keys and the record sequence number. */
export class RecordCipher {
  seq = 0n;
  private constructor(
    private readonly suite: Suite,
    private readonly tls13: boolean,
    private readonly key: Buffer,
    /** (TLS 1.0 CBC: the last ciphertext block of the previous record, RFC 2246 §6.2.3.2) */
    private iv: Buffer,
    private readonly macKey: Buffer | null,
    /** TLS 1.3: the traffic secret, for key update */
    private readonly secret: Buffer | null,
    private readonly etm: boolean,
    /** TLS 1.0: CBC records chain their IVs instead of carrying one (TLS 1.1 made it explicit) */
    private readonly chainedIv = false,
  ) {}

  /** TLS 1.3 keys from a traffic secret (RFC 8446 §7.3). */
  static tls13(suite: Suite, secret: Buffer): RecordCipher {
    const key = hkdfExpandLabel(suite.prf, secret, 'key', new Uint8Array(0), suite.keyLen);
    const iv = hkdfExpandLabel(suite.prf, secret, 'iv', new Uint8Array(0), 12);
    return new RecordCipher(suite, true, key, iv, null, secret, false);
  }

  /** The next generation after a KeyUpdate (RFC 8446 §7.2). */
  updated(): RecordCipher {
    const next = hkdfExpandLabel(this.suite.prf, this.secret!, 'traffic upd', new Uint8Array(0), HASH_LEN[this.suite.prf]);
    return RecordCipher.tls13(this.suite, next);
  }

  /**
   * TLS 1.2 keys for one side from the master secret (RFC 5246 §6.3); TLS
   * 1.0 and 1.1 (`version` 0x0301, 0x0302) derive them with their MD5/SHA-1
   * PRF (RFC 2246 §6.3, RFC 4346 §6.3).
   */
  static tls12(suite: Suite, master: Buffer, clientRandom: Uint8Array, serverRandom: Uint8Array, client: boolean, etm: boolean, version = 0x0303): RecordCipher {
    const macLen = suite.mac ? HASH_LEN[suite.mac] : 0;
    // AEAD suites: a 4-byte implicit nonce part (GCM/CCM) or a 12-byte IV (ChaCha20-Poly1305, RFC 7905); CBC: 16 (unused with explicit IVs)
    const ivLen = suite.bulk === 'chacha' ? 12 : suite.bulk === 'cbc' ? 16 : 4;
    const seed = Buffer.concat([serverRandom, clientRandom]);
    const size = 2 * (macLen + suite.keyLen + ivLen);
    const block = version < 0x0303 ? prf10(master, 'key expansion', seed, size) : prf12(suite.prf, master, 'key expansion', seed, size);
    let o = 0;
    const take = (n: number): Buffer => { const b = block.subarray(o, o + n); o += n; return b; };
    const cMac = take(macLen), sMac = take(macLen), cKey = take(suite.keyLen), sKey = take(suite.keyLen), cIv = take(ivLen), sIv = take(ivLen);
    return new RecordCipher(suite, false, client ? cKey : sKey, Buffer.from(client ? cIv : sIv), suite.mac ? (client ? cMac : sMac) : null, null, etm, version <= 0x0301);
  }

  /**
   * Decrypts one record body (after the 5-byte header); `hdr` is that
   * header. Advances the sequence number. Returns the plaintext
   * or a reason it could not be decrypted.
   */
  decrypt(hdr: Uint8Array, body: Uint8Array): Plain | string {
    const r = this.tls13 ? this.open13(hdr, body) : this.suite.bulk === 'cbc' ? this.openCbc(hdr, body) : this.open12(hdr, body);
    // a record that does not open (damaged in the capture) still used its number
    this.seq++;
    return r;
  }

  private tagLen(): number { return this.suite.bulk === 'ccm8' ? 8 : 16; }

  /** nonce = iv XOR the 64-bit sequence number, right-aligned (RFC 8446 §5.3, RFC 7905 §2) */
  private xorNonce(): Buffer {
    const n = Buffer.from(this.iv);
    const seq = Buffer.alloc(8);
    seq.writeBigUInt64BE(this.seq);
    for (let i = 0; i < 8; i++) n[n.length - 8 + i] ^= seq[i];
    return n;
  }

  private aead(nonce: Buffer, aad: Buffer, ct: Uint8Array, tag: Uint8Array): Buffer | string {
    const alg = this.suite.bulk === 'chacha' ? 'chacha20-poly1305' : `aes-${this.key.length * 8}-${this.suite.bulk === 'gcm' ? 'gcm' : 'ccm'}`;
    try {
      const tagLen = this.tagLen();
      let d;
      if (this.suite.bulk === 'gcm') d = createDecipheriv(alg as CipherGCMTypes, this.key, nonce, { authTagLength: tagLen });
      else if (this.suite.bulk === 'chacha') d = createDecipheriv(alg as CipherChaCha20Poly1305Types, this.key, nonce, { authTagLength: tagLen });
      else {
        const c = createDecipheriv(alg as CipherCCMTypes, this.key, nonce, { authTagLength: tagLen });
        c.setAuthTag(tag);
        c.setAAD(aad, { plaintextLength: ct.length });
        return Buffer.concat([c.update(ct), c.final()]);
      }
      d.setAuthTag(tag);
      d.setAAD(aad);
      return Buffer.concat([d.update(ct), d.final()]);
    } catch {
      return 'authentication failed: wrong keys, or a record lost or out of order';
    }
  }

  private open13(hdr: Uint8Array, body: Uint8Array): Plain | string {
    const tagLen = this.tagLen();
    if (body.length < tagLen + 1) return `record of ${body.length} bytes is too short for its ${tagLen}-byte tag`;
    const out = this.aead(this.xorNonce(), Buffer.from(hdr), body.subarray(0, body.length - tagLen), body.subarray(body.length - tagLen));
    if (typeof out === 'string') return out;
    // TLSInnerPlaintext: content, the real type, then zero padding
    let i = out.length - 1;
    while (i >= 0 && out[i] === 0) i--;
    if (i < 0) return 'decrypted record holds no content type';
    return { data: out.subarray(0, i), type: out[i] };
  }

  private aad12(hdr: Uint8Array, len: number): Buffer {
    const aad = Buffer.alloc(13);
    aad.writeBigUInt64BE(this.seq, 0);
    aad[8] = hdr[0]; aad[9] = hdr[1]; aad[10] = hdr[2];
    aad.writeUInt16BE(len, 11);
    return aad;
  }

  private open12(hdr: Uint8Array, body: Uint8Array): Plain | string {
    const tagLen = this.tagLen();
    if (this.suite.bulk === 'chacha') {
      if (body.length < tagLen) return `record of ${body.length} bytes is too short for its tag`;
      const len = body.length - tagLen;
      const out = this.aead(this.xorNonce(), this.aad12(hdr, len), body.subarray(0, len), body.subarray(len));
      return typeof out === 'string' ? out : { data: out, type: hdr[0] };
    }
    // GCM/CCM: an 8-byte explicit nonce precedes the ciphertext (RFC 5288 §3)
    if (body.length < 8 + tagLen) return `record of ${body.length} bytes is too short for its nonce and tag`;
    const len = body.length - 8 - tagLen;
    const nonce = Buffer.concat([this.iv, body.subarray(0, 8)]);
    const out = this.aead(nonce, this.aad12(hdr, len), body.subarray(8, 8 + len), body.subarray(8 + len));
    return typeof out === 'string' ? out : { data: out, type: hdr[0] };
  }

  private openCbc(hdr: Uint8Array, body: Uint8Array): Plain | string {
    const macLen = HASH_LEN[this.suite.mac!];
    const mac = (data: Uint8Array, len: number): Buffer => createHmac(this.suite.mac!, this.macKey!).update(this.aad12(hdr, len)).update(data).digest();
    // TLS 1.0: the IV is the previous record's last ciphertext block; later versions send it first
    const ivLen = this.chainedIv ? 0 : 16;
    let enc = body;
    if (this.etm) {
      // encrypt-then-MAC: the MAC covers IV and ciphertext and is checked first
      if (body.length < ivLen + 16 + macLen) return `record of ${body.length} bytes is too short for encrypt-then-MAC`;
      enc = body.subarray(0, body.length - macLen);
      const want = mac(enc, enc.length);
      if (!timingSafeEqual(want, body.subarray(body.length - macLen))) return 'MAC check failed: wrong keys, or a record lost or out of order';
    }
    if (enc.length < ivLen + 16 || enc.length % 16 !== 0) return `CBC record of ${enc.length} bytes is not whole blocks after its IV`;
    const iv = this.chainedIv ? this.iv : enc.subarray(0, 16);
    // the chain follows the ciphertext, whether or not this record opens
    if (this.chainedIv) this.iv = Buffer.from(enc.subarray(enc.length - 16));
    let out: Buffer;
    try {
      const d = createDecipheriv(`aes-${this.key.length * 8}-cbc`, this.key, iv);
      d.setAutoPadding(false);
      out = Buffer.concat([d.update(enc.subarray(ivLen)), d.final()]);
    } catch (e) {
      return `CBC decryption failed: ${(e as Error).message}`;
    }
    const pad = out[out.length - 1];
    if (pad + 1 > out.length) return 'bad CBC padding: wrong keys';
    for (let i = out.length - 1 - pad; i < out.length; i++) if (out[i] !== pad) return 'bad CBC padding: wrong keys';
    const plainEnd = out.length - 1 - pad;
    if (this.etm) return { data: out.subarray(0, plainEnd), type: hdr[0] };
    if (plainEnd < macLen) return 'CBC record too short for its MAC';
    const data = out.subarray(0, plainEnd - macLen);
    if (!timingSafeEqual(mac(data, data.length), out.subarray(plainEnd - macLen, plainEnd))) return 'MAC check failed: wrong keys, or a record lost or out of order';
    return { data, type: hdr[0] };
  }
}

