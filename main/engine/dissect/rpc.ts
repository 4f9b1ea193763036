// ONC-RPC (RFC 5531) over UDP and TCP (RFC 5531 §11 record marking): the
// call header (xid, program, version, procedure, credentials and
// verifier: AUTH_UNIX's machine name, uid and gids) and the reply (reply,
// accept and reject states), the reply paired with its call by xid per
// conversation (rpc.reqframe, rpc.time, and the call's program shown on
// the reply, as tshark does). What a program's arguments and results hold
// is decoded by the program registered in RPC_PROGRAM (portmap below;
// nfs.ts). Found as tshark 4.0 finds it, by its heuristic on any TCP or
// UDP port: a call to a known program with RPC version 2, or a reply to a
// call seen in the conversation (TCP: a well-formed record-marked reply).
// Fields and Info as tshark 4.0's packet-rpc.c and packet-portmap.c.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare, treeLine, HEX32 } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import type { RpcCall, RpcProgram } from './tables';
import { convKey, perConversation, Bounded } from './conv';
import { PduApp } from './pdu';
import { dissectData } from './data';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { RPC_PROGRAM, TCP_HEURISTICS, TCP_PORT, UDP_HEURISTICS, UDP_PORT } = tables;
const { u32, latin1 } = readers;

const FLAVORS: Record<number, string> = { 0: 'AUTH_NULL', 1: 'AUTH_UNIX', 2: 'AUTH_SHORT', 3: 'AUTH_DES', 4: 'AUTH_KERB', 6: 'RPCSEC_GSS', 390003: 'AUTH_GSSAPI' };
const ACCEPT: Record<number, string> = {
  0: 'RPC executed successfully', 1: 'remote hasn\'t exported program', 2: 'remote can\'t support version #',
  3: 'program can\'t support procedure', 4: 'procedure can\'t decode params', 5: 'remote system error',
};

// packet-rpc.c appends the message type and transaction id to the protocol item
treeLine('rpc', (v) => {
  const t = v.field('rpc.msgtyp')?.value, xid = v.field('rpc.xid')?.value;
  if (typeof t !== 'number' || typeof xid !== 'number') return v.title;
  return `${v.title}, Type:${t === 0 ? 'Call' : t === 1 ? 'Reply' : 'Unknown'} XID:0x${xid.toString(16).padStart(8, '0')}`;
}, ['rpc.msgtyp', 'rpc.xid']);

declare('rpc', 'Remote Procedure Call', [
  ['rpc.lastfrag', 'bool', 'Last Fragment'],
  ['rpc.fraglen', 'uint', 'Fragment Length'],
  ['rpc.xid', 'uint', 'XID', HEX32],
  ['rpc.msgtyp', 'uint', 'Message Type', { valueNames: { 0: 'Call', 1: 'Reply' } }],
  ['rpc.version', 'uint', 'RPC Version'],
  ['rpc.program', 'uint', 'Program'],
  ['rpc.programversion', 'uint', 'Program Version'],
  ['rpc.procedure', 'uint', 'Procedure'],
  ['rpc.auth.flavor', 'uint', 'Flavor', { valueNames: FLAVORS }],
  ['rpc.auth.length', 'uint', 'Length'],
  ['rpc.auth.stamp', 'uint', 'Stamp', HEX32],
  ['rpc.auth.machinename', 'string', 'Machine Name'],
  ['rpc.auth.uid', 'uint', 'UID'],
  ['rpc.auth.gid', 'uint', 'GID'],
  ['rpc.replystat', 'uint', 'Reply State', { valueNames: { 0: 'accepted', 1: 'denied' } }],
  ['rpc.state_accept', 'uint', 'Accept State', { valueNames: ACCEPT }],
  ['rpc.state_reject', 'uint', 'Reject State', { valueNames: { 0: 'RPC_MISMATCH', 1: 'AUTH_ERROR' } }],
  ['rpc.state_auth', 'uint', 'Auth State'],
  ['rpc.version.min', 'uint', 'RPC Version (Minimum)'],
  ['rpc.version.max', 'uint', 'RPC Version (Maximum)'],
  ['rpc.programversion.min', 'uint', 'Program Version (Minimum)'],
  ['rpc.programversion.max', 'uint', 'Program Version (Maximum)'],
  ['rpc.reqframe', 'framenum', 'Request Frame'],
  ['rpc.repframe', 'framenum', 'Reply Frame'],
  ['rpc.time', 'reltime', 'Time from request'],
  ['rpc.value_follows', 'bool', 'Value Follows'],
]);

