// Binary search in an ascending array of numbers (typed arrays of frame
// numbers, packet indexes, MAC prefixes), shared so that each caller does
// not carry its own copy of the loop.

/** The index of `x` among the first `n` entries of ascending `a`, -1 when absent. */
export function indexOfSorted(a: ArrayLike<number>, x: number, n = a.length): number {
  let lo = 0, hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = a[mid];
    if (v === x) return mid;
    if (v < x) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}
