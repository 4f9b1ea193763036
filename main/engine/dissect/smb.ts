// SMB (CIFS, MS-CIFS/MS-SMB) inside NBSS or NBDS: the 32-byte header
// (command, NT status, flags, tree/user/process/multiplex ids), AndX
// chains, and the commands that name things: Negotiate's dialects and
// security blob, Session Setup AndX (GSS-API/NTLMSSP, native OS), Tree
// Connect AndX paths, NT Create AndX file names and FIDs, Read/Write AndX,
// Close, and named-pipe transactions handed to SMB_PIPE (DCE/RPC). Tree
// paths and file names are remembered per connection (bounded), so later
// messages show them as tshark does. Fields and Info as tshark 4.0.
import type { Ctx, FieldNode } from './context';
import { openLayer } from './prologue';
import type { State } from './state';
import { declare, HEX8, HEX16, HEX32 } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { dissectData } from './data';
import { ntStatusName, utf16le } from './ntstatus';
import { dissectSecurityBlob, takeAuthInfo } from './gssapi';
import { convKey, Bounded, perConversation } from './conv';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { NBSS_PAYLOAD, SMB_PIPE, PIPE_CONTEXT } = tables;
const { u16le, u32le, latin1 } = readers;

const CMDS: Record<number, string> = {
  0x00: 'Create Directory', 0x01: 'Delete Directory', 0x02: 'Open', 0x03: 'Create', 0x04: 'Close', 0x05: 'Flush', 0x06: 'Delete',
  0x07: 'Rename', 0x08: 'Query Information', 0x09: 'Set Information', 0x0a: 'Read', 0x0b: 'Write', 0x0c: 'Lock Byte Range',
  0x0d: 'Unlock Byte Range', 0x10: 'Check Directory', 0x12: 'Seek', 0x1d: 'Write Raw', 0x22: 'Set Information2',
  0x23: 'Query Information2', 0x24: 'Locking AndX', 0x25: 'Trans', 0x26: 'Trans Secondary', 0x2b: 'Echo', 0x2d: 'Open AndX',
  0x2e: 'Read AndX', 0x2f: 'Write AndX', 0x31: 'Close and Tree Disconnect', 0x32: 'Trans2', 0x33: 'Trans2 Secondary',
  0x34: 'Find Close2', 0x70: 'Tree Connect', 0x71: 'Tree Disconnect', 0x72: 'Negotiate Protocol', 0x73: 'Session Setup AndX',
  0x74: 'Logoff AndX', 0x75: 'Tree Connect AndX', 0x80: 'Query Information Disk', 0x81: 'Search', 0xa0: 'NT Trans',
  0xa1: 'NT Trans Secondary', 0xa2: 'NT Create AndX', 0xa4: 'NT Cancel', 0xa5: 'NT Rename', 0xff: 'No further commands',
};
const TRANS2: Record<number, string> = {
  0: 'OPEN2', 1: 'FIND_FIRST2', 2: 'FIND_NEXT2', 3: 'QUERY_FS_INFO', 4: 'SET_FS_INFO', 5: 'QUERY_PATH_INFO', 6: 'SET_PATH_INFO',
  7: 'QUERY_FILE_INFO', 8: 'SET_FILE_INFO', 9: 'FSCTL', 10: 'IOCTL2', 11: 'FIND_NOTIFY_FIRST', 12: 'FIND_NOTIFY_NEXT',
  13: 'CREATE_DIRECTORY', 14: 'SESSION_SETUP', 16: 'GET_DFS_REFERRAL', 17: 'REPORT_DFS_INCONSISTENCY',
};
const ANDX = new Set([0x24, 0x2d, 0x2e, 0x2f, 0x73, 0x74, 0x75, 0xa2]);
const FLAGS2_UNICODE = 0x8000, FLAGS2_NT_ERROR = 0x4000, FLAGS2_ESN = 0x0800;

