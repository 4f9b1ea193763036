// Real NTLMSSP tokens for tests that carry NTLM in other protocols (HTTP
// headers, RDP's CredSSP): the ones samba and smbclient exchanged in
// data/smb.pcap, read back with our SMB2/SPNEGO decoder.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../lib/env';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { Dissector } from '../../../main/engine/dissect';

/** the first NEGOTIATE, CHALLENGE and AUTHENTICATE tokens of the SMB2 logons in smb.pcap */
export function ntlmTokens(): Buffer[] {
  const dis = new Dissector({ geoip: null });
  const out: Buffer[] = [];
  for (const p of parseCaptureBuffer(readFileSync(join(ROOT, 'test', 'engine', 'dissect', 'data', 'smb.pcap'))).packets) {
    const d = dis.dissect(p);
    if (!d.fields.some((f) => f.name === 'smb2')) continue;
    for (const f of d.fields) {
      if ((f.name === 'spnego.mechToken' || f.name === 'spnego.responseToken') && out.length < 3) {
        const b = Buffer.from(f.value as Uint8Array);
        if (b.subarray(0, 7).toString('latin1') === 'NTLMSSP' && b[8] === out.length + 1) out.push(b);
      }
    }
  }
  return out;
}
