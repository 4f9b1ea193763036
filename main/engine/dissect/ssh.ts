// SSH (RFC 4253, tcp/22): the version banner of each side, then the binary
// packets in the clear until New Keys: Key Exchange Init with its ten
// algorithm lists and the HASSH fingerprints (MD5 of kex;enc;mac;comp,
// client lists for hassh, server lists for hasshserver), the key exchange
// messages, New Keys; past it each segment is an encrypted packet. Fields
// as tshark 4.0's packet-ssh.c. A packet spanning segments is reassembled
// (bounded) and decoded on the frame that completes it, as tshark does.
import { createHash } from 'node:crypto';
import type { Ctx, FieldNode } from './context';
import { declare } from './fields';
import type { State } from './state';
import type { TcpApp, TcpStream } from './tcpstream';
import type { Framer } from './framers';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT } = tables;
const { latin1, u32 } = readers;

const LISTS = [
  'kex_algorithms', 'server_host_key_algorithms', 'encryption_algorithms_client_to_server', 'encryption_algorithms_server_to_client',
  'mac_algorithms_client_to_server', 'mac_algorithms_server_to_client', 'compression_algorithms_client_to_server',
  'compression_algorithms_server_to_client', 'languages_client_to_server', 'languages_server_to_client',
];
const MESSAGES: Record<number, string> = {
  1: 'Disconnect', 2: 'Ignore', 3: 'Unimplemented', 4: 'Debug', 5: 'Service Request', 6: 'Service Accept', 7: 'Extension Info',
  20: 'Key Exchange Init', 21: 'New Keys', 30: 'Elliptic Curve Diffie-Hellman Key Exchange Init', 31: 'Elliptic Curve Diffie-Hellman Key Exchange Reply',
};

declare('ssh', 'SSH Protocol', [
  ['ssh.protocol', 'string', 'Protocol'],
  ['ssh.packet_length', 'uint', 'Packet Length'],
  ['ssh.padding_length', 'uint', 'Padding Length'],
  ['ssh.message_code', 'uint', 'Message Code', { valueNames: MESSAGES }],
  ['ssh.cookie', 'bytes', 'Cookie'],
  ...LISTS.flatMap((n): Array<[string, 'uint' | 'string', string]> => [[`ssh.${n}_length`, 'uint', `${n} length`], [`ssh.${n}`, 'string', n]]),
  ['ssh.first_kex_packet_follows', 'uint', 'First KEX Packet Follows'],
  ['ssh.kex.reserved', 'bytes', 'Reserved'],
  ['ssh.kex.hassh_algorithms', 'string', 'hasshAlgorithms'],
  ['ssh.kex.hassh', 'string', 'hassh'],
  ['ssh.kex.hasshserver_algorithms', 'string', 'hasshServerAlgorithms'],
  ['ssh.kex.hasshserver', 'string', 'hasshServer'],
  ['ssh.padding_string', 'bytes', 'Padding String'],
  ['ssh.packet_length_encrypted', 'bytes', 'Packet Length (encrypted)'],
  ['ssh.encrypted_packet', 'bytes', 'Encrypted Packet'],
  ['ssh.mac', 'bytes', 'MAC'],
]);

/** a cleartext packet larger than this is not SSH framing we follow (RFC 4253 §6.1 asks for 35000) */
const MAX_PACKET = 256 * 1024;
const MAX_BANNER = 255;

/** Does [o, end) begin like a version banner ("SSH-", as far as the bytes go)? */
function startsSsh(d: Uint8Array, o: number, end: number): boolean {
  const want = [0x53, 0x53, 0x48, 0x2d];
  for (let i = 0; i < 4 && o + i < end; i++) if (d[o + i] !== want[i]) return false;
  return true;
}

