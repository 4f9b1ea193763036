// WireGuard (https://www.wireguard.com/protocol/), found as tshark 4.0's
// packet-wireguard.c finds it: by its UDP heuristic (on by default, no
// port of its own) — a known message type whose datagram has exactly that
// type's length (148, 92, 64, at least 32 for transport data), and for
// cookie replies and transport data zero reserved bytes (Cloudflare's
// implementation puts load-balancing bits in them, so an initiation or a
// response may carry any). An initiation makes its UDP conversation
// WireGuard's, so later messages there count whatever their reserved
// bytes. Without keys nothing is decrypted: the fields are the message's
// own, plus tshark's session links (`wg.stream`, `wg.response_to`, and
// `wg.response_in` when a frame is dissected again once its response has
// been seen, as tshark's second pass).
import { type Ctx, type FieldNode, SKIP } from './context';
import type { State } from './state';
import { declare, HEX32 } from './fields';
import { Bounded } from './conv';
import { udpSentLength } from './prologue';
import * as readers from './bytes';
import * as tables from './tables';
const { UDP_HEURISTICS } = tables;
const { u32le } = readers;

const u64le = (d: Uint8Array, o: number): bigint => BigInt(u32le(d, o)) | (BigInt(u32le(d, o + 4)) << 32n);

const INITIATION = 1, RESPONSE = 2, COOKIE = 3, DATA = 4;
const TYPES: Record<number, string> = { 1: 'Handshake Initiation', 2: 'Handshake Response', 3: 'Cookie Reply', 4: 'Transport Data' };
/** The Poly1305 tag that ends every encrypted part. */
const TAG = 16;

declare('wg', 'WireGuard Protocol', [
  ['wg.type', 'uint', 'Type', { valueNames: TYPES }],
  ['wg.reserved', 'bytes', 'Reserved'],
  ['wg.sender', 'uint', 'Sender', HEX32],
  ['wg.ephemeral', 'string', 'Ephemeral'],
  ['wg.ephemeral.known_privkey', 'bool', 'Has Private Key'],
  ['wg.encrypted_static', 'none', 'Encrypted Static'],
  ['wg.encrypted_timestamp', 'none', 'Encrypted Timestamp'],
  ['wg.mac1', 'bytes', 'mac1'],
  ['wg.mac2', 'bytes', 'mac2'],
  ['wg.receiver', 'uint', 'Receiver', HEX32],
  ['wg.encrypted_empty', 'none', 'Encrypted Empty'],
  ['wg.nonce', 'bytes', 'Nonce'],
  ['wg.encrypted_cookie', 'bytes', 'Encrypted Cookie'],
  ['wg.counter', 'uint', 'Counter'],
  ['wg.encrypted_packet', 'none', 'Encrypted Packet'],
  ['wg.keepalive', 'none', 'This is a Keepalive message'],
  ['wg.stream', 'uint', 'Stream index'],
  ['wg.response_in', 'framenum', 'Response in Frame'],
  ['wg.response_to', 'framenum', 'Response to Frame'],
]);

/** The exact length each message type has (transport data: at least its header and tag). */
function validLength(type: number, len: number): boolean {
  switch (type) {
    case INITIATION: return len === 148;
    case RESPONSE: return len === 92;
    case COOKIE: return len === 64;
    case DATA: return len >= 32;
    default: return false;
  }
}

/**
 * A handshake as tshark links its messages: numbered in the order
 * initiations appear, each side's address and port as first seen.
 */
interface Session {
  stream: number;
  initiatorFrame: number;
  responseFrame: number;
  initiator: string;
  responder: string;
}

/** What one frame was linked to, for a frame dissected again (tshark's per-packet data). */
interface Seen { session: Session | null }

/** Caps: sender ids remembered, sessions per id, frames remembered, conversations marked. */
const MAX_IDS = 4096, MAX_PER_ID = 8, MAX_FRAMES = 65536, MAX_CONVS = 4096;

class WgState {
  count = 0;
  /** the frame number dissected last: a frame at or below it is a second visit */
  last = 0;
  readonly byId = new Bounded<number, Session[]>(MAX_IDS);
  readonly frames = new Bounded<number, Seen>(MAX_FRAMES);
  /** UDP conversations an initiation made WireGuard's (tshark's conversation_set_dissector) */
  readonly convs = new Bounded<string, true>(MAX_CONVS);

  insert(id: number, s: Session): void {
    let list = this.byId.get(id);
    if (!list) { list = []; this.byId.set(id, list); }
    if (list.length >= MAX_PER_ID) list.shift();
    list.push(s);
  }
}

