// The pack's own files run only inside the pack's process (served over the analyzer protocol, as
// the CLI does), where Stryker cannot record which test reached a mutant. So coverage analysis is
// off and each mutant runs the tests that go through the pack, which stop at the first failure.
//
// A survivor costs a whole run of those tests; to score one policy at a time, narrow the tests
// with a mocha grep through the environment, e.g.
//   PARITY_MUTATE_GREP=replacement-hazards npx stryker run stryker.pack.config.mjs \
//     --mutate policy/replacement-hazards.ts --concurrency 1 --checkers ""
import process from "node:process";
import { base } from "./stryker.config.mjs";

const out = ".parity/mutation";
const grep = process.env.PARITY_MUTATE_GREP;

export default {
  ...base,
  mutate: [
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
