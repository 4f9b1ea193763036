// Per-capture dissection state shared by the protocol modules.
import { FragTable } from './frag';
import { TcpTable } from './tcpstream';
import type { Ctx } from './context';

const MAX_UDP_STREAMS = 200_000;

export class State {
  readonly frags = new FragTable();
  readonly tcp = new TcpTable();
  private udp = new Map<string, number>();
  private udpNext = 0;

  udpStream(ctx: Ctx, sp: number, dp: number): number {
    const a = (ctx.ipVersion === 4 ? String(ctx.ip4Src) : addr6(ctx.ip6Src)) + ':' + sp;
    const b = (ctx.ipVersion === 4 ? String(ctx.ip4Dst) : addr6(ctx.ip6Dst)) + ':' + dp;
    const key = a <= b ? a + '|' + b : b + '|' + a;
    let n = this.udp.get(key);
    if (n === undefined) {
      n = this.udpNext++;
      if (this.udp.size >= MAX_UDP_STREAMS) this.udp.delete(this.udp.keys().next().value as string);
      this.udp.set(key, n);
    }
    return n;
  }
}

function addr6(b: Uint8Array | null): string {
  if (!b) return '';
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] + 48);
  return s;
}
