// Recognising a service from the first bytes of a TCP/UDP payload, whatever
// the port: the dissector names protocols by port the way Wireshark does
// (an HTTP GET to port 22 shows as SSH), so a port mismatch has to be seen
// in the bytes themselves.

export type Service = 'http' | 'tls' | 'ssh' | 'dns';

export interface Recognised {
  service: Service;
  /** whether these bytes come from the server side (response, ServerHello, DNS answer) */
  fromServer: boolean | null;
}

const METHODS = ['GET ', 'POST ', 'PUT ', 'HEAD ', 'DELETE ', 'OPTIONS ', 'PATCH ', 'CONNECT '];

function startsWith(b: Uint8Array, at: number, len: number, s: string): boolean {
  if (len < s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

export function recogniseTcp(b: Uint8Array, at: number, len: number): Recognised | null {
  if (len < 4) return null;
  const c = b[at];
  if (c === 0x16) {
    // TLS handshake record: version 3.x, then ClientHello (1) or ServerHello (2)
    if (len >= 6 && b[at + 1] === 3 && b[at + 2] <= 4 && (b[at + 5] === 1 || b[at + 5] === 2)) {
      return { service: 'tls', fromServer: b[at + 5] === 2 };
    }
    return null;
  }
  if (c === 0x53 /* S */ && startsWith(b, at, len, 'SSH-')) return { service: 'ssh', fromServer: null };
  if (c === 0x48 /* H */ && startsWith(b, at, len, 'HTTP/1.')) return { service: 'http', fromServer: true };
  if (c >= 0x41 && c <= 0x5a) {
    for (const m of METHODS) {
      if (startsWith(b, at, len, m)) {
        // a request line: METHOD SP target SP HTTP/1.x
        const end = Math.min(len, 2048);
        for (let i = m.length; i + 7 < end; i++) {
          if (b[at + i] === 0x0d || b[at + i] === 0x0a) break;
          if (b[at + i] === 0x20 && startsWith(b, at + i + 1, len - i - 1, 'HTTP/1.')) return { service: 'http', fromServer: false };
        }
        return null;
      }
    }
  }
  return null;
}

/** A strict DNS message check: header counts and a well-formed question. */
export function recogniseDns(b: Uint8Array, at: number, len: number): Recognised | null {
  if (len < 17) return null;
  const flags = (b[at + 2] << 8) | b[at + 3];
  const qd = (b[at + 4] << 8) | b[at + 5];
  const an = (b[at + 6] << 8) | b[at + 7];
  const ns = (b[at + 8] << 8) | b[at + 9];
  const ar = (b[at + 10] << 8) | b[at + 11];
  const isResponse = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 0xf;
  if (qd !== 1 || opcode !== 0 || an > 64 || ns > 64 || ar > 64 || (!isResponse && an !== 0) || (flags & 0x0040)) return null;
  let i = 12;
  let labels = 0;
  while (true) {
    if (i >= len) return null;
    const l = b[at + i];
    if (l === 0) { i++; break; }
    if (l > 63 || i + 1 + l > len) return null;
    for (let k = 1; k <= l; k++) {
      const ch = b[at + i + k];
      const ok = (ch >= 0x30 && ch <= 0x39) || (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x61 && ch <= 0x7a) || ch === 0x2d || ch === 0x5f;
      if (!ok) return null;
    }
    i += 1 + l;
    if (++labels > 64) return null;
  }
  if (i + 4 > len) return null;
  const qtype = (b[at + i] << 8) | b[at + i + 1];
  const qclass = ((b[at + i + 2] << 8) | b[at + i + 3]) & 0x7fff;
  if (qtype === 0 || (qclass !== 1 && qclass !== 255)) return null;
  if (!isResponse && an === 0 && ns === 0 && ar === 0 && i + 4 !== len) return null;
  return { service: 'dns', fromServer: isResponse };
}
