// SMB2/SMB3 (MS-SMB2) inside NBSS: the 64-byte header (command, status,
// flags, message and session ids), compound chains, the SMB3 transform
// header of encrypted messages, and the bodies that name things: dialects,
// the security blob (GSS-API → SPNEGO → NTLMSSP/Kerberos), tree paths,
// file names and file ids. Tree and file names are remembered per
// connection (bounded) so later messages show them as tshark does
// (smb2.tree on every message of a tree). Pipe traffic on IPC$ goes to
// SMB_PIPE (DCE/RPC); file contents show as data. Fields as tshark 4.0.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, HEX8, HEX16, HEX32 } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { dissectData } from './data';
import { ntStatusName, utf16le, guidLe } from './ntstatus';
import { dissectSecurityBlob, takeAuthInfo } from './gssapi';
import { convKey, Bounded, perConversation } from './conv';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { NBSS_PAYLOAD, SMB_PIPE, PIPE_CONTEXT } = tables;
const { u16le, u32le } = readers;

const CMDS = ['Negotiate Protocol', 'Session Setup', 'Session Logoff', 'Tree Connect', 'Tree Disconnect', 'Create', 'Close', 'Flush', 'Read', 'Write', 'Lock', 'Ioctl', 'Cancel', 'KeepAlive', 'Find', 'Notify', 'GetInfo', 'SetInfo', 'Break'];
const CMD_NAMES: Record<number, string> = Object.fromEntries(CMDS.map((n, i) => [i, n]));
const DIALECTS: Record<number, string> = { 0x0202: 'SMB 2.0.2', 0x0210: 'SMB 2.1', 0x0222: 'SMB2_22', 0x0224: 'SMB2_24', 0x0300: 'SMB 3.0', 0x0302: 'SMB 3.0.2', 0x0310: 'SMB3_10', 0x0311: 'SMB 3.1.1', 0x02ff: 'SMB2 wildcard' };
const FSCTL_PIPE_TRANSCEIVE = 0x0011c017, FSCTL_DFS_GET_REFERRALS = 0x00060194;
const FSCTL: Record<number, string> = {
  0x00060194: 'FSCTL_DFS_GET_REFERRALS', 0x000601b0: 'FSCTL_DFS_GET_REFERRALS_EX', 0x0011c017: 'FSCTL_PIPE_TRANSCEIVE',
  0x00110018: 'FSCTL_PIPE_WAIT', 0x0011400c: 'FSCTL_PIPE_PEEK', 0x00140204: 'FSCTL_VALIDATE_NEGOTIATE_INFO',
  0x001401fc: 'FSCTL_QUERY_NETWORK_INTERFACE_INFO', 0x00140078: 'FSCTL_SRV_REQUEST_RESUME_KEY', 0x001440f2: 'FSCTL_SRV_COPYCHUNK',
  0x001480f2: 'FSCTL_SRV_COPYCHUNK_WRITE', 0x00144064: 'FSCTL_SRV_ENUMERATE_SNAPSHOTS', 0x001401d4: 'FSCTL_LMR_REQUEST_RESILIENCY',
  0x000900a8: 'FSCTL_GET_REPARSE_POINT', 0x000900c4: 'FSCTL_SET_SPARSE', 0x000900c0: 'FSCTL_CREATE_OR_GET_OBJECT_ID',
  0x000940cf: 'FSCTL_QUERY_ALLOCATED_RANGES', 0x000980c8: 'FSCTL_SET_ZERO_DATA',
};
const FIND_CLASSES: Record<number, string> = { 1: 'SMB2_FIND_DIRECTORY_INFO', 2: 'SMB2_FIND_FULL_DIRECTORY_INFO', 3: 'SMB2_FIND_BOTH_DIRECTORY_INFO', 4: 'SMB2_FIND_INDEX_SPECIFIED', 12: 'SMB2_FIND_NAME_INFO', 37: 'SMB2_FIND_ID_BOTH_DIRECTORY_INFO', 38: 'SMB2_FIND_ID_FULL_DIRECTORY_INFO' };
const INFO_CLASSES: Record<number, string> = { 1: 'FILE_INFO', 2: 'FS_INFO', 3: 'SEC_INFO', 4: 'QUOTA_INFO' };
const FILE_LEVELS: Record<number, string> = {
  4: 'SMB2_FILE_BASIC_INFO', 5: 'SMB2_FILE_STANDARD_INFO', 6: 'SMB2_FILE_INTERNAL_INFO', 7: 'SMB2_FILE_EA_INFO', 8: 'SMB2_FILE_ACCESS_INFO',
  10: 'SMB2_FILE_RENAME_INFO', 13: 'SMB2_FILE_DISPOSITION_INFO', 14: 'SMB2_FILE_POSITION_INFO', 15: 'SMB2_FILE_FULL_EA_INFO', 16: 'SMB2_FILE_MODE_INFO',
  17: 'SMB2_FILE_ALIGNMENT_INFO', 18: 'SMB2_FILE_ALL_INFO', 19: 'SMB2_FILE_ALLOCATION_INFO', 20: 'SMB2_FILE_ENDOFFILE_INFO',
  21: 'SMB2_FILE_ALTERNATE_NAME_INFO', 22: 'SMB2_FILE_STREAM_INFO', 23: 'SMB2_FILE_PIPE_INFO', 28: 'SMB2_FILE_COMPRESSION_INFO',
  34: 'SMB2_FILE_NETWORK_OPEN_INFO', 35: 'SMB2_FILE_ATTRIBUTE_TAG_INFO',
};
const FS_LEVELS: Record<number, string> = {
  1: 'FileFsVolumeInformation', 3: 'FileFsSizeInformation', 4: 'FileFsDeviceInformation', 5: 'FileFsAttributeInformation',
  6: 'FileFsControlInformation', 7: 'FileFsFullSizeInformation', 8: 'FileFsObjectIdInformation', 11: 'FileFsSectorSizeInformation',
};

