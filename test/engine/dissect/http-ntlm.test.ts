// NTLMSSP in HTTP Authorization / WWW-Authenticate headers against tshark
// 4.0: the NEGOTIATE, CHALLENGE and AUTHENTICATE tokens samba and
// smbclient exchanged in data/smb.pcap, carried base64-encoded in an HTTP
// 401 dance (the way IIS and proxies ask for Windows logins).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand } from '../../lib/env';
import { compareWithTshark, tcpConversation, writePcap } from './tshark-compare';
import { ntlmTokens } from './ntlm-tokens';

const skip = hasCommand('tshark') ? false : 'tshark not installed';

test('NTLM tokens in HTTP headers agree with tshark: user, domain, host, challenge, NTLMv2 response', { skip }, () => {
  const [neg, chal, auth] = ntlmTokens();
  assert.ok(neg && chal && auth, 'three NTLMSSP tokens in smb.pcap');
  const msg = (s: string): number[] => [...Buffer.from(s, 'latin1')];
  const conv = tcpConversation(51000, 80, [
    [true, msg(`GET /secure HTTP/1.1\r\nHost: intranet\r\nAuthorization: NTLM ${neg.toString('base64')}\r\n\r\n`)],
    [false, msg(`HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: NTLM ${chal.toString('base64')}\r\nContent-Length: 0\r\n\r\n`)],
    [true, msg(`GET /secure HTTP/1.1\r\nHost: intranet\r\nAuthorization: NTLM ${auth.toString('base64')}\r\n\r\n`)],
    [false, msg('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')],
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'xs-ntlm-'));
  try {
    const cap = join(dir, 'http-ntlm.pcap');
    writePcap(cap, conv);
    const r = compareWithTshark(cap, ['frame.protocols', 'http.authorization', 'http.www_authenticate', 'ntlmssp.messagetype', 'ntlmssp.negotiateflags',
      'ntlmssp.auth.username', 'ntlmssp.auth.domain', 'ntlmssp.auth.hostname', 'ntlmssp.ntlmserverchallenge', 'ntlmssp.challenge.target_name',
      'ntlmssp.ntlmv2_response.ntproofstr', 'ntlmssp.ntlmv2_response.target_name', 'ntlmssp.authenticate.mic'], { columns: 'http' });
    console.log(`# http-ntlm: ${r.agreed}/${r.compared} cells agree over ${r.frames} frames`);
    assert.deepEqual(r.diffs, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
