/** A small seeded generator (mulberry32): a run printed with its seed can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed named by an environment variable, else a fresh one. */
export const seedFrom = (value: string | undefined): number => (value ? Number(value) : Math.floor(Math.random() * 1_000_000));
