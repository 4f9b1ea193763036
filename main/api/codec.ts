// Binary framing for API messages over the WebSocket: a JSON envelope plus
// the typed arrays it references, appended raw (8-byte aligned). Row blocks
// and packet bytes thus cross the socket as bytes, not as JSON numbers.
// Layout: u32 LE json length | json (utf-8) | pad to 8 | array 0 | pad | array 1 ...
// In the JSON a typed array is {"$bin": offset after the JSON's padding, "$t": type, "$n": length}.

type Typed = Uint8Array | Uint32Array | Int32Array | Float64Array | Uint16Array | BigInt64Array;
const CTORS = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, i32: Int32Array, f64: Float64Array, i64: BigInt64Array } as const;
type Tag = keyof typeof CTORS;

function tagOf(v: unknown): Tag | null {
  if (v instanceof Uint8Array) return 'u8';
  if (v instanceof Uint16Array) return 'u16';
  if (v instanceof Uint32Array) return 'u32';
  if (v instanceof Int32Array) return 'i32';
  if (v instanceof Float64Array) return 'f64';
  if (v instanceof BigInt64Array) return 'i64';
  return null;
}

const align8 = (n: number) => (n + 7) & ~7;
const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodeMessage(msg: unknown): Uint8Array {
  const blobs: Typed[] = [];
  let rel = 0;
  const json = JSON.stringify(msg, function (this: any, key, value) {
    const raw = this[key];
    const tag = tagOf(raw);
    if (tag) {
      const b = raw as Typed;
      blobs.push(b);
      const at = rel;
      rel = align8(rel + b.byteLength);
      return { $bin: at, $t: tag, $n: b.length };
    }
    if (typeof value === 'number' && !Number.isFinite(value)) return { $num: String(value) };
    if (typeof value === 'bigint') return { $big: value.toString() };
    return value;
  });
  const head = enc.encode(json);
  const base = align8(4 + head.length);
  let size = base;
  const offsets = blobs.map((b) => { const o = size; size = align8(size + b.byteLength); return o; });
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  blobs.forEach((b, i) => out.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), offsets[i]));
  return out;
}

export function decodeMessage(bytes: Uint8Array): unknown {
  if (bytes.length < 4) throw new Error(`message too short (${bytes.length} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jlen = dv.getUint32(0, true);
  if (4 + jlen > bytes.length) throw new Error(`message header says ${jlen} bytes of JSON, only ${bytes.length - 4} present`);
  const json = dec.decode(bytes.subarray(4, 4 + jlen));
  const base = align8(4 + jlen);
  return JSON.parse(json, (_key, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if (typeof value.$bin === 'number' && typeof value.$t === 'string' && typeof value.$n === 'number') {
        const C = CTORS[value.$t as Tag];
        if (!C) throw new Error(`unknown array type ${value.$t}`);
        const byteLen = value.$n * C.BYTES_PER_ELEMENT;
        const pos = base + value.$bin;
        if (value.$bin < 0 || pos + byteLen > bytes.length) throw new Error('array runs past the end of the message');
        // Copy: the arrays must own aligned memory independent of the socket buffer.
        const copy = new Uint8Array(byteLen);
        copy.set(bytes.subarray(pos, pos + byteLen));
        return new C(copy.buffer);
      }
      if (typeof value.$num === 'string' && Object.keys(value).length === 1) return Number(value.$num);
      if (typeof value.$big === 'string' && Object.keys(value).length === 1) return BigInt(value.$big);
    }
    return value;
  });
}