// programs tshark knows (its heuristic accepts only calls to these) but whose arguments we do not decode
const NAMED: Array<[number, string, string, Record<number, Record<number, string>>]> = [
  [100021, 'NLM', 'nlm', { 0: { 0: 'NULL', 1: 'TEST', 2: 'LOCK', 3: 'CANCEL', 4: 'UNLOCK', 5: 'GRANTED' } }],
  [100024, 'STAT', 'stat', { 0: { 0: 'NULL', 1: 'STAT', 2: 'MON', 3: 'UNMON', 4: 'UNMON_ALL', 5: 'SIMU_CRASH', 6: 'NOTIFY' } }],
  [100011, 'RQUOTA', 'rquota', { 0: { 0: 'NULL', 1: 'GETQUOTA', 2: 'GETACTIVEQUOTA', 3: 'SETQUOTA', 4: 'SETACTIVEQUOTA' } }],
  [100227, 'NFSACL', 'nfsacl', { 0: { 0: 'NULL' } }],
  [100001, 'RSTAT', 'rstat', { 0: { 0: 'NULL', 1: 'STATS', 2: 'HAVEDISK' } }],
  [100004, 'YPSERV', 'ypserv', { 0: { 0: 'NULL', 1: 'DOMAIN', 2: 'DOMAIN_NONACK', 3: 'MATCH', 4: 'FIRST', 5: 'NEXT', 6: 'XFR', 7: 'CLEAR', 8: 'ALL', 9: 'MASTER', 10: 'ORDER', 11: 'MAPLIST' } }],
  [100007, 'YPBIND', 'ypbind', { 0: { 0: 'NULL', 1: 'DOMAIN', 2: 'SETDOMAIN' } }],
  [100026, 'BOOTPARAMS', 'bootparams', { 0: { 0: 'NULL', 1: 'WHOAMI', 2: 'GETFILE' } }],
];
for (const [n, name, filter, procs] of NAMED) {
  declare(filter, name, []);
  RPC_PROGRAM.add(n, { name, filter, procs });
}

/** A procedure's name as tshark shows it in Info. */
export function procName(p: RpcProgram | undefined, version: number, proc: number): string {
  const n = p?.procs[version]?.[proc] ?? p?.procs[0]?.[proc] ?? `proc-${proc}`;
  // an empty name (NFSv4 COMPOUND) leaves one space: "V4 Call"
  return n === '' ? '' : `${n} `;
}

/** Calls waiting for their reply, per conversation (by xid). */
const calls = perConversation(() => new Bounded<number, RpcCall>(1024));

/** An XDR opaque/string at o: [its bytes' start, their length, the offset after its padding], or null past end. */
export function xdrOpaque(d: Uint8Array, o: number, end: number, max = 1 << 20): [number, number, number] | null {
  if (o + 4 > end) return null;
  const n = u32(d, o);
  if (n > max || o + 4 + n > end) return null;
  return [o + 4, n, o + 4 + ((n + 3) & ~3)];
}

