// Big- and little-endian byte readers shared by every dissector and by the
// header walker. Callers check lengths first: these never bound-check.
export const u16 = (d: Uint8Array, o: number): number => (d[o] << 8) | d[o + 1];
export const u24 = (d: Uint8Array, o: number): number => (d[o] << 16) | (d[o + 1] << 8) | d[o + 2];
export const u32 = (d: Uint8Array, o: number): number => ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;
export const u16le = (d: Uint8Array, o: number): number => d[o] | (d[o + 1] << 8);
export const u32le = (d: Uint8Array, o: number): number => (d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (d[o + 3] << 24)) >>> 0;

/** latin1 text of a byte range (HTTP headers, DNS labels): one char per byte. */
export function latin1(d: Uint8Array, start: number, end: number): string {
  let s = '';
  const n = end - start;
  if (n > 64) {
    // chunked to keep the argument list bounded
    for (let i = start; i < end; i += 4096) s += String.fromCharCode.apply(null, d.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
    return s;
  }
  for (let i = start; i < end; i++) s += String.fromCharCode(d[i]);
  return s;
}

/**
 * tshark's tvb_find_line_end with desegmentation (text protocols: SMTP,
 * IMAP, POP): [end of the line, start of the next] for a line ending in
 * LF, CR LF or a lone CR, or null when the line has no end in [o, end) yet
 * (a CR at the end may still be followed by its LF).
 */
export function lineEnd(d: Uint8Array, o: number, end: number): [number, number] | null {
  for (let i = o; i < end; i++) {
    if (d[i] === 10) return [i, i + 1];
    if (d[i] === 13) {
      if (i + 1 >= end) return null;
      return [i, d[i + 1] === 10 ? i + 2 : i + 1];
    }
  }
  return null;
}
