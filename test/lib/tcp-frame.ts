// Ethernet/IPv4/TCP frames for dissector tests, headers exactly as given:
// checksums left zero (tshark does not check them by default), options
// padded to a 4-byte boundary with zeros.
export function tcpFrameBytes(src: string, dst: string, sp: number, dp: number, seq: number, ack: number, flags: number,
  opts: number[], payload: Buffer, win: number): Buffer {
  const pad = (4 - (opts.length % 4)) % 4;
  const hl = 20 + opts.length + pad;
  const t = Buffer.alloc(hl);
  t.writeUInt16BE(sp, 0); t.writeUInt16BE(dp, 2); t.writeUInt32BE(seq >>> 0, 4); t.writeUInt32BE(ack >>> 0, 8);
  t.writeUInt16BE(((hl / 4) << 12) | flags, 12); t.writeUInt16BE(win, 14);
  Buffer.from(opts).copy(t, 20);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45; ip.writeUInt16BE(20 + hl + payload.length, 2); ip[8] = 64; ip[9] = 6;
  src.split('.').forEach((b, i) => { ip[12 + i] = +b; });
  dst.split('.').forEach((b, i) => { ip[16 + i] = +b; });
  return Buffer.concat([Buffer.from('0200000000010200000000020800', 'hex'), ip, t, payload]);
}
