// NFS (program 100003: v3 RFC 1813, v4 RFC 7530 COMPOUND) and MOUNT
// (program 100005) on ONC-RPC (rpc.ts): procedures and operations, file
// handles (length and tshark's CRC-32 hash, nfs.fh.hash, which is how
// tshark names a handle in Info), the file names a review reads (nfs.name,
// nfs.pathname.component, mount.path) and statuses. v4 operations are
// walked while their arguments are known; an operation we cannot size ends
// the walk (its opcode is still shown). Fields and Info as tshark 4.0's
// packet-nfs.c / packet-mount.c.
import { crc32 } from 'node:zlib';
import type { Ctx, FieldNode } from './context';
import { declare, HEX32 } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import type { RpcCall } from './tables';
import { xdrOpaque } from './rpc';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { RPC_PROGRAM } = tables;
const { u32, latin1 } = readers;

const V3: Record<number, string> = {
  0: 'NULL', 1: 'GETATTR', 2: 'SETATTR', 3: 'LOOKUP', 4: 'ACCESS', 5: 'READLINK', 6: 'READ', 7: 'WRITE', 8: 'CREATE', 9: 'MKDIR', 10: 'SYMLINK',
  11: 'MKNOD', 12: 'REMOVE', 13: 'RMDIR', 14: 'RENAME', 15: 'LINK', 16: 'READDIR', 17: 'READDIRPLUS', 18: 'FSSTAT', 19: 'FSINFO', 20: 'PATHCONF', 21: 'COMMIT',
};
const STAT3: Record<number, string> = {
  0: 'NFS3_OK', 1: 'NFS3ERR_PERM', 2: 'NFS3ERR_NOENT', 5: 'NFS3ERR_IO', 6: 'NFS3ERR_NXIO', 13: 'NFS3ERR_ACCES', 17: 'NFS3ERR_EXIST', 18: 'NFS3ERR_XDEV',
  19: 'NFS3ERR_NODEV', 20: 'NFS3ERR_NOTDIR', 21: 'NFS3ERR_ISDIR', 22: 'NFS3ERR_INVAL', 27: 'NFS3ERR_FBIG', 28: 'NFS3ERR_NOSPC', 30: 'NFS3ERR_ROFS',
  31: 'NFS3ERR_MLINK', 63: 'NFS3ERR_NAMETOOLONG', 66: 'NFS3ERR_NOTEMPTY', 69: 'NFS3ERR_DQUOT', 70: 'NFS3ERR_STALE', 71: 'NFS3ERR_REMOTE',
  10001: 'NFS3ERR_BADHANDLE', 10002: 'NFS3ERR_NOT_SYNC', 10003: 'NFS3ERR_BAD_COOKIE', 10004: 'NFS3ERR_NOTSUPP', 10005: 'NFS3ERR_TOOSMALL',
  10006: 'NFS3ERR_SERVERFAULT', 10007: 'NFS3ERR_BADTYPE', 10008: 'NFS3ERR_JUKEBOX',
};
const OPS4: Record<number, string> = {
  3: 'ACCESS', 4: 'CLOSE', 5: 'COMMIT', 6: 'CREATE', 7: 'DELEGPURGE', 8: 'DELEGRETURN', 9: 'GETATTR', 10: 'GETFH', 11: 'LINK', 12: 'LOCK', 13: 'LOCKT',
  14: 'LOCKU', 15: 'LOOKUP', 16: 'LOOKUPP', 17: 'NVERIFY', 18: 'OPEN', 19: 'OPENATTR', 20: 'OPEN_CONFIRM', 21: 'OPEN_DOWNGRADE', 22: 'PUTFH', 23: 'PUTPUBFH',
  24: 'PUTROOTFH', 25: 'READ', 26: 'READDIR', 27: 'READLINK', 28: 'REMOVE', 29: 'RENAME', 30: 'RENEW', 31: 'RESTOREFH', 32: 'SAVEFH', 33: 'SECINFO',
  34: 'SETATTR', 35: 'SETCLIENTID', 36: 'SETCLIENTID_CONFIRM', 37: 'VERIFY', 38: 'WRITE', 39: 'RELEASE_LOCKOWNER', 40: 'BACKCHANNEL_CTL',
  41: 'BIND_CONN_TO_SESSION', 42: 'EXCHANGE_ID', 43: 'CREATE_SESSION', 44: 'DESTROY_SESSION', 45: 'FREE_STATEID', 46: 'GET_DIR_DELEGATION',
  47: 'GETDEVINFO', 48: 'GETDEVLIST', 49: 'LAYOUTCOMMIT', 50: 'LAYOUTGET', 51: 'LAYOUTRETURN', 52: 'SECINFO_NO_NAME', 53: 'SEQUENCE', 54: 'SET_SSV',
  55: 'TEST_STATEID', 56: 'WANT_DELEGATION', 57: 'DESTROY_CLIENTID', 58: 'RECLAIM_COMPLETE', 10044: 'ILLEGAL',
};
const STAT4: Record<number, string> = {
  0: 'NFS4_OK', 1: 'NFS4ERR_PERM', 2: 'NFS4ERR_NOENT', 5: 'NFS4ERR_IO', 13: 'NFS4ERR_ACCESS', 17: 'NFS4ERR_EXIST', 20: 'NFS4ERR_NOTDIR',
  21: 'NFS4ERR_ISDIR', 22: 'NFS4ERR_INVAL', 30: 'NFS4ERR_ROFS', 63: 'NFS4ERR_NAMETOOLONG', 66: 'NFS4ERR_NOTEMPTY', 70: 'NFS4ERR_STALE',
  10001: 'NFS4ERR_BADHANDLE', 10004: 'NFS4ERR_NOTSUPP', 10006: 'NFS4ERR_SERVERFAULT', 10020: 'NFS4ERR_NOFILEHANDLE', 10022: 'NFS4ERR_STALE_CLIENTID',
  10025: 'NFS4ERR_BAD_STATEID', 10052: 'NFS4ERR_BADSESSION', 10071: 'NFS4ERR_OP_NOT_IN_SESSION',
};

