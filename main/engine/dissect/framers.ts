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

/** Length-prefixed PDUs: TLS records (5-byte header), DNS over TCP (2-byte length). */
export class LengthFramer implements Framer {
  private hdr = new Uint8Array(5);
  private got = 0;
  private remaining = -1;
  private bad = false;
  constructor(private readonly tls: boolean) {}

  reset(): void { this.got = 0; this.remaining = -1; }
  known(): boolean { return this.remaining >= 0; }

  next(d: Uint8Array, o: number, end: number): number {
    if (this.bad) return end;
    const hl = this.tls ? 5 : 2;
    while (o < end) {
      if (this.remaining < 0) {
        while (o < end && this.got < hl) this.hdr[this.got++] = d[o++];
        if (this.got < hl) return -1;
        const h = this.hdr;
        // not TLS framing: TlsApp ignores the rest of the direction, a single unknown record each time
        if (this.tls && (h[0] < 20 || h[0] > 24 || h[1] !== 3)) { this.bad = true; this.got = 0; return end; }
        this.remaining = this.tls ? (h[3] << 8) | h[4] : (h[0] << 8) | h[1];
      }
      const n = Math.min(this.remaining, end - o);
      this.remaining -= n;
      o += n;
      if (this.remaining === 0) { this.remaining = -1; this.got = 0; return o; }
    }
    return -1;
  }
}
