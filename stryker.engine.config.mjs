// The comparison engine (policy/engine/), which the pack's stack policies and tools/parity both run,
// scored by its own unit tests in mocha's own process. The rule tests reach the engine too, but
// through whole-stack comparisons (~0.1–0.3 s a test, dozens per mutant); the unit tests pin each
// function's contract in milliseconds. The three engine files only the pack runs (comparable,
// provider-defaults, references) are scored with the rules, by stryker.policy.config.mjs.
import { base, outputs } from "./stryker.config.mjs";

export const PACK_ONLY_ENGINE = [
  "policy/engine/comparable.ts",
  "policy/engine/provider-defaults.ts",
  "policy/engine/references.ts",
];

export default {
  ...base,
  mutate: ["policy/engine/*.ts", ...PACK_ONLY_ENGINE.map((f) => `!${f}`)],
  mochaOptions: {
    ...base.mochaOptions,
    spec: [
      "test/policy/compare.test.ts",
      "test/policy/contract.test.ts",
      "test/policy/flatten.test.ts",
      "test/policy/lock.test.ts",
      "test/policy/known-differences.test.ts",
      "test/policy/known-differences-scope.test.ts",
      "test/policy/shared-secrets.test.ts",
      "test/hostile/show-value.test.ts",
    ],
  },
  ...outputs("engine"),
};
