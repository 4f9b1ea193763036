// RDP's connection start (MS-RDPBCGR 2.2.1.1-2.2.1.2): the routing token or
// "Cookie: mstshash=<user>" and the negotiation request (requested security
// protocols: standard RDP, TLS, CredSSP) in the X.224 Connection Request,
// the negotiation response (the chosen protocol) or failure in the
// Connection Confirm; then (t125.ts) the client and server data blocks of
// the MCS connect PDUs' GCC user data (core: name, desktop size, keyboard,
// build, requested protocols; security; channels; cluster) and the Client
// Info PDU when it is sent in the clear (domain and user name; RC4
// encrypted under standard security, inside TLS otherwise). Fields and Info
// as tshark 4.0's packet-rdp.c.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX8, HEX16, HEX32 } from './fields';
import { utf16le } from './ntstatus';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { COTP_CONNECT_DATA } = tables;
const { u16le, u32le, latin1 } = readers;

const FAILURES: Record<number, string> = {
  1: 'Server requires Enhanced RDP Security with TLS', 2: 'Server only supports Standard RDP Security',
  3: 'Server lacks a valid authentication certificate', 4: 'Inconsistent flags in negotiation request',
  5: 'Server requires Enhanced RDP Security with CredSSP', 6: 'Server requires Enhanced RDP Security with TLS and certificate-based client authentication',
};

declare('rdp', 'Remote Desktop Protocol', [
  ['rdp.rt_cookie', 'string', 'Routing Token/Cookie'],
  ['rdp.neg_type', 'uint', 'Type', { ...HEX8, valueNames: { 1: 'RDP Negotiation Request', 2: 'RDP Negotiation Response', 3: 'RDP Negotiation Failure' } }],
  ['rdp.negReq.flags', 'uint', 'Flags', HEX8],
  ['rdp.negReq.flags.restricted_admin_mode_req', 'bool', 'Restricted admin mode required'],
  ['rdp.negRsp.flags', 'uint', 'Flags', HEX8],
  ['rdp.neg_length', 'uint', 'Length'],
  ['rdp.negReq.requestedProtocols', 'uint', 'requestedProtocols', HEX32],
  ['rdp.negReq.requestedProtocols.ssl', 'bool', 'TLS security supported'],
  ['rdp.negReq.requestedProtocols.hybrid', 'bool', 'CredSSP supported'],
  ['rdp.negReq.requestedProtocols.rdstls', 'bool', 'RDSTLS supported'],
  ['rdp.negReq.requestedProtocols.hybrid_ex', 'bool', 'CredSSP with Early User Authorization Result PDU supported'],
  ['rdp.negReq.selectedProtocol', 'uint', 'selectedProtocol', HEX32],
  ['rdp.negFailure.failureCode', 'uint', 'failureCode', { ...HEX32, valueNames: FAILURES }],
]);

