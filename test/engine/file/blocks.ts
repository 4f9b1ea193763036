// Hand-made pcapng/pcap bytes for the cases the corpus lacks (power-of-2
// resolutions, OPB, damage of every kind). Deliberately independent of the
// writer under test.

type Endian = 'le' | 'be';

const u16 = (v: number, e: Endian): Buffer => { const b = Buffer.alloc(2); if (e === 'le') b.writeUInt16LE(v); else b.writeUInt16BE(v); return b; };
const u32 = (v: number, e: Endian): Buffer => { const b = Buffer.alloc(4); if (e === 'le') b.writeUInt32LE(v >>> 0); else b.writeUInt32BE(v >>> 0); return b; };
const pad = (b: Buffer): Buffer => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);

export function option(code: number, value: Buffer | string, e: Endian = 'le'): Buffer {
  const v = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([u16(code, e), u16(v.length, e), pad(v)]);
}
export const endOfOptions = (e: Endian = 'le'): Buffer => Buffer.concat([u16(0, e), u16(0, e)]);

/** A block with correct lengths unless `total` overrides the leading one. */
export function block(type: number, body: Buffer, e: Endian = 'le', total?: number): Buffer {
  const b = pad(body);
  const len = b.length + 12;
  return Buffer.concat([u32(type, e), u32(total ?? len, e), b, u32(len, e)]);
}

export function shb(e: Endian = 'le', opts: Buffer[] = [], version: [number, number] = [1, 0]): Buffer {
  const body = Buffer.concat([u32(0x1a2b3c4d, e), u16(version[0], e), u16(version[1], e), Buffer.alloc(8, 0xff),
    ...(opts.length ? [...opts, endOfOptions(e)] : [])]);
  return block(0x0a0d0d0a, body, e);
}

export function idb(linkType: number, snaplen: number, opts: Buffer[] = [], e: Endian = 'le'): Buffer {
  return block(1, Buffer.concat([u16(linkType, e), u16(0, e), u32(snaplen, e), ...(opts.length ? [...opts, endOfOptions(e)] : [])]), e);
}

export function epb(ifId: number, ticks: bigint, data: Buffer, opts: Buffer[] = [], e: Endian = 'le', origLen = data.length): Buffer {
  return block(6, Buffer.concat([u32(ifId, e), u32(Number(ticks >> 32n), e), u32(Number(ticks & 0xffffffffn), e),
    u32(data.length, e), u32(origLen, e), pad(data), ...(opts.length ? [...opts, endOfOptions(e)] : [])]), e);
}

export function opb(ifId: number, ticks: bigint, data: Buffer, e: Endian = 'le'): Buffer {
  return block(2, Buffer.concat([u16(ifId, e), u16(0, e), u32(Number(ticks >> 32n), e), u32(Number(ticks & 0xffffffffn), e),
    u32(data.length, e), u32(data.length, e), pad(data)]), e);
}

export function spb(origLen: number, data: Buffer, e: Endian = 'le'): Buffer {
  return block(3, Buffer.concat([u32(origLen, e), pad(data)]), e);
}

/** Classic pcap file header (+ records from pcapRecord). */
export function pcapHeader(opts: { e?: Endian; magic?: number; linkType?: number; snaplen?: number } = {}): Buffer {
  const e = opts.e ?? 'le';
  return Buffer.concat([u32(opts.magic ?? 0xa1b2c3d4, e), u16(2, e), u16(4, e), u32(0, e), u32(0, e),
    u32(opts.snaplen ?? 65535, e), u32(opts.linkType ?? 1, e)]);
}

export function pcapRecord(sec: number, frac: number, data: Buffer, e: Endian = 'le', capLen = data.length, origLen = data.length): Buffer {
  return Buffer.concat([u32(sec, e), u32(frac, e), u32(capLen, e), u32(origLen, e), data]);
}

export const frame = (n: number, len = 60): Buffer => Buffer.alloc(len, n & 0xff);
