// Status goes to the faces at most every 50 ms: a burst of packets, a
// filter pass and a sort each ask for a push, one event carries them all.
import type { EngineEvent, Status } from '../../api/index';

const STATUS_INTERVAL_MS = 50;

export class StatusPusher {
  private timer: NodeJS.Timeout | null = null;
  private lastAt = 0;

  constructor(private readonly emit: (ev: EngineEvent) => void, private readonly status: () => Status) {}

  /** Push status now if the last push is older than 50 ms, else once the 50 ms are up. */
  push(now = false): void {
    const since = Date.now() - this.lastAt;
    if (now || since >= STATUS_INTERVAL_MS) {
      if (this.timer) { clearTimeout(this.timer); this.timer = null; }
      this.lastAt = Date.now();
      this.emit({ event: 'status', data: this.status() });
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => { this.timer = null; this.push(true); }, STATUS_INTERVAL_MS - since);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** A generation number: bumps whenever the displayed list is rebuilt, across sources. */
export class Generation {
  value = 0;
  next(): number { return ++this.value; }
}