/** X.224 CR/CC user data on an RDP connection: the cookie line, then an 8-byte negotiation structure. */
function connectData(ctx: Ctx, _st: State, off: number, end: number): boolean {
  const d = ctx.d;
  const looksNeg = (o: number): boolean => end - o >= 8 && d[o] >= 1 && d[o] <= 3 && u16le(d, o + 2) === 8;
  const cookie = end - off >= 8 && latin1(d, off, off + 8) === 'Cookie: ';
  if (!cookie && !looksNeg(off)) return false;
  const l = ctx.layer('rdp', off, end - off);
  ctx.protocol = 'RDP';
  const info: string[] = [];
  let o = off;
  if (cookie) {
    let e = o;
    while (e + 1 < end && !(d[e] === 13 && d[e + 1] === 10)) e++;
    const text = latin1(d, o, e);
    ctx.add(l, 'rdp.rt_cookie', text, o, e + 2 - o);
    info.push(text);
    o = Math.min(end, e + 2);
  }
  if (looksNeg(o)) {
    const type = d[o], flags = d[o + 1], v = u32le(d, o + 4);
    ctx.add(l, 'rdp.neg_type', type, o, 1);
    if (type === 1) {
      const f = ctx.add(l, 'rdp.negReq.flags', flags, o + 1, 1);
      ctx.sub(f, 'rdp.negReq.flags.restricted_admin_mode_req', (flags & 1) !== 0, o + 1, 1);
    } else if (type === 2) ctx.add(l, 'rdp.negRsp.flags', flags, o + 1, 1);
    else ctx.add(l, 'rdp.negReq.flags', flags, o + 1, 1); // (a failure's flags under the request's name, as tshark 4.0)
    ctx.add(l, 'rdp.neg_length', 8, o + 2, 2);
    if (type === 1) {
      const r = ctx.add(l, 'rdp.negReq.requestedProtocols', v, o + 4, 4);
      ctx.sub(r, 'rdp.negReq.requestedProtocols.ssl', (v & 1) !== 0, o + 4, 4);
      ctx.sub(r, 'rdp.negReq.requestedProtocols.hybrid', (v & 2) !== 0, o + 4, 4);
      ctx.sub(r, 'rdp.negReq.requestedProtocols.rdstls', (v & 4) !== 0, o + 4, 4);
      ctx.sub(r, 'rdp.negReq.requestedProtocols.hybrid_ex', (v & 8) !== 0, o + 4, 4);
      info.push('Negotiate Request');
    } else if (type === 2) {
      ctx.add(l, 'rdp.negReq.selectedProtocol', v, o + 4, 4);
      info.push('Negotiate Response');
    } else {
      ctx.add(l, 'rdp.negFailure.failureCode', v, o + 4, 4);
      info.push(`Negotiate Failure, failureCode ${FAILURES[v] ?? `Unknown (0x${v.toString(16).padStart(8, '0')})`}`);
    }
  }
  ctx.info = info.join(', ');
  return true;
}

COTP_CONNECT_DATA.add(connectData);

// ---- client and server data (2.2.1.3.2-2.2.1.4.5), Client Info (2.2.1.11) ----