declare('nfs', 'Network File System', [
  ['nfs.procedure_v3', 'uint', 'V3 Procedure', { valueNames: V3 }],
  ['nfs.procedure_v4', 'uint', 'V4 Procedure', { valueNames: { 0: 'NULL', 1: 'COMPOUND' } }],
  ['nfs.fh.length', 'uint', 'length'],
  ['nfs.fh.hash', 'uint', 'hash (CRC-32)', HEX32],
  ['nfs.fhandle', 'bytes', 'FileHandle'],
  ['nfs.name', 'string', 'Name'],
  ['nfs.status3', 'uint', 'Status', { valueNames: STAT3 }],
  ['nfs.offset3', 'uint', 'offset'],
  ['nfs.count3', 'uint', 'count'],
  ['nfs.tag', 'string', 'Tag'],
  ['nfs.minorversion', 'uint', 'minorversion'],
  ['nfs.ops.count', 'uint', 'Operations'],
  ['nfs.opcode', 'uint', 'Opcode', { valueNames: OPS4 }],
  ['nfs.main_opcode', 'uint', 'Main Opcode', { valueNames: OPS4 }],
  ['nfs.nfsstat4', 'uint', 'Status', { valueNames: STAT4 }],
  ['nfs.pathname.component', 'string', 'Name'],
  ['nfs.offset4', 'uint', 'offset'],
]);
declare('mount', 'Mount Service', [
  ['mount.path', 'string', 'Path'],
  ['mount.status', 'uint', 'Status'],
]);

const hex8 = (n: number): string => '0x' + n.toString(16).padStart(8, '0');

