// Live commands (capture, insights) end their capture on Ctrl-C or SIGTERM
// and must let go of both handlers when done, or a later signal would call
// into a finished run instead of ending the process.

/** Calls `stop` on SIGINT and SIGTERM until the returned function is called. */
export function stopOnSignals(stop: () => void): () => void {
  const onSignal = () => stop();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** What ends a live run from outside: a signal, or its -a duration once the capture attached. */
export interface LiveStops {
  /** The capture attached: -a counts from here (as dumpcap's does), since loading the programs can take seconds on a loaded machine and a stop sent meanwhile would end a run that never saw a packet. */
  attached(): void;
  /** Lets go of the signal handlers and the duration's timer. */
  release(): void;
}

/** Calls `stop` on SIGINT/SIGTERM, and `durationMs` after `attached()` when given, until `release()`. */
export function liveStops(stop: () => void, durationMs: number | undefined): LiveStops {
  const releaseSignals = stopOnSignals(stop);
  let timer: NodeJS.Timeout | null = null;
  let released = false;
  return {
    attached() {
      if (durationMs !== undefined && timer === null && !released) timer = setTimeout(stop, durationMs);
    },
    release() {
      released = true;
      if (timer !== null) clearTimeout(timer);
      releaseSignals();
    },
  };
}