const COLOR_DEPTHS: Record<number, string> = { 0xca00: '4 bits-per-pixel (bpp)', 0xca01: '8 bits-per-pixel (bpp)', 0xca02: '15-bit 555 RGB mask', 0xca03: '16-bit 565 RGB mask', 0xca04: '24-bit RGB mask' };
const HIGH_COLOR: Record<number, string> = { 4: '4 bits-per-pixel (bpp)', 8: '8 bits-per-pixel (bpp)', 15: '15-bit 555 RGB mask', 16: '16-bit 565 RGB mask', 24: '24-bit RGB mask' };
const KEYBOARDS: Record<number, string> = {
  1: 'IBM PC/XT or compatible (83-key) keyboard', 2: 'Olivetti "ICO" (102-key) keyboard', 3: 'IBM PC/AT (84-key) and similar keyboards',
  4: 'IBM enhanced (101-key or 102-key) keyboard', 5: 'Nokia 1050 and similar keyboards', 6: 'Nokia 9140 and similar keyboards', 7: 'Japanese keyboard',
};
const CONNECTION_TYPES: Record<number, string> = { 0: 'Unknown', 1: 'Modem (56 Kbps)', 2: 'Low-speed broadband (256 Kbps - 2 Mbps)', 3: 'Satellite (2 Mbps - 16 Mbps with high latency)', 4: 'High-speed broadband (2 Mbps - 10 Mbps)', 5: 'WAN (10 Mbps or higher with high latency)', 6: 'LAN (10 Mbps or higher)', 7: 'Automatically detect' };
const ENC_METHODS: Record<number, string> = { 0: 'None', 1: '40-bit RC4', 2: '128-bit RC4', 8: '56-bit RC4', 0x10: 'FIPS' };
const ENC_LEVELS: Record<number, string> = { 0: 'None', 1: 'Low', 2: 'Client Compatible', 3: 'High', 4: 'FIPS' };
const BLOCKS: Record<number, string> = {
  0xc001: 'clientCoreData', 0xc002: 'clientSecurityData', 0xc003: 'clientNetworkData', 0xc004: 'clientClusterData', 0xc005: 'clientMonitorData',
  0xc006: 'clientMsgChannelData', 0xc008: 'clientMonitorExData', 0xc00a: 'clientMultiTransportData',
  0x0c01: 'serverCoreData', 0x0c02: 'serverSecurityData', 0x0c03: 'serverNetworkData', 0x0c04: 'serverMsgChannelData', 0x0c08: 'serverMultiTransportData',
};
const BLOCK_FIELD: Record<number, string> = {
  0xc001: 'rdp.client.coreData', 0xc002: 'rdp.client.securityData', 0xc003: 'rdp.client.networkData', 0xc004: 'rdp.client.clusterData',
  0xc005: 'rdp.client.monitorData', 0xc006: 'rdp.client.msgChannelData', 0xc008: 'rdp.client.monitorExData', 0xc00a: 'rdp.client.multiTransportData',
  0x0c01: 'rdp.server.coreData', 0x0c02: 'rdp.server.securityData', 0x0c03: 'rdp.server.networkData', 0x0c04: 'rdp.server.msgChannelData',
  0x0c08: 'rdp.server.multiTransportData',
};
/** channel definition options (2.2.1.3.4.1), tshark's names, from the top bit down */
const CHANNEL_OPTIONS: Array<[string, string, number]> = [
  ['initialized', 'optionsInitialized', 31], ['encrypt.rdp', 'encryptRDP', 30], ['encrypt.sc', 'encryptSC', 29], ['encrypt.cs', 'encryptCS', 28],
  ['priority.high', 'priorityHigh', 27], ['priority.med', 'priorityMed', 26], ['priority.low', 'priorityLow', 25], ['compress.rdp', 'compressRDP', 23],
  ['compress', 'compress', 22], ['showprotocol', 'showProtocol', 21], ['remotecontrolpersistent', 'remoteControlPersistent', 20],
];
/** security header flags (2.2.8.1.1.2.1) as tshark splits them: [name, mask] */
const SEC_FLAGS: Array<[string, number]> = [
  ['pkt', 0x04c1], ['encrypt', 0x0008], ['resetseqno', 0x0010], ['ignoreseqno', 0x0020], ['licenseencrypt', 0x0200], ['securechecksum', 0x0800], ['flagshivalid', 0x8000],
];
const SEC_INFO_PKT = 0x0040, SEC_ENCRYPT = 0x0008, INFO_UNICODE = 0x10;

