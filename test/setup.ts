// Property tests draw their cases from one seed, so a run of `npm test` is
// the same run on every machine and every day, and a failure found in CI is
// found again at home. `BRAIN_TEST_SEED=<n>` replays another seed;
// `BRAIN_TEST_SEED=random` draws a new one (printed by fast-check when a
// property fails) to explore beyond the fixed cases.
import fc from "fast-check";

const chosen = process.env.BRAIN_TEST_SEED;
if (chosen !== "random") {
  const seed = chosen === undefined || chosen === "" ? 20261130 : Number(chosen);
  if (!Number.isSafeInteger(seed)) throw new Error(`BRAIN_TEST_SEED must be a whole number or "random"; got ${JSON.stringify(chosen)}`);
  fc.configureGlobal({ seed });
}
