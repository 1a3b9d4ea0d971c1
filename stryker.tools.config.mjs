// tools/ (`npm run mutate:tools`): the offline CLI's stack files, the parity report and the smoke
// checks. Their tests run programs and CLIs in child processes: test/mutation/child-mutants.ts hands
// each child the active mutant, and test/hooks.ts releases the shared program hosts and pack servers
// after every run, so none outlives the mutant it was made under. Per-test coverage still sees the
// code the tests call in mocha's own process, which is where most of tools/ runs.
import { base, outputs } from "./stryker.config.mjs";

export default {
  ...base,
  mutate: ["tools/simulator/stack-config.ts", "tools/parity/**/*.ts", "tools/smoke/checks.ts"],
  mochaOptions: {
    ...base.mochaOptions,
    spec: [
      "test/stack-file-errors.test.ts",
      "test/passphrase.test.ts",
      "test/engine.test.ts",
      "test/stack-config.test.ts",
      "test/smoke.test.ts",
      "test/smoke-checks.test.ts",
      "test/parity-report*.test.ts",
      "test/stack-export.test.ts",
    ],
    require: ["ts-node/register/transpile-only", "./test/hooks.ts", "./test/mutation/child-mutants.ts"],
  },
  ...outputs("tools"),
};