declare('rdp', 'Remote Desktop Protocol', [
  ['rdp.clientData', 'none', 'ClientData'],
  ['rdp.serverData', 'none', 'ServerData'],
  ...Object.entries(BLOCK_FIELD).map(([k, n]): [string, 'none', string] => [n, 'none', BLOCKS[Number(k)]]),
  ['rdp.header.type', 'uint', 'headerType', { ...HEX16, valueNames: BLOCKS }],
  ['rdp.header.length', 'uint', 'headerLength'],
  ['rdp.version.major', 'uint', 'versionMajor'],
  ['rdp.version.minor', 'uint', 'versionMinor'],
  ['rdp.desktop.width', 'uint', 'desktopWidth'],
  ['rdp.desktop.height', 'uint', 'desktopHeight'],
  ['rdp.colorDepth', 'uint', 'colorDepth', { ...HEX16, valueNames: COLOR_DEPTHS }],
  ['rdp.SASSequence', 'uint', 'SASSequence'],
  ['rdp.keyboardLayout', 'uint', 'keyboardLayout'],
  ['rdp.client.build', 'uint', 'clientBuild'],
  ['rdp.client.name', 'string', 'clientName'],
  ['rdp.keyboard.type', 'uint', 'keyboardType', { valueNames: KEYBOARDS }],
  ['rdp.keyboard.subtype', 'uint', 'keyboardSubType'],
  ['rdp.keyboard.functionkey', 'uint', 'keyboardFunctionKey'],
  ['rdp.imeFileName', 'bytes', 'imeFileName'],
  ['rdp.postBeta2ColorDepth', 'uint', 'postBeta2ColorDepth', { ...HEX16, valueNames: COLOR_DEPTHS }],
  ['rdp.client.productId', 'uint', 'clientProductId'],
  ['rdp.serialNumber', 'uint', 'serialNumber'],
  ['rdp.highColorDepth', 'uint', 'highColorDepth', { ...HEX16, valueNames: HIGH_COLOR }],
  ['rdp.supportedColorDepths', 'uint', 'supportedColorDepths', HEX16],
  ['rdp.earlyCapabilityFlags', 'uint', 'earlyCapabilityFlags'],
  ['rdp.client.digProductId', 'string', 'clientDigProductId'],
  ['rdp.connectionType', 'uint', 'connectionType', { valueNames: CONNECTION_TYPES }],
  ['rdp.pad1octet', 'uint', 'pad1octet', HEX8],
  ['rdp.serverSelectedProtocol', 'uint', 'serverSelectedProtocol'],
  ['rdp.encryptionMethods', 'bytes', 'encryptionMethods'],
  ['rdp.extEncryptionMethods', 'bytes', 'extEncryptionMethods'],
  ['rdp.channelCount', 'uint', 'channelCount'],
  ['rdp.channelDefArray', 'none', 'channelDefArray'],
  ['rdp.channelDef', 'none', 'channelDef'],
  ['rdp.name', 'string', 'name'],
  ['rdp.options', 'uint', 'options', HEX32],
  ...CHANNEL_OPTIONS.map(([n, t]): [string, 'uint', string, typeof HEX32] => [`rdp.options.${n}`, 'uint', t, HEX32]),
  ['rdp.clusterFlags', 'uint', 'clusterFlags', HEX32],
  ['rdp.redirectedSessionId', 'uint', 'redirectedSessionId', HEX32],
  ['rdp.client.requestedProtocols', 'uint', 'clientRequestedProtocols', HEX32],
  ['rdp.encryptionMethod', 'uint', 'encryptionMethod', { ...HEX32, valueNames: ENC_METHODS }],
  ['rdp.encryptionLevel', 'uint', 'encryptionLevel', { ...HEX32, valueNames: ENC_LEVELS }],
  ['rdp.serverRandomLen', 'uint', 'serverRandomLen'],
  ['rdp.serverCertLen', 'uint', 'serverCertLen'],
  ['rdp.serverRandom', 'bytes', 'serverRandom'],
  ['rdp.serverCertificate', 'bytes', 'serverCertificate'],
  ['rdp.MCSChannelId', 'uint', 'MCSChannelId'],
  ['rdp.channelIdArray', 'none', 'channelIdArray'],
  ['rdp.Pad', 'uint', 'Pad'],
  ['rdp.sendData', 'none', 'SendData'],
  ['rdp.clientInfoPDU', 'none', 'clientInfoPDU'],
  ['rdp.flags', 'uint', 'flags', HEX16],
  ...SEC_FLAGS.map(([n]): [string, 'uint', string, typeof HEX16] => [`rdp.flags.${n}`, 'uint', `flags${n[0].toUpperCase()}${n.slice(1)}`, HEX16]),
  ['rdp.flagsHi', 'uint', 'flagsHi', HEX16],
  ['rdp.codePage', 'uint', 'codePage'],
  ['rdp.optionFlags', 'uint', 'optionFlags', HEX32],
  ['rdp.domain.length', 'uint', 'cbDomain'],
  ['rdp.userName.length', 'uint', 'cbUserName'],
  ['rdp.password.length', 'uint', 'cbPassword'],
  ['rdp.alternateShell.length', 'uint', 'cbAlternateShell'],
  ['rdp.workingDir.length', 'uint', 'cbWorkingDir'],
  ['rdp.domain', 'string', 'domain'],
  ['rdp.userName', 'string', 'userName'],
  ['rdp.password', 'string', 'password'],
  ['rdp.alternateShell', 'string', 'alternateShell'],
  ['rdp.workingDir', 'string', 'workingDir'],
  ['rdp.client.addressFamily', 'uint', 'clientAddressFamily', HEX16],
  ['rdp.client.address.length', 'uint', 'cbClientAddress'],
  ['rdp.client.address', 'string', 'clientAddress'],
  ['rdp.client.dir.length', 'uint', 'cbClientDir'],
  ['rdp.client.dir', 'string', 'clientDir'],
  ['rdp.client.timeZone', 'none', 'clientTimeZone'],
  ['rdp.client.sessionId', 'bytes', 'clientSessionId'],
  ['rdp.performanceFlags', 'uint', 'performanceFlags', HEX32],
  ['rdp.autoReconnectCookie.length', 'uint', 'cbAutoReconnectLen'],
  ['rdp.autoReconnectCookie', 'bytes', 'autoReconnectCookie'],
  ['rdp.reserved1', 'uint', 'reserved1', HEX16],
  ['rdp.reserved2', 'uint', 'reserved2', HEX16],
]);