/** MAC lengths by algorithm (tshark's ssh_set_mac_length); AEAD ciphers carry a 16-byte tag instead */
const MAC_LEN: Record<string, number> = {
  'hmac-sha1': 20, 'hmac-sha1-96': 12, 'hmac-md5': 16, 'hmac-md5-96': 12, 'hmac-sha2-256': 32, 'hmac-sha2-512': 64,
  'umac-64@openssh.com': 8, 'umac-128@openssh.com': 16, 'hmac-sha1-etm@openssh.com': 20, 'hmac-md5-etm@openssh.com': 16,
  'hmac-sha2-256-etm@openssh.com': 32, 'hmac-sha2-512-etm@openssh.com': 64, 'umac-64-etm@openssh.com': 8, 'umac-128-etm@openssh.com': 16,
};

/** The first of the client's algorithms the server also offers (RFC 4253 §7.1). */
function negotiate(client: string, server: string): string {
  const s = new Set(server.split(','));
  return client.split(',').find((a) => s.has(a)) ?? '';
}

/** Both sides' KEXINIT lists, per connection: what fixes each direction's MAC length. */
const kex = new WeakMap<TcpStream, { client?: string[]; server?: string[]; v2?: boolean }>();

/** the connection's state, made on first use */
function conn(s: TcpStream): { client?: string[]; server?: string[]; v2?: boolean } {
  let k = kex.get(s);
  if (!k) { k = {}; kex.set(s, k); }
  return k;
}

class SshApp implements TcpApp {
  private stream: TcpStream | null = null;
  private banner = true;
  private encrypted = false;
  private pending: Uint8Array[] = [];
  private pendingLen = 0;
  constructor(private readonly server: boolean) {}

  fin(): void {}
  reset(): void { this.pending = []; this.pendingLen = 0; }
  framer(): SshFramer { return new SshFramer(); }

  feed(ctx: Ctx, _st: State, s: TcpStream, _f: unknown, off: number, end: number): void {
    const d = ctx.d;
    this.stream = s;
    // tshark names the version once the client's banner said it (SSHv2), before that SSH
    const known = conn(s).v2 === true;
    const side = this.server ? 'Server: ' : 'Client: ';
    if (this.encrypted) { this.encryptedPacket(ctx, side, off, end); return; }
    let o = off;
    const infos: string[] = [];
    let l: FieldNode | null = null;
    const layer = (): FieldNode => l ?? (l = ctx.layer('ssh', off, end - off));
    // a side that does not open with its version (an HTTP request sent to port 22): tshark reads it as encrypted packets
    if (this.banner && !startsSsh(d, o, end)) { this.banner = false; this.encrypted = true; this.encryptedPacket(ctx, side, off, end); return; }
    if (this.banner) {
      let e = o;
      while (e < end && d[e] !== 10 && e - o < MAX_BANNER) e++;
      if (e < end && d[e] === 10) {
        const line = latin1(d, o, e > o && d[e - 1] === 13 ? e - 1 : e);
        this.banner = false;
        if (line.startsWith('SSH-')) {
          ctx.add(layer(), 'ssh.protocol', line, o, e + 1 - o);
          infos.push(`Protocol (${line})`);
          if (!this.server && (line.startsWith('SSH-2.') || line.startsWith('SSH-1.99'))) conn(s).v2 = true;
        }
        o = e + 1;
      } else if (e - o >= MAX_BANNER) this.banner = false;
      else { this.hold(d, o, end); return; }
    }
    while (o < end && !this.encrypted) {
      // a packet begun in an earlier segment: complete it first
      if (this.pendingLen > 0) {
        const need = this.need();
        const take = need < 0 ? Math.min(end - o, 4 - this.pendingLen) : Math.min(end - o, need - this.pendingLen);
        this.hold(d, o, o + take);
        o += take;
        const total = this.need();
        if (total < 0 || this.pendingLen < total) continue;
        const buf = this.joined();
        this.pending = []; this.pendingLen = 0;
        const inFrame = take;
        ctx.withReassembled(buf, buf.length - inFrame, o - inFrame, inFrame, () => { this.packet(ctx, layer(), buf, 0, buf.length, infos); });
        continue;
      }
      if (end - o < 4) { this.hold(d, o, end); break; }
      const plen = u32(d, o);
      if (plen > MAX_PACKET || plen < 5) { this.encrypted = true; break; }
      if (o + 4 + plen > end) { this.hold(d, o, end); break; }
      this.packet(ctx, layer(), d, o, o + 4 + plen, infos);
      o += 4 + plen;
    }
    if (this.encrypted && o < end) { if (l === null) { this.encryptedPacket(ctx, side, o, end); return; } }
    // a frame that only begins a packet shows the layer, its bytes wait for the rest (tshark: "segment of a reassembled PDU")
    if (l === null && this.pendingLen > 0 && !this.banner) { layer(); ctx.info = '[TCP segment of a reassembled PDU]'; }
    // the version is the banner's: a frame with only the banner says SSH
    if (infos.length) { ctx.protocol = known ? 'SSHv2' : 'SSH'; ctx.info = side + infos.join(', '); }
  }