declare('smb2', 'SMB2 (Server Message Block Protocol version 2)', [
  ['smb2.protocol_id', 'uint', 'ProtocolId', HEX32],
  ['smb2.header_len', 'uint', 'Header Length'],
  ['smb2.credit.charge', 'uint', 'Credit Charge'],
  ['smb2.channel_sequence', 'uint', 'Channel Sequence'],
  ['smb2.nt_status', 'uint', 'NT Status', HEX32],
  ['smb2.cmd', 'uint', 'Command', { valueNames: CMD_NAMES }],
  ['smb2.credits.requested', 'uint', 'Credits requested'],
  ['smb2.credits.granted', 'uint', 'Credits granted'],
  ['smb2.flags', 'uint', 'Flags', HEX32],
  ['smb2.flags.response', 'bool', 'Response'],
  ['smb2.flags.async', 'bool', 'Async command'],
  ['smb2.flags.chained', 'bool', 'Chained'],
  ['smb2.flags.signature', 'bool', 'Signing'],
  ['smb2.flags.dfs', 'bool', 'DFS operation'],
  ['smb2.flags.replay', 'bool', 'Replay operation'],
  ['smb2.chain_offset', 'uint', 'Chain Offset', HEX32],
  ['smb2.msg_id', 'uint', 'Message ID'],
  ['smb2.pid', 'uint', 'Process Id', HEX32],
  ['smb2.tid', 'uint', 'Tree Id', HEX32],
  ['smb2.aid', 'uint', 'Async Id', { base: 'hex', hexDigits: 16 }],
  ['smb2.sesid', 'uint', 'Session Id', { base: 'hex', hexDigits: 16 }],
  ['smb2.signature', 'bytes', 'Signature'],
  ['smb2.tree', 'string', 'Tree'],
  ['smb2.buffer_code', 'uint', 'StructureSize', HEX16],
  ['smb2.dialect_count', 'uint', 'Dialect count'],
  ['smb2.dialect', 'uint', 'Dialect', { ...HEX16, valueNames: DIALECTS }],
  ['smb2.sec_mode', 'uint', 'Security mode', HEX8],
  ['smb2.sec_mode.sign_enabled', 'bool', 'Signing enabled'],
  ['smb2.sec_mode.sign_required', 'bool', 'Signing required'],
  ['smb2.capabilities', 'uint', 'Capabilities', HEX32],
  ['smb2.client_guid', 'string', 'Client Guid'],
  ['smb2.server_guid', 'string', 'Server Guid'],
  ['smb2.max_trans_size', 'uint', 'Max Transaction Size'],
  ['smb2.security_blob', 'bytes', 'Security Blob'],
  ['smb2.session_flags', 'uint', 'Session Flags', HEX16],
  ['smb2.ses_flags.guest', 'bool', 'Guest'],
  ['smb2.ses_flags.null', 'bool', 'Null'],
  ['smb2.ses_flags.encrypt', 'bool', 'Encrypt'],
  ['smb2.previous_sesid', 'uint', 'Previous Session Id', { base: 'hex', hexDigits: 16 }],
  ['smb2.share_type', 'uint', 'Share Type', { ...HEX8, valueNames: { 1: 'Physical disk', 2: 'Named pipe', 3: 'Printer' } }],
  ['smb2.share_flags', 'uint', 'Share flags', HEX32],
  ['smb2.filename', 'string', 'Filename'],
  ['smb2.create.disposition', 'uint', 'Disposition'],
  ['smb2.create.action', 'uint', 'Create Action'],
  ['smb2.fid', 'string', 'File Id'],
  ['smb2.read_length', 'uint', 'Read Length'],
  ['smb2.write_length', 'uint', 'Write Length'],
  ['smb2.file_offset', 'uint', 'File Offset'],
  ['smb2.ioctl.function', 'uint', 'Function', HEX32],
  ['smb2.class', 'uint', 'Class', HEX8],
  ['smb2.header.transform.signature', 'bytes', 'Signature'],
  ['smb2.header.transform.nonce', 'bytes', 'Nonce'],
  ['smb2.header.transform.msg_size', 'uint', 'Message size'],
  ['smb2.header.transform.flags', 'uint', 'Flags', HEX16],
  ['smb2.header.transform.flags.encrypted', 'bool', 'Encrypted'],
  ['smb2.header.transform.enc_data', 'bytes', 'Data'],
]);

