import { fnv1a } from "./text/match.js";

/**
 * Random numbers that a seed fixes, for the choices brain makes by chance
 * (exploration): the same seed always gives the same sequence, on every
 * platform, so a test pins a choice by pinning the seed.
 */

/** A generator of numbers in [0, 1) from a seed (mulberry32 over the seed's FNV-1a hash). */
export function seededRandom(seed: string): () => number {
  let state = fnv1a(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