  /** the whole length of the pending packet, -1 while its length is not all there */
  private need(): number {
    if (this.pendingLen < 4) return -1;
    const b = this.joined();
    this.pending = [b];
    const n = u32(b, 0);
    return n > MAX_PACKET ? -1 : 4 + n;
  }

  private joined(): Uint8Array {
    if (this.pending.length === 1) return this.pending[0];
    const b = new Uint8Array(this.pendingLen);
    let k = 0;
    for (const p of this.pending) { b.set(p, k); k += p.length; }
    return b;
  }

  private hold(d: Uint8Array, o: number, end: number): void {
    if (this.pendingLen + end - o > MAX_PACKET) { this.reset(); this.encrypted = true; return; }
    this.pending.push(d.slice(o, end));
    this.pendingLen += end - o;
  }

  private encryptedPacket(ctx: Ctx, side: string, off: number, end: number): void {
    const l = ctx.layer('ssh', off, end - off);
    // the length is encrypted too (or authenticated only): shown as bytes, the rest as the packet
    const e = Math.min(off + 4, end);
    ctx.add(l, 'ssh.packet_length_encrypted', ctx.d.subarray(off, e), off, e - off);
    const mac = Math.min(this.macLength(), end - e);
    if (e < end - mac) ctx.add(l, 'ssh.encrypted_packet', ctx.d.subarray(e, end - mac), e, end - mac - e);
    if (mac > 0) ctx.add(l, 'ssh.mac', ctx.d.subarray(end - mac, end), end - mac, mac);
    ctx.protocol = this.stream && conn(this.stream).v2 ? 'SSHv2' : 'SSH';
    ctx.info = `${side}Encrypted packet (len=${end - off})`;
  }

  /** This direction's MAC (or AEAD tag) length, from both sides' lists; 0 when unknown. */
  private macLength(): number {
    const k = this.stream ? kex.get(this.stream) : undefined;
    if (!k?.client || !k.server) return 0;
    // lists: [2]/[3] encryption c→s / s→c, [4]/[5] MAC c→s / s→c
    const i = this.server ? 1 : 0;
    const cipher = negotiate(k.client[2 + i], k.server[2 + i]);
    if (cipher.includes('gcm') || cipher.startsWith('chacha20-poly1305')) return 16;
    return MAC_LEN[negotiate(k.client[4 + i], k.server[4 + i])] ?? 0;
  }

  /** One cleartext binary packet [o, end) of d (the frame, or a reassembled buffer). */
  private packet(ctx: Ctx, l: FieldNode, d: Uint8Array, o: number, end: number, infos: string[]): void {
    const plen = u32(d, o), pad = d[o + 4];
    ctx.add(l, 'ssh.packet_length', plen, o, 4);
    ctx.add(l, 'ssh.padding_length', pad, o + 4, 1);
    const p = o + 5, pEnd = end - pad;
    if (pEnd <= p) { ctx.malformedAt('ssh', `padding length ${pad} leaves no payload`, o + 4, 1); return; }
    const code = d[p];
    ctx.add(l, 'ssh.message_code', code, p, 1);
    infos.push(MESSAGES[code] ?? `Unknown (${code})`);
    if (code === 20) this.kexinit(ctx, l, d, p + 1, pEnd);
    if (code === 21) this.encrypted = true;
    if (pad > 0) ctx.add(l, 'ssh.padding_string', d.subarray(pEnd, end), pEnd, pad);
  }

