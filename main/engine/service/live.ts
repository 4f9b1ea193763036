// Live capture for the service: drives the capture engine's session
// (main/engine/capture) and turns its batches and events into callbacks.
import type { CaptureInterface, RawPacket } from '../types';
import type { CaptureOptions, InterfaceInfo } from '../../api/types';
import { LinkType } from '../types';

export interface LiveCallbacks {
  onBatch(batch: readonly RawPacket[]): void;
  onInterfaces(ifs: CaptureInterface[]): void;
  /** kernel-ring drops so far */
  onStats(dropped: number): void;
  onError(err: { message: string; kind: string }): void;
  onExit(): void;
}

function capture(): any {
  try {
    return require('../capture/index');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') throw new Error('the capture engine is not installed in this build', { cause: e });
    throw e;
  }
}

export class LiveCapture {
  private session: any = null;
  private pump: Promise<void> | null = null;

  constructor(private readonly opts: CaptureOptions, private readonly cb: LiveCallbacks) {}

  static async listInterfaces(): Promise<InterfaceInfo[]> {
    const list: any[] = await capture().listInterfaces();
    return list.map((i) => ({
      name: String(i.name),
      addresses: (i.addresses ?? i.addrs ?? []).map((a: any) => (typeof a === 'string' ? a : String(a.address ?? a.addr ?? a))),
      up: Boolean(i.up ?? (i.state ? /up/i.test(String(i.state)) : i.operState ? /up/i.test(String(i.operState)) : false)),
      rxPackets: Number(i.rxPackets ?? i.stats?.rxPackets ?? i.rx_packets ?? 0),
      ...(xdpWarningOf(i) ? { xdpWarning: xdpWarningOf(i) } : {}),
    }));
  }

  async start(): Promise<void> {
    const s = await capture().startCapture({
      iface: this.opts.iface,
      interface: this.opts.iface,
      filter: this.opts.captureFilter || undefined,
      captureFilter: this.opts.captureFilter || undefined,
      snaplen: this.opts.snaplen,
      mode: this.opts.mode ?? 'auto',
    });
    this.session = s;
    this.cb.onInterfaces([{ id: 0, linkType: LinkType.ETHERNET, snaplen: this.opts.snaplen ?? 262144, name: this.opts.iface }]);
    if (typeof s.on === 'function') {
      s.on('hello', (h: any) => { if (Array.isArray(h?.interfaces)) this.cb.onInterfaces(h.interfaces); });
      s.on('stats', (st: any) => this.cb.onStats(Number(st?.dropped ?? st?.kernelDropped ?? st?.ringDropped ?? 0)));
      s.on('error', (e: any) => this.cb.onError({ message: e?.message ?? String(e), kind: e?.kind === 'permission' || /EPERM|permission|capabilit/i.test(String(e?.message ?? e)) ? 'permission' : 'capture' }));
    }
    const iter: AsyncIterable<RawPacket[]> = typeof s.batches === 'function' ? s.batches() : s;
    this.pump = (async () => {
      try {
        for await (const batch of iter) this.cb.onBatch(batch);
      } catch (e) {
        this.cb.onError({ message: e instanceof Error ? e.message : String(e), kind: 'capture' });
      } finally {
        this.cb.onExit();
      }
    })();
  }

  async stop(): Promise<void> {
    const s = this.session;
    if (!s) return;
    await s.stop?.();
    await this.pump;
  }
}

function xdpWarningOf(i: any): string | undefined {
  if (typeof i.xdpWarning === 'string') return i.xdpWarning;
  const progs = i.xdpPrograms ?? i.xdp ?? i.attachedXdp;
  if (Array.isArray(progs) && progs.length) {
    const foreign = progs.filter((p: any) => !/xdpscope/i.test(String(p.name ?? p)));
    if (foreign.length) return `XDP program attached: ${foreign.map((p: any) => p.name ?? p.id ?? String(p)).join(', ')}`;
  } else if (progs && typeof progs === 'object' && !/xdpscope/i.test(String(progs.name ?? ''))) {
    return `XDP program attached: ${progs.name ?? progs.id ?? 'unknown'}`;
  }
  return undefined;
}