/** Credentials or verifier at o: flavor, length, AUTH_UNIX's body. The offset after it, or -1 when cut short. */
function auth(ctx: Ctx, l: FieldNode, o: number, end: number, cred: boolean): number {
  const d = ctx.d;
  if (o + 8 > end) return -1;
  const flavor = u32(d, o), len = u32(d, o + 4);
  // RFC 5531 §8.2: the body is at most 400 bytes (tshark adds nothing of an authenticator that does not fit)
  if (len > 400 || o + 8 + len > end) return -1;
  ctx.add(l, 'rpc.auth.flavor', flavor, o, 4);
  ctx.add(l, 'rpc.auth.length', len, o + 4, 4);
  const b = o + 8, bEnd = b + len;
  if (cred && flavor === 1 && len >= 20) {
    ctx.add(l, 'rpc.auth.stamp', u32(d, b), b, 4);
    const name = xdrOpaque(d, b + 4, bEnd, 255);
    if (name) {
      ctx.add(l, 'rpc.auth.machinename', latin1(d, name[0], name[0] + name[1]), b + 4, name[2] - b - 4);
      let p = name[2];
      if (p + 12 <= bEnd) {
        ctx.add(l, 'rpc.auth.uid', u32(d, p), p, 4);
        ctx.add(l, 'rpc.auth.gid', u32(d, p + 4), p + 4, 4);
        const n = u32(d, p + 8);
        p += 12;
        for (let i = 0; i < n && i < 16 && p + 4 <= bEnd; i++, p += 4) ctx.add(l, 'rpc.auth.gid', u32(d, p), p, 4);
      }
    }
  }
  return b + ((len + 3) & ~3);
}

/**
 * Is [off, end) an RPC message tshark's heuristic takes? A call: RPC
 * version 2 to a known program, credentials and verifier of sane length. A
 * reply: accepted or denied, with a sane verifier; `known` says whether a
 * call with its xid was seen (UDP needs one).
 */
function looksLikeRpc(d: Uint8Array, off: number, end: number, known: ((xid: number) => boolean) | null): boolean {
  if (end - off < 24) return false;
  const type = u32(d, off + 4);
  if (type === 0) {
    if (end - off < 40 || u32(d, off + 8) !== 2 || RPC_PROGRAM.get(u32(d, off + 12)) === undefined) return false;
    const credLen = u32(d, off + 28);
    if (u32(d, off + 24) > 390006 || credLen > 400) return false;
    const v = off + 32 + ((credLen + 3) & ~3);
    return v + 8 <= end && u32(d, v + 4) <= 400;
  }
  if (type !== 1) return false;
  const stat = u32(d, off + 8);
  if (stat > 1) return false;
  if (known !== null && !known(u32(d, off))) return false;
  return stat === 1 || u32(d, off + 16) <= 400;
}

