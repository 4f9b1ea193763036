// A loaded capture's service thread gives back its young generation. While a
// big file loads, V8 grows the thread's semi-spaces to their largest (16 MiB
// each) and shrinks them only at a scavenge that finds allocation slow; a
// server browsing the loaded file seldom allocates enough to scavenge, so
// ~30 MB stayed committed for nothing (bench/RESULTS.md: a 1M-packet open,
// new space 32 MB of a 61 MB heap). One scavenge once the allocation rate has
// dropped lets V8 shrink them. V8 judges the rate from the bytes allocated
// since its previous collection: the first scavenge after a load still counts
// the load's tail, so it is tried again, a few seconds apart, a few times.
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** how long after a load (and between tries) the scavenge runs: V8 measures allocation throughput over ~5 s */
export const SETTLE_MS = 6000;
/** scavenges tried before giving up (the server is busy: its young generation is in use) */
const TRIES = 3;
/** new space at most this big is settled (V8 starts it at 1 MiB a semi-space) */
const SETTLED_BYTES = 8 << 20;

const newSpaceBytes = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? 0;

type Gc = (opts?: { type: 'minor' | 'major' }) => void;
let gc: Gc | null | undefined;

/** V8's gc(), from a context made while --expose-gc was on (the flag is put back: no other context gets it). */
function gcFunction(): Gc | null {
  if (gc !== undefined) return gc;
  const global = (globalThis as { gc?: Gc }).gc;
  if (typeof global === 'function') return (gc = global);
  try {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as Gc;
  } catch {
    gc = null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return gc;
}

let timer: NodeJS.Timeout | null = null;

/** After a load: a scavenge SETTLE_MS from now, again until new space is small (a later call starts over); never keeps the process alive. */
export function settleHeapSoon(ms = SETTLE_MS, tries = TRIES): void {
  if (timer) clearTimeout(timer);
  timer = null;
  if (tries <= 0 || newSpaceBytes() <= SETTLED_BYTES) return;
  timer = setTimeout(() => {
    timer = null;
    try { gcFunction()?.({ type: 'minor' }); } catch { return; /* memory only: nothing depends on it */ }
    settleHeapSoon(ms, tries - 1);
  }, ms);
  timer.unref();
}
