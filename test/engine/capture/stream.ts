// The helper's stdout stream (helper/PROTOCOL.md), built by hand: frames,
// packet records, process descriptions, stats and replies, for tests of the
// decoder and of what is written from its records.
export function frame(type: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32LE(type, 0);
  h.writeUInt32LE(payload.length, 4);
  return Buffer.concat([h, payload]);
}

export function hello(): Buffer {
  const p = Buffer.alloc(80);
  // version 3; flags: multi-buffer, process attribution on
  [3, 7, 1, 3, 1500, 3, 42, 65536].forEach((v, i) => p.writeUInt32LE(v, i * 4));
  p.write('veth0', 32);
  // directions in+out, egress through tcx, tracing program 77 'xdp_dispatcher'
  [3, 1, 77].forEach((v, i) => p.writeUInt32LE(v, 48 + i * 4));
  p.write('xdp_dispatcher', 60);
  return frame(1, p);
}

/** direction: 1 in, 2 out; action: the foreign program's, or none; pid and attr: the process attribution */
export function record(ts: bigint, wire: number, data: Buffer, direction = 1, action = 0xffffffff, pid = 0, attr = 0): Buffer {
  const h = Buffer.alloc(40);
  h.writeBigUInt64LE(ts, 0);
  h.writeUInt32LE(wire, 8);
  h.writeUInt32LE(data.length, 12);
  h.writeUInt32LE(7, 16);
  h.writeUInt32LE(direction, 24);
  h.writeUInt32LE(action, 28);
  h.writeUInt32LE(pid, 32);
  h.writeUInt32LE(attr, 36);
  return Buffer.concat([h, data]);
}

/** A PROC frame: struct xs_wire_proc, then exe, cmdline (NUL-separated), user, container, cgroup */
export function proc(pid: number, comm: string, strs: string[]): Buffer {
  const f = Buffer.alloc(40);
  [pid, 1000, 100, 1].forEach((v, i) => f.writeUInt32LE(v, i * 4));
  f.writeBigUInt64LE(4242n, 16);
  f.write(comm, 24);
  return frame(5, Buffer.concat([f, ...strs.map((t) => { const b = Buffer.from(t); const l = Buffer.alloc(2); l.writeUInt16LE(b.length); return Buffer.concat([l, b]); })]));
}

export function stats(seen: number, final: boolean): Buffer {
  const p = Buffer.alloc(80);
  p.writeBigUInt64LE(123n, 0);
  p.writeBigUInt64LE(BigInt(seen), 8);
  p.writeBigUInt64LE(BigInt(seen), 24);
  p.writeUInt32LE(final ? 1 : 0, 72);
  return frame(3, p);
}

export function reply(ok: boolean, text: string): Buffer {
  const s = Buffer.alloc(4);
  s.writeUInt32LE(ok ? 0 : 1, 0);
  return frame(4, Buffer.concat([s, Buffer.from(text)]));
}