/**
 * A tree item of RDP's inside T.124 or T.125 without a layer of its own in
 * frame.protocols: tshark's RDP adds its data blocks and most send data as
 * items of the PDU that carries them.
 */
function rdpItem(ctx: Ctx, name: string, off: number, len: number): FieldNode {
  const l = ctx.layer('rdp', off, len);
  const i = ctx.protocols.lastIndexOf('rdp');
  if (i >= 0) ctx.protocols.splice(i, 1);
  return ctx.add(l, name, null, off, len);
}

/** A zero-terminated UTF-16LE string in a fixed field [o, o + len). */
function fixedUtf16(d: Uint8Array, o: number, len: number): string {
  let e = o;
  while (e + 1 < o + len && (d[e] | d[e + 1]) !== 0) e += 2;
  return utf16le(d, o, e);
}

/** Walks TS_UD_HEADER blocks (type, length) in [off, end), each to `block`. */
function dataBlocks(ctx: Ctx, parent: FieldNode, off: number, end: number, block: (node: FieldNode, type: number, o: number, e: number) => void): void {
  const d = ctx.d;
  let o = off;
  for (let n = 0; o + 4 <= end && n < 64; n++) {
    const type = u16le(d, o), len = u16le(d, o + 2);
    if (len < 4 || o + len > end) { ctx.malformedAt('rdp', `RDP data block 0x${type.toString(16).padStart(4, '0')} length ${len} runs past its user data`, o, end - o); return; }
    const node = BLOCK_FIELD[type] ? ctx.sub(parent, BLOCK_FIELD[type], null, o, len) : parent;
    ctx.sub(node, 'rdp.header.type', type, o, 2);
    ctx.sub(node, 'rdp.header.length', len, o + 2, 2);
    block(node, type, o, o + len);
    o += len;
  }
  if (o < end) ctx.malformedAt('rdp', 'RDP data block header cut short', o, end - o);
}