/** One RPC message at [off, end) (after any record mark). */
function dissectRpc(ctx: Ctx, st: State, off: number, end: number, mark: number): void {
  const d = ctx.d;
  const l = ctx.layer('rpc', mark >= 0 ? mark : off, end - (mark >= 0 ? mark : off));
  if (mark >= 0) {
    ctx.add(l, 'rpc.lastfrag', (d[mark] & 0x80) !== 0, mark, 4);
    ctx.add(l, 'rpc.fraglen', u32(d, mark) & 0x7fffffff, mark, 4);
  }
  ctx.protocol = 'RPC';
  if (end - off < 8) { ctx.malformedAt('rpc', 'RPC message cut short', off, end - off); return; }
  const xid = u32(d, off), type = u32(d, off + 4);
  const pending = calls(st, convKey(ctx));
  // a reply to no call seen (on udp/111, where tshark takes RPC without its heuristic): a continuation
  if (type === 1 && !pending.has(xid)) { ctx.info = 'Continuation'; return; }
  ctx.add(l, 'rpc.xid', xid, off, 4);
  ctx.add(l, 'rpc.msgtyp', type, off + 4, 4);
  if (type === 0) {
    if (end - off < 24) { ctx.malformedAt('rpc', 'RPC call header cut short', off, end - off); return; }
    const prog = u32(d, off + 12), vers = u32(d, off + 16), proc = u32(d, off + 20);
    ctx.add(l, 'rpc.version', u32(d, off + 8), off + 8, 4);
    ctx.add(l, 'rpc.program', prog, off + 12, 4);
    ctx.add(l, 'rpc.programversion', vers, off + 16, 4);
    ctx.add(l, 'rpc.procedure', proc, off + 20, 4);
    const p = RPC_PROGRAM.get(prog);
    if (p) ctx.protocol = p.name;
    const head = `V${vers} ${procName(p, vers, proc)}Call`;
    ctx.info = head;
    let o = auth(ctx, l, off + 24, end, true);
    if (o >= 0) o = auth(ctx, l, o, end, false);
    if (o < 0) { ctx.boundsAt('rpc', 'RPC credentials or verifier run past the message', off + 24, end - off - 24); return; }
    const c: RpcCall = { program: prog, version: vers, procedure: proc, frame: ctx.pkt.number, ts: ctx.pkt.tsNs };
    if (ctx.inner === 0) pending.set(xid, c);
    body(ctx, st, p, c, o, end, head, true);
    return;
  }
  if (type !== 1) { ctx.malformedAt('rpc', `unknown RPC message type ${type}`, off + 4, 4); return; }
  // (a reply to no call seen was shown as a continuation above)
  const c = pending.get(xid) as RpcCall;
  const p = RPC_PROGRAM.get(c.program);
  ctx.gen(l, 'rpc.program', c.program);
  ctx.gen(l, 'rpc.programversion', c.version);
  ctx.gen(l, 'rpc.procedure', c.procedure);
  if (p) ctx.protocol = p.name;
  if (end - off < 12) { ctx.malformedAt('rpc', 'RPC reply cut short', off, end - off); return; }
  const stat = u32(d, off + 8);
  ctx.add(l, 'rpc.replystat', stat, off + 8, 4);
  // (tshark's reply names its call's frame rpc.repframe: "This is a reply to a request in frame")
  ctx.gen(l, 'rpc.repframe', c.frame);
  if (ctx.pkt.tsNs !== null && c.ts !== null) ctx.reltime(l, 'rpc.time', ctx.pkt.tsNs - c.ts);
  const head = `V${c.version} ${procName(p, c.version, c.procedure)}Reply (Call In ${c.frame})`;
  ctx.info = head;
  let o = off + 12;
  if (stat === 1) {
    if (o + 4 > end) { ctx.malformedAt('rpc', 'RPC reply cut short', o, end - o); return; }
    const why = u32(d, o);
    ctx.add(l, 'rpc.state_reject', why, o, 4);
    if (why === 0 && o + 12 <= end) {
      ctx.add(l, 'rpc.version.min', u32(d, o + 4), o + 4, 4);
      ctx.add(l, 'rpc.version.max', u32(d, o + 8), o + 8, 4);
    } else if (why === 1 && o + 8 <= end) ctx.add(l, 'rpc.state_auth', u32(d, o + 4), o + 4, 4);
    return;
  }
  o = auth(ctx, l, o, end, false);
  if (o < 0 || o + 4 > end) { ctx.malformedAt('rpc', 'RPC verifier runs past the reply', off + 12, end - off - 12); return; }
  const acc = u32(d, o);
  ctx.add(l, 'rpc.state_accept', acc, o, 4);
  o += 4;
  if (acc === 2 && o + 8 <= end) {
    ctx.add(l, 'rpc.programversion.min', u32(d, o), o, 4);
    ctx.add(l, 'rpc.programversion.max', u32(d, o + 4), o + 4, 4);
    return;
  }
  if (acc !== 0) return;
  body(ctx, st, p, c, o, end, head, false);
}

/** The program's arguments or results: its layer (in frame.protocols only when it has bytes, as tshark's), and its Info. */
function body(ctx: Ctx, st: State, p: RpcProgram | undefined, c: RpcCall, o: number, end: number, head: string, call: boolean): void {
  if (!p) { if (o < end) dissectData(ctx, o, end); return; }
  const l = ctx.layer(p.filter, o, end - o);
  if (o >= end) ctx.protocols.pop();
  ctx.gen(l, 'rpc.programversion', c.version);
  const fn = call ? p.call : p.reply;
  const more = fn ? fn.call(p, ctx, st, l, c, o, end) : undefined;
  if (more) ctx.info = head + more;
}

