// Generic TCP payload handlers: raw data and protocols shown by name only
// (SSH, PPTP). minor.ts registers the protocols that use them.
import type { Ctx } from './context';
import * as readers from './bytes';
import { dissectData } from './data';
import { nameOnly } from './data';
import type { TcpApp } from './tcpstream';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { latin1 } = readers;

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
