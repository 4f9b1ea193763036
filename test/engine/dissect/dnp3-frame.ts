// DNP3 data link frames for tests, built from IEEE 1815 §9: the header
// and its CRC, then the user data in 16-byte chunks, each with its CRC.
function crc(b: number[]): number {
  let c = 0;
  for (const x of b) { c ^= x; for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ 0xa6bc : c >>> 1; }
  return ~c & 0xffff;
}

export function dnpLinkFrame(ctl: number, dst: number, src: number, user: number[]): number[] {
  const h = [0x05, 0x64, 5 + user.length, ctl, dst & 255, dst >> 8, src & 255, src >> 8];
  const out = [...h, crc(h) & 255, crc(h) >> 8];
  for (let i = 0; i < user.length; i += 16) { const b = user.slice(i, i + 16); out.push(...b, crc(b) & 255, crc(b) >> 8); }
  return out;
}
