// TFTP, the Trivial File Transfer Protocol (RFC 1350, options RFC 2347-2349,
// udp/69): requests with file name, mode and options, data blocks,
// acknowledgements, errors, option acknowledgements. A request announces
// its transfer: the server answers from a new port, so the request's
// client address and port become a conversation (conversation.ts) and the
// transfer decodes as TFTP whatever the server's port, as tshark does.
// Fields as tshark 4.0's packet-tftp.c.
import type { Ctx, FieldNode } from './context';
import { declare } from './fields';
import { dissectData } from './data';
import type { State } from './state';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { UDP_PORT } = tables;
const { latin1, u16 } = readers;

const OPCODES: Record<number, string> = {
  1: 'Read Request', 2: 'Write Request', 3: 'Data Packet', 4: 'Acknowledgement', 5: 'Error Code', 6: 'Option Acknowledgement',
};
const ERRORS: Record<number, string> = {
  0: 'Not defined', 1: 'File not found', 2: 'Access violation', 3: 'Disk full or allocation exceeded', 4: 'Illegal TFTP Operation',
  5: 'Unknown transfer ID', 6: 'File already exists', 7: 'No such user', 8: 'Option negotiation failed',
};

declare('tftp', 'Trivial File Transfer Protocol', [
  ['tftp.opcode', 'uint', 'Opcode', { valueNames: OPCODES }],
  ['tftp.source_file', 'string', 'Source File'],
  ['tftp.destination_file', 'string', 'Destination File'],
  ['tftp.type', 'string', 'Type'],
  ['tftp.block', 'uint', 'Block'],
  ['tftp.error.code', 'uint', 'Error code', { valueNames: ERRORS }],
  ['tftp.error.message', 'string', 'Error message'],
  ['tftp.option.name', 'string', 'Option name'],
  ['tftp.option.value', 'string', 'Option value'],
]);

const MAX_OPTIONS = 32;

/** A NUL-terminated string at o (bounded by end): [text, offset past the NUL or end, terminated]. */
function cstr(d: Uint8Array, o: number, end: number): [string, number, boolean] {
  let e = o;
  while (e < end && d[e] !== 0) e++;
  return [latin1(d, o, e), e < end ? e + 1 : end, e < end];
}

function options(ctx: Ctx, l: FieldNode, o: number, end: number): string {
  const d = ctx.d;
  let info = '';
  for (let n = 0; o < end && n < MAX_OPTIONS; n++) {
    const [name, o2, t1] = cstr(d, o, end);
    ctx.add(l, 'tftp.option.name', name, o, o2 - o);
    if (!t1) { ctx.boundsAt('tftp', 'option name without its terminating NUL', o, end - o); return info; }
    const [value, o3, t2] = cstr(d, o2, end);
    ctx.add(l, 'tftp.option.value', value, o2, o3 - o2);
    info += `, ${name}=${value}`;
    if (!t2) { ctx.boundsAt('tftp', 'option value without its terminating NUL', o2, end - o2); return info; }
    o = o3;
  }
  return info;
}

/** `file`: the name its request asked for, when this packet belongs to a transfer (tshark shows it on each). */
export function dissectTftp(ctx: Ctx, st: State, off: number, end: number, file?: string): void {
  const d = ctx.d;
  const l = ctx.layer('tftp', off, Math.max(0, end - off));
  ctx.protocol = 'TFTP';
  if (end - off < 2) { ctx.boundsAt('tftp', 'TFTP opcode cut short', off, end - off); return; }
  const op = u16(d, off);
  ctx.add(l, 'tftp.opcode', op, off, 2);
  if (file !== undefined) ctx.gen(l, 'tftp.destination_file', file);
  const name = OPCODES[op] ?? `Unknown (0x${op.toString(16).padStart(4, '0')})`;
  ctx.info = name;
  const o = off + 2;
  switch (op) {
    case 1: case 2: {
      const [file, o2, t1] = cstr(d, o, end);
      // (a name without its NUL is a bounds error in tshark before the field is added)
      if (t1) ctx.add(l, op === 1 ? 'tftp.source_file' : 'tftp.destination_file', file, o, o2 - o);
      if (!t1) { ctx.boundsAt('tftp', 'file name without its terminating NUL', o, end - o); return; }
      const [mode, o3, t2] = cstr(d, o2, end);
      ctx.add(l, 'tftp.type', mode, o2, o3 - o2);
      if (!t2) { ctx.info = `${name}, File: ${file}`; ctx.boundsAt('tftp', 'mode without its terminating NUL', o2, end - o2); return; }
      let info = `${name}, File: ${file}, Transfer type: ${mode}`;
      info += options(ctx, l, o3, end);
      ctx.info = info;
      // the transfer comes back from another server port to this client port
      if (ctx.inner === 0) st.udpConv.expect(ctx, 'src', ctx.srcPort, (c, s, o1, e1) => dissectTftp(c, s, o1, e1, file));
      return;
    }
    case 3: case 4: {
      if (end - o < 2) { ctx.boundsAt('tftp', 'block number cut short', o, end - o); return; }
      const block = u16(d, o);
      ctx.add(l, 'tftp.block', block, o, 2);
      ctx.info = `${name}, Block: ${block}`;
      if (op === 3) {
        if (end - o - 2 < 512) ctx.info += ' (last)';
        dissectData(ctx, o + 2, end);
      }
      return;
    }
    case 5: {
      if (end - o < 2) { ctx.boundsAt('tftp', 'error code cut short', o, end - o); return; }
      const code = u16(d, o);
      ctx.add(l, 'tftp.error.code', code, o, 2);
      const [msg, o2, t] = cstr(d, o + 2, end);
      ctx.add(l, 'tftp.error.message', msg, o + 2, o2 - o - 2);
      ctx.info = `${name}, Code: ${ERRORS[code] ?? `Unknown (${code})`}, Message: ${msg}`;
      if (!t) ctx.boundsAt('tftp', 'error message without its terminating NUL', o + 2, end - o - 2);
      return;
    }
    case 6:
      ctx.info = name + options(ctx, l, o, end);
      return;
    default:
      // an unknown opcode: tshark shows nothing past it
  }
}

UDP_PORT.add([69], dissectTftp);
