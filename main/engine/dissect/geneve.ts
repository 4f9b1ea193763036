// Geneve, Generic Network Virtualization Encapsulation (RFC 8926, udp/6081):
// an 8-byte header, variable options (class, type, length in 4-byte
// words), then the payload named by its protocol type, an ethertype
// (0x6558: an Ethernet frame). Fields as tshark 4.0's packet-geneve.c.
import type { Ctx } from './context';
import { declare, HEX8, HEX16 } from './fields';
import { ethertype } from './link';
import type { State } from './state';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { UDP_PORT } = tables;
const { u16 } = readers;

declare('geneve', 'Generic Network Virtualization Encapsulation', [
  ['geneve.version', 'uint', 'Version'],
  ['geneve.flags', 'uint', 'Flags', HEX8],
  ['geneve.flags.oam', 'bool', 'Operations, Administration and Management Frame'],
  ['geneve.flags.critical', 'bool', 'Critical Options Present'],
  ['geneve.proto_type', 'uint', 'Protocol Type', HEX16],
  ['geneve.vni', 'uint', 'Virtual Network Identifier (VNI)', { base: 'hex', hexDigits: 6 }],
  ['geneve.reserved', 'uint', 'Reserved', HEX8],
  ['geneve.options', 'bytes', 'Geneve Options'],
  ['geneve.option.class', 'uint', 'Class', HEX16],
  ['geneve.option.type', 'uint', 'Type', HEX8],
  ['geneve.option.length', 'uint', 'Length'],
]);

const MAX_OPTIONS = 64;

function dissectGeneve(ctx: Ctx, st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('geneve', off, Math.max(0, Math.min(8, end - off)));
  ctx.protocol = 'Geneve';
  if (end - off < 8) { ctx.malformedAt('geneve', `Geneve header cut short (${end - off} of 8 bytes)`, off, end - off); return; }
  const version = d[off] >> 6, optLen = (d[off] & 0x3f) * 4, flags = d[off + 1];
  ctx.add(l, 'geneve.version', version, off, 1);
  const f = ctx.add(l, 'geneve.flags', flags, off + 1, 1);
  ctx.sub(f, 'geneve.flags.oam', (flags & 0x80) !== 0, off + 1, 1);
  ctx.sub(f, 'geneve.flags.critical', (flags & 0x40) !== 0, off + 1, 1);
  const proto = u16(d, off + 2);
  ctx.add(l, 'geneve.proto_type', proto, off + 2, 2);
  ctx.add(l, 'geneve.vni', (d[off + 4] << 16) | (d[off + 5] << 8) | d[off + 6], off + 4, 3);
  ctx.add(l, 'geneve.reserved', d[off + 7], off + 7, 1);
  const optEnd = off + 8 + optLen;
  if (optEnd > end) { ctx.malformedAt('geneve', `Geneve options length ${optLen} runs past the packet`, off, 1); return; }
  if (optLen > 0) {
    ctx.add(l, 'geneve.options', d.subarray(off + 8, optEnd), off + 8, optLen);
    let o = off + 8;
    for (let n = 0; o < optEnd && n < MAX_OPTIONS; n++) {
      if (optEnd - o < 4) { ctx.malformedAt('geneve', 'Geneve option header cut short', o, optEnd - o); return; }
      const len = (d[o + 3] & 0x1f) * 4;
      ctx.add(l, 'geneve.option.class', u16(d, o), o, 2);
      ctx.add(l, 'geneve.option.type', d[o + 2], o + 2, 1);
      // tshark shows the whole option's length, in the option's line and as its field
      ctx.add(l, 'geneve.option.length', len + 4, o + 3, 1);
      ctx.add(l, 'geneve.option.length', len + 4, o + 3, 1);
      if (o + 4 + len > optEnd) { ctx.malformedAt('geneve', `Geneve option length ${len} runs past the options`, o + 3, 1); return; }
      o += 4 + len;
    }
  }
  l.len = optEnd - off;
  ctx.info = `Encapsulated ${proto === 0x6558 ? 'Transparent Ethernet bridging' : `0x${proto.toString(16).padStart(4, '0')}`}`;
  if (optEnd < end) ethertype(ctx, st, proto, optEnd, end, false);
}

UDP_PORT.add([6081], dissectGeneve);