/** The client's data blocks in the GCC Conference Create Request: core, security, network, cluster. */
export function rdpClientData(ctx: Ctx, off: number, end: number): void {
  const d = ctx.d;
  const top = rdpItem(ctx, 'rdp.clientData', off, end - off);
  ctx.setSummary('RDP', 'ClientData');
  dataBlocks(ctx, top, off, end, (n, type, b, e) => {
    const has = (o: number, len: number): boolean => b + o + len <= e;
    const u16 = (name: string, o: number): void => { if (has(o, 2)) ctx.sub(n, name, u16le(d, b + o), b + o, 2); };
    const u32 = (name: string, o: number): void => { if (has(o, 4)) ctx.sub(n, name, u32le(d, b + o), b + o, 4); };
    if (type === 0xc001) {
      u16('rdp.version.major', 4); u16('rdp.version.minor', 6); u16('rdp.desktop.width', 8); u16('rdp.desktop.height', 10);
      u16('rdp.colorDepth', 12); u16('rdp.SASSequence', 14); u32('rdp.keyboardLayout', 16); u32('rdp.client.build', 20);
      if (has(24, 32)) ctx.sub(n, 'rdp.client.name', fixedUtf16(d, b + 24, 32), b + 24, 32);
      u32('rdp.keyboard.type', 56); u32('rdp.keyboard.subtype', 60); u32('rdp.keyboard.functionkey', 64);
      if (has(68, 64)) ctx.sub(n, 'rdp.imeFileName', d.subarray(b + 68, b + 132), b + 68, 64);
      // the rest is optional: each field is there when the block is long enough
      u16('rdp.postBeta2ColorDepth', 132); u16('rdp.client.productId', 134); u32('rdp.serialNumber', 136); u16('rdp.highColorDepth', 140);
      u16('rdp.supportedColorDepths', 142); u16('rdp.earlyCapabilityFlags', 144);
      if (has(146, 64)) ctx.sub(n, 'rdp.client.digProductId', fixedUtf16(d, b + 146, 64), b + 146, 64);
      if (has(210, 1)) ctx.sub(n, 'rdp.connectionType', d[b + 210], b + 210, 1);
      if (has(211, 1)) ctx.sub(n, 'rdp.pad1octet', d[b + 211], b + 211, 1);
      u32('rdp.serverSelectedProtocol', 212);
    } else if (type === 0xc002) {
      if (has(4, 4)) ctx.sub(n, 'rdp.encryptionMethods', d.subarray(b + 4, b + 8), b + 4, 4);
      if (has(8, 4)) ctx.sub(n, 'rdp.extEncryptionMethods', d.subarray(b + 8, b + 12), b + 8, 4);
    } else if (type === 0xc003) {
      if (!has(4, 4)) return;
      const count = u32le(d, b + 4);
      ctx.sub(n, 'rdp.channelCount', count, b + 4, 4);
      if (!has(8, 12 * count)) { ctx.malformedAt('rdp', `${count} channel definitions run past the network data`, b + 8, e - b - 8); return; }
      const arr = ctx.sub(n, 'rdp.channelDefArray', null, b + 8, 12 * count);
      for (let k = 0; k < count; k++) {
        const o = b + 8 + 12 * k;
        const def = ctx.sub(arr, 'rdp.channelDef', null, o, 12);
        let z = o;
        while (z < o + 8 && d[z] !== 0) z++;
        ctx.sub(def, 'rdp.name', latin1(d, o, z), o, 8);
        const v = u32le(d, o + 8);
        const opt = ctx.sub(def, 'rdp.options', v, o + 8, 4);
        for (const [name, , bit] of CHANNEL_OPTIONS) ctx.sub(opt, `rdp.options.${name}`, (v >>> bit) & 1, o + 8, 4);
      }
    } else if (type === 0xc004) {
      u32('rdp.clusterFlags', 4); u32('rdp.redirectedSessionId', 8);
    }
  });
}