/** What one connection taught us: tree paths by tree id, file names by file id, requests waiting for their response. */
interface Conv {
  trees: Bounded<number, { name: string; type: number }>;
  files: Bounded<string, string>;
  pending: Bounded<number, { cmd: number; name: string; tree?: string; cls?: number; extra?: string }>;
}
const convState = perConversation<Conv>(() => ({ trees: new Bounded(256), files: new Bounded(1024), pending: new Bounded(1024) }));
const conv = (ctx: Ctx, st: State): Conv => convState(st, convKey(ctx));

const hex16 = (v: bigint): string => '0x' + v.toString(16).padStart(16, '0');
const u64le = (d: Uint8Array, o: number): bigint => BigInt(u32le(d, o)) | (BigInt(u32le(d, o + 4)) << 32n);

/** SMB2 messages of one NBSS PDU: a compound chain, each linked by its NextCommand offset. */
export function dissectSmb2(ctx: Ctx, st: State, off: number, end: number): void {
  const c = conv(ctx, st);
  const infos: string[] = [];
  const before = ctx.protocols.length;
  let o = off;
  // each step moves forward by at least 64 bytes or stops: the chain ends
  for (let n = 0; n < 64; n++) {
    const next = message(ctx, st, c, o, end, infos);
    if (next <= 0 || o + next >= end) break;
    o += next;
  }
  // a pipe's DCE/RPC names the columns itself, as the innermost protocol does in tshark
  if (ctx.protocols.indexOf('dcerpc', before) >= 0) return;
  ctx.protocol = 'SMB2';
  ctx.info = infos.join('; ');
}