declare('smb', 'SMB (Server Message Block Protocol)', [
  ['smb.cmd', 'uint', 'SMB Command', { ...HEX8, valueNames: CMDS }],
  ['smb.nt_status', 'uint', 'NT Status', HEX32],
  ['smb.error_class', 'uint', 'Error Class', HEX8],
  ['smb.error_code', 'uint', 'Error Code', HEX16],
  ['smb.flags', 'uint', 'Flags', HEX8],
  ['smb.flags.response', 'bool', 'Request/Response'],
  ['smb.flags2', 'uint', 'Flags2', HEX16],
  ['smb.flags2.string', 'bool', 'Unicode Strings'],
  ['smb.flags2.nt_error', 'bool', 'Error Code Type'],
  ['smb.flags2.esn', 'bool', 'Extended Security Negotiation'],
  ['smb.flags2.sec_sig', 'bool', 'Security Signatures'],
  ['smb.pid.high', 'uint', 'Process ID High'],
  ['smb.signature', 'bytes', 'Signature'],
  ['smb.tid', 'uint', 'Tree ID'],
  ['smb.pid', 'uint', 'Process ID'],
  ['smb.uid', 'uint', 'User ID'],
  ['smb.mid', 'uint', 'Multiplex ID'],
  ['smb.wct', 'uint', 'Word Count (WCT)'],
  ['smb.bcc', 'uint', 'Byte Count (BCC)'],
  ['smb.andxoffset', 'uint', 'AndXOffset'],
  ['smb.buffer_format', 'uint', 'Buffer Format'],
  ['smb.dialect', 'string', 'Dialect'],
  ['smb.dialect.name', 'string', 'Name'],
  ['smb.dialect.index', 'uint', 'Selected Index'],
  ['smb.max_mpx_count', 'uint', 'Max Mpx Count'],
  ['smb.max_bufsize', 'uint', 'Max Buffer Size'],
  ['smb.max_buf', 'uint', 'Max Buffer'],
  ['smb.session_key', 'uint', 'Session Key', HEX32],
  ['smb.server_guid', 'string', 'Server GUID'],
  ['smb.security_blob_len', 'uint', 'Security Blob Length'],
  ['smb.security_blob', 'bytes', 'Security Blob'],
  ['smb.native_os', 'string', 'Native OS'],
  ['smb.native_lanman', 'string', 'Native LAN Manager'],
  ['smb.account', 'string', 'Account'],
  ['smb.primary_domain', 'string', 'Primary Domain'],
  ['smb.password', 'bytes', 'Password'],
  ['smb.path', 'string', 'Path'],
  ['smb.service', 'string', 'Service'],
  ['smb.file', 'string', 'File Name'],
  ['smb.fid', 'uint', 'FID', HEX16],
  ['smb.access_mask', 'uint', 'Access Mask', HEX32],
  ['smb.share_access', 'uint', 'Share Access', HEX32],
  ['smb.create.disposition', 'uint', 'Disposition'],
  ['smb.trans2.cmd', 'uint', 'Subcommand', { ...HEX16, valueNames: TRANS2 }],
  ['smb.trans_name', 'string', 'Transaction Name'],
]);
declare('smb_pipe', 'SMB Pipe Protocol', [
  ['smb_pipe.function', 'uint', 'Function', { ...HEX16, valueNames: { 0x26: 'TransactNmPipe', 0x53: 'WaitNmPipe', 0x54: 'CallNmPipe' } }],
]);

interface Conv {
  trees: Bounded<number, string>;
  files: Bounded<number, string>;
  /** requests waiting for their response, by multiplex id */
  pending: Bounded<number, { cmd: number; name: string; fid: number }>;
}
const convState = perConversation<Conv>(() => ({ trees: new Bounded(256), files: new Bounded(1024), pending: new Bounded(1024) }));
const conv = (ctx: Ctx, st: State): Conv => convState(st, convKey(ctx));

const hexb = (d: Uint8Array, s: number, e: number): string => Array.from(d.subarray(s, e), (v) => v.toString(16).padStart(2, '0')).join('');
const guidBe = (d: Uint8Array, o: number): string => `${hexb(d, o, o + 4)}-${hexb(d, o + 4, o + 6)}-${hexb(d, o + 6, o + 8)}-${hexb(d, o + 8, o + 10)}-${hexb(d, o + 10, o + 16)}`;
const hex4 = (v: number): string => '0x' + v.toString(16).padStart(4, '0');

interface Cmd {
  ctx: Ctx; st: State; c: Conv; l: FieldNode; d: Uint8Array;
  /** the SMB header's first byte (offsets in the message are from here), the message end */
  o: number; end: number;
  response: boolean; unicode: boolean; tid: number; mid: number;
  /** words and bytes of this command block */
  w: number; wct: number; b: number; bcc: number;
}