/** The server's data blocks in the GCC Conference Create Response: core, security (with its random and certificate), network. */
export function rdpServerData(ctx: Ctx, off: number, end: number): void {
  const d = ctx.d;
  const top = rdpItem(ctx, 'rdp.serverData', off, end - off);
  let enc = '';
  dataBlocks(ctx, top, off, end, (n, type, b, e) => {
    const has = (o: number, len: number): boolean => b + o + len <= e;
    if (type === 0x0c01) {
      if (has(4, 4)) { ctx.sub(n, 'rdp.version.major', u16le(d, b + 4), b + 4, 2); ctx.sub(n, 'rdp.version.minor', u16le(d, b + 6), b + 6, 2); }
      if (has(8, 4)) ctx.sub(n, 'rdp.client.requestedProtocols', u32le(d, b + 8), b + 8, 4);
      if (has(12, 4)) ctx.sub(n, 'rdp.earlyCapabilityFlags', u32le(d, b + 12), b + 12, 4);
    } else if (type === 0x0c02) {
      if (!has(4, 8)) return;
      const method = u32le(d, b + 4), level = u32le(d, b + 8);
      ctx.sub(n, 'rdp.encryptionMethod', method, b + 4, 4);
      ctx.sub(n, 'rdp.encryptionLevel', level, b + 8, 4);
      enc = ` Encryption: ${ENC_METHODS[method] ?? 'Unknown'} (${ENC_LEVELS[level] ?? 'Unknown'})`;
      if ((method !== 0 || level !== 0) && has(12, 8)) {
        const rl = u32le(d, b + 12), cl = u32le(d, b + 16);
        ctx.sub(n, 'rdp.serverRandomLen', rl, b + 12, 4);
        ctx.sub(n, 'rdp.serverCertLen', cl, b + 16, 4);
        if (!has(20, rl) || !has(20 + rl, cl)) { ctx.malformedAt('rdp', 'server random or certificate runs past the security data', b + 20, e - b - 20); return; }
        ctx.sub(n, 'rdp.serverRandom', d.subarray(b + 20, b + 20 + rl), b + 20, rl);
        ctx.sub(n, 'rdp.serverCertificate', d.subarray(b + 20 + rl, b + 20 + rl + cl), b + 20 + rl, cl);
      }
    } else if (type === 0x0c03) {
      if (!has(4, 4)) return;
      const count = u16le(d, b + 6);
      ctx.sub(n, 'rdp.MCSChannelId', u16le(d, b + 4), b + 4, 2);
      ctx.sub(n, 'rdp.channelCount', count, b + 6, 2);
      if (!has(8, 2 * count)) { ctx.malformedAt('rdp', `${count} channel ids run past the network data`, b + 8, e - b - 8); return; }
      const arr = ctx.sub(n, 'rdp.channelIdArray', null, b + 8, 2 * count);
      for (let k = 0; k < count; k++) ctx.sub(arr, 'rdp.MCSChannelId', u16le(d, b + 8 + 2 * k), b + 8 + 2 * k, 2);
      if (count % 2 === 1 && has(8 + 2 * count, 2)) ctx.sub(arr, 'rdp.Pad', u16le(d, b + 8 + 2 * count), b + 8 + 2 * count, 2);
    }
  });
  ctx.setSummary('RDP', `ServerData${enc}`);
}

/**
 * MCS send data: what tshark 4.0 shows of it. A Client Info PDU sent in
 * the clear (a security header with SEC_INFO_PKT and without SEC_ENCRYPT)
 * gives the domain and user name; anything else is only an RDP item.
 */
export function rdpSendData(ctx: Ctx, _st: State, indication: boolean, _channel: number, off: number, end: number): void {
  const d = ctx.d;
  // (tshark lists RDP in frame.protocols for what the server sends, not for the client's)
  const l = ctx.layer('rdp', off, end - off);
  if (!indication) { const i = ctx.protocols.lastIndexOf('rdp'); if (i >= 0) ctx.protocols.splice(i, 1); }
  const top = ctx.add(l, 'rdp.sendData', null, off, end - off);
  ctx.setSummary('RDP', '');
  if (indication || end - off < 4) return;
  const flags = u16le(d, off);
  if ((flags & SEC_INFO_PKT) === 0 || (flags & SEC_ENCRYPT) !== 0) return;
  clientInfo(ctx, top, flags, off, end);
}