// --- UDP: each datagram one message ---

// udp/111 is RPC's own port in tshark (no heuristic check there)
UDP_PORT.add([111], (ctx, st, off, end) => { dissectRpc(ctx, st, off, end, -1); });

UDP_HEURISTICS.add((ctx, st, off, end) => {
  // every unclaimed datagram comes here: the cheap checks first, the conversation's calls only for a reply
  const d = ctx.d;
  if (end - off < 24 || d[off + 4] !== 0 || d[off + 5] !== 0 || d[off + 6] !== 0 || d[off + 7] > 1) return false;
  const known = d[off + 7] === 1 ? (xid: number): boolean => calls(st, convKey(ctx)).has(xid) : null;
  if (!looksLikeRpc(d, off, end, known)) return false;
  dissectRpc(ctx, st, off, end, -1);
  return true;
});

// --- TCP: record marking (RFC 5531 §11), a 4-byte mark before each fragment ---

const MAX_FRAGMENT = 1 << 24;
const RULE = {
  hdrLen: 4,
  length: (h: Uint8Array, o: number): number => {
    const n = u32(h, o) & 0x7fffffff;
    return n > MAX_FRAGMENT ? -1 : n + 4;
  },
};
const app = (): PduApp => new PduApp(RULE, (ctx, st, _s, off, kept) => dissectRpc(ctx, st, off + 4, off + kept, off), dissectData);

// tcp/111 is RPC's own port in tshark too: rpcinfo and mount bind a
// reserved client port at random (993 is TLS's), and 111 is the SYN's
// server port and the lower one.
TCP_PORT.add([111], app);

/** A record mark whose fragment holds an RPC message. */
TCP_HEURISTICS.add((d, off, end) => {
  if (end - off < 28) return false;
  const n = u32(d, off) & 0x7fffffff;
  return n >= 24 && n <= MAX_FRAGMENT && looksLikeRpc(d, off + 4, Math.min(end, off + 4 + n), null);
}, app);

// --- Portmap / rpcbind (program 100000, RFC 1833) ---

const PROTO: Record<number, string> = { 6: 'TCP', 17: 'UDP' };
declare('portmap', 'Portmap', [
  ['portmap.procedure_v1', 'uint', 'V1 Procedure'],
  ['portmap.procedure_v2', 'uint', 'V2 Procedure'],
  ['portmap.procedure_v3', 'uint', 'V3 Procedure'],
  ['portmap.procedure_v4', 'uint', 'V4 Procedure'],
  ['portmap.prog', 'uint', 'Program'],
  ['portmap.version', 'uint', 'Version'],
  ['portmap.proto', 'uint', 'Protocol', { valueNames: PROTO }],
  ['portmap.port', 'uint', 'Port'],
  ['portmap.rpcb.prog', 'uint', 'Program'],
  ['portmap.rpcb.version', 'uint', 'Version'],
  ['portmap.rpcb.netid', 'string', 'Network Id'],
  ['portmap.rpcb.addr', 'string', 'Universal Address'],
  ['portmap.rpcb.owner', 'string', 'Owner of this Service'],
  ['portmap.uaddr', 'string', 'Universal Address'],
]);

const V2 = { 0: 'NULL', 1: 'SET', 2: 'UNSET', 3: 'GETPORT', 4: 'DUMP', 5: 'CALLIT' };
const V3 = { 0: 'NULL', 1: 'SET', 2: 'UNSET', 3: 'GETADDR', 4: 'DUMP', 5: 'CALLIT', 6: 'GETTIME', 7: 'UADDR2TADDR', 8: 'TADDR2UADDR' };
const V4 = { ...V3, 5: 'BCAST', 9: 'GETVERSADDR', 10: 'INDIRECT', 11: 'GETADDRLIST', 12: 'GETSTAT' };

