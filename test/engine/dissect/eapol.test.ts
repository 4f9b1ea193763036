// 802.1X: EAPOL and the EAP it carries, as tshark 4.0 decodes them. Before,
// ethertype 0x888E was data (Protocol "0x888e"): no eapol or eap field, so
// `eap.identity` or `eapol.type == 3` matched nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareFile, craftedAgrees, tsharkSkip } from './compare';
import { ascii, hex, u16, u32 } from './packets';
import { withLivePair } from '../../lib/netns';
import { startTcpdump, until } from '../../lib/tcpdump';
import { waitForOutput } from '../../lib/process';
import { hasCommand, isRoot } from '../../lib/env';
import { parseCaptureBuffer } from '../../../main/engine/file/open';

const EAPOL_FIELDS = ['frame.protocols', 'eapol.version', 'eapol.type', 'eapol.len', 'eapol.keydes.type', 'eapol.keydes.body', 'eapol.keydes.key_len',
  'eapol.keydes.replay_counter', 'eapol.keydes.key_iv', 'eapol.keydes.key_index', 'eapol.keydes.key_index.type', 'eapol.keydes.key_index.number',
  'eapol.keydes.key_signature', 'eapol.keydes.key', 'eapol.keydes.key.generated_locally',
  'wlan_rsna_eapol.keydes.msgnr', 'wlan_rsna_eapol.keydes.key_info', 'wlan_rsna_eapol.keydes.key_info.keydes_version',
  'wlan_rsna_eapol.keydes.key_info.key_type', 'wlan_rsna_eapol.keydes.key_info.key_index', 'wlan_rsna_eapol.keydes.key_info.install',
  'wlan_rsna_eapol.keydes.key_info.key_ack', 'wlan_rsna_eapol.keydes.key_info.key_mic', 'wlan_rsna_eapol.keydes.key_info.secure',
  'wlan_rsna_eapol.keydes.key_info.error', 'wlan_rsna_eapol.keydes.key_info.request', 'wlan_rsna_eapol.keydes.key_info.encrypted_key_data',
  'wlan_rsna_eapol.keydes.key_info.smk_message', 'wlan_rsna_eapol.keydes.nonce', 'wlan_rsna_eapol.keydes.rsc', 'wlan_rsna_eapol.keydes.id',
  'wlan_rsna_eapol.keydes.mic', 'wlan_rsna_eapol.keydes.data_len',
  'eap.code', 'eap.id', 'eap.len', 'eap.type', 'eap.identity', 'eap.notification', 'eap.desired_type', 'eap.md5.value_size', 'eap.md5.value',
  'eap.md5.extra_data', 'eap.tls.flags', 'eap.tls.flags.len_included', 'eap.tls.flags.more_fragments', 'eap.tls.flags.start',
  'eap.tls.flags.version', 'eap.tls.len', 'eap.data', 'data.len', 'eth.padding', 'eth.trailer', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const PAE = hex('01 80 c2 00 00 03');
const SRC = hex('02 00 00 00 00 01');
/** An EAPOL frame to the PAE group address, padded to 60 bytes as on the wire. */
function eapol(type: number, body: number[], o: { version?: number; len?: number; pad?: boolean } = {}): number[] {
  const f = [...PAE, ...SRC, 0x88, 0x8e, o.version ?? 2, type, ...u16(o.len ?? body.length), ...body];
  while (o.pad !== false && f.length < 60) f.push(0);
  return f;
}
const eap = (code: number, id: number, type?: number, data: number[] = []): number[] => {
  const body = type === undefined ? data : [type, ...data];
  return [code, id, ...u16(4 + body.length), ...body];
};
/** An RSN key descriptor (type 2) with Key Information `ki`, a nonce byte and `keyData`. */
function rsnKey(ki: number, nonce: number, keyData: number[] = [], counter = 1): number[] {
  return [2, ...u16(ki), ...u16(16), ...u32(0), ...u32(counter), ...Array(32).fill(nonce), ...Array(16).fill(0), ...Array(8).fill(0), ...Array(8).fill(0),
    ...Array(16).fill(ki & 0x100 ? 0x5a : 0), ...u16(keyData.length), ...keyData];
}

test('EAPOL and EAP: Start, Logoff, EAP methods and key descriptors agree with tshark', { skip: tsharkSkip() }, () => {
  const f = [
    eapol(1, []), // Start
    eapol(2, [], { version: 1 }), // Logoff
    eapol(0, eap(1, 1, 1)), // Request, Identity (empty)
    eapol(0, eap(2, 1, 1, ascii('user@example.test'))), // Response, Identity
    eapol(0, eap(1, 2, 4, [16, ...Array(16).fill(0x11)])), // MD5-Challenge request
    eapol(0, eap(2, 2, 4, [16, ...Array(16).fill(0x22), ...ascii('srv')])), // MD5 response with extra data
    eapol(0, eap(2, 3, 3, [4, 13])), // Nak, desired MD5 and TLS
    eapol(0, eap(1, 4, 2, ascii('hello'))), // Notification
    eapol(0, eap(1, 5, 13, [0x20])), // EAP-TLS start
    eapol(0, eap(2, 6, 25, [0xc1, ...u32(1000), 0x16, 3, 1])), // PEAP with a length and more fragments
    eapol(0, eap(1, 7, 21, [0x00])), // TTLS, no flags
    eapol(0, eap(1, 8, 6, ascii('OTP'))), // GTC: data
    eapol(0, eap(3, 9)), // Success
    eapol(0, eap(4, 9)), // Failure
    eapol(3, rsnKey(0x008a, 0x11)), // 4-way 1 of 4
    eapol(3, rsnKey(0x010a, 0x22, [0x30, 0x14, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 2, 0, 0])), // 2 of 4
    eapol(3, rsnKey(0x13ca, 0x11, Array(56).fill(0x77), 2)), // 3 of 4
    eapol(3, rsnKey(0x030a, 0x00, [], 2)), // 4 of 4
    eapol(3, rsnKey(0x1382, 0x00, Array(40).fill(0x66), 3)), // group 1 of 2
    eapol(3, [1, ...u16(13), ...u32(0), ...u32(7), ...Array(16).fill(1), 0x81, ...Array(16).fill(2), ...Array(13).fill(3)]), // RC4 key
    eapol(3, [9, 1, 2, 3]), // unknown descriptor: body
    eapol(9, [1, 2]), // unknown type
    eapol(0, eap(2, 1, 1, ascii('cut')), { len: 40, pad: false }), // length past the frame
    eapol(0, [1, 1], { pad: false }), // EAP cut in its header
    [...PAE, ...SRC, 0x88, 0x8e, 2], // EAPOL cut in its header
  ];
  const fields = EAPOL_FIELDS;
  const r = craftedAgrees('eapol', f, fields, { seed: ['eapol', 0x888e] });
  assert.equal(r.theirs[0][fields.indexOf('_ws.col.Info')], 'Start');
  assert.equal(r.theirs[3][fields.indexOf('_ws.col.Info')], 'Response, Identity');
});

/** EAP codes of the EAPOL frames in a capture being written (a record cut at the end is not counted yet). */
function eapCodes(path: string): number[] {
  try {
    return parseCaptureBuffer(readFileSync(path)).packets
      .filter((p) => p.data.length >= 19 && p.data[12] === 0x88 && p.data[13] === 0x8e && p.data[15] === 0).map((p) => p.data[18]);
  } catch { return []; }
}

const sbin = (c: string): string | null => (hasCommand(c) ? c : hasCommand(`/usr/sbin/${c}`) ? `/usr/sbin/${c}` : null);
const liveSkip = (): string | false => tsharkSkip() || (!isRoot() ? 'needs root (network namespaces)' : !hasCommand('tcpdump') ? 'tcpdump not installed'
  : !sbin('hostapd') ? 'needs hostapd (scripts/setup.sh)' : !sbin('wpa_supplicant') ? 'needs wpasupplicant (scripts/setup.sh)' : false);

test('EAPOL and EAP: a real 802.1X EAP-MD5 exchange (hostapd, wpa_supplicant) agrees with tshark', { skip: liveSkip() }, async () => {
  await withLivePair('xs-eapol-', async (pair, dir, daemons) => {
    // hostapd's wired driver and integrated EAP server authenticate the port; wpa_supplicant is the peer
    writeFileSync(join(dir, 'eap_user'), '"alice"\tMD5\t"secret-pw"\n');
    writeFileSync(join(dir, 'hostapd.conf'), [`interface=${pair.serverIf}`, 'driver=wired', 'logger_stdout=-1', 'logger_stdout_level=2', 'ieee8021x=1',
      'eap_reauth_period=0', 'eap_server=1', `eap_user_file=${join(dir, 'eap_user')}`, ''].join('\n'));
    writeFileSync(join(dir, 'wpa.conf'), 'ap_scan=0\nnetwork={\n  key_mgmt=IEEE8021X\n  eap=MD5\n  identity="alice"\n  password="secret-pw"\n  eapol_flags=0\n}\n');
    const hostapd = pair.spawn(pair.serverNs, [sbin('hostapd') as string, join(dir, 'hostapd.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    daemons.push(hostapd);
    await waitForOutput(hostapd, 'any', 'AP-ENABLED', 20_000, 'hostapd');
    const path = join(dir, 'eapol.pcap');
    const dump = await startTcpdump(pair, 'client', path, 'ether proto 0x888e');
    try {
      daemons.push(pair.spawn(pair.clientNs, [sbin('wpa_supplicant') as string, '-D', 'wired', '-i', pair.clientIf, '-c', join(dir, 'wpa.conf')], { stdio: 'ignore' }));
      // the exchange ends with the authenticator's EAP-Success
      await until(() => eapCodes(path).includes(3), 'an EAP-Success', 30_000);
    } finally {
      await dump.stop();
    }
    const r = compareFile(path, EAPOL_FIELDS);
    const md5 = r.theirs.filter((row) => row[EAPOL_FIELDS.indexOf('eap.type')] === '4').length;
    console.log(`# eapol live: ${r.cells} cells over ${r.frames} frames (${md5} EAP-MD5) compared with tshark, ${r.diffs.length} differ`);
    assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
    const infos = r.theirs.map((row) => row[EAPOL_FIELDS.indexOf('_ws.col.Info')]);
    assert.ok(infos.includes('Start') && infos.includes('Response, Identity') && infos.includes('Response, MD5-Challenge EAP (EAP-MD5-CHALLENGE)') && infos.includes('Success'), infos.join(' | '));
  });
});