/** One message at [o, end): its fields; returns its NextCommand offset (0 for the last). */
function message(ctx: Ctx, st: State, c: Conv, o: number, end: number, infos: string[]): number {
  const d = ctx.d;
  const l = ctx.layer('smb2', o, end - o);
  if (end - o < 64) { ctx.malformedAt('smb2', `SMB2 header cut short (${end - o} of 64 bytes)`, o, end - o); infos.push('Malformed SMB2'); return 0; }
  const hdr = ctx.add(l, 'smb2.protocol_id', u32le(d, o) === 0x424d53fe ? 0xfe534d42 : u32le(d, o), o, 4);
  void hdr;
  const flags = u32le(d, o + 16);
  const response = (flags & 1) !== 0, async = (flags & 2) !== 0;
  const status = u32le(d, o + 8), cmd = u16le(d, o + 12), nextCmd = u32le(d, o + 20);
  ctx.add(l, 'smb2.header_len', u16le(d, o + 4), o + 4, 2);
  ctx.add(l, 'smb2.credit.charge', u16le(d, o + 6), o + 6, 2);
  if (response) ctx.add(l, 'smb2.nt_status', status, o + 8, 4);
  else ctx.add(l, 'smb2.channel_sequence', u16le(d, o + 8), o + 8, 2);
  ctx.add(l, 'smb2.cmd', cmd, o + 12, 2);
  ctx.add(l, response ? 'smb2.credits.granted' : 'smb2.credits.requested', u16le(d, o + 14), o + 14, 2);
  const fl = ctx.add(l, 'smb2.flags', flags, o + 16, 4);
  ctx.sub(fl, 'smb2.flags.response', response, o + 16, 4);
  ctx.sub(fl, 'smb2.flags.async', async, o + 16, 4);
  ctx.sub(fl, 'smb2.flags.chained', (flags & 4) !== 0, o + 16, 4);
  ctx.sub(fl, 'smb2.flags.signature', (flags & 8) !== 0, o + 16, 4);
  ctx.sub(fl, 'smb2.flags.dfs', (flags & 0x10000000) !== 0, o + 16, 4);
  ctx.sub(fl, 'smb2.flags.replay', (flags & 0x20000000) !== 0, o + 16, 4);
  ctx.add(l, 'smb2.chain_offset', nextCmd, o + 20, 4);
  const msgId = u64le(d, o + 24);
  ctx.add(l, 'smb2.msg_id', msgId === 0xffffffffffffffffn ? -1 : Number(msgId), o + 24, 8);
  let tid = 0;
  if (async) ctx.add(l, 'smb2.aid', hex16(u64le(d, o + 32)), o + 32, 8);
  else {
    tid = u32le(d, o + 36);
    ctx.add(l, 'smb2.pid', u32le(d, o + 32), o + 32, 4);
    ctx.add(l, 'smb2.tid', tid, o + 36, 4);
  }
  ctx.add(l, 'smb2.sesid', hex16(u64le(d, o + 40)), o + 40, 8);
  ctx.add(l, 'smb2.signature', d.subarray(o + 48, o + 64), o + 48, 16);
  const msgEnd = nextCmd > 0 && o + nextCmd <= end ? o + nextCmd : end;
  if (nextCmd > 0 && (nextCmd < 64 || o + nextCmd > end)) ctx.malformedAt('smb2', `NextCommand ${nextCmd} is outside the message`, o + 20, 4);
  const t = tid !== 0 ? c.trees.get(tid) : undefined;
  const tree = t?.name;
  let info = `${CMD_NAMES[cmd] ?? `Unknown (${cmd})`} ${response ? 'Response' : 'Request'}`;
  if (response && status !== 0) info += `, Error: ${ntStatusName(status)}`;
  const key = Number(msgId & 0xffffffffn);
  const b = o + 64;
  const body = { ctx, st, c, l, d, o, b, end: msgEnd, response, status, key, tree };
  const extra = (response ? responseBody : requestBody)(cmd, body);
  if (t !== undefined && (cmd !== 3 || response)) {
    ctx.gen(l, 'smb2.tree', t.name);
    ctx.gen(l, 'smb2.share_type', t.type);
  }
  infos.push(info + extra);
  l.len = msgEnd - o;
  return nextCmd;
}

interface Body { ctx: Ctx; st: State; c: Conv; l: FieldNode; d: Uint8Array; o: number; b: number; end: number; response: boolean; status: number; key: number; tree: string | undefined }

const has = (x: Body, n: number): boolean => x.b + n <= x.end;
function fid(x: Body, at: number): string | undefined {
  if (!has(x, at + 16)) return undefined;
  const g = guidLe(x.d, x.b + at);
  x.ctx.add(x.l, 'smb2.fid', g, x.b + at, 16);
  return g;
}
const fileInfo = (x: Body, g: string | undefined): string => (g !== undefined ? ` File: ${x.c.files.get(g) ?? ''}` : '');
const isPipe = (x: Body, g: string | undefined): boolean => x.tree !== undefined && /\\IPC\$$/i.test(x.tree) && g !== undefined;

/** A security blob at a header-relative offset: the field, then GSS-API inside it. */
function blob(x: Body, offAt: number, lenAt: number): string {
  const bo = u16le(x.d, x.b + offAt), bl = u16le(x.d, x.b + lenAt);
  // (an empty blob is still shown, as tshark does)
  if (bl === 0) { x.ctx.add(x.l, 'smb2.security_blob', x.d.subarray(x.b, x.b), x.b + offAt, 0); return ''; }
  const s = x.o + bo;
  if (bo < 64 || s + bl > x.end) { x.ctx.malformedAt('smb2', `security blob (${bl} bytes at ${bo}) is outside the message`, x.b + offAt, 4); return ''; }
  x.ctx.add(x.l, 'smb2.security_blob', x.d.subarray(s, s + bl), s, bl);
  dissectSecurityBlob(x.ctx, x.st, s, s + bl);
  return takeAuthInfo(x.ctx);
}