/** A NUL-terminated string at `s` (UTF-16LE when unicode, aligned to 2 from the header), bounded by `e`: text and the end past its NUL. */
function zstr(x: Cmd, s: number, e: number, unicode: boolean): [string, number, number] {
  const d = x.d;
  if (unicode) {
    if ((s - x.o) & 1) s++;
    let p = s;
    while (p + 1 < e && (d[p] | d[p + 1]) !== 0) p += 2;
    return [utf16le(d, s, p), s, Math.min(e, p + 2)];
  }
  let p = s;
  while (p < e && d[p] !== 0) p++;
  return [latin1(d, s, p), s, Math.min(e, p + 1)];
}

export function dissectSmb(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = openLayer(ctx, 'smb', 'SMB', off, end, 35);
  if (!l) { ctx.info = 'Malformed SMB'; return; }
  const c = conv(ctx, st);
  let cmd = d[off + 4];
  const status = u32le(d, off + 5), flags = d[off + 9], flags2 = u16le(d, off + 10);
  const response = (flags & 0x80) !== 0, nt = (flags2 & FLAGS2_NT_ERROR) !== 0;
  const tid = u16le(d, off + 24), mid = u16le(d, off + 30);
  ctx.add(l, 'smb.cmd', cmd, off + 4, 1);
  if (nt) ctx.add(l, 'smb.nt_status', status, off + 5, 4);
  else { ctx.add(l, 'smb.error_class', d[off + 5], off + 5, 1); ctx.add(l, 'smb.error_code', u16le(d, off + 7), off + 7, 2); }
  const fl = ctx.add(l, 'smb.flags', flags, off + 9, 1);
  ctx.sub(fl, 'smb.flags.response', response, off + 9, 1);
  const f2 = ctx.add(l, 'smb.flags2', flags2, off + 10, 2);
  ctx.sub(f2, 'smb.flags2.string', (flags2 & FLAGS2_UNICODE) !== 0, off + 10, 2);
  ctx.sub(f2, 'smb.flags2.nt_error', nt, off + 10, 2);
  ctx.sub(f2, 'smb.flags2.esn', (flags2 & FLAGS2_ESN) !== 0, off + 10, 2);
  ctx.sub(f2, 'smb.flags2.sec_sig', (flags2 & 4) !== 0, off + 10, 2);
  ctx.add(l, 'smb.pid.high', u16le(d, off + 12), off + 12, 2);
  ctx.add(l, 'smb.signature', d.subarray(off + 14, off + 22), off + 14, 8);
  ctx.add(l, 'smb.tid', tid, off + 24, 2);
  ctx.add(l, 'smb.pid', u16le(d, off + 26), off + 26, 2);
  ctx.add(l, 'smb.uid', u16le(d, off + 28), off + 28, 2);
  ctx.add(l, 'smb.mid', mid, off + 30, 2);
  const path = c.trees.get(tid);
  const parts: string[] = [];
  const before = ctx.protocols.length;
  let info = `${CMDS[cmd] ?? `Unknown (0x${cmd.toString(16)})`} ${response ? 'Response' : 'Request'}`;
  let p = off + 32;
  // an AndX chain: each block names the next command and where it starts (always further on)
  for (let n = 0; n < 8; n++) {
    const wct = d[p];
    const w = p + 1;
    if (w + 2 * wct + 2 > end) { ctx.malformedAt('smb', `word count ${wct} runs past the message`, p, end - p); break; }
    ctx.add(l, 'smb.wct', wct, p, 1);
    const bcc = u16le(d, w + 2 * wct);
    ctx.add(l, 'smb.bcc', bcc, w + 2 * wct, 2);
    const b = w + 2 * wct + 2;
    const x: Cmd = { ctx, st, c, l, d, o: off, end, response, unicode: (flags2 & FLAGS2_UNICODE) !== 0, tid, mid, w, wct, b, bcc: Math.min(bcc, end - b) };
    if (bcc > end - b) ctx.malformedAt('smb', `byte count ${bcc} runs past the message`, w + 2 * wct, 2);
    const extra = command(cmd, x, path);
    if (extra) parts.push(extra);
    if (!ANDX.has(cmd) || wct < 2) break;
    const next = d[w], nextOff = u16le(d, w + 2);
    ctx.add(l, 'smb.cmd', next, w, 1);
    ctx.add(l, 'smb.andxoffset', nextOff, w + 2, 2);
    if (next === 0xff) break;
    if (off + nextOff <= p || off + nextOff >= end) { ctx.malformedAt('smb', `AndX offset ${nextOff} does not move forward`, w + 2, 2); break; }
    p = off + nextOff;
    cmd = next;
  }
  if (path !== undefined && !(d[off + 4] === 0x75 && !response)) ctx.gen(l, 'smb.path', path);
  info += parts.join('');
  if (nt && status !== 0) info += `, Error: ${ntStatusName(status)}`;
  // a pipe's DCE/RPC names the columns itself, as the innermost protocol does in tshark
  if (ctx.protocols.indexOf('dcerpc', before) >= 0) return;
  ctx.protocol = 'SMB';
  ctx.info = info;
}

