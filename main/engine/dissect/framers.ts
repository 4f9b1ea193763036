// PDU boundaries, as tshark's TCP reassembly sees them: tshark shows a
// segment's bytes as "TCP segment data" when they belong to a PDU that spans
// segments (and on retransmissions), and lists the segments where such a PDU
// completes. The apps consume the bytes for their own fields; a framer only
// finds where each PDU ends (cheap: lengths are skipped, not scanned) and
// runs only when those TCP fields are wanted. An app names its framer
// (TcpApp.framer); the generic ones are here, HTTP's is in http.ts.
import type { TcpStream } from './tcpstream';

/** Finds PDU ends in one direction's in-order bytes. */
export interface Framer {
  /** consumes [o, end): the offset just past a PDU that ends there, or -1 when every byte belongs to a PDU still open */
  next(d: Uint8Array, o: number, end: number, s: TcpStream): number;
  /**
   * whether the open PDU's length is known (a TLS or DNS length read, an HTTP
   * Content-Length); when it is not, tshark asks for one more segment at a time
   * and the whole segment joins the reassembly, also the bytes past the PDU's end
   */
  known(): boolean;
  /** the open PDU ends with the direction's FIN (an HTTP body without length) */
  untilFin?(): boolean;
  reset(): void;
}

/** What a header-then-length framer's header says after one more byte. */
export const HEADER_MORE = -1;
/** these bytes are not the protocol's: the rest of the segment is unframed, and the next starts a header again */
export const HEADER_SKIP = -2;
/** these bytes are not the protocol's: the rest of the direction is unframed */
export const HEADER_BAD = -3;

/**
 * The shape most PDU framings share: a header (that may itself span
 * segments), then as many bytes as it says. A subclass reads the header a
 * byte at a time (headers are a few bytes, SIP's a few hundred, so the call
 * per byte is cheap) and says how many bytes follow it; the counting, the
 * segment bounds and `known()` are here, once.
 */
export abstract class HeaderLengthFramer implements Framer {
  /** bytes of the open PDU still to come after its header; -1 while the header is incomplete */
  private left = -1;
  private bad = false;

  /**
   * Takes the header's next byte: the number of bytes that follow the header
   * once this byte completes it, else HEADER_MORE, HEADER_SKIP or HEADER_BAD.
   */
  protected abstract push(b: number): number;
  /** forgets a partly read header */
  protected abstract clear(): void;

  // a stream that went bad stays bad (its bytes are not this protocol's, whatever gap follows)
  reset(): void { this.left = -1; this.clear(); }
  known(): boolean { return this.left >= 0; }

  next(d: Uint8Array, o: number, end: number): number {
    if (this.bad) return end;
    while (o < end) {
      if (this.left < 0) {
        while (o < end && this.left < 0) {
          const r = this.push(d[o++]);
          if (r >= 0) { this.left = r; this.clear(); }
          else if (r === HEADER_SKIP) { this.clear(); return end; }
          else if (r === HEADER_BAD) { this.bad = true; this.clear(); return end; }
        }
        if (this.left < 0) return -1;
      }
      const take = Math.min(this.left, end - o);
      this.left -= take;
      o += take;
      if (this.left === 0) { this.left = -1; return o; }
    }
    return -1;
  }
}

/** A header whose end only its bytes tell (MQTT's variable length, SIP's blank line), kept as it grows. */
export abstract class GrowingHeaderFramer extends HeaderLengthFramer {
  private hdr: number[] = [];
  /** after each byte, the header so far: the bytes that follow it once complete, else HEADER_MORE, HEADER_SKIP or HEADER_BAD */
  protected abstract length(h: readonly number[]): number;
  protected clear(): void { this.hdr = []; }
  protected push(b: number): number { this.hdr.push(b); return this.length(this.hdr); }
}

/** How a protocol with a fixed-size header frames its PDUs. */
export interface PduRule {
  /** bytes needed before the PDU length is known */
  readonly hdrLen: number;
  /** the whole PDU's length from its first hdrLen bytes; -1 when they are not this protocol's header */
  length(h: Uint8Array, o: number): number;
}

/** PDUs whose whole length a fixed-size header gives (PduRule); a header that is not the protocol's ends the framing. */
export class FixedHeaderFramer extends HeaderLengthFramer {
  private readonly hdr: Uint8Array;
  private got = 0;
  constructor(private readonly rule: PduRule) { super(); this.hdr = new Uint8Array(rule.hdrLen); }
  protected clear(): void { this.got = 0; }
  protected push(b: number): number {
    this.hdr[this.got++] = b;
    if (this.got < this.hdr.length) return HEADER_MORE;
    const n = this.rule.length(this.hdr, 0);
    return n < this.hdr.length ? HEADER_BAD : n - this.hdr.length;
  }
}

// not TLS framing (content type 20..24, major version 3): TlsApp ignores the rest of the direction, a single unknown record each time
const TLS_RECORD: PduRule = { hdrLen: 5, length: (h, o) => (h[o] < 20 || h[o] > 24 || h[o + 1] !== 3 ? -1 : 5 + ((h[o + 3] << 8) | h[o + 4])) };
const DNS_TCP: PduRule = { hdrLen: 2, length: (h, o) => 2 + ((h[o] << 8) | h[o + 1]) };

/** Length-prefixed PDUs: TLS records (5-byte header), DNS over TCP (2-byte length). */
export class LengthFramer extends FixedHeaderFramer {
  constructor(tls: boolean) { super(tls ? TLS_RECORD : DNS_TCP); }
}
