// The pack's rules, in mocha's own process: test/support/rule-harness.ts runs the real policies
// through the policy SDK's own Analyze/AnalyzeStack handlers, so Stryker's per-test coverage sees
// which rule test reaches each mutant and runs only those (milliseconds each, not a pack server run).
//
// The program's snapshots are collected once per test runner and kept across mutants (no
// test/hooks.ts, no child-mutants.ts): no file mutated here runs in the program, and the rule tests
// never start a pack server. stryker.pack.config.mjs keeps the pack's entry files, which run only in
// the pack's process, with the end-to-end tests.
import { base } from "./stryker.config.mjs";

const out = ".parity/mutation";

export default {
  ...base,
  mutate: [
    // the pack's view of resources, its files and config, and the engine parts only the pack runs
    "policy/pack/*.ts",
    "policy/engine/comparable.ts",
    "policy/engine/provider-defaults.ts",
    "policy/engine/references.ts",
    // the rules, one policy per file
    "policy/rules/*.ts",
  ],
  coverageAnalysis: "perTest",
  ignoreStatic: true,
  mochaOptions: {
    ...base.mochaOptions,
    spec: ["test/policy/rules/**/*.test.ts"],
    require: ["ts-node/register/transpile-only"],
  },
  incrementalFile: `${out}/rules-incremental.json`,
  htmlReporter: { fileName: `${out}/rules.html` },
  jsonReporter: { fileName: `${out}/rules.json` },
};
