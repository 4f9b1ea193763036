// Live capture for the service: drives the capture engine
// (main/engine/capture: the privileged helper and its stream) and turns
// its batches and events into callbacks.
import { readFileSync } from 'node:fs';
import type { CaptureInterface, RawPacket } from '../types';
import type { CaptureOptions, InterfaceInfo } from '../../api/types';
import { LinkType } from '../types';
import * as Capture from '../capture/index';

export interface LiveCallbacks {
  onBatch(batch: readonly RawPacket[]): void;
  onInterfaces(ifs: CaptureInterface[]): void;
  /** the helper's program is attached: packets from now on are captured */
  onAttached?(): void;
  /** the helper's counters (ring drops, seen, sampled out), at least once a second */
  onStats(stats: Capture.CaptureStats): void;
  onError(err: { message: string; kind: string }): void;
  onExit(): void;
  /** the helper is attached (hello) / has exited: the block list drops through it meanwhile */
  onHelper?(h: Capture.HelperCapture, hello: Capture.HelloInfo): void;
  onHelperGone?(h: Capture.HelperCapture): void;
}

/** longest run of batches between two turns of the event loop (the list updates at least 5 times a second) */
const PUMP_SLICE_MS = 50;

/** helper exit codes (helper/PROTOCOL.md) → what the UI says about them */
const KIND_BY_CODE: Record<number, string> = { 2: 'capture', 3: 'permission', 4: 'capture', 5: 'xdp-conflict', 6: 'capture', 7: 'filter' };

/** received-packets counter from sysfs (this process's network namespace) */
function rxPackets(name: string): number {
  try { return Number(readFileSync(`/sys/class/net/${name}/statistics/rx_packets`, 'utf8').trim()) || 0; } catch { return 0; }
}

export class LiveCapture {
  private session: Capture.HelperCapture | null = null;
  private pump: Promise<void> | null = null;
  private reported = false;

  constructor(private readonly opts: CaptureOptions, private readonly cb: LiveCallbacks) {}

  static async listInterfaces(): Promise<InterfaceInfo[]> {
    const list = await Capture.listInterfaces();
    return list.map((i) => {
      const info: InterfaceInfo = {
        name: i.name,
        addresses: i.addresses.map((a) => `${a.address}/${a.prefixlen}`),
        up: i.up,
        rxPackets: rxPackets(i.name),
      };
      if (i.xdp && !/xdpscope/i.test(i.xdp.name ?? '')) {
        info.xdpWarning = `XDP program attached (id ${i.xdp.id}${i.xdp.name ? `, ${i.xdp.name}` : ''}, ${i.xdp.mode}): never replaced; ` +
          'a capture traces it (xdp.action of every frame) where the kernel allows, else records only what it passes';
        info.xdpProgram = { id: i.xdp.id, name: i.xdp.name, mode: i.xdp.mode };
      }
      return info;
    });
  }

  private error(message: string, code: number | null | undefined): void {
    if (this.reported) return;
    this.reported = true;
    this.cb.onError({ message, kind: (code != null && KIND_BY_CODE[code]) || (/privilege|permission|CAP_/i.test(message) ? 'permission' : 'capture') });
  }

  async start(): Promise<void> {
    let s: Capture.HelperCapture;
    try {
      s = Capture.startCapture({
        iface: this.opts.iface,
        mode: this.opts.mode ?? 'auto',
        direction: this.opts.direction ?? 'inout',
        ...(this.opts.snaplen ? { snaplen: this.opts.snaplen } : {}),
        ...(this.opts.captureFilter ? { filter: this.opts.captureFilter } : {}),
      });
    } catch (e) {
      // Refused before the helper ran (e.g. the filter's length): reported
      // as the helper's own refusal would be, with its kind.
      if (!(e instanceof Error) || typeof (e as Capture.CaptureError).code !== 'number') throw e;
      this.error(e.message, (e as Capture.CaptureError).code);
      this.cb.onExit();
      return;
    }
    this.session = s;
    this.cb.onInterfaces([{ id: 0, linkType: LinkType.ETHERNET, snaplen: this.opts.snaplen ?? 262144, name: this.opts.iface }]);
    s.on('hello', (h: Capture.HelloInfo) => {
      this.cb.onInterfaces([{ id: 0, linkType: h.linkType, snaplen: h.snaplen, name: h.ifname }]);
      this.cb.onAttached?.();
      this.cb.onHelper?.(s, h);
    });
    s.on('stats', (st: Capture.CaptureStats) => this.cb.onStats(st));
    s.on('error', (e: Capture.CaptureError) => this.error(e.message, e.code));
    this.pump = (async () => {
      try {
        let turned = Date.now();
        for await (const batch of s) {
          this.cb.onBatch(batch);
          // a queue that stays full would keep this loop on microtasks: status, rows and calls wait for a turn
          if (Date.now() - turned >= PUMP_SLICE_MS) { await new Promise<void>((r) => setImmediate(r)); turned = Date.now(); }
        }
      } catch (e) {
        this.error(e instanceof Error ? e.message : String(e), (e as Capture.CaptureError).code);
      } finally {
        this.cb.onHelperGone?.(s);
        this.cb.onExit();
      }
    })();
  }

  /** The engine is behind the helper: its queue is full and the helper waits (the kernel ring fills, then drops). */
  get behind(): boolean { return this.session?.readingPaused ?? false; }

  /** Detach XDP, drain the ring, wait for the helper to exit. */
  async stop(): Promise<void> {
    const s = this.session;
    if (!s) return;
    await s.stop();
    await this.pump;
  }
}
