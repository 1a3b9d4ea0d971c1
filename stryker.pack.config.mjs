// The pack's own files run only inside the pack's process (served over the analyzer protocol, as
// the CLI does), where Stryker cannot record which test reached a mutant. So coverage analysis is
// off and each mutant runs the tests that go through the pack, which stop at the first failure.
//
// A survivor costs a whole run of those tests; to score one policy at a time, narrow the tests
// with a mocha grep through the environment, e.g.
//   PARITY_MUTATE_GREP=replacement-hazards npx stryker run stryker.pack.config.mjs \
//     --mutate policy/rules/replacement-hazards.ts --concurrency 1 --checkers ""
import process from "node:process";
import { base } from "./stryker.config.mjs";

const out = ".parity/mutation";
const grep = process.env.PARITY_MUTATE_GREP;

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
  coverageAnalysis: "off",
  mochaOptions: {
    ...base.mochaOptions,
    spec: [
      "test/policy/policies.test.ts",
      "test/policy/master-secret.test.ts",
      "test/policy/masking.test.ts",
      "test/policy/real-state.test.ts",
      "test/policy/known-differences-scope.test.ts",
      "test/policy/security-floor.test.ts",
    ],
    ...(grep ? { grep } : {}),
  },
  incrementalFile: `${out}/pack-incremental.json`,
  htmlReporter: { fileName: `${out}/pack.html` },
  jsonReporter: { fileName: `${out}/pack.json` },
};