/** A variable-length file handle (v3 nfs_fh3, v4 nfs_fh4): its fields; its hash, or -1 when cut short. */
function fh(ctx: Ctx, l: FieldNode, o: number, end: number): [hash: number, next: number] {
  const s = xdrOpaque(ctx.d, o, end, 128);
  if (!s) { ctx.boundsAt('nfs', 'file handle runs past the message', o, end - o); return [-1, -1]; }
  const hash = crc32(ctx.d.subarray(s[0], s[0] + s[1]));
  ctx.add(l, 'nfs.fh.length', s[1], o, 4);
  ctx.gen(l, 'nfs.fh.hash', hash);
  if (ctx.wants('nfs.fhandle')) ctx.add(l, 'nfs.fhandle', ctx.d.subarray(s[0], s[0] + s[1]), s[0], s[1]);
  return [hash, s[2]];
}

/** An XDR string as a field; [text, next offset], next -1 when cut short. */
function str(ctx: Ctx, l: FieldNode, name: string, o: number, end: number): [string, number] {
  const s = xdrOpaque(ctx.d, o, end, 4096);
  if (!s) { ctx.boundsAt(name.split('.')[0], `${name} runs past the message`, o, end - o); return ['', -1]; }
  const v = latin1(ctx.d, s[0], s[0] + s[1]);
  ctx.add(l, name, v, o, s[2] - o);
  return [v, s[2]];
}

// --- v3 ---

function call3(ctx: Ctx, l: FieldNode, c: RpcCall, o: number, end: number): string {
  const p = c.procedure, d = ctx.d;
  ctx.gen(l, 'nfs.procedure_v3', p);
  if (p === 0) return '';
  const [h, n] = fh(ctx, l, o, end);
  if (n < 0) return '';
  // diropargs3: a directory handle and a name
  if (p === 3 || p === 8 || p === 9 || p === 10 || p === 11 || p === 12 || p === 13 || p === 14 || p === 15) {
    const [name] = str(ctx, l, 'nfs.name', n, end);
    return `, DH: ${hex8(h)}/${name}`;
  }
  if ((p === 6 || p === 7 || p === 21) && n + 12 <= end) {
    const off = Number((BigInt(u32(d, n)) << 32n) | BigInt(u32(d, n + 4)));
    ctx.add(l, 'nfs.offset3', off, n, 8);
    ctx.add(l, 'nfs.count3', u32(d, n + 8), n + 8, 4);
    return `, FH: ${hex8(h)} Offset: ${off} Len: ${u32(d, n + 8)}${p === 7 && n + 16 <= end ? ` ${STABLE[u32(d, n + 12)] ?? ''}` : ''}`;
  }
  return `, FH: ${hex8(h)}`;
}
const FTYPE3: Record<number, string> = { 1: 'Regular File', 2: 'Directory', 3: 'Block Device', 4: 'Character Device', 5: 'Symbolic Link', 6: 'Socket', 7: 'Named Pipe' };
const STABLE: Record<number, string> = { 0: 'UNSTABLE', 1: 'DATA_SYNC', 2: 'FILE_SYNC' };

function reply3(ctx: Ctx, l: FieldNode, c: RpcCall, o: number, end: number): string {
  const p = c.procedure;
  ctx.gen(l, 'nfs.procedure_v3', p);
  if (p === 0) return '';
  if (o + 4 > end) { ctx.boundsAt('nfs', 'status cut short', o, end - o); return ''; }
  const st = u32(ctx.d, o);
  ctx.add(l, 'nfs.status3', st, o, 4);
  if (st !== 0) return ` Error: ${STAT3[st] ?? `Unknown (${st})`}`;
  // GETATTR: the type, mode and owner of the object (fattr3)
  if (p === 1 && o + 24 <= end) {
    const d = ctx.d, t = u32(d, o + 4);
    return `  ${FTYPE3[t] ?? `Unknown Type: 0x${t.toString(16)}`} mode: ${(u32(d, o + 8) & 0o7777).toString(8).padStart(4, '0')} uid: ${u32(d, o + 16)} gid: ${u32(d, o + 20)}`;
  }
  // LOOKUP, CREATE, MKDIR: the new object's handle first (CREATE/MKDIR: post_op_fh3, present when its flag is set)
  if (p === 3) { const [h] = fh(ctx, l, o + 4, end); return h >= 0 ? `, FH: ${hex8(h)}` : ''; }
  if ((p === 8 || p === 9) && o + 8 <= end && u32(ctx.d, o + 4) === 1) { const [h] = fh(ctx, l, o + 8, end); return h >= 0 ? `, FH: ${hex8(h)}` : ''; }
  return '';
}