/** An XDR string field; the offset after it, or -1 when it runs past end. */
function xdrString(ctx: Ctx, l: FieldNode, name: string, o: number, end: number): number {
  const s = xdrOpaque(ctx.d, o, end, 4096);
  if (!s) { ctx.malformedAt(name.split('.')[0], `${name} runs past the message`, o, end - o); return -1; }
  ctx.add(l, name, latin1(ctx.d, s[0], s[0] + s[1]), o, s[2] - o);
  return s[2];
}

/** rpcb (v3/v4): program, version, netid, address, owner. */
function rpcb(ctx: Ctx, l: FieldNode, o: number, end: number): number {
  const d = ctx.d;
  if (o + 8 > end) return -1;
  ctx.add(l, 'portmap.rpcb.prog', u32(d, o), o, 4);
  ctx.add(l, 'portmap.rpcb.version', u32(d, o + 4), o + 4, 4);
  o = xdrString(ctx, l, 'portmap.rpcb.netid', o + 8, end);
  if (o >= 0) o = xdrString(ctx, l, 'portmap.rpcb.addr', o, end);
  if (o >= 0) o = xdrString(ctx, l, 'portmap.rpcb.owner', o, end);
  return o;
}

/** pmap (v2): program, version, protocol, port. */
function pmap(ctx: Ctx, l: FieldNode, o: number, end: number): number {
  const d = ctx.d;
  if (o + 16 > end) { ctx.malformedAt('portmap', 'mapping cut short', o, end - o); return -1; }
  ctx.add(l, 'portmap.prog', u32(d, o), o, 4);
  ctx.add(l, 'portmap.version', u32(d, o + 4), o + 4, 4);
  ctx.add(l, 'portmap.proto', u32(d, o + 8), o + 8, 4);
  ctx.add(l, 'portmap.port', u32(d, o + 12), o + 12, 4);
  return o + 16;
}

/** A list of entries each preceded by value-follows (DUMP's results). */
function list(ctx: Ctx, l: FieldNode, o: number, end: number, entry: (o: number) => number): void {
  for (let i = 0; i < 4096; i++) {
    if (o + 4 > end) { ctx.malformedAt('portmap', 'list cut short', o, end - o); return; }
    const more = u32(ctx.d, o) !== 0;
    ctx.add(l, 'rpc.value_follows', more, o, 4);
    if (!more) return;
    o = entry(o + 4);
    if (o < 0) return;
  }
}

const procField = (v: number): string => `portmap.procedure_v${v}`;

RPC_PROGRAM.add(100000, {
  name: 'Portmap', filter: 'portmap', procs: { 1: V2, 2: V2, 3: V3, 4: V4 },
  call(ctx, _st, l, c, o, end) {
    if (c.version >= 1 && c.version <= 4) ctx.gen(l, procField(c.version), c.procedure);
    const p = c.procedure;
    if (c.version <= 2) {
      if (p >= 1 && p <= 3) pmap(ctx, l, o, end);
      if (p === 3 && o + 16 <= end) {
        const prog = u32(ctx.d, o);
        const name = RPC_PROGRAM.get(prog)?.name;
        return ` ${name ?? 'Unknown'}(${prog}) V:${u32(ctx.d, o + 4)} ${PROTO[u32(ctx.d, o + 8)] ?? 'Unknown'}`;
      }
    } else if (p >= 1 && p <= 3) rpcb(ctx, l, o, end);
  },
  reply(ctx, _st, l, c, o, end) {
    if (c.version >= 1 && c.version <= 4) ctx.gen(l, procField(c.version), c.procedure);
    const p = c.procedure, d = ctx.d;
    if (c.version <= 2) {
      if (p === 3 && o + 4 <= end) { ctx.add(l, 'portmap.port', u32(d, o), o, 4); return ` Port:${u32(d, o)}`; }
      if (p === 4) list(ctx, l, o, end, (e) => pmap(ctx, l, e, end));
    } else if (p === 3) xdrString(ctx, l, 'portmap.uaddr', o, end);
    else if (p === 4) list(ctx, l, o, end, (e) => rpcb(ctx, l, e, end));
  },
});
