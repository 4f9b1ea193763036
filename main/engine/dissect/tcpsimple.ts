// Simple TCP payload handlers: raw data, protocols shown by name only
// (SSH, PPTP), and line-based ones (SMTP) where a frame carries the
// protocol only once a line completes, as in tshark.
import type { Ctx } from './context';
import { latin1 } from './bytes';
import { dissectData } from './data';
import { nameOnly } from './minor';
import { dissectDns } from './dns';
import type { TcpApp } from './tcpstream';

export class DataApp implements TcpApp {
  feed(ctx: Ctx, _st: unknown, _s: unknown, _f: unknown, off: number, end: number): void { dissectData(ctx, off, end); }
  fin(): void {}
  reset(): void {}
}

export class NameApp implements TcpApp {
  constructor(private proto: string, private summary: string) {}
  feed(ctx: Ctx, _st: unknown, _s: unknown, _f: unknown, off: number, end: number): void {
    const d = ctx.d;
    const side = ctx.srcPort === 22 ? 'Server: ' : ctx.dstPort === 22 ? 'Client: ' : '';
    let info = `${this.summary} data`;
    if (this.proto === 'ssh' && end - off >= 4 && d[off] === 0x53 && d[off + 1] === 0x53 && d[off + 2] === 0x48 && d[off + 3] === 0x2d) {
      let e = off;
      while (e < end && d[e] !== 13 && d[e] !== 10) e++;
      info = `${side}Protocol (${latin1(d, off, e)})`;
    } else if (this.proto === 'ssh') info = `${side}Encrypted packet (len=${end - off})`;
    nameOnly(ctx, this.proto, this.summary, off, end, info);
  }
  fin(): void {}
  reset(): void {}
}

const MAX_LINE = 8192;

export class LineApp implements TcpApp {
  private pending = '';
  constructor(private proto: string, private summary: string, private side: string) {}
  feed(ctx: Ctx, _st: unknown, _s: unknown, _f: unknown, off: number, end: number): void {
    const d = ctx.d;
    let lastNl = -1;
    for (let i = end - 1; i >= off; i--) if (d[i] === 10) { lastNl = i; break; }
    if (lastNl < 0) {
      this.pending = (this.pending + latin1(d, off, end)).slice(-MAX_LINE);
      return;
    }
    const text = this.pending + latin1(d, off, lastNl + 1);
    this.pending = latin1(d, lastNl + 1, end).slice(-MAX_LINE);
    // several lines (a multi-line reply) are joined like tshark does
    const lines = text.split(/\r?\n/).filter((l) => l.length > 0).map((l, i) => (i > 0 ? l.replace(/^\d{3}[- ]/, '') : l));
    nameOnly(ctx, this.proto, this.summary, off, end, `${this.side}${lines.join(' | ')}`);
  }
  fin(): void {}
  reset(): void { this.pending = ''; }
}

const MAX_DNS_TCP = 65535 + 2;

/** DNS over TCP (RFC 1035 §4.2.2): two-byte length, then a message; reassembled per direction. */
export class DnsTcpApp implements TcpApp {
  private buf = new Uint8Array(0);
  private len = 0;
  private startOff = 0;
  feed(ctx: Ctx, _st: unknown, _s: unknown, _f: unknown, off: number, end: number): void {
    const d = ctx.d;
    let o = off;
    // each pass takes at least one byte, or stops
    while (o < end) {
      if (this.len === 0) this.startOff = o;
      const want = this.len < 2 ? 2 : 2 + ((this.buf[0] << 8) | this.buf[1]);
      const n = Math.min(want - this.len, end - o);
      if (this.buf.length < want) { const nb = new Uint8Array(Math.min(MAX_DNS_TCP, Math.max(want, 64))); nb.set(this.buf.subarray(0, this.len)); this.buf = nb; }
      this.buf.set(d.subarray(o, o + n), this.len);
      this.len += n;
      o += n;
      if (this.len >= 2 && this.len === 2 + ((this.buf[0] << 8) | this.buf[1])) {
        const msg = this.buf.slice(2, this.len);
        const inFrame = o - this.startOff; // bytes of this message in the current frame
        const fromFrame = Math.max(0, inFrame - 2);
        this.len = 0;
        ctx.withReassembled(msg, msg.length - fromFrame, o - fromFrame, fromFrame, () => dissectDns(ctx, 0, msg.length, 'dns'));
      }
    }
  }
  fin(): void {}
  reset(): void { this.len = 0; }
}