// --- v4 COMPOUND ---

/**
 * Operations that only set up or read back the current handle: tshark's
 * Info names the first other operation (the "main" one) alone, or every
 * operation when there is none.
 */
const MINOR4 = new Set([9, 10, 22, 23, 24, 31, 32, 53]);

/** An operation's arguments: the offset after them (-1: we cannot size them) and its Info text. */
function args4(ctx: Ctx, l: FieldNode, op: number, o: number, end: number, cur: { fh: number }): [number, string] {
  const d = ctx.d;
  switch (op) {
    case 10: case 16: case 23: case 24: case 27: case 31: case 32: return [o, ''];
    case 22: { const [h, n] = fh(ctx, l, o, end); cur.fh = h; return [n, '']; }
    case 15: case 28: { const [name, n] = str(ctx, l, 'nfs.pathname.component', o, end); return [n, ` DH: ${hex8(cur.fh)}/${name}`]; }
    case 3: return o + 4 <= end ? [o + 4, ''] : [-1, ''];
    case 30: return o + 8 <= end ? [o + 8, ''] : [-1, ''];
    case 9: {
      // bitmap4: a count of words, then the words
      if (o + 4 > end) return [-1, ''];
      const n = u32(d, o);
      return n <= 8 && o + 4 + 4 * n <= end ? [o + 4 + 4 * n, ''] : [-1, ''];
    }
    case 25: {
      // stateid4 (16), offset, count
      if (o + 28 > end) return [-1, ''];
      ctx.add(l, 'nfs.offset4', Number((BigInt(u32(d, o + 16)) << 32n) | BigInt(u32(d, o + 20))), o + 16, 8);
      return [o + 28, ''];
    }
    case 53: return o + 32 <= end ? [o + 32, ''] : [-1, ''];
    default: return [-1, ''];
  }
}

/** An operation's result after its status (only for status NFS4_OK): the offset after it, -1 when we cannot size it. */
function result4(ctx: Ctx, l: FieldNode, op: number, o: number, end: number): number {
  const d = ctx.d;
  switch (op) {
    case 15: case 16: case 22: case 23: case 24: case 28: case 31: case 32: return o;
    case 10: return fh(ctx, l, o, end)[1];
    case 3: return o + 8 <= end ? o + 8 : -1;
    case 53: return o + 36 <= end ? o + 36 : -1;
    case 9: {
      // fattr4: a bitmap, then the attributes as one opaque
      if (o + 4 > end) return -1;
      const n = u32(d, o);
      if (n > 8 || o + 8 + 4 * n > end) return -1;
      const a = xdrOpaque(d, o + 4 + 4 * n, end);
      return a ? a[2] : -1;
    }
    default: return -1;
  }
}

/** Info for a list of operations: the main one alone, or all of them. */
function opsInfo(ops: Array<[number, string]>): string {
  const main = ops.find(([op]) => !MINOR4.has(op));
  const name = (op: number): string => OPS4[op] ?? `Unknown (${op})`;
  if (main) return ` ${name(main[0])}${main[1]}`;
  return ops.length ? ` ${ops.map(([op, t]) => name(op) + t).join(' | ')}` : '';
}

/** nfs.main_opcode: the main operation, or (none) every operation, as Info names them. */
function mainOps(ctx: Ctx, l: FieldNode, ops: Array<[number, string]>): void {
  const main = ops.find(([op]) => !MINOR4.has(op));
  if (main) ctx.gen(l, 'nfs.main_opcode', main[0]);
  else for (const [op] of ops) ctx.gen(l, 'nfs.main_opcode', op);
}

