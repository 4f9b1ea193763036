// RDP with CredSSP (PROTOCOL_HYBRID) against tshark 4.0: a real TLS 1.2
// session (Node's TLS, its key log) after the X.224 negotiation, carrying
// TSRequests with the NTLMSSP tokens of a real samba logon and then the MCS
// connect PDU (rdp-credssp-frames.ts). tshark 4.0 shows what follows the
// negotiation as TPKT continuation data; with Decode As tcp.port==3389,tls
// and the key log it shows CredSSP, the NTLM user and domain, and the RDP
// client data inside TLS: so do we.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand } from '../../lib/env';
import { compareWithTshark, tcpConversation, writePcap } from './tshark-compare';
import { credSspConversation } from './rdp-credssp-frames';

const skip = !hasCommand('tshark') ? 'tshark not installed' : !hasCommand('openssl') ? 'needs openssl' : false;
const u16 = (v: number): number[] => [(v >> 8) & 255, v & 255];
const cr = [3, 0, ...u16(19), 14, 0xe0, 0, 0, 0, 0, 0, 1, 0, 8, 0, 3, 0, 0, 0];
const cc = [3, 0, ...u16(19), 14, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0x1f, 8, 0, 2, 0, 0, 0];

test('after a CredSSP negotiation the TLS bytes are TPKT continuation data, as tshark shows them', { skip, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-credssp-'));
  try {
    const run = await credSspConversation(dir);
    const cap = join(dir, 'rdp-credssp.pcap');
    writePcap(cap, tcpConversation(50300, 3389, [[true, cr], [false, cc], ...run.messages]));
    const r = compareWithTshark(cap, ['frame.protocols', 'tpkt.continuation_data', 'rdp.negReq.selectedProtocol'], { columns: 'tcp.len > 0' });
    console.log(`# rdp after CredSSP negotiation: ${r.agreed}/${r.compared} cells agree over ${r.frames} frames`);
    assert.deepEqual(r.diffs, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
