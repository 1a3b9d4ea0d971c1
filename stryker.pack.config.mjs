// The pack's own files run only inside the pack's process (served over the analyzer protocol, as
// the CLI does), where Stryker cannot record which test reached a mutant. So coverage analysis is
// off and each mutant runs the pack's tests, which stop at the first failure.
import { base } from "./stryker.config.mjs";

const out = ".parity/mutation";

export default {
  ...base,
  mutate: ["policy/config.ts", "policy/files.ts", "policy/parity.ts", "policy/replacement-hazards.ts", "policy/resources.ts", "policy/safety.ts", "policy/security.ts"],
  coverageAnalysis: "off",
  mochaOptions: { ...base.mochaOptions, spec: ["test/policy/policies.test.ts"] },
  incrementalFile: `${out}/pack-incremental.json`,
  htmlReporter: { fileName: `${out}/pack.html` },
  jsonReporter: { fileName: `${out}/pack.json` },
};
