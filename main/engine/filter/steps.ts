// Long passes over a capture (re-filtering, sorting) written once as
// generators that yield how much work they have done since the last yield,
// then either run to the end at once (finish: tests, benchmarks, the CLI)
// or in slices (runSliced: the engine thread, which must keep answering
// getStatus and cancelOpen while a filter runs over millions of packets).

/** A pass: yields units of work done (a packet, a value judged, ...), returns its result. */
export type Steps<T> = Generator<number, T, void>;

/**
 * A slice ends after this many units, or sooner once SLICE_MS have passed:
 * the count makes the number of slices of a pass predictable, the time keeps
 * slices short when units are slow (a regular expression over long values).
 */
export const SLICE_UNITS = 4096;
export const SLICE_MS = 8;

/** Runs a pass to its end without a break. */
export function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Runs a pass in slices, giving the event loop a turn between them (so
 * requests queued meanwhile are answered), and drops it as soon as live()
 * turns false (a newer filter or sort, a cancel, another capture): then
 * the result is { done: false } and nothing of the pass is kept.
 */
export async function runSliced<T>(steps: Steps<T>, live: () => boolean): Promise<{ done: true; value: T } | { done: false }> {
  let units = 0;
  let start = Date.now();
  for (;;) {
    if (!live()) { steps.return(undefined as never); return { done: false }; }
    const r = steps.next();
    if (r.done) return { done: true, value: r.value };
    units += r.value;
    if (units >= SLICE_UNITS || Date.now() - start >= SLICE_MS) {
      await turn();
      units = 0;
      start = Date.now();
    }
  }
}
