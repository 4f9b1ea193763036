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
import { RDP_CONVERSATIONS, RDP_GCC_FLAGS_CONVERSATION, RDP_MCS_CONVERSATION } from './rdp-frames';
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

test('T.125 MCS, T.124 GCC, client and server data, channel joins and the Client Info PDU agree with tshark', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-rdp-'));
  try {
    const cap = join(dir, 'rdp-mcs.pcap');
    writePcap(cap, [...tcpConversation(50100, 3389, RDP_MCS_CONVERSATION), ...tcpConversation(50101, 3389, RDP_GCC_FLAGS_CONVERSATION)]);
    const fields = ['frame.protocols',
      't125.ConnectMCSPDU', 't125.callingDomainSelector', 't125.calledDomainSelector', 't125.upwardFlag', 't125.maxChannelIds', 't125.maxUserIds',
      't125.maxTokenIds', 't125.numPriorities', 't125.minThroughput', 't125.maxHeight', 't125.maxMCSPDUsize', 't125.protocolVersion', 't125.result',
      't125.calledConnectId', 't125.userData',
      't124.t124Identifier', 't124.object', 't124.connectPDU', 't124.connectGCCPDU', 't124.numeric', 't124.lockedConference', 't124.listedConference',
      't124.conductibleConference', 't124.terminationMethod', 't124.nodeID', 't124.tag', 't124.key', 't124.h221NonStandard', 't124.value',
      't124.DomainMCSPDU', 't124.subHeight', 't124.subInterval', 't124.reason', 't124.initiator', 't124.requested', 't124.channelId', 't124.dataPriority',
      't124.segmentation', 't124.Segmentation.begin', 't124.Segmentation.end',
      'rdp.header.type', 'rdp.header.length', 'rdp.version.major', 'rdp.version.minor', 'rdp.desktop.width', 'rdp.desktop.height', 'rdp.colorDepth',
      'rdp.SASSequence', 'rdp.keyboardLayout', 'rdp.client.build', 'rdp.client.name', 'rdp.keyboard.type', 'rdp.keyboard.subtype',
      'rdp.keyboard.functionkey', 'rdp.imeFileName', 'rdp.postBeta2ColorDepth', 'rdp.client.productId', 'rdp.serialNumber', 'rdp.highColorDepth',
      'rdp.supportedColorDepths', 'rdp.earlyCapabilityFlags', 'rdp.client.digProductId', 'rdp.connectionType', 'rdp.pad1octet', 'rdp.serverSelectedProtocol',
      'rdp.encryptionMethods', 'rdp.extEncryptionMethods', 'rdp.channelCount', 'rdp.name', 'rdp.options', 'rdp.options.initialized',
      'rdp.options.encrypt.rdp', 'rdp.options.compress.rdp', 'rdp.options.showprotocol', 'rdp.clusterFlags', 'rdp.redirectedSessionId',
      'rdp.client.requestedProtocols', 'rdp.encryptionMethod', 'rdp.encryptionLevel', 'rdp.MCSChannelId', 'rdp.Pad',
      'rdp.flags', 'rdp.flags.pkt', 'rdp.flags.encrypt', 'rdp.flagsHi', 'rdp.codePage', 'rdp.optionFlags', 'rdp.domain.length', 'rdp.userName.length',
      'rdp.password.length', 'rdp.domain', 'rdp.userName', 'rdp.password', 'rdp.workingDir', 'rdp.client.addressFamily', 'rdp.client.address.length',
      'rdp.client.address', 'rdp.client.dir', 'rdp.client.sessionId', 'rdp.performanceFlags', 'rdp.autoReconnectCookie.length', 'rdp.reserved1', 'rdp.reserved2'];
    const r = compareWithTshark(cap, fields, { columns: 'tcp.len > 0' });
    console.log(`# rdp past negotiation: ${r.agreed}/${r.compared} cells agree over ${r.frames} frames`);
    assert.deepEqual(r.diffs, []);
    assert.ok(damageNeverThrows(cap, mulberry32(testSeed('rdp-mcs-damage', 3389)), 200, 54) > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
