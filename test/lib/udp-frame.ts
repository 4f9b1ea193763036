// An Ethernet/IPv4/UDP frame for tests that write or read captures and only
// need a well-formed datagram (tshark reads it without complaint); the
// caller puts what identifies the frame in its payload.

/** `len` bytes (at least 42), 198.18.0.1 → `dst`, UDP `sport` → `dport`; the payload is zeros. */
export function ethUdpFrame(len: number, dst = 0xc6120002, sport = 0, dport = 0): Buffer {
  const b = Buffer.alloc(len);
  b.writeUInt16BE(0x0800, 12);
  b[14] = 0x45;
  b.writeUInt16BE(len - 14, 16);
  b[22] = 64;
  b[23] = 17;
  b.writeUInt32BE(0xc6120001, 26);
  b.writeUInt32BE(dst, 30);
  b.writeUInt16BE(sport, 34);
  b.writeUInt16BE(dport, 36);
  b.writeUInt16BE(len - 34, 38);
  return b;
}
