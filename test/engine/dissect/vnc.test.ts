// VNC/RFB against tshark 4.0 on handshakes built from RFC 6143
// (rdp-frames.ts): 3.8 with VNC authentication, ClientInit and ServerInit;
// 3.8 with a failed authentication and its reason; 3.3 where the server
// picks the security type. A stand-in for a real server: every VNC server
// in Debian needs an X display to start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand } from '../../lib/env';
import { compareWithTshark, damageNeverThrows, tcpConversation, writePcap } from './tshark-compare';
import { VNC_CONVERSATIONS } from './rdp-frames';
import { mulberry32, testSeed } from '../../lib/rng';

const skip = hasCommand('tshark') ? false : 'tshark not installed';

test('VNC handshake fields, Protocol and Info agree with tshark', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-vnc-'));
  try {
    const fields = ['frame.protocols', 'vnc.server_proto_ver', 'vnc.client_proto_ver', 'vnc.num_security_types', 'vnc.security_type',
      'vnc.server_security_type', 'vnc.client_security_type', 'vnc.auth_challenge', 'vnc.auth_response', 'vnc.auth_result', 'vnc.auth_error_len',
      'vnc.auth_error', 'vnc.share_desktop_flag', 'vnc.width', 'vnc.height', 'vnc.server_bits_per_pixel', 'vnc.server_depth',
      'vnc.server_big_endian_flag', 'vnc.server_true_color_flag', 'vnc.server_red_max', 'vnc.server_red_shift', 'vnc.desktop_name_len', 'vnc.desktop_name'];
    for (const port of [5900]) {
      const cap = join(dir, `vnc-${port}.pcap`);
      writePcap(cap, VNC_CONVERSATIONS.flatMap((c, i) => tcpConversation(50100 + i, port, c)));
      const r = compareWithTshark(cap, fields, { columns: 'tcp.len > 0' });
      console.log(`# vnc: ${r.agreed}/${r.compared} cells agree over ${r.frames} frames`);
      assert.deepEqual(r.diffs, []);
      assert.ok(damageNeverThrows(cap, mulberry32(testSeed('vnc-damage', 5900)), 100, 54) >= 0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