const states = new WeakMap<State, WgState>();
function stateOf(st: State): WgState {
  let w = states.get(st);
  if (!w) { w = new WgState(); states.set(st, w); }
  return w;
}

function addr(ctx: Ctx, src: boolean): string {
  if (ctx.ipVersion === 4) return String(src ? ctx.ip4Src : ctx.ip4Dst);
  return (src ? ctx.ip6Src : ctx.ip6Dst)?.join('.') ?? '';
}
/** An endpoint (address and port): the sender's or the receiver's. */
const endpoint = (ctx: Ctx, src: boolean): string => `${addr(ctx, src)}/${src ? ctx.srcPort : ctx.dstPort}`;
function conversation(ctx: Ctx): string {
  const a = endpoint(ctx, true), b = endpoint(ctx, false);
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

const hex32 = (n: number): string => `0x${n.toString(16).toUpperCase().padStart(8, '0')}`;

/**
 * Whether [off, end) is WireGuard by tshark's heuristic, or sits in a
 * conversation an initiation claimed (then any reserved bytes are taken,
 * the type and length still checked as tshark's dissector does).
 */
function claims(ctx: Ctx, w: WgState | undefined, off: number, end: number): boolean {
  const d = ctx.d, len = udpSentLength(ctx, off, end);
  if (end - off < 4 || !validLength(d[off], len)) return false;
  const type = d[off];
  if (type === INITIATION || type === RESPONSE) return true;
  if (d[off + 1] === 0 && d[off + 2] === 0 && d[off + 3] === 0) return true;
  return w !== undefined && w.convs.has(conversation(ctx));
}

/** The message at [off, end), whose type and length `claims` checked. */
function dissectWg(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d, w = stateOf(st), type = d[off];
  const frame = ctx.pkt.number;
  const revisit = frame <= w.last;
  if (!revisit) w.last = frame;
  const seen: Seen | undefined = revisit ? w.frames.get(frame) : undefined;
  const l = ctx.layer('wg', off, end - off);
  ctx.protocol = 'WireGuard';
  ctx.add(l, 'wg.type', type, off, 1);
  ctx.add(l, 'wg.reserved', d.subarray(off + 1, off + 4), off + 1, 3);
  // the lengths were checked against the datagram as sent: only a snap length can have cut it
  const fits = (o: number, n: number): boolean => {
    if (o + n <= end) return true;
    ctx.short = true;
    return false;
  };
  let info = type === DATA && udpSentLength(ctx, off, end) === 32 ? 'Keepalive' : TYPES[type];
  ctx.info = () => info;
  const seenSession = seen ? seen.session : undefined;
  let session: Session | null = null;
  // each message adds its fields in order and stops where a snap length cut it, as tshark's bounds error does
  done: switch (type) {
    case INITIATION: {
      if (!fits(off + 4, 4)) break;
      const sender = u32le(d, off + 4);
      info += `, sender=${hex32(sender)}`;
      ctx.add(l, 'wg.sender', sender, off + 4, 4);
      if (!fits(off + 8, 32)) break;
      ephemeral(ctx, l, off + 8);
      // (tshark adds a byteless item whatever the capture kept of its bytes)
      ctx.add(l, 'wg.encrypted_static', null, off + 40, Math.min(32 + TAG, end - off - 40));
      ctx.add(l, 'wg.encrypted_timestamp', null, off + 88, Math.max(0, Math.min(12 + TAG, end - off - 88)));
      for (const [name, at] of [['wg.mac1', 116], ['wg.mac2', 132]] as const) {
        if (!fits(off + at, 16)) break done;
        ctx.add(l, name, d.subarray(off + at, off + at + 16), off + at, 16);
      }
      if (seenSession !== undefined) session = seenSession;
      else {
        session = { stream: w.count++, initiatorFrame: frame, responseFrame: 0, initiator: endpoint(ctx, true), responder: '' };
        w.insert(sender, session);
        w.convs.set(conversation(ctx), true);
      }
      if (session) {
        ctx.gen(l, 'wg.stream', session.stream);
        if (session.responseFrame !== 0) ctx.gen(l, 'wg.response_in', session.responseFrame);
      }
      break;
    }
    case RESPONSE: {
      if (!fits(off + 4, 4)) break;
      const sender = u32le(d, off + 4);
      info += `, sender=${hex32(sender)}`;
      ctx.add(l, 'wg.sender', sender, off + 4, 4);
      if (!fits(off + 8, 4)) break;
      const receiver = u32le(d, off + 8);
      info += `, receiver=${hex32(receiver)}`;
      ctx.add(l, 'wg.receiver', receiver, off + 8, 4);
      // tshark links the response to its initiation before it reads the rest
      if (seenSession !== undefined) session = seenSession;
      else {
        session = initiationFor(ctx, w, receiver, frame);
        if (session) {
          session.responseFrame = frame;
          session.responder = endpoint(ctx, true);
          w.insert(sender, session);
        }
      }
      if (!fits(off + 12, 32)) break;
      ephemeral(ctx, l, off + 12);
      ctx.add(l, 'wg.encrypted_empty', null, off + 44, Math.min(TAG, end - off - 44));
      for (const [name, at] of [['wg.mac1', 60], ['wg.mac2', 76]] as const) {
        if (!fits(off + at, 16)) break done;
        ctx.add(l, name, d.subarray(off + at, off + at + 16), off + at, 16);
      }
      links(ctx, l, session);
      break;
    }
    case COOKIE: {
      if (!fits(off + 4, 4)) break;
      const receiver = u32le(d, off + 4);
      info += `, receiver=${hex32(receiver)}`;
      ctx.add(l, 'wg.receiver', receiver, off + 4, 4);
      if (!fits(off + 8, 24)) break;
      ctx.add(l, 'wg.nonce', d.subarray(off + 8, off + 32), off + 8, 24);
      if (!fits(off + 32, 32)) break;
      ctx.add(l, 'wg.encrypted_cookie', d.subarray(off + 32, off + 64), off + 32, 32);
      if (seenSession !== undefined) session = seenSession;
      else {
        // a cookie reply answers an initiation (from the responder), as a response does
        session = initiationFor(ctx, w, receiver, frame);
        if (session) { session.responseFrame = frame; session.responder = endpoint(ctx, true); }
      }
      links(ctx, l, session);
      break;
    }
    default: {
      if (!fits(off + 4, 4)) break;
      const receiver = u32le(d, off + 4);
      info += `, receiver=${hex32(receiver)}`;
      ctx.add(l, 'wg.receiver', receiver, off + 4, 4);
      if (!fits(off + 8, 8)) break;
      const counter = u64le(d, off + 8);
      info += `, counter=${counter}`;
      ctx.add(l, 'wg.counter', counter, off + 8, 8);
      // tshark measures the encrypted packet by the bytes captured
      const n = end - off - 16;
      if (n < TAG) { ctx.errorAt('wg', `Packet length is too small (${n} of at least ${TAG} bytes)`, off + 16, n); break; }
      if (n !== TAG) info += `, datalen=${n - TAG}`;
      const p = ctx.add(l, 'wg.encrypted_packet', null, off + 16, n);
      if (n === TAG) ctx.sub(p, 'wg.keepalive', null, off + 16, n);
      session = seenSession !== undefined ? seenSession : established(ctx, w, receiver);
      if (session) ctx.gen(l, 'wg.stream', session.stream);
    }
  }
  if (!revisit) w.frames.set(frame, { session });
}

/** A Curve25519 public key (base64, as tshark prints it) and whether its private half is known (never, without keys). */
function ephemeral(ctx: Ctx, l: FieldNode, at: number): void {
  const eph = ctx.add(l, 'wg.ephemeral', Buffer.from(ctx.d.subarray(at, at + 32)).toString('base64'), at, 32);
  const k = ctx.sub(eph, 'wg.ephemeral.known_privkey', false, 0, 0);
  if (k !== SKIP) k.generated = true;
}

function links(ctx: Ctx, l: FieldNode, s: Session | null): void {
  if (!s) return;
  ctx.gen(l, 'wg.stream', s.stream);
  ctx.gen(l, 'wg.response_to', s.initiatorFrame);
}

/** The latest initiation from the receiver id to this packet's destination that nothing else answered yet. */
function initiationFor(ctx: Ctx, w: WgState, receiver: number, frame: number): Session | null {
  const list = w.byId.get(receiver);
  if (!list) return null;
  const dst = endpoint(ctx, false);
  for (let i = list.length - 1; i >= 0; i--) {
    const s = list[i];
    if (s.initiator !== dst) continue;
    if (s.responseFrame !== 0 && s.responseFrame !== frame) continue;
    return s;
  }
  return null;
}

/** The latest answered handshake whose receiver id and one side match this data message's receiver. */
function established(ctx: Ctx, w: WgState, receiver: number): Session | null {
  const list = w.byId.get(receiver);
  if (!list) return null;
  const dst = endpoint(ctx, false);
  for (let i = list.length - 1; i >= 0; i--) {
    const s = list[i];
    if (s.responseFrame === 0) continue;
    if (s.initiator === dst || s.responder === dst) return s;
  }
  return null;
}

UDP_HEURISTICS.add((ctx, st, off, end) => {
  if (!claims(ctx, states.get(st), off, end)) return false;
  dissectWg(ctx, st, off, end);
  return true;
});
