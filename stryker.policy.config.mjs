// policy/ but the engine, in mocha's own process: the pack's helpers (pack/), one rule per file
// (rules/), the type tokens, the pack's decode-once layer, and the engine files only the pack runs.
// The rule tests run the real policies through the policy SDK's own Analyze/AnalyzeStack handlers
// (test/support/rule-harness.ts), so Stryker's per-test coverage sees which test reaches each mutant
// and runs only those (milliseconds each, not a pack server run).
//
// The program's snapshots are collected once per test runner and kept across mutants: no file
// mutated here runs in the program. The rest of the engine is scored by stryker.engine.config.mjs,
// the pack's entry files (index.ts, policies.ts), which run only in the pack server's process, by
// stryker.pack.config.mjs.
import { base, outputs } from "./stryker.config.mjs";
import { PACK_ONLY_ENGINE } from "./stryker.engine.config.mjs";
import { STATIC_ONLY } from "./stryker.static.config.mjs";

export default {
  ...base,
  mutate: [
    "policy/*.ts",
    "policy/pack/*.ts",
    "policy/rules/*.ts",
    ...PACK_ONLY_ENGINE,
    "!policy/index.ts",
    "!policy/policies.ts",
    ...STATIC_ONLY.map((f) => `!${f}`),
  ],
  mochaOptions: {
    ...base.mochaOptions,
    spec: ["test/policy/rules/**/*.test.ts", "test/policy/wire-memory.test.ts"],
  },
  ...outputs("policy"),
};
