// An RDP connection that negotiates CredSSP (PROTOCOL_HYBRID): the X.224
// request and confirm built from MS-RDPBCGR, then a real TLS 1.2 session
// (Node's TLS over an in-memory pair, its secrets in a key log) carrying
// CredSSP TSRequests (MS-CSSP 2.2.1) with the NTLMSSP tokens samba and
// smbclient exchanged in data/smb.pcap, and then the MCS connect PDU inside
// TLS: what rdp-credssp.test.ts compares with tshark -o tls.keylog_file.
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ntlmTokens } from './ntlm-tokens';
import { RDP_MCS_CONVERSATION } from './rdp-frames';
import { selfSigned } from '../../lib/certs';

const len = (n: number): number[] => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 255]);
const der = (tag: number, body: number[]): number[] => [tag, ...len(body.length), ...body];

/** A TSRequest: version 6, then the NTLM token in negoTokens, pubKeyAuth, authInfo as given */
export function tsRequest(o: { token?: Buffer; pubKeyAuth?: number[]; authInfo?: number[]; errorCode?: number; nonce?: number[] }): Buffer {
  const parts = [der(0xa0, der(0x02, [6]))];
  if (o.token) parts.push(der(0xa1, der(0x30, der(0x30, der(0xa0, der(0x04, [...o.token]))))));
  if (o.authInfo) parts.push(der(0xa2, der(0x04, o.authInfo)));
  if (o.pubKeyAuth) parts.push(der(0xa3, der(0x04, o.pubKeyAuth)));
  if (o.errorCode !== undefined) parts.push(der(0xa4, der(0x02, [(o.errorCode >>> 24) & 255, (o.errorCode >>> 16) & 255, (o.errorCode >>> 8) & 255, o.errorCode & 255])));
  if (o.nonce) parts.push(der(0xa5, der(0x04, o.nonce)));
  return Buffer.from(der(0x30, parts.flat()));
}

/** One end of an in-memory connection: what it writes is recorded (in order, with its direction) and read by the other end. */
class End extends Duplex {
  other!: End;
  constructor(private readonly fromClient: boolean, private readonly log: Array<[boolean, number[]]>) { super(); }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    const last = this.log[this.log.length - 1];
    // consecutive writes of one side within one flight: one TCP segment each (as a sender's socket would)
    if (last && last[0] === this.fromClient && last[1].length + chunk.length < 1400) last[1].push(...chunk);
    else this.log.push([this.fromClient, [...chunk]]);
    this.other.push(chunk);
    cb();
  }
  override _read(): void { /* pushed by the other end */ }
}

export interface CredSspCapture { messages: Array<[boolean, number[]]>; keylog: string }

/** Runs the exchange; `dir` gets a throw-away certificate (openssl). */
/** `fail`: the server refuses the logon (TSRequest errorCode STATUS_LOGON_FAILURE, MS-CSSP 3.1.5) and nothing follows. */
export async function credSspConversation(dir: string, fail = false): Promise<CredSspCapture> {
  selfSigned('rsa', join(dir, 'rdp.key'), join(dir, 'rdp.crt'), 'rdp.test');
  const [neg, chal, auth] = ntlmTokens();
  if (!neg || !chal || !auth) throw new Error('smb.pcap lacks its NTLMSSP tokens');
  const messages: Array<[boolean, number[]]> = [];
  const c = new End(true, messages), s = new End(false, messages);
  c.other = s; s.other = c;
  let keylog = '';
  const server = new tls.TLSSocket(s, { isServer: true, key: readFileSync(join(dir, 'rdp.key')), cert: readFileSync(join(dir, 'rdp.crt')), minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
  const client = tls.connect({ socket: c, rejectUnauthorized: false, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
  client.on('keylog', (line) => { keylog += line.toString('latin1'); });
  const received = (sock: tls.TLSSocket): Promise<Buffer> => new Promise((r) => sock.once('data', r));
  await new Promise<void>((r) => client.once('secureConnect', () => r()));
  const pub = Array.from({ length: 32 }, (_, i) => (i * 37) & 255);
  // client NEGOTIATE → server CHALLENGE → client AUTHENTICATE + pubKeyAuth → server pubKeyAuth → client authInfo (encrypted TSCredentials)
  const steps: Array<[tls.TLSSocket, tls.TLSSocket, Buffer]> = [
    [client, server, tsRequest({ token: neg })],
    [server, client, tsRequest({ token: chal })],
    [client, server, tsRequest({ token: auth, pubKeyAuth: pub, nonce: Array.from({ length: 32 }, (_, i) => i) })],
  ];
  if (fail) steps.push([server, client, tsRequest({ errorCode: 0xc000006d })]);
  else steps.push(
    [server, client, tsRequest({ pubKeyAuth: pub.map((b) => b ^ 1) })],
    [client, server, tsRequest({ authInfo: Array.from({ length: 40 }, (_, i) => (i * 11) & 255) })],
    // then RDP itself, inside TLS: the MCS Connect Initial (TPKT, X.224 data, T.125)
    [client, server, Buffer.from(RDP_MCS_CONVERSATION[2][1])],
  );
  for (const [from, to, bytes] of steps) {
    const got = received(to);
    from.write(bytes);
    await got;
  }
  client.destroy(); server.destroy();
  return { messages, keylog };
}