function clientInfo(ctx: Ctx, top: FieldNode, flags: number, off: number, end: number): void {
  const d = ctx.d;
  const pdu = ctx.sub(top, 'rdp.clientInfoPDU', null, off, end - off);
  ctx.info = 'ClientInfo';
  const f = ctx.sub(pdu, 'rdp.flags', flags, off, 2);
  for (const [n, mask] of SEC_FLAGS) ctx.sub(f, `rdp.flags.${n}`, flags & mask, off, 2);
  ctx.sub(pdu, 'rdp.flagsHi', u16le(d, off + 2), off + 2, 2);
  let o = off + 4;
  const need = (n: number): boolean => {
    if (o + n <= end) return true;
    ctx.boundsAt('rdp', 'Client Info PDU cut short', o, end - o);
    return false;
  };
  if (!need(18)) return;
  ctx.sub(pdu, 'rdp.codePage', u32le(d, o), o, 4);
  const options = u32le(d, o + 4);
  ctx.sub(pdu, 'rdp.optionFlags', options, o + 4, 4);
  const unicode = (options & INFO_UNICODE) !== 0, nul = unicode ? 2 : 1;
  const names = ['rdp.domain', 'rdp.userName', 'rdp.password', 'rdp.alternateShell', 'rdp.workingDir'];
  const lens = names.map((n, k) => { const v = u16le(d, o + 8 + 2 * k); ctx.sub(pdu, `${n}.length`, v, o + 8 + 2 * k, 2); return v; });
  o += 18;
  for (let k = 0; k < names.length; k++) {
    if (!need(lens[k] + nul)) return;
    const s = unicode ? utf16le(d, o, o + lens[k]) : latin1(d, o, o + lens[k]);
    ctx.sub(pdu, names[k], s, o, lens[k] + nul);
    o += lens[k] + nul;
  }
  // extended info (RDP 5.0 and later): there when bytes are left
  if (o >= end) return;
  const str = (lenName: string, name: string): boolean => {
    if (!need(2)) return false;
    const n = u16le(d, o);
    ctx.sub(pdu, lenName, n, o, 2);
    o += 2;
    if (!need(n)) return false;
    ctx.sub(pdu, name, unicode ? utf16le(d, o, Math.max(o, o + n - 2)) : latin1(d, o, Math.max(o, o + n - 1)), o, n);
    o += n;
    return true;
  };
  if (!need(2)) return;
  ctx.sub(pdu, 'rdp.client.addressFamily', u16le(d, o), o, 2);
  o += 2;
  if (!str('rdp.client.address.length', 'rdp.client.address') || !str('rdp.client.dir.length', 'rdp.client.dir')) return;
  if (o >= end) return;
  if (!need(172)) return;
  ctx.sub(pdu, 'rdp.client.timeZone', null, o, 172);
  o += 172;
  if (!need(4)) return;
  ctx.sub(pdu, 'rdp.client.sessionId', d.subarray(o, o + 4), o, 4);
  o += 4;
  if (!need(4)) return;
  ctx.sub(pdu, 'rdp.performanceFlags', u32le(d, o), o, 4);
  o += 4;
  if (!need(2)) return;
  const cookie = u16le(d, o);
  ctx.sub(pdu, 'rdp.autoReconnectCookie.length', cookie, o, 2);
  o += 2;
  if (cookie > 0) {
    if (!need(cookie)) return;
    ctx.sub(pdu, 'rdp.autoReconnectCookie', d.subarray(o, o + cookie), o, cookie);
    o += cookie;
  }
  if (!need(4)) return;
  ctx.sub(pdu, 'rdp.reserved1', u16le(d, o), o, 2);
  ctx.sub(pdu, 'rdp.reserved2', u16le(d, o + 2), o + 2, 2);
}
