// The pack's entry files, which run only inside the pack's process (served over the analyzer
// protocol, as the CLI does): index.ts, and policies.ts as that process loads it. index.ts holds two
// statements (install wire-memory.ts, serve the pack), where Stryker plants no mutant; its work is
// held by test/policy/wire-memory.test.ts, which compares the served pack with one served without it.
// In the pack's process Stryker cannot record which test reached a mutant, so coverage analysis is
// off and each mutant runs the end-to-end tests that go through the pack, which stop at the first
// failure. The rules themselves are scored in process by stryker.policy.config.mjs.
import { base, outputs, withChildProcesses } from "./stryker.config.mjs";

export default {
  ...base,
  mutate: ["policy/index.ts", "policy/policies.ts"],
  coverageAnalysis: "off",
  ignoreStatic: false,
  mochaOptions: {
    ...base.mochaOptions,
    spec: ["test/policy/pack-layout.test.ts", "test/policy/policies.test.ts", "test/policy/rule-harness.test.ts"],
    ...withChildProcesses,
  },
  ...outputs("pack"),
};