/** One command block; returns its Info text. */
function command(cmd: number, x: Cmd, path: string | undefined): string {
  const { ctx, l, d, w, wct, b, bcc, response, c } = x;
  const be = b + bcc;
  switch (cmd) {
    case 0x72: {
      if (!response) {
        let p = b;
        // each dialect is a buffer format byte (2) and a NUL-terminated name
        while (p < be) {
          ctx.add(l, 'smb.buffer_format', d[p], p, 1);
          const [name, s, e] = zstr(x, p + 1, be, false);
          const f = ctx.add(l, 'smb.dialect', name, p, e - p);
          ctx.sub(f, 'smb.dialect.name', name, s, e - s - 1);
          p = e;
        }
        return '';
      }
      if (wct < 1) return '';
      ctx.add(l, 'smb.dialect.index', u16le(d, w), w, 2);
      if (wct === 17) {
        ctx.add(l, 'smb.max_mpx_count', u16le(d, w + 3), w + 3, 2);
        ctx.add(l, 'smb.max_bufsize', u32le(d, w + 7), w + 7, 4);
        ctx.add(l, 'smb.session_key', u32le(d, w + 15), w + 15, 4);
        const caps = u32le(d, w + 19);
        if (caps & 0x80000000 && bcc >= 16) {
          // tshark shows SMB1's server GUID in byte order (SMB2's in GUID order)
          ctx.add(l, 'smb.server_guid', guidBe(d, b), b, 16);
          if (bcc > 16) { securityBlob(x, b + 16, be); takeAuthInfo(x.ctx); }
        }
      }
      return '';
    }
    case 0x73: {
      let p = b;
      let blobLen = -1;
      if (!response && wct === 12) blobLen = u16le(d, w + 14);
      else if (response && wct === 4) blobLen = u16le(d, w + 6);
      let auth = '';
      if (!response && wct >= 12) {
        // (Session Setup's is the client's 16-bit Max Buffer; Max Buffer Size is Negotiate's 32-bit one)
        ctx.add(l, 'smb.max_buf', u16le(d, w + 4), w + 4, 2);
        ctx.add(l, 'smb.max_mpx_count', u16le(d, w + 6), w + 6, 2);
        ctx.add(l, 'smb.session_key', u32le(d, w + 10), w + 10, 4);
      }
      if (blobLen >= 0) {
        ctx.add(l, 'smb.security_blob_len', blobLen, response ? w + 6 : w + 14, 2);
        const e = Math.min(be, b + blobLen);
        securityBlob(x, b, e);
        auth = takeAuthInfo(x.ctx);
        p = e;
      } else if (!response && wct === 13) {
        // plain (non-extended) session setup: two passwords, then account and domain
        p = b + u16le(d, w + 14) + u16le(d, w + 16);
        const [acct, s1, e1] = zstr(x, p, be, x.unicode);
        ctx.add(l, 'smb.account', acct, s1, e1 - s1);
        const [dom, s2, e2] = zstr(x, e1, be, x.unicode);
        ctx.add(l, 'smb.primary_domain', dom, s2, e2 - s2);
        p = e2;
        auth = `User: ${dom}\\${acct}`;
      }
      if (p < be) {
        const [os, s1, e1] = zstr(x, p, be, x.unicode);
        ctx.add(l, 'smb.native_os', os, s1, e1 - s1);
        if (e1 < be) {
          const [lm, s2, e2] = zstr(x, e1, be, x.unicode);
          ctx.add(l, 'smb.native_lanman', lm, s2, e2 - s2);
          // a response names the server's domain last
          if (response && e2 < be) {
            const [dom, s3, e3] = zstr(x, e2, be, x.unicode);
            ctx.add(l, 'smb.primary_domain', dom, s3, e3 - s3);
          }
        }
      }
      return auth ? `, ${auth}` : '';
    }
    case 0x75: {
      if (!response) {
        if (wct < 4) return '';
        const pl = u16le(d, w + 6);
        const pe = Math.min(be, b + pl);
        ctx.add(l, 'smb.password', d.subarray(b, pe), b, pe - b);
        const [p, s1, e1] = zstr(x, pe, be, x.unicode);
        ctx.add(l, 'smb.path', p, s1, e1 - s1);
        const [svc, s2, e2] = zstr(x, e1, be, false);
        ctx.add(l, 'smb.service', svc, s2, e2 - s2);
        c.pending.set(x.mid, { cmd, name: p, fid: 0 });
        return `, Path: ${p}`;
      }
      const req = c.pending.get(x.mid);
      if (req?.cmd === 0x75) {
        c.pending.delete(x.mid);
        if (u32le(d, x.o + 5) === 0) c.trees.set(u16le(d, x.o + 24), req.name);
      }
      if (bcc > 0) {
        const [svc, s, e] = zstr(x, b, be, false);
        ctx.add(l, 'smb.service', svc, s, e - s);
      }
      return '';
    }
    case 0xa2: {
      if (!response) {
        if (wct < 24) return '';
        ctx.add(l, 'smb.access_mask', u32le(d, w + 15), w + 15, 4);
        ctx.add(l, 'smb.share_access', u32le(d, w + 31), w + 31, 4);
        ctx.add(l, 'smb.create.disposition', u32le(d, w + 35), w + 35, 4);
        const [name, s, e] = zstr(x, b, be, x.unicode);
        ctx.add(l, 'smb.file', name, s, e - s);
        c.pending.set(x.mid, { cmd, name, fid: 0 });
        return `, Path: ${name}`;
      }
      if (wct < 4) return '';
      const fid = u16le(d, w + 5);
      ctx.add(l, 'smb.fid', fid, w + 5, 2);
      const req = c.pending.get(x.mid);
      if (req?.cmd === 0xa2) { c.pending.delete(x.mid); c.files.set(fid, req.name); ctx.gen(l, 'smb.file', req.name); }
      return `, FID: ${hex4(fid)}`;
    }
    case 0x04: {
      if (!response) {
        if (wct < 1) return '';
        const fid = u16le(d, w);
        fidField(x, fid, w);
        c.pending.set(x.mid, { cmd, name: '', fid });
        return `, FID: ${hex4(fid)}`;
      }
      const req = c.pending.get(x.mid);
      if (req?.cmd === 0x04) { c.pending.delete(x.mid); fidField(x, req.fid, -1); return `, FID: ${hex4(req.fid)}`; }
      return '';
    }
    case 0x2e: {
      if (!response) {
        if (wct < 10) return '';
        const fid = u16le(d, w + 4), offset = u32le(d, w + 6) + (wct >= 12 ? u32le(d, w + 20) * 4294967296 : 0);
        fidField(x, fid, w + 4);
        c.pending.set(x.mid, { cmd, name: '', fid });
        return `, FID: ${hex4(fid)}, ${u16le(d, w + 10)} bytes at offset ${offset}`;
      }
      const req = c.pending.get(x.mid);
      if (req?.cmd !== 0x2e || wct < 12) return '';
      c.pending.delete(x.mid);
      fidField(x, req.fid, -1);
      const len = u16le(d, w + 10), doff = u16le(d, w + 12);
      pipeOrData(x, req.fid, x.o + doff, Math.min(x.end, x.o + doff + len));
      return `, FID: ${hex4(req.fid)}, ${len} bytes`;
    }
    case 0x2f: {
      if (!response) {
        if (wct < 12) return '';
        const fid = u16le(d, w + 4), offset = u32le(d, w + 6) + (wct >= 14 ? u32le(d, w + 24) * 4294967296 : 0);
        const len = u16le(d, w + 20) + (u16le(d, w + 18) << 16), doff = u16le(d, w + 22);
        fidField(x, fid, w + 4);
        c.pending.set(x.mid, { cmd, name: '', fid });
        pipeOrData(x, fid, x.o + doff, Math.min(x.end, x.o + doff + len));
        return `, FID: ${hex4(fid)}, ${len} bytes at offset ${offset}`;
      }
      const req = c.pending.get(x.mid);
      if (req?.cmd !== 0x2f || wct < 6) return '';
      c.pending.delete(x.mid);
      fidField(x, req.fid, -1);
      return `, FID: ${hex4(req.fid)}, ${u16le(d, w + 4)} bytes`;
    }
    case 0x32: {
      if (!response) {
        if (wct < 15) return '';
        const sub = u16le(d, w + 28);
        ctx.add(l, 'smb.trans2.cmd', sub, w + 28, 2);
        c.pending.set(x.mid, { cmd, name: '', fid: sub });
        return `, ${TRANS2[sub] ?? `Unknown (0x${sub.toString(16)})`}`;
      }
      const req = c.pending.get(x.mid);
      if (req?.cmd !== 0x32) return '';
      c.pending.delete(x.mid);
      ctx.gen(l, 'smb.trans2.cmd', req.fid);
      return `, ${TRANS2[req.fid] ?? `Unknown (0x${req.fid.toString(16)})`}`;
    }
    case 0x25: return trans(x, path);
  }
  return '';
}

