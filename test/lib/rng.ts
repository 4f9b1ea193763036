// mulberry32: a small seeded PRNG for fuzzing and generated captures, so a
// failing case can be replayed from its seed.
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The seed a randomised test uses: $XDPSCOPE_SEED when set (to replay a
 * failure or try other cases), else the test's fixed default, so the suite
 * is the same on every run. The seed is printed, so every failure names it.
 */
export function testSeed(name: string, fallback: number): number {
  const given = process.env.XDPSCOPE_SEED;
  const seed = given !== undefined && given !== '' ? Number(given) >>> 0 : fallback;
  console.log(`# ${name}: seed ${seed} (replay with XDPSCOPE_SEED=${seed})`);
  return seed;
}
