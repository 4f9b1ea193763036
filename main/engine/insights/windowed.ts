// What the detectors that count per-key windows (DNS tunnels, reflection, beacons,
// login failures) share: a bounded map of windows whose eviction closes the
// window, closed alerts capped at maxAlerts, and alerts() as the closed ones
// followed by those still counting (ongoing until the input is flushed).
import type { Alert } from './alert';
import type { Detector } from './detector';
import type { Dissection } from '../types';
import type { PacketFacts } from './facts';
import { LruMap } from './sketch';

/** A window: `id` is set once it crossed its threshold (it is an alert then). */
export interface Window {
  id: string | null;
}

export abstract class WindowedDetector<W extends Window> implements Detector {
  protected readonly wins: LruMap<string, W>;
  protected readonly done: Alert[] = [];
  protected seq = 0;
  private flushed = false;
  protected get isFlushed(): boolean { return this.flushed; }

  constructor(maxSources: number, protected readonly maxAlerts: number) {
    this.wins = new LruMap(maxSources, (_k, w) => this.retire(w));
  }

  abstract add(f: PacketFacts, d: Dissection): void;

  protected abstract toAlert(w: W, ongoing: boolean): Alert;

  /** Closes a window: an alert it raised is kept (while under the cap). */
  protected retire(w: W): void {
    if (w.id !== null && this.done.length < this.maxAlerts) this.done.push(this.toAlert(w, false));
    w.id = null;
  }

  flush(): void {
    this.flushed = true;
  }

  alerts(): Alert[] {
    const live: Alert[] = [];
    for (const w of this.wins.map.values()) if (w.id !== null) live.push(this.toAlert(w, !this.flushed));
    return this.done.concat(live);
  }
}