function call4(ctx: Ctx, l: FieldNode, c: RpcCall, o: number, end: number): string {
  ctx.gen(l, 'nfs.procedure_v4', c.procedure);
  if (c.procedure !== 1) return '';
  const [tag, n] = str(ctx, l, 'nfs.tag', o, end);
  if (n < 0 || n + 8 > end) return '';
  const d = ctx.d;
  ctx.add(l, 'nfs.minorversion', u32(d, n), n, 4);
  const count = u32(d, n + 4);
  ctx.add(l, 'nfs.ops.count', count, n + 4, 4);
  let p = n + 8;
  const ops: Array<[number, string]> = [];
  const cur = { fh: 0 };
  for (let i = 0; i < count && i < 128 && p + 4 <= end; i++) {
    const op = u32(d, p);
    ctx.add(l, 'nfs.opcode', op, p, 4);
    const [next, text] = args4(ctx, l, op, p + 4, end, cur);
    ops.push([op, text]);
    if (next < 0) break;
    p = next;
  }
  mainOps(ctx, l, ops);
  return `${tag ? ` ${tag}` : ''}${opsInfo(ops)}`;
}

function reply4(ctx: Ctx, l: FieldNode, c: RpcCall, o: number, end: number): string {
  ctx.gen(l, 'nfs.procedure_v4', c.procedure);
  if (c.procedure !== 1 || o + 4 > end) return '';
  const d = ctx.d;
  const st = u32(d, o);
  ctx.add(l, 'nfs.nfsstat4', st, o, 4);
  const [tag, n] = str(ctx, l, 'nfs.tag', o + 4, end);
  if (n < 0 || n + 4 > end) return '';
  const count = u32(d, n);
  ctx.add(l, 'nfs.ops.count', count, n, 4);
  const ops: Array<[number, string]> = [];
  let p = n + 4;
  for (let i = 0; i < count && i < 128 && p + 8 <= end; i++) {
    const op = u32(d, p), s = u32(d, p + 4);
    ctx.add(l, 'nfs.opcode', op, p, 4);
    ctx.add(l, 'nfs.nfsstat4', s, p + 4, 4);
    ops.push([op, '']);
    if (s !== 0) break;
    const next = result4(ctx, l, op, p + 8, end);
    if (next < 0) break;
    p = next;
  }
  mainOps(ctx, l, ops);
  return `${tag ? ` ${tag}` : ''}${opsInfo(ops)}${st !== 0 ? ` Status: ${STAT4[st] ?? st}` : ''}`;
}

RPC_PROGRAM.add(100003, {
  name: 'NFS', filter: 'nfs', procs: { 2: {}, 3: V3, 4: { 0: 'NULL', 1: '' } },
  call(ctx, _st, l, c, o, end) { return c.version === 3 ? call3(ctx, l, c, o, end) : c.version === 4 ? call4(ctx, l, c, o, end) : ''; },
  reply(ctx, _st, l, c, o, end) { return c.version === 3 ? reply3(ctx, l, c, o, end) : c.version === 4 ? reply4(ctx, l, c, o, end) : ''; },
});

// --- MOUNT: the exported path asked for (MNT, UMNT) and the handle given ---

const MOUNT = { 0: 'NULL', 1: 'MNT', 2: 'DUMP', 3: 'UMNT', 4: 'UMNTALL', 5: 'EXPORT', 6: 'EXPORTALL', 7: 'PATHCONF' };
RPC_PROGRAM.add(100005, {
  name: 'MOUNT', filter: 'mount', procs: { 0: MOUNT },
  call(ctx, _st, l, c, o, end) {
    if (c.procedure !== 1 && c.procedure !== 3) return '';
    const [path] = str(ctx, l, 'mount.path', o, end);
    return ` ${path}`;
  },
  reply(ctx, _st, l, c, o, end) {
    if (c.procedure !== 1 || o + 4 > end) return '';
    const st = u32(ctx.d, o);
    ctx.add(l, 'mount.status', st, o, 4);
    if (st === 0 && c.version === 3) fh(ctx, l, o + 4, end);
    return '';
  },
});
