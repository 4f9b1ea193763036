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

/** Adds one segment of a side; a string payload is Latin-1 bytes. */
export type TcpSend = (payload: ArrayLike<number> | Buffer | string, flags?: number) => void;

/**
 * One TCP connection appended to `frames` with its sequence and
 * acknowledgement numbers kept as a real connection's: SYN, SYN/ACK (initial
 * sequence numbers 1000 and 5000), the client's ACK unless `ack` is false,
 * then `c(payload)` / `s(payload)` add a client or server segment (PSH|ACK
 * unless `flags` says otherwise) and advance that side's sequence number.
 */
export function tcpConversation(frames: Array<Buffer | number[]>, client: string, server: string, cport: number, sport: number,
  opts: { ack?: boolean } = {}): { c: TcpSend; s: TcpSend } {
  let cs = 1000, ss = 5000;
  const bytes = (p: ArrayLike<number> | Buffer | string): Buffer =>
    typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.isBuffer(p) ? p : Buffer.from(Array.from(p));
  const c: TcpSend = (p, flags = 0x18) => { const b = bytes(p); frames.push(tcpFrameBytes(client, server, cport, sport, cs, ss, flags, [], b, 64240)); cs += b.length; };
  const s: TcpSend = (p, flags = 0x18) => { const b = bytes(p); frames.push(tcpFrameBytes(server, client, sport, cport, ss, cs, flags, [], b, 64240)); ss += b.length; };
  frames.push(tcpFrameBytes(client, server, cport, sport, cs, 0, 0x02, [], Buffer.alloc(0), 64240)); cs++;
  frames.push(tcpFrameBytes(server, client, sport, cport, ss, cs, 0x12, [], Buffer.alloc(0), 64240)); ss++;
  if (opts.ack !== false) frames.push(tcpFrameBytes(client, server, cport, sport, cs, ss, 0x10, [], Buffer.alloc(0), 64240));
  return { c, s };
}

/** Single TCP segments between `client` and `server`, numbers as given (no bookkeeping); a text payload is Latin-1. */
export const tcpSegments = (client: string, server: string) =>
  (fromClient: boolean, cport: number, sport: number, seq: number, ack: number, flags: number, text = ''): Buffer =>
    fromClient ? tcpFrameBytes(client, server, cport, sport, seq, ack, flags, [], Buffer.from(text, 'latin1'), 64240)
      : tcpFrameBytes(server, client, sport, cport, seq, ack, flags, [], Buffer.from(text, 'latin1'), 64240);
