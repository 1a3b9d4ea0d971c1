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
    "policy/access-logging.ts",
    "policy/config.ts",
    "policy/declared.ts",
    "policy/files.ts",
    "policy/floor-access.ts",
    "policy/floor-network.ts",
    "policy/floor-view.ts",
    "policy/parity.ts",
    "policy/raw.ts",
    "policy/references.ts",
    "policy/replacement-hazards.ts",
    "policy/resources.ts",
    "policy/safety.ts",
    "policy/security.ts",
    "policy/shared-secrets.ts",
    "policy/show-value.ts",
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