function secMode(x: Body, at: number): void {
  const v = x.d[x.b + at];
  const f = x.ctx.add(x.l, 'smb2.sec_mode', v, x.b + at, 1);
  x.ctx.sub(f, 'smb2.sec_mode.sign_enabled', (v & 1) !== 0, x.b + at, 1);
  x.ctx.sub(f, 'smb2.sec_mode.sign_required', (v & 2) !== 0, x.b + at, 1);
}

function requestBody(cmd: number, x: Body): string {
  const { ctx, l, d, b } = x;
  if (!has(x, 2)) return '';
  ctx.add(l, 'smb2.buffer_code', u16le(d, b), b, 2);
  switch (cmd) {
    case 0: {
      if (!has(x, 36)) break;
      const n = u16le(d, b + 2);
      ctx.add(l, 'smb2.dialect_count', n, b + 2, 2);
      secMode(x, 4);
      ctx.add(l, 'smb2.capabilities', u32le(d, b + 8), b + 8, 4);
      ctx.add(l, 'smb2.client_guid', guidLe(d, b + 12), b + 12, 16);
      for (let i = 0; i < n && has(x, 36 + 2 * i + 2); i++) ctx.add(l, 'smb2.dialect', u16le(d, b + 36 + 2 * i), b + 36 + 2 * i, 2);
      break;
    }
    case 1: {
      if (!has(x, 24)) break;
      secMode(x, 3);
      ctx.add(l, 'smb2.capabilities', u32le(d, b + 4), b + 4, 4);
      ctx.add(l, 'smb2.previous_sesid', hex16(u64le(d, b + 16)), b + 16, 8);
      const a = blob(x, 12, 14);
      return a ? `, ${a}` : '';
    }
    case 3: {
      if (!has(x, 8)) break;
      const po = u16le(d, b + 4), pl = u16le(d, b + 6);
      const s = x.o + po;
      if (s + pl > x.end || po < 64) { ctx.malformedAt('smb2', 'tree path is outside the message', b + 4, 4); break; }
      const path = utf16le(d, s, s + pl);
      ctx.add(l, 'smb2.tree', path, s, pl);
      x.c.pending.set(x.key, { cmd, name: path });
      return ` Tree: ${path}`;
    }
    case 5: {
      if (!has(x, 56)) break;
      ctx.add(l, 'smb2.create.disposition', u32le(d, b + 36), b + 36, 4);
      const no = u16le(d, b + 44), nl = u16le(d, b + 46);
      const s = x.o + no;
      let name = '';
      if (nl > 0) {
        if (no < 64 || s + nl > x.end) { ctx.malformedAt('smb2', 'file name is outside the message', b + 44, 4); break; }
        name = utf16le(d, s, s + nl);
        ctx.add(l, 'smb2.filename', name, s, nl);
      }
      x.c.pending.set(x.key, { cmd, name, tree: x.tree });
      return ` File: ${name}`;
    }
    case 6: case 7: case 10: case 15: return fileInfo(x, fid(x, 8));
    case 14: {
      if (!has(x, 32)) break;
      // (the find info level is its own field in tshark, not smb2.class)
      const cls = d[b + 2];
      const fi = fileInfo(x, fid(x, 8));
      const no = u16le(d, b + 24), nl = u16le(d, b + 26);
      const pat = no >= 64 && x.o + no + nl <= x.end ? utf16le(d, x.o + no, x.o + no + nl) : '';
      const extra = ` ${FIND_CLASSES[cls] ?? `Unknown (0x${cls.toString(16)})`} Pattern: ${pat}`;
      x.c.pending.set(x.key, { cmd, name: '', extra });
      return fi + extra;
    }
    case 8: {
      if (!has(x, 32)) break;
      const len = u32le(d, b + 4), offset = Number(u64le(d, b + 8));
      ctx.add(l, 'smb2.read_length', len, b + 4, 4);
      ctx.add(l, 'smb2.file_offset', offset, b + 8, 8);
      const g = fid(x, 16);
      x.c.pending.set(x.key, { cmd, name: g ?? '', tree: x.tree });
      return ` Len:${len} Off:${offset}${fileInfo(x, g)}`;
    }
    case 9: {
      if (!has(x, 32)) break;
      const dataOff = u16le(d, b + 2), len = u32le(d, b + 4), offset = Number(u64le(d, b + 8));
      ctx.add(l, 'smb2.write_length', len, b + 4, 4);
      ctx.add(l, 'smb2.file_offset', offset, b + 8, 8);
      const g = fid(x, 16);
      payload(x, g, x.o + dataOff, Math.min(x.end, x.o + dataOff + len));
      return ` Len:${len} Off:${offset}${fileInfo(x, g)}`;
    }
    case 11: {
      if (!has(x, 56)) break;
      const code = u32le(d, b + 4);
      ctx.add(l, 'smb2.ioctl.function', code, b + 4, 4);
      const g = fid(x, 8);
      x.c.pending.set(x.key, { cmd, name: g ?? '', tree: x.tree });
      const io = u32le(d, b + 24), ic = u32le(d, b + 28);
      if (code === FSCTL_PIPE_TRANSCEIVE) payload(x, g, x.o + io, Math.min(x.end, x.o + io + ic));
      const name = FSCTL[code] ?? `Unknown (0x${code.toString(16).padStart(8, '0')})`;
      // a DFS referral request names its path after the 2-byte level
      if (code === FSCTL_DFS_GET_REFERRALS && io >= 64 && x.o + io + ic <= x.end && ic > 2) return ` ${name}, File: ${utf16le(d, x.o + io + 2, x.o + io + ic)}`;
      return ` ${name}${fileInfo(x, g)}`;
    }
    case 16: {
      if (!has(x, 40)) break;
      const cls = d[b + 2], level = d[b + 3];
      ctx.add(l, 'smb2.class', cls, b + 2, 1);
      x.c.pending.set(x.key, { cmd, name: '', cls });
      const levels = cls === 1 ? FILE_LEVELS : cls === 2 ? FS_LEVELS : {};
      const what = cls === 3 ? 'SEC_INFO/SMB2_SEC_INFO_00' : `${INFO_CLASSES[cls] ?? `Unknown (0x${cls.toString(16)})`}/${levels[level] ?? `Unknown (0x${level.toString(16).padStart(2, '0')})`}`;
      return ` ${what}${fileInfo(x, fid(x, 24))}`;
    }
    case 17: {
      if (!has(x, 32)) break;
      ctx.add(l, 'smb2.class', d[b + 2], b + 2, 1);
      return fileInfo(x, fid(x, 16));
    }
  }
  return '';
}

