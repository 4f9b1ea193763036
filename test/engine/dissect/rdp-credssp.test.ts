// RDP with CredSSP (PROTOCOL_HYBRID) against tshark 4.0: a real TLS 1.2
// session (Node's TLS, its key log) after the X.224 negotiation, carrying
// TSRequests with the NTLMSSP tokens of a real samba logon and then the MCS
// connect PDU (rdp-credssp-frames.ts). tshark 4.0 shows what follows the
// negotiation as TPKT continuation data; with Decode As tcp.port==3389,tls
// and the key log it shows the negotiation as TLS continuation data, then
// CredSSP, the NTLM user and domain, and the RDP client data inside TLS:
// so do we.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand } from '../../lib/env';
import { compareWithTshark, tcpConversation, writePcap } from './tshark-compare';
import { credSspConversation, type CredSspCapture } from './rdp-credssp-frames';
import { TlsKeyLog } from '../../../main/engine/dissect';

const skip = !hasCommand('tshark') ? 'tshark not installed' : !hasCommand('openssl') ? 'needs openssl' : false;
const u16 = (v: number): number[] => [(v >> 8) & 255, v & 255];
const cr = [3, 0, ...u16(19), 14, 0xe0, 0, 0, 0, 0, 0, 1, 0, 8, 0, 3, 0, 0, 0];
const cc = [3, 0, ...u16(19), 14, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0x1f, 8, 0, 2, 0, 0, 0];

/** The X.224 negotiation then `run`'s TLS session, from client port `port`, as a capture with its key log beside it. */
function writeConversation(dir: string, name: string, port: number, run: CredSspCapture): { cap: string; keyFile: string } {
  const cap = join(dir, `${name}.pcap`), keyFile = join(dir, `${name}-keys.txt`);
  writePcap(cap, tcpConversation(port, 3389, [[true, cr], [false, cc], ...run.messages]));
  writeFileSync(keyFile, run.keylog);
  return { cap, keyFile };
}

test('after a CredSSP negotiation the TLS bytes are TPKT continuation data, as tshark shows them', { skip, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-credssp-'));
  try {
    const { cap } = writeConversation(dir, 'rdp-credssp', 50300, await credSspConversation(dir));
    const r = compareWithTshark(cap, ['frame.protocols', 'tpkt.continuation_data', 'rdp.negReq.selectedProtocol'], { columns: 'tcp.len > 0' });
    console.log(`# rdp after CredSSP negotiation: ${r.agreed}/${r.compared} cells agree over ${r.frames} frames`);
    assert.deepEqual(r.diffs, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with Decode As TLS and the key log: CredSSP, the NTLM user, domain and host inside it, and RDP after it agree with tshark', { skip, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-credssp-'));
  const fields = ['frame.protocols', 'tls.record.content_type', 'credssp.version', 'credssp.negoTokens', 'credssp.negoToken', 'credssp.authInfo',
    'credssp.pubKeyAuth', 'credssp.clientNonce', 'credssp.errorCode', 'ntlmssp.messagetype', 'ntlmssp.auth.username', 'ntlmssp.auth.domain',
    'ntlmssp.auth.hostname', 'ntlmssp.ntlmserverchallenge', 'tpkt.length', 't125.ConnectMCSPDU', 'rdp.client.name', 'rdp.desktop.width'];
  // the whole connection: the X.224 negotiation is TLS continuation data, then the TLS session
  const compare = (cap: string, keyFile: string, run: CredSspCapture) => compareWithTshark(cap, fields, {
    // (the certificate's x509sat/x509ce layers, which tshark lists in frame.protocols and we do not yet, are left out)
    only: { 'frame.protocols': '!tls.handshake.certificate' },
    columns: 'tcp.len > 0', tsharkArgs: ['-o', `tls.keylog_file:${keyFile}`, '-d', 'tcp.port==3389,tls'],
    dissector: { tlsKeys: TlsKeyLog.fromText(run.keylog), decodeAs: ['tcp.port==3389,tls'] },
  });
  try {
    const run = await credSspConversation(dir);
    const { cap, keyFile } = writeConversation(dir, 'credssp-tls', 50301, run);
    const r = compare(cap, keyFile, run);
    console.log(`# rdp CredSSP (Decode As TLS): ${r.agreed}/${r.compared} cells agree over ${r.frames} frames`);
    assert.deepEqual(r.diffs, []);
    const users = tsharkUsers(cap, keyFile);
    assert.ok(users.includes('xsalice'), `tshark finds the NTLM user inside CredSSP (${users})`);

    // a refused logon: the server's TSRequest carries STATUS_LOGON_FAILURE in errorCode
    const failed = await credSspConversation(dir, true);
    const { cap: failCap, keyFile: failKeys } = writeConversation(dir, 'credssp-fail', 50302, failed);
    const f = compare(failCap, failKeys, failed);
    console.log(`# rdp CredSSP refused logon: ${f.agreed}/${f.compared} cells agree over ${f.frames} frames`);
    assert.deepEqual(f.diffs, []);
    const codes = execFileSync('tshark', ['-r', failCap, '-o', `tls.keylog_file:${failKeys}`, '-d', 'tcp.port==3389,tls', '-Y', 'credssp.errorCode', '-T', 'fields', '-e', 'credssp.errorCode'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    assert.equal(codes.trim(), String(0xc000006d | 0), 'tshark shows the NTSTATUS as a signed 32-bit errorCode');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function tsharkUsers(cap: string, keys: string): string {
  return execFileSync('tshark', ['-r', cap, '-o', `tls.keylog_file:${keys}`, '-d', 'tcp.port==3389,tls', '-Y', 'ntlmssp.auth.username', '-T', 'fields', '-e', 'ntlmssp.auth.username'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}