function fidField(x: Cmd, fid: number, at: number): void {
  if (at >= 0) x.ctx.add(x.l, 'smb.fid', fid, at, 2);
  else x.ctx.gen(x.l, 'smb.fid', fid);
  const name = x.c.files.get(fid);
  if (name !== undefined) x.ctx.gen(x.l, 'smb.file', name);
}

const onIpc = (x: Cmd): boolean => /\\IPC\$$/i.test(x.c.trees.get(x.tid) ?? '');

function pipeOrData(x: Cmd, fid: number, s: number, e: number): void {
  if (s < x.o + 32 || s >= e) return;
  // file contents stay inside SMB (tshark's smb.file_data); pipes carry DCE/RPC
  if (!onIpc(x)) return;
  const next = SMB_PIPE.get(x.d[s]);
  if (next) { PIPE_CONTEXT.key = `smb|${convKey(x.ctx)}|${fid}`; next(x.ctx, x.st, s, e); }
  else dissectData(x.ctx, s, e);
}

/** SMB_COM_TRANSACTION on a named pipe (\PIPE\): the pipe function, then the data to DCE/RPC. */
function trans(x: Cmd, _path: string | undefined): string {
  const { ctx, l, d, w, wct, b, bcc, response } = x;
  let ds: number, dc: number, fid: number;
  if (!response) {
    if (wct < 14) return '';
    dc = u16le(d, w + 22); ds = u16le(d, w + 24);
    const [name, s, e] = zstr(x, b, b + bcc, x.unicode);
    ctx.add(l, 'smb.trans_name', name, s, e - s);
    fid = wct >= 16 ? u16le(d, w + 30) : 0;
    x.c.pending.set(x.mid, { cmd: 0x25, name, fid });
    if (!/^\\PIPE\\/i.test(name)) return '';
    const pl = ctx.layer('smb_pipe', w + 28, Math.max(0, Math.min(x.end, x.o + ds + dc) - w - 28));
    if (wct >= 15) ctx.add(pl, 'smb_pipe.function', u16le(d, w + 28), w + 28, 2);
  } else {
    const req = x.c.pending.get(x.mid);
    if (req?.cmd !== 0x25 || wct < 10) return '';
    x.c.pending.delete(x.mid);
    fid = req.fid;
    if (!/^\\PIPE\\/i.test(req.name)) return '';
    dc = u16le(d, w + 12); ds = u16le(d, w + 14);
    ctx.layer('smb_pipe', x.o + ds, Math.max(0, Math.min(x.end, x.o + ds + dc) - x.o - ds));
  }
  const s = x.o + ds, e = Math.min(x.end, s + dc);
  if (dc > 0 && s < e) {
    const next = SMB_PIPE.get(d[s]);
    if (next) { PIPE_CONTEXT.key = `smb|${convKey(ctx)}|${fid}`; next(ctx, x.st, s, e); }
    else dissectData(ctx, s, e);
  }
  return '';
}

function securityBlob(x: Cmd, s: number, e: number): void {
  if (s >= e) return;
  x.ctx.add(x.l, 'smb.security_blob', x.d.subarray(s, e), s, e - s);
  dissectSecurityBlob(x.ctx, x.st, s, e);
}

NBSS_PAYLOAD.add(0xff, dissectSmb);