function responseBody(cmd: number, x: Body): string {
  const { ctx, l, d, b, c } = x;
  const req = c.pending.get(x.key);
  // an interim STATUS_PENDING answer leaves the request waiting for its real response
  if (req && req.cmd === cmd && x.status !== 0x103) c.pending.delete(x.key);
  // an async response has no tree id: its request's tree
  if (x.tree === undefined && req?.cmd === cmd) x.tree = req.tree;
  if (!has(x, 2)) return '';
  const sc = u16le(d, b);
  ctx.add(l, 'smb2.buffer_code', sc, b, 2);
  // an error response has its own 9-byte body (MS-SMB2 2.2.2)
  if (x.status !== 0 && x.status !== 0xc0000016 && sc === 9 && cmd !== 1) return cmd === 14 && req?.cmd === 14 ? req.extra ?? '' : '';
  switch (cmd) {
    case 0: {
      if (!has(x, 64)) break;
      secMode(x, 2);
      ctx.add(l, 'smb2.dialect', u16le(d, b + 4), b + 4, 2);
      ctx.add(l, 'smb2.server_guid', guidLe(d, b + 8), b + 8, 16);
      ctx.add(l, 'smb2.capabilities', u32le(d, b + 24), b + 24, 4);
      ctx.add(l, 'smb2.max_trans_size', u32le(d, b + 28), b + 28, 4);
      blob(x, 56, 58);
      break;
    }
    case 1: {
      if (!has(x, 8)) break;
      const sf = u16le(d, b + 2);
      const f = ctx.add(l, 'smb2.session_flags', sf, b + 2, 2);
      ctx.sub(f, 'smb2.ses_flags.guest', (sf & 1) !== 0, b + 2, 2);
      ctx.sub(f, 'smb2.ses_flags.null', (sf & 2) !== 0, b + 2, 2);
      ctx.sub(f, 'smb2.ses_flags.encrypt', (sf & 4) !== 0, b + 2, 2);
      const a = blob(x, 4, 6);
      return a ? `, ${a}` : '';
    }
    case 3: {
      if (!has(x, 16)) break;
      ctx.add(l, 'smb2.share_type', d[b + 2], b + 2, 1);
      ctx.add(l, 'smb2.share_flags', u32le(d, b + 4), b + 4, 4);
      const tid = u32le(d, x.o + 36);
      if (req && req.cmd === 3 && x.status === 0) c.trees.set(tid, { name: req.name, type: d[b + 2] });
      break;
    }
    case 5: {
      if (!has(x, 88)) break;
      ctx.add(l, 'smb2.create.action', u32le(d, b + 4), b + 4, 4);
      const g = fid(x, 64);
      if (req && req.cmd === 5 && g !== undefined) c.files.set(g, req.name);
      return ` File: ${req?.cmd === 5 ? req.name : ''}`;
    }
    case 14: if (req?.cmd === 14) return req.extra ?? ''; break;
    case 16: if (req?.cmd === 16 && req.cls !== undefined) ctx.gen(l, 'smb2.class', req.cls); break;
    case 8: {
      if (!has(x, 16)) break;
      const dataOff = d[b + 2], len = u32le(d, b + 4);
      const g = req?.cmd === 8 ? req.name : undefined;
      if (len > 0) payload(x, g, x.o + dataOff, Math.min(x.end, x.o + dataOff + len));
      break;
    }
    case 11: {
      if (!has(x, 48)) break;
      const code = u32le(d, b + 4);
      ctx.add(l, 'smb2.ioctl.function', code, b + 4, 4);
      const g = fid(x, 8);
      // tshark 4.0 shows the response's ioctl flags under smb2.flags
      ctx.add(l, 'smb2.flags', u32le(d, b + 40), b + 40, 4);
      if (code === FSCTL_PIPE_TRANSCEIVE) {
        const oo = u32le(d, b + 32), oc = u32le(d, b + 36);
        payload(x, g, x.o + oo, Math.min(x.end, x.o + oo + oc));
      }
      break;
    }
  }
  return '';
}

