// TPKT, COTP and RDP's connection start against tshark 4.0 on frames built
// from MS-RDPBCGR (rdp-frames.ts): a cookie with a TLS/CredSSP request and
// its response, a refused request (negotiation failure), standard RDP
// security followed by a T.125 data TPDU and a disconnect, and a cookie
// without negotiation. xrdp/freerdp are not used: they need a display
// server to start, and the connection start is fully specified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand } from '../../lib/env';
import { compareWithTshark, damageNeverThrows, tcpConversation, writePcap } from './tshark-compare';
import { RDP_CONVERSATIONS } from './rdp-frames';
import { mulberry32, testSeed } from '../../lib/rng';

const skip = hasCommand('tshark') ? false : 'tshark not installed';

test('TPKT, COTP and RDP negotiation fields, Protocol and Info agree with tshark', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-rdp-'));
  try {
    const cap = join(dir, 'rdp.pcap');
    writePcap(cap, RDP_CONVERSATIONS.flatMap((c, i) => tcpConversation(50000 + i, 3389, c)));
    const fields = ['frame.protocols', 'tpkt.version', 'tpkt.length', 'cotp.li', 'cotp.type', 'cotp.destref', 'cotp.srcref', 'cotp.class',
      'cotp.opts.extended_formats', 'cotp.tpdu-number', 'cotp.eot', 'rdp.rt_cookie', 'rdp.neg_type', 'rdp.negReq.flags', 'rdp.negRsp.flags',
      'rdp.neg_length', 'rdp.negReq.requestedProtocols', 'rdp.negReq.requestedProtocols.ssl', 'rdp.negReq.requestedProtocols.hybrid',
      'rdp.negReq.selectedProtocol', 'rdp.negFailure.failureCode'];
    const r = compareWithTshark(cap, fields, { columns: 'tcp.len > 0' });
    console.log(`# rdp: ${r.agreed}/${r.compared} cells agree over ${r.frames} frames`);
    assert.deepEqual(r.diffs, []);
    assert.ok(damageNeverThrows(cap, mulberry32(testSeed('rdp-damage', 3389)), 100, 54) > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
