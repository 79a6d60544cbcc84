/** Small deterministic PRNG (mulberry32) so a seeded library is the same on every run. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  };
}
export type Random = ReturnType<typeof createRandom>;

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** A Real-Debrid style id: 13 characters of [A-Z2-7]. */
export function rdId(random: Random): string {
  let id = "";
  for (let i = 0; i < 13; i++) id += BASE32[random.int(0, 31)];
  return id;
}

export function hexHash(random: Random): string {
  let hash = "";
  for (let i = 0; i < 40; i++) hash += "0123456789abcdef"[random.int(0, 15)];
  return hash;
}