/** File or pipe bytes: DCE/RPC on a pipe, data otherwise. */
function payload(x: Body, g: string | undefined, s: number, e: number): void {
  if (s < x.o + 64 || s >= e) return;
  const next = isPipe(x, g) ? SMB_PIPE.get(x.d[s]) : undefined;
  if (next) { PIPE_CONTEXT.key = `smb2|${convKey(x.ctx)}|${g}`; next(x.ctx, x.st, s, e); }
  else dissectData(x.ctx, s, e);
}

/** The SMB3 transform header (0xfd 'SMB'): an encrypted message, shown by its header only. */
function dissectTransform(ctx: Ctx, _st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('smb2', off, end - off);
  ctx.protocol = 'SMB2';
  ctx.info = 'Encrypted SMB3';
  if (end - off < 52) { ctx.malformedAt('smb2', `SMB3 transform header cut short (${end - off} of 52 bytes)`, off, end - off); return; }
  ctx.add(l, 'smb2.protocol_id', 0xfd534d42, off, 4);
  ctx.add(l, 'smb2.header.transform.signature', d.subarray(off + 4, off + 20), off + 4, 16);
  ctx.add(l, 'smb2.header.transform.nonce', d.subarray(off + 20, off + 36), off + 20, 16);
  const size = u32le(d, off + 36);
  ctx.add(l, 'smb2.header.transform.msg_size', size, off + 36, 4);
  const fl = u16le(d, off + 42);
  const f = ctx.add(l, 'smb2.header.transform.flags', fl, off + 42, 2);
  ctx.sub(f, 'smb2.header.transform.flags.encrypted', (fl & 1) !== 0, off + 42, 2);
  ctx.add(l, 'smb2.sesid', hex16(u64le(d, off + 44)), off + 44, 8);
  const e = Math.min(end, off + 52 + size);
  if (off + 52 + size > end) ctx.malformedAt('smb2', `encrypted message size ${size} runs past the PDU`, off + 36, 4);
  ctx.add(l, 'smb2.header.transform.enc_data', d.subarray(off + 52, e), off + 52, e - off - 52);
}

NBSS_PAYLOAD.add(0xfe, dissectSmb2);
NBSS_PAYLOAD.add(0xfd, dissectTransform);
