// The pack's entry files, which run only inside the pack's process (served over the analyzer
// protocol, as the CLI does): index.ts, and policies.ts as that process loads it. There Stryker
// cannot record which test reached a mutant, so coverage analysis is off and each mutant runs the
// end-to-end tests that go through the pack, which stop at the first failure. The rules themselves
// are scored in process by stryker.rules.config.mjs, in seconds per mutant.
import { base } from "./stryker.config.mjs";

const out = ".parity/mutation";

export default {
  ...base,
  mutate: ["policy/index.ts", "policy/policies.ts"],
  coverageAnalysis: "off",
  mochaOptions: {
    ...base.mochaOptions,
    spec: ["test/policy/policies.test.ts", "test/policy/rule-harness.test.ts"],
  },
  incrementalFile: `${out}/pack-incremental.json`,
  htmlReporter: { fileName: `${out}/pack.html` },
  jsonReporter: { fileName: `${out}/pack.json` },
};