  private kexinit(ctx: Ctx, l: FieldNode, d: Uint8Array, o: number, end: number): void {
    if (end - o < 16) { ctx.malformedAt('ssh', 'KEXINIT cookie cut short', o, end - o); return; }
    ctx.add(l, 'ssh.cookie', d.subarray(o, o + 16), o, 16);
    o += 16;
    const lists: string[] = [];
    for (const name of LISTS) {
      if (end - o < 4) { ctx.malformedAt('ssh', `KEXINIT ${name} length cut short`, o, end - o); return; }
      const n = u32(d, o);
      ctx.add(l, `ssh.${name}_length`, n, o, 4);
      if (n > end - o - 4) { ctx.malformedAt('ssh', `KEXINIT ${name} length ${n} runs past the packet`, o, 4); return; }
      const v = latin1(d, o + 4, o + 4 + n);
      ctx.add(l, `ssh.${name}`, v, o + 4, n);
      lists.push(v);
      o += 4 + n;
    }
    if (end - o < 5) { ctx.malformedAt('ssh', 'KEXINIT end cut short', o, end - o); return; }
    ctx.add(l, 'ssh.first_kex_packet_follows', d[o], o, 1);
    ctx.add(l, 'ssh.kex.reserved', d.subarray(o + 1, o + 5), o + 1, 4);
    if (this.stream) {
      const k = conn(this.stream);
      if (this.server) k.server = lists; else k.client = lists;
    }
    // HASSH: the client's (or the server's) kex;encryption;mac;compression lists
    const k = this.server ? [lists[0], lists[3], lists[5], lists[7]] : [lists[0], lists[2], lists[4], lists[6]];
    const alg = k.join(';');
    const md5 = createHash('md5').update(alg, 'latin1').digest('hex');
    ctx.gen(l, this.server ? 'ssh.kex.hasshserver_algorithms' : 'ssh.kex.hassh_algorithms', alg);
    ctx.gen(l, this.server ? 'ssh.kex.hasshserver' : 'ssh.kex.hassh', md5);
  }
}

/**
 * Where SSH PDUs end, for TCP's reassembly fields: the banner line, then
 * length-prefixed packets until New Keys; past it each segment stands alone.
 */
class SshFramer implements Framer {
  private banner = true;
  private hdr = new Uint8Array(6);
  private got = 0;
  private remaining = -1;
  private newKeys = false;
  private encrypted = false;
  reset(): void { this.got = 0; this.remaining = -1; }
  known(): boolean { return !this.banner && (this.remaining >= 0 || this.got > 0); }
  next(d: Uint8Array, o: number, end: number): number {
    if (this.encrypted) return end;
    if (this.banner && !startsSsh(d, o, end)) { this.encrypted = true; return end; }
    if (this.banner) {
      while (o < end && d[o] !== 10) o++;
      if (o === end) return -1;
      this.banner = false;
      return o + 1;
    }
    while (o < end) {
      if (this.remaining < 0) {
        while (o < end && this.got < 6) this.hdr[this.got++] = d[o++];
        if (this.got < 6) return -1;
        const h = this.hdr;
        const len = ((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0;
        if (len > MAX_PACKET || len < 5) { this.encrypted = true; return end; }
        this.newKeys = h[5] === 21;
        this.remaining = len - 2;
      }
      const n = Math.min(this.remaining, end - o);
      this.remaining -= n;
      o += n;
      if (this.remaining === 0) {
        this.remaining = -1; this.got = 0;
        if (this.newKeys) this.encrypted = true;
        return o;
      }
    }
    return -1;
  }
}

// 29418: Gerrit's SSH, which tshark 4.0 also registers
TCP_PORT.add([22, 29418], (sp, _dp, match) => new SshApp(sp === match));
